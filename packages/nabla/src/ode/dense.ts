// The states at ts from the steps: a step ending on a time of ts gives it y_new itself; a
// time inside a step gets the method's dense output (see methods.ts). ts never shorten
// steps. Shared by integrate and replay, like the steps.
//
// A step of h from t always ends at t + h, computed in floating point, and the next step
// starts there: steps[j + 1].t === steps[j].t + steps[j].h exactly, so a replay of some of
// the steps from a state in the middle repeats the full replay's arithmetic. A step aimed
// at a time of ts (h = T − t) ends within an ulp or so of it; "ends on T" means within 16
// ulps.
import { np, type Array } from "../core/index.js";
import type { Point } from "./steps.js";

const EPS = 2 ** -52;

/**
 * Whether a step from t that ended at `end` ended on `target`: within 16 ulps of the larger
 * of |t| and |target| (the rounding of t + (target − t) is far less).
 *
 * @example
 * endsOn(0.7, 0.7 + 0.1, 0.8); // true (0.7 + 0.1 is 0.7999999999999999)
 */
export function endsOn(t: number, end: number, target: number): boolean {
  return Math.abs(end - target) <= 16 * EPS * Math.max(Math.abs(t), Math.abs(target));
}

/**
 * y at t0 + θ·h from y and f at both ends of the step (the cubic Hermite basis): the
 * dense output of the explicit methods without their own (bosh3, whose natural one it
 * is, and the fixed-step methods, whose outputs all end steps). f at the end is the next
 * step's first slope (free with FSAL), so it costs one call of rhs at most, at the end.
 *
 * @example
 * hermite(np.array([0]), np.array([0]), np.array([1]), np.array([3]), 1, 0.5); // y = t³ at ½: array([0.125])
 */
export function hermite(y0: Array, f0: Array, y1: Array, f1: Array, h: number, theta: number): Array {
  const t2 = theta * theta;
  const t3 = t2 * theta;
  const a = np.add(np.mul(y0, 2 * t3 - 3 * t2 + 1), np.mul(y1, 3 * t2 - 2 * t3));
  return np.add(a, np.add(np.mul(f0, h * (t3 - 2 * t2 + theta)), np.mul(f1, h * (t3 - t2))));
}

/**
 * Appends to `rows` the states at the times of ts (from index `next` on) that the step of
 * h from p0 to p1 reaches: p1.y for a time it ends on, `dense(θ)` for those inside it.
 * Returns the index of the first time still ahead.
 *
 * @example
 * emitRows([0, 0.5, 1, 2], rows, 1, p0, p1, 1, dense); // p0.t = 0, p1.t = 1: pushes dense(0.5), p1.y; returns 3
 */
export function emitRows(ts: readonly number[], rows: Array[], next: number, p0: Point, p1: Point, h: number, dense: (theta: number) => Array): number {
  for (; next < ts.length; next++) {
    const t = ts[next]!;
    if (endsOn(p0.t, p1.t, t)) rows.push(p1.y);
    else if (h * (t - p1.t) < 0) rows.push(dense((t - p0.t) / h));
    else break;
  }
  return next;
}

/**
 * ys from the rows reached, the rest NaN: [ts.length, n].
 *
 * @example
 * stackRows([np.array([1])], 2, 1); // array([[1.], [nan]])
 */
export function stackRows(rows: Array[], count: number, n: number): Array {
  const missing = np.full([n], NaN);
  while (rows.length < count) rows.push(missing);
  return np.stack(rows);
}
