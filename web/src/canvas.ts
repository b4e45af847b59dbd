// Canvas primitives in CSS pixels, shared by the map and the two plots: a canvas sized
// for the screen's pixel density, and the lines, dots and arrows everything is drawn with.
import type { LineStyle } from "./palette.js";

/**
 * The canvas's 2-D context in CSS pixels, its backing store matched to width × height CSS
 * pixels × devicePixelRatio (sharp on high-density screens). The store is only resized
 * when the size changed, since resizing clears it; callers that redraw clear it themselves.
 *
 * @example
 * const ctx = sized(canvas); // canvas.clientWidth × canvas.clientHeight
 */
export function sized(canvas: HTMLCanvasElement, width = canvas.clientWidth, height = canvas.clientHeight): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/**
 * Erases the whole canvas (its backing store, whatever the transform).
 *
 * @example
 * clearCanvas(document.querySelector("canvas")!);
 */
export function clearCanvas(canvas: HTMLCanvasElement): void {
  canvas.getContext("2d")?.clearRect(0, 0, canvas.width, canvas.height);
}

/**
 * Strokes the open polyline through `points` (CSS pixels) in `style`.
 *
 * @example
 * polyline(ctx, [[0, 0], [50, 20], [100, 0]], { color: "#000000", dash: [] }, 2);
 */
export function polyline(ctx: CanvasRenderingContext2D, points: readonly (readonly [number, number])[], style: LineStyle, width: number): void {
  ctx.save();
  ctx.strokeStyle = style.color;
  ctx.setLineDash(style.dash);
  ctx.lineWidth = width;
  ctx.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.stroke();
  ctx.restore();
}

/**
 * A disc of radius r at (x, y) in CSS pixels: filled, outlined, or both.
 *
 * @example
 * disc(ctx, 100, 100, 7, { fill: "#ffffff", stroke: "#0072B2", width: 2 });
 */
export function disc(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, paint: { fill?: string; stroke?: string; width?: number }): void {
  ctx.save();
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (paint.fill) {
    ctx.fillStyle = paint.fill;
    ctx.fill();
  }
  if (paint.stroke) {
    ctx.strokeStyle = paint.stroke;
    ctx.lineWidth = paint.width ?? 1;
    ctx.setLineDash([]);
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * An arrow from (x0, y0) to (x1, y1) in CSS pixels.
 *
 * @example
 * arrow(ctx, 10, 10, 60, 10, "#D55E00", 2);
 */
export function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, color: string, width: number, head = 6 + 2 * width): void {
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - head * 0.6 * Math.cos(a), y1 - head * 0.6 * Math.sin(a));
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(a - 0.4), y1 - head * Math.sin(a - 0.4));
  ctx.lineTo(x1 - head * Math.cos(a + 0.4), y1 - head * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}
