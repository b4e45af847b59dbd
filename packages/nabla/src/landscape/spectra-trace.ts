// The trace of a Hessian by Hutchinson's estimator: E[zᵀHz] = tr H for any random z with
// E[zzᵀ] = I. Rademacher probes (entries ±1) give the smallest variance among such z,
// 2·Σ_{i≠j} H_ij², and make each sample exact when H is diagonal (zᵢ² = 1).
import { checkOptions } from "../array/index.js";
import type { Array } from "../core/index.js";
import { dot, hessianOperator, keysFrom, meanAndStderr, positiveInt, probeBatch, rademacher } from "./spectra-operator.js";

export interface HessianTraceOptions {
  /** How many Rademacher probes, one Hessian-vector product each (default 100). */
  samples?: number;
  /** Key of the probes (default random.key(0)). */
  key?: Array;
}

/** What `hessianTrace` estimated, as a plain record. */
export interface HessianTraceResult {
  /** The mean of the samples: an unbiased estimate of tr H. */
  trace: number;
  /** The standard error of that mean, s/√samples (NaN for one sample). */
  stderr: number;
  /** Each probe's zᵀHz. */
  samples: number[];
  /** Hessian-vector products used (= samples). */
  nhvp: number;
}

const OP = "landscape.hessianTrace";

/**
 * The trace of the Hessian of the scalar function f at params (any pytree of float Arrays
 * and numbers, taken in float64), by Hutchinson's estimator with Rademacher probes z:
 * the mean of zᵀHz over `samples` probes, with its standard error. Uses Hessian-vector
 * products only (grad(f) linearized once), so it runs at millions of parameters; up to
 * 16 probes go through one batched product (vmap) where they fit in 8 MB, which turns
 * matrix–vector work into matrix products. Each sample is exact when H is diagonal;
 * otherwise its variance is 2·Σ_{i≠j} H_ij².
 *
 * @example
 * const f = (x: Array) => x.mul(np.array([1, 2, 3])).mul(x).sum().mul(0.5); // H = diag(1, 2, 3)
 * landscape.hessianTrace(f, np.zeros([3]), { samples: 4 }).samples; // [6, 6, 6, 6]
 * const { trace, stderr } = landscape.hessianTrace(loss, params, { samples: 50, key: random.key(1) });
 */
export function hessianTrace<T>(f: (params: T) => Array | number, params: T, opts: HessianTraceOptions = {}): HessianTraceResult {
  const o = checkOptions(OP, opts, ["samples", "key"] as const);
  const samples = positiveInt(OP, "samples", o.samples, 100);
  const keys = keysFrom(OP, o.key, samples);
  const H = hessianOperator(OP, f, params);
  const values: number[] = [];
  for (let start = 0, batch = probeBatch(H.n); start < samples; start += batch) {
    const zs = keys.slice(start, start + batch).map((key) => rademacher(key, H.n));
    H.products(zs).forEach((hz, b) => values.push(dot(zs[b]!, hz)));
  }
  const [trace, stderr] = meanAndStderr(values);
  return { trace, stderr, samples: values, nhvp: H.count() };
}
