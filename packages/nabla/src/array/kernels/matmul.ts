import { sizeOf, stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import { wasmMatmulInto } from "../wasm/index.js";

type Data = Float64Array | Float32Array | Int32Array | Uint8Array;

/** Rounds a double to the nearest float32: the float32 kernels round every product and sum. */
const f32 = Math.fround;

/**
 * Products with at least this many multiply-adds (m·k·n) go to the WebAssembly kernel
 * when it is available: from 8×8×8 it is 2× faster, and 4× from 64×64×64, while below
 * about 4×4×4 setting up the call costs more than the SIMD saves. Both give the same bits.
 */
const WASM_MIN_WORK = 8 ** 3;

/**
 * C = A·B for one (m×k)·(k×n) pair: in WebAssembly (array/wasm/) where it runs and the
 * product is large enough, else here. The bulk is computed in 4×4 blocks of C held in 16
 * local accumulators, reading 4-row panels of A and 4-column panels of B packed
 * contiguously (the register-blocking idea of GotoBLAS, in plain JavaScript): 16
 * multiply-adds per 8 loads, against 1 per 2 of the i-k-j loop. Leftover rows and
 * columns take the simple loop. Each element sums over k in order from +0, in both
 * kernels, in doubles or, with `single`, in float32 arithmetic (as numpy, JAX and TF.js
 * compute float32 products): `s = fround(s + fround(a·b))`, every product and partial sum
 * rounded to float32, which is exactly what f32x4.mul then f32x4.add give (a double holds
 * the product of two floats exactly, and rounds their double sum to their float32 sum).
 * `single` is passed, not read off the buffers: the batched path in `matmulStorage`
 * multiplies float32 values held in Float64Arrays.
 */
function matmulInto(a: Data, ao: number, b: Data, bo: number, c: Data, co: number, m: number, k: number, n: number, single: boolean): void {
  // Matrix-vector products (one row or one column) are memory-bound: copying the matrix
  // into WebAssembly costs as much as the product, so they stay here.
  if (m > 1 && n > 1 && m * k * n >= WASM_MIN_WORK && wasmMatmulInto(a, ao, b, bo, c, co, m, k, n, false, single)) return;
  // Matrix-vector shapes (fewer than 4 rows or columns) have no 4×4 blocks to speak of.
  if (m < 4 || n < 4) return matmulRows(a, ao, b, bo, c, co, m, k, n, single);
  const mb = m >> 2;
  const nb = n >> 2;
  const aPanels = new Float64Array(mb * 4 * k);
  for (let ib = 0; ib < mb; ib++) {
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < 4; r++) aPanels[(ib * k + p) * 4 + r] = a[ao + (ib * 4 + r) * k + p]!;
    }
  }
  const bPanel = new Float64Array(4 * k);
  for (let jb = 0; jb < nb; jb++) {
    const j = jb * 4;
    for (let p = 0; p < k; p++) {
      const s = bo + p * n + j;
      bPanel[4 * p] = b[s]!;
      bPanel[4 * p + 1] = b[s + 1]!;
      bPanel[4 * p + 2] = b[s + 2]!;
      bPanel[4 * p + 3] = b[s + 3]!;
    }
    for (let ib = 0; ib < mb; ib++) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let ap = ib * k * 4;
      if (single) {
        for (let q = 0; q < 4 * k; q += 4, ap += 4) {
          const b0 = bPanel[q]!, b1 = bPanel[q + 1]!, b2 = bPanel[q + 2]!, b3 = bPanel[q + 3]!;
          const a0 = aPanels[ap]!, a1 = aPanels[ap + 1]!, a2 = aPanels[ap + 2]!, a3 = aPanels[ap + 3]!;
          c00 = f32(c00 + f32(a0 * b0)); c01 = f32(c01 + f32(a0 * b1)); c02 = f32(c02 + f32(a0 * b2)); c03 = f32(c03 + f32(a0 * b3));
          c10 = f32(c10 + f32(a1 * b0)); c11 = f32(c11 + f32(a1 * b1)); c12 = f32(c12 + f32(a1 * b2)); c13 = f32(c13 + f32(a1 * b3));
          c20 = f32(c20 + f32(a2 * b0)); c21 = f32(c21 + f32(a2 * b1)); c22 = f32(c22 + f32(a2 * b2)); c23 = f32(c23 + f32(a2 * b3));
          c30 = f32(c30 + f32(a3 * b0)); c31 = f32(c31 + f32(a3 * b1)); c32 = f32(c32 + f32(a3 * b2)); c33 = f32(c33 + f32(a3 * b3));
        }
      } else {
        for (let q = 0; q < 4 * k; q += 4, ap += 4) {
          const b0 = bPanel[q]!, b1 = bPanel[q + 1]!, b2 = bPanel[q + 2]!, b3 = bPanel[q + 3]!;
          const a0 = aPanels[ap]!, a1 = aPanels[ap + 1]!, a2 = aPanels[ap + 2]!, a3 = aPanels[ap + 3]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
      }
      let o = co + ib * 4 * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03;
      o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13;
      o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23;
      o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  // Leftovers: columns past the last full block (for the blocked rows), then whole rows.
  for (let i = 0; i < mb * 4; i++) for (let j = nb * 4; j < n; j++) c[co + i * n + j] = dot(a, ao + i * k, b, bo + j, n, k, single);
  for (let i = mb * 4; i < m; i++) for (let j = 0; j < n; j++) c[co + i * n + j] = dot(a, ao + i * k, b, bo + j, n, k, single);
}

/** Σₚ x[xo + p]·y[yo + p·ys] over p < k in order from +0, in doubles or (`single`) float32. */
function dot(x: Data, xo: number, y: Data, yo: number, ys: number, k: number, single: boolean): number {
  let s = 0;
  if (single) for (let p = 0; p < k; p++) s = f32(s + f32(x[xo + p]! * y[yo + p * ys]!));
  else for (let p = 0; p < k; p++) s += x[xo + p]! * y[yo + p * ys]!;
  return s;
}

/**
 * C = A·B row by row (i-k-j), for thin shapes; each element sums over k in order from +0,
 * in doubles or (`single`) in float32 arithmetic, as `matmulInto`.
 */
function matmulRows(a: Data, ao: number, b: Data, bo: number, c: Data, co: number, m: number, k: number, n: number, single: boolean): void {
  if (n === 1) {
    // A matrix times a vector: one dot product per row, accumulated in a local, four rows
    // at a time: a single sum waits on each add (its latency), four independent ones overlap.
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const r0 = ao + i * k;
      const [r1, r2, r3] = [r0 + k, r0 + 2 * k, r0 + 3 * k];
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      if (single) {
        for (let p = 0; p < k; p++) {
          const x = b[bo + p]!;
          s0 = f32(s0 + f32(a[r0 + p]! * x));
          s1 = f32(s1 + f32(a[r1 + p]! * x));
          s2 = f32(s2 + f32(a[r2 + p]! * x));
          s3 = f32(s3 + f32(a[r3 + p]! * x));
        }
      } else {
        for (let p = 0; p < k; p++) {
          const x = b[bo + p]!;
          s0 += a[r0 + p]! * x;
          s1 += a[r1 + p]! * x;
          s2 += a[r2 + p]! * x;
          s3 += a[r3 + p]! * x;
        }
      }
      c[co + i] = s0;
      c[co + i + 1] = s1;
      c[co + i + 2] = s2;
      c[co + i + 3] = s3;
    }
    for (; i < m; i++) c[co + i] = dot(a, ao + i * k, b, bo, 1, k, single);
    return;
  }
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    const ai = ao + i * k;
    if (single) {
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p]!;
        for (let j = 0, bp = bo + p * n; j < n; j++) row[j] = f32(row[j]! + f32(aip * b[bp + j]!));
      }
    } else {
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p]!;
        for (let j = 0, bp = bo + p * n; j < n; j++) row[j]! += aip * b[bp + j]!;
      }
    }
    c.set(row, co + i * n);
  }
}

/**
 * Batched matmul with numpy semantics for operands of rank ≥ 2: the last two axes
 * multiply, the leading (batch) axes broadcast. `outShape` is already checked. Each
 * element sums its k products in order from +0: for float32 in float32 arithmetic (every
 * product and partial sum rounded to float32, as numpy, JAX and TF.js compute), for
 * float64 in doubles, for int32 and bool in doubles stored into the output's type.
 */
export function matmulStorage(a: Storage, b: Storage, outShape: Shape): Storage {
  const out = Storage.zeros(a.dtype, outShape, "matmul");
  const single = a.dtype === "float32";
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
  const aBatch = sizeOf(a.shape.slice(0, -2));
  const bBatch = sizeOf(b.shape.slice(0, -2));
  // One matrix shared by the whole batch (what vmap of a matrix-vector product makes):
  // fold the batch into one large product, which the blocked kernel does far faster.
  if (batch > 1 && bBatch === 1 && aBatch === batch) {
    matmulInto(a.data, 0, b.data, 0, out.data, 0, batch * m, k, n, single); // a's matrices stack into rows
    return out;
  }
  if (batch > 1 && aBatch === 1 && bBatch === batch && n === 1 && m > 1 && m * k * batch >= WASM_MIN_WORK) {
    // Matrix-vector products with one matrix (what vmap of A·v makes, as in a Hessian):
    // the vectors as rows of V, C = V·Aᵀ is one product with B transposed in the packing,
    // where the general path below would transpose V and C in JavaScript.
    if (wasmMatmulInto(b.data, 0, a.data, 0, out.data, 0, batch, k, m, true, single)) return out;
  }
  if (batch > 1 && aBatch === 1 && bBatch === batch) {
    // B' = [B₁ | B₂ | …] (k × batch·n), C' = A·B', then C' is split back per batch
    // (float32 values held in doubles: `single` keeps the arithmetic float32).
    const wide = new Float64Array(k * batch * n);
    for (let t = 0; t < batch; t++) {
      for (let p = 0; p < k; p++) {
        for (let j = 0; j < n; j++) wide[p * batch * n + t * n + j] = b.data[(t * k + p) * n + j]!;
      }
    }
    const product = new Float64Array(m * batch * n);
    matmulInto(a.data, 0, wide, 0, product, 0, m, k, batch * n, single);
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) out.data[(t * m + i) * n + j] = product[i * batch * n + t * n + j]!;
      }
    }
    return out;
  }
  const sa = batchStrides(a.shape);
  const sb = batchStrides(b.shape);
  const idx = new Int32Array(batchShape.length);
  for (let t = 0; t < batch; t++) {
    let ia = 0, ib = 0;
    for (let d = 0; d < idx.length; d++) {
      ia += idx[d]! * sa[d]!;
      ib += idx[d]! * sb[d]!;
    }
    matmulInto(a.data, ia * m * k, b.data, ib * k * n, out.data, t * m * n, m, k, n, single);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < batchShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
