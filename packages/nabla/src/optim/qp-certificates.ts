// Certificates that a QP has no solution, tested on the interior point iterates and
// steps (as OSQP tests its iterate differences): on an infeasible problem the multipliers
// run off along a Farkas ray, on an unbounded one x runs off along a descent ray of zero
// curvature; normalized, the iterate (or its step) is that ray to a few digits.
import { addMulCt, mulC, rowsOf } from "./qp-kkt.js";
import { addMatTVec, addMatVec } from "./vec.js";
import type { CheckedQP } from "./qp-input.js";

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** A ray's tolerance: what counts as zero after normalizing to ‖·‖∞ = 1. */
const RAY_TOL = 1e-7;

/** The ∞-norm of row r of C (1 for a bound row): what a product C_r·v of a unit v is measured against. */
function rowSizeOfC(p: CheckedQP, r: number): number {
  const { n, mi, G } = p.c;
  if (r >= mi) return 1;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.abs(G[r * n + j]!);
  return s;
}

/**
 * (y, z) with z ≥ 0, Aᵀy + Cᵀz = 0 and bᵀy + dᵀz < 0 proves A x = b, C x ≤ d infeasible
 * (a combination of the constraints reads 0 ≤ negative). `scale` is the data's size.
 */
export function isInfeasibilityRay(p: CheckedQP, y: Float64Array, z: Float64Array, scale: number): boolean {
  const size = Math.max(maxAbs(y), maxAbs(z));
  if (!(size > 0) || !Number.isFinite(size)) return false;
  const yh = y.map((v) => v / size), zh = z.map((v) => Math.max(0, v) / size);
  const combo = addMulCt(p.c, zh, addMatTVec(p.A, p.me, p.n, yh, new Float64Array(p.n)));
  let rhs = 0;
  for (let i = 0; i < p.me; i++) rhs += p.b[i]! * yh[i]!;
  for (let i = 0; i < zh.length; i++) rhs += p.c.d[i]! * zh[i]!;
  return maxAbs(combo) <= RAY_TOL * scale && rhs < -RAY_TOL * scale;
}

/**
 * Whether Q is positive definite beyond rounding: its Cholesky factorization runs with
 * every pivot above 1e-12·max|Q|. Such a QP always has a minimizer when it is feasible,
 * so no ray, however flat, may be called a certificate of unboundedness.
 */
export function isPositiveDefinite(Q: Float64Array, n: number): boolean {
  const L = Q.slice();
  const floor = 1e-12 * maxAbs(Q);
  if (!(floor > 0)) return false;
  for (let k = 0; k < n; k++) {
    let pivot = L[k * n + k]!;
    for (let j = 0; j < k; j++) pivot -= L[k * n + j]! ** 2;
    if (!(pivot > floor)) return false;
    const root = Math.sqrt(pivot);
    L[k * n + k] = root;
    for (let i = k + 1; i < n; i++) {
      let s = L[i * n + k]!;
      for (let j = 0; j < k; j++) s -= L[i * n + j]! * L[k * n + j]!;
      L[i * n + k] = s / root;
    }
  }
  return true;
}

/**
 * dx with Q dx = 0, A dx = 0, C dx ≤ 0 and qᵀdx < 0 proves the objective unbounded below
 * on a feasible set (x + t·dx stays feasible and the objective falls linearly in t). Each
 * zero is relative to its own matrix (Q dx against max|Q|, a row's product against that
 * row's size), not to the data's overall size: a small but positive curvature next to a
 * large right-hand side is still curvature. Callers first rule out a positive definite Q.
 */
export function isUnboundedRay(p: CheckedQP, dx: Float64Array): boolean {
  const size = maxAbs(dx);
  if (!(size > 0) || !Number.isFinite(size)) return false;
  const xh = dx.map((v) => v / size);
  let slope = 0;
  for (let i = 0; i < p.n; i++) slope += p.q[i]! * xh[i]!;
  if (!(slope < -RAY_TOL * maxAbs(p.q))) return false;
  if (maxAbs(addMatVec(p.Q, p.n, p.n, xh, new Float64Array(p.n))) > RAY_TOL * maxAbs(p.Q)) return false;
  const ax = addMatVec(p.A, p.me, p.n, xh, new Float64Array(p.me));
  for (let r = 0; r < p.me; r++) {
    let rowSize = 0;
    for (let j = 0; j < p.n; j++) rowSize += Math.abs(p.A[r * p.n + j]!);
    if (Math.abs(ax[r]!) > RAY_TOL * rowSize) return false;
  }
  const cx = mulC(p.c, xh, new Float64Array(rowsOf(p.c)));
  return cx.every((v, r) => v <= RAY_TOL * rowSizeOfC(p, r));
}

/** The size of the data (≥ 1): the scale certificates and stopping tests are relative to. */
export function dataScale(p: CheckedQP): number {
  return Math.max(1, maxAbs(p.Q), maxAbs(p.q), maxAbs(p.A), maxAbs(p.b), maxAbs(p.c.G), maxAbs(p.c.d.filter(Number.isFinite)));
}

/**
 * The size of the matrices (≥ 1), which the KKT solver's regularization is relative to:
 * the right-hand sides b and h (and the bounds) never enter the KKT matrix, so a box of
 * ±1e10 must not turn its δ into a term that swamps Q's curvature.
 */
export function matrixScale(p: CheckedQP): number {
  return Math.max(1, maxAbs(p.Q), maxAbs(p.A), maxAbs(p.c.G));
}
