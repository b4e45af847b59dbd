// Per-element choices: takeAlongAxis, putAlongAxis (functional) and select.
import { broadcastShapes, checkOptions, describe, normalizeAxis, shapeString } from "../../array/index.js";
import { ConcreteArray, type Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import { astype, type ArrayLike } from "./convert.js";
import { add, equal, greater, greaterEqual, less, logicalAnd, logicalNot, where } from "./elementwise.js";
import { tri } from "./grids.js";
import { any } from "./reductions.js";
import { broadcastTo, expandDims, reshape } from "./shape.js";
import { indexArg, withAxis } from "./util.js";

/**
 * x and indices (flattened when axis is null) with their shapes off `axis` broadcast
 * together, as numpy's take_along_axis and put_along_axis do.
 */
function aligned(op: string, x: ArrayLike, indices: unknown, axisOpt: unknown, fallback: number | null) {
  let a = arrayArg(op, "x", x);
  let idx = indexArg(op, "indices", indices);
  const flat = axisOpt === null || (axisOpt === undefined && fallback === null);
  if (flat) {
    a = reshape(a, [-1]);
    if (idx.ndim !== 1) throw new Error(`${op}: with axis null the indices must be 1-D, got shape ${shapeString(idx.shape)}`);
  }
  const axis = flat ? 0 : normalizeAxis(op, axisOpt ?? fallback, a.ndim);
  if (idx.ndim !== a.ndim) throw new Error(`${op}: indices of rank ${idx.ndim} for an array of rank ${a.ndim} (they must match)`);
  const off = broadcastShapes(op, withAxis(a.shape, axis, 1), withAxis(idx.shape, axis, 1));
  a = broadcastTo(a, withAxis(off, axis, a.shape[axis]!));
  idx = broadcastTo(idx, withAxis(off, axis, idx.shape[axis]!));
  return { a, idx, axis };
}

/**
 * Elements of x picked along `axis` (the last by default; null: the flattened array)
 * by an int32 index array of x's rank, as numpy's take_along_axis: out[…, j, …] =
 * x[…, indices[…, j, …], …], the other axes broadcast. Negative indices count from the
 * end. Differentiable in x (its transpose scatters the cotangent back).
 *
 * @example
 * const x = np.array([[10, 30, 20], [60, 40, 50]]);
 * np.takeAlongAxis(x, np.argsort(x, { axis: 1 }), { axis: 1 }).toArray(); // [[10, 20, 30], [40, 50, 60]]
 */
export function takeAlongAxis(x: ArrayLike, indices: Array | readonly number[], opts: { axis?: number | null } = {}): Array {
  const { axis: given } = checkOptions("takeAlongAxis", opts, ["axis"]);
  const { a, idx, axis } = aligned("takeAlongAxis", x, indices, given, -1);
  return bind1(P.takeAlongAxis, [a, idx], { axis });
}

/**
 * A copy of x with `values` (broadcast to the indices' shape) written at `indices` along
 * `axis` (null: the flattened array), as numpy's put_along_axis but returning a new
 * Array. Where an index repeats along the axis the last value wins, as in numpy; finding
 * those compares the indices of each line pairwise (m² work for m indices per line).
 * Differentiable in x and the values.
 *
 * @example
 * np.putAlongAxis(np.zeros([2, 3]), np.array([[2], [0]], { dtype: "int32" }), 1, { axis: 1 }).toArray(); // [[0, 0, 1], [1, 0, 0]]
 */
export function putAlongAxis(x: ArrayLike, indices: Array | readonly number[], values: ArrayLike, opts: { axis?: number | null } = {}): Array {
  const { axis: given } = checkOptions("putAlongAxis", opts, ["axis"]);
  const x0 = arrayArg("putAlongAxis", "x", x);
  const { a, idx: idx0, axis } = aligned("putAlongAxis", x0, indices, given, null);
  if (shapeString(withAxis(a.shape, axis, 1)) !== shapeString(withAxis(given === null || given === undefined ? [x0.size] : x0.shape, axis, 1))) {
    throw new Error(`putAlongAxis: indices ${shapeString(idx0.shape)} do not fit x ${shapeString(x0.shape)} off axis ${axis}`);
  }
  const n = a.shape[axis]!;
  // Concrete indices are checked here, so that the error names this function; traced ones
  // are checked where they are used (scatterAddAlongAxis), when their values are known.
  if (idx0 instanceof ConcreteArray) {
    const bad = idx0.storage.data.find((k) => k < -n || k >= n);
    if (bad !== undefined) throw new Error(`putAlongAxis: index ${bad} is out of bounds for axis ${axis} with size ${n}`);
  }
  // Negative indices count from the end; those below −n stay as they are, out of bounds.
  const idx = where(logicalAnd(less(idx0, 0), greaterEqual(idx0, -n)), add(idx0, n), idx0);
  const v0 = arrayArg("putAlongAxis", "values", values, a.dtype);
  if (shapeString(broadcastShapes("putAlongAxis", v0.shape, idx.shape)) !== shapeString(idx.shape)) {
    throw new Error(`putAlongAxis: values ${shapeString(v0.shape)} do not broadcast to the indices' shape ${shapeString(idx.shape)}`);
  }
  const v = broadcastTo(v0, idx.shape);
  const m = idx.shape[axis]!;
  let keep: Array | null = null;
  if (m > 1) {
    // keep[j]: no later position k > j along the axis writes the same place.
    const same = equal(expandDims(idx, axis + 1), expandDims(idx, axis));
    const ones = globalThis.Array<number>(idx.ndim + 1).fill(1);
    const later = reshape(logicalNot(tri(m, m, { dtype: "bool" })), withAxis(withAxis(ones, axis, m), axis + 1, m));
    keep = logicalNot(any(logicalAnd(same, later), { axis: axis + 1 }));
  }
  const written = keep ? where(keep, v, arrayArg("putAlongAxis", "values", 0, a.dtype)) : v;
  const counts = keep ? astype(keep, "int32") : broadcastTo(arrayArg("putAlongAxis", "values", 1, "int32"), idx.shape);
  const placed = bind1(P.scatterAddAlongAxis, [written, idx], { axis, size: n });
  const hit = greater(bind1(P.scatterAddAlongAxis, [counts, idx], { axis, size: n }), 0);
  const out = where(hit, placed, a);
  return given === null || given === undefined ? reshape(out, x0.shape) : out;
}

/**
 * Elementwise choice among several arrays, as numpy's select: where conds[0] holds,
 * choices[0]; else where conds[1] holds, choices[1]; …; elsewhere `default` (0). All
 * broadcast together; conditions must be bool. Differentiable in the choices.
 *
 * @example
 * const x = np.arange(6);
 * np.select([np.less(x, 3), np.greater(x, 4)], [x, np.mul(x, x)], { default: 42 }).toArray(); // [0, 1, 2, 42, 42, 25]
 */
export function select(conds: readonly ArrayLike[], choices: readonly ArrayLike[], opts: { default?: ArrayLike } = {}): Array {
  const { default: dflt = 0 } = checkOptions("select", opts, ["default"]);
  if (!globalThis.Array.isArray(conds) || !globalThis.Array.isArray(choices)) {
    throw new Error(`select: conds and choices must be lists, got ${describe(conds)} and ${describe(choices)}`);
  }
  if (conds.length !== choices.length) throw new Error(`select: ${conds.length} conditions but ${choices.length} choices`);
  if (conds.length === 0) throw new Error("select: needs at least one condition");
  const cs = conds.map((c, i) => {
    const a = arrayArg("select", `conds[${i}]`, c);
    if (a.dtype !== "bool") throw new Error(`select: conds[${i}] must be bool, got ${a.dtype}`);
    return a;
  });
  const values = [...choices, dflt].map((c, i) => checkArrayLike("select", i < choices.length ? `choices[${i}]` : "default", c));
  const dtype = promotedDtype(values);
  const arrays = values.map((c, i) => arrayArg("select", i < choices.length ? `choices[${i}]` : "default", c, dtype));
  broadcastShapes("select", ...cs.map((c) => c.shape), ...arrays.map((c) => c.shape));
  let out = arrays[arrays.length - 1]!;
  for (let i = cs.length - 1; i >= 0; i--) out = where(cs[i]!, arrays[i]!, out);
  return out;
}
