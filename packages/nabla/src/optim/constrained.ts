// minimize's constrained methods ("slsqp", "augmented-lagrangian", "interior-point"): the
// problem min f(x) subject to cᵢ(x) = 0 ("eq"), cᵢ(x) ≥ 0 ("ineq") and lo ≤ x ≤ hi, seen
// through flat vectors; this file runs one method and builds the result record, with
// the multipliers and the KKT residuals measured the same way for every method.
import type { Array } from "../core/index.js";
import type { GradOf } from "../transforms/index.js";
import { flattenBounds, project, type Box } from "./bounds.js";
import { FlatConstraints, jacTVec, kktResiduals, violations } from "./constraints.js";
import { lbfgsb } from "./methods/lbfgsb.js";
import { FlatObjective } from "./objective.js";
import { PathRecorder, pathLimit } from "./path.js";
import { Progress } from "./progress.js";
import { normInf } from "./vec.js";
import type { Constraint, KKTResiduals, MinimizeOptions, MinimizeResult, MinimizeStatus } from "./types.js";

/** The options a constrained method reads, after defaults. */
export interface ConstrainedSettings {
  gtol: number;
  ctol: number;
  maxIter: number;
  maxEval: number;
  /** L-BFGS-B's history for the augmented Lagrangian's inner solves. */
  m: number;
  callback: MinimizeOptions<any>["callback"];
}

/** What a method works on: f, c, the box (undefined when no bound is finite), the options. */
export interface ConstrainedProblem {
  objective: FlatObjective<any>;
  constraints: FlatConstraints<any>;
  box: Box | undefined;
  settings: ConstrainedSettings;
  /** x0, projected onto the box, and f there (the scale the unbounded test compares with). */
  x0: Float64Array;
  f0: number;
  /**
   * Called after every iteration with x, f and the stationarity residual: records the
   * path (`recordPath`) and runs the callback; true when the callback asks to stop.
   */
  report(nit: number, x: Float64Array, f: number, stationarity: number): boolean;
}

/** Where a method ended: x, f and ∇f there, the m multipliers (scipy's signs), why. */
export interface ConstrainedEnd {
  x: Float64Array;
  f: number;
  g: Float64Array;
  lambda: Float64Array;
  nit: number;
  status: MinimizeStatus;
  message: string;
}

/**
 * The divergence scale: f below −BIG·max(1, |f(x0)|), or ‖x‖∞ above BIG·max(1, ‖x0‖∞), at
 * a feasible point says "unbounded" (IPOPT's diverging-iterates test, with its 1e20 made
 * relative and smaller: past ~1e13 rounding alone breaks feasibility tests at ctol).
 */
export const BIG = 1e12;

/**
 * Whether x (f there, with the given violation) shows f unbounded below on the feasible
 * set: feasible within ctol (relative to ‖x‖∞ once x is large, as rounding is) and far
 * beyond the start in f or in x (see BIG).
 *
 * @example
 * if (diverged(p, f, x, kkt.feasibility)) return end("unbounded", unboundedMessage(f, x));
 */
export function diverged(p: ConstrainedProblem, f: number, x: Float64Array, feasibility: number): boolean {
  const size = normInf(x);
  if (feasibility > Math.max(p.settings.ctol, 1e-8 * size)) return false;
  return f < -BIG * Math.max(1, Math.abs(p.f0)) || size > BIG * Math.max(1, normInf(p.x0));
}

const fmt = (v: number) => v.toExponential(2);

/** The KKT residuals in words, for messages. */
export function describeKKT(k: KKTResiduals): string {
  return `stationarity ${fmt(k.stationarity)}, feasibility ${fmt(k.feasibility)}, complementarity ${fmt(k.complementarity)}`;
}

/** Whether the KKT residuals meet the tolerances ("converged"). */
export function meetsKKT(k: KKTResiduals, s: ConstrainedSettings): boolean {
  return k.stationarity <= s.gtol && k.complementarity <= s.gtol && k.feasibility <= s.ctol;
}

/** The message of a converged run. */
export function convergedMessage(k: KKTResiduals, s: ConstrainedSettings, nit: number): string {
  return `KKT conditions hold within gtol = ${s.gtol}, ctol = ${s.ctol} after ${nit} iteration${nit === 1 ? "" : "s"}: ${describeKKT(k)}`;
}

/** The message of an infeasible run. */
export function infeasibleMessage(feasibility: number, s: ConstrainedSettings): string {
  return `the constraints cannot be satisfied near x: the violation ${fmt(feasibility)} > ctol = ${s.ctol} is at a stationary point of the infeasibility (locally infeasible problem)`;
}

/** The message of an unbounded run; `how` says what showed it. */
export function unboundedMessage(f: number, x: Float64Array, how = `f or x grew ${BIG} times past their start`): string {
  return `f decreases without bound on the feasible set: f = ${fmt(f)} at a feasible point with ‖x‖∞ = ${fmt(normInf(x))} (${how})`;
}

/**
 * A feasibility restoration (as IPOPT's, in its simplest form): minimizes the violation
 * θ(x) = ½‖v(x)‖² (v: cᵢ for "eq", min(cᵢ, 0) for "ineq") over the box by L-BFGS-B from
 * x. The point reached, its largest violation, and whether θ's projected gradient
 * vanished there relative to the violation (a point no nearby move makes more feasible).
 *
 * @example
 * const r = restoreFeasibility(p, x); // r.violation > ctol && r.stationary: infeasible
 */
export function restoreFeasibility(p: ConstrainedProblem, x: Float64Array): { x: Float64Array; violation: number; stationary: boolean } {
  const { objective, constraints: cons, box } = p;
  let evaluations = 0;
  const view = {
    n: objective.n,
    x0: x,
    get nfev() {
      return evaluations;
    },
    valueAndGrad(v: Float64Array) {
      evaluations++;
      const viol = violations(cons.values(v), cons.ineq);
      let theta = 0;
      for (const e of viol) theta += 0.5 * e * e;
      return { f: theta, g: jacTVec(cons.jacobian(v), viol, objective.n) };
    },
    toTree: (v: Float64Array) => objective.toTree(v),
  };
  const tol = 1e-12;
  // Progress needs only these members of a FlatObjective; the view is not one.
  const run = new Progress(view as unknown as FlatObjective<any>, {
    gtol: tol, ftol: 0, xtol: 0, maxIter: 500, maxEval: 2000, m: 10, b1: 0.9, b2: 0.999, eps: 1e-8, trustRadius: 1,
    lr: undefined, lineSearch: "strong-wolfe", schedule: undefined, callback: undefined, recordPath: false, bounds: box,
  });
  const outcome = run.start() ?? lbfgsb(run);
  const violation = normInf(violations(cons.values(run.x), cons.ineq));
  const stationary = outcome.status === "converged" || run.gradNorm <= 1e-6 * violation;
  return { x: run.x, violation, stationary };
}

/** A constrained method: from the problem to where it ended. */
export type ConstrainedRun = (p: ConstrainedProblem) => ConstrainedEnd;

/**
 * Runs a constrained method on f from x0 (options already checked by `minimize`, which
 * holds the table of methods: they import this file's helpers) and returns minimize's
 * record with `multipliers` and `kkt`.
 *
 * @example
 * runConstrained(slsqp, f, x0, { constraints: [{ type: "eq", fun: (x) => np.sum(x).sub(1) }] }, settings).multipliers;
 */
export function runConstrained<T>(method: ConstrainedRun, f: (x: GradOf<T>) => Array | number, x0: T, opts: MinimizeOptions<T>, settings: ConstrainedSettings): MinimizeResult<T> {
  const useJit = opts.jit ?? true;
  const objective = new FlatObjective(f, x0, useJit);
  const constraints = new FlatConstraints((opts.constraints ?? []) as readonly Constraint<T>[], x0, objective.n, useJit);
  const flat = opts.bounds !== undefined ? flattenBounds(opts.bounds, x0, objective.n) : undefined;
  const box = flat?.constrained ? flat : undefined;
  const start = box ? project(objective.x0, box, new Float64Array(objective.n)) : objective.x0.slice();
  // f at the start is the scale of the unbounded test; it is not counted as an evaluation.
  const f0 = objective.valueAndGrad(start).f;
  objective.nfev--;
  objective.ngev--;
  const limit = pathLimit(opts.recordPath);
  const path = limit ? new PathRecorder(limit) : undefined;
  const report = (nit: number, x: Float64Array, fx: number, stationarity: number): boolean => {
    path?.record(nit, x, fx, stationarity);
    return settings.callback?.({ nit, x: objective.toTree(x), fun: fx, gradNorm: stationarity }) === true;
  };
  if (path) {
    // x0's stationarity with no multipliers yet: the (projected) gradient of f.
    const g0 = objective.valueAndGrad(start).g;
    objective.nfev--;
    objective.ngev--;
    const c0 = constraints.values(start);
    path.record(0, start, f0, kktResiduals(start, g0, c0, constraints.jacobian(start), new Float64Array(c0.length), constraints.ineq, box).stationarity);
  }
  const end = method({ objective, constraints, box, settings, x0: start, f0, report });
  const c = constraints.values(end.x);
  const J = constraints.jacobian(end.x);
  const kkt = kktResiduals(end.x, end.g, c, J, end.lambda, constraints.ineq, box);
  const why = objective.jitFallback ?? constraints.jitFallback;
  const note = why ? ` (ran without jit: ${why})` : "";
  return {
    x: objective.toTree(end.x),
    fun: end.f,
    grad: objective.toTree(end.g),
    nit: end.nit,
    nfev: objective.nfev,
    ngev: objective.ngev,
    nhev: objective.nhev,
    status: end.status,
    success: end.status === "converged" && Number.isFinite(end.f),
    message: end.message + note,
    multipliers: constraints.split(end.lambda),
    kkt,
    ...(path ? { path: path.points } : {}),
  };
}
