// Matrix-free solvers for symmetric operators given as functions Array → Array: conjugate
// gradients, MINRES, and Lanczos for extreme eigenpairs. They run eagerly on float64
// vectors (the operator sees Arrays shaped like b) and report problems in their result
// instead of throwing. krylov-api.ts makes them differentiable.
import { nrm2 } from "../array/index.js";
import type { Array } from "../core/index.js";
import { finite, setup, type IterativeOptions, type IterativeResult } from "./krylov-setup.js";
import { axpy, dot, type MatVec, type Vec } from "./vectors.js";


/** Conjugate gradients, eagerly on concrete values (the public `cg` in krylov-api.ts adds derivatives). */
export function cgEager(matvec: MatVec, b: Array, opts: IterativeOptions = {}): IterativeResult {
  const s = setup("cg", matvec, b, opts);
  const { n, bnorm, tol, maxIter, A, M, residualOf } = s;
  const x = s.x0;
  if (!finite(bnorm)) return s.result(x, 0, "nonFinite", "cg: b is not finite");
  if (bnorm === 0) return s.result(new Float64Array(n), 0, "converged", "cg: b = 0, so x = 0");
  let r = residualOf(x);
  let z = M(r);
  let p = Float64Array.from(z);
  let rz = dot(r, z);
  for (let k = 1; k <= maxIter; k++) {
    if (nrm2(r) <= tol * bnorm) {
      // Rounding lets the updated residual drift from b − A·x: trust only the true one.
      r = residualOf(x);
      if (nrm2(r) <= tol * bnorm) return s.result(x, k - 1, "converged", `cg: converged in ${k - 1} iterations`);
      z = M(r);
      p = Float64Array.from(z);
      rz = dot(r, z);
    }
    if (!(rz > 0)) {
      const why = finite(rz) ? "the preconditioner is not positive definite (rᵀ·M⁻¹·r ≤ 0)" : "rᵀ·M⁻¹·r is not finite";
      return s.result(x, k - 1, finite(rz) ? "notPositiveDefinite" : "nonFinite", `cg: ${why}`);
    }
    const Ap = A(p);
    const pAp = dot(p, Ap);
    if (!finite(pAp)) return s.result(x, k - 1, "nonFinite", "cg: A·p is not finite");
    if (pAp <= 0) {
      return s.result(x, k - 1, "notPositiveDefinite", `cg: the operator is not positive definite (pᵀ·A·p = ${pAp.toExponential(2)} ≤ 0 at iteration ${k})`);
    }
    const alpha = rz / pAp;
    const xNext = Float64Array.from(x);
    axpy(alpha, p, xNext);
    if (!xNext.every(Number.isFinite)) return s.result(x, k - 1, "nonFinite", "cg: the iterate became non-finite");
    x.set(xNext);
    axpy(-alpha, Ap, r);
    z = M(r);
    const rzNext = dot(r, z);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
  }
  const r1 = residualOf(x);
  if (nrm2(r1) <= tol * bnorm) return s.result(x, maxIter, "converged", `cg: converged in ${maxIter} iterations`);
  return s.result(x, maxIter, "maxIter", `cg: no convergence in ${maxIter} iterations`);
}

/** MINRES, eagerly on concrete values (the public `minres` adds derivatives). */
export function minresEager(matvec: MatVec, b: Array, opts: IterativeOptions = {}): IterativeResult {
  const s = setup("minres", matvec, b, opts);
  const { n, bnorm, tol, maxIter, A, M, residualOf } = s;
  const x = s.x0;
  if (!finite(bnorm)) return s.result(x, 0, "nonFinite", "minres: b is not finite");
  if (bnorm === 0) return s.result(new Float64Array(n), 0, "converged", "minres: b = 0, so x = 0");
  const r0 = residualOf(x);
  // Preconditioned Lanczos: r1, r2 are unscaled residual-space vectors, y = M⁻¹·r2.
  let r1: Vec = Float64Array.from(r0);
  let r2: Vec = Float64Array.from(r0);
  let y: Vec = M(r2);
  const ry = dot(r0, y);
  if (!(ry >= 0)) {
    return s.result(x, 0, finite(ry) ? "notPositiveDefinite" : "nonFinite", "minres: the preconditioner is not positive definite");
  }
  const beta1 = Math.sqrt(ry);
  if (beta1 === 0) return s.result(x, 0, "converged", "minres: x0 already solves the system");
  let beta = beta1;
  let oldb = 0;
  // The QR factorization of the Lanczos tridiagonal by Givens rotations (cs, sn).
  let cs = -1;
  let sn = 0;
  let dbar = 0;
  let epsln = 0;
  let phibar = beta1;
  let w = new Float64Array(n);
  let w2 = new Float64Array(n);
  const r0norm = nrm2(r0);
  for (let k = 1; k <= maxIter; k++) {
    const v = y.map((yi) => yi / beta);
    y = A(v);
    if (k >= 2) axpy(-beta / oldb, r1, y);
    const alpha = dot(v, y);
    axpy(-alpha / beta, r2, y);
    r1 = r2;
    r2 = y;
    y = M(r2);
    oldb = beta;
    const ry2 = dot(r2, y);
    if (!finite(alpha, ry2)) return s.result(x, k - 1, "nonFinite", "minres: a non-finite value appeared");
    if (ry2 < 0) return s.result(x, k - 1, "notPositiveDefinite", "minres: the preconditioner is not positive definite");
    beta = Math.sqrt(ry2);
    // Apply the previous rotation, then a new one that annihilates beta.
    const oldeps = epsln;
    const delta = cs * dbar + sn * alpha;
    const gbar = sn * dbar - cs * alpha;
    epsln = sn * beta;
    dbar = -cs * beta;
    const gamma = Math.max(Math.hypot(gbar, beta), Number.MIN_VALUE);
    cs = gbar / gamma;
    sn = beta / gamma;
    const phi = cs * phibar;
    phibar *= sn;
    const w1 = w2;
    w2 = w;
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = (v[i]! - oldeps * w1[i]! - delta * w2[i]!) / gamma;
    const xNext = Float64Array.from(x);
    axpy(phi, w, xNext);
    if (!xNext.every(Number.isFinite)) return s.result(x, k - 1, "nonFinite", "minres: the iterate became non-finite");
    x.set(xNext);
    // phibar is the residual's M⁻¹-norm; with no preconditioner it is ‖r‖ itself.
    const estimate = opts.M ? (phibar / beta1) * r0norm : phibar;
    if (estimate <= tol * bnorm || beta === 0) {
      const r = residualOf(x);
      const trueNorm = nrm2(r);
      if (trueNorm <= tol * bnorm) return s.result(x, k, "converged", `minres: converged in ${k} iterations`);
      if (beta === 0) {
        return s.result(x, k, "maxIter", `minres: the Krylov space is exhausted at iteration ${k} with relative residual ${(trueNorm / bnorm).toExponential(2)} (A may be singular and b outside its range)`);
      }
    }
  }
  return s.result(x, maxIter, "maxIter", `minres: no convergence in ${maxIter} iterations`);
}
