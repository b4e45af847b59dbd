// A primal-dual interior-point method for nonlinear programs (Nocedal & Wright,
// "Numerical Optimization", 2nd ed., Algorithm 19.2, with IPOPT's choices from Wächter &
// Biegler, Math. Program. 106, 2006): slacks for the inequality rows, bounds on x kept
// strictly, Newton steps on the perturbed KKT conditions with the exact Hessian of the
// Lagrangian (autodiff: ∇²f − Σλᵢ∇²cᵢ), IPOPT's inertia correction, the fraction-to-the-
// boundary rule, an ℓ1 exact-penalty merit function with Armijo backtracking (N&W 19.26,
// penalty update 18.36), and the monotone (Fiacco–McCormick) decrease of the barrier
// parameter μ ← max(μmin, min(κμ·μ, μ^θμ)) once the barrier problem is solved to 10μ.
// When the line search fails, a feasibility restoration (constrained.ts) either finds a
// feasible point to go on from or shows the problem locally infeasible.
import type { ConstrainedEnd, ConstrainedProblem } from "../constrained.js";
import { convergedMessage, diverged, describeKKT, infeasibleMessage, meetsKKT, restoreFeasibility, unboundedMessage } from "../constrained.js";
import { kktResiduals } from "../constraints.js";
import { normInf } from "../vec.js";
import type { Regularization } from "./interior-point-kkt.js";
import { boundGaps, fractionToBoundary, layoutOf, multipliers, newtonStep, type Iterate, type Layout, type Step } from "./interior-point-step.js";

/** IPOPT's defaults: initial μ, its decrease, the barrier tolerance factor, the pushes off the bounds. */
const MU_INIT = 0.1;
const KAPPA_MU = 0.2;
const THETA_MU = 1.5;
const KAPPA_EPS = 10;
const PUSH = 1e-2;
/** IPOPT's safeguard keeping each bound multiplier within [μ/(κΣ·gap), κΣ·μ/gap]. */
const KAPPA_SIGMA = 1e10;
const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;
const MAX_RESTORATIONS = 5;
/** A penalty or multiplier past this calls for a feasibility restoration. */
const DIVERGING = 1e10;

/** x moved strictly inside the box, by IPOPT's bound_push rule. */
function pushInside(L: Layout, x0: Float64Array): Float64Array {
  return x0.map((v, j) => {
    if (L.fixed.has(j)) return L.fixed.get(j)!;
    const [lo, hi] = [L.lo[j]!, L.hi[j]!];
    const room = Number.isFinite(lo) && Number.isFinite(hi) ? PUSH * (hi - lo) : Infinity;
    const pl = Math.min(PUSH * Math.max(1, Math.abs(lo)), room);
    const pu = Math.min(PUSH * Math.max(1, Math.abs(hi)), room);
    const above = lo > -Infinity ? Math.max(v, lo + pl) : v;
    return hi < Infinity ? Math.min(above, hi - pu) : above;
  });
}

/** f, ∇f, c and J at x, with slacks pushed off zero and unit multipliers (IPOPT's start). */
function startAt(p: ConstrainedProblem, L: Layout, x: Float64Array): Iterate {
  const { f, g } = p.objective.valueAndGrad(x);
  const c = p.constraints.values(x);
  const J = p.constraints.jacobian(x);
  const s = Float64Array.from(L.ineq, (r) => Math.max(c[r]!, PUSH * Math.max(1, Math.abs(c[r]!))));
  const finite = (b: Float64Array) => b.map((v) => (Number.isFinite(v) ? 1 : 0));
  return { x, s, y: new Float64Array(L.eq.length), z: new Float64Array(L.ineq.length).fill(1), zL: finite(L.lo), zU: finite(L.hi), f, g: g.slice(), c, J };
}

/** Σ log of the slacks and of the gaps to finite bounds (the barrier term over μ). */
function logBarrier(L: Layout, x: Float64Array, s: Float64Array): number {
  let b = 0;
  for (const v of s) b += Math.log(v);
  for (const v of boundGaps(L, x, x).gap) b += Math.log(v);
  return b;
}

/** ‖c_E‖₁ + ‖c_I − s‖₁, the violation the merit function penalizes. */
function violation1(L: Layout, c: Float64Array, s: Float64Array): number {
  let v = 0;
  for (const r of L.eq) v += Math.abs(c[r]!);
  L.ineq.forEach((r, k) => (v += Math.abs(c[r]! - s[k]!)));
  return v;
}

/** The error of the barrier problem for μ (IPOPT's E_μ, unscaled). */
function barrierError(L: Layout, it: Iterate, mu: number): number {
  const { n } = L;
  const lambda = multipliers(L, it, it.c.length);
  let e = 0;
  for (let j = 0; j < n; j++) {
    // A fixed variable's derivative is balanced by its (implicit) bound multiplier.
    if (L.fixed.has(j)) continue;
    let gl = it.g[j]! - it.zL[j]! + it.zU[j]!;
    for (let i = 0; i < lambda.length; i++) gl -= lambda[i]! * it.J[i * n + j]!;
    e = Math.max(e, Math.abs(gl));
  }
  for (const r of L.eq) e = Math.max(e, Math.abs(it.c[r]!));
  L.ineq.forEach((r, k) => (e = Math.max(e, Math.abs(it.c[r]! - it.s[k]!), Math.abs(it.s[k]! * it.z[k]! - mu))));
  const { gap } = boundGaps(L, it.x, it.x);
  const zb = boundDuals(L, it.zL, it.zU);
  gap.forEach((d, k) => (e = Math.max(e, Math.abs(d * zb[k]! - mu))));
  return e;
}

/** zL, zU over the finite sides, in boundGaps's order. */
function boundDuals(L: Layout, zL: Float64Array, zU: Float64Array): Float64Array {
  const out: number[] = [];
  for (let j = 0; j < L.n; j++) {
    if (L.lo[j]! > -Infinity) out.push(zL[j]!);
    if (L.hi[j]! < Infinity) out.push(zU[j]!);
  }
  return Float64Array.from(out);
}

/** Moves the multipliers by αD along the step, kept positive and within IPOPT's κΣ band. */
function updateDuals(L: Layout, it: Iterate, d: Step, alphaP: number, alphaD: number, mu: number): void {
  it.y = it.y.map((v, k) => v + alphaP * d.dy[k]!);
  it.z = it.z.map((v, k) => clampDual(v + alphaD * d.dz[k]!, it.s[k]!, mu));
  for (let j = 0; j < L.n; j++) {
    if (L.lo[j]! > -Infinity) it.zL[j] = clampDual(it.zL[j]! + alphaD * d.dzL[j]!, it.x[j]! - L.lo[j]!, mu);
    if (L.hi[j]! < Infinity) it.zU[j] = clampDual(it.zU[j]! + alphaD * d.dzU[j]!, L.hi[j]! - it.x[j]!, mu);
  }
}

const clampDual = (z: number, gap: number, mu: number) => Math.min(Math.max(z, mu / (KAPPA_SIGMA * gap)), (KAPPA_SIGMA * mu) / gap);

/**
 * The primal-dual interior-point method (see the file's head) on `p`.
 *
 * @example
 * minimize(f, x0, { method: "interior-point", constraints: [{ type: "ineq", fun: (x) => np.sub(1, np.sum(np.square(x))) }] });
 */
export function interiorPoint(p: ConstrainedProblem): ConstrainedEnd {
  const { objective, constraints: cons, box, settings: s } = p;
  const L = layoutOf(p);
  let it = startAt(p, L, pushInside(L, p.x0));
  let mu = MU_INIT;
  // Complementarity ≈ μ at the end: a floor well below gtol (and above 0, for gtol = 0).
  const muMin = Math.max(s.gtol / 100, 1e-14);
  let nu = 1;
  let nit = 0;
  let restorations = 0;
  const reg: Regularization = { last: 0 };
  const end = (status: ConstrainedEnd["status"], message: string): ConstrainedEnd => ({ x: it.x, f: it.f, g: it.g, lambda: multipliers(L, it, cons.m), nit, status, message });
  for (;;) {
    const lambda = multipliers(L, it, cons.m);
    if (!Number.isFinite(it.f) || !it.g.every(Number.isFinite) || !it.c.every(Number.isFinite)) return end("nonFinite", `f, ∇f or a constraint is NaN or infinite at iteration ${nit}`);
    const kkt = kktResiduals(it.x, it.g, it.c, it.J, lambda, cons.ineq, box);
    if (meetsKKT(kkt, s)) return end("converged", convergedMessage(kkt, s, nit));
    if (diverged(p, it.f, it.x, kkt.feasibility)) return end("unbounded", unboundedMessage(it.f, it.x));
    if (nit >= s.maxIter) return end("maxIter", `reached maxIter = ${s.maxIter} with ${describeKKT(kkt)}`);
    if (objective.nfev >= s.maxEval) return end("maxEval", `reached maxEval = ${s.maxEval} evaluations with ${describeKKT(kkt)}`);
    while (mu > muMin && barrierError(L, it, mu) <= KAPPA_EPS * mu) mu = Math.max(muMin, Math.min(KAPPA_MU * mu, mu ** THETA_MU));
    const H = objective.hessian(it.x).toFloat64Array();
    const Hc = cons.weightedHessian(it.x, lambda);
    const d = newtonStep(L, it, H.map((v, k) => v - Hc[k]!), mu, reg);
    const next = d && search(p, L, it, d, mu, nu);
    if (next) nu = next.nu;
    // Multipliers or a penalty this large mean the constraints' linearizations disagree.
    const exploding = nu > DIVERGING || normInf(lambda) > DIVERGING;
    if (!d || !next || exploding) {
      // No step along d lowers the merit function: restore feasibility, or show there is none.
      const r = restoreFeasibility(p, it.x);
      if (r.violation > s.ctol && r.stationary) {
        // The least violation found is the point worth returning.
        it = startAt(p, L, r.x);
        return end("infeasible", infeasibleMessage(r.violation, s));
      }
      if (++restorations > MAX_RESTORATIONS) return end("lineSearchFailed", `no step lowers the merit function at iteration ${nit + 1} (after ${MAX_RESTORATIONS} feasibility restorations); ${describeKKT(kkt)}`);
      it = startAt(p, L, pushInside(L, r.x));
      reg.last = 0;
      nu = 1;
      nit++;
      continue;
    }
    it = next.iterate;
    nit++;
    if (p.report(nit, it.x, it.f, kkt.stationarity)) return end("stopped", `the callback asked to stop at iteration ${nit}`);
  }
}

/**
 * The ℓ1 merit line search along d: the accepted iterate (multipliers moved too) and the
 * penalty ν used, or undefined when backtracking found no sufficient decrease.
 */
function search(p: ConstrainedProblem, L: Layout, it: Iterate, d: Step, mu: number, nu: number): { iterate: Iterate; nu: number } | undefined {
  const tau = Math.max(0.99, 1 - mu);
  const { gap, dgap } = boundGaps(L, it.x, d.dx);
  const alphaP = fractionToBoundary(gap, dgap, tau, fractionToBoundary(it.s, d.ds, tau));
  const zb = boundDuals(L, it.zL, it.zU);
  const alphaD = fractionToBoundary(zb, boundDuals(L, d.dzL, d.dzU), tau, fractionToBoundary(it.z, d.dz, tau));
  // The barrier function's slope along d, and a penalty ν that makes d a descent direction (N&W 18.36).
  let slope = 0;
  for (let j = 0; j < L.n; j++) slope += it.g[j]! * d.dx[j]!;
  it.s.forEach((v, k) => (slope -= (mu * d.ds[k]!) / v));
  gap.forEach((v, k) => (slope -= (mu * dgap[k]!) / v));
  const theta = violation1(L, it.c, it.s);
  if (theta > 0) nu = Math.max(nu, (slope + 0.5 * Math.max(0, d.curvature)) / ((1 - 0.1) * theta) + 1e-8);
  const dphi = slope - nu * theta;
  const phi0 = it.f - mu * logBarrier(L, it.x, it.s) + nu * theta;
  let alpha = alphaP;
  for (let k = 0; k < MAX_BACKTRACKS; k++, alpha /= 2) {
    const x = it.x.map((v, j) => v + alpha * d.dx[j]!);
    const sl = it.s.map((v, i) => v + alpha * d.ds[i]!);
    const { f, g } = p.objective.valueAndGrad(x);
    const c = p.constraints.values(x);
    const phi = f - mu * logBarrier(L, x, sl) + nu * violation1(L, c, sl);
    if (!(phi <= phi0 + ARMIJO * alpha * dphi)) continue;
    // A slack below its constraint's value only adds violation: reset it up (never down).
    L.ineq.forEach((r, i) => (sl[i] = Math.max(sl[i]!, c[r]!)));
    const next: Iterate = { ...it, x, s: sl, f, g: g.slice(), c, J: p.constraints.jacobian(x) };
    updateDuals(L, next, d, alpha, alphaD, mu);
    return { iterate: next, nu };
  }
  return undefined;
}
