// Importance sampling: draw from a proposal q you can sample, weight each draw by
// w = p̃/q for an unnormalized target p̃, and the mean weight estimates the normalizing
// constant Z = ∫ p̃ while the normalized weights turn averages over the draws into
// expectations under p = p̃/Z. Everything is done on log-weights (log-sum-exp), so
// targets far from the proposal's scale neither overflow nor underflow.
import { checkFunction, checkOptions, describe, shapeString } from "../array/index.js";
import { Array, keyArg, np, type Tree } from "../core/index.js";
import { vmap } from "../transforms/index.js";
import { checkSampleCount, checkSamples } from "./montecarlo.js";

/** A distribution to draw from and weigh by. */
export interface Proposal<S extends Tree> {
  /** n independent draws as a pytree with leading axis n. */
  sample(key: Array, n: number): S;
  /** The normalized log-density of one draw (the pytree without the leading axis), a scalar. */
  logDensity(x: S): Array;
}

export interface ImportanceOptions<S extends Tree> {
  /** The PRNG key of the draws (random.key(seed)). */
  key: Array;
  /** A function of one draw whose expectation under the target is wanted (any fixed shape). */
  f?: (x: S) => Array;
}

export interface ImportanceResult<S extends Tree> {
  /** log Z = log ∫ p̃: the log of the mean weight. */
  logZ: Array;
  /** logZ's standard error by the delta method: the weights' sd over √n, relative to their mean. */
  logZStderr: Array;
  /**
   * The effective sample size (Σw)²/Σw²: between 1 and n, n when the proposal is the
   * target. A scalar Array (read it with .item()), so the whole result can be traced.
   */
  ess: Array;
  /** The normalized weights [n] (they sum to 1). */
  weights: Array;
  /** The proposal's draws. */
  samples: S;
  /** The self-normalized estimate Σ wᵢ f(xᵢ) of E_p[f], when f is given. */
  estimate?: Array;
}

/** vmap of a per-draw scalar function, checked to give one scalar per draw. */
function perDraw<S extends Tree>(op: string, name: string, g: (x: S) => Array, samples: S, n: number): Array {
  const values = vmap(g)(samples) as unknown;
  if (!(values instanceof Array) || values.ndim !== 1 || values.shape[0] !== n) {
    const got = values instanceof Array ? `an array of shape ${shapeString(values.shape.slice(1))} per draw` : describe(values);
    throw new Error(`${op}: ${name} must return a scalar Array for each draw, got ${got}`);
  }
  return values;
}

/**
 * Importance sampling of an unnormalized target from `proposal`: n draws xᵢ ~ q with
 * log-weights log p̃(xᵢ) − log q(xᵢ). Returns log Z (the log of the mean weight, unbiased
 * in Z, with its delta-method standard error), the effective sample size, the normalized
 * weights and the draws, and, when `f` is given, the self-normalized estimate of E_p[f]
 * (consistent, with a bias of order 1/n). `logTarget` and `proposal.logDensity` map one
 * draw to a scalar and are vmapped over the draws. The proposal should have heavier tails
 * than the target: a small ess/n says the estimates are unreliable (and if p̃ vanishes at
 * every draw, log Z is −∞ and the weights NaN). Differentiable in what logTarget and f
 * close over (the gradient of log Z is E_p[∇ log p̃]).
 *
 * @example
 * // p̃(x) = exp(−x²/2): Z = √(2π); draw from a wider normal, N(0, 2²)
 * const proposal = {
 *   sample: (key: Array, n: number) => random.normal(key, [n]).mul(2),
 *   logDensity: (x: Array) => stats.norm.logpdf(x, 0, 2),
 * };
 * const r = integrate.importanceSampling((x: Array) => x.square().mul(-0.5), proposal, 10_000,
 *   { key: random.key(0), f: (x: Array) => x.square() });
 * r.logZ; // ≈ log √(2π) = 0.919;  r.estimate ≈ E[x²] = 1;  r.ess.item() / 10_000 ≈ √7/4 = 0.66
 */
export function importanceSampling<S extends Tree>(
  logTarget: (x: S) => Array,
  proposal: Proposal<S>,
  n: number,
  opts: ImportanceOptions<S>,
): ImportanceResult<S> {
  const op = "importanceSampling";
  checkFunction(op, "logTarget", logTarget);
  if (typeof proposal !== "object" || proposal === null) throw new Error(`${op}: proposal must be an object { sample, logDensity }, got ${describe(proposal)}`);
  checkFunction(op, "proposal.sample", proposal.sample);
  checkFunction(op, "proposal.logDensity", proposal.logDensity);
  checkSampleCount(op, "n", n);
  const o = checkOptions(op, opts, ["key", "f"]);
  const key = keyArg(op, o.key);
  const f = o.f === undefined ? undefined : checkFunction(op, "f", o.f as (x: S) => Array);

  const samples = checkSamples(op, proposal.sample(key, n), n);
  const logW = perDraw(op, "logTarget", logTarget, samples, n).sub(perDraw(op, "proposal.logDensity", (x: S) => proposal.logDensity(x), samples, n));
  const logSum = np.logsumexp(logW);
  const weights = np.exp(logW.sub(logSum));
  const sumSquares = np.sum(np.square(weights));
  // With normalized weights w̃, Σ(w̃ − 1/n)² = Σw̃² − 1/n, so the relative standard error
  // of the mean weight, sd(w)/(√n·mean(w)), is √((n·Σw̃² − 1)/(n − 1)).
  const logZStderr = np.sqrt(np.maximum(sumSquares.mul(n).sub(1), 0).div(n - 1));
  const result: ImportanceResult<S> = {
    logZ: logSum.sub(Math.log(n)),
    logZStderr,
    ess: np.reciprocal(sumSquares),
    weights,
    samples,
  };
  if (f) {
    const values = vmap(f)(samples) as unknown;
    if (!(values instanceof Array)) throw new Error(`${op}: f must return an Array, got ${describe(values)}`);
    const w = weights.reshape([n, ...values.shape.slice(1).map(() => 1)]);
    result.estimate = np.sum(w.mul(values), { axis: 0 });
  }
  return result;
}
