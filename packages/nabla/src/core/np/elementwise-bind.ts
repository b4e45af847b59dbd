// How the elementwise np functions check, promote and bind their operands. Internal: not
// part of the np namespace (index.ts does not export this file).
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import type { unaryPrimitives } from "../primitives/index.js";
import { isFloat, type DType } from "../../array/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";

export type Prim = (typeof unaryPrimitives)[keyof typeof unaryPrimitives];

/**
 * How an op lifts the promoted dtype: "float" ops (exp, div, hypot) compute in float64
 * for integer and bool operands; "int" ops (pow, remainder, shifts) take bool as int32,
 * as numpy takes it as int8; "none" keeps it.
 */
export type Lift = "none" | "float" | "int";

/** The dtype of an op over checked operands: promoted, then lifted. */
export function dtypeOf(xs: readonly ArrayLike[], lift: Lift | boolean): DType {
  const dt = promotedDtype(xs);
  const how = lift === true ? "float" : lift === false ? "none" : lift;
  if (how === "float" && !isFloat(dt)) return "float64";
  if (how === "int" && dt === "bool") return "int32";
  return dt;
}

/**
 * Binds a binary primitive (or the one `prim` picks for the operands' dtype) after
 * checking both operands and promoting them to one dtype.
 */
export function binary(
  op: string,
  prim: Prim | ((dtype: DType) => Prim),
  x: ArrayLike,
  y: ArrayLike,
  lift: Lift | boolean = false,
  names: readonly [string, string] = ["x", "y"],
): Array {
  const dtype = dtypeOf([checkArrayLike(op, names[0], x), checkArrayLike(op, names[1], y)], lift);
  const p = typeof prim === "function" ? prim(dtype) : prim;
  return bind1(p, [arrayArg(op, names[0], x, dtype), arrayArg(op, names[1], y, dtype)], {});
}

/** Binds a unary primitive; `float` ops lift integer inputs to float64 first. */
export function unary(op: string, prim: Prim, x: ArrayLike, lift: Lift | boolean = false): Array {
  return bind1(prim, [arrayArg(op, "x", x, dtypeOf([checkArrayLike(op, "x", x)], lift))], {});
}

/**
 * Refuses arithmetic with no bool meaning, as numpy and JAX do: computed on 0/1 storage
 * it would wrap (false − true stores 255) and leave a bool that is neither 0 nor 1.
 */
export function refuseBool(op: string, hint: string, ...xs: ArrayLike[]): void {
  if (dtypeOf(xs.map((x, i) => checkArrayLike(op, "xy"[i]!, x)), false) === "bool") throw new Error(`${op}: not defined for bool operands; ${hint}`);
}

/**
 * A rounding op (floor, ceil, trunc, rint): integers and bools are already whole, so they
 * come back unchanged with their dtype, as in numpy 2; floats go through `prim`.
 */
export function keepingIntegers(op: string, prim: Prim, x: ArrayLike): Array {
  const a = arrayArg(op, "x", x);
  return isFloat(a.dtype) ? bind1(prim, [a], {}) : a;
}
