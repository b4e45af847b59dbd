// Householder reduction of a symmetric matrix to tridiagonal form, blocked as LAPACK's
// sytrd/latrd: each panel of NB reflectors is built with the trailing matrix left as it
// was at the panel's start, its effect kept in two thin matrices V and W so that the
// pending update is A − V·Wᵀ − W·Vᵀ; one rank-2k update per panel then brings the rest
// up to date, computed on the upper triangle only (by blocks of rows, as syr2k), the only
// part the reduction reads (its products by the trailing matrix too, as symv does from
// one triangle). The orthogonal factor is
// accumulated backwards in blocks of NB reflectors in compact WY form,
// H_k⋯H_{k+b−1} = I − Y·T·Yᵀ (Schreiber & Van Loan 1989; LAPACK's larft/larfb), as products.
// Both run on a working set resident in WebAssembly memory (array/wasm/tridiagonal.ts),
// or, without WebAssembly, on a plain array of the same layout with JavaScript kernels
// doing the same operations in the same order: the same bits either way.
import { accumulationLayout, gemmUpdate, loadMatrix, reductionLayout, residentAccumulation, residentReduction, storeMatrix, storeTransposed, symvJs, triangularUpdate } from "../array/index.js";
import type { AccumulationWork, ReductionWork } from "../array/index.js";

/** Reflectors per panel and per block of the back-transformation (a multiple of 16: gemv's strips). */
const NB = 32;

/**
 * Householder tridiagonalization A = Q·T·Qᵀ of a symmetric n×n matrix, of which only the
 * upper triangle is read, overwritten by the reflectors (v_k in row k, entries k+1..; the
 * strict lower triangle is left stale). Returns T's diagonal d, its
 * off-diagonal e (e[i] couples i and i+1; e[n-1] = 0) and the reflectors' β, from which
 * `householderProduct` builds Q, or applies it.
 *
 * @example
 * const A = Float64Array.of(2, 1, 1, 1, 2, 1, 1, 1, 2);
 * const { d, e, betas } = tridiagonalize(A, 3);
 * // d, e: the tridiagonal form, with the same eigenvalues (4, 1, 1)
 * const Z = householderProduct(A, 3, betas); // Qᵀ
 */
export function tridiagonalize(A: Float64Array, n: number): { d: Float64Array; e: Float64Array; betas: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const betas = new Float64Array(n);
  // The working set in WebAssembly memory for the whole reduction, or the same layout in
  // a plain array with the JavaScript kernels (the same bits).
  const work = residentReduction(A, n, NB) ?? jsReduction(A, n);
  const { h, L } = work;
  for (let i0 = 0; i0 < n - 2; i0 += NB) {
    const nb = Math.min(NB, n - 2 - i0);
    h.fill(0, L.v, L.wv); // V, W and their transposes start each panel empty
    for (let t = 0; t < nb; t++) reduceColumn(work, i0 + t, t, betas, e);
    // The trailing block, rows and columns i0+nb.., takes the panel's update in full.
    work.update(i0 + nb, nb);
  }
  work.finish(A);
  for (let i = 0; i < n; i++) d[i] = A[i * n + i]!;
  if (n >= 2) e[n - 2] = A[(n - 2) * n + n - 1]!; // the upper triangle: the lower one is stale
  return { d, e, betas };
}

/**
 * Step k (the t-th of its panel), on the working set: brings row k up to date with the
 * panel's earlier reflectors, builds the reflector H = I − β·v·vᵀ that zeroes A[k+2.., k]
 * (v into row k of A and row t of V, β into betas), and w = p − (β·pᵀv/2)·v with p = β·A·v
 * for the current A (the pending updates included), into row t of W; v and w also into
 * the transposed copies.
 */
function reduceColumn(work: ReductionWork, k: number, t: number, betas: Float64Array, e: Float64Array): void {
  const { h, L } = work;
  const { n, ld, ldv, nb } = L;
  const row = L.a + k * ld;
  // A[k, k..] −= V[q, k..]·W[q, k] + W[q, k..]·V[q, k] for the panel's earlier q.
  work.corrections(row + k, L.v + k, L.w + k, L.w + k, L.v + k, ldv, n - k, t);
  // x = A[k+1.., k] (row k: A is symmetric) over a power of two near its largest entry:
  // exact (the same reflector, bit for bit), but x's squares cannot underflow when x is
  // tiny next to the rest of A (a tail of size 1e-160 in a matrix of size 1 made
  // β = 2/vᵀv overflow), nor overflow. v is kept as v/unit, β as β·unit²: the same H.
  let largest = 0;
  for (let i = k + 1; i < n; i++) largest = Math.max(largest, Math.abs(h[row + i]!));
  const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const x0 = h[row + k + 1]! / unit;
  let tail = 0;
  for (let i = k + 2; i < n; i++) {
    h[row + i] = h[row + i]! / unit;
    tail += h[row + i]! ** 2;
  }
  if (tail === 0) {
    e[k] = x0 * unit;
    h[row + k + 1] = 0; // H = I: a zero vector leaves everything alone
    return;
  }
  const norm = Math.sqrt(x0 * x0 + tail);
  const alpha = x0 > 0 ? -norm : norm;
  h[row + k + 1] = x0 - alpha;
  const beta = 2 / ((x0 - alpha) ** 2 + tail);
  betas[k] = beta;
  e[k] = alpha * unit;
  const m = n - k - 1;
  const vt = L.v + t * ldv + k + 1; // v and p (then w) from entry k+1
  const pt = L.w + t * ldv + k + 1;
  const vw = L.vw + (k + 1) * 2 * nb; // row k+1 of the transposes
  h.copyWithin(vt, row + k + 1, row + n);
  for (let j = 0; j < m; j++) h[vw + j * 2 * nb + nb + t] = h[vt + j]!;
  // p = β·(A·v − V·(Wᵀv) − W·(Vᵀv)) on rows k+1..: the rows below k still hold A as at
  // the panel's start, so the panel's earlier updates enter through V and W. A·v comes
  // from the trailing block's upper triangle, read row by row (symv).
  work.symv(row + ld + k + 1, vt, pt, m);
  if (t > 0) {
    work.columns(vw, vt, L.wv, m, t, 2 * nb); // W·v
    work.columns(vw + nb, vt, L.vv, m, t, 2 * nb); // V·v
    work.corrections(pt, L.v + k + 1, L.w + k + 1, L.wv, L.vv, 1, m, t);
  }
  let pv = 0;
  for (let i = 0; i < m; i++) {
    h[pt + i] = beta * h[pt + i]!;
    pv += h[pt + i]! * h[vt + i]!;
  }
  const K = (beta * pv) / 2;
  for (let i = 0; i < m; i++) {
    h[pt + i] = h[pt + i]! - K * h[vt + i]!;
    h[vw + i * 2 * nb + t] = h[pt + i]!;
  }
}

/**
 * The reduction's kernels in JavaScript on a plain array of the resident layout
 * (array/wasm/tridiagonal.ts): the WebAssembly kernels' operations, in their order.
 */
function jsReduction(A: Float64Array, n: number): ReductionWork {
  const L = reductionLayout(n, NB);
  const h = new Float64Array(L.size);
  loadMatrix(h, L, A);
  const { ld, ldv } = L;
  return {
    h,
    L,
    columns(a, x, y, count, outputs, stride) {
      // Row by row of the block, so that each output sums in order of j.
      h.fill(0, y, y + outputs);
      for (let j = 0; j < count; j++) {
        const xj = h[x + j]!;
        const r = a + j * stride;
        for (let i = 0; i < outputs; i++) h[y + i] = h[y + i]! + h[r + i]! * xj;
      }
    },
    corrections(dst, x, y, sx, sy, stride, count, t) {
      for (let q = 0; q < t; q++) {
        const s = h[sx + q * stride]!;
        const r = h[sy + q * stride]!;
        const xq = x + q * ldv;
        const yq = y + q * ldv;
        for (let c = 0; c < count; c++) h[dst + c] = h[dst + c]! - h[xq + c]! * s - h[yq + c]! * r;
      }
    },
    symv(a, x, y, m) {
      symvJs(h, a, x, y, m, ld);
    },
    update(s, depth) {
      triangularUpdate(h, L, s, depth);
    },
    finish(dst) {
      storeMatrix(h, L, dst);
    },
  };
}

/**
 * Q = H_0·H_1⋯H_{n−3} from `tridiagonalize`'s reflectors (in A's rows) and β, built
 * backwards a block at a time: C ← (I − Y·T·Yᵀ)·C. Without `C`, C starts as I and only
 * its trailing rows and columns, where the partial product differs from I, are updated;
 * the result is Z = Qᵀ (row i is column i of Q: the QR iteration rotates contiguous
 * rows). With an n×n row-major `C`, the result is Q·C, row-major: applying the
 * reflectors to C costs 2n³ flops, where forming Q and multiplying costs 10n³/3 (as
 * LAPACK's ormtr after stedc). C, Y and the products' operands live in WebAssembly
 * memory (or a plain array of the same layout).
 *
 * @example
 * const V = householderProduct(A, n, betas, QT); // A's eigenvectors from T's
 */
export function householderProduct(A: Float64Array, n: number, betas: Float64Array, C?: Float64Array): Float64Array {
  const work = residentAccumulation(n, NB) ?? jsAccumulation(n);
  const { h, L } = work;
  const { ld } = L;
  if (C) for (let i = 0; i < n; i++) h.set(C.subarray(i * n, (i + 1) * n), L.q + i * ld);
  else for (let i = 0; i < n; i++) h[L.q + i * ld + i] = 1;
  const last = n - 3;
  for (let k1 = last + 1; k1 > 0; k1 -= NB) {
    const k0 = Math.max(0, k1 - NB);
    const b = k1 - k0;
    const s = k0 + 1; // Y's rows, and the rows of C the block changes, start here
    const r = n - s;
    const c0 = C ? 0 : s; // and its columns: all of them, or where I has become Q
    // Y's rows are zero before their reflectors, as larft reads them.
    h.fill(0, L.y, L.y + b * ld);
    for (let t = 0; t < b; t++) h.set(A.subarray((k0 + t) * n + k0 + t + 1, (k0 + t + 1) * n), L.y + t * ld + k0 + t + 1);
    blockFactor(work, s, b, betas.subarray(k0, k1));
    // C −= (Y·T)·(Yᵀ·C), as N·M with N = −Y·T and M = −Yᵀ·C (the update only subtracts);
    // for one reflector this is the unblocked C −= (β·v)·(vᵀ·C), bit for bit.
    h.fill(0, L.yt, L.yt + r * b);
    work.update({ offset: L.yt, ld: b }, { offset: L.y + s, ld, transposed: true }, { offset: L.t, ld: b }, r, b, b);
    h.fill(0, L.m, L.m + b * ld);
    work.update({ offset: L.m + c0, ld }, { offset: L.y + s, ld }, { offset: L.q + s * ld + c0, ld }, b, r, n - c0);
    work.update({ offset: L.q + s * ld + c0, ld }, { offset: L.yt, ld: b }, { offset: L.m + c0, ld }, r, b, n - c0);
  }
  const out = new Float64Array(n * n);
  if (!C) work.transposed(out);
  else for (let i = 0; i < n; i++) out.set(h.subarray(L.q + i * ld, L.q + i * ld + n), i * n);
  return out;
}

/**
 * qr.ts's triangularFactor for the block's b reflectors (rows of Y, zero before column
 * s), bit for bit, into T: its dot products Yᵀ·Y are taken as one product, and the
 * zeros a dot adds before its first non-zero term leave its sum +0, so each sum is the
 * same. T is b×b upper triangular: T_tt = β_t, T[0..t, t] = −β_t·T[0..t, 0..t]·(Yᵀ·y_t).
 */
function blockFactor(work: AccumulationWork, s: number, b: number, betas: Float64Array): void {
  const { h, L } = work;
  const { n, ld, g, t: T } = L;
  // G = −Y·Yᵀ (gemmUpdate subtracts from zero, exactly a negation).
  h.fill(0, g, g + b * b);
  work.update({ offset: g, ld: b }, { offset: L.y + s, ld }, { offset: L.y + s, ld, transposed: true }, b, n - s, b);
  h.fill(0, T, T + b * b);
  for (let t = 0; t < b; t++) {
    const beta = betas[t]!;
    h[T + t * b + t] = beta;
    if (beta === 0) continue;
    for (let q = 0; q < t; q++) {
      let sum = 0;
      for (let u = q; u < t; u++) sum += h[T + q * b + u]! * -h[g + u * b + t]!;
      h[T + q * b + t] = -beta * sum;
    }
  }
}

/** The back-transformation's layout in a plain array, its products by gemmUpdate (the same bits). */
function jsAccumulation(n: number): AccumulationWork {
  const L = accumulationLayout(n, NB);
  const h = new Float64Array(L.size);
  return {
    h,
    L,
    update(c, a, b, m, k, cols) {
      gemmUpdate({ data: h, ...c }, { data: h, ...a }, { data: h, ...b }, m, k, cols);
    },
    transposed(Z) {
      storeTransposed(h, L, Z);
    },
  };
}
