import { sizeOf } from "../shape.js";
import { Storage } from "../storage.js";

export type CumulativeOp = "sum" | "prod" | "max" | "min";

/**
 * One step of each running reduction. int32 products use Math.imul, as a double product
 * of two int32s can pass 2⁵³ and lose the low bits that int32 wrap-around keeps.
 */
const STEPS: Record<CumulativeOp, (acc: number, x: number) => number> = {
  sum: (acc, x) => acc + x,
  prod: (acc, x) => acc * x,
  // NaN wins, as in numpy's maximum.accumulate.
  max: (acc, x) => (x > acc || x !== x ? x : acc),
  min: (acc, x) => (x < acc || x !== x ? x : acc),
};

/**
 * The running reduction of `x` along `axis` (from the far end when `reverse`): element i
 * is op over elements 0..i. Each partial result is stored before the next step, so a
 * float32 or int32 sum is rounded (or wraps) at every step, as numpy's accumulate does.
 */
export function cumulativeStorage(op: CumulativeOp, x: Storage, axis: number, reverse: boolean): Storage {
  const out = Storage.zeros(x.dtype, x.shape, `cum${op}`);
  const n = x.shape[axis]!;
  if (out.size === 0) return out;
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const step = x.dtype === "int32" && op === "prod" ? Math.imul : STEPS[op];
  const src = x.data;
  const dst = out.data;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const first = reverse ? n - 1 : 0;
    const dir = reverse ? -inner : inner;
    for (let i = 0; i < inner; i++) dst[base + first * inner + i] = src[base + first * inner + i]!;
    for (let k = 1; k < n; k++) {
      const at = base + (reverse ? n - 1 - k : k) * inner;
      const prev = at - dir;
      for (let i = 0; i < inner; i++) dst[at + i] = step(dst[prev + i]!, src[at + i]!);
    }
  }
  return out;
}
