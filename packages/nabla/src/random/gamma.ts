// The gamma family: gamma and loggamma (one primitive, random_gamma, whose kernel runs
// Marsaglia–Tsang), and what is built from gamma draws: chisquare, beta, dirichlet and
// Student's t. All differentiable in their shape parameters through the implicit
// reparameterization derivative of the gamma draws (primitives.ts).
import { type Array, bind1, np, type ArrayLike, keyArg } from "../core/index.js";
import { randomGamma } from "./primitives.js";
import { param, resultShape, sampleOptions, spread } from "./args.js";
import type { SampleOptions } from "./continuous.js";
import { normal } from "./continuous.js";
import { split2 } from "./keys.js";

/** Gamma draws (or their logarithms) of shape `a`'s or `shape`, after the sampler's checks. */
function gammaDraws(op: string, key: Array, a: ArrayLike, shape: unknown, opts: unknown, log: boolean): Array {
  const k = keyArg(op, key);
  const { dtype } = sampleOptions(op, opts);
  const alpha = param(op, "a", a, dtype);
  const sh = resultShape(op, shape, [["a", alpha.shape]], dtype);
  return bind1(randomGamma, [k, spread(alpha, sh)], { log });
}

/**
 * Gamma(a, 1) samples (density x^{a−1}e⁻ˣ/Γ(a) on x > 0; divide by a rate or multiply by
 * a scale for the others), by Marsaglia and Tsang's method (2000), with a < 1 boosted to
 * a + 1 and multiplied by U^{1/a}. Without `shape`, one per element of a; with it, a must
 * broadcast to `shape`. Differentiable in a by implicit reparameterization, as JAX:
 * dx/da = −(∂P/∂a)/(∂P/∂x) at the sample, P the gamma CDF (first derivatives only). A
 * sample below the dtype's smallest normal number (a ≪ 1) is returned as that number, as
 * JAX; use `loggamma` there. a = 0 gives 0, a < 0 or NaN gives NaN.
 *
 * @example
 * random.gamma(random.key(0), 2.5, [1000]).mean() // ≈ 2.5
 */
export function gamma(key: Array, a: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  return gammaDraws("random.gamma", key, a, shape, opts, false);
}

/**
 * log of Gamma(a, 1) samples, drawn in log space: finite where the samples themselves
 * underflow (a ≪ 1). exp(loggamma(key, a)) equals gamma(key, a) up to rounding.
 * Differentiable in a (d log x/da, as for gamma).
 *
 * @example
 * random.loggamma(random.key(0), 0.001, [3]) // [-4756.55…, -866.18…, -653.08…]: e^{-4756} underflows
 */
export function loggamma(key: Array, a: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  return gammaDraws("random.loggamma", key, a, shape, opts, true);
}

/**
 * Chi-squared samples with `df` degrees of freedom: 2·Gamma(df/2), drawn in log space.
 *
 * @example
 * random.chisquare(random.key(0), 3, [1000]).mean() // ≈ 3
 */
export function chisquare(key: Array, df: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  const op = "random.chisquare";
  const k = keyArg(op, key);
  const { dtype } = sampleOptions(op, opts);
  const d = param(op, "df", df, dtype);
  const sh = resultShape(op, shape, [["df", d.shape]], dtype);
  return np.mul(2, np.exp(loggamma(k, np.div(d, 2), sh, { dtype })));
}

/**
 * Beta(a, b) samples in [0, 1]: X/(X + Y) for X ~ Gamma(a), Y ~ Gamma(b), both drawn in log
 * space and scaled by the larger, as JAX, so that small a and b give samples near 0 and
 * 1 instead of 0/0. Without `shape`, a and b broadcast together; with it, they must
 * broadcast to `shape`. Differentiable in a and b.
 *
 * @example
 * random.beta(random.key(0), 2, 5, [1000]).mean() // ≈ 2/7
 */
export function beta(key: Array, a: ArrayLike, b: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  const op = "random.beta";
  const [ka, kb] = split2(keyArg(op, key));
  const { dtype } = sampleOptions(op, opts);
  const pa = param(op, "a", a, dtype);
  const pb = param(op, "b", b, dtype);
  const sh = resultShape(op, shape, [["a", pa.shape], ["b", pb.shape]], dtype);
  const la = loggamma(ka, pa, sh, { dtype });
  const lb = loggamma(kb, pb, sh, { dtype });
  const top = np.maximum(la, lb);
  const ga = np.exp(np.sub(la, top));
  const gb = np.exp(np.sub(lb, top));
  return np.div(ga, np.add(ga, gb));
}

/**
 * Dirichlet(alpha) samples: points of the simplex along the last axis (K = alpha's last
 * length), as the softmax of K log-gamma draws (log space, so small concentrations
 * work). `shape` is the batch shape (default alpha's without its last axis; given,
 * alpha's batch shape must broadcast to it); the result has shape [...shape, K].
 * Differentiable in alpha.
 *
 * @example
 * random.dirichlet(random.key(0), np.array([1, 2, 3]), [2]) // 2 points summing to 1
 */
export function dirichlet(key: Array, alpha: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  const op = "random.dirichlet";
  const k = keyArg(op, key);
  const { dtype } = sampleOptions(op, opts);
  const al = param(op, "alpha", alpha, dtype);
  if (al.ndim === 0) throw new Error(`${op}: alpha must have at least one axis (the K concentrations), got a 0-d Array`);
  const K = al.shape[al.ndim - 1]!;
  const sh = resultShape(op, shape, [["alpha (without its last axis)", al.shape.slice(0, -1)]], dtype);
  const lg = loggamma(k, al, [...sh, K], { dtype });
  return np.exp(np.sub(lg, np.logsumexp(lg, { axis: -1, keepdims: true })));
}

/**
 * Student's t samples with `df` degrees of freedom: Z·√(ν/χ²_ν), with the chi-squared
 * draw in log space, as JAX (normal and gamma from split keys). Without `shape`, one per
 * element of df; with it, df must broadcast to `shape`. Differentiable in df.
 *
 * @example
 * random.t(random.key(0), 5, [1000]).var() // ≈ 5/3
 */
export function t(key: Array, df: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  const op = "random.t";
  const [kn, kg] = split2(keyArg(op, key));
  const { dtype } = sampleOptions(op, opts);
  const d = param(op, "df", df, dtype);
  const sh = resultShape(op, shape, [["df", d.shape]], dtype);
  const half = np.div(d, 2);
  const z = normal(kn, sh, { dtype });
  return np.mul(z, np.exp(np.mul(0.5, np.sub(np.log(half), loggamma(kg, half, sh, { dtype })))));
}
