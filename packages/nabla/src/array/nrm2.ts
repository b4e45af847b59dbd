// The Euclidean norm of plain vectors without overflow or underflow, shared by the
// solvers, decompositions and optimizers that work on Float64Array.

/**
 * Below this, a sum of squares may have lost terms (or all its precision) to underflow.
 * Above it, and finite, the plain sum lost nothing but rounding: terms that underflowed
 * are each below 2⁻¹⁰⁷⁴, under n·2⁻¹⁷⁴ relative to the sum.
 */
const SMALL = 2 ** -900;

/**
 * Whether a plain sum of squares s = Σxᵢ² gives the norm as √s to rounding: neither
 * overflowed nor small enough to have lost terms to underflow (and not NaN). Callers
 * with a faster sum of their own use it to decide when to fall back to `nrm2`.
 *
 * @example
 * isSafeSumOfSquares(25); // true
 * isSafeSumOfSquares(0); // false: maybe every square underflowed
 */
export function isSafeSumOfSquares(s: number): boolean {
  return s > SMALL && s < Infinity;
}

/**
 * ‖x[start..end)‖₂, as BLAS nrm2: scale-safe, so ‖[1e-300]‖ = 1e-300 and
 * ‖[1e300, 1e300]‖ = √2·1e300 rather than 0 and Infinity. The plain √Σxᵢ² is kept
 * whenever it is safe (so ordinary results are bit-for-bit those of √(xᵀx)); otherwise
 * the vector is scaled by its largest magnitude first. NaN anywhere gives NaN, and an
 * infinite entry (without NaN) gives Infinity.
 *
 * @example
 * nrm2(new Float64Array([3e-300, 4e-300])); // 5e-300
 * nrm2(new Float64Array([9, 3, 4]), 1); // 5: the norm of [3, 4]
 */
export function nrm2(x: ArrayLike<number>, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]! * x[i]!;
  if (isSafeSumOfSquares(s)) return Math.sqrt(s);
  let m = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(x[i]!);
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  // A zero vector, or an infinite entry: nothing to scale.
  if (m === 0 || m === Infinity) return m;
  let t = 0;
  for (let i = start; i < end; i++) {
    const v = x[i]! / m;
    t += v * v;
  }
  return m * Math.sqrt(t);
}
