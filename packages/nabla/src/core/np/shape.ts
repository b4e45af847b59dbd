import { axisList, broadcastShapes, checkShape, describe, normalizeAxes, normalizeAxis, shapeString, sizeOf } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, axisOption, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";

/**
 * A new shape for the same elements; one entry may be -1 (inferred). A single number
 * is a 1-D shape.
 *
 * @example
 * np.reshape(np.arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(x: ArrayLike, shape: readonly number[] | number): Array {
  const a = arrayArg("reshape", "x", x);
  const given: unknown = typeof shape === "number" ? [shape] : shape;
  if (!globalThis.Array.isArray(given)) throw new Error(`reshape: shape must be a list of integers, got ${describe(shape)}`);
  given.forEach((d: unknown, axis) => {
    if (d !== -1 && (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0)) {
      throw new Error(`reshape: shape ${describe(given)} has ${describe(d)} at axis ${axis}, not a non-negative integer or -1`);
    }
  });
  // One length may be -1: inferred, the one that makes the sizes agree.
  const target = [...(given as number[])];
  const inferred = target.flatMap((d, i) => (d === -1 ? [i] : []));
  if (inferred.length > 1) throw new Error(`reshape: shape ${shapeString(target)} has more than one -1`);
  if (inferred.length === 1) {
    const known = sizeOf(target.filter((d) => d !== -1));
    if (known === 0 || a.size % known !== 0) {
      throw new Error(`reshape: cannot reshape an array of shape ${shapeString(a.shape)} into shape ${shapeString(target)}`);
    }
    target[inferred[0]!] = a.size / known;
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
  const a = arrayArg("transpose", "x", x);
  const perm = axes === undefined ? [...a.shape.keys()].reverse() : axisList("transpose", axes).map((ax) => normalizeAxis("transpose", ax, a.ndim));
  if (perm.every((p, i) => p === i) && perm.length === a.ndim) return a;
  return bind1(P.transpose, [a], { perm });
}

/** Swaps two axes. @example np.swapaxes(x, 0, -1) */
export function swapaxes(x: ArrayLike, axis1: number, axis2: number): Array {
  const a = arrayArg("swapaxes", "x", x);
  const perm = [...a.shape.keys()];
  const [i, j] = [normalizeAxis("swapaxes", axis1, a.ndim), normalizeAxis("swapaxes", axis2, a.ndim)];
  [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  return transpose(a, perm);
}

/**
 * Moves axis `source` to position `destination`, keeping the others in order; lists of
 * axes move several at once, as numpy's moveaxis.
 *
 * @example
 * np.moveaxis(np.zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 * np.moveaxis(np.zeros([2, 3, 4]), [0, 1], [-1, -2]).shape; // [4, 3, 2]
 */
export function moveaxis(x: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): Array {
  const a = arrayArg("moveaxis", "x", x);
  const axes = (v: unknown) => {
    const list = axisList("moveaxis", v).map((ax) => normalizeAxis("moveaxis", ax, a.ndim));
    if (new Set(list).size !== list.length) throw new Error(`moveaxis: repeated axis in ${describe(v)}`);
    return list;
  };
  const src = axes(source);
  const dst = axes(destination);
  if (src.length !== dst.length) throw new Error(`moveaxis: ${src.length} source axes but ${dst.length} destinations`);
  const order = [...a.shape.keys()].filter((i) => !src.includes(i));
  // Inserted by increasing destination, each lands where it should (numpy's method).
  for (const [d, s] of dst.map((d, i) => [d, src[i]!] as const).sort((p, q) => p[0] - q[0])) order.splice(d, 0, s);
  return transpose(a, order);
}

/**
 * Inserts size-1 axes at the given positions of the result.
 *
 * @example
 * np.expandDims(np.zeros([3]), 0).shape; // [1, 3]
 */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): Array {
  const a = arrayArg("expandDims", "x", x);
  const axes = normalizeAxes("expandDims", axis, a.ndim + axisList("expandDims", axis).length);
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
  const a = arrayArg("squeeze", "x", x);
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
  const a = arrayArg("broadcastTo", "x", x);
  const target = checkShape("broadcastTo", shape);
  if (a.ndim === target.length && a.shape.every((d, i) => d === target[i])) return a;
  return bind1(P.broadcastTo, [a], { shape: target });
}

/** Broadcasts several arrays to their common shape. @example const [a, b] = np.broadcastArrays(x, y) */
export function broadcastArrays(...xs: ArrayLike[]): Array[] {
  const arrays = xs.map((x, i) => arrayArg("broadcastArrays", `argument ${i + 1}`, x));
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
  const arrays = arrayList("concatenate", xs);
  const axis = axisOption("concatenate", opts, 0);
  if (arrays[0]!.ndim === 0) throw new Error("concatenate: 0-d arrays cannot be concatenated (use stack)");
  const ax = normalizeAxis("concatenate", axis, arrays[0]!.ndim);
  return arrays.length === 1 ? arrays[0]! : bind1(P.concatenate, arrays, { axis: ax });
}

/** A non-empty list of array arguments, checked and promoted to one dtype. */
function arrayList(op: string, xs: unknown): Array[] {
  if (!globalThis.Array.isArray(xs)) throw new Error(`${op}: xs must be a list of arrays, got ${describe(xs)}`);
  if (xs.length === 0) throw new Error(`${op}: needs at least one array`);
  const dtype = promotedDtype(xs.map((x, i) => checkArrayLike(op, `xs[${i}]`, x)));
  return xs.map((x, i) => arrayArg(op, `xs[${i}]`, x, dtype));
}

/**
 * Joins same-shaped arrays along a new axis (0 by default).
 *
 * @example
 * np.stack([np.zeros([3]), np.ones([3])]).shape; // [2, 3]
 */
export function stack(xs: readonly ArrayLike[], opts: { axis?: number } = {}): Array {
  const arrays = arrayList("stack", xs);
  const first = arrays[0]!;
  for (const a of arrays) {
    if (shapeString(a.shape) !== shapeString(first.shape)) {
      throw new Error(`stack: all arrays need one shape, got ${arrays.map((b) => shapeString(b.shape)).join(", ")}`);
    }
  }
  const axis = normalizeAxis("stack", axisOption("stack", opts, 0), first.ndim + 1);
  return concatenate(arrays.map((a) => expandDims(a, axis)), { axis });
}

/**
 * Reverses the order of elements along `axis` (all axes by default).
 *
 * @example
 * np.flip(np.array([1, 2, 3])).toArray(); // [3, 2, 1]
 */
export function flip(x: ArrayLike, opts: { axis?: number | readonly number[] } = {}): Array {
  const a = arrayArg("flip", "x", x);
  const axes = normalizeAxes("flip", axisOption("flip", opts), a.ndim);
  if (axes.length === 0 || a.size === 0) return a;
  return bind1(P.slice, [a], {
    start: a.shape.map((d, i) => (axes.includes(i) ? d - 1 : 0)),
    step: a.shape.map((_, i) => (axes.includes(i) ? -1 : 1)),
    shape: a.shape,
  });
}
