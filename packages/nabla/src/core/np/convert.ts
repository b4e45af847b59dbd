import { isFloat, promoteTypes, Storage, type DType } from "../../array/index.js";
import { Array, ConcreteArray } from "../array.js";
import { bind1 } from "../interpreter.js";
import { convert } from "../primitives/index.js";

/** Anything an op accepts where an Array is expected: an Array or a plain number. */
export type ArrayLike = Array | number | boolean;

/**
 * An Array for `x`; numbers become 0-d float64 arrays (weakly typed, see `resultDtype`),
 * booleans 0-d bool; with `dtype`, converted to it.
 *
 * @example
 * np.asArray(2).shape; // []
 */
export function asArray(x: ArrayLike, dtype?: DType): Array {
  if (x instanceof Array) return dtype && x.dtype !== dtype ? astype(x, dtype) : x;
  if (typeof x === "number" || typeof x === "boolean") {
    const dt = dtype ?? (typeof x === "boolean" ? "bool" : "float64");
    const s = Storage.zeros(dt, []);
    // A bool holds 0/1 (nonzero is true); a Uint8Array would truncate 0.5 to 0.
    s.data[0] = dt === "bool" ? (Number(x) !== 0 ? 1 : 0) : Number(x);
    const weak = dtype === undefined && typeof x === "number" ? (Number.isInteger(x) ? "int" : "float") : undefined;
    return new ConcreteArray(s, weak);
  }
  throw new Error(`expected an Array or a number, got ${describeValue(x)}`);
}

function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (globalThis.Array.isArray(x)) return "a JavaScript array (wrap it with np.array)";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
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
  const weakness = (x: ArrayLike) => (typeof x === "number" ? (Number.isInteger(x) ? "int" : "float") : x instanceof Array ? x.weak : undefined);
  let dtype: DType | undefined;
  for (const x of xs) if (x instanceof Array && !x.weak) dtype = dtype ? promoteTypes(dtype, x.dtype) : x.dtype;
  if (dtype === undefined) return xs.every((x) => typeof x === "boolean") ? "bool" : "float64";
  for (const x of xs) {
    const weak = weakness(x);
    if (weak === "float" && !isFloat(dtype)) dtype = "float64";
    else if (weak && dtype === "bool") dtype = "int32";
  }
  return dtype;
}

/**
 * Like `resultDtype`, then lifted to float64 unless already floating (for exp, div, ...).
 *
 * @example
 * np.floatDtype(np.array([1], { dtype: "int32" })); // "float64"
 */
export function floatDtype(...xs: ArrayLike[]): DType {
  const dt = resultDtype(...xs);
  return isFloat(dt) ? dt : "float64";
}

/**
 * A copy with another element type; a no-op when the dtype already matches. Float to
 * int truncates toward zero; nonzero becomes true.
 *
 * @example
 * np.astype(np.array([1.7, -1.7]), "int32").toArray(); // [1, -1]
 */
export function astype(x: ArrayLike, dtype: DType): Array {
  const a = asArray(x);
  return a.dtype === dtype ? a : bind1(convert, [a], { dtype });
}
