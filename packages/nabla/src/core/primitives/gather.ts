// Gathers and scatters along one axis with per-element indices, and the sorted search.
import {
  normalizeAxis, scatterAddAlongAxisStorage, searchsortedStorage, shapeString, takeAlongAxisStorage, type Shape,
} from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as np from "../np/index.js";
import { definePrimitive, type Aval, type Primitive } from "../primitive.js";
import { materializeBatch } from "./rules.js";

/** The shapes of a gather or scatter along `axis` agree everywhere else. */
function checkAlong(op: string, data: Shape, idx: Aval, axis: number): void {
  if (idx.dtype !== "int32") throw new Error(`${op}: indices must be int32, got ${idx.dtype}`);
  const ok = idx.shape.length === data.length && idx.shape.every((d, i) => i === axis || d === data[i]);
  if (!ok) throw new Error(`${op}: indices ${shapeString(idx.shape)} do not match ${shapeString(data)} off axis ${axis}`);
}

/** Both operands with the batch axis in front (where only one had it, the other is copied along it). */
function bothBatched(args: readonly Array[], batched: readonly boolean[], size: number): Array[] {
  return args.map((a, i) => materializeBatch(a, batched[i]!, size));
}

/**
 * numpy's take_along_axis on same-rank operands (`np.takeAlongAxis` broadcasts them
 * first): out[…, j, …] = x[…, idx[…, j, …], …], negative indices counting from the end.
 */
export const takeAlongAxis: Primitive<{ axis: number }> = definePrimitive({
  name: "take_along_axis",
  shapeRule([x, idx], { axis }) {
    const a = normalizeAxis("takeAlongAxis", axis, x!.shape.length);
    checkAlong("takeAlongAxis", x!.shape, idx!, a);
    return [{ shape: idx!.shape, dtype: x!.dtype }];
  },
  impl([x, idx], { axis }) {
    return [takeAlongAxisStorage(x!, idx!, normalizeAxis("takeAlongAxis", axis, x!.shape.length))];
  },
  jvp([x, idx], [t], params) {
    return [[bind1(takeAlongAxis, [x!, idx!], params)], [t ? bind1(takeAlongAxis, [t, idx!], params) : null]];
  },
  vjp: ([ct], [x, idx], _o, { axis }) => {
    const a = normalizeAxis("takeAlongAxis", axis, x!.ndim);
    return [ct ? bind1(scatterAddAlongAxis, [ct, idx!], { axis: a, size: x!.shape[a]! }) : null, null];
  },
  batch: (args, batched, { axis }, size) => [
    [bind1(takeAlongAxis, bothBatched(args, batched, size), { axis: normalizeAxis("takeAlongAxis", axis, args[1]!.ndim - (batched[1] ? 1 : 0)) + 1 })],
    [true],
  ],
});

/** The transpose of `take_along_axis`: zeros whose `axis` has length `size`, the updates added at the indices. */
export const scatterAddAlongAxis: Primitive<{ axis: number; size: number }> = definePrimitive({
  name: "scatter_add_along_axis",
  shapeRule([u, idx], { axis, size }) {
    const a = normalizeAxis("scatterAddAlongAxis", axis, idx!.shape.length);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`scatterAddAlongAxis: size must be a non-negative integer, got ${size}`);
    if (idx!.dtype !== "int32") throw new Error(`scatterAddAlongAxis: indices must be int32, got ${idx!.dtype}`);
    if (shapeString(u!.shape) !== shapeString(idx!.shape)) {
      throw new Error(`scatterAddAlongAxis: updates ${shapeString(u!.shape)} do not match indices ${shapeString(idx!.shape)}`);
    }
    return [{ shape: idx!.shape.map((d, i) => (i === a ? size : d)), dtype: u!.dtype }];
  },
  impl([u, idx], { axis, size }) {
    return [scatterAddAlongAxisStorage(u!, idx!, normalizeAxis("scatterAddAlongAxis", axis, idx!.shape.length), size)];
  },
  jvp([u, idx], [t], params) {
    return [[bind1(scatterAddAlongAxis, [u!, idx!], params)], [t ? bind1(scatterAddAlongAxis, [t, idx!], params) : null]];
  },
  vjp: ([ct], [, idx], _o, { axis }) => [ct ? bind1(takeAlongAxis, [ct, idx!], { axis }) : null, null],
  batch: (args, batched, { axis, size }, size0) => [
    [bind1(scatterAddAlongAxis, bothBatched(args, batched, size0), { axis: normalizeAxis("scatterAddAlongAxis", axis, args[1]!.ndim - (batched[1] ? 1 : 0)) + 1, size })],
    [true],
  ],
});

/**
 * Insertion points of each row of `v` (last axis) into the same row of the sorted `a`
 * (leading axes agree): int32, so it carries no derivative.
 */
export const searchsorted: Primitive<{ side: "left" | "right" }> = definePrimitive({
  name: "searchsorted",
  shapeRule([a, v]) {
    const lead = (s: Shape) => shapeString(s.slice(0, -1));
    if (a!.shape.length === 0 || v!.shape.length === 0 || lead(a!.shape) !== lead(v!.shape)) {
      throw new Error(`searchsorted: sorted rows ${shapeString(a!.shape)} and values ${shapeString(v!.shape)} need one rank ≥ 1 and the same leading axes`);
    }
    if (a!.dtype !== v!.dtype) throw new Error(`searchsorted: dtypes differ (${a!.dtype}, ${v!.dtype})`);
    return [{ shape: v!.shape, dtype: "int32" }];
  },
  impl([a, v], { side }) {
    return [searchsortedStorage(a!, v!, side === "right")];
  },
  jvp: ([a, v], _t, params) => [[bind1(searchsorted, [a!, v!], params)], [null]],
  vjp: () => [null, null],
  batch(args, batched, params, size) {
    const [a, v] = args as [Array, Array];
    if (!batched[0] && a.ndim === 1) {
      // One sorted row for every example: search all of them in one row of values.
      return [[np.reshape(bind1(searchsorted, [a, np.reshape(v, [-1])], params), v.shape)], [true]];
    }
    return [[bind1(searchsorted, bothBatched(args, batched, size), params)], [true]];
  },
});
