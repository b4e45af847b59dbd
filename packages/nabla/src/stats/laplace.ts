// The Laplace distribution, density e^{−|x − loc|/scale}/(2·scale), as scipy.stats.laplace.
import { np, type Array } from "../core/index.js";
import { locScale, orNaN, quantileArgs, safe } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => locScale(`stats.laplace.${fn}`, ["x"], [x, loc, scale]);

/**
 * log of the Laplace density, −|z| − log(2·scale).
 *
 * @example
 * stats.laplace.logpdf(1).item(); // -1.6931471805599454
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, valid, logScale } = args(fn, x, loc, scale);
  return orNaN(valid, np.neg(np.add(np.abs(z), np.add(logScale, Math.LN2))));
}

/**
 * The Laplace density.
 *
 * @example
 * stats.laplace.pdf(0).item(); // 0.5
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/** log CDF of the standard Laplace at z: z − log 2 below 0, log(1 − e⁻ᶻ/2) above. */
function logcdfStd(z: Array): Array {
  const neg = np.less(z, 0);
  const above = np.maximum(z, 0);
  return np.where(neg, np.sub(np.minimum(z, 0), Math.LN2), np.log1p(np.mul(-0.5, np.exp(np.neg(above)))));
}

/**
 * The CDF: eᶻ/2 below loc, 1 − e⁻ᶻ/2 above (each accurate in its tail).
 *
 * @example
 * stats.laplace.cdf(-1).item(); // 0.18393972058572114
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, np.exp(logcdfStd(z)));
}

/**
 * log of the CDF.
 *
 * @example
 * stats.laplace.logcdf(-100).item(); // -100.69314718055995
 */
export function logcdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logcdf", x, loc, scale);
  return orNaN(valid, logcdfStd(z));
}

/**
 * The survival function, cdf(−z).
 *
 * @example
 * stats.laplace.sf(1).item(); // 0.18393972058572114
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("sf", x, loc, scale);
  return orNaN(valid, np.exp(logcdfStd(np.neg(z))));
}

/**
 * log of the survival function.
 *
 * @example
 * stats.laplace.logsf(100).item(); // -100.69314718055995
 */
export function logsf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("logsf", x, loc, scale);
  return orNaN(valid, logcdfStd(np.neg(z)));
}

/**
 * The quantile function: loc + scale·log(2q) below ½, loc − scale·log(2(1 − q)) above
 * (each exact in its tail; 1 − q is exact for q ≥ ½).
 *
 * @example
 * stats.laplace.ppf(0.75).item(); // 0.6931471805599453
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.laplace.ppf", q, loc, scale);
  const low = np.less(p, 0.5);
  const x = np.where(low, np.log(np.mul(2, safe(low, p, 0.25))), np.neg(np.log(np.mul(2, np.sub(1, np.where(low, 0.75, p))))));
  return orNaN(valid, np.add(l, np.mul(s, x)));
}
