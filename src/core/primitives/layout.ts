import {
  broadcastStorage, concatenateStorage, normalizeAxis, padStorage, shapeString, sizeOf, sliceStorage, Storage,
  takeStorage, transposeStorage, argsortStorage, type Shape,
} from "../../array/index.js";
import { definePrimitive } from "../primitive.js";

/** Same data, new shape (sizes must agree; `np.reshape` resolves -1). */
export const reshape = definePrimitive<{ shape: Shape }>({
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
});

/** Permutes the axes: output axis i is input axis perm[i]. */
export const transpose = definePrimitive<{ perm: readonly number[] }>({
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
});

/** numpy broadcasting to a larger shape (leading axes added, size-1 axes stretched). */
export const broadcastTo = definePrimitive<{ shape: Shape }>({
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

export const slice = definePrimitive<SliceParams>({
  name: "slice",
  shapeRule([x], params) {
    checkWindow("slice", x!.shape, params);
    return [{ shape: params.shape, dtype: x!.dtype }];
  },
  impl([x], { start, step, shape }) {
    return [sliceStorage(x!, start, step, shape)];
  },
});

/**
 * The transpose of `slice`: zeros of `outShape` with the input written into the window.
 * Params describe the window in the output, so `pad` undoes `slice` with the same params.
 */
export const pad = definePrimitive<SliceParams & { outShape: Shape }>({
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
});

export const concatenate = definePrimitive<{ axis: number }>({
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
});

/** numpy's `take` along one axis with an int32 index array. */
export const take = definePrimitive<{ axis: number }>({
  name: "take",
  shapeRule([x, idx], { axis }) {
    const a = normalizeAxis("take", axis, x!.shape.length);
    if (idx!.dtype !== "int32") throw new Error(`take: indices must be int32, got ${idx!.dtype}`);
    return [{ shape: [...x!.shape.slice(0, a), ...idx!.shape, ...x!.shape.slice(a + 1)], dtype: x!.dtype }];
  },
  impl([x, idx], { axis }) {
    return [takeStorage(x!, idx!, normalizeAxis("take", axis, x!.shape.length))];
  },
});

/** Indices that sort the last axis ascending (stable, NaN last). */
export const argsort = definePrimitive<Record<string, never>>({
  name: "argsort",
  shapeRule([x]) {
    return [{ shape: x!.shape, dtype: "int32" }];
  },
  impl([x]) {
    return [argsortStorage(x!)];
  },
});
