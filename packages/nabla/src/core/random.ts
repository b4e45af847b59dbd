import { checkShape, type DType } from "../array/index.js";
import { Array } from "./array.js";
import { bind1 } from "./interpreter.js";
import { asArray, type ArrayLike } from "./np/convert.js";
import { array } from "./np/creation.js";
import { add, cos, less, log1p, mul, neg, sqrt, sub } from "./np/elementwise.js";
import { argsort } from "./np/sort.js";
import { take } from "./np/shape.js";
import { randomBits, randomUniform } from "./primitives/index.js";

/**
 * A PRNG key from an integer seed: an int32 array of shape (2,). Randomness in nabla is
 * explicit, as in JAX: every sampler takes a key, and the same key gives the same
 * numbers on every machine. Use `split` to make independent keys.
 *
 * @example
 * const key = random.key(0);
 */
export function key(seed: number): Array {
  if (!Number.isSafeInteger(seed)) throw new Error(`random.key: seed must be a safe integer, got ${seed}`);
  const hi = Math.floor(seed / 2 ** 32);
  return array([hi | 0, seed >>> 0 | 0], { dtype: "int32" });
}

/**
 * `n` new independent keys (an (n, 2) array; destructure it: `const [k1, k2] = split(key)`).
 *
 * @example
 * const [k1, k2] = random.split(random.key(0));
 */
export function split(key: Array, n = 2): Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`random.split: n must be a positive integer, got ${n}`);
  return bind1(randomBits, [key], { shape: [n, 2] });
}

interface SampleOptions {
  dtype?: DType;
}

function floatDtype(op: string, dtype: DType | undefined): DType {
  const dt = dtype ?? "float64";
  if (dt !== "float64" && dt !== "float32") throw new Error(`random.${op}: dtype must be float64 or float32, got ${dt}`);
  return dt;
}

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
  const dtype = floatDtype("uniform", opts.dtype);
  const u = bind1(randomUniform, [key], { shape: checkShape("random.uniform", shape), dtype });
  const lo = asArray(opts.minval ?? 0, dtype);
  const hi = asArray(opts.maxval ?? 1, dtype);
  return opts.minval === undefined && opts.maxval === undefined ? u : add(lo, mul(u, sub(hi, lo)));
}

/**
 * Standard normal samples (Box–Muller on two independent uniform streams).
 *
 * @example
 * random.normal(random.key(0), [1000]).mean() // ≈ 0
 */
export function normal(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const dtype = floatDtype("normal", opts.dtype);
  const [k1, k2] = split(key);
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const u1 = uniform(k1!, shape, { dtype });
  const u2 = uniform(k2!, shape, { dtype });
  const radius = sqrt(mul(-2, log1p(neg(u1))));
  return mul(radius, cos(mul(2 * Math.PI, u2)));
}

/**
 * Booleans that are true with probability `p` (broadcast against `shape`).
 *
 * @example
 * random.bernoulli(random.key(0), 0.3, [100])
 */
export function bernoulli(key: Array, p: ArrayLike = 0.5, shape: readonly number[] = []): Array {
  return less(uniform(key, shape), p);
}

/**
 * A random permutation of `0..n-1`, or of `x` along its first axis.
 *
 * @example
 * random.permutation(random.key(0), 5) // e.g. [3, 0, 4, 1, 2]
 */
export function permutation(key: Array, x: number | Array): Array {
  const n = typeof x === "number" ? x : x.shape[0];
  if (n === undefined || !Number.isInteger(n) || n < 0) throw new Error(`random.permutation: needs a count or an array of rank ≥ 1`);
  const order = argsort(uniform(key, [n]));
  return typeof x === "number" ? order : take(x, order, { axis: 0 });
}

