// Split R̂ and ESS against what they must give: the closed-form ESS of an AR(1) series,
// R̂ ≈ 1 for chains of one distribution and well above 1 for a shifted or rescaled chain.
import { readFileSync } from "node:fs";
import { bayes, np, random, type Array } from "nabla";
import { describe, expect, it } from "vitest";

/** Draws and their diagnostics computed by scripts/fixtures/mcmc_diagnostics.py (numpy, FFT autocovariances). */
const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/mcmc_diagnostics.json", import.meta.url), "utf8")) as {
  cases: { name: string; draws: number[][]; rhat_classic: number; rhat_rank: number; ess_classic: number; ess_bulk: number }[];
};

describe("rhat and ess against an independent reference (test/fixtures/mcmc_diagnostics.json)", () => {
  for (const c of FIXTURE.cases) {
    it(c.name, () => {
      const draws = np.array(c.draws);
      expect(bayes.rhat(draws, { rankNormalize: false }).item()).toBeCloseTo(c.rhat_classic, 11);
      expect(bayes.rhat(draws).item()).toBeCloseTo(c.rhat_rank, 11);
      expect(bayes.ess(draws, { rankNormalize: false }).item() / c.ess_classic).toBeCloseTo(1, 11);
      expect(bayes.ess(draws).item() / c.ess_bulk).toBeCloseTo(1, 11);
    });
  }
});

/** `chains` stationary AR(1) series xₜ = ρ·xₜ₋₁ + √(1−ρ²)·εₜ of length n, as [chains, n]. */
function ar1(seed: number, chains: number, n: number, rho: number): Array {
  const noise = random.normal(random.key(seed), [chains, n]).toFloat64Array();
  const x = new Float64Array(chains * n);
  const s = Math.sqrt(1 - rho * rho);
  for (let c = 0; c < chains; c++) {
    x[c * n] = noise[c * n]!; // x₀ ~ N(0, 1), the stationary law
    for (let t = 1; t < n; t++) x[c * n + t] = rho * x[c * n + t - 1]! + s * noise[c * n + t]!;
  }
  return np.reshape(np.array(x), [chains, n]);
}

describe("ess", () => {
  // ESS = N·(1−ρ)/(1+ρ): the integrated autocorrelation time of AR(1) is (1+ρ)/(1−ρ).
  for (const rho of [0.9, 0.5, -0.3]) {
    for (const rankNormalize of [true, false]) {
      it(`AR(1) ρ = ${rho}${rankNormalize ? "" : " (no rank normalization)"} gives N(1−ρ)/(1+ρ) within 10%`, () => {
        const seed = 11;
        const n = 40000; // the estimate's relative spread is about 3% here (ρ = 0.9), 11% at 4000
        const draws = ar1(seed, 4, n, rho);
        const expected = (4 * n * (1 - rho)) / (1 + rho);
        const got = bayes.ess(draws, { rankNormalize }).item();
        expect(Math.abs(got / expected - 1), `seed ${seed}: ess ${got}, expected ${expected}`).toBeLessThan(0.1);
      });
    }
  }

  it("is about the number of draws for independent draws, per trailing coordinate", () => {
    const draws = random.normal(random.key(3), [4, 500, 2, 3]);
    const e = bayes.ess(draws);
    expect(e.shape).toEqual([2, 3]);
    for (const v of e.toFloat64Array()) expect(v / 2000, `seed 3: ess ${v} of 2000 draws`).toBeGreaterThan(0.85), expect(v / 2000).toBeLessThan(1.15);
  });

  it("is NaN for constant, non-finite or too few draws", () => {
    expect(bayes.ess(np.ones([2, 100])).item()).toBeNaN();
    expect(bayes.ess(np.array([[1, 2, 3, 4, 5, 6, 7, NaN, 9, 10]])).item()).toBeNaN();
    expect(bayes.ess(np.array([[1, 2, 3, 4, 5]])).item()).toBeNaN();
  });
});

describe("rhat", () => {
  const seed = 5;
  const iid = random.normal(random.key(seed), [4, 1000]);

  it("is about 1 for chains of one distribution", () => {
    for (const rankNormalize of [true, false]) {
      const r = bayes.rhat(iid, { rankNormalize }).item();
      expect(Math.abs(r - 1), `seed ${seed}: rhat ${r}`).toBeLessThan(0.01);
    }
  });

  it("is well above 1 when one chain is shifted", () => {
    const shifted = iid.add(np.array([[1.5], [0], [0], [0]]));
    for (const rankNormalize of [true, false]) {
      const r = bayes.rhat(shifted, { rankNormalize }).item();
      expect(r, `seed ${seed}: rhat ${r}`).toBeGreaterThan(1.1);
    }
  });

  it("sees a chain of another scale only with rank normalization (the folded R̂)", () => {
    const rescaled = iid.mul(np.array([[4], [1], [1], [1]]));
    const folded = bayes.rhat(rescaled).item();
    const classic = bayes.rhat(rescaled, { rankNormalize: false }).item();
    expect(folded, `seed ${seed}: rhat ${folded}`).toBeGreaterThan(1.1);
    expect(classic, `seed ${seed}: rhat ${classic}`).toBeLessThan(1.05);
  });

  it("matches BDA3's formula on a small case by hand", () => {
    // Two chains of 8, split into four of 4: W and B/n by hand.
    const draws = np.array([[0, 1, 2, 3, 1, 2, 3, 4], [2, 2, 3, 1, 5, 4, 6, 5]]);
    const halves = [[0, 1, 2, 3], [1, 2, 3, 4], [2, 2, 3, 1], [5, 4, 6, 5]];
    const means = halves.map((h) => h.reduce((a, b) => a + b) / 4);
    const w = halves.reduce((s, h, j) => s + h.reduce((t, x) => t + (x - means[j]!) ** 2, 0) / 3, 0) / 4;
    const grand = means.reduce((a, b) => a + b) / 4;
    const b = means.reduce((s, m) => s + (m - grand) ** 2, 0) / 3;
    const expected = Math.sqrt(((3 / 4) * w + b) / w);
    expect(bayes.rhat(draws, { rankNormalize: false }).item()).toBeCloseTo(expected, 12);
  });

  it("refuses bad draws and options, naming the op", () => {
    expect(() => bayes.rhat(np.ones([10]))).toThrow(/rhat: draws must have shape \[chains, samples, \.\.\.\]/);
    expect(() => bayes.ess(np.ones([2, 10], { dtype: "int32" }))).toThrow(/ess: draws must be float/);
    expect(() => bayes.ess(iid, { rank: true } as never)).toThrow(/ess: unknown option "rank"/);
  });
});
