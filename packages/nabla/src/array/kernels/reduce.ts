import { sizeOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType, TypedArray } from "../dtype.js";
import { transposeStorage } from "./layout.js";
import { canGenerateCode } from "../codegen.js";

/**
 * Reductions as (initial value, update) over the accumulator `acc` and element `x`, and
 * beside them the update as a function, run where code generation is forbidden
 * (`canGenerateCode`). Keep each function the same expression as its string.
 */
export const REDUCERS = {
  sum: ["0", "acc + x", (acc, x) => acc + x],
  prod: ["1", "acc * x", (acc, x) => acc * x],
  // NaN wins, as in numpy.
  max: ["-Infinity", "(x > acc || x !== x ? x : acc)", (acc, x) => (x > acc || x !== x ? x : acc)],
  min: ["Infinity", "(x < acc || x !== x ? x : acc)", (acc, x) => (x < acc || x !== x ? x : acc)],
} satisfies Record<string, readonly [string, string, (acc: number, x: number) => number]>;

export type ReduceOp = keyof typeof REDUCERS;

type ReduceKernel = (x: TypedArray, out: TypedArray, outer: number, r: number, inner: number) => void;
const cache = new Map<ReduceOp, ReduceKernel>();

function compile(op: ReduceOp): ReduceKernel {
  const [init, update] = REDUCERS[op];
  // Summing along a contiguous axis (inner = 1) and across rows (inner > 1) are both
  // written so that the innermost loop walks memory in order.
  const src = `
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let acc = ${init}; const base = o * r;
        for (let j = 0; j < r; j++) { const x = xs[base + j]; acc = ${update}; }
        out[o] = acc;
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(${init});
      for (let j = 0; j < r; j++) {
        const base = (o * r + j) * inner;
        for (let i = 0; i < inner; i++) { const x = xs[base + i]; const a = acc[i]; acc[i] = ${update.replace(/acc/g, "a")}; }
      }
      out.set(acc, o * inner);
    }`;
  return new Function("xs", "out", "outer", "r", "inner", src) as ReduceKernel;
}

/** The loops of `compile`, calling the update function: the same order of operations. */
function interpret(op: ReduceOp): ReduceKernel {
  const [init, , update] = REDUCERS[op];
  const start = Number(init);
  return (xs, out, outer, r, inner) => {
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let acc = start;
        const base = o * r;
        for (let j = 0; j < r; j++) acc = update(acc, xs[base + j]!);
        out[o] = acc;
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(start);
      for (let j = 0; j < r; j++) {
        const base = (o * r + j) * inner;
        for (let i = 0; i < inner; i++) acc[i] = update(acc[i]!, xs[base + i]!);
      }
      out.set(acc, o * inner);
    }
  };
}

/** Moves the reduced axes together so the reduction is over one contiguous block. */
function contiguous(x: Storage, axes: readonly number[]): [Storage, number, number, number] {
  const nd = x.shape.length;
  const first = axes[0] ?? nd;
  const isBlock = axes.every((a, i) => a === first + i);
  if (!isBlock) {
    const kept = [...Array(nd).keys()].filter((a) => !axes.includes(a));
    x = transposeStorage(x, [...kept, ...axes]);
    return contiguous(x, axes.map((_, i) => kept.length + i));
  }
  const outer = sizeOf(x.shape.slice(0, first));
  const r = sizeOf(axes.map((a) => x.shape[a]!));
  const inner = sizeOf(x.shape.slice(first + axes.length));
  return [x, outer, r, inner];
}

/** Reduces `x` over the sorted distinct `axes`; the result drops those axes. */
export function reduce(op: ReduceOp, x: Storage, axes: readonly number[], outDtype: DType): Storage {
  const outShape = x.shape.filter((_, i) => !axes.includes(i));
  const [xc, outer, r, inner] = contiguous(x, axes);
  const out = Storage.zeros(outDtype, outShape, op);
  if (r === 0 && (op === "max" || op === "min")) {
    throw new Error(`${op}: zero-size reduction over axes (${axes.join(",")}) has no identity`);
  }
  let kernel = cache.get(op);
  if (!kernel) cache.set(op, (kernel = canGenerateCode() ? compile(op) : interpret(op)));
  kernel(xc.data, out.data, outer, r, inner);
  return out;
}

/** Index of the first largest (or smallest) element along `axis`; NaN counts as extreme. */
export function argReduce(op: "argmax" | "argmin", x: Storage, axis: number): Storage {
  const n = x.shape[axis]!;
  if (n === 0) throw new Error(`${op}: attempt to get ${op} of an empty sequence`);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = Storage.zeros("int32", x.shape.filter((_, i) => i !== axis), op);
  const xs = x.data;
  const better = op === "argmax" ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = xs[o * n * inner + i]!;
      let arg = 0;
      for (let j = 1; j < n && best === best; j++) {
        const v = xs[(o * n + j) * inner + i]!;
        if (better(v, best) || v !== v) {
          best = v;
          arg = j;
        }
      }
      out.data[o * inner + i] = arg;
    }
  }
  return out;
}
