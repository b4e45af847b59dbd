// Trust-region Newton-CG: Steihaug's truncated CG on the quadratic model within a radius
// that grows after good predictions and shrinks after poor ones (Nocedal & Wright,
// Algorithm 4.1 with 7.2). With bounds, the step is TRON's projected one (Lin & Moré 1999,
// see trustncg-cauchy.ts and trustncg-subspace.ts); the radius rule is the same.
import type { Box } from "../bounds.js";
import type { Outcome, Progress } from "../progress.js";
import { addScaled, norm2 } from "../vec.js";
import { steihaug } from "./krylov.js";
import { cgTolerance } from "./newtoncg.js";
import { cauchyPoint, type BoxModel } from "./trustncg-cauchy.js";
import { subspaceStep } from "./trustncg-subspace.js";

// Far above scipy's 1000: on badly scaled problems (Brown's, minimizer 10⁶ away) a cap of
// 1000 turns the run into a thousand capped steps.
const maxRadius = 1e10;
/** Accept a step when f fell by at least this fraction of the model's prediction. */
const eta = 0.15;

/**
 * Actual over predicted decrease. Near a minimizer both fall below f's rounding and their
 * ratio is noise (0 when f does not change in floating point, which would shrink the
 * radius to nothing): both get 10ε·max(1, |f|) added, so such a step counts as a good
 * prediction (Conn, Gould & Toint, Trust-Region Methods, 2000, §17.4.2). A NaN or
 * infinite f counts as a failed prediction, and so does a model that predicts no decrease.
 */
function ratio(fOld: number, fNew: number, predicted: number): number {
  if (!Number.isFinite(fNew) || !(predicted > 0)) return -Infinity;
  const delta = 10 * Number.EPSILON * Math.max(1, Math.abs(fOld));
  return (fOld - fNew + delta) / (predicted + delta);
}

/** A trial step from x: the point reached, its length, whether it hit the region's edge, and −m(step). */
interface RegionStep {
  xNew: Float64Array;
  length: number;
  onBoundary: boolean;
  predicted: number;
}

/** The unbounded step: Steihaug CG from x. */
function freeStepper(p: Progress): (radius: number) => RegionStep {
  const maxInner = 20 * p.x.length;
  return (radius) => {
    const x = p.x;
    const { p: step, onBoundary, predicted } = steihaug((v) => p.objective.hvp(x, v), p.g, radius, cgTolerance(p.g), maxInner);
    return { xNew: addScaled(x, 1, step), length: norm2(step), onBoundary, predicted };
  };
}

/**
 * CG's tolerance on the reduced model gradient r at the Cauchy point: TRON's fixed 0.1·‖r‖,
 * tightened to √‖r‖·‖r‖ near a solution for a superlinear rate. The looser min(0.5, √‖r‖)
 * of the unbounded case lets a single CG step (a steepest-descent step on the free
 * variables) pass on a narrow valley whose reduced gradient stays large: it zig-zags.
 */
function boxCGTolerance(r: Float64Array): number {
  const rn = norm2(r);
  return Math.min(0.1, Math.sqrt(rn)) * rn;
}

/**
 * The bounded step (TRON): the generalized Cauchy point, then Steihaug CG on the free
 * variables with projected searches. The Cauchy search starts from the last iteration's α.
 */
function boxStepper(p: Progress, box: Box): (radius: number) => RegionStep {
  const maxInner = 20 * p.x.length;
  let alpha = 1;
  return (radius) => {
    const x = p.x;
    const model: BoxModel = { x, g: p.g, box, radius, hv: (v) => p.objective.hvp(x, v) };
    const cauchy = cauchyPoint(model, alpha);
    alpha = cauchy.alpha;
    const { point, onBoundary } = subspaceStep(model, cauchy.point, boxCGTolerance, maxInner);
    return { xNew: point.y, length: norm2(point.s), onBoundary, predicted: -point.psi };
  };
}

/**
 * Trust-region Newton-CG. Without bounds: Steihaug–Toint CG on the Hessian-vector model
 * within the radius. With `p.settings.bounds`: a projected (not reflective) trust-region
 * Newton-CG after Lin & Moré's TRON (SIAM J. Optim. 9(4), 1999), without its incomplete
 * Cholesky preconditioner: a generalized Cauchy point by a projected search along
 * P(x − α·g) inside the region (α ×0.1 / ×10 from the last α, sufficient decrease μ₀ =
 * 0.01), then rounds of Steihaug CG on the variables strictly inside their bounds with
 * the region ‖s‖ ≤ Δ kept centred on x, each followed by a projected backtracking search
 * (β halved, never below the first breakpoint) back into the box, until the reduced model
 * gradient is below min(0.1, √‖r‖)·‖r‖ (r: its value at the Cauchy point) or CG reaches
 * the region's edge. Every iterate
 * stays in the box; gtol bounds the projected gradient, as with "lbfgsb". The radius
 * follows the ratio of actual to predicted decrease in both cases (accept above 0.15,
 * shrink to ¼‖s‖ below 0.25, double above 0.75 on the edge).
 *
 * @example
 * // Through minimize: rosen on x₁ ≤ 0.5 from (−1.2, 1) ends at (0.5, 0.25).
 * minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds: [-Infinity, np.array([0.5, Infinity])] });
 */
export function trustNCG(p: Progress): Outcome {
  let radius = p.settings.trustRadius;
  const box = p.settings.bounds;
  const stepFrom = box ? boxStepper(p, box) : freeStepper(p);
  for (;;) {
    const x = p.x;
    const { xNew, length, onBoundary, predicted } = stepFrom(radius);
    const { f, g } = p.objective.valueAndGrad(xNew);
    const rho = ratio(p.f, f, predicted);
    if (!(rho >= 0.25)) radius = 0.25 * length;
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
