// solveQP's argument checks, and the problem in the form the interior point method
// works on: Q symmetrized, the inequalities and finite bounds stacked as C x ≤ d.
import type { Inequalities } from "./qp-kkt.js";
import { checkKeys, checkOptional, POSITIVE, POSITIVE_INTEGER, shown } from "./validate.js";
import type { DenseQP, SolveQPOptions } from "./qp-solve.js";

const OP = "solveQP";

/** The checked problem: Q symmetric, A possibly empty (me = 0), C x ≤ d. */
export interface CheckedQP {
  n: number;
  Q: Float64Array;
  q: Float64Array;
  me: number;
  A: Float64Array;
  b: Float64Array;
  c: Inequalities;
}

function vector(name: string, v: unknown, length: number | undefined, allowInf: boolean): Float64Array {
  if (!(v instanceof Float64Array)) throw new Error(`${OP}: ${name} must be a Float64Array, got ${shown(v)}`);
  if (length !== undefined && v.length !== length) throw new Error(`${OP}: ${name} must have ${length} entries, got ${v.length}`);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isNaN(x) || (!allowInf && !Number.isFinite(x))) throw new Error(`${OP}: ${name}[${i}] must be ${allowInf ? "a number" : "finite"}, got ${x}`);
  }
  return v;
}

/** A matrix with `rhsName`'s length as its row count; both or neither must be given. */
function pair(p: DenseQP, mName: "A" | "G", rName: "b" | "h", n: number): [Float64Array, Float64Array, number] {
  const M = p[mName], r = p[rName];
  if ((M === undefined) !== (r === undefined)) throw new Error(`${OP}: ${mName} and ${rName} must be given together, got only ${M === undefined ? rName : mName}`);
  if (M === undefined || r === undefined) return [new Float64Array(0), new Float64Array(0), 0];
  const rows = vector(rName, r, undefined, false).length;
  vector(mName, M, rows * n, false);
  return [M, r, rows];
}

/** The symmetric part of Q, after checking Q is symmetric to 1e-10 relative (rounding, not a typo). */
function symmetricQ(Q: Float64Array, n: number): Float64Array {
  let scale = 0;
  for (let i = 0; i < Q.length; i++) scale = Math.max(scale, Math.abs(Q[i]!));
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = Q[i * n + j]!, b = Q[j * n + i]!;
      if (Math.abs(a - b) > 1e-10 * Math.max(1, scale)) throw new Error(`${OP}: Q must be symmetric, got Q[${i},${j}] = ${a} and Q[${j},${i}] = ${b}`);
      S[i * n + j] = 0.5 * (a + b);
    }
  }
  return S;
}

/** Checks every field of the problem and the options; throws one line naming solveQP and the field. */
export function checkQP(p: DenseQP, opts: SolveQPOptions | undefined): CheckedQP {
  if (typeof p !== "object" || p === null) throw new Error(`${OP}: the problem must be an object, got ${shown(p)}`);
  checkKeys(OP, "problem", p, ["n", "Q", "q", "A", "b", "G", "h", "lo", "hi"]);
  checkKeys(OP, "options", opts, ["tol", "maxIter"]);
  checkOptional(OP, "tol", opts?.tol, POSITIVE);
  checkOptional(OP, "maxIter", opts?.maxIter, POSITIVE_INTEGER);
  const n = p.n;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${OP}: n must be a positive integer, got ${shown(n)}`);
  const Q = symmetricQ(vector("Q", p.Q, n * n, false), n);
  const q = vector("q", p.q, n, false);
  const [A, b, me] = pair(p, "A", "b", n);
  const [G, h, mi] = pair(p, "G", "h", n);
  const lo = p.lo === undefined ? undefined : vector("lo", p.lo, n, true);
  const hi = p.hi === undefined ? undefined : vector("hi", p.hi, n, true);
  const loIdx: number[] = [], hiIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = lo?.[i] ?? -Infinity, u = hi?.[i] ?? Infinity;
    if (l === Infinity || u === -Infinity || l > u) throw new Error(`${OP}: bounds must have lo ≤ hi with lo < ∞ and hi > −∞, got lo[${i}] = ${l}, hi[${i}] = ${u}`);
    if (l > -Infinity) loIdx.push(i);
    if (u < Infinity) hiIdx.push(i);
  }
  const d = new Float64Array(mi + loIdx.length + hiIdx.length);
  d.set(h);
  loIdx.forEach((i, k) => (d[mi + k] = -lo![i]!));
  hiIdx.forEach((i, k) => (d[mi + loIdx.length + k] = hi![i]!));
  return { n, Q, q, me, A, b, c: { n, mi, G, loIdx: Int32Array.from(loIdx), hiIdx: Int32Array.from(hiIdx), d } };
}
