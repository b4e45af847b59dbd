// The matrix–vector products of the tridiagonal reduction (eigh) in WebAssembly, with
// separate multiplies and adds in a fixed order, so that JavaScript loops give the same
// bits. `columns`: y = Bᵀ·x as a sum of B's rows scaled by x's entries, f64x2 on two
// outputs at a time, each output summed in order of j from zero (the panel's products by
// V and W). `symv`: y = S·x for the symmetric trailing block, from its upper triangle
// read row by row (see symvKernel).
import { Body, F64_ZERO, Op, Simd, ValType, when, type FunctionDef } from "./module.js";

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

/**
 * `symv(a, x, y, m, ld)`: y = S·x for the symmetric m×m S at a (rows `ld` bytes apart;
 * x, y byte addresses of m f64, y zero on entry), reading only S's upper triangle, row
 * by row: each row streams through memory once, where a product by whole columns reads
 * every row twice and jumps a row at every step. Rows go in pairs (i, i+1): the pair's
 * entries right of its 2×2 diagonal block add to y (y_j ← (y_j + s_ij·x_i) + s_(i+1)j·x_(i+1))
 * and to the rows' dot products, in f64x2 lanes (even and odd columns from i+2), an odd
 * last column apart; then y_i += ((d + lane₀) + lane₁) + tail, with d the diagonal block's
 * part (s_ii·x_i + s_i(i+1)·x_(i+1), or s_(i+1)(i+1)·x_(i+1)). An odd last row adds
 * s_ii·x_i. `symvJs` is the same arithmetic in JavaScript, bit for bit. m ≥ 1.
 *
 * @example
 * const bytes = emitModule([symvKernel()]); // exports symv(…)
 */
export function symvKernel(): FunctionDef {
  const P = { a: 0, x: 1, y: 2, m: 3, ld: 4 };
  const f = new Body(5);
  const [i32, f64, v128] = [() => f.local(ValType.i32), () => f.local(ValType.f64), () => f.local(ValType.v128)];
  const [p, xp, yp, left, sp, sp1, xq, yq, q] = [i32(), i32(), i32(), i32(), i32(), i32(), i32(), i32(), i32()];
  const [xi, xi1, d0, d1, t0, t1, s0, s1] = [f64(), f64(), f64(), f64(), f64(), f64(), f64(), f64()];
  const [xiv, xi1v, l0, l1, v0, v1, xv] = [v128(), v128(), v128(), v128(), v128(), v128(), v128()];
  const loadF = (addr: number, offset = 0) => f.get(addr).mem(Op.f64Load, { ...ALIGN_F64, offset });
  const loadV = (addr: number) => f.get(addr).simd(Simd.v128Load, { ...ALIGN_F64, offset: 0 });
  const step = (addr: number, by: number) => f.get(addr).i32(by).op(Op.i32Add).set(addr);
  // y[at + offset] ← y[at + offset] + (what `value` pushes)
  const addTo = (at: number, offset: number, value: () => void) => {
    f.get(at);
    loadF(at, offset);
    value();
    f.op(Op.f64Add).mem(Op.f64Store, { ...ALIGN_F64, offset });
  };
  const lane = (v: number, k: number) => f.get(v).simd(Simd.f64x2ExtractLane).op(k);
  f.get(P.a).set(p);
  f.get(P.x).set(xp);
  f.get(P.y).set(yp);
  f.get(P.m).set(left);
  f.get(left).i32(1).op(Op.i32GtS);
  when(f, () =>
    f.loop(() => {
      loadF(xp).set(xi);
      loadF(xp, F64).set(xi1);
      f.get(xi).simd(Simd.f64x2Splat).set(xiv);
      f.get(xi1).simd(Simd.f64x2Splat).set(xi1v);
      addTo(yp, F64, () => loadF(p, F64).get(xi).op(Op.f64Mul)); // y_(i+1) += s_i(i+1)·x_i
      loadF(p).get(xi).op(Op.f64Mul);
      loadF(p, F64).get(xi1).op(Op.f64Mul, Op.f64Add).set(d0);
      f.get(p).get(P.ld).op(Op.i32Add).tee(sp1).mem(Op.f64Load, { ...ALIGN_F64, offset: F64 }).get(xi1).op(Op.f64Mul).set(d1);
      f.zeroV128().set(l0);
      f.zeroV128().set(l1);
      f.get(p).i32(2 * F64).op(Op.i32Add).set(sp);
      step(sp1, 2 * F64);
      f.get(xp).i32(2 * F64).op(Op.i32Add).set(xq);
      f.get(yp).i32(2 * F64).op(Op.i32Add).set(yq);
      f.get(left).i32(2).op(Op.i32Sub).i32(1).op(Op.i32ShrU).tee(q);
      when(f, () =>
        f.loop(() => {
          loadV(sp).set(v0);
          loadV(sp1).set(v1);
          f.get(yq);
          loadV(yq).get(v0).get(xiv).simd(Simd.f64x2Mul).simd(Simd.f64x2Add);
          f.get(v1).get(xi1v).simd(Simd.f64x2Mul).simd(Simd.f64x2Add).simd(Simd.v128Store, { ...ALIGN_F64, offset: 0 });
          loadV(xq).set(xv);
          f.get(l0).get(v0).get(xv).simd(Simd.f64x2Mul).simd(Simd.f64x2Add).set(l0);
          f.get(l1).get(v1).get(xv).simd(Simd.f64x2Mul).simd(Simd.f64x2Add).set(l1);
          step(sp, V128);
          step(sp1, V128);
          step(xq, V128);
          step(yq, V128);
          f.get(q).i32(1).op(Op.i32Sub).tee(q).brIf(0); // next pair of columns
        }),
      );
      f.op(...F64_ZERO).set(t0);
      f.op(...F64_ZERO).set(t1);
      f.get(left).i32(1).op(Op.i32And); // an odd last column
      when(f, () => {
        loadF(sp).set(s0);
        loadF(sp1).set(s1);
        f.get(yq);
        loadF(yq).get(s0).get(xi).op(Op.f64Mul, Op.f64Add).get(s1).get(xi1).op(Op.f64Mul, Op.f64Add);
        f.mem(Op.f64Store, { ...ALIGN_F64, offset: 0 });
        loadF(xq).get(s0).op(Op.f64Mul).set(t0);
        loadF(xq).get(s1).op(Op.f64Mul).set(t1);
      });
      addTo(yp, 0, () => (f.get(d0), lane(l0, 0).op(Op.f64Add), lane(l0, 1).op(Op.f64Add).get(t0).op(Op.f64Add)));
      addTo(yp, F64, () => (f.get(d1), lane(l1, 0).op(Op.f64Add), lane(l1, 1).op(Op.f64Add).get(t1).op(Op.f64Add)));
      f.get(p).get(P.ld).get(P.ld).op(Op.i32Add, Op.i32Add).i32(2 * F64).op(Op.i32Add).set(p);
      step(xp, 2 * F64);
      step(yp, 2 * F64);
      f.get(left).i32(2).op(Op.i32Sub).set(left);
      f.get(left).i32(1).op(Op.i32GtS).brIf(0); // two rows or more left
    }),
  );
  f.get(left).i32(1).op(Op.i32And); // an odd last row
  when(f, () => addTo(yp, 0, () => loadF(p).get(xp).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).op(Op.f64Mul)));
  return { name: "symv", params: new Array<ValType>(5).fill(ValType.i32), body: f };
}

/**
 * symvKernel's arithmetic in JavaScript on slots of `h` (a, x, y slot offsets, ld in
 * slots): y = S·x from S's upper triangle, the same operations in the same order. y is
 * zeroed here.
 *
 * @example
 * symvJs(h, L.a, x, y, m, L.ld);
 */
export function symvJs(h: Float64Array, a: number, x: number, y: number, m: number, ld: number): void {
  h.fill(0, y, y + m);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const r0 = a + i * ld;
    const r1 = r0 + ld;
    const xi = h[x + i]!;
    const xi1 = h[x + i + 1]!;
    h[y + i + 1] = h[y + i + 1]! + h[r0 + i + 1]! * xi;
    const d0 = h[r0 + i]! * xi + h[r0 + i + 1]! * xi1;
    const d1 = h[r1 + i + 1]! * xi1;
    let [l00, l01, l10, l11] = [0, 0, 0, 0];
    let j = i + 2;
    for (; j + 1 < m; j += 2) {
      const [s00, s01, s10, s11] = [h[r0 + j]!, h[r0 + j + 1]!, h[r1 + j]!, h[r1 + j + 1]!];
      h[y + j] = h[y + j]! + s00 * xi + s10 * xi1;
      h[y + j + 1] = h[y + j + 1]! + s01 * xi + s11 * xi1;
      l00 += s00 * h[x + j]!;
      l01 += s01 * h[x + j + 1]!;
      l10 += s10 * h[x + j]!;
      l11 += s11 * h[x + j + 1]!;
    }
    let [t0, t1] = [0, 0];
    if (j < m) {
      const [s0, s1] = [h[r0 + j]!, h[r1 + j]!];
      h[y + j] = h[y + j]! + s0 * xi + s1 * xi1;
      t0 = h[x + j]! * s0;
      t1 = h[x + j]! * s1;
    }
    h[y + i] = h[y + i]! + (d0 + l00 + l01 + t0);
    h[y + i + 1] = h[y + i + 1]! + (d1 + l10 + l11 + t1);
  }
  if (i < m) h[y + i] = h[y + i]! + h[a + i * ld + i]! * h[x + i]!;
}
