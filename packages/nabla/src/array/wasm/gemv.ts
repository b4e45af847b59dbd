// The matrix–vector product of the tridiagonal reduction (eigh) in WebAssembly: y = Bᵀ·x
// as a sum of B's rows scaled by x's entries, which f64x2 runs on two outputs at a time
// while each output still sums its products in order of j from zero, with separate
// multiplies and adds: the bits of the JavaScript loop. The reduction keeps its trailing
// block exactly symmetric, so this is B·x (see tridiagonal.ts).
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";

/**
 * Outputs per strip: STRIP/2 f64x2 accumulators, two cache lines of each row read per
 * step (measured against 8, one line: eigh 500 in 0.93× the time, interleaved).
 */
export const STRIP = 16;
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
