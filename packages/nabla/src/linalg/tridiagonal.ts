// Householder reduction of a symmetric matrix to tridiagonal form, blocked as LAPACK's
// sytrd/latrd (lower): each panel of NB reflectors is built with the trailing matrix left
// as it was at the panel's start, its effect kept in two thin matrices V and W so that
// the pending update is A − V·Wᵀ − W·Vᵀ; one rank-2k update per panel, two products,
// then brings the rest up to date. The orthogonal factor is accumulated backwards in
// blocks of NB reflectors in compact WY form, H_k⋯H_{k+b−1} = I − Y·T·Yᵀ (Schreiber &
// Van Loan 1989; LAPACK's larft/larfb), again as products.
import { gemmUpdate, residentBlock, type MatrixBlock, type ResidentBlock } from "../array/index.js";
import { triangularFactor } from "./qr.js";

/** Reflectors per panel and per block of the back-transformation. */
const NB = 32;
/** Trailing blocks smaller than this multiply vectors in JavaScript: the copy would cost more. */
const WASM_MIN_SIZE = 48;

const block = (data: Float64Array, offset: number, ld: number, transposed = false): MatrixBlock => ({ data, offset, ld, transposed });

/**
 * Householder tridiagonalization A = Q·T·Qᵀ of a full symmetric n×n matrix (overwritten).
 * Returns T's diagonal d, its off-diagonal e (e[i] couples i and i+1; e[n-1] = 0) and
 * Z = Qᵀ, whose row i is column i of Q: the QR iteration then rotates contiguous rows.
 *
 * @example
 * const { d, e } = tridiagonalize(Float64Array.of(2, 1, 1, 1, 2, 1, 1, 1, 2), 3);
 * // d, e: the tridiagonal form, with the same eigenvalues (4, 1, 1)
 */
export function tridiagonalize(A: Float64Array, n: number): { d: Float64Array; e: Float64Array; Z: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const betas = new Float64Array(n);
  // The panel's reflectors v (rows of V) and their update vectors w (rows of W).
  const V = new Float64Array(NB * n);
  const W = new Float64Array(NB * n);
  for (let i0 = 0; i0 < n - 2; i0 += NB) {
    const nb = Math.min(NB, n - 2 - i0);
    V.fill(0);
    W.fill(0);
    // The panel's products read the trailing block as it stands now (rows below the
    // current column are not updated until the panel ends): one copy to WebAssembly.
    const size = n - i0 - 1;
    const resident = size >= WASM_MIN_SIZE ? residentBlock(A, (i0 + 1) * n + i0 + 1, n, size) : null;
    for (let t = 0; t < nb; t++) reduceColumn(A, n, i0 + t, t, V, W, betas, e, resident);
    // The trailing block, rows and columns i0+nb.., takes the panel's update in full.
    const s = i0 + nb;
    const trailing = block(A, s * n + s, n);
    gemmUpdate(trailing, block(V, s, n, true), block(W, s, n), n - s, nb, n - s);
    gemmUpdate(trailing, block(W, s, n, true), block(V, s, n), n - s, nb, n - s);
  }
  for (let i = 0; i < n; i++) d[i] = A[i * n + i]!;
  if (n >= 2) e[n - 2] = A[(n - 1) * n + n - 2]!;
  return { d, e, Z: transpose(accumulate(A, n, betas), n) };
}

/**
 * Step k (the t-th of its panel): brings row k up to date with the panel's earlier
 * reflectors, builds the reflector H = I − β·v·vᵀ that zeroes A[k+2.., k] (v into row
 * k of A and of V, β into betas), and w = p − (β·pᵀv/2)·v with p = β·A·v for the
 * current A (the pending updates included), into row t of W. `resident`, if given, holds
 * the panel's trailing block (from row and column k − t + 1) for A·v.
 */
function reduceColumn(A: Float64Array, n: number, k: number, t: number, V: Float64Array, W: Float64Array, betas: Float64Array, e: Float64Array, resident: ResidentBlock | null): void {
  const row = k * n;
  for (let q = 0; q < t; q++) {
    const vk = V[q * n + k]!;
    const wk = W[q * n + k]!;
    for (let j = k; j < n; j++) A[row + j] = A[row + j]! - V[q * n + j]! * wk - W[q * n + j]! * vk;
  }
  // x = A[k+1.., k] (row k: A is symmetric) over a power of two near its largest entry:
  // exact (the same reflector, bit for bit), but x's squares cannot underflow when x is
  // tiny next to the rest of A (a tail of size 1e-160 in a matrix of size 1 made
  // β = 2/vᵀv overflow), nor overflow. v is kept as v/unit, β as β·unit²: the same H.
  let largest = 0;
  for (let i = k + 1; i < n; i++) largest = Math.max(largest, Math.abs(A[row + i]!));
  const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const x0 = A[row + k + 1]! / unit;
  let tail = 0;
  for (let i = k + 2; i < n; i++) {
    A[row + i] = A[row + i]! / unit;
    tail += A[row + i]! ** 2;
  }
  if (tail === 0) {
    e[k] = x0 * unit;
    A[row + k + 1] = 0; // H = I: a zero vector leaves everything alone
    return;
  }
  const norm = Math.sqrt(x0 * x0 + tail);
  const alpha = x0 > 0 ? -norm : norm;
  A[row + k + 1] = x0 - alpha;
  const beta = 2 / ((x0 - alpha) ** 2 + tail);
  betas[k] = beta;
  e[k] = alpha * unit;
  const vt = t * n;
  V.set(A.subarray(row + k + 1, row + n), vt + k + 1);
  // p = β·(A·v − V·(Wᵀv) − W·(Vᵀv)) on rows k+1..: the rows below k still hold A as at
  // the panel's start, so the panel's earlier updates enter through V and W.
  const p = W.subarray(vt, vt + n);
  if (resident !== null) resident.multiply(t, V, vt + k + 1, p, k + 1);
  else {
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[i * n + j]! * V[vt + j]!;
      p[i] = s;
    }
  }
  for (let q = 0; q < t; q++) {
    let wv = 0;
    let vv = 0;
    for (let j = k + 1; j < n; j++) {
      wv += W[q * n + j]! * V[vt + j]!;
      vv += V[q * n + j]! * V[vt + j]!;
    }
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - V[q * n + i]! * wv - W[q * n + i]! * vv;
  }
  let pv = 0;
  for (let i = k + 1; i < n; i++) {
    p[i] = beta * p[i]!;
    pv += p[i]! * V[vt + i]!;
  }
  const K = (beta * pv) / 2;
  for (let i = k + 1; i < n; i++) p[i] = p[i]! - K * V[vt + i]!;
}

/**
 * Q = H_0·H_1⋯H_{n−3} from the reflectors in A's rows (v_k in row k, entries k+1..) and
 * their β, built backwards a block at a time: Q ← (I − Y·T·Yᵀ)·Q on the trailing rows
 * and columns where the partial product differs from I.
 */
function accumulate(A: Float64Array, n: number, betas: Float64Array): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const Y = new Float64Array(NB * n); // reflectors as rows
  const M = new Float64Array(NB * n);
  const last = n - 3;
  for (let k1 = last + 1; k1 > 0; k1 -= NB) {
    const k0 = Math.max(0, k1 - NB);
    const b = k1 - k0;
    const s = k0 + 1; // Y's rows, and the block Q changes, start here
    const r = n - s;
    Y.fill(0);
    for (let t = 0; t < b; t++) Y.set(A.subarray((k0 + t) * n + k0 + t + 1, (k0 + t + 1) * n), t * n + k0 + t + 1);
    // Y's rows are zero before their reflectors, as larft reads them.
    const T = triangularFactor(Y, n, 0, b, betas.subarray(k0, k1));
    // Q −= (Y·T)·(Yᵀ·Q), as N·M with N = −Y·T and M = −Yᵀ·Q (the update only subtracts);
    // for one reflector this is the unblocked Q −= (β·v)·(vᵀ·Q), bit for bit.
    const N = new Float64Array(r * b);
    gemmUpdate(block(N, 0, b), block(Y, s, n, true), block(T, 0, b), r, b, b);
    M.fill(0, 0, b * n);
    gemmUpdate(block(M, s, n), block(Y, s, n), block(Q, s * n + s, n), b, r, r);
    gemmUpdate(block(Q, s * n + s, n), block(N, 0, b), block(M, s, n), r, b, r);
  }
  return Q;
}

function transpose(Q: Float64Array, n: number): Float64Array {
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Z[j * n + i] = Q[i * n + j]!;
  return Z;
}
