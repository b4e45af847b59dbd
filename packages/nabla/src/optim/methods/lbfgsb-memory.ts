// The limited memory of L-BFGS-B in compact form: the pairs (s, y) in a ring with their
// products by slot pair, the middle matrix M, products with W = [Y θS], and the small
// dense solve both M and the subspace step need.
import { pairAndProducts } from "../vec.js";

/**
 * The last m pairs (s, y) in m + 1 slots used as a ring (the slot after the newest is free
 * for a candidate), with their products by slot pair, stored (m+1)×(m+1) row-major: full
 * sums `ss` = sₐᵀs_b, `sy` = sₐᵀy_b, and the same over the free variables only (`fss`,
 * `fsy`, `fyy` = yₐᵀy_b), valid for the mask `free`.
 */
export interface Memory {
  m: number;
  count: number;
  first: number;
  theta: number;
  s: Float64Array[];
  y: Float64Array[];
  ss: Float64Array;
  sy: Float64Array;
  fss: Float64Array;
  fsy: Float64Array;
  fyy: Float64Array;
  free: Uint8Array;
}

/** An empty memory of m pairs for vectors of length n, every variable free. */
export function memory(m: number, n: number): Memory {
  const size = (m + 1) * (m + 1);
  const mats = () => new Float64Array(size);
  return { m, count: 0, first: 0, theta: 1, s: [], y: [], ss: mats(), sy: mats(), fss: mats(), fsy: mats(), fyy: mats(), free: new Uint8Array(n).fill(1) };
}

/** The slot of the k-th oldest pair (k = count: the free slot). */
export const slot = (h: Memory, k: number) => (h.first + k) % (h.m + 1);

/** Entry (a, b) of a slot-pair matrix. */
export const at = (h: Memory, a: number, b: number) => a * (h.m + 1) + b;

/** Forgets every pair (θ back to 1): the next offered pair starts the memory over. */
export function reset(h: Memory): void {
  h.count = 0;
  h.theta = 1;
}

/**
 * The products of a new pair (sⱼ, yⱼ) with the pair (sₐ, yₐ), in one pass: full sⱼᵀsₐ,
 * sⱼᵀyₐ, sₐᵀyⱼ, then the same and yⱼᵀyₐ over the free variables (mask 1).
 */
function pairWith(sj: Float64Array, yj: Float64Array, sa: Float64Array, ya: Float64Array, free: Uint8Array, out: Float64Array): void {
  const n = sj.length;
  if (yj.length !== n || sa.length !== n || ya.length !== n || free.length !== n) throw new Error("pairWith: lengths differ");
  let ss = 0, sy = 0, ys = 0, fss = 0, fsy = 0, fys = 0, fyy = 0;
  for (let i = 0; i < n; i++) {
    const a = sj[i]! * sa[i]!, b = sj[i]! * ya[i]!, c = sa[i]! * yj[i]!, f = free[i]!;
    ss += a;
    sy += b;
    ys += c;
    fss += f * a;
    fsy += f * b;
    fys += f * c;
    fyy += f * (yj[i]! * ya[i]!);
  }
  out.set([ss, sy, ys, fss, fsy, fys, fyy]);
}

/**
 * Writes s = x₁ − x₀, y = g₁ − g₀ into the free slot and keeps the pair when sᵀy >
 * ε·yᵀy (B stays positive definite), with its products against every kept pair.
 */
export function offer(h: Memory, x1: Float64Array, x0: Float64Array, g1: Float64Array, g0: Float64Array): void {
  const j = slot(h, h.count);
  if (h.s[j] === undefined) {
    h.s[j] = new Float64Array(x0.length);
    h.y[j] = new Float64Array(x0.length);
  }
  const [sy, yy] = pairAndProducts(x1, x0, g1, g0, h.s[j]!, h.y[j]!);
  if (!(sy > Number.EPSILON * yy)) return;
  if (h.count === h.m) {
    h.first = slot(h, 1);
    h.count--;
  }
  const out = new Float64Array(7);
  for (let k = 0; k <= h.count; k++) {
    const a = slot(h, k);
    pairWith(h.s[j]!, h.y[j]!, h.s[a]!, h.y[a]!, h.free, out);
    h.ss[at(h, j, a)] = h.ss[at(h, a, j)] = out[0]!;
    h.sy[at(h, j, a)] = out[1]!;
    h.sy[at(h, a, j)] = out[2]!;
    h.fss[at(h, j, a)] = h.fss[at(h, a, j)] = out[3]!;
    h.fsy[at(h, j, a)] = out[4]!;
    h.fsy[at(h, a, j)] = out[5]!;
    h.fyy[at(h, j, a)] = h.fyy[at(h, a, j)] = out[6]!;
  }
  h.count++;
  h.theta = yy / sy;
}

/**
 * Solves A·X = B in place for the r×r matrix A and r×c right-hand sides B (row-major),
 * by Gaussian elimination with partial pivoting; false when A is singular to working
 * precision. r ≤ 2m, so O(r³) is nothing beside a pass over n.
 */
export function solve(A: Float64Array, B: Float64Array, r: number, c: number): boolean {
  let scale = 0;
  for (let i = 0; i < r * r; i++) scale = Math.max(scale, Math.abs(A[i]!));
  for (let k = 0; k < r; k++) {
    let p = k;
    for (let i = k + 1; i < r; i++) if (Math.abs(A[i * r + k]!) > Math.abs(A[p * r + k]!)) p = i;
    if (!(Math.abs(A[p * r + k]!) > Number.EPSILON * scale * r)) return false;
    if (p !== k) {
      for (let j = 0; j < r; j++) [A[k * r + j], A[p * r + j]] = [A[p * r + j]!, A[k * r + j]!];
      for (let j = 0; j < c; j++) [B[k * c + j], B[p * c + j]] = [B[p * c + j]!, B[k * c + j]!];
    }
    for (let i = k + 1; i < r; i++) {
      const l = A[i * r + k]! / A[k * r + k]!;
      for (let j = k; j < r; j++) A[i * r + j] = A[i * r + j]! - l * A[k * r + j]!;
      for (let j = 0; j < c; j++) B[i * c + j] = B[i * c + j]! - l * B[k * c + j]!;
    }
  }
  for (let k = r - 1; k >= 0; k--) {
    for (let j = 0; j < c; j++) {
      let v = B[k * c + j]!;
      for (let i = k + 1; i < r; i++) v -= A[k * r + i]! * B[i * c + j]!;
      B[k * c + j] = v / A[k * r + k]!;
    }
  }
  return B.every(Number.isFinite);
}

/**
 * The middle matrix M = [[−D, Lᵀ], [L, θSᵀS]]⁻¹ (2k × 2k, pairs oldest first), with
 * D = diag(sᵢᵀyᵢ) and L the strictly lower triangle of SᵀY; undefined when singular.
 */
export function middle(h: Memory): Float64Array | undefined {
  const k = h.count, r = 2 * k;
  const K = new Float64Array(r * r);
  for (let i = 0; i < k; i++) {
    const a = slot(h, i);
    K[i * r + i] = -h.sy[at(h, a, a)]!;
    for (let j = 0; j < k; j++) {
      const b = slot(h, j);
      if (i > j) K[(k + i) * r + j] = K[j * r + k + i] = h.sy[at(h, a, b)]!;
      K[(k + i) * r + k + j] = h.theta * h.ss[at(h, a, b)]!;
    }
  }
  const M = new Float64Array(r * r);
  for (let i = 0; i < r; i++) M[i * r + i] = 1;
  return solve(K, M, r, r) ? M : undefined;
}

/** out ← M·v for the r×r matrix M. */
export function matVec(M: Float64Array, v: Float64Array, out: Float64Array): Float64Array {
  const r = v.length;
  for (let i = 0; i < r; i++) {
    let s = 0;
    for (let j = 0; j < r; j++) s += M[i * r + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Row b of W = [Y θS] (pairs oldest first) into w. */
export function rowOfW(h: Memory, b: number, w: Float64Array): void {
  const k = h.count;
  for (let i = 0; i < k; i++) {
    const a = slot(h, i);
    w[i] = h.y[a]![b]!;
    w[k + i] = h.theta * h.s[a]![b]!;
  }
}

/** Wᵀv (2k) for a vector v of length n: yₐᵀv and sₐᵀv of each pair in one pass. */
export function wTimes(h: Memory, v: Float64Array, out: Float64Array): Float64Array {
  const k = h.count, n = v.length;
  for (let i = 0; i < k; i++) {
    const a = slot(h, i);
    const y = h.y[a]!, s = h.s[a]!;
    if (y.length !== n || s.length !== n) throw new Error("wTimes: lengths differ");
    let yv = 0, sv = 0;
    for (let e = 0; e < n; e++) {
      yv += y[e]! * v[e]!;
      sv += s[e]! * v[e]!;
    }
    out[i] = yv;
    out[k + i] = h.theta * sv;
  }
  return out;
}

/** out ← out + Σⱼ coefⱼ·(column j of W), over all n elements. */
export function addW(h: Memory, coef: Float64Array, out: Float64Array): void {
  const k = h.count, n = out.length;
  for (let i = 0; i < k; i++) {
    const a = slot(h, i);
    const cy = coef[i]!, cs = h.theta * coef[k + i]!;
    const y = h.y[a]!, s = h.s[a]!;
    if (y.length !== n || s.length !== n) throw new Error("addW: lengths differ");
    for (let e = 0; e < n; e++) out[e] = out[e]! + cy * y[e]! + cs * s[e]!;
  }
}
