// The subspace step of L-BFGS-B: the free set at the Cauchy point, minimization of the
// model over it (with projection or backtracking into the box), and the search direction.
import type { Box } from "../bounds.js";
import { norm2 } from "../vec.js";
import { addW, at, matVec, middle, reset, slot, solve, wTimes, type Memory } from "./lbfgsb-memory.js";
import { cauchy, type Work } from "./lbfgsb-cauchy.js";

/** The step bound of an unconstrained search (scipy's `big`). */
export const BIG = 1e10;

/**
 * Marks the variables strictly inside the box at the Cauchy point as free, and corrects
 * the free-variable products for each variable that entered (+) or left (−) the set.
 * Returns how many are free.
 */
function updateFree(h: Memory, xc: Float64Array, box: Box): number {
  const { lo, hi } = box;
  const { free } = h;
  const k = h.count;
  const sv = new Float64Array(k), yv = new Float64Array(k);
  let nFree = 0;
  for (let i = 0; i < xc.length; i++) {
    const now = lo[i]! < xc[i]! && xc[i]! < hi[i]! ? 1 : 0;
    nFree += now;
    if (now === free[i]) continue;
    free[i] = now;
    if (k === 0) continue;
    const sign = now ? 1 : -1;
    for (let a = 0; a < k; a++) {
      sv[a] = h.s[slot(h, a)]![i]!;
      yv[a] = h.y[slot(h, a)]![i]!;
    }
    for (let a = 0; a < k; a++) {
      const sa = slot(h, a);
      for (let b = 0; b < k; b++) {
        const e = at(h, sa, slot(h, b));
        h.fss[e] = h.fss[e]! + sign * sv[a]! * sv[b]!;
        h.fsy[e] = h.fsy[e]! + sign * sv[a]! * yv[b]!;
        h.fyy[e] = h.fyy[e]! + sign * yv[a]! * yv[b]!;
      }
    }
  }
  return nFree;
}

/** WᵀZZᵀW (2k × 2k, pairs oldest first) from the free-variable products. */
function freeGram(h: Memory): Float64Array {
  const k = h.count, r = 2 * k, th = h.theta;
  const A = new Float64Array(r * r);
  for (let i = 0; i < k; i++) {
    const a = slot(h, i);
    for (let j = 0; j < k; j++) {
      const b = slot(h, j);
      A[i * r + j] = h.fyy[at(h, a, b)]!;
      A[i * r + k + j] = th * h.fsy[at(h, b, a)]!;
      A[(k + i) * r + j] = th * h.fsy[at(h, a, b)]!;
      A[(k + i) * r + k + j] = th * th * h.fss[at(h, a, b)]!;
    }
  }
  return A;
}

/**
 * The subspace step over the free variables at the Cauchy point (the paper's direct
 * primal method): r̂ = Zᵀ(g + θ(xc − x) − W·M·c), and du = −B̂⁻¹r̂ with the reduced
 * B̂ = θI − ZᵀW·M·WᵀZ inverted by Sherman–Morrison–Woodbury:
 * B̂⁻¹ = I/θ + ZᵀW·(I − M·WᵀZZᵀW/θ)⁻¹·M·WᵀZ/θ². With r₀ = Zᵀ(g + θ(xc − x)), WᵀZr̂ is
 * WᵀZr₀ − WᵀZZᵀW·Mc, so r̂ itself is never formed: du = −r₀/θ + ZᵀW·(Mc/θ − u/θ²) with
 * u = (I − M·WᵀZZᵀW/θ)⁻¹·M·WᵀZr̂, one pass over W where the textbook order takes two.
 * Leaves du in w.r (0 on fixed variables).
 */
function subspaceStep(x: Float64Array, g: Float64Array, h: Memory, M: Float64Array | undefined, c: Float64Array, w: Work): void {
  const { xc, r: du } = w;
  const { free, theta } = h;
  const n = x.length, rr = 2 * h.count;
  for (let i = 0; i < n; i++) du[i] = free[i] ? g[i]! + theta * (xc[i]! - x[i]!) : 0;
  if (!M) {
    for (let i = 0; i < n; i++) du[i] = -du[i]! / theta;
    return;
  }
  const mc = matVec(M, c, new Float64Array(rr));
  const A = freeGram(h);
  const v = wTimes(h, du, new Float64Array(rr));
  for (let i = 0; i < rr; i++) {
    let s = 0;
    for (let j = 0; j < rr; j++) s += A[i * rr + j]! * mc[j]!;
    v[i] = v[i]! - s;
  }
  // N = I − M·A/θ.
  const N = new Float64Array(rr * rr);
  for (let i = 0; i < rr; i++) {
    for (let j = 0; j < rr; j++) {
      let s = 0;
      for (let l = 0; l < rr; l++) s += M[i * rr + l]! * A[l * rr + j]!;
      N[i * rr + j] = (i === j ? 1 : 0) - s / theta;
    }
  }
  const u = matVec(M, v, new Float64Array(rr));
  // A singular N (dependent free rows of W) drops the correction: B̂ ≈ θI there.
  const solved = solve(N, u, rr, 1);
  for (let i = 0; i < rr; i++) mc[i] = mc[i]! / theta - (solved ? u[i]! / (theta * theta) : 0);
  for (let i = 0; i < n; i++) du[i] = -du[i]! / theta;
  addW(h, mc, du);
  for (let i = 0; i < n; i++) if (!free[i]) du[i] = 0;
}

/**
 * x̄ from the Cauchy point and the subspace step (into w.xc): the projection P(xc + du)
 * (Morales & Nocedal 2011) when x̄ − x is a descent direction, else xc + α·du with the
 * largest α ≤ 1 that stays in the box (the 1995 paper's backtracking).
 */
function subspacePoint(x: Float64Array, g: Float64Array, box: Box, w: Work): void {
  const { xc, r: du, d } = w;
  const { lo, hi } = box;
  const n = x.length;
  let slope = 0;
  for (let i = 0; i < n; i++) {
    d[i] = Math.min(Math.max(xc[i]! + du[i]!, lo[i]!), hi[i]!);
    slope += (d[i]! - x[i]!) * g[i]!;
  }
  if (slope < 0) {
    xc.set(d);
    return;
  }
  let alpha = 1;
  for (let i = 0; i < n; i++) {
    const v = du[i]!;
    if (v > 0) alpha = Math.min(alpha, (hi[i]! - xc[i]!) / v);
    else if (v < 0) alpha = Math.min(alpha, (lo[i]! - xc[i]!) / v);
  }
  for (let i = 0; i < n; i++) xc[i] = xc[i]! + alpha * du[i]!;
}

/**
 * d = x̄ − x into w.d; returns gᵀd, ‖d‖₂ and the largest step along d that stays in the
 * box (≥ 1, as x̄ is in it; BIG where nothing bounds it).
 */
function direction(x: Float64Array, g: Float64Array, box: Box, w: Work): { slope: number; size: number; stpmax: number } {
  const { xc, d } = w;
  const { lo, hi } = box;
  // Infinity, not BIG: a start V8 sees as an integer makes it guess the minimum stays one.
  let slope = 0, stpmax = Infinity;
  for (let i = 0; i < x.length; i++) {
    const di = (d[i] = xc[i]! - x[i]!);
    slope += g[i]! * di;
    if (di < 0 && lo[i]! > -Infinity) stpmax = Math.min(stpmax, (lo[i]! - x[i]!) / di);
    else if (di > 0 && hi[i]! < Infinity) stpmax = Math.min(stpmax, (hi[i]! - x[i]!) / di);
  }
  return { slope, size: norm2(d), stpmax: Math.min(BIG, Math.max(1, stpmax)) };
}

/** The search direction of one iteration in w.d, from the Cauchy point and the subspace step. */
export function searchDirection(x: Float64Array, g: Float64Array, box: Box, h: Memory, w: Work): { slope: number; size: number; stpmax: number } {
  const M = h.count > 0 ? middle(h) : undefined;
  // A singular middle matrix means nearly dependent pairs: start the memory over.
  if (h.count > 0 && !M) reset(h);
  const c = new Float64Array(2 * h.count);
  cauchy(x, g, box, h, M, w, c);
  const nFree = updateFree(h, w.xc, box);
  if (nFree > 0) {
    subspaceStep(x, g, h, M, c, w);
    subspacePoint(x, g, box, w);
  }
  return direction(x, g, box, w);
}
