// The Hessian of f at params as an operator on flat vectors, built from Hessian-vector
// products only, and the option checks the spectral estimators share. grad(f) is
// linearized once (forward-over-reverse): each product then replays only the staged
// tangent program, about two gradients' work, and the Hessian is never formed. The
// products work on the pytree itself; only the vectors handed to Lanczos are flat, because
// differentiating through ravelPytree's slices would add a full-size buffer per leaf.
import { checkFinite, checkInteger, describe, isFloat } from "../array/index.js";
import { Array, keyArg, np, tree, type TreeDef } from "../core/index.js";
import * as random from "../random/index.js";
import { grad, linearize, vmap, type GradOf } from "../transforms/index.js";

/** H·v on flat vectors (in `ravelPytree`'s order), with a count of the products made. */
export interface HessianOperator<T> {
  /** The number of parameters. */
  n: number;
  /** H·v for a flat v of length n; a NaN or infinite product is an error naming `op`. */
  product(v: Float64Array): Float64Array;
  /**
   * H·vᵢ for each vᵢ, as one batch (vmap): the products inside become matrix products,
   * which run far faster than matrix–vector ones (6× on a logistic regression, 4000 × 500).
   * The values are `product`'s (bit for bit where vmap keeps each sum's order, as its
   * matmul and reductions do). Keep a batch to `probeBatch(n)` vectors.
   */
  products(vs: readonly Float64Array[]): Float64Array[];
  /** How many products have been made. */
  count(): number;
  /** A flat vector of length n as a pytree with params' structure. */
  unflatten(v: Float64Array): GradOf<T>;
}

/** params' float64 leaves, their structure, and the maps between flat vectors and pytrees. */
export interface Layout<T> {
  n: number;
  leaves: Array[];
  def: TreeDef;
  /** Leaf i is elements offsets[i] to offsets[i + 1] of a flat vector. */
  offsets: number[];
  /** The parameters as float64 leaves in params' structure. */
  point: T;
  /** A flat vector of length n as a pytree with params' structure (Array leaves). */
  unflatten(v: Float64Array): GradOf<T>;
}

/**
 * params' leaves as float64 Arrays (numbers become 0-d Arrays, float32 is widened), checked
 * for `op`, with the flat layout of `ravelPytree`.
 *
 * @example
 * layoutOf("hessianTrace", { W: np.ones([2, 2]), b: 0 }).n; // 5
 */
export function layoutOf<T>(op: string, params: T): Layout<T> {
  const [raw, def] = tree.flatten(params);
  const leaves = raw.map((l, i) => {
    if (typeof l === "number") return np.array(l);
    if (!(l instanceof Array)) throw new Error(`${op}: params must be a pytree of Arrays and numbers, but leaf ${i} is ${describe(l)}`);
    if (!isFloat(l.dtype)) throw new Error(`${op}: params leaf ${i} has dtype ${l.dtype}; the Hessian needs float leaves`);
    return l.dtype === "float64" ? l : np.astype(l, "float64");
  });
  const offsets = [0];
  for (const l of leaves) offsets.push(offsets[offsets.length - 1]! + l.size);
  const n = offsets[offsets.length - 1]!;
  if (n === 0) throw new Error(`${op}: params has no elements`);
  const unflatten = (v: Float64Array) =>
    tree.unflatten(def, leaves.map((l, i) => np.reshape(np.array(v.subarray(offsets[i]!, offsets[i + 1]!)), l.shape))) as GradOf<T>;
  return { n, leaves, def, offsets, point: tree.unflatten(def, leaves) as T, unflatten };
}

/**
 * The Hessian of the scalar function f at params (any pytree of float Arrays and numbers,
 * taken in float64) as an operator on flat vectors; see {@link HessianOperator}.
 *
 * @example
 * const H = hessianOperator("hessianTrace", (x: Array) => x.square().sum(), np.array([1, 2]));
 * H.product(Float64Array.of(1, 0)); // Float64Array [2, 0]
 */
export function hessianOperator<T>(op: string, f: (params: T) => unknown, params: T): HessianOperator<T> {
  checkFunction(op, f);
  const { n, leaves, def, offsets, point, unflatten } = layoutOf(op, params);
  const [, tangentOfGrad] = linearize(grad(scalarOf(op, f)), point);
  const batched = vmap((t: unknown) => tangentOfGrad(t as never));
  let count = 0;
  const finite = (hv: Float64Array) => {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(hv[i]!)) throw new Error(`${op}: a Hessian-vector product is NaN or infinite: f's Hessian is not finite at params`);
    }
    return hv;
  };
  const product = (v: Float64Array): Float64Array => {
    count++;
    const out = tree.leaves(tangentOfGrad(unflatten(v) as never)) as Array[];
    const hv = new Float64Array(n);
    out.forEach((l, i) => hv.set(l.toFloat64Array(), offsets[i]!));
    return finite(hv);
  };
  const products = (vs: readonly Float64Array[]): Float64Array[] => {
    if (vs.length <= 1) return vs.map(product);
    count += vs.length;
    // Leaf i of every vector, stacked along a leading batch axis.
    const size = (i: number) => offsets[i + 1]! - offsets[i]!;
    const stacked = leaves.map((l, i) => {
      const data = new Float64Array(vs.length * size(i));
      vs.forEach((v, b) => data.set(v.subarray(offsets[i]!, offsets[i + 1]!), b * size(i)));
      return np.reshape(np.array(data), [vs.length, ...l.shape]);
    });
    const out = tree.leaves(batched(tree.unflatten(def, stacked))) as Array[];
    const hvs = vs.map(() => new Float64Array(n));
    out.forEach((l, i) => {
      const data = l.toFloat64Array();
      hvs.forEach((hv, b) => hv.set(data.subarray(b * size(i), (b + 1) * size(i)), offsets[i]!));
    });
    return hvs.map(finite);
  };
  return { n, product, products, count: () => count, unflatten };
}

/**
 * How many probes to run at once (a batch for `products`, at most 16) when each holds
 * `elements` float64 values (its vector, or its Krylov basis): as many as fit in 8 MB.
 *
 * @example
 * probeBatch(500); // 16
 */
export const probeBatch = (elements: number): number => Math.max(1, Math.min(16, Math.floor(2 ** 20 / elements)));

/** f, checked to return a scalar where it is called (so the error names `op`, not grad). @example scalarOf("landscape.hessianTrace", (x: Array) => x)(np.ones([2])); // Error: … f must return a scalar … */
export function scalarOf<T>(op: string, f: (params: T) => unknown): (params: T) => Array {
  return (p) => {
    const y = f(p);
    if (y instanceof Array && y.ndim !== 0) throw new Error(`${op}: f must return a scalar, got an array of shape (${y.shape})`);
    return y as Array;
  };
}

/** f must be a function. @example checkFunction("landscape.hessianEigs", 3); // Error: landscape.hessianEigs: f must be a function … */
export function checkFunction(op: string, f: unknown): void {
  if (typeof f !== "function") throw new Error(`${op}: f must be a function of params returning a scalar, got ${describe(f)}`);
}

/** `count` random keys from `key` (default random.key(0)), checked for `op`. @example keysFrom("hessianTrace", random.key(1), 10).length; // 10 */
export function keysFrom(op: string, key: unknown, count: number): Array[] {
  const k = key === undefined ? random.key(0) : keyArg(op, key);
  return count === 1 ? [k] : [...random.split(k, count)];
}

/** A Rademacher vector (entries ±1 with probability ½ each) of length n. @example rademacher(random.key(0), 3); // e.g. Float64Array [1, -1, -1] */
export function rademacher(key: Array, n: number): Float64Array {
  const bits = random.bernoulli(key, 0.5, [n]).toFloat64Array();
  return bits.map((b) => 2 * b - 1);
}

/** A positive integer option. @example positiveInt("landscape.hessianTrace", "samples", 0, 100); // Error: landscape.hessianTrace: samples must be a positive integer, got 0 */
export const positiveInt = (op: string, name: string, v: unknown, fallback: number): number => checkInteger(op, name, v, fallback, 1);

/** A finite number option in [lo, ∞) (lo itself excluded when `open`). @example atLeast("landscape.hessianDensity", "sigma", 0, 0.01, 0, true); // Error: landscape.hessianDensity: sigma must be a finite number > 0, got 0 */
export function atLeast(op: string, name: string, v: unknown, fallback: number, lo: number, open: boolean): number {
  const x = checkFinite(op, name, v, fallback);
  if (open ? !(x > lo) : !(x >= lo)) throw new Error(`${op}: ${name} must be a finite number ${open ? ">" : "≥"} ${lo}, got ${describe(v)}`);
  return x;
}

/** xᵀ·y @example dot(Float64Array.of(1, 2), Float64Array.of(3, 4)); // 11 */
export const dot = (x: Float64Array, y: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};

/** The sample mean and its standard error (NaN for a single sample). @example meanAndStderr([1, 3]); // [2, 1] */
export function meanAndStderr(xs: readonly number[]): [number, number] {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2) return [m, NaN];
  const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return [m, Math.sqrt(variance / xs.length)];
}
