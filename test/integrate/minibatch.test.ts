// The mini-batch estimate of an expected loss: unbiased for the full-data mean over many
// keys, its standard error (with the finite-population correction) against the spread,
// the whole data set as the batch, the mini-batch gradient, and the errors.
import { describe, expect, it } from "vitest";
import { grad, integrate, np, random, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// A linear model's squared error on 200 noisy examples.
const N = 200;
const xs = random.normal(random.key(100), [N, 3]);
const ys = xs.matmul(np.array([1, -2, 0.5])).add(random.normal(random.key(101), [N]).mul(0.3));
const data = { x: xs, y: ys };
const lossAt = (w: Array) => (example: { x: Array; y: Array }) => example.x.dot(w).sub(example.y).square();
const w0 = np.array([0.5, -1, 0]);
const fullMean = np.mean(np.square(xs.matmul(w0).sub(ys))).item();

describe("expectedLoss", () => {
  it("is unbiased for the full-data mean, and its standard error matches the spread over 400 keys", () => {
    // Half the data per batch, so the finite-population correction matters: without it the
    // stderr would be √(199/100) ≈ 1.41 times too large.
    const B = 100, KEYS = 400, SEED = 0;
    const estimates: number[] = [];
    const stderrs: number[] = [];
    for (const key of random.split(random.key(SEED), KEYS).toArray() as number[][]) {
      const r = integrate.expectedLoss(lossAt(w0), data, { batchSize: B, key: np.array(key, { dtype: "int32" }) });
      estimates.push(r.estimate.item());
      stderrs.push(r.stderr.item());
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / KEYS;
    const spread = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (KEYS - 1));
    // The rms of the stderrs estimates the estimator's sd (the mean of sds is biased low).
    const rmsStderr = Math.sqrt(stderrs.reduce((a, b) => a + b * b, 0) / KEYS);
    const figures = `seed ${SEED}: full mean ${fullMean}, mean estimate ${mean}, spread ${spread}, rms stderr ${rmsStderr}`;
    expect(Math.abs(mean - fullMean), figures).toBeLessThan((4 * spread) / Math.sqrt(KEYS));
    // The spread of 400 estimates is known to ±3.5% (1σ), more with the losses' heavy tail.
    expect(Math.abs(spread / rmsStderr - 1), figures).toBeLessThan(0.15);
  });

  it("with the whole data set as the batch: the full mean and a zero standard error", () => {
    const r = integrate.expectedLoss(lossAt(w0), data, { batchSize: N, key: random.key(1) });
    expect(r.estimate.item()).toBeCloseTo(fullMean, 12);
    expect(r.stderr.item()).toBe(0);
    expect(r.batchSize).toBe(N);
    expect(new Set(r.indices.toArray() as number[]).size).toBe(N);
  });

  it("is differentiable in the parameters: grad is the batch's mean gradient", () => {
    const key = random.key(5);
    const g = grad((w: Array) => integrate.expectedLoss(lossAt(w), data, { batchSize: 32, key }).estimate)(w0);
    const { indices } = integrate.expectedLoss(lossAt(w0), data, { batchSize: 32, key });
    expect(new Set(indices.toArray() as number[]).size).toBe(32); // without replacement
    const xb = np.take(xs, indices, { axis: 0 }), yb = np.take(ys, indices, { axis: 0 });
    // ∇ mean (x·w − y)² = 2 Xᵀ(Xw − y)/B.
    const expected = xb.T.matmul(xb.matmul(w0).sub(yb)).mul(2 / 32).toArray() as number[];
    (g.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
  });

  it("refuses bad arguments with the op and the argument named", () => {
    const key = random.key(0);
    expect(errorOf(() => integrate.expectedLoss(lossAt(w0), data, { batchSize: N + 1, key }))).toBe("expectedLoss: batchSize must be at most the 200 examples of data, got 201");
    expect(errorOf(() => integrate.expectedLoss(lossAt(w0), data, { batchSize: 0, key }))).toBe("expectedLoss: batchSize must be a positive integer, got 0");
    expect(errorOf(() => integrate.expectedLoss(lossAt(w0), { x: xs, y: ys.slice([0, 10]) }, { batchSize: 5, key }))).toBe(
      "expectedLoss: data must be arrays sharing a leading example axis, got shape (10,)",
    );
  });
});
