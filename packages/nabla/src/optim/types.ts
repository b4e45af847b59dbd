// The records minimize takes and returns, shared by its methods.
import type { Tree } from "../core/index.js";
import type { GradOf } from "../transforms/types.js";
import type { Schedule } from "./schedules.js";

/** The methods `minimize` knows. */
export type MinimizeMethod = "gd" | "momentum" | "nesterov" | "adam" | "newton" | "bfgs" | "lbfgs" | "cg" | "newton-cg" | "trust-ncg";

/** How a method chooses its step along a search direction. */
export type LineSearchKind = "strong-wolfe" | "backtracking" | "none";

/**
 * Why a run stopped:
 * - "converged": ‖∇f‖∞ ≤ gtol (success).
 * - "stalled": f or x stopped changing by more than ftol / xtol (success when one of those
 *   tolerances was asked for; an exact standstill with no tolerance set is not a success).
 * - "maxIter", "maxEval": a budget ran out.
 * - "lineSearchFailed": no acceptable step along the search direction (or, for trust-ncg,
 *   the trust radius collapsed).
 * - "nonFinite": f or ∇f became NaN or ±Inf; `x` is the last finite iterate.
 * - "stopped": the callback returned true.
 */
export type MinimizeStatus = "converged" | "stalled" | "maxIter" | "maxEval" | "lineSearchFailed" | "nonFinite" | "stopped";

/** One recorded iterate: x flattened in `ravelPytree` order, f, and ‖∇f‖∞. */
export interface PathPoint {
  x: number[];
  f: number;
  gradNorm: number;
}

/** What the callback sees after each iteration, for parameters like x0: T. */
export interface IterationInfo<T = Tree> {
  nit: number;
  /** The iterate, with the structure of x0 (leaves as float64 Arrays). */
  x: GradOf<T>;
  fun: number;
  gradNorm: number;
}

/** Options of `minimize`; `T` is the type of x0 (what the callback's iterates look like). */
export interface MinimizeOptions<T = Tree> {
  method?: MinimizeMethod;
  /** Stop when ‖∇f‖∞ ≤ gtol (default 1e-5, as scipy). */
  gtol?: number;
  /** Stop ("stalled") when |Δf| ≤ ftol·max(|f|, |f_prev|, 1) (default 0: off). */
  ftol?: number;
  /** Stop ("stalled") when ‖Δx‖∞ ≤ xtol·(1 + ‖x‖∞) (default 0: off). */
  xtol?: number;
  /** Iteration budget (default 10000 for gd/momentum/nesterov/adam, 1000 otherwise). */
  maxIter?: number;
  /** Budget of f evaluations (default 10·maxIter). */
  maxEval?: number;
  /** Fixed step size (gd, momentum, nesterov, adam), or the first trial step of a line search. */
  lr?: number;
  /** Step size per iteration k = 0, 1, …; overrides `lr` for the fixed-step methods. */
  schedule?: Schedule;
  /** The step rule for gd, bfgs, lbfgs, cg, newton, newton-cg (see `minimize`). */
  lineSearch?: LineSearchKind;
  /** L-BFGS history length (default 10). */
  m?: number;
  /** Momentum coefficient (momentum, nesterov) and Adam's first-moment decay (default 0.9). */
  b1?: number;
  /** Adam's second-moment decay (default 0.999). */
  b2?: number;
  /** Adam's denominator guard (default 1e-8). */
  eps?: number;
  /** trust-ncg's initial trust radius (default 1). */
  trustRadius?: number;
  /** Called after every iteration; return true to stop (status "stopped"). */
  callback?: (info: IterationInfo<T>) => boolean | void;
  /** Keep every iterate in `result.path`. */
  recordPath?: boolean;
  /** Compile f's value and gradient (and Hessian products) with `jit` (default true). */
  jit?: boolean;
}

/**
 * The plain record `minimize` returns, in scipy's shape, for x0 of type `T`: x and grad
 * have x0's structure with float64 Array leaves (`GradOf<T>`: a number in x0 comes back
 * as a 0-d Array).
 */
export interface MinimizeResult<T = Tree> {
  /** The final iterate, with the structure of x0 (leaves as float64 Arrays). */
  x: GradOf<T>;
  fun: number;
  /** ∇f at x, with the structure of x0. */
  grad: GradOf<T>;
  nit: number;
  /** Evaluations of f, of ∇f, and of the Hessian or Hessian-vector products. */
  nfev: number;
  ngev: number;
  nhev: number;
  status: MinimizeStatus;
  success: boolean;
  message: string;
  /** With `recordPath`: x0 and every accepted iterate. */
  path?: PathPoint[];
}
