import { broadcastShapes, elementwise, isFloat, type DType, type ElementwiseOp } from "../../array/index.js";
import { definePrimitive, type Aval, type Primitive } from "../primitive.js";

type UnaryOp = "neg" | "exp" | "log" | "log1p" | "expm1" | "sin" | "cos" | "tan" | "tanh" | "sinh" | "cosh"
  | "arcsin" | "arccos" | "arctan" | "sqrt" | "abs" | "sign" | "sigmoid" | "floor" | "logicalNot";
type BinaryOp = "add" | "sub" | "mul" | "div" | "pow" | "arctan2" | "maximum" | "minimum"
  | "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual" | "logicalAnd" | "logicalOr";

/** Ops whose inputs must be floating point (`np` casts integers first). */
const FLOAT_ONLY = new Set<string>([
  "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos",
  "arctan", "sqrt", "sigmoid", "div", "pow", "arctan2",
]);
const GIVES_BOOL = new Set<string>([
  "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr", "logicalNot",
]);

function elementwisePrimitive(op: ElementwiseOp, arity: number): Primitive<Record<string, never>> {
  return definePrimitive({
    name: op,
    shapeRule(inputs: readonly Aval[]) {
      if (inputs.length !== arity) throw new Error(`${op}: expects ${arity} inputs, got ${inputs.length}`);
      const dtype = inputs[0]!.dtype;
      for (const x of inputs) {
        if (x.dtype !== dtype) throw new Error(`${op}: dtypes differ (${inputs.map((i) => i.dtype).join(", ")})`);
      }
      if (FLOAT_ONLY.has(op) && !isFloat(dtype)) throw new Error(`${op}: needs a floating-point input, got ${dtype}`);
      const shape = arity === 1 ? inputs[0]!.shape : broadcastShapes(op, ...inputs.map((i) => i.shape));
      return [{ shape, dtype: GIVES_BOOL.has(op) ? "bool" : dtype }];
    },
    impl(inputs, _params, [out]) {
      return [elementwise(op, [...inputs], out!.shape, out!.dtype)];
    },
  });
}

export const unaryPrimitives = Object.fromEntries(
  (["neg", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos",
    "arctan", "sqrt", "abs", "sign", "sigmoid", "floor", "logicalNot"] as const).map((op) => [op, elementwisePrimitive(op, 1)]),
) as Record<UnaryOp, Primitive<Record<string, never>>>;

export const binaryPrimitives = Object.fromEntries(
  (["add", "sub", "mul", "div", "pow", "arctan2", "maximum", "minimum", "equal", "notEqual", "less", "lessEqual",
    "greater", "greaterEqual", "logicalAnd", "logicalOr"] as const).map((op) => [op, elementwisePrimitive(op, 2)]),
) as Record<BinaryOp, Primitive<Record<string, never>>>;

/** `select(cond, x, y)`: x where cond is true, else y; the three broadcast together. */
export const select = definePrimitive<Record<string, never>>({
  name: "select",
  shapeRule([cond, x, y]) {
    if (cond!.dtype !== "bool") throw new Error(`where: the condition must be bool, got ${cond!.dtype}`);
    if (x!.dtype !== y!.dtype) throw new Error(`where: dtypes differ (${x!.dtype}, ${y!.dtype})`);
    return [{ shape: broadcastShapes("where", cond!.shape, x!.shape, y!.shape), dtype: x!.dtype }];
  },
  impl(inputs, _params, [out]) {
    return [elementwise("select", [...inputs], out!.shape, out!.dtype)];
  },
});

/** Changes the element type (numpy's `astype`); float to int truncates toward zero. */
export const convert = definePrimitive<{ dtype: DType }>({
  name: "convert",
  shapeRule([x], { dtype }) {
    return [{ shape: x!.shape, dtype }];
  },
  impl([x], { dtype }) {
    // Typed-array assignment does the conversion; bool needs "nonzero", not truncation.
    return [elementwise(dtype === "bool" ? "nonzero" : "copy", [x!], x!.shape, dtype)];
  },
});
