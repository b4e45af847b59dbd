// The float64 matmul micro-kernel as a WebAssembly function body (f64x2 SIMD).
//
// Structure of GotoBLAS / BLIS: A is packed into panels of MR rows and B into panels of NR
// columns, each panel storing, for every p along k, its MR (or NR) values side by side. A
// tile of C (MR × NR) lives in MR·NR/2 f64x2 accumulators while the kernel walks k: per
// step it loads NR/2 vectors of B, splats each of A's MR values, and does MR·NR/2
// multiplies and as many adds. The caller (threads.ts, `sweep`) runs the cache-blocking
// loops over k and the panels; one call here sweeps a column of tiles that share one panel of B.
//
// Each element of C is ((0 + a₀b₀) + a₁b₁) + … in order of p, with a separate multiply
// and add (no FMA): exactly the JavaScript kernel's arithmetic, so results agree bit for
// bit. A block over k that is not the first resumes from the partial sums stored in C.
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";

/** Rows of C per tile (A's panel height). */
export const MR = 4;
/** Columns of C per tile (B's panel width); even, as f64x2 vectors hold two columns. */
export const NR = 4;

const F64 = 8;
const V128 = 16;
// Alignment hints (log2 bytes): panels and C rows start on 16-byte boundaries.
const ALIGN_V128 = { align: 4 };
const ALIGN_F64 = { align: 3 };

/**
 * `panel(a, b, c, tiles, kc, aStride, cStride, ldc, first)`: for t < tiles, the MR × NR
 * tile of C at `c + t·cStride` (rows `ldc` bytes apart) gets A's micro-panel at
 * `a + t·aStride` times B's micro-panel at `b`, over `kc` ≥ 1 steps of k. With `first`
 * the tile starts from zero, otherwise from what C holds. Addresses are in bytes.
 *
 * @example
 * const bytes = emitModule([panelKernel()]); // exports panel(…)
 */
export function panelKernel(mr = MR, nr = NR): FunctionDef {
  const P = { a: 0, b: 1, c: 2, tiles: 3, kc: 4, aStride: 5, cStride: 6, ldc: 7, first: 8 };
  const f = new Body(9);
  const cols = nr / 2; // f64x2 vectors per row of the tile
  const ap = f.local(ValType.i32);
  const bp = f.local(ValType.i32);
  const aEnd = f.local(ValType.i32);
  const row = f.local(ValType.i32);
  const acc = Array.from({ length: mr }, () => Array.from({ length: cols }, () => f.local(ValType.v128)));
  const bv = Array.from({ length: cols }, () => f.local(ValType.v128));
  const av = f.local(ValType.v128);

  // Visits the tile's rows of C with `row` holding each row's address.
  const eachRowOfC = (visit: (r: number) => void) => {
    f.get(P.c).set(row);
    for (let r = 0; r < mr; r++) {
      if (r > 0) f.get(row).get(P.ldc).op(Op.i32Add).set(row);
      visit(r);
    }
  };

  f.loop(() => {
    // Accumulators: zero on the first block over k, else the partial sums in C.
    f.get(P.first).ifElse(
      () => acc.flat().forEach((x) => f.zeroV128().set(x)),
      () => eachRowOfC((r) => acc[r]!.forEach((x, j) => f.get(row).simd(Simd.v128Load, { ...ALIGN_V128, offset: j * V128 }).set(x))),
    );
    // ap walks A's micro-panel (mr values per step), bp B's (nr per step).
    f.get(P.a).tee(ap).get(P.kc).i32(mr * F64).op(Op.i32Mul, Op.i32Add).set(aEnd);
    f.get(P.b).set(bp);
    f.loop(() => {
      bv.forEach((x, j) => f.get(bp).simd(Simd.v128Load, { ...ALIGN_V128, offset: j * V128 }).set(x));
      for (let r = 0; r < mr; r++) {
        f.get(ap).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: r * F64 }).set(av);
        for (let j = 0; j < cols; j++) {
          f.get(acc[r]![j]!).get(av).get(bv[j]!).simd(Simd.f64x2Mul).simd(Simd.f64x2Add).set(acc[r]![j]!);
        }
      }
      f.get(bp).i32(nr * F64).op(Op.i32Add).set(bp);
      f.get(ap).i32(mr * F64).op(Op.i32Add).tee(ap).get(aEnd).op(Op.i32Ne).brIf(0); // next p
    });
    eachRowOfC((r) => acc[r]!.forEach((x, j) => f.get(row).get(x).simd(Simd.v128Store, { ...ALIGN_V128, offset: j * V128 })));
    // Next tile down: A's next micro-panel, C's next block of rows.
    f.get(P.a).get(P.aStride).op(Op.i32Add).set(P.a);
    f.get(P.c).get(P.cStride).op(Op.i32Add).set(P.c);
    f.get(P.tiles).i32(1).op(Op.i32Sub).tee(P.tiles).brIf(0); // next tile
  });
  return { name: "panel", params: new Array<ValType>(9).fill(ValType.i32), body: f };
}

/**
 * `name(src, dst, panels, steps, panelStride, stepStride, laneStride)`: packs `panels`
 * strips of `lanes` values each into consecutive memory at `dst`: for every panel, every
 * step, its `lanes` values side by side, read from `src + panel·panelStride +
 * step·stepStride + lane·laneStride`. With lanes = MR and (stepStride, laneStride) =
 * (8, row length) it packs A's row panels; with lanes = NR and (row length, 8), B's
 * column panels. Addresses and strides are in bytes.
 *
 * @example
 * const bytes = emitModule([packKernel("packA", MR), packKernel("packB", NR)]);
 */
export function packKernel(name: string, lanes: number): FunctionDef {
  const P = { src: 0, dst: 1, panels: 2, steps: 3, panelStride: 4, stepStride: 5, laneStride: 6 };
  const f = new Body(7);
  const step = f.local(ValType.i32); // address of this step's first lane
  const lane = f.local(ValType.i32);
  const left = f.local(ValType.i32); // steps left in this panel
  f.loop(() => {
    f.get(P.src).set(step);
    f.get(P.steps).set(left);
    f.loop(() => {
      f.get(step).set(lane);
      for (let l = 0; l < lanes; l++) {
        if (l > 0) f.get(lane).get(P.laneStride).op(Op.i32Add).set(lane);
        f.get(P.dst).get(lane).mem(Op.f64Load, { ...ALIGN_F64, offset: 0 }).mem(Op.f64Store, { ...ALIGN_F64, offset: l * F64 });
      }
      f.get(P.dst).i32(lanes * F64).op(Op.i32Add).set(P.dst);
      f.get(step).get(P.stepStride).op(Op.i32Add).set(step);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next step
    });
    f.get(P.src).get(P.panelStride).op(Op.i32Add).set(P.src);
    f.get(P.panels).i32(1).op(Op.i32Sub).tee(P.panels).brIf(0); // next panel
  });
  return { name, params: new Array<ValType>(7).fill(ValType.i32), body: f };
}
