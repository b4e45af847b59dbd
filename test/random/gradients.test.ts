import { describe, expect, it } from "vitest";
import { checkGrads, grad, jvp, np, random, special, stats, vmap, type Array } from "nabla";
import { moments } from "./helpers.js";

// Reparameterization gradients of the samplers, as JAX's:
//   - samplers that are smooth transformations of fixed uniform draws (uniform in minval
//     and maxval, truncatedNormal in its bounds, multivariateNormal in mean and cov) are
//     checked against central finite differences with the same key (checkGrads), and
//     against closed forms;
//   - gamma's derivative in a is the implicit one, dx/da = −(∂P/∂a)/(∂P/∂x) at the sample
//     (P the gamma CDF), which finite differences of a rejection sampler do not give (its
//     accepted proposal moves with a along another path). It is checked sample by sample
//     against the formula evaluated independently (∂P/∂a by a central difference of
//     special.gammainc in a, ∂P/∂x = stats.gamma.pdf), and in expectation: the mean of
//     dx/da over 10⁵ samples is within 4 standard errors of d/da E[x] = 1 (and d/da E[x²] =
//     2a + 1). beta, dirichlet, t and chisquare inherit it; they are checked in expectation
//     against closed forms of d/dθ E[f(x)].

const N = 100_000;
const k = (i: number) => random.key(2000 + i);
const f64 = (x: Array) => x.toFloat64Array();

/** Per-sample derivatives of a sampler in its parameter θ (a jvp with tangent 1). */
const derivative = (sample: (theta: Array) => Array, theta: number): Float64Array =>
  f64(jvp(sample, [np.array(theta)], [np.array(1)])[1]);

/** The mean of per-sample derivatives is within 4 standard errors of the exact derivative of the expectation. */
function expectMeanDerivative(perSample: Float64Array, exact: number): void {
  const m = moments(perSample);
  expect(Math.abs(m.mean - exact), `mean derivative ${m.mean} vs ${exact} (SE ${m.meanSE})`).toBeLessThan(4 * m.meanSE);
}

describe("smooth transformations: finite differences with the same key", () => {
  it("uniform in minval and maxval (x = lo + u·(hi − lo)), to second order", () => {
    checkGrads((lo: Array, hi: Array) => random.uniform(k(1), [5], { minval: lo, maxval: hi }), [np.array(-1.5), np.array(2)], { order: 2 });
  });

  it("normal, affinely: d/dμ E[(μ + σz)²] = 2μ and d/dσ = 2σ", () => {
    const z = random.normal(k(2), [N]);
    const [dmu, dsigma] = grad((mu: Array, sigma: Array) => np.mean(np.square(np.add(mu, np.mul(sigma, z)))), { argnums: [0, 1] })(
      np.array(0.7),
      np.array(1.3),
    ) as [Array, Array];
    // Each is a sample mean (of 2(μ + σz) and 2z(μ + σz)): within 4 standard errors.
    expect(Math.abs(dmu.item() - 1.4)).toBeLessThan(4 * 2 * 1.3 / Math.sqrt(N));
    expect(Math.abs(dsigma.item() - 2.6)).toBeLessThan(4 * Math.sqrt(4 * (0.49 + 2 * 1.69)) / Math.sqrt(N));
  });

  it("truncatedNormal in its bounds, to first order (its inversion holds u fixed); here and in the tails", () => {
    for (const [lo, hi] of [[-1, 2], [6, 9], [-12, -10]]) {
      checkGrads((a: Array, b: Array) => random.truncatedNormal(k(3), a, b, [6]), [np.array(lo!), np.array(hi!)], { order: 1 });
    }
  });

  it("truncatedNormal: ∂x/∂lower = φ(lower)(1 − F(x))/φ(x) and ∂x/∂upper = φ(upper)F(x)/φ(x)", () => {
    for (const [lo, hi] of [[-1, 2], [3, 5]] as const) {
      const draw = (a: Array, b: Array) => random.truncatedNormal(k(4), a, b, [200]);
      const bounds: [Array, Array] = [np.array(lo), np.array(hi)];
      const [one, zero] = [np.array(1), np.array(0)];
      const x = draw(...bounds);
      const dl = f64(jvp(draw, bounds, [one, zero])[1]);
      const dh = f64(jvp(draw, bounds, [zero, one])[1]);
      const F = f64(stats.truncnorm.cdf(x, lo, hi));
      const phi = f64(stats.norm.pdf(x));
      const [phiLo, phiHi] = [stats.norm.pdf(lo).item(), stats.norm.pdf(hi).item()];
      F.forEach((Fi, i) => {
        const wantLo = (phiLo * (1 - Fi)) / phi[i]!;
        const wantHi = (phiHi * Fi) / phi[i]!;
        expect(Math.abs(dl[i]! - wantLo)).toBeLessThan(1e-9 * Math.max(1, Math.abs(wantLo)));
        expect(Math.abs(dh[i]! - wantHi)).toBeLessThan(1e-9 * Math.max(1, Math.abs(wantHi)));
      });
    }
  });

  it("multivariateNormal in mean and cov (through the Cholesky factor), to second order", () => {
    const cov = np.array([[2, 0.3, -0.2], [0.3, 1.5, 0.4], [-0.2, 0.4, 1]]);
    checkGrads((m: Array, c: Array) => random.multivariateNormal(k(5), m, c, [4]), [np.array([0.1, -0.5, 2]), cov], { order: 2 });
    for (const method of ["eigh", "svd"] as const) {
      checkGrads((m: Array, c: Array) => random.multivariateNormal(k(5), m, c, [4], { method }), [np.array([0.1, -0.5, 2]), cov], { order: 1 });
    }
  });
});

describe("gamma: implicit reparameterization in a", () => {
  it.each([0.3, 1, 2.5, 40])("a = %s: dx/da = −(∂P/∂a)/(∂P/∂x) sample by sample", (a) => {
    const x = random.gamma(k(6), a, [300]);
    const d = derivative((s) => random.gamma(k(6), s, [300]), a);
    const h = 1e-5 * a;
    const dPda = f64(np.div(np.sub(special.gammainc(a + h, x), special.gammainc(a - h, x)), 2 * h));
    const dPdx = f64(stats.gamma.pdf(x, a));
    f64(x).forEach((_, i) => {
      const want = -dPda[i]! / dPdx[i]!;
      expect(Math.abs(d[i]! - want), `sample ${i}`).toBeLessThan(1e-7 * Math.max(1, Math.abs(want)));
    });
  });

  it.each([0.3, 2.5, 40])("a = %s: E[dx/da] = 1 and E[d(x²)/da] = 2a + 1 over 10⁵ samples", (a) => {
    const d = derivative((s) => random.gamma(k(7), s, [N]), a);
    expectMeanDerivative(d, 1);
    const x = f64(random.gamma(k(7), a, [N]));
    expectMeanDerivative(d.map((v, i) => 2 * x[i]! * v), 2 * a + 1);
  });

  it("loggamma: d log x/da = (dx/da)/x, including where x underflows (a = 0.01)", () => {
    const a = 0.6;
    const lx = f64(random.loggamma(k(8), a, [500]));
    const dl = derivative((s) => random.loggamma(k(8), s, [500]), a);
    const dx = derivative((s) => random.gamma(k(8), s, [500]), a);
    lx.forEach((v, i) => expect(Math.abs(dl[i]! - dx[i]! / Math.exp(v))).toBeLessThan(1e-12 * Math.max(1, Math.abs(dl[i]!))));
    // E[log x] = ψ(a), so d/da E[log x] = ψ′(a): at a = 0.01 samples reach e^{−10⁴}.
    const small = derivative((s) => random.loggamma(k(9), s, [N]), 0.01);
    expect(small.every(Number.isFinite)).toBe(true);
    expectMeanDerivative(small, special.polygamma(1, 0.01).item());
  });

  it("a second derivative in a is an error that says what is missing", () => {
    const d2 = grad(grad((s: Array) => random.gamma(k(10), s).sum()));
    expect(() => d2(np.array(2))).toThrow(/second derivative with respect to a is not implemented/);
  });

  it("vmap over a and over keys differentiates per example", () => {
    const as = np.array([0.5, 2, 9]);
    const batched = vmap((s: Array) => grad((t: Array) => random.gamma(k(11), t))(s))(as);
    const each = [0.5, 2, 9].map((s) => grad((t: Array) => random.gamma(k(11), t))(np.array(s)).item());
    expect(batched.toArray()).toEqual(each);
  });
});

describe("samplers built on gamma, in expectation", () => {
  it("beta: d/da E[x] = b/(a + b)², d/db E[x] = −a/(a + b)²", () => {
    const [a, b] = [2, 3];
    expectMeanDerivative(derivative((s) => random.beta(k(12), s, b, [N]), a), b / (a + b) ** 2);
    expectMeanDerivative(derivative((s) => random.beta(k(12), a, s, [N]), b), -a / (a + b) ** 2);
  });

  it("beta with small parameters (log-space draws): d/da E[x] at a = b = 0.1", () => {
    expectMeanDerivative(derivative((s) => random.beta(k(13), s, 0.1, [N]), 0.1), 0.1 / 0.04);
  });

  it("dirichlet: d/dα₀ E[x₀] = (α₀_sum − α₀)/α_sum², d/dα₀ E[x₁] = −α₁/α_sum²", () => {
    const alpha = [1.5, 2, 3.5];
    const d = jvp((al: Array) => random.dirichlet(k(14), al, [N]), [np.array(alpha)], [np.array([1, 0, 0])])[1];
    expectMeanDerivative(f64(d.slice(null, 0)), (7 - 1.5) / 49);
    expectMeanDerivative(f64(d.slice(null, 1)), -2 / 49);
  });

  it("t: d/dν E[x²] = −2/(ν − 2)² (ν = 12); chisquare: d/dk E[x] = 1", () => {
    const nu = 12;
    const x = f64(random.t(k(15), nu, [N]));
    const d = derivative((s) => random.t(k(15), s, [N]), nu);
    expectMeanDerivative(d.map((v, i) => 2 * x[i]! * v), -2 / (nu - 2) ** 2);
    expectMeanDerivative(derivative((s) => random.chisquare(k(16), s, [N]), 3), 1);
  });
});
