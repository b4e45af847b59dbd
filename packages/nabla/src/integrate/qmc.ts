// Randomized quasi-Monte Carlo: the mean of f over a scrambled low-discrepancy point set,
// repeated over independent scrambles. Each replicate is an unbiased estimate of the
// integral, and the replicates are independent, so their spread gives an honest error bar
// (L'Ecuyer & Lemieux, "Recent advances in randomized quasi-Monte Carlo methods", 2002),
// while each replicate's error shrinks faster than Monte Carlo's 1/√n on smooth f.
import { checkFunction, checkInteger, checkOptions, describe } from "../array/index.js";
import { keyArg, np, type Array } from "../core/index.js";
import * as random from "../random/index.js";
import { halton } from "./halton.js";
import { batchMoments, checkSampleCount, combineMoments, standardError, type Moments } from "./montecarlo.js";
import { sobol } from "./sobol.js";

/** The low-discrepancy sequences qmcEstimate can use. */
export type QmcSequence = "sobol" | "halton";

export interface QmcOptions {
  /** The PRNG key of the scrambles (random.key(seed)): the same key, the same estimate. */
  key: Array;
  /** Independent scrambles, each of n points (default 16, at least 2): their spread is the error bar. */
  replicates?: number;
  /** "sobol" (the default; use n = 2^m) or "halton". */
  sequence?: QmcSequence;
}

/** A randomized QMC estimate: the mean of the replicates' means and its standard error. */
export interface QmcEstimate {
  /** The mean over the replicates; its shape is f's output shape. */
  estimate: Array;
  /** The replicate means' standard deviation over √replicates, elementwise. */
  stderr: Array;
  /** Points per replicate (f is evaluated n × replicates times). */
  n: number;
  replicates: number;
}

/** Points evaluated at once within a replicate: bounds vmap's memory for large n. */
const BATCH = 65536;

/**
 * The randomized quasi-Monte Carlo estimate of ∫ f over the unit cube [0, 1)^dim: the
 * mean of f over n scrambled Sobol' (or Halton) points, repeated for `replicates`
 * independent scrambles; the estimate is the mean of the replicate means and its standard
 * error their standard deviation over √replicates. `f` maps a point (an Array [dim]) to an
 * Array, a scalar or any fixed shape. On smooth integrands the error falls like n^−1 or
 * faster (up to n^−3/2 for scrambled Sobol'), against Monte Carlo's n^−1/2; for Sobol'
 * take n a power of two. Integrate over other domains by mapping the cube (for a normal
 * variable, special.ndtri of a coordinate). Differentiable in what f closes over.
 *
 * @example
 * // ∫∫ x·y over the unit square = 1/4
 * const { estimate, stderr } = integrate.qmcEstimate(
 *   (p: Array) => p.slice(0).mul(p.slice(1)), 2, 1024, { key: random.key(0) });
 */
export function qmcEstimate(f: (x: Array) => Array, dim: number, n: number, opts: QmcOptions): QmcEstimate {
  const op = "qmcEstimate";
  checkFunction(op, "f", f);
  checkInteger(op, "dim", dim, undefined, 1);
  checkInteger(op, "n", n, undefined, 1);
  const o = checkOptions(op, opts, ["key", "replicates", "sequence"]);
  const key = keyArg(op, o.key);
  const replicates = checkSampleCount(op, "replicates", o.replicates ?? 16);
  const sequence = o.sequence ?? "sobol";
  if (sequence !== "sobol" && sequence !== "halton") throw new Error(`${op}: sequence must be "sobol" or "halton", got ${describe(sequence)}`);
  const points = sequence === "sobol" ? sobol : halton;

  const evaluate = batchMoments(op, f);
  const keys = random.split(key, replicates);
  const means: Array[] = [];
  for (let r = 0; r < replicates; r++) {
    const cube = points(dim, n, { key: keys.slice(r) });
    let within: Moments | undefined;
    for (let start = 0; start < n; start += BATCH) {
      const count = Math.min(BATCH, n - start);
      const m = evaluate(count === n ? cube : cube.slice([start, start + count]), count);
      within = within ? combineMoments(within, m) : m;
    }
    means.push(within!.mean);
  }
  // The replicate means are i.i.d.: their moments give the estimate and its error bar.
  const all = np.stack(means);
  const mean = np.mean(all, { axis: 0 });
  const spread: Moments = { count: replicates, mean, m2: np.sum(np.square(all.sub(mean)), { axis: 0 }) };
  return { estimate: mean, stderr: standardError(spread), n, replicates };
}
