import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, np, special, stats, vmap, type Array } from "nabla";

// Derivatives of the stats functions: every log-density (and log-mass) to second order, in
// forward and reverse mode, in x and every parameter (discrete families in their
// parameters only), against central finite differences (checkGrads: eps 1e−5, rtol 1e−5,
// atol 1e−6 in float64). Points are inside the support and away from kinks (|z| > 0 for
// laplace); each family is also checked where its formula changes branch (gamma's and
// poisson's Loader form from 10, beta's from a, b ≥ 11, truncnorm's three cases). The
// CDFs go to first order in their shape parameters (the incomplete gamma and beta
// functions' derivatives in a and b have no derivatives of their own) and second in x.

const a = (xs: number[]) => np.array(xs);
const sum = (f: (...xs: Array[]) => Array) => (...xs: Array[]) => f(...xs).sum();

describe("second derivatives of every log-density in x and its parameters", () => {
  const X = a([-1.3, 0.4, 2.2]);
  const cases: [string, (...xs: Array[]) => Array, Array[]][] = [
    ["norm", stats.norm.logpdf, [X, a([0.3]), a([1.7])]],
    ["uniform", stats.uniform.logpdf, [a([0.2, 0.9]), a([-0.5]), a([2.5])]],
    ["expon", stats.expon.logpdf, [a([0.3, 2.5]), a([-0.2]), a([1.4])]],
    ["laplace", stats.laplace.logpdf, [X, a([0.1]), a([0.8])]],
    ["cauchy", stats.cauchy.logpdf, [X, a([0.3]), a([1.2])]],
    ["logistic", stats.logistic.logpdf, [X, a([-0.2]), a([0.9])]],
    ["gamma (a < 10)", stats.gamma.logpdf, [a([0.7, 3.1]), a([2.5]), a([-0.1]), a([1.3])]],
    ["gamma (a ≥ 10, Loader's form)", stats.gamma.logpdf, [a([12, 25]), a([15.5]), a([0.5]), a([1.1])]],
    ["gamma (a < 1)", stats.gamma.logpdf, [a([0.2, 1.5]), a([0.6]), a([0]), a([1])]],
    ["beta", stats.beta.logpdf, [a([0.2, 0.7]), a([2.5]), a([1.7]), a([0]), a([1])]],
    ["beta (a, b ≥ 11, Loader's form)", stats.beta.logpdf, [a([0.35, 0.5]), a([14]), a([20]), a([-0.05]), a([1.1])]],
    ["t", stats.t.logpdf, [X, a([3.5]), a([0.2]), a([1.3])]],
    ["t (large df)", stats.t.logpdf, [X, a([80]), a([0]), a([1])]],
    ["truncnorm (across 0)", stats.truncnorm.logpdf, [a([-0.5, 0.8]), a([-1.2]), a([1.5]), a([0.1]), a([1.1])]],
    ["truncnorm (right tail)", stats.truncnorm.logpdf, [a([5.5, 6.2]), a([5]), a([7]), a([0]), a([1])]],
    ["truncnorm (left tail)", stats.truncnorm.logpdf, [a([-6.5, -5.2]), a([-8]), a([-5]), a([0]), a([1])]],
  ];
  for (const [name, f, args] of cases) {
    it(name, () => checkGrads(sum(f), args, { order: 2 }));
  }

  it("dirichlet (x = softmax(θ), on the simplex, and alpha)", () => {
    const f = (theta: Array, alpha: Array) => stats.dirichlet.logpdf(np.exp(np.sub(theta, np.logsumexp(theta))), alpha);
    checkGrads(f, [a([0.1, -0.4, 0.7]), a([1.5, 2.5, 0.8])], { order: 2 });
  });

  it("multivariateNormal (x, mean and cov; cov's lower triangle is what is read)", () => {
    const cov = np.array([[2, 0.3, -0.2], [0.3, 1.5, 0.4], [-0.2, 0.4, 1]]);
    checkGrads(sum(stats.multivariateNormal.logpdf), [np.array([[0.3, -1, 2], [1, 0.5, -0.5]]), a([0.1, 0.2, -0.3]), cov], { order: 2 });
  });

  it("bernoulli, poisson (k < 10 and ≥ 10) and categorical, in their parameters", () => {
    checkGrads((p: Array) => stats.bernoulli.logpmf(a([0, 1, 1]), p).sum(), [a([0.3, 0.6, 0.9])], { order: 2 });
    checkGrads((mu: Array) => stats.poisson.logpmf(a([0, 3, 12, 40]), mu).sum(), [a([2.5, 4, 11, 35])], { order: 2 });
    checkGrads((lg: Array) => stats.categorical.logpmf(a([2, 0]), lg).sum(), [np.array([[0.1, -0.3, 0.5], [1, 2, -1]])], { order: 2 });
  });
});

describe("derivatives of the CDFs", () => {
  it("in x to second order (gamma, beta, t: through gammainc and betainc's density)", () => {
    checkGrads((x: Array) => stats.gamma.cdf(x, 2.5).sum(), [a([0.5, 3])], { order: 2 });
    checkGrads((x: Array) => stats.beta.cdf(x, 2.5, 1.5).sum(), [a([0.2, 0.7])], { order: 2 });
    checkGrads((x: Array) => stats.t.cdf(x, 4.5).sum(), [a([-2, 0.3, 1.5])], { order: 2 });
    checkGrads((x: Array) => stats.t.sf(x, 4.5).sum(), [a([-2, 0.3, 1.5])], { order: 2 });
    checkGrads((x: Array) => stats.truncnorm.cdf(x, -1, 2).sum(), [a([-0.5, 1])], { order: 2 });
    checkGrads((x: Array) => stats.norm.logcdf(x).sum(), [a([-30, -1, 2])], { order: 2 });
  });

  it("in the shape parameters to first order (∂I/∂a, ∂I/∂b from the differentiated continued fraction)", () => {
    checkGrads((x: Array, s: Array, b: Array) => stats.beta.cdf(x, s, b).sum(), [a([0.2, 0.7]), a([2.5, 30]), a([1.5, 12])], { order: 1 });
    checkGrads((x: Array, s: Array, b: Array) => stats.beta.sf(x, s, b).sum(), [a([0.2, 0.7]), a([2.5, 30]), a([1.5, 12])], { order: 1 });
    checkGrads((x: Array, df: Array) => stats.t.cdf(x, df).sum(), [a([-2, 0.3, 1.5]), a([4.5, 1.2, 30])], { order: 1 });
    checkGrads((x: Array, s: Array) => stats.gamma.cdf(x, s).sum(), [a([0.5, 3]), a([2.5, 1.2])], { order: 1 });
    checkGrads((x: Array, lo: Array, hi: Array) => stats.truncnorm.cdf(x, lo, hi).sum(), [a([-0.5, 6]), a([-1, 5.5]), a([2, 7])], { order: 2 });
    checkGrads((mu: Array) => stats.poisson.cdf(a([2, 15]), mu).sum(), [a([3, 12])], { order: 1 });
  });

  it("a second derivative in a beta or t shape parameter is an error that says so", () => {
    const d2 = grad(grad((s: Array) => stats.beta.cdf(0.3, s, 2)));
    expect(() => d2(np.array(1.5))).toThrow("stats: the second derivative of a beta or t CDF in its shape parameters is not implemented");
  });

  it("∂I/∂a and ∂I/∂b agree with mpmath (values from mp.diff of betainc at 40 digits)", () => {
    // mp.diff(lambda t: mp.betainc(t, b, 0, x, regularized=True), a) and likewise in b.
    const cases: [number, number, number, number, number][] = [
      [10, 20, 0.4, -0.0720149526127492, 0.0412370176782802],
      [0.5, 0.5, 0.3, -0.642811481157284, 0.468744583915505],
      [100, 200, 0.34, -0.0313617390769985, 0.0159034859921838],
      [1000, 1000, 0.51, -0.00592142429640413, 0.00604104701204827],
    ];
    for (const [s, b, x, da, db] of cases) {
      const [ga, gb] = grad((p: Array, q: Array) => stats.beta.cdf(x, p, q), { argnums: [0, 1] })(np.array(s), np.array(b)) as [Array, Array];
      expect(Math.abs(ga.item() - da) / Math.abs(da)).toBeLessThan(1e-12);
      expect(Math.abs(gb.item() - db) / Math.abs(db)).toBeLessThan(1e-12);
    }
  });
});

describe("transformations and dtypes", () => {
  it("vmap and jit give the eager values", () => {
    const f = (x: Array, s: Array) => np.stack([stats.gamma.logpdf(x, s), stats.beta.cdf(np.div(x, 10), s, 2), stats.t.sf(x, s)]);
    const xs = a([0.5, 2, 7]);
    const ss = a([1.5, 3, 12]);
    const eager = np.stack([0, 1, 2].map((i) => f(xs.slice(i), ss.slice(i)))).toArray();
    expect(vmap(f)(xs, ss).toArray()).toEqual(eager);
    expect(jit(f)(xs, ss).toArray()).toEqual(np.stack([stats.gamma.logpdf(xs, ss), stats.beta.cdf(np.div(xs, 10), ss, 2), stats.t.sf(xs, ss)]).toArray());
  });

  it("float32 in, float32 out; ints and plain numbers become float64", () => {
    const x32 = np.array([0.5, 1.5], { dtype: "float32" });
    for (const out of [stats.norm.logpdf(x32), stats.gamma.cdf(x32, 2), stats.beta.cdf(x32.mul(0.5), 2, 3), stats.t.cdf(x32, 3), stats.truncnorm.logpdf(x32, 0, 2)]) {
      expect(out.dtype).toBe("float32");
    }
    expect(stats.norm.logpdf(np.array([1, 2], { dtype: "int32" })).dtype).toBe("float64");
    expect(stats.poisson.logpmf(np.array([1, 2], { dtype: "int32" }), 3).dtype).toBe("float64");
    expect(Math.abs(stats.gamma.cdf(x32, 2).toFloat64Array()[1]! - special.gammainc(2, 1.5).item())).toBeLessThan(1e-6);
  });
});
