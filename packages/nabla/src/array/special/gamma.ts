// log|Γ|, Γ and digamma in float64.
// - lgamma: Stirling's series for x ≥ 13; in between, the recurrence Γ(x) = (x−1)·Γ(x−1)
//   down to [1.5, 2.5), where lgamma(2 + e) is its Taylor series about 2 (Abramowitz &
//   Stegun 6.1.33: (1−γ)e + Σ (−1)ᵏ(ζ(k)−1)eᵏ/k), which keeps full relative accuracy at the
//   zeros x = 1 and 2 (the arrangement of Cephes' lgam, with the series in place of its
//   rational fit); reflection Γ(x)Γ(1−x) = π/sin πx below 0, with sin πx reduced exactly.
// - digamma: the asymptotic series for x ≥ 10; the recurrence ψ(x) = ψ(x−1) + 1/(x−1) down
//   to [1.5, 2.5) (every term positive there: no cancellation); the series of ψ about 2
//   (from A&S 6.3.14: 1 − γ + Σ (−1)ⁿ(ζ(n)−1)zⁿ⁻¹), and near the positive root x₀ its
//   Taylor series about x₀ (as scipy does), with x₀ as a double-double so that ψ keeps
//   its relative accuracy through the zero; reflection ψ(1−x) − ψ(x) = π·cot πx below 0.
// The constants are printed by scripts/fixtures/special_coefficients.py.

export const EULER = 0.5772156649015329;
const HALF_LOG_2PI = 0.9189385332046728;

/** ζ(k) − 1 for k = 2, 3, …, 40. */
export const ZETA_M1 = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914,
  0.008349277381922827, 0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853, 0.0004941886041194645,
  0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-5, 3.058823630702049e-5, 1.528225940865187e-5,
  7.637197637899763e-6, 3.81729326499984e-6, 1.908212716553939e-6, 9.539620338727962e-7, 4.769329867878064e-7,
  2.38450502727733e-7, 1.1921992596531106e-7, 5.960818905125948e-8, 2.980350351465228e-8, 1.4901554828365043e-8,
  7.45071178983543e-9, 3.725334024788457e-9, 1.862659723513049e-9, 9.313274324196682e-10,
];

/** (−1)ᵏ(ζ(k) − 1)/k, k = 2..27: lgamma(2 + e) = e·((1 − γ) + e·Σ …) for |e| ≤ ½. */
const LGAMMA_2 = ZETA_M1.slice(0, 26).map((z, i) => ((i & 1 ? -1 : 1) * z) / (i + 2));
/** (−1)ⁿ(ζ(n) − 1), n = 2..30: ψ(2 + z) = 1 − γ + z·Σ … for |z| ≤ ½. */
const DIGAMMA_2 = ZETA_M1.slice(0, 29).map((z, i) => (i & 1 ? -1 : 1) * z);

/** The positive root of ψ as a double-double. */
const ROOT_HI = 1.4616321449683622;
const ROOT_LO = 9.549995429965697e-17;
/** ψ⁽ᵏ⁾(x₀)/k! = (−1)ᵏ⁺¹ζ(k+1, x₀), k = 1..30. */
const DIGAMMA_ROOT = [
  0.9676722454476212, -0.4427631689835921, 0.258499760955651, -0.16394270544240652, 0.10782405069126237,
  -0.07219956125645471, 0.04880428816414311, -0.03316112647484736, 0.022597648232218104, -0.01542476590494896,
  0.010538791616612175, -0.007204534386356869, 0.004926781395729853, -0.003369801655439328, 0.002305126326734928,
  -0.0015769367714301972, 0.0010788252019162967, -0.0007380709389960052, 0.000504953265834602, -0.0003454680251063077,
  0.00023635601564027053, -0.00016170622091974803, 0.0001106337276874741, -7.569179582195066e-5, 5.178575795222081e-5,
  -3.5430070947659604e-5, 2.424006611860132e-5, -1.6584242271854135e-5, 1.134638458466385e-5, -7.762817668462094e-6,
];

/** B₂ₖ/(2k(2k−1)), k = 1..10: Stirling's series for lgamma. */
const STIRLING = [
  0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953, 0.0008417508417508417,
  -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242, 0.17964437236883057, -1.3924322169059011,
];
/** B₂ₖ/(2k), k = 1..10: the asymptotic series of ψ. */
const DIGAMMA_ASYMPTOTIC = [
  0.08333333333333333, -0.008333333333333333, 0.003968253968253968, -0.004166666666666667, 0.007575757575757576,
  -0.021092796092796094, 0.08333333333333333, -0.4432598039215686, 3.0539543302701198, -26.456212121212122,
];

/** c₀ + z·(c₁ + z·(…)). */
function horner(c: readonly number[], z: number): number {
  let s = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) s = s * z + c[i]!;
  return s;
}

/**
 * lgamma(x) − [(x − ½)·log x − x + ½·log 2π], the tail of Stirling's series (x ≥ 8: the
 * first omitted term is below 2e−18).
 */
export function stirlingDelta(x: number): number {
  return horner(STIRLING, 1 / (x * x)) / x;
}

/** lgamma(2 + e) for |e| ≤ ½, exact at e = 0. */
function lgamma2p(e: number): number {
  return e * (1 - EULER + e * horner(LGAMMA_2, e));
}

/** |sin πx|, with x reduced mod 2 exactly. */
function absSinPi(x: number): number {
  const a = Math.abs(x - 2 * Math.round(0.5 * x));
  if (a <= 0.25) return Math.sin(Math.PI * a);
  if (a <= 0.75) return Math.cos(Math.PI * (a - 0.5));
  return Math.sin(Math.PI * (1 - a));
}

/** cot πx for non-integer x, with x reduced mod 1 exactly. */
export function cotPi(x: number): number {
  const r = x - Math.round(x);
  const a = Math.abs(r);
  const c = a <= 0.25 ? 1 / Math.tan(Math.PI * a) : Math.tan(Math.PI * (0.5 - a));
  return r < 0 ? -c : c;
}

/**
 * log|Γ(x)| (scipy's gammaln): +∞ at the poles 0, −1, −2, …
 *
 * @example
 * lgamma(0.5); // 0.5723649429247001 (log √π)
 */
export function lgamma(x: number): number {
  if (!(x > -Infinity && x < Infinity)) return x === x ? x : NaN; // ±∞ as scipy: −∞ → −∞
  if (Math.abs(x) < 1e-8) return -Math.log(Math.abs(x)) - EULER * x;
  if (x < 0) {
    if (x === Math.floor(x)) return Infinity;
    return Math.log(Math.PI / absSinPi(x)) - lgamma(1 - x);
  }
  if (x < 0.5) return lgamma2p(x) - Math.log1p(x) - Math.log(x);
  if (x < 1.5) return lgamma2p(x - 1) - Math.log1p(x - 1);
  if (x < 2.5) return lgamma2p(x - 2);
  if (x < 13) {
    // Γ(x) = (x−1)(x−2)…(x−n)·Γ(x−n): every x − k is exact, n ≤ 11 roundings in the product.
    const n = Math.floor(x - 1.5);
    let prod = 1;
    for (let k = 1; k <= n; k++) prod *= x - k;
    return lgamma2p(x - n - 2) + Math.log(prod);
  }
  return (x - 0.5) * (Math.log(x) - 1) + (HALF_LOG_2PI - 0.5) + stirlingDelta(x);
}

/**
 * lgamma(1 + a) without rounding 1 + a (for a > −1).
 *
 * @example
 * lgamma1p(1e-10); // -5.772156648192862e-11
 */
export function lgamma1p(a: number): number {
  if (Math.abs(a) <= 0.5) return lgamma2p(a) - Math.log1p(a);
  if (a > 0.5 && a < 1.5) return lgamma2p(a - 1);
  return lgamma(1 + a);
}

/**
 * Γ(x) for 0 < x ≤ 171.6, to a few ulps: exp of the series about 2 on [1.5, 2.5), times
 * the recurrence's product up to 30, and Stirling's formula with the power split in two
 * halves (no intermediate overflow) beyond.
 *
 * @example
 * gamma(5); // 24
 */
export function gamma(x: number): number {
  if (x >= 30) {
    const half = Math.pow(x, 0.5 * x - 0.25) * Math.exp(-0.5 * x);
    return half * (half * 2.5066282746310002) * Math.exp(stirlingDelta(x));
  }
  if (x < 1.5) {
    if (x >= 0.5) return Math.exp(lgamma2p(x - 1)) / x;
    return Math.exp(lgamma2p(x)) / (x * (1 + x));
  }
  const n = Math.floor(x - 1.5);
  let prod = 1;
  for (let k = 1; k <= n; k++) prod *= x - k;
  return Math.exp(lgamma2p(x - n - 2)) * prod;
}

/** ψ(x) for x in [0.5, 2.5), the base of the recurrence. */
function digammaBase(x: number): number {
  if (x >= ROOT_HI - 0.3 && x <= ROOT_HI + 0.3) {
    const e = x - ROOT_HI - ROOT_LO;
    return e * horner(DIGAMMA_ROOT, e);
  }
  // ψ(1 + z) = ψ(2 + z) − 1/(1 + z), and 1 + z = x exactly.
  if (x < 1.5) return 1 - EULER + (x - 1) * horner(DIGAMMA_2, x - 1) - 1 / x;
  return 1 - EULER + (x - 2) * horner(DIGAMMA_2, x - 2);
}

/**
 * The digamma function ψ = Γ′/Γ: ±∞ at 0 (by the sign of zero), NaN at the negative
 * integers (as scipy).
 *
 * @example
 * digamma(1); // -0.5772156649015329 (−γ)
 */
export function digamma(x: number): number {
  if (!(x > -Infinity)) return NaN;
  if (Math.abs(x) < 1e-8) return -1 / x - EULER;
  if (x < 0) {
    if (x === Math.floor(x)) return NaN;
    return digamma(1 - x) - Math.PI * cotPi(x);
  }
  if (x < 0.5) return digammaBase(1 + x) - 1 / x;
  if (x < 2.5) return digammaBase(x);
  if (x < 10) {
    // ψ(x) = ψ(x − n) + Σ 1/(x − k): the x − k are exact and the terms all positive
    // (summed smallest first).
    const n = Math.floor(x - 1.5);
    let sum = 0;
    for (let k = 1; k <= n; k++) sum += 1 / (x - k);
    return digammaBase(x - n) + sum;
  }
  const z = 1 / (x * x);
  return Math.log(x) - 0.5 / x - z * horner(DIGAMMA_ASYMPTOTIC, z);
}
