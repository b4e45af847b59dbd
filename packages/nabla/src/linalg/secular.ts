// The secular equation of a rank-one update, D + ρ·z·zᵀ with d₀ < d₁ < … < d_{k−1}, ρ > 0
// and every zⱼ ≠ 0 (deflation has removed the rest): its eigenvalues are the roots of
//   g(λ) = 1/ρ + Σⱼ zⱼ²/(dⱼ − λ),
// one in each (dᵢ, dᵢ₊₁) and the last in (d_{k−1}, d_{k−1} + ρ‖z‖²] (Golub 1973; Demmel,
// Applied Numerical Linear Algebra §5.3.3). Each root is kept as (K, τ), λ = d_K + τ with
// d_K the nearer pole, so that every difference dⱼ − λ = (dⱼ − d_K) − τ is computed to
// high relative accuracy: that is what makes the eigenvectors accurate (Gu & Eisenstat,
// SIAM J. Matrix Anal. Appl. 16, 1995), as in LAPACK's dlaed4. The iteration is Li's
// "middle way" (LAPACK Working Note 89): near the two poles p < q that bracket the root,
// g is modelled as c + s/(d_p − λ) + S/(d_q − λ) matching g and g′, and the model's root
// is the next iterate; a bracket kept from g's signs falls back to bisection whenever a
// step would leave it, so the iteration cannot wander off.

const EPS = 2 ** -52;
/** The middle way converges quadratically; bisection fallbacks need at most ~100 more. */
const MAX_STEPS = 200;

/** The roots of a secular equation: λᵢ = d[pole[i]] + tau[i]. */
export interface SecularRoots {
  pole: Int32Array;
  tau: Float64Array;
}

/**
 * All k roots of 1/ρ + Σⱼ zⱼ²/(dⱼ − λ) = 0 (d strictly ascending, ρ > 0, no zⱼ zero), as
 * offsets from their nearer poles.
 *
 * @example
 * const { pole, tau } = secularRoots(Float64Array.of(0, 1), Float64Array.of(Math.SQRT1_2, Math.SQRT1_2), 1);
 * // d[pole[i]] + tau[i] ≈ 1 − √2/2, 1 + √2/2: the eigenvalues of [[½, ½], [½, 3/2]]
 */
export function secularRoots(d: Float64Array, z: Float64Array, rho: number): SecularRoots {
  const k = d.length;
  const pole = new Int32Array(k);
  const tau = new Float64Array(k);
  for (let i = 0; i < k; i++) tau[i] = rootAt(d, z, rho, i, pole);
  return { pole, tau };
}

/** g at λ = d_K + τ; g′'s parts from the poles ≤ p (ψ′) and ≥ p + 1 (φ′); g's rounding error bound. */
interface Evaluation {
  g: number;
  dpsi: number;
  dphi: number;
  bound: number;
}

/** evaluate's result, one object overwritten by every call: the iteration allocates nothing. */
const at: Evaluation = { g: 0, dpsi: 0, dphi: 0, bound: 0 };

function evaluate(d: Float64Array, z: Float64Array, rho: number, K: number, tau: number, p: number): Evaluation {
  let psi = 0;
  let dpsi = 0;
  let phi = 0;
  let dphi = 0;
  const dK = d[K]!;
  const k = d.length;
  for (let j = 0; j <= p; j++) {
    const zj = z[j]!;
    const t = zj / (d[j]! - dK - tau);
    psi += zj * t;
    dpsi += t * t;
  }
  for (let j = p + 1; j < k; j++) {
    const zj = z[j]!;
    const t = zj / (d[j]! - dK - tau);
    phi += zj * t;
    dphi += t * t;
  }
  // Each sum's terms share a sign (ψ's negative; φ's positive, or, for the last root,
  // its one term negative) and each term is computed to a few ulps, so g's rounding error
  // is a modest multiple of ε·Σ|terms|, plus what one ulp of τ moves g by.
  at.g = 1 / rho + psi + phi;
  at.dpsi = dpsi;
  at.dphi = dphi;
  at.bound = EPS * (8 * (Math.abs(psi) + Math.abs(phi)) + 2 / rho + Math.abs(tau) * (dpsi + dphi));
  return at;
}

/**
 * The i-th root (ascending) of the secular equation, as its nearer pole K and λ − d_K.
 *
 * @example
 * secularRoot(Float64Array.of(2), Float64Array.of(1), 3, 0);
 * // { pole: 0, tau: 3 }: diag(2) + 3·1·1 has the eigenvalue 5
 */
export function secularRoot(d: Float64Array, z: Float64Array, rho: number, i: number): { pole: number; tau: number } {
  const pole = new Int32Array(i + 1);
  const tau = rootAt(d, z, rho, i, pole);
  return { pole: pole[i]!, tau };
}

/** secularRoot's τ, its pole K written to pole[i]. */
function rootAt(d: Float64Array, z: Float64Array, rho: number, i: number, pole: Int32Array): number {
  const k = d.length;
  if (k === 1) {
    pole[i] = 0;
    return rho * z[0]! * z[0]!;
  }
  // The model's poles p < q: the root's neighbours, or the last two poles for the last root.
  const last = i === k - 1;
  const p = last ? k - 2 : i;
  const q = p + 1;
  let K: number;
  let lo: number;
  let hi: number;
  let tau: number;
  if (last) {
    // g(d_{k−1} + ρ‖z‖²) ≥ 0, since every |dⱼ − λ| is then at least ρ‖z‖².
    let zz = 0;
    for (let j = 0; j < k; j++) zz += z[j]! * z[j]!;
    K = k - 1;
    lo = 0;
    hi = rho * zz;
    tau = hi;
  } else {
    // The sign of g halfway between the poles tells which half holds the root, and so
    // which pole it is nearer: |τ| ≤ gap/2 keeps (dⱼ − d_K) − τ free of cancellation.
    const half = (d[q]! - d[p]!) / 2;
    const mid = evaluate(d, z, rho, p, half, p);
    if (Math.abs(mid.g) <= mid.bound) {
      pole[i] = p;
      return half;
    }
    const below = mid.g > 0;
    K = below ? p : q;
    lo = below ? 0 : -half;
    hi = below ? half : 0;
    // The first iterate: the root of the model with the two poles' own terms, the rest
    // of g frozen at the midpoint (as dlaed4 starts).
    const hh = half * half;
    const from = below ? half : -half;
    tau = inside(from + modelStep(-half, half, mid.g, (z[p]! * z[p]!) / hh, (z[q]! * z[q]!) / hh, false, lo - from, hi - from), lo, hi);
  }
  const dK = d[K]!;
  for (let step = 0; step < MAX_STEPS; step++) {
    const { g, dpsi, dphi, bound } = evaluate(d, z, rho, K, tau, p);
    if (Math.abs(g) <= bound) break;
    // g increases between poles, so its sign says on which side of τ the root lies.
    if (g < 0) lo = tau;
    else hi = tau;
    const next = inside(tau + modelStep(d[p]! - dK - tau, d[q]! - dK - tau, g, dpsi, dphi, last, lo - tau, hi - tau), lo, hi);
    if (next === tau) break;
    tau = next;
  }
  pole[i] = K;
  return tau;
}

/** x if strictly inside (lo, hi), else the midpoint: a step that rounded onto a pole or the bracket's end is bisection's. */
function inside(x: number, lo: number, hi: number): number {
  return x > lo && x < hi ? x : lo + (hi - lo) / 2;
}

/**
 * The step η to the root of the middle-way model c + s/(δp − η) + S/(δq − η), δ = d − λ
 * at the current point, s = δp²·ψ′ and S = δq²·φ′ so that the model matches ψ′, φ′ and
 * g there: the root of c·η² − a·η + b = 0 (a = (δp + δq)·g − δp·δq·g′, b = δp·δq·g)
 * that lies between the poles (beyond q for the last root, where the model has one only
 * if c > 0), each root from a formula free of cancellation. Where neither is inside the
 * bracket (lo, hi), the bracket's midpoint.
 */
function modelStep(dp: number, dq: number, g: number, dpsi: number, dphi: number, last: boolean, lo: number, hi: number): number {
  const a = (dp + dq) * g - dp * dq * (dpsi + dphi);
  const b = dp * dq * g;
  const c = g - dp * dpsi - dq * dphi;
  if (c === 0) {
    const eta = b / a;
    return fits(eta, dp, dq, last, lo, hi) ? eta : lo + (hi - lo) / 2;
  }
  // The discriminant is ≥ 0 for the model in exact arithmetic; rounding may dent it.
  const t = a + (a >= 0 ? 1 : -1) * Math.sqrt(Math.abs(a * a - 4 * b * c));
  const first = t / (2 * c);
  if (fits(first, dp, dq, last, lo, hi)) return first;
  const second = (2 * b) / t;
  return fits(second, dp, dq, last, lo, hi) ? second : lo + (hi - lo) / 2;
}

/** Whether the step η lands between the poles (beyond q for the last root) and inside the bracket. */
function fits(eta: number, dp: number, dq: number, last: boolean, lo: number, hi: number): boolean {
  return (last ? dq - eta < 0 : dp - eta < 0 && dq - eta > 0) && eta > lo && eta < hi;
}

/**
 * Eigenvectors of the rank-one update whose eigenvalues are `roots`, orthogonal to
 * working precision however close the roots: instead of z, they use the ẑ for which the
 * computed roots are the exact eigenvalues of D + ρ·ẑ·ẑᵀ, by Löwner's formula
 *   ẑⱼ² = Πₗ (λₗ − dⱼ) / (ρ · Πₗ≠ⱼ (dₗ − dⱼ))
 * (Gu & Eisenstat 1995), its factors paired into ratios that interlacing keeps moderate,
 * so the running product over- or underflows only where ẑⱼ itself would; then
 * uᵢ = ±(D − λᵢ)⁻¹·ẑ, normalized. Component j of uᵢ goes to
 * U[rowOf[j]·k + i] (k×k, row-major): callers choose the row order their product needs.
 *
 * @example
 * const d = Float64Array.of(0, 1);
 * const z = Float64Array.of(Math.SQRT1_2, Math.SQRT1_2);
 * const U = new Float64Array(4);
 * secularVectors(d, z, 1, secularRoots(d, z, 1), U, Int32Array.of(0, 1));
 * // U's columns: the eigenvectors of [[0.5, 0.5], [0.5, 1.5]], in ascending order
 */
export function secularVectors(d: Float64Array, z: Float64Array, rho: number, roots: SecularRoots, U: Float64Array, rowOf: Int32Array): void {
  const k = d.length;
  const { pole, tau } = roots;
  const base = new Float64Array(k);
  for (let i = 0; i < k; i++) base[i] = d[pole[i]!]!;
  const sumSquares = new Float64Array(k);
  // Row j of U holds component j of every vector: 1/(λᵢ − dⱼ) (the negated vector, as
  // good), then ẑⱼ times that, once row j's factors of Löwner's product have given ẑⱼ.
  // λᵢ − dⱼ = (d_K − dⱼ) + τᵢ: the accurate differences, the same bits as the solver's.
  // The product's factors in the order i = 0, 1, …, k − 1, the i = j one without its ratio.
  for (let j = 0; j < k; j++) {
    const row = rowOf[j]! * k;
    const dj = d[j]!;
    let product = 1;
    for (let i = 0; i < j; i++) {
      const gap = base[i]! - dj + tau[i]!;
      U[row + i] = 1 / gap;
      product *= gap / (d[i]! - dj);
    }
    const own = base[j]! - dj + tau[j]!;
    U[row + j] = 1 / own;
    product *= own;
    for (let i = j + 1; i < k; i++) {
      const gap = base[i]! - dj + tau[i]!;
      U[row + i] = 1 / gap;
      product *= gap / (d[i]! - dj);
    }
    // Interlacing makes every factor positive; the sign is z's.
    const zj = Math.sqrt(product / rho) * (z[j]! < 0 ? -1 : 1);
    for (let i = 0; i < k; i++) {
      const u = zj * U[row + i]!;
      U[row + i] = u;
      sumSquares[i] = sumSquares[i]! + u * u;
    }
  }
  const scale = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ss = sumSquares[i]!;
    scale[i] = 1 / (ss > 2 ** -900 && ss < 2 ** 900 ? Math.sqrt(ss) : carefulNorm(U, rowOf, k, i));
  }
  for (let j = 0; j < k; j++) {
    const row = rowOf[j]! * k;
    for (let i = 0; i < k; i++) U[row + i] = U[row + i]! * scale[i]!;
  }
}

/** ‖column i of U‖, rescaled by its largest entry where the plain sum of squares over- or underflowed. */
function carefulNorm(U: Float64Array, rowOf: Int32Array, k: number, i: number): number {
  let big = 0;
  for (let j = 0; j < k; j++) big = Math.max(big, Math.abs(U[rowOf[j]! * k + i]!));
  if (big === 0 || big === Infinity) return big;
  let ss = 0;
  for (let j = 0; j < k; j++) ss += (U[rowOf[j]! * k + i]! / big) ** 2;
  return big * Math.sqrt(ss);
}
