// The slice plot: f along the segment A → B and along the trained Bézier path, against t.
import { polyline, sized } from "./canvas.js";
import { OKABE_ITO, type LineStyle } from "./palette.js";
import type { PathResult } from "./race-types.js";

const PAD = { left: 56, right: 12, top: 10, bottom: 28 };

/** The segment's style, here and on the map. */
export const SEGMENT_STYLE: LineStyle = { color: OKABE_ITO.black, dash: [] };
/** The trained Bézier path's style, here and on the map. */
export const BEZIER_STYLE: LineStyle = { color: OKABE_ITO.bluishGreen, dash: [7, 4] };

/**
 * Draws f along both curves of `r` into `canvas`, on one linear scale.
 *
 * @example
 * drawSlice(canvas, result);
 */
export function drawSlice(canvas: HTMLCanvasElement, r: PathResult): void {
  const ctx = sized(canvas);
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  ctx.clearRect(0, 0, width, height);
  const all = [...r.slice, ...r.curveValues].filter(Number.isFinite);
  if (all.length === 0) return;
  const lo = Math.min(...all);
  const hi = Math.max(lo + 1e-12, Math.max(...all));
  const px = (t: number) => PAD.left + t * (width - PAD.left - PAD.right);
  const py = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (height - PAD.top - PAD.bottom);
  ctx.save();
  ctx.strokeStyle = "#d0d0d0";
  ctx.fillStyle = "#1a1a1a";
  ctx.font = "11px system-ui, sans-serif";
  for (const v of [lo, (lo + hi) / 2, hi]) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, py(v));
    ctx.lineTo(width - PAD.right, py(v));
    ctx.stroke();
    ctx.fillText(Number(v.toPrecision(3)).toString(), 2, py(v) + 4);
  }
  ctx.fillText("A (t = 0)", PAD.left, height - 8);
  ctx.fillText("B (t = 1)", width - PAD.right - 48, height - 8);
  ctx.restore();
  polyline(ctx, r.ts.map((t, i) => [px(t), py(r.slice[i]!)]), SEGMENT_STYLE, 2);
  polyline(ctx, r.ts.map((t, i) => [px(t), py(r.curveValues[i]!)]), BEZIER_STYLE, 2);
}
