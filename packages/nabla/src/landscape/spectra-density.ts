// The eigenvalue density of a Hessian by stochastic Lanczos quadrature (Ubaru, Chen & Saad
// 2017; PyHessian, Yao et al. 2020; Ghorbani, Krishnan & Xiao 2019). For a unit start
// vector q, m Lanczos steps give a tridiagonal T = Σⱼ θⱼ·yⱼyⱼᵀ whose Ritz values θⱼ and
// weights τⱼ = (yⱼ)₁² are the m-point Gauss quadrature of the measure Σᵢ (qᵀuᵢ)²·δ(λ − λᵢ)
// (uᵢ, λᵢ: H's eigenpairs). With q = z/√n for a Rademacher z, that measure averages to the
// spectral density (1/n)·Σᵢ δ(λ − λᵢ); averaging over probes and widening every node into a
// Gaussian gives a smooth estimate. Each probe's quadrature is exact for polynomials of
// degree < 2m, so the mean n·Σⱼ τⱼθⱼ = zᵀHz is Hutchinson's trace estimate.
import { checkOptions, describe, nrm2 } from "../array/index.js";
import { Array, np } from "../core/index.js";
import { eigh } from "../linalg/index.js";
import { atLeast, dot, hessianOperator, keysFrom, meanAndStderr, positiveInt, probeBatch, rademacher } from "./spectra-operator.js";

export interface HessianDensityOptions {
  /**
   * Lanczos steps per probe (default 30; at most n), one Hessian-vector product each. Full
   * reorthogonalization stores the steps·n basis: 30 vectors of 10⁶ are 240 MB.
   */
  steps?: number;
  /** How many Rademacher probes (default 10). */
  probes?: number;
  /**
   * Width of the Gaussian that widens each Ritz value, relative to the spread of the Ritz
   * values (largest − smallest over all probes; their largest |θ| if that is 0, or 1 if
   * all are 0): the kernel's standard deviation is sigma·spread (default 0.01).
   */
  sigma?: number;
  /**
   * Where the density is evaluated: a number of points (default: 1,001, or more so that
   * the spacing is at most a quarter of the kernel's width, up to 100,001) spanning the
   * Ritz values ± 5 widths, or the points themselves, strictly increasing.
   */
  grid?: number | ArrayLike<number>;
  /** Key of the probes (default random.key(0)). */
  key?: Array;
}

/** What `hessianDensity` estimated, as a plain record. */
export interface HessianDensityResult {
  /** The points where the density is evaluated, increasing. */
  grid: number[];
  /** The smoothed eigenvalue density at the grid points, scaled so that its trapezoid integral over the grid is 1. */
  density: number[];
  /** Each probe's Ritz values (quadrature nodes), ascending. */
  nodes: number[][];
  /** Each probe's quadrature weights τⱼ (each probe's sum to 1). */
  weights: number[][];
  /** Hutchinson's estimate of tr H from the same probes, n·Σⱼ τⱼθⱼ = zᵀHz averaged. */
  trace: number;
  /** Its standard error (NaN for one probe). */
  stderr: number;
  /** The Gaussian kernel's standard deviation, in eigenvalue units (sigma·spread). */
  width: number;
  /** Hessian-vector products used (≤ probes·steps: a probe stops early where its Krylov space closes). */
  nhvp: number;
}

const OP = "landscape.hessianDensity";
const KEYS = ["steps", "probes", "sigma", "grid", "key"] as const;

/**
 * One probe's m Lanczos steps from the unit vector q0 with full reorthogonalization,
 * building the diagonal (alpha) and off-diagonal (beta) of the tridiagonal matrix. It is
 * fed H·q a step at a time, so that several probes can share one batched product. Done
 * after m steps, or early when the Krylov space is invariant (β ≈ 0): then the
 * quadrature is exact.
 */
class Lanczos {
  private readonly Q: Float64Array[];
  readonly alpha: number[] = [];
  readonly beta: number[] = [];
  private scale = 0;
  done = false;

  constructor(
    q0: Float64Array,
    private readonly m: number,
  ) {
    this.Q = [q0];
  }

  /** The vector whose product the next step takes. */
  get q(): Float64Array {
    return this.Q[this.Q.length - 1]!;
  }

  /** One step, given w = H·q (overwritten). */
  step(w: Float64Array): void {
    const { Q, alpha, beta } = this;
    const j = alpha.length;
    alpha.push(dot(this.q, w));
    // Full reorthogonalization by classical Gram–Schmidt, repeated only where the pass
    // removed most of w (Daniel–Gragg–Kaufman–Stewart), where one pass leaves w short of orthogonal.
    // At 10⁶ parameters these passes over the basis cost as much as the products.
    let b = nrm2(w);
    for (let pass = 0; pass < 2; pass++) {
      const before = b;
      for (const u of Q) {
        const c = dot(u, w);
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - c * u[i]!;
      }
      b = nrm2(w);
      if (b > Math.SQRT1_2 * before) break;
    }
    this.scale = Math.max(this.scale, Math.abs(alpha[j]!) + b + (j > 0 ? beta[j - 1]! : 0));
    if (j === this.m - 1 || b <= 1e-12 * this.scale) {
      this.done = true;
      return;
    }
    beta.push(b);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! / b;
    Q.push(w);
  }
}

/** Ritz values (ascending) and Gauss weights (first components squared) of a tridiagonal matrix. */
function quadrature(alpha: number[], beta: number[]): [number[], number[]] {
  const m = alpha.length;
  const T = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    T[i * m + i] = alpha[i]!;
    if (i > 0) T[i * m + i - 1] = T[(i - 1) * m + i] = beta[i - 1]!;
  }
  const [w, V] = eigh(np.reshape(np.array(T), [m, m]));
  const first = V.toFloat64Array().subarray(0, m);
  return [globalThis.Array.from(w.toFloat64Array()), globalThis.Array.from(first, (v) => v * v)];
}

/** The grid option checked: a count of points (undefined: automatic), or the points themselves. */
function gridOption(grid: unknown): number | undefined | number[] {
  if (grid === undefined) return undefined;
  if (typeof grid === "number") {
    if (!Number.isSafeInteger(grid) || grid < 2) throw new Error(`${OP}: grid must be a number of points ≥ 2 or a list of increasing numbers, got ${describe(grid)}`);
    return grid;
  }
  const points = grid instanceof Array ? globalThis.Array.from(grid.toFloat64Array()) : typeof grid === "object" && grid !== null && "length" in grid ? globalThis.Array.from(grid as ArrayLike<number>) : null;
  if (points === null) throw new Error(`${OP}: grid must be a number of points or a list of increasing numbers, got ${describe(grid)}`);
  if (points.length < 2) throw new Error(`${OP}: grid must have at least 2 points, got ${points.length}`);
  points.forEach((p, i) => {
    if (typeof p !== "number" || !Number.isFinite(p)) throw new Error(`${OP}: grid[${i}] must be a finite number, got ${describe(p)}`);
    if (i > 0 && !(p > points[i - 1]!)) throw new Error(`${OP}: grid must be strictly increasing, got grid[${i - 1}] = ${points[i - 1]} then grid[${i}] = ${p}`);
  });
  return points;
}

/** The points: given, or `count` (default: 4 per kernel width, 1,001 to 100,001) over the Ritz values ± 5 widths. */
function gridPoints(option: number | undefined | number[], lo: number, hi: number, width: number): number[] {
  if (typeof option === "object") return option;
  const span = hi - lo + 10 * width;
  const count = option ?? Math.min(100001, Math.max(1001, Math.ceil((4 * span) / width) + 1));
  return globalThis.Array.from({ length: count }, (_, i) => lo - 5 * width + (span * i) / (count - 1));
}

/**
 * The eigenvalue density of the Hessian of the scalar function f at params (any pytree of
 * float Arrays and numbers, taken in float64) by stochastic Lanczos quadrature: for each
 * of `probes` Rademacher vectors, `steps` Lanczos steps with full reorthogonalization give
 * Ritz values (nodes) and Gauss weights; each node is widened into a Gaussian of standard
 * deviation sigma·spread (spread: the range of all Ritz values), the probes are averaged,
 * and the result is normalized to integrate to 1 over the grid (trapezoid rule). The
 * probes' first Lanczos coefficients also give Hutchinson's trace estimate, with its
 * standard error. Hessian-vector products only (grad(f) linearized once); probes·steps
 * of them, several probes' at once (vmap) where their Krylov bases fit in 8 MB together.
 *
 * The Ritz values of each probe include H's extreme eigenvalues almost exactly (Lanczos
 * converges there first), while its interior is resolved to about spread/steps, so a
 * density from few steps shows the outliers sharply and the bulk smoothed.
 *
 * @example
 * const { grid, density, trace, stderr } = landscape.hessianDensity(loss, params, { steps: 40, probes: 8 });
 * // n·∫λ·ρ(λ)dλ ≈ trace, and ∫ρ = 1 on grid
 */
export function hessianDensity<T>(f: (params: T) => Array | number, params: T, opts: HessianDensityOptions = {}): HessianDensityResult {
  const o = checkOptions(OP, opts, KEYS);
  const steps = positiveInt(OP, "steps", o.steps, 30);
  const probes = positiveInt(OP, "probes", o.probes, 10);
  const sigma = atLeast(OP, "sigma", o.sigma, 0.01, 0, true);
  const gridOpt = gridOption(o.grid);
  const keys = keysFrom(OP, o.key, probes);
  const H = hessianOperator(OP, f, params);
  const n = H.n;
  const m = Math.min(steps, n);
  const nodes: number[][] = [];
  const weights: number[][] = [];
  const traces: number[] = [];
  // Probes in groups whose Krylov bases fit in 8 MB together, each group stepped in
  // lockstep so its products go through one batched product.
  const batch = probeBatch(n * (m + 1));
  for (let first = 0; first < probes; first += batch) {
    const runs = keys.slice(first, first + batch).map((key) => new Lanczos(rademacher(key, n).map((x) => x / Math.sqrt(n)), m));
    for (let active = runs; active.length > 0; active = active.filter((r) => !r.done)) {
      H.products(active.map((r) => r.q)).forEach((w, i) => active[i]!.step(w));
    }
    for (const { alpha, beta } of runs) {
      traces.push(n * alpha[0]!);
      const [theta, tau] = quadrature(alpha, beta);
      nodes.push(theta);
      weights.push(tau);
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of nodes.flat()) [lo, hi] = [Math.min(lo, t), Math.max(hi, t)];
  const spread = hi > lo ? hi - lo : Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const width = sigma * spread;
  const grid = gridPoints(gridOpt, lo, hi, width);
  const density = grid.map((x) => {
    let s = 0;
    nodes.forEach((theta, p) => theta.forEach((t, j) => (s += weights[p]![j]! * Math.exp(-0.5 * ((x - t) / width) ** 2))));
    return s;
  });
  let integral = 0;
  for (let i = 1; i < grid.length; i++) integral += ((density[i]! + density[i - 1]!) / 2) * (grid[i]! - grid[i - 1]!);
  if (!(integral > 0)) throw new Error(`${OP}: the grid [${grid[0]}, ${grid[grid.length - 1]}] misses the spectrum (Ritz values in [${lo}, ${hi}], kernel width ${width})`);
  const [trace, stderr] = meanAndStderr(traces);
  return { grid, density: density.map((d) => d / integral), nodes, weights, trace, stderr, width, nhvp: H.count() };
}
