// Data type functions of the array API: finfo, iinfo, resultType, canCast, isdtype.
// nabla's dtypes are float64, float32, int32 and bool; complex dtypes are deliberately absent.
import { checkDtype, checkOptions, describe, DTYPES, isFloat, type DType } from "../../array/index.js";
import { Array } from "../array.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";

/** Machine limits of a floating dtype, as numpy's finfo (the array API's fields, camelCased, and numpy's). */
export interface FInfo {
  readonly dtype: "float64" | "float32";
  readonly bits: number;
  /** The gap between 1 and the next larger float. */
  readonly eps: number;
  /** The gap between 1 and the next smaller float. */
  readonly epsneg: number;
  readonly max: number;
  readonly min: number;
  /** The smallest positive normal number (numpy's tiny). */
  readonly smallestNormal: number;
  readonly tiny: number;
  readonly smallestSubnormal: number;
  /** 10^−precision. */
  readonly resolution: number;
  /** Decimal digits of precision. */
  readonly precision: number;
  /** Bits of the mantissa (without the hidden bit). */
  readonly nmant: number;
  /** Bits of the exponent. */
  readonly nexp: number;
  readonly maxexp: number;
  readonly minexp: number;
}

/** Limits of an integer dtype, as numpy's iinfo. */
export interface IInfo {
  readonly dtype: "int32";
  readonly bits: number;
  readonly min: number;
  readonly max: number;
}

const F64: FInfo = {
  dtype: "float64", bits: 64, eps: 2 ** -52, epsneg: 2 ** -53, max: Number.MAX_VALUE, min: -Number.MAX_VALUE,
  smallestNormal: 2 ** -1022, tiny: 2 ** -1022, smallestSubnormal: 2 ** -1074, resolution: 1e-15, precision: 15,
  nmant: 52, nexp: 11, maxexp: 1024, minexp: -1022,
};
const F32_MAX = (2 - 2 ** -23) * 2 ** 127;
const F32: FInfo = {
  dtype: "float32", bits: 32, eps: 2 ** -23, epsneg: 2 ** -24, max: F32_MAX, min: -F32_MAX,
  smallestNormal: 2 ** -126, tiny: 2 ** -126, smallestSubnormal: 2 ** -149, resolution: Math.fround(1e-6), precision: 6,
  nmant: 23, nexp: 8, maxexp: 128, minexp: -126,
};

/** A dtype given directly or as an Array's. */
function dtypeOf(op: string, x: unknown): DType {
  return x instanceof Array ? x.dtype : checkDtype(op, x);
}

/**
 * Machine limits of a floating dtype (or of an Array's dtype), as numpy's finfo.
 *
 * @example
 * np.finfo("float32").eps; // 1.1920928955078125e-7
 * np.finfo(np.zeros([2])).max; // 1.7976931348623157e308
 */
export function finfo(dtype: DType | Array): FInfo {
  const dt = dtypeOf("finfo", dtype);
  if (!isFloat(dt)) throw new Error(`finfo: ${dt} is not a floating dtype (use iinfo for int32)`);
  return dt === "float64" ? F64 : F32;
}

/**
 * Limits of an integer dtype (or of an Array's dtype), as numpy's iinfo.
 *
 * @example
 * np.iinfo("int32").max; // 2147483647
 */
export function iinfo(dtype: DType | Array): IInfo {
  const dt = dtypeOf("iinfo", dtype);
  if (dt !== "int32") throw new Error(`iinfo: ${dt} is not an integer dtype (use finfo for floats)`);
  return { dtype: "int32", bits: 32, min: -(2 ** 31), max: 2 ** 31 - 1 };
}

/**
 * The dtype numpy's promotion gives a mix of Arrays, dtypes and numbers (numbers are
 * weak: they take the others' dtype unless a float must lift an integer one), as the
 * array API's result_type.
 *
 * @example
 * np.resultType("int32", "float32"); // "float64"
 * np.resultType(np.zeros([2], { dtype: "float32" }), 2.5); // "float32"
 */
export function resultType(...xs: (ArrayLike | DType)[]): DType {
  if (xs.length === 0) throw new Error("resultType: needs at least one Array, dtype or number");
  const operands = xs.map((x, i) =>
    typeof x === "string" ? arrayArg("resultType", `argument ${i + 1}`, 0, checkDtype("resultType", x)) : checkArrayLike("resultType", `argument ${i + 1}`, x),
  );
  return promotedDtype(operands);
}

const SAFE: Record<DType, readonly DType[]> = {
  bool: DTYPES,
  int32: ["int32", "float64"],
  float32: ["float32", "float64"],
  float64: ["float64"],
};
// same_kind adds casts down within a kind (float64 → float32) and int32 → float32.
const SAME_KIND: Record<DType, readonly DType[]> = { ...SAFE, int32: ["int32", "float32", "float64"], float64: ["float32", "float64"] };

export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";

/**
 * Whether a value of dtype `from` (or an Array's dtype) converts to `to` under numpy's
 * `casting` rule: "safe" by default (no value changes: int32 → float64 but not float32),
 * "same_kind", "no"/"equiv" (the same dtype), "unsafe" (always).
 *
 * @example
 * np.canCast("int32", "float64"); // true
 * np.canCast("float64", "float32"); // false
 */
export function canCast(from: DType | Array, to: DType, opts: { casting?: Casting } = {}): boolean {
  const a = dtypeOf("canCast", from);
  const b = checkDtype("canCast", to);
  const { casting = "safe" } = checkOptions("canCast", opts, ["casting"]);
  switch (casting) {
    case "no":
    case "equiv":
      return a === b;
    case "safe":
      return SAFE[a].includes(b);
    case "same_kind":
      return SAME_KIND[a].includes(b);
    case "unsafe":
      return true;
    default:
      throw new Error(`canCast: casting ${describe(casting)} is not one of no, equiv, safe, same_kind, unsafe`);
  }
}

const KINDS: Record<string, readonly DType[]> = {
  bool: ["bool"],
  "signed integer": ["int32"],
  "unsigned integer": [],
  integral: ["int32"],
  "real floating": ["float32", "float64"],
  "complex floating": [],
  numeric: ["int32", "float32", "float64"],
};

/**
 * Whether `dtype` is of `kind`: a dtype, one of the array API's kind names ("bool",
 * "signed integer", "unsigned integer", "integral", "real floating", "complex floating",
 * "numeric"), or a list of them (any matches).
 *
 * @example
 * np.isdtype("float32", "real floating"); // true
 * np.isdtype("int32", ["bool", "integral"]); // true
 */
export function isdtype(dtype: DType, kind: DType | string | readonly string[]): boolean {
  const dt = checkDtype("isdtype", dtype);
  const one = (k: unknown): boolean => {
    if (typeof k === "string" && Object.hasOwn(KINDS, k)) return KINDS[k]!.includes(dt);
    if (typeof k === "string" && (DTYPES as readonly string[]).includes(k)) return k === dt;
    throw new Error(`isdtype: kind ${describe(k)} is not a dtype or one of ${Object.keys(KINDS).join(", ")}`);
  };
  if (globalThis.Array.isArray(kind)) return kind.map(one).some(Boolean);
  return one(kind);
}
