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

export function transposeStorage(x: Storage, perm: readonly number[]): Storage {
  const strides = stridesOf(x.shape);
  return stridedCopy(x, 0, perm.map((p) => strides[p]!), perm.map((p) => x.shape[p]!), "transpose");
}

/** Elements `start[d] + i·step[d]` along each axis (steps may be negative). */
export function sliceStorage(x: Storage, start: readonly number[], step: readonly number[], outShape: Shape): Storage {
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < strides.length; d++) offset += start[d]! * strides[d]!;
  return stridedCopy(x, offset, strides.map((s, d) => s * step[d]!), outShape, "slice");
}

export function broadcastStorage(x: Storage, outShape: Shape): Storage {
  const own = stridesOf(x.shape);
  const lead = outShape.length - x.shape.length;
  const strides = outShape.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : own[i - lead]!));
  return stridedCopy(x, 0, strides, outShape, "broadcastTo");
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
