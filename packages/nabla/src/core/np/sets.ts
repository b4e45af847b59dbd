// Set functions: unique (eager: its length depends on the values), the array API's
// uniqueAll/uniqueCounts/uniqueInverse/uniqueValues, and isin (any transformation).
import { checkFlag, checkOptions, describe } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { full } from "./creation.js";
import { clip, equal, logicalNot } from "./elementwise.js";
import { array } from "./fromdata.js";
import { take } from "./indexing.js";
import { reshape } from "./shape.js";
import { sort } from "./sort.js";
import { concreteStorage } from "./util.js";

/** What unique returns when asked for more than the values (numpy's tuple, by name; the array API's fields). */
export interface UniqueResult {
  /** The distinct values, sorted (NaN last). */
  values: Array;
  /** Where each value first occurs in the flattened x (int32). */
  indices?: Array;
  /** For each element of x, the position of its value in `values` (int32, x's shape): values[inverseIndices] is x. */
  inverseIndices?: Array;
  /** How many times each value occurs (int32). */
  counts?: Array;
}

export interface UniqueOptions {
  returnIndex?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  /** NaNs count as one value (true, numpy's default) or each as its own. */
  equalNan?: boolean;
}

/** numpy's sort order of numbers: ascending, NaN last. */
function compare(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The distinct values of x (flattened, as known values) and where they come from. */
function uniqueAs(op: string, x: ArrayLike, equalNan: boolean): Required<UniqueResult> {
  const a = reshape(arrayArg(op, "x", x), [-1]);
  const data = concreteStorage(op, "x", a).data;
  const n = data.length;
  // A stable sort, so each group's first member is the value's first occurrence.
  const order = [...globalThis.Array(n).keys()].sort((i, j) => compare(data[i]!, data[j]!) || i - j);
  const first: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const prev = r > 0 ? data[order[r - 1]!]! : undefined;
    const v = data[i]!;
    const same = prev !== undefined && (prev === v || (equalNan && prev !== prev && v !== v));
    if (!same) {
      first.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = first.length - 1;
  }
  const indices = array(first, { dtype: "int32" });
  const shape = arrayArg(op, "x", x).shape;
  return {
    // Gathered from x, so the values carry x's derivative under grad (where x is known).
    values: take(a, indices),
    indices,
    inverseIndices: reshape(array(inverse), shape),
    counts: array(counts, { dtype: "int32" }),
  };
}

/**
 * The sorted distinct values of x (flattened), as numpy's unique; NaNs count as one
 * (`equalNan: false`: each its own). With `returnIndex`, `returnInverse` or
 * `returnCounts`, a record of the values and those (numpy's tuple, by name). The
 * result's length depends on the values, so x must be known: an error under jit and
 * vmap. Under a derivative the values are gathered from x and carry its derivative.
 *
 * @example
 * np.unique(np.array([3, 1, 3, 2])).toArray(); // [1, 2, 3]
 * np.unique(np.array([3, 1, 3]), { returnCounts: true }).counts!.toArray(); // [1, 2]
 */
export function unique(x: ArrayLike, opts?: { equalNan?: boolean; returnIndex?: false; returnInverse?: false; returnCounts?: false }): Array;
export function unique(x: ArrayLike, opts: UniqueOptions): UniqueResult;
export function unique(x: ArrayLike, opts: UniqueOptions = {}): Array | UniqueResult {
  const o = checkOptions("unique", opts, ["returnIndex", "returnInverse", "returnCounts", "equalNan"]);
  const flags = (["returnIndex", "returnInverse", "returnCounts"] as const).map((k) => checkFlag("unique", k, o[k], false));
  const r = uniqueAs("unique", x, checkFlag("unique", "equalNan", o.equalNan, true));
  if (!flags.some(Boolean)) return r.values;
  return {
    values: r.values,
    ...(flags[0] ? { indices: r.indices } : {}),
    ...(flags[1] ? { inverseIndices: r.inverseIndices } : {}),
    ...(flags[2] ? { counts: r.counts } : {}),
  };
}

/**
 * The array API's unique_all: the distinct values with their first indices, the inverse
 * indices (x's shape) and the counts; each NaN is distinct, as numpy's. Eager only.
 *
 * @example
 * np.uniqueAll(np.array([2, 1, 2])).inverseIndices.toArray(); // [1, 0, 1]
 */
export function uniqueAll(x: ArrayLike): Required<UniqueResult> {
  return uniqueAs("uniqueAll", x, false);
}

/**
 * The array API's unique_counts: the distinct values and how often each occurs (each
 * NaN distinct). Eager only.
 *
 * @example
 * np.uniqueCounts(np.array([2, 1, 2])).counts.toArray(); // [1, 2]
 */
export function uniqueCounts(x: ArrayLike): { values: Array; counts: Array } {
  const { values, counts } = uniqueAs("uniqueCounts", x, false);
  return { values, counts };
}

/**
 * The array API's unique_inverse: the distinct values, and for each element of x the
 * position of its value among them (each NaN distinct). Eager only.
 *
 * @example
 * np.uniqueInverse(np.array([2, 1, 2])).inverseIndices.toArray(); // [1, 0, 1]
 */
export function uniqueInverse(x: ArrayLike): { values: Array; inverseIndices: Array } {
  const { values, inverseIndices } = uniqueAs("uniqueInverse", x, false);
  return { values, inverseIndices };
}

/**
 * The array API's unique_values: the sorted distinct values (each NaN distinct). Eager only.
 *
 * @example
 * np.uniqueValues(np.array([2, 1, 2])).toArray(); // [1, 2]
 */
export function uniqueValues(x: ArrayLike): Array {
  return uniqueAs("uniqueValues", x, false).values;
}

/**
 * Whether each element of `element` occurs in `testElements`, a bool Array of element's
 * shape, as numpy's isin (`invert: true` for "does not occur"); NaN matches nothing.
 * Works under every transformation: the test elements are sorted and searched.
 *
 * @example
 * np.isin(np.array([1, 2, 3, 4]), [2, 4]).toArray(); // [false, true, false, true]
 */
export function isin(element: ArrayLike, testElements: ArrayLike | readonly number[], opts: { invert?: boolean } = {}): Array {
  const o = checkOptions("isin", opts, ["invert"]);
  const invert = checkFlag("isin", "invert", o.invert, false);
  if (globalThis.Array.isArray(testElements) && !testElements.every((v) => typeof v === "number")) {
    throw new Error(`isin: testElements must be an Array or a list of numbers, got ${describe(testElements)}`);
  }
  const tests = globalThis.Array.isArray(testElements) ? array(testElements as number[]) : checkArrayLike("isin", "testElements", testElements);
  const dtype = promotedDtype([checkArrayLike("isin", "element", element), tests]);
  const e = arrayArg("isin", "element", element, dtype);
  const t = reshape(arrayArg("isin", "testElements", tests, dtype), [-1]);
  if (t.size === 0) return full(e.shape, invert);
  const sorted = sort(t);
  const flat = reshape(e, [-1]);
  const at = clip(bind1(P.searchsorted, [sorted, flat], { side: "left" }), 0, t.size - 1);
  const found = reshape(equal(bind1(P.takeAlongAxis, [sorted, at], { axis: 0 }), flat), e.shape);
  return invert ? logicalNot(found) : found;
}

