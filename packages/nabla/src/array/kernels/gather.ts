import { sizeOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";

/**
 * The loop shared by the gather along an axis and its transpose: `visit(from, to)` for
 * every element of the index array, where `from` is its position in the index array and
 * `to` its target in an array whose `axis` has length n (negative indices count from the
 * end; others outside [−n, n) are an error naming `op`).
 */
function alongAxis(op: string, idx: Storage, axis: number, n: number, visit: (from: number, to: number) => void): void {
  const m = idx.shape[axis]!;
  const outer = sizeOf(idx.shape.slice(0, axis));
  const inner = sizeOf(idx.shape.slice(axis + 1));
  const ks = idx.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) {
        const k = ks[from + i]!;
        if (k < -n || k >= n) throw new Error(`${op}: index ${k} is out of bounds for axis ${axis} with size ${n}`);
        visit(from + i, (o * n + (k < 0 ? k + n : k)) * inner + i);
      }
    }
  }
}

/** numpy's take_along_axis for same-rank arrays that agree off `axis`: out[…j…] = x[…idx[…j…]…]. */
export function takeAlongAxisStorage(x: Storage, idx: Storage, axis: number): Storage {
  const out = Storage.zeros(x.dtype, idx.shape, "takeAlongAxis");
  const src = x.data;
  const dst = out.data;
  alongAxis("takeAlongAxis", idx, axis, x.shape[axis]!, (from, to) => {
    dst[from] = src[to]!;
  });
  return out;
}

/** The transpose of takeAlongAxisStorage: zeros with `axis` of length `size`, updates added at the indices. */
export function scatterAddAlongAxisStorage(u: Storage, idx: Storage, axis: number, size: number): Storage {
  const shape: Shape = idx.shape.map((d, i) => (i === axis ? size : d));
  const out = Storage.zeros(u.dtype, shape, "scatterAddAlongAxis");
  const src = u.data;
  const dst = out.data;
  alongAxis("scatterAddAlongAxis", idx, axis, size, (from, to) => {
    dst[to]! += src[from]!;
  });
  return out;
}

/**
 * For each row of `v` (last axis), where its values would be inserted into the same row
 * of the sorted `a` to keep it sorted: the first such place (`left`) or the last
 * (`right`). NaN sorts last, as in numpy's sort, so a NaN in v goes before (left) or
 * after (right) the NaNs at the end of a.
 */
export function searchsortedStorage(a: Storage, v: Storage, right: boolean): Storage {
  const out = Storage.zeros("int32", v.shape, "searchsorted");
  const n = a.shape[a.shape.length - 1]!;
  const m = v.shape[v.shape.length - 1]!;
  const rows = m === 0 ? 0 : v.size / m;
  const as = a.data;
  const vs = v.data;
  // less(p, q) in numpy's sort order (NaN after everything).
  const less = (p: number, q: number) => p < q || (q !== q && p === p);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < m; j++) {
      const value = vs[r * m + j]!;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const goRight = right ? !less(value, as[base + mid]!) : less(as[base + mid]!, value);
        if (goRight) lo = mid + 1;
        else hi = mid;
      }
      out.data[r * m + j] = lo;
    }
  }
  return out;
}
