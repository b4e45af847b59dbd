// Small loops over Float64Array: the optimizers' own arithmetic, kept off the Array
// machinery because it runs once per iteration on plain vectors.
import { isSafeSumOfSquares, nrm2 } from "../array/index.js";

/**
 * aᵀb with four running sums: one sum is a chain of dependent additions that waits on
 * each add's latency; four independent chains keep the adder busy (~3× faster at large n).
 */
export function dot(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * q ← scale·(q + c·u), returning wᵀq of the updated q: one pass where the two-loop
 * recursion would take two (an update, then the next pair's dot product).
 */
export function updateAndDot(q: Float64Array, c: number, u: Float64Array, scale: number, w: Float64Array): number {
  const n = q.length;
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const v0 = scale * (q[i]! + c * u[i]!);
    const v1 = scale * (q[i + 1]! + c * u[i + 1]!);
    q[i] = v0;
    q[i + 1] = v1;
    s0 += w[i]! * v0;
    s1 += w[i + 1]! * v1;
  }
  for (; i < n; i++) {
    const v = scale * (q[i]! + c * u[i]!);
    q[i] = v;
    s0 += w[i]! * v;
  }
  return s0 + s1;
}

/**
 * ‖a‖₂ without overflow or underflow: √(aᵀa) from the fast `dot` when that sum is safe,
 * else the scaled `nrm2` (so a gradient of 1e-300 has norm 1e-300, not 0).
 *
 * @example
 * norm2(new Float64Array([3, 4])); // 5
 */
export function norm2(a: Float64Array): number {
  const s = dot(a, a);
  return isSafeSumOfSquares(s) ? Math.sqrt(s) : nrm2(a);
}

export function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    // NaN must win, so a non-finite gradient is never mistaken for a small one (and a
    // later entry must not replace it: v <= NaN is false too).
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
}

/** x + α·d as a new vector. */
export function addScaled(x: Float64Array, alpha: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + alpha * d[i]!;
  return out;
}

/** a − b as a new vector. */
export function sub(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/** α·a as a new vector. */
export function scale(alpha: number, a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i]!;
  return out;
}

export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}
