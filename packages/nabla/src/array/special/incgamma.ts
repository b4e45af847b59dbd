// The regularized incomplete gamma ratios P(a, x) = γ(a, x)/Γ(a) and Q = 1 − P (scipy's
// gammainc and gammaincc) in float64. The regions follow DiDonato & Morris, "Computation
// of the incomplete gamma function ratios and their inverse", ACM TOMS 12 (1986), as
// Cephes and scipy arrange them:
// - the power series P = D·Σₙ xⁿ/((a+1)…(a+n)) (Numerical Recipes' gser), D = xᵃe⁻ˣ/Γ(a+1);
// - the continued fraction Q = a·D/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))) for
//   x > max(a, 1.1) (Numerical Recipes' gcf; its depth found by the modified Lentz method,
//   its value then computed backward);
// - for small x where Q is small, Q = −expm1(a·log x − lgamma(1+a)) − a·D·Σₙ₌₁ (−x)ⁿ/(n!(a+n))
//   (from DLMF 8.7.3), which avoids 1 − P;
// - for a ≥ 200 with x/a within 20% of 1, where both of those need O(√a) terms (and their
//   rounding errors add up to tens of ulps), Temme's uniform expansion (DLMF 8.12.8–8.12.10)
//   Q = ½·erfc(η√(a/2)) + e^{−aη²/2}/√(2πa)·Σₖ cₖ(η)a⁻ᵏ, η²/2 = λ − 1 − log λ, λ = x/a, with
//   c₀ … c₆ (the next term is below 1e−19 of the sum; as scipy, after DiDonato & Morris).
// D comes from xᵃ, eˣ and Γ separately while they fit in range, else from its logarithm
// written as −a·φ(x/a) − ½·log(2πa) − Δ(a) (φ(λ) = λ − 1 − log λ: no cancellation for large a).
import { erfc } from "./erf.js";
import { gamma, lgamma1p, stirlingDelta } from "./gamma.js";

/** Taylor coefficients of Temme's c₀ … c₆ in η (scripts/fixtures/special_coefficients.py). */
export const TEMME = [
  [
    -0.3333333333333333, 0.08333333333333333, -0.014814814814814815, 0.0011574074074074073, 0.0003527336860670194,
    -0.0001787551440329218, 3.919263178522438e-5, -2.185448510679992e-6, -1.85406221071516e-6, 8.296711340953087e-7,
    -1.7665952736826078e-7, 6.707853543401498e-9, 1.0261809784240309e-8, -4.382036018453353e-9, 9.14769958223679e-10,
    -2.5514193994946248e-11, -5.830772132550426e-11, 2.4361948020667415e-11,
  ],
  [
    -0.001851851851851852, -0.003472222222222222, 0.0026455026455026454, -0.0009902263374485596,
    0.00020576131687242798, -4.018775720164609e-7, -1.8098550334489977e-5, 7.64916091608111e-6,
    -1.6120900894563446e-6, 4.647127802807434e-9, 1.378633446915721e-7, -5.752545603517705e-8, 1.1951628599778148e-8,
    -1.7543241719747647e-11, -1.0091543710600413e-9, 4.162792991842583e-10, -8.56390702649298e-11,
    6.067215101604758e-14,
  ],
  [
    0.004133597883597883, -0.0026813271604938273, 0.0007716049382716049, 2.0093878600823047e-6,
    -0.0001073665322636516, 5.2923448829120125e-5, -1.2760635188618728e-5, 3.423578734096138e-8,
    1.3721957309062934e-6, -6.298992138380055e-7, 1.4280614206064242e-7, -2.0477098421990866e-10,
    -1.409252991086752e-8, 6.228974084922022e-9, -1.3670488396617114e-9, 9.428356159014678e-13,
    1.2872252400089318e-10, -5.5645956134363323e-11,
  ],
  [
    0.0006494341563786008, 0.00022947209362139917, -0.0004691894943952557, 0.00026772063206283885,
    -7.561801671883977e-5, -2.396505113867297e-7, 1.1082654115347302e-5, -5.6749528269915965e-6,
    1.4230900732435883e-6, -2.7861080291528143e-11, -1.6958404091930278e-7, 8.099464905388083e-8,
    -1.9111168485973655e-8, 2.3928620439808118e-12, 2.0620131815488797e-9, -9.460496661855133e-10,
    2.1541049775774907e-10, -1.388823336813903e-14,
  ],
  [
    -0.0008618882909167117, 0.0007840392217200666, -0.0002990724803031902, -1.4638452578843418e-6,
    6.641498215465122e-5, -3.968365047179435e-5, 1.1375726970678419e-5, 2.507497226237533e-10, -1.6954149536558305e-6,
    8.907507532205309e-7, -2.292934834000805e-7, 2.956794137544049e-11, 2.8865829742708783e-8, -1.4189739437803219e-8,
    3.4463580499464896e-9, -2.3024517174528067e-13, -3.9409233028046403e-10, 1.86023389685045e-10,
  ],
  [
    -0.00033679855336635813, -6.972813758365857e-5, 0.0002772753244959392, -0.00019932570516188847,
    6.797780477937208e-5, 1.419062920643967e-7, -1.3594048189768693e-5, 8.018470256334202e-6, -2.291481176508095e-6,
    -3.252473551298454e-10, 3.4652846491085265e-7, -1.8447187191171344e-7, 4.8240967037894184e-8,
    -1.7989466721743514e-14, -6.306194500013523e-9, 3.162417628774568e-9, -7.840924253697429e-10,
    5.192679165254041e-15,
  ],
  [
    0.0005313079364639922, -0.0005921664373536939, 0.0002708782096718045, 7.902353232660328e-7, -8.153969367561969e-5,
    5.61168275310625e-5, -1.8329116582843375e-5, -3.0796134506033047e-9, 3.465155368803609e-6, -2.0291327396058603e-6,
    5.788792863149004e-7, 2.338630673826657e-13, -8.828600746330484e-8, 4.7435958880408125e-8, -1.2545415020710383e-8,
    8.649648858010293e-14, 1.6846058979264062e-9, -8.575492823577594e-10,
  ],
];
export const MAX_ITER = 1e6;
export const EPS = 1.1102230246251565e-16;

/** u − log1p(u) for u > −1, without cancellation near 0 (log1p(u) = 2·atanh(u/(2+u))). */
export function log1pmxNeg(u: number): number {
  if (u < -0.5 || u > 1) return u - Math.log1p(u);
  const s = u / (2 + u);
  const s2 = s * s;
  let term = s * s2;
  let sum = 0;
  for (let k = 3; Math.abs(term) > 1e-20 * Math.abs(s); k += 2) {
    sum += term / k;
    term *= s2;
  }
  return (u * u) / (2 + u) - 2 * sum;
}

/** φ(λ) = λ − 1 − log λ for λ = x/a, from x − a near λ = 1 and from x/a elsewhere. */
function phi(a: number, x: number): number {
  const u = (x - a) / a;
  return u >= -0.5 && u <= 1 ? log1pmxNeg(u) : x / a - 1 - Math.log(x / a);
}

/** log of xᵃe⁻ˣ/Γ(a+1), for a > 0 and x > 0. */
export function logPrefactor(a: number, x: number): number {
  if (a < 30) return a * Math.log(x) - x - lgamma1p(a);
  return -a * phi(a, x) - 0.5 * Math.log(2 * Math.PI * a) - stirlingDelta(a);
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * xᵃe⁻ˣ/Γ(a+1) from its factors while they are in range, as q·q/Γ(a+1) with
 * q = x^{a/2}·e^{−x/2} (pow and exp are good to an ulp given exact arguments; the halves
 * stay in range to a = 170, x = 1400); else from its logarithm, whose rounding costs
 * about |log D| ulps.
 */
export function prefactor(a: number, x: number): number {
  if (a <= 170 && a > 1e-300 && x < 1400) {
    const q = Math.pow(x, 0.5 * a) * Math.exp(-0.5 * x);
    if (q > 1e-290 && q < 1e290) {
      const r = q * (q / (a * gamma(a)));
      if (r >= MIN_NORMAL) return r;
    }
  }
  return Math.exp(logPrefactor(a, x));
}

/** P by its power series. */
function seriesP(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (term <= EPS * sum) break;
  }
  return prefactor(a, x) * sum;
}

/**
 * The depth at which the continued fraction for Q has converged (forward, by the
 * modified Lentz method).
 */
export function fractionDepth(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  for (let n = 1; n < MAX_ITER; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    if (Math.abs(d * c - 1) <= EPS) return n;
  }
  return MAX_ITER;
}

/**
 * Q by the continued fraction, for x > 1 and x > a: Lentz finds the depth, then the
 * fraction is evaluated backward from a little deeper, whose rounding errors are damped
 * instead of multiplied along (1 ulp against Lentz's ~10 at x ≈ 2).
 */
function fractionQ(a: number, x: number): number {
  const depth = Math.ceil(1.25 * fractionDepth(a, x)) + 10;
  let f = x + 2 * depth + 1 - a;
  for (let n = depth; n >= 1; n--) f = x + 2 * n - 1 - a - (n * (n - a)) / f;
  return (a * prefactor(a, x)) / f;
}

/** Q for small x (DLMF 8.7.3), free of the cancellation in 1 − P. */
function smallXQ(a: number, x: number): number {
  let fac = 1;
  let sum = 0;
  for (let n = 1; n < MAX_ITER; n++) {
    fac *= -x / n;
    const term = fac / (a + n);
    sum += term;
    if (Math.abs(term) <= EPS * Math.abs(sum)) break;
  }
  const e = a * Math.log(x) - lgamma1p(a);
  return -Math.expm1(e) - a * Math.exp(e) * sum;
}

/** Σₖ cₖ(η)·a⁻ᵏ of Temme's expansion. */
function temmeSum(eta: number, a: number): number {
  let sum = 0;
  for (let k = TEMME.length - 1; k >= 0; k--) {
    const c = TEMME[k]!;
    let ck = c[c.length - 1]!;
    for (let i = c.length - 2; i >= 0; i--) ck = ck * eta + c[i]!;
    sum = sum / a + ck;
  }
  return sum;
}

/** η of Temme's expansion: sign(λ − 1)·√(2φ(λ)), λ = x/a. */
export function temmeEta(a: number, x: number): number {
  const eta = Math.sqrt(2 * phi(a, x));
  return x < a ? -eta : eta;
}

/** Q (upper = true) or P by Temme's expansion. */
function temme(a: number, x: number, upper: boolean): number {
  const eta = temmeEta(a, x);
  const y = eta * Math.sqrt(0.5 * a);
  const r = (Math.exp(-0.5 * a * eta * eta) / Math.sqrt(2 * Math.PI * a)) * temmeSum(eta, a);
  return upper ? 0.5 * erfc(y) + r : 0.5 * erfc(-y) - r;
}

/** Where Temme's expansion is used: a ≥ 200 and |x/a − 1| ≤ 0.2. */
export const inTemme = (a: number, x: number) => a >= 200 && Math.abs(x - a) <= 0.2 * a;

/** Special cases shared by P and Q: the value of P, or undefined to compute. */
export function edgeP(a: number, x: number): number | undefined {
  if (!(a >= 0 && x >= 0)) return NaN; // NaN too
  if (a === 0) return x > 0 ? 1 : NaN;
  if (x === 0) return 0;
  if (a === Infinity) return x === Infinity ? NaN : 0;
  if (x === Infinity) return 1;
  return undefined;
}

/**
 * Which of 1 − (series P) and the small-x series of Q gives Q for x ≤ 1.1 (DiDonato &
 * Morris's boundaries): the first where a is large enough that P is small.
 */
export const seriesForQ = (a: number, x: number) => (x <= 0.5 ? -0.4 / Math.log(x) < a : x * 1.1 < a);

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) for a, x ≥ 0.
 *
 * @example
 * gammainc(1, 2); // 0.8646647167633873 (1 − e⁻²)
 */
export function gammainc(a: number, x: number): number {
  const edge = edgeP(a, x);
  if (edge !== undefined) return edge;
  if (inTemme(a, x)) return temme(a, x, false);
  if (x > 1 && x > a) return 1 - gammaincc(a, x);
  return seriesP(a, x);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x) for a, x ≥ 0,
 * accurate where it is small.
 *
 * @example
 * gammaincc(1, 40); // 4.2483542552915904e-18 (e⁻⁴⁰)
 */
export function gammaincc(a: number, x: number): number {
  const edge = edgeP(a, x);
  if (edge !== undefined) return edge === edge ? 1 - edge : edge;
  if (inTemme(a, x)) return temme(a, x, true);
  if (x > 1.1) return x < a ? 1 - seriesP(a, x) : fractionQ(a, x);
  return seriesForQ(a, x) ? 1 - seriesP(a, x) : smallXQ(a, x);
}
