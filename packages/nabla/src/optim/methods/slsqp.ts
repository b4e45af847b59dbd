// Sequential quadratic programming with a quasi-Newton Hessian, after Kraft's SLSQP
// (D. Kraft, "A software package for sequential quadratic programming", DFVLR-FB 88-28,
// 1988) and Powell's VMCWD (M. J. D. Powell, "A fast algorithm for nonlinearly
// constrained optimization calculations", LNM 630, 1978): each iteration solves the QP of
// slsqp-qp.ts (elastic when the linearization is inconsistent), searches along its step
// on the ℓ1 merit function φ(x) = f + ν·(Σ|c_E| + Σ max(0, −c_I)) by Armijo backtracking
// with quadratic interpolation, and updates B, a dense BFGS approximation of the
// Lagrangian's Hessian, with Powell's damping so it stays positive definite (N&W
// Procedure 18.2). B starts as the identity, as scipy's; the bounds are the QP's own, so
// every iterate stays in the box. The run is judged at each QP solution, whose
// multipliers make the KKT residuals at x.
import type { ConstrainedEnd, ConstrainedProblem } from "../constrained.js";
import { BIG, convergedMessage, describeKKT, diverged, infeasibleMessage, meetsKKT, restoreFeasibility, unboundedMessage } from "../constrained.js";
import { boxViolation, jacTVec, kktResiduals, violations } from "../constraints.js";
import { normInf } from "../vec.js";
import { solveSubproblem } from "./slsqp-qp.js";

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

/** Σ|c_E| + Σ max(0, −c_I): the violation the merit function penalizes. */
function violation1(c: Float64Array, ineq: Uint8Array): number {
  let v = 0;
  for (let i = 0; i < c.length; i++) v += ineq[i] ? Math.max(0, -c[i]!) : Math.abs(c[i]!);
  return v;
}

/** violation1 of the linearization c + J·d. */
function linearizedViolation(c: Float64Array, J: Float64Array, d: Float64Array, ineq: Uint8Array): number {
  const n = d.length;
  return violation1(c.map((ci, i) => { let t = ci; for (let j = 0; j < n; j++) t += J[i * n + j]! * d[j]!; return t; }), ineq);
}

/**
 * B ← B + damped BFGS update for the pair (s, y) (N&W Procedure 18.2), kept symmetric.
 * An update that would overflow is skipped: on a kink (|x| near its minimum, where ∇f
 * jumps by 2 over steps ever shorter) the curvature y/s grows without bound, and B
 * once reached ±∞ and then NaN.
 */
export function dampedBFGS(B: Float64Array, s: Float64Array, y: Float64Array): void {
  const n = s.length;
  const Bs = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Bs[i] = Bs[i]! + B[i * n + j]! * s[j]!;
  let sBs = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) (sBs += s[i]! * Bs[i]!), (sy += s[i]! * y[i]!);
  if (!(sBs > 0)) return;
  const theta = sy >= 0.2 * sBs ? 1 : (0.8 * sBs) / (sBs - sy);
  const r = y.map((yi, i) => theta * yi + (1 - theta) * Bs[i]!);
  let sr = 0;
  for (let i = 0; i < n; i++) sr += s[i]! * r[i]!;
  if (!(sr > 0)) return;
  const next = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = B[i * n + j]! - (Bs[i]! * Bs[j]!) / sBs + (r[i]! * r[j]!) / sr;
      if (!Number.isFinite(v)) return;
      next[i * n + j] = v;
      next[j * n + i] = v;
    }
  }
  B.set(next);
}

/** ∇ₓL = ∇f − Jᵀλ. */
const lagrangianGrad = (g: Float64Array, J: Float64Array, lambda: Float64Array) => {
  const jt = jacTVec(J, lambda, g.length);
  return g.map((gi, j) => gi - jt[j]!);
};

/**
 * SLSQP (see the file's head) on `p`.
 *
 * @example
 * minimize(f, x0, { method: "slsqp", constraints: [{ type: "eq", fun: (x) => np.sum(x).sub(1) }] });
 */
export function slsqp(p: ConstrainedProblem): ConstrainedEnd {
  const { objective, constraints: cons, box, settings: s } = p;
  const n = objective.n;
  const ineq = cons.ineq;
  const lo = box?.lo ?? new Float64Array(n).fill(-Infinity);
  const hi = box?.hi ?? new Float64Array(n).fill(Infinity);
  let x: Float64Array = p.x0;
  let { f, g } = objective.valueAndGrad(x);
  g = g.slice();
  let c = cons.values(x);
  let J = cons.jacobian(x);
  const identity = () => Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
  let B = identity();
  let lambda: Float64Array = new Float64Array(cons.m);
  let nu = 0;
  let nit = 0;
  let fresh = true;
  let lastStep: Float64Array | undefined;
  const end = (status: ConstrainedEnd["status"], message: string): ConstrainedEnd => ({ x, f, g, lambda, nit, status, message });
  for (;;) {
    if (!Number.isFinite(f) || !g.every(Number.isFinite) || !c.every(Number.isFinite) || !J.every(Number.isFinite)) return end("nonFinite", `f, ∇f or a constraint is NaN or infinite at iteration ${nit}`);
    const step = solveSubproblem({ n, B, g, c, J, ineq, x, lo, hi });
    if (step.status !== "optimal") {
      // B flat along a descent direction (f linear there) makes the QP unbounded or
      // numerically singular: is the last step a feasible ray f falls along without bound?
      const far = lastStep && rayTest(p, x, f, lastStep);
      if (far) {
        [x, f, g] = [far.x, far.f, far.g];
        return end("unbounded", unboundedMessage(f, x, "the last step, extended to ‖x‖ ≈ 1e12·‖x0‖, stays feasible with f still falling"));
      }
      if (!fresh) {
        B = identity();
        fresh = true;
        continue;
      }
      return end("lineSearchFailed", `the QP subproblem failed at iteration ${nit + 1}: ${step.message}`);
    }
    lambda = step.lambda;
    const kkt = kktResiduals(x, g, c, J, lambda, ineq, box);
    if (meetsKKT(kkt, s)) return end("converged", convergedMessage(kkt, s, nit));
    if (diverged(p, f, x, kkt.feasibility)) return end("unbounded", unboundedMessage(f, x));
    const theta = violation1(c, ineq);
    const slope = g.reduce((a, gi, j) => a + gi * step.d[j]!, 0);
    const linearDecrease = theta - linearizedViolation(c, J, step.d, ineq);
    if (step.elastic && linearDecrease <= 1e-10 * Math.max(1, theta)) {
      // The linearization can reduce the violation no further: a stationary point of it?
      const r = restoreFeasibility(p, x);
      if (r.violation > s.ctol && r.stationary) return end("infeasible", infeasibleMessage(r.violation, s));
    }
    if (nit >= s.maxIter) return end("maxIter", `reached maxIter = ${s.maxIter} with ${describeKKT(kkt)}`);
    if (objective.nfev >= s.maxEval) return end("maxEval", `reached maxEval = ${s.maxEval} evaluations with ${describeKKT(kkt)}`);
    // Powell's penalty: at least the multipliers' size, so the step descends the merit function.
    const big = normInf(lambda);
    nu = Math.max(1.5 * big, nu, 1e-8);
    const phi0 = f + nu * theta;
    const dphi = slope - nu * linearDecrease;
    const found = search(p, x, step.d, phi0, dphi, nu);
    if (!found) {
      if (!fresh) { B = identity(); fresh = true; continue; }
      return end("lineSearchFailed", `no step along the QP's direction lowers the ℓ1 merit function at iteration ${nit + 1}; ${describeKKT(kkt)}`);
    }
    const J1 = cons.jacobian(found.x);
    const sk = found.x.map((v, j) => v - x[j]!);
    const gl1 = lagrangianGrad(found.g, J1, lambda);
    const gl0 = lagrangianGrad(g, J, lambda);
    dampedBFGS(B, sk, gl1.map((v, j) => v - gl0[j]!));
    lastStep = sk;
    fresh = false;
    x = found.x;
    f = found.f;
    c = found.c;
    g = found.g;
    J = J1;
    nit++;
    if (p.report(nit, x, f, kkt.stationarity)) return end("stopped", `the callback asked to stop at iteration ${nit}`);
  }
}

/**
 * The point x + t·d far along d (‖x‖∞ ≈ 2·BIG·max(1, ‖x0‖∞)), with f and ∇f there, when it
 * shows f unbounded below: feasible (within ctol relative to its size, in the box) and f
 * below f(x) (see `diverged`); otherwise undefined. One evaluation.
 */
function rayTest(p: ConstrainedProblem, x: Float64Array, f: number, d: Float64Array) {
  const size = normInf(d);
  if (!(size > 0)) return undefined;
  const t = (2 * BIG * Math.max(1, normInf(p.x0), normInf(x))) / size;
  const far = x.map((v, j) => v + t * d[j]!);
  if (boxViolation(far, p.box) > 0) return undefined;
  const { f: fFar, g } = p.objective.valueAndGrad(far);
  const feasibility = normInf(violations(p.constraints.values(far), p.constraints.ineq));
  return fFar < f && diverged(p, fFar, far, feasibility) ? { x: far, f: fFar, g: g.slice() } : undefined;
}

/** Armijo backtracking on the ℓ1 merit function along d, with safeguarded quadratic interpolation. */
function search(p: ConstrainedProblem, x: Float64Array, d: Float64Array, phi0: number, dphi: number, nu: number) {
  const { objective, constraints: cons, box } = p;
  let alpha = 1;
  for (let k = 0; k < MAX_BACKTRACKS; k++) {
    const xt = x.map((v, j) => v + alpha * d[j]!);
    // In the box up to rounding, which the clip removes.
    if (box) for (let j = 0; j < xt.length; j++) xt[j] = Math.min(Math.max(xt[j]!, box.lo[j]!), box.hi[j]!);
    const { f, g } = objective.valueAndGrad(xt);
    const c = cons.values(xt);
    const phi = f + nu * violation1(c, cons.ineq);
    if (phi <= phi0 + ARMIJO * alpha * dphi) return { x: xt, f, g: g.slice(), c };
    // The minimizer of the quadratic through φ(0), φ'(0), φ(α), kept in [0.1α, 0.5α].
    const q = (-dphi * alpha * alpha) / (2 * (phi - phi0 - dphi * alpha));
    alpha = Number.isFinite(q) ? Math.min(Math.max(q, 0.1 * alpha), 0.5 * alpha) : 0.1 * alpha;
  }
  return undefined;
}
