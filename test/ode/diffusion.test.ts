// Diffusion sampling with an exact denoiser: for Gaussian data N(μ, s²), D(x, σ) =
// (s²x + σ²μ)/(s² + σ²), and the probability-flow ODE has the closed-form solution
// x(σ) = μ + (x_T − μ)·√(s² + σ²)/√(s² + σmax²). The samplers are checked against it, for
// their orders (Euler 1, Heun 2, against a fine-step reference), and for the statistics of
// their samples (deterministic and with churn) within Monte Carlo error bars.
import { describe, expect, it } from "vitest";
import { grad, jit, np, ode, random, vmap, type Array } from "nabla";
import { errorOf, expectClose } from "../helpers.js";

const MU = 1;
const S = 0.5;
const SIGMA_MAX = 80;
const denoiser = (x: Array, sigma: Array, mu: Array | number = MU) => np.div(np.add(np.mul(S * S, x), np.mul(np.square(sigma), mu)), np.add(np.square(sigma), S * S));
/** The exact flow from σmax to 0. */
const exactFlow = (xT: Array) => np.add(MU, np.mul(np.sub(xT, MU), S / Math.hypot(S, SIGMA_MAX)));
const maxAbsDiff = (a: Array, b: Array) => np.max(np.abs(np.sub(a, b))).item();

const N = 4000;
const z = random.normal(random.key(0), [N]);
// Drawn from the exact marginal at σmax, N(μ, s² + σmax²), so that the exact flow gives
// exactly N(μ, s²); EDM's σmax·N(0, 1) would be off by μ·s/σmax in the mean.
const xTrue = np.add(MU, np.mul(Math.hypot(S, SIGMA_MAX), z));

function expectDataStatistics(x: Array): void {
  const mean = np.mean(x).item();
  const variance = np.variance(x, { ddof: 1 }).item();
  expect(Math.abs(mean - MU)).toBeLessThan(4 * (S / Math.sqrt(N)));
  expect(Math.abs(variance - S * S)).toBeLessThan(4 * S * S * Math.sqrt(2 / (N - 1)));
}

describe("karrasSigmas", () => {
  it("is EDM's schedule with 0 appended", () => {
    const [lo, hi, rho] = [0.002, 80, 7];
    const expected = [0, 1, 2, 3].map((i) => (hi ** (1 / rho) + (i / 3) * (lo ** (1 / rho) - hi ** (1 / rho))) ** rho);
    expectClose(ode.karrasSigmas({ sigmaMin: lo, sigmaMax: hi, rho, steps: 4 }).toArray(), [...expected, 0], 1e-14);
    // The defaults are EDM's (0.002, 80, 7); one step is σmax alone.
    expect(ode.karrasSigmas({ steps: 4 }).toArray()).toEqual(ode.karrasSigmas({ sigmaMin: lo, sigmaMax: hi, rho, steps: 4 }).toArray());
    expect(ode.karrasSigmas({ sigmaMax: 10, steps: 1 }).toArray()).toEqual([10, 0]);
    const many = ode.karrasSigmas({ sigmaMin: 0.01, sigmaMax: 5, rho: 3, steps: 50 }).toArray() as number[];
    expect(many).toHaveLength(51);
    many.slice(1).forEach((s, i) => expect(s).toBeLessThan(many[i]!));
    expect(many[0]).toBeCloseTo(5, 12);
    expect(many[49]).toBeCloseTo(0.01, 12);
  });
});

describe("probabilityFlowSampler on Gaussian data", () => {
  const xT = np.mul(SIGMA_MAX, z);
  const reference = ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 4096 })(xT);

  it("a fine Heun run follows the exact flow (the last, Euler, step from σmin = 0.002 costs ~σmin²)", () => {
    expect(maxAbsDiff(reference, exactFlow(xT))).toBeLessThan(1e-4);
  });

  it("Euler converges with order 1 and Heun with order 2; Heun's error at 64 steps is >10× smaller", () => {
    const STEPS = [16, 32, 64, 128];
    const error = (method: "euler" | "heun") => STEPS.map((steps) => maxAbsDiff(ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps, method })(xT), reference));
    const [euler, heun] = [error("euler"), error("heun")];
    const orders = (e: number[]) => e.slice(1).map((x, i) => Math.log2(e[i]! / x));
    // Measured: Euler 0.98, 0.99, 1.00; Heun 2.20, 2.10, 2.05.
    orders(euler).forEach((p) => expect(Math.abs(p - 1)).toBeLessThan(0.1));
    orders(heun).forEach((p) => expect(Math.abs(p - 2)).toBeLessThan(0.3));
    expect(heun[2]! * 10).toBeLessThan(euler[2]!);
  });

  it("Heun at 64 steps gives the data's mean and variance within 4 standard errors", () => {
    expectDataStatistics(ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 64 })(xTrue));
  });

  it("is deterministic in xT, and jit equals eager", () => {
    const sample = ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 10, method: "euler" });
    const x = np.slice(xT, [0, 50]);
    expect(sample(x).toArray()).toEqual(sample(x).toArray());
    expect(maxAbsDiff(jit(sample)(x), sample(x))).toBeLessThan(1e-13);
  });

  it("differentiates in the denoiser's arguments: d mean(x₀)/dμ equals a central difference and ≈ 1 − s/√(s² + σmax²)", () => {
    const sample = ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 32 });
    const x = np.slice(xT, [0, 100]);
    const meanOf = (mu: Array) => np.mean(sample(x, mu));
    const g = grad(meanOf)(np.array(MU)).item();
    const h = 1e-5;
    const fd = (meanOf(np.array(MU + h)).item() - meanOf(np.array(MU - h)).item()) / (2 * h);
    expect(Math.abs(g - fd)).toBeLessThan(1e-8);
    expect(Math.abs(g - (1 - S / Math.hypot(S, SIGMA_MAX)))).toBeLessThan(1e-2);
    // vmap over the argument equals a loop.
    const mus = np.array([0, 1, 2]);
    const batched = vmap((mu: Array) => sample(np.slice(x, [0, 5]), mu))(mus).toArray() as number[][];
    [0, 1, 2].forEach((mu, i) => expectClose(batched[i], sample(np.slice(x, [0, 5]), np.array(mu)).toArray() as number[], 1e-13));
  });
});

describe("stochasticSampler (churn)", () => {
  const opts = { sigmaMax: SIGMA_MAX, steps: 64, sChurn: 40, sTmin: 0.05, sTmax: 50 };

  it("with S_churn = 40 its samples have the data's mean and variance within 4 standard errors", () => {
    const x = ode.stochasticSampler(denoiser, opts)(np.mul(SIGMA_MAX, z), random.key(3));
    expectDataStatistics(x);
    // The churn moves samples: they are not the deterministic sampler's.
    expect(maxAbsDiff(x, ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 64 })(np.mul(SIGMA_MAX, z)))).toBeGreaterThan(0.1);
  });

  it("the same key gives the same samples, another key others; S_churn = 0 is the probability-flow sampler", () => {
    const sample = ode.stochasticSampler(denoiser, { ...opts, steps: 8 });
    const x = np.slice(xTrue, [0, 20]);
    expect(sample(x, random.key(1)).toArray()).toEqual(sample(x, random.key(1)).toArray());
    expect(maxAbsDiff(sample(x, random.key(1)), sample(x, random.key(2)))).toBeGreaterThan(1e-3);
    const still = ode.stochasticSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 8, method: "euler" })(x, random.key(1));
    expect(maxAbsDiff(still, ode.probabilityFlowSampler(denoiser, { sigmaMax: SIGMA_MAX, steps: 8, method: "euler" })(x))).toBe(0);
    expect(maxAbsDiff(jit(sample)(x, random.key(1)), sample(x, random.key(1)))).toBeLessThan(1e-13);
  });
});

describe("errors", () => {
  it("options are checked and unknown ones refused", () => {
    expect(errorOf(() => ode.karrasSigmas({ steps: 4, sigma: 1 } as never))).toMatch(/^karrasSigmas: unknown option "sigma"/);
    expect(errorOf(() => ode.karrasSigmas({} as never))).toMatch(/^karrasSigmas: steps is required/);
    expect(errorOf(() => ode.karrasSigmas({ steps: 0 }))).toMatch(/^karrasSigmas: steps must be a positive integer, got 0/);
    expect(errorOf(() => ode.karrasSigmas({ steps: 4, sigmaMin: 2, sigmaMax: 1 }))).toMatch(/^karrasSigmas: sigmaMax \(1\) must be larger than sigmaMin \(2\)/);
    expect(errorOf(() => ode.karrasSigmas({ steps: 4, rho: -1 }))).toMatch(/^karrasSigmas: rho must be positive, got -1/);
    expect(errorOf(() => ode.probabilityFlowSampler(denoiser, { steps: 4, method: "rk4" as never }))).toMatch(/^probabilityFlowSampler: method "rk4" is not one of euler, heun/);
    expect(errorOf(() => ode.probabilityFlowSampler(denoiser, { steps: 4, sChurn: 1 } as never))).toMatch(/^probabilityFlowSampler: unknown option "sChurn"/);
    expect(errorOf(() => ode.stochasticSampler(denoiser, { steps: 4, sTmin: 2, sTmax: 1 }))).toMatch(/^stochasticSampler: sTmax \(1\) must be at least sTmin \(2\)/);
    expect(errorOf(() => ode.stochasticSampler(denoiser, { steps: 4, sNoise: -1 }))).toMatch(/^stochasticSampler: sNoise must be a non-negative finite number, got -1/);
    expect(errorOf(() => ode.stochasticSampler(3 as never, { steps: 4 }))).toMatch(/^stochasticSampler: denoiser must be a function/);
  });

  it("bad calls name the argument", () => {
    const sample = ode.probabilityFlowSampler(denoiser, { steps: 4 });
    expect(errorOf(() => sample([1, 2] as never))).toMatch(/^probabilityFlowSampler: xT must be a float Array/);
    expect(errorOf(() => ode.probabilityFlowSampler((x: Array) => x.sum(), { steps: 4 })(np.ones([3])))).toMatch(/^probabilityFlowSampler: the denoiser must return x's shape \(3,\), got \(\)/);
    expect(errorOf(() => ode.stochasticSampler(denoiser, { steps: 4 })(np.ones([3]), np.array([1, 2])))).toMatch(/^stochasticSampler: key must be a PRNG key.*float64\(2,\)/);
  });
});
