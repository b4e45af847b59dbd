// The Laplace approximation against the closed forms of a conjugate Gaussian model (where
// it is exact), its gradient in a hyperparameter against the closed form's and finite
// differences, pytree parameters, and the statuses of a missing mode and a flat direction.
import { describe, expect, it } from "vitest";
import { bayes, checkGrads, grad, linalg, np, random, stats, type Array } from "nabla";

// θ ~ N(μ₀, s₀²·I) in d = 3, y = X·θ + ε with ε ~ N(0, σ²·I), n = 8 observations.
const n = 8;
const d = 3;
const [kX, kY] = random.split(random.key(7));
const X = random.normal(kX!, [n, d]);
const y = np.add(np.matmul(X, np.array([0.5, -1, 2])), np.mul(0.3, random.normal(kY!, [n])));
const mu0 = np.array([0.1, 0.2, -0.3]);
const s0 = 1.5;

const logJoint = (sigma: Array | number) => (theta: Array) =>
  stats.norm.logpdf(theta, mu0, s0).sum().add(stats.norm.logpdf(y, np.matmul(X, theta), sigma).sum());

/** log N(y; X·μ₀, s₀²·X·Xᵀ + σ²·I): the exact evidence. */
const exactEvidence = (sigma: Array | number) => {
  const cov = np.add(np.mul(s0 * s0, np.matmul(X, X.T)), np.mul(np.square(sigma), np.eye(n)));
  return stats.multivariateNormal.logpdf(y, np.matmul(X, mu0), cov);
};

describe("bayes.laplace on a conjugate Gaussian model (exact there)", () => {
  const r = bayes.laplace(logJoint(0.3), np.zeros([d]));

  it("reports success", () => {
    expect(r.status.item()).toBe(0);
    expect(r.success.item()).toBe(1);
    expect(r.message).toContain("positive definite");
  });

  it("equals the exact log evidence to 1e-10", () => {
    expect(Math.abs(r.logEvidence.item() - exactEvidence(0.3).item())).toBeLessThan(1e-10);
  });

  it("mode and covariance are the posterior's: Σ = (I/s₀² + XᵀX/σ²)⁻¹, m = Σ·(μ₀/s₀² + Xᵀy/σ²)", () => {
    const precision = np.add(np.mul(1 / s0 ** 2, np.eye(d)), np.div(np.matmul(X.T, X), 0.09));
    const cov = linalg.inv(precision);
    const mean = np.matmul(cov, np.add(np.div(mu0, s0 ** 2), np.div(np.matmul(X.T, y), 0.09)));
    expect(np.max(np.abs(np.sub(r.mode, mean))).item()).toBeLessThan(1e-10);
    expect(np.max(np.abs(np.sub(r.covariance, cov))).item()).toBeLessThan(1e-10);
    expect(np.max(np.abs(np.sub(r.precision, precision))).item()).toBeLessThan(1e-8);
  });

  it("the evidence's gradient in the noise scale σ matches the closed form's and finite differences", () => {
    const evidence = (sigma: Array) => bayes.laplace(logJoint(sigma), np.zeros([d])).logEvidence;
    const g = grad(evidence)(np.array(0.3)).item();
    const exact = grad(exactEvidence)(np.array(0.3)).item();
    expect(Math.abs(g - exact)).toBeLessThan(1e-7 * Math.max(1, Math.abs(exact)));
    checkGrads(evidence, [np.array(0.3)], { order: 1 });
  });
});

describe("bayes.laplace over pytree parameters", () => {
  it("splits θ into { w, b } and gives the same evidence and mode", () => {
    const flat = bayes.laplace(logJoint(0.3), np.zeros([d]));
    const tree = bayes.laplace((p: { w: Array; b: Array }) => logJoint(0.3)(np.concatenate([p.w, p.b])), { w: np.zeros([2]), b: np.zeros([1]) });
    expect(Math.abs(tree.logEvidence.item() - flat.logEvidence.item())).toBeLessThan(1e-10);
    expect(tree.mode.w.shape).toEqual([2]);
    expect(np.max(np.abs(np.sub(np.concatenate([tree.mode.w, tree.mode.b]), flat.mode))).item()).toBeLessThan(1e-10);
    // ravelPytree orders object keys by name: b comes first.
    expect(tree.unravel(np.array([1, 2, 3])).b.toArray()).toEqual([1]);
  });
});

describe("bayes.laplace reports what went wrong", () => {
  it("a flat direction: notPositiveDefinite, evidence NaN, no exception", () => {
    const r = bayes.laplace((t: Array) => np.neg(np.square(np.mul(t, np.array([1, 0])))).sum(), np.array([1, 1]));
    expect(r.status.item()).toBe(2);
    expect(r.success.item()).toBe(0);
    expect(Number.isNaN(r.logEvidence.item())).toBe(true);
    expect(Number.isNaN(r.covariance.toFloat64Array()[0]!)).toBe(true);
    expect(r.message).toContain("not positive definite");
  });

  it("an unbounded log joint: modeNotFound", () => {
    const r = bayes.laplace((t: Array) => t.sum().mul(3), np.array([0]), { maxIter: 20 });
    expect(r.status.item()).toBe(1);
    expect(r.message).toContain("did not find the mode");
  });

  it("a log joint that is not a scalar is an error naming laplace", () => {
    expect(() => bayes.laplace((t: Array) => t, np.array([0, 1]))).toThrow(/laplace: logJoint must return a scalar, got shape \[2\]/);
  });
});
