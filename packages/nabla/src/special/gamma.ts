// The gamma family, as Array functions.
import { type Array, bind1, arrayArg, checkArrayLike, type ArrayLike } from "../core/index.js";
import { specialPrimitives as P } from "./primitives.js";
import { broadcastShapes } from "../array/index.js";
import { binary, floatDtype, unary } from "./bind.js";

/**
 * log|Γ(x)| (scipy's gammaln), to 5 ulps (below 0, to 5·2⁻⁵² absolute where |lgamma| < 1,
 * as it crosses 0 there); +∞ at 0, −1, −2, … Derivative digamma(x).
 *
 * @example
 * special.lgamma(np.array([0.5, 10, -2.5])); // [0.5723649429247001, 12.801827480081469, -0.05624371649767412]
 */
export const lgamma = (x: ArrayLike): Array => unary("special.lgamma", P.lgamma, x);

/**
 * scipy's name for {@link lgamma}.
 *
 * @example
 * special.gammaln(171).item(); // 706.5730622457875 (log 170!)
 */
export const gammaln = lgamma;

/**
 * The digamma function ψ(x) = Γ′(x)/Γ(x), to 4 ulps, through its positive zero at
 * 1.46163… (below 0, 4·2⁻⁵² absolute where |ψ| < 1); NaN at the negative integers, ∓∞ at
 * ±0. Derivative polygamma(1, x).
 *
 * @example
 * special.digamma(1).item(); // -0.5772156649015329 (−γ)
 */
export const digamma = (x: ArrayLike): Array => unary("special.digamma", P.digamma, x);

/**
 * The polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of digamma, for integer orders
 * n ≥ 0 (NaN for others), to 11 ulps for n ≤ 20; n broadcasts with x and takes no part in
 * dtype promotion (the result has x's float dtype). Derivative in x: polygamma(n + 1, x);
 * none in n (asking for it is an error).
 *
 * @example
 * special.polygamma(1, np.array([1, 0.5])); // [π²/6, π²/2] = [1.6449340668482264, 4.934802200544679]
 */
export function polygamma(n: ArrayLike, x: ArrayLike): Array {
  const op = "special.polygamma";
  const dtype = floatDtype([checkArrayLike(op, "x", x)]);
  const xs = arrayArg(op, "x", x, dtype);
  const ns = arrayArg(op, "n", checkArrayLike(op, "n", n), dtype);
  broadcastShapes(op, ns.shape, xs.shape);
  return bind1(P.polygamma, [ns, xs], {});
}

/**
 * log|B(a, b)| = log|Γ(a)Γ(b)/Γ(a+b)|, to 5 ulps for all positive a and b (no
 * cancellation for large arguments: betaln(1e10, 1) = −log 1e10); broadcasting.
 * Derivatives ψ(a) − ψ(a+b) and ψ(b) − ψ(a+b).
 *
 * @example
 * special.betaln(2, 3).item(); // -2.4849066497880004 (log 1/12)
 */
export const betaln = (a: ArrayLike, b: ArrayLike): Array => binary("special.betaln", P.betaln, a, b, ["a", "b"]);

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) for a, x ≥ 0
 * (scipy's gammainc; NaN for negative arguments), broadcasting; to 7 ulps for a ≤ 170,
 * beyond to 4·(1 + |ln P|) ulps (the rounding of xᵃe⁻ˣ/Γ(a) through its logarithm, as
 * exp's own conditioning). Derivatives: in x, the gamma density x^{a−1}e^{−x}/Γ(a); in a,
 * ∂P/∂a (by differentiating the series, continued fraction or uniform expansion used for
 * P), whose own derivative in a is not implemented: a second derivative in a is an error.
 *
 * @example
 * special.gammainc(2, np.array([1, 5])); // [0.2642411176571153, 0.9595723180054871]
 */
export const gammainc = (a: ArrayLike, x: ArrayLike): Array => binary("special.gammainc", P.gammainc, a, x, ["a", "x"]);

/**
 * The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate where
 * it is tiny (scipy's gammaincc), to the same bounds as gammainc. Derivatives the
 * negatives of gammainc's.
 *
 * @example
 * special.gammaincc(1, 40).item(); // 4.2483542552915904e-18 (e⁻⁴⁰)
 */
export const gammaincc = (a: ArrayLike, x: ArrayLike): Array => binary("special.gammaincc", P.gammaincc, a, x, ["a", "x"]);
