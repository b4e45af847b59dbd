// Elementwise functions beyond the arithmetic core: logarithms and exponentials in other
// bases, inverse hyperbolics, hypot, rounding, and numpy's floored division.
import type { Array } from "../array.js";
import { binaryPrimitives as B, unaryPrimitives as U } from "../primitives/index.js";
import { checkInteger, checkOptions, isFloat } from "../../array/index.js";
import { arrayArg, floatArg } from "./args.js";
import { astype, type ArrayLike } from "./convert.js";
import { binary, keepingIntegers, refuseBool, unary } from "./elementwise-bind.js";
import { div, mul } from "./elementwise.js";

/** Base-2 logarithm. @example np.log2(8) // 3 */
export const log2 = (x: ArrayLike): Array => unary("log2", U.log2, x, true);
/** Base-10 logarithm. @example np.log10(1000) // 3 */
export const log10 = (x: ArrayLike): Array => unary("log10", U.log10, x, true);
/** 2ˣ. @example np.exp2(10) // 1024 */
export const exp2 = (x: ArrayLike): Array => unary("exp2", U.exp2, x, true);
/** Inverse hyperbolic sine (the array API's asinh). @example np.arcsinh(0) // 0 */
export const arcsinh = (x: ArrayLike): Array => unary("arcsinh", U.arcsinh, x, true);
/** Inverse hyperbolic cosine, for x ≥ 1 (the array API's acosh). @example np.arccosh(1) // 0 */
export const arccosh = (x: ArrayLike): Array => unary("arccosh", U.arccosh, x, true);
/** Inverse hyperbolic tangent, for |x| < 1 (the array API's atanh). @example np.arctanh(0.5) // 0.5493… */
export const arctanh = (x: ArrayLike): Array => unary("arctanh", U.arctanh, x, true);

/**
 * √(x² + y²) without overflow or underflow: `hypot(3e200, 4e200)` is 5e200. Its derivative
 * is (x, y)/hypot, taken as 0 at the origin. Integers give float64.
 *
 * @example
 * np.hypot(3, 4); // 5
 */
export const hypot = (x: ArrayLike, y: ArrayLike): Array => binary("hypot", B.hypot, x, y, true);

/**
 * log(eˣ + eʸ) without overflow, as numpy: `logaddexp(1000, 1000)` is 1000 + log 2.
 *
 * @example
 * np.logaddexp(0, 0); // log 2
 */
export const logaddexp = (x: ArrayLike, y: ArrayLike): Array => binary("logaddexp", B.logaddexp, x, y, true);

/**
 * log₂(2ˣ + 2ʸ) without overflow, as numpy.
 *
 * @example
 * np.logaddexp2(3, 3); // 4
 */
export const logaddexp2 = (x: ArrayLike, y: ArrayLike): Array => binary("logaddexp2", B.logaddexp2, x, y, true);

/**
 * 1/x. Integers give float64 (as JAX; numpy's integer reciprocal truncates).
 *
 * @example
 * np.reciprocal(4); // 0.25
 */
export function reciprocal(x: ArrayLike): Array {
  return div(1, floatArg("reciprocal", "x", x));
}

/**
 * +x: x itself, for the array API (bool is refused, as numpy does).
 *
 * @example
 * np.positive(np.array([-1, 2])); // [-1, 2]
 */
export function positive(x: ArrayLike): Array {
  refuseBool("positive", "use the array itself", x);
  return arrayArg("positive", "x", x);
}

/**
 * Rounds up. Integer and bool arrays come back unchanged, keeping their dtype (numpy 2).
 *
 * @example
 * np.ceil(np.array([1.2, -1.2])); // [2, -1]
 */
export const ceil = (x: ArrayLike): Array => keepingIntegers("ceil", U.ceil, x);

/**
 * Rounds toward zero. Integer and bool arrays come back unchanged, keeping their dtype.
 *
 * @example
 * np.trunc(np.array([1.7, -1.7])); // [1, -1]
 */
export const trunc = (x: ArrayLike): Array => keepingIntegers("trunc", U.trunc, x);

/**
 * 10ⁿ as numpy's `round` computes it (exact table, then repeated ×10), so that rounding
 * agrees with numpy to the bit; past 10³⁰⁸ it is ∞.
 */
function powerOfTen(n: number): number {
  if (n < 9) return [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8][n]!;
  let p = 1e9;
  for (let k = 9; k < n && p !== Infinity; k++) p *= 10;
  return p;
}

/**
 * Rounds to `decimals` places (default 0; negative rounds to tens, hundreds, …), halves
 * to even, as numpy's `round`: x·10ᵈ rounded to an integer, then ÷10ᵈ, in x's precision
 * (so 2.675 → 2.68 and 1.005 → 1, as in numpy, since 2.675·100 rounds to 267.5 and
 * 1.005·100 to 100.49999999999999). Integer and bool arrays keep their dtype; with
 * negative decimals they are rounded in float64 and cast back (saturating).
 *
 * @example
 * np.round(np.array([0.5, 1.5, 2.5])); // [0, 2, 2]
 * np.round(np.array([1.2345]), { decimals: 2 }); // [1.23]
 */
export function round(x: ArrayLike, opts?: { decimals?: number }): Array {
  const { decimals: d } = checkOptions("round", opts, ["decimals"]);
  const decimals = checkInteger("round", "decimals", d, 0);
  const a = arrayArg("round", "x", x);
  const rint = (v: Array) => unary("round", U.rint, v);
  if (!isFloat(a.dtype)) {
    if (decimals >= 0) return a;
    const f = powerOfTen(-decimals);
    return astype(mul(rint(div(a, f)), f), a.dtype);
  }
  if (decimals === 0) return rint(a);
  const f = powerOfTen(Math.abs(decimals));
  return decimals > 0 ? div(rint(mul(a, f)), f) : mul(rint(div(a, f)), f);
}

/**
 * numpy's `remainder` (Python's %): x − floor(x/y)·y, with the sign of y; exact (fmod
 * based). Integers stay int32 (a zero divisor gives 0, as numpy); bool counts as int32.
 * Its derivative is 1 in x and −floorDivide(x, y) in y. Also `np.mod`.
 *
 * @example
 * np.remainder(np.array([-7, 7]), 3); // [2, 1]
 */
export const remainder = (x: ArrayLike, y: ArrayLike): Array => binary("remainder", B.remainder, x, y, "int");
/** numpy's `mod`: {@link remainder}. @example np.mod(-1, 3) // 2 */
export const mod = remainder;

/**
 * numpy's `floor_divide` (Python's //): floor(x/y), computed as numpy does so that
 * x = floorDivide(x, y)·y + remainder(x, y) holds. Integers stay int32 (by zero gives 0).
 * Piecewise constant: its derivative is zero.
 *
 * @example
 * np.floorDivide(np.array([-7, 7]), 2); // [-4, 3]
 */
export const floorDivide = (x: ArrayLike, y: ArrayLike): Array => binary("floorDivide", B.floorDivide, x, y, "int");
