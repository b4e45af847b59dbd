import { normalizeAxes, normalizeAxis, shapeString, sizeOf, broadcastShapes } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { asArray, resultDtype, type ArrayLike } from "./convert.js";
import { array } from "./creation.js";
import { add } from "./elementwise.js";

function indexArray(indices: readonly number[]): Array {
  for (const i of indices) if (!Number.isInteger(i)) throw new Error(`take: index ${i} is not an integer`);
  return array(indices, { dtype: "int32" });
}

/**
 * A new shape for the same elements; one entry may be -1 (inferred).
 *
 * @example
 * np.reshape(np.arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(x: ArrayLike, shape: readonly number[]): Array {
  const a = asArray(x);
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1 || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`reshape: invalid target shape ${shapeString(shape)}`);
  }
  let target = [...shape];
  if (unknown === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || a.size % known !== 0) {
      throw new Error(`reshape: cannot reshape an array of shape ${shapeString(a.shape)} into shape ${shapeString(shape)}`);
    }
    target = shape.map((d) => (d === -1 ? a.size / known : d));
  }
  if (target.length === a.ndim && target.every((d, i) => d === a.shape[i])) return a;
  return bind1(P.reshape, [a], { shape: target });
}

/**
 * Permutes axes (reverses them by default), as numpy.
 *
 * @example
 * np.transpose(np.zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function transpose(x: ArrayLike, axes?: readonly number[]): Array {
  const a = asArray(x);
  const perm = axes ? axes.map((ax) => normalizeAxis("transpose", ax, a.ndim)) : [...a.shape.keys()].reverse();
  if (perm.every((p, i) => p === i) && perm.length === a.ndim) return a;
  return bind1(P.transpose, [a], { perm });
}

/** Swaps two axes. @example np.swapaxes(x, 0, -1) */
export function swapaxes(x: ArrayLike, axis1: number, axis2: number): Array {
  const a = asArray(x);
  const perm = [...a.shape.keys()];
  const [i, j] = [normalizeAxis("swapaxes", axis1, a.ndim), normalizeAxis("swapaxes", axis2, a.ndim)];
  [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  return transpose(a, perm);
}

/**
 * Moves axis `source` to position `destination`, keeping the others in order.
 *
 * @example
 * np.moveaxis(np.zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 */
export function moveaxis(x: ArrayLike, source: number, destination: number): Array {
  const a = asArray(x);
  const src = normalizeAxis("moveaxis", source, a.ndim);
  const dst = normalizeAxis("moveaxis", destination, a.ndim);
  const rest = [...a.shape.keys()].filter((i) => i !== src);
  rest.splice(dst, 0, src);
  return transpose(a, rest);
}

/**
 * Inserts size-1 axes at the given positions of the result.
 *
 * @example
 * np.expandDims(np.zeros([3]), 0).shape; // [1, 3]
 */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): Array {
  const a = asArray(x);
  const axes = normalizeAxes("expandDims", axis, a.ndim + (typeof axis === "number" ? 1 : axis.length));
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < a.ndim + axes.length; i++) shape.push(axes.includes(i) ? 1 : a.shape[k++]!);
  return reshape(a, shape);
}

/**
 * Removes size-1 axes (all of them, or those named; naming a larger axis is an error).
 *
 * @example
 * np.squeeze(np.zeros([1, 3, 1])).shape; // [3]
 */
export function squeeze(x: ArrayLike, axis?: number | readonly number[]): Array {
  const a = asArray(x);
  const axes = axis === undefined ? [...a.shape.keys()].filter((i) => a.shape[i] === 1) : normalizeAxes("squeeze", axis, a.ndim);
  for (const ax of axes) {
    if (a.shape[ax] !== 1) throw new Error(`squeeze: axis ${ax} of shape ${shapeString(a.shape)} has size ${a.shape[ax]}, not 1`);
  }
  return reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * numpy broadcasting to `shape`.
 *
 * @example
 * np.broadcastTo(np.array([1, 2]), [3, 2]).shape; // [3, 2]
 */
export function broadcastTo(x: ArrayLike, shape: readonly number[]): Array {
  const a = asArray(x);
  if (a.ndim === shape.length && a.shape.every((d, i) => d === shape[i])) return a;
  return bind1(P.broadcastTo, [a], { shape: [...shape] });
}

/** Broadcasts several arrays to their common shape. @example const [a, b] = np.broadcastArrays(x, y) */
export function broadcastArrays(...xs: ArrayLike[]): Array[] {
  const arrays = xs.map((x) => asArray(x));
  const shape = broadcastShapes("broadcastArrays", ...arrays.map((a) => a.shape));
  return arrays.map((a) => broadcastTo(a, shape));
}

/**
 * Joins arrays along an existing axis (0 by default); dtypes are promoted.
 *
 * @example
 * np.concatenate([np.zeros([2, 3]), np.ones([1, 3])]).shape; // [3, 3]
 */
export function concatenate(xs: readonly ArrayLike[], opts: { axis?: number } = {}): Array {
  if (xs.length === 0) throw new Error("concatenate: needs at least one array");
  const dtype = resultDtype(...xs);
  const arrays = xs.map((x) => asArray(x, dtype));
  if (arrays.length === 1) return arrays[0]!;
  if (arrays[0]!.ndim === 0) throw new Error("concatenate: 0-d arrays cannot be concatenated (use stack)");
  return bind1(P.concatenate, arrays, { axis: normalizeAxis("concatenate", opts.axis ?? 0, arrays[0]!.ndim) });
}

/**
 * Joins same-shaped arrays along a new axis (0 by default).
 *
 * @example
 * np.stack([np.zeros([3]), np.ones([3])]).shape; // [2, 3]
 */
export function stack(xs: readonly ArrayLike[], opts: { axis?: number } = {}): Array {
  if (xs.length === 0) throw new Error("stack: needs at least one array");
  const arrays = xs.map((x) => asArray(x));
  const first = arrays[0]!;
  for (const a of arrays) {
    if (shapeString(a.shape) !== shapeString(first.shape)) {
      throw new Error(`stack: all arrays need one shape, got ${arrays.map((b) => shapeString(b.shape)).join(", ")}`);
    }
  }
  const axis = normalizeAxis("stack", opts.axis ?? 0, first.ndim + 1);
  return concatenate(arrays.map((a) => expandDims(a, axis)), { axis });
}

/**
 * Splits along `axis` into `sections` equal parts, or at the given indices, as numpy.
 *
 * @example
 * np.split(np.arange(6), 3).length; // 3
 * np.split(np.arange(6), [1, 4]).map((p) => p.size); // [1, 3, 2]
 */
export function split(x: ArrayLike, sections: number | readonly number[], opts: { axis?: number } = {}): Array[] {
  const a = asArray(x);
  const axis = normalizeAxis("split", opts.axis ?? 0, a.ndim);
  const n = a.shape[axis]!;
  let cuts: number[];
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections <= 0 || n % sections !== 0) {
      throw new Error(`split: an axis of size ${n} does not split into ${sections} equal sections`);
    }
    cuts = [...globalThis.Array(sections - 1).keys()].map((i) => ((i + 1) * n) / sections);
  } else {
    cuts = [...sections];
  }
  const bounds = [0, ...cuts, n];
  const specs = (lo: number, hi: number) => a.shape.map((_, d) => (d === axis ? ([lo, hi] as SliceSpec) : null));
  return bounds.slice(1).map((hi, i) => slice(a, ...specs(bounds[i]!, hi)));
}

/**
 * Reverses the order of elements along `axis` (all axes by default).
 *
 * @example
 * np.flip(np.array([1, 2, 3])).toArray(); // [3, 2, 1]
 */
export function flip(x: ArrayLike, opts: { axis?: number | readonly number[] } = {}): Array {
  const a = asArray(x);
  const axes = normalizeAxes("flip", opts.axis, a.ndim);
  if (axes.length === 0 || a.size === 0) return a;
  return bind1(P.slice, [a], {
    start: a.shape.map((d, i) => (axes.includes(i) ? d - 1 : 0)),
    step: a.shape.map((_, i) => (axes.includes(i) ? -1 : 1)),
    shape: a.shape,
  });
}

/**
 * One index spec per leading axis: a number picks one index and drops the axis;
 * `[start, stop]` or `[start, stop, step]` takes a range (negatives count from the end,
 * `null` is an open end); `null` keeps the axis whole.
 */
export type SliceSpec = number | null | readonly [number | null, number | null, (number | null)?];

interface Window {
  start: number[];
  step: number[];
  shape: number[];
  /** Axes picked by a single number, dropped from the result. */
  dropped: number[];
}

/** Python's slice.indices: the start, step and length of a range over an axis of size n. */
function rangeOf(op: string, spec: readonly [number | null, number | null, (number | null)?], n: number, axis: number) {
  const step = spec[2] ?? 1;
  if (step === 0 || !Number.isInteger(step)) throw new Error(`${op}: slice step must be a non-zero integer on axis ${axis}`);
  const clampIdx = (v: number | null, dflt: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v)) throw new Error(`${op}: slice bound ${v} on axis ${axis} is not an integer`);
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const start = step > 0 ? clampIdx(spec[0], 0, 0, n) : clampIdx(spec[0], n - 1, -1, n - 1);
  const stop = step > 0 ? clampIdx(spec[1], n, 0, n) : clampIdx(spec[1], -1, -1, n - 1);
  const len = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start: len === 0 ? 0 : start, step, len };
}

function windowOf(op: string, shape: readonly number[], specs: readonly SliceSpec[]): Window {
  if (specs.length > shape.length) {
    throw new Error(`${op}: ${specs.length} index specs for an array of rank ${shape.length} ${shapeString(shape)}`);
  }
  const w: Window = { start: [], step: [], shape: [], dropped: [] };
  shape.forEach((n, axis) => {
    const spec = specs[axis] ?? null;
    if (typeof spec === "number") {
      if (!Number.isInteger(spec) || spec < -n || spec >= n) {
        throw new Error(`${op}: index ${spec} is out of bounds for axis ${axis} with size ${n}`);
      }
      w.start.push(spec < 0 ? spec + n : spec);
      w.step.push(1);
      w.shape.push(1);
      w.dropped.push(axis);
    } else if (spec === null) {
      w.start.push(0);
      w.step.push(1);
      w.shape.push(n);
    } else {
      const r = rangeOf(op, spec, n, axis);
      w.start.push(r.start);
      w.step.push(r.step);
      w.shape.push(r.len);
    }
  });
  return w;
}

/**
 * numpy basic indexing: `slice(x, [0, -1])` is `x[:-1]`, `slice(x, null, 2)` is
 * `x[:, 2]`, `slice(x, [null, null, -1])` is `x[::-1]`.
 *
 * @example
 * np.slice(np.arange(10), [2, 8, 2]).toArray(); // [2, 4, 6]
 */
export function slice(x: ArrayLike, ...specs: SliceSpec[]): Array {
  return sliceAs("slice", asArray(x), specs);
}

/** `slice`, with errors (an index out of bounds) named after `op`, the function called. */
function sliceAs(op: string, a: Array, specs: readonly SliceSpec[]): Array {
  const w = windowOf(op, a.shape, specs);
  const whole = w.start.every((s, d) => s === 0 && w.step[d] === 1 && w.shape[d] === a.shape[d]);
  const picked = whole ? a : bind1(P.slice, [a], { start: w.start, step: w.step, shape: w.shape });
  return w.dropped.length ? reshape(picked, w.shape.filter((_, d) => !w.dropped.includes(d))) : picked;
}

/**
 * numpy's `take`: elements at `indices` along `axis` (of the flattened array when no
 * axis is given). A number index drops the axis; negative indices count from the end.
 *
 * @example
 * np.take(np.array([[1, 2], [3, 4]]), [1, 0], { axis: 1 }).toArray(); // [[2, 1], [4, 3]]
 */
export function take(x: ArrayLike, indices: ArrayLike | readonly number[], opts: { axis?: number } = {}): Array {
  let a = asArray(x);
  let axis = opts.axis;
  if (axis === undefined) {
    a = reshape(a, [-1]);
    axis = 0;
  }
  axis = normalizeAxis("take", axis, a.ndim);
  if (typeof indices === "number") {
    const specs: SliceSpec[] = a.shape.map((_, d) => (d === axis ? indices : null));
    return sliceAs("take", a, specs);
  }
  const idx = globalThis.Array.isArray(indices) ? indexArray(indices as readonly number[]) : asArray(indices as ArrayLike);
  if (idx.dtype !== "int32") throw new Error(`take: indices must be int32 integers, got ${idx.dtype}`);
  return bind1(P.take, [a, idx], { axis });
}

/** The result of `x.at(...specs)`: functional updates of one window of `x`. */
export interface IndexUpdate {
  /** A copy of x with the window replaced by `v` (broadcast). */
  set(v: ArrayLike): Array;
  /** A copy of x with `v` (broadcast) added to the window. */
  add(v: ArrayLike): Array;
  /** The window itself, as `slice`. */
  get(): Array;
}

/**
 * Functional update of a window (the specs of {@link slice}), like JAX's `x.at[...]`.
 *
 * @example
 * np.at(np.zeros([3]), 1).set(5).toArray(); // [0, 5, 0]
 */
export function at(x: ArrayLike, ...specs: SliceSpec[]): IndexUpdate {
  const a = asArray(x);
  const w = windowOf("at", a.shape, specs);
  const placed = (v: ArrayLike, dtype = a.dtype) => {
    const kept = w.shape.filter((_, d) => !w.dropped.includes(d));
    const u = reshape(broadcastTo(asArray(v, dtype), kept), w.shape);
    return P.placeWindow(u, w.start, w.step, a.shape);
  };
  return {
    set(v) {
      const mask = placed(true, "bool");
      return bind1(P.select, [mask, placed(v), a], {});
    },
    add(v) {
      return add(a, placed(v));
    },
    get() {
      return slice(a, ...specs);
    },
  };
}
