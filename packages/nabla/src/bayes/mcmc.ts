// The driver both gradient-based samplers share: options, the chains (in lockstep, in this
// process), Stan's windowed warm-up around a transition kernel, and the result with its
// diagnostics. hmc.ts and nuts.ts supply only their transition.
//
// Each chain is a generator that yields the points it needs evaluated (hamiltonian.ts,
// `NeedsDensity`); the driver advances every chain to its next such point and evaluates
// them all in one call of the batched density (target.ts): a function cannot be sent to a
// worker thread, but its gradient at four points costs little more than at one when its
// products become matrix products. Each chain's arithmetic and random numbers are its own,
// so its draws do not depend on the others.
import { checkFlag, checkInteger, checkOptions, describe } from "../array/index.js";
import { Array, keyArg, np, type MapLeaves } from "../core/index.js";
import * as random from "../random/index.js";
import { DualAveraging, findStepSize, RunningVariance, slowWindows } from "./adapt.js";
import { essOfChains, rhatOfChains } from "./diagnostics.js";
import { copyPoint, evaluate, newPoint, RandomStream, type NeedsDensity, type Point } from "./hamiltonian.js";
import { makeTarget, type LogDensity, type Target } from "./target.js";

export interface McmcOptions<T> {
  /** The PRNG key (random.key(seed)); chain c uses random.split(key, chains)[c]. Required. */
  key: Array;
  /** Draws kept per chain after warm-up. Default 1000. */
  samples?: number;
  /** Warm-up iterations per chain (adaptation; their draws are discarded). Default 1000. */
  warmup?: number;
  /** Independent chains. Default 4. */
  chains?: number;
  /** The starting step size (default: found by the doubling heuristic). */
  stepSize?: number;
  /** The mean acceptance statistic the step size is tuned to (hmc 0.65, nuts 0.8). */
  targetAcceptance?: number;
  /** Tune the step size by dual averaging during warm-up. Default true. */
  adaptStepSize?: boolean;
  /** Estimate a diagonal inverse mass matrix in warm-up's slow windows. Default true. */
  adaptMass?: boolean;
  /** Stage logDensity's value and gradient with jit (false: run it eagerly). Default true. */
  jit?: boolean;
  /**
   * Where chains start: "jitter" (default, as Stan) x0 plus uniform(−2, 2) noise on every
   * coordinate, redrawn up to 100 times while the log density there is not finite;
   * "x0" all at x0; or one pytree shaped as x0 per chain.
   */
  init?: "jitter" | "x0" | readonly T[];
}

export type McmcStatus = "success" | "nonFinite" | "diverging";

export interface McmcResult<T> {
  /** The draws: x0's structure, each leaf with leading axes [chains, samples]. */
  samples: MapLeaves<T, Array>;
  /** log p of every draw, [chains, samples]. */
  logDensity: Array;
  /** Per chain: the mean acceptance statistic after warm-up. */
  acceptanceRate: number[];
  /** Per chain: transitions after warm-up whose energy error exceeded 1000 (or was not finite). */
  divergences: number[];
  /** Per chain: the step size used after warm-up. */
  stepSize: number[];
  /** The diagonal inverse mass matrix of each chain, [chains, dim] (dim: x0's raveled size). */
  inverseMass: Array;
  /** Gradient evaluations of all chains, warm-up included. */
  gradientEvaluations: number;
  /** NUTS only: per chain, the mean tree depth after warm-up. */
  treeDepth?: number[];
  /** Bulk effective sample size per coordinate, x0's structure (see `ess`). */
  ess: MapLeaves<T, Array>;
  /** Split R̂ per coordinate, x0's structure (see `rhat`). */
  rhat: MapLeaves<T, Array>;
  summary: { minEss: number; maxRhat: number };
  /** "nonFinite": no finite log density to start from; "diverging": a chain's every transition after warm-up diverged. */
  status: McmcStatus;
  message: string;
}

/** What one transition reports. */
export interface TransitionStats {
  acceptance: number;
  divergent: boolean;
  treeDepth: number;
}

/** One transition from `state` (updated in place) with step size and inverse mass. */
export type Transition = (state: Point, stepSize: number, invMass: Float64Array, rng: RandomStream) => NeedsDensity<TransitionStats>;

/** How a sampler plugs into the driver. */
export interface Sampler {
  targetAcceptance: number;
  /** A chain's transition, with its own workspace for points of `dim` coordinates. */
  transition: (dim: number) => Transition;
  reportsDepth: boolean;
}

const SHARED = ["key", "samples", "warmup", "chains", "stepSize", "targetAcceptance", "adaptStepSize", "adaptMass", "jit", "init"] as const;

/** Reads and checks the shared options (a misspelt or bad one throws, naming the op). */
export function sharedOptions(op: string, opts: unknown, extra: readonly string[]) {
  const o = checkOptions(op, opts, [...SHARED, ...extra]) as Record<string, unknown>;
  const key = keyArg(op, o.key);
  const stepSize = o.stepSize;
  if (stepSize !== undefined && !(typeof stepSize === "number" && stepSize > 0 && Number.isFinite(stepSize))) {
    throw new Error(`${op}: stepSize must be a positive number, got ${describe(stepSize)}`);
  }
  const target = o.targetAcceptance;
  if (target !== undefined && !(typeof target === "number" && target > 0 && target < 1)) {
    throw new Error(`${op}: targetAcceptance must be a number in (0, 1), got ${describe(target)}`);
  }
  const init = o.init ?? "jitter";
  if (init !== "jitter" && init !== "x0" && !globalThis.Array.isArray(init)) {
    throw new Error(`${op}: init must be "jitter", "x0" or one pytree per chain, got ${describe(init)}`);
  }
  return {
    o,
    key,
    samples: checkInteger(op, "samples", o.samples, 1000, 1),
    warmup: checkInteger(op, "warmup", o.warmup, 1000, 0),
    chains: checkInteger(op, "chains", o.chains, 4, 1),
    stepSize: stepSize as number | undefined,
    target: target as number | undefined,
    adaptStepSize: checkFlag(op, "adaptStepSize", o.adaptStepSize, true),
    adaptMass: checkFlag(op, "adaptMass", o.adaptMass, true),
    jit: checkFlag(op, "jit", o.jit, true),
    init: init as "jitter" | "x0" | readonly unknown[],
  };
}

type Settings = ReturnType<typeof sharedOptions>;

/** Per-chain starting points (flat), all checked before any sampling. */
function startingPoints<T>(op: string, s: Settings, target: Target<T>, rngs: RandomStream[]): Point[] {
  if (typeof s.init !== "string" && s.init.length !== s.chains) {
    throw new Error(`${op}: init must hold one pytree per chain (${s.chains}), got ${s.init.length}`);
  }
  const given = typeof s.init === "string" ? undefined : s.init.map((x, c) => target.flatten(x, `init[${c}]`));
  return rngs.map((rng, c) => {
    const point = newPoint(target.dim);
    const tries = s.init === "jitter" ? 100 : 1;
    for (let t = 0; t < tries && !Number.isFinite(point.logp); t++) {
      point.q.set(given?.[c] ?? target.start);
      if (s.init === "jitter") for (let i = 0; i < target.dim; i++) point.q[i]! += 4 * rng.uniform() - 2;
      evaluate(point, target.density);
    }
    if (!Number.isFinite(point.logp) && s.init === "jitter") {
      point.q.set(target.start); // last resort: x0 itself
      evaluate(point, target.density);
    }
    return point;
  });
}

interface ChainRun {
  draws: Float64Array;
  logp: Float64Array;
  acceptance: number;
  divergences: number;
  depth: number;
  stepSize: number;
  invMass: Float64Array;
}

/** One chain: warm-up with adaptation, then `samples` transitions at fixed settings. */
function* runChain(s: Settings, targetAcceptance: number, state: Point, transition: Transition, dim: number, rng: RandomStream): NeedsDensity<ChainRun> {
  let invMass: Float64Array = new Float64Array(dim).fill(1);
  let stepSize = s.stepSize ?? (yield* findStepSize(state, 1, invMass, rng));
  const averaging = new DualAveraging(targetAcceptance, stepSize);
  const windows = s.adaptMass ? slowWindows(s.warmup) : [];
  const variance = new RunningVariance(dim);
  let window = 0;
  for (let i = 0; i < s.warmup; i++) {
    const { acceptance } = yield* transition(state, stepSize, invMass, rng);
    if (s.adaptStepSize) stepSize = averaging.update(acceptance);
    const [start, end] = windows[window] ?? [Infinity, Infinity];
    if (i >= start) variance.add(state.q);
    if (i === end - 1) {
      invMass = variance.takeRegularized();
      window++;
      if (s.adaptStepSize) {
        stepSize = yield* findStepSize(state, stepSize, invMass, rng);
        averaging.restart(stepSize);
      }
    }
  }
  if (s.adaptStepSize && s.warmup > 0) stepSize = averaging.final();

  const run: ChainRun = { draws: new Float64Array(s.samples * dim), logp: new Float64Array(s.samples), acceptance: 0, divergences: 0, depth: 0, stepSize, invMass };
  for (let i = 0; i < s.samples; i++) {
    const stats = yield* transition(state, stepSize, invMass, rng);
    run.acceptance += stats.acceptance / s.samples;
    run.depth += stats.treeDepth / s.samples;
    if (stats.divergent) run.divergences++;
    run.draws.set(state.q, i * dim);
    run.logp[i] = state.logp;
  }
  return run;
}

/** Runs `sampler` on logDensity from x0 with the checked shared settings. */
export function runSampler<T>(op: string, logDensity: LogDensity<T>, x0: T, s: Settings, sampler: Sampler): McmcResult<T> {
  const target = makeTarget(op, logDensity, x0, s.jit);
  const keys = random.split(s.key, s.chains);
  const rngs = globalThis.Array.from({ length: s.chains }, (_, c) => new RandomStream(keys.slice(c)));
  const starts = startingPoints(op, s, target, rngs);
  const bad = starts.findIndex((p) => !Number.isFinite(p.logp));
  const targetAcceptance = s.target ?? sampler.targetAcceptance;
  const chains = starts.map((state, c) => runChain(s, targetAcceptance, state, sampler.transition(target.dim), target.dim, rngs[c]!));
  return assemble(op, target, s, sampler, bad >= 0 ? undefined : inLockstep(chains, target.densities), bad);
}

/**
 * Runs the chains to their ends: each is advanced to the next point it needs, and the
 * points of all that have not ended are evaluated together by `densities`.
 */
function inLockstep<R>(chains: NeedsDensity<R>[], densities: (points: Point[]) => void): R[] {
  const results = new globalThis.Array<R>(chains.length);
  let waiting: { chain: number; point: Point }[] = [];
  const advance = (chain: number) => {
    const step = chains[chain]!.next();
    if (step.done) results[chain] = step.value;
    else waiting.push({ chain, point: step.value });
  };
  chains.forEach((_, c) => advance(c));
  while (waiting.length > 0) {
    const batch = waiting;
    waiting = [];
    densities(batch.map((w) => w.point));
    for (const { chain } of batch) advance(chain);
  }
  return results;
}

const startName = (init: Settings["init"], chain: number) =>
  init === "jitter" ? "x0 and 100 jittered points around it" : init === "x0" ? "x0" : `init[${chain}]`;

/** The result from the chains' runs (NaN draws and status "nonFinite" when there are none). */
function assemble<T>(op: string, target: Target<T>, s: Settings, sampler: Sampler, runs: ChainRun[] | undefined, bad: number): McmcResult<T> {
  const { dim } = target;
  const m = s.chains;
  const n = s.samples;
  const draws = new Float64Array(m * n * dim).fill(NaN);
  const logp = new Float64Array(m * n).fill(NaN);
  runs?.forEach((r, c) => {
    draws.set(r.draws, c * n * dim);
    logp.set(r.logp, c * n);
  });
  const ess = new Float64Array(dim);
  const rhat = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const chains = globalThis.Array.from({ length: m }, (_, c) => Float64Array.from({ length: n }, (_, i) => draws[(c * n + i) * dim + j]!));
    ess[j] = essOfChains(chains);
    rhat[j] = rhatOfChains(chains);
  }
  const perChain = (f: (r: ChainRun) => number) => (runs ? runs.map(f) : new globalThis.Array<number>(m).fill(NaN));
  const divergences = runs ? runs.map((r) => r.divergences) : new globalThis.Array<number>(m).fill(0);
  const diverging = divergences.findIndex((d) => d === n);
  const [status, message]: [McmcStatus, string] =
    bad >= 0
      ? ["nonFinite", `${op}: the log density is not finite at the start of chain ${bad} (${startName(s.init, bad)}); nothing was sampled`]
      : diverging >= 0
        ? ["diverging", `${op}: every transition of chain ${diverging} after warm-up diverged; the draws are not valid (reparameterize, or lower stepSize and turn off adaptStepSize)`]
        : ["success", `${op}: ${m} chain${m > 1 ? "s" : ""} × ${n} draws, ${divergences.reduce((a, b) => a + b, 0)} divergent transitions`];
  return {
    samples: target.unflatten(draws, [m, n]),
    logDensity: np.reshape(np.array(logp), [m, n]),
    acceptanceRate: perChain((r) => r.acceptance),
    divergences,
    stepSize: perChain((r) => r.stepSize),
    inverseMass: np.reshape(np.array(runs ? Float64Array.from(runs.flatMap((r) => [...r.invMass])) : new Float64Array(m * dim).fill(NaN)), [m, dim]),
    gradientEvaluations: target.evaluations(),
    ...(sampler.reportsDepth ? { treeDepth: perChain((r) => r.depth) } : {}),
    ess: target.unflatten(ess, []),
    rhat: target.unflatten(rhat, []),
    summary: { minEss: Math.min(...ess), maxRhat: Math.max(...rhat) },
    status,
    message,
  };
}
