import { describe, expect, it } from "vitest";
import { grad, np, stats, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// The conventions of the stats namespace (stats/args.ts), checked where the fixture
// cannot: scipy raises for the Dirichlet off the simplex and has no categorical.
//   invalid parameters → NaN (as scipy.stats; traced values cannot raise);
//   points outside the support → log-density −∞, CDF 0 or 1;
//   NaN in → NaN out;
//   derivatives outside the support or at invalid parameters are finite where the value
//   is (the formulas see stand-in arguments there), never a NaN leaking from a branch
//   np.where discarded.

const values = (x: Array) => [...x.toFloat64Array()];

describe("support, invalid parameters and NaN", () => {
  it("log-densities are −∞ outside the support and NaN for invalid parameters", () => {
    expect(values(stats.gamma.logpdf(np.array([-1, 1]), np.array([2, -2])))).toEqual([-Infinity, NaN]);
    expect(values(stats.beta.logpdf(np.array([1.5, 0.5, 0.5]), 2, np.array([2, 2, 0])))).toEqual([-Infinity, Math.log(1.5), NaN]);
    expect(values(stats.uniform.logpdf(np.array([-0.1, 1.1, NaN]), 0, 1))).toEqual([-Infinity, -Infinity, NaN]);
    expect(values(stats.expon.cdf(np.array([-1, Infinity]), 0, np.array([1, -1])))).toEqual([0, NaN]);
    expect(values(stats.truncnorm.cdf(np.array([-2, 3, 0]), -1, np.array([1, 1, -1])))).toEqual([0, 1, NaN]);
    expect(values(stats.poisson.logpmf(np.array([2.5, -1, Infinity]), 3))).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(values(stats.norm.ppf(np.array([-0.1, 1.5, NaN])))).toEqual([NaN, NaN, NaN]);
    expect(values(stats.t.logpdf(0, np.array([0, -1, Infinity])))).toEqual([NaN, NaN, -0.9189385332046728]);
  });

  it("gradients outside the support and at the support's edges are finite, not NaN", () => {
    const gradAt = (f: (s: Array) => Array, at: number) => grad((s: Array) => f(s).sum())(np.array(at)).item();
    expect(gradAt((s) => stats.gamma.logpdf(np.array([-1, 2]), s), 2)).toBeCloseTo(Math.log(2) - 0.42278433509846713, 12);
    expect(gradAt((s) => stats.beta.logpdf(np.array([-1, 2, 0.5]), s, 3), 2)).toBeCloseTo(Math.log(0.5) - (0.42278433509846713 - 1.5061176684318003), 12);
    expect(gradAt((l) => stats.expon.logpdf(np.array([-5, 1]), l), 0)).toBe(1);
    expect(gradAt((m) => stats.poisson.logpmf(np.array([-1, 2.5, 2]), m), 4)).toBeCloseTo(2 / 4 - 1, 14);
    expect(gradAt((b) => stats.truncnorm.logpdf(np.array([5, 0.5]), -1, b), 1)).toBeGreaterThan(-Infinity);
    expect(Number.isFinite(gradAt((s) => stats.gamma.logpdf(-1, 2, 0, s), 1))).toBe(true);
  });
});

describe("dirichlet", () => {
  const alpha = np.array([2, 3, 4]);

  it("off the simplex: −∞; on it within 1e−6: finite; invalid alpha: NaN; components last, batched", () => {
    const xs = np.array([[0.2, 0.3, 0.5], [0.2, 0.3, 0.6], [-0.1, 0.6, 0.5], [0.2, 0.3, 0.5 + 5e-7], [NaN, 0.5, 0.5]]);
    const out = values(stats.dirichlet.logpdf(xs, alpha));
    expect(out[0]).toBeCloseTo(2.0228711901914433, 13);
    expect(out.slice(1, 3)).toEqual([-Infinity, -Infinity]);
    expect(Number.isFinite(out[3])).toBe(true);
    expect(out[4]).toBeNaN();
    expect(stats.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), np.array([1, 0, 1])).item()).toBeNaN();
    expect(stats.dirichlet.logpdf(xs, np.array([[2, 3, 4]])).shape).toEqual([5]);
  });

  it("shape errors name the function", () => {
    expect(errorOf(() => stats.dirichlet.logpdf(np.array([0.5, 0.5]), alpha))).toBe("stats.dirichlet.logpdf: x has 2 components but alpha 3");
    expect(errorOf(() => stats.dirichlet.pdf(0.5, alpha))).toMatch(/^stats\.dirichlet\.pdf: x and alpha need a last axis/);
  });
});

describe("categorical", () => {
  const logits = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]));

  it("picks log-softmax entries; k out of range or fractional is −∞; k broadcasts with the batch", () => {
    const picked = values(stats.categorical.logpmf(np.array([2, 0]), logits));
    expect(picked[0]).toBeCloseTo(Math.log(0.5), 14);
    expect(picked[1]).toBeCloseTo(Math.log(0.6), 14);
    expect(values(stats.categorical.logpmf(np.array([3, -1]), logits))).toEqual([-Infinity, -Infinity]);
    expect(stats.categorical.logpmf(1.5, logits).toArray()).toEqual([-Infinity, -Infinity]);
    expect(stats.categorical.logpmf(np.array([[0], [1]]), logits).shape).toEqual([2, 2]);
    expect(stats.categorical.pmf(1, np.array([0, 0])).item()).toBeCloseTo(0.5, 15);
  });
});

describe("multivariateNormal", () => {
  const cov = np.array([[2, 0.5], [0.5, 1]]);

  it("batched covariances, and one covariance for many points, agree with single evaluations", () => {
    const xs = np.array([[0.5, -1], [2, 0.3], [-1, -1]]);
    const one = values(stats.multivariateNormal.logpdf(xs, np.zeros([2]), cov));
    const each = [0, 1, 2].map((i) => stats.multivariateNormal.logpdf(xs.slice(i), np.zeros([2]), cov).item());
    one.forEach((v, i) => expect(v).toBeCloseTo(each[i]!, 13));
    const covs = np.stack([cov, np.eye(2), cov.mul(3)]);
    const batched = values(stats.multivariateNormal.logpdf(xs, np.zeros([2]), covs));
    expect(batched[1]).toBeCloseTo(stats.multivariateNormal.logpdf(np.array([2, 0.3]), np.zeros([2]), np.eye(2)).item(), 13);
    expect(stats.multivariateNormal.pdf(np.zeros([2]), np.zeros([2]), np.eye(2)).item()).toBeCloseTo(1 / (2 * Math.PI), 15);
  });

  it("a covariance that is not positive definite, or of the wrong shape, is an error naming the function", () => {
    expect(errorOf(() => stats.multivariateNormal.logpdf(np.zeros([2]), np.zeros([2]), np.array([[1, 2], [2, 1]])))).toBe(
      "stats.multivariateNormal.logpdf: cov is not positive definite (leading minor 2 is not positive) [input shape (2,2)]",
    );
    expect(errorOf(() => stats.multivariateNormal.logpdf(np.zeros([2]), np.zeros([2]), np.eye(3)))).toBe(
      "stats.multivariateNormal.logpdf: cov must have shape (..., 2, 2) for vectors of length 2, got (3,3)",
    );
  });
});

describe("argument checks", () => {
  it("errors are one line naming the function and the argument", () => {
    expect(errorOf(() => stats.norm.cdf("1" as unknown as number))).toBe('stats.norm.cdf: x must be an Array, a number or a boolean, got "1"');
    expect(errorOf(() => stats.gamma.pdf(np.zeros([2]), np.zeros([3])))).toBe("stats.gamma.pdf: cannot broadcast (2,) with (3,) with () with ()");
    expect(errorOf(() => stats.poisson.sf(1, [2] as unknown as number))).toMatch(/^stats\.poisson\.sf: mu must be an Array, a number or a boolean, got \[2\] \(wrap it with np\.array\)$/);
  });
});
