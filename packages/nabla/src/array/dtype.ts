/** The element types an Array can hold. `float64` is the default everywhere. */
export type DType = "float64" | "float32" | "int32" | "bool";

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

export function isFloat(dtype: DType): boolean {
  return dtype === "float64" || dtype === "float32";
}

/**
 * numpy's promotion for the pairs that matter: bool < int32 < float32 < float64,
 * except that int32 with float32 gives float64 (float32 cannot hold every int32).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if ((a === "int32" && b === "float32") || (a === "float32" && b === "int32")) return "float64";
  return DTYPES.indexOf(a) > DTYPES.indexOf(b) ? a : b;
}

/** The int32 range, which float-to-int32 casts saturate to. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * What an element of `dtype` stores for `v`: a bool holds 0/1 (nonzero, NaN too, is
 * true), so that a Uint8Array never holds a 2 or truncates 0.5 to false; an int32 holds
 * `v` truncated toward zero and saturated as JAX casts (NaN → 0, ±∞ and out-of-range
 * values → the int32 bounds), where an Int32Array would wrap 3e9 to −1294967296.
 *
 * @example
 * storedValue("bool", 0.5); // 1
 * storedValue("int32", 3e9); // 2147483647
 */
export function storedValue(dtype: DType, v: number | boolean): number {
  const n = Number(v);
  if (dtype === "bool") return n !== 0 ? 1 : 0;
  if (dtype === "int32") return n !== n ? 0 : Math.min(Math.max(Math.trunc(n), INT32_MIN), INT32_MAX);
  return n;
}
