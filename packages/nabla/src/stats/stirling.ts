// Log-densities with large parameters, without the cancellation of their textbook forms:
// (a − 1)·log x − x − log Γ(a) at a = 10⁴ subtracts numbers near 10⁵ to leave one near −5,
// losing 12 digits. Catherine Loader's saddle-point forms ("Fast and accurate computation
// of binomial probabilities", 2000; R's dpois and dbinom) keep them: with Stirling's
// remainder Δ and bd0(k, m) = k·log(k/m) + m − k = −k·g((m − k)/k), g(t) = log(1 + t) − t,
// every term is of the size of the answer.
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { HALF_LOG_2PI, safe } from "./args.js";

/** Where the Stirling forms take over from the textbook ones (k, a, b ≥ this). */
const LARGE = 10;

/** g(t) = log(1 + t) − t. */
const log1pmx = (t: Array): Array => np.sub(np.log1p(t), t);

/**
 * Stirling's remainder Δ(z) = log Γ(z) − (z − ½)·log z + z − ½·log 2π, for z > 0: its
 * series (A&S 6.1.41, seven terms) from z = 10, where it is exact to rounding; below, the
 * definition itself (no large cancellation there).
 */
export function stirlingDelta(z: Array): Array {
  const big = np.greaterEqual(z, LARGE);
  const zb = safe(big, z, LARGE);
  const r = np.reciprocal(np.square(zb));
  let series = np.full(z.shape, -1 / 156, { dtype: z.dtype });
  for (const c of [691 / 360360, -1 / 1188, 1 / 1680, -1 / 1260, 1 / 360, -1 / 12]) series = np.add(c, np.mul(r, series));
  const zs = np.where(big, 1, z);
  const direct = np.add(np.sub(special.lgamma(zs), np.mul(np.sub(zs, 0.5), np.log(zs))), np.sub(zs, HALF_LOG_2PI));
  return np.where(big, np.neg(np.div(series, zb)), direct);
}

/**
 * bd0(k, m) = k·log(k/m) + m − k for k > 0 (∞ at m = 0): as −k·g((m − k)/k) where m is
 * within k/2 of k (the terms would cancel), directly elsewhere (where 1 + t = m/k would
 * lose the digits of a small m).
 */
function bd0(k: Array, m: Array): Array {
  const t = np.div(np.sub(m, k), k);
  const near = np.less(np.abs(t), 0.5);
  const tn = safe(near, t, 0);
  const mf = np.where(near, 1, m);
  const kf = np.where(near, 1, k);
  const direct = np.add(np.mul(kf, np.sub(np.log(kf), np.log(mf))), np.sub(mf, kf));
  return np.where(near, np.neg(np.mul(k, log1pmx(tn))), direct);
}

/**
 * k·log μ − μ − log Γ(k + 1): the log of the Poisson mass at k, and of the gamma density
 * with shape k + 1 at μ. From k = 10 (μ > 0 finite) Loader's −bd0(k, μ) − ½·log(2πk) − Δ(k);
 * below, the textbook form (xlogy: 0·log 0 = 0).
 */
export function logPoissonKernel(k: Array, mu: Array): Array {
  const big = np.logicalAnd(np.greaterEqual(k, LARGE), np.logicalAnd(np.greater(mu, 0), np.isfinite(mu)));
  const kb = safe(big, k, LARGE);
  const mb = safe(big, mu, LARGE);
  const loader = np.sub(np.neg(np.add(bd0(kb, mb), np.mul(0.5, np.log(np.mul(2 * Math.PI, kb))))), stirlingDelta(kb));
  const ks = np.where(big, 1, k);
  const ms = np.where(big, 1, mu);
  const plain = np.sub(np.sub(special.xlogy(ks, ms), ms), special.lgamma(np.add(ks, 1)));
  return np.where(big, loader, plain);
}

/**
 * log of the beta density z^{a−1}(1 − z)^{b−1}/B(a, b), for a, b ≥ 11 and 0 ≤ z ≤ 1 (the
 * caller selects): (a + b − 1) times the binomial mass of a − 1 in n = a + b − 2 trials
 * at z, in Loader's form.
 */
export function logBetaKernelLarge(z: Array, a: Array, b: Array): Array {
  const n = np.sub(np.add(a, b), 2);
  const x = np.sub(a, 1);
  const y = np.sub(b, 1);
  const stirling = np.sub(np.sub(stirlingDelta(n), stirlingDelta(x)), stirlingDelta(y));
  const spread = np.mul(0.5, np.log(np.div(n, np.mul(2 * Math.PI, np.mul(x, y)))));
  const deviations = np.add(bd0(x, np.mul(n, z)), bd0(y, np.mul(n, np.sub(1, z))));
  return np.add(np.add(np.log1p(n), stirling), np.sub(spread, deviations));
}

/** Whether a and b are large enough for {@link logBetaKernelLarge}. */
export const betaLarge = (a: Array, b: Array): Array => np.logicalAnd(np.greaterEqual(a, LARGE + 1), np.greaterEqual(b, LARGE + 1));
