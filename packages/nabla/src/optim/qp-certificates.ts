// Certificates that a QP has no solution, tested on the interior point iterates and
// steps (as OSQP tests its iterate differences): on an infeasible problem the multipliers
// run off along a Farkas ray, on an unbounded one x runs off along a descent ray of zero
// curvature; normalized, the iterate (or its step) is that ray to a few digits.
import { addMatTVec, addMatVec, addMulCt, mulC, rowsOf } from "./qp-kkt.js";
import type { CheckedQP } from "./qp-input.js";

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** A ray's tolerance: what counts as zero after normalizing to ‖·‖∞ = 1. */
const RAY_TOL = 1e-7;

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
 * dx with Q dx = 0, A dx = 0, C dx ≤ 0 and qᵀdx < 0 proves the objective unbounded below
 * on a feasible set (x + t·dx stays feasible and the objective falls linearly in t).
 */
export function isUnboundedRay(p: CheckedQP, dx: Float64Array, scale: number): boolean {
  const size = maxAbs(dx);
  if (!(size > 0) || !Number.isFinite(size)) return false;
  const xh = dx.map((v) => v / size);
  const tol = RAY_TOL * scale;
  let slope = 0;
  for (let i = 0; i < p.n; i++) slope += p.q[i]! * xh[i]!;
  if (!(slope < -tol)) return false;
  if (maxAbs(addMatVec(p.Q, p.n, p.n, xh, new Float64Array(p.n))) > tol) return false;
  if (maxAbs(addMatVec(p.A, p.me, p.n, xh, new Float64Array(p.me))) > tol) return false;
  const cx = mulC(p.c, xh, new Float64Array(rowsOf(p.c)));
  return cx.every((v) => v <= tol);
}

/** The size of the data (≥ 1): the scale certificates and stopping tests are relative to. */
export function dataScale(p: CheckedQP): number {
  return Math.max(1, maxAbs(p.Q), maxAbs(p.q), maxAbs(p.A), maxAbs(p.b), maxAbs(p.c.G), maxAbs(p.c.d.filter(Number.isFinite)));
}
