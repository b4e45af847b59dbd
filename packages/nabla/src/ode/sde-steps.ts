// The three steppers of sdeint, on the leaves of y (a flat list of Arrays): each maps the
// state at t to the state at t + h, given the Brownian increments dW of the step (one
// per element of y: diagonal noise, so g multiplies them elementwise).
import { np, type Array } from "../core/index.js";
import { jvp } from "../transforms/index.js";

/** The schemes of `sdeint`. */
export type SdeMethod = "euler-maruyama" | "heun" | "milstein";
export const SDE_METHODS: readonly SdeMethod[] = ["euler-maruyama", "heun", "milstein"];

/** f or g on y's leaves at time t, returning arrays of y's leaf shapes. */
export type LeafFn = (y: Array[], t: Array) => Array[];

const plus = (y: Array[], ...terms: Array[][]) => y.map((yi, i) => terms.reduce((acc, term) => np.add(acc, term[i]!), yi));
const times = (a: Array[], b: Array[] | Array) => a.map((ai, i) => np.mul(ai, globalThis.Array.isArray(b) ? b[i]! : b));

/** One step of `method` from (y, t) over h with increments dW. */
export function sdeStep(method: SdeMethod, f: LeafFn, g: LeafFn, y: Array[], t: Array, h: Array, dW: Array[]): Array[] {
  const fy = f(y, t);
  const gy = g(y, t);
  const euler = plus(y, times(fy, h), times(gy, dW));
  if (method === "euler-maruyama") return euler;
  if (method === "heun") {
    // Predictor-corrector with the trapezoid in both terms: the averaged g makes the
    // limit the Stratonovich solution (strong order 1 for diagonal noise).
    const t1 = np.add(t, h);
    const half = (a: Array[], b: Array[]) => a.map((ai, i) => np.mul(0.5, np.add(ai, b[i]!)));
    return plus(y, times(half(fy, f(euler, t1)), h), times(half(gy, g(euler, t1)), dW));
  }
  // Milstein (Itô): + ½·g·∂g/∂y·(dW² − h). For diagonal noise gᵢ depends on yᵢ alone, so
  // ∂gᵢ/∂yᵢ is the i-th element of the directional derivative of g along the ones.
  const [, dg] = jvp((...ys: Array[]) => g(ys, t), y, y.map((yi) => np.onesLike(yi)));
  const correction = gy.map((gi, i) => np.mul(np.mul(0.5, np.mul(gi, dg[i]!)), np.sub(np.square(dW[i]!), h)));
  return plus(euler, correction);
}
