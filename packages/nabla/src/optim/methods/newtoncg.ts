// Hessian-free Newton: truncated CG on H·p = −g with Hessian-vector products, then a
// line search (Nocedal & Wright, Algorithm 7.1).
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { norm2 } from "../vec.js";
import { truncatedCG } from "./krylov.js";

/** The forcing term η = min(0.5, √‖g‖): CG is loose far away and tight near the minimum. */
export function cgTolerance(g: Float64Array): number {
  const gn = norm2(g);
  return Math.min(0.5, Math.sqrt(gn)) * gn;
}

export function newtonCG(p: Progress): Outcome {
  const maxInner = 20 * p.x.length;
  for (;;) {
    const x = p.x;
    const d = truncatedCG((v) => p.objective.hvp(x, v), p.g, cgTolerance(p.g), maxInner);
    const step = p.search(d, p.settings.lr ?? 1);
    if (isOutcome(step)) return step;
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}
