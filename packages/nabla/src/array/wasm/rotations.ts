// Plane rotations of consecutive rows in WebAssembly, for the symmetric QR iteration
// (eigh): a sweep rotates rows (k, k+1) for k = lo, lo+1, …, hi−1, each by its own (c, s).
// Applied a rotation at a time to whole rows, every row is read and written twice per
// sweep, from main memory once Z outgrows the caches. Rotations of rows act on each
// column alone, so the kernel runs down strips of STRIP columns instead: the row carried
// from one rotation to the next stays in registers, and a strip (STRIP·8 bytes a row)
// stays in cache for a whole group of sweeps, deferred and applied together. Every entry
// still sees the same rotations in the same order, each as (c·u + s·v, c·v − s·u) with
// separate multiplies and adds (no FMA): the JavaScript loop's bits exactly.
import { Body, Op, Simd, ValType, type FunctionDef } from "./module.js";
import { heap, instantiate } from "./runtime.js";

/** Columns per strip: the carried row is STRIP/2 f64x2 registers. */
export const STRIP = 8;
/** Sweeps deferred and applied in one pass over Z. */
const GROUP = 32;
const V128 = 16;
const SWEEP_BYTES = 16; // a sweep's record: first row's byte offset, (c, s) address, count, unused
const ALIGN_V128 = { align: 4 };
const ALIGN_F64 = { align: 3 };
const ALIGN_I32 = { align: 2 };

/**
 * `rotate(z, table, sweeps, strips, ld)`: for each of `strips` strips of STRIP columns
 * (the first at byte `z`, rows `ld` bytes apart), for each of the `sweeps` records at
 * `table` (i32s: byte offset of the sweep's first row from z, address of its (c, s)
 * pairs, count ≥ 1), rows r and r+1 of the sweep become (c·x + s·y, c·y − s·x), r in order.
 *
 * @example
 * const bytes = emitModule([rotateKernel()]); // exports rotate(…)
 */
export function rotateKernel(): FunctionDef {
  const P = { z: 0, table: 1, sweeps: 2, strips: 3, ld: 4 };
  const f = new Body(5);
  const t = f.local(ValType.i32); // this sweep's record
  const tEnd = f.local(ValType.i32);
  const row = f.local(ValType.i32); // address of the carried row's strip
  const r = f.local(ValType.i32); // address of this rotation's (c, s)
  const rEnd = f.local(ValType.i32);
  const carried = Array.from({ length: STRIP / 2 }, () => f.local(ValType.v128));
  const next = Array.from({ length: STRIP / 2 }, () => f.local(ValType.v128));
  const c = f.local(ValType.v128);
  const s = f.local(ValType.v128);
  f.get(P.table).get(P.sweeps).i32(SWEEP_BYTES).op(Op.i32Mul, Op.i32Add).set(tEnd);
  f.loop(() => {
    f.get(P.table).set(t);
    f.loop(() => {
      f.get(P.z).get(t).mem(Op.i32Load, { ...ALIGN_I32, offset: 0 }).op(Op.i32Add).set(row);
      f.get(t).mem(Op.i32Load, { ...ALIGN_I32, offset: 4 }).tee(r);
      f.get(t).mem(Op.i32Load, { ...ALIGN_I32, offset: 8 }).i32(V128).op(Op.i32Mul, Op.i32Add).set(rEnd);
      carried.forEach((x, j) => f.get(row).simd(Simd.v128Load, { ...ALIGN_V128, offset: j * V128 }).set(x));
      f.loop(() => {
        f.get(r).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: 0 }).set(c);
        f.get(r).simd(Simd.v128Load64Splat, { ...ALIGN_F64, offset: 8 }).set(s);
        // The next row's strip, loaded before the carried row is stored.
        next.forEach((y, j) => f.get(row).get(P.ld).op(Op.i32Add).simd(Simd.v128Load, { ...ALIGN_V128, offset: j * V128 }).set(y));
        carried.forEach((x, j) => {
          const y = next[j]!;
          f.get(row).get(c).get(x).simd(Simd.f64x2Mul).get(s).get(y).simd(Simd.f64x2Mul).simd(Simd.f64x2Add);
          f.simd(Simd.v128Store, { ...ALIGN_V128, offset: j * V128 });
          f.get(c).get(y).simd(Simd.f64x2Mul).get(s).get(x).simd(Simd.f64x2Mul).simd(Simd.f64x2Sub).set(x);
        });
        f.get(row).get(P.ld).op(Op.i32Add).set(row);
        f.get(r).i32(V128).op(Op.i32Add).tee(r).get(rEnd).op(Op.i32Ne).brIf(0); // next rotation
      });
      carried.forEach((x, j) => f.get(row).get(x).simd(Simd.v128Store, { ...ALIGN_V128, offset: j * V128 }));
      f.get(t).i32(SWEEP_BYTES).op(Op.i32Add).tee(t).get(tEnd).op(Op.i32Ne).brIf(0); // next sweep
    });
    f.get(P.z).i32(STRIP * 8).op(Op.i32Add).set(P.z);
    f.get(P.strips).i32(1).op(Op.i32Sub).tee(P.strips).brIf(0); // next strip
  });
  return { name: "rotate", params: new Array<ValType>(5).fill(ValType.i32), body: f };
}

/**
 * A rows × width matrix Z held in the kernel's memory for a run of sweeps. `sweep(lo,
 * hi)` returns where to write that sweep's rotations: rotation k's (c, s) at
 * [2(k−lo)], [2(k−lo)+1]; it rotates rows (k, k+1) for k = lo … hi−1 in order, after the
 * sweeps before it (deferred: Z is brought up to date by `finish`, which copies it back).
 */
export interface ResidentRows {
  sweep(lo: number, hi: number): Float64Array;
  finish(): void;
}

/**
 * Z moved into WebAssembly memory for `ResidentRows`, or null where the kernel is
 * unavailable or disabled (the caller then rotates in JavaScript, with the same bits).
 * The kernel's memory is Z's until `finish`: no other WebAssembly kernel may run between.
 *
 * @example
 * const rows = residentRows(Z, n, n);
 * if (rows) { rows.sweep(k, k + 1).set([c, s]); rows.finish(); }
 */
export function residentRows(Z: Float64Array, rows: number, width: number): ResidentRows | null {
  const kern = instantiate();
  if (kern === null || rows < 2 || width < 1) return null;
  // In f64 slots: Z's rows padded with zeros to whole strips (rotating zeros leaves
  // zeros), the sweeps' records, then room for GROUP sweeps' (c, s) pairs.
  const strips = Math.ceil(width / STRIP);
  const ld = strips * STRIP;
  const tableAt = rows * ld;
  const csAt = tableAt + (GROUP * SWEEP_BYTES) / 8;
  const csEnd = csAt + 2 * GROUP * rows;
  const h = heap(kern, csEnd * 8);
  if (h === null) return null;
  const table = new Int32Array(h.buffer, tableAt * 8, GROUP * 4);
  h.fill(0, 0, tableAt);
  for (let i = 0; i < rows; i++) h.set(Z.subarray(i * width, (i + 1) * width), i * ld);
  let pending = 0;
  let free = csAt; // next free slot for (c, s) pairs
  const flush = () => {
    if (pending > 0) kern.rotate(0, tableAt * 8, pending, strips, ld * 8);
    pending = 0;
    free = csAt;
  };
  return {
    sweep(lo, hi) {
      const count = hi - lo;
      if (pending === GROUP || free + 2 * count > csEnd) flush();
      table.set([lo * ld * 8, free * 8, count], pending * 4);
      pending++;
      const pairs = h.subarray(free, free + 2 * count);
      free += 2 * count;
      return pairs;
    },
    finish() {
      flush();
      for (let i = 0; i < rows; i++) Z.set(h.subarray(i * ld, i * ld + width), i * width);
    },
  };
}
