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
  // Two searches at a time, their iterations in step: one pass over the poles evaluates
  // g for both, about 1.5 times as fast as two passes (each sum is a chain of dependent
  // additions, and two chains overlap), with each root's arithmetic unchanged: the same
  // bits as one root at a time. A search that ends hands its slot to the next root, so
  // that pairs stay full.
  const a = search();
  const b = search();
  let next = 0;
  // Takes the result of s's search once it has ended, and starts the next root's in s.
  const settle = (s: Search): void => {
    while (!s.active) {
      if (s.i >= 0) {
        pole[s.i] = s.K;
        tau[s.i] = s.tau;
        s.i = -1;
      }
      if (next === k) return;
      begin(d, z, rho, next++, s);
    }
  };
  settle(a);
  settle(b);
  while (a.active || b.active) {
    if (a.active && b.active) {
      // evaluatePair wants the one with the lower p first.
      if (a.p <= b.p) evaluatePair(d, z, rho, a, b);
      else evaluatePair(d, z, rho, b, a);
      advance(d, z, a);
      advance(d, z, b);
    } else {
      const s = a.active ? a : b;
      evaluate(d, z, rho, s.K, s.tau, s.p, s.at);
      advance(d, z, s);
    }
    settle(a);
    settle(b);
  }
  return { pole, tau };
}

/** g at λ = d_K + τ; g′'s parts from the poles ≤ p (ψ′) and ≥ p + 1 (φ′); g's rounding error bound. */
interface Evaluation {
  g: number;
  dpsi: number;
  dphi: number;
  bound: number;
}

/**
 * One root's search: the root i (−1 once its result is taken), its model's poles
 * p < q = p + 1 (the root's neighbours, or the last two poles for the last root), the
 * pole K nearer the root, the bracket (lo, hi) and the iterate τ (offsets from d_K); the
 * evaluations made, whether the next one is the midpoint's, and whether it still runs;
 * `at` holds the latest evaluation (overwritten each time: the iteration allocates nothing).
 */
interface Search {
  i: number;
  p: number;
  last: boolean;
  K: number;
  lo: number;
  hi: number;
  tau: number;
  steps: number;
  mid: boolean;
  active: boolean;
  at: Evaluation;
}

/** A search slot, idle until begin. */
function search(): Search {
  return { i: -1, p: 0, last: false, K: 0, lo: 0, hi: 0, tau: 0, steps: 0, mid: false, active: false, at: { g: 0, dpsi: 0, dphi: 0, bound: 0 } };
}

/** Writes g and its parts at λ = d_K + τ into `at` (see Evaluation). */
function evaluate(d: Float64Array, z: Float64Array, rho: number, K: number, tau: number, p: number, at: Evaluation): void {
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
  finish(rho, tau, psi, dpsi, phi, dphi, at);
}

/**
 * evaluate for two points at once (pa ≤ pb), in one pass over the poles: every sum takes
 * its terms in the same order as evaluate's, so the results are the same bits. The
 * poles up to pa go to both ψ's, those up to pb to A's φ and B's ψ, the rest to both φ's.
 */
function evaluatePair(d: Float64Array, z: Float64Array, rho: number, a: Search, b: Search): void {
  const sums = pairSums.fill(0); // ψ, ψ′, φ, φ′ of A, then of B
  const dA = d[a.K]!;
  const dB = d[b.K]!;
  const tA = a.tau;
  const tB = b.tau;
  terms(d, z, dA, tA, dB, tB, 0, a.p + 1, 0, 4);
  terms(d, z, dA, tA, dB, tB, a.p + 1, b.p + 1, 2, 4);
  terms(d, z, dA, tA, dB, tB, b.p + 1, d.length, 2, 6);
  finish(rho, tA, sums[0]!, sums[1]!, sums[2]!, sums[3]!, a.at);
  finish(rho, tB, sums[4]!, sums[5]!, sums[6]!, sums[7]!, b.at);
}

/** evaluatePair's running sums: the iteration allocates nothing. */
const pairSums = new Float64Array(8);

/**
 * Poles j in [from, to) of evaluatePair: zⱼ²/(dⱼ − λ) and its square added to the sums at
 * pairSums[sa], [sa + 1] for point A (d_K = dA, τ = tA), at [sb], [sb + 1] for point B.
 */
function terms(d: Float64Array, z: Float64Array, dA: number, tA: number, dB: number, tB: number, from: number, to: number, sa: number, sb: number): void {
  const sums = pairSums;
  let sA = sums[sa]!;
  let dsA = sums[sa + 1]!;
  let sB = sums[sb]!;
  let dsB = sums[sb + 1]!;
  for (let j = from; j < to; j++) {
    const zj = z[j]!;
    const dj = d[j]!;
    const x = zj / (dj - dA - tA);
    const y = zj / (dj - dB - tB);
    sA += zj * x;
    dsA += x * x;
    sB += zj * y;
    dsB += y * y;
  }
  sums[sa] = sA;
  sums[sa + 1] = dsA;
  sums[sb] = sB;
  sums[sb + 1] = dsB;
}

/** g and its error bound from the sums. */
function finish(rho: number, tau: number, psi: number, dpsi: number, phi: number, dphi: number, at: Evaluation): void {
  // Each sum's terms share a sign (ψ's negative; φ's positive, or, for the last root,
  // its one term negative) and each term is computed to a few ulps, so g's rounding error
  // is a modest multiple of ε·Σ|terms|, plus what one ulp of τ moves g by.
  at.g = 1 / rho + psi + phi;
  at.dpsi = dpsi;
  at.dphi = dphi;
  at.bound = EPS * (8 * (Math.abs(psi) + Math.abs(phi)) + 2 / rho + Math.abs(tau) * (dpsi + dphi));
}

/**
 * The i-th root (ascending) of the secular equation, as its nearer pole K and λ − d_K.
 *
 * @example
 * secularRoot(Float64Array.of(2), Float64Array.of(1), 3, 0);
 * // { pole: 0, tau: 3 }: diag(2) + 3·1·1 has the eigenvalue 5
 */
export function secularRoot(d: Float64Array, z: Float64Array, rho: number, i: number): { pole: number; tau: number } {
  const s = search();
  find(d, z, rho, i, s);
  return { pole: s.K, tau: s.tau };
}

/** Root i's search, run to its end in s (the root: d[s.K] + s.tau). */
function find(d: Float64Array, z: Float64Array, rho: number, i: number, s: Search): void {
  begin(d, z, rho, i, s);
  while (s.active) {
    evaluate(d, z, rho, s.K, s.tau, s.p, s.at);
    advance(d, z, s);
  }
}

/** The search onward from its latest evaluation: the midpoint's decides the half, the others make a step. */
function advance(d: Float64Array, z: Float64Array, s: Search): void {
  if (s.mid) halve(z, s);
  else step(d, s);
}

/**
 * Sets up root i's search in s. The last root's bracket is known at once; for the
 * others, g at the midpoint of the poles (τ = half the gap from K = p, where s is left)
 * decides, by halve, which half holds the root. A lone pole's root is exact at once.
 */
function begin(d: Float64Array, z: Float64Array, rho: number, i: number, s: Search): void {
  const k = d.length;
  s.i = i;
  s.steps = 0;
  s.active = true;
  s.mid = false;
  if (k === 1) {
    s.K = 0;
    s.tau = rho * z[0]! * z[0]!;
    s.active = false;
    return;
  }
  s.last = i === k - 1;
  s.p = s.last ? k - 2 : i;
  if (s.last) {
    // g(d_{k−1} + ρ‖z‖²) ≥ 0, since every |dⱼ − λ| is then at least ρ‖z‖².
    let zz = 0;
    for (let j = 0; j < k; j++) zz += z[j]! * z[j]!;
    s.K = k - 1;
    s.lo = 0;
    s.hi = rho * zz;
    s.tau = s.hi;
    return;
  }
  s.K = s.p;
  s.tau = (d[s.p + 1]! - d[s.p]!) / 2;
  s.mid = true;
}

/** From g at the midpoint (in s.at, τ = half the gap from d_p): the root's half, its nearer pole, and the first iterate. */
function halve(z: Float64Array, s: Search): void {
  const { p } = s;
  const q = p + 1;
  const half = s.tau;
  const mid = s.at;
  s.mid = false;
  // The sign of g halfway between the poles tells which half holds the root, and so
  // which pole it is nearer: |τ| ≤ gap/2 keeps (dⱼ − d_K) − τ free of cancellation.
  if (Math.abs(mid.g) <= mid.bound) {
    s.active = false;
    return;
  }
  const below = mid.g > 0;
  s.K = below ? p : q;
  s.lo = below ? 0 : -half;
  s.hi = below ? half : 0;
  // The first iterate: the root of the model with the two poles' own terms, the rest
  // of g frozen at the midpoint (as dlaed4 starts).
  const hh = half * half;
  const from = below ? half : -half;
  s.tau = inside(from + modelStep(-half, half, mid.g, (z[p]! * z[p]!) / hh, (z[q]! * z[q]!) / hh, false, s.lo - from, s.hi - from), s.lo, s.hi);
}

/** One iteration from the evaluation at s.tau (in s.at): converged, or the next iterate. */
function step(d: Float64Array, s: Search): void {
  const { g, dpsi, dphi, bound } = s.at;
  s.steps++;
  if (Math.abs(g) <= bound) {
    s.active = false;
    return;
  }
  const { K, p, tau } = s;
  // g increases between poles, so its sign says on which side of τ the root lies.
  if (g < 0) s.lo = tau;
  else s.hi = tau;
  const dK = d[K]!;
  const next = inside(tau + modelStep(d[p]! - dK - tau, d[p + 1]! - dK - tau, g, dpsi, dphi, s.last, s.lo - tau, s.hi - tau), s.lo, s.hi);
  if (next === tau) s.active = false;
  else s.tau = next;
  // At most MAX_STEPS evaluations after the midpoint's.
  if (s.steps >= MAX_STEPS) s.active = false;
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
