// x·log y, x·log1p y, and the logistic pair logit / expit, as Array functions.
import { type Array, np, type ArrayLike } from "../core/index.js";
import { specialPrimitives as P } from "./primitives.js";
import { floatInput, floatPair, unary } from "./bind.js";

/**
 * x·log(y), and 0 where x = 0 (unless y is NaN), as scipy's xlogy: 0·log 0 = 0, so that
 * entropies and likelihoods need no special case. Derivatives log y and x/y, exact at
 * x = 0 for y > 0 (log y, not 0).
 *
 * @example
 * special.xlogy(np.array([0, 2]), np.array([0, Math.E])); // [0, 2]
 */
export function xlogy(x: ArrayLike, y: ArrayLike): Array {
  const [a, b] = floatPair("special.xlogy", x, y, ["x", "y"]);
  // Only where log y is −∞ or NaN·0 would arise (x = 0, y ≤ 0 or y = ∞) is y replaced by
  // 1: elsewhere x·log y is already 0 at x = 0, with the right derivatives.
  const bad = np.logicalAnd(np.equal(a, 0), np.logicalOr(np.lessEqual(b, 0), np.equal(b, Infinity)));
  return np.mul(a, np.log(np.where(bad, 1, b)));
}

/**
 * x·log1p(y), and 0 where x = 0 (unless y is NaN), as scipy's xlog1py. Derivatives
 * log1p y and x/(1 + y).
 *
 * @example
 * special.xlog1py(np.array([0, 3]), np.array([-1, 1e-10])); // [0, 2.99999999985e-10]
 */
export function xlog1py(x: ArrayLike, y: ArrayLike): Array {
  const [a, b] = floatPair("special.xlog1py", x, y, ["x", "y"]);
  const bad = np.logicalAnd(np.equal(a, 0), np.logicalOr(np.lessEqual(b, -1), np.equal(b, Infinity)));
  return np.mul(a, np.log1p(np.where(bad, 0, b)));
}

/**
 * log(p/(1 − p)), the inverse of expit, to 2 ulps (exact near p = ½, where the quotient
 * would lose the answer's relative accuracy); ∓∞ at 0 and 1, NaN outside [0, 1].
 * Derivative 1/(p(1 − p)).
 *
 * @example
 * special.logit(0.75).item(); // 1.0986122886681096 (log 3)
 */
export const logit = (p: ArrayLike): Array => unary("special.logit", P.logit, p);

/**
 * The logistic function 1/(1 + e⁻ˣ) (np.sigmoid), to 2 ulps, without overflow.
 *
 * @example
 * special.expit(np.array([0, 2])); // [0.5, 0.8807970779778823]
 */
export const expit = (x: ArrayLike): Array => np.sigmoid(floatInput("special.expit", x));
