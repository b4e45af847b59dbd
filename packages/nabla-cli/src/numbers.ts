// Extremes and lengths of lists of numbers, as loops. Math.max(...values) passes every value
// as an argument, and at about 125,000 of them the call overflows the stack: a long
// optimizer path or a big grid would turn into a RangeError.

/**
 * The largest value (NaN if any is NaN, as Math.max); `empty` for an empty list.
 *
 * @example
 * maxOf([3, 1, 2]); // 3
 */
export function maxOf(values: ArrayLike<number>, empty = -Infinity): number {
  if (values.length === 0) return empty;
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) m = Math.max(m, values[i]!);
  return m;
}

/**
 * The smallest value (NaN if any is NaN, as Math.min); `empty` for an empty list.
 *
 * @example
 * minOf([3, 1, 2]); // 1
 */
export function minOf(values: ArrayLike<number>, empty = Infinity): number {
  if (values.length === 0) return empty;
  let m = Infinity;
  for (let i = 0; i < values.length; i++) m = Math.min(m, values[i]!);
  return m;
}

/**
 * The Euclidean norm, scale-safe as Math.hypot (and BLAS nrm2): the largest magnitude is
 * factored out before squaring, so [1e-300] has norm 1e-300 and [1e300, 1e300] √2·1e300.
 * Infinity if any entry is infinite, else NaN if any is NaN.
 *
 * @example
 * hypot([3, 4]); // 5
 */
export function hypot(values: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a === Infinity) return Infinity;
    scale = a > scale || a !== a ? a : scale;
  }
  if (scale === 0 || scale !== scale) return scale;
  // Kahan-compensated sum of the scaled squares, as V8's Math.hypot: exact for [3, 4].
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < values.length; i++) {
    const r = values[i]! / scale;
    const term = r * r - carry;
    const next = sum + term;
    carry = next - sum - term;
    sum = next;
  }
  return Math.sqrt(sum) * scale;
}
