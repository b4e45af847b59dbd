import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { binaryPrimitives as B, unaryPrimitives as U, select } from "../primitives/index.js";
import { asArray, floatDtype, resultDtype, type ArrayLike } from "./convert.js";

type Prim = (typeof U)[keyof typeof U];

/** Binds a binary primitive after promoting both operands to one dtype. */
function binary(prim: Prim, x: ArrayLike, y: ArrayLike, float = false): Array {
  const dtype = float ? floatDtype(x, y) : resultDtype(x, y);
  return bind1(prim, [asArray(x, dtype), asArray(y, dtype)], {});
}

/** Binds a unary primitive; `float` ops lift integer inputs to float64 first. */
function unary(prim: Prim, x: ArrayLike, float = false): Array {
  return bind1(prim, [asArray(x, float ? floatDtype(x) : resultDtype(x))], {});
}

/**
 * Refuses arithmetic with no bool meaning, as numpy and JAX do: computed on 0/1 storage
 * it would wrap (false − true stores 255) and leave a bool that is neither 0 nor 1.
 */
function refuseBool(op: string, hint: string, ...xs: ArrayLike[]): void {
  if (resultDtype(...xs) === "bool") throw new Error(`${op}: not defined for bool operands; ${hint}`);
}

/** x + y, broadcast (for two bools: logical or, as numpy). @example np.add(np.array([1, 2]), 10) // [11, 12] */
export function add(x: ArrayLike, y: ArrayLike): Array {
  // true + true must stay a bool 1, not store 2.
  return binary(resultDtype(x, y) === "bool" ? B.logicalOr : B.add, x, y);
}
/** x − y, broadcast. @example np.sub(x, 1) */
export function sub(x: ArrayLike, y: ArrayLike): Array {
  refuseBool("sub", "use np.notEqual for xor, or astype(\"int32\") first", x, y);
  return binary(B.sub, x, y);
}
/** x · y elementwise, broadcast. @example np.mul(x, x) */
export const mul = (x: ArrayLike, y: ArrayLike): Array => binary(B.mul, x, y);
/** x / y (true division: integers give float64). @example np.div(1, x) */
export const div = (x: ArrayLike, y: ArrayLike): Array => binary(B.div, x, y, true);
/** x ** y elementwise. @example np.pow(x, 3) */
export const pow = (x: ArrayLike, y: ArrayLike): Array => binary(B.pow, x, y, true);
/** The larger of x and y (NaN propagates). @example np.maximum(x, 0) // ReLU */
export const maximum = (x: ArrayLike, y: ArrayLike): Array => binary(B.maximum, x, y);
/** The smaller of x and y (NaN propagates). @example np.minimum(x, 1) */
export const minimum = (x: ArrayLike, y: ArrayLike): Array => binary(B.minimum, x, y);
/** The angle of the point (x, y) as atan2(y, x) — numpy's `arctan2(y, x)` order. @example np.arctan2(1, 1) // π/4 */
export const arctan2 = (y: ArrayLike, x: ArrayLike): Array => binary(B.arctan2, y, x, true);

/** x == y as bool. @example np.equal(x, 0) */
export const equal = (x: ArrayLike, y: ArrayLike): Array => binary(B.equal, x, y);
/** x != y as bool. @example np.notEqual(x, 0) */
export const notEqual = (x: ArrayLike, y: ArrayLike): Array => binary(B.notEqual, x, y);
/** x < y as bool. @example np.less(x, 0) */
export const less = (x: ArrayLike, y: ArrayLike): Array => binary(B.less, x, y);
/** x <= y as bool. @example np.lessEqual(x, 0) */
export const lessEqual = (x: ArrayLike, y: ArrayLike): Array => binary(B.lessEqual, x, y);
/** x > y as bool. @example np.greater(x, 0) */
export const greater = (x: ArrayLike, y: ArrayLike): Array => binary(B.greater, x, y);
/** x >= y as bool. @example np.greaterEqual(x, 0) */
export const greaterEqual = (x: ArrayLike, y: ArrayLike): Array => binary(B.greaterEqual, x, y);
/** Logical and (nonzero is true). @example np.logicalAnd(np.greater(x, 0), np.less(x, 1)) */
export const logicalAnd = (x: ArrayLike, y: ArrayLike): Array => binary(B.logicalAnd, x, y);
/** Logical or (nonzero is true). @example np.logicalOr(a, b) */
export const logicalOr = (x: ArrayLike, y: ArrayLike): Array => binary(B.logicalOr, x, y);
/** Logical not (zero is true). @example np.logicalNot(mask) */
export const logicalNot = (x: ArrayLike): Array => unary(U.logicalNot, x);

/** −x. @example np.neg(x) */
export function neg(x: ArrayLike): Array {
  refuseBool("neg", "use np.logicalNot, or astype(\"int32\") first", x);
  return unary(U.neg, x);
}
/** x². @example np.square(x) */
export const square = (x: ArrayLike): Array => unary(U.square, x);
/** √x. @example np.sqrt(4) // 2 */
export const sqrt = (x: ArrayLike): Array => unary(U.sqrt, x, true);
/** eˣ. @example np.exp(0) // 1 */
export const exp = (x: ArrayLike): Array => unary(U.exp, x, true);
/** Natural logarithm. @example np.log(Math.E) // 1 */
export const log = (x: ArrayLike): Array => unary(U.log, x, true);
/** log(1 + x), accurate for small x. @example np.log1p(1e-10) */
export const log1p = (x: ArrayLike): Array => unary(U.log1p, x, true);
/** eˣ − 1, accurate for small x. @example np.expm1(1e-10) */
export const expm1 = (x: ArrayLike): Array => unary(U.expm1, x, true);
/** Sine. @example np.sin(x) */
export const sin = (x: ArrayLike): Array => unary(U.sin, x, true);
/** Cosine. @example np.cos(x) */
export const cos = (x: ArrayLike): Array => unary(U.cos, x, true);
/** Tangent. @example np.tan(x) */
export const tan = (x: ArrayLike): Array => unary(U.tan, x, true);
/** Hyperbolic tangent. @example np.tanh(x) */
export const tanh = (x: ArrayLike): Array => unary(U.tanh, x, true);
/** Hyperbolic sine. @example np.sinh(x) */
export const sinh = (x: ArrayLike): Array => unary(U.sinh, x, true);
/** Hyperbolic cosine. @example np.cosh(x) */
export const cosh = (x: ArrayLike): Array => unary(U.cosh, x, true);
/** Inverse sine. @example np.arcsin(1) // π/2 */
export const arcsin = (x: ArrayLike): Array => unary(U.arcsin, x, true);
/** Inverse cosine. @example np.arccos(1) // 0 */
export const arccos = (x: ArrayLike): Array => unary(U.arccos, x, true);
/** Inverse tangent. @example np.arctan(1) // π/4 */
export const arctan = (x: ArrayLike): Array => unary(U.arctan, x, true);
/** |x|. @example np.abs(-2) // 2 */
export const abs = (x: ArrayLike): Array => unary(U.abs, x);
/** −1, 0 or 1 by the sign of x (NaN stays NaN). @example np.sign(x) */
export const sign = (x: ArrayLike): Array => unary(U.sign, x);
/** Rounds down. @example np.floor(2.5) // 2 */
export const floor = (x: ArrayLike): Array => unary(U.floor, x, true);
/** The logistic function 1/(1+e⁻ˣ), computed without overflow. @example np.sigmoid(0) // 0.5 */
export const sigmoid = (x: ArrayLike): Array => unary(U.sigmoid, x, true);

/**
 * log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|).
 *
 * @example
 * np.softplus(1000).item(); // 1000
 */
export function softplus(x: ArrayLike): Array {
  // Lift to float first: a bool input must not reach neg (and the result is float anyway).
  const a = asArray(x, floatDtype(x));
  return add(maximum(a, 0), log1p(exp(neg(abs(a)))));
}

/**
 * Elementwise choice: x where cond is true, y elsewhere; all three broadcast.
 *
 * @example
 * np.where(np.greater(x, 0), x, 0) // ReLU
 */
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): Array {
  const dtype = resultDtype(x, y);
  return bind1(select, [asArray(cond, "bool"), asArray(x, dtype), asArray(y, dtype)], {});
}

/**
 * Limits x to [lo, hi]; pass null for an open side.
 *
 * @example
 * np.clip(x, 0, 1)
 */
export function clip(x: ArrayLike, lo: ArrayLike | null, hi: ArrayLike | null): Array {
  let out = asArray(x);
  if (lo !== null) out = maximum(out, lo);
  if (hi !== null) out = minimum(out, hi);
  return out;
}
