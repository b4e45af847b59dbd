// One step of Trust Region Reflective (Branch, Coleman & Li, "A subspace, interior, and
// conjugate gradient method for large-scale bound-constrained minimization problems",
// 1999), as scipy's trf: the trust-region subproblem in the Coleman–Li variables x = d∘x̂
// solved through one SVD, then the best of three candidate steps kept strictly inside the
// box: the trust-region step cut short of the bound (by θ), its reflection off the bound,
// and the antigradient cut the same way.
import { Storage } from "../array/index.js";
import { ConcreteArray } from "../core/index.js";
import { svd } from "../linalg/index.js";
import { inBox, minimizeQuadratic, quadraticAlong, quadraticAt, rayThroughBall, stepToBound } from "./least-squares-box.js";
import { norm2 } from "./vec.js";


/** The SVD A = U·diag(s)·Vᵀ of a row-major rows×cols matrix, with V as cols×k and Uᵀb. */
export interface Factored {
  s: Float64Array;
  /** V, row-major cols×k (k = min(rows, cols)). */
  V: Float64Array;
  /** Uᵀb for the right-hand side given. */
  ub: Float64Array;
}

/**
 * The SVD of `A` (rows×cols, row-major) and Uᵀb.
 *
 * @example
 * factor(Float64Array.of(3, 0, 0, 4), 2, 2, Float64Array.of(1, 1)).s; // [4, 3]
 */
export function factor(A: Float64Array, rows: number, cols: number, b: Float64Array): Factored {
  const [U, s, Vt] = svd(new ConcreteArray(new Storage("float64", [rows, cols], A.slice())), { fullMatrices: false });
  const sv = s.toFloat64Array();
  const k = sv.length;
  const u = U.toFloat64Array();
  const vt = Vt.toFloat64Array();
  const V = new Float64Array(cols * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < cols; j++) V[j * k + i] = vt[i * cols + j]!;
  const ub = new Float64Array(k);
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) ub[c] = ub[c]! + u[i * k + c]! * b[i]!;
  return { s: sv, V, ub };
}

/** −V·(coefficients): a step from its coordinates on V's columns. */
function fromCoefficients(V: Float64Array, c: Float64Array, n: number): Float64Array {
  const k = c.length;
  const p = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) p[j] = p[j]! - V[j * k + i]! * c[i]!;
  return p;
}

/**
 * min ‖A·p + b‖ over ‖p‖ ≤ Δ from A's SVD (Moré's method, as scipy's
 * solve_lsq_trust_region): the Gauss–Newton step if it fits, else the damped step
 * p(α) = −V·(S² + α)⁻¹·S·Uᵀb with ‖p(α)‖ within 1% of Δ by Newton's method on α,
 * started from the previous α. `m` is the number of residuals (a wide J is never full rank).
 *
 * @example
 * solveTrustRegion(factor(Float64Array.of(1, 0, 0, 1), 2, 2, Float64Array.of(3, 4)), 2, 2, 1, 0).p; // [-0.6, -0.8]
 */
export function solveTrustRegion(f: Factored, n: number, m: number, radius: number, alpha0: number): { p: Float64Array; alpha: number } {
  const { s, V, ub } = f;
  const k = s.length;
  const suf = s.map((si, i) => si * ub[i]!);
  const fullRank = m >= n && k > 0 && s[k - 1]! > Number.EPSILON * m * s[0]!;
  if (fullRank) {
    const p = fromCoefficients(V, ub.map((u, i) => u / s[i]!), n);
    if (norm2(p) <= radius) return { p, alpha: 0 };
  }
  if (norm2(suf) === 0) return { p: new Float64Array(n), alpha: 0 };
  const phiAt = (alpha: number) => {
    const c = suf.map((v, i) => v / (s[i]! ** 2 + alpha));
    const pNorm = norm2(c);
    const slope = -suf.reduce((sum, v, i) => sum + v * v / (s[i]! ** 2 + alpha) ** 3, 0) / pNorm;
    return { phi: pNorm - radius, slope };
  };
  let upper = norm2(suf) / radius;
  let lower = 0;
  if (fullRank) {
    const { phi, slope } = phiAt(0);
    lower = -phi / slope;
  }
  const safeguard = () => Math.max(1e-3 * upper, Math.sqrt(lower * upper));
  let alpha = !fullRank && alpha0 === 0 ? safeguard() : alpha0;
  for (let it = 0; it < 10; it++) {
    if (alpha < lower || alpha > upper) alpha = safeguard();
    const { phi, slope } = phiAt(alpha);
    if (phi < 0) upper = alpha;
    const ratio = phi / slope;
    lower = Math.max(lower, alpha - ratio);
    alpha -= ((phi + radius) * ratio) / radius;
    if (Math.abs(phi) < 0.01 * radius) break;
  }
  const p = fromCoefficients(V, suf.map((v, i) => v / (s[i]! ** 2 + alpha)), n);
  const scale = radius / norm2(p);
  return { p: p.map((v) => v * scale), alpha };
}

/** The quadratic model in the hat variables: J_h = J·diag(d) (m×n), g_h = d∘g, diag_h = g∘dv. */
export interface HatModel {
  Jh: Float64Array;
  m: number;
  gh: Float64Array;
  diagh: Float64Array;
  d: Float64Array;
}

const scaled = (a: Float64Array, t: number) => a.map((v) => v * t);

/**
 * scipy's select_step: the trust-region step p̂ if x + d∘p̂ stays in the box; otherwise
 * the best (lowest model value) of p̂ cut at θ of the way to the bound, its reflection off
 * the bound (minimized along the reflected ray inside the box and the region), and the
 * antigradient cut likewise. Returns the step, its hat form and the predicted reduction.
 *
 * @example
 * selectStep(x, model, solveTrustRegion(f, n, m, radius, 0).p, radius, lo, hi, 0.995).step; // stays strictly inside
 */
export function selectStep(x: Float64Array, model: HatModel, pHat: Float64Array, radius: number, lo: Float64Array, hi: Float64Array, theta: number): { step: Float64Array; stepHat: Float64Array; predicted: number } {
  const { Jh, m, gh, diagh, d } = model;
  const toX = (h: Float64Array) => h.map((v, i) => v * d[i]!);
  const p = toX(pHat);
  if (inBox(x.map((v, i) => v + p[i]!), lo, hi)) return { step: p, stepHat: pHat, predicted: -quadraticAt(Jh, m, gh, pHat, diagh) };
  const { t: pStride, hits } = stepToBound(x, p, lo, hi);
  // Reflection: the components that hit a bound change sign from the bound on.
  const rHat0 = pHat.map((v, i) => (hits[i] !== 0 ? -v : v));
  const pHatB = scaled(pHat, pStride);
  const xOnBound = x.map((v, i) => v + pStride * p[i]!);
  const [, toRegion] = rayThroughBall(pHatB, rHat0, radius);
  const { t: toBound } = stepToBound(xOnBound, toX(rHat0), lo, hi);
  const rStride = Math.min(toBound, toRegion);
  let [rLo, rHi] = [0, -1];
  if (rStride > 0) [rLo, rHi] = [((1 - theta) * pStride) / rStride, rStride === toBound ? theta * toBound : toRegion];
  let rHat = rHat0;
  let rValue = Infinity;
  if (rLo <= rHi) {
    const { a, b, c } = quadraticAlong(Jh, m, gh, rHat0, diagh, pHatB);
    const best = minimizeQuadratic(a, b, rLo, rHi, c);
    rHat = rHat0.map((v, i) => v * best.t + pHatB[i]!);
    rValue = best.value;
  }
  const cutHat = scaled(pHatB, theta);
  const cutValue = quadraticAt(Jh, m, gh, cutHat, diagh);
  // The antigradient, cut at θ of the way to the bound if that comes before the region's edge.
  const agHat0 = gh.map((v) => -v);
  const agToRegion = radius / norm2(agHat0);
  const { t: agToBound } = stepToBound(x, toX(agHat0), lo, hi);
  const agMax = agToBound < agToRegion ? theta * agToBound : agToRegion;
  const { a, b } = quadraticAlong(Jh, m, gh, agHat0, diagh);
  const ag = Number.isFinite(agMax) ? minimizeQuadratic(a, b, 0, agMax) : { t: 0, value: 0 };
  const agHat = scaled(agHat0, ag.t);
  if (cutValue < rValue && cutValue < ag.value) return { step: toX(cutHat), stepHat: cutHat, predicted: -cutValue };
  if (rValue < cutValue && rValue < ag.value) return { step: toX(rHat), stepHat: rHat, predicted: -rValue };
  return { step: toX(agHat), stepHat: agHat, predicted: -ag.value };
}
