// The normal distribution N(loc, scale²), as scipy.stats.norm.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { HALF_LOG_2PI, locScale, orNaN, quantileArgs } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => locScale(`stats.norm.${fn}`, ["x"], [x, loc, scale]);

/**
 * log of the normal density, −z²/2 − log scale − ½log 2π with z = (x − loc)/scale
 * (NaN where scale ≤ 0).
 *
 * @example
 * stats.norm.logpdf(0).item(); // -0.9189385332046728
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, valid, logScale } = args(fn, x, loc, scale);
  return orNaN(valid, np.sub(np.mul(-0.5, np.square(z)), np.add(logScale, HALF_LOG_2PI)));
}

/**
 * The normal density.
 *
 * @example
 * stats.norm.pdf(0).item(); // 0.39894228040143265
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/**
 * The CDF Φ(z), accurate far into the lower tail (special.ndtr).
 *
 * @example
 * stats.norm.cdf(1.96).item(); // 0.9750021048517796
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, special.ndtr(z));
}

/**
 * log Φ(z), finite where Φ underflows (special.logNdtr).
 *
 * @example
 * stats.norm.logcdf(-40).item(); // -804.6084420137538
 */
export function logcdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logcdf", x, loc, scale);
  return orNaN(valid, special.logNdtr(z));
}

/**
 * The survival function 1 − Φ(z) = Φ(−z), accurate in the upper tail.
 *
 * @example
 * stats.norm.sf(10).item(); // 7.619853024160525e-24
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("sf", x, loc, scale);
  return orNaN(valid, special.ndtr(np.neg(z)));
}

/**
 * log(1 − Φ(z)) = log Φ(−z).
 *
 * @example
 * stats.norm.logsf(40).item(); // -804.6084420137538
 */
export function logsf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logsf", x, loc, scale);
  return orNaN(valid, special.logNdtr(np.neg(z)));
}

/**
 * The quantile function (inverse CDF): loc + scale·Φ⁻¹(q).
 *
 * @example
 * stats.norm.ppf(0.975).item(); // 1.9599639845400536
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.norm.ppf", q, loc, scale);
  return orNaN(valid, np.add(l, np.mul(s, special.ndtri(p))));
}

/**
 * The inverse survival function: loc − scale·Φ⁻¹(q), accurate for small q.
 *
 * @example
 * stats.norm.isf(1e-10).item(); // 6.361340902404056
 */
export function isf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.norm.isf", q, loc, scale);
  return orNaN(valid, np.sub(l, np.mul(s, special.ndtri(p))));
}
