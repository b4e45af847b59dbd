// Matrix-free solvers for symmetric operators given as functions Array → Array: conjugate
// gradients, MINRES, and Lanczos for extreme eigenpairs. They run eagerly on float64
// vectors (the operator sees Arrays shaped like b) and report problems in their result
// instead of throwing. They are not differentiable yet: implicit differentiation
// (customLinearSolve) will give their derivatives without unrolling the iterations.
import { nrm2 } from "../array/nrm2.js";
import { np, type Array } from "../core/index.js";
import { axpy, dot, operator, type MatVec, type Vec } from "./vectors.js";

export type { MatVec } from "./vectors.js";
export { lanczos, type LanczosOptions, type LanczosResult } from "./lanczos.js";

/** How an iterative solve ended. */
export type SolveStatus = "converged" | "maxIter" | "notPositiveDefinite" | "nonFinite";

/** The result of `cg` or `minres`, as a plain record (scipy.optimize style). */
export interface IterativeResult {
  /** The last iterate (the last finite one if something went non-finite). */
  x: Array;
  /** Iterations done (one operator application each; setup and residual checks add a few more). */
  nit: number;
  /** ‖b − A·x‖ / ‖b‖ for the returned x, recomputed at the end (NaN if A·x is not finite). */
  residual: number;
  status: SolveStatus;
  /** status === "converged". */
  success: boolean;
  message: string;
}

export interface IterativeOptions {
  /** Starting guess (default zeros). */
  x0?: Array;
  /** Stop when ‖b − A·x‖ ≤ tol·‖b‖ (default 1e-10). */
  tol?: number;
  /** Default 10·n. */
  maxIter?: number;
  /** A symmetric positive definite preconditioner as r ↦ M⁻¹·r. */
  M?: MatVec;
}

/** Shared setup of cg and minres: vectors, operators, limits, and the result record. */
function setup(name: string, matvec: MatVec, b: Array, opts: IterativeOptions) {
  const shape = b.shape;
  const n = b.size;
  const bv = b.toFloat64Array();
  const x0 = opts.x0 ? opts.x0.toFloat64Array() : new Float64Array(n);
  if (x0.length !== n) throw new Error(`${name}: x0 has shape (${opts.x0!.shape}) but b has shape (${shape})`);
  const userA = operator(name, "matvec", matvec, shape);
  const userM = opts.M ? operator(name, "the preconditioner M", opts.M, shape) : undefined;
  const dtype = b.dtype === "float32" ? "float32" : "float64";
  // The solvers work at size 1, like LAPACK's scaled drivers: on b/β, A/α and M⁻¹/μ,
  // with β, α, μ powers of two near ‖b‖, ‖A·b̂‖ and ‖M⁻¹·b̂‖ (b̂ = b/β; one application
  // of each operator). Scaling by powers of two is exact, and neither method's iterates
  // change with it (x is α·x/β), but inner products such as rᵀr, pᵀAp and rᵀM⁻¹r no
  // longer underflow to 0 or overflow for a b, an A or an M of size 1e-300 or 1e300.
  const rawNorm = nrm2(bv);
  const bExp = exponentNear(rawNorm);
  scaleBy(bv, -bExp);
  const aExp = exponentNear(nrm2(userA(bv)));
  const mExp = userM ? exponentNear(nrm2(userM(bv))) : 0;
  const A = (v: Vec) => scaleBy(userA(v), -aExp);
  const M = userM ? (r: Vec) => scaleBy(userM(r), -mExp) : (r: Vec) => r;
  scaleBy(x0, aExp - bExp);
  const bnorm = nrm2(bv);
  /** b − A·x */
  const residualOf = (x: Vec) => {
    const r = A(x);
    for (let i = 0; i < n; i++) r[i] = bv[i]! - r[i]!;
    return r;
  };
  const result = (x: Vec, nit: number, status: SolveStatus, message: string): IterativeResult => {
    const r = residualOf(x);
    const residual = nrm2(r) / (bnorm || 1);
    const unscaled = scaleBy(Float64Array.from(x), bExp - aExp);
    return { x: np.reshape(np.array(unscaled, { dtype }), shape), nit, residual, status, success: status === "converged", message };
  };
  return {
    n,
    bv,
    x0,
    bnorm,
    tol: opts.tol ?? 1e-10,
    maxIter: opts.maxIter ?? 10 * n,
    A,
    M,
    residualOf,
    result,
  };
}

const finite = (...xs: number[]) => xs.every(Number.isFinite);

/** e with 2^e near x (0 for 0 or a non-finite x, which the solvers report themselves). */
function exponentNear(x: number): number {
  return x > 0 && x < Infinity ? Math.floor(Math.log2(x)) : 0;
}

/** v ← v·2^e in place, exactly (in two steps when 2^e alone is out of range). */
function scaleBy(v: Vec, e: number): Vec {
  const half = Math.trunc(e / 2);
  const [f1, f2] = [2 ** half, 2 ** (e - half)];
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * f1 * f2;
  return v;
}

/**
 * Conjugate gradients for A·x = b with A symmetric positive definite, given as a
 * function; optionally preconditioned by M (r ↦ M⁻¹·r, also SPD). Stops when the
 * relative residual ‖b − A·x‖/‖b‖ ≤ tol. Never throws on a bad operator: a direction
 * with pᵀ·A·p ≤ 0 stops with status "notPositiveDefinite", a NaN or Infinity with
 * "nonFinite" (x is then the last finite iterate), running out with "maxIter".
 * The updated residual is checked against the true one before reporting convergence.
 *
 * @example
 * const A = np.array([[4, 1], [1, 3]]);
 * const { x, success } = linalg.cg((v) => np.matmul(A, v), np.array([1, 2]));
 */
export function cg(matvec: MatVec, b: Array, opts: IterativeOptions = {}): IterativeResult {
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

/**
 * MINRES (Paige & Saunders) for A·x = b with A symmetric, possibly indefinite, given as
 * a function; optionally preconditioned by a symmetric positive definite M (r ↦ M⁻¹·r).
 * It minimizes ‖b − A·x‖ over the Krylov space, so it also suits singular consistent
 * systems. Same record and statuses as `cg` ("notPositiveDefinite" only for M).
 *
 * @example
 * const A = np.array([[1, 2], [2, -3]]); // indefinite
 * linalg.minres((v) => np.matmul(A, v), np.array([1, 0])).x;
 */
export function minres(matvec: MatVec, b: Array, opts: IterativeOptions = {}): IterativeResult {
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
