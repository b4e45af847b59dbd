import { checkFinite, checkFlag, checkOptions, isFloat, normalizeAxes, normalizeAxis, shapeString, sizeOf } from "../../array/index.js";
import { ConcreteArray, type Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { argmax as argmaxP, argmin as argminP, reduceMax, reduceMin, reduceProd, reduceSum } from "../primitives/index.js";
import { arrayArg, floatArg, promotedDtype } from "./args.js";
import { astype, type ArrayLike } from "./convert.js";
import { full } from "./creation.js";
import { abs, add, div, equal, exp, greater, log, logicalNot, mul, sqrt, square, sub, where } from "./elementwise.js";
import { broadcastTo, reshape } from "./shape.js";

/** Which axes to reduce (all when omitted) and whether to keep them as size 1. */
export interface AxisOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

type ReducePrim = typeof reduceSum;

const AXIS_OPTIONS = ["axis", "keepdims"] as const;

/** Checked `axis` and `keepdims` options (and the others named in `extra`) for an array of x's rank. */
function axisOptions<K extends string>(op: string, x: Array, opts: unknown, extra?: readonly K[]) {
  const o = checkOptions(op, opts, extra ? ["axis", "keepdims", ...extra] : AXIS_OPTIONS);
  return { axes: normalizeAxes(op, o.axis, x.ndim), keepdims: checkFlag(op, "keepdims", o.keepdims, false), o };
}

/** Reduces with `prim`, then restores reduced axes as size 1 when `keepdims`. */
function reduceWith(op: string, prim: ReducePrim, x: Array, opts: unknown): Array {
  const { axes, keepdims } = axisOptions(op, x, opts);
  const out = bind1(prim, [x], { axes });
  return keepdims ? reshape(out, keptShape(x.shape, axes)) : out;
}

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Integer and bool sums count in int32, as numpy's sum of a mask. */
function countable(op: string, x: ArrayLike): Array {
  const a = arrayArg(op, "x", x);
  return a.dtype === "bool" ? astype(a, "int32") : a;
}

/**
 * Sum over `axis` (all axes by default).
 *
 * @example
 * np.sum(np.array([[1, 2], [3, 4]]), { axis: 0 }).toArray(); // [4, 6]
 */
export function sum(x: ArrayLike, opts: AxisOptions = {}): Array {
  return reduceWith("sum", reduceSum, countable("sum", x), opts);
}

/** Product over `axis`. @example np.prod(np.array([1, 2, 3])).item() // 6 */
export function prod(x: ArrayLike, opts: AxisOptions = {}): Array {
  return reduceWith("prod", reduceProd, countable("prod", x), opts);
}

/** Largest element over `axis` (NaN wins). @example np.max(x, { axis: -1 }) */
export function max(x: ArrayLike, opts: AxisOptions = {}): Array {
  return reduceWith("max", reduceMax, arrayArg("max", "x", x), opts);
}

/** Smallest element over `axis` (NaN wins). @example np.min(x) */
export function min(x: ArrayLike, opts: AxisOptions = {}): Array {
  return reduceWith("min", reduceMin, arrayArg("min", "x", x), opts);
}

/** Arithmetic mean over `axis`. @example np.mean(np.array([1, 2, 3, 4])).item() // 2.5 */
export function mean(x: ArrayLike, opts: AxisOptions = {}): Array {
  const a = floatArg("mean", "x", x);
  const { axes, keepdims } = axisOptions("mean", a, opts);
  return div(sum(a, { axis: axes, keepdims }), sizeOf(axes.map((ax) => a.shape[ax]!)));
}

/**
 * Variance over `axis`, dividing by N − ddof (ddof = 0 by default, as numpy). As numpy,
 * the divisor is never negative: with ddof ≥ N it is 0, and the variance inf (NaN where
 * every element is the same, or the slice is empty), not a negative number.
 *
 * @example
 * np.var(np.array([1, 2, 3, 4])).item(); // 1.25
 */
export function variance(x: ArrayLike, opts: AxisOptions & { ddof?: number } = {}): Array {
  return varianceAs("var", x, opts);
}
export { variance as var };

/** Standard deviation: √var. @example np.std(x, { ddof: 1 }) */
export function std(x: ArrayLike, opts: AxisOptions & { ddof?: number } = {}): Array {
  return sqrt(varianceAs("std", x, opts));
}

/** The variance, with errors (a bad axis) named after `op`, the function called. */
function varianceAs(op: string, x: ArrayLike, opts: AxisOptions & { ddof?: number }): Array {
  const a = floatArg(op, "x", x);
  const { axes, keepdims, o } = axisOptions(op, a, opts, ["ddof"]);
  const ddof = checkFinite(op, "ddof", o.ddof, 0);
  const n = sizeOf(axes.map((ax) => a.shape[ax]!));
  const centered = sub(a, mean(a, { axis: axes, keepdims: true }));
  // numpy's divisor max(N − ddof, 0): past N degrees of freedom the variance is infinite, not negative.
  return div(sum(square(centered), { axis: axes, keepdims }), Math.max(n - ddof, 0));
}

/**
 * log Σ exp(x) over `axis`, computed as m + log Σ exp(x − m) with m the maximum, so
 * large inputs do not overflow; an all −∞ slice, or an empty one, gives −∞.
 *
 * @example
 * np.logsumexp(np.array([1000, 1000])).item(); // 1000 + log 2
 */
export function logsumexp(x: ArrayLike, opts: AxisOptions = {}): Array {
  const a = floatArg("logsumexp", "x", x);
  // Checked here so a bad axis is reported as logsumexp's, not max's.
  const { axes, keepdims } = axisOptions("logsumexp", a, opts);
  // An empty slice has no max (its sum of exponentials is 0, and the result −∞): no shift.
  if (axes.some((ax) => a.shape[ax] === 0)) return log(sum(exp(a), { axis: axes, keepdims }));
  const m = max(a, { axis: axes, keepdims: true });
  // A slice that is all −∞ (or has +∞) has a non-finite max; shift by 0 there instead.
  const shift = where(equal(abs(m), Infinity), 0, m);
  const s = log(sum(exp(sub(a, shift)), { axis: axes, keepdims: true }));
  const out = add(s, shift);
  return keepdims ? out : reshape(out, a.shape.filter((_, i) => !axes.includes(i)));
}

function argReduce(op: "argmax" | "argmin", x: ArrayLike, opts: unknown): Array {
  const a = arrayArg(op, "x", x);
  const o = checkOptions(op, opts, ["axis", "keepdims"]);
  const keepdims = checkFlag(op, "keepdims", o.keepdims, false);
  const prim = op === "argmax" ? argmaxP : argminP;
  if (o.axis === undefined || o.axis === null) {
    const out = bind1(prim, [reshape(a, [-1])], { axis: 0 });
    return keepdims ? reshape(out, a.shape.map(() => 1)) : out;
  }
  const axis = normalizeAxis(op, o.axis, a.ndim);
  const out = bind1(prim, [a], { axis });
  return keepdims ? reshape(out, keptShape(a.shape, [axis])) : out;
}

/** The options of argmax and argmin: one axis (the flattened array by default), and keepdims. */
export interface ArgOptions {
  axis?: number | null;
  keepdims?: boolean;
}

/**
 * Index of the first largest element (of the flattened array, or along `axis`), int32;
 * NaN counts as the largest. `keepdims` keeps the axis as size 1.
 *
 * @example
 * np.argmax(np.array([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [1, 0]
 */
export function argmax(x: ArrayLike, opts: ArgOptions = {}): Array {
  return argReduce("argmax", x, opts);
}

/**
 * Index of the first smallest element (of the flattened array, or along `axis`), int32.
 *
 * @example
 * np.argmin(np.array([3, 1, 2])).item(); // 1
 */
export function argmin(x: ArrayLike, opts: ArgOptions = {}): Array {
  return argReduce("argmin", x, opts);
}

/**
 * Whether every element over `axis` (all axes by default) is true (nonzero; NaN is
 * true), as a bool Array; an empty reduction is true.
 *
 * @example
 * np.all(np.array([[1, 0], [2, 3]]), { axis: 1 }).toArray(); // [false, true]
 */
export function all(x: ArrayLike, opts: AxisOptions = {}): Array {
  const a = arrayArg("all", "x", x);
  const { axes, keepdims } = axisOptions("all", a, opts);
  // Counting the false elements: an empty slice counts none, so is true, as numpy.
  return equal(sum(logicalNot(a), { axis: axes, keepdims }), 0);
}

/**
 * Whether any element over `axis` (all axes by default) is true (nonzero; NaN is true),
 * as a bool Array; an empty reduction is false.
 *
 * @example
 * np.any(np.array([0, 0, 3])).item(); // true
 */
export function any(x: ArrayLike, opts: AxisOptions = {}): Array {
  const a = arrayArg("any", "x", x);
  const { axes, keepdims } = axisOptions("any", a, opts);
  return greater(sum(astype(a, "bool"), { axis: axes, keepdims }), 0);
}

/**
 * How many elements over `axis` (all axes by default) are nonzero (NaN counts), int32.
 *
 * @example
 * np.countNonzero(np.array([[0, 1, 7], [0, 0, NaN]]), { axis: 1 }).toArray(); // [2, 1]
 */
export function countNonzero(x: ArrayLike, opts: AxisOptions = {}): Array {
  const a = arrayArg("countNonzero", "x", x);
  const { axes, keepdims } = axisOptions("countNonzero", a, opts);
  return sum(astype(a, "bool"), { axis: axes, keepdims });
}

/** The options of average. */
export interface AverageOptions extends AxisOptions {
  /** One weight per element of x, or (with one axis) a 1-D list of weights along it. */
  weights?: ArrayLike;
  /** Also return the sum of the weights (the count without weights), shaped like the average. */
  returned?: boolean;
}

/**
 * The weighted mean Σ w·x / Σ w over `axis` (all axes by default), as numpy's average:
 * without weights, the mean. With `returned: true`, [average, sum of weights].
 * Differentiable in x and the weights. Weights that sum to zero are an error when
 * their values are known (outside jit and vmap), and give NaN or ±∞ under them.
 *
 * @example
 * np.average(np.array([1, 2, 4]), { weights: np.array([3, 1, 0]) }).item(); // 1.25
 */
export function average(x: ArrayLike, opts: AverageOptions & { returned: true }): [Array, Array];
export function average(x: ArrayLike, opts?: AverageOptions & { returned?: false }): Array;
export function average(x: ArrayLike, opts: AverageOptions = {}): Array | [Array, Array] {
  const x0 = arrayArg("average", "x", x);
  const { axes, keepdims, o } = axisOptions("average", x0, opts, ["weights", "returned"]);
  const returned = checkFlag("average", "returned", o.returned, false);
  if (o.weights === undefined) {
    const avg = mean(x0, { axis: axes, keepdims });
    return returned ? [avg, full(avg.shape, x0.size / Math.max(avg.size, 1), { dtype: avg.dtype })] : avg;
  }
  const w0 = arrayArg("average", "weights", o.weights);
  const dt = promotedDtype([x0, w0]);
  const dtype = isFloat(dt) ? dt : "float64";
  const a = arrayArg("average", "x", x0, dtype);
  let w = arrayArg("average", "weights", w0, dtype);
  if (shapeString(w.shape) !== shapeString(a.shape)) {
    if (o.axis === undefined || o.axis === null) throw new Error(`average: weights ${shapeString(w.shape)} differ from x ${shapeString(a.shape)}, so an axis is needed`);
    if (w.ndim !== 1 || axes.length !== 1) throw new Error(`average: weights ${shapeString(w.shape)} that differ from x ${shapeString(a.shape)} must be 1-D, along one axis`);
    if (w.shape[0] !== a.shape[axes[0]!]) throw new Error(`average: ${w.shape[0]} weights do not fit axis ${axes[0]} of length ${a.shape[axes[0]!]}`);
    w = reshape(w, a.shape.map((n, i) => (i === axes[0] ? n : 1)));
  }
  const scale = sum(w, { axis: axes, keepdims: true });
  if (scale instanceof ConcreteArray && scale.storage.data.some((v) => v === 0)) {
    throw new Error("average: the weights sum to zero, so they cannot be normalized");
  }
  const kept = keptShape(a.shape, axes);
  const shaped = (y: Array) => (keepdims ? y : reshape(y, a.shape.filter((_, i) => !axes.includes(i))));
  const avg = shaped(div(sum(mul(a, w), { axis: axes, keepdims: true }), scale));
  return returned ? [avg, shaped(broadcastTo(scale, kept))] : avg;
}
