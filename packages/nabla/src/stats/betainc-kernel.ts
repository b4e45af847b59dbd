// The regularized incomplete beta function I_x(a, b) and its derivatives in a and b, as
// float64 scalar functions (the kernels of stats/betainc.ts).
//
// I_x(a, b) = F·/T₁ with F = xᵃ(1 − x)ᵇ/(a·B(a, b)) and T₁ = 1 + d₁/(1 + d₂/(1 + …)) the
// continued fraction of Abramowitz & Stegun 26.5.8, d₂ₘ₊₁ = −(a + m)(a + b + m)x/((a + 2m)
// (a + 2m + 1)) and d₂ₘ = m(b − m)x/((a + 2m − 1)(a + 2m)); it converges fast for
// x < (a + 1)/(a + b + 2), and I_x(a, b) = 1 − I₁₋ₓ(b, a) covers the rest. The fraction is
// evaluated by the modified Lentz method (Thompson & Barnett, J. Comput. Phys. 64, 1986),
// which also finds the depth N it needs. The derivatives in a and b differentiate the
// same fraction: evaluated backwards from depth N + 8, Tₖ = 1 + dₖ/Tₖ₊₁ carries
// ∂Tₖ = (∂dₖ·Tₖ₊₁ − dₖ·∂Tₖ₊₁)/Tₖ₊₁², and ∂ log F is closed form (with ψ). The front factor
// F is formed from logarithms, its large parts cancelled analytically for a, b ≥ 8.
import { scalar } from "../array/index.js";

const { betaln, digamma } = scalar;

const EPS = 2 ** -53;
const TINY = 1e-300;
const MAX_TERMS = 1_000_000;

/** The k-th partial numerator dₖ (k ≥ 1) of the fraction, and its derivatives in a and b. */
function term(k: number, a: number, b: number, x: number): [number, number, number] {
  if (k % 2 === 1) {
    const m = (k - 1) / 2;
    const d = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    const dlogA = 1 / (a + m) + 1 / (a + b + m) - 1 / (a + 2 * m) - 1 / (a + 2 * m + 1);
    return [d, d * dlogA, d / (a + b + m)];
  }
  const m = k / 2;
  const den = (a + 2 * m - 1) * (a + 2 * m);
  const d = (m * (b - m) * x) / den;
  return [d, -d * (1 / (a + 2 * m - 1) + 1 / (a + 2 * m)), (m * x) / den];
}

/** T₁ by modified Lentz, and the depth at which it converged. */
function lentz(a: number, b: number, x: number): [number, number] {
  // T = 1 + d₁/(1 + d₂/(…)): f₀ = 1, then Cₖ = 1 + dₖ/Cₖ₋₁, Dₖ = 1/(1 + dₖ·Dₖ₋₁), f *= Cₖ·Dₖ.
  let f = 1;
  let C = 1;
  let D = 0;
  for (let k = 1; k <= MAX_TERMS; k++) {
    const d = term(k, a, b, x)[0];
    D = 1 + d * D;
    C = 1 + d / C;
    if (Math.abs(D) < TINY) D = TINY;
    if (Math.abs(C) < TINY) C = TINY;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) return [f, k];
  }
  return [f, MAX_TERMS];
}

/** Stirling's remainder Δ(z) = log Γ(z) − (z − ½)log z + z − ½log 2π, for z ≥ 8 (A&S 6.1.41). */
function stirlingRemainder(z: number): number {
  const r = 1 / (z * z);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360 - r / 156)))))) / z;
}

const HALF_LOG_2PI = 0.9189385332046728;

/**
 * Where the fraction is evaluated: x, y = 1 − x and their logarithms, each formed from the
 * caller's x without rounding away its information (log y = log1p(−x) for the x given, and
 * after the exchange x ↔ 1 − x the logarithms swap, so that log x stays exact).
 */
interface Point {
  x: number;
  y: number;
  logx: number;
  logy: number;
}

const at = (x: number): Point => ({ x, y: 1 - x, logx: Math.log(x), logy: Math.log1p(-x) });
const exchanged = (p: Point): Point => ({ x: p.y, y: p.x, logx: p.logy, logy: p.logx });

/**
 * log F = a·log x + b·log(1 − x) − log a − log B(a, b). For a, b ≥ 8 the large terms are
 * cancelled analytically (the arrangement of DiDonato & Morris's BRCOMP, ACM TOMS 708):
 * with x₀ = a/(a + b), a·log(x/x₀) + b·log((1 − x)/(1 − x₀)) = a·g(x/x₀ − 1) + b·g((1 − x)/(1 −
 * x₀) − 1), g(t) = log(1 + t) − t (the linear terms sum to 0), and Stirling's series gives
 * a·log x₀ + b·log(1 − x₀) − log B(a, b) = ½log(ab/(a + b)) − ½log 2π + Δ(a + b) − Δ(a) − Δ(b).
 */
function logFront(a: number, b: number, p: Point): number {
  if (!(a >= 8 && b >= 8)) return a * p.logx + b * p.logy - Math.log(a) - betaln(a, b);
  const s = a + b;
  const ta = (p.x * s - a) / a;
  const tb = (p.y * s - b) / b;
  const g = (t: number) => Math.log1p(t) - t;
  const stirling = 0.5 * Math.log((a * b) / s) - HALF_LOG_2PI + stirlingRemainder(s) - stirlingRemainder(a) - stirlingRemainder(b);
  return a * g(ta) + b * g(tb) + stirling - Math.log(a);
}

/**
 * The largest a and b taken: the fraction needs ~√min(a, b) terms near the mean, and
 * beyond this its terms lose the digits of their index.
 */
export const BETAINC_MAX_PARAMETER = 1e12;

/** The arguments' edge cases: a value for them, or undefined where the fraction applies. */
function edge(a: number, b: number, x: number): number | undefined {
  const ok = a >= 0 && b >= 0 && x >= 0 && x <= 1 && a <= BETAINC_MAX_PARAMETER && b <= BETAINC_MAX_PARAMETER;
  if (!ok || (a === 0 && b === 0)) return NaN;
  if (a === 0 || x === 1) return 1;
  if (b === 0 || x === 0) return 0;
  return undefined;
}

/** Whether the fraction is taken at 1 − x with a and b exchanged. */
const flipped = (a: number, b: number, x: number): boolean => x > (a + 1) / (a + b + 2);

/** F/T₁: the fraction at the point itself, for x ≤ (a + 1)/(a + b + 2), where it converges fast. */
const fraction = (a: number, b: number, p: Point): number => Math.exp(logFront(a, b, p)) / lentz(a, b, p.x)[0];

/**
 * The regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b) for 0 ≤ a, b ≤
 * 1e12 and 0 ≤ x ≤ 1 (scipy's betainc; NaN elsewhere), or with `upper` its complement
 * 1 − I_x(a, b) (scipy's betaincc), each formed without subtracting from 1 on the side of
 * x where it is small, so that both keep their relative accuracy in their tails.
 *
 * @example
 * betainc(2, 3, 0.5); // 0.6875
 */
export function betainc(a: number, b: number, x: number, upper = false): number {
  const e = edge(a, b, x);
  if (e !== undefined) return upper ? 1 - e : e;
  if (flipped(a, b, x)) {
    const v = fraction(b, a, exchanged(at(x)));
    return upper ? v : 1 - v;
  }
  const v = fraction(a, b, at(x));
  return upper ? 1 - v : v;
}

/**
 * ∂I_x(a, b)/∂a (`wrt` 0) or ∂/∂b (`wrt` 1), by differentiating the continued fraction
 * and the front factor; 0 where I is constant (x = 0 or 1), NaN where I is.
 *
 * @example
 * betaincGrad(2, 3, 0.5, 0); // -0.19528868661947596
 */
export function betaincGrad(a: number, b: number, x: number, wrt: number): number {
  const e = edge(a, b, x);
  if (e !== undefined) return Number.isNaN(e) ? NaN : 0;
  return flipped(a, b, x) ? -fractionGrad(b, a, exchanged(at(x)), 1 - wrt) : fractionGrad(a, b, at(x), wrt);
}

/** ∂(F/T₁)/∂a (`wrt` 0) or ∂/∂b (`wrt` 1), by the backward recurrence described above. */
function fractionGrad(a: number, b: number, p: Point, wrt: number): number {
  const depth = lentz(a, b, p.x)[1] + 8;
  let T = 1;
  let dT = 0;
  for (let k = depth; k >= 1; k--) {
    const [d, da, db] = term(k, a, b, p.x);
    const dd = wrt === 0 ? da : db;
    const next = 1 + d / T;
    dT = (dd * T - d * dT) / (T * T);
    T = next;
  }
  const psiAB = digamma(a + b);
  const dLogFront = wrt === 0 ? p.logx - 1 / a - digamma(a) + psiAB : p.logy - digamma(b) + psiAB;
  return (Math.exp(logFront(a, b, p)) / T) * (dLogFront - dT / T);
}
