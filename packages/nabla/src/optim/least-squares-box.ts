// Geometry of a box lo ≤ x ≤ hi for the bounded least-squares methods (as scipy's
// _lsq/common.py): how far a ray runs before it leaves the box or a ball, the Coleman–Li
// scaling, the strictly feasible shift, which bounds are active, and the one-dimensional
// quadratic models that pick a step along a ray.
import { times } from "./least-squares-common.js";
import { dot } from "./vec.js";

/**
 * The largest t ≥ 0 with lo ≤ x + t·s ≤ hi (Infinity when s = 0), and which entries stop
 * the ray there: −1 at a lower bound, +1 at an upper, 0 elsewhere.
 *
 * @example
 * stepToBound(Float64Array.of(0, 0), Float64Array.of(1, -2), lo, hi).t; // 0.5 when lo = [-1, -1], hi = [1, 1]: hits [0, -1]
 */
export function stepToBound(x: Float64Array, s: Float64Array, lo: Float64Array, hi: Float64Array): { t: number; hits: Int32Array } {
  const steps = new Float64Array(x.length).fill(Infinity);
  for (let i = 0; i < x.length; i++) {
    if (s[i] !== 0) steps[i] = Math.max((lo[i]! - x[i]!) / s[i]!, (hi[i]! - x[i]!) / s[i]!);
  }
  const t = steps.reduce((a, b) => Math.min(a, b), Infinity);
  const hits = new Int32Array(x.length);
  // Entries that are not stopped (Infinity) are hits only when nothing stops the ray,
  // and then s is zero there: the sign keeps them 0.
  for (let i = 0; i < x.length; i++) if (steps[i] === t) hits[i] = Math.sign(s[i]!);
  return { t, hits };
}

/**
 * lo ≤ x ≤ hi everywhere.
 *
 * @example
 * inBox(Float64Array.of(0.5), Float64Array.of(0), Float64Array.of(1)); // true
 */
export function inBox(x: Float64Array, lo: Float64Array, hi: Float64Array): boolean {
  return x.every((v, i) => v >= lo[i]! && v <= hi[i]!);
}

/**
 * The two roots t₁ ≤ t₂ of ‖x + t·s‖ = Δ, for x inside the ball (rounding forgiven).
 *
 * @example
 * rayThroughBall(Float64Array.of(0, 0), Float64Array.of(1, 0), 2); // [-2, 2]
 */
export function rayThroughBall(x: Float64Array, s: Float64Array, radius: number): [number, number] {
  const a = dot(s, s);
  const b = dot(x, s);
  const c = Math.min(dot(x, x) - radius * radius, 0);
  // The root without cancellation first, the other from their product c/a.
  const q = -(b + Math.sign(b || 1) * Math.sqrt(b * b - a * c));
  const [t1, t2] = [q / a, q === 0 ? 0 : c / q];
  return t1 < t2 ? [t1, t2] : [t2, t1];
}

/**
 * The Coleman–Li scaling v (distance to the bound the antigradient points at, else 1)
 * and its derivative dv (∓1 where v is a distance, else 0).
 *
 * @example
 * colemanLi(Float64Array.of(0.25), Float64Array.of(3), Float64Array.of(0), Float64Array.of(1)); // v = [0.25], dv = [1]
 */
export function colemanLi(x: Float64Array, g: Float64Array, lo: Float64Array, hi: Float64Array): { v: Float64Array; dv: Float64Array } {
  const v = new Float64Array(x.length).fill(1);
  const dv = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (g[i]! < 0 && hi[i]! < Infinity) [v[i], dv[i]] = [hi[i]! - x[i]!, -1];
    if (g[i]! > 0 && lo[i]! > -Infinity) [v[i], dv[i]] = [x[i]! - lo[i]!, 1];
  }
  return { v, dv };
}

/**
 * scipy's find_active_constraints: −1 where x is within rtol·max(1, |lo|) of lo (and
 * nearer lo than hi), +1 likewise at hi, 0 elsewhere; rtol = 0 means on or past the bound.
 *
 * @example
 * activeBounds(Float64Array.of(0, 0.5, 1), lo, hi, 1e-8); // [-1, 0, 1] when lo = 0, hi = 1
 */
export function activeBounds(x: Float64Array, lo: Float64Array, hi: Float64Array, rtol: number): Int32Array {
  const active = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const [toLo, toHi] = [x[i]! - lo[i]!, hi[i]! - x[i]!];
    if (rtol === 0) {
      if (x[i]! <= lo[i]!) active[i] = -1;
      if (x[i]! >= hi[i]!) active[i] = 1;
      continue;
    }
    if (lo[i]! > -Infinity && toLo <= Math.min(toHi, rtol * Math.max(1, Math.abs(lo[i]!)))) active[i] = -1;
    if (hi[i]! < Infinity && toHi <= Math.min(toLo, rtol * Math.max(1, Math.abs(hi[i]!)))) active[i] = 1;
  }
  return active;
}

/** The float after `a` in the direction of `b`. */
function nextToward(a: number, b: number): number {
  if (a === b || !Number.isFinite(a)) return a;
  if (a === 0) return b > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const bits = new Float64Array([a]);
  const int = new BigInt64Array(bits.buffer);
  int[0] = int[0]! + ((b > a) === a > 0 ? 1n : -1n);
  return bits[0]!;
}

/**
 * x moved into the open box (scipy's make_strictly_feasible): entries within
 * rstep·max(1, |bound|) of a bound moved that far inside (rstep = 0: to the next float),
 * and the midpoint where the box is too thin for that.
 *
 * @example
 * strictlyFeasible(Float64Array.of(1), Float64Array.of(0), Float64Array.of(1), 1e-10); // [1 − 1e-10]
 */
export function strictlyFeasible(x: Float64Array, lo: Float64Array, hi: Float64Array, rstep: number): Float64Array {
  const out = x.slice();
  const active = activeBounds(x, lo, hi, rstep);
  for (let i = 0; i < x.length; i++) {
    const [l, h] = [lo[i]!, hi[i]!];
    if (active[i] === -1) out[i] = rstep === 0 ? nextToward(l, h) : l + rstep * Math.max(1, Math.abs(l));
    if (active[i] === 1) out[i] = rstep === 0 ? nextToward(h, l) : h - rstep * Math.max(1, Math.abs(h));
    if (out[i]! < l || out[i]! > h) out[i] = 0.5 * (l + h);
  }
  return out;
}

/**
 * The model ½‖J·(s0 + t·s)‖² + gᵀ(s0 + t·s) + ½Σ diag·(s0 + t·s)² as a·t² + b·t + c
 * (scipy's build_quadratic_1d); J row-major m×n.
 *
 * @example
 * quadraticAlong(Float64Array.of(1, 0, 0, 1), 2, Float64Array.of(1, 1), Float64Array.of(1, 0)); // a = 0.5, b = 1, c = 0
 */
export function quadraticAlong(J: Float64Array, m: number, g: Float64Array, s: Float64Array, diag?: Float64Array, s0?: Float64Array): { a: number; b: number; c: number } {
  const n = s.length;
  const v = times(J, s, m, n);
  let a = dot(v, v);
  if (diag) a += s.reduce((sum, si, i) => sum + si * diag[i]! * si, 0);
  let b = dot(g, s);
  let c = 0;
  if (s0) {
    const u = times(J, s0, m, n);
    b += dot(u, v);
    c = 0.5 * dot(u, u) + dot(g, s0);
    if (diag) {
      b += s0.reduce((sum, si, i) => sum + si * diag[i]! * s[i]!, 0);
      c += 0.5 * s0.reduce((sum, si, i) => sum + si * diag[i]! * si, 0);
    }
  }
  return { a: 0.5 * a, b, c };
}

/**
 * The minimizer t of a·t² + b·t + c over [lo, hi] and the minimum (ends and the vertex compared).
 *
 * @example
 * minimizeQuadratic(1, -2, 0, 5); // t = 1, value = −1
 */
export function minimizeQuadratic(a: number, b: number, lo: number, hi: number, c = 0): { t: number; value: number } {
  const ts = [lo, hi];
  if (a !== 0) {
    const vertex = (-0.5 * b) / a;
    if (lo < vertex && vertex < hi) ts.push(vertex);
  }
  let best = { t: lo, value: NaN };
  for (const t of ts) {
    const value = t * (a * t + b) + c;
    if (Number.isNaN(best.value) || value < best.value) best = { t, value };
  }
  return best;
}

/**
 * The model's value ½‖J·s‖² + gᵀs + ½Σ diag·s² (scipy's evaluate_quadratic).
 *
 * @example
 * quadraticAt(Float64Array.of(2), 1, Float64Array.of(-1), Float64Array.of(0.25)); // ½·0.25 − 0.25 = −0.125
 */
export function quadraticAt(J: Float64Array, m: number, g: Float64Array, s: Float64Array, diag?: Float64Array): number {
  const Js = times(J, s, m, s.length);
  const curvature = dot(Js, Js) + (diag ? s.reduce((sum, si, i) => sum + si * diag[i]! * si, 0) : 0);
  return 0.5 * curvature + dot(s, g);
}
