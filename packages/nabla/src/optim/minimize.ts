// minimize: scipy.optimize.minimize's shape over nabla's derivatives. The methods live
// in ./methods; this file resolves the options, runs one, and builds the result record.
import type { Array } from "../core/index.js";
import type { GradOf } from "../transforms/index.js";
import { adam, gd, momentum } from "./methods/firstorder.js";
import { bfgs } from "./methods/bfgs.js";
import { cg } from "./methods/cg.js";
import { lbfgs } from "./methods/lbfgs.js";
import { lbfgsb } from "./methods/lbfgsb.js";
import { newton } from "./methods/newton.js";
import { newtonCG } from "./methods/newtoncg.js";
import { trustNCG } from "./methods/trustncg.js";
import { augmentedLagrangian } from "./methods/auglag.js";
import { interiorPoint } from "./methods/interior-point.js";
import { slsqp } from "./methods/slsqp.js";
import { runConstrained, type ConstrainedRun, type ConstrainedSettings } from "./constrained.js";
import { checkConstraints } from "./constraints.js";
import { flattenBounds } from "./bounds.js";
import { CURVATURE_CHECK_MAX_N, settle } from "./curvature.js";
import { FlatObjective } from "./objective.js";
import { Progress, type Outcome, type Settings } from "./progress.js";
import type { ConstrainedMethod, LineSearchKind, MinimizeMethod, MinimizeOptions, MinimizeResult, UnconstrainedMethod } from "./types.js";
import { checkKeys, checkOptional, DECAY, NON_NEGATIVE, NON_NEGATIVE_INTEGER, POSITIVE, POSITIVE_INTEGER, shown } from "./validate.js";

export type { Bound, BoundPair, Bounds, ConstrainedMethod, Constraint, CurvatureCheck, IterationInfo, KKTResiduals, LineSearchKind, MinimizeMethod, MinimizeOptions, MinimizeResult, MinimizeStatus, PathPoint, UnconstrainedMethod } from "./types.js";

const methods: Record<UnconstrainedMethod, (p: Progress) => Outcome> = {
  gd,
  momentum: (p) => momentum(p, false),
  nesterov: (p) => momentum(p, true),
  adam,
  newton,
  bfgs,
  lbfgs,
  lbfgsb,
  cg,
  "newton-cg": newtonCG,
  "trust-ncg": trustNCG,
};

const constrainedMethods: Record<ConstrainedMethod, ConstrainedRun> = {
  slsqp,
  "augmented-lagrangian": augmentedLagrangian,
  "interior-point": interiorPoint,
};
const allMethods = [...Object.keys(methods), ...Object.keys(constrainedMethods)];
/** The options the constrained methods read; any other one given to them is an error. */
const constrainedOptionNames = ["method", "gtol", "ctol", "maxIter", "maxEval", "m", "callback", "recordPath", "jit", "bounds", "constraints"];

const fixedStep = new Set<MinimizeMethod>(["momentum", "nesterov", "adam"]);
/** The methods that take `bounds` as a projection of each step onto the box (projected gradient methods). */
const boxedStep = new Set<MinimizeMethod>(["gd", ...fixedStep]);
/** The methods that use the Hessian (or its products): they step off saddles instead of stopping. */
const secondOrder = new Set<MinimizeMethod>(["newton", "newton-cg", "trust-ncg"]);
const defaultLr: Partial<Record<MinimizeMethod, number>> = { momentum: 1e-2, nesterov: 1e-2, adam: 1e-3 };
const lineSearchKinds: readonly LineSearchKind[] = ["strong-wolfe", "backtracking", "none"];
// Every option, so a misspelt one (maxiter) is an error rather than silently ignored; the
// `satisfies` makes an option added to MinimizeOptions but not here a compile error.
const optionNames = Object.keys({
  method: 0, gtol: 0, ftol: 0, xtol: 0, maxIter: 0, maxEval: 0, lr: 0, schedule: 0, lineSearch: 0, bounds: 0, m: 0, b1: 0, b2: 0, eps: 0,
  trustRadius: 0, callback: 0, recordPath: 0, jit: 0, checkCurvature: 0, constraints: 0, ctol: 0,
} satisfies Record<keyof MinimizeOptions, 0>);

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`minimize: ${message}`);
}

const optionalBoolean = (name: string, v: unknown) => check(v === undefined || typeof v === "boolean", `${name} must be true or false, got ${shown(v)}`);
const optionalFunction = (name: string, v: unknown, what: string) => check(v === undefined || typeof v === "function", `${name} must be ${what}, got ${shown(v)}`);

/**
 * Checks every option's value where it enters (a bad one is a programming error: it
 * throws, naming minimize and the option), then applies the defaults.
 */
function resolve<T>(method: UnconstrainedMethod, o: MinimizeOptions<T>): Omit<Settings, "bounds"> {
  check(o.constraints === undefined, `constraints apply to ${Object.keys(constrainedMethods).join(", ")}, not to "${method}"`);
  check(o.ctol === undefined, `ctol applies to ${Object.keys(constrainedMethods).join(", ")}, not to "${method}"`);
  for (const name of ["gtol", "ftol", "xtol"] as const) checkOptional("minimize", name, o[name], NON_NEGATIVE);
  for (const name of ["maxIter", "maxEval"] as const) checkOptional("minimize", name, o[name], NON_NEGATIVE_INTEGER);
  for (const name of ["lr", "eps", "trustRadius"] as const) checkOptional("minimize", name, o[name], POSITIVE);
  for (const name of ["b1", "b2"] as const) checkOptional("minimize", name, o[name], DECAY);
  checkOptional("minimize", "m", o.m, POSITIVE_INTEGER);
  check(o.lineSearch === undefined || lineSearchKinds.includes(o.lineSearch), `lineSearch must be one of ${lineSearchKinds.join(", ")}, got ${shown(o.lineSearch)}`);
  optionalFunction("schedule", o.schedule, "a function of the step count");
  optionalFunction("callback", o.callback, "a function");
  optionalBoolean("jit", o.jit);
  optionalBoolean("checkCurvature", o.checkCurvature);
  const stepRule = o.lineSearch !== undefined && o.lineSearch !== "none";
  check(!(stepRule && (fixedStep.has(method) || method === "trust-ncg")), `method "${method}" takes no line search (lineSearch "${o.lineSearch}")`);
  check(o.bounds === undefined || method === "lbfgsb" || method === "trust-ncg" || boxedStep.has(method), `bounds apply to "lbfgsb", "trust-ncg", and as a projection to gd, momentum, nesterov and adam, not to "${method}"`);
  // A line search along −g is not one along the projected path: bounded gd takes fixed steps.
  check(!(o.bounds !== undefined && method === "gd" && o.lr === undefined && o.schedule === undefined), "gd with bounds takes a fixed step: give lr or a schedule");
  check(method !== "lbfgsb" || o.lineSearch === undefined || o.lineSearch === "strong-wolfe", `method "lbfgsb" searches with its own strong Wolfe line search (lineSearch "${o.lineSearch}")`);
  check(o.schedule === undefined || method === "gd" || fixedStep.has(method), `a schedule applies to gd, momentum, nesterov and adam, not "${method}"`);
  const firstOrder = method === "gd" || fixedStep.has(method);
  const maxIter = o.maxIter ?? (firstOrder ? 10000 : 1000);
  // gd takes a fixed step when given one, else searches; the others search unless told not to.
  const lineSearch = o.lineSearch ?? (fixedStep.has(method) || method === "trust-ncg" ? "none" : method === "gd" ? (o.lr !== undefined || o.schedule ? "none" : "backtracking") : "strong-wolfe");
  const lr = o.lr ?? defaultLr[method];
  check(!(method === "gd" && lineSearch === "none" && lr === undefined && !o.schedule), 'gd with lineSearch "none" needs lr or a schedule');
  return {
    gtol: o.gtol ?? 1e-5,
    ftol: o.ftol ?? 0,
    xtol: o.xtol ?? 0,
    maxIter,
    maxEval: o.maxEval ?? 10 * maxIter,
    m: o.m ?? 10,
    b1: o.b1 ?? 0.9,
    b2: o.b2 ?? 0.999,
    eps: o.eps ?? 1e-8,
    trustRadius: o.trustRadius ?? 1,
    lr,
    lineSearch,
    schedule: o.schedule,
    callback: o.callback,
    recordPath: o.recordPath ?? false,
  };
}

/** As `resolve`, for the constrained methods. */
function resolveConstrained<T>(method: ConstrainedMethod, o: MinimizeOptions<T>): ConstrainedSettings {
  for (const [key, value] of Object.entries(o)) {
    check(value === undefined || constrainedOptionNames.includes(key), `option "${key}" does not apply to method "${method}" (it takes ${constrainedOptionNames.join(", ")})`);
  }
  for (const name of ["gtol", "ctol"] as const) checkOptional("minimize", name, o[name], NON_NEGATIVE);
  for (const name of ["maxIter", "maxEval"] as const) checkOptional("minimize", name, o[name], NON_NEGATIVE_INTEGER);
  checkOptional("minimize", "m", o.m, POSITIVE_INTEGER);
  optionalFunction("callback", o.callback, "a function");
  optionalBoolean("jit", o.jit);
  if (o.constraints !== undefined) checkConstraints(o.constraints);
  const maxIter = o.maxIter ?? 1000;
  return { gtol: o.gtol ?? 1e-6, ctol: o.ctol ?? 1e-8, maxIter, maxEval: o.maxEval ?? 10 * maxIter, m: o.m ?? 10, callback: o.callback };
}

/**
 * Minimizes a scalar function `f` of any pytree of parameters from `x0`, and returns a
 * plain record in scipy's shape: `{ x, fun, grad, nit, nfev, ngev, nhev, status,
 * success, message, path?, curvature? }`. Gradients (and Hessians or Hessian-vector
 * products) come from nabla's autodiff, compiled with `jit`.
 *
 * Branches: f is traced to be differentiated, so it must not read the values of x in
 * JavaScript. `x.item() > 0 ? … : …` (or `toArray()`) throws an error pointing to
 * `cond` / `whileLoop`, with or without jit (gradients trace f as jit does); write
 * value-dependent branches with `np.where` or `cond`. `if (np.greater(x, 0))` tests an
 * object, which is always true: it silently takes one branch. When jit alone fails (f
 * calls code that refuses to be staged but differentiates), minimize evaluates eagerly
 * and its message says "ran without jit: …".
 *
 * Methods: "lbfgs" (default; two-loop recursion, history `m`), "lbfgsb" (L-BFGS-B: the
 * same model under box constraints `bounds`, with the projected gradient for gtol), "bfgs", "cg"
 * (Polak–Ribière+), "newton" (exact Hessian, Cholesky, damped when not positive
 * definite), "newton-cg" (Hessian-free, truncated CG), "trust-ncg" (Steihaug; with `bounds`, the
 * projected trust-region Newton-CG of TRON), and the
 * first-order "gd", "momentum", "nesterov", "adam" (fixed `lr` or a `schedule`; gd
 * searches with Armijo backtracking when given neither).
 *
 * Constrained methods, for `constraints: [{ type: "eq" | "ineq", fun }]` (fun(x) = 0 or
 * fun(x) ≥ 0, as scipy; fun returns a number or a 0-d or 1-d Array; Jacobians and
 * Hessians by autodiff) together with `bounds`: "slsqp" (SQP with a damped BFGS Hessian
 * of the Lagrangian, dense QP subproblems, elastic mode when the linearization is
 * inconsistent, ℓ1 merit line search), "augmented-lagrangian" (PHR augmented Lagrangian,
 * bounds kept by L-BFGS-B inner solves, ALGENCAN's updates), "interior-point" (primal-
 * dual, exact Hessian of the Lagrangian, slacks, IPOPT's inertia correction, ℓ1 merit
 * line search). They read only gtol (default 1e-6), ctol (1e-8), maxIter, maxEval, m
 * (augmented-lagrangian's inner L-BFGS-B), callback, recordPath, jit, bounds and constraints; any
 * other option throws. Their result adds `multipliers` (one Array per constraint, λ of
 * L = f − Σλᵢcᵢ, λ ≥ 0 for "ineq") and `kkt` (stationarity, feasibility,
 * complementarity: see KKTResiduals); "converged" means all three are within gtol /
 * ctol. A problem whose constraints cannot be met ends "infeasible", one whose f falls
 * without bound on the feasible set "unbounded", neither a success. nit counts outer
 * iterations (slsqp, interior-point) or inner L-BFGS-B iterations (augmented-lagrangian);
 * nfev, ngev, nhev count f's evaluations (constraint evaluations are not counted); the
 * callback and the path see each of those iterations, with the stationarity residual as gradNorm.
 *
 * Stopping (unconstrained methods): ‖∇f‖∞ ≤ gtol is "converged"; ftol / xtol give "stalled"; budgets give
 * "maxIter" / "maxEval"; a failed step search "lineSearchFailed"; NaN or ±Inf in f or ∇f
 * "nonFinite" (with the last finite iterate). These never throw; bad arguments do, with
 * one line naming the option (`minimize: maxIter must be a non-negative integer, got 1.5`).
 *
 * Curvature: ‖∇f‖∞ ≤ gtol also holds at saddles and maxima. With `checkCurvature` (see
 * there for the default) minimize then estimates the Hessian's extreme eigenvalues at x
 * (`result.curvature`): "newton", "newton-cg" and "trust-ncg" step off a saddle or maximum
 * along the direction of negative curvature (a backtracking search on f) and go on, so
 * they converge only where the curvature does not contradict a minimum; the other
 * methods end there with status "saddle" (no success). A singular Hessian ("degenerate",
 * e.g. x⁴ at 0) cannot be judged by second-order information: the run stays "converged"
 * and the message says so.
 *
 * Types: x0's type `T` is inferred, f takes what the optimizer passes (x0's structure
 * with float64 Array leaves, `GradOf<T>`), and `r.x`, `r.grad` have that type too.
 *
 * @example
 * const rosen = (x: Array) => { const [a, b] = [x.slice(0), x.slice(1)]; return a.sub(1).square().add(b.sub(a.square()).square().mul(100)); };
 * const r = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgs" });
 * r.status; // "converged"; r.x ≈ [1, 1]; r.curvature.kind === "minimum"
 */
// NoInfer: x0 alone decides T, so options typed for any x0 (MinimizeOptions) do not make it unknown.
export function minimize<T>(f: (x: GradOf<T>) => Array | number, x0: T, opts: MinimizeOptions<NoInfer<T>> = {}): MinimizeResult<T> {
  check(typeof f === "function", `f must be a function, got ${shown(f)}`);
  checkKeys("minimize", "opts", opts, optionNames);
  const method = opts.method ?? "lbfgs";
  check(typeof method === "string" && allMethods.includes(method), `unknown method ${shown(method)}; use one of ${allMethods.join(", ")}`);
  if (Object.hasOwn(constrainedMethods, method)) {
    const constrained = method as ConstrainedMethod;
    return runConstrained(constrainedMethods[constrained], f, x0, opts, resolveConstrained(constrained, opts));
  }
  const unconstrained = method as UnconstrainedMethod;
  const resolved = resolve(unconstrained, opts);
  const objective = new FlatObjective(f, x0, opts.jit ?? true);
  const box = method === "lbfgsb" || opts.bounds !== undefined ? flattenBounds(opts.bounds, x0, objective.n) : undefined;
  // An all-infinite box is no constraint: the run is judged by ‖∇f‖∞ exactly as lbfgs's.
  const bounds = box?.constrained ? box : undefined;
  // The Hessian's eigenvalues say nothing about a minimum on the edge of a box (f = −x² on
  // [−1, 1] has its minima where H < 0), so bounded runs do not check curvature.
  check(!(bounds && opts.checkCurvature === true), "checkCurvature applies only without finite bounds (the Hessian does not judge a minimum on the edge of the box)");
  const progress = new Progress(objective, { ...resolved, bounds });
  const run = methods[unconstrained];
  const first = progress.start() ?? run(progress);
  const escape = secondOrder.has(method);
  const checkCurvature = opts.checkCurvature ?? (!bounds && (escape || objective.n <= CURVATURE_CHECK_MAX_N));
  const { outcome, curvature } = checkCurvature
    ? settle(progress, first, { method, probe: method === "newton" ? "dense" : "lanczos", escape, resume: run })
    : { outcome: first, curvature: undefined };
  const note = objective.jitFallback ? ` (ran without jit: ${objective.jitFallback})` : "";
  return {
    x: objective.toTree(progress.x),
    fun: progress.f,
    grad: objective.toTree(progress.g),
    nit: progress.nit,
    nfev: objective.nfev,
    ngev: objective.ngev,
    nhev: objective.nhev,
    status: outcome.status,
    // Never report a non-finite result as a success, whatever the stopping test said.
    success: outcome.success && Number.isFinite(progress.f),
    message: outcome.message + note,
    ...(progress.path ? { path: progress.path } : {}),
    ...(curvature ? { curvature } : {}),
  };
}
