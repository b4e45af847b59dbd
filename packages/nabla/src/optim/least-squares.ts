// Nonlinear least squares, scipy.optimize.least_squares's shape: minimize ½‖r(x)‖² (or a
// robust loss of r) with the exact Jacobian of r (forward mode when r has at least as
// many entries as x, else reverse), optionally within bounds lo ≤ x ≤ hi. Three methods:
// "lm" (least-squares-lm.ts), "trf" (least-squares-trf.ts) and "dogbox"
// (least-squares-dogbox.ts); the losses are in least-squares-loss.ts.
import { Storage } from "../array/index.js";
import { Array, ConcreteArray, np } from "../core/index.js";
import { jacfwd, jacrev, ravelPytree, type GradOf } from "../transforms/index.js";
import { flattenBounds } from "./bounds.js";
import { dogbox } from "./least-squares-dogbox.js";
import { covariance, FlatProblem, type LeastSquaresStatus, type Outcome } from "./least-squares-common.js";
import { levenbergMarquardt } from "./least-squares-lm.js";
import { robustLoss, type LossName } from "./least-squares-loss.js";
import { trf, trfStart } from "./least-squares-trf.js";
import type { Bounds } from "./types.js";
import { checkKeys, checkOptional, NON_NEGATIVE, POSITIVE_INTEGER, shown } from "./validate.js";
import { allFinite } from "./vec.js";

export type { LeastSquaresStatus } from "./least-squares-common.js";
export type { LossName } from "./least-squares-loss.js";

export interface LeastSquaresOptions<T = unknown> {
  /**
   * "lm": Levenberg–Marquardt (MINPACK's, as scipy's "lm"); "trf": Trust Region
   * Reflective (iterates strictly inside the bounds); "dogbox": dogleg in a rectangular
   * trust region (variables on a bound held). Default "lm", but "trf" when `bounds` or a
   * robust `loss` is given ("lm" takes neither, as in scipy).
   */
  method?: "lm" | "trf" | "dogbox";
  /**
   * Box constraints: x0's structure with a `[lo, hi]` pair at each leaf (numbers or
   * Arrays of the leaf's shape, ±Infinity for no bound), as minimize's; lo < hi. x0 must
   * lie in the box; "trf" moves it 1e-10 (relative) inside where it is on a bound.
   */
  bounds?: Bounds<T>;
  /**
   * ρ of the cost ½·fScale²·Σρ((rᵢ/fScale)²) (scipy's): "linear" (default, ρ(z) = z),
   * "huber", "soft_l1", "cauchy", "arctan" (robust to outliers). "trf" and "dogbox" only.
   */
  loss?: LossName;
  /** The residual size beyond which a robust loss discounts (default 1). */
  fScale?: number;
  /**
   * Stop when the cost falls by less than ftol·cost (default 1e-8): for "lm" MINPACK's
   * test (actual and predicted reduction), for "trf"/"dogbox" scipy's (on a step with
   * ratio > ¼).
   */
  ftol?: number;
  /** Stop when the step is shorter than xtol relative to x (default 1e-8). */
  xtol?: number;
  /**
   * Stop when the gradient vanishes within gtol (default 1e-8): for "lm" the cosine of
   * the angle between r and every column of J; for "trf" ‖v∘g‖∞ with v the Coleman–Li
   * scaling; for "dogbox" ‖g‖∞ over the variables not held at a bound.
   */
  gtol?: number;
  /** At most this many evaluations of r (default 100·n). */
  maxNfev?: number;
  /** How J is formed: "forward" (n JVPs), "reverse" (m VJPs), or by shape (default). */
  jacobian?: "forward" | "reverse";
}

export interface LeastSquaresResult<T> {
  /** The solution, shaped like x0. */
  x: GradOf<T>;
  /** ½‖r(x)‖², or ½·fScale²·Σρ with a robust loss. */
  cost: number;
  /** The residuals r(x), flat. */
  fun: Array;
  /** The Jacobian of the flat residuals at x, [m, n] (of r itself, not rescaled by the loss). */
  jac: Array;
  /** The gradient of the cost, flat (Jᵀr, or Σρ′·rᵢ·∇rᵢ with a robust loss). */
  grad: Array;
  /**
   * The first-order optimality measure of the method: ‖grad‖∞ for "lm"; ‖v∘grad‖∞ for
   * "trf" (v the Coleman–Li scaling: 0 at a KKT point of the box); ‖grad‖∞ over the free
   * variables for "dogbox" (as scipy's `optimality`).
   */
  optimality: number;
  /**
   * The parameters' covariance estimate s²·(JᵀJ)⁻¹ with s² = 2·cost / (m − n), as
   * scipy's curve_fit (with a robust loss, J is the loss-rescaled Jacobian: JᵀJ is the
   * Gauss–Newton Hessian of the cost); filled with Infinity when J is rank-deficient or
   * m ≤ n (a variance the data do not determine). Bounds are not taken into account.
   */
  covariance: Array;
  /** Per flat element: −1 at its lower bound, +1 at its upper, 0 free (scipy's active_mask; all 0 for "lm"). */
  activeMask: Array;
  nfev: number;
  njev: number;
  status: LeastSquaresStatus;
  success: boolean;
  message: string;
}

const OPTION_KEYS = ["method", "bounds", "loss", "fScale", "ftol", "xtol", "gtol", "maxNfev", "jacobian"] as const;
const METHODS = ["lm", "trf", "dogbox"];

/** The bounds as flat lo, hi, with errors named for leastSquares (flattenBounds speaks for minimize). */
function leastSquaresBounds(bounds: unknown, x0: unknown, x: Float64Array): { lo: Float64Array; hi: Float64Array } {
  let box;
  try {
    box = flattenBounds(bounds, x0, x.length);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^minimize:/, "leastSquares:"));
  }
  const { lo, hi } = box;
  for (let i = 0; i < x.length; i++) {
    if (!(lo[i]! < hi[i]!)) throw new Error(`leastSquares: bounds element ${i} must have lo < hi, got lo = hi = ${lo[i]}`);
    if (!(x[i]! >= lo[i]! && x[i]! <= hi[i]!)) throw new Error(`leastSquares: x0 element ${i} = ${x[i]} is outside its bounds [${lo[i]}, ${hi[i]}]`);
  }
  return { lo, hi };
}

/**
 * Minimizes ½‖r(x)‖² (or a robust loss of r) over x, a pytree of float Arrays, on the
 * exact Jacobian of r, optionally within bounds, returning scipy's record plus a
 * covariance estimate of the parameters. Methods: "lm" (the default without bounds or a
 * robust loss), "trf" (the default with them), "dogbox". Failure is a status, not an
 * exception; bad options throw.
 *
 * @example
 * // Fit y = a·e^(b·t) to four points.
 * const t = np.array([0, 1, 2, 3]), y = np.array([2, 2.7, 3.7, 5]);
 * const r = leastSquares((p) => np.sub(np.mul(p.a, np.exp(np.mul(p.b, t))), y), { a: np.array(1), b: np.array(0) });
 * r.x.a.item(); // ≈ 2.0
 * // The same with b ≤ 0.25 and a Huber loss that discounts residuals beyond 0.1.
 * const s = leastSquares((p) => np.sub(np.mul(p.a, np.exp(np.mul(p.b, t))), y), { a: np.array(1), b: np.array(0) },
 *   { bounds: { a: [-Infinity, Infinity], b: [-Infinity, 0.25] }, loss: "huber", fScale: 0.1 });
 * s.x.b.item(); // 0.25 (up to 1e-10): s.activeMask is [0, 1]
 */
export function leastSquares<T>(residuals: (x: GradOf<T>) => Array, x0: T, opts: LeastSquaresOptions<NoInfer<T>> = {}): LeastSquaresResult<T> {
  const op = "leastSquares";
  checkKeys(op, "option", opts, OPTION_KEYS);
  if (opts.method !== undefined && !METHODS.includes(opts.method)) throw new Error(`${op}: unknown method ${shown(opts.method)}; use "lm", "trf" or "dogbox"`);
  if (opts.jacobian !== undefined && opts.jacobian !== "forward" && opts.jacobian !== "reverse") {
    throw new Error(`${op}: jacobian must be "forward" or "reverse", got ${shown(opts.jacobian)}`);
  }
  const loss = robustLoss(op, opts.loss, opts.fScale);
  const method = opts.method ?? (opts.bounds !== undefined || loss ? "trf" : "lm");
  if (method === "lm" && opts.bounds !== undefined) throw new Error(`${op}: method "lm" does not take bounds; use "trf" or "dogbox"`);
  if (method === "lm" && loss) throw new Error(`${op}: method "lm" takes only loss "linear"; use "trf" or "dogbox"`);
  const [flat0, unravel] = ravelPytree(x0);
  const n = flat0.size;
  const tol = {
    ftol: checkOptional(op, "ftol", opts.ftol, NON_NEGATIVE) ?? 1e-8,
    xtol: checkOptional(op, "xtol", opts.xtol, NON_NEGATIVE) ?? 1e-8,
    gtol: checkOptional(op, "gtol", opts.gtol, NON_NEGATIVE) ?? 1e-8,
  };
  const maxNfev = checkOptional(op, "maxNfev", opts.maxNfev, POSITIVE_INTEGER) ?? 100 * n;
  const r = (v: Array) => {
    const out = residuals(unravel(v));
    if (!(out instanceof Array) || !(out.dtype === "float64" || out.dtype === "float32")) {
      throw new Error(`${op}: residuals must return a float Array, got ${shown(out)}`);
    }
    return np.reshape(np.astype(out, "float64"), [-1]);
  };
  let x: Float64Array = Float64Array.from(flat0.toFloat64Array());
  const { lo, hi } = method === "lm" ? { lo: new Float64Array(n).fill(-Infinity), hi: new Float64Array(n).fill(Infinity) } : leastSquaresBounds(opts.bounds, x0, x);
  if (method === "trf") x = trfStart(x, lo, hi);
  const f0 = r(vector(x));
  const m = f0.size;
  const jac = (opts.jacobian ?? (n <= m ? "forward" : "reverse")) === "forward" ? jacfwd(r) : jacrev(r);
  const problem = new FlatProblem((v) => r(vector(v)).toFloat64Array(), (v) => jac(vector(v)).toFloat64Array(), m, n, loss);
  const rStart = f0.toFloat64Array();
  problem.nfev = 1; // r(x0), evaluated above to learn m
  const JStart = problem.jacobian(x);
  const start = problem.point(x, rStart, JStart);
  let outcome: Outcome;
  if (!allFinite(rStart) || !allFinite(JStart)) {
    outcome = { point: start, optimality: NaN, activeMask: new Int32Array(n), status: "nonFinite", message: "r or its Jacobian is not finite at x0" };
  } else if (method === "lm") outcome = levenbergMarquardt(problem, start, tol, maxNfev);
  else outcome = (method === "trf" ? trf : dogbox)(problem, start, lo, hi, tol, maxNfev);
  return record(outcome, problem, unravel);
}

const vector = (data: Float64Array) => new ConcreteArray(new Storage("float64", [data.length], data.slice()));

function record<T>(outcome: Outcome, problem: FlatProblem, unravel: (v: Array) => GradOf<T>): LeastSquaresResult<T> {
  const { point, status } = outcome;
  const { m, n } = problem;
  const array = (data: Float64Array | Int32Array, shape: number[]) => new ConcreteArray(new Storage(data instanceof Int32Array ? "int32" : "float64", shape, data));
  return {
    x: unravel(vector(point.x)),
    cost: point.cost,
    fun: array(point.rTrue, [m]),
    jac: array(point.JTrue, [m, n]),
    grad: array(point.g, [n]),
    optimality: outcome.optimality,
    covariance: array(covariance(point.J, m, n, point.cost), [n, n]),
    activeMask: array(outcome.activeMask, [n]),
    nfev: problem.nfev,
    njev: problem.njev,
    status,
    success: status !== "maxNfev" && status !== "nonFinite",
    message: outcome.message,
  };
}
