// The gamma distribution with shape a, density z^{a−1}e⁻ᶻ/(Γ(a)·scale) for z = (x −
// loc)/scale ≥ 0, as scipy.stats.gamma (scale = 1/rate).
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { locScale, orNaN, safe } from "./args.js";
import { logPoissonKernel } from "./stirling.js";

function args(fn: string, x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) {
  const { z, valid, logScale, params } = locScale(`stats.gamma.${fn}`, ["x", "a"], [x, a, loc, scale]);
  const shape = params[0]!;
  const ok = np.logicalAnd(valid, np.greater(shape, 0));
  const below = np.less(z, 0);
  // Stand-ins outside the domain (a > 0, z ≥ 0) keep the discarded branches finite.
  return { z: safe(np.logicalNot(below), z, 1), a: safe(ok, shape, 1), ok, below, logScale };
}

/**
 * log of the gamma density, (a − 1)·log z − z − log Γ(a) − log scale for z ≥ 0 (+∞ at
 * z = 0 when a < 1), −∞ below; NaN where a ≤ 0 or scale ≤ 0.
 *
 * @example
 * stats.gamma.logpdf(2, 3).item(); // -1.3068528194400546 (log(2e⁻²))
 */
export const logpdf = (x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, a, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, a: s, ok, below, logScale } = args(fn, x, a, loc, scale);
  // (a − 1)·log z − z − log Γ(a), the Poisson kernel at k = a − 1 (accurate for large a).
  const value = np.sub(logPoissonKernel(np.sub(s, 1), z), logScale);
  return orNaN(ok, np.where(below, -Infinity, value));
}

/**
 * The gamma density.
 *
 * @example
 * stats.gamma.pdf(1, 1).item(); // 0.36787944117144233
 */
export const pdf = (x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, a, loc, scale));

/**
 * The CDF, the regularized lower incomplete gamma function P(a, z) (special.gammainc).
 * Differentiable in x, loc and scale to any order, in a to first order.
 *
 * @example
 * stats.gamma.cdf(2, 2).item(); // 0.5939941502901618
 */
export function cdf(x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, a: s, ok, below } = args("cdf", x, a, loc, scale);
  return orNaN(ok, np.where(below, 0, special.gammainc(s, z)));
}

/**
 * log of the CDF (−∞ where the CDF underflows, as scipy's).
 *
 * @example
 * stats.gamma.logcdf(1e-3, 2).item(); // -14.509324377411874, log P(2, 0.001)
 */
export function logcdf(x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, a: s, ok, below } = args("logcdf", x, a, loc, scale);
  return orNaN(ok, np.where(below, -Infinity, np.log(special.gammainc(s, z))));
}

/**
 * The survival function Q(a, z) (special.gammaincc), accurate where it is tiny.
 *
 * @example
 * stats.gamma.sf(40, 1).item(); // 4.2483542552915904e-18
 */
export function sf(x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, a: s, ok, below } = args("sf", x, a, loc, scale);
  return orNaN(ok, np.where(below, 1, special.gammaincc(s, z)));
}

/**
 * log of the survival function (−∞ where it underflows, as scipy's).
 *
 * @example
 * stats.gamma.logsf(40, 1).item(); // -40
 */
export function logsf(x: np.ArrayLike, a: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array {
  const { z, a: s, ok, below } = args("logsf", x, a, loc, scale);
  return orNaN(ok, np.where(below, 0, np.log(special.gammaincc(s, z))));
}
