// The Householder tridiagonalization's working sets (linalg/tridiagonal.ts) held in
// WebAssembly memory, as lu.ts does for the LU. The reduction: the matrix, the panel's
// reflectors V and update vectors W (rows of `ldv`), and W, V transposed side by side
// (for the panel's dot products); the products by the trailing matrix (`symv`, gemv.ts's
// kernel, reading its upper triangle row by row), the corrections by V and W
// (`corrections`) and the rank-2k update (matmul.ts's kernels, on the upper triangle by
// blocks of rows) run on it without copies; the O(n) steps of each column run in
// JavaScript on the same memory. Only the upper triangle is read, so only it is kept up
// to date: the strict lower triangle holds no meaning.
// The back-transformation: Q, the block's reflectors and the products' operands, for
// gemmUpdate's products without copies in and out. The JavaScript path does every
// operation in the same order on the same layouts, so d, e and Z are the same bits.
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";
import { MR, NR } from "./matmul.js";
import { STRIP, symvJs } from "./gemv.js";
import { KC, MC_PANELS, WASM_MIN_WORK, jsGemmUpdate } from "./product.js";
import { evenSlots as even, heap, instantiate } from "./runtime.js";
import { sweepAll } from "./threads.js";

const F64 = 8;
const V128 = 16;
const ALIGN_F64 = { align: 3 };
/** Rows per block of the trailing update: each block's product stays large enough for two threads. */
const ROWS = 64;
/** Slots past each row's end: the tail of gemv's last strip and a pair's second half land there. */
const PAD = STRIP;

/**
 * `corrections(d, x, y, sx, sy, stride, pairs, t, ldx)`: for q < t in order, each of the
 * 2·`pairs` values at d becomes (d − x_q·s_q) − y_q·r_q, with x_q, y_q the rows at
 * x + q·ldx, y + q·ldx and s_q, r_q the f64 at sx + q·stride, sy + q·stride: a multiply
 * then a subtract, twice, as the JavaScript loop does. t ≥ 1, pairs ≥ 1; bytes.
 *
 * @example
 * const bytes = emitModule([correctionsKernel()]); // exports corrections(…)
 */
export function correctionsKernel(): FunctionDef {
  const P = { d: 0, x: 1, y: 2, sx: 3, sy: 4, stride: 5, pairs: 6, t: 7, ldx: 8 };
  const f = new Body(9);
  const dp = f.local(ValType.i32);
  const xp = f.local(ValType.i32);
  const yp = f.local(ValType.i32);
  const left = f.local(ValType.i32);
  const s = f.local(ValType.v128);
  const r = f.local(ValType.v128);
  const load = (p: number) => f.get(p).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 });
  const advance = (p: number, by: number) => f.get(p).get(by).op(Op.i32Add).set(p);
  f.loop(() => {
    f.get(P.sx).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: 0 }).set(s);
    f.get(P.sy).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: 0 }).set(r);
    f.get(P.d).set(dp);
    f.get(P.x).set(xp);
    f.get(P.y).set(yp);
    f.get(P.pairs).set(left);
    f.loop(() => {
      f.get(dp);
      load(dp);
      load(xp).get(s).simd(Simd.f64x2Mul).simd(Simd.f64x2Sub);
      load(yp).get(r).simd(Simd.f64x2Mul).simd(Simd.f64x2Sub);
      f.simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
      f.get(dp).i32(V128).op(Op.i32Add).set(dp);
      f.get(xp).i32(V128).op(Op.i32Add).set(xp);
      f.get(yp).i32(V128).op(Op.i32Add).set(yp);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next pair
    });
    advance(P.x, P.ldx);
    advance(P.y, P.ldx);
    advance(P.sx, P.stride);
    advance(P.sy, P.stride);
    f.get(P.t).i32(1).op(Op.i32Sub).tee(P.t).brIf(0); // next q
  });
  return { name: "corrections", params: new Array<ValType>(9).fill(ValType.i32), body: f };
}

/**
 * Where the reduction of an n×n matrix keeps its data, in f64 slots of one array: the
 * matrix at `a` (rows `ld` apart), V and W (nb rows each, `ldv` apart: row t holds the
 * panel's t-th reflector, or its update vector, at columns k+1..n−1), `vw` (n rows of
 * 2·nb: row j holds W[0..nb][j], then V[0..nb][j]), two vectors of nb for the dot
 * products, and `size`, the slots used. Padding after every row stays zero.
 */
export interface ReductionLayout {
  n: number;
  nb: number;
  ld: number;
  ldv: number;
  a: number;
  v: number;
  w: number;
  vw: number;
  wv: number;
  vv: number;
  size: number;
}

/**
 * The layout of the reduction of an n×n matrix in panels of nb (a multiple of STRIP).
 *
 * @example
 * const L = reductionLayout(500, 32); // L.ld = 516: rows padded for the strips
 */
export function reductionLayout(n: number, nb: number): ReductionLayout {
  const ld = even(n + PAD);
  const ldv = ld;
  const a = 0;
  const v = a + n * ld + PAD;
  const w = v + nb * ldv;
  const vw = w + nb * ldv;
  const wv = vw + even(n * 2 * nb + PAD);
  const vv = wv + nb + PAD;
  return { n, nb, ld, ldv, a, v, w, vw, wv, vv, size: vv + nb + PAD };
}

/**
 * The reduction's kernels on `h` (laid out by `L`), in slots: `columns(a, x, y, count,
 * outputs, ld)` sets y[i] = Σ_{j < count} h[a + j·ld + i]·h[x + j] for i < outputs, each
 * summed in order of j from zero (up to STRIP − 1 more outputs may be written past them);
 * `symv(a, x, y, m)` sets y = S·x for the m×m block S at a (rows ld apart) from its upper
 * triangle (gemv.ts's symvKernel, whose bits `symvJs` gives);
 * `corrections(d, x, y, sx, sy, stride, count, t)` does, for q < t in order, d[c] ←
 * (d[c] − x_q[c]·s_q) − y_q[c]·r_q on c < count (x_q = x + q·ldv, s_q = h[sx + q·stride];
 * with an odd count d[count] may change too: padding); `update(s, nb)` subtracts
 * V[0..nb][s..]ᵀ·W[0..nb][s..], then W's transpose times V, from the upper triangle of
 * the trailing block A[s.., s..], each entry's product summed over q in order, then
 * subtracted (gemmUpdate's bits; `triangularUpdate`'s, whose strict lower triangle may differ).
 * `finish` copies the matrix back to the n×n array given.
 */
export interface ReductionWork {
  readonly h: Float64Array;
  readonly L: ReductionLayout;
  columns(a: number, x: number, y: number, count: number, outputs: number, ld: number): void;
  symv(a: number, x: number, y: number, m: number): void;
  corrections(d: number, x: number, y: number, sx: number, sy: number, stride: number, count: number, t: number): void;
  update(s: number, nb: number): void;
  finish(A: Float64Array): void;
}

/**
 * Copies the n×n `A` into the layout's matrix (rows `ld` apart, zero padding).
 *
 * @example
 * const h = new Float64Array(L.size); loadMatrix(h, L, A);
 */
export function loadMatrix(h: Float64Array, L: ReductionLayout, A: Float64Array): void {
  const { n, ld, a } = L;
  h.fill(0, 0, L.size);
  for (let i = 0; i < n; i++) h.set(A.subarray(i * n, i * n + n), a + i * ld);
}

/**
 * Copies the layout's matrix back into the n×n `A`.
 *
 * @example
 * storeMatrix(h, L, A); // A now holds the reduction's result
 */
export function storeMatrix(h: Float64Array, L: ReductionLayout, A: Float64Array): void {
  const { n, ld, a } = L;
  for (let i = 0; i < n; i++) A.set(h.subarray(a + i * ld, a + i * ld + n), i * n);
}

/**
 * The panel's rank-2k update in JavaScript on the layout, for the upper triangle only
 * (row i from column i, i ≥ s): A −= [V; W]ᵀ·[W; V], one product of depth 2·nb whose
 * V and W rows past `depth` are zero, each entry summed in order, then subtracted
 * (gemmUpdate's bits). The zero terms are skipped: a sum that starts at +0 is never −0,
 * so adding ±0 leaves it alone. V and W are read from `vw` (row j holds W[0..nb][j], then
 * V[0..nb][j]). The update on resident data gives the same bits on the upper triangle,
 * by blocks of rows.
 *
 * @example
 * triangularUpdate(h, L, 32, 32); // the trailing block from row and column 32
 */
export function triangularUpdate(h: Float64Array, L: ReductionLayout, s: number, depth: number): void {
  const { n, ld, nb } = L;
  for (let i = s; i < n; i++) {
    const wi = L.vw + i * 2 * nb; // W[·][i], then V[·][i] from nb
    for (let j = i, at = L.a + i * ld + i; j < n; j++, at++) {
      const wj = L.vw + j * 2 * nb;
      let sum = 0;
      for (let q = 0; q < depth; q++) sum += h[wi + nb + q]! * h[wj + q]!;
      for (let q = 0; q < depth; q++) sum += h[wi + q]! * h[wj + nb + q]!;
      h[at] = h[at]! - sum;
    }
  }
}

/** Tiles of a transposing copy: a tile's rows and columns stay in cache together. */
const MIRROR_TILE = 32;

/**
 * The reduction of the symmetric n×n `A` set up in WebAssembly memory (panels of nb), or
 * null where the kernel is unavailable, disabled or out of memory (the caller then runs
 * the JavaScript kernels on a plain array of the same layout, for the same bits). No
 * other WebAssembly kernel may run until `finish` (they share the memory).
 *
 * @example
 * const work = residentReduction(A, n, 32);
 * // … work.columns(…), work.update(…) …; work?.finish(A);
 */
export function residentReduction(A: Float64Array, n: number, nb: number): ReductionWork | null {
  const kern = instantiate();
  if (kern === null || n < 1) return null;
  const L = reductionLayout(n, nb);
  // After the layout: the update's packed [V; W]ᵀ (mPad × 2nb) and [W; V] (2nb × nPad),
  // then the product (mPad × nPad), each on 16 bytes.
  const mPad = Math.ceil(n / MR) * MR;
  const nPad = Math.ceil(n / NR) * NR;
  const aPacked = L.size + (L.size & 1);
  const cAt = aPacked + (mPad + nPad) * 2 * nb;
  const h = heap(kern, (cAt + mPad * nPad) * F64);
  if (h === null) return null;
  loadMatrix(h, L, A);
  const { ld, ldv } = L;
  // Packs op(A) = [V; W]ᵀ from column s (its row i is column i of V's and W's rows, which
  // lie one after another: lanes step by one slot, k by a row) and op(B) = [W; V] from
  // `vw`, where row j holds column j of [W; V] (lanes step by a row of vw, k by one).
  const pack = (s: number, depth: number, mPanels: number, nPanels: number) => {
    const wide = 2 * L.nb * F64;
    kern.packA((L.v + s) * F64, aPacked * F64, mPanels, depth, MR * F64, ldv * F64, F64);
    kern.packB((L.vw + s * 2 * L.nb) * F64, (aPacked + mPad * depth) * F64, nPanels, depth, NR * wide, F64, wide);
  };
  // Block row r0..r0+rows of the trailing block at c, columns r0..m: C −= op(A)·op(B)
  // from the packs (panels start at r0, a multiple of MR and NR).
  const blockRow = (c: number, r0: number, rows: number, depth: number, m: number, nPanels: number, pad: number) => {
    const cols = m - r0;
    const origin = cAt + r0 * pad + r0;
    sweepAll(kern, rows, depth, nPanels - r0 / NR, pad, (aPacked + r0 * depth) * F64, (aPacked + mPad * depth + r0 * depth) * F64, origin * F64, KC, MC_PANELS, MR, NR);
    const dst = c + r0 * ld + r0;
    if (cols > 1) kern.subtract(dst * F64, origin * F64, rows, cols >> 1, ld * F64, pad * F64);
    if (cols & 1) for (let i = 0, x = dst + cols - 1, y = origin + cols - 1; i < rows; i++, x += ld, y += pad) h[x] = h[x]! - h[y]!;
  };
  return {
    h,
    L,
    columns(a, x, y, count, outputs, stride) {
      if (count > 0 && outputs > 0) kern.columns(a * F64, x * F64, y * F64, count, Math.ceil(outputs / STRIP), stride * F64);
    },
    symv(a, x, y, m) {
      h.fill(0, y, y + m);
      if (m > 0) kern.symv(a * F64, x * F64, y * F64, m, ld * F64);
    },
    corrections(d, x, y, sx, sy, stride, count, t) {
      if (count > 0 && t > 0) kern.corrections(d * F64, x * F64, y * F64, sx * F64, sy * F64, stride * F64, (count + 1) >> 1, t, ldv * F64);
    },
    update(s, depth) {
      const m = n - s;
      if (m <= 0 || depth <= 0) return;
      // Small blocks in JavaScript (the packing would cost more): the same bits.
      if (m * m * depth < 2 * ROWS * WASM_MIN_WORK) return triangularUpdate(h, L, s, depth);
      const mPanels = Math.ceil(m / MR);
      const nPanels = Math.ceil(m / NR);
      const pad = nPanels * NR;
      const c = L.a + s * ld + s;
      const k = L.nb + depth; // [V; W] and [W; V], zero rows included (see triangularUpdate)
      pack(s, k, mPanels, nPanels);
      // Blocks of rows, each from its diagonal on: about half the product's work. The
      // entries below the diagonal inside a block are computed too, and never read.
      for (let r0 = 0; r0 < m; r0 += ROWS) blockRow(c, r0, Math.min(ROWS, m - r0), k, m, nPanels, pad);
    },
    finish(dst) {
      storeMatrix(h, L, dst);
    },
  };
}

/** A block of the accumulation's array for a product: element (i, j) at offset + i·ld + j, or its transpose. */
export interface SlotBlock {
  offset: number;
  ld: number;
  transposed?: boolean;
}

/**
 * Where the back-transformation (the orthogonal factor Q built from the reflectors) of
 * an n×n reduction keeps its data, in f64 slots: Q at `q` (n rows of `ld`), the block's
 * reflectors Y at `y` and Yᵀ·Q's negation M at `m` (nb + MR rows of `ld` each), T and
 * −Y·Yᵀ at `t` and `g` (nb×nb), −Y·T at `yt` (n rows of nb), `size` slots in all.
 */
export interface AccumulationLayout {
  n: number;
  ld: number;
  q: number;
  y: number;
  m: number;
  t: number;
  g: number;
  yt: number;
  size: number;
}

/**
 * The back-transformation's layout for an n×n matrix and blocks of nb reflectors.
 *
 * @example
 * const L = accumulationLayout(500, 32); // Q's rows padded to L.ld = 508
 */
export function accumulationLayout(n: number, nb: number): AccumulationLayout {
  const ld = even(n + PAD);
  const q = 0;
  const y = q + n * ld;
  const m = y + (nb + MR) * ld;
  const t = m + (nb + MR) * ld;
  const g = t + even(nb * nb);
  const yt = g + even(nb * nb);
  return { n, ld, q, y, m, t, g, yt, size: yt + even((n + MR) * nb) + PAD };
}

/**
 * The back-transformation's array and its product: `update(c, a, b, m, k, n)` is
 * gemmUpdate (C ← C − op(A)·op(B), each entry summed over k in order, then subtracted)
 * on blocks of `h`, with gemmUpdate's bits; `transposed(Z)` stores Qᵀ into the n×n Z.
 */
export interface AccumulationWork {
  readonly h: Float64Array;
  readonly L: AccumulationLayout;
  update(c: SlotBlock, a: SlotBlock, b: SlotBlock, m: number, k: number, n: number): void;
  transposed(Z: Float64Array): void;
}

/**
 * Qᵀ from the layout's Q into the n×n Z (Z's rows are Q's columns).
 *
 * @example
 * storeTransposed(h, L, Z);
 */
export function storeTransposed(h: Float64Array, L: AccumulationLayout, Z: Float64Array): void {
  const { n, ld, q } = L;
  // Tiles, so that Z's rows and Q's stay in cache together.
  for (let i0 = 0; i0 < n; i0 += MIRROR_TILE) {
    for (let j0 = 0; j0 < n; j0 += MIRROR_TILE) {
      for (let i = i0; i < Math.min(i0 + MIRROR_TILE, n); i++) {
        for (let j = j0; j < Math.min(j0 + MIRROR_TILE, n); j++) Z[j * n + i] = h[q + i * ld + j]!;
      }
    }
  }
}

/**
 * The back-transformation's array in WebAssembly memory (zeroed), with room after it
 * for the products' packing, or null where the kernel is unavailable, disabled or out
 * of memory (the caller then uses a plain array and gemmUpdate: the same bits). No other
 * WebAssembly kernel may run while it is in use.
 *
 * @example
 * const work = residentAccumulation(n, 32);
 */
export function residentAccumulation(n: number, nb: number): AccumulationWork | null {
  const kern = instantiate();
  if (kern === null || n < 1) return null;
  const L = accumulationLayout(n, nb);
  // Packed op(A) of at most (n + MR)·nb or (nb + MR)·n slots, packed op(B) of at most
  // n·(n + NR), the product (n + MR)·(n + NR): the largest shapes of the blocks' products.
  const packA = L.size + (L.size & 1);
  const packB = packA + (n + nb + MR) * (nb + MR);
  const cAt = packB + n * (n + NR) + ((n * (n + NR)) & 1);
  const h = heap(kern, (cAt + (n + MR) * (n + NR)) * F64);
  if (h === null) return null;
  h.fill(0, 0, L.size);
  return {
    h,
    L,
    update(c, a, b, m, k, cols) {
      if (m === 0 || cols === 0 || k === 0) return;
      if (m === 1 || cols === 1 || m * k * cols < WASM_MIN_WORK) {
        return jsGemmUpdate({ data: h, ...c }, { data: h, ...a }, { data: h, ...b }, m, k, cols);
      }
      const mPanels = Math.ceil(m / MR);
      const nPanels = Math.ceil(cols / NR);
      const pad = nPanels * NR;
      // Strides (bytes) of op(A) along its rows' panels, k and lanes; op(B)'s likewise.
      if (a.transposed) kern.packA(a.offset * F64, packA * F64, mPanels, k, MR * F64, a.ld * F64, F64);
      else kern.packA(a.offset * F64, packA * F64, mPanels, k, MR * a.ld * F64, F64, a.ld * F64);
      const src = b.offset * F64;
      const unpacked = b.transposed ? { src, panelStride: NR * b.ld * F64, stepStride: F64, laneStride: b.ld * F64 } : { src, panelStride: NR * F64, stepStride: b.ld * F64, laneStride: F64 };
      sweepAll(kern, m, k, nPanels, pad, packA * F64, packB * F64, cAt * F64, KC, MC_PANELS, MR, NR, unpacked);
      kern.subtract(c.offset * F64, cAt * F64, m, cols >> 1, c.ld * F64, pad * F64);
      if (cols & 1) for (let i = 0, x = c.offset + cols - 1, y = cAt + cols - 1; i < m; i++, x += c.ld, y += pad) h[x] = h[x]! - h[y]!;
    },
    transposed(Z) {
      storeTransposed(h, L, Z);
    },
  };
}
