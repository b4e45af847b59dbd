// Normalizations over axes (softmax, logSoftmax, standardize) and one-hot encoding, as
// jax.nn defines them.
import {
  broadcastShapes, checkAllocation, checkDtype, checkFinite, checkInteger, checkOptions, describe, normalizeAxis, type DType,
} from "../array/index.js";
import { Array, np } from "../core/index.js";
import { stopGradient } from "../transforms/index.js";
import { axesOption, floatInput } from "./args.js";

/**
 * x minus its maximum over `axes`, the maximum held constant for derivatives (the
 * results are shift-invariant, so their derivatives are exact, and no derivative flows
 * through the max). Every exponent is then ≤ 0: nothing overflows, and the largest term
 * is 1, so sums are ≥ 1. A slice that is all −∞ (or holds +∞) gives NaN, as in JAX.
 */
function shifted(x: Array, axes: readonly number[]): Array {
  return np.sub(x, stopGradient(np.max(x, { axis: axes, keepdims: true })));
}

/** An empty normalization axis leaves nothing to normalize: the result is empty too. */
const emptyAlong = (x: Array, axes: readonly number[]) => axes.some((a) => x.shape[a] === 0);

/**
 * exp(x) / Σ exp(x) over `axis` (default −1; a list, or null for every axis), computed
 * after subtracting the maximum so large logits do not overflow. −∞ logits get
 * probability 0; a slice that is all −∞ is NaN, as in JAX. Derivatives are the stable
 * y·(t − Σ y·t).
 *
 * @example
 * nn.softmax(np.array([1000, 1000])).toArray(); // [0.5, 0.5]
 */
export function softmax(x: np.ArrayLike, opts: { axis?: number | readonly number[] | null } = {}): Array {
  const a = floatInput("nn.softmax", "x", x);
  const axes = axesOption("nn.softmax", checkOptions("nn.softmax", opts, ["axis"]).axis, a.ndim);
  if (emptyAlong(a, axes)) return np.zerosLike(a);
  const u = np.exp(shifted(a, axes));
  return np.div(u, np.sum(u, { axis: axes, keepdims: true }));
}

/**
 * x − log Σ exp(x) over `axis` (default −1), as (x − m) − log Σ exp(x − m) with m the
 * maximum: exact for logits of any size (±1e300), −∞ where a logit is −∞, NaN for a
 * slice that is all −∞, as in JAX. Its derivative t − softmax(x)·Σt has no exp(x) to overflow.
 *
 * @example
 * nn.logSoftmax(np.array([0, -Infinity])).toArray(); // [0, -Infinity]
 */
export function logSoftmax(x: np.ArrayLike, opts: { axis?: number | readonly number[] | null } = {}): Array {
  const a = floatInput("nn.logSoftmax", "x", x);
  const axes = axesOption("nn.logSoftmax", checkOptions("nn.logSoftmax", opts, ["axis"]).axis, a.ndim);
  if (emptyAlong(a, axes)) return np.zerosLike(a);
  const s = shifted(a, axes);
  return np.sub(s, np.log(np.sum(np.exp(s), { axis: axes, keepdims: true })));
}

/**
 * (x − mean) / √(variance + epsilon) over `axis` (default −1), as jax.nn.standardize;
 * `mean` and `variance` may be given (broadcasting against x). JAX computes the variance
 * as mean(x²) − mean², which cancels catastrophically for data far from 0 (x = 1e8 + small
 * gives garbage or a negative variance); here it is the same quantity written stably,
 * Var(x) + (μ − m)(μ + m) with the two-pass Var(x) = mean((x − μ)²), μ the data's mean
 * and m the mean used (μ unless given).
 *
 * @example
 * nn.standardize(np.array([1, 2, 3])).toArray(); // ≈ [-1.2247, 0, 1.2247]
 */
export function standardize(
  x: np.ArrayLike,
  opts: { axis?: number | readonly number[] | null; mean?: np.ArrayLike; variance?: np.ArrayLike; epsilon?: number } = {},
): Array {
  const op = "nn.standardize";
  const o = checkOptions(op, opts, ["axis", "mean", "variance", "epsilon"]);
  const a = floatInput(op, "x", x);
  const axes = axesOption(op, o.axis, a.ndim);
  const epsilon = checkFinite(op, "epsilon", o.epsilon, 1e-5);
  const mu = np.mean(a, { axis: axes, keepdims: true });
  const mean = o.mean === undefined ? mu : floatInput(op, "mean", o.mean);
  broadcastShapes(op, a.shape, mean.shape);
  let variance: Array;
  if (o.variance !== undefined) variance = floatInput(op, "variance", o.variance);
  else {
    variance = np.mean(np.square(np.sub(a, mu)), { axis: axes, keepdims: true });
    // mean(x²) − m² = Var(x) + μ² − m²: the correction for a given mean, without cancellation.
    if (o.mean !== undefined) variance = np.add(variance, np.mul(np.sub(mu, mean), np.add(mu, mean)));
  }
  broadcastShapes(op, a.shape, mean.shape, variance.shape);
  return np.div(np.sub(a, mean), np.sqrt(np.add(variance, epsilon)));
}

/**
 * One-hot encoding, as jax.nn.one_hot: a new axis of length `numClasses` (last by
 * default) with 1 where its index equals x. Values outside [0, numClasses), NaN and
 * non-integers give all zeros. `dtype` is float64 by default.
 *
 * @example
 * nn.oneHot(np.array([2, 0], { dtype: "int32" }), 3).toArray(); // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(x: np.ArrayLike, numClasses: number, opts: { dtype?: DType; axis?: number } = {}): Array {
  const op = "nn.oneHot";
  if (!(x instanceof Array) && typeof x !== "number") throw new Error(`${op}: x must be an Array or a number, got ${describe(x)}`);
  const n = checkInteger(op, "numClasses", numClasses, undefined, 0);
  const o = checkOptions(op, opts, ["dtype", "axis"]);
  const dtype = o.dtype === undefined ? "float64" : checkDtype(op, o.dtype);
  let a = np.asArray(x);
  if (a.dtype === "bool") a = np.astype(a, "int32");
  const axis = normalizeAxis(op, o.axis ?? -1, a.ndim + 1);
  const outShape = [...a.shape.slice(0, axis), n, ...a.shape.slice(axis)];
  checkAllocation(op, dtype, outShape);
  checkAllocation(op, a.dtype, [n]); // the class indices, even when x is empty
  const classes = np.reshape(np.arange(n, { dtype: a.dtype }), outShape.map((d, i) => (i === axis ? d : 1)));
  return np.astype(np.equal(np.expandDims(a, axis), classes), dtype);
}
