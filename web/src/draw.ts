// Drawing the plane: the plane ↔ pixel mapping, the contour map (bands, lines, gradient
// field) rendered once per f and view into an offscreen layer, and the critical points'
// markers. The plain canvas primitives (lines, dots, arrows) are in canvas.ts.
import { arrow } from "./canvas.js";
import { marchingSquares } from "./contours.js";
import type { View } from "./fn.js";
import { BAND_HIGH, BAND_LOW, CONTOUR, KIND_STYLE } from "./palette.js";

/** The canvas's size in CSS pixels and the view it shows. */
export interface Frame {
  view: View;
  width: number;
  height: number;
}

/**
 * Plane → CSS pixels.
 *
 * @example
 * toPixel(frame, 0, 0); // the centre of a symmetric view
 */
export function toPixel(fr: Frame, x: number, y: number): [number, number] {
  const { view: v } = fr;
  return [((x - v.x0) / (v.x1 - v.x0)) * fr.width, (1 - (y - v.y0) / (v.y1 - v.y0)) * fr.height];
}

/**
 * CSS pixels → plane.
 *
 * @example
 * toPlane(frame, frame.width / 2, frame.height / 2); // the view's centre
 */
export function toPlane(fr: Frame, px: number, py: number): [number, number] {
  const { view: v } = fr;
  return [v.x0 + (px / fr.width) * (v.x1 - v.x0), v.y0 + (1 - py / fr.height) * (v.y1 - v.y0)];
}

/**
 * Grid coordinates (i, j of an n×n grid over the view) → CSS pixels.
 *
 * @example
 * gridToPixel(frame, 199, 0, 200); // [width, height]: the bottom-right corner
 */
function gridToPixel(fr: Frame, i: number, j: number, n: number): [number, number] {
  return [(i / (n - 1)) * fr.width, (1 - j / (n - 1)) * fr.height];
}

/**
 * Filled bands between `levels` as a small n×n image, to be scaled onto the canvas.
 *
 * @example
 * ctx.drawImage(bandImage(values, 200, levels), 0, 0, w, h);
 */
export function bandImage(values: Float64Array, n: number, levels: readonly number[]): OffscreenCanvas {
  const img = new ImageData(n, n);
  const top = Math.max(1, levels.length);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = values[j * n + i]!;
      let band = 0;
      while (band < levels.length && v > levels[band]!) band++;
      const t = Number.isFinite(v) ? band / top : 1;
      // Image rows run top to bottom; grid rows bottom to top.
      const k = 4 * ((n - 1 - j) * n + i);
      for (let c = 0; c < 3; c++) img.data[k + c] = Math.round(BAND_LOW[c]! + t * (BAND_HIGH[c]! - BAND_LOW[c]!));
      img.data[k + 3] = 255;
    }
  }
  const canvas = new OffscreenCanvas(n, n);
  canvas.getContext("2d")!.putImageData(img, 0, 0);
  return canvas;
}

/**
 * Strokes the level sets of a grid of values (one path for all levels).
 *
 * @example
 * strokeContours(ctx, frame, values, 200, levels, "#5c5c5c", []);
 */
export function strokeContours(ctx: CanvasRenderingContext2D, fr: Frame, values: Float64Array, n: number, levels: readonly number[], color: string, dash: number[], width = 1): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  for (const level of levels) {
    for (const [i0, j0, i1, j1] of marchingSquares(values, n, level)) {
      ctx.moveTo(...gridToPixel(fr, i0, j0, n));
      ctx.lineTo(...gridToPixel(fr, i1, j1, n));
    }
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * The gradient field: ∇f's direction on a coarse lattice, length growing with ‖∇f‖.
 * `grads` holds [gx, gy] per lattice point, row by row from the bottom.
 *
 * @example
 * gradientField(ctx, frame, grads, 16);
 */
export function gradientField(ctx: CanvasRenderingContext2D, fr: Frame, grads: Float64Array, m: number): void {
  let largest = 0;
  for (let k = 0; k < m * m; k++) {
    const norm = Math.hypot(grads[2 * k]!, grads[2 * k + 1]!);
    if (Number.isFinite(norm)) largest = Math.max(largest, norm);
  }
  if (!(largest > 0)) return;
  const cell = Math.min(fr.width, fr.height) / m;
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < m; i++) {
      const gx = grads[2 * (j * m + i)]!;
      const gy = grads[2 * (j * m + i) + 1]!;
      const norm = Math.hypot(gx, gy);
      if (!(norm > 0 && Number.isFinite(norm))) continue;
      // A square root keeps small gradients visible next to Rosenbrock's walls.
      const len = 0.45 * cell * (0.3 + 0.7 * Math.sqrt(norm / largest));
      const cx = ((i + 0.5) / m) * fr.width;
      const cy = (1 - (j + 0.5) / m) * fr.height;
      const ux = gx / norm;
      const uy = -gy / norm;
      arrow(ctx, cx - (ux * len) / 2, cy - (uy * len) / 2, cx + (ux * len) / 2, cy + (uy * len) / 2, CONTOUR, 1, 4);
    }
  }
}

/**
 * A critical point's marker: its kind's shape and colour.
 *
 * @example
 * kindMarker(ctx, 100, 100, "saddle");
 */
export function kindMarker(ctx: CanvasRenderingContext2D, px: number, py: number, kind: string): void {
  const style = KIND_STYLE[kind] ?? KIND_STYLE.degenerate!;
  const r = 7;
  ctx.save();
  ctx.fillStyle = style.color;
  ctx.strokeStyle = style.shape === "cross" ? style.color : "#ffffff";
  ctx.lineWidth = style.shape === "cross" ? 3 : 1.5;
  ctx.beginPath();
  if (style.shape === "cross") {
    ctx.moveTo(px - r, py - r);
    ctx.lineTo(px + r, py + r);
    ctx.moveTo(px + r, py - r);
    ctx.lineTo(px - r, py + r);
    ctx.stroke();
  } else {
    const pts: [number, number][] =
      style.shape === "up" ? [[0, -r], [r, r], [-r, r]] : style.shape === "down" ? [[0, r], [r, -r], [-r, -r]] : [[0, -r], [r, 0], [0, r], [-r, 0]];
    pts.forEach(([dx, dy], k) => (k === 0 ? ctx.moveTo(px + dx, py + dy) : ctx.lineTo(px + dx, py + dy)));
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}
