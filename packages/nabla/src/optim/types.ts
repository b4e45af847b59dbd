// The records minimize takes and returns, shared by its methods.
import type { Array, MapLeaves, Tree } from "../core/index.js";
import type { GradOf } from "../transforms/index.js";
import type { Schedule } from "./schedules.js";

/** The methods of `minimize` for an objective alone (bounds aside). */
export type UnconstrainedMethod = "gd" | "momentum" | "nesterov" | "adam" | "newton" | "bfgs" | "lbfgs" | "lbfgsb" | "cg" | "newton-cg" | "trust-ncg";

/** The methods of `minimize` that take general `constraints` (and `bounds`). */
export type ConstrainedMethod = "slsqp" | "augmented-lagrangian" | "interior-point";

/** The methods `minimize` knows. */
export type MinimizeMethod = UnconstrainedMethod | ConstrainedMethod;

/**
 * A constraint on x for the constrained methods, as scipy's: `fun(x) = 0` ("eq") or
 * `fun(x) ≥ 0` ("ineq"). `fun` takes x shaped like x0 (`GradOf<T>`, as f does) and
 * returns a number, a 0-d Array (one constraint) or a 1-d Array (one constraint per
 * element). Its Jacobian comes from autodiff, so `fun` must not branch on x's values.
 *
 * @example
 * const unitDisk: Constraint<Array> = { type: "ineq", fun: (x) => np.sub(1, np.sum(np.square(x))) };
 */
export interface Constraint<T = Tree> {
  type: "eq" | "ineq";
  fun: (x: GradOf<T>) => Array | number;
}

/**
 * The KKT residuals of a constrained run at its final x, as ∞-norms, with λ the returned
 * multipliers and L(x, λ) = f(x) − Σ λᵢ cᵢ(x):
 * - stationarity: ‖∇ₓL‖∞ without bounds; with bounds, the projected gradient of L,
 *   ‖P(x − ∇ₓL) − x‖∞ (P the projection onto the box), which is ‖∇ₓL − zLo + zHi‖∞ with
 *   the bounds' multipliers zLo, zHi ≥ 0 that make it smallest (0 exactly at a KKT point).
 * - feasibility: the largest violation: |cᵢ| for "eq", max(0, −cᵢ) for "ineq", and the
 *   distance of x outside its bounds.
 * - complementarity: max |λᵢ·cᵢ| over the "ineq" rows (their λᵢ are ≥ 0 by construction).
 */
export interface KKTResiduals {
  stationarity: number;
  feasibility: number;
  complementarity: number;
}

/**
 * One side of a leaf's bounds: a number for every element of the leaf, or an Array (or
 * nested list of numbers) of the leaf's shape; ±Infinity where that side is unbounded.
 */
export type Bound = number | Array | readonly number[] | readonly (readonly number[])[];

/** A leaf's bounds `[lo, hi]`: lo ≤ x ≤ hi elementwise. */
export type BoundPair = readonly [lo: Bound, hi: Bound];

/**
 * Bounds for parameters like x0: T, for method "lbfgsb": x0's structure with a
 * `[lo, hi]` pair in place of each leaf (Array or number). `never` while x0's type is
 * unknown (`MinimizeOptions` without its type argument), so that options typed for any
 * x0 still fit every x0: give the type, `MinimizeOptions<Array>`, to set bounds.
 *
 * @example
 * const b: Bounds<{ w: Array; b: number }> = { w: [0, np.array([1, 2])], b: [-Infinity, 0] };
 */
export type Bounds<T> = Unmeasured<T> extends unknown ? ([unknown] extends [T] ? never : MapLeaves<T, BoundPair>) : never;

/**
 * T with every key required, used only to be related: a homomorphic mapped type with a
 * modifier makes the compiler judge MinimizeOptions<A> against MinimizeOptions<B> by
 * structure rather than by T's variance, so options typed for an unknown x0 (whose
 * bounds are `never`) still fit any x0, as they did before bounds existed.
 */
type Unmeasured<T> = { [K in keyof T]-?: T[K] };

/** How a method chooses its step along a search direction. */
export type LineSearchKind = "strong-wolfe" | "backtracking" | "none";

/**
 * Why a run stopped:
 * - "converged": ‖∇f‖∞ ≤ gtol (success); with bounds ("lbfgsb"), the projected gradient
 *   ‖P(x − ∇f) − x‖∞ ≤ gtol, P the projection onto the box.
 * - "stalled": f or x stopped changing by more than ftol / xtol (success when one of those
 *   tolerances was asked for; an exact standstill with no tolerance set is not a success).
 *   "lbfgsb" also ends "stalled", with success, when f reaches its floating-point floor
 *   (its last step predicts a change below f's rounding), as scipy's L-BFGS-B does.
 * - "maxIter", "maxEval": a budget ran out.
 * - "lineSearchFailed": no acceptable step along the search direction (or, for trust-ncg,
 *   the trust radius collapsed).
 * - "nonFinite": f or ∇f became NaN or ±Inf; `x` is the last finite iterate.
 * - "stopped": the callback returned true.
 * - "saddle": ‖∇f‖∞ ≤ gtol, but the Hessian there has a clearly negative eigenvalue: a
 *   saddle point or a maximum, not a minimum (not a success; `result.curvature` says
 *   which). Only methods that follow gradients alone end so: newton, newton-cg and
 *   trust-ncg step off along the negative curvature and go on.
 * - "infeasible" (constrained methods): the constraint violation cannot be driven below
 *   `ctol`: x is a point where the violation is stationary but not zero (a locally
 *   infeasible problem, such as x ≥ 1 and x ≤ 0). Not a success.
 * - "unbounded" (constrained methods): f decreases without bound on the feasible set
 *   (f fell below −1e20 — or |x| grew past 1e20 — at points within `ctol` of feasible,
 *   as IPOPT's diverging-iterates test). Not a success.
 * For the constrained methods "converged" means every KKT residual (`result.kkt`) is small:
 * stationarity and complementarity ≤ gtol, feasibility ≤ ctol.
 */
export type MinimizeStatus = "converged" | "stalled" | "maxIter" | "maxEval" | "lineSearchFailed" | "nonFinite" | "stopped" | "saddle" | "infeasible" | "unbounded";

/**
 * The curvature at the final point of a run that reached ‖∇f‖∞ ≤ gtol: the extreme
 * eigenvalues of the Hessian there, and the kind of point they make it. An eigenvalue
 * counts as zero when |λ| ≤ 1e-8·max|λ| (relative, so f and 1e-10·f are judged alike).
 */
export interface CurvatureCheck {
  /**
   * "minimum": every eigenvalue positive; "saddle": some of each sign; "maximum": every
   * one negative; "degenerate": the Hessian is singular and the rest share a sign, so
   * second-order information cannot tell (x⁴ and x³ at 0 both give H = 0).
   */
  kind: "minimum" | "maximum" | "saddle" | "degenerate";
  /** The smallest and the largest eigenvalue of the Hessian at x (estimates, with "lanczos"). */
  minEigenvalue: number;
  maxEigenvalue: number;
  /**
   * "dense": eigh of the Hessian (newton); "lanczos": Lanczos on Hessian-vector products
   * (the other methods), at most 50 of them.
   */
  method: "dense" | "lanczos";
  /** Whether the estimates met Lanczos's tolerance (always true for "dense"). */
  converged: boolean;
  /** Hessians or Hessian-vector products this check used (included in the result's nhev). */
  nhev: number;
}

/** One recorded iterate: its iteration number, x flattened in `ravelPytree` order, f, and ‖∇f‖∞. */
export interface PathPoint {
  /** The iteration (0 for x0): on a thinned path, consecutive points may be several apart. */
  nit: number;
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
  /**
   * Stop when ‖∇f‖∞ ≤ gtol (default 1e-5, as scipy); for the constrained methods, the
   * bound on the Lagrangian's stationarity and on complementarity (default 1e-6).
   */
  gtol?: number;
  /** Stop ("stalled") when |Δf| ≤ ftol·max(|f|, |f_prev|, 1) (default 0: off). */
  ftol?: number;
  /** Stop ("stalled") when ‖Δx‖∞ ≤ xtol·(1 + ‖x‖∞) (default 0: off). */
  xtol?: number;
  /** Iteration budget, an integer ≥ 0 (default 10000 for gd/momentum/nesterov/adam, 1000 otherwise). */
  maxIter?: number;
  /** Budget of f evaluations, an integer ≥ 0 (default 10·maxIter). */
  maxEval?: number;
  /** Fixed step size (gd, momentum, nesterov, adam), or the first trial step of a line search; > 0. */
  lr?: number;
  /** Step size per iteration k = 0, 1, …; overrides `lr` for the fixed-step methods. */
  schedule?: Schedule;
  /** The step rule for gd, bfgs, lbfgs, cg, newton, newton-cg (see `minimize`). */
  lineSearch?: LineSearchKind;
  /**
   * Box constraints for method "lbfgsb", "trust-ncg" (TRON's projected trust-region
   * Newton-CG), the constrained methods ("slsqp", "augmented-lagrangian",
   * "interior-point"), and for gd (with a fixed `lr` or a `schedule`),
   * momentum, nesterov and adam as a projection of every step onto the box (projected
   * gradient methods): x0's structure with a `[lo, hi]` pair at each leaf, each side a
   * number or an Array of the leaf's shape, ±Infinity for no bound. x0 outside the box is
   * projected onto it first; gtol then bounds the projected gradient. NaN, lo > hi, or a
   * structure unlike x0's throws, naming the leaf (and the element).
   *
   * @example
   * minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds: [-Infinity, np.array([0.5, Infinity])] }).x; // ≈ [0.5, 0.25]
   */
  bounds?: Bounds<T>;
  /**
   * General constraints for "slsqp", "augmented-lagrangian" and "interior-point" (only):
   * a list of `{ type: "eq" | "ineq", fun }`, fun(x) = 0 or fun(x) ≥ 0 (see `Constraint`).
   *
   * @example
   * minimize(f, x0, { method: "interior-point", constraints: [{ type: "ineq", fun: (x) => np.sub(1, np.sum(np.square(x))) }] });
   */
  constraints?: readonly Constraint<T>[];
  /**
   * Feasibility tolerance of the constrained methods: "converged" needs every constraint
   * violated by at most ctol (the constraints' own units; default 1e-8), besides
   * stationarity and complementarity ≤ gtol.
   */
  ctol?: number;
  /** L-BFGS history length, a positive integer (default 10). */
  m?: number;
  /** Momentum coefficient (momentum, nesterov) and Adam's first-moment decay, in [0, 1) (default 0.9). */
  b1?: number;
  /** Adam's second-moment decay, in [0, 1) (default 0.999). */
  b2?: number;
  /** Adam's denominator guard, > 0 (default 1e-8). */
  eps?: number;
  /** trust-ncg's initial trust radius, > 0 (default 1). */
  trustRadius?: number;
  /** Called after every iteration; return true to stop (status "stopped"). */
  callback?: (info: IterationInfo<T>) => boolean | void;
  /**
   * Keep iterates in `result.path`: `true` keeps at most 10,000, a number at most that
   * many (an integer ≥ 2). A longer run is evenly thinned, so memory stays bounded however
   * many iterations: the path holds iterates 0, s, 2s, … for a stride s = 2^j, and always
   * the last; each point carries its iteration number `nit`.
   *
   * @example
   * minimize(f, x0, { method: "gd", lr: 1e-6, maxIter: 1e6, recordPath: 100 }).path!.length; // ≤ 100
   */
  recordPath?: boolean | number;
  /** Compile f's value and gradient (and Hessian products) with `jit` (default true). */
  jit?: boolean;
  /**
   * When the run reaches ‖∇f‖∞ ≤ gtol, check the Hessian's curvature there (result
   * `curvature`). newton, newton-cg and trust-ncg then step off a saddle or maximum along
   * negative curvature and go on; the other methods end with status "saddle". Default:
   * true for newton, newton-cg and trust-ncg, and for the others when x has at most 100
   * elements (the check costs at most 50 Hessian-vector products, counted in nhev).
   */
  checkCurvature?: boolean;
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
  /** With `recordPath`: x0, the accepted iterates (evenly thinned past the bound) and the last. */
  path?: PathPoint[];
  /** When the run reached ‖∇f‖∞ ≤ gtol and `checkCurvature` was on: the curvature at x. */
  curvature?: CurvatureCheck;
  /**
   * Constrained methods only: the Lagrange multipliers, one float64 Array per constraint
   * in the order given (shape [] for a scalar constraint, [k] for a vector one), with
   * scipy's sign convention L(x, λ) = f(x) − Σ λᵢ cᵢ(x): λᵢ ≥ 0 for "ineq".
   */
  multipliers?: Array[];
  /** Constrained methods only: the KKT residuals at x (see `KKTResiduals`). */
  kkt?: KKTResiduals;
}
