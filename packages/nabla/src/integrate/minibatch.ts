// The mini-batch estimate of an expected loss: a random batch of examples drawn without
// replacement, so the batch mean is unbiased for the data set's mean loss and its
// variance is the sampling-without-replacement one, smaller than the i.i.d. s²/B by the
// finite-population correction (N − B)/(N − 1) (Cochran, Sampling Techniques, ch. 2).
import { checkFunction, checkInteger, checkOptions, describe, shapeString } from "../array/index.js";
import { Array, keyArg, np, tree, type Tree } from "../core/index.js";
import * as random from "../random/index.js";
import { vmap } from "../transforms/index.js";

export interface ExpectedLossOptions {
  /** Examples in the mini-batch, 1..N. */
  batchSize: number;
  /** The PRNG key of the batch (random.key(seed)). */
  key: Array;
}

export interface MinibatchEstimate {
  /** The batch's mean loss: unbiased for the mean over the whole data set. */
  estimate: Array;
  /** Its standard error: the batch's sd over √B, times √((N − B)/(N − 1)); 0 when B = N. */
  stderr: Array;
  batchSize: number;
  /** Which examples (indices along the leading axis) made up the batch. */
  indices: Array;
}

/** The number of examples: the leading axis every leaf of `data` shares. */
function exampleCount(op: string, data: Tree): number {
  const leaves = tree.leaves(data);
  if (leaves.length === 0) throw new Error(`${op}: data has no arrays`);
  const first = leaves[0];
  for (const leaf of leaves) {
    if (!(leaf instanceof Array) || leaf.ndim === 0 || leaf.shape[0] !== (first as Array).shape[0]) {
      const got = leaf instanceof Array ? `shape ${shapeString(leaf.shape)}` : describe(leaf);
      throw new Error(`${op}: data must be arrays sharing a leading example axis, got ${got}`);
    }
  }
  return (first as Array).shape[0]!;
}

/**
 * The mini-batch estimate of the expected loss over a data set: the mean of
 * `lossPerExample` over `batchSize` examples drawn without replacement, with its standard
 * error (the batch's sample sd over √B, times the finite-population correction
 * √((N − B)/(N − 1))). `data` is a pytree with a leading example axis of length N;
 * `lossPerExample` maps one example to an Array (a scalar, or any fixed shape) and
 * usually closes over the model's parameters, so grad of the estimate is the mini-batch
 * gradient. With batchSize = N the estimate is the full mean and the stderr 0; with
 * batchSize 1 the stderr is infinite (one loss has no spread).
 *
 * @example
 * const xs = np.linspace(0, 1, 100), ys = xs.mul(3);
 * const loss = (w: Array) => (xy: { x: Array; y: Array }) => xy.x.mul(w).sub(xy.y).square();
 * const { estimate, stderr } = integrate.expectedLoss(loss(np.array(2)), { x: xs, y: ys },
 *   { batchSize: 10, key: random.key(0) });
 * const g = grad((w: Array) => integrate.expectedLoss(loss(w), { x: xs, y: ys },
 *   { batchSize: 10, key: random.key(0) }).estimate)(np.array(2)); // the batch's gradient
 */
export function expectedLoss<D extends Tree>(lossPerExample: (example: D) => Array, data: D, opts: ExpectedLossOptions): MinibatchEstimate {
  const op = "expectedLoss";
  checkFunction(op, "lossPerExample", lossPerExample);
  const o = checkOptions(op, opts, ["batchSize", "key"]);
  const key = keyArg(op, o.key);
  const n = exampleCount(op, data);
  const batchSize = checkInteger(op, "batchSize", o.batchSize, undefined, 1);
  if (batchSize > n) throw new Error(`${op}: batchSize must be at most the ${n} examples of data, got ${batchSize}`);

  const indices = random.permutation(key, n).slice([0, batchSize]);
  const batch = tree.map((leaf: Array) => np.take(leaf, indices, { axis: 0 }), data) as D;
  const losses = vmap(lossPerExample)(batch) as unknown;
  if (!(losses instanceof Array)) throw new Error(`${op}: lossPerExample must return an Array, got ${describe(losses)}`);
  const estimate = np.mean(losses, { axis: 0 });
  const stderr =
    batchSize === n
      ? np.zerosLike(estimate)
      : np.std(losses, { axis: 0, ddof: 1 }).mul(Math.sqrt((n - batchSize) / ((n - 1) * batchSize)));
  return { estimate, stderr, batchSize, indices };
}
