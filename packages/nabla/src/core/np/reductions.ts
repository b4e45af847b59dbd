import { axisList, checkFinite, checkFlag, checkOptions, describe, normalizeAxes, normalizeAxis, sizeOf } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { argmax as argmaxP, argmin as argminP, reduceMax, reduceMin, reduceProd, reduceSum } from "../primitives/index.js";
import { arrayArg, floatArg } from "./args.js";
import { astype, type ArrayLike } from "./convert.js";
import { abs, add, div, equal, exp, log, mul, pow, sqrt, square, sub, where } from "./elementwise.js";
import { normScale } from "./normscale.js";
import { reshape } from "./shape.js";

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

function argReduce(op: "argmax" | "argmin", x: ArrayLike, opts: { axis?: number }): Array {
  const a = arrayArg(op, "x", x);
  const { axis } = checkOptions(op, opts, ["axis"]);
  const prim = op === "argmax" ? argmaxP : argminP;
  if (axis === undefined) return bind1(prim, [reshape(a, [-1])], { axis: 0 });
  return bind1(prim, [a], { axis: normalizeAxis(op, axis, a.ndim) });
}

/** Index of the largest element (of the flattened array, or along `axis`). @example np.argmax(x, { axis: 1 }) */
export function argmax(x: ArrayLike, opts: { axis?: number } = {}): Array {
  return argReduce("argmax", x, opts);
}

/** Index of the smallest element (of the flattened array, or along `axis`). @example np.argmin(x) */
export function argmin(x: ArrayLike, opts: { axis?: number } = {}): Array {
  return argReduce("argmin", x, opts);
}

export interface NormOptions {
  /** Vectors: any p > 0, `Infinity`, `-Infinity`, 0 (count). Matrices: "fro", 1, -1, Infinity, -Infinity. */
  ord?: number | "fro";
  axis?: number | readonly [number, number] | null;
  keepdims?: boolean;
}

/**
 * (Σ|x|ᵖ)^(1/p) over `axes`, scale-safe as BLAS nrm2: computed as s·(Σ(|x|/s)ᵖ)^(1/p)
 * with s = max|x| over each slice (`normScale`: held constant for derivatives, which are
 * therefore those of the norm, x/‖x‖ for p = 2), so ‖[1e-300]‖ = 1e-300 and
 * ‖[1e300, 1e300]‖ = √2·1e300 instead of 0 and Infinity.
 */
function scaledPNorm(a: Array, axes: readonly number[], p: number, keepdims: boolean | undefined): Array {
  const sumOver = (y: Array) => sum(y, { axis: axes, keepdims: true });
  const root = (y: Array) => (p === 2 ? sqrt(sumOver(square(y))) : pow(sumOver(pow(abs(y), p)), 1 / p));
  let out: Array;
  if (axes.some((ax) => a.shape[ax] === 0)) {
    out = root(a); // an empty slice has no max to scale by; its norm is 0 anyway
  } else {
    const s = normScale(a, axes);
    out = mul(s, root(div(a, s)));
  }
  return keepdims ? out : reshape(out, a.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Vector or matrix norm, as numpy.linalg.norm: with no axis, the 2-norm of the
 * flattened array (Frobenius for a matrix) unless `ord` is given; one axis gives vector
 * norms, two axes matrix norms. The matrix 2-norm needs singular values and is left to
 * `linalg`.
 *
 * The 2-norm, Frobenius and other p-norms are scale-safe (as BLAS nrm2: the largest
 * magnitude is factored out first), so they neither underflow to 0 nor overflow to
 * Infinity unless the norm itself does. Their derivative is x/‖x‖ for the 2-norm; at
 * x = 0, where the norm has none, it is NaN in both modes (for a derivative defined
 * everywhere, differentiate the squared norm, or √(Σx² + ε)).
 *
 * @example
 * np.norm(np.array([3, 4])).item(); // 5
 * np.norm(np.array([[1, -2], [3, 4]]), { ord: 1 }).item(); // 6
 */
export function norm(x: ArrayLike, opts: NormOptions = {}): Array {
  const a = floatArg("norm", "x", x);
  const given = checkOptions("norm", opts, ["ord", "axis", "keepdims"]);
  const keepdims = checkFlag("norm", "keepdims", given.keepdims, false);
  const ord = given.ord;
  if (ord !== undefined && ord !== "fro" && (typeof ord !== "number" || Number.isNaN(ord))) {
    throw new Error(`norm: ord must be a number or "fro", got ${describe(ord)}`);
  }
  let axis: number | readonly number[];
  if (given.axis === undefined || given.axis === null) {
    if (ord === undefined || ord === "fro") return scaledPNorm(a, [...a.shape.keys()], 2, keepdims);
    if (a.ndim === 1) axis = 0;
    else if (a.ndim === 2) axis = [0, 1];
    else throw new Error(`norm: ord ${ord} needs a 1-D or 2-D array or an axis, got rank ${a.ndim}`);
  } else {
    const list = axisList("norm", given.axis);
    if (list.length !== 1 && list.length !== 2) throw new Error(`norm: axis must be one axis (vector norms) or two (matrix norms), got ${describe(given.axis)}`);
    axis = list.length === 1 ? list[0]! : list;
  }
  if (typeof axis === "number") {
    // Normalized here so a bad axis is reported as norm's, not sum's or max's.
    const o = { axis: normalizeAxis("norm", axis, a.ndim), keepdims };
    const p = ord ?? 2;
    if (p === "fro") throw new Error("norm: ord 'fro' needs two axes");
    if (p === Infinity) return max(abs(a), o);
    if (p === -Infinity) return min(abs(a), o);
    if (p === 0) return sum(astype(where(equal(a, 0), 0, 1), a.dtype), o);
    if (p === 1) return sum(abs(a), o);
    // p = 1 and ±∞ are sums and maxima of |x|: they overflow only when the norm does.
    return scaledPNorm(a, [o.axis], p, keepdims);
  }
  const [r, c] = axis.map((ax) => normalizeAxis("norm", ax, a.ndim)) as [number, number];
  if (r === c) throw new Error(`norm: the two axes must differ, got [${axis.join(",")}]`);
  const rowsThenCols = (inner: number, outer: number, pick: typeof max) => {
    const s = sum(abs(a), { axis: inner, keepdims: true });
    const out = pick(s, { axis: outer, keepdims: true });
    return keepdims ? out : reshape(out, a.shape.filter((_, i) => i !== inner && i !== outer));
  };
  switch (ord ?? "fro") {
    case "fro":
      return scaledPNorm(a, [r, c], 2, keepdims);
    case 1:
      return rowsThenCols(r, c, max);
    case -1:
      return rowsThenCols(r, c, min);
    case Infinity:
      return rowsThenCols(c, r, max);
    case -Infinity:
      return rowsThenCols(c, r, min);
    default:
      throw new Error(`norm: matrix ord ${ord} is not supported here (the 2-norm needs singular values: use linalg)`);
  }
}
