// The symmetric eigenvalue kernel: Householder reduction to tridiagonal form (blocked,
// tridiagonal.ts), then the implicit symmetric QR iteration with Wilkinson shifts
// (tridiagonal-qr.ts). Both steps are orthogonal transformations, so eigenvalues come out
// with an absolute error of a small multiple of ε·‖A‖, and eigenvectors orthonormal to
// working precision.
// From DIVIDE_MIN on, the tridiagonal problem goes to divide and conquer (divide.ts)
// instead: its flops are matrix products, where the QR iteration's n³-order rotations
// of Z are not, and A's eigenvectors come from applying the reflectors to T's (blocked
// products too), without forming Q.
import type { TypedArray } from "../array/index.js";
import { tridiagonalDivide } from "./divide.js";
import { householderProduct, tridiagonalize } from "./tridiagonal.js";
import { tridiagonalEigen } from "./tridiagonal-qr.js";

/**
 * From this size on, the tridiagonal eigenproblem is solved by divide and conquer:
 * measured against the QR iteration for the whole of symmetricEigen (random matrices, one
 * and two threads, interleaved), the two break even near n = 190–210; divide and conquer
 * is ~1.1× faster at 256 and ~1.3× at 500, where the reduction to tridiagonal form and
 * the final product take most of the time.
 */
const DIVIDE_MIN = 208;
/** Rows and columns per tile when the lower triangle is mirrored into the upper. */
const MIRROR_TILE = 32;

/**
 * Eigenvalues (ascending) and eigenvectors (columns of `V`, row-major n×n) of the
 * symmetric matrix whose lower triangle is `a[off..]`; the upper triangle is not read.
 * Each eigenvector is scaled so that its largest-magnitude entry is positive, which
 * makes V a well-defined (locally smooth) function of A for distinct eigenvalues.
 * Non-finite input gives all-NaN output.
 *
 * @example
 * const { w, V } = symmetricEigen(Float64Array.of(2, 0, 1, 2), 0, 2); // [[2, 1], [1, 2]]
 * // w ≈ [1, 3]; V's columns ±(1, −1)/√2 and (1, 1)/√2
 */
export function symmetricEigen(a: TypedArray, off: number, n: number): { w: Float64Array; V: Float64Array } {
  return symmetricEigenBy(a, off, n, n >= DIVIDE_MIN ? "divide" : "qr");
}

/**
 * symmetricEigen with the tridiagonal eigensolver chosen: the QR iteration or divide and
 * conquer (symmetricEigen chooses by size; tests and benchmarks compare the two). Both
 * give the same contract: ascending w, the same sign convention, NaN for non-finite input.
 *
 * @example
 * symmetricEigenBy(Float64Array.of(2, 0, 1, 2), 0, 2, "divide").w;
 * // ≈ [1, 3], as symmetricEigen gives
 */
export function symmetricEigenBy(a: TypedArray, off: number, n: number, method: "qr" | "divide"): { w: Float64Array; V: Float64Array } {
  const A = new Float64Array(n * n);
  let finite = true;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[off + i * n + j]!;
      if (!Number.isFinite(v)) finite = false;
      largest = Math.max(largest, Math.abs(v));
      A[i * n + j] = v;
    }
  }
  if (!finite) return { w: new Float64Array(n).fill(NaN), V: new Float64Array(n * n).fill(NaN) };
  // Work on A/s for a power of two s near max|aᵢⱼ|: exact, and the same eigenvectors, but
  // the squares and products inside (Householder norms, shifts) can neither overflow for
  // a matrix of size 1e200 nor underflow for one of size 1e-200. The eigenvalues are s·d.
  const unit = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  // Scaled and mirrored tile by tile, so that the upper triangle's writes down columns
  // stay in cache.
  for (let i0 = 0; i0 < n; i0 += MIRROR_TILE) {
    for (let j0 = 0; j0 <= i0; j0 += MIRROR_TILE) {
      for (let i = i0; i < Math.min(i0 + MIRROR_TILE, n); i++) {
        for (let j = j0; j < Math.min(j0 + MIRROR_TILE, i + 1); j++) {
          const v = A[i * n + j]! / unit;
          A[i * n + j] = v;
          A[j * n + i] = v;
        }
      }
    }
  }
  const { d, e, betas } = tridiagonalize(A, n);
  if (method === "divide") return divideAndConquer(A, betas, d, e, n, unit);
  const Z = householderProduct(A, n, betas);
  tridiagonalEigen(d, e, Z, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const w = new Float64Array(n);
  const V = new Float64Array(n * n);
  order.forEach((src, j) => {
    w[j] = d[src]! * unit;
    const row = src * n;
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(Z[row + i]!) > Math.abs(Z[row + big]!)) big = i;
    const sign = Z[row + big]! < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) V[i * n + j] = sign * Z[row + i]!;
  });
  return { w, V };
}

/**
 * symmetricEigen's tail by divide and conquer (divide.ts): T = Q_T·Λ·Q_Tᵀ, then A's
 * eigenvectors Q·Q_T, the reflectors (in A's rows, with `betas`) applied to Q_T.
 */
function divideAndConquer(A: Float64Array, betas: Float64Array, d: Float64Array, e: Float64Array, n: number, unit: number): { w: Float64Array; V: Float64Array } {
  const { w, Q } = tridiagonalDivide(d, e);
  const V = householderProduct(A, n, betas, Q);
  // Each column's first entry of largest magnitude, found row by row (contiguous reads).
  const big = new Int32Array(n);
  const bigAbs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = Math.abs(V[i * n + j]!);
      if (x > bigAbs[j]!) {
        bigAbs[j] = x;
        big[j] = i;
      }
    }
  }
  const sign = new Float64Array(n);
  for (let j = 0; j < n; j++) sign[j] = V[big[j]! * n + j]! < 0 ? -1 : 1;
  // + 0 turns −0 (a negated exact zero) into 0, as the QR path has them.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i * n + j] = sign[j]! * V[i * n + j]! + 0;
  for (let j = 0; j < n; j++) w[j] = w[j]! * unit;
  return { w, V };
}
