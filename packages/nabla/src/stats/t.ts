// Student's t distribution with df degrees of freedom, as scipy.stats.t (df = ∞ is the
// normal). Its CDF is a regularized incomplete beta function (betainc.ts).
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { HALF_LOG_2PI, locScale, orNaN, safe } from "./args.js";
import { betainc } from "./betainc.js";

function args(fn: string, x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike) {
  const { z, valid, logScale, params } = locScale(`stats.t.${fn}`, ["x", "df"], [x, df, loc, scale]);
  const ok = np.logicalAnd(valid, np.greater(params[0]!, 0));
  const normal = np.equal(params[0]!, Infinity);
  return { z, df: safe(np.logicalAnd(ok, np.logicalNot(normal)), params[0]!, 1), ok, normal, logScale };
}

/**
 * log of the t density, −log B(ν/2, ½) − ½log ν − log scale − (ν + 1)/2·log(1 + z²/ν)
 * (log B rather than a difference of log Γs, which would cancel for large ν); the normal's
 * for ν = ∞; NaN where df ≤ 0 or scale ≤ 0.
 *
 * @example
 * stats.t.logpdf(0, 1).item(); // -1.1447298858494002 (Cauchy: −log π)
 */
export const logpdf = (x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => logDensity("logpdf", x, df, loc, scale);

/** The log-density, its errors naming `fn`. */
function logDensity(fn: string, x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, df: nu, ok, normal, logScale } = args(fn, x, df, loc, scale);
  const half = np.mul(0.5, nu);
  const norm = np.neg(np.add(special.betaln(half, np.full(half.shape, 0.5, { dtype: half.dtype })), np.mul(0.5, np.log(nu))));
  const t = np.sub(norm, np.mul(np.add(half, 0.5), np.log1p(np.div(np.square(z), nu))));
  const gauss = np.sub(np.mul(-0.5, np.square(z)), HALF_LOG_2PI);
  return orNaN(ok, np.sub(np.where(normal, gauss, t), logScale));
}

/**
 * The t density.
 *
 * @example
 * stats.t.pdf(0, 1).item(); // 0.3183098861837907
 */
export const pdf = (x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => np.exp(logDensity("pdf", x, df, loc, scale));

/**
 * The lower tail at z (or, `upper`, the upper), from the tail beyond |z|,
 * P(T < −|z|) = ½·I_{ν/(ν+z²)}(ν/2, ½); where z² < ν that is ½·(1 − I_{z²/(ν+z²)}(½, ν/2)),
 * whose argument keeps z's relative accuracy near 0.
 */
function tail(fn: string, upper: boolean, x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike, scale: np.ArrayLike): Array {
  const { z, df: nu, ok, normal } = args(fn, x, df, loc, scale);
  const zz = upper ? np.neg(z) : z;
  const z2 = np.square(zz);
  const denom = np.add(nu, z2);
  const half = np.full(nu.shape, 0.5, { dtype: nu.dtype });
  const near = np.less(z2, nu);
  const far = np.mul(0.5, betainc(np.mul(0.5, nu), half, np.div(nu, denom)));
  const close = np.mul(0.5, betainc(half, np.mul(0.5, nu), np.div(z2, denom), true));
  const beyond = np.where(near, close, far);
  const t = np.where(np.less(zz, 0), beyond, np.sub(1, beyond));
  // |z| = ∞: ν/(ν + z²) is 0 (no NaN), and the tail beyond is 0.
  return orNaN(ok, np.where(normal, special.ndtr(zz), t));
}

/**
 * The CDF, through the regularized incomplete beta function: to ~2e−14 relative for df up
 * to 10³, losing accuracy beyond (5e−13 at df = 10⁴, a few 1e−12 from 10⁵; scipy's is
 * 2e−10 at 10⁶), where I_x(½, ν/2) is near its mean and the continued fraction cancels.
 * Differentiable in x, loc and scale to any order, in df to first order.
 *
 * @example
 * stats.t.cdf(2, 3).item(); // 0.9303370157205785
 */
export const cdf = (x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => tail("cdf", false, x, df, loc, scale);

/**
 * The survival function, cdf(−z), accurate in the upper tail.
 *
 * @example
 * stats.t.sf(100, 3).item(); // 1.102260961592456e-6
 */
export const sf = (x: np.ArrayLike, df: np.ArrayLike, loc: np.ArrayLike = 0, scale: np.ArrayLike = 1): Array => tail("sf", true, x, df, loc, scale);
