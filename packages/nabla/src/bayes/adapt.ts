// Warm-up adaptation as in Stan's reference manual ("HMC algorithm parameters"):
// - the step size by dual averaging of log ε towards a target acceptance statistic
//   (Hoffman & Gelman 2014, §3.2, with γ = 0.05, t₀ = 10, κ = 0.75, μ = log 10ε₀);
// - a diagonal inverse mass matrix, the regularized variance of the draws of each slow
//   window: (n/(n+5))·var + 10⁻³·(5/(n+5));
// - the windows: a fast window of 75 iterations (step size only), slow windows of 25, 50,
//   100, … (the last stretched to the final fast window), and a final fast window of 50,
//   scaled to 15%/75%/10% of a warm-up shorter than 150;
// - a starting step size by doubling or halving until one leapfrog step's acceptance
//   crosses 0.8 (Hoffman & Gelman's heuristic, Stan's init_stepsize).
import { energy, copyPhase, leapfrog, newPhase, sampleMomentum, type NeedsDensity, type Phase, type Point, type RandomStream } from "./hamiltonian.js";

/** Dual averaging of the log step size towards `target` acceptance. */
export class DualAveraging {
  private mu = 0;
  private count = 0;
  private meanError = 0;
  private logAverage = 0;

  constructor(
    private readonly target: number,
    stepSize: number,
  ) {
    this.restart(stepSize);
  }

  /** Starts over around `stepSize` (after the mass matrix changed). */
  restart(stepSize: number): void {
    this.mu = Math.log(10 * stepSize);
    this.count = 0;
    this.meanError = 0;
    this.logAverage = 0;
  }

  /** Takes one acceptance statistic and returns the step size to use next. */
  update(acceptance: number): number {
    const a = Number.isNaN(acceptance) ? 0 : Math.min(1, acceptance);
    const t = ++this.count;
    const eta = 1 / (t + 10);
    this.meanError = (1 - eta) * this.meanError + eta * (this.target - a);
    const logStep = this.mu - (Math.sqrt(t) / 0.05) * this.meanError;
    const weight = t ** -0.75;
    this.logAverage = weight * logStep + (1 - weight) * this.logAverage;
    return Math.exp(logStep);
  }

  /** The step size to sample with after warm-up: the averaged iterate. */
  final(): number {
    return Math.exp(this.logAverage);
  }
}

/** Welford's running mean and variance of the draws of a slow window. */
export class RunningVariance {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  add(x: Float64Array): void {
    this.n++;
    for (let i = 0; i < x.length; i++) {
      const delta = x[i]! - this.mean[i]!;
      this.mean[i]! += delta / this.n;
      this.m2[i]! += delta * (x[i]! - this.mean[i]!);
    }
  }

  /** Stan's regularized variance, shrunk towards 10⁻³ for few draws; the estimator restarts. */
  takeRegularized(): Float64Array {
    const n = this.n;
    const out = this.m2.map((m2) => (n / (n + 5)) * (m2 / (n - 1)) + 1e-3 * (5 / (n + 5)));
    this.n = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    return out;
  }
}

/** The slow windows of a warm-up of `warmup` iterations, as [start, end) pairs. */
export function slowWindows(warmup: number): [number, number][] {
  // Stan performs no adaptation of the metric under 20 iterations.
  if (warmup < 20) return [];
  let [initial, final, base] = [75, 50, 25];
  if (initial + final + base > warmup) {
    initial = Math.floor(0.15 * warmup);
    final = Math.floor(0.1 * warmup);
    base = warmup - initial - final;
  }
  const windows: [number, number][] = [];
  const last = warmup - final;
  for (let start = initial, size = base; start < last; size *= 2) {
    // A window that would leave less than twice its size before the final window takes it all.
    const end = start + size + 2 * size > last ? last : start + size;
    windows.push([start, end]);
    start = end;
  }
  return windows;
}

/**
 * A starting step size: from `stepSize`, doubles while one leapfrog step from `point`
 * (with a fresh momentum each try) is accepted with probability above 0.8, or halves
 * until it is: the largest step so found whose acceptance is above 0.8.
 */
export function* findStepSize(point: Point, stepSize: number, invMass: Float64Array, rng: RandomStream): NeedsDensity<number> {
  const start: Phase = { ...newPhase(point.q.length), q: point.q, grad: point.grad, logp: point.logp };
  const trial = newPhase(point.q.length);
  function* logAcceptance(eps: number): NeedsDensity<number> {
    sampleMomentum(start.p, invMass, rng);
    copyPhase(trial, start);
    yield* leapfrog(trial, eps, invMass);
    const delta = energy(start, invMass) - energy(trial, invMass);
    return Number.isNaN(delta) ? -Infinity : delta;
  }
  const threshold = Math.log(0.8);
  let eps = stepSize;
  const up = (yield* logAcceptance(eps)) > threshold;
  // 100 doublings or halvings span 2^±100: past that the density is flat or broken.
  for (let i = 0; i < 100; i++) {
    const next = up ? eps * 2 : eps / 2;
    if ((yield* logAcceptance(next)) > threshold !== up) return up ? eps : next;
    eps = next;
  }
  return eps;
}
