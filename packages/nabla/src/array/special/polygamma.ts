// polygamma ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹·n!·ζ(n+1, x) for n ≥ 1 (and ψ for n = 0), with the Hurwitz zeta
// ζ(s, q) = Σₖ (q+k)⁻ˢ summed directly (from the smallest term up) until the terms are
// negligible or q + k passes a point w, and the rest by Euler–Maclaurin summation
// (DLMF 2.10.1; the scheme of Cephes' zeta): ∫ + ½(q+N)⁻ˢ + Σⱼ B₂ⱼ/(2j)!·s(s+1)…(s+2j−2)·(q+N)^{−s−2j+1}.
// With 12 correction terms and w ≥ 0.82·(s + 24) the first omitted one is below 1e−17 of the sum.
// Below 0 the reflection formula ψ⁽ⁿ⁾(x) = (−1)ⁿψ⁽ⁿ⁾(1−x) − πⁿ⁺¹·Pₙ(cot πx), with
// P₀(c) = c and Pₖ₊₁(c) = −(1 + c²)·Pₖ′(c) (the n-th derivative of π·cot πx), bounds the
// direct sum's length and avoids its cancellation (terms of both signs for odd n); the
// polynomials' coefficients all share a sign, so they cancel nothing either.
import { cotPi, digamma, lgamma } from "./gamma.js";

/** B₂ⱼ/(2j)!, j = 1..12. */
const EULER_MACLAURIN = [
  0.08333333333333333, -0.001388888888888889, 3.306878306878307e-5, -8.267195767195768e-7, 2.08767569878681e-8,
  -5.284190138687493e-10, 1.3382536530684679e-11, -3.3896802963225827e-13, 8.586062056277845e-15,
  -2.174868698558062e-16, 5.5090028283602295e-18, -1.3954464685812522e-19,
];

/**
 * Euler–Maclaurin's tail Σ_{k≥0} (a+k)⁻ˢ, given aPow = a⁻ˢ and aPow1 = a¹⁻ˢ (or the same
 * multiple of both; a¹⁻ˢ is passed apart because a·a⁻ˢ underflows first for huge a).
 */
function tail(s: number, a: number, aPow: number, aPow1: number): number {
  let sum = aPow1 / (s - 1) + 0.5 * aPow;
  let factor = (s * aPow) / a; // s·a^{−s−1}
  const inv2 = 1 / (a * a);
  for (let j = 0; j < EULER_MACLAURIN.length; j++) {
    const term = EULER_MACLAURIN[j]! * factor;
    sum += term;
    if (Math.abs(term) <= 1e-18 * Math.abs(sum)) break;
    factor *= (s + 2 * j + 1) * (s + 2 * j + 2) * inv2;
  }
  return sum;
}

/** The point from which Euler–Maclaurin takes over. */
const start = (s: number) => Math.max(10, 0.82 * (s + 24));

/** ζ(s, q) for an integer s ≥ 2 and q not in {0, −1, −2, …}. */
function hurwitzZeta(s: number, q: number): number {
  const terms: number[] = [];
  let k = 0;
  for (; q + k < start(s); k++) {
    const t = Math.pow(q + k, -s);
    terms.push(t);
    // Large s decays fast: stop once the terms are negligible.
    if (q + k > 0 && k > 0 && Math.abs(t) <= 1e-18 * Math.abs(terms[0]!)) return sumBackwards(terms);
  }
  terms.push(tail(s, q + k, Math.pow(q + k, -s), Math.pow(q + k, 1 - s)));
  return sumBackwards(terms);
}

/** qˢ·ζ(s, q) for q > 0, each term (1 + k/q)⁻ˢ from log1p (no under- or overflow). */
function hurwitzZetaScaled(s: number, q: number): number {
  const terms: number[] = [];
  let k = 0;
  for (; q + k < start(s); k++) {
    const t = Math.exp(-s * Math.log1p(k / q));
    terms.push(t);
    if (k > 0 && t <= 1e-18) return sumBackwards(terms);
  }
  const scaled = Math.exp(-s * Math.log1p(k / q));
  terms.push(tail(s, q + k, scaled, (q + k) * scaled));
  return sumBackwards(terms);
}

/** Pₙ(c): the n-th derivative of cot πx is πⁿ·Pₙ(cot πx). */
function cotDerivative(n: number, c: number): number {
  let p = [0, 1]; // coefficients of c⁰, c¹, …
  for (let k = 0; k < n; k++) {
    const next = new Array<number>(p.length + 1).fill(0);
    for (let j = 1; j < p.length; j++) {
      next[j - 1]! -= j * p[j]!;
      next[j + 1]! -= j * p[j]!;
    }
    p = next;
  }
  let sum = 0;
  for (let j = p.length - 1; j >= 0; j--) sum = sum * c + p[j]!;
  return sum;
}

/** Σ of terms from the last (smallest) to the first. */
function sumBackwards(terms: readonly number[]): number {
  let sum = 0;
  for (let i = terms.length - 1; i >= 0; i--) sum += terms[i]!;
  return sum;
}

/**
 * The polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of digamma, for integer n ≥ 0:
 * NaN for other n; ±∞ at the poles 0, −1, −2, … (the sign of (−1)ⁿ⁺¹, as scipy).
 *
 * @example
 * polygamma(1, 1); // 1.6449340668482264 (π²/6)
 */
export function polygamma(n: number, x: number): number {
  // n = ∞ is no order (and its direct sum would never end): NaN, as for n = 1.5.
  if (!Number.isInteger(n) || n < 0 || x !== x) return NaN;
  if (n === 0) return digamma(x);
  const sign = n % 2 === 1 ? 1 : -1;
  if (x <= 0 && x === Math.floor(x)) return sign * Infinity; // poles, and −∞
  if (x === Infinity) return sign * 0;
  if (x < 0) {
    // Past n = 170, n! alone overflows and the nearest pole's term (x − round x)⁻ⁿ⁻¹ is
    // larger still: ±∞, with that term's sign (and Pₙ would cost O(n²)).
    if (n > 170) return sign * (x < Math.round(x) && n % 2 === 0 ? -1 : 1) * Infinity;
    return (n % 2 === 1 ? -1 : 1) * polygamma(n, 1 - x) - Math.pow(Math.PI, n + 1) * cotDerivative(n, cotPi(x));
  }
  const s = n + 1;
  let fact = n > 170 ? Infinity : 1;
  for (let k = 2; k <= n && fact < Infinity; k++) fact *= k;
  const r = fact * hurwitzZeta(s, x);
  if (Math.abs(r) >= 2.2250738585072014e-308 && Math.abs(r) < Infinity) return sign * r;
  // n! or ζ alone over- or underflowed: n!·ζ = (n!·x⁻ˢ)·(xˢζ), the first factor as the
  // product of k/x (at most n roundings; it falls to its end when x > n, and never below
  // ~e⁻ˣ otherwise), or from logarithms (relative error ~|log|·2⁻⁵³) when that fails.
  const scaled = hurwitzZetaScaled(s, x);
  if (n <= 1000) {
    let prod = 1 / x;
    for (let k = 1; k <= n && prod > 0 && prod < Infinity; k++) prod *= k / x;
    if (prod > 0 && prod < Infinity) return sign * prod * scaled;
  }
  return sign * Math.exp(lgamma(s) - s * Math.log(x) + Math.log(scaled));
}
