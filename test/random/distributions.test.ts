import { describe, expect, it } from "vitest";
import { np, random, special, stats, vmap, type Array } from "nabla";
import { chiSquaredPValue, ksCritical, ksStatistic, moments, sorted } from "./helpers.js";

// Do the samplers draw from their distributions? n = 10⁵ samples from a fixed key each:
//   - the Kolmogorov–Smirnov statistic against the exact CDF (nabla's stats CDFs, checked
//     against scipy and mpmath in test/stats/fixtures.test.ts) is below its critical value
//     at level 0.001, 1.95/√n = 0.0062 (an exact sampler fails one key in a thousand);
//   - the sample mean and variance are within 4 standard errors of the exact ones (the
//     variance's standard error from the sample's fourth moment);
//   - discrete samplers: Pearson's chi-squared test against the exact masses, p > 0.001.
// The keys are fixed, so the outcome is too: these are regression tests of the samplers
// that would also catch a wrong algorithm or a biased stream with high probability.

const N = 100_000;
const f64 = (x: Array) => x.toFloat64Array();

/** KS test of samples against a CDF given as a stats function of the sorted samples. */
function expectKS(samples: Array, cdf: (x: Array) => Array): void {
  const xs = sorted(f64(samples));
  const d = ksStatistic(xs, f64(cdf(np.array(xs))));
  expect(d, `KS statistic ${d.toFixed(5)}`).toBeLessThan(ksCritical(xs.length));
}

function expectMoments(samples: Array, mean: number, variance: number): void {
  const m = moments(f64(samples));
  expect(Math.abs(m.mean - mean), `mean ${m.mean} vs ${mean}`).toBeLessThan(4 * m.meanSE);
  expect(Math.abs(m.variance - variance), `variance ${m.variance} vs ${variance}`).toBeLessThan(4 * m.varianceSE);
}

const k = (i: number) => random.key(1000 + i);

describe("continuous samplers: KS against the exact CDF, and moments", () => {
  it("uniform in [−3, 5)", () => {
    const x = random.uniform(k(1), [N], { minval: -3, maxval: 5 });
    expectKS(x, (v) => stats.uniform.cdf(v, -3, 8));
    expectMoments(x, 1, 64 / 12);
  });

  it("normal", () => {
    const x = random.normal(k(2), [N]);
    expectKS(x, stats.norm.cdf);
    expectMoments(x, 0, 1);
  });

  it("exponential, laplace, logistic, gumbel", () => {
    const e = random.exponential(k(3), [N]);
    expectKS(e, stats.expon.cdf);
    expectMoments(e, 1, 1);
    const l = random.laplace(k(4), [N]);
    expectKS(l, stats.laplace.cdf);
    expectMoments(l, 0, 2);
    const g = random.logistic(k(5), [N]);
    expectKS(g, stats.logistic.cdf);
    expectMoments(g, 0, Math.PI ** 2 / 3);
    const gu = random.gumbel(k(6), [N]);
    expectKS(gu, (v) => np.exp(np.neg(np.exp(np.neg(v)))));
    expectMoments(gu, 0.5772156649015329, Math.PI ** 2 / 6);
  });

  it("cauchy (no moments: KS, and the quartiles ±1)", () => {
    const c = random.cauchy(k(7), [N]);
    expectKS(c, stats.cauchy.cdf);
    const xs = sorted(f64(c));
    expect(Math.abs(xs[N / 4]! + 1)).toBeLessThan(0.03);
    expect(Math.abs(xs[(3 * N) / 4]! - 1)).toBeLessThan(0.03);
  });

  it.each([0.3, 1, 2.5, 30])("gamma(a = %s): positive, KS, mean = variance = a", (a) => {
    const x = random.gamma(k(8), a, [N]);
    expect(Math.min(...f64(x))).toBeGreaterThan(0);
    expectKS(x, (v) => stats.gamma.cdf(v, a));
    expectMoments(x, a, a);
  });

  it("loggamma(a = 0.005): finite where the samples underflow; its CDF is P(a, eʸ)", () => {
    const y = random.loggamma(k(9), 0.005, [N]);
    const ys = f64(y);
    expect(ys.every(Number.isFinite)).toBe(true);
    expect(Math.min(...ys)).toBeLessThan(-745); // e^y is below the smallest double
    // P(a, eʸ), and where eʸ underflows its leading term e^{ay}/Γ(a + 1) (exact there to O(eʸ)).
    const a = 0.005;
    expectKS(y, (v) => np.where(np.less(v, -700), np.exp(np.sub(np.mul(a, v), special.lgamma(a + 1))), stats.gamma.cdf(np.exp(v), a)));
  });

  it.each([[2, 5], [0.3, 0.7], [40, 3]])("beta(%s, %s): in [0, 1], KS, moments", (a, b) => {
    const x = random.beta(k(10), a, b, [N]);
    const xs = f64(x);
    expect(xs.every((v) => v >= 0 && v <= 1)).toBe(true);
    expectKS(x, (v) => stats.beta.cdf(v, a, b));
    expectMoments(x, a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
  });

  it("dirichlet([1, 2, 3]): on the simplex, Beta(αᵢ, α₀ − αᵢ) marginals", () => {
    const x = random.dirichlet(k(11), np.array([1, 2, 3]), [N]);
    expect(x.shape).toEqual([N, 3]);
    const sums = f64(np.sum(x, { axis: -1 }));
    expect(sums.every((s) => Math.abs(s - 1) < 1e-12)).toBe(true);
    expectKS(x.slice(null, 0), (v) => stats.beta.cdf(v, 1, 5));
    expectKS(x.slice(null, 2), (v) => stats.beta.cdf(v, 3, 3));
  });

  it("t(5) KS, t(10) moments; chisquare(3) KS and moments", () => {
    expectKS(random.t(k(12), 5, [N]), (v) => stats.t.cdf(v, 5));
    expectMoments(random.t(k(13), 10, [N]), 0, 10 / 8);
    const c = random.chisquare(k(14), 3, [N]);
    expectKS(c, (v) => stats.gamma.cdf(v, 1.5, 0, 2));
    expectMoments(c, 3, 6);
  });

  it.each([
    [-1, 2],
    [3, Infinity],
    [-Infinity, -8],
    [40, 40.5],
  ])("truncatedNormal(%s, %s): inside the bounds, KS against truncnorm", (lo, hi) => {
    const x = random.truncatedNormal(k(15), lo, hi, [N]);
    const xs = f64(x);
    expect(xs.every((v) => v > lo && v < hi)).toBe(true);
    expectKS(x, (v) => stats.truncnorm.cdf(v, lo, hi));
  });

  it("multivariateNormal: sample mean and covariance, and a projection's KS (cholesky, eigh, svd)", () => {
    const mean = np.array([1, -2, 0.5]);
    const cov = np.array([[2, 0.6, -0.3], [0.6, 1, 0.2], [-0.3, 0.2, 0.5]]);
    const w = np.array([0.3, -1, 2]);
    const sd = Math.sqrt(np.dot(w, np.matmul(cov, w)).item());
    for (const method of ["cholesky", "eigh", "svd"] as const) {
      const x = random.multivariateNormal(k(16), mean, cov, [N], { method });
      expect(x.shape).toEqual([N, 3]);
      const xs = x.toArray() as number[][];
      for (let i = 0; i < 3; i++) expectMoments(x.slice(null, i), (mean.toArray() as number[])[i]!, (cov.toArray() as number[][])[i]![i]!);
      // Covariance of coordinates 0 and 1: within 4 standard errors of 0.6.
      const prod = np.array(xs.map((r) => (r[0]! - 1) * (r[1]! + 2)));
      const m = moments(f64(prod));
      expect(Math.abs(m.mean - 0.6)).toBeLessThan(4 * m.meanSE);
      expectKS(np.matmul(x, w), (v) => stats.norm.cdf(v, np.dot(w, mean), sd));
    }
  });
});

describe("discrete samplers: chi-squared against the exact masses", () => {
  it("bernoulli(0.3)", () => {
    const freq = np.mean(random.bernoulli(k(20), 0.3, [N])).item();
    expect(Math.abs(freq - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / N));
  });

  it.each([0.5, 4, 9.99, 10, 37, 1e4])("poisson(%s): non-negative int32 counts, chi-squared and moments", (lam) => {
    const x = random.poisson(k(21), lam, [N]);
    expect(x.dtype).toBe("int32");
    const xs = f64(x);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    const hi = Math.max(...xs);
    const counts = new globalThis.Array<number>(hi + 1).fill(0);
    for (const v of xs) counts[v]!++;
    const ks = np.arange(hi + 1);
    const expected = [...f64(stats.poisson.pmf(ks, lam))].map((p) => p * N);
    // The tail beyond the largest sample goes into the last bin.
    expected[hi]! += N * stats.poisson.sf(hi, lam).item();
    expect(chiSquaredPValue(counts, expected)).toBeGreaterThan(0.001);
    expectMoments(x.astype("float64"), lam, lam);
  });

  it("randint: uniform on [lo, hi), exactly unbiased where a modulo would not be", () => {
    const x = f64(random.randint(k(22), [N], -3, 7));
    const counts = new globalThis.Array<number>(10).fill(0);
    for (const v of x) counts[v + 3]!++;
    expect(chiSquaredPValue(counts, counts.map(() => N / 10))).toBeGreaterThan(0.001);
    // span 3·2²⁹: 2³² mod span = 2³⁰, so w mod span would draw [0, 2³⁰) with probability ¾, not ⅔.
    const big = f64(random.randint(k(23), [N], 0, 3 * 2 ** 29));
    const low = big.filter((v) => v < 2 ** 30).length / N;
    expect(Math.abs(low - 2 / 3)).toBeLessThan(4 * Math.sqrt(2 / 9 / N));
    const full = moments(f64(random.randint(k(24), [N], -(2 ** 31), 2 ** 31)));
    expect(Math.abs(full.mean + 0.5)).toBeLessThan(4 * full.meanSE);
  });

  it("categorical: softmax(logits) along any axis, with a batch", () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const x = f64(random.categorical(k(25), np.log(np.array(p)), { shape: [N] }));
    const counts = [0, 0, 0, 0];
    for (const v of x) counts[v]!++;
    expect(chiSquaredPValue(counts, p.map((q) => q * N))).toBeGreaterThan(0.001);
    // Logits along axis 0 for two distributions; −∞ is never drawn.
    const logits = np.log(np.array([[0.5, 0], [0.5, 0.25], [0, 0.75]]));
    const y = random.categorical(k(26), logits, { axis: 0, shape: [N, 2] }).toArray() as number[][];
    const c0 = [0, 0, 0];
    const c1 = [0, 0, 0];
    for (const [a, b] of y) {
      c0[a!]!++;
      c1[b!]!++;
    }
    expect(c0[2]).toBe(0);
    expect(c1[0]).toBe(0);
    expect(Math.abs(c0[0]! / N - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / N));
    expect(Math.abs(c1[1]! / N - 0.25)).toBeLessThan(4 * Math.sqrt(0.1875 / N));
  });

  it("choice with p: with replacement by the cumulative sum, without by Gumbel-top-k", () => {
    const p = np.array([0.1, 0.2, 0.3, 0.4]);
    const x = f64(random.choice(k(27), 4, [N], { p }));
    const counts = [0, 0, 0, 0];
    for (const v of x) counts[v]!++;
    expect(chiSquaredPValue(counts, [0.1, 0.2, 0.3, 0.4].map((q) => q * N))).toBeGreaterThan(0.001);
    // Without replacement: the first pick has probability pᵢ, the second pⱼ/(1 − pᵢ).
    const M = 20_000;
    const pairs = vmap((key: Array) => random.choice(key, 4, [2], { p, replace: false }))(random.split(k(28), M)).toArray() as number[][];
    const first = [0, 0, 0, 0];
    let secondGivenFirst3 = 0;
    let first3 = 0;
    for (const [a, b] of pairs) {
      expect(a).not.toBe(b);
      first[a!]!++;
      if (a === 3) {
        first3++;
        if (b === 2) secondGivenFirst3++;
      }
    }
    expect(chiSquaredPValue(first, [0.1, 0.2, 0.3, 0.4].map((q) => q * M))).toBeGreaterThan(0.001);
    expect(Math.abs(secondGivenFirst3 / first3 - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / first3));
  });

  it("permutation: every element equally likely in every place", () => {
    const M = 20_000;
    const perms = vmap((key: Array) => random.permutation(key, 5))(random.split(k(29), M)).toArray() as number[][];
    const placeOf0 = [0, 0, 0, 0, 0];
    for (const p of perms) placeOf0[p.indexOf(0)]!++;
    expect(chiSquaredPValue(placeOf0, placeOf0.map(() => M / 5))).toBeGreaterThan(0.001);
  });
});
