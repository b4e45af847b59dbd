// The augmented Lagrangian method with bounds kept apart, as in LANCELOT (Conn, Gould &
// Toint, "A globally convergent augmented Lagrangian algorithm for optimization with
// general constraints and simple bounds", SIAM J. Numer. Anal. 28(2), 1991) and ALGENCAN
// (Andreani, Birgin, Martínez & Schuverdt, "On augmented Lagrangian methods with general
// lower-level constraints", SIAM J. Optim. 18(4), 2007; Birgin & Martínez, "Practical
// Augmented Lagrangian Methods for Constrained Optimization", SIAM 2014). Inequalities
// enter through the Powell–Hestenes–Rockafellar form, so no slacks are needed:
//   L_ρ(x, λ) = f(x) + ρ/2·[ Σ_eq (cᵢ − λᵢ/ρ)² + Σ_ineq max(0, λᵢ/ρ − cᵢ)² ]
// is minimized over the box by L-BFGS-B to a tolerance that tightens each outer
// iteration; then λ ← λ − ρc (eq), max(0, λ − ρc) (ineq), and ρ grows tenfold unless
// the infeasibility-complementarity measure fell by half (ALGENCAN's rules).
//
// ∇L_ρ(x) = ∇f − Jᵀλ⁺ with λ⁺ the updated multipliers, so the inner projected gradient is
// exactly the stationarity of the Lagrangian at (x, λ⁺) that the run is judged by.
import type { ConstrainedEnd, ConstrainedProblem } from "../constrained.js";
import { BIG, convergedMessage, describeKKT, diverged, infeasibleMessage, meetsKKT, unboundedMessage } from "../constrained.js";
import { infeasibilityStationarity, jacTVec, kktResiduals, violations } from "../constraints.js";
import type { FlatObjective } from "../objective.js";
import { Progress, type Outcome } from "../progress.js";
import { normInf } from "../vec.js";
import { lbfgsb } from "./lbfgsb.js";

/** ALGENCAN's constants: penalty growth, the decrease that keeps ρ, safeguards on λ and ρ. */
const GROWTH = 10;
const ENOUGH_DECREASE = 0.5;
const LAMBDA_MAX = 1e20;
const RHO_MAX = 1e20;
const MAX_OUTER = 100;

/** The PHR augmented Lagrangian's value at x and its gradient, from f's and c's. */
function augmented(f: number, g: Float64Array, c: Float64Array, J: Float64Array, lambda: Float64Array, ineq: Uint8Array, rho: number) {
  const shifted = new Float64Array(c.length);
  let penalty = 0;
  for (let i = 0; i < c.length; i++) {
    const t = ineq[i] ? Math.max(0, lambda[i]! - rho * c[i]!) : lambda[i]! - rho * c[i]!;
    shifted[i] = t;
    // ρ/2·(c − λ/ρ)² − λ²/(2ρ), and its max(0, ·) form: (t² − λ²)/(2ρ) with t = λ⁺.
    penalty += (t * t - lambda[i]! * lambda[i]!) / (2 * rho);
  }
  const jt = jacTVec(J, shifted, g.length);
  return { value: f + penalty, grad: g.map((gi, j) => gi - jt[j]!), shifted };
}

/**
 * Minimizes L_ρ(·, λ) over the box from x with L-BFGS-B to projected gradient ≤ tol. The
 * inner solver sees an objective-shaped view whose evaluations are f's (counted there).
 */
function innerSolve(p: ConstrainedProblem, x: Float64Array, lambda: Float64Array, rho: number, tol: number, maxIter: number) {
  const { objective, constraints: cons, box, settings: s } = p;
  const view = {
    n: objective.n,
    x0: x,
    get nfev() {
      return objective.nfev;
    },
    valueAndGrad(v: Float64Array) {
      const { f, g } = objective.valueAndGrad(v);
      const a = augmented(f, g, cons.values(v), cons.jacobian(v), lambda, cons.ineq, rho);
      return { f: a.value, g: a.grad };
    },
    toTree: (v: Float64Array) => objective.toTree(v),
  };
  // Progress needs only these members of a FlatObjective; the view is not one.
  const inner = new Progress(view as unknown as FlatObjective<any>, {
    gtol: tol, ftol: 0, xtol: 0, maxIter, maxEval: s.maxEval, m: s.m, b1: 0.9, b2: 0.999, eps: 1e-8, trustRadius: 1,
    lr: undefined, lineSearch: "strong-wolfe", schedule: undefined, recordPath: false, bounds: box,
    // A value far below f(x0) says L_ρ, and so f near the feasible set, is unbounded below.
    callback: (info) => info.fun < -BIG * Math.max(1, Math.abs(p.f0)),
  });
  const outcome: Outcome = inner.start() ?? lbfgsb(inner);
  const falling = outcome.status === "stopped" || (outcome.status === "lineSearchFailed" && outcome.message.includes("kept falling"));
  return { x: inner.x, nit: inner.nit, outcome, falling };
}

/**
 * The augmented Lagrangian method (see the file's head) on `p`.
 *
 * @example
 * minimize(f, x0, { method: "augmented-lagrangian", constraints: [{ type: "eq", fun: (x) => np.sum(x).sub(1) }] });
 */
export function augmentedLagrangian(p: ConstrainedProblem): ConstrainedEnd {
  const { objective, constraints: cons, box, settings: s } = p;
  const ineq = cons.ineq;
  let lambda: Float64Array = new Float64Array(cons.m);
  let x: Float64Array = p.x0;
  let { f, g } = objective.valueAndGrad(x);
  let c = cons.values(x);
  const v0 = normInf(violations(c, ineq));
  let rho = Math.max(1e-8, Math.min((10 * Math.max(1, Math.abs(f))) / Math.max(1, 0.5 * v0 * v0), 1e8));
  let tol = Math.max(0.5 * s.gtol, 1e-2);
  let previous = Infinity;
  let nit = 0;
  const end = (status: ConstrainedEnd["status"], message: string): ConstrainedEnd => ({ x, f, g: g.slice(), lambda, nit, status, message });
  if (!Number.isFinite(f)) return end("nonFinite", "f is NaN or infinite at the starting point x0");
  for (let outer = 1; ; outer++) {
    const inner = innerSolve(p, x, lambda, rho, tol, Math.max(1, s.maxIter - nit));
    x = inner.x;
    nit += inner.nit;
    ({ f, g } = objective.valueAndGrad(x));
    g = g.slice();
    c = cons.values(x);
    const J = cons.jacobian(x);
    if (!Number.isFinite(f) || !c.every(Number.isFinite)) return end("nonFinite", `f or a constraint is NaN or infinite at outer iteration ${outer}`);
    // The infeasibility-complementarity measure, with the multipliers the step started from.
    let measure = 0;
    for (let i = 0; i < c.length; i++) measure = Math.max(measure, Math.abs(ineq[i] ? Math.min(c[i]!, lambda[i]! / rho) : c[i]!));
    const updated = augmented(f, g, c, J, lambda, ineq, rho).shifted;
    lambda = updated.map((l) => Math.min(Math.max(l, -LAMBDA_MAX), LAMBDA_MAX));
    const kkt = kktResiduals(x, g, c, J, lambda, ineq, box);
    const feasible = kkt.feasibility <= s.ctol;
    const stop = p.report(nit, x, f, kkt.stationarity);
    if (meetsKKT(kkt, s)) return end("converged", convergedMessage(kkt, s, nit));
    if (diverged(p, f, x, kkt.feasibility)) return end("unbounded", unboundedMessage(f, x));
    if (feasible && inner.falling) return end("unbounded", unboundedMessage(f, x, "L-BFGS-B found the augmented Lagrangian still falling along its last direction, the penalty term constant: f falls along a feasible ray"));
    if (!feasible && rho >= 1e6 && infeasibilityStationarity(x, c, J, ineq, box) <= 1e-6) return end("infeasible", infeasibleMessage(kkt.feasibility, s));
    if (stop) return end("stopped", `the callback asked to stop at outer iteration ${outer}`);
    // An inner solve that could not take one step (L_ρ at its floating-point floor) leaves x
    // where it was: further outer iterations would only move λ by ρ·c off its best value.
    if (inner.nit === 0 && inner.outcome.status === "stalled") {
      return end("stalled", `the augmented Lagrangian reached its floating-point floor at outer iteration ${outer} (L-BFGS-B could take no step) with ${describeKKT(kkt)}; gtol = ${s.gtol} is out of reach`);
    }
    if (rho >= RHO_MAX) return end(feasible ? "stalled" : "infeasible", `the penalty reached ${RHO_MAX} with ${describeKKT(kkt)}`);
    if (objective.nfev >= s.maxEval) return end("maxEval", `reached maxEval = ${s.maxEval} evaluations with ${describeKKT(kkt)}`);
    if (nit >= s.maxIter || outer >= MAX_OUTER) return end("maxIter", `reached ${nit >= s.maxIter ? `maxIter = ${s.maxIter}` : `${MAX_OUTER} outer iterations`} with ${describeKKT(kkt)}`);
    // A measure already within ctol needs no more penalty (more would only worsen the conditioning).
    if ((measure > s.ctol && measure > ENOUGH_DECREASE * previous) || inner.falling) rho = Math.min(GROWTH * rho, RHO_MAX);
    previous = measure;
    tol = Math.max(0.5 * s.gtol, 0.1 * tol);
  }
}
