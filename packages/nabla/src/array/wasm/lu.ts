// A matrix held in WebAssembly memory for a whole LU factorization, instead of being
// copied in and out around every product: the products' operands are packed straight
// from it by matmul.ts's kernels and their result subtracted into it by `subtract`; the
// panel's elimination (`luPanel`) and the triangular solves' substitution (`unitLower`)
// run on it too. Every kernel does the JavaScript loops' operations in their order
// (products summed over k from zero, then subtracted; separate multiplies and adds, no
// FMA), so the factors are bit for bit those of the JavaScript path (blocked.ts).
import { MR, NR } from "./matmul.js";
import { Body, F64_ZERO, Op, Simd, ValType, when, type FunctionDef } from "./module.js";
import type { TypedArray } from "../dtype.js";
import { KC, MC_PANELS, WASM_MIN_WORK, jsGemmUpdate } from "./product.js";
import { evenSlots as even, heap, instantiate } from "./runtime.js";
import { sweepAll } from "./threads.js";

const F64 = 8;
const V128 = 16;
// Resident rows need not start on 16-byte boundaries (a block may begin at an odd column).
const ALIGN_F64 = { align: 3 };

/**
 * `subtract(c, t, rows, pairs, ldc, ldt)`: for each of `rows` ≥ 1 rows, the 2·`pairs`
 * values at c (rows `ldc` bytes apart) become c − t (t's rows `ldt` bytes apart), as
 * f64x2. pairs ≥ 1. Addresses in bytes.
 *
 * @example
 * const bytes = emitModule([subtractKernel()]); // exports subtract(…)
 */
export function subtractKernel(): FunctionDef {
  const P = { c: 0, t: 1, rows: 2, pairs: 3, ldc: 4, ldt: 5 };
  const f = new Body(6);
  const cp = f.local(ValType.i32);
  const tp = f.local(ValType.i32);
  const left = f.local(ValType.i32);
  f.loop(() => {
    f.get(P.c).set(cp);
    f.get(P.t).set(tp);
    f.get(P.pairs).set(left);
    f.loop(() => {
      f.get(cp).get(cp).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 });
      f.get(tp).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 }).simd(Simd.f64x2Sub);
      f.simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
      f.get(cp).i32(V128).op(Op.i32Add).set(cp);
      f.get(tp).i32(V128).op(Op.i32Add).set(tp);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next pair
    });
    f.get(P.c).get(P.ldc).op(Op.i32Add).set(P.c);
    f.get(P.t).get(P.ldt).op(Op.i32Add).set(P.t);
    f.get(P.rows).i32(1).op(Op.i32Sub).tee(P.rows).brIf(0); // next row
  });
  return { name: "subtract", params: new Array<ValType>(6).fill(ValType.i32), body: f };
}

/**
 * `maxAbs(src, pairs, out)`: max |x| over the 2·`pairs` ≥ 2 values at `src`, stored as a
 * float64 at `out`; NaN if any is NaN (f64x2.max and f64.max give NaN when either operand
 * is). Four running maxima, four pairs a step. Addresses in bytes.
 *
 * @example
 * const bytes = emitModule([maxAbsKernel()]); // exports maxAbs(…)
 */
export function maxAbsKernel(): FunctionDef {
  const P = { src: 0, pairs: 1, out: 2 };
  const f = new Body(3);
  const left = f.local(ValType.i32);
  // v128 locals start at zero, a max of absolute values can start there.
  const acc = [f.local(ValType.v128), f.local(ValType.v128), f.local(ValType.v128), f.local(ValType.v128)];
  const step = (x: number, offset: number) => f.get(x).get(P.src).simd(Simd.v128Load, { ...ALIGN_F64, offset }).simd(Simd.f64x2Abs).simd(Simd.f64x2Max).set(x);
  f.get(P.pairs).i32(2).op(Op.i32ShrU).tee(left);
  when(f, () =>
    f.loop(() => {
      acc.forEach((x, r) => step(x, r * V128));
      f.get(P.src).i32(4 * V128).op(Op.i32Add).set(P.src);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next four pairs
    }),
  );
  f.get(P.pairs).i32(3).op(Op.i32And).tee(left);
  when(f, () =>
    f.loop(() => {
      step(acc[0]!, 0);
      f.get(P.src).i32(V128).op(Op.i32Add).set(P.src);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next pair
    }),
  );
  f.get(acc[0]!).get(acc[1]!).simd(Simd.f64x2Max).get(acc[2]!).get(acc[3]!).simd(Simd.f64x2Max).simd(Simd.f64x2Max).set(acc[0]!);
  f.get(P.out).get(acc[0]!).simd(Simd.f64x2ExtractLane).op(0).get(acc[0]!).simd(Simd.f64x2ExtractLane).op(1).op(Op.f64Max);
  f.mem(Op.f64Store, { ...ALIGN_F64, offset: 0 });
  return { name: "maxAbs", params: new Array<ValType>(3).fill(ValType.i32), body: f };
}

/** Locals of `axpy`: two addresses, a count and the splatted scale. */
interface AxpyLocals {
  d: number;
  x: number;
  q: number;
  sv: number;
}

const axpyLocals = (f: Body): AxpyLocals => ({ d: f.local(ValType.i32), x: f.local(ValType.i32), q: f.local(ValType.i32), sv: f.local(ValType.v128) });

/**
 * Emits d[c] ← d[c] − s·x[c] for c < count (locals: byte addresses dst, src, the f64 s,
 * the i32 count ≥ 0): f64x2 on pairs, then a scalar last element when count is odd. A
 * multiply then a subtract, as the JavaScript loops do.
 */
function axpy(f: Body, L: AxpyLocals, dst: number, src: number, s: number, count: number): void {
  f.get(dst).set(L.d);
  f.get(src).set(L.x);
  f.get(s).simd(Simd.f64x2Splat).set(L.sv);
  f.get(count).i32(1).op(Op.i32ShrU).tee(L.q);
  when(f, () =>
    f.loop(() => {
      f.get(L.d).get(L.d).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 });
      f.get(L.sv).get(L.x).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 }).simd(Simd.f64x2Mul).simd(Simd.f64x2Sub);
      f.simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
      f.get(L.d).i32(V128).op(Op.i32Add).set(L.d);
      f.get(L.x).i32(V128).op(Op.i32Add).set(L.x);
      f.get(L.q).i32(1).op(Op.i32Sub).tee(L.q).brIf(0); // next pair
    }),
  );
  f.get(count).i32(1).op(Op.i32And);
  when(f, () => {
    f.get(L.d).get(L.d).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 });
    f.get(s).get(L.x).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).op(Op.f64Mul, Op.f64Sub);
    f.mem(Op.f64Store, { ...ALIGN_F64, offset: 0 });
  });
}

/**
 * `unitLower(t, b, n, k, ld)`: solves L·X = B in place, L the unit lower triangle of the
 * n×n block at t, B the n×k block at b (rows of both `ld` bytes apart): row i of B loses
 * t_ij times row j for j < i in order, skipping t_ij = 0, as the JavaScript substitution
 * does. n ≥ 1, k ≥ 1.
 *
 * @example
 * const bytes = emitModule([unitLowerKernel()]); // exports unitLower(…)
 */
export function unitLowerKernel(): FunctionDef {
  const P = { t: 0, b: 1, n: 2, k: 3, ld: 4 };
  const f = new Body(5);
  const i = f.local(ValType.i32);
  const j = f.local(ValType.i32);
  const rowT = f.local(ValType.i32); // &t[i][j]
  const rowB = f.local(ValType.i32); // &b[i][0]
  const rowJ = f.local(ValType.i32); // &b[j][0]
  const tij = f.local(ValType.f64);
  const L = axpyLocals(f);
  f.i32(1).set(i);
  f.get(P.b).set(rowB);
  f.i32(1).get(P.n).op(Op.i32LtS);
  when(f, () =>
    f.loop(() => {
      f.get(rowB).get(P.ld).op(Op.i32Add).set(rowB);
      f.get(P.t).get(i).get(P.ld).op(Op.i32Mul, Op.i32Add).set(rowT);
      f.get(P.b).set(rowJ);
      f.i32(0).set(j);
      f.loop(() => {
        f.get(rowT).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).tee(tij).op(...F64_ZERO).op(Op.f64Ne);
        when(f, () => axpy(f, L, rowB, rowJ, tij, P.k));
        f.get(rowT).i32(F64).op(Op.i32Add).set(rowT);
        f.get(rowJ).get(P.ld).op(Op.i32Add).set(rowJ);
        f.get(j).i32(1).op(Op.i32Add).tee(j).get(i).op(Op.i32LtS).brIf(0); // next j < i
      });
      f.get(i).i32(1).op(Op.i32Add).tee(i).get(P.n).op(Op.i32LtS).brIf(0); // next row
    }),
  );
  return { name: "unitLower", params: new Array<ValType>(5).fill(ValType.i32), body: f };
}

/** Panel rows at most this long past the pivot column (< 8, an LU's panels) take `shortAxpy`. */
const SHORT_ROW = 8;

/** Locals of `shortAxpy`: the pivot row's pairs and odd last value, how many pairs, the last one's byte offset, whether there is one, the splatted scale, an address. */
interface ShortLocals {
  u: [number, number, number];
  last: number;
  pairs: number;
  tail: number;
  odd: number;
  sv: number;
  at: number;
}

const shortLocals = (f: Body): ShortLocals => ({
  u: [f.local(ValType.v128), f.local(ValType.v128), f.local(ValType.v128)],
  last: f.local(ValType.f64),
  pairs: f.local(ValType.i32),
  tail: f.local(ValType.i32),
  odd: f.local(ValType.i32),
  sv: f.local(ValType.v128),
  at: f.local(ValType.i32),
});

/**
 * Emits, once per column, the load of the pivot row's count < 8 values at address src
 * into registers (three pairs and the odd last one), so that each row below reuses them.
 * Loads past the count read at most 48 bytes past row j's end, into the next row or the
 * zero rows after the matrix, and their lanes are never used.
 */
function shortRows(f: Body, S: ShortLocals, src: number, count: number): void {
  S.u.forEach((u, k) => f.get(src).simd(Simd.v128Load, { ...ALIGN_F64, offset: k * V128 }).set(u));
  f.get(count).i32(1).op(Op.i32ShrU).tee(S.pairs).i32(V128).op(Op.i32Mul).set(S.tail);
  f.get(src).get(S.tail).op(Op.i32Add).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).set(S.last);
  f.get(count).i32(1).op(Op.i32And).set(S.odd);
}

/**
 * axpy for a row of count < 8 past the pivot column, from the registers `shortRows`
 * filled: d[c] ← d[c] − s·u[c] at d = at + 8 (at on a_ij, s the f64 local l), pairs
 * unrolled, then the odd last one: the same multiplies and subtractions, without a loop.
 */
function shortAxpy(f: Body, S: ShortLocals, at: number, s: number): void {
  f.get(s).simd(Simd.f64x2Splat).set(S.sv);
  const pair = (k: number) => {
    f.get(at).get(at).simd(Simd.v128Load, { ...ALIGN_F64, offset: F64 + k * V128 });
    f.get(S.sv).get(S.u[k]!).simd(Simd.f64x2Mul).simd(Simd.f64x2Sub);
    f.simd(Simd.v128Store, { ...ALIGN_F64, offset: F64 + k * V128 });
  };
  // Nested: pair k runs when pairs > k.
  const from = (k: number) => {
    f.get(S.pairs).i32(k).op(Op.i32GtS);
    when(f, () => {
      pair(k);
      if (k < 2) from(k + 1);
    });
  };
  from(0);
  // The odd last value, at d + 16·pairs.
  f.get(S.odd);
  when(f, () => {
    f.get(at).get(S.tail).op(Op.i32Add).tee(S.at);
    f.get(S.at).mem(Op.f64Load, { ...ALIGN_F64, offset: F64 });
    f.get(s).get(S.last).op(Op.f64Mul, Op.f64Sub);
    f.mem(Op.f64Store, { ...ALIGN_F64, offset: F64 });
  });
}

/**
 * `luPanel(ld, m, pairs, c0, c1, piv)`: Gaussian elimination with partial pivoting on
 * columns c0..c1 of the matrix at address 0 (rows `ld` bytes apart, m rows): for each
 * column j, the first row p ≥ j of largest |a_pj| (piv[j] ← p, an i32 at piv + 4j),
 * rows j and p exchanged whole (`pairs` f64x2 each), then unless the pivot is zero each
 * row i > j scaled, l = a_ij / a_jj, and less l times row j on columns j+1..c1 (l ≠ 0):
 * the JavaScript panel's operations in its order. c0 < c1 ≤ m.
 *
 * @example
 * const bytes = emitModule([luPanelKernel()]); // exports luPanel(…)
 */
export function luPanelKernel(): FunctionDef {
  const P = { ld: 0, m: 1, pairs: 2, c0: 3, c1: 4, piv: 5 };
  const f = new Body(6);
  const j = f.local(ValType.i32);
  const i = f.local(ValType.i32);
  const p = f.local(ValType.i32);
  const diag = f.local(ValType.i32); // &a[j][j]
  const at = f.local(ValType.i32); // &a[i][j]
  const q = f.local(ValType.i32);
  const cnt = f.local(ValType.i32);
  const best = f.local(ValType.f64);
  const v = f.local(ValType.f64);
  const pivot = f.local(ValType.f64);
  const tmp = f.local(ValType.v128);
  const L = axpyLocals(f);
  const S = shortLocals(f);
  // l = a_ij / a_jj stored, and whether it is non-zero on the stack.
  const scaleRow = () => {
    f.get(at).get(at).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).get(pivot).op(Op.f64Div).tee(v).mem(Op.f64Store, { ...ALIGN_F64, offset: 0 });
    f.get(v).op(...F64_ZERO).op(Op.f64Ne);
  };
  const rowsBelow = (body: () => void) => {
    // i from j + 1 while i < m, `at` on a[i][j].
    f.get(j).i32(1).op(Op.i32Add).tee(i).get(P.m).op(Op.i32LtS);
    when(f, () => {
      f.get(diag).set(at);
      f.loop(() => {
        f.get(at).get(P.ld).op(Op.i32Add).set(at);
        body();
        f.get(i).i32(1).op(Op.i32Add).tee(i).get(P.m).op(Op.i32LtS).brIf(0);
      });
    });
  };
  f.get(P.c0).set(j);
  f.loop(() => {
    f.get(j).get(P.ld).op(Op.i32Mul).get(j).i32(F64).op(Op.i32Mul, Op.i32Add).set(diag);
    // The pivot: the first largest |a_ij| (a NaN never wins a comparison, as in JavaScript).
    f.get(j).set(p);
    f.get(diag).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).op(Op.f64Abs).set(best);
    rowsBelow(() => {
      f.get(at).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).op(Op.f64Abs).tee(v).get(best).op(Op.f64Gt);
      when(f, () => f.get(v).set(best).get(i).set(p));
    });
    f.get(P.piv).get(j).i32(4).op(Op.i32Mul, Op.i32Add).get(p).mem(Op.i32Store, { align: 2, offset: 0 });
    // Rows j and p exchanged whole: q walks row j, at row p.
    f.get(p).get(j).op(Op.i32Ne);
    when(f, () => {
      f.get(j).get(P.ld).op(Op.i32Mul).set(q);
      f.get(p).get(P.ld).op(Op.i32Mul).set(at);
      f.get(P.pairs).set(cnt);
      f.loop(() => {
        f.get(q).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 }).set(tmp);
        f.get(q).get(at).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 }).simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
        f.get(at).get(tmp).simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
        f.get(q).i32(V128).op(Op.i32Add).set(q);
        f.get(at).i32(V128).op(Op.i32Add).set(at);
        f.get(cnt).i32(1).op(Op.i32Sub).tee(cnt).brIf(0);
      });
    });
    f.get(diag).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).tee(pivot).op(...F64_ZERO).op(Op.f64Ne);
    when(f, () => {
      // Columns j+1..c1 of each row below: cnt of them, from q = &a[j][j+1].
      f.get(P.c1).get(j).op(Op.i32Sub).i32(1).op(Op.i32Sub).set(cnt);
      f.get(diag).i32(F64).op(Op.i32Add).set(q);
      f.get(cnt).i32(SHORT_ROW).op(Op.i32LtS);
      f.ifElse(
        () => {
          shortRows(f, S, q, cnt);
          rowsBelow(() => {
            scaleRow();
            when(f, () => shortAxpy(f, S, at, v));
          });
        },
        () =>
          rowsBelow(() => {
            scaleRow();
            when(f, () => {
              f.get(at).i32(F64).op(Op.i32Add).set(p); // p is free now: &a[i][j+1]
              axpy(f, L, p, q, v, cnt);
            });
          }),
      );
    });
    f.get(j).i32(1).op(Op.i32Add).tee(j).get(P.c1).op(Op.i32LtS).brIf(0); // next column
  });
  return { name: "luPanel", params: new Array<ValType>(6).fill(ValType.i32), body: f };
}

/**
 * An m×n matrix copied into WebAssembly memory, its rows `ld` apart, and the steps of
 * an LU on it, by slot (i·ld + j) of their blocks' first elements:
 * `update(c, a, b, rows, k, cols)`: C ← C − A·B (C rows×cols, A rows×k, B k×cols);
 * `panel(c0, c1, piv)`: the elimination of columns c0..c1 (rows c0..m), whole rows
 * exchanged, pivots into piv[c0..c1]; `unitLower(t, n, b, k)`: L·X = B by substitution,
 * L the unit lower triangle of the n×n block at t, B n×k at b. `finish` copies the
 * matrix back (where it came from, or row-major into `into`). No other WebAssembly kernel
 * may run before `finish` (they share the memory).
 */
export interface ResidentMatrix {
  /** The matrix in WebAssembly memory (a view from slot 0, rows ld apart): valid until another kernel runs. */
  readonly data: Float64Array;
  readonly ld: number;
  update(c: number, a: number, b: number, rows: number, k: number, cols: number): void;
  panel(c0: number, c1: number, piv: Int32Array): void;
  unitLower(t: number, n: number, b: number, k: number): void;
  /** max |a_ij| over the matrix as it is now (NaN if any is NaN): before factoring, max |A|. */
  maxAbs(): number;
  finish(into?: Float64Array): void;
}

/**
 * The m×n row-major matrix at `src[offset..]` moved into WebAssembly memory (any typed
 * array: `set` widens float32), with room for the
 * products of a recursive LU of it (inner dimension at most ⌊k/2⌋, at most max(⌈k/2⌉,
 * n − k) columns, k = min(m, n); larger ones run in JavaScript); null where the kernel
 * is unavailable, disabled or out of memory (the caller then works on `src` in
 * JavaScript and with gemmUpdate, for the same bits).
 *
 * @example
 * const r = residentMatrix(A, 3, 3);
 * if (r) { r.update(r.ld + 1, r.ld, 1, 2, 1, 2); r.finish(); } // A[1.., 1..] −= A[1.., 0]·A[0, 1..]
 */
export function residentMatrix(src: TypedArray, m: number, n: number, offset = 0): ResidentMatrix | null {
  const kern = instantiate();
  if (kern === null || m < 1 || n < 1) return null;
  const k = Math.min(m, n);
  // The largest update of the LU: its inner dimension and columns (halves of k, or the
  // columns past k of a wide matrix); the memory stays grown, so no more is asked for.
  const maxDepth = Math.max(1, k >> 1);
  const maxCols = Math.max(k - (k >> 1), n - k);
  // In f64 slots (each region starting on 16 bytes): the matrix at 0 (the panel kernel's
  // origin) with rows of ld and MR zero rows after it (packing reads whole panels, past
  // the last row and column; the values read there only reach the padding of the
  // product), then packed A, packed B and the product (rows of nPad), then the pivots (int32).
  const ld = even(n);
  const aAt = (m + MR) * ld;
  const bAt = aAt + even((m + MR) * maxDepth);
  const cAt = bAt + even(maxDepth * (maxCols + NR));
  const pivAt = cAt + even((m + MR) * (maxCols + NR));
  const h = heap(kern, (pivAt + k) * F64);
  if (h === null) return null;
  const pivots = new Int32Array(h.buffer, pivAt * F64, k);
  if (ld === n) h.set(src.subarray(offset, offset + m * n), 0);
  else {
    for (let i = 0; i < m; i++) {
      h.set(src.subarray(offset + i * n, offset + i * n + n), i * ld);
      h[i * ld + n] = 0;
    }
  }
  h.fill(0, m * ld, aAt);
  return {
    data: h,
    ld,
    update(c, a, b, rows, depth, cols) {
      if (rows === 0 || cols === 0 || depth === 0) return;
      // Small updates as gemmUpdate takes them, in JavaScript (the packing would cost
      // more), and any too large for the room reserved (none in an LU).
      if (rows === 1 || cols === 1 || rows * depth * cols < WASM_MIN_WORK || rows > m || depth > maxDepth || cols > maxCols) {
        return jsGemmUpdate({ data: h, offset: c, ld }, { data: h, offset: a, ld }, { data: h, offset: b, ld }, rows, depth, cols);
      }
      const mPanels = Math.ceil(rows / MR);
      const nPanels = Math.ceil(cols / NR);
      const nPad = nPanels * NR;
      kern.packA(a * F64, aAt * F64, mPanels, depth, MR * ld * F64, F64, ld * F64);
      const unpacked = { src: b * F64, panelStride: NR * F64, stepStride: ld * F64, laneStride: F64 };
      sweepAll(kern, rows, depth, nPanels, nPad, aAt * F64, bAt * F64, cAt * F64, KC, MC_PANELS, MR, NR, unpacked);
      kern.subtract(c * F64, cAt * F64, rows, cols >> 1, ld * F64, nPad * F64);
      // An odd last column here: a pair would write the column after the block.
      if (cols & 1) for (let i = 0, x = c + cols - 1, y = cAt + cols - 1; i < rows; i++, x += ld, y += nPad) h[x] = h[x]! - h[y]!;
    },
    panel(c0, c1, piv) {
      if (c0 >= c1) return;
      kern.luPanel(ld * F64, m, ld >> 1, c0, c1, pivAt * F64);
      piv.set(pivots.subarray(c0, c1), c0);
    },
    unitLower(t, size, b, cols) {
      if (size > 0 && cols > 0) kern.unitLower(t * F64, b * F64, size, cols, ld * F64);
    },
    maxAbs() {
      // Rows' padding slots hold zeros; the result goes to the product's room, free now.
      kern.maxAbs(0, (m * ld) >> 1, cAt * F64);
      return h[cAt]!;
    },
    finish(into) {
      const [dst, at] = into ? [into, 0] : [src, offset];
      if (ld === n) dst.set(h.subarray(0, m * n), at);
      else for (let i = 0; i < m; i++) dst.set(h.subarray(i * ld, i * ld + n), at + i * n);
    },
  };
}
