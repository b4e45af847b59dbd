import { argReduce, reduce, normalizeAxes, normalizeAxis, type ReduceOp } from "../../array/index.js";
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
 * other elements, computed without dividing by zero.
 */
const REDUCE_DERIVATIVES: Record<ReduceOp, ((x: Array, out: Array, axes: number[]) => Array) | null> = {
  sum: null, // linear: handled without a derivative array
  max: extremeShare,
  min: extremeShare,
  prod(x, _out, axes) {
    // ∂/∂xᵢ Πx = Π_{j≠i} xⱼ, written so that it stays differentiable where x has zeros:
    // the zeros enter through products and sums of themselves (value 0, derivative not).
    const isZero = np.equal(x, 0);
    const k = (v: Array) => keep(v, x, axes);
    const count = k(np.sum(isZero, { axis: axes }));
    const safe = np.where(isZero, 1, x);
    const nonzeroProd = k(np.prod(safe, { axis: axes }));
    const zeroProd = k(np.prod(np.where(isZero, x, 1), { axis: axes }));
    const zeroSum = k(np.sum(np.where(isZero, x, 0), { axis: axes }));
    // For a zero xᵢ: the product of the other zeros — none (1), the one other (its value),
    // or two or more (0, and flat to second order).
    const otherZeros = np.where(np.equal(count, 1), 1, np.where(np.equal(count, 2), np.sub(zeroSum, x), 0));
    return np.where(isZero, np.mul(nonzeroProd, otherZeros), np.mul(np.div(nonzeroProd, safe), zeroProd));
  },
};

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
