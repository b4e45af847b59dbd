import { ConcreteArray, type Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { binaryPrimitives as B, unaryPrimitives as U, select } from "../primitives/index.js";
import { broadcastShapes, isFloat } from "../../array/index.js";
import { arrayArg, checkArrayLike, floatArg } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { binary, dtypeOf, keepingIntegers, refuseBool, unary } from "./elementwise-bind.js";

/** x + y, broadcast (for two bools: logical or, as numpy). @example np.add(np.array([1, 2]), 10) // [11, 12] */
export function add(x: ArrayLike, y: ArrayLike): Array {
  // true + true must stay a bool 1, not store 2.
  return binary("add", (dtype) => (dtype === "bool" ? B.logicalOr : B.add), x, y);
}
/** x − y, broadcast. @example np.sub(x, 1) */
export function sub(x: ArrayLike, y: ArrayLike): Array {
  refuseBool("sub", "use np.notEqual for xor, or astype(\"int32\") first", x, y);
  return binary("sub", B.sub, x, y);
}
/** x · y elementwise, broadcast. @example np.mul(x, x) */
export const mul = (x: ArrayLike, y: ArrayLike): Array => binary("mul", B.mul, x, y);
/** x / y (true division: integers give float64). @example np.div(1, x) */
export const div = (x: ArrayLike, y: ArrayLike): Array => binary("div", B.div, x, y, true);
/**
 * x ** y elementwise, with C's special values (1 ** NaN = 1, (−1) ** ±∞ = 1, x ** 0 = 1).
 * Two integer operands give int32, exact modulo 2³² as in numpy 2 (bool counts as int32);
 * as in numpy, a negative integer exponent is an error when its value is known (traced
 * under jit or a transformation it gives the truncated 1/x^|y|: ±1 for x = ±1, else 0).
 * Its derivative is exact at x = 0 to any order: d/dx x⁰ = 0, and d³/dx³ x³ = 6.
 *
 * @example
 * np.pow(np.array([1, 2, 3]), 2); // [1, 4, 9], float64
 * np.pow(np.array([3], { dtype: "int32" }), 3); // [27], int32
 */
export function pow(x: ArrayLike, y: ArrayLike): Array {
  const dtype = dtypeOf([checkArrayLike("pow", "x", x), checkArrayLike("pow", "y", y)], "int");
  if (dtype === "int32") refuseNegativeExponent(y);
  return binary("pow", B.pow, x, y, "int");
}

/** numpy's "Integers to negative integer powers are not allowed", for an exponent whose value is known. */
function refuseNegativeExponent(y: ArrayLike): void {
  const negative = typeof y === "number" ? y < 0 : y instanceof ConcreteArray && y.storage.data.some((v) => v < 0);
  if (negative) throw new Error('pow: integers to negative integer powers are not allowed (as in numpy); use a float base, e.g. np.pow(np.astype(x, "float64"), y)');
}
/** The larger of x and y (NaN propagates). @example np.maximum(x, 0) // ReLU */
export const maximum = (x: ArrayLike, y: ArrayLike): Array => binary("maximum", B.maximum, x, y);
/** The smaller of x and y (NaN propagates). @example np.minimum(x, 1) */
export const minimum = (x: ArrayLike, y: ArrayLike): Array => binary("minimum", B.minimum, x, y);
/** The angle of the point (x, y) as atan2(y, x) — numpy's `arctan2(y, x)` order. @example np.arctan2(1, 1) // π/4 */
export const arctan2 = (y: ArrayLike, x: ArrayLike): Array => binary("arctan2", B.arctan2, y, x, true, ["y", "x"]);

/** x == y as bool. @example np.equal(x, 0) */
export const equal = (x: ArrayLike, y: ArrayLike): Array => binary("equal", B.equal, x, y);
/** x != y as bool. @example np.notEqual(x, 0) */
export const notEqual = (x: ArrayLike, y: ArrayLike): Array => binary("notEqual", B.notEqual, x, y);
/** x < y as bool. @example np.less(x, 0) */
export const less = (x: ArrayLike, y: ArrayLike): Array => binary("less", B.less, x, y);
/** x <= y as bool. @example np.lessEqual(x, 0) */
export const lessEqual = (x: ArrayLike, y: ArrayLike): Array => binary("lessEqual", B.lessEqual, x, y);
/** x > y as bool. @example np.greater(x, 0) */
export const greater = (x: ArrayLike, y: ArrayLike): Array => binary("greater", B.greater, x, y);
/** x >= y as bool. @example np.greaterEqual(x, 0) */
export const greaterEqual = (x: ArrayLike, y: ArrayLike): Array => binary("greaterEqual", B.greaterEqual, x, y);
/** Logical and (nonzero is true). @example np.logicalAnd(np.greater(x, 0), np.less(x, 1)) */
export const logicalAnd = (x: ArrayLike, y: ArrayLike): Array => binary("logicalAnd", B.logicalAnd, x, y);
/** Logical or (nonzero is true). @example np.logicalOr(a, b) */
export const logicalOr = (x: ArrayLike, y: ArrayLike): Array => binary("logicalOr", B.logicalOr, x, y);
/** Logical not (zero is true). @example np.logicalNot(mask) */
export const logicalNot = (x: ArrayLike): Array => unary("logicalNot", U.logicalNot, x);

/** −x. @example np.neg(x) */
export function neg(x: ArrayLike): Array {
  refuseBool("neg", "use np.logicalNot, or astype(\"int32\") first", x);
  return unary("neg", U.neg, x);
}
/** x². @example np.square(x) */
export const square = (x: ArrayLike): Array => unary("square", U.square, x);
/** √x. @example np.sqrt(4) // 2 */
export const sqrt = (x: ArrayLike): Array => unary("sqrt", U.sqrt, x, true);
/** eˣ. @example np.exp(0) // 1 */
export const exp = (x: ArrayLike): Array => unary("exp", U.exp, x, true);
/** Natural logarithm. @example np.log(Math.E) // 1 */
export const log = (x: ArrayLike): Array => unary("log", U.log, x, true);
/** log(1 + x), accurate for small x. @example np.log1p(1e-10) */
export const log1p = (x: ArrayLike): Array => unary("log1p", U.log1p, x, true);
/** eˣ − 1, accurate for small x. @example np.expm1(1e-10) */
export const expm1 = (x: ArrayLike): Array => unary("expm1", U.expm1, x, true);
/** Sine. @example np.sin(x) */
export const sin = (x: ArrayLike): Array => unary("sin", U.sin, x, true);
/** Cosine. @example np.cos(x) */
export const cos = (x: ArrayLike): Array => unary("cos", U.cos, x, true);
/** Tangent. @example np.tan(x) */
export const tan = (x: ArrayLike): Array => unary("tan", U.tan, x, true);
/** Hyperbolic tangent. @example np.tanh(x) */
export const tanh = (x: ArrayLike): Array => unary("tanh", U.tanh, x, true);
/** Hyperbolic sine. @example np.sinh(x) */
export const sinh = (x: ArrayLike): Array => unary("sinh", U.sinh, x, true);
/** Hyperbolic cosine. @example np.cosh(x) */
export const cosh = (x: ArrayLike): Array => unary("cosh", U.cosh, x, true);
/** Inverse sine. @example np.arcsin(1) // π/2 */
export const arcsin = (x: ArrayLike): Array => unary("arcsin", U.arcsin, x, true);
/** Inverse cosine. @example np.arccos(1) // 0 */
export const arccos = (x: ArrayLike): Array => unary("arccos", U.arccos, x, true);
/** Inverse tangent. @example np.arctan(1) // π/4 */
export const arctan = (x: ArrayLike): Array => unary("arctan", U.arctan, x, true);
/** |x|. @example np.abs(-2) // 2 */
export const abs = (x: ArrayLike): Array => unary("abs", U.abs, x);
/** −1, 0 or 1 by the sign of x (NaN stays NaN). @example np.sign(x) */
export const sign = (x: ArrayLike): Array => unary("sign", U.sign, x);
/**
 * Rounds down. An integer or bool array is returned as it is, keeping its dtype (numpy 2).
 *
 * @example
 * np.floor(2.5); // 2
 * np.floor(np.array([3], { dtype: "int32" })).dtype; // "int32"
 */
export const floor = (x: ArrayLike): Array => keepingIntegers("floor", U.floor, x);
/** The logistic function 1/(1+e⁻ˣ), computed without overflow. @example np.sigmoid(0) // 0.5 */
export const sigmoid = (x: ArrayLike): Array => unary("sigmoid", U.sigmoid, x, true);

/**
 * log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|).
 *
 * @example
 * np.softplus(1000).item(); // 1000
 */
export function softplus(x: ArrayLike): Array {
  // Lift to float first: a bool input must not reach neg (and the result is float anyway).
  const a = floatArg("softplus", "x", x);
  return add(maximum(a, 0), log1p(exp(neg(abs(a)))));
}

/**
 * Elementwise choice: x where cond is true, y elsewhere; all three broadcast.
 *
 * @example
 * np.where(np.greater(x, 0), x, 0) // ReLU
 */
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): Array {
  const c = arrayArg("where", "cond", cond, "bool");
  const dtype = dtypeOf([checkArrayLike("where", "x", x), checkArrayLike("where", "y", y)], false);
  return bind1(select, [c, arrayArg("where", "x", x, dtype), arrayArg("where", "y", y, dtype)], {});
}

/**
 * Limits x to [lo, hi]; pass null for an open side.
 *
 * @example
 * np.clip(x, 0, 1)
 */
export function clip(x: ArrayLike, lo: ArrayLike | null, hi: ArrayLike | null): Array {
  let out = arrayArg("clip", "x", x);
  const bounds = [lo, hi].flatMap((b, i) => (b === null ? [] : [arrayArg("clip", i ? "hi (or null)" : "lo (or null)", b)]));
  // Checked here, so that bounds of the wrong shape are reported as clip's, not maximum's.
  broadcastShapes("clip", out.shape, ...bounds.map((b) => b.shape));
  if (lo !== null) out = binary("clip", B.maximum, out, lo);
  if (hi !== null) out = binary("clip", B.minimum, out, hi);
  return out;
}
