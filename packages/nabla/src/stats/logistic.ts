// The logistic distribution, CDF 1/(1 + e⁻ᶻ) with z = (x − loc)/scale, as
// scipy.stats.logistic.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { locScale, orNaN, quantileArgs, safe } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => locScale(`stats.logistic.${fn}`, ["x"], [x, loc, scale]);

/**
 * log of the logistic density, −z − 2·softplus(−z) − log scale (no overflow at either end).
 *
 * @example
 * stats.logistic.logpdf(0).item(); // -1.3862943611198906
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, valid, logScale } = args(fn, x, loc, scale);
  // At z = ±∞ the two terms are ∞ − ∞: the density's log there is −∞.
  const infinite = np.isinf(z);
  const zs = safe(np.logicalNot(infinite), z, 0);
  const value = np.where(infinite, -Infinity, np.sub(np.neg(zs), np.mul(2, np.softplus(np.neg(zs)))));
  return orNaN(valid, np.sub(value, logScale));
}

/**
 * The logistic density.
 *
 * @example
 * stats.logistic.pdf(0).item(); // 0.25
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/**
 * The CDF, expit(z).
 *
 * @example
 * stats.logistic.cdf(0).item(); // 0.5
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, special.expit(z));
}

/**
 * log of the CDF, −softplus(−z).
 *
 * @example
 * stats.logistic.logcdf(-800).item(); // -800
 */
export function logcdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logcdf", x, loc, scale);
  return orNaN(valid, np.neg(np.softplus(np.neg(z))));
}

/**
 * The survival function, expit(−z).
 *
 * @example
 * stats.logistic.sf(40).item(); // 4.248354255291589e-18
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("sf", x, loc, scale);
  return orNaN(valid, special.expit(np.neg(z)));
}

/**
 * log of the survival function, −softplus(z).
 *
 * @example
 * stats.logistic.logsf(800).item(); // -800
 */
export function logsf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logsf", x, loc, scale);
  return orNaN(valid, np.neg(np.softplus(z)));
}

/**
 * The quantile function loc + scale·logit(q).
 *
 * @example
 * stats.logistic.ppf(0.75).item(); // 1.0986122886681096 (log 3)
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.logistic.ppf", q, loc, scale);
  return orNaN(valid, np.add(l, np.mul(s, special.logit(p))));
}

/**
 * The inverse survival function loc − scale·logit(q).
 *
 * @example
 * stats.logistic.isf(0.25).item(); // 1.0986122886681096
 */
export function isf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.logistic.isf", q, loc, scale);
  return orNaN(valid, np.sub(l, np.mul(s, special.logit(p))));
}
