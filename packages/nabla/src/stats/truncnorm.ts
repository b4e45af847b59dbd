// The normal distribution truncated to [a, b] (in standard units: the support is [loc +
// a·scale, loc + b·scale]), as scipy.stats.truncnorm.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { HALF_LOG_2PI, locScale, log1mexp, orNaN, safe } from "./args.js";

/**
 * log(Φ(b) − Φ(a)) for a < b, without cancellation or underflow (as scipy's
 * _log_gauss_mass): both bounds below 0, log Φ(b) + log(1 − Φ(a)/Φ(b)); both above, the
 * same mirrored; across 0, log1p(−Φ(a) − Φ(−b)). Each case gets stand-in bounds outside its
 * range, so no branch np.where discards computes a NaN or an infinite derivative.
 */
function logGaussMass(a: Array, b: Array): Array {
  const left = np.lessEqual(b, 0);
  const right = np.greaterEqual(a, 0);
  const mid = np.logicalNot(np.logicalOr(left, right));
  const tails = (lo: Array, hi: Array) => {
    const lhi = special.logNdtr(hi);
    return np.add(lhi, log1mexp(np.sub(special.logNdtr(lo), lhi)));
  };
  const inLeft = tails(safe(left, a, -2), safe(left, b, -1));
  const inRight = tails(np.neg(safe(right, b, 2)), np.neg(safe(right, a, 1)));
  const inMid = np.log1p(np.neg(np.add(special.ndtr(safe(mid, a, -1)), special.ndtr(np.neg(safe(mid, b, 1))))));
  return np.where(left, inLeft, np.where(right, inRight, inMid));
}

function args(fn: string, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) {
  const { z, valid, logScale, params } = locScale(`stats.truncnorm.${fn}`, ["x", "a", "b"], [x, a, b, loc, scale]);
  const [pa, pb] = params as [Array, Array];
  const ok = np.logicalAnd(valid, np.less(pa, pb));
  const lo = safe(ok, pa, -1);
  const hi = safe(ok, pb, 1);
  const below = np.less(z, lo);
  const above = np.greater(z, hi);
  // A stand-in for z strictly inside (a, b), where the CDF's log-masses are finite: the
  // midpoint, or with an infinite bound 0 kept a unit inside the finite one.
  const bounded = np.logicalAnd(np.isfinite(lo), np.isfinite(hi));
  const middle = np.where(bounded, np.mul(0.5, np.add(lo, hi)), np.clip(0, np.add(lo, 1), np.sub(hi, 1)));
  const zs = np.where(np.logicalAnd(np.greater(z, lo), np.less(z, hi)), z, middle);
  return { z, zs, lo, hi, ok, below, above, logScale, mass: logGaussMass(lo, hi) };
}

/**
 * log of the truncated normal density, −z²/2 − ½log 2π − log(Φ(b) − Φ(a)) − log scale on
 * [a, b], −∞ outside; NaN where a ≥ b or scale ≤ 0. Accurate far in the tails (a = 40).
 *
 * @example
 * stats.truncnorm.logpdf(0, -1, 1).item(); // -0.5372233869025468, log φ(0) − log(Φ(1) − Φ(−1))
 */
export const logpdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  logDensity("logpdf", x, a, b, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, ok, below, above, logScale, mass } = args(fn, x, a, b, loc, scale);
  const value = np.sub(np.mul(-0.5, np.square(z)), np.add(np.add(HALF_LOG_2PI, mass), logScale));
  return orNaN(ok, np.where(np.logicalOr(below, above), -Infinity, value));
}

/**
 * The truncated normal density.
 *
 * @example
 * stats.truncnorm.pdf(0, -1, 1).item(); // 0.5843685672568166
 */
export const pdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  np.exp(logDensity("pdf", x, a, b, loc, scale));

/** log of the CDF (or, `upper`, of the survival function), for the function `fn`. */
function logTail(fn: string, upper: boolean, x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, zs, lo, hi, ok, below, above, mass } = args(fn, x, a, b, loc, scale);
  const part = upper ? logGaussMass(zs, hi) : logGaussMass(lo, zs);
  // z exactly at a bound: the mass on one side is 0 (its log −∞), on the other all.
  const atLo = np.lessEqual(z, lo);
  const atHi = np.greaterEqual(z, hi);
  const value = np.where(upper ? atHi : atLo, -Infinity, np.where(upper ? atLo : atHi, 0, np.sub(part, mass)));
  const result = np.where(upper ? above : below, -Infinity, np.where(upper ? below : above, 0, value));
  return orNaN(np.logicalAnd(ok, np.logicalNot(np.isnan(z))), result);
}

/**
 * The CDF (Φ(z) − Φ(a))/(Φ(b) − Φ(a)), formed in log space: accurate in the tails.
 *
 * @example
 * stats.truncnorm.cdf(0, -1, 1).item(); // 0.5000000000000001
 */
export const cdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  np.exp(logTail("cdf", false, x, a, b, loc, scale));

/**
 * log of the CDF.
 *
 * @example
 * stats.truncnorm.logcdf(0, -1, 1).item(); // -0.6931471805599452
 */
export const logcdf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  logTail("logcdf", false, x, a, b, loc, scale);

/**
 * The survival function (Φ(b) − Φ(z))/(Φ(b) − Φ(a)).
 *
 * @example
 * stats.truncnorm.sf(0.5, 0, 1).item(); // 0.439093574811997
 */
export const sf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  np.exp(logTail("sf", true, x, a, b, loc, scale));

/**
 * log of the survival function.
 *
 * @example
 * stats.truncnorm.logsf(0, -1, 1).item(); // -0.6931471805599452
 */
export const logsf = (x: np.ArrayLike, a: np.ArrayLike, b: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array =>
  logTail("logsf", true, x, a, b, loc, scale);
