// numpy's basic indexing (slice, take, split) and JAX's functional updates (at).
import { broadcastShapes, checkInteger, describe, normalizeAxis, shapeString } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, axisOption } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { array } from "./fromdata.js";
import { add } from "./elementwise.js";
import { broadcastTo, reshape } from "./shape.js";

/** `take`'s indices given as a list: integers, as an int32 Array. */
function indexArray(indices: readonly unknown[]): Array {
  for (const i of indices) if (typeof i !== "number" || !Number.isInteger(i)) throw new Error(`take: index ${describe(i)} is not an integer`);
  return array(indices as number[], { dtype: "int32" });
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

/** A slice spec, checked: an integer, null, or a list [start, stop, step?] of integers or nulls. */
function checkSpec(op: string, spec: unknown, axis: number): SliceSpec {
  if (spec === null || typeof spec === "number") return spec;
  const ok = (v: unknown) => v === null || v === undefined || (typeof v === "number" && Number.isInteger(v));
  if (globalThis.Array.isArray(spec) && spec.length >= 2 && spec.length <= 3 && spec.every(ok)) return spec as unknown as SliceSpec;
  throw new Error(`${op}: index spec ${describe(spec)} for axis ${axis} is not an integer, null or [start, stop, step?] of integers or nulls`);
}

function windowOf(op: string, shape: readonly number[], specs: readonly SliceSpec[]): Window {
  if (specs.length > shape.length) {
    throw new Error(`${op}: ${specs.length} index specs for an array of rank ${shape.length} ${shapeString(shape)}`);
  }
  const w: Window = { start: [], step: [], shape: [], dropped: [] };
  shape.forEach((n, axis) => {
    const spec = checkSpec(op, specs[axis] ?? null, axis);
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
  return sliceAs("slice", arrayArg("slice", "x", x), specs);
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
  let a = arrayArg("take", "x", x);
  let axis = axisOption("take", opts);
  if (axis === undefined) {
    a = reshape(a, [-1]);
    axis = 0;
  }
  axis = normalizeAxis("take", axis, a.ndim);
  if (typeof indices === "number") {
    const specs: SliceSpec[] = a.shape.map((_, d) => (d === axis ? indices : null));
    return sliceAs("take", a, specs);
  }
  const idx = globalThis.Array.isArray(indices) ? indexArray(indices) : arrayArg("take", "indices", indices);
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
  const a = arrayArg("at", "x", x);
  const w = windowOf("at", a.shape, specs);
  const placed = (v: ArrayLike, dtype = a.dtype) => {
    const kept = w.shape.filter((_, d) => !w.dropped.includes(d));
    const value = arrayArg("at", "the value", v, dtype);
    const shapes = broadcastShapes("at", value.shape, kept);
    if (shapes.length !== kept.length || shapes.some((d, i) => d !== kept[i])) {
      throw new Error(`at: a value of shape ${shapeString(value.shape)} does not fit the window ${shapeString(kept)}`);
    }
    const u = reshape(broadcastTo(value, kept), w.shape);
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

/**
 * Splits along `axis` into `sections` equal parts, or at the given indices, as numpy
 * (indices are slice bounds: negative ones count from the end, and bounds past the end or
 * out of order give empty parts).
 *
 * @example
 * np.split(np.arange(6), 3).length; // 3
 * np.split(np.arange(6), [1, 4]).map((p) => p.size); // [1, 3, 2]
 */
export function split(x: ArrayLike, sections: number | readonly number[], opts: { axis?: number } = {}): Array[] {
  return splitAs("split", x, sections, opts);
}

/**
 * `split` that allows sections of unequal length, as numpy's array_split: an axis of
 * length n in k sections gives n mod k sections of ⌊n/k⌋ + 1 elements, then ⌊n/k⌋.
 *
 * @example
 * np.arraySplit(np.arange(7), 3).map((p) => p.size); // [3, 2, 2]
 */
export function arraySplit(x: ArrayLike, sections: number | readonly number[], opts: { axis?: number } = {}): Array[] {
  return splitAs("arraySplit", x, sections, opts);
}

function splitAs(op: "split" | "arraySplit", x: ArrayLike, sections: number | readonly number[], opts: unknown): Array[] {
  const a = arrayArg(op, "x", x);
  const axis = normalizeAxis(op, axisOption(op, opts, 0), a.ndim);
  const n = a.shape[axis]!;
  let cuts: number[];
  if (typeof sections === "number") {
    const k = checkInteger(op, "sections", sections, undefined, 1);
    if (op === "split" && n % k !== 0) throw new Error(`split: an axis of size ${n} does not split into ${k} equal sections (arraySplit allows unequal ones)`);
    if (k > 2 ** 24) throw new Error(`${op}: ${k} sections are more than 2^24 arrays`);
    const [each, extra] = [Math.floor(n / k), n % k];
    cuts = [...globalThis.Array(k - 1).keys()].map((i) => (i + 1) * each + Math.min(i + 1, extra));
  } else if (globalThis.Array.isArray(sections)) {
    cuts = sections.map((c: unknown) => checkInteger(op, "each split index", c));
  } else {
    throw new Error(`${op}: sections must be a positive integer or a list of indices, got ${describe(sections)}`);
  }
  const bounds = [0, ...cuts, n];
  const specs = (lo: number, hi: number) => a.shape.map((_, d) => (d === axis ? ([lo, hi] as SliceSpec) : null));
  return bounds.slice(1).map((hi, i) => sliceAs(op, a, specs(bounds[i]!, hi)));
}
