// Products in WebAssembly: operands copied into the kernel's memory (typed-array copies
// are memcpy-fast), packed into panels there (transposed operands just pack with other
// strides), multiplied by the micro-kernel (float64's, or float32's), and the result read back.
// `wasmMatmulInto` stores C = A·B; `gemmUpdate` subtracts, C ← C − op(A)·op(B) on blocks
// with leading dimensions, which is what blocked factorizations spend their flops on.
import { MR, NR, NR32 } from "./matmul.js";
import { heap, instantiate } from "./runtime.js";
import { sweepAll } from "./threads.js";

type FloatData = Float64Array | Float32Array;

/**
 * A row-major block inside a larger matrix: element (i, j) is `data[offset + i·ld + j]`.
 * With `transposed`, the block stands for its transpose in a product.
 */
export interface MatrixBlock {
  data: FloatData;
  offset: number;
  ld: number;
  transposed?: boolean;
}

/** Cache blocking: a block of k whose micro-panels of A and B sit in L1 together (2 × 8 KiB at 256). */
export const KC = 256;
/** Row panels of A swept per panel of B: MR·MC_PANELS rows × KC of A stay in L2 (256 KiB). */
export const MC_PANELS = 32;
/** Updates with fewer multiply-adds than this run in JavaScript: the copies would cost more. */
export const WASM_MIN_WORK = 8 ** 3;

/**
 * C = A·B for one row-major (m×k)·(k×n) product at the given element offsets, in
 * WebAssembly; with `bTransposed`, C = A·Bᵀ for B stored n×k. Returns false (and leaves
 * C alone) where the kernel is unavailable or disabled, or the data is not
 * floating-point; the caller then runs its JavaScript kernel. With `single`, the product
 * is float32's (f32x4): operands rounded to float32 on the way in, every multiply and add
 * rounded to float32, as numpy's and TF.js's float32 products and the JavaScript
 * kernel's (Math.fround on each operation) are; without it, float32 operands are widened
 * and the sums run in float64.
 *
 * @example
 * const c = new Float64Array(4);
 * wasmMatmulInto(Float64Array.of(1, 2, 3, 4), 0, Float64Array.of(5, 6, 7, 8), 0, c, 0, 2, 2, 2);
 * // true, and c is [19, 22, 43, 50]; false where WebAssembly SIMD is unavailable
 */
export function wasmMatmulInto(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, c: ArrayLike<number>, co: number, m: number, k: number, n: number, bTransposed = false, single = false): boolean {
  if (k === 0 || m === 0 || n === 0 || !isFloat(a) || !isFloat(b) || !isFloat(c)) return false;
  const p = product({ data: a, offset: ao, ld: k }, { data: b, offset: bo, ld: bTransposed ? k : n, transposed: bTransposed }, m, k, n, single);
  if (p === null) return false;
  const { h, at, ld } = p;
  if (n === ld) c.set(h.subarray(at, at + m * n), co);
  else for (let i = 0; i < m; i++) c.set(h.subarray(at + i * ld, at + i * ld + n), co + i * n);
  return true;
}

/**
 * C ← C − op(A)·op(B) on row-major blocks: C is m×n, op(A) m×k, op(B) k×n, where op
 * transposes a block marked `transposed`. Each product element is summed over k in
 * order from zero, with separate multiplies and adds, then subtracted from C: the same
 * bits in WebAssembly and in the JavaScript fallback (small updates, or no WebAssembly).
 *
 * @example
 * const c = Float64Array.of(10, 10, 10, 10);
 * const a = Float64Array.of(1, 2, 3, 4); // op(A) = Aᵀ = [[1, 3], [2, 4]]
 * gemmUpdate({ data: c, offset: 0, ld: 2 }, { data: a, offset: 0, ld: 2, transposed: true }, { data: Float64Array.of(1, 0, 0, 1), offset: 0, ld: 2 }, 2, 2, 2);
 * // c is [9, 7, 8, 6]
 */
export function gemmUpdate(c: MatrixBlock, a: MatrixBlock, b: MatrixBlock, m: number, k: number, n: number): void {
  if (m === 0 || n === 0 || k === 0) return;
  const p = m > 1 && n > 1 && m * k * n >= WASM_MIN_WORK ? product(a, b, m, k, n) : null;
  if (p === null) return jsGemmUpdate(c, a, b, m, k, n);
  const { h, at, ld } = p;
  const cd = c.data;
  for (let i = 0; i < m; i++) {
    const ci = c.offset + i * c.ld;
    const pi = at + i * ld;
    for (let j = 0; j < n; j++) cd[ci + j] = cd[ci + j]! - h[pi + j]!;
  }
}

/**
 * gemmUpdate's arithmetic in JavaScript: each product summed over k in order, then
 * subtracted (also the small updates of a matrix resident in WebAssembly memory, lu.ts).
 *
 * @example
 * const c = Float64Array.of(10);
 * jsGemmUpdate({ data: c, offset: 0, ld: 1 }, { data: Float64Array.of(2), offset: 0, ld: 1 }, { data: Float64Array.of(3), offset: 0, ld: 1 }, 1, 1, 1);
 * // c is [4]
 */
export function jsGemmUpdate(c: MatrixBlock, a: MatrixBlock, b: MatrixBlock, m: number, k: number, n: number): void {
  // Strides of op(A) along (i, p) and of op(B) along (p, j).
  const [ai, ap] = a.transposed ? [1, a.ld] : [a.ld, 1];
  const [bp, bj] = b.transposed ? [1, b.ld] : [b.ld, 1];
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, x = a.offset + i * ai, y = b.offset + j * bj; p < k; p++, x += ap, y += bp) s += ad[x]! * bd[y]!;
      const at = c.offset + i * c.ld + j;
      cd[at] = cd[at]! - s;
    }
  }
}

function isFloat(x: ArrayLike<number>): x is FloatData {
  return x instanceof Float64Array || x instanceof Float32Array;
}

/**
 * op(A)·op(B) into the kernel's memory (float32's with `single`): the heap view, the
 * result's first slot and its row length (n rounded up to whole panels). Null where the
 * kernel is unavailable.
 */
function product(a: MatrixBlock, b: MatrixBlock, m: number, k: number, n: number, single = false): { h: FloatData; at: number; ld: number } | null {
  const kern = instantiate();
  if (kern === null) return null;
  const [F, nr, packA] = single ? ([4, NR32, kern.packA32] as const) : ([8, NR, kern.packA] as const);
  const mPanels = Math.ceil(m / MR);
  const nPanels = Math.ceil(n / nr);
  const mPad = mPanels * MR;
  const nPad = nPanels * nr;
  // Layout in element slots: A and B as copied (padded to whole panels with zeros), their
  // packed panels, then C (mPad × nPad, row-major). Every region is a whole number of
  // 16-byte vectors long, as MR and the panel widths make them.
  const aRaw = 0;
  const bRaw = aRaw + mPad * k;
  const aPacked = bRaw + k * nPad;
  const bPacked = aPacked + mPad * k;
  const cAt = bPacked + k * nPad;
  if (heap(kern, (cAt + mPad * nPad) * F) === null) return null;
  const h = single ? kern.view32 : kern.view;
  // The copies keep each operand's stored orientation; the packing strides transpose.
  if (a.transposed) {
    copyRows(h, aRaw, a, k, m, mPad, k); // k rows of op(A)'s columns
    packA(aRaw * F, aPacked * F, mPanels, k, MR * F, mPad * F, F);
  } else {
    copyRows(h, aRaw, a, m, k, k, mPad);
    packA(aRaw * F, aPacked * F, mPanels, k, MR * k * F, F, k * F);
  }
  // B's panels are packed by the threads that sweep them (threads.ts).
  if (b.transposed) copyRows(h, bRaw, b, n, k, k, nPad); // op(B)'s columns as rows
  else copyRows(h, bRaw, b, k, n, nPad, k);
  const unpacked = b.transposed ? { src: bRaw * F, panelStride: nr * k * F, stepStride: F, laneStride: k * F } : { src: bRaw * F, panelStride: nr * F, stepStride: nPad * F, laneStride: F };
  sweepAll(kern, m, k, nPanels, nPad, aPacked * F, bPacked * F, cAt * F, KC, MC_PANELS, MR, nr, unpacked, F);
  return { h, at: cAt, ld: nPad };
}

/** Rows shorter than this are copied element by element. */
const SHORT_ROW = 64;

/** Copies rows × cols of `src` to `h[dst..]` as rows of `dstLd` (zero-padded), then zero rows up to `dstRows`. */
function copyRows(h: FloatData, dst: number, src: MatrixBlock, rows: number, cols: number, dstLd: number, dstRows: number): void {
  const { data, offset, ld } = src;
  if (ld === cols && dstLd === cols) h.set(data.subarray(offset, offset + rows * cols), dst);
  else if (cols >= SHORT_ROW) {
    for (let i = 0; i < rows; i++) {
      h.set(data.subarray(offset + i * ld, offset + i * ld + cols), dst + i * dstLd);
      if (dstLd > cols) h.fill(0, dst + i * dstLd + cols, dst + (i + 1) * dstLd);
    }
  } else {
    // Short rows: a view per row would cost more than the copy.
    for (let i = 0; i < rows; i++) {
      const from = offset + i * ld;
      const to = dst + i * dstLd;
      for (let j = 0; j < cols; j++) h[to + j] = data[from + j]!;
      for (let j = cols; j < dstLd; j++) h[to + j] = 0;
    }
  }
  h.fill(0, dst + rows * dstLd, dst + dstRows * dstLd);
}
