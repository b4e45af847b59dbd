// Continuous samplers without shape parameters (uniform, normal, exponential, laplace,
// cauchy, logistic, gumbel), each a transformation of uniform draws, and the truncated
// normal by inversion of its CDF. Differentiable wherever their arguments are (uniform in
// minval and maxval, truncatedNormal in its bounds).
import { type Array, bind1, np, type ArrayLike, stopGradientPrimitive as stopGradient, keyArg } from "../core/index.js";
import type { DType } from "../array/index.js";
import { randomUniform } from "./primitives.js";
import * as special from "../special/index.js";
import { param, resultShape, sampleOptions, sampleShape, spread } from "./args.js";
import { split2 } from "./keys.js";

export interface SampleOptions {
  /** float64 (the default) or float32. */
  dtype?: DType;
}

/** Machine epsilon and the smallest normal number of a float dtype. */
const EPS = { float64: 2 ** -52, float32: 2 ** -23 } as Record<DType, number>;
const TINY = { float64: 2 ** -1022, float32: 2 ** -126 } as Record<DType, number>;

/**
 * Uniform samples in [minval, maxval).
 *
 * @example
 * random.uniform(random.key(0), [3], { minval: -1, maxval: 1 })
 */
export function uniform(
  key: Array,
  shape: readonly number[] = [],
  opts: SampleOptions & { minval?: ArrayLike; maxval?: ArrayLike } = {},
): Array {
  const op = "random.uniform";
  const k = keyArg(op, key);
  const { dtype, o } = sampleOptions(op, opts, ["minval", "maxval"]);
  const lo = param(op, "minval", o.minval ?? 0, dtype);
  const hi = param(op, "maxval", o.maxval ?? 1, dtype);
  const u = bind1(randomUniform, [k], { shape: sampleShape(op, shape, dtype), dtype });
  return o.minval === undefined && o.maxval === undefined ? u : np.add(lo, np.mul(u, np.sub(hi, lo)));
}

/** Uniform draws of a shape-only sampler, after its checks, in [floor(dtype), 1). */
function draws(op: string, key: Array, shape: unknown, opts: unknown, floor?: Record<DType, number>): [Array, DType] {
  const k = keyArg(op, key);
  const { dtype } = sampleOptions(op, opts);
  const sh = sampleShape(op, shape, dtype);
  const u = bind1(randomUniform, [k], { shape: sh, dtype });
  const lo = floor?.[dtype] ?? 0;
  return [lo === 0 ? u : np.add(lo, np.mul(u, 1 - lo)), dtype];
}

/**
 * Standard normal samples (Box–Muller on two independent uniform streams).
 *
 * @example
 * random.normal(random.key(0), [1000]).mean() // ≈ 0
 */
export function normal(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const op = "random.normal";
  const [k1, k2] = split2(keyArg(op, key));
  const [u1] = draws(op, k1, shape, opts);
  const [u2] = draws(op, k2, shape, opts);
  // 1 − u lies in (0, 1], so the logarithm is finite.
  return np.mul(np.sqrt(np.mul(-2, np.log1p(np.neg(u1)))), np.cos(np.mul(2 * Math.PI, u2)));
}

/**
 * Standard exponential samples (density e⁻ˣ on x ≥ 0), as −log(1 − u).
 *
 * @example
 * random.exponential(random.key(0), [1000]).mean() // ≈ 1
 */
export function exponential(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const [u] = draws("random.exponential", key, shape, opts);
  return np.neg(np.log1p(np.neg(u)));
}

/**
 * Standard Laplace samples (density ½e^{−|x|}): a uniform v in (−1, 1) becomes
 * −sign(v)·log(1 − |v|), as JAX.
 *
 * @example
 * random.laplace(random.key(0), [1000]).var() // ≈ 2
 */
export function laplace(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const [u, dtype] = draws("random.laplace", key, shape, opts);
  // v = 2u − 1 in [−1 + eps, 1): its magnitude stays below 1, so the logarithm is finite.
  const v = np.add(-1 + EPS[dtype]!, np.mul(u, 2 - EPS[dtype]!));
  return np.mul(np.neg(np.sign(v)), np.log1p(np.neg(np.abs(v))));
}

/**
 * Standard Cauchy samples (density 1/(π(1 + x²))), as tan(π(u − ½)) with u in [eps, 1).
 *
 * @example
 * random.cauchy(random.key(0), [5])
 */
export function cauchy(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const [u] = draws("random.cauchy", key, shape, opts, EPS);
  return np.tan(np.mul(Math.PI, np.sub(u, 0.5)));
}

/**
 * Standard logistic samples (density e⁻ˣ/(1 + e⁻ˣ)²), as logit(u) with u in [eps, 1).
 *
 * @example
 * random.logistic(random.key(0), [1000]).var() // ≈ π²/3
 */
export function logistic(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const [u] = draws("random.logistic", key, shape, opts, EPS);
  return special.logit(u);
}

/**
 * Standard Gumbel samples (density e^{−(x + e⁻ˣ)}), as −log(−log u) with u in [tiny, 1):
 * argmax(logits + gumbel) is a categorical sample (what `categorical` does).
 *
 * @example
 * random.gumbel(random.key(0), [1000]).mean() // ≈ 0.5772 (Euler's γ)
 */
export function gumbel(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const [u] = draws("random.gumbel", key, shape, opts, TINY);
  return np.neg(np.log(np.neg(np.log(u))));
}

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * The inverse of log Φ: x with log Φ(x) = y, for y ≤ 0. Above −700, ndtri(eʸ) (Φ itself
 * is a normal double there); below, where eʸ underflows, Newton's method on log Φ from
 * the tail's asymptotic form log Φ(x) ≈ −x²/2 − log(−x) − ½log 2π (three steps take its
 * relative error of ~1/x² < 10⁻³ to rounding). Each branch sees only arguments of its own
 * range, so neither feeds a NaN into the other's derivative.
 */
function ndtriExp(y: Array): Array {
  const near = np.greater(y, -700);
  const inner = special.ndtri(np.exp(np.maximum(y, -700)));
  const yf = np.minimum(y, -700);
  const t = np.mul(-2, yf);
  let x = np.neg(np.sqrt(np.sub(np.sub(t, 2 * HALF_LOG_2PI), np.log(t))));
  for (let i = 0; i < 3; i++) {
    const lp = special.logNdtr(x);
    // (log Φ)′ = φ/Φ = exp(−x²/2 − ½log 2π − log Φ).
    const slope = np.exp(np.sub(np.sub(np.mul(-0.5, np.square(x)), HALF_LOG_2PI), lp));
    x = np.sub(x, np.div(np.sub(lp, yf), slope));
  }
  return np.where(near, inner, x);
}

/**
 * Standard normal samples truncated to (lower, upper), by inverting the CDF as JAX does,
 * but in log space and on the side where Φ keeps its relative accuracy: bounds both
 * positive are reflected to (−upper, −lower), and the quantile level
 * q = Φ(a) + u·(Φ(b) − Φ(a)) is formed as log q = log Φ(b) + log1p((1 − u)·expm1(log Φ(a)
 * − log Φ(b))). So far tails stay exact (lower = 10, or 40 where Φ underflows, still give
 * samples just above the bound), where erf-based inversion returns the bound itself.
 * Results are clipped into the open interval; where lower ≥ upper (or a bound is NaN)
 * they are NaN. Differentiable in lower and upper
 * (reparameterization at fixed u: ∂x/∂lower = φ(lower)(1 − F(x))/φ(x)).
 *
 * @example
 * random.truncatedNormal(random.key(0), -1, 2, [1000]).min() // > -1
 */
export function truncatedNormal(key: Array, lower: ArrayLike, upper: ArrayLike, shape?: readonly number[], opts: SampleOptions = {}): Array {
  const op = "random.truncatedNormal";
  const k = keyArg(op, key);
  const { dtype } = sampleOptions(op, opts);
  const lo = param(op, "lower", lower, dtype);
  const hi = param(op, "upper", upper, dtype);
  const sh = resultShape(op, shape, [["lower", lo.shape], ["upper", hi.shape]], dtype);
  // In float64 whatever the dtype: the tails need its range.
  const l = spread(np.astype(lo, "float64"), sh);
  const h = spread(np.astype(hi, "float64"), sh);
  const flip = np.greater(l, 0);
  const a = np.where(flip, np.neg(h), l);
  const b = np.where(flip, np.neg(l), h);
  const la = special.logNdtr(a);
  const lb = special.logNdtr(b);
  const u = bind1(randomUniform, [k], { shape: sh, dtype: "float64" });
  const logq = np.add(lb, np.log1p(np.mul(np.sub(1, u), np.expm1(np.sub(la, lb)))));
  const z = ndtriExp(logq);
  const x = np.astype(np.where(flip, np.neg(z), z), dtype);
  // Into the open interval, in the sample's dtype (rounding to float32 could reach a bound).
  const edge = (bound: Array, toward: number) => np.nextafter(bind1(stopGradient, [spread(bound, sh)], {}), toward);
  const clipped = np.clip(x, edge(lo, Infinity), edge(hi, -Infinity));
  return np.where(np.less(l, h), clipped, NaN);
}
