// Householder QR blocked as LAPACK's geqrf/orgqr: each panel of NB columns has its
// reflectors gathered in compact WY form, H_k⋯H_{k+b−1} = I − Y·T·Yᵀ (Schreiber & Van
// Loan 1989; LAPACK's larft), and applied to the columns right of the panel with three
// products (larfb); Q is then built backwards a block at a time (orgqr), again as
// products. The panel itself is factored recursively by halves (Elmroth & Gustavson
// 2000), so that only strips of a few columns run the scalar recurrence. So nearly all
// flops go through gemmUpdate.
// Everything works on the transpose, where a column of A (and a reflector) is a
// contiguous row: the panel's dot products run along rows, and the products just read
// blocks transposed.
import { gemmUpdate, type MatrixBlock, type TypedArray } from "../array/index.js";

/** Columns per panel, and reflectors per block when Q is built. */
const NB = 32;
/** Panels this narrow are factored by the scalar recurrence. */
const PANEL_BASE = 8;
/**
 * Matrices with m·n² at most this run unblocked throughout: the products' copies and
 * the T factors cost more than they save (measured: even at 32×32).
 */
const UNBLOCKED_WORK = 32 ** 3;

const block = (data: Float64Array, offset: number, ld: number, transposed = false): MatrixBlock => ({ data, offset, ld, transposed });

/** Tuning of blockedQR (tests use it to reach the blocked paths on small matrices). */
export interface QROptions {
  /** Columns per panel. */
  nb?: number;
  /** Panels at most this wide run the scalar recurrence. */
  base?: number;
  /** Up to this m·n², the unblocked algorithm throughout. */
  unblockedWork?: number;
}

/**
 * Reduced Householder QR of the m×n matrix at `a[off..]`, m ≥ n: Q (m×n, orthonormal
 * columns) and R (n×n upper triangular) with R's diagonal made non-negative. Small
 * matrices get the unblocked algorithm, which gives the same factors up to rounding.
 *
 * @example
 * const { Q, R } = blockedQR(Float64Array.of(3, 4), 0, 2, 1);
 * // Q is [0.6, 0.8], R is [5]
 */
export function blockedQR(a: TypedArray, off: number, m: number, n: number, o: QROptions = {}): { Q: Float64Array; R: Float64Array } {
  const { nb = NB, base = PANEL_BASE, unblockedWork = UNBLOCKED_WORK } = o;
  // W's row j is column j of A, overwritten by R's column j above the diagonal; V's row k
  // holds reflector k on entries k..m−1 (zero before, and all zero where H_k = I).
  const W = new Float64Array(n * m);
  transposeInto(a, off, m, n, n, W, new Float64Array(m).fill(1));
  const f: Factorization = { W, V: new Float64Array(n * m), betas: new Float64Array(n), diag: new Float64Array(n), m };
  if (m * n * n <= unblockedWork) {
    factorPanel(f, 0, n);
    return signFixed(W, reflectorByReflector(f, n), f.diag, m, n);
  }
  const Ts: Float64Array[] = [];
  for (let k0 = 0; k0 < n; k0 += nb) {
    const k1 = Math.min(n, k0 + nb);
    const T = factorColumns(f, k0, k1, base);
    Ts.push(T);
    applyReflectors(f, T, k0, k1, k1, n);
  }
  return signFixed(W, formQ(f.V, Ts, m, n, nb), f.diag, m, n);
}

/** The factorization in progress: A's transpose W, the reflectors V and β, and R's diagonal. */
interface Factorization {
  W: Float64Array;
  V: Float64Array;
  betas: Float64Array;
  diag: Float64Array;
  m: number;
}

/**
 * Factors columns k0..k1 (every earlier column applied) and returns their T. Recursive
 * on halves (Elmroth & Gustavson 2000): the left half's reflectors reach the right half
 * as products, and its T joins the two halves' T. Only panels of at most `base` columns
 * run the scalar recurrence, whose vector loops are many times slower than a product.
 */
function factorColumns(f: Factorization, k0: number, k1: number, base: number): Float64Array {
  if (k1 - k0 <= base) {
    factorPanel(f, k0, k1);
    return triangularFactor(f.V, f.m, k0, k1, f.betas);
  }
  const h = k0 + ((k1 - k0) >> 1);
  const T1 = factorColumns(f, k0, h, base);
  applyReflectors(f, T1, k0, h, h, k1);
  const T2 = factorColumns(f, h, k1, base);
  return joinFactors(f, T1, T2, k0, h, k1);
}

/**
 * T for reflectors k0..k1 from T1 (k0..h) and T2 (h..k1):
 * (I − Y₁T₁Y₁ᵀ)(I − Y₂T₂Y₂ᵀ) = I − Y·T·Yᵀ with T = [T₁, −T₁·(Y₁ᵀY₂)·T₂; 0, T₂].
 */
function joinFactors({ V, m }: Factorization, T1: Float64Array, T2: Float64Array, k0: number, h: number, k1: number): Float64Array {
  const [b1, b2, b] = [h - k0, k1 - h, k1 - k0];
  // N = −Y₁ᵀY₂; Y₂ is zero before entry h.
  const N = new Float64Array(b1 * b2);
  gemmUpdate(block(N, 0, b2), block(V, k0 * m + h, m), block(V, h * m + h, m, true), b1, m - h, b2);
  const T = new Float64Array(b * b);
  for (let i = 0; i < b1; i++) T.set(T1.subarray(i * b1, i * b1 + b1), i * b);
  for (let i = 0; i < b2; i++) T.set(T2.subarray(i * b2, i * b2 + b2), (b1 + i) * b + b1);
  // T₁₂ = T₁·N·T₂, both triangular factors upper: row i of T₁ from column i, column j of T₂ to row j.
  const M = new Float64Array(b1 * b2);
  for (let i = 0; i < b1; i++) {
    for (let u = i; u < b1; u++) {
      const t = T1[i * b1 + u]!;
      for (let j = 0; j < b2; j++) M[i * b2 + j] = M[i * b2 + j]! + t * N[u * b2 + j]!;
    }
  }
  for (let i = 0; i < b1; i++) {
    for (let j = 0; j < b2; j++) {
      let s = 0;
      for (let u = 0; u <= j; u++) s += M[i * b2 + u]! * T2[u * b2 + j]!;
      T[i * b + b1 + j] = s;
    }
  }
  return T;
}

/**
 * The unblocked recurrence on columns k0..k1 (rows k0..k1 of W), every earlier panel
 * already applied: reflector k zeroes W[k, k+1..] and is applied to the panel's later rows.
 */
function factorPanel({ W, V, betas, diag, m }: Factorization, k0: number, k1: number): void {
  for (let k = k0; k < k1; k++) {
    const col = k * m;
    // The column over a power of two near its largest entry: exact (the same reflector as
    // without it, bit for bit), but ‖x‖² and 2/vᵀv can no longer overflow for a column of
    // size 1e200 or underflow for one of size 1e-200.
    let largest = 0;
    for (let i = k; i < m; i++) largest = Math.max(largest, Math.abs(W[col + i]!));
    const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
    let tail = 0;
    for (let i = k + 1; i < m; i++) tail += (W[col + i]! / unit) ** 2;
    const x0 = W[col + k]! / unit;
    if (tail === 0) {
      diag[k] = x0 * unit; // already upper triangular in this column: H = I
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + tail);
    const alpha = x0 > 0 ? -norm : norm; // the sign that avoids cancellation in x0 − alpha
    const v0 = x0 - alpha;
    V[col + k] = v0;
    for (let i = k + 1; i < m; i++) V[col + i] = W[col + i]! / unit;
    // H = I − β·v·vᵀ is the same for v and v/unit (β scales by unit²).
    const beta = 2 / (v0 * v0 + tail);
    betas[k] = beta;
    diag[k] = alpha * unit;
    for (let j = k + 1; j < k1; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += V[col + i]! * W[cj + i]!;
      s *= beta;
      for (let i = k; i < m; i++) W[cj + i] = W[cj + i]! - s * V[col + i]!;
    }
  }
}

/**
 * The b×b upper triangular T (b = k1 − k0, rows b apart) with H_k0⋯H_{k1−1} = I − Y·T·Yᵀ,
 * Y's columns the reflectors in V's rows k0..k1: T_tt = β_t and
 * T[0..t, t] = −β_t·T[0..t, 0..t]·(Yᵀ·y_t) (LAPACK's larft, forward, columnwise).
 * Reflector t is read from entry k0 + t on (zero before); the tridiagonal reduction's
 * back-transformation uses it too.
 *
 * @example
 * triangularFactor(Float64Array.of(1, 0), 2, 0, 1, Float64Array.of(2)); // [2]: H = I − 2·e₀e₀ᵀ
 */
export function triangularFactor(V: Float64Array, m: number, k0: number, k1: number, betas: Float64Array): Float64Array {
  const b = k1 - k0;
  const T = new Float64Array(b * b);
  const z = new Float64Array(b);
  for (let t = 0; t < b; t++) {
    const beta = betas[k0 + t]!;
    T[t * b + t] = beta;
    if (beta === 0) continue;
    const yt = (k0 + t) * m;
    // Reflector q is zero before entry k0 + q, reflector t before k0 + t.
    for (let q = 0; q < t; q++) {
      const yq = (k0 + q) * m;
      let dot = 0;
      for (let i = k0 + t; i < m; i++) dot += V[yq + i]! * V[yt + i]!;
      z[q] = dot;
    }
    for (let q = 0; q < t; q++) {
      let sum = 0;
      for (let u = q; u < t; u++) sum += T[q * b + u]! * z[u]!;
      T[q * b + t] = -beta * sum;
    }
  }
  return T;
}

/**
 * Applies Hᵀ = I − Y·Tᵀ·Yᵀ for the reflectors k0..k1 to A's columns r0..r1 (rows r0..r1
 * of W, entries k0..m), transposed: C ← C − (C·Y)·T·Yᵀ for C = those rows. gemmUpdate
 * only subtracts, so the two products into fresh buffers come out negated, and the
 * negations cancel.
 */
function applyReflectors({ W, V, m }: Factorization, T: Float64Array, k0: number, k1: number, r0: number, r1: number): void {
  const r = r1 - r0;
  if (r === 0) return;
  const b = k1 - k0;
  const len = m - k0;
  const C = block(W, r0 * m + k0, m);
  const P = new Float64Array(r * b); // −C·Y
  gemmUpdate(block(P, 0, b), C, block(V, k0 * m + k0, m, true), r, len, b);
  const S = new Float64Array(r * b); // C·Y·T
  gemmUpdate(block(S, 0, b), block(P, 0, b), block(T, 0, b), r, b, b);
  gemmUpdate(C, block(S, 0, b), block(V, k0 * m + k0, m), r, b, len);
}

/**
 * Qᵀ's first n rows (m long) for Q = H_0⋯H_{n−1}·[I; 0], built backwards by blocks:
 * Q ← (I − Y·T·Yᵀ)·Q, transposed Qᵀ ← Qᵀ − (Qᵀ·Y)·Tᵀ·Yᵀ, on rows and columns k0.. (the
 * partial product is the identity elsewhere).
 */
function formQ(V: Float64Array, Ts: Float64Array[], m: number, n: number, nb: number): Float64Array {
  const Qt = new Float64Array(n * m);
  for (let c = 0; c < n; c++) Qt[c * m + c] = 1;
  for (let p = Ts.length - 1; p >= 0; p--) {
    const k0 = p * nb;
    const b = Math.min(n, k0 + nb) - k0;
    const r = n - k0;
    const len = m - k0;
    const k1 = k0 + b;
    const Qb = block(Qt, k0 * m + k0, m);
    // P = −Qᵀ·Y. Qᵀ's rows k0..k1 are still rows of I there, so their part of P is just
    // −Yᵀ's columns; its rows k1.. are still zero in columns k0..k1.
    const P = new Float64Array(r * b);
    for (let c = 0; c < b; c++) for (let t = 0; t < b; t++) P[c * b + t] = -V[(k0 + t) * m + k0 + c]!;
    gemmUpdate(block(P, b * b, b), block(Qt, k1 * m + k1, m), block(V, k0 * m + k1, m, true), r - b, m - k1, b);
    const S = new Float64Array(r * b); // Qᵀ·Y·Tᵀ
    gemmUpdate(block(S, 0, b), block(P, 0, b), block(Ts[p]!, 0, b, true), r, b, b);
    gemmUpdate(Qb, block(S, 0, b), block(V, k0 * m + k0, m), r, b, len);
  }
  return Qt;
}

/** formQ unblocked: Qᵀ ← Qᵀ·H_k for k = n−1 down to 0, each a dot product and an update per row. */
function reflectorByReflector({ V, betas, m }: Factorization, n: number): Float64Array {
  const Qt = new Float64Array(n * m);
  for (let c = 0; c < n; c++) Qt[c * m + c] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const col = k * m;
    // Rows c < k of Qᵀ are still rows of I, zero where v_k is not.
    for (let c = k; c < n; c++) {
      const qc = c * m;
      let s = 0;
      for (let i = k; i < m; i++) s += V[col + i]! * Qt[qc + i]!;
      s *= beta;
      for (let i = k; i < m; i++) Qt[qc + i] = Qt[qc + i]! - s * V[col + i]!;
    }
  }
  return Qt;
}

/** Q (m×n) and R from Qᵀ, W and R's diagonal, each column of Q and row of R flipped where that diagonal is negative. */
function signFixed(W: Float64Array, Qt: Float64Array, diag: Float64Array, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  const flips = diag.map((d) => (d < 0 ? -1 : 1));
  // R's row c is W's column c above the diagonal: transpose W's first n columns, then
  // clear below the diagonal and flip by rows.
  const R = new Float64Array(n * n);
  transposeInto(W, 0, n, n, m, R, new Float64Array(n).fill(1));
  for (let c = 0; c < n; c++) {
    const flip = flips[c]!;
    R.fill(0, c * n, c * n + c);
    R[c * n + c] = flip * diag[c]!;
    for (let j = c + 1; j < n; j++) R[c * n + j] = flip * R[c * n + j]!;
  }
  const Q = new Float64Array(m * n);
  transposeInto(Qt, 0, n, m, m, Q, flips);
  return { Q, R };
}

/**
 * dst (cols×rows) = the transpose of the rows×cols matrix at `src[so..]` (rows `ld` apart),
 * with src's row i (dst's column i) scaled by scale[i] (±1: exact). A plain double loop:
 * tiling measured no faster here.
 */
function transposeInto(src: ArrayLike<number>, so: number, rows: number, cols: number, ld: number, dst: Float64Array, scale: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const si = scale[i]!;
    for (let j = 0; j < cols; j++) dst[j * rows + i] = si * src[so + i * ld + j]!;
  }
}
