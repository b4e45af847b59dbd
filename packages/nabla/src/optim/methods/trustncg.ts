// Trust-region Newton-CG: Steihaug's truncated CG on the quadratic model within a radius
// that grows after good predictions and shrinks after poor ones (Nocedal & Wright,
// Algorithm 4.1 with 7.2).
import type { Outcome, Progress } from "../progress.js";
import { addScaled, norm2 } from "../vec.js";
import { steihaug } from "./krylov.js";
import { cgTolerance } from "./newtoncg.js";

// Far above scipy's 1000: on badly scaled problems (Brown's, minimizer 10⁶ away) a cap of
// 1000 turns the run into a thousand capped steps.
const maxRadius = 1e10;
/** Accept a step when f fell by at least this fraction of the model's prediction. */
const eta = 0.15;

export function trustNCG(p: Progress): Outcome {
  let radius = p.settings.trustRadius;
  const maxInner = 20 * p.x.length;
  for (;;) {
    const x = p.x;
    const { p: step, onBoundary, predicted } = steihaug((v) => p.objective.hvp(x, v), p.g, radius, cgTolerance(p.g), maxInner);
    const xNew = addScaled(x, 1, step);
    const { f, g } = p.objective.valueAndGrad(xNew);
    // A NaN or infinite f counts as a failed prediction: the radius shrinks.
    const rho = Number.isFinite(f) ? (p.f - f) / predicted : -Infinity;
    if (rho < 0.25) radius = 0.25 * norm2(step);
    else if (rho > 0.75 && onBoundary) radius = Math.min(2 * radius, maxRadius);
    if (rho > eta) {
      const stop = p.accept(xNew, f, g);
      if (stop) return stop;
    } else if (p.objective.nfev >= p.settings.maxEval) {
      return p.end("maxEval", false, `reached maxEval = ${p.settings.maxEval} evaluations while shrinking the trust region`);
    } else if (!(radius > Number.EPSILON * (1 + norm2(x)))) {
      return p.end("lineSearchFailed", false, `the trust radius shrank to ${radius.toExponential(2)} without an acceptable step (iteration ${p.nit + 1})`);
    }
  }
}
