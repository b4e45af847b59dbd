// Typed-array kernels of the dense decompositions: one matrix at a time, always in
// float64 (float32 inputs are widened on read and rounded on write). Nothing here knows
// about Arrays, tracing or derivatives; the primitives in primitives.ts call these.
import { sizeOf, stridesOf, type DType, type Shape, type TypedArray } from "../array/index.js";
import { choleskyBlocked, luBlocked, luFactorWith, maxAbs, solveTriangularBlocked, substitutesOnly, type TriangularOptions } from "./blocked.js";
import { blockedQR } from "./qr.js";

export type { TriangularOptions } from "./blocked.js";
export { maxAbs } from "./blocked.js";

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
  // A typed-array copy (set converts float32 and integers), much faster than Float64Array.from's iteration.
  const out = new Float64Array(size);
  out.set(data.subarray(offset, offset + size));
  return out;
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
  const lu = new Float64Array(n * n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const piv = new Int32Array(n);
  luBlocked(lu, n, n, piv, perm, { data: a, offset: off });
  let sign = 1;
  for (let j = 0; j < n; j++) if (piv[j] !== j) sign = -sign;
  return { lu, perm, sign };
}

/** Solves op(A)·X = B (B n×k) from A's LU factors (rows `ld` apart); returns X. */
export function luSolve({ lu, perm }: Pick<LU, "lu" | "perm">, n: number, B: Float64Array, k: number, transpose: boolean, ld = n): Float64Array {
  const solve = (X: Float64Array, o: TriangularOptions) => solveTriangularBlocked(lu, 0, ld, n, X, 0, k, k, o);
  if (!transpose) {
    // A = Pᵀ·L·U: X = U⁻¹·L⁻¹·(P·B).
    const X = new Float64Array(n * k);
    for (let i = 0; i < n; i++) X.set(B.subarray(perm[i]! * k, perm[i]! * k + k), i * k);
    solve(X, { lower: true, transpose: false, unitDiagonal: true });
    solve(X, { lower: false, transpose: false, unitDiagonal: false });
    return X;
  }
  // Aᵀ = Uᵀ·Lᵀ·P: X = Pᵀ·L⁻ᵀ·U⁻ᵀ·B.
  const Y = Float64Array.from(B);
  solve(Y, { lower: false, transpose: true, unitDiagonal: false });
  solve(Y, { lower: true, transpose: true, unitDiagonal: true });
  const X = new Float64Array(n * k);
  for (let i = 0; i < n; i++) X.set(Y.subarray(i * k, i * k + k), perm[i]! * k);
  return X;
}

/**
 * op(A)·X = B (B n×k) by LU of the n×n matrix at `a[off..]`, the factors not kept:
 * `check(lu, ld, maxAbsA)` sees them and max |A| first (and may throw). With few
 * right-hand sides the substitutions run where the factors were made, so they are never
 * copied out of WebAssembly memory; the same operations as luFactor then luSolve, so the
 * same bits.
 *
 * @example
 * luFactorSolve(Float64Array.of(3, 1, 1, 2), 0, 2, Float64Array.of(9, 8), 1, false, () => undefined); // [2, 3]
 */
export function luFactorSolve(a: TypedArray, off: number, n: number, B: Float64Array, k: number, transpose: boolean, check: (lu: Float64Array, ld: number, maxAbsA: number) => void): Float64Array {
  if (!substitutesOnly(n, k)) {
    const f = luFactor(a, off, n);
    check(f.lu, n, maxAbs(a, off, n * n));
    return luSolve(f, n, B, k, transpose);
  }
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  return luFactorWith(a, off, n, n, new Int32Array(n), perm, (lu, ld, maxAbsA) => {
    check(lu, ld, maxAbsA);
    return luSolve({ lu, perm }, n, B, k, transpose, ld);
  });
}

/**
 * Reduced Householder QR of the m×n matrix at `a[off..]`, m ≥ n: Q (m×n, orthonormal
 * columns) and R (n×n upper triangular) with R's diagonal made non-negative, which makes
 * the factorization unique for full-rank input and so a smooth function of it. Blocked
 * (qr.ts), so that most flops run in products.
 *
 * @example
 * const { Q, R } = householderQR(Float64Array.of(3, 4), 0, 2, 1);
 * // Q is [0.6, 0.8], R is [5]
 */
export function householderQR(a: TypedArray, off: number, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  return blockedQR(a, off, m, n);
}
