// Small loops over Float64Array: the optimizers' own arithmetic, kept off the Array
// machinery because it runs once per iteration on plain vectors. The long passes of
// L-BFGS (dot products fused with a copy or an update) run their main loop in
// WebAssembly when every operand lives in one vector arena (array's `vectorArena`), with
// the same running sums, so the same bits; the tail and the final sum stay here.
import { isSafeSumOfSquares, nrm2, vectorKernels } from "../array/index.js";

/**
 * aᵀb with four running sums: one sum is a chain of dependent additions that waits on
 * each add's latency; four independent chains keep the adder busy (~3× faster at large n).
 */
export function dot(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  const simd = b.length === n ? vectorKernels(a, b) : undefined;
  if (simd !== undefined) {
    i = simd.dot(a, b);
    const t = simd.sums;
    [s0, s1, s2, s3] = [t[0]!, t[1]!, t[2]!, t[3]!];
  }
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
 * dst ← src, returning wᵀsrc summed as `dot` sums it (same bits): the copy the two-loop
 * recursion starts from and its first dot product in one pass.
 */
export function copyAndDot(dst: Float64Array, src: Float64Array, w: Float64Array): number {
  const n = dst.length;
  if (src.length !== n || w.length !== n) throw new Error(`copyAndDot: lengths ${n}, ${src.length}, ${w.length} differ`);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  const simd = vectorKernels(dst, src, w);
  if (simd !== undefined) {
    i = simd.copyAndDot(dst, src, w);
    const t = simd.sums;
    [s0, s1, s2, s3] = [t[0]!, t[1]!, t[2]!, t[3]!];
  }
  for (; i + 3 < n; i += 4) {
    const v0 = src[i]!, v1 = src[i + 1]!, v2 = src[i + 2]!, v3 = src[i + 3]!;
    dst[i] = v0;
    dst[i + 1] = v1;
    dst[i + 2] = v2;
    dst[i + 3] = v3;
    s0 += w[i]! * v0;
    s1 += w[i + 1]! * v1;
    s2 += w[i + 2]! * v2;
    s3 += w[i + 3]! * v3;
  }
  for (; i < n; i++) s0 += w[i]! * (dst[i] = src[i]!);
  return s0 + s1 + (s2 + s3);
}

/**
 * q ← scale·(q + c·u), returning wᵀq of the updated q: one pass where the two-loop
 * recursion would take two (an update, then the next pair's dot product). Two running
 * sums, of the even and of the odd terms; the loop takes four elements a turn, which
 * halves its overhead without changing the order of either sum.
 */
export function updateAndDot(q: Float64Array, c: number, u: Float64Array, scale: number, w: Float64Array): number {
  const n = q.length;
  // Equal lengths checked once let the engine drop the per-element bounds checks on u, w.
  if (u.length !== n || w.length !== n) throw new Error(`updateAndDot: lengths ${n}, ${u.length}, ${w.length} differ`);
  let even = 0, odd = 0;
  let i = 0;
  const simd = vectorKernels(q, u, w);
  if (simd !== undefined) {
    i = simd.updateAndDot(q, c, u, scale, w);
    [even, odd] = [simd.sums[0]!, simd.sums[1]!];
  }
  for (; i + 3 < n; i += 4) {
    const v0 = scale * (q[i]! + c * u[i]!);
    const v1 = scale * (q[i + 1]! + c * u[i + 1]!);
    const v2 = scale * (q[i + 2]! + c * u[i + 2]!);
    const v3 = scale * (q[i + 3]! + c * u[i + 3]!);
    q[i] = v0;
    q[i + 1] = v1;
    q[i + 2] = v2;
    q[i + 3] = v3;
    even += w[i]! * v0;
    odd += w[i + 1]! * v1;
    even += w[i + 2]! * v2;
    odd += w[i + 3]! * v3;
  }
  for (; i < n; i++) {
    const v = scale * (q[i]! + c * u[i]!);
    q[i] = v;
    if (i % 2 === 0) even += w[i]! * v;
    else odd += w[i]! * v;
  }
  return even + odd;
}

/**
 * q ← −(q + c·u), returning wᵀq of the updated q summed as `dot` sums it (same bits): the
 * two-loop recursion's last pass, which also gives the line search its slope gᵀd.
 */
export function negatedUpdateAndDot(q: Float64Array, c: number, u: Float64Array, w: Float64Array): number {
  const n = q.length;
  if (u.length !== n || w.length !== n) throw new Error(`negatedUpdateAndDot: lengths ${n}, ${u.length}, ${w.length} differ`);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  const simd = vectorKernels(q, u, w);
  if (simd !== undefined) {
    i = simd.negatedUpdateAndDot(q, c, u, w);
    const t = simd.sums;
    [s0, s1, s2, s3] = [t[0]!, t[1]!, t[2]!, t[3]!];
  }
  for (; i + 3 < n; i += 4) {
    const v0 = -(q[i]! + c * u[i]!);
    const v1 = -(q[i + 1]! + c * u[i + 1]!);
    const v2 = -(q[i + 2]! + c * u[i + 2]!);
    const v3 = -(q[i + 3]! + c * u[i + 3]!);
    q[i] = v0;
    q[i + 1] = v1;
    q[i + 2] = v2;
    q[i + 3] = v3;
    s0 += w[i]! * v0;
    s1 += w[i + 1]! * v1;
    s2 += w[i + 2]! * v2;
    s3 += w[i + 3]! * v3;
  }
  for (; i < n; i++) s0 += w[i]! * (q[i] = -(q[i]! + c * u[i]!));
  return s0 + s1 + (s2 + s3);
}

/**
 * s ← x₁ − x₀ and y ← g₁ − g₀, returning [sᵀy, yᵀy] summed as `dot` sums them (same
 * bits): a quasi-Newton pair and its two products in one pass over the four vectors.
 */
export function pairAndProducts(x1: Float64Array, x0: Float64Array, g1: Float64Array, g0: Float64Array, s: Float64Array, y: Float64Array): [sy: number, yy: number] {
  const n = s.length;
  if (x1.length !== n || x0.length !== n || g1.length !== n || g0.length !== n || y.length !== n) throw new Error("pairAndProducts: the vectors' lengths differ");
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0; // sᵀy
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0; // yᵀy
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const s0 = (s[i] = x1[i]! - x0[i]!), y0 = (y[i] = g1[i]! - g0[i]!);
    const s1 = (s[i + 1] = x1[i + 1]! - x0[i + 1]!), y1 = (y[i + 1] = g1[i + 1]! - g0[i + 1]!);
    const s2 = (s[i + 2] = x1[i + 2]! - x0[i + 2]!), y2 = (y[i + 2] = g1[i + 2]! - g0[i + 2]!);
    const s3 = (s[i + 3] = x1[i + 3]! - x0[i + 3]!), y3 = (y[i + 3] = g1[i + 3]! - g0[i + 3]!);
    a0 += s0 * y0;
    a1 += s1 * y1;
    a2 += s2 * y2;
    a3 += s3 * y3;
    b0 += y0 * y0;
    b1 += y1 * y1;
    b2 += y2 * y2;
    b3 += y3 * y3;
  }
  for (; i < n; i++) {
    const si = (s[i] = x1[i]! - x0[i]!), yi = (y[i] = g1[i]! - g0[i]!);
    a0 += si * yi;
    b0 += yi * yi;
  }
  return [a0 + a1 + (a2 + a3), b0 + b1 + (b2 + b3)];
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

/**
 * ‖a‖∞: NaN if any element is NaN, else ±Inf gives Inf, so a finite result also says
 * every element is finite (one pass where `allFinite` would take another).
 *
 * @example
 * normInf(Float64Array.of(1, -7, 3)); // 7
 */
export function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    // One test per element in the common case. NaN fails it too and must win, so a
    // non-finite gradient is never mistaken for a small one.
    if (!(v <= m)) {
      if (v !== v) return NaN;
      m = v;
    }
  }
  return m;
}

/** ‖a − b‖∞ without forming a − b (the step an iterate took); NaN wins as in `normInf`. */
export function distInf(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]! - b[i]!);
    if (!(v <= m)) {
      if (v !== v) return NaN;
      m = v;
    }
  }
  return m;
}

/**
 * x + α·d, into `out` when given (a buffer the caller knows is free: at large n a fresh
 * vector costs more than the pass that fills it, as the engine zeroes and maps its pages).
 *
 * @example
 * addScaled(Float64Array.of(1, 2), 0.5, Float64Array.of(2, 4)); // [2, 4]
 */
export function addScaled(x: Float64Array, alpha: number, d: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  // Equal lengths checked once let the engine drop the per-element bounds checks.
  if (d.length !== n || out.length !== n) throw new Error(`addScaled: lengths ${n}, ${d.length}, ${out.length} differ`);
  for (let i = 0; i < n; i++) out[i] = x[i]! + alpha * d[i]!;
  return out;
}

/** a − b as a new vector. */
export function sub(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
  return out;
}

/**
 * out ← out + M v for a dense row-major rows×cols M.
 *
 * @example
 * addMatVec(Float64Array.of(1, 2, 3, 4), 2, 2, Float64Array.of(1, 1), new Float64Array(2)); // [3, 7]
 */
export function addMatVec(M: Float64Array, rows: number, cols: number, v: Float64Array, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += M[r * cols + j]! * v[j]!;
    out[r] = out[r]! + s;
  }
  return out;
}

/**
 * out ← out + Mᵀ v for a dense row-major rows×cols M; rows where v is 0 are skipped.
 *
 * @example
 * addMatTVec(Float64Array.of(1, 2, 3, 4), 2, 2, Float64Array.of(1, 1), new Float64Array(2)); // [4, 6]
 */
export function addMatTVec(M: Float64Array, rows: number, cols: number, v: Float64Array, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) {
    const vr = v[r]!;
    if (vr !== 0) for (let j = 0; j < cols; j++) out[j] = out[j]! + M[r * cols + j]! * vr;
  }
  return out;
}

/** α·a as a new vector. */
export function scale(alpha: number, a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = alpha * a[i]!;
  return out;
}

export function allFinite(a: ArrayLike<number>): boolean {
  // v·0 is 0 for finite v and NaN for ±Inf or NaN, so the sum is 0 exactly when all are
  // finite: no branch per element.
  let zero = 0;
  for (let i = 0; i < a.length; i++) zero += a[i]! * 0;
  return zero === 0;
}

/**
 * V8 compiles a long loop while it runs (on-stack replacement) with the type feedback seen
 * so far. On a kernel's first, long call the remainder loop after the main one has none
 * yet, and the compiled loop, kept and re-entered on every later call, deoptimizes each
 * time it leaves (thousands of times a run at n = 1e5 in Node 20 profiles, each leaving a
 * call's work to the interpreter). A few calls on a short vector first (V8 records feedback
 * only from a function's first few calls on) give every loop its feedback. Results are
 * unaffected; only the compiled code differs.
 */
function warmUp(): void {
  const v = () => Float64Array.of(1, -2, 3, -4, 5);
  for (let k = 0; k < 20; k++) {
    dot(v(), v());
    copyAndDot(v(), v(), v());
    updateAndDot(v(), 1, v(), 1, v());
    negatedUpdateAndDot(v(), 1, v(), v());
    pairAndProducts(v(), v(), v(), v(), v(), v());
    addScaled(v(), 1, v(), v());
    normInf(v());
    distInf(v(), v());
    allFinite(v());
  }
}
warmUp();
