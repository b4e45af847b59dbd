// Plain Monte Carlo: the mean of f over random samples, with its standard error. The
// samples are drawn and evaluated in batches (vmap of f, compiled once per call), so a
// million samples need only one batch's memory; the batches' means and sums of squared
// deviations are merged by Chan, Golub and LeVeque's pairwise update, which stays
// accurate where Σx² − n·x̄² would cancel. Every step is an np op on the vmapped values,
// so the estimate is differentiable in whatever f closes over.
import { checkFunction, checkInteger, checkOptions, describe, shapeString } from "../array/index.js";
import { Array, keyArg, np, tree, type Tree } from "../core/index.js";
import * as random from "../random/index.js";
import { jit, vmap } from "../transforms/index.js";

/** An estimate of an integral or expectation with its standard error. */
export interface Estimate {
  /** The estimate; its shape is f's output shape. */
  estimate: Array;
  /** The estimate's standard error (the samples' standard deviation over √n), elementwise. */
  stderr: Array;
  /** The number of samples behind it. */
  n: number;
}

export interface MonteCarloOptions {
  /** The PRNG key of the samples (random.key(seed)): the same key, the same estimate. */
  key: Array;
  /**
   * Samples drawn and evaluated at once (default 65536): it bounds the memory. Batch b
   * draws from the b-th of random.split(key, batches), so the estimate depends on it too.
   */
  batchSize?: number;
}

/** The running moments of a stream of values: count, mean and Σ(x − mean)², elementwise. */
export interface Moments {
  count: number;
  mean: Array;
  m2: Array;
}

/** Two sets of moments as one (Chan, Golub & LeVeque 1979): exact, and stable for any split. */
export function combineMoments(a: Moments, b: Moments): Moments {
  const count = a.count + b.count;
  const delta = b.mean.sub(a.mean);
  return {
    count,
    mean: a.mean.add(delta.mul(b.count / count)),
    m2: a.m2.add(b.m2).add(delta.square().mul((a.count * b.count) / count)),
  };
}

/** The sample standard deviation over √n: the standard error of a mean. */
export function standardError(m: Moments): Array {
  return np.sqrt(m.m2.div((m.count - 1) * m.count));
}

/**
 * A function that evaluates f on a batch of samples (a pytree with a leading axis of
 * `count`) and returns the batch's moments; compiled once, replayed for every batch.
 */
export function batchMoments<S extends Tree>(op: string, f: (x: S) => Array): (samples: S, count: number) => Moments {
  const moments = jit((samples: S) => {
    const values = vmap(f)(samples) as unknown;
    if (!(values instanceof Array)) throw new Error(`${op}: f must return an Array, got ${describe(values)}`);
    const mean = np.mean(values, { axis: 0 });
    return [mean, np.sum(np.square(values.sub(mean)), { axis: 0 })];
  });
  return (samples, count) => {
    const [mean, m2] = moments(samples) as Array[];
    return { count, mean: mean!, m2: m2! };
  };
}

/** A sample count, checked: at least 2, since a standard error needs two samples. */
export function checkSampleCount(op: string, name: string, n: unknown): number {
  const count = checkInteger(op, name, n, undefined, 1);
  if (count < 2) throw new Error(`${op}: ${name} must be at least 2 (a standard error needs two samples), got ${count}`);
  return count;
}

/** A pytree of samples, checked to have `count` samples along the leading axis of every leaf. */
export function checkSamples<S extends Tree>(op: string, samples: S, count: number): S {
  const leaves = tree.leaves(samples);
  if (leaves.length === 0) throw new Error(`${op}: sample(key, ${count}) returned no arrays`);
  for (const leaf of leaves) {
    if (!(leaf instanceof Array) || leaf.shape[0] !== count) {
      const got = leaf instanceof Array ? `shape ${shapeString(leaf.shape)}` : describe(leaf);
      throw new Error(`${op}: sample(key, ${count}) must return arrays with leading axis ${count}, got ${got}`);
    }
  }
  return samples;
}

/**
 * The Monte Carlo estimate of E[f(x)], x ~ `sample`: the mean of f over `n` samples, with
 * its standard error (the sample standard deviation over √n). `sample(key, m)` returns a
 * pytree of m samples (leading axis m); `f` maps one sample (the same pytree without that
 * axis) to an Array — a scalar, or any fixed shape, estimated elementwise. The samples are
 * drawn and evaluated `batchSize` at a time, so memory stays bounded however large `n`;
 * derivatives of the estimate flow into what `f` closes over.
 *
 * @example
 * // ∫₀¹ x² dx = 1/3, to about ±0.0003
 * const { estimate, stderr } = integrate.monteCarlo(
 *   (x: Array) => x.square(),
 *   (key, m) => random.uniform(key, [m]),
 *   1_000_000, { key: random.key(0) });
 */
export function monteCarlo<S extends Tree>(
  f: (x: S) => Array,
  sample: (key: Array, m: number) => S,
  n: number,
  opts: MonteCarloOptions,
): Estimate {
  const op = "monteCarlo";
  checkFunction(op, "f", f);
  checkFunction(op, "sample", sample);
  checkSampleCount(op, "n", n);
  const o = checkOptions(op, opts, ["key", "batchSize"]);
  const key = keyArg(op, o.key);
  const batchSize = checkInteger(op, "batchSize", o.batchSize, 65536, 1);
  const batches = Math.ceil(n / batchSize);
  const keys = random.split(key, batches);
  const evaluate = batchMoments(op, f);
  let total: Moments | undefined;
  for (let b = 0; b < batches; b++) {
    const count = Math.min(batchSize, n - b * batchSize);
    const samples = checkSamples(op, sample(keys.slice(b), count), count);
    const m = evaluate(samples, count);
    total = total ? combineMoments(total, m) : m;
  }
  return { estimate: total!.mean, stderr: standardError(total!), n };
}
