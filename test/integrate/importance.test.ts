// Importance sampling against closed forms for a Gaussian target under a wider Gaussian
// proposal: log Z, its standard error, the effective sample size, E[x] and E[x²]; the
// log-sum-exp scale, a perfect proposal, the gradient of log Z, and the errors.
import { describe, expect, it } from "vitest";
import { grad, integrate, np, random, stats, type Array } from "nabla";
import { errorOf } from "../helpers.js";

/** N(mean, sd²) as a proposal. */
const normal = (mean: number, sd: number) => ({
  sample: (key: Array, n: number) => random.normal(key, [n]).mul(sd).add(mean),
  logDensity: (x: Array) => stats.norm.logpdf(x, mean, sd),
});

/** ∫ p²/q for p = N(μp, σp²), q = N(μq, σq²): the proposal's E_q[(p/q)²], finite for 2σq² > σp². */
function secondMoment(mp: number, sp: number, mq: number, sq: number): number {
  const c = 2 * sq * sq - sp * sp;
  return ((sq * sq) / (sp * Math.sqrt(c))) * Math.exp(((mp - mq) ** 2) / c);
}

describe("importanceSampling", () => {
  // Target p̃(x) = exp(−(x − 1)²/2): Z = √(2π), E[x] = 1, E[x²] = 2. Proposal N(0, 2²).
  const logTarget = (x: Array) => x.sub(1).square().mul(-0.5);
  const n = 20_000, SEED = 4;
  const r = integrate.importanceSampling(logTarget, normal(0, 2), n, { key: random.key(SEED), f: (x: Array) => np.stack([x, x.square()]) });
  const m2 = secondMoment(1, 1, 0, 2);
  const figures = `seed ${SEED}: logZ ${r.logZ.item()} ± ${r.logZStderr.item()}, ess ${r.ess.item()}, estimate ${r.estimate!.toArray()}`;

  it("recovers log Z within a few standard errors, and the standard error matches the closed form", () => {
    expect(Math.abs(r.logZ.item() - 0.5 * Math.log(2 * Math.PI)), figures).toBeLessThan(4 * r.logZStderr.item());
    // Var(w)/E[w]² = ∫p²/q − 1, so log Z's delta-method standard error is √((m2 − 1)/n).
    expect(Math.abs(r.logZStderr.item() / Math.sqrt((m2 - 1) / n) - 1), figures).toBeLessThan(0.1);
  });

  it("has the effective sample size of two Gaussians: ess/n → 1/∫p²/q", () => {
    expect(Math.abs(r.ess.item() / n - 1 / m2), figures).toBeLessThan(0.03);
    expect(r.weights.shape).toEqual([n]);
    expect(np.sum(r.weights).item()).toBeCloseTo(1, 12);
    expect((r.samples as Array).shape).toEqual([n]);
  });

  it("estimates E[x] = 1 and E[x²] = 2 by self-normalized weights", () => {
    const [ex, ex2] = r.estimate!.toArray() as number[];
    // The self-normalized estimate's standard error: √Σ w̃ᵢ²(f(xᵢ) − estimate)².
    const x = r.samples as Array;
    const se = (fx: Array, est: number) => Math.sqrt(np.sum(r.weights.square().mul(fx.sub(est).square())).item());
    expect(Math.abs(ex! - 1), figures).toBeLessThan(4 * se(x, ex!));
    expect(Math.abs(ex2! - 2), figures).toBeLessThan(4 * se(x.square(), ex2!));
  });

  it("works on log-weights: a target scaled by e^1000 gives log Z + 1000, not an overflow", () => {
    const big = integrate.importanceSampling((x: Array) => logTarget(x).add(1000), normal(0, 2), n, { key: random.key(SEED) });
    expect(big.logZ.item()).toBeCloseTo(r.logZ.item() + 1000, 9);
    expect(big.ess.item()).toBeCloseTo(r.ess.item(), 6);
  });

  it("with the target itself as proposal: equal weights, ess = n, no error in log Z", () => {
    const exact = integrate.importanceSampling((x: Array) => stats.norm.logpdf(x, 0, 1).add(2), normal(0, 1), 1000, { key: random.key(1) });
    expect(exact.logZ.item()).toBeCloseTo(2, 12);
    expect(exact.ess.item()).toBeCloseTo(1000, 8);
    expect(exact.logZStderr.item()).toBeLessThan(1e-6);
  });

  it("differentiates log Z: d/da log ∫ e^{−a x²/2} = −1/(2a), as the self-normalized E_p[−x²/2]", () => {
    const a = 1.5, key = random.key(9);
    const logZ = (s: Array) => integrate.importanceSampling((x: Array) => x.square().mul(s).mul(-0.5), normal(0, 1.5), n, { key }).logZ;
    const g = grad(logZ)(np.array(a)).item();
    const same = integrate.importanceSampling((x: Array) => x.square().mul(-a / 2), normal(0, 1.5), n, { key, f: (x: Array) => x.square().mul(-0.5) });
    expect(Math.abs(g - same.estimate!.item())).toBeLessThan(1e-12);
    expect(Math.abs(g + 1 / (2 * a)), `gradient ${g}`).toBeLessThan(0.02);
  });

  it("takes pytree draws", () => {
    const proposal = {
      sample: (key: Array, m: number) => ({ u: random.normal(key, [m, 2]).mul(2) }),
      logDensity: (x: { u: Array }) => np.sum(stats.norm.logpdf(x.u, 0, 2)),
    };
    const res = integrate.importanceSampling((x: { u: Array }) => np.sum(x.u.square()).mul(-0.5), proposal, 20_000, { key: random.key(2) });
    expect(Math.abs(res.logZ.item() - Math.log(2 * Math.PI))).toBeLessThan(4 * res.logZStderr.item());
  });

  it("refuses bad arguments with the op and the argument named", () => {
    const key = random.key(0);
    expect(errorOf(() => integrate.importanceSampling((x: Array) => np.stack([x, x]), normal(0, 1), 10, { key }))).toBe(
      "importanceSampling: logTarget must return a scalar Array for each draw, got an array of shape (2,) per draw",
    );
    expect(errorOf(() => integrate.importanceSampling(logTarget, { sample: normal(0, 1).sample } as never, 10, { key }))).toBe(
      "importanceSampling: proposal.logDensity must be a function, got undefined",
    );
    expect(errorOf(() => integrate.importanceSampling(logTarget, normal(0, 1), 1, { key }))).toBe(
      "importanceSampling: n must be at least 2 (a standard error needs two samples), got 1",
    );
  });
});
