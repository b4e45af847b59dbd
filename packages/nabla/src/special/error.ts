// The error function family and the normal distribution, as Array functions.
import { type Array, type ArrayLike } from "../core/index.js";
import { specialPrimitives as P } from "./primitives.js";
import { unary } from "./bind.js";

/**
 * The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt, to 2 ulps (Cody's rational
 * approximations). Derivative 2/√π·e^{−x²}.
 *
 * @example
 * special.erf(np.array([0, 0.5, -3])); // [0, 0.5204998778130465, -0.9999779095030014]
 */
export const erf = (x: ArrayLike): Array => unary("special.erf", P.erf, x);

/**
 * The complementary error function 1 − erf(x), accurate far into its tail (to 3 ulps;
 * erfc(26) = 5.663e−296).
 *
 * @example
 * special.erfc(10).item(); // 2.0884875837625446e-45
 */
export const erfc = (x: ArrayLike): Array => unary("special.erfc", P.erfc, x);

/**
 * The inverse error function on [−1, 1] (±∞ at ±1, NaN outside), to 4 ulps. Derivative
 * √π/2·e^{erfinv(x)²}.
 *
 * @example
 * special.erfinv(0.5).item(); // 0.47693627620446966
 */
export const erfinv = (x: ArrayLike): Array => unary("special.erfinv", P.erfinv, x);

/**
 * The standard normal CDF Φ(x) = ½·erfc(−x/√2), with full relative accuracy in the lower
 * tail (to 3 ulps, down to its underflow below −38). Derivative e^{−x²/2}/√(2π).
 *
 * @example
 * special.ndtr(-1.96).item(); // 0.024997895148220428
 */
export const ndtr = (x: ArrayLike): Array => unary("special.ndtr", P.ndtr, x);

/**
 * The standard normal quantile Φ⁻¹(p) (Wichura's AS 241), to 4 ulps; −∞ at 0, +∞ at 1,
 * NaN outside [0, 1]. Derivative √(2π)·e^{ndtri(p)²/2}.
 *
 * @example
 * special.ndtri(0.975).item(); // 1.9599639845400536
 */
export const ndtri = (p: ArrayLike): Array => unary("special.ndtri", P.ndtri, p);

/**
 * log Φ(x), finite where Φ underflows (log Φ(−40) = −804.6), to 3 ulps. Derivative
 * φ(x)/Φ(x), which tends to −x in the lower tail.
 *
 * @example
 * special.logNdtr(-40).item(); // -804.6084420137538
 */
export const logNdtr = (x: ArrayLike): Array => unary("special.logNdtr", P.logNdtr, x);
