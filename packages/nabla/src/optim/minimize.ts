// minimize: scipy.optimize.minimize's shape over nabla's derivatives. The methods live
// in ./methods; this file resolves the options, runs one, and builds the result record.
import type { Array } from "../core/index.js";
import type { GradOf } from "../transforms/types.js";
import { adam, gd, momentum } from "./methods/firstorder.js";
import { bfgs } from "./methods/bfgs.js";
import { cg } from "./methods/cg.js";
import { lbfgs } from "./methods/lbfgs.js";
import { newton } from "./methods/newton.js";
import { newtonCG } from "./methods/newtoncg.js";
import { trustNCG } from "./methods/trustncg.js";
import { FlatObjective } from "./objective.js";
import { Progress, type Outcome, type Settings } from "./progress.js";
import type { LineSearchKind, MinimizeMethod, MinimizeOptions, MinimizeResult } from "./types.js";

export type { IterationInfo, LineSearchKind, MinimizeMethod, MinimizeOptions, MinimizeResult, MinimizeStatus, PathPoint } from "./types.js";

const methods: Record<MinimizeMethod, (p: Progress) => Outcome> = {
  gd,
  momentum: (p) => momentum(p, false),
  nesterov: (p) => momentum(p, true),
  adam,
  newton,
  bfgs,
  lbfgs,
  cg,
  "newton-cg": newtonCG,
  "trust-ncg": trustNCG,
};

const fixedStep = new Set<MinimizeMethod>(["momentum", "nesterov", "adam"]);
const defaultLr: Partial<Record<MinimizeMethod, number>> = { momentum: 1e-2, nesterov: 1e-2, adam: 1e-3 };
const lineSearchKinds: readonly LineSearchKind[] = ["strong-wolfe", "backtracking", "none"];

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`minimize: ${message}`);
}

function nonNegative(name: string, v: number | undefined): void {
  check(v === undefined || v >= 0, `${name} must be a non-negative number, got ${v}`);
}

function resolve<T>(method: MinimizeMethod, o: MinimizeOptions<T>): Settings {
  check(Object.hasOwn(methods, method), `unknown method "${String(method)}"; use one of ${Object.keys(methods).join(", ")}`);
  nonNegative("gtol", o.gtol);
  nonNegative("ftol", o.ftol);
  nonNegative("xtol", o.xtol);
  nonNegative("maxIter", o.maxIter);
  nonNegative("maxEval", o.maxEval);
  check(o.lr === undefined || (o.lr > 0 && Number.isFinite(o.lr)), `lr must be a positive number, got ${o.lr}`);
  check(o.m === undefined || (Number.isInteger(o.m) && o.m >= 1), `m must be a positive integer, got ${o.m}`);
  check(o.lineSearch === undefined || lineSearchKinds.includes(o.lineSearch), `lineSearch must be one of ${lineSearchKinds.join(", ")}, got "${o.lineSearch}"`);
  const stepRule = o.lineSearch !== undefined && o.lineSearch !== "none";
  check(!(stepRule && (fixedStep.has(method) || method === "trust-ncg")), `method "${method}" takes no line search (lineSearch "${o.lineSearch}")`);
  check(o.schedule === undefined || typeof o.schedule === "function", "schedule must be a function of the step count");
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

/**
 * Minimizes a scalar function `f` of any pytree of parameters from `x0`, and returns a
 * plain record in scipy's shape: `{ x, fun, grad, nit, nfev, ngev, nhev, status,
 * success, message, path? }`. Gradients (and Hessians or Hessian-vector products) come
 * from nabla's autodiff, compiled with `jit` unless f branches on values (then it runs
 * eagerly and the message says so).
 *
 * Methods: "lbfgs" (default; two-loop recursion, history `m`), "bfgs", "cg"
 * (Polak–Ribière+), "newton" (exact Hessian, Cholesky, damped when not positive
 * definite), "newton-cg" (Hessian-free, truncated CG), "trust-ncg" (Steihaug), and the
 * first-order "gd", "momentum", "nesterov", "adam" (fixed `lr` or a `schedule`; gd
 * searches with Armijo backtracking when given neither).
 *
 * Stopping: ‖∇f‖∞ ≤ gtol is "converged"; ftol / xtol give "stalled"; budgets give
 * "maxIter" / "maxEval"; a failed step search "lineSearchFailed"; NaN or ±Inf in f or ∇f
 * "nonFinite" (with the last finite iterate). These never throw; bad arguments do.
 *
 * Types: x0's type `T` is inferred, f takes what the optimizer passes (x0's structure
 * with float64 Array leaves, `GradOf<T>`), and `r.x`, `r.grad` have that type too.
 *
 * @example
 * const rosen = (x: Array) => { const [a, b] = [x.slice(0), x.slice(1)]; return a.sub(1).square().add(b.sub(a.square()).square().mul(100)); };
 * const r = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgs" });
 * r.status; // "converged"; r.x ≈ [1, 1]
 */
export function minimize<T>(f: (x: GradOf<T>) => Array | number, x0: T, opts: MinimizeOptions<T> = {}): MinimizeResult<T> {
  check(typeof f === "function", `f must be a function, got ${typeof f}`);
  const method = opts.method ?? "lbfgs";
  const settings = resolve(method, opts);
  const objective = new FlatObjective(f, x0, opts.jit ?? true);
  const progress = new Progress(objective, settings);
  const outcome = progress.start() ?? methods[method](progress);
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
  };
}
