// The scale that the norms (np.norm, linalg.norm, linalg.cond) factor out before squaring,
// shared by them and not part of the np namespace.
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { stopGradient } from "../primitives/index.js";
import { abs, less, maximum, where } from "./elementwise.js";
import { max } from "./reductions.js";

/**
 * s = max|x| over `axes` (kept as size 1), the scale to divide x by before squaring it,
 * as BLAS nrm2 does, so that the squares neither overflow nor underflow. Held constant
 * for derivatives (stopGradient): the norms are homogeneous of degree 1, so computing
 * s·‖x/s‖ leaves their derivatives unchanged, and none flows through the max.
 *
 * s is 1 where the slice is not finite, so Infinity and NaN come out as they are; and at
 * least 2⁻¹⁰⁰⁰ (2⁻¹⁰⁰ for float32), so that 1/s, which the derivative of x/s uses, is
 * finite (dividing a subnormal by it is exact and leaves nothing to underflow), and an
 * all-zero slice gives 0/s = 0. Every reduced axis must be non-empty.
 *
 * @example
 * normScale(np.array([[3e-300, -4e-300]]), [1]); // [[4e-300]]
 */
export function normScale(x: Array, axes: readonly number[]): Array {
  const m = bind1(stopGradient, [max(abs(x), { axis: axes, keepdims: true })], {});
  const floor = x.dtype === "float32" ? 2 ** -100 : 2 ** -1000;
  return where(less(m, Infinity), maximum(m, floor), 1);
}
