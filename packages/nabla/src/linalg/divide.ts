// Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem, with Gu and
// Eisenstat's eigenvectors (as LAPACK's dstedc/dlaed0–dlaed4; Demmel, Applied Numerical
// Linear Algebra §5.3.3). Cutting T between rows m₁ − 1 and m₁ (0-based), where it has
// the off-diagonal β, writes it as diag(T₁, T₂) + ρ·v·vᵀ with ρ = |β|, v = e_{m₁−1} +
// sign(β)·e_{m₁}, and T₁, T₂ with their entries at the cut lessened by ρ; given
// Tᵢ = Qᵢ·Λᵢ·Qᵢᵀ, T = diag(Q₁, Q₂)·(Λ + ρ·z·zᵀ)·diag(Q₁, Q₂)ᵀ with z = diag(Q₁, Q₂)ᵀ·v,
// and the rank-one update is solved through its secular equation (secular.ts). The
// eigenvectors of T are then diag(Q₁, Q₂)·U, which is where nearly all the flops go: two
// products, one per half of the rows, taken by gemmUpdate (WebAssembly SIMD). Deflation
// (tiny ρ·zⱼ, or nearly equal poles merged by a rotation) keeps columns out of them, and
// is frequent in practice; small blocks go to the QR iteration.
import { gemmUpdate } from "../array/index.js";
import { tridiagonalEigen } from "./tridiagonal-qr.js";
import { secularRoots, type SecularRoots } from "./secular.js";
import { secularVectors } from "./secular-vectors.js";

const EPS = 2 ** -52;
/** Blocks of at most this many rows are solved by the QR iteration. */
const LEAF = 32;

/** Which rows of the merged problem a column of diag(Q₁, Q₂) is nonzero in. */
const TOP = 0;
const BOTH = 1;
const BOTTOM = 2;

/**
 * Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal matrix with
 * diagonal d and off-diagonal e (e[i] couples i and i + 1; e[n−1] is not read): `Q` is
 * n×n row-major, its column j the eigenvector of w[j]. d and e are left unchanged.
 *
 * @example
 * const { w } = tridiagonalDivide(Float64Array.of(2, 2, 2), Float64Array.of(-1, -1, 0));
 * // w ≈ [2 − √2, 2, 2 + √2]
 */
export function tridiagonalDivide(d: Float64Array, e: Float64Array): { w: Float64Array; Q: Float64Array } {
  const n = d.length;
  // Work on (d, e)/s for a power of two s near their largest entry (exact), as the QR
  // iteration does, so that no square inside over- or underflows.
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(d[i]!), i < n - 1 ? Math.abs(e[i]!) : 0);
  const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const w = Float64Array.from(d, (x) => x / unit);
  const off = Float64Array.from(e, (x) => x / unit);
  const Q = new Float64Array(n * n);
  const work = n > LEAF ? n * n : 0;
  if (n > 0) solve({ w, off, Q, n, out: new Float64Array(work), U: new Float64Array(work), gathered: new Float64Array(work), row: new Float64Array(n) }, 0, n);
  for (let i = 0; i < n; i++) w[i] = w[i]! * unit;
  return { w, Q };
}

/**
 * The problem's state: the diagonal (becoming eigenvalues), off-diagonal and Q; and
 * n×n workspaces for the merges, allocated once: the product's new vectors, U, and the
 * kept columns gathered for the products; and a row's deflated entries, copied while
 * they are permuted.
 */
interface Problem {
  w: Float64Array;
  off: Float64Array;
  Q: Float64Array;
  n: number;
  out: Float64Array;
  U: Float64Array;
  gathered: Float64Array;
  row: Float64Array;
}

/** Eigenvalues (ascending, into w[s..s+m]) and eigenvectors (Q's diagonal block at s) of rows s..s+m−1. */
function solve(P: Problem, s: number, m: number): void {
  if (m <= LEAF) return leaf(P, s, m);
  const m1 = m >> 1;
  const beta = P.off[s + m1 - 1]!;
  // ρ·v·vᵀ with ρ = |β| and v = e_{m₁−1} + sign(β)·e_{m₁} has ρ at the two diagonal
  // entries of the cut, taken off T₁'s and T₂'s, and β off the diagonal; ρ > 0 keeps
  // the secular function increasing.
  P.w[s + m1 - 1] = P.w[s + m1 - 1]! - Math.abs(beta);
  P.w[s + m1] = P.w[s + m1]! - Math.abs(beta);
  solve(P, s, m1);
  solve(P, s + m1, m - m1);
  merge(P, s, m1, m, beta);
}

/** A small block by the QR iteration from Z = I, its rows (eigenvectors) sorted into Q's columns. */
function leaf(P: Problem, s: number, m: number): void {
  const { w, off, Q, n } = P;
  const dl = w.slice(s, s + m);
  const el = off.slice(s, s + m);
  el[m - 1] = 0;
  const Z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Z[i * m + i] = 1;
  tridiagonalEigen(dl, el, Z, m);
  const order = ascending(dl);
  order.forEach((src, c) => {
    w[s + c] = dl[src]!;
    for (let r = 0; r < m; r++) Q[(s + r) * n + s + c] = Z[src * m + r]!;
  });
}

/** x[idx[0]], x[idx[1]], …: a loop, as typed arrays' from() with a function is slow. */
function pick(x: Float64Array, idx: number[]): Float64Array {
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) y[i] = x[idx[i]!]!;
  return y;
}

/** Indices of x in ascending order of value (stable). */
function ascending(x: Float64Array): number[] {
  return Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
}

/**
 * Merges the solved halves s..s+m₁−1 and s+m₁..s+m−1 (each ascending, with eigenvector
 * blocks on Q's diagonal) into the eigen-decomposition of the whole block, cut at β.
 */
function merge(P: Problem, s: number, m1: number, m: number, beta: number): void {
  const { w, Q, n } = P;
  // v has norm √2: normalize z and put the 2 into ρ.
  const rho = 2 * Math.abs(beta);
  const sign = beta < 0 ? -1 : 1;
  const d = w.slice(s, s + m);
  const z = new Float64Array(m);
  const kind = new Int8Array(m);
  for (let j = 0; j < m; j++) {
    z[j] = j < m1 ? Q[(s + m1 - 1) * n + s + j]! * Math.SQRT1_2 : sign * Q[(s + m1) * n + s + j]! * Math.SQRT1_2;
    kind[j] = j < m1 ? TOP : BOTTOM;
  }
  const { kept, deflated } = deflate(P, s, m1, m, d, z, kind, rho);
  const k = kept.length;
  const dk = pick(d, kept);
  const zk = pick(z, kept);
  const roots = k > 0 ? secularRoots(dk, zk, rho) : { pole: new Int32Array(0), tau: new Float64Array(0) };
  const lambda = new Float64Array(k);
  for (let i = 0; i < k; i++) lambda[i] = dk[roots.pole[i]!]! + roots.tau[i]!;
  const target = mergeOrder(w, s, lambda, pick(d, deflated));
  // out gets the k new eigenvectors as rows of k (the product); the deflated columns
  // stay in Q until placed.
  if (k > 0) multiplyKept(P, s, m1, m, kept, kind, dk, zk, rho, roots);
  place(P, s, m, k, deflated, target);
}

/**
 * Writes the merged eigenvectors into Q's block row by row: column c of out to column
 * target[c], deflated column deflated[b] to target[k + b], through
 * a copy since the deflated columns' old and new places overlap.
 */
function place(P: Problem, s: number, m: number, k: number, deflated: number[], target: Int32Array): void {
  const { Q, n, out, row } = P;
  const nd = deflated.length;
  for (let r = 0; r < m; r++) {
    const at = (s + r) * n + s;
    for (let b = 0; b < nd; b++) row[b] = Q[at + deflated[b]!]!;
    for (let b = 0; b < nd; b++) Q[at + target[k + b]!] = row[b]!;
    const from = r * k;
    for (let c = 0; c < k; c++) Q[at + target[c]!] = out[from + c]!;
  }
}

/**
 * Writes the ascending merge of `lambda` and `defl` (each ascending) into w[s..] and
 * returns where each lands: lambda's first, then defl's.
 */
function mergeOrder(w: Float64Array, s: number, lambda: Float64Array, defl: Float64Array): Int32Array {
  const k = lambda.length;
  const target = new Int32Array(k + defl.length);
  let a = 0;
  let b = 0;
  for (let c = 0; c < target.length; c++) {
    if (b >= defl.length || (a < k && lambda[a]! <= defl[b]!)) {
      w[s + c] = lambda[a]!;
      target[a++] = c;
    } else {
      w[s + c] = defl[b]!;
      target[k + b++] = c;
    }
  }
  return target;
}

/**
 * Deflation (LAPACK's dlaed2): in ascending order of d, a column whose ρ·|zⱼ| is below
 * tol is already an eigenvector; of two kept neighbours whose rotation zeroing the first
 * one's z would make an off-diagonal entry below tol, the first is deflated after the
 * rotation (applied to Q's columns and to d). tol = 8ε·‖D + ρ·z·zᵀ‖, a backward error
 * the size of rounding. Returns the kept columns, with d strictly ascending over them,
 * and the deflated ones in ascending order of their (rotated) d, ties by index.
 */
function deflate(P: Problem, s: number, m1: number, m: number, d: Float64Array, z: Float64Array, kind: Int8Array, rho: number): { kept: number[]; deflated: number[] } {
  const { Q, n } = P;
  let dmax = 0;
  for (let j = 0; j < m; j++) dmax = Math.max(dmax, Math.abs(d[j]!));
  const tol = 8 * EPS * Math.max(dmax, rho);
  const kept: number[] = [];
  const deflated: number[] = [];
  let prev = -1;
  for (const j of mergedHalves(d, m1)) {
    if (rho * Math.abs(z[j]!) <= tol) {
      deflated.push(j);
      continue;
    }
    if (prev >= 0) {
      // G = [c −s; s c] on columns (prev, j) with c·z_prev + s·zⱼ = 0 leaves z_prev = 0 and
      // zⱼ = r; Gᵀ·D·G's off-diagonal entry is c·s·(dⱼ − d_prev).
      const r = Math.hypot(z[prev]!, z[j]!);
      const c = z[j]! / r;
      const sn = -z[prev]! / r;
      const dp = d[prev]!;
      const dj = d[j]!;
      if (Math.abs(c * sn * (dj - dp)) <= tol) {
        z[prev] = 0;
        z[j] = r;
        d[prev] = c * c * dp + sn * sn * dj;
        d[j] = sn * sn * dp + c * c * dj;
        rotateColumns(Q, n, s, m, prev, j, c, sn);
        if (kind[prev] !== kind[j]) kind[prev] = kind[j] = BOTH;
        deflated.push(prev);
        prev = j;
        continue;
      }
      kept.push(prev);
    }
    prev = j;
  }
  if (prev >= 0) kept.push(prev);
  // Rotations moved some deflated d, so their order is sorted again (few, nearly sorted).
  deflated.sort((a, b) => d[a]! - d[b]! || a - b);
  return { kept, deflated };
}

/**
 * Indices 0..m−1 in ascending order of d (ties by index), where d[0..m₁) and d[m₁..m)
 * are each ascending, as the two solved halves' eigenvalues are: one merge, no sort.
 */
function mergedHalves(d: Float64Array, m1: number): Int32Array {
  const m = d.length;
  const order = new Int32Array(m);
  let a = 0;
  let b = m1;
  for (let c = 0; c < m; c++) order[c] = b >= m || (a < m1 && d[a]! <= d[b]!) ? a++ : b++;
  return order;
}

/** Columns p, j of Q's block at (s, s) (m rows) become (c·q_p + s·q_j, c·q_j − s·q_p). */
function rotateColumns(Q: Float64Array, n: number, s: number, m: number, p: number, j: number, c: number, sn: number): void {
  for (let r = 0; r < m; r++) {
    const at = (s + r) * n + s;
    const x = Q[at + p]!;
    const y = Q[at + j]!;
    Q[at + p] = c * x + sn * y;
    Q[at + j] = c * y - sn * x;
  }
}

/**
 * The kept columns times the rank-one update's eigenvectors U, into out (m rows of k).
 * Columns nonzero only in the top rows (m₁ of them) come first, then the dense ones,
 * then those only in the bottom rows, and U's rows in the same order: the top rows'
 * product then reads only the first two groups and the bottom rows' only the last two,
 * half the flops of one full product when little was rotated. gemmUpdate subtracts from
 * zero, so the columns come out negated: eigenvectors all the same.
 */
function multiplyKept(P: Problem, s: number, m1: number, m: number, kept: number[], kind: Int8Array, dk: Float64Array, zk: Float64Array, rho: number, roots: SecularRoots): void {
  const { Q, n, out, U, gathered } = P;
  const k = kept.length;
  const m2 = m - m1;
  const order: number[] = [];
  for (const t of [TOP, BOTH, BOTTOM]) for (let i = 0; i < k; i++) if (kind[kept[i]!] === t) order.push(i);
  const rowOf = new Int32Array(k);
  for (let r = 0; r < k; r++) rowOf[order[r]!] = r;
  secularVectors(dk, zk, rho, roots, U, rowOf);
  const cols = new Int32Array(k);
  for (let r = 0; r < k; r++) cols[r] = kept[order[r]!]!;
  let tops = 0; // columns of kind TOP, then up to `upper` those with top rows (TOP, BOTH)
  while (tops < k && kind[cols[tops]!] === TOP) tops++;
  let upper = tops;
  while (upper < k && kind[cols[upper]!] === BOTH) upper++;
  const lower = k - tops; // columns with bottom rows: BOTH and BOTTOM
  // The kept columns' nonzero parts, gathered contiguously: top (m₁ × upper), then bottom (m₂ × lower).
  const below = m1 * upper;
  for (let r = 0; r < m; r++) {
    const at = (s + r) * n + s;
    if (r < m1) for (let c = 0; c < upper; c++) gathered[r * upper + c] = Q[at + cols[c]!]!;
    else for (let c = 0; c < lower; c++) gathered[below + (r - m1) * lower + c] = Q[at + cols[tops + c]!]!;
  }
  out.fill(0, 0, m * k);
  gemmUpdate({ data: out, offset: 0, ld: k }, { data: gathered, offset: 0, ld: upper }, { data: U, offset: 0, ld: k }, m1, upper, k);
  gemmUpdate({ data: out, offset: m1 * k, ld: k }, { data: gathered, offset: below, ld: lower }, { data: U, offset: tops * k, ld: k }, m2, lower, k);
}
