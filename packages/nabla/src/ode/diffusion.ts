// Sampling from a diffusion model given its denoiser D(x, σ) ≈ E[x₀ | x = x₀ + σ·n], as in
// Karras et al. 2022 ("EDM"): the probability-flow ODE dx/dσ = (x − D(x, σ))/σ integrated
// from σmax down to 0 on the schedule of `karrasSigmas`, by Euler or Heun steps, and the
// stochastic variant that adds noise back ("churn") before each step. The steps run in
// `scan`, so samplers compile under `jit`, batch under `vmap`, and differentiate in the
// denoiser's arguments.
import { checkFinite, checkInteger, checkOptions, describe, isFloat, shapeString } from "../array/index.js";
import { Array, keyArg, np } from "../core/index.js";
import * as random from "../random/index.js";
import { scan } from "../transforms/index.js";

/** Options of `karrasSigmas`; the defaults are EDM's (for data of unit scale, such as images in [−1, 1]). */
export interface KarrasOptions {
  /** The smallest nonzero noise level (default 0.002). */
  sigmaMin?: number;
  /** The largest noise level, where sampling starts (default 80). */
  sigmaMax?: number;
  /** The schedule's curvature: larger ρ spends more steps at small σ (default 7). */
  rho?: number;
  /** N, the number of nonzero noise levels, and so of steps. */
  steps: number;
}

/** The integrators of the probability-flow ODE. */
export type FlowMethod = "euler" | "heun";

/** Options of `probabilityFlowSampler`: the schedule, and the integrator. */
export interface ProbabilityFlowOptions extends KarrasOptions {
  /** "heun" (second order, 2N − 1 denoiser calls; the default) or "euler" (first order, N calls). */
  method?: FlowMethod;
}

/** Options of `stochasticSampler`: EDM's Algorithm 2. */
export interface StochasticSamplerOptions extends ProbabilityFlowOptions {
  /** Total churn S_churn: each step in [sTmin, sTmax] first raises σ by the factor 1 + min(S_churn/N, √2 − 1) (default 0: none). */
  sChurn?: number;
  /** Churn only at σ ≥ sTmin (default 0). */
  sTmin?: number;
  /** Churn only at σ ≤ sTmax (default Infinity). */
  sTmax?: number;
  /** The added noise's scale relative to exact (default 1; EDM found slightly above 1, e.g. 1.003, helps imperfect denoisers). */
  sNoise?: number;
}

/** A denoiser: x (any shape) and the noise level σ (a 0-d Array) ↦ the estimate of clean data, x's shape. */
export type Denoiser<A extends unknown[]> = (x: Array, sigma: Array, ...args: A) => Array;

const SCHEDULE_KEYS = ["sigmaMin", "sigmaMax", "rho", "steps"] as const;
const FLOW_KEYS = [...SCHEDULE_KEYS, "method"] as const;
const CHURN_KEYS = [...FLOW_KEYS, "sChurn", "sTmin", "sTmax", "sNoise"] as const;

function positive(op: string, name: string, value: unknown, fallback: number): number {
  const v = checkFinite(op, name, value, fallback);
  if (!(v > 0)) throw new Error(`${op}: ${name} must be positive, got ${describe(value)}`);
  return v;
}

function nonNegative(op: string, name: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new Error(`${op}: ${name} must be a non-negative${allowInfinity ? "" : " finite"} number, got ${describe(value)}`);
  }
  return value;
}

/** The noise levels σ₀ > … > σ_{N−1} > σ_N = 0 as numbers, from checked options. */
function schedule(op: string, o: { readonly [k in (typeof SCHEDULE_KEYS)[number]]?: unknown }): number[] {
  const sigmaMin = positive(op, "sigmaMin", o.sigmaMin, 0.002);
  const sigmaMax = positive(op, "sigmaMax", o.sigmaMax, 80);
  const rho = positive(op, "rho", o.rho, 7);
  if (o.steps === undefined) throw new Error(`${op}: steps is required`);
  const N = checkInteger(op, "steps", o.steps, undefined, 1);
  if (!(sigmaMax > sigmaMin)) throw new Error(`${op}: sigmaMax (${sigmaMax}) must be larger than sigmaMin (${sigmaMin})`);
  const hi = sigmaMax ** (1 / rho);
  const lo = sigmaMin ** (1 / rho);
  // One level is σmax alone (i/(N − 1) is 0/0 there).
  const levels = globalThis.Array.from({ length: N }, (_, i) => (N === 1 ? sigmaMax : (hi + (i / (N - 1)) * (lo - hi)) ** rho));
  return [...levels, 0];
}

function flowMethod(op: string, value: unknown): FlowMethod {
  if (value === undefined) return "heun";
  if (value !== "euler" && value !== "heun") throw new Error(`${op}: method ${describe(value)} is not one of euler, heun`);
  return value;
}

/**
 * EDM's noise levels σᵢ = (σmax^(1/ρ) + i/(N − 1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ for
 * i = 0 … N − 1, then σ_N = 0: an Array of shape [N + 1], decreasing from σmax.
 *
 * @example
 * karrasSigmas({ sigmaMin: 0.002, sigmaMax: 80, rho: 7, steps: 4 }).toArray();
 * // [80, 9.7232…, 0.46998…, 0.002, 0]
 */
export function karrasSigmas(opts: KarrasOptions): Array {
  const op = "karrasSigmas";
  if (opts === undefined) throw new Error(`${op}: options { steps } are required`);
  return np.array(schedule(op, checkOptions(op, opts, SCHEDULE_KEYS)));
}

interface Plan {
  op: string;
  method: FlowMethod;
  sigmas: number[];
  /** σ̂ᵢ = σᵢ·(1 + γᵢ): the level step i starts from after its churn. */
  hats: number[];
  /** The scale of step i's added noise, sNoise·√(σ̂ᵢ² − σᵢ²) (all 0 without churn). */
  noise: number[];
}

function checkDenoiser(op: string, denoiser: unknown): void {
  if (typeof denoiser !== "function") throw new Error(`${op}: denoiser must be a function, got ${describe(denoiser)}`);
}

/** The sampler's loop: each step (churn, then Euler or Heun from σ̂ᵢ to σᵢ₊₁), the last as Euler to σ = 0. */
function run<A extends unknown[]>(p: Plan, denoiser: Denoiser<A>, xT: unknown, key: Array | null, args: A): Array {
  if (!(xT instanceof Array) || !isFloat(xT.dtype)) throw new Error(`${p.op}: xT must be a float Array, got ${xT instanceof Array ? `${xT.dtype}${shapeString(xT.shape)}` : describe(xT)}`);
  const D = (x: Array, sigma: Array): Array => {
    const out = denoiser(x, sigma, ...args);
    if (!(out instanceof Array) || out.ndim !== x.ndim || !out.shape.every((d, i) => d === x.shape[i])) {
      throw new Error(`${p.op}: the denoiser must return x's shape ${shapeString(x.shape)}, got ${out instanceof Array ? shapeString(out.shape) : describe(out)}`);
    }
    return out.dtype === x.dtype ? out : np.astype(out, x.dtype);
  };
  const slope = (x: Array, sigma: Array) => np.div(np.sub(x, D(x, sigma)), sigma);
  const N = p.sigmas.length - 1;
  const keys = key === null ? null : random.split(key, N);
  const step = (x: Array, [sigmaHat, sigmaNext, scale, k]: [Array, Array, Array, Array | null], last: boolean): Array => {
    const xHat = k === null ? x : np.add(x, np.mul(scale, np.astype(random.normal(k, x.shape), x.dtype)));
    const d = slope(xHat, sigmaHat);
    const h = np.sub(sigmaNext, sigmaHat);
    const euler = np.add(xHat, np.mul(h, d));
    // EDM's Heun: the trapezoid on the slope, skipped on the last step (its slope at σ = 0 is 0/0).
    if (last || p.method === "euler") return euler;
    return np.add(xHat, np.mul(np.mul(0.5, h), np.add(d, slope(euler, sigmaNext))));
  };
  const levels = (from: number, to: number) => [np.array(p.hats.slice(from, to), { dtype: xT.dtype }), np.array(p.sigmas.slice(from + 1, to + 1), { dtype: xT.dtype }), np.array(p.noise.slice(from, to), { dtype: xT.dtype })];
  let x = xT;
  if (N > 1) {
    const [hats, nexts, scales] = levels(0, N - 1);
    const stepKeys = keys === null ? null : np.slice(keys, [0, N - 1]);
    const xs = stepKeys === null ? [hats!, nexts!, scales!] : [hats!, nexts!, scales!, stepKeys];
    [x] = scan((c: Array, [a, b, s, k]: Array[]) => [step(c, [a!, b!, s!, k ?? null], false), null], x, xs);
  }
  const [a, b, s] = levels(N - 1, N).map((v) => np.reshape(v, []));
  return step(x, [a!, b!, s!, keys === null ? null : np.slice(keys, N - 1)], true);
}

/**
 * A deterministic sampler: integrates the probability-flow ODE dx/dσ = (x − D(x, σ))/σ
 * from σmax to 0 on `karrasSigmas`' schedule, by Euler or Heun steps (EDM's Algorithm 1:
 * Heun's correction is skipped on the last step, to σ = 0). The returned function maps
 * the initial noise xT (any shape, e.g. [samples, ...]; draw it as σmax·random.normal) and
 * the denoiser's extra arguments to the samples, xT's shape: the same xT gives the same
 * samples. D(x, σ, ...args) gets the whole x and σ as a 0-d Array and returns x's shape.
 *
 * @example
 * // data N(μ, s²): the exact denoiser is (s²x + σ²μ)/(s² + σ²)
 * const D = (x: Array, sigma: Array) => x.mul(s * s).add(sigma.square().mul(mu)).div(sigma.square().add(s * s));
 * const sample = probabilityFlowSampler(D, { sigmaMax: 80, steps: 18 });
 * sample(random.normal(random.key(0), [1000]).mul(80)); // ≈ N(μ, s²)
 */
export function probabilityFlowSampler<A extends unknown[]>(denoiser: Denoiser<A>, opts: ProbabilityFlowOptions): (xT: Array, ...args: A) => Array {
  const op = "probabilityFlowSampler";
  checkDenoiser(op, denoiser);
  if (opts === undefined) throw new Error(`${op}: options { steps } are required`);
  const o = checkOptions(op, opts, FLOW_KEYS);
  const sigmas = schedule(op, o);
  const plan: Plan = { op, method: flowMethod(op, o.method), sigmas, hats: sigmas.slice(0, -1), noise: sigmas.slice(0, -1).map(() => 0) };
  return (xT, ...args) => run(plan, denoiser, xT, null, args);
}

/**
 * EDM's stochastic sampler (Karras et al. 2022, Algorithm 2): before step i, where
 * sTmin ≤ σᵢ ≤ sTmax, fresh noise raises the level to σ̂ᵢ = σᵢ·(1 + γᵢ), with
 * γᵢ = min(sChurn/N, √2 − 1), by adding sNoise·√(σ̂ᵢ² − σᵢ²)·ε; then an Euler or Heun
 * step of the probability-flow ODE goes from σ̂ᵢ to σᵢ₊₁. The churn corrects errors of
 * earlier steps (it is a Langevin-like move toward the right marginal). The noise of step i
 * is `random.normal(random.split(key, N)[i], xT.shape)`: the same key and xT give the same
 * samples. With sChurn = 0 this is `probabilityFlowSampler`.
 *
 * @example
 * const sample = stochasticSampler(D, { sigmaMax: 80, steps: 32, sChurn: 40, sTmin: 0.05, sTmax: 50 });
 * sample(random.normal(random.key(0), [1000]).mul(80), random.key(1));
 */
export function stochasticSampler<A extends unknown[]>(denoiser: Denoiser<A>, opts: StochasticSamplerOptions): (xT: Array, key: Array, ...args: A) => Array {
  const op = "stochasticSampler";
  checkDenoiser(op, denoiser);
  if (opts === undefined) throw new Error(`${op}: options { steps } are required`);
  const o = checkOptions(op, opts, CHURN_KEYS);
  const sigmas = schedule(op, o);
  const sChurn = nonNegative(op, "sChurn", o.sChurn, 0);
  const sTmin = nonNegative(op, "sTmin", o.sTmin, 0);
  const sTmax = nonNegative(op, "sTmax", o.sTmax, Infinity, true);
  const sNoise = nonNegative(op, "sNoise", o.sNoise, 1);
  if (!(sTmax >= sTmin)) throw new Error(`${op}: sTmax (${sTmax}) must be at least sTmin (${sTmin})`);
  const N = sigmas.length - 1;
  const gamma = Math.min(sChurn / N, Math.SQRT2 - 1);
  const levels = sigmas.slice(0, -1);
  const hats = levels.map((s) => (s >= sTmin && s <= sTmax ? s * (1 + gamma) : s));
  const noise = levels.map((s, i) => sNoise * Math.sqrt(hats[i]! ** 2 - s ** 2));
  const plan: Plan = { op, method: flowMethod(op, o.method), sigmas, hats, noise };
  return (xT, key, ...args) => {
    return run(plan, denoiser, xT, keyArg(op, key), args);
  };
}
