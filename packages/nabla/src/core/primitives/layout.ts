import {
  broadcastStorage, concatenateStorage, normalizeAxis, padStorage, scatterAddStorage, shapeString, sizeOf, sliceStorage,
  Storage, takeStorage, transposeStorage, argsortStorage, sliceMap, transposeMap, broadcastMap, unitAxesMap, type Shape,
} from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as np from "../np/index.js";
import { definePrimitive, type Primitive } from "../primitive.js";
import { batchByLoop, instantiate, materializeBatch, placeWindow, unbroadcast } from "./rules.js";

/** Applies a linear one-input primitive to a tangent (the JVP of any linear op). */
function linearJvp<P>(prim: () => Primitive<P>) {
  return ([x]: readonly Array[], [t]: readonly (Array | null | undefined)[], params: P): [Array[], (Array | null)[]] => [
    [bind1(prim(), [x!], params)],
    [t ? bind1(prim(), [t], params) : null],
  ];
}

/** Same data, new shape (sizes must agree; `np.reshape` resolves -1). */
export const reshape: Primitive<{ shape: Shape }> = definePrimitive({
  name: "reshape",
  shapeRule([x], { shape }) {
    if (sizeOf(shape) !== sizeOf(x!.shape)) {
      throw new Error(`reshape: cannot reshape an array of shape ${shapeString(x!.shape)} into shape ${shapeString(shape)}`);
    }
    return [{ shape, dtype: x!.dtype }];
  },
  impl([x], { shape }) {
    return [new Storage(x!.dtype, shape, x!.data)]; // storage is immutable, so sharing is safe
  },
  jvp: linearJvp(() => reshape),
  vjp: ([ct], [x]) => [ct ? np.reshape(ct, x!.shape) : null],
  batch: ([x], _b, { shape }, size) => [[bind1(reshape, [x!], { shape: [size, ...shape] })], [true]],
  lower: { kind: "view", map: (_p, x, out) => unitAxesMap(x.shape, out.shape) },
});

/** Permutes the axes: output axis i is input axis perm[i]. */
export const transpose: Primitive<{ perm: readonly number[] }> = definePrimitive({
  name: "transpose",
  shapeRule([x], { perm }) {
    const nd = x!.shape.length;
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== nd || sorted.some((p, i) => p !== i)) {
      throw new Error(`transpose: axes [${perm.join(",")}] are not a permutation of the ${nd} axes of ${shapeString(x!.shape)}`);
    }
    return [{ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }];
  },
  impl([x], { perm }) {
    return [transposeStorage(x!, perm)];
  },
  jvp: linearJvp(() => transpose),
  vjp([ct], _x, _o, { perm }) {
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [ct ? bind1(transpose, [ct], { perm: inverse }) : null];
  },
  batch: ([x], _b, { perm }) => [[bind1(transpose, [x!], { perm: [0, ...perm.map((p) => p + 1)] })], [true]],
  lower: { kind: "view", map: ({ perm }) => transposeMap(perm) },
});

/** numpy broadcasting to a larger shape (leading axes added, size-1 axes stretched). */
export const broadcastTo: Primitive<{ shape: Shape }> = definePrimitive({
  name: "broadcast_to",
  shapeRule([x], { shape }) {
    const lead = shape.length - x!.shape.length;
    const ok = lead >= 0 && x!.shape.every((d, i) => d === 1 || d === shape[i + lead]);
    if (!ok) throw new Error(`broadcastTo: cannot broadcast ${shapeString(x!.shape)} to ${shapeString(shape)}`);
    return [{ shape, dtype: x!.dtype }];
  },
  impl([x], { shape }) {
    return [broadcastStorage(x!, shape)];
  },
  jvp: linearJvp(() => broadcastTo),
  vjp: ([ct], [x]) => [ct ? unbroadcast(ct, x!.shape) : null],
  batch([x], _b, { shape }, size) {
    // Size-1 axes after the batch axis make the ranks meet, as numpy would from the left.
    const core = x!.shape.slice(1);
    const lifted = np.reshape(x!, [size, ...globalThis.Array(shape.length - core.length).fill(1), ...core]);
    return [[bind1(broadcastTo, [lifted], { shape: [size, ...shape] })], [true]];
  },
  lower: { kind: "view", map: (_p, x, out) => broadcastMap(x.shape, out.shape) },
});

/** A strided window: output element i along axis d is input `start[d] + i·step[d]`. */
export interface SliceParams {
  start: readonly number[];
  step: readonly number[];
  shape: Shape;
}

function checkWindow(op: string, full: Shape, { start, step, shape }: SliceParams): void {
  const ok =
    start.length === full.length && step.length === full.length && shape.length === full.length &&
    full.every((n, d) => shape[d] === 0 || (start[d]! >= 0 && start[d]! < n && start[d]! + (shape[d]! - 1) * step[d]! >= 0 &&
      start[d]! + (shape[d]! - 1) * step[d]! < n));
  if (!ok) {
    throw new Error(`${op}: window start [${start.join(",")}] step [${step.join(",")}] shape ${shapeString(shape)} does not fit ${shapeString(full)}`);
  }
}

/** The window with a leading batch axis taken whole. */
function batchWindow<P extends SliceParams>(p: P, size: number): SliceParams {
  return { start: [0, ...p.start], step: [1, ...p.step], shape: [size, ...p.shape] };
}

export const slice: Primitive<SliceParams> = definePrimitive({
  name: "slice",
  shapeRule([x], params) {
    checkWindow("slice", x!.shape, params);
    return [{ shape: params.shape, dtype: x!.dtype }];
  },
  impl([x], { start, step, shape }) {
    return [sliceStorage(x!, start, step, shape)];
  },
  jvp: linearJvp(() => slice),
  vjp: ([ct], [x], _o, { start, step }) => [ct ? placeWindow(ct, start, step, x!.shape) : null],
  batch: ([x], _b, params, size) => [[bind1(slice, [x!], batchWindow(params, size))], [true]],
  lower: { kind: "view", map: ({ start, step }) => sliceMap(start, step) },
});

/**
 * The transpose of `slice`: zeros of `outShape` with the input written into the window.
 * Params describe the window in the output, so `pad` undoes `slice` with the same params.
 */
export const pad: Primitive<SliceParams & { outShape: Shape }> = definePrimitive({
  name: "pad",
  shapeRule([x], params) {
    if (shapeString(x!.shape) !== shapeString(params.shape)) {
      throw new Error(`pad: input ${shapeString(x!.shape)} does not match the window ${shapeString(params.shape)}`);
    }
    if (params.step.some((s) => s <= 0)) throw new Error("pad: steps must be positive");
    checkWindow("pad", params.outShape, params);
    return [{ shape: params.outShape, dtype: x!.dtype }];
  },
  impl([x], { start, step, outShape }) {
    return [padStorage(x!, start, step, outShape)];
  },
  jvp: linearJvp(() => pad),
  vjp: ([ct], _x, _o, { start, step, shape }) => [ct ? bind1(slice, [ct], { start, step, shape }) : null],
  batch: ([x], _b, params, size) => [[bind1(pad, [x!], { ...batchWindow(params, size), outShape: [size, ...params.outShape] })], [true]],
  lower: { kind: "window", window: (params) => params },
});

export const concatenate: Primitive<{ axis: number }> = definePrimitive({
  name: "concatenate",
  shapeRule(xs, { axis }) {
    if (xs.length === 0) throw new Error("concatenate: needs at least one array");
    const first = xs[0]!;
    const a = normalizeAxis("concatenate", axis, first.shape.length);
    for (const x of xs) {
      const same = x.shape.length === first.shape.length && x.shape.every((d, i) => i === a || d === first.shape[i]);
      if (!same) {
        throw new Error(`concatenate: shapes ${xs.map((y) => shapeString(y.shape)).join(", ")} differ outside axis ${a}`);
      }
      if (x.dtype !== first.dtype) throw new Error(`concatenate: dtypes differ (${xs.map((y) => y.dtype).join(", ")})`);
    }
    const shape = [...first.shape];
    shape[a] = xs.reduce((n, x) => n + x.shape[a]!, 0);
    return [{ shape, dtype: first.dtype }];
  },
  impl(xs, { axis }, [out]) {
    return [concatenateStorage(xs, normalizeAxis("concatenate", axis, out!.shape.length), out!.shape)];
  },
  jvp(xs, ts, params) {
    const out = bind1(concatenate, xs, params);
    if (ts.every((t) => !t)) return [[out], [null]];
    return [[out], [bind1(concatenate, xs.map((x, i) => instantiate(ts[i] ?? null, x)), params)]];
  },
  vjp([ct], xs, _o, { axis }, wanted) {
    if (!ct) return xs.map(() => null);
    const a = normalizeAxis("concatenate", axis, ct.ndim);
    let offset = 0;
    return xs.map((x, i) => {
      const lo = offset;
      offset += x.shape[a]!;
      if (!wanted[i]) return null;
      return bind1(slice, [ct], {
        start: ct.shape.map((_, d) => (d === a ? lo : 0)),
        step: ct.shape.map(() => 1),
        shape: x.shape,
      });
    });
  },
  batch: (xs, batched, { axis }, size) => [
    [bind1(concatenate, xs.map((x, i) => materializeBatch(x, batched[i]!, size)), { axis: normalizeAxis("concatenate", axis, xs[0]!.ndim - (batched[0] ? 1 : 0)) + 1 })],
    [true],
  ],
});

/** numpy's `take` along one axis with an int32 index array. */
export const take: Primitive<{ axis: number }> = definePrimitive({
  name: "take",
  shapeRule([x, idx], { axis }) {
    const a = normalizeAxis("take", axis, x!.shape.length);
    if (idx!.dtype !== "int32") throw new Error(`take: indices must be int32, got ${idx!.dtype}`);
    return [{ shape: [...x!.shape.slice(0, a), ...idx!.shape, ...x!.shape.slice(a + 1)], dtype: x!.dtype }];
  },
  impl([x, idx], { axis }) {
    return [takeStorage(x!, idx!, normalizeAxis("take", axis, x!.shape.length))];
  },
  jvp([x, idx], [t], params) {
    return [[bind1(take, [x!, idx!], params)], [t ? bind1(take, [t, idx!], params) : null]];
  },
  vjp: ([ct], [x, idx], _o, { axis }) => [
    ct ? bind1(scatterAdd, [ct, idx!], { axis: normalizeAxis("take", axis, x!.ndim), shape: x!.shape }) : null,
    null,
  ],
  batch(args, batched, { axis }, size) {
    const [x, idx] = args as [Array, Array];
    if (batched[0] && !batched[1]) return [[bind1(take, [x, idx], { axis: normalizeAxis("take", axis, x.ndim - 1) + 1 })], [true]];
    if (!batched[0] && batched[1]) {
      // The batch axis of the indices lands at `axis` of the result: move it to the front.
      const a = normalizeAxis("take", axis, x.ndim);
      return [[np.moveaxis(bind1(take, [x, idx], { axis: a }), a, 0)], [true]];
    }
    return batchByLoop(take, args, batched, { axis }, size);
  },
});

/** The transpose of `take`: zeros of `shape` with the updates added at the indices. */
export const scatterAdd: Primitive<{ axis: number; shape: Shape }> = definePrimitive({
  name: "scatter_add",
  shapeRule([u, idx], { axis, shape }) {
    const a = normalizeAxis("scatterAdd", axis, shape.length);
    const expected = [...shape.slice(0, a), ...idx!.shape, ...shape.slice(a + 1)];
    if (shapeString(u!.shape) !== shapeString(expected)) {
      throw new Error(`scatterAdd: updates ${shapeString(u!.shape)} do not match ${shapeString(expected)}`);
    }
    if (idx!.dtype !== "int32") throw new Error(`scatterAdd: indices must be int32, got ${idx!.dtype}`);
    return [{ shape, dtype: u!.dtype }];
  },
  impl([u, idx], { axis, shape }) {
    return [scatterAddStorage(u!, idx!, normalizeAxis("scatterAdd", axis, shape.length), shape)];
  },
  jvp([u, idx], [t], params) {
    return [[bind1(scatterAdd, [u!, idx!], params)], [t ? bind1(scatterAdd, [t, idx!], params) : null]];
  },
  vjp: ([ct], [, idx], _o, { axis }) => [ct ? bind1(take, [ct, idx!], { axis }) : null, null],
  batch(args, batched, params, size) {
    if (batched[0] && !batched[1]) {
      return [[bind1(scatterAdd, [args[0]!, args[1]!], { axis: params.axis + 1, shape: [size, ...params.shape] })], [true]];
    }
    return batchByLoop(scatterAdd, args, batched, params, size);
  },
});

/** Indices that sort the last axis ascending (stable, NaN last). */
export const argsort: Primitive<Record<string, never>> = definePrimitive({
  name: "argsort",
  shapeRule([x]) {
    return [{ shape: x!.shape, dtype: "int32" }];
  },
  impl([x]) {
    return [argsortStorage(x!)];
  },
  jvp: ([x]) => [[bind1(argsort, [x!], {})], [null]],
  vjp: () => [null],
  batch: ([x]) => [[bind1(argsort, [x!], {})], [true]],
});
