// The generalized Cauchy point of bounded trust-ncg (Lin & Moré 1999, TRON's `dcauchy`):
// a step along the projected steepest-descent path P(x − α·g) that decreases the quadratic
// model enough and stays in the trust region, with α found by backtracking (×0.1) or
// extrapolation (×10) from the previous iteration's α.
import type { Box } from "../bounds.js";
import { dot, norm2 } from "../vec.js";

/** The quadratic model ψ(s) = gᵀs + ½sᵀHs of f(x + s) − f(x), over a box, within a radius. */
export interface BoxModel {
  x: Float64Array;
  g: Float64Array;
  box: Box;
  radius: number;
  /** H·v at x. */
  hv: (v: Float64Array) => Float64Array;
}

/** A point y = x + s of the box with H·s and the model value ψ(s). */
export interface ModelPoint {
  y: Float64Array;
  s: Float64Array;
  hs: Float64Array;
  psi: number;
}

/** Sufficient decrease of the model along a path: ψ(s) ≤ μ₀·(∇ψ)ᵀs (TRON's μ₀). */
export const MU0 = 0.01;
/** Factors of α for the Cauchy search: shrink by 10, grow by 10 (as TRON). */
const SHRINK = 0.1;
const GROW = 10;
/** A bound on trials per direction: after 60 shrinks by 10, α is far below any useful step. */
const MAX_TRIALS = 60;

/**
 * x itself as a model point (s = 0, ψ = 0).
 *
 * @example
 * origin(model).psi; // 0
 */
export function origin(m: BoxModel): ModelPoint {
  const n = m.x.length;
  return { y: Float64Array.from(m.x), s: new Float64Array(n), hs: new Float64Array(n), psi: 0 };
}

/** The α past which P(x − α·g) no longer moves (Infinity when some variable moves without end). */
function lastBreakpoint(m: BoxModel): number {
  const { x, g, box } = m;
  let t = 0;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    if (gi < 0) t = Math.max(t, (x[i]! - box.hi[i]!) / gi);
    else if (gi > 0) t = Math.max(t, (x[i]! - box.lo[i]!) / gi);
  }
  return t;
}

/** P(x − α·g) as a model point when it lies in the trust region and decreases ψ enough; else undefined. */
function tryAlpha(m: BoxModel, alpha: number): ModelPoint | undefined {
  const { x, g, box } = m;
  const y = x.map((xi, i) => Math.min(Math.max(xi - alpha * g[i]!, box.lo[i]!), box.hi[i]!));
  const s = y.map((yi, i) => yi - x[i]!);
  // Outside the region the model is not trusted: no Hessian product is spent there.
  if (!(norm2(s) <= m.radius)) return undefined;
  const hs = m.hv(s);
  const gs = dot(g, s);
  const psi = gs + 0.5 * dot(s, hs);
  return psi <= MU0 * gs ? { y, s, hs, psi } : undefined;
}

/**
 * The generalized Cauchy point from the trial step `alpha0` (the last iteration's α): the
 * first α = alpha0·10⁻ᵏ that passes both tests, or, when alpha0 passes, the last
 * alpha0·10ᵏ that still does (stopping once the path no longer moves). Each trial costs one
 * Hessian-vector product. When no trial passes (a model that is NaN), x itself.
 *
 * @example
 * const { point, alpha } = cauchyPoint(model, 1); // point.psi < 0 unless x is a KKT point
 */
export function cauchyPoint(m: BoxModel, alpha0: number): { point: ModelPoint; alpha: number } {
  let alpha = alpha0;
  let point = tryAlpha(m, alpha);
  if (point === undefined) {
    for (let k = 0; k < MAX_TRIALS && point === undefined; k++) {
      alpha *= SHRINK;
      point = tryAlpha(m, alpha);
    }
    return point === undefined ? { point: origin(m), alpha: alpha0 } : { point, alpha };
  }
  const last = lastBreakpoint(m);
  for (let k = 0; k < MAX_TRIALS && alpha < last; k++) {
    const next = tryAlpha(m, alpha * GROW);
    if (next === undefined) break;
    alpha *= GROW;
    point = next;
  }
  return { point, alpha };
}
