import { sizeOf, stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";

/**
 * Copies a strided view of `x` into a new contiguous Storage: element `idx` of the
 * result is `x.data[offset + Σ idx[d]·strides[d]]`. Transpose, slice, reverse and
 * broadcast are all this one loop with different strides.
 */
export function stridedCopy(x: Storage, offset: number, strides: readonly number[], outShape: Shape, op = "copy"): Storage {
  const out = Storage.zeros(x.dtype, outShape, op);
  const n = out.size;
  if (n === 0) return out;
  const src = x.data;
  const dst = out.data;
  const nd = outShape.length;
  if (nd === 0) {
    dst[0] = src[offset]!;
    return out;
  }
  const inner = outShape[nd - 1]!;
  const step = strides[nd - 1]!;
  const idx = new Int32Array(nd);
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    let p = base;
    for (let j = 0; j < inner; j++, p += step) dst[o + j] = src[p]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      base -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * How a view reads its input, axis by axis: input axis d at output index `idx` is element
 * `start[d] + step[d]·idx[from[d]]`, or `start[d]` alone where `from[d]` is −1 (a size-1
 * axis that is broadcast or dropped). Slice, transpose, broadcast and reshapes that only
 * add or drop size-1 axes are all such a map: the eager kernels turn it into strides
 * (`viewStrides`), `jit` into index expressions, so the arithmetic is written once.
 */
export interface AxisMap {
  readonly from: readonly number[];
  readonly start: readonly number[];
  readonly step: readonly number[];
}

/** Output element i along axis d is input `start[d] + i·step[d]`. */
export function sliceMap(start: readonly number[], step: readonly number[]): AxisMap {
  return { from: start.map((_, d) => d), start, step };
}

/** Output axis i is input axis perm[i]. */
export function transposeMap(perm: readonly number[]): AxisMap {
  return { from: perm.map((_, d) => perm.indexOf(d)), start: perm.map(() => 0), step: perm.map(() => 1) };
}

/** Each output element is the same input element (a view that changes nothing). */
export function identityMap(rank: number): AxisMap {
  const zeros = globalThis.Array.from({ length: rank }, () => 0);
  return { from: zeros.map((_, d) => d), start: zeros, step: zeros.map(() => 1) };
}

/** numpy broadcasting: align from the right; size-1 input axes read index 0. */
export function broadcastMap(shape: Shape, outShape: Shape): AxisMap {
  const lead = outShape.length - shape.length;
  return { from: shape.map((n, d) => (n === 1 ? -1 : d + lead)), start: shape.map(() => 0), step: shape.map(() => 1) };
}

/** A reshape that only adds or drops size-1 axes, as a map; undefined for any other reshape. */
export function unitAxesMap(shape: Shape, outShape: Shape): AxisMap | undefined {
  const kept = outShape.flatMap((n, d) => (n === 1 ? [] : [d]));
  const real = shape.filter((n) => n !== 1);
  if (kept.length !== real.length || kept.some((d, k) => outShape[d] !== real[k])) return undefined;
  let k = 0;
  return { from: shape.map((n) => (n === 1 ? -1 : kept[k++]!)), start: shape.map(() => 0), step: shape.map(() => 1) };
}

/**
 * Where a view reads in a contiguous input of `shape`: an offset and one stride per output axis.
 *
 * @example
 * viewStrides(transposeMap([1, 0]), [4, 5], [5, 4]); // { offset: 0, strides: [1, 5] }
 */
export function viewStrides(map: AxisMap, shape: Shape, outShape: Shape): { offset: number; strides: number[] } {
  const own = stridesOf(shape);
  const strides = outShape.map(() => 0);
  let offset = 0;
  for (let d = 0; d < own.length; d++) {
    offset += map.start[d]! * own[d]!;
    if (map.from[d]! >= 0) strides[map.from[d]!]! += map.step[d]! * own[d]!;
  }
  return { offset, strides };
}

/** Copies the view of `x` that `map` describes into a new contiguous Storage. */
export function viewStorage(x: Storage, map: AxisMap, outShape: Shape, op: string): Storage {
  const { offset, strides } = viewStrides(map, x.shape, outShape);
  return stridedCopy(x, offset, strides, outShape, op);
}

export function transposeStorage(x: Storage, perm: readonly number[]): Storage {
  return viewStorage(x, transposeMap(perm), perm.map((p) => x.shape[p]!), "transpose");
}

/** Elements `start[d] + i·step[d]` along each axis (steps may be negative). */
export function sliceStorage(x: Storage, start: readonly number[], step: readonly number[], outShape: Shape): Storage {
  return viewStorage(x, sliceMap(start, step), outShape, "slice");
}

export function broadcastStorage(x: Storage, outShape: Shape): Storage {
  return viewStorage(x, broadcastMap(x.shape, outShape), outShape, "broadcastTo");
}

/**
 * The transpose of a slice: a zero array of `outShape` with `x` written at
 * `start[d] + i·step[d]` (steps positive). Used for padding and scatter-by-slice.
 */
export function padStorage(x: Storage, start: readonly number[], step: readonly number[], outShape: Shape): Storage {
  const out = Storage.zeros(x.dtype, outShape, "pad");
  const n = x.size;
  if (n === 0) return out;
  const outStrides = stridesOf(outShape);
  const strides = outStrides.map((s, d) => s * step[d]!);
  let base = 0;
  for (let d = 0; d < strides.length; d++) base += start[d]! * outStrides[d]!;
  const src = x.data;
  const dst = out.data;
  const nd = x.shape.length;
  if (nd === 0) {
    dst[base] = src[0]!;
    return out;
  }
  // The mirror image of stridedCopy: walk x in order, write with the window's strides.
  const inner = x.shape[nd - 1]!;
  const stride = strides[nd - 1]!;
  const idx = new Int32Array(nd);
  for (let o = 0; o < n; o += inner) {
    let p = base;
    for (let j = 0; j < inner; j++, p += stride) dst[p] = src[o + j]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < x.shape[d]!) break;
      base -= strides[d]! * x.shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

export function concatenateStorage(xs: readonly Storage[], axis: number, outShape: Shape): Storage {
  const out = Storage.zeros(xs[0]!.dtype, outShape, "concatenate");
  const outer = sizeOf(outShape.slice(0, axis));
  const rowOut = sizeOf(outShape.slice(axis));
  let offset = 0;
  for (const x of xs) {
    const row = sizeOf(x.shape.slice(axis));
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * row, (o + 1) * row), o * rowOut + offset);
    offset += row;
  }
  return out;
}

/** numpy's `take` along `axis`: indices are int32, negatives count from the end. */
export function takeStorage(x: Storage, indices: Storage, axis: number): Storage {
  const n = x.shape[axis]!;
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = Storage.zeros(x.dtype, outShape, "take");
  const m = indices.size;
  for (let j = 0; j < m; j++) {
    const k = indices.data[j]!;
    if (k < -n || k >= n) throw new Error(`take: index ${k} is out of bounds for axis ${axis} with size ${n}`);
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const k = indices.data[j]!;
      const from = (o * n + (k < 0 ? k + n : k)) * inner;
      out.data.set(x.data.subarray(from, from + inner), (o * m + j) * inner);
    }
  }
  return out;
}

/** Stable ascending argsort along the last axis (NaN last, as in numpy). */
export function argsortStorage(x: Storage): Storage {
  const nd = x.shape.length;
  const n = nd === 0 ? 1 : x.shape[nd - 1]!;
  const out = Storage.zeros("int32", x.shape, "argsort");
  const order = new globalThis.Array<number>(n);
  for (let o = 0; o < x.size; o += n) {
    for (let j = 0; j < n; j++) order[j] = j;
    const key = (j: number) => x.data[o + j]!;
    order.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== ka) return kb !== kb ? a - b : 1;
      if (kb !== kb) return -1;
      return ka - kb || a - b;
    });
    for (let j = 0; j < n; j++) out.data[o + j] = order[j]!;
  }
  return out;
}

/** The transpose of `take`: zeros of `outShape` with `updates` added at the indices. */
export function scatterAddStorage(updates: Storage, indices: Storage, axis: number, outShape: Shape): Storage {
  const n = outShape[axis]!;
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const out = Storage.zeros(updates.dtype, outShape, "scatterAdd");
  const m = indices.size;
  for (let j = 0; j < m; j++) {
    const k = indices.data[j]!;
    if (k < -n || k >= n) throw new Error(`scatterAdd: index ${k} is out of bounds for axis ${axis} with size ${n}`);
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const k = indices.data[j]!;
      const to = (o * n + (k < 0 ? k + n : k)) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out.data[to + i]! += updates.data[from + i]!;
    }
  }
  return out;
}
