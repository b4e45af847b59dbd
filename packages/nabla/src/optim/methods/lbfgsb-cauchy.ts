// The generalized Cauchy point of L-BFGS-B: the breakpoints of the projected steepest-
// descent path, the heap that yields them in order, and the run's work buffers.
import type { Box } from "../bounds.js";
import { dot } from "../vec.js";
import { matVec, rowOfW, wTimes, type Memory } from "./lbfgsb-memory.js";

/** A binary min-heap of variable indices keyed by their breakpoints t (buffers of size n). */
interface Heap {
  idx: Int32Array;
  t: Float64Array;
  size: number;
}

function siftDown(hp: Heap, i: number): void {
  const { idx, t } = hp;
  for (;;) {
    const l = 2 * i + 1, r = l + 1;
    let m = i;
    if (l < hp.size && t[idx[l]!]! < t[idx[m]!]!) m = l;
    if (r < hp.size && t[idx[r]!]! < t[idx[m]!]!) m = r;
    if (m === i) return;
    [idx[i], idx[m]] = [idx[m]!, idx[i]!];
    i = m;
  }
}

function pop(hp: Heap): number {
  const top = hp.idx[0]!;
  hp.idx[0] = hp.idx[--hp.size]!;
  siftDown(hp, 0);
  return top;
}

/** Buffers of length n that live for the whole run (allocation-free iterations at large n). */
export interface Work {
  /** The Cauchy point, then the subspace minimizer x̄. */
  xc: Float64Array;
  /** The Cauchy path's direction, then the search direction x̄ − x. */
  d: Float64Array;
  /** The reduced gradient over the free variables (0 elsewhere), then the subspace step. */
  r: Float64Array;
  heap: Heap;
}

/** The run's buffers for n variables. */
export function work(n: number): Work {
  return { xc: new Float64Array(n), d: new Float64Array(n), r: new Float64Array(n), heap: { idx: new Int32Array(n), t: new Float64Array(n), size: 0 } };
}

/**
 * Breakpoints of the path x(t) = P(x − t·g) and its start: d = −g except for variables at
 * a bound that g pushes out (d = 0, fixed), the heap of finite breakpoints, and f′ = gᵀd.
 */
function breakpoints(x: Float64Array, g: Float64Array, box: Box, w: Work): number {
  const { lo, hi } = box;
  const { d, xc, heap } = w;
  let f1 = 0;
  heap.size = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!, gi = g[i]!;
    xc[i] = xi;
    if ((xi <= lo[i]! && gi >= 0) || (xi >= hi[i]! && gi <= 0)) {
      d[i] = 0;
      continue;
    }
    d[i] = -gi;
    f1 -= gi * gi;
    const t = gi < 0 ? (xi - hi[i]!) / gi : gi > 0 ? (xi - lo[i]!) / gi : Infinity;
    if (t < Infinity) {
      heap.t[i] = t;
      heap.idx[heap.size++] = i;
    }
  }
  for (let i = (heap.size >> 1) - 1; i >= 0; i--) siftDown(heap, i);
  return f1;
}

/**
 * The generalized Cauchy point (the paper's Algorithm CP): the first local minimizer of
 * the quadratic model along P(x − t·g), segment by segment between breakpoints taken in
 * increasing order, with f′ and f″ updated in O(k²) per breakpoint. Leaves it in w.xc,
 * and c = Wᵀ(xc − x) in `c`.
 */
export function cauchy(x: Float64Array, g: Float64Array, box: Box, h: Memory, M: Float64Array | undefined, w: Work, c: Float64Array): void {
  const r = 2 * h.count, theta = h.theta;
  const { d, xc, heap } = w;
  let f1 = breakpoints(x, g, box, w);
  c.fill(0);
  if (f1 === 0) return;
  const p = wTimes(h, d, new Float64Array(r));
  const wb = new Float64Array(r), mwb = new Float64Array(r);
  let f2 = -theta * f1 - (M ? dot(p, matVec(M, p, mwb)) : 0);
  const f2min = Number.EPSILON * f2;
  let dtm = -f1 / f2;
  let told = 0;
  while (heap.size > 0) {
    const b = heap.idx[0]!;
    const dt = heap.t[b]! - told;
    if (dtm < dt) break;
    pop(heap);
    // Variable b reaches its bound: fix it there, and step the model to this breakpoint.
    xc[b] = d[b]! > 0 ? box.hi[b]! : box.lo[b]!;
    const zb = xc[b]! - x[b]!, gb = g[b]!;
    for (let i = 0; i < r; i++) c[i] = c[i]! + dt * p[i]!;
    let wMc = 0, wMp = 0, wMw = 0;
    if (M) {
      rowOfW(h, b, wb);
      matVec(M, wb, mwb);
      [wMc, wMp, wMw] = [dot(mwb, c), dot(mwb, p), dot(mwb, wb)];
    }
    f1 += dt * f2 + gb * gb + theta * gb * zb - gb * wMc;
    // Morales–Nocedal: keep f″ positive against cancellation.
    f2 = Math.max(f2min, f2 - theta * gb * gb - 2 * gb * wMp - gb * gb * wMw);
    for (let i = 0; i < r; i++) p[i] = p[i]! + gb * wb[i]!;
    d[b] = 0;
    dtm = -f1 / f2;
    told += dt;
  }
  dtm = Math.max(0, dtm);
  told += dtm;
  const { lo, hi } = box;
  // The remaining moving variables stop at t = told (before their breakpoints, up to rounding).
  for (let i = 0; i < x.length; i++) if (d[i] !== 0) xc[i] = Math.min(Math.max(x[i]! + told * d[i]!, lo[i]!), hi[i]!);
  for (let i = 0; i < r; i++) c[i] = c[i]! + dtm * p[i]!;
}
