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

/**
 * What an element of `dtype` stores for `v`: a bool holds 0/1 (nonzero, NaN too, is
 * true), so that a Uint8Array never holds a 2 or truncates 0.5 to false.
 *
 * @example
 * storedValue("bool", 0.5); // 1
 */
export function storedValue(dtype: DType, v: number | boolean): number {
  return dtype === "bool" ? (Number(v) !== 0 ? 1 : 0) : Number(v);
}
