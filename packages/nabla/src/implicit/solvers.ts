// The public solvers: customRoot around any solver, and rootFind, fixedPoint and argmin
// built on it. Each returns a function of (y0, ...args): options come first, because a
// trailing options object could not be told apart from a pytree argument.
import { checkFunction } from "../array/index.js";
import { np, tree, type Array, type Tree } from "../core/index.js";
import { minimize, type MinimizeOptions, type MinimizeStatus } from "../optim/index.js";
import { closureConvert, grad, ravelPytree, type GradOf } from "../transforms/index.js";
import { fixedPointIterate, maxAbs, newton, type FlatReport } from "./forward.js";
import { linearSettings, linearSolver, nonNegative, positiveInteger, type LinearSolveMethod } from "./linear.js";
import { residualOf, rootWithReport, type RootOptions, type SolveReport, type SolveStatus } from "./root.js";

/** How the implicit derivative's linear system J·v = r (J = ∂F/∂y at the solution) is solved. */
export interface ImplicitOptions {
  /**
   * "dense" materializes J (n products) and factors it: exact, for small systems;
   * "cg" (J symmetric positive definite), "minres" (symmetric, e.g. a KKT system),
   * "gmres" and "bicgstab" are matrix-free, from JVPs and VJPs of F. Default "gmres", and
   * "cg" for `argmin`.
   */
  linearSolve?: LinearSolveMethod;
  /** Solve with J + ridge·I (default 0): regularizes a singular or ill-conditioned J. */
  ridge?: number;
  /** Relative residual the matrix-free solves must reach (default 1e-10); short of it, an error. */
  linearTol?: number;
  /** Iteration budget of the matrix-free solves (default 10·n). */
  linearMaxIter?: number;
  /**
   * Differentiate even when the forward solve did not converge (default false: then a
   * derivative is an error, since it would describe a point that is not a solution).
   */
  allowUnconverged?: boolean;
}

/**
 * What rootFind, fixedPoint and argmin return. Every field is an Array, so results pass
 * through `jit` and `vmap` (where each field gains the batch axis).
 */
export interface ImplicitResult<Y> {
  /** The solution, with y0's structure; differentiable in the arguments. */
  x: GradOf<Y>;
  /** status === 0 (bool). */
  success: Array;
  /** Index in `STATUS`: 0 "converged", 1 "maxIter", 2 "nonFinite", 3 "failed" (int32). */
  status: Array;
  /** Iterations of the forward solver (int32). */
  nit: Array;
  /** max |F(x)| at the solution: |T(x) − x| for fixedPoint, |∇g(x)| for argmin. */
  residual: Array;
}

type Solver<Y, A extends unknown[]> = (y0: Y, ...args: A) => ImplicitResult<Y>;

function resultOf<Y>([x, status, nit, residual]: [GradOf<Y>, Array, Array, Array]): ImplicitResult<Y> {
  return { x, success: np.equal(status, 0), status, nit, residual };
}

const IMPLICIT_KEYS = ["linearSolve", "ridge", "linearTol", "linearMaxIter", "allowUnconverged"];

function checkKeys(op: string, opts: object, own: readonly string[]): void {
  if (typeof opts !== "object" || opts === null) throw new Error(`${op}: options must be an object, got ${String(opts)}`);
  const unknown = Object.keys(opts).filter((k) => !own.includes(k) && !IMPLICIT_KEYS.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}; expected ${[...own, ...IMPLICIT_KEYS].join(", ")}`);
}

/** The settings of the implicit derivative; `hint` is what a refused derivative suggests. */
function rootOptions(op: string, opts: ImplicitOptions, fallback: LinearSolveMethod, symmetric: boolean, hint: string) {
  if (opts.allowUnconverged !== undefined && typeof opts.allowUnconverged !== "boolean") throw new Error(`${op}: allowUnconverged must be a boolean`);
  return { linearSolve: linearSolver(op, linearSettings(op, opts, fallback), symmetric), symmetric, allowUnconverged: opts.allowUnconverged ?? false, hint };
}

/** A flat-vector solver lifted to pytrees: y0 raveled, the answer unraveled to y0's dtypes. */
function onFlat(y0: Tree, run: (v: Array, unravel: (v: Array) => Tree) => FlatReport): SolveReport {
  const [v, unravel] = ravelPytree(y0);
  const r = run(v, unravel);
  const dtypes = tree.leaves(y0).map((l) => np.asArray(l as Array).dtype);
  const leaves = tree.leaves(unravel(r.x)).map((l, i) => np.astype(l as Array, dtypes[i]!));
  return { ...r, x: tree.unflatten(tree.flatten(y0)[1], leaves) };
}

type UserFn = (y: any, ...args: any[]) => unknown;

/**
 * rootWithReport for F = toF(fn), with what the user's fn closes over moved into the
 * arguments (closureConvert): `run` calls fn on concrete values inside the primitive's
 * kernel, where an outer transformation's tracers must not reach, and derivatives in
 * those closed-over values flow like any argument's.
 */
function solveImplicit<Y extends Tree>(
  op: string,
  fn: UserFn,
  toF: (fn: UserFn) => UserFn,
  run: (fn: (y: Tree) => unknown, y0: Tree, args: Tree[]) => SolveReport,
  y0: Y,
  args: readonly unknown[],
  settings: RootOptions,
) {
  const { explicit, consts } = closureConvert(fn, [y0, ...args]);
  const withConsts = (y: Tree, c: Array[], ...a: unknown[]) => explicit(c, y, ...a);
  const F = toF(withConsts);
  const solve = (z0: Tree, [c, ...a]: Tree[]) => run((y) => withConsts(y, c as Array[], ...a), z0, a);
  return rootWithReport(op, F, solve, y0, [consts, ...args], settings);
}

/**
 * Any solver of F(y, ...args) = 0 made differentiable by the implicit function theorem
 * (JAX's `lax.custom_root`): the returned function runs `solve(y0, ...args)` — any code, even
 * one that is not traceable, such as a call to `minimize` — and its answer y* gets the
 * derivative −(∂F/∂y)⁻¹·∂F/∂θ in the args θ (pytrees) and in what F closes over, in forward
 * and reverse mode, to any order, under `vmap` and `jit`. y0 only starts the solver: its
 * derivative is zero. F(y, ...args) must return y's structure, shapes and dtypes. The
 * derivative assumes F(y*) = 0: a y* where F is not finite refuses to be differentiated.
 *
 * @example
 * // √θ by bisection, differentiated without looking inside it
 * const sqrt = implicit.customRoot((y: Array, t: Array) => y.mul(y).sub(t), (_y0, t) => np.array(bisect(t.item())));
 * grad((t: Array) => sqrt(np.array(1), t))(np.array(4)); // 1/(2·√4) = 0.25
 */
export function customRoot<Y extends Tree, A extends unknown[]>(
  F: (y: GradOf<Y>, ...args: A) => unknown,
  solve: (y0: Y, ...args: A) => Y | GradOf<Y>,
  opts: ImplicitOptions & { symmetric?: boolean } = {},
): (y0: Y, ...args: A) => GradOf<Y> {
  const op = "implicit.customRoot";
  checkFunction(op, "F", F);
  checkFunction(op, "solve", solve);
  checkKeys(op, opts, ["symmetric"]);
  const symmetric = opts.symmetric ?? false;
  const settings = rootOptions(op, opts, symmetric ? "cg" : "gmres", symmetric, "check that F is finite at the solver's answer");
  const run = (Fy: (y: Tree) => unknown, y0: Tree, args: Tree[]): SolveReport => {
    const x = solve(y0 as Y, ...(args as A)) as Tree;
    const residual = residualOf(Fy, x);
    return { x, status: residual === Infinity ? "nonFinite" : "converged", nit: 0, residual };
  };
  return (y0, ...args) => solveImplicit(op, F, (f) => f, run, y0, args, settings)[0];
}

/** Options of `rootFind`. */
export interface RootFindOptions extends ImplicitOptions {
  /** "newton" (Jacobian each step, default) or "broyden" (rank-one updates). Both damp by backtracking. */
  method?: "newton" | "broyden";
  /** Stop when max |F(y)| ≤ tol (default 1e-10). */
  tol?: number;
  /** Default 100. */
  maxIter?: number;
}

/**
 * A root of F(y, ...args) = 0 from y0, by Newton's or Broyden's method, differentiable in
 * the args by the implicit function theorem (one linear solve, however many iterations
 * the solve took). F must return y's structure and shapes (a square system).
 *
 * @example
 * const cubeRoot = implicit.rootFind((y: Array, t: Array) => y.mul(y).mul(y).sub(t));
 * cubeRoot(np.array(1), np.array(8)).x;                            // 2
 * grad((t: Array) => cubeRoot(np.array(1), t).x)(np.array(8));      // 1/(3·2²) = 1/12
 */
export function rootFind<Y extends Tree, A extends unknown[]>(F: (y: GradOf<Y>, ...args: A) => unknown, opts: RootFindOptions = {}): Solver<Y, A> {
  const op = "implicit.rootFind";
  checkFunction(op, "F", F);
  checkKeys(op, opts, ["method", "tol", "maxIter"]);
  const method = opts.method ?? "newton";
  if (method !== "newton" && method !== "broyden") throw new Error(`${op}: method ${JSON.stringify(method)} is not one of newton, broyden`);
  const lim = { tol: nonNegative(op, "tol", opts.tol, 1e-10), maxIter: positiveInteger(op, "maxIter", opts.maxIter, 100) };
  const settings = rootOptions(op, opts, "gmres", false, "loosen tol, raise maxIter, or start closer to the root");
  const run = (Fy: (y: Tree) => unknown, y0: Tree) => onFlat(y0, (v, unravel) => newton((y) => ravelPytree(Fy(unravel(y)))[0], v, lim, method === "broyden"));
  return (y0, ...args) => resultOf(solveImplicit(op, F, (f) => f, run, y0, args, settings));
}

/** Options of `fixedPoint`. */
export interface FixedPointOptions extends ImplicitOptions {
  /** "iterate" (z ← T(z), default) or "anderson" (Anderson acceleration). */
  method?: "iterate" | "anderson";
  /** Stop when max |T(z) − z| ≤ tol (default 1e-10). */
  tol?: number;
  /** Default 1000. */
  maxIter?: number;
  /** Past steps Anderson mixes (default 5). */
  memory?: number;
}

/**
 * The fixed point z* = T(z*, ...args) reached from z0, by iteration or Anderson
 * acceleration, differentiable in the args by the implicit function theorem on
 * F(z) = T(z) − z: deep equilibrium layers without backpropagating through the iterations.
 * For reverse mode through long iterations, this replaces `whileLoop` (which has none).
 *
 * @example
 * const solve = implicit.fixedPoint((z: Array, t: Array) => t.mul(np.cos(z)));
 * solve(np.array(0), np.array(1)).x;                          // 0.7390851332151607 (the Dottie number)
 * grad((t: Array) => solve(np.array(0), t).x)(np.array(1));   // cos(z*) / (1 + sin(z*))
 */
export function fixedPoint<Z extends Tree, A extends unknown[]>(T: (z: GradOf<Z>, ...args: A) => unknown, opts: FixedPointOptions = {}): Solver<Z, A> {
  const op = "implicit.fixedPoint";
  checkFunction(op, "T", T);
  checkKeys(op, opts, ["method", "tol", "maxIter", "memory"]);
  const method = opts.method ?? "iterate";
  if (method !== "iterate" && method !== "anderson") throw new Error(`${op}: method ${JSON.stringify(method)} is not one of iterate, anderson`);
  const lim = { tol: nonNegative(op, "tol", opts.tol, 1e-10), maxIter: positiveInteger(op, "maxIter", opts.maxIter, 1000) };
  const memory = method === "anderson" ? positiveInteger(op, "memory", opts.memory, 5) : 0;
  const residual = (Tc: UserFn) => (z: Tree, ...args: unknown[]) => tree.map((t: Array, zi: Array) => np.sub(t, zi), Tc(z, ...args) as Tree, z);
  const settings = rootOptions(op, opts, "gmres", false, method === "iterate" ? "loosen tol, raise maxIter, or try method: \"anderson\"" : "loosen tol or raise maxIter");
  const run = (Tz: (z: Tree) => unknown, z0: Tree) => onFlat(z0, (v, unravel) => fixedPointIterate((z) => ravelPytree(Tz(unravel(z)))[0], v, lim, memory));
  return (z0, ...args) => resultOf(solveImplicit(op, T, residual, run, z0, args, settings));
}

/** Options of `argmin`: minimize's (method, gtol, maxIter …) and the implicit ones. */
export type ArgminOptions<Y> = ImplicitOptions & MinimizeOptions<Y>;

const MINIMIZE_TO_STATUS: Record<MinimizeStatus, SolveStatus> = {
  converged: "converged",
  stalled: "failed",
  maxIter: "maxIter",
  maxEval: "maxIter",
  lineSearchFailed: "failed",
  nonFinite: "nonFinite",
  stopped: "failed",
  saddle: "failed",
  infeasible: "failed",
  unbounded: "failed",
};

/**
 * The minimizer y* of g(y, ...args) found by `minimize` from y0, differentiable in the
 * args through its stationarity ∇_y g(y*, θ) = 0: (∂y*)/∂θ = −(∇²_yy g)⁻¹·∇²_yθ g, solved with
 * Hessian-vector products (the Hessian is symmetric, so by CG unless `linearSolve` says
 * otherwise) — iMAML's meta-gradients, bilevel hyperparameters, optimization layers.
 * Two defaults differ from minimize's: `gtol` is 1e-10, not 1e-5, since the derivative is
 * only as accurate as the minimizer; and `method` is "newton-cg", whose Newton steps (from
 * the Hessian-vector products the derivative needs anyway) resolve ∇g = 0 to full
 * precision, where the line searches of lbfgs and bfgs can stall on f's rounding a few
 * digits short (status "failed"). `residual` is max |∇_y g| at y*.
 *
 * @example
 * const solve = implicit.argmin((y: Array, t: Array) => y.pow(4).div(4).sub(t.mul(y)));
 * solve(np.array(1), np.array(8)).x;                            // 2
 * grad((t: Array) => solve(np.array(1), t).x)(np.array(8));      // 1/12
 */
export function argmin<Y extends Tree, A extends unknown[]>(g: (y: GradOf<Y>, ...args: A) => Array | number, opts: ArgminOptions<Y> = {}): Solver<Y, A> {
  const op = "implicit.argmin";
  checkFunction(op, "g", g);
  const minimizeOpts = Object.fromEntries(Object.entries(opts).filter(([k]) => !IMPLICIT_KEYS.includes(k))) as MinimizeOptions<Y>;
  // The derivative comes from ∇_y g = 0, which a constrained or bounded minimizer need not
  // satisfy (implicit.qp differentiates the KKT conditions of a QP instead).
  if (minimizeOpts.constraints !== undefined || minimizeOpts.bounds !== undefined) {
    throw new Error(`${op}: constraints and bounds are not supported: the derivative assumes ∇_y g = 0 at the minimizer (for a QP, use implicit.qp)`);
  }
  const settings = rootOptions(op, opts, "cg", true, "loosen gtol, raise maxIter, or try another method");
  const gradient = (gc: UserFn) => (y: Tree, ...args: unknown[]) => grad((u: Tree) => gc(u, ...args) as Array)(y);
  const run = (gy: (y: Tree) => unknown, y0: Tree): SolveReport => {
    const r = minimize((y: GradOf<Y>) => gy(y) as Array, y0 as Y, { method: "newton-cg", gtol: 1e-10, ...minimizeOpts });
    const dtypes = tree.leaves(y0).map((l) => np.asArray(l as Array).dtype);
    const x = tree.unflatten(tree.flatten(y0)[1], tree.leaves(r.x as Tree).map((l, i) => np.astype(l as Array, dtypes[i]!)));
    const residual = maxAbs(ravelPytree(r.grad)[0]);
    return { x, status: r.success ? "converged" : MINIMIZE_TO_STATUS[r.status], nit: r.nit, residual };
  };
  return (y0, ...args) => resultOf(solveImplicit(op, g, gradient, run, y0, args, settings));
}
