// Learning-rate schedules, shared by minimize's fixed-step methods and the optax-style
// optimizers. They are written with np ops so that a traced step count (inside `jit`)
// works as well as a plain number. Their parameters are checked where they enter: a step
// size is never negative, NaN or infinite.
import { Array, np } from "../core/index.js";
import { checkKeys, checkNumber, FRACTION, NON_NEGATIVE, POSITIVE, shown } from "./validate.js";

/**
 * A step size as a function of the step count k = 0, 1, 2, …: a number gives a number,
 * an Array (a traced count inside `jit`) gives a 0-d Array.
 */
export interface Schedule {
  (step: number): number;
  (step: Array): Array;
}

function schedule(rule: (t: Array) => Array): Schedule {
  return ((step: number | Array) => {
    const out = rule(np.astype(step, "float64"));
    return typeof step === "number" ? out.item() : out;
  }) as Schedule;
}

/**
 * The same value at every step.
 *
 * @example
 * constantSchedule(0.1)(7); // 0.1
 */
export function constantSchedule(value: number): Schedule {
  checkNumber("constantSchedule", "value", value, NON_NEGATIVE);
  return schedule(() => np.asArray(value));
}

/**
 * init · rate^(k / transitionSteps): the value is multiplied by `decayRate` every
 * `transitionSteps` steps (smoothly, or in whole steps with `staircase`).
 *
 * @example
 * exponentialDecay(0.1, 10, 0.5)(20); // 0.025
 * exponentialDecay(0.1, 10, 0.5, { staircase: true })(15); // 0.05
 */
export function exponentialDecay(initValue: number, transitionSteps: number, decayRate: number, opts: { staircase?: boolean } = {}): Schedule {
  checkNumber("exponentialDecay", "initValue", initValue, NON_NEGATIVE);
  checkNumber("exponentialDecay", "transitionSteps", transitionSteps, POSITIVE);
  checkNumber("exponentialDecay", "decayRate", decayRate, NON_NEGATIVE);
  checkKeys("exponentialDecay", "opts", opts, ["staircase"]);
  if (opts.staircase !== undefined && typeof opts.staircase !== "boolean") throw new Error(`exponentialDecay: staircase must be true or false, got ${shown(opts.staircase)}`);
  return schedule((t) => {
    const p = np.div(t, transitionSteps);
    return np.mul(initValue, np.pow(decayRate, opts.staircase ? np.floor(p) : p));
  });
}

/**
 * Half a cosine from `initValue` at step 0 down to `alpha · initValue` at `decaySteps`,
 * constant after that.
 *
 * @example
 * cosineDecay(1, 100)(50); // 0.5
 * cosineDecay(1, 100, 0.1)(100); // 0.1
 */
export function cosineDecay(initValue: number, decaySteps: number, alpha = 0): Schedule {
  checkNumber("cosineDecay", "initValue", initValue, NON_NEGATIVE);
  checkNumber("cosineDecay", "decaySteps", decaySteps, POSITIVE);
  checkNumber("cosineDecay", "alpha", alpha, FRACTION);
  return schedule((t) => {
    const progress = np.div(np.minimum(t, decaySteps), decaySteps);
    const cosine = np.mul(0.5, np.add(1, np.cos(np.mul(Math.PI, progress))));
    return np.mul(initValue, np.add(np.mul(1 - alpha, cosine), alpha));
  });
}

/**
 * A linear ramp from `initValue` (default 0) at step 0 to where `after` starts, over
 * `warmupSteps` steps; from then on `after`, counted from its own step 0.
 *
 * @example
 * const s = linearWarmup(10, cosineDecay(1, 100));
 * s(5); // 0.5 (half-way up the ramp)
 * s(60); // cosineDecay(1, 100)(50) = 0.5
 */
export function linearWarmup(warmupSteps: number, after: Schedule | number, opts: { initValue?: number } = {}): Schedule {
  checkNumber("linearWarmup", "warmupSteps", warmupSteps, NON_NEGATIVE);
  if (typeof after !== "function") checkNumber("linearWarmup", "after", after, { ...NON_NEGATIVE, what: "a schedule or a non-negative number" });
  checkKeys("linearWarmup", "opts", opts, ["initValue"]);
  if (opts.initValue !== undefined) checkNumber("linearWarmup", "initValue", opts.initValue, NON_NEGATIVE);
  const next = typeof after === "number" ? constantSchedule(after) : after;
  const init = opts.initValue ?? 0;
  const peak = next(0);
  return schedule((t) => {
    const ramp = np.add(init, np.mul(peak - init, np.div(t, Math.max(warmupSteps, 1))));
    return np.where(np.less(t, warmupSteps), ramp, next(np.sub(t, warmupSteps)));
  });
}

/** A schedule from a number or a schedule: how optimizers accept either. */
export function asSchedule(lr: number | Schedule): Schedule {
  return typeof lr === "number" ? constantSchedule(lr) : lr;
}
