// The race's convergence plot: ‖∇f‖∞ against the iteration, both on log scales (the
// iteration as log₁₀(1 + k)), one line per optimizer, up to the animation's iteration.
import { polyline, sized } from "./canvas.js";
import { RACER_STYLE } from "./palette.js";
import type { RaceRun } from "./race-types.js";

const PAD = { left: 48, right: 30, top: 10, bottom: 30 };

/**
 * Draws the plot of `runs` up to iteration `k` into `canvas` (CSS size from layout).
 *
 * @example
 * drawConvergence(canvas, runs, 100);
 */
export function drawConvergence(canvas: HTMLCanvasElement, runs: readonly RaceRun[], k: number): void {
  const ctx = sized(canvas);
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  ctx.clearRect(0, 0, width, height);
  const norms = runs.flatMap((r) => r.path.map((p) => p.gradNorm)).filter((g) => g > 0 && Number.isFinite(g));
  const kmax = Math.max(1, ...runs.map((r) => r.path[r.path.length - 1]?.nit ?? 0));
  if (norms.length === 0) return;
  const lo = Math.floor(Math.log10(Math.max(1e-16, Math.min(...norms))));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...norms))));
  const px = (nit: number) => PAD.left + (Math.log10(1 + nit) / Math.log10(1 + kmax)) * (width - PAD.left - PAD.right);
  const py = (g: number) => PAD.top + (1 - (Math.log10(Math.max(g, 10 ** lo)) - lo) / (hi - lo)) * (height - PAD.top - PAD.bottom);
  axes(ctx, width, height, lo, hi, kmax, px, py);
  for (const r of runs) {
    const points: [number, number][] = [];
    for (const p of r.path) {
      if (p.nit > k || !Number.isFinite(p.gradNorm)) break;
      points.push([px(p.nit), py(p.gradNorm)]);
    }
    polyline(ctx, points, RACER_STYLE[r.method]!, 2);
  }
}

function axes(ctx: CanvasRenderingContext2D, width: number, height: number, lo: number, hi: number, kmax: number, px: (k: number) => number, py: (g: number) => number): void {
  ctx.save();
  ctx.strokeStyle = "#d0d0d0";
  ctx.fillStyle = "#1a1a1a";
  ctx.font = "11px system-ui, sans-serif";
  ctx.lineWidth = 1;
  const step = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let e = lo; e <= hi; e += step) {
    const y = py(10 ** e);
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(width - PAD.right, y);
    ctx.stroke();
    ctx.fillText(`1e${e}`, 4, y + 4);
  }
  for (let d = 1; d <= kmax * 10; d *= 10) {
    const k = Math.min(d, kmax);
    const x = px(k);
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, height - PAD.bottom);
    ctx.stroke();
    ctx.fillText(String(k), x - 6, height - PAD.bottom + 14);
    if (k === kmax) break;
  }
  ctx.fillText("‖∇f‖∞ against iteration (log–log)", PAD.left + 4, height - 4);
  ctx.restore();
}
