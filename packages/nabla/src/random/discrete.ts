// Discrete samplers: bernoulli, categorical (Gumbel-max), choice, permutation, randint
// and poisson (kernels with exact rejection, in array/kernels/random.ts). Their results
// are bools or int32 indices and counts: no derivative flows through them.
import { Array, bind1, np, floatArg, type ArrayLike, keyArg } from "../core/index.js";
import { checkFlag, checkInteger, checkOptions, describe, normalizeAxis, shapeString } from "../array/index.js";
import { randomPoisson, randomRandint, randomUniform } from "./primitives.js";
import { param, resultShape, sampleShape, spread } from "./args.js";
import { gumbel } from "./continuous.js";

/**
 * Booleans that are true with probability `p`, as JAX: without `shape`, one per element
 * of p; with it, p must broadcast to `shape`. p is compared in its float dtype (float64
 * unless it is a float32 Array).
 *
 * @example
 * random.bernoulli(random.key(0), 0.3, [100])
 */
export function bernoulli(key: Array, p: ArrayLike = 0.5, shape?: readonly number[]): Array {
  const op = "random.bernoulli";
  const k = keyArg(op, key);
  const dtype = p instanceof Array && p.dtype === "float32" ? "float32" : "float64";
  const pr = param(op, "p", p, dtype);
  const sh = resultShape(op, shape, [["p", pr.shape]], dtype);
  return np.less(bind1(randomUniform, [k], { shape: sh, dtype }), pr);
}

/**
 * Indices drawn from categorical distributions with unnormalized log-probabilities
 * `logits` along `axis` (default −1), by the Gumbel-max trick as JAX: argmax(logits +
 * Gumbel noise) is distributed as softmax(logits). int32, of `shape` (default: logits'
 * shape without `axis`; given, it must end in a shape that one broadcasts to). −∞ logits
 * are never drawn.
 *
 * @example
 * random.categorical(random.key(0), np.log(np.array([0.2, 0.8])), { shape: [1000] }) // ≈ 80% ones
 */
export function categorical(key: Array, logits: ArrayLike, opts: { axis?: number; shape?: readonly number[] } = {}): Array {
  const op = "random.categorical";
  const k = keyArg(op, key);
  const o = checkOptions(op, opts, ["axis", "shape"]);
  const lg = floatArg(op, "logits", logits);
  if (lg.ndim === 0) throw new Error(`${op}: logits must have at least one axis, got a 0-d Array`);
  const axis = normalizeAxis(op, o.axis ?? -1, lg.ndim);
  if (lg.shape[axis] === 0) throw new Error(`${op}: logits have no categories (length 0 along axis ${axis})`);
  const batch = lg.shape.filter((_, i) => i !== axis);
  const sh = resultShape(op, o.shape, [["logits (without axis)", batch]], lg.dtype);
  const prefix = sh.slice(0, sh.length - batch.length);
  const noiseShape = [...prefix, ...sh.slice(sh.length - batch.length)];
  noiseShape.splice(prefix.length + axis, 0, lg.shape[axis]!);
  sampleShape(op, noiseShape, lg.dtype);
  const noisy = np.add(gumbel(k, noiseShape, { dtype: lg.dtype }), lg);
  return np.argmax(noisy, { axis: prefix.length + axis });
}

/**
 * A random sample from `a` (an Array, along `axis`, default 0; or a count n, for
 * 0..n−1), of `shape` (default one draw, []): with replacement (the default) or without,
 * uniformly or with probabilities `p` (1-D, one per entry; normalized here). As JAX:
 * uniform draws with replacement use randint, without it a permutation; weighted draws
 * with replacement invert the cumulative sum, without it take the top of Gumbel-perturbed
 * log-probabilities (the Gumbel-top-k trick). The result's shape is `shape` for a count,
 * else a's shape with `axis` replaced by `shape`.
 *
 * @example
 * random.choice(random.key(0), 5, [3], { replace: false }) // [1, 0, 4]
 */
export function choice(
  key: Array,
  a: number | Array,
  shape: readonly number[] = [],
  opts: { replace?: boolean; p?: ArrayLike; axis?: number } = {},
): Array {
  const op = "random.choice";
  const k = keyArg(op, key);
  const o = checkOptions(op, opts, ["replace", "p", "axis"]);
  const replace = checkFlag(op, "replace", o.replace, true);
  const sh = sampleShape(op, shape, "int32");
  const isCount = typeof a === "number";
  if (!isCount && !(a instanceof Array && a.ndim >= 1)) throw new Error(`${op}: a must be a count or an Array of rank ≥ 1, got ${describe(a)}`);
  const axis = isCount ? 0 : normalizeAxis(op, o.axis ?? 0, a.ndim);
  const n = isCount ? checkInteger(op, "a", a, undefined, 0) : a.shape[axis]!;
  const draws = sh.reduce((q, d) => q * d, 1);
  const pr = o.p === undefined ? undefined : floatArg(op, "p", o.p);
  if (pr && (pr.ndim !== 1 || pr.shape[0] !== n)) throw new Error(`${op}: p must have shape (${n},), one per entry of a, got ${shapeString(pr.shape)}`);
  const outShape = isCount ? sh : [...a.shape.slice(0, axis), ...sh, ...a.shape.slice(axis + 1)];
  if (draws === 0) return np.zeros(outShape, { dtype: isCount ? "int32" : a.dtype });
  if (n === 0) throw new Error(`${op}: a has no entries to draw from`);
  if (!replace && draws > n) throw new Error(`${op}: cannot draw ${draws} without replacement from ${n} entries`);
  let idx: Array;
  if (!pr) idx = replace ? randint(k, sh, 0, n) : np.reshape(np.slice(permutation(k, n), [0, draws]), sh);
  else if (replace) {
    const cum = np.cumsum(pr);
    const r = np.mul(np.slice(cum, -1), np.sub(1, bind1(randomUniform, [k], { shape: sh, dtype: pr.dtype })));
    // Clipped: rounding in the cumulative sum must not give the index n.
    idx = np.minimum(np.searchsorted(cum, r), n - 1);
  } else {
    const g = np.sub(np.neg(gumbel(k, [n], { dtype: pr.dtype })), np.log(pr));
    idx = np.reshape(np.slice(np.argsort(g), [0, draws]), sh);
  }
  return isCount ? idx : np.reshape(np.take(a, np.reshape(idx, [-1]), { axis }), outShape);
}

/**
 * A random permutation of 0..n−1, or of `x` along `axis` (default 0), by sorting uniform
 * keys (ties have probability ~n²/2⁵⁴). With `independent`, each slice along `axis` is
 * shuffled on its own.
 *
 * @example
 * random.permutation(random.key(0), 5) // [1, 0, 4, 3, 2]
 */
export function permutation(key: Array, x: number | Array, opts: { axis?: number; independent?: boolean } = {}): Array {
  const op = "random.permutation";
  const k = keyArg(op, key);
  const o = checkOptions(op, opts, ["axis", "independent"]);
  const independent = checkFlag(op, "independent", o.independent, false);
  if (typeof x === "number") {
    const n = checkInteger(op, "x", x, undefined, 0);
    normalizeAxis(op, o.axis ?? 0, 1);
    return np.argsort(bind1(randomUniform, [k], { shape: sampleShape(op, [n], "float64"), dtype: "float64" }));
  }
  if (!(x instanceof Array && x.ndim >= 1)) throw new Error(`${op}: x must be a count or an Array of rank ≥ 1, got ${describe(x)}`);
  const axis = normalizeAxis(op, o.axis ?? 0, x.ndim);
  if (independent && x.ndim > 1) {
    const u = bind1(randomUniform, [k], { shape: sampleShape(op, x.shape, "float64"), dtype: "float64" });
    return np.takeAlongAxis(x, np.argsort(u, { axis }), { axis });
  }
  const order = np.argsort(bind1(randomUniform, [k], { shape: sampleShape(op, [x.shape[axis]!], "float64"), dtype: "float64" }));
  return np.take(x, order, { axis });
}

/**
 * Uniform integers in [minval, maxval) (int32) of `shape`; minval and maxval broadcast to
 * it. Exactly unbiased (rejection of the last partial span of 32-bit words). Bounds are
 * truncated to integers and clipped to int32 (maxval up to 2³¹, so that 2³¹ − 1 can be
 * drawn); maxval ≤ minval gives minval, as JAX.
 *
 * @example
 * random.randint(random.key(0), [5], 0, 10) // [0, 8, 7, 5, 8]
 */
export function randint(key: Array, shape: readonly number[], minval: ArrayLike, maxval: ArrayLike, opts: { dtype?: "int32" } = {}): Array {
  const op = "random.randint";
  const k = keyArg(op, key);
  const o = checkOptions(op, opts, ["dtype"]);
  if (o.dtype !== undefined && o.dtype !== "int32") throw new Error(`${op}: dtype ${describe(o.dtype)} is not int32 (the only integer dtype)`);
  const lo = param(op, "minval", minval, "float64");
  const hi = param(op, "maxval", maxval, "float64");
  const sh = resultShape(op, shape, [["minval", lo.shape], ["maxval", hi.shape]], "int32");
  return bind1(randomRandint, [k, spread(lo, sh), spread(hi, sh)], {});
}

/**
 * Poisson counts with rate `lam` (int32): Knuth's multiplication of uniforms below λ = 10,
 * Hörmann's transformed rejection (PTRS) from there, as JAX. Without `shape`, one per
 * element of lam; with it, lam must broadcast to `shape`. λ = 0 gives 0; λ negative, NaN
 * or above 2³⁰ (where counts near 2³¹ would not fit int32) gives −1.
 *
 * @example
 * random.poisson(random.key(0), 3, [1000]) // mean ≈ 3
 */
export function poisson(key: Array, lam: ArrayLike, shape?: readonly number[], opts: { dtype?: "int32" } = {}): Array {
  const op = "random.poisson";
  const k = keyArg(op, key);
  const o = checkOptions(op, opts, ["dtype"]);
  if (o.dtype !== undefined && o.dtype !== "int32") throw new Error(`${op}: dtype ${describe(o.dtype)} is not int32 (the only integer dtype)`);
  const rate = param(op, "lam", lam, "float64");
  const sh = resultShape(op, shape, [["lam", rate.shape]], "int32");
  return bind1(randomPoisson, [k, spread(rate, sh)], {});
}
