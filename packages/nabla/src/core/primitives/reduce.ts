import { argReduce, reduce, normalizeAxes, normalizeAxis, REDUCERS, type ReduceOp } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as np from "../np/index.js";
import { definePrimitive, type Primitive, type Tangent } from "../primitive.js";

type Axes = { axes: readonly number[] };

/** `out` with the reduced axes restored as size 1, so it broadcasts against the input. */
function keep(out: Array, x: Array, axes: readonly number[]): Array {
  return np.reshape(out, x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

/**
 * ∂out/∂x of each reduction, shaped like x: ones for sum; for max/min the positions
 * that attain the extreme, ties sharing equally (as JAX); for prod the product of the
 * other elements, computed without dividing (see `othersProduct`).
 */
const REDUCE_DERIVATIVES: Record<ReduceOp, ((x: Array, out: Array, axes: number[]) => Array) | null> = {
  sum: null, // linear: handled without a derivative array
  max: extremeShare,
  min: extremeShare,
  prod: (x, _out, axes) => othersProduct(x, axes),
};

/**
 * Π_{j≠i} xⱼ over the reduced axes, for every i (JAX's reduce_prod rule, by hand): the
 * product as a balanced tree of pairwise multiplications, then each element's share as
 * the product of its siblings' subtrees on the way back down. Nothing is divided, so it
 * is exact at zeros and stays right when the whole product underflows (for
 * x = [−1e-6, 5e-324], ∂/∂x₁ is x₀, not 0/5e-324); and it is built from np ops, so it
 * differentiates again (Hessians at zeros), batches and stages like any other code.
 */
function othersProduct(x: Array, axes: readonly number[]): Array {
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...axes, ...rest];
  const m = axes.reduce((p, a) => p * x.shape[a]!, 1);
  if (m === 0) return np.zerosLike(x);
  // The reduced axes flattened into one leading axis of length m.
  let level = np.reshape(np.transpose(x, perm), [m, ...rest.map((i) => x.shape[i]!)]);
  // Row i of the first ⌈n/2⌉ rows pairs with row ⌈n/2⌉ + i; for odd n the middle row
  // has no partner and carries up as it is.
  const split = (n: number) => [Math.floor(n / 2), Math.ceil(n / 2)] as const;
  const levels: Array[] = [];
  while (level.shape[0]! > 1) {
    levels.push(level);
    const n = level.shape[0]!;
    const [p, h] = split(n);
    const paired = np.mul(rows(level, 0, p), rows(level, h, n));
    level = p < h ? np.concatenate([paired, rows(level, p, h)]) : paired;
  }
  // Downward: a child's "others" product is its parent's times its partner's subtree.
  let others = np.onesLike(level);
  for (let k = levels.length - 1; k >= 0; k--) {
    const below = levels[k]!;
    const n = below.shape[0]!;
    const [p, h] = split(n);
    const parents = rows(others, 0, p);
    const firstHalf = np.mul(parents, rows(below, h, n));
    const secondHalf = np.mul(parents, rows(below, 0, p));
    others = np.concatenate(p < h ? [firstHalf, rows(others, p, h), secondHalf] : [firstHalf, secondHalf]);
  }
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return np.transpose(np.reshape(others, perm.map((i) => x.shape[i]!)), inverse);
}

/** Rows [lo, hi) of the leading axis. */
function rows(a: Array, lo: number, hi: number): Array {
  return np.slice(a, [lo, hi]);
}

function extremeShare(x: Array, out: Array, axes: number[]): Array {
  const hit = np.astype(np.equal(x, keep(out, x, axes)), x.dtype);
  return np.div(hit, keep(np.sum(hit, { axis: axes }), x, axes));
}

function reducePrimitive(op: ReduceOp): Primitive<Axes> {
  const name = `reduce_${op}`;
  const derivative = REDUCE_DERIVATIVES[op];
  const axesOf = (x: { shape: readonly number[] }, axes: readonly number[]) => normalizeAxes(op, axes, x.shape.length);
  const prim: Primitive<Axes> = definePrimitive({
    name,
    shapeRule([x], { axes }) {
      const ax = axesOf(x!, axes);
      if ((op === "max" || op === "min") && ax.some((a) => x!.shape[a] === 0)) {
        throw new Error(`${op}: zero-size reduction over axes (${ax.join(",")}) has no identity`);
      }
      return [{ shape: x!.shape.filter((_, i) => !ax.includes(i)), dtype: x!.dtype }];
    },
    impl([x], { axes }, [out]) {
      return [reduce(op, x!, axesOf(x!, axes), out!.dtype)];
    },
    jvp([x], [t], params) {
      const out = bind1(prim, [x!], params);
      if (!t) return [[out], [null]];
      const d = derivative?.(x!, out, axesOf(x!, params.axes));
      return [[out], [bind1(reduceSum, [d ? np.mul(t, d) : t], params)]];
    },
    vjp([ct], [x], [out], { axes }): Tangent[] {
      if (!ct) return [null];
      const ax = axesOf(x!, axes);
      const spread = np.broadcastTo(keep(ct, x!, ax), x!.shape);
      return [derivative ? np.mul(spread, derivative(x!, out!, ax)) : spread];
    },
    batch: ([x], _b, { axes }) => [[bind1(prim, [x!], { axes: axesOf({ shape: x!.shape.slice(1) }, axes).map((a) => a + 1) })], [true]],
    // The eager kernel's accumulator and update, written out.
    lower: {
      kind: "reduce",
      init: REDUCERS[op][0],
      update: (acc, x) => REDUCERS[op][1].replace(/\bacc\b/g, acc).replace(/\bx\b/g, x),
      axes: ({ axes }, x) => axesOf(x, axes),
    },
  });
  return prim;
}

/** Reductions over a list of axes; the result drops them (`np` restores keepdims). */
export const reduceSum = reducePrimitive("sum");
export const reduceProd = reducePrimitive("prod");
export const reduceMax = reducePrimitive("max");
export const reduceMin = reducePrimitive("min");

function argPrimitive(op: "argmax" | "argmin"): Primitive<{ axis: number }> {
  const prim: Primitive<{ axis: number }> = definePrimitive({
    name: op,
    shapeRule([x], { axis }) {
      const a = normalizeAxis(op, axis, x!.shape.length);
      if (x!.shape[a] === 0) throw new Error(`${op}: attempt to get ${op} of an empty sequence`);
      return [{ shape: x!.shape.filter((_, i) => i !== a), dtype: "int32" }];
    },
    impl([x], { axis }) {
      return [argReduce(op, x!, normalizeAxis(op, axis, x!.shape.length))];
    },
    jvp: ([x], _t, params) => [[bind1(prim, [x!], params)], [null]],
    vjp: () => [null],
    batch: ([x], _b, { axis }) => [[bind1(prim, [x!], { axis: normalizeAxis(op, axis, x!.ndim - 1) + 1 })], [true]],
  });
  return prim;
}

export const argmax = argPrimitive("argmax");
export const argmin = argPrimitive("argmin");
