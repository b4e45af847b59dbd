// The standard normal distribution: ndtr (its CDF Φ), logNdtr (log Φ), ndtri (Φ⁻¹) and
// erfinv (erf⁻¹), in float64.
// - Φ(x) = ½·erfc(−x/√2) = ½·e^{−x²/2}·erfcx(−x/√2) in the tails, with e^{−x²/2} taken from
//   x itself (not from the rounded x/√2), so the lower tail keeps its accuracy to −38.
// - log Φ(x) = −x²/2 + log(½·erfcx(−x/√2)) below −1 (no underflow: finite to −1.3e154),
//   log Φ(x) directly on [−1, 0], and log1p(−Φ(−x)) above 0 (no cancellation near 1).
// - Φ⁻¹: M. J. Wichura, "Algorithm AS 241: the percentage points of the normal
//   distribution", Applied Statistics 37 (1988) 477–484 (PPND16, about 16 digits), on
//   min(p, 1 − p) (exact for p ≥ ½), so both tails keep their relative accuracy.
// - erf⁻¹(x) = Φ⁻¹((1 + x)/2)/√2 as a start (from 1 − |x|, exact, near ±1), then one
//   Newton step on erf (|x| ≤ ½) or erfc (|x| > ½), which restores the relative accuracy
//   that (1 + x)/2 loses for small x.
import { erf, erfc, erfcxLarge, expNegSquare } from "./erf.js";

const SQRT1_2 = Math.SQRT1_2;
/** 2/√π. */
const TWO_RSQRT_PI = 1.1283791670955126;

/**
 * The standard normal CDF Φ(x) = ½·erfc(−x/√2).
 *
 * @example
 * ndtr(-1); // 0.15865525393145702
 */
export function ndtr(x: number): number {
  const z = Math.abs(x) * SQRT1_2;
  if (!(z > 0.46875)) return 0.5 + 0.5 * erf(x * SQRT1_2); // NaN too
  const tail = z >= 27.3 ? 0 : 0.5 * expNegSquare(x, 0.5) * erfcxLarge(z);
  return x < 0 ? tail : 1 - tail;
}

/**
 * log Φ(x), finite far into the lower tail (log Φ(−40) = −804.608…).
 *
 * @example
 * logNdtr(-40); // -804.6084420137538
 */
export function logNdtr(x: number): number {
  if (x > 0) return Math.log1p(-ndtr(-x));
  if (x >= -1) return Math.log(ndtr(x)); // NaN too
  const z = -x * SQRT1_2;
  return Math.log(0.5 * erfcxLarge(z)) - 0.5 * x * x;
}

// AS 241's three rational approximations: a/b for |p − ½| ≤ 0.425, c/d for r = √(−log p) ≤ 5,
// e/f beyond (down to p = 2⁻¹⁰⁷⁴), each in Horner order from the constant term.
const PA = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const PB = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const PC = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const PD = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const PE = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const PF = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

function ratio(num: readonly number[], den: readonly number[], r: number): number {
  let n = num[7]!;
  let d = den[7]!;
  for (let i = 6; i >= 0; i--) {
    n = n * r + num[i]!;
    d = d * r + den[i]!;
  }
  return n / d;
}

/**
 * Φ⁻¹(p), the standard normal quantile: ndtri(ndtr(x)) ≈ x.
 *
 * @example
 * ndtri(0.975); // 1.9599639845400536
 */
export function ndtri(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) return q * ratio(PA, PB, 0.180625 - q * q);
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const v = r <= 5 ? ratio(PC, PD, r - 1.6) : ratio(PE, PF, r - 5);
  return q < 0 ? -v : v;
}

/**
 * The inverse error function: erf(erfinv(x)) ≈ x on (−1, 1); ±∞ at ±1.
 *
 * @example
 * erfinv(0.5); // 0.47693627620446966
 */
export function erfinv(x: number): number {
  const a = Math.abs(x);
  if (!(a < 1)) return a === 1 ? x * Infinity : NaN;
  if (a === 0) return x;
  let y: number;
  if (a <= 0.5) {
    y = ndtri(0.5 + 0.5 * a) * SQRT1_2;
    y -= (erf(y) - a) / (TWO_RSQRT_PI * expNegSquare(y, 1));
  } else {
    const w = 1 - a;
    y = -ndtri(0.5 * w) * SQRT1_2;
    y += (erfc(y) - w) / (TWO_RSQRT_PI * expNegSquare(y, 1));
  }
  return x < 0 ? -y : y;
}
