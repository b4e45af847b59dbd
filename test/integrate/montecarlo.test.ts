// Plain Monte Carlo: the reported standard error against the closed-form one and against
// the spread of estimates over many keys, the batched moments against one pass over the
// same samples (also where a naive sum of squares would cancel), gradients of an estimate
// against the closed form and against the estimate of the derivative, and the errors.
import { describe, expect, it } from "vitest";
import { grad, integrate, np, random, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const uniform = (key: Array, m: number) => random.uniform(key, [m]);
const square = (x: Array) => x.square();

/** Mean and sample standard deviation of plain numbers. */
function meanSd(xs: number[]): [number, number] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [mean, Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1))];
}

describe("monteCarlo", () => {
  // The spread of K estimates is known to ±1/√(2(K − 1)) of itself: ±10% (1σ) for the 50
  // keys first asked for, so 400 keys make a 10% tolerance a 2.8σ one. 400 keys at 10⁶
  // would take minutes (random.uniform dominates, not the estimator), so the spread is
  // measured at N = 10⁴ and one key checks N = 10⁶ against the closed form;
  // scripts/montecarlo-stderr.ts prints the figures of 50 keys at 10⁶.
  it("∫₀¹ x²: the standard error matches the closed form and the spread of the estimate over 400 keys", () => {
    const N = 1e4, KEYS = 400, SEED = 0;
    const sigma = Math.sqrt(1 / 5 - 1 / 9); // the sd of x² for x ~ U(0, 1)
    const estimates: number[] = [];
    const stderrs: number[] = [];
    for (const [k, key] of (random.split(random.key(SEED), KEYS).toArray() as number[][]).entries()) {
      const r = integrate.monteCarlo(square, uniform, N, { key: np.array(key, { dtype: "int32" }), batchSize: 3000 });
      expect(r.n).toBe(N);
      estimates.push(r.estimate.item());
      stderrs.push(r.stderr.item());
      // With 10⁴ samples the sample sd is within ~0.7% of σ (1σ), so 4% is ~5.5σ.
      expect(Math.abs(r.stderr.item() / (sigma / Math.sqrt(N)) - 1), `seed ${SEED}, key ${k}: stderr ${r.stderr.item()}`).toBeLessThan(0.04);
    }
    const [mean, spread] = meanSd(estimates);
    const [stderr] = meanSd(stderrs);
    const figures = `seed ${SEED}: mean ${mean}, spread ${spread}, mean stderr ${stderr}`;
    expect(Math.abs(spread / stderr - 1), figures).toBeLessThan(0.1);
    expect(Math.abs(mean - 1 / 3), figures).toBeLessThan((4 * stderr) / Math.sqrt(KEYS));
    const big = integrate.monteCarlo(square, uniform, 1e6, { key: random.key(SEED + 1) });
    expect(Math.abs(big.stderr.item() / (sigma / 1000) - 1), `N = 10⁶: stderr ${big.stderr.item()}`).toBeLessThan(0.005);
    expect(Math.abs(big.estimate.item() - 1 / 3), `N = 10⁶: estimate ${big.estimate.item()}`).toBeLessThan(4 * big.stderr.item());
  });

  it("merges batches exactly: the same mean and standard error as one pass over the same samples", () => {
    const n = 10_500, batchSize = 1000, key = random.key(3);
    // Far from zero, where Σx² − n·x̄² would lose every digit of the variance.
    const f = (x: Array) => x.add(1e9);
    const r = integrate.monteCarlo(f, uniform, n, { key, batchSize });
    const keys = random.split(key, Math.ceil(n / batchSize));
    const all = np.concatenate(globalThis.Array.from({ length: keys.shape[0]! }, (_, b) => uniform(keys.slice(b), Math.min(batchSize, n - b * batchSize))));
    expect(all.shape).toEqual([n]);
    expect(r.estimate.item()).toBeCloseTo(np.mean(all).item() + 1e9, 6);
    const expected = np.std(all, { ddof: 1 }).item() / Math.sqrt(n);
    expect(Math.abs(r.stderr.item() / expected - 1)).toBeLessThan(1e-6);
  });

  it("estimates each element of an array-valued f, and takes pytree samples", () => {
    const sample = (key: Array, m: number) => {
      const [k1, k2] = random.split(key);
      return { a: random.uniform(k1!, [m]), b: random.normal(k2!, [m, 2]) };
    };
    const f = (s: { a: Array; b: Array }) => np.stack([s.a.mul(s.b.slice(0)), s.b.slice(1).square()]);
    const r = integrate.monteCarlo(f, sample, 40_000, { key: random.key(5), batchSize: 15_000 });
    expect(r.estimate.shape).toEqual([2]);
    expect(r.stderr.shape).toEqual([2]);
    const [est, se] = [r.estimate.toArray() as number[], r.stderr.toArray() as number[]];
    // E[a·b₀] = 0 with sd √(1/3); E[b₁²] = 1 with sd √2.
    expect(se[0]! / (Math.sqrt(1 / 3) / 200)).toBeCloseTo(1, 1);
    expect(se[1]! / (Math.sqrt(2) / 200)).toBeCloseTo(1, 1);
    expect(Math.abs(est[0]!), `estimate ${est}, stderr ${se}`).toBeLessThan(4 * se[0]!);
    expect(Math.abs(est[1]! - 1), `estimate ${est}, stderr ${se}`).toBeLessThan(4 * se[1]!);
  });

  it("is differentiable in what f closes over: d/dθ ∫₀¹ e^{θx} dx", () => {
    const theta = 0.7, n = 100_000, key = random.key(11);
    const estimate = (t: Array) => integrate.monteCarlo((x: Array) => np.exp(x.mul(t)), uniform, n, { key, batchSize: 30_000 }).estimate;
    const g = grad(estimate)(np.array(theta)).item();
    // The gradient of the estimate is the estimate of the gradient, on the same samples.
    const dr = integrate.monteCarlo((x: Array) => x.mul(np.exp(x.mul(theta))), uniform, n, { key, batchSize: 30_000 });
    expect(Math.abs(g - dr.estimate.item())).toBeLessThan(1e-12);
    const exact = (theta * Math.exp(theta) - Math.exp(theta) + 1) / theta ** 2;
    expect(Math.abs(g - exact), `gradient ${g}, exact ${exact}, stderr ${dr.stderr.item()}`).toBeLessThan(4 * dr.stderr.item());
  });

  it("depends only on the key: the same key, the same estimate", () => {
    const a = integrate.monteCarlo(square, uniform, 1000, { key: random.key(1) });
    const b = integrate.monteCarlo(square, uniform, 1000, { key: random.key(1) });
    const c = integrate.monteCarlo(square, uniform, 1000, { key: random.key(2) });
    expect(a.estimate.item()).toBe(b.estimate.item());
    expect(a.estimate.item()).not.toBe(c.estimate.item());
  });

  it("refuses bad arguments with the op and the argument named", () => {
    const key = random.key(0);
    expect(errorOf(() => integrate.monteCarlo(square, uniform, 1, { key }))).toBe("monteCarlo: n must be at least 2 (a standard error needs two samples), got 1");
    expect(errorOf(() => integrate.monteCarlo(square, uniform, 10, { key, batchSize: 0 }))).toBe("monteCarlo: batchSize must be a positive integer, got 0");
    expect(errorOf(() => integrate.monteCarlo(square, uniform, 10, { key: np.array([1, 2]) }))).toMatch(/^monteCarlo: key must be a PRNG key/);
    expect(errorOf(() => integrate.monteCarlo(square, uniform, 10, { key, batch: 5 } as never))).toMatch(/^monteCarlo: unknown option "batch"/);
    expect(errorOf(() => integrate.monteCarlo(square, (k) => random.uniform(k, [3]), 10, { key }))).toBe(
      "monteCarlo: sample(key, 10) must return arrays with leading axis 10, got shape (3,)",
    );
    expect(errorOf(() => integrate.monteCarlo(5 as never, uniform, 10, { key }))).toBe("monteCarlo: f must be a function, got 5");
  });
});
