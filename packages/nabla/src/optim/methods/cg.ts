// Nonlinear conjugate gradients, Polak–Ribière+ (Nocedal & Wright §5.2), with restarts.
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { dot, norm2, scale } from "../vec.js";

export function cg(p: Progress): Outcome {
  const n = p.x.length;
  let d = scale(-1, p.g);
  let previous: { alpha: number; dphi: number } | undefined;
  let sinceRestart = 0;
  for (;;) {
    let dphi = dot(p.g, d);
    if (!(dphi < 0)) {
      // Not a descent direction: fall back to steepest descent.
      d = scale(-1, p.g);
      dphi = -dot(p.g, p.g);
      sinceRestart = 0;
    }
    // CG directions are not scaled: assume the last step's first-order decrease repeats
    // (Nocedal & Wright eq. 3.60).
    const alpha0 = previous ? Math.min(1, (previous.alpha * previous.dphi) / dphi) : (p.settings.lr ?? Math.min(1, 1 / norm2(p.g)));
    // c2 = 0.1, as Nocedal & Wright advise for CG: a nearly exact search keeps directions conjugate.
    const step = p.search(d, alpha0, 0.1);
    if (isOutcome(step)) {
      if (sinceRestart === 0) return step;
      d = scale(-1, p.g);
      sinceRestart = 0;
      previous = undefined;
      continue;
    }
    previous = { alpha: step.alpha, dphi };
    const gOld = p.g;
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
    const g = p.g;
    const gg = dot(g, g);
    const beta = Math.max(0, (gg - dot(g, gOld)) / dot(gOld, gOld));
    sinceRestart++;
    // Restart along −g when successive gradients are far from orthogonal (Powell's test,
    // Nocedal & Wright eq. 5.52); PR+ also restarts by itself whenever β would be negative.
    const restart = Math.abs(dot(g, gOld)) >= 0.1 * gg;
    if (restart) sinceRestart = 0;
    const b = restart ? 0 : beta;
    for (let i = 0; i < n; i++) d[i] = -g[i]! + b * d[i]!;
  }
}
