// The uniform distribution on [loc, loc + scale], as scipy.stats.uniform.
import { np, type Array } from "../core/index.js";
import { locScale, orNaN, quantileArgs } from "./args.js";

const args = (fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) => locScale(`stats.uniform.${fn}`, ["x"], [x, loc, scale]);

/**
 * log of the uniform density: −log scale on [loc, loc + scale], −∞ outside (NaN where
 * scale ≤ 0).
 *
 * @example
 * stats.uniform.logpdf(np.array([0.5, 3]), 0, 2).toArray(); // [-0.6931471805599453, -Infinity]
 */
export const logpdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, valid, logScale } = args(fn, x, loc, scale);
  const outside = np.logicalOr(np.less(z, 0), np.greater(z, 1));
  // z·0 carries x's NaN (and its zero derivative) into the result.
  return orNaN(valid, np.where(outside, -Infinity, np.sub(np.mul(z, 0), logScale)));
}

/**
 * The uniform density.
 *
 * @example
 * stats.uniform.pdf(0.5, 0, 2).item(); // 0.5
 */
export const pdf = (x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, loc, scale));

/**
 * The CDF, clip((x − loc)/scale, 0, 1).
 *
 * @example
 * stats.uniform.cdf(0.5, 0, 2).item(); // 0.25
 */
export function cdf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("cdf", x, loc, scale);
  return orNaN(valid, np.clip(z, 0, 1));
}

/**
 * The survival function, clip(1 − (x − loc)/scale, 0, 1).
 *
 * @example
 * stats.uniform.sf(0.5, 0, 2).item(); // 0.75
 */
export function sf(x: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, valid } = args("sf", x, loc, scale);
  return orNaN(valid, np.clip(np.sub(1, z), 0, 1));
}

/**
 * The quantile function loc + q·scale (NaN for q outside [0, 1]).
 *
 * @example
 * stats.uniform.ppf(0.25, 0, 2).item(); // 0.5
 */
export function ppf(q: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { p, l, s, valid } = quantileArgs("stats.uniform.ppf", q, loc, scale);
  return orNaN(valid, np.add(l, np.mul(p, s)));
}
