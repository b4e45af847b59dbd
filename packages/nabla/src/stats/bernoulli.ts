// The Bernoulli distribution, P(k = 1) = p, as scipy.stats.bernoulli.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { floats, orNaN, safe } from "./args.js";

function args(fn: string, k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike) {
  const [K, P, L] = floats(`stats.bernoulli.${fn}`, ["k", "p", "loc"], [k, p, loc]) as [Array, Array, Array];
  const valid = np.logicalAnd(np.greaterEqual(P, 0), np.lessEqual(P, 1));
  return { k: np.sub(K, L), p: safe(valid, P, 0.5), valid };
}

/**
 * log P(k) = k·log p + (1 − k)·log(1 − p) for k − loc in {0, 1}, −∞ elsewhere; NaN where p
 * is outside [0, 1]. Differentiable in p.
 *
 * @example
 * stats.bernoulli.logpmf(1, 0.3).item(); // -1.2039728043259361 (log 0.3)
 */
export const logpmf = (k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike = 0): Array => logMass("logpmf", k, p, loc);

function logMass(fn: string, k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike): Array {
  const { k: j, p: q, valid } = args(fn, k, p, loc);
  const support = np.logicalOr(np.equal(j, 0), np.equal(j, 1));
  const js = safe(support, j, 0);
  const value = np.add(special.xlogy(js, q), special.xlog1py(np.sub(1, js), np.neg(q)));
  return orNaN(np.logicalAnd(valid, np.logicalNot(np.isnan(j))), np.where(support, value, -Infinity));
}

/**
 * The probability mass P(k).
 *
 * @example
 * stats.bernoulli.pmf(0, 0.3).item(); // 0.7
 */
export const pmf = (k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike = 0): Array => np.exp(logMass("pmf", k, p, loc));

/**
 * The CDF: 0 below k = 0, 1 − p on [0, 1), 1 from 1.
 *
 * @example
 * stats.bernoulli.cdf(0.5, 0.3).item(); // 0.7
 */
export function cdf(k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike = 0): Array {
  const { k: j, p: q, valid } = args("cdf", k, p, loc);
  const value = np.where(np.less(j, 0), 0, np.where(np.less(j, 1), np.sub(1, q), 1));
  return orNaN(np.logicalAnd(valid, np.logicalNot(np.isnan(j))), value);
}

/**
 * The survival function 1 − cdf: 1 below 0, p on [0, 1), 0 from 1.
 *
 * @example
 * stats.bernoulli.sf(0, 0.3).item(); // 0.3
 */
export function sf(k: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike = 0): Array {
  const { k: j, p: q, valid } = args("sf", k, p, loc);
  const value = np.where(np.less(j, 0), 1, np.where(np.less(j, 1), q, 0));
  return orNaN(np.logicalAnd(valid, np.logicalNot(np.isnan(j))), value);
}

/**
 * The quantile function: the least k with cdf(k) ≥ q (0 for 0 < q ≤ 1 − p, else 1), plus
 * loc; at q = 0 it is loc − 1 and at q = 1 loc + 1 (scipy's convention: the ends of the
 * support, less one at 0); NaN for q outside [0, 1].
 *
 * @example
 * stats.bernoulli.ppf(0.8, 0.3).item(); // 1
 */
export function ppf(q: np.ArrayLike, p: np.ArrayLike, loc: np.ArrayLike = 0): Array {
  const [Q, P, L] = floats("stats.bernoulli.ppf", ["q", "p", "loc"], [q, p, loc]) as [Array, Array, Array];
  const valid = np.logicalAnd(np.logicalAnd(np.greaterEqual(P, 0), np.lessEqual(P, 1)), np.logicalAnd(np.greaterEqual(Q, 0), np.lessEqual(Q, 1)));
  const k = np.where(np.equal(Q, 0), -1, np.where(np.logicalAnd(np.lessEqual(Q, np.sub(1, P)), np.less(Q, 1)), 0, 1));
  return orNaN(valid, np.add(L, k));
}
