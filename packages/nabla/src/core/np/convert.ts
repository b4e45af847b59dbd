import { checkDtype, isFloat, type DType, type TypedArray } from "../../array/index.js";
import { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { convert } from "../primitives/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import { array, type IntegerTypedArray, type NestedNumbers } from "./fromdata.js";

/** Anything an op accepts where an Array is expected: an Array or a plain number. */
export type ArrayLike = Array | number | boolean;

/**
 * An Array for `x`, as numpy's asarray: an Array is returned as it is (converted when
 * `dtype` differs: nabla's Arrays are immutable, so nothing needs copying); numbers
 * become 0-d float64 arrays (weakly typed, see `resultDtype`), booleans 0-d bool; nested
 * lists and typed arrays are copied in as `np.array` does.
 *
 * @example
 * np.asArray(2).shape; // []
 * np.asArray([[1, 2], [3, 4]], "float32").dtype; // "float32"
 */
export function asArray(x: ArrayLike | NestedNumbers | TypedArray | IntegerTypedArray, dtype?: DType): Array {
  const dt = dtype === undefined ? undefined : checkDtype("asArray", dtype);
  if (globalThis.Array.isArray(x) || ArrayBuffer.isView(x)) {
    try {
      return array(x as NestedNumbers, dt === undefined ? {} : { dtype: dt });
    } catch (e) {
      // array's checks, reported as asArray's (the function called).
      throw new Error((e as Error).message.replace(/^array: /, "asArray: "));
    }
  }
  return arrayArg("asArray", "x", x, dt);
}

/**
 * The dtype of an op over these operands. Plain numbers are "weak", as in JAX and
 * numpy 2: `float32Array * 2` stays float32, `int32Array + 1` stays int32, and only a
 * non-integer number lifts an integer array to float64.
 *
 * @example
 * np.resultDtype(np.array([1], { dtype: "float32" }), 2); // "float32"
 */
export function resultDtype(...xs: ArrayLike[]): DType {
  xs.forEach((x, i) => checkArrayLike("resultDtype", `argument ${i + 1}`, x));
  return promotedDtype(xs);
}

/**
 * Like `resultDtype`, then lifted to float64 unless already floating (for exp, div, ...).
 *
 * @example
 * np.floatDtype(np.array([1], { dtype: "int32" })); // "float64"
 */
export function floatDtype(...xs: ArrayLike[]): DType {
  xs.forEach((x, i) => checkArrayLike("floatDtype", `argument ${i + 1}`, x));
  const dt = promotedDtype(xs);
  return isFloat(dt) ? dt : "float64";
}

/**
 * A copy with another element type; a no-op when the dtype already matches. Float to
 * int truncates toward zero and saturates (NaN → 0, ±∞ and out-of-range values → the int32 bounds, as JAX); nonzero becomes true.
 *
 * @example
 * np.astype(np.array([1.7, -1.7]), "int32").toArray(); // [1, -1]
 */
export function astype(x: ArrayLike, dtype: DType): Array {
  const a = arrayArg("astype", "x", x);
  const dt = checkDtype("astype", dtype);
  return a.dtype === dt ? a : bind1(convert, [a], { dtype: dt });
}
