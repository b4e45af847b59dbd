// Conjugate gradients on the Newton system H·p = −g, stopped early: for Newton-CG when
// curvature turns negative (Nocedal & Wright, Algorithm 7.1), for trust-ncg also at the
// trust-region boundary (Steihaug, Algorithm 7.2). Only products H·v are needed.
import { dot, norm2 } from "../vec.js";

type Matvec = (v: Float64Array) => Float64Array;

/** z + τ·d as a new vector. */
function along(z: Float64Array, tau: number, d: Float64Array): Float64Array {
  return z.map((zi, i) => zi + tau * d[i]!);
}

/**
 * An approximate solution of H·p = −g, to ‖H·p + g‖ ≤ tol. Stops at the first direction
 * of non-positive curvature, returning the iterate so far (−g if that is the very first).
 */
export function truncatedCG(hv: Matvec, g: Float64Array, tol: number, maxIter: number): Float64Array {
  const n = g.length;
  let z: Float64Array = new Float64Array(n);
  const r = Float64Array.from(g);
  let d: Float64Array = r.map((v) => -v);
  let rr = dot(r, r);
  for (let j = 0; j < maxIter; j++) {
    const hd = hv(d);
    const dhd = dot(d, hd);
    if (!(dhd > 0)) return j === 0 ? g.map((v) => -v) : z;
    const alpha = rr / dhd;
    z = along(z, alpha, d);
    for (let i = 0; i < n; i++) r[i] = r[i]! + alpha * hd[i]!;
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= tol) return z;
    d = along(r.map((v) => -v), rrNew / rr, d);
    rr = rrNew;
  }
  return z;
}

/** A Steihaug step: p, whether it reached the boundary, and the model decrease −m(p). */
export interface TrustStep {
  p: Float64Array;
  onBoundary: boolean;
  predicted: number;
}

/**
 * Approximately minimizes the model m(p) = gᵀp + ½pᵀHp over ‖p‖ ≤ radius. CG runs from
 * p = 0; a direction of non-positive curvature, or a step leaving the region, ends at
 * the boundary. m is tracked from the residual r = g + H·p as m(p) = ½(g + r)ᵀp.
 */
export function steihaug(hv: Matvec, g: Float64Array, radius: number, tol: number, maxIter: number): TrustStep {
  const n = g.length;
  let z: Float64Array = new Float64Array(n);
  const r = Float64Array.from(g);
  let d: Float64Array = r.map((v) => -v);
  let rr = dot(r, r);
  const model = (p: Float64Array, res: Float64Array) => 0.5 * (dot(g, p) + dot(res, p));
  // The point z + τd on the boundary with the lower model value m(z) + τ rᵀd + ½τ² dᵀHd.
  const toBoundary = (dhd: number): TrustStep => {
    const dd = dot(d, d);
    const zd = dot(z, d);
    const zz = dot(z, z);
    const root = Math.sqrt(Math.max(0, zd * zd + dd * (radius * radius - zz)));
    const taus = [(-zd + root) / dd, (-zd - root) / dd];
    const mz = model(z, r);
    const rd = dot(r, d);
    const value = (t: number) => mz + t * rd + 0.5 * t * t * dhd;
    const tau = value(taus[0]!) <= value(taus[1]!) ? taus[0]! : taus[1]!;
    return { p: along(z, tau, d), onBoundary: true, predicted: -value(tau) };
  };
  for (let j = 0; j < maxIter; j++) {
    const hd = hv(d);
    const dhd = dot(d, hd);
    if (!(dhd > 0)) return toBoundary(dhd);
    const alpha = rr / dhd;
    const next = along(z, alpha, d);
    if (norm2(next) >= radius) return toBoundary(dhd);
    z = next;
    for (let i = 0; i < n; i++) r[i] = r[i]! + alpha * hd[i]!;
    const rrNew = dot(r, r);
    if (Math.sqrt(rrNew) <= tol) break;
    d = along(r.map((v) => -v), rrNew / rr, d);
    rr = rrNew;
  }
  return { p: z, onBoundary: false, predicted: -model(z, r) };
}
