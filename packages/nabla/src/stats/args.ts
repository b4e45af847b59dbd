// How the stats functions take their arguments, and the conventions they share. Every
// argument is checked where it enters (errors name the function: "stats.norm.logpdf: x
// must be …"); numbers, ints and bools become floats, and all arguments take numpy's
// promoted float dtype (float32 only when no argument is float64) and must broadcast
// together. Invalid parameters (a scale ≤ 0, a probability outside [0, 1], …) give NaN,
// as scipy.stats; points outside the support give log-density −∞ and CDF 0 or 1.
import { broadcastShapes, isFloat } from "../array/index.js";
import { np, type Array, arrayArg, checkArrayLike, promotedDtype } from "../core/index.js";

/**
 * The arguments, checked, in their promoted float dtype, and (unless `broadcast` is false,
 * for arguments of different ranks such as a vector and a matrix) checked to broadcast.
 */
export function floats(op: string, names: readonly string[], values: readonly unknown[], broadcast = true): Array[] {
  const checked = values.map((v, i) => checkArrayLike(op, names[i]!, v));
  const dt = promotedDtype(checked);
  const dtype = isFloat(dt) ? dt : "float64";
  const out = checked.map((v, i) => arrayArg(op, names[i]!, v, dtype));
  if (broadcast) broadcastShapes(op, ...out.map((a) => a.shape));
  return out;
}

/** `value` where `valid`, NaN elsewhere (scipy's answer for invalid parameters). */
export const orNaN = (valid: Array, value: Array): Array => np.where(valid, value, NaN);

/**
 * `x` where `inside`, else `fill`: a stand-in that keeps a formula finite outside its
 * domain, so that the branch np.where discards feeds no NaN into derivatives.
 */
export const safe = (inside: Array, x: Array, fill: number): Array => np.where(inside, x, fill);

/** A location-scale family's arguments: z = (x − loc)/scale, whether scale > 0, and log scale. */
export interface Standardized {
  z: Array;
  valid: Array;
  logScale: Array;
}

/** Checks x, loc and scale (and shape parameters before them) for `op`, and standardizes x. */
export function locScale(op: string, names: readonly string[], values: readonly unknown[]): Standardized & { params: Array[] } {
  const all = floats(op, [...names, "loc", "scale"], values);
  const [x, ...rest] = all;
  const scale = rest.pop()!;
  const loc = rest.pop()!;
  const valid = np.greater(scale, 0);
  const s = safe(valid, scale, 1);
  return { z: np.div(np.sub(x!, loc), s), valid, logScale: np.log(s), params: rest };
}

/** log(1 − eˣ) for x ≤ 0, accurate at both ends (Mächler, "Accurately computing log(1 − exp(−|a|))", 2012). */
export function log1mexp(x: Array): Array {
  const near = np.greater(x, -Math.LN2);
  const small = np.log(np.neg(np.expm1(safe(near, x, -1))));
  const large = np.log1p(np.neg(np.exp(np.minimum(x, -Math.LN2))));
  return np.where(near, small, large);
}

export const HALF_LOG_2PI = 0.9189385332046728;

/**
 * The arguments of a quantile function (ppf, isf), checked: q (a stand-in ½ where the
 * result is NaN: q outside [0, 1] or scale ≤ 0), loc and scale.
 */
export function quantileArgs(op: string, q: unknown, loc: unknown, scale: unknown): { p: Array; l: Array; s: Array; valid: Array } {
  const [p, l, s] = floats(op, ["q", "loc", "scale"], [q, loc, scale]);
  const valid = np.logicalAnd(np.greater(s!, 0), np.logicalAnd(np.greaterEqual(p!, 0), np.lessEqual(p!, 1)));
  return { p: safe(valid, p!, 0.5), l: l!, s: s!, valid };
}
