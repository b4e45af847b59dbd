// Typed-array kernels of the dense decompositions: one matrix at a time, always in
// float64 (float32 inputs are widened on read and rounded on write). Nothing here knows
// about Arrays, tracing or derivatives; the primitives in primitives.ts call these.
import { sizeOf, stridesOf, type DType, type Shape, type TypedArray } from "../array/index.js";
import { choleskyBlocked, luBlocked, solveTriangularBlocked, type TriangularOptions } from "./blocked.js";

export type { TriangularOptions } from "./blocked.js";

/** Unit roundoff of the dtype the data came in: what "numerically zero" is measured by. */
export function epsOf(dtype: DType): number {
  return dtype === "float32" ? 2 ** -23 : 2 ** -52;
}

/**
 * For each matrix of the broadcast batch `out`, the offset of the matching matrix of an
 * input whose batch shape `inp` broadcasts to it (numpy rules, aligned from the right).
 */
export function batchOffsets(out: Shape, inp: Shape, matrixSize: number): number[] {
  const lead = out.length - inp.length;
  const strides = stridesOf(inp);
  const offsets: number[] = [];
  for (let b = 0, count = sizeOf(out); b < count; b++) {
    let rest = b;
    let offset = 0;
    for (let d = out.length - 1; d >= 0; d--) {
      const i = rest % out[d]!;
      rest = Math.floor(rest / out[d]!);
      const di = d - lead;
      if (di >= 0 && inp[di] !== 1) offset += i * strides[di]!;
    }
    offsets.push(offset * matrixSize);
  }
  return offsets;
}

/** A float64 copy of the rows×cols matrix at `offset`. */
export function readMatrix(data: TypedArray, offset: number, size: number): Float64Array {
  return Float64Array.from(data.subarray(offset, offset + size));
}

/**
 * Cholesky factor of the symmetric matrix whose lower triangle is `a[off..]`, into `out`
 * (lower triangle; the upper stays zero). Returns 0, or the 1-based order of the first
 * leading minor that is not positive. A NaN input propagates instead of failing.
 */
export function choleskyInto(a: TypedArray, off: number, n: number, out: TypedArray, outOff: number): number {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = a[off + i * n + j]!;
  const bad = choleskyBlocked(L, n);
  if (bad === 0) out.set(L, outOff);
  return bad;
}

/**
 * Solves op(T)·X = B in place (B is n×k, row-major), op(T) = T or Tᵀ, with T the lower
 * or upper triangle of the n×n matrix at `t[off..]`. Only that triangle is read.
 */
export function triangularSolveInPlace(t: TypedArray, off: number, n: number, B: Float64Array, k: number, o: TriangularOptions): void {
  const [t64, at] = t instanceof Float64Array ? [t, off] : [readMatrix(t, off, n * n), 0];
  solveTriangularBlocked(t64, at, n, n, B, 0, k, k, o);
}

/** An LU factorization with partial pivoting: P·A = L·U, packed in one matrix. */
export interface LU {
  /** L below the diagonal (unit diagonal implied), U on and above it; n×n row-major. */
  lu: Float64Array;
  /** Row i of P·A is row perm[i] of A. */
  perm: Int32Array;
  /** The permutation's sign, ±1. */
  sign: number;
}

/** LU with partial pivoting of the n×n matrix at `a[off..]`; a zero column is skipped. */
export function luFactor(a: TypedArray, off: number, n: number): LU {
  const lu = readMatrix(a, off, n * n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const piv = new Int32Array(n);
  luBlocked(lu, n, n, piv, perm);
  let sign = 1;
  for (let j = 0; j < n; j++) if (piv[j] !== j) sign = -sign;
  return { lu, perm, sign };
}

/** Solves op(A)·X = B (B n×k) from A's LU factors; returns X. */
export function luSolve({ lu, perm }: LU, n: number, B: Float64Array, k: number, transpose: boolean): Float64Array {
  if (!transpose) {
    // A = Pᵀ·L·U: X = U⁻¹·L⁻¹·(P·B).
    const X = new Float64Array(n * k);
    for (let i = 0; i < n; i++) X.set(B.subarray(perm[i]! * k, perm[i]! * k + k), i * k);
    triangularSolveInPlace(lu, 0, n, X, k, { lower: true, transpose: false, unitDiagonal: true });
    triangularSolveInPlace(lu, 0, n, X, k, { lower: false, transpose: false, unitDiagonal: false });
    return X;
  }
  // Aᵀ = Uᵀ·Lᵀ·P: X = Pᵀ·L⁻ᵀ·U⁻ᵀ·B.
  const Y = Float64Array.from(B);
  triangularSolveInPlace(lu, 0, n, Y, k, { lower: false, transpose: true, unitDiagonal: false });
  triangularSolveInPlace(lu, 0, n, Y, k, { lower: true, transpose: true, unitDiagonal: true });
  const X = new Float64Array(n * k);
  for (let i = 0; i < n; i++) X.set(Y.subarray(i * k, i * k + k), perm[i]! * k);
  return X;
}

/**
 * Reduced Householder QR of the m×n matrix at `a[off..]`, m ≥ n: Q (m×n, orthonormal
 * columns) and R (n×n upper triangular) with R's diagonal made non-negative, which makes
 * the factorization unique for full-rank input and so a smooth function of it.
 */
export function householderQR(a: TypedArray, off: number, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  // Work on the transpose so that a column of A is a contiguous row.
  const W = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[j * m + i] = a[off + i * n + j]!;
  const V = new Float64Array(n * m); // Householder vector k in row k, entries k..m-1
  const betas = new Float64Array(n);
  const R = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
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
      // Already upper triangular in this column: H = I.
      R[k * n + k] = x0 * unit;
    } else {
      const norm = Math.sqrt(x0 * x0 + tail);
      const alpha = x0 > 0 ? -norm : norm; // the sign that avoids cancellation in x0 − alpha
      const v0 = x0 - alpha;
      V[col + k] = v0;
      for (let i = k + 1; i < m; i++) V[col + i] = W[col + i]! / unit;
      // H = I − β·v·vᵀ is the same for v and v/unit (β scales by unit²).
      const beta = 2 / (v0 * v0 + tail);
      betas[k] = beta;
      R[k * n + k] = alpha * unit;
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let s = 0;
        for (let i = k; i < m; i++) s += V[col + i]! * W[cj + i]!;
        s *= beta;
        for (let i = k; i < m; i++) W[cj + i] = W[cj + i]! - s * V[col + i]!;
      }
    }
    for (let j = k + 1; j < n; j++) R[k * n + j] = W[j * m + k]!;
  }
  // Q = H_0·H_1⋯H_{n-1} applied to the first n columns of I, accumulated backwards;
  // stored transposed (row c is column c of Q) for contiguous updates.
  const Qt = new Float64Array(n * m);
  for (let c = 0; c < n; c++) Qt[c * m + c] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const col = k * m;
    for (let c = k; c < n; c++) {
      const qc = c * m;
      let s = 0;
      for (let i = k; i < m; i++) s += V[col + i]! * Qt[qc + i]!;
      s *= beta;
      for (let i = k; i < m; i++) Qt[qc + i] = Qt[qc + i]! - s * V[col + i]!;
    }
  }
  const Q = new Float64Array(m * n);
  for (let c = 0; c < n; c++) {
    const flip = R[c * n + c]! < 0 ? -1 : 1;
    for (let j = c; j < n; j++) R[c * n + j] = R[c * n + j]! * flip;
    for (let i = 0; i < m; i++) Q[i * n + c] = flip * Qt[c * m + i]!;
  }
  return { Q, R };
}
