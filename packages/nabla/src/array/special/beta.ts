// log|B(a, b)| = log|Γ(a)Γ(b)/Γ(a+b)| in float64.
// For a, b ≥ 8 (a ≤ b): Stirling's series with the large parts combined analytically,
//   ½·log 2π − ½·log b − (a−½)·log1p(b/a) − b·log1p(a/b) + Δ(a) + Δ(b) − Δ(a+b),
// which has no cancellation however large a and b are (the lgamma sum loses all digits
// at a = 1e10, b = 1: lgamma ≈ 2.2e11 against an answer of −23); the approach of
// DiDonato & Morris's BETALN (ACM TOMS Algorithm 708, 1992).
// For a < 8 ≤ b: lgamma(a) + [lgamma(b) − lgamma(a+b)], the bracket from the same series:
//   −a·log b − (a+b−½)·log1p(a/b) + a + Δ(b) − Δ(a+b).
// Otherwise (small or negative arguments) the lgamma sum, exact enough there.
import { lgamma, stirlingDelta } from "./gamma.js";

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * log|B(a, b)| (scipy's betaln); +∞ where a or b is a pole of Γ.
 *
 * @example
 * betaln(1e10, 1); // -23.025850929940457 (−log 1e10)
 */
export function betaln(a: number, b: number): number {
  if (a > b) [a, b] = [b, a];
  if (!(a >= 8)) {
    if (a > 0 && b >= 8 && b < Infinity) {
      const rest = -a * Math.log(b) - (a + b - 0.5) * Math.log1p(a / b) + a + stirlingDelta(b) - stirlingDelta(a + b);
      return lgamma(a) + rest;
    }
    if (b === Infinity && a > 0) return -Infinity;
    return lgamma(a) + lgamma(b) - lgamma(a + b); // NaN stays NaN
  }
  if (b === Infinity) return -Infinity;
  const corr = stirlingDelta(a) + stirlingDelta(b) - stirlingDelta(a + b);
  return HALF_LOG_2PI - 0.5 * Math.log(b) - (a - 0.5) * Math.log1p(b / a) - b * Math.log1p(a / b) + corr;
}
