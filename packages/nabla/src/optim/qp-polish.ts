// Polishing (as OSQP does): the interior point method stops with x a little inside the
// active constraints (s∘z ≈ tol, not 0). Guessing the active set from it and solving the
// equality-constrained QP on that set gives the exact vertex-face solution, to rounding,
// which an implicit derivative taken there needs. Kept only if it checks out.
import { matrixScale } from "./qp-certificates.js";
import type { CheckedQP } from "./qp-input.js";
import { addMulCt, kktSolver, mulC, reducedKKT, rowsOf, type Inequalities } from "./qp-kkt.js";
import { addMatTVec, addMatVec } from "./vec.js";

/** A primal-dual point: x, the multipliers y and z, the slacks s = d − Cx. */
export interface Polished {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  s: Float64Array;
}

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Row r of C as a dense vector. */
function rowOfC(c: Inequalities, r: number): Float64Array {
  const row = new Float64Array(c.n);
  if (r < c.mi) row.set(c.G.subarray(r * c.n, (r + 1) * c.n));
  else if (r < c.mi + c.loIdx.length) row[c.loIdx[r - c.mi]!] = -1;
  else row[c.hiIdx[r - c.mi - c.loIdx.length]!] = 1;
  return row;
}

/**
 * The solution of the QP with the constraints where z > s held as equalities and the
 * rest dropped, or undefined when it is not a better answer: a multiplier of the wrong
 * sign, a dropped constraint violated, or residuals no smaller than the iterate's.
 */
export function polish(p: CheckedQP, it: Polished, tol: number): Polished | undefined {
  const { n, me, c } = p;
  const z0 = it.z, s0 = it.s;
  const m = rowsOf(c);
  const active: number[] = [];
  for (let r = 0; r < m; r++) if (z0[r]! > s0[r]!) active.push(r);
  const rows = me + active.length;
  const A = new Float64Array(rows * n);
  A.set(p.A);
  active.forEach((r, k) => A.set(rowOfC(c, r), (me + k) * n));
  const none: Inequalities = { n, mi: 0, G: new Float64Array(0), loIdx: new Int32Array(0), hiIdx: new Int32Array(0), d: new Float64Array(0) };
  const solve = kktSolver(reducedKKT(p.Q, A, rows, none, new Float64Array(0)), n, n + rows, matrixScale(p));
  const rhs = new Float64Array(n + rows);
  for (let i = 0; i < n; i++) rhs[i] = -p.q[i]!;
  rhs.set(p.b, n);
  active.forEach((r, k) => (rhs[n + me + k] = c.d[r]!));
  const v = solve(rhs);
  const x = v.slice(0, n), y = v.slice(n, n + me);
  const z = new Float64Array(m);
  active.forEach((r, k) => (z[r] = Math.max(0, v[n + me + k]!)));
  const s = mulC(c, x).map((cx, r) => c.d[r]! - cx);
  const slack = Math.max(1, maxAbs(c.d.filter(Number.isFinite)), maxAbs(x));
  if (active.some((r, k) => v[n + me + k]! < -tol * Math.max(1, maxAbs(z0)))) return undefined;
  if (s.some((sr) => sr < -tol * slack)) return undefined;
  for (let r = 0; r < m; r++) s[r] = Math.max(0, s[r]!);
  if (!(kktError(p, { x, y, z, s }) <= kktError(p, it))) return undefined;
  return { x, y, z, s };
}

/** The largest KKT violation: stationarity, feasibility, complementarity. */
export function kktError(p: CheckedQP, it: Polished): number {
  const rd = addMulCt(p.c, it.z, addMatTVec(p.A, p.me, p.n, it.y, addMatVec(p.Q, p.n, p.n, it.x, p.q.slice())));
  const rp = addMatVec(p.A, p.me, p.n, it.x, p.b.map((v) => -v));
  const cx = mulC(p.c, it.x);
  let worst = Math.max(maxAbs(rd), maxAbs(rp));
  for (let r = 0; r < cx.length; r++) {
    worst = Math.max(worst, cx[r]! - p.c.d[r]!, -it.z[r]!, Math.abs(it.z[r]! * (p.c.d[r]! - cx[r]!)));
  }
  return worst;
}
