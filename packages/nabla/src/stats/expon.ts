// The exponential distribution, density e^{−(x − loc)/scale}/scale on x ≥ loc, as
// scipy.stats.expon (scale = 1/rate).
import { np, type Array } from "../core/index.js";
import { locScale, log1mexp, orNaN, quantileArgs, safe } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => {
  const s = locScale(`stats.expon.${fn}`, ["x"], [x, loc, scale]);
  const below = np.less(s.z, 0);
  // Below the support a stand-in z ≥ 0 keeps the discarded branch finite.
  return { ...s, below, zs: safe(np.logicalNot(below), s.z, 0) };
};

/**
 * log of the exponential density, −z − log scale for z = (x − loc)/scale ≥ 0, −∞ below.
 *
 * @example
 * stats.expon.logpdf(2, 0, 0.5).item(); // -3.3068528194400546 (−4 + log 2)
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { zs, below, valid, logScale } = args(fn, x, loc, scale);
  return orNaN(valid, np.where(below, -Infinity, np.neg(np.add(zs, logScale))));
}

/**
 * The exponential density.
 *
 * @example
 * stats.expon.pdf(1).item(); // 0.36787944117144233
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/**
 * The CDF 1 − e⁻ᶻ (as −expm1(−z): accurate near 0).
 *
 * @example
 * stats.expon.cdf(1e-10).item(); // 9.999999999500001e-11
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { zs, below, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, np.where(below, 0, np.neg(np.expm1(np.neg(zs)))));
}

/**
 * log of the CDF, log(1 − e⁻ᶻ), accurate at both ends.
 *
 * @example
 * stats.expon.logcdf(50).item(); // -1.9287498479639178e-22
 */
export function logcdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { zs, below, valid } = args("logcdf", x, loc, scale);
  return orNaN(valid, np.where(below, -Infinity, log1mexp(np.neg(zs))));
}

/**
 * The survival function e⁻ᶻ (1 below the support).
 *
 * @example
 * stats.expon.sf(2).item(); // 0.1353352832366127
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { zs, below, valid } = args("sf", x, loc, scale);
  return orNaN(valid, np.where(below, 1, np.exp(np.neg(zs))));
}

/**
 * log of the survival function, −z.
 *
 * @example
 * stats.expon.logsf(1000).item(); // -1000
 */
export function logsf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { zs, below, valid } = args("logsf", x, loc, scale);
  return orNaN(valid, np.where(below, 0, np.neg(zs)));
}

/**
 * The quantile function loc − scale·log(1 − q) (NaN for q outside [0, 1]).
 *
 * @example
 * stats.expon.ppf(0.5).item(); // 0.6931471805599453
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.expon.ppf", q, loc, scale);
  return orNaN(valid, np.sub(l, np.mul(s, np.log1p(np.neg(p)))));
}
