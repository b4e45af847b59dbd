// The Poisson distribution with mean mu, as scipy.stats.poisson.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { floats, orNaN, safe } from "./args.js";
import { logPoissonKernel } from "./stirling.js";

function args(fn: string, k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike) {
  const [K, M, L] = floats(`stats.poisson.${fn}`, ["k", "mu", "loc"], [k, mu, loc]) as [Array, Array, Array];
  const valid = np.logicalAnd(np.greaterEqual(M, 0), np.logicalNot(np.isnan(K)));
  return { k: np.sub(K, L), mu: safe(valid, M, 1), valid };
}

/**
 * log P(k) = k·log μ − μ − log k! for integers k − loc ≥ 0, −∞ elsewhere (k = ∞ included,
 * where scipy gives NaN; 0 at k = 0 when μ = 0); NaN where μ < 0. Differentiable in mu.
 *
 * @example
 * stats.poisson.logpmf(2, 3).item(); // -1.4959226032237263
 */
export const logpmf = (k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike = 0): Array => logMass("logpmf", k, mu, loc);

function logMass(fn: string, k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike): Array {
  const { k: j, mu: m, valid } = args(fn, k, mu, loc);
  const support = np.logicalAnd(np.logicalAnd(np.greaterEqual(j, 0), np.equal(j, np.floor(j))), np.isfinite(j));
  const js = safe(support, j, 0);
  const value = logPoissonKernel(js, m);
  return orNaN(valid, np.where(support, value, -Infinity));
}

/**
 * The probability mass P(k).
 *
 * @example
 * stats.poisson.pmf(0, 2).item(); // 0.1353352832366127 (e⁻²)
 */
export const pmf = (k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike = 0): Array => np.exp(logMass("pmf", k, mu, loc));

/** The CDF (or, `upper`, the survival function) for `fn`: Q(⌊k⌋ + 1, μ) (or P). */
function tail(fn: string, upper: boolean, k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike): Array {
  const { k: j, mu: m, valid } = args(fn, k, mu, loc);
  const below = np.less(j, 0);
  const a = np.add(np.floor(safe(np.logicalAnd(np.logicalNot(below), np.isfinite(j)), j, 0)), 1);
  const inside = upper ? special.gammainc(a, m) : special.gammaincc(a, m);
  const beyond = np.equal(j, Infinity);
  return orNaN(valid, np.where(below, upper ? 1 : 0, np.where(beyond, upper ? 0 : 1, inside)));
}

/**
 * The CDF P(K ≤ k) = Q(⌊k⌋ + 1, μ), the regularized upper incomplete gamma function.
 *
 * @example
 * stats.poisson.cdf(2, 3).item(); // 0.42319008112684336
 */
export const cdf = (k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike = 0): Array => tail("cdf", false, k, mu, loc);

/**
 * The survival function P(K > k) = P(⌊k⌋ + 1, μ), accurate where it is tiny.
 *
 * @example
 * stats.poisson.sf(20, 1).item(); // 7.542625077205275e-21
 */
export const sf = (k: np.ArrayLike, mu: np.ArrayLike, loc: np.ArrayLike = 0): Array => tail("sf", true, k, mu, loc);
