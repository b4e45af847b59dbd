// The matmul micro-kernels as WebAssembly function bodies: float64 on f64x2, float32 on f32x4.
//
// Structure of GotoBLAS / BLIS: A is packed into panels of MR rows and B into panels of NR
// columns, each panel storing, for every p along k, its MR (or NR) values side by side. A
// tile of C (MR × NR) lives in MR·NR/lanes vector accumulators while the kernel walks k:
// per step it loads NR/lanes vectors of B, splats each of A's MR values, and does as many
// multiplies and adds as it holds accumulators. The caller (threads.ts, `sweep`) runs the
// cache-blocking loops over k and the panels; one call here sweeps a column of tiles that
// share one panel of B.
//
// Each element of C is ((0 + a₀b₀) + a₁b₁) + … in order of p, with a separate multiply
// and add (no FMA), each rounded to the element type: exactly the JavaScript kernels'
// arithmetic (float32's rounds each operation with Math.fround), so results agree bit for
// bit. A block over k that is not the first resumes from the partial sums stored in C.
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";

/** Rows of C per tile (A's panel height), in both precisions. */
export const MR = 4;
/** Columns of C per float64 tile (B's panel width): two f64x2 vectors. */
export const NR = 4;
/** Columns of C per float32 tile: two f32x4 vectors, so as many accumulators as float64's. */
export const NR32 = 8;

/** A precision's element size and the instructions its kernels use. */
export interface Precision {
  readonly bytes: 8 | 4;
  /** Elements per v128. */
  readonly lanes: 2 | 4;
  readonly splat: number;
  readonly mul: number;
  readonly add: number;
  readonly load: number;
  readonly store: number;
}
export const FLOAT64: Precision = { bytes: 8, lanes: 2, splat: Simd.v128Load64Splat, mul: Simd.f64x2Mul, add: Simd.f64x2Add, load: Op.f64Load, store: Op.f64Store };
export const FLOAT32: Precision = { bytes: 4, lanes: 4, splat: Simd.v128Load32Splat, mul: Simd.f32x4Mul, add: Simd.f32x4Add, load: Op.f32Load, store: Op.f32Store };

const V128 = 16;
// Alignment hints (log2 bytes): panels and C rows start on 16-byte boundaries.
const ALIGN_V128 = { align: 4 };
const alignOf = (p: Precision) => ({ align: p.bytes === 8 ? 3 : 2 });

/**
 * `name(a, b, c, tiles, kc, aStride, cStride, ldc, first)`, in precision `prec` (elements
 * of `prec.bytes`): for t < tiles, the `mr` × `nr` tile of C at `c + t·cStride` (rows
 * `ldc` bytes apart) gets A's micro-panel at `a + t·aStride` times B's micro-panel at
 * `b`, over `kc` ≥ 1 steps of k. With `first` the tile starts from zero, otherwise from
 * what C holds. Addresses are in bytes.
 *
 * @example
 * const bytes = emitModule([panelKernel(), panelKernel("panel32", MR, NR32, FLOAT32)]); // exports panel, panel32
 */
export function panelKernel(name = "panel", mr = MR, nr = NR, prec = FLOAT64): FunctionDef {
  const P = { a: 0, b: 1, c: 2, tiles: 3, kc: 4, aStride: 5, cStride: 6, ldc: 7, first: 8 };
  const f = new Body(9);
  const cols = nr / prec.lanes; // vectors per row of the tile
  const E = prec.bytes;
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
    f.get(P.a).tee(ap).get(P.kc).i32(mr * E).op(Op.i32Mul, Op.i32Add).set(aEnd);
    f.get(P.b).set(bp);
    f.loop(() => {
      bv.forEach((x, j) => f.get(bp).simd(Simd.v128Load, { ...ALIGN_V128, offset: j * V128 }).set(x));
      for (let r = 0; r < mr; r++) {
        f.get(ap).simd(prec.splat, { ...alignOf(prec), offset: r * E }).set(av);
        for (let j = 0; j < cols; j++) {
          f.get(acc[r]![j]!).get(av).get(bv[j]!).simd(prec.mul).simd(prec.add).set(acc[r]![j]!);
        }
      }
      f.get(bp).i32(nr * E).op(Op.i32Add).set(bp);
      f.get(ap).i32(mr * E).op(Op.i32Add).tee(ap).get(aEnd).op(Op.i32Ne).brIf(0); // next p
    });
    eachRowOfC((r) => acc[r]!.forEach((x, j) => f.get(row).get(x).simd(Simd.v128Store, { ...ALIGN_V128, offset: j * V128 })));
    // Next tile down: A's next micro-panel, C's next block of rows.
    f.get(P.a).get(P.aStride).op(Op.i32Add).set(P.a);
    f.get(P.c).get(P.cStride).op(Op.i32Add).set(P.c);
    f.get(P.tiles).i32(1).op(Op.i32Sub).tee(P.tiles).brIf(0); // next tile
  });
  return { name, params: new Array<ValType>(9).fill(ValType.i32), body: f };
}

/**
 * `name(src, dst, panels, steps, panelStride, stepStride, laneStride)`: packs `panels`
 * strips of `lanes` values each into consecutive memory at `dst`: for every panel, every
 * step, its `lanes` values side by side, read from `src + panel·panelStride +
 * step·stepStride + lane·laneStride`. With lanes = MR and (stepStride, laneStride) =
 * (element size, row length) it packs A's row panels; with lanes = NR and (row length,
 * element size), B's column panels. Elements are `prec`'s; addresses and strides are in bytes.
 *
 * @example
 * const bytes = emitModule([packKernel("packA", MR), packKernel("packB", NR)]);
 */
export function packKernel(name: string, lanes: number, prec = FLOAT64): FunctionDef {
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
        f.get(P.dst).get(lane).mem(prec.load, { ...alignOf(prec), offset: 0 }).mem(prec.store, { ...alignOf(prec), offset: l * prec.bytes });
      }
      f.get(P.dst).i32(lanes * prec.bytes).op(Op.i32Add).set(P.dst);
      f.get(step).get(P.stepStride).op(Op.i32Add).set(step);
      f.get(left).i32(1).op(Op.i32Sub).tee(left).brIf(0); // next step
    });
    f.get(P.src).get(P.panelStride).op(Op.i32Add).set(P.src);
    f.get(P.panels).i32(1).op(Op.i32Sub).tee(P.panels).brIf(0); // next panel
  });
  return { name, params: new Array<ValType>(7).fill(ValType.i32), body: f };
}
