// IEEE 754 tools: classifying values (NaN, infinities, sign bits), replacing them, and the
// NaN-ignoring maximum and minimum. Most are exact compositions of existing primitives.
import type { Array } from "../array.js";
import { binaryPrimitives as B, unaryPrimitives as U } from "../primitives/index.js";
import { broadcastShapes, checkOptions, describe, isFloat } from "../../array/index.js";
import { arrayArg, checkArrayLike } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { binary, dtypeOf, unary } from "./elementwise-bind.js";
import { abs, equal, less, maximum, minimum, neg, notEqual, where } from "./elementwise.js";

/**
 * Whether each element is NaN, as bool (x ≠ x). Integers and bools never are.
 *
 * @example
 * np.isnan(np.array([1, NaN])); // [false, true]
 */
export function isnan(x: ArrayLike): Array {
  const a = arrayArg("isnan", "x", x);
  return notEqual(a, a);
}

/**
 * Whether each element is +∞ or −∞, as bool. Integers and bools never are.
 *
 * @example
 * np.isinf(np.array([1, -Infinity, NaN])); // [false, true, false]
 */
export function isinf(x: ArrayLike): Array {
  const a = arrayArg("isinf", "x", x);
  return isFloat(a.dtype) ? equal(abs(a), Infinity) : notEqual(a, a);
}

/**
 * Whether each element is finite (neither NaN nor ±∞), as bool. Integers and bools are.
 *
 * @example
 * np.isfinite(np.array([1, Infinity, NaN])); // [true, false, false]
 */
export function isfinite(x: ArrayLike): Array {
  const a = arrayArg("isfinite", "x", x);
  return isFloat(a.dtype) ? less(abs(a), Infinity) : equal(a, a);
}

/**
 * Whether the sign bit is set, as bool: true for negatives and −0. NaN counts as
 * positive (JavaScript does not expose a NaN's sign; numpy reads it).
 *
 * @example
 * np.signbit(np.array([-0, 0, -2])); // [true, false, true]
 */
export const signbit = (x: ArrayLike): Array => unary("signbit", U.signbit, x);

/**
 * |x| with the sign of y (−0 counts as negative), broadcast; integers give float64. Its
 * derivative in x is ±sign(x) (0 at x = 0), in y zero.
 *
 * @example
 * np.copysign(np.array([1, 2]), np.array([-0, 3])); // [-1, 2]
 */
export function copysign(x: ArrayLike, y: ArrayLike): Array {
  const dtype = dtypeOf([checkArrayLike("copysign", "x", x), checkArrayLike("copysign", "y", y)], true);
  const a = arrayArg("copysign", "x", x, dtype);
  const b = arrayArg("copysign", "y", y, dtype);
  broadcastShapes("copysign", a.shape, b.shape);
  const m = abs(a);
  return where(signbit(b), neg(m), m);
}

/**
 * The next representable value after x toward y, in x's precision (float32 steps by
 * float32's spacing); y itself when x = y, NaN when either is. Its derivative is taken
 * as 1 in x (it moves x by one ulp) and 0 in y.
 *
 * @example
 * np.nextafter(1, 2).item(); // 1.0000000000000002
 */
export const nextafter = (x: ArrayLike, y: ArrayLike): Array => binary("nextafter", B.nextafter, x, y, true);

/** The largest finite value of a float dtype. */
const FLOAT_MAX = { float64: Number.MAX_VALUE, float32: 3.4028234663852886e38 } as const;

/**
 * x with NaN replaced by `nan` (default 0), +∞ by `posinf` and −∞ by `neginf` (default the
 * dtype's largest and most negative finite values), as numpy's `nan_to_num`. Integer and
 * bool arrays come back unchanged. The derivative passes through where x is kept.
 *
 * @example
 * np.nanToNum(np.array([NaN, Infinity, 1]), { posinf: 1e6 }); // [0, 1e6, 1]
 */
export function nanToNum(x: ArrayLike, opts?: { nan?: number; posinf?: number; neginf?: number }): Array {
  const o = checkOptions("nanToNum", opts, ["nan", "posinf", "neginf"]);
  const a = arrayArg("nanToNum", "x", x);
  const value = (name: "nan" | "posinf" | "neginf", fallback: number): number => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (typeof v !== "number") throw new Error(`nanToNum: ${name} must be a number, got ${describe(v)}`);
    return v;
  };
  const big = isFloat(a.dtype) ? FLOAT_MAX[a.dtype as "float64" | "float32"] : 0;
  const [nan, posinf, neginf] = [value("nan", 0), value("posinf", big), value("neginf", -big)];
  if (!isFloat(a.dtype)) return a;
  return where(notEqual(a, a), nan, where(equal(a, Infinity), posinf, where(equal(a, -Infinity), neginf, a)));
}

/**
 * The NaN-ignoring maximum/minimum (numpy's fmax/fmin): where one side is NaN, the other;
 * NaN only where both are. A tie gives y, as np.maximum does (fmax(0, −0) is −0; numpy
 * agrees on arrays of 8 or more elements, its vectorized loops, not on shorter ones).
 */
function nanIgnoring(op: "fmax" | "fmin", pick: typeof maximum, x: ArrayLike, y: ArrayLike): Array {
  const dtype = dtypeOf([checkArrayLike(op, "x", x), checkArrayLike(op, "y", y)], false);
  const a = arrayArg(op, "x", x, dtype);
  const b = arrayArg(op, "y", y, dtype);
  broadcastShapes(op, a.shape, b.shape);
  if (!isFloat(dtype)) return pick(a, b);
  return where(notEqual(b, b), a, where(notEqual(a, a), b, pick(a, b)));
}

/**
 * The larger of x and y, ignoring NaN: `fmax(NaN, 1)` is 1 (np.maximum gives NaN).
 *
 * @example
 * np.fmax(np.array([NaN, 1, 5]), np.array([2, NaN, 3])); // [2, 1, 5]
 */
export const fmax = (x: ArrayLike, y: ArrayLike): Array => nanIgnoring("fmax", maximum, x, y);

/**
 * The smaller of x and y, ignoring NaN: `fmin(NaN, 1)` is 1 (np.minimum gives NaN).
 *
 * @example
 * np.fmin(np.array([NaN, 1, 5]), np.array([2, NaN, 3])); // [2, 1, 3]
 */
export const fmin = (x: ArrayLike, y: ArrayLike): Array => nanIgnoring("fmin", minimum, x, y);
