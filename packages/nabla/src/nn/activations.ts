// Elementwise activations, as jax.nn defines them, composed from np ops: selects where
// JAX has a kink (so the derivative at the kink is JAX's), and the overflow-free forms of
// softplus and its relatives.
import { checkFinite, checkFlag, checkOptions } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { floatInput } from "./args.js";

/**
 * max(x, 0). The derivative at 0 is 0, as JAX's; NaN stays NaN.
 *
 * @example
 * nn.relu(np.array([-1, 0, 2])).toArray(); // [0, 0, 2]
 */
export function relu(x: np.ArrayLike): Array {
  const a = floatInput("nn.relu", "x", x);
  // x ≤ 0 is false for NaN, which therefore passes through.
  return np.where(np.lessEqual(a, 0), 0, a);
}

/**
 * min(max(x, 0), 6); the derivative is 0 at both kinks, as JAX's.
 *
 * @example
 * nn.relu6(np.array([-1, 3, 9])).toArray(); // [0, 3, 6]
 */
export function relu6(x: np.ArrayLike): Array {
  const a = floatInput("nn.relu6", "x", x);
  return np.where(np.lessEqual(a, 0), 0, np.where(np.greaterEqual(a, 6), 6, a));
}

/**
 * x where x ≥ 0, negativeSlope·x elsewhere (default slope 0.01, as JAX).
 *
 * @example
 * nn.leakyRelu(np.array([-2, 3]), { negativeSlope: 0.1 }).toArray(); // [-0.2, 3]
 */
export function leakyRelu(x: np.ArrayLike, opts: { negativeSlope?: number } = {}): Array {
  const a = floatInput("nn.leakyRelu", "x", x);
  const slope = checkFinite("nn.leakyRelu", "negativeSlope", checkOptions("nn.leakyRelu", opts, ["negativeSlope"]).negativeSlope, 0.01);
  return np.where(np.greaterEqual(a, 0), a, np.mul(slope, a));
}

/**
 * x where x > 0, alpha·(eˣ − 1) elsewhere (alpha 1 by default), with expm1 for small x.
 *
 * @example
 * nn.elu(np.array([-1, 2])).toArray(); // [e⁻¹ − 1, 2]
 */
export function elu(x: np.ArrayLike, opts: { alpha?: number } = {}): Array {
  const a = floatInput("nn.elu", "x", x);
  const alpha = checkFinite("nn.elu", "alpha", checkOptions("nn.elu", opts, ["alpha"]).alpha, 1);
  const positive = np.greater(a, 0);
  // expm1 of a large x would overflow, and its derivative times the unused branch's zero
  // cotangent would be ∞·0 = NaN: feed the unused branch 0 instead (JAX's safe_x).
  const safe = np.where(positive, 0, a);
  return np.where(positive, a, np.mul(alpha, np.expm1(safe)));
}

/**
 * x·σ(x), also called swish.
 *
 * @example
 * nn.silu(np.array([0, 1])).toArray(); // [0, 0.7310585786300049]
 */
export function silu(x: np.ArrayLike): Array {
  const a = floatInput("nn.silu", "x", x);
  return np.mul(a, np.sigmoid(a));
}
export { silu as swish };

/**
 * log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|) (JAX's logaddexp(x, 0)).
 *
 * @example
 * nn.softplus(np.array([0, 1000])).toArray(); // [log 2, 1000]
 */
export function softplus(x: np.ArrayLike): Array {
  return np.softplus(floatInput("nn.softplus", "x", x));
}

/**
 * log σ(x) = −softplus(−x), finite for large negative x (log σ(−1000) = −1000).
 *
 * @example
 * nn.logSigmoid(np.array([0, -1000])).toArray(); // [-log 2, -1000]
 */
export function logSigmoid(x: np.ArrayLike): Array {
  return np.neg(np.softplus(np.neg(floatInput("nn.logSigmoid", "x", x))));
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The Gaussian error linear unit x·Φ(x). `approximate` (the default, as jax.nn.gelu) uses
 * the tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))); `approximate: false` the exact
 * ½x·erfc(−x/√2), written with erfc so that large negative x lose no digits.
 *
 * @example
 * nn.gelu(np.array([1]), { approximate: false }).item(); // 0.8413447460685429
 */
export function gelu(x: np.ArrayLike, opts: { approximate?: boolean } = {}): Array {
  const a = floatInput("nn.gelu", "x", x);
  const approximate = checkFlag("nn.gelu", "approximate", checkOptions("nn.gelu", opts, ["approximate"]).approximate, true);
  if (approximate) {
    const inner = np.mul(SQRT_2_OVER_PI, np.add(a, np.mul(0.044715, np.mul(a, np.square(a)))));
    return np.mul(np.mul(0.5, a), np.add(1, np.tanh(inner)));
  }
  // −x/√2 by one correctly rounded division: erfc's tail magnifies an argument's relative
  // error by 2z², so the argument gets one rounding, not two (x·(1/√2)).
  return np.mul(np.mul(0.5, a), special.erfc(np.div(np.neg(a), Math.SQRT2)));
}
