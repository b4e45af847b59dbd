import { broadcastShapes, checkAllocation, checkDtype, checkInteger, checkOptions, checkShape, describe, shapeString, type DType } from "../array/index.js";
import { Array } from "./array.js";
import { bind1 } from "./interpreter.js";
import { arrayArg } from "./np/args.js";
import type { ArrayLike } from "./np/convert.js";
import { array } from "./np/fromdata.js";
import { add, cos, less, log1p, mul, neg, sqrt, sub } from "./np/elementwise.js";
import { argsort } from "./np/sort.js";
import { take } from "./np/indexing.js";
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
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new Error(`random.key: seed must be a safe integer, got ${describe(seed)}`);
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
  const k = keyArg("random.split", key);
  return bind1(randomBits, [k], { shape: [checkInteger("random.split", "n", n, 2, 1), 2] });
}

/** `key`, checked to be a PRNG key: an int32 Array of shape (2,), as `key` and `split` make. */
function keyArg(op: string, key: unknown): Array {
  if (key instanceof Array && key.dtype === "int32" && key.ndim === 1 && key.shape[0] === 2) return key;
  const got = key instanceof Array ? `${key.dtype}${shapeString(key.shape)}` : describe(key);
  throw new Error(`${op}: key must be a PRNG key, an int32 array of shape (2,) from random.key, got ${got}`);
}

interface SampleOptions {
  dtype?: DType;
}

/**
 * A sampler's shape, checked, and refused up front when its samples would not fit in
 * memory (so the error names this sampler, not the uniform draw inside it).
 */
function sampleShape(op: string, shape: unknown, dtype: DType): number[] {
  const sh = checkShape(op, shape);
  checkAllocation(op, dtype, sh);
  return sh;
}

/** The options of a sampler, checked; its dtype is float64 (the default) or float32. */
function sampleOptions<K extends string>(op: string, opts: unknown, extra: readonly K[] = []) {
  const o = checkOptions(op, opts, ["dtype", ...extra]);
  return { dtype: o.dtype === undefined ? "float64" : checkDtype(op, o.dtype, ["float32", "float64"]), o };
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
  const op = "random.uniform";
  const k = keyArg(op, key);
  const { dtype, o } = sampleOptions(op, opts, ["minval", "maxval"]);
  const lo = arrayArg(op, "minval", o.minval ?? 0, dtype);
  const hi = arrayArg(op, "maxval", o.maxval ?? 1, dtype);
  const u = bind1(randomUniform, [k], { shape: sampleShape(op, shape, dtype), dtype });
  return o.minval === undefined && o.maxval === undefined ? u : add(lo, mul(u, sub(hi, lo)));
}

/**
 * Standard normal samples (Box–Muller on two independent uniform streams).
 *
 * @example
 * random.normal(random.key(0), [1000]).mean() // ≈ 0
 */
export function normal(key: Array, shape: readonly number[] = [], opts: SampleOptions = {}): Array {
  const { dtype } = sampleOptions("random.normal", opts);
  const [k1, k2] = split(keyArg("random.normal", key));
  sampleShape("random.normal", shape, dtype);
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
  const op = "random.bernoulli";
  const k = keyArg(op, key);
  const sh = sampleShape(op, shape, "float64");
  broadcastShapes(op, sh, arrayArg(op, "p", p).shape);
  return less(uniform(k, sh), p);
}

/**
 * A random permutation of `0..n-1`, or of `x` along its first axis.
 *
 * @example
 * random.permutation(random.key(0), 5) // e.g. [3, 0, 4, 1, 2]
 */
export function permutation(key: Array, x: number | Array): Array {
  const k = keyArg("random.permutation", key);
  const n = typeof x === "number" ? checkInteger("random.permutation", "x", x, undefined, 0) : x instanceof Array ? x.shape[0] : undefined;
  if (n === undefined) throw new Error(`random.permutation: x must be a count or an Array of rank ≥ 1, got ${describe(x)}`);
  const order = argsort(uniform(k, sampleShape("random.permutation", [n], "float64")));
  return typeof x === "number" ? order : take(x, order, { axis: 0 });
}

