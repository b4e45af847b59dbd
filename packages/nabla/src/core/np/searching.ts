// Searching: searchsorted and interp (on the sorted search), and the eager-only
// nonzero, argwhere and flatnonzero (their result's shape depends on the values).
import { checkFinite, checkOptions, describe, isFloat, shapeString, stridesOf, Storage } from "../../array/index.js";
import { ConcreteArray, type Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { add, clip, div, equal, floor, greater, less, logicalAnd, mul, notEqual, sub, where } from "./elementwise.js";
import { take } from "./indexing.js";
import { argsort } from "./sort.js";
import { concatenate, reshape } from "./shape.js";
import { concreteStorage, indexArg } from "./util.js";

/**
 * Where each value of `v` would be inserted into the sorted 1-D `a` to keep it sorted,
 * as numpy's searchsorted: the first such place (`side: "left"`, a[i−1] < v ≤ a[i]) or
 * the last ("right", a[i−1] ≤ v < a[i]); NaN sorts last, as in np.sort. `sorter` holds
 * indices that sort `a` when it is not sorted itself. The result is int32 with v's
 * shape, a step function of the values: it has no derivative with respect to a or v
 * (none flows through it).
 *
 * @example
 * np.searchsorted(np.array([1, 2, 3, 4, 5]), np.array([-10, 3, 10])).toArray(); // [0, 2, 5]
 * np.searchsorted(np.array([1, 2, 3, 4, 5]), 3, { side: "right" }).item(); // 3
 */
export function searchsorted(a: ArrayLike, v: ArrayLike, opts: { side?: "left" | "right"; sorter?: Array | readonly number[] } = {}): Array {
  return searchAs("searchsorted", a, v, opts);
}

function searchAs(op: string, a: ArrayLike, v: ArrayLike, opts: unknown): Array {
  const o = checkOptions(op, opts, ["side", "sorter"]);
  const side = o.side ?? "left";
  if (side !== "left" && side !== "right") throw new Error(`${op}: side must be "left" or "right", got ${describe(side)}`);
  let sorted = arrayArg(op, "a", a);
  if (sorted.ndim !== 1) throw new Error(`${op}: a must be 1-D, got shape ${shapeString(sorted.shape)}`);
  if (o.sorter !== undefined) {
    const s = indexArg(op, "sorter", o.sorter);
    if (s.ndim !== 1 || s.size !== sorted.size) throw new Error(`${op}: sorter of shape ${shapeString(s.shape)} does not match a ${shapeString(sorted.shape)}`);
    sorted = take(sorted, s);
  }
  const dtype = promotedDtype([sorted, checkArrayLike(op, "v", v)]);
  const values = arrayArg(op, "v", v, dtype);
  const out = bind1(P.searchsorted, [arrayArg(op, "a", sorted, dtype), reshape(values, [-1])], { side });
  return reshape(out, values.shape);
}

/** The options of interp. */
export interface InterpOptions {
  /** The value below xp[0] (default fp[0]). */
  left?: number;
  /** The value above xp[n−1] (default fp[n−1]). */
  right?: number;
  /** The period of x for periodic data (then left and right do not apply; xp need not be sorted). */
  period?: number;
}

/**
 * Piecewise-linear interpolation through the points (xp[i], fp[i]) (xp increasing), at
 * x, as numpy's interp: fp[j] + (x − xp[j])·(fp[j+1] − fp[j])/(xp[j+1] − xp[j]) on
 * [xp[j], xp[j+1]]; `left`/`right` outside. Differentiable in x (the slope; at a knot,
 * that of the interval to its right) and in fp (and xp). float32 inputs give float32
 * (numpy always gives float64), integers float64.
 *
 * @example
 * np.interp(np.array([0, 1.5, 5]), np.array([1, 2, 3]), np.array([3, 2, 0])).toArray(); // [3, 2.5, 0]
 */
export function interp(x: ArrayLike, xp: ArrayLike, fp: ArrayLike, opts: InterpOptions = {}): Array {
  const o = checkOptions("interp", opts, ["left", "right", "period"]);
  const args = [checkArrayLike("interp", "x", x), checkArrayLike("interp", "xp", xp), checkArrayLike("interp", "fp", fp)];
  const dt = promotedDtype(args);
  const dtype = isFloat(dt) ? dt : "float64";
  let [xa, xpa, fpa] = args.map((v, i) => arrayArg("interp", ["x", "xp", "fp"][i]!, v, dtype)) as [Array, Array, Array];
  if (xpa.ndim !== 1 || fpa.ndim !== 1) throw new Error(`interp: xp and fp must be 1-D, got shapes ${shapeString(xpa.shape)} and ${shapeString(fpa.shape)}`);
  if (xpa.size !== fpa.size) throw new Error(`interp: xp and fp have different lengths (${xpa.size}, ${fpa.size})`);
  if (xpa.size === 0) throw new Error("interp: xp and fp are empty");
  const left = o.left === undefined ? undefined : checkFinite("interp", "left", o.left);
  const right = o.right === undefined ? undefined : checkFinite("interp", "right", o.right);
  if (o.period !== undefined) {
    const period = Math.abs(checkFinite("interp", "period", o.period));
    if (period === 0) throw new Error("interp: period must be nonzero");
    // numpy's method: everything into [0, period), xp sorted, and one point repeated past each end.
    const wrap = (v: Array) => sub(v, mul(floorDiv(v, period), period));
    xa = wrap(xa);
    const order = argsort(wrap(xpa));
    xpa = take(wrap(xpa), order);
    fpa = take(fpa, order);
    const n = xpa.size;
    xpa = concatenate([sub(take(xpa, [n - 1]), period), xpa, add(take(xpa, [0]), period)]);
    fpa = concatenate([take(fpa, [n - 1]), fpa, take(fpa, [0])]);
  }
  const n = xpa.size;
  const flat = reshape(xa, [-1]);
  const first = take(fpa, [0]);
  const last = take(fpa, [n - 1]);
  const lo = left === undefined || o.period !== undefined ? first : arrayArg("interp", "left", left, dtype);
  const hi = right === undefined || o.period !== undefined ? last : arrayArg("interp", "right", right, dtype);
  if (n === 1) {
    const x0 = take(xpa, [0]);
    return reshape(where(less(flat, x0), lo, where(greater(flat, x0), hi, first)), xa.shape);
  }
  // j: the interval [xp[j], xp[j+1]] of each x (the last one for x = xp[n−1]).
  const raw = sub(bind1(P.searchsorted, [xpa, flat], { side: "right" }), 1);
  const j = clip(raw, 0, n - 2);
  const gather = (v: Array, k: Array) => bind1(P.takeAlongAxis, [v, k], { axis: 0 });
  const [x0, x1, f0, f1] = [gather(xpa, j), gather(xpa, add(j, 1)), gather(fpa, j), gather(fpa, add(j, 1))];
  const slope = div(sub(f1, f0), sub(x1, x0));
  const fromLeft = add(mul(slope, sub(flat, x0)), f0);
  const fromRight = add(mul(slope, sub(flat, x1)), f1);
  // numpy's choices: fp[n−1] exactly at xp[n−1]; where the slope gives NaN, the formula
  // from the other end, then fp[j] if the two values agree.
  let y = where(equal(raw, n - 1), fromRight, fromLeft);
  y = where(notEqual(y, y), fromRight, y);
  y = where(logicalAnd(notEqual(y, y), equal(f0, f1)), f0, y);
  y = where(less(flat, take(xpa, [0])), lo, where(greater(flat, take(xpa, [n - 1])), hi, y));
  return reshape(y, xa.shape);
}

/** ⌊v / p⌋ for a positive number p (the floor division of numpy's mod). */
function floorDiv(v: Array, p: number): Array {
  return floor(div(v, p));
}

/** The nonzero elements' positions (row-major), as per-axis lists; the values must be known. */
function nonzeroPositions(op: string, x: ArrayLike): { shape: readonly number[]; flat: number[] } {
  const a = arrayArg(op, "x", x);
  const s = concreteStorage(op, "x", a);
  const flat: number[] = [];
  for (let i = 0; i < s.size; i++) if (s.data[i] !== 0) flat.push(i);
  return { shape: a.shape, flat };
}

/** An int32 Array of `shape` from `values`. */
function int32Array(shape: readonly number[], values: readonly number[]): Array {
  const s = Storage.zeros("int32", shape, "nonzero");
  for (let i = 0; i < s.size; i++) s.data[i] = values[i]!;
  return new ConcreteArray(s);
}

/**
 * The indices of the nonzero (true, NaN included) elements, one int32 array per axis,
 * as numpy's nonzero. The result's length depends on the values, so x must be known:
 * an error under jit and vmap (under a derivative its values are used, and indices
 * carry no derivative).
 *
 * @example
 * np.nonzero(np.array([[0, 3], [4, 0]])).map((i) => i.toArray()); // [[0, 1], [1, 0]]
 */
export function nonzero(x: ArrayLike): Array[] {
  const { shape, flat } = nonzeroPositions("nonzero", x);
  if (shape.length === 0) throw new Error("nonzero: a 0-d array has no axes to index (use np.atleast1d(x) first)");
  const strides = stridesOf(shape);
  return shape.map((n, d) => int32Array([flat.length], flat.map((i) => Math.floor(i / strides[d]!) % n)));
}

/**
 * The indices of the nonzero elements as rows of an (N, ndim) int32 array, as numpy's
 * argwhere. Like nonzero, only for known values (not under jit or vmap).
 *
 * @example
 * np.argwhere(np.array([[0, 3], [4, 0]])).toArray(); // [[0, 1], [1, 0]]
 */
export function argwhere(x: ArrayLike): Array {
  const { shape, flat } = nonzeroPositions("argwhere", x);
  const strides = stridesOf(shape);
  const rows = flat.flatMap((i) => shape.map((n, d) => Math.floor(i / strides[d]!) % n));
  return int32Array([flat.length, shape.length], rows);
}

/**
 * The indices of the nonzero elements of the flattened array, int32, as numpy's
 * flatnonzero. Only for known values (not under jit or vmap).
 *
 * @example
 * np.flatnonzero(np.array([[0, 3], [4, 0]])).toArray(); // [1, 2]
 */
export function flatnonzero(x: ArrayLike): Array {
  const { flat } = nonzeroPositions("flatnonzero", x);
  return int32Array([flat.length], flat);
}
