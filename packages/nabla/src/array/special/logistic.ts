// The logit function log(p/(1−p)) in float64. Near p = ½ the quotient p/(1−p) is close to
// 1 and its rounding would cost all relative accuracy of a result near 0; there
// log1p((2p−1)/(1−p)) is used instead (2p − 1 and, for p ≥ ½, 1 − p are exact).

/**
 * log(p/(1 − p)), the inverse of the logistic sigmoid: ±∞ at 1 and 0, NaN outside [0, 1].
 *
 * @example
 * logit(0.75); // 1.0986122886681096 (log 3)
 */
export function logit(p: number): number {
  if (p >= 0.25 && p <= 0.75) return Math.log1p((2 * p - 1) / (1 - p));
  return Math.log(p / (1 - p));
}
