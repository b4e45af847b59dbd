// HMC and NUTS against distributions whose moments are known in closed form: a correlated
// 100-D Gaussian whose scales span 0.5–2 (so the diagonal mass adaptation matters), a 1-D
// standard normal, a normal model's posterior; Neal's funnel for divergences; and the
// contract (determinism given the key, failures as a status, bad input as an error).
// Every statistical check uses the sampler's own ESS for its Monte-Carlo error and prints
// the seed and figures when it fails.
import { bayes, np, random, stats, type Array } from "nabla";
import { describe, expect, it } from "vitest";

// Σ = D·C·D, C the AR(1) correlation ρ^|i−j|, D the scales; its precision is tridiagonal:
// C⁻¹ = (1/(1−ρ²))·tridiag(−ρ, [1, 1+ρ², …, 1+ρ², 1], −ρ), scaled by D⁻¹ on both sides.
const d = 100;
const rho = 0.5;
const scale = Float64Array.from({ length: d }, (_, i) => 0.5 * 4 ** (((i * 37) % d) / (d - 1)));
const mean = Float64Array.from({ length: d }, (_, i) => Math.sin(i));
const precisionDiagonal = np.array(Float64Array.from({ length: d }, (_, i) => (i === 0 || i === d - 1 ? 1 : 1 + rho * rho) / (1 - rho * rho) / scale[i]! ** 2));
const precisionOffDiagonal = np.array(Float64Array.from({ length: d - 1 }, (_, i) => -rho / (1 - rho * rho) / (scale[i]! * scale[i + 1]!)));
const mu = np.array(mean);

/** log N(x; μ, Σ) + const = −½ rᵀΣ⁻¹r with the banded precision (r = x − μ). */
function gaussianLogDensity(x: Array): Array {
  const r = x.sub(mu);
  const diagonal = np.sum(precisionDiagonal.mul(r.square()));
  const offDiagonal = np.sum(precisionOffDiagonal.mul(r.slice([0, -1])).mul(r.slice([1, null])));
  return diagonal.add(offDiagonal.mul(2)).mul(-0.5);
}

/** The largest |estimate − truth|/(Monte-Carlo standard error) over coordinates. */
function maxZ(estimates: Float64Array, truth: (i: number) => number, sd: (i: number) => number, ess: Float64Array): number {
  return Math.max(...estimates.map((e, i) => Math.abs(e - truth(i)) / (sd(i) / Math.sqrt(ess[i]!))));
}

function checkGaussian(name: string, seed: number, targetAcceptance: number, r: bayes.McmcResult<Array>): void {
  const draws = (r.samples as Array).reshape([-1, d]);
  const chains = r.samples.shape[0]!;
  const figures = `${name}, seed ${seed}: ${r.message}; minEss ${r.summary.minEss.toFixed(0)}, maxRhat ${r.summary.maxRhat.toFixed(4)}, acceptance ${r.acceptanceRate.map((a) => a.toFixed(2))}`;
  expect(r.status, figures).toBe("success");
  expect(r.summary.maxRhat, figures).toBeLessThan(1.01);
  expect(r.divergences, figures).toEqual(new globalThis.Array(chains).fill(0));

  // Means, each within its Monte-Carlo error: the sampler's ESS of that coordinate.
  const ess = (r.ess as Array).toFloat64Array();
  const zMean = maxZ(np.mean(draws, { axis: 0 }).toFloat64Array(), (i) => mean[i]!, (i) => scale[i]!, ess);
  expect(zMean, `${figures}; max z of the means ${zMean}`).toBeLessThan(4.5);

  // Variances: the mean of (x − μ)², whose sd is √2·σ² and whose ESS is measured the same way.
  const squares = r.samples.sub(mu).square();
  const essSquares = bayes.ess(squares).toFloat64Array();
  const meanSquares = np.mean(squares.reshape([-1, d]), { axis: 0 }).toFloat64Array();
  const zVar = maxZ(meanSquares, (i) => scale[i]! ** 2, (i) => Math.SQRT2 * scale[i]! ** 2, essSquares);
  expect(zVar, `${figures}; max z of the variances ${zVar}`).toBeLessThan(4.5);

  // A few correlations: ρ for neighbours, ρ² two apart, ρ^10 ≈ 0 ten apart.
  const flat = draws.toFloat64Array();
  const n = flat.length / d;
  const corr = (i: number, j: number) => {
    let sij = 0;
    for (let k = 0; k < n; k++) sij += (flat[k * d + i]! - mean[i]!) * (flat[k * d + j]! - mean[j]!);
    return sij / n / (scale[i]! * scale[j]!);
  };
  for (const [i, j, want] of [[0, 1, rho], [49, 50, rho], [98, 99, rho], [10, 12, rho ** 2], [30, 40, rho ** 10]] as const) {
    expect(Math.abs(corr(i, j) - want), `${figures}; correlation (${i}, ${j}) ${corr(i, j)}, want ${want}`).toBeLessThan(0.1);
  }

  // The adapted inverse mass follows the marginal variances (which span 0.25–4): each within
  // a factor 3 (a slow window's estimate from 150 autocorrelated draws), their median within 25%.
  const ratios = [...r.inverseMass.toFloat64Array()].map((v, k) => v / scale[k % d]! ** 2).sort((a, b) => a - b);
  const median = ratios[ratios.length >> 1]!;
  expect(ratios[0]!, `${figures}; inverse mass / variance from ${ratios[0]} to ${ratios.at(-1)}`).toBeGreaterThan(1 / 3);
  expect(ratios.at(-1)!, `${figures}; inverse mass / variance from ${ratios[0]} to ${ratios.at(-1)}`).toBeLessThan(3);
  expect(Math.abs(Math.log(median)), `${figures}; median inverse mass / variance ${median}`).toBeLessThan(Math.log(1.25));

  // The step size was tuned to the target acceptance (the averaged step that warm-up ends
  // with is a little smaller than its last iterates, so the acceptance comes out higher).
  const acceptance = r.acceptanceRate.reduce((a, b) => a + b) / chains;
  expect(acceptance - targetAcceptance, figures).toBeGreaterThan(-0.1);
  expect(acceptance - targetAcceptance, figures).toBeLessThan(0.2);
}

describe("a correlated 100-D Gaussian", () => {
  it("NUTS recovers its mean, variances and correlations", () => {
    const seed = 1;
    const r = bayes.nuts(gaussianLogDensity, np.zeros([d]), { key: random.key(seed), samples: 500, warmup: 300 });
    expect(r.samples.shape).toEqual([4, 500, d]);
    expect(r.logDensity.shape).toEqual([4, 500]);
    expect(r.treeDepth!.every((depth) => depth > 1 && depth < 10)).toBe(true);
    checkGaussian("nuts", seed, 0.8, r);
  });

  it("HMC recovers its mean, variances and correlations", () => {
    const seed = 2;
    const r = bayes.hmc(gaussianLogDensity, np.zeros([d]), { key: random.key(seed), samples: 1000, warmup: 300 });
    expect(r.treeDepth).toBeUndefined();
    checkGaussian("hmc", seed, 0.65, r);
  });
});

describe("small targets", () => {
  const standardNormal = (x: Array) => x.square().sum().mul(-0.5);

  for (const sampler of ["nuts", "hmc"] as const) {
    it(`${sampler}: a 1-D standard normal`, () => {
      const seed = 7;
      const r = bayes[sampler](standardNormal, np.array([3]), { key: random.key(seed), samples: 500, warmup: 200, chains: 2 });
      const x = r.samples.toFloat64Array();
      const ess = r.ess.item();
      const m = x.reduce((a, b) => a + b) / x.length;
      const v = x.reduce((a, b) => a + b * b, 0) / x.length;
      const figures = `seed ${seed}: mean ${m}, E[x²] ${v}, ess ${ess}, acceptance ${r.acceptanceRate}`;
      expect(Math.abs(m) * Math.sqrt(ess), figures).toBeLessThan(4);
      expect(Math.abs(v - 1) * Math.sqrt(ess / 2), figures).toBeLessThan(4.5);
      // (In one dimension the acceptance is near 1 up to the leapfrog's stability limit ε = 2
      // and falls off a cliff past it, so it is not checked against the target here.)
      expect(r.divergences, figures).toEqual([0, 0]);
    });
  }

  it("a pytree x0 ({ mu, logSigma }): the posterior of a normal model", () => {
    const seed = 4;
    const data = random.normal(random.key(100), [50]).mul(2).add(1);
    const logDensity = ({ mu, logSigma }: { mu: Array; logSigma: Array }) => stats.norm.logpdf(data, mu, np.exp(logSigma)).sum();
    const r = bayes.nuts(logDensity, { mu: np.array(0), logSigma: np.array(0) }, { key: random.key(seed), samples: 400, warmup: 200, chains: 2 });
    expect(r.samples.mu.shape).toEqual([2, 400]);
    expect(r.samples.logSigma.shape).toEqual([2, 400]);
    expect(r.ess.mu.shape).toEqual([]);
    expect(r.inverseMass.shape).toEqual([2, 2]);
    // Flat priors: μ | σ is N(ȳ, σ²/n), so E[μ] = ȳ exactly; sd(μ) ≈ s/√n.
    const y = data.toFloat64Array();
    const ybar = y.reduce((a, b) => a + b) / y.length;
    const s = Math.sqrt(y.reduce((a, b) => a + (b - ybar) ** 2, 0) / (y.length - 1));
    const mus = r.samples.mu.toFloat64Array();
    const muMean = mus.reduce((a, b) => a + b) / mus.length;
    const z = Math.abs(muMean - ybar) / (s / Math.sqrt(y.length) / Math.sqrt(r.ess.mu.item()));
    expect(z, `seed ${seed}: E[μ] ${muMean}, ȳ ${ybar}, ess ${r.ess.mu.item()}`).toBeLessThan(4.5);
    expect(r.summary.maxRhat, `seed ${seed}`).toBeLessThan(1.02);
  });
});

describe("divergences and failures", () => {
  it("Neal's funnel makes NUTS diverge, and says so in divergences", () => {
    // v ~ N(0, 3²), xᵢ | v ~ N(0, e^v): no one step size fits both the mouth and the neck.
    // A loose acceptance target (a larger step) makes the neck's divergences frequent.
    const seed = 9;
    const funnel = ({ v, x }: { v: Array; x: Array }) =>
      stats.norm.logpdf(v, 0, 3).add(stats.norm.logpdf(x, 0, np.exp(v.mul(0.5))).sum());
    const r = bayes.nuts(funnel, { v: np.array(0), x: np.zeros([4]) }, { key: random.key(seed), samples: 300, warmup: 150, targetAcceptance: 0.6 });
    const total = r.divergences.reduce((a, b) => a + b);
    expect(total, `seed ${seed}: divergences ${r.divergences}`).toBeGreaterThan(0);
    expect(r.status).toBe("success");
  });

  it("every transition diverging is status 'diverging'", () => {
    const r = bayes.hmc((x: Array) => x.square().sum().mul(-0.5), np.zeros([3]), {
      key: random.key(0), samples: 20, warmup: 0, chains: 2, stepSize: 1e4, adaptStepSize: false,
    });
    expect(r.status).toBe("diverging");
    expect(r.divergences).toEqual([20, 20]);
    expect(r.message).toMatch(/hmc: every transition of chain 0 after warm-up diverged/);
  });

  it("a log density that is NaN at x0 (and around it) is status 'nonFinite', not an exception", () => {
    const r = bayes.nuts((x: Array) => np.log(x.sub(100)).sum(), np.zeros([2]), { key: random.key(0), samples: 10, warmup: 10, chains: 2 });
    expect(r.status).toBe("nonFinite");
    expect(r.message).toMatch(/nuts: the log density is not finite at the start of chain 0/);
    expect(r.samples.shape).toEqual([2, 10, 2]);
    expect(Number.isNaN(r.summary.minEss)).toBe(true);
  });

  it("the same key gives the same draws; another key, others", () => {
    const f = (x: Array) => x.square().sum().mul(-0.5);
    const opts = { samples: 30, warmup: 30, chains: 2 };
    for (const sampler of ["nuts", "hmc"] as const) {
      const a = bayes[sampler](f, np.zeros([2]), { key: random.key(5), ...opts }).samples.toFloat64Array();
      const b = bayes[sampler](f, np.zeros([2]), { key: random.key(5), ...opts }).samples.toFloat64Array();
      const c = bayes[sampler](f, np.zeros([2]), { key: random.key(6), ...opts }).samples.toFloat64Array();
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    }
  });

  it("chains run in lockstep, their gradients evaluated together, and a chain's draws do not depend on the others'", () => {
    // A logistic regression's posterior: NUTS's chains build trees of different depths, so
    // the batches mix chains at different stages. Chain 0 starts at the same point in both
    // runs; chain 1 somewhere else: chain 0's draws must not change.
    const X = random.normal(random.key(1), [40, 3]);
    const y = np.sign(random.normal(random.key(2), [40]));
    let calls = 0;
    const f = (w: Array) => {
      calls++;
      return np.sum(np.log1p(np.exp(np.neg(np.mul(y, np.matmul(X, w)))))).neg().sub(np.sum(np.square(w)).mul(0.5));
    };
    for (const sampler of ["nuts", "hmc"] as const) {
      const run = (other: number) => {
        calls = 0;
        const init = [np.array([0.1, -0.2, 0.3]), np.array([other, -other, other])];
        return bayes[sampler](f, np.zeros([3]), { key: random.key(3), samples: 40, warmup: 40, chains: 2, init, jit: false });
      };
      const a = run(1);
      // Eager (jit: false): f runs once per call of the density, batched or not.
      expect(calls, `${sampler}: calls of logDensity against ${a.gradientEvaluations} gradient evaluations`).toBeLessThan(0.75 * a.gradientEvaluations);
      const b = run(-2);
      const chain0 = (r: bayes.McmcResult<Array>) => r.samples.slice(0).toFloat64Array();
      expect(chain0(b), `${sampler}: chain 0's draws`).toEqual(chain0(a));
      expect(b.samples.slice(1).toFloat64Array()).not.toEqual(a.samples.slice(1).toFloat64Array());
    }
  });

  it("init: 'x0' and one start per chain are honoured; jit: false gives the same draws", () => {
    const f = (x: Array) => x.sub(2).square().sum().mul(-0.5);
    const starts = [np.array([10, 10]), np.array([-10, -10])];
    const r = bayes.nuts(f, np.zeros([2]), { key: random.key(1), samples: 5, warmup: 0, chains: 2, init: starts, stepSize: 0.01, adaptStepSize: false });
    const first = r.samples.slice(null, 0).toArray() as number[][];
    expect(first[0]![0]!).toBeGreaterThan(9); // tiny steps from (10, 10) stay near it
    expect(first[1]![0]!).toBeLessThan(-9);
    const eager = bayes.hmc(f, np.zeros([2]), { key: random.key(1), samples: 10, warmup: 10, chains: 1, init: "x0", jit: false });
    const staged = bayes.hmc(f, np.zeros([2]), { key: random.key(1), samples: 10, warmup: 10, chains: 1, init: "x0" });
    // The same arithmetic staged or not, up to rounding: the same accept/reject decisions.
    const gap = Math.max(...eager.samples.sub(staged.samples).abs().toFloat64Array());
    expect(gap).toBeLessThan(1e-9);
  });

  it("bad input throws a clear error naming the op", () => {
    const f = (x: Array) => x.square().sum().mul(-0.5);
    const key = random.key(0);
    expect(() => bayes.nuts(f, np.zeros([2]), {} as never)).toThrow(/nuts: key must be a PRNG key/);
    expect(() => bayes.nuts(f, np.zeros([2]), { key, samples: 0 })).toThrow(/nuts: samples must be a positive integer, got 0/);
    expect(() => bayes.hmc(f, np.zeros([2]), { key, steps: 1.5 })).toThrow(/hmc: steps must be a positive integer, got 1.5/);
    expect(() => bayes.hmc(f, np.zeros([2]), { key, targetAcceptance: 1 })).toThrow(/hmc: targetAcceptance must be a number in \(0, 1\)/);
    expect(() => bayes.nuts(f, np.zeros([2]), { key, maxDepth: 5 } as never)).toThrow(/nuts: unknown option "maxDepth"/);
    expect(() => bayes.nuts(f, np.zeros([2], { dtype: "int32" }), { key })).toThrow(/nuts: x0 must be a pytree of float Arrays, leaf 0 is int32/);
    expect(() => bayes.nuts((x: Array) => x.square(), np.zeros([2]), { key })).toThrow(/nuts: logDensity must return a scalar, got shape \(2\)/);
    expect(() => bayes.nuts(f, np.zeros([2]), { key, chains: 2, init: [np.zeros([2])] })).toThrow(/nuts: init must hold one pytree per chain \(2\), got 1/);
  });
});
