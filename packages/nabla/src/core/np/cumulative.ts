// Running reductions and differences along an axis: cumsum, cumprod, cummax, cummin,
// cumulativeSum, cumulativeProd, diff, ediff1d, trapezoid.
import { checkFlag, checkInteger, checkOptions, describe, normalizeAxis, shapeString, type DType } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, dtypeOption } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { zeros } from "./creation.js";
import { canCast } from "./dtypes.js";
import { array } from "./fromdata.js";
import { add, div, mul, notEqual, sub } from "./elementwise.js";
import { sum } from "./reductions.js";
import { concatenate, reshape } from "./shape.js";
import { sliceAlong, withAxis } from "./util.js";

/** The options of cumsum and cumprod. */
export interface CumulativeOptions {
  /** The axis to accumulate along; by default the flattened array, as numpy. */
  axis?: number | null;
  /** The dtype to accumulate in and return (bool and int32 inputs count in int32 by default). */
  dtype?: DType;
}

type Op = "sum" | "prod" | "max" | "min";
const PRIMS = { sum: P.cumsum, prod: P.cumprod, max: P.cummax, min: P.cummin };

/** `x` (converted to the accumulating dtype) and the axis, or the flattened x and axis 0. */
function prepare(name: string, op: Op, x: ArrayLike, opts: unknown, extra: readonly string[] = []) {
  const o = checkOptions(name, opts, ["axis", ...(op === "sum" || op === "prod" ? ["dtype"] : []), ...extra]);
  let a = arrayArg(name, "x", x);
  const dtype = dtypeOption(name, o as { dtype?: unknown });
  if (dtype) a = arrayArg(name, "x", a, dtype);
  else if ((op === "sum" || op === "prod") && a.dtype === "bool") a = arrayArg(name, "x", a, "int32");
  const flat = o.axis === undefined || o.axis === null;
  if (flat) a = reshape(a, [-1]);
  return { a, axis: flat ? 0 : normalizeAxis(name, o.axis, a.ndim), o };
}

/** Binds the running reduction; a bool accumulator of sums is a running "or" and of products a running "and", as numpy. */
function accumulate(op: Op, a: Array, axis: number): Array {
  const prim = a.dtype === "bool" ? (op === "sum" ? P.cummax : op === "prod" ? P.cummin : PRIMS[op]) : PRIMS[op];
  return bind1(prim, [a], { axis, reverse: false });
}

/**
 * The running sum along `axis` (of the flattened array by default), as numpy's cumsum:
 * element i is x₀ + … + xᵢ, added in order. Bool and int32 count in int32.
 *
 * @example
 * np.cumsum(np.array([1, 2, 3])).toArray(); // [1, 3, 6]
 * np.cumsum(np.array([[1, 2], [3, 4]]), { axis: 0 }).toArray(); // [[1, 2], [4, 6]]
 */
export function cumsum(x: ArrayLike, opts: CumulativeOptions = {}): Array {
  const { a, axis } = prepare("cumsum", "sum", x, opts);
  return accumulate("sum", a, axis);
}

/**
 * The running product along `axis` (of the flattened array by default), as numpy's
 * cumprod. Its derivatives never divide, so they are exact where x has zeros (and
 * where the product underflows): ∂yᵢ/∂xⱼ = Π_{k ≤ i, k ≠ j} xₖ.
 *
 * @example
 * np.cumprod(np.array([1, 2, 3])).toArray(); // [1, 2, 6]
 */
export function cumprod(x: ArrayLike, opts: CumulativeOptions = {}): Array {
  const { a, axis } = prepare("cumprod", "prod", x, opts);
  return accumulate("prod", a, axis);
}

/**
 * The running maximum along `axis` (of the flattened array by default), as numpy's
 * `maximum.accumulate` (NaN, once met, wins). Its derivative follows the element each
 * output was taken from (at a tie, the latest one).
 *
 * @example
 * np.cummax(np.array([1, 3, 2, 5])).toArray(); // [1, 3, 3, 5]
 */
export function cummax(x: ArrayLike, opts: { axis?: number | null } = {}): Array {
  const { a, axis } = prepare("cummax", "max", x, opts);
  return accumulate("max", a, axis);
}

/**
 * The running minimum along `axis` (of the flattened array by default), as numpy's
 * `minimum.accumulate` (NaN, once met, wins).
 *
 * @example
 * np.cummin(np.array([3, 1, 2, 0])).toArray(); // [3, 1, 1, 0]
 */
export function cummin(x: ArrayLike, opts: { axis?: number | null } = {}): Array {
  const { a, axis } = prepare("cummin", "min", x, opts);
  return accumulate("min", a, axis);
}

/** The options of the array API's cumulativeSum and cumulativeProd. */
export interface CumulativeApiOptions {
  /** Required when x has more than one axis. */
  axis?: number;
  dtype?: DType;
  /** Start with the empty sum (0) or product (1): the result is one longer along the axis. */
  includeInitial?: boolean;
}

function cumulativeApi(name: string, op: "sum" | "prod", x: ArrayLike, opts: unknown): Array {
  const o = checkOptions(name, opts, ["axis", "dtype", "includeInitial"]);
  const a0 = arrayArg(name, "x", x);
  if (a0.ndim > 1 && o.axis === undefined) throw new Error(`${name}: axis is required for an array of rank ${a0.ndim}`);
  const includeInitial = checkFlag(name, "includeInitial", o.includeInitial, false);
  // A 0-d x accumulates as a 1-element vector, as numpy's.
  const { a, axis } = prepare(name, op, a0.ndim === 0 ? reshape(a0, [1]) : a0, { axis: o.axis ?? 0, ...(o.dtype === undefined ? {} : { dtype: o.dtype }) });
  const out = accumulate(op, a, axis);
  if (!includeInitial) return out;
  const first = zeros(withAxis(a.shape, axis, 1), { dtype: out.dtype });
  return concatenate([op === "sum" ? first : add(first, 1), out], { axis });
}

/**
 * The array API's cumulative_sum: cumsum along `axis` (required beyond one axis), with
 * `includeInitial` prepending the empty sum 0.
 *
 * @example
 * np.cumulativeSum(np.array([1, 2, 3]), { includeInitial: true }).toArray(); // [0, 1, 3, 6]
 */
export function cumulativeSum(x: ArrayLike, opts: CumulativeApiOptions = {}): Array {
  return cumulativeApi("cumulativeSum", "sum", x, opts);
}

/**
 * The array API's cumulative_prod: cumprod along `axis` (required beyond one axis), with
 * `includeInitial` prepending the empty product 1.
 *
 * @example
 * np.cumulativeProd(np.array([1, 2, 3]), { includeInitial: true }).toArray(); // [1, 1, 2, 6]
 */
export function cumulativeProd(x: ArrayLike, opts: CumulativeApiOptions = {}): Array {
  return cumulativeApi("cumulativeProd", "prod", x, opts);
}

/** The options of diff. */
export interface DiffOptions {
  /** How many times to difference (default 1; 0 returns x). */
  n?: number;
  /** Default −1, the last axis. */
  axis?: number;
  /** Values put before x along the axis first (a number is one slice of it). */
  prepend?: ArrayLike;
  /** Values put after x along the axis first. */
  append?: ArrayLike;
}

/**
 * The n-th discrete difference along `axis`, as numpy's diff: out[i] = x[i+1] − x[i],
 * repeated n times; for bool, x[i+1] ≠ x[i].
 *
 * @example
 * np.diff(np.array([1, 4, 9, 16])).toArray(); // [3, 5, 7]
 * np.diff(np.array([1, 4, 9, 16]), { n: 2 }).toArray(); // [2, 2]
 */
export function diff(x: ArrayLike, opts: DiffOptions = {}): Array {
  const o = checkOptions("diff", opts, ["n", "axis", "prepend", "append"]);
  let a = arrayArg("diff", "x", x);
  if (a.ndim === 0) throw new Error("diff: needs an array of at least one dimension, got a 0-d one");
  const n = checkInteger("diff", "n", o.n, 1, 0);
  const axis = normalizeAxis("diff", o.axis ?? -1, a.ndim);
  const ends = (["prepend", "append"] as const).flatMap((k) => {
    if (o[k] === undefined) return [];
    const e = arrayArg("diff", k, o[k]);
    // A number stands for one slice along the axis; an array must match x off the axis.
    if (e.ndim === 0) return [bind1(P.broadcastTo, [e], { shape: withAxis(a.shape, axis, 1) })];
    if (e.ndim !== a.ndim || e.shape.some((d, i) => i !== axis && d !== a.shape[i])) {
      throw new Error(`diff: ${k} of shape ${shapeString(e.shape)} does not match x ${shapeString(a.shape)} off axis ${axis}`);
    }
    return [e];
  });
  if (o.prepend !== undefined || o.append !== undefined) {
    const [before, after] = o.prepend === undefined ? [[], ends] : [[ends[0]!], ends.slice(1)];
    a = concatenate([...before, a, ...after], { axis });
  }
  for (let k = 0; k < n; k++) {
    const len = a.shape[axis]!;
    const hi = sliceAlong(a, axis, Math.min(1, len), len);
    const lo = sliceAlong(a, axis, 0, Math.max(len - 1, 0));
    a = a.dtype === "bool" ? notEqual(hi, lo) : sub(hi, lo);
  }
  return a;
}

/**
 * Differences of consecutive elements of the flattened array, with `toBegin` and
 * `toEnd` (numbers or arrays, flattened, cast to x's dtype) put around them, as
 * numpy's ediff1d.
 *
 * @example
 * np.ediff1d(np.array([1, 2, 4, 7]), { toBegin: -99, toEnd: [88, 99] }).toArray(); // [-99, 1, 2, 3, 88, 99]
 */
export function ediff1d(x: ArrayLike, opts: { toEnd?: ArrayLike | readonly number[]; toBegin?: ArrayLike | readonly number[] } = {}): Array {
  const o = checkOptions("ediff1d", opts, ["toEnd", "toBegin"]);
  const a = reshape(arrayArg("ediff1d", "x", x), [-1]);
  if (a.dtype === "bool") throw new Error("ediff1d: not defined for bool arrays (numpy refuses boolean subtraction); use np.diff");
  const d = diff(a);
  const part = (k: "toBegin" | "toEnd") => {
    const v: unknown = o[k];
    if (v === undefined) return [];
    const e = globalThis.Array.isArray(v) ? listOfNumbers("ediff1d", k, v) : arrayArg("ediff1d", k, v);
    const weakInt = typeof v === "number" && Number.isInteger(v);
    if (!weakInt && !canCast(e.dtype, a.dtype, { casting: "same_kind" })) {
      throw new Error(`ediff1d: ${k} of dtype ${e.dtype} cannot be cast to x's ${a.dtype} (numpy's same_kind rule)`);
    }
    return [reshape(arrayArg("ediff1d", k, e, a.dtype), [-1])];
  };
  const parts = [...part("toBegin"), d, ...part("toEnd")];
  return parts.length === 1 ? d : concatenate(parts);
}

/** A flat list of numbers: int32 when every one is an int32 integer (as numpy reads Python ints), else float64. */
function listOfNumbers(op: string, name: string, v: readonly unknown[]): Array {
  for (const e of v) if (typeof e !== "number") throw new Error(`${op}: ${name} must be a number, an Array or a list of numbers, got an element ${describe(e)}`);
  const nums = v as number[];
  const integral = nums.every((e) => Number.isInteger(e) && e >= -(2 ** 31) && e < 2 ** 31);
  return array(nums, { dtype: integral ? "int32" : "float64" });
}

/**
 * The integral of y along `axis` by the trapezoidal rule, as numpy's trapezoid: samples
 * at `x` (1-D along the axis, or y's shape) or spaced `dx` apart (default 1).
 * Differentiable in y and x.
 *
 * @example
 * np.trapezoid(np.array([1, 2, 3])).item(); // 4
 * np.trapezoid(np.array([1, 2, 3]), { x: np.array([4, 6, 8]) }).item(); // 8
 */
export function trapezoid(y: ArrayLike, opts: { x?: ArrayLike; dx?: ArrayLike; axis?: number } = {}): Array {
  const o = checkOptions("trapezoid", opts, ["x", "dx", "axis"]);
  const ya = arrayArg("trapezoid", "y", y);
  if (ya.ndim === 0) throw new Error("trapezoid: y must have at least one dimension, got a 0-d array");
  const axis = normalizeAxis("trapezoid", o.axis ?? -1, ya.ndim);
  let d: Array;
  if (o.x !== undefined) {
    const xa = arrayArg("trapezoid", "x", o.x);
    if (xa.ndim === 1) {
      if (xa.shape[0] !== ya.shape[axis]) throw new Error(`trapezoid: x has ${xa.shape[0]} samples, y ${ya.shape[axis]} along axis ${axis}`);
      d = reshape(diff(xa), ya.shape.map((n, i) => (i === axis ? Math.max(n - 1, 0) : 1)));
    } else {
      if (xa.ndim !== ya.ndim) throw new Error(`trapezoid: x of shape ${shapeString(xa.shape)} is neither 1-D nor of y's rank ${ya.ndim}`);
      d = diff(xa, { axis });
    }
  } else {
    d = arrayArg("trapezoid", "dx", o.dx ?? 1);
  }
  const n = ya.shape[axis]!;
  const mid = add(sliceAlong(ya, axis, Math.min(1, n), n), sliceAlong(ya, axis, 0, Math.max(n - 1, 0)));
  // numpy's order of operations, (d·(y₁ + y₀))/2, so results agree to the bit.
  return sum(div(mul(d, mid), 2), { axis });
}
