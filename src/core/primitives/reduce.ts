import { argReduce, reduce, normalizeAxes, normalizeAxis, type ReduceOp } from "../../array/index.js";
import { definePrimitive, type Primitive } from "../primitive.js";

function reducePrimitive(op: ReduceOp): Primitive<{ axes: readonly number[] }> {
  const name = `reduce_${op}`;
  return definePrimitive({
    name,
    shapeRule([x], { axes }) {
      const ax = normalizeAxes(op, axes, x!.shape.length);
      if ((op === "max" || op === "min") && ax.some((a) => x!.shape[a] === 0)) {
        throw new Error(`${op}: zero-size reduction over axes (${ax.join(",")}) has no identity`);
      }
      return [{ shape: x!.shape.filter((_, i) => !ax.includes(i)), dtype: x!.dtype }];
    },
    impl([x], { axes }, [out]) {
      return [reduce(op, x!, normalizeAxes(op, axes, x!.shape.length), out!.dtype)];
    },
  });
}

/** Reductions over a list of axes; the result drops them (`np` restores keepdims). */
export const reduceSum = reducePrimitive("sum");
export const reduceProd = reducePrimitive("prod");
export const reduceMax = reducePrimitive("max");
export const reduceMin = reducePrimitive("min");

function argPrimitive(op: "argmax" | "argmin"): Primitive<{ axis: number }> {
  return definePrimitive({
    name: op,
    shapeRule([x], { axis }) {
      const a = normalizeAxis(op, axis, x!.shape.length);
      if (x!.shape[a] === 0) throw new Error(`${op}: attempt to get ${op} of an empty sequence`);
      return [{ shape: x!.shape.filter((_, i) => i !== a), dtype: "int32" }];
    },
    impl([x], { axis }) {
      return [argReduce(op, x!, normalizeAxis(op, axis, x!.shape.length))];
    },
  });
}

export const argmax = argPrimitive("argmax");
export const argmin = argPrimitive("argmin");
