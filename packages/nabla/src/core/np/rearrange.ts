// Rearranging elements: roll, tile, repeat, unstack; the array API's permuteDims,
// matrixTranspose and vecdot.
import { allocate, axisList, broadcastShapes, checkAllocation, checkInteger, checkOptions, describe, normalizeAxis, shapeString } from "../../array/index.js";
import type { Array } from "../array.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import { mul } from "./elementwise.js";
import { sum } from "./reductions.js";
import type { ArrayLike } from "./convert.js";
import { array } from "./fromdata.js";
import { take } from "./indexing.js";
import { broadcastTo, concatenate, moveaxis, reshape, swapaxes, transpose } from "./shape.js";
import { concreteStorage, sliceAlong } from "./util.js";

/** One integer or a list of them (a list of one stands for all when broadcast). */
function intList(op: string, name: string, v: unknown): number[] {
  const list = typeof v === "number" ? [v] : v;
  if (!globalThis.Array.isArray(list)) throw new Error(`${op}: ${name} must be an integer or a list of integers, got ${describe(v)}`);
  return list.map((s: unknown) => checkInteger(op, name, s));
}

/**
 * Elements shifted `shift` places along `axis`, those pushed off the end coming back at
 * the start, as numpy's roll; with no axis, along the flattened array (shape kept).
 * Several shifts and axes roll along each in turn.
 *
 * @example
 * np.roll(np.array([1, 2, 3, 4]), 1).toArray(); // [4, 1, 2, 3]
 * np.roll(np.array([[1, 2], [3, 4]]), [1, -1], { axis: [0, 1] }).toArray(); // [[4, 3], [2, 1]]
 */
export function roll(x: ArrayLike, shift: number | readonly number[], opts: { axis?: number | readonly number[] | null } = {}): Array {
  const a = arrayArg("roll", "x", x);
  const { axis } = checkOptions("roll", opts, ["axis"]);
  const shifts = intList("roll", "shift", shift);
  if (axis === undefined || axis === null) {
    if (shifts.length !== 1) throw new Error(`roll: ${shifts.length} shifts need as many axes`);
    return reshape(rollAlong(reshape(a, [-1]), 0, shifts[0]!), a.shape);
  }
  const axes = axisList("roll", axis).map((ax) => normalizeAxis("roll", ax, a.ndim));
  const n = Math.max(shifts.length, axes.length);
  if ((shifts.length !== 1 && shifts.length !== n) || (axes.length !== 1 && axes.length !== n)) {
    throw new Error(`roll: ${shifts.length} shifts and ${axes.length} axes do not pair up`);
  }
  // Shifts along one axis add up, as numpy's.
  const total = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const ax = axes[axes.length === 1 ? 0 : i]!;
    total.set(ax, (total.get(ax) ?? 0) + shifts[shifts.length === 1 ? 0 : i]!);
  }
  let out = a;
  for (const [ax, s] of total) out = rollAlong(out, ax, s);
  return out;
}

function rollAlong(a: Array, axis: number, shift: number): Array {
  const n = a.shape[axis]!;
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return a;
  return concatenate([sliceAlong(a, axis, n - s, n), sliceAlong(a, axis, 0, n - s)], { axis });
}

/**
 * x repeated `reps` times along each axis, as numpy's tile (x gains leading axes, or
 * reps leading ones, until the ranks agree).
 *
 * @example
 * np.tile(np.array([1, 2]), 2).toArray(); // [1, 2, 1, 2]
 * np.tile(np.array([1, 2]), [2, 1]).toArray(); // [[1, 2], [1, 2]]
 */
export function tile(x: ArrayLike, reps: number | readonly number[]): Array {
  const a = arrayArg("tile", "x", x);
  const r = intList("tile", "reps", reps).map((v) => checkInteger("tile", "each of reps", v, undefined, 0));
  const d = Math.max(a.ndim, r.length);
  const shape = [...globalThis.Array(d - a.ndim).fill(1), ...a.shape] as number[];
  const counts = [...globalThis.Array(d - r.length).fill(1), ...r] as number[];
  checkAllocation("tile", a.dtype, shape.map((n, i) => n * counts[i]!));
  // Each axis n becomes (count, n): broadcast along the count, then merged.
  const spread = reshape(a, shape.flatMap((n) => [1, n]));
  const wide = broadcastTo(spread, shape.flatMap((n, i) => [counts[i]!, n]));
  return reshape(wide, shape.map((n, i) => n * counts[i]!));
}

/**
 * Each element repeated `repeats` times along `axis` (of the flattened array by default),
 * as numpy's repeat. `repeats` is one count or one per element along the axis (a list,
 * or an int32 Array whose values are known: the result's length depends on them, so not
 * under jit or vmap). Differentiable in x.
 *
 * @example
 * np.repeat(np.array([1, 2]), 2).toArray(); // [1, 1, 2, 2]
 * np.repeat(np.array([[1, 2], [3, 4]]), [1, 2], { axis: 0 }).toArray(); // [[1, 2], [3, 4], [3, 4]]
 */
export function repeat(x: ArrayLike, repeats: number | readonly number[] | Array, opts: { axis?: number | null } = {}): Array {
  let a = arrayArg("repeat", "x", x);
  const { axis: given } = checkOptions("repeat", opts, ["axis"]);
  let counts: number[];
  if (typeof repeats === "object" && !globalThis.Array.isArray(repeats)) {
    const r = arrayArg("repeat", "repeats", repeats);
    if (r.dtype !== "int32") throw new Error(`repeat: repeats must be int32 integers, got ${r.dtype}`);
    if (r.ndim > 1) throw new Error(`repeat: repeats must be a number or 1-D, got rank ${r.ndim}`);
    counts = [...concreteStorage("repeat", "repeats", r).data];
  } else {
    counts = intList("repeat", "repeats", repeats);
  }
  for (const c of counts) if (c < 0) throw new Error(`repeat: repeats must be non-negative, got ${c}`);
  if (given === undefined || given === null) a = reshape(a, [-1]);
  const axis = given === undefined || given === null ? 0 : normalizeAxis("repeat", given, a.ndim);
  const n = a.shape[axis]!;
  if (counts.length === 1) {
    const c = counts[0]!;
    checkAllocation("repeat", a.dtype, a.shape.map((d, i) => (i === axis ? d * c : d)));
    const spread = reshape(a, a.shape.flatMap((d, i) => (i === axis ? [d, 1] : [d])));
    const wide = broadcastTo(spread, a.shape.flatMap((d, i) => (i === axis ? [d, c] : [d])));
    return reshape(wide, a.shape.map((d, i) => (i === axis ? d * c : d)));
  }
  if (counts.length !== n) throw new Error(`repeat: ${counts.length} repeats for an axis of length ${n}`);
  const total = counts.reduce((s, c) => s + c, 0);
  checkAllocation("repeat", a.dtype, a.shape.map((d, i) => (i === axis ? total : d)));
  const index = allocate("int32", total, "repeat");
  let k = 0;
  counts.forEach((c, i) => index.fill(i, k, (k += c)));
  return take(a, array(index as Int32Array), { axis });
}

/**
 * The slices of x along `axis` (0 by default), as a list: the array API's unstack.
 *
 * @example
 * np.unstack(np.array([[1, 2], [3, 4]])).map((r) => r.toArray()); // [[1, 2], [3, 4]]
 */
export function unstack(x: ArrayLike, opts: { axis?: number } = {}): Array[] {
  const a = arrayArg("unstack", "x", x);
  const { axis = 0 } = checkOptions("unstack", opts, ["axis"]);
  const ax = normalizeAxis("unstack", axis, a.ndim);
  const rest = a.shape.filter((_, i) => i !== ax);
  return [...globalThis.Array(a.shape[ax]!).keys()].map((i) => reshape(sliceAlong(a, ax, i, i + 1), rest));
}

/**
 * Axes permuted: output axis i is input axis `axes[i]` (all of them must be given), the
 * array API's permute_dims.
 *
 * @example
 * np.permuteDims(np.zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permuteDims(x: ArrayLike, axes: readonly number[]): Array {
  const a = arrayArg("permuteDims", "x", x);
  const list = axisList("permuteDims", axes);
  if (list.length !== a.ndim) throw new Error(`permuteDims: ${list.length} axes for an array of rank ${a.ndim}`);
  const perm = list.map((ax) => normalizeAxis("permuteDims", ax, a.ndim));
  if (new Set(perm).size !== perm.length) throw new Error(`permuteDims: axes [${list.join(", ")}] repeat an axis`);
  return transpose(a, perm);
}

/**
 * The last two axes swapped (a stack of matrices transposed), the array API's
 * matrix_transpose.
 *
 * @example
 * np.matrixTranspose(np.zeros([5, 2, 3])).shape; // [5, 3, 2]
 */
export function matrixTranspose(x: ArrayLike): Array {
  const a = arrayArg("matrixTranspose", "x", x);
  if (a.ndim < 2) throw new Error(`matrixTranspose: needs at least two axes, got rank ${a.ndim}`);
  return swapaxes(a, -1, -2);
}

/**
 * Dot products of vectors along `axis` (the last by default), the other axes broadcast,
 * as the array API's vecdot (numpy's, without complex conjugation: nabla has no complex
 * numbers). Differentiable in both.
 *
 * @example
 * np.vecdot(np.array([[1, 2], [3, 4]]), np.array([1, 1])).toArray(); // [3, 7]
 */
export function vecdot(x1: ArrayLike, x2: ArrayLike, opts: { axis?: number } = {}): Array {
  const { axis = -1 } = checkOptions("vecdot", opts, ["axis"]);
  const dtype = promotedDtype([checkArrayLike("vecdot", "x1", x1), checkArrayLike("vecdot", "x2", x2)]);
  const [a, b] = [arrayArg("vecdot", "x1", x1, dtype), arrayArg("vecdot", "x2", x2, dtype)];
  if (a.ndim === 0 || b.ndim === 0) throw new Error("vecdot: the operands must have at least one axis");
  // The axis counts in the broadcast rank; the vector axes themselves do not broadcast.
  const rank = Math.max(a.ndim, b.ndim);
  const ax = normalizeAxis("vecdot", axis, rank);
  const lifted = [a, b].map((v) => reshape(v, [...globalThis.Array<number>(rank - v.ndim).fill(1), ...v.shape]));
  const [n1, n2] = lifted.map((v) => v.shape[ax]!);
  if (n1 !== n2) throw new Error(`vecdot: vectors of lengths ${n1} and ${n2} along axis ${ax} (shapes ${shapeString(a.shape)} and ${shapeString(b.shape)})`);
  broadcastShapes("vecdot", a.shape, b.shape);
  const [p, q] = lifted.map((v) => moveaxis(v, ax, -1)) as [Array, Array];
  return sum(mul(p, q), { axis: -1 });
}
