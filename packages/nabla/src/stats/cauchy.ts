// The Cauchy distribution, density 1/(π·scale·(1 + z²)), as scipy.stats.cauchy.
import { np, type Array } from "../core/index.js";
import { locScale, orNaN, quantileArgs, safe } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => locScale(`stats.cauchy.${fn}`, ["x"], [x, loc, scale]);
const LOG_PI = 1.1447298858494002;

/** log(1 + z²), without overflow: 2·log|z| + log(1 + 1/z²) beyond |z| = 1. */
function log1pSquare(z: Array): Array {
  const big = np.greater(np.abs(z), 1);
  const zb = safe(big, np.abs(z), 2);
  const zs = np.where(big, 0, z);
  return np.where(big, np.add(np.mul(2, np.log(zb)), np.log1p(np.reciprocal(np.square(zb)))), np.log1p(np.square(zs)));
}

/**
 * log of the Cauchy density, −log π − log scale − log(1 + z²).
 *
 * @example
 * stats.cauchy.logpdf(1).item(); // -1.8378770664093453
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, valid, logScale } = args(fn, x, loc, scale);
  return orNaN(valid, np.neg(np.add(np.add(LOG_PI, logScale), log1pSquare(z))));
}

/**
 * The Cauchy density.
 *
 * @example
 * stats.cauchy.pdf(0).item(); // 0.3183098861837907
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/**
 * The CDF ½ + arctan(z)/π, as arctan2(1, −z)/π: accurate in the lower tail, where the
 * sum would cancel (cdf(−1e10) = 3.2e−11).
 *
 * @example
 * stats.cauchy.cdf(1).item(); // 0.75
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, np.div(np.arctan2(1, np.neg(z)), Math.PI));
}

/**
 * log of the CDF.
 *
 * @example
 * stats.cauchy.logcdf(0).item(); // -0.6931471805599453
 */
export function logcdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logcdf", x, loc, scale);
  return orNaN(valid, np.log(np.div(np.arctan2(1, np.neg(z)), Math.PI)));
}

/**
 * The survival function arctan2(1, z)/π, accurate in the upper tail.
 *
 * @example
 * stats.cauchy.sf(1).item(); // 0.25
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("sf", x, loc, scale);
  return orNaN(valid, np.div(np.arctan2(1, z), Math.PI));
}

/**
 * log of the survival function.
 *
 * @example
 * stats.cauchy.logsf(0).item(); // -0.6931471805599453
 */
export function logsf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logsf", x, loc, scale);
  return orNaN(valid, np.log(np.div(np.arctan2(1, z), Math.PI)));
}

/**
 * The standard quantile tan(π(q − ½)), as −1/tan(πq) below ½ and 1/tan(π(1 − q)) above:
 * exact at q = 0 and 1 (∓∞), and accurate for tiny q (≈ −1/(πq)), where q − ½ rounds to −½.
 */
function standardQuantile(p: Array): Array {
  const low = np.less(p, 0.5);
  const t = np.tan(np.mul(Math.PI, np.where(low, p, np.sub(1, p))));
  // At q = ½ the reciprocal of tan(π/2) ≈ 1.6e16 would leave 6e−17 instead of 0.
  return np.where(np.equal(p, 0.5), 0, np.where(low, np.neg(np.reciprocal(t)), np.reciprocal(t)));
}

/**
 * The quantile function loc + scale·tan(π(q − ½)).
 *
 * @example
 * stats.cauchy.ppf(0.75).item(); // 1.0000000000000002
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.cauchy.ppf", q, loc, scale);
  return orNaN(valid, np.add(l, np.mul(s, standardQuantile(p))));
}

/**
 * The inverse survival function loc − scale·tan(π(q − ½)).
 *
 * @example
 * stats.cauchy.isf(0.25).item(); // 1.0000000000000002
 */
export function isf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.cauchy.isf", q, loc, scale);
  return orNaN(valid, np.sub(l, np.mul(s, standardQuantile(p))));
}
