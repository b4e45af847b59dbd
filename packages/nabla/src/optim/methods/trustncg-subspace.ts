// The subspace phase of bounded trust-ncg (Lin & Moré 1999, TRON's `dspcg` without its
// incomplete-Cholesky preconditioner): from the Cauchy point, Steihaug CG on the variables
// strictly inside their bounds, then a projected search back into the box along the CG
// step; repeated while the search stops on a new bound and the reduced model gradient is
// still above the CG tolerance (at most once per variable, as each round fixes one more).
import { project } from "../bounds.js";
import { dot, norm2 } from "../vec.js";
import { MU0, type BoxModel, type ModelPoint } from "./trustncg-cauchy.js";

/** Halvings of the projected search before it settles for the first breakpoint. */
const MAX_HALVINGS = 60;

/** 1 where lo < yᵢ < hi (the variables CG may move), 0 at a bound; and their count. */
function freeMask(y: Float64Array, m: BoxModel): { free: Uint8Array; count: number } {
  const { lo, hi } = m.box;
  const free = new Uint8Array(y.length);
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    if (lo[i]! < y[i]! && y[i]! < hi[i]!) {
      free[i] = 1;
      count++;
    }
  }
  return { free, count };
}

/** The model gradient g + H·s on the free variables, 0 elsewhere. */
function reducedGradient(m: BoxModel, pt: ModelPoint, free: Uint8Array): Float64Array {
  return m.g.map((gi, i) => (free[i] ? gi + pt.hs[i]! : 0));
}

/** The τ > 0 with ‖u + τ·d‖ = radius, for u inside the region. */
function toSphere(u: Float64Array, d: Float64Array, radius: number): number {
  const dd = dot(d, d), ud = dot(u, d), uu = dot(u, u);
  return (-ud + Math.sqrt(Math.max(0, ud * ud + dd * (radius * radius - uu)))) / dd;
}

interface CGStep {
  w: Float64Array;
  /** H·w over all variables (the fixed ones too: ψ needs them). */
  hw: Float64Array;
  onBoundary: boolean;
}

/**
 * Steihaug CG on min rᵀw + ½wᵀHw over the free variables (w = 0 on the others), within
 * ‖s + w‖ ≤ radius: the region stays centred on x, not on the current point x + s.
 */
function steihaugFree(m: BoxModel, r: Float64Array, free: Uint8Array, s: Float64Array, tol: number, maxIter: number): CGStep {
  const n = r.length;
  const w = new Float64Array(n), hw = new Float64Array(n);
  const res = Float64Array.from(r);
  let d = res.map((v) => -v);
  let rr = dot(res, res);
  const moved = (t: number, hd: Float64Array, onBoundary: boolean): CGStep => {
    for (let i = 0; i < n; i++) {
      w[i] = w[i]! + t * d[i]!;
      hw[i] = hw[i]! + t * hd[i]!;
    }
    return { w, hw, onBoundary };
  };
  for (let j = 0; j < maxIter && Math.sqrt(rr) > tol; j++) {
    const hd = m.hv(d);
    const dhd = dot(d, hd);
    const u = s.map((si, i) => si + w[i]!);
    // Non-positive curvature, or a CG step leaving the region: go to its boundary along d.
    if (!(dhd > 0)) return moved(toSphere(u, d, m.radius), hd, true);
    const alpha = rr / dhd;
    if (norm2(u.map((ui, i) => ui + alpha * d[i]!)) >= m.radius) return moved(toSphere(u, d, m.radius), hd, true);
    moved(alpha, hd, false);
    for (let i = 0; i < n; i++) if (free[i]) res[i] = res[i]! + alpha * hd[i]!;
    const rrNew = dot(res, res);
    const beta = rrNew / rr;
    d = d.map((di, i) => -res[i]! + beta * di);
    rr = rrNew;
  }
  return { w, hw, onBoundary: false };
}

/** The smallest β > 0 at which y + β·w reaches a bound (Infinity if none does), and that variable. */
function firstBreakpoint(y: Float64Array, w: Float64Array, m: BoxModel): { t: number; index: number } {
  const { lo, hi } = m.box;
  let t = Infinity, index = -1;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i]!;
    const ti = wi > 0 ? (hi[i]! - y[i]!) / wi : wi < 0 ? (lo[i]! - y[i]!) / wi : Infinity;
    if (ti < t) [t, index] = [ti, i];
  }
  return { t, index };
}

/** A trial of the projected search: the point, and rᵀ(its step from the current point). */
interface Trial {
  point: ModelPoint;
  slope: number;
}

/**
 * P(y + β·w) as a model point; H·(its step from y) costs one product when the projection
 * (or `snap`, a variable put exactly on the bound w runs into) changed the step, else it
 * is β·Hw.
 */
function pointAlong(m: BoxModel, pt: ModelPoint, r: Float64Array, cg: CGStep, beta: number, snap = -1): Trial {
  const y = project(pt.y.map((yi, i) => yi + beta * cg.w[i]!), m.box, new Float64Array(pt.y.length));
  // Rounding may leave the variable that reaches its bound a hair inside: it would stay free.
  if (snap >= 0) y[snap] = cg.w[snap]! > 0 ? m.box.hi[snap]! : m.box.lo[snap]!;
  const delta = y.map((yi, i) => yi - pt.y[i]!);
  const clipped = delta.some((di, i) => di !== beta * cg.w[i]!);
  const hDelta = clipped ? m.hv(delta) : cg.hw.map((v) => beta * v);
  const slope = dot(r, delta);
  const psi = pt.psi + slope + 0.5 * dot(delta, hDelta);
  return { point: { y, s: pt.s.map((si, i) => si + delta[i]!), hs: pt.hs.map((v, i) => v + hDelta[i]!), psi }, slope };
}

/**
 * TRON's projected search (`dprsrch`): β = 1 when y + w stays in the box; else the first
 * β = 2⁻ᵏ with ψ(P(y + βw)) ≤ ψ(y) + μ₀·rᵀ(P(y + βw) − y), but never below the first
 * breakpoint (where one more variable reaches its bound, so each round makes progress).
 */
function projectedSearch(m: BoxModel, pt: ModelPoint, r: Float64Array, cg: CGStep): ModelPoint {
  const first = firstBreakpoint(pt.y, cg.w, m);
  if (!(first.t < 1)) return pointAlong(m, pt, r, cg, 1).point;
  let beta = 1;
  for (let k = 0; k < MAX_HALVINGS && beta > first.t; k++, beta *= 0.5) {
    const { point, slope } = pointAlong(m, pt, r, cg, beta);
    if (point.psi <= pt.psi + MU0 * slope) return point;
  }
  return pointAlong(m, pt, r, cg, first.t, first.index).point;
}

/**
 * The subspace phase from the Cauchy point `start`, with the CG tolerance `cgTol(reduced
 * gradient)` fixed at the Cauchy point: the final point of the iteration and whether it
 * lies on the trust region's boundary.
 *
 * @example
 * const { point } = subspaceStep(model, cauchyPoint(model, 1).point, (r) => 0.1 * norm2(r), 20 * n);
 */
export function subspaceStep(m: BoxModel, start: ModelPoint, cgTol: (r: Float64Array) => number, maxInner: number): { point: ModelPoint; onBoundary: boolean } {
  let pt = start;
  let tol = NaN;
  for (let round = 0; round < m.x.length; round++) {
    const { free, count } = freeMask(pt.y, m);
    if (count === 0) break;
    const r = reducedGradient(m, pt, free);
    const rNorm = norm2(r);
    if (round === 0) tol = cgTol(r);
    if (!(rNorm > tol)) break;
    const cg = steihaugFree(m, r, free, pt.s, tol, maxInner);
    const next = projectedSearch(m, pt, r, cg);
    // A NaN or infinite Hessian product spoils the model: keep the last sound point.
    if (!Number.isFinite(next.psi)) break;
    pt = next;
    // CG stopped at the region's edge: TRON ends the phase there, even when the search
    // then cut the step short at a bound.
    if (cg.onBoundary) break;
  }
  // Only a step that reached the edge lets the radius grow (not one stopped by the box).
  return { point: pt, onBoundary: norm2(pt.s) >= 0.99 * m.radius };
}
