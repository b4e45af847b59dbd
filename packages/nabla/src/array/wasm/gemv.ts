// Matrix–vector products of a square block's trailing sub-blocks in WebAssembly, for the
// tridiagonal reduction (eigh), which multiplies the trailing block as it stood at the
// start of its panel by one vector per column. The block is copied in once per panel,
// transposed: y = B·x is then a sum of B's columns scaled by x's entries, which f64x2
// runs on two outputs at a time while each output still sums its products in order of
// j from zero, with separate multiplies and adds: the bits of the JavaScript row-by-row
// dot products (B is only nearly symmetric, so reading it by rows matters).
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";
import { heap, instantiate } from "./runtime.js";

/** Outputs per strip: STRIP/2 f64x2 accumulators. */
const STRIP = 8;
const V128 = 16;
const F64 = 8;
const ALIGN_F64 = { align: 3 };

/**
 * `columns(a, x, y, count, strips, ld)`: for each of `strips` strips of STRIP outputs,
 * y[i] = Σ_{j < count} a[j·ld + i]·x[j] (a, x, y byte addresses, ld in bytes; a and y
 * advance by a strip), summed in order of j. count ≥ 1, strips ≥ 1.
 *
 * @example
 * const bytes = emitModule([columnsKernel()]); // exports columns(…)
 */
export function columnsKernel(): FunctionDef {
  const P = { a: 0, x: 1, y: 2, count: 3, strips: 4, ld: 5 };
  const f = new Body(6);
  const col = f.local(ValType.i32); // this row's strip of a
  const xp = f.local(ValType.i32);
  const xEnd = f.local(ValType.i32);
  const acc = Array.from({ length: STRIP / 2 }, () => f.local(ValType.v128));
  const xv = f.local(ValType.v128);
  f.get(P.x).get(P.count).i32(F64).op(Op.i32Mul, Op.i32Add).set(xEnd);
  f.loop(() => {
    acc.forEach((v) => f.zeroV128().set(v));
    f.get(P.a).set(col);
    f.get(P.x).set(xp);
    f.loop(() => {
      f.get(xp).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: 0 }).set(xv);
      acc.forEach((v, j) => f.get(v).get(col).simd(Simd.v128Load, { ...ALIGN_F64, offset: j * V128 }).get(xv).simd(Simd.f64x2Mul).simd(Simd.f64x2Add).set(v));
      f.get(col).get(P.ld).op(Op.i32Add).set(col);
      f.get(xp).i32(F64).op(Op.i32Add).tee(xp).get(xEnd).op(Op.i32Ne).brIf(0); // next j
    });
    acc.forEach((v, j) => f.get(P.y).get(v).simd(Simd.v128Store, { ...ALIGN_F64, offset: j * V128 }));
    f.get(P.a).i32(STRIP * F64).op(Op.i32Add).set(P.a);
    f.get(P.y).i32(STRIP * F64).op(Op.i32Add).set(P.y);
    f.get(P.strips).i32(1).op(Op.i32Sub).tee(P.strips).brIf(0); // next strip
  });
  return { name: "columns", params: new Array<ValType>(6).fill(ValType.i32), body: f };
}

/**
 * A size × size block B of a row-major matrix, held in WebAssembly memory. `multiply(first,
 * x, xo, y, yo)` stores, for the trailing sub-block from row and column `first` (m = size −
 * first), y[yo + i] = Σ_{j < m} B[first + i][first + j]·x[xo + j], each summed in order
 * of j from zero with separate multiplies and adds.
 */
export interface ResidentBlock {
  multiply(first: number, x: Float64Array, xo: number, y: Float64Array, yo: number): void;
}

/**
 * The block of `A` at `offset` (rows `ld` apart) copied into WebAssembly memory, or null
 * where the kernel is unavailable or disabled (the caller then runs its JavaScript dot
 * products, with the same bits). Valid until the next WebAssembly kernel runs.
 *
 * @example
 * const block = residentBlock(A, 0, n, n);
 * block?.multiply(0, x, 0, y, 0); // y = A·x
 */
export function residentBlock(A: Float64Array, offset: number, ld: number, size: number): ResidentBlock | null {
  const kern = instantiate();
  if (kern === null || size < 1) return null;
  // In f64 slots: Bᵀ with rows of `bld` (zeros past `size`, so the last strip of any
  // trailing sub-block reads zeros), then x and y.
  const bld = size + STRIP;
  const xAt = size * bld;
  const yAt = xAt + size;
  const h = heap(kern, (yAt + size + STRIP) * F64);
  if (h === null) return null;
  h.fill(0, 0, xAt);
  for (let i = 0; i < size; i++) {
    const row = offset + i * ld;
    for (let j = 0; j < size; j++) h[j * bld + i] = A[row + j]!;
  }
  return {
    multiply(first, x, xo, y, yo) {
      const m = size - first;
      if (m <= 0) return;
      h.set(x.subarray(xo, xo + m), xAt);
      kern.columns((first * bld + first) * F64, xAt * F64, yAt * F64, m, Math.ceil(m / STRIP), bld * F64);
      y.set(h.subarray(yAt, yAt + m), yo);
    },
  };
}
