import { sizeOf, stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";

/**
 * C = A·B for one (m×k)·(k×n) pair, i-k-j order with four k-steps fused so each row of
 * C is loaded and stored a quarter as often as in the plain triple loop.
 */
function matmulInto(
  a: Float64Array | Float32Array | Int32Array | Uint8Array, ao: number,
  b: Float64Array | Float32Array | Int32Array | Uint8Array, bo: number,
  c: Float64Array | Float32Array | Int32Array | Uint8Array, co: number,
  m: number, k: number, n: number,
): void {
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    const ai = ao + i * k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = a[ai + p]!, a1 = a[ai + p + 1]!, a2 = a[ai + p + 2]!, a3 = a[ai + p + 3]!;
      const b0 = bo + p * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) row[j]! += a0 * b[b0 + j]! + a1 * b[b1 + j]! + a2 * b[b2 + j]! + a3 * b[b3 + j]!;
    }
    for (; p < k; p++) {
      const a0 = a[ai + p]!;
      const b0 = bo + p * n;
      for (let j = 0; j < n; j++) row[j]! += a0 * b[b0 + j]!;
    }
    c.set(row, co + i * n);
  }
}

/**
 * Batched matmul with numpy semantics for operands of rank ≥ 2: the last two axes
 * multiply, the leading (batch) axes broadcast. `outShape` is already checked.
 */
export function matmulStorage(a: Storage, b: Storage, outShape: Shape): Storage {
  const out = Storage.zeros(a.dtype, outShape);
  const nd = outShape.length;
  const m = a.shape[a.shape.length - 2]!;
  const k = a.shape[a.shape.length - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const batchShape = outShape.slice(0, nd - 2);
  const batch = sizeOf(batchShape);
  // Batch strides (in matrices) of each operand, 0 on broadcast axes.
  const batchStrides = (s: Shape) => {
    const own = stridesOf(s.slice(0, s.length - 2));
    const lead = batchShape.length - (s.length - 2);
    return batchShape.map((_, i) => (i < lead || s[i - lead] === 1 ? 0 : own[i - lead]!));
  };
  const sa = batchStrides(a.shape);
  const sb = batchStrides(b.shape);
  const idx = new Int32Array(batchShape.length);
  for (let t = 0; t < batch; t++) {
    let ia = 0, ib = 0;
    for (let d = 0; d < idx.length; d++) {
      ia += idx[d]! * sa[d]!;
      ib += idx[d]! * sb[d]!;
    }
    matmulInto(a.data, ia * m * k, b.data, ib * k * n, out.data, t * m * n, m, k, n);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
