// How the special functions take their arguments: checked where they enter (errors name
// the public function, e.g. `special.erf: x must be an Array, …`), integers and bools
// lifted to float64, float32 kept, numpy's promotion between two operands.
import { type Array, bind1, type Primitive, arrayArg, checkArrayLike, floatArg, promotedDtype, type ArrayLike } from "../core/index.js";
import { broadcastShapes, isFloat, type DType } from "../array/index.js";

type Prim = Primitive<Record<string, never>>;

/** The float dtype of operands: numpy's promotion, integers and bools lifted to float64. */
export function floatDtype(xs: readonly ArrayLike[]): DType {
  const dt = promotedDtype(xs);
  return isFloat(dt) ? dt : "float64";
}

/** `x` as a float Array (checked). */
export const floatInput = (op: string, x: unknown, name = "x"): Array => floatArg(op, name, x);

/** Binds a unary special primitive to a checked float argument. */
export function unary(op: string, prim: Prim, x: unknown): Array {
  return bind1(prim, [floatInput(op, x)], {});
}

/** Two checked operands in their promoted float dtype, checked to broadcast together. */
export function floatPair(op: string, x: unknown, y: unknown, names: readonly [string, string]): [Array, Array] {
  const dtype = floatDtype([checkArrayLike(op, names[0], x), checkArrayLike(op, names[1], y)]);
  const a = arrayArg(op, names[0], x, dtype);
  const b = arrayArg(op, names[1], y, dtype);
  broadcastShapes(op, a.shape, b.shape);
  return [a, b];
}

/** Binds a binary special primitive to two checked, promoted, broadcastable operands. */
export function binary(op: string, prim: Prim, x: unknown, y: unknown, names: readonly [string, string]): Array {
  return bind1(prim, floatPair(op, x, y, names), {});
}
