import { checkFlag, checkInteger, checkOptions, describe, normalizeAxis } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { argsort as argsortP, takeAlongAxis as takeAlongAxisP } from "../primitives/index.js";
import { arrayArg } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { sub } from "./elementwise.js";
import { flip, reshape, swapaxes } from "./shape.js";

/** The options of sort and argsort. */
export interface SortOptions {
  /** The axis to sort along (the last by default; null: the flattened array). */
  axis?: number | null;
  /** Largest first (the array API's option); NaN then comes first. */
  descending?: boolean;
  /** Keep equal elements in their order. Sorts are always stable here, so this changes nothing. */
  stable?: boolean;
  /** numpy's algorithm choice; every kind is the same stable sort here. */
  kind?: "quicksort" | "mergesort" | "heapsort" | "stable";
}

const KINDS = ["quicksort", "mergesort", "heapsort", "stable"];

/** x (flattened when axis is null), the axis, and whether to sort descending; a 0-d x has axis undefined. */
function sortArgs(op: string, x: ArrayLike, opts: unknown) {
  let a = arrayArg(op, "x", x);
  const o = checkOptions(op, opts, ["axis", "descending", "stable", "kind"]);
  const descending = checkFlag(op, "descending", o.descending, false);
  checkFlag(op, "stable", o.stable, true);
  if (o.kind !== undefined && !KINDS.includes(o.kind as string)) throw new Error(`${op}: kind ${describe(o.kind)} is not one of ${KINDS.join(", ")}`);
  if (o.axis === null) a = reshape(a, [-1]);
  const given = o.axis ?? -1;
  if (a.ndim === 0) {
    checkInteger(op, "axis", given); // a 0-d array has one order, but the axis must still be one
    return { a, axis: undefined, descending };
  }
  return { a, axis: normalizeAxis(op, given, a.ndim), descending };
}

/** Ascending stable argsort along `axis`. */
function ascendingOrder(a: Array, axis: number): Array {
  return swapaxes(bind1(argsortP, [swapaxes(a, axis, -1)], {}), axis, -1);
}

/**
 * Indices that sort `x` along `axis` (last by default; null: the flattened array),
 * stable (equal elements keep their order), NaN last; `descending: true` gives the
 * largest first (NaN first), equal elements still in their order.
 *
 * @example
 * np.argsort(np.array([3, 1, 2])).toArray(); // [1, 2, 0]
 * np.argsort(np.array([3, 1, 3]), { descending: true }).toArray(); // [0, 2, 1]
 */
export function argsort(x: ArrayLike, opts: SortOptions = {}): Array {
  const { a, axis, descending } = sortArgs("argsort", x, opts);
  if (axis === undefined) return arrayArg("argsort", "x", 0, "int32");
  if (!descending) return ascendingOrder(a, axis);
  // Ascending order of the reversed x, read backwards: largest first, and equal elements
  // (reversed twice) in their original order; position j of the reversed x is n − 1 − j.
  const n = a.shape[axis]!;
  return sub(n - 1, flip(ascendingOrder(flip(a, { axis }), axis), { axis }));
}

/**
 * `x` sorted along `axis` (last by default; null: the flattened array), NaN last;
 * `descending: true` for largest first (NaN first). Differentiable: the derivative
 * follows each element to its place.
 *
 * @example
 * np.sort(np.array([3, 1, 2])).toArray(); // [1, 2, 3]
 * np.sort(np.array([3, 1, 2]), { descending: true }).toArray(); // [3, 2, 1]
 */
export function sort(x: ArrayLike, opts: SortOptions = {}): Array {
  const { a, axis, descending } = sortArgs("sort", x, opts);
  if (axis === undefined || a.size === 0) return a;
  // Gathered along the axis, so the derivative follows each element (and vmap batches it).
  const sorted = bind1(takeAlongAxisP, [a, ascendingOrder(a, axis)], { axis });
  return descending ? flip(sorted, { axis }) : sorted;
}
