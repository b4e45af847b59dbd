// The beta distribution on [loc, loc + scale], density z^{a−1}(1 − z)^{b−1}/(B(a, b)·scale),
// as scipy.stats.beta. Its CDF is the regularized incomplete beta function (betainc.ts).
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { locScale, orNaN, safe } from "./args.js";
import { betainc } from "./betainc.js";
import { betaLarge, logBetaKernelLarge } from "./stirling.js";

function args(fn: string, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) {
  const { z, valid, logScale, params } = locScale(`stats.beta.${fn}`, ["x", "a", "b"], [x, a, b, loc, scale]);
  const [pa, pb] = params as [Array, Array];
  const ok = np.logicalAnd(valid, np.logicalAnd(np.greater(pa, 0), np.greater(pb, 0)));
  const below = np.less(z, 0);
  const above = np.greater(z, 1);
  const inside = np.logicalNot(np.logicalOr(below, above));
  return { z: safe(inside, z, 0.5), a: safe(ok, pa, 1), b: safe(ok, pb, 1), ok, below, above, logScale };
}

/**
 * log of the beta density, (a − 1)·log z + (b − 1)·log(1 − z) − log B(a, b) − log scale on
 * [0, 1] (+∞ at an end where a or b < 1), −∞ outside; NaN where a, b or scale ≤ 0.
 *
 * @example
 * stats.beta.logpdf(0.5, 2, 2).item(); // 0.4054651081081644 (log 1.5)
 */
export const logpdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, a, b, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, a: pa, b: pb, ok, below, above, logScale } = args(fn, x, a, b, loc, scale);
  // Large a and b: Loader's form (stirling.ts); the textbook one loses digits there.
  const large = betaLarge(pa, pb);
  const textbook = np.sub(np.add(special.xlogy(np.sub(pa, 1), z), special.xlog1py(np.sub(pb, 1), np.neg(z))), special.betaln(pa, pb));
  const loader = logBetaKernelLarge(z, safe(large, pa, 20), safe(large, pb, 20));
  const value = np.sub(np.where(large, loader, textbook), logScale);
  return orNaN(ok, np.where(np.logicalOr(below, above), -Infinity, value));
}

/**
 * The beta density.
 *
 * @example
 * stats.beta.pdf(0.5, 2, 2).item(); // 1.5
 */
export const pdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  np.exp(logDensity("pdf", x, a, b, loc, scale));

/**
 * The CDF, the regularized incomplete beta function I_z(a, b) (continued fraction; see
 * stats/betainc-kernel.ts), to ~1e−14 relative (a few 1e−12 near the mean when one of a, b
 * is above 10⁴ and the other near 1); NaN for a or b above 1e12. Differentiable in x, loc
 * and scale to any order, in a and b to first order.
 *
 * @example
 * stats.beta.cdf(0.5, 2, 3).item(); // 0.6875
 */
export const cdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  tail("cdf", false, x, a, b, loc, scale);

/** The CDF (or, `upper`, the survival function) for the function `fn`. */
function tail(fn: string, upper: boolean, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, a: pa, b: pb, ok, below, above } = args(fn, x, a, b, loc, scale);
  const inside = betainc(pa, pb, z, upper);
  return orNaN(ok, np.where(below, upper ? 1 : 0, np.where(above, upper ? 0 : 1, inside)));
}

/**
 * The survival function 1 − I_z(a, b), accurate where it is small.
 *
 * @example
 * stats.beta.sf(0.5, 2, 3).item(); // 0.3125
 */
export const sf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  tail("sf", true, x, a, b, loc, scale);

/**
 * log of the CDF (−∞ where the CDF underflows, as scipy's).
 *
 * @example
 * stats.beta.logcdf(0.5, 2, 3).item(); // -0.3746934494414107
 */
export function logcdf(x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  return np.log(tail("logcdf", false, x, a, b, loc, scale));
}

/**
 * log of the survival function (−∞ where it underflows, as scipy's).
 *
 * @example
 * stats.beta.logsf(0.5, 2, 3).item(); // -1.1631508098056809
 */
export function logsf(x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  return np.log(tail("logsf", true, x, a, b, loc, scale));
}
