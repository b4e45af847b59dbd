// Hamiltonian Monte Carlo with a fixed number of leapfrog steps per proposal and a
// Metropolis correction (Neal, "MCMC using Hamiltonian dynamics", 2011), inside the
// shared driver's warm-up (mcmc.ts).
import { checkInteger, describe } from "../array/index.js";
import { copyPhase, copyPoint, energy, leapfrog, MAX_ENERGY_ERROR, newPhase, sampleMomentum } from "./hamiltonian.js";
import { runSampler, sharedOptions, type McmcOptions, type McmcResult, type Transition } from "./mcmc.js";
import type { LogDensity } from "./target.js";

export interface HmcOptions<T> extends McmcOptions<T> {
  /** Leapfrog steps per proposal. Default 16. */
  steps?: number;
  /**
   * Each proposal's step size is drawn uniformly from [1 − stepSizeJitter, 1]·stepSize.
   * Default 0.5: with a fixed number of steps, a fixed step size makes some directions'
   * trajectories return near their start (a full period), and those coordinates barely
   * move; varying it breaks the resonance (Neal 2011, §5.4.2.2). Jittering only downwards
   * keeps every step within the tuned one, so the integrator's stability limit is never
   * crossed by chance. 0 turns it off.
   */
  stepSizeJitter?: number;
}

function hmcTransition(dim: number, steps: number, jitter: number): Transition {
  const current = newPhase(dim);
  const trial = newPhase(dim);
  return function* (state, stepSize, invMass, rng) {
    copyPoint(current, state);
    sampleMomentum(current.p, invMass, rng);
    copyPhase(trial, current);
    const eps = jitter > 0 ? stepSize * (1 - jitter * rng.uniform()) : stepSize;
    // A non-finite density ends the trajectory early: the proposal is rejected anyway.
    for (let i = 0; i < steps && Number.isFinite(trial.logp); i++) yield* leapfrog(trial, eps, invMass);
    const error = energy(trial, invMass) - energy(current, invMass);
    const acceptance = error > 0 ? Math.exp(-error) : 1;
    if (rng.uniform() < acceptance) copyPoint(state, trial);
    return { acceptance, divergent: !(error <= MAX_ENERGY_ERROR), treeDepth: 0 };
  };
}

/**
 * Hamiltonian Monte Carlo: draws from the distribution with unnormalized log density
 * `logDensity`, a function of a pytree shaped as `x0` returning a scalar. Each proposal
 * integrates `steps` leapfrog steps (one gradient each) with a jittered step size and is
 * accepted by Metropolis.
 * Warm-up follows Stan: dual averaging of the step size to `targetAcceptance` (0.65) and
 * a diagonal inverse mass matrix from the slow windows. Chains run in lockstep in this
 * process, their gradients evaluated in one batched call (vmap); chain c draws from
 * random.split(key, chains)[c], so the result is determined by the key. A start without
 * a finite log density, or a chain whose every transition diverged, is reported in
 * `status` and `message`; bad options, a non-float x0 or a non-scalar logDensity throw.
 *
 * @example
 * const logDensity = (x: Array) => np.sum(np.square(x)).mul(-0.5);
 * const r = bayes.hmc(logDensity, np.zeros([2]), { key: random.key(0), samples: 500, warmup: 500 });
 * r.samples.shape; // [4, 500, 2]
 * r.summary.maxRhat; // ≈ 1.00
 */
export function hmc<T>(logDensity: LogDensity<T>, x0: T, opts: HmcOptions<T>): McmcResult<T> {
  const settings = sharedOptions("hmc", opts, ["steps", "stepSizeJitter"]);
  const steps = checkInteger("hmc", "steps", settings.o.steps, 16, 1);
  const jitter = settings.o.stepSizeJitter ?? 0.5;
  if (!(typeof jitter === "number" && jitter >= 0 && jitter < 1)) throw new Error(`hmc: stepSizeJitter must be a number in [0, 1), got ${describe(jitter)}`);
  return runSampler("hmc", logDensity, x0, settings, {
    targetAcceptance: 0.65,
    transition: (dim) => hmcTransition(dim, steps, jitter),
    reportsDepth: false,
  });
}
