// Joining arrays: the numpy stacks (hstack, vstack, dstack, columnStack), the
// atleast helpers they stand on, and the array API's concat.
import { checkOptions, describe, normalizeAxis, shapeString } from "../../array/index.js";
import type { Array } from "../array.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { concatenate, reshape } from "./shape.js";

/** The arrays of a stacking function: a non-empty list, checked and promoted to one dtype. */
function arrays(op: string, xs: unknown): Array[] {
  if (!globalThis.Array.isArray(xs)) throw new Error(`${op}: xs must be a list of arrays, got ${describe(xs)}`);
  if (xs.length === 0) throw new Error(`${op}: needs at least one array`);
  const dtype = promotedDtype(xs.map((x, i) => checkArrayLike(op, `xs[${i}]`, x)));
  return xs.map((x, i) => arrayArg(op, `xs[${i}]`, x, dtype));
}

/** Concatenates after checking that the shapes agree off `axis`, so errors name `op`. */
function joinAs(op: string, parts: readonly Array[], axis: number): Array {
  const first = parts[0]!;
  for (const p of parts) {
    if (p.ndim !== first.ndim || p.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
      throw new Error(`${op}: shapes ${parts.map((q) => shapeString(q.shape)).join(", ")} differ off axis ${axis}`);
    }
  }
  return concatenate(parts, { axis });
}

/**
 * x with at least one axis (a 0-d array becomes shape (1,)), as numpy's atleast_1d.
 *
 * @example
 * np.atleast1d(5).shape; // [1]
 */
export function atleast1d(x: ArrayLike): Array {
  const a = arrayArg("atleast1d", "x", x);
  return a.ndim >= 1 ? a : reshape(a, [1]);
}

/**
 * x with at least two axes (shape (n,) becomes (1, n)), as numpy's atleast_2d.
 *
 * @example
 * np.atleast2d(np.array([1, 2])).shape; // [1, 2]
 */
export function atleast2d(x: ArrayLike): Array {
  const a = arrayArg("atleast2d", "x", x);
  return a.ndim >= 2 ? a : reshape(a, [1, a.ndim === 1 ? a.shape[0]! : 1]);
}

/**
 * x with at least three axes, as numpy's atleast_3d: (n,) becomes (1, n, 1) and
 * (m, n) becomes (m, n, 1).
 *
 * @example
 * np.atleast3d(np.ones([2, 3])).shape; // [2, 3, 1]
 */
export function atleast3d(x: ArrayLike): Array {
  const a = arrayArg("atleast3d", "x", x);
  if (a.ndim >= 3) return a;
  return reshape(a, a.ndim === 0 ? [1, 1, 1] : a.ndim === 1 ? [1, a.shape[0]!, 1] : [...a.shape, 1]);
}

/**
 * Arrays joined along their second axis (the first for 1-D arrays), as numpy's hstack.
 *
 * @example
 * np.hstack([np.array([1, 2]), np.array([3])]).toArray(); // [1, 2, 3]
 */
export function hstack(xs: readonly ArrayLike[]): Array {
  const parts = arrays("hstack", xs).map((a) => (a.ndim >= 1 ? a : reshape(a, [1])));
  return joinAs("hstack", parts, parts[0]!.ndim === 1 ? 0 : 1);
}

/**
 * Arrays joined along their first axis, 1-D ones as rows, as numpy's vstack.
 *
 * @example
 * np.vstack([np.array([1, 2]), np.array([3, 4])]).toArray(); // [[1, 2], [3, 4]]
 */
export function vstack(xs: readonly ArrayLike[]): Array {
  const parts = arrays("vstack", xs).map((a) => (a.ndim >= 2 ? a : reshape(a, [1, a.ndim === 1 ? a.shape[0]! : 1])));
  return joinAs("vstack", parts, 0);
}

/**
 * Arrays joined along their third axis (after `atleast3d`), as numpy's dstack.
 *
 * @example
 * np.dstack([np.array([1, 2]), np.array([3, 4])]).shape; // [1, 2, 2]
 */
export function dstack(xs: readonly ArrayLike[]): Array {
  const parts = arrays("dstack", xs).map((a) =>
    a.ndim >= 3 ? a : reshape(a, a.ndim === 0 ? [1, 1, 1] : a.ndim === 1 ? [1, a.shape[0]!, 1] : [...a.shape, 1]),
  );
  return joinAs("dstack", parts, 2);
}

/**
 * 1-D arrays as the columns of a matrix (2-D ones joined as they are), as numpy's
 * column_stack.
 *
 * @example
 * np.columnStack([np.array([1, 2]), np.array([3, 4])]).toArray(); // [[1, 3], [2, 4]]
 */
export function columnStack(xs: readonly ArrayLike[]): Array {
  const parts = arrays("columnStack", xs).map((a) => (a.ndim >= 2 ? a : reshape(a, [a.ndim === 1 ? a.shape[0]! : 1, 1])));
  return joinAs("columnStack", parts, 1);
}

/**
 * The array API's concat: arrays joined along an existing `axis` (0 by default); with
 * `axis: null`, their flattened elements in one 1-D array.
 *
 * @example
 * np.concat([np.zeros([2, 2]), np.ones([2, 2])], { axis: null }).shape; // [8]
 */
export function concat(xs: readonly ArrayLike[], opts: { axis?: number | null } = {}): Array {
  const parts = arrays("concat", xs);
  const { axis = 0 } = checkOptions("concat", opts, ["axis"]);
  if (axis === null) return joinAs("concat", parts.map((a) => reshape(a, [-1])), 0);
  if (parts[0]!.ndim === 0) throw new Error("concat: 0-d arrays cannot be joined along an axis (use stack, or axis: null)");
  return joinAs("concat", parts, normalizeAxis("concat", axis, parts[0]!.ndim));
}
