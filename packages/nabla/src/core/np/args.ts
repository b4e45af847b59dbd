// Checked readers for the array arguments of np functions (the others, shapes, axes,
// dtypes and options, are in array/check.ts). Internal: not part of the np namespace.
import { checkDtype, checkOptions, describe, isFloat, promoteTypes, shapeString, Storage, type DType } from "../../array/index.js";
import { Array, ConcreteArray } from "../array.js";
import { bind1 } from "../interpreter.js";
import { convert } from "../primitives/index.js";
import type { ArrayLike } from "./convert.js";

/** Why `x` is not an ArrayLike, with the fix when there is an obvious one. */
function notArrayLike(x: unknown): string {
  const got = describe(x);
  if (globalThis.Array.isArray(x) || ArrayBuffer.isView(x)) return `${got} (wrap it with np.array)`;
  if (got.startsWith("an Array of shape")) return `${got} from another copy of nabla (load only one build, ESM or CommonJS)`;
  return got;
}

/**
 * `x`, checked to be an Array, a number or a boolean; otherwise an error naming `op` and
 * the argument, e.g. `add: y must be an Array, a number or a boolean, got "2"`.
 *
 * @example
 * checkArrayLike("add", "y", 2); // 2
 */
export function checkArrayLike(op: string, name: string, x: unknown): ArrayLike {
  if (x instanceof Array || typeof x === "number" || typeof x === "boolean") return x;
  throw new Error(`${op}: ${name} must be an Array, a number or a boolean, got ${notArrayLike(x)}`);
}

/**
 * `x` as an Array (checked by {@link checkArrayLike}): numbers become 0-d float64 arrays,
 * weakly typed (see `np.resultDtype`), booleans 0-d bool; with `dtype`, converted to it.
 *
 * @example
 * arrayArg("sum", "x", 2).shape; // []
 */
export function arrayArg(op: string, name: string, x: unknown, dtype?: DType): Array {
  const v = checkArrayLike(op, name, x);
  if (v instanceof Array) return dtype && v.dtype !== dtype ? bind1(convert, [v], { dtype }) : v;
  const dt = dtype ?? (typeof v === "boolean" ? "bool" : "float64");
  const s = Storage.zeros(dt, []);
  // A bool holds 0/1 (nonzero is true); a Uint8Array would truncate 0.5 to 0.
  s.data[0] = dt === "bool" ? (Number(v) !== 0 ? 1 : 0) : Number(v);
  const weak = dtype === undefined && typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : undefined;
  return new ConcreteArray(s, weak);
}

/**
 * `x` as an Array of a floating dtype: float32 and float64 stay, others become float64
 * (for mean, var, norm and other ops whose results are fractions).
 *
 * @example
 * floatArg("mean", "x", np.array([1, 2], { dtype: "int32" })).dtype; // "float64"
 */
export function floatArg(op: string, name: string, x: unknown): Array {
  const v = checkArrayLike(op, name, x);
  // As asArray(x, floatDtype(x)): a plain number becomes a strong float64, not a weak one.
  return arrayArg(op, name, v, v instanceof Array && isFloat(v.dtype) ? v.dtype : "float64");
}

/**
 * `np.resultDtype` of operands the caller has checked (so errors carry the caller's name).
 *
 * @example
 * promotedDtype([np.array([1], { dtype: "int32" }), 0.5]); // "float64"
 */
export function promotedDtype(xs: readonly ArrayLike[]): DType {
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
 * The `axis` option of a function that takes no other option (`fallback` when omitted),
 * not yet checked against a rank.
 *
 * @example
 * axisOption("flip", { axis: 0 }); // 0
 */
export function axisOption(op: string, opts: unknown, fallback?: number): unknown {
  const { axis } = checkOptions(op, opts, ["axis"]);
  return axis === undefined ? fallback : axis;
}

/**
 * The `dtype` option, checked (undefined when omitted).
 *
 * @example
 * dtypeOption("zeros", { dtype: "int32" }); // "int32"
 */
export function dtypeOption(op: string, opts: { readonly dtype?: unknown }): DType | undefined {
  return opts.dtype === undefined ? undefined : checkDtype(op, opts.dtype);
}

/** `key`, checked to be a PRNG key: an int32 Array of shape (2,), as `key` and `split` make. */
export function keyArg(op: string, key: unknown): Array {
  if (key instanceof Array && key.dtype === "int32" && key.ndim === 1 && key.shape[0] === 2) return key;
  const got = key instanceof Array ? `${key.dtype}${shapeString(key.shape)}` : describe(key);
  throw new Error(`${op}: key must be a PRNG key, an int32 array of shape (2,) from random.key, got ${got}`);
}
