// The interior point method's stopping measures: the residuals of the KKT conditions at an
// iterate, each relative to the sizes of the terms it sums, and the duality gap.
import type { CheckedQP } from "./qp-input.js";
import { addMulCt, mulC, type Inequalities } from "./qp-kkt.js";
import { addMatTVec, addMatVec } from "./vec.js";

/** A primal-dual iterate: x, the equality multipliers y, the inequality multipliers z and slacks s. */
export interface Iterate { x: Float64Array; y: Float64Array; z: Float64Array; s: Float64Array }

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** |M|·|v| for a dense row-major rows×cols M: the sizes of the terms each entry of M v sums. */
function absMatVec(M: Float64Array, rows: number, cols: number, v: Float64Array, transpose = false): Float64Array {
  const out = new Float64Array(transpose ? cols : rows);
  const absV = v.map(Math.abs);
  return transpose ? addMatTVec(M.map(Math.abs), rows, cols, absV, out) : addMatVec(M.map(Math.abs), rows, cols, absV, out);
}

/**
 * Residuals at an iterate — stationarity rd, equalities rp, inequalities ri = Cx + s − d —
 * and the sizes of the terms each sums, entry by entry (|Q||x| + |q| + …, not |Qx|): a
 * residual is judged against what rounding the sum of its terms leaves, so a residual
 * that cancels large terms (x large along a row of A that sums to nearly 0) is not
 * asked for digits the data do not have.
 */
function residuals(p: CheckedQP, it: Iterate) {
  const { n, me, c } = p;
  const Qx = addMatVec(p.Q, n, n, it.x, new Float64Array(n));
  const Aty = addMatTVec(p.A, me, n, it.y, new Float64Array(n));
  const Ctz = addMulCt(c, it.z, new Float64Array(n));
  const rd = Qx.map((v, i) => v + p.q[i]! + Aty[i]! + Ctz[i]!);
  const Ax = addMatVec(p.A, me, n, it.x, new Float64Array(me));
  const rp = Ax.map((v, i) => v - p.b[i]!);
  const Cx = mulC(c, it.x);
  const ri = Cx.map((v, i) => v + it.s[i]! - c.d[i]!);
  // |C| has the bound rows' −1 turned to +1: so |C|ᵀ|z| and |C||x| come from addMulCt and mulC
  // on an all-upper-bound copy of C.
  const absC: Inequalities = { ...c, G: c.G.map(Math.abs), loIdx: new Int32Array(0), hiIdx: Int32Array.from([...c.loIdx, ...c.hiIdx]) };
  const dualTerms = addMulCt(absC, it.z.map(Math.abs), absMatVec(p.A, me, n, it.y, true));
  const absQx = absMatVec(p.Q, n, n, it.x);
  let dualSize = 0;
  for (let i = 0; i < n; i++) dualSize = Math.max(dualSize, dualTerms[i]! + absQx[i]! + Math.abs(p.q[i]!));
  const absAx = absMatVec(p.A, me, n, it.x);
  const absCx = mulC(absC, it.x.map(Math.abs));
  let primalSize = 0;
  for (let r = 0; r < me; r++) primalSize = Math.max(primalSize, absAx[r]! + Math.abs(p.b[r]!));
  for (let r = 0; r < Cx.length; r++) primalSize = Math.max(primalSize, absCx[r]! + Math.abs(it.s[r]!) + Math.abs(c.d[r]!));
  let f = 0, fTerms = 0;
  for (let i = 0; i < n; i++) (f += it.x[i]! * (0.5 * Qx[i]! + p.q[i]!)), (fTerms += Math.abs(it.x[i]! * 0.5 * Qx[i]!) + Math.abs(it.x[i]! * p.q[i]!));
  return { rd, rp, ri, dualSize, primalSize, f: Math.max(Math.abs(f), fTerms) };
}

/** The residuals relative to the sizes of their terms, and the duality gap relative to f's terms. */
export function measure(p: CheckedQP, it: Iterate) {
  const { rd, rp, ri, dualSize, primalSize, f } = residuals(p, it);
  const sz = it.s.reduce((a, si, i) => a + si * it.z[i]!, 0);
  const finite = [...it.x, ...it.y, ...it.z, ...it.s, sz].every(Number.isFinite);
  const primal = Math.max(maxAbs(rp), maxAbs(ri)) / (1 + primalSize);
  return { rd, rp, ri, primal, dual: maxAbs(rd) / (1 + dualSize), gap: sz / (1 + f), sz, finite };
}

export const isConverged = (r: { primal: number; dual: number; gap: number }, tol: number) => r.primal <= tol && r.dual <= tol && r.gap <= tol;
