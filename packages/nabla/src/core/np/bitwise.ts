// Bitwise operations on int32 and bool arrays, with numpy's semantics (two's complement,
// shifts by a count outside 0..31 shift everything out), and the logical xor.
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { binaryPrimitives as B, unaryPrimitives as U } from "../primitives/index.js";
import { broadcastShapes, type DType } from "../../array/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import type { Prim } from "./elementwise-bind.js";
import { logicalNot, notEqual } from "./elementwise.js";

/**
 * The dtype of a bitwise op: the promoted one, int32 for plain integers alone (a weak
 * number is float64 elsewhere), bool → int32 where `bool` has no meaning (shifts). Floats
 * are an error naming the op.
 */
function bitwiseDtype(op: string, xs: readonly ArrayLike[], bool: boolean): DType {
  const checked = xs.map((x, i) => checkArrayLike(op, xs.length === 1 ? "x" : "xy"[i]!, x));
  let dtype = promotedDtype(checked);
  if (checked.every((x) => typeof x === "number" && Number.isInteger(x))) dtype = "int32";
  if (dtype === "float64" || dtype === "float32") {
    throw new Error(`${op}: needs int32 or bool operands, got ${dtype} (cast with astype("int32") first)`);
  }
  return dtype === "bool" && !bool ? "int32" : dtype;
}

function bitwise(op: string, prim: Prim, x: ArrayLike, y: ArrayLike, bool = true): Array {
  const dtype = bitwiseDtype(op, [x, y], bool);
  return bind1(prim, [arrayArg(op, "x", x, dtype), arrayArg(op, "y", y, dtype)], {});
}

/** Bitwise and of int32 (two's complement) or bool operands, broadcast. @example np.bitwiseAnd(np.array([12], { dtype: "int32" }), 10) // [8] */
export const bitwiseAnd = (x: ArrayLike, y: ArrayLike): Array => bitwise("bitwiseAnd", B.bitwiseAnd, x, y);
/** Bitwise or of int32 or bool operands, broadcast. @example np.bitwiseOr(np.array([12], { dtype: "int32" }), 10) // [14] */
export const bitwiseOr = (x: ArrayLike, y: ArrayLike): Array => bitwise("bitwiseOr", B.bitwiseOr, x, y);
/** Bitwise xor of int32 or bool operands, broadcast. @example np.bitwiseXor(np.array([12], { dtype: "int32" }), 10) // [6] */
export const bitwiseXor = (x: ArrayLike, y: ArrayLike): Array => bitwise("bitwiseXor", B.bitwiseXor, x, y);

/**
 * Bitwise not (numpy's `invert`): ~x = −x − 1 for int32, logical not for bool. Also
 * `np.bitwiseInvert` (the array API's name).
 *
 * @example
 * np.bitwiseNot(np.array([0, 5], { dtype: "int32" })); // [-1, -6]
 */
export function bitwiseNot(x: ArrayLike): Array {
  const dtype = bitwiseDtype("bitwiseNot", [x], true);
  const a = arrayArg("bitwiseNot", "x", x, dtype);
  return dtype === "bool" ? logicalNot(a) : bind1(U.bitwiseNot, [a], {});
}
/** The array API's `bitwise_invert`: {@link bitwiseNot}. @example np.bitwiseInvert(np.array([true])) // [false] */
export const bitwiseInvert = bitwiseNot;

/**
 * x shifted left by y bits, int32 (bool counts as int32), broadcast; as numpy, a count
 * outside 0..31 gives 0 (JavaScript's << would shift by y mod 32).
 *
 * @example
 * np.leftShift(np.array([1], { dtype: "int32" }), np.array([3], { dtype: "int32" })); // [8]
 */
export const leftShift = (x: ArrayLike, y: ArrayLike): Array => bitwise("leftShift", B.leftShift, x, y, false);

/**
 * x shifted right by y bits, arithmetic (the sign is kept), int32; as numpy, a count
 * outside 0..31 gives 0 for x ≥ 0 and −1 for x < 0.
 *
 * @example
 * np.rightShift(np.array([-16], { dtype: "int32" }), 2); // [-4]
 */
export const rightShift = (x: ArrayLike, y: ArrayLike): Array => bitwise("rightShift", B.rightShift, x, y, false);

/**
 * Logical exclusive or (nonzero is true), as bool, broadcast.
 *
 * @example
 * np.logicalXor(np.array([true, true]), np.array([true, false])); // [false, true]
 */
export function logicalXor(x: ArrayLike, y: ArrayLike): Array {
  const a = arrayArg("logicalXor", "x", x, "bool");
  const b = arrayArg("logicalXor", "y", y, "bool");
  broadcastShapes("logicalXor", a.shape, b.shape);
  return notEqual(a, b);
}
