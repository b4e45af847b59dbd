import { checkInteger, checkOptions, normalizeAxis } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { argsort as argsortP } from "../primitives/index.js";
import { arrayArg } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { arange } from "./creation.js";
import { add, mul } from "./elementwise.js";
import { take } from "./indexing.js";
import { reshape, swapaxes } from "./shape.js";

/**
 * Indices that sort `x` along `axis` (last by default), stable, NaN last.
 *
 * @example
 * np.argsort(np.array([3, 1, 2])).toArray(); // [1, 2, 0]
 */
export function argsort(x: ArrayLike, opts: { axis?: number } = {}): Array {
  const a = arrayArg("argsort", "x", x);
  const { axis = -1 } = checkOptions("argsort", opts, ["axis"]);
  if (a.ndim === 0) {
    checkInteger("argsort", "axis", axis); // a 0-d array has one order, but the axis must still be one
    return arrayArg("argsort", "x", 0, "int32");
  }
  const ax = normalizeAxis("argsort", axis, a.ndim);
  return swapaxes(bind1(argsortP, [swapaxes(a, ax, -1)], {}), ax, -1);
}

/**
 * `x` sorted along `axis` (last by default), NaN last.
 *
 * @example
 * np.sort(np.array([3, 1, 2])).toArray(); // [1, 2, 3]
 */
export function sort(x: ArrayLike, opts: { axis?: number } = {}): Array {
  const a = arrayArg("sort", "x", x);
  const { axis: given = -1 } = checkOptions("sort", opts, ["axis"]);
  if (a.ndim === 0) {
    checkInteger("sort", "axis", given); // nothing to sort, but the axis must still be one
    return a;
  }
  const axis = normalizeAxis("sort", given, a.ndim);
  if (a.size === 0) return a;
  const moved = swapaxes(a, axis, -1);
  const n = moved.shape[moved.ndim - 1]!;
  const rows = moved.size / n;
  // Row r's sorted order, as flat indices: order + r·n.
  const order = reshape(argsort(moved), [rows, n]);
  const rowStart = reshape(mul(arange(rows, { dtype: "int32" }), n), [rows, 1]);
  const flat = take(reshape(moved, [-1]), reshape(add(order, rowStart), [-1]));
  return swapaxes(reshape(flat, moved.shape), axis, -1);
}
