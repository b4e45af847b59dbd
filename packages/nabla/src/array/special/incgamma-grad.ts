// ∂P(a, x)/∂a, the derivative of the regularized lower incomplete gamma function in its
// first argument (what JAX's igamma_grad_a gives). Each region of incgamma.ts is
// differentiated in closed form alongside its own evaluation (as XLA differentiates its
// series and continued fraction):
// - series P = D·S: ∂P/∂a = D·((log x − ψ(a+1))·S − Σₙ tₙhₙ), tₙ = Πₖ x/(a+k), hₙ = Σₖ 1/(a+k);
// - small-x Q = −expm1(E) − a·e^E·Σ: ∂Q/∂a = −e^E·(E′·(1 + a·Σ) + Σ + a·Σ′), E′ = log x − ψ(1+a);
// - continued fraction Q = a·D/f: ∂Q/∂a = a·D·((log x − ψ(a))/f − f′/f²), f′ by the same
//   backward recurrence (∂bₙ/∂a = −1, ∂aₙ/∂a = n);
// - Temme: with r = (λ−1)/η, ∂Q/∂a = e^{−aη²/2}/√(2πa)·(r − η/2 + (λ−1 − η²/2 − 1/(2a))·C + ∂C/∂a),
//   C = Σ cₖ(η)a⁻ᵏ, ∂η/∂a = −r/a.
// and ∂P/∂a = −∂Q/∂a where P is 1 − Q.
import { digamma, lgamma1p } from "./gamma.js";
import { EPS, MAX_ITER, TEMME, edgeP, fractionDepth, inTemme, prefactor, temmeEta } from "./incgamma.js";

function seriesGrad(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  let h = 0;
  let dsum = 0;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    h += 1 / (a + n);
    sum += term;
    dsum += term * h;
    if (term <= EPS * sum && term * h <= EPS * dsum) break;
  }
  return prefactor(a, x) * ((Math.log(x) - digamma(a + 1)) * sum - dsum);
}

/** ∂Q/∂a in the small-x region. */
function smallXGradQ(a: number, x: number): number {
  let fac = 1;
  let sum = 0;
  let dsum = 0;
  for (let n = 1; n < MAX_ITER; n++) {
    fac *= -x / n;
    const term = fac / (a + n);
    sum += term;
    dsum -= term / (a + n);
    if (Math.abs(term) <= EPS * Math.abs(sum)) break;
  }
  const e = a * Math.log(x) - lgamma1p(a);
  const de = Math.log(x) - digamma(1 + a);
  return -Math.exp(e) * (de * (1 + a * sum) + sum + a * dsum);
}

/** (f, ∂f/∂a) of the continued fraction's denominator, evaluated backward from `depth`. */
function fractionWithGrad(a: number, x: number, depth: number): [number, number] {
  let f = x + 2 * depth + 1 - a;
  let df = -1;
  for (let n = depth; n >= 1; n--) {
    const an = -n * (n - a);
    df = -1 + (n * f - an * df) / (f * f);
    f = x + 2 * n - 1 - a + an / f;
  }
  return [f, df];
}

/**
 * ∂Q/∂a by the continued fraction. Its derivative converges more slowly than its value
 * (at integer a the value's fraction even terminates, as aₙ = 0 at n = a, while ∂aₙ/∂a = n
 * does not), so the depth doubles until the derivative settles.
 */
function fractionGradQ(a: number, x: number): number {
  let depth = Math.ceil(1.25 * fractionDepth(a, x)) + 10;
  let [f, df] = fractionWithGrad(a, x, depth);
  for (let tries = 0; tries < 30 && depth < MAX_ITER; tries++) {
    depth *= 2;
    const [f2, df2] = fractionWithGrad(a, x, depth);
    const settled = Math.abs(df2 / (f2 * f2) - df / (f * f)) <= EPS * Math.abs(df2 / (f2 * f2)) && Math.abs(f2 - f) <= EPS * Math.abs(f2);
    [f, df] = [f2, df2];
    if (settled) break;
  }
  return a * prefactor(a, x) * ((Math.log(x) - digamma(a)) / f - df / (f * f));
}

/** ∂Q/∂a by Temme's expansion. */
function temmeGradQ(a: number, x: number): number {
  const eta = temmeEta(a, x);
  const lm1 = (x - a) / a;
  const r = eta === 0 ? 1 : lm1 / eta;
  let c = 0;
  let dc = 0;
  for (let k = TEMME.length - 1; k >= 0; k--) {
    const coef = TEMME[k]!;
    let ck = coef[coef.length - 1]!;
    let dck = 0;
    for (let i = coef.length - 2; i >= 0; i--) {
      dck = dck * eta + ck;
      ck = ck * eta + coef[i]!;
    }
    // ∂/∂a of cₖ(η)·a⁻ᵏ = cₖ′(η)·(−r/a)·a⁻ᵏ − k·cₖ·a⁻ᵏ⁻¹.
    dc = dc / a + (dck * -r) / a - (k * ck) / a;
    c = c / a + ck;
  }
  const front = Math.exp(-0.5 * a * eta * eta) / Math.sqrt(2 * Math.PI * a);
  return front * (r - 0.5 * eta + (lm1 - 0.5 * eta * eta - 0.5 / a) * c + dc);
}

/**
 * ∂P(a, x)/∂a for a > 0, x ≥ 0 (0 at x = 0 and x = ∞; NaN at a = 0 and a = ∞).
 *
 * @example
 * gammaincGradA(1, 1); // -0.43172971063489873 (P(a, 1) falls as a grows)
 */
export function gammaincGradA(a: number, x: number): number {
  const edge = edgeP(a, x);
  if (edge !== undefined) return edge !== edge || a === 0 || a === Infinity ? NaN : 0;
  if (inTemme(a, x)) return -temmeGradQ(a, x);
  if (x > 1 && x > a) return -(x > 1.1 ? fractionGradQ(a, x) : smallXGradQ(a, x));
  return seriesGrad(a, x);
}
