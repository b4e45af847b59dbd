// Diagnostics of an optimization problem and of a run: how ill-conditioned the Hessian
// is, and how fast (and with what order) the recorded iterates approach the minimum.
import { np, type Array, type Tree } from "../core/index.js";
import { eigh, lanczos } from "../linalg/index.js";
import { hessian, hvp, jit, ravelPytree, type GradOf } from "../transforms/index.js";
import type { PathPoint } from "./types.js";
import { norm2, normInf } from "./vec.js";

export interface ConditionNumberOptions {
  /** "dense" (Hessian and eigh) or "lanczos" (Hessian-vector products); default by size. */
  method?: "dense" | "lanczos";
  /** Largest n for which the default is "dense" (default 200). */
  denseLimit?: number;
}

/**
 * The condition number κ = |λ|max / |λ|min of the Hessian of `f` at `x` (any pytree):
 * from all eigenvalues (`eigh`) for small problems, from the two extreme ones (`lanczos`
 * over Hessian-vector products) for large ones. The Lanczos estimate needs a definite
 * Hessian (the extremes of one sign, as at a strict minimum): otherwise the smallest |λ|
 * may lie inside the spectrum and the result is NaN. A singular Hessian gives Infinity.
 *
 * @example
 * conditionNumber((x) => x.square().mul(np.array([1, 10])).sum().mul(0.5), np.array([1, 1])); // 10
 */
export function conditionNumber<T>(f: (x: GradOf<T>) => unknown, x: T, opts: ConditionNumberOptions = {}): number {
  const [flat, unravel] = ravelPytree(x);
  const point = np.astype(flat, "float64");
  const fFlat = (v: Array) => f(unravel(v));
  const n = point.size;
  const method = opts.method ?? (n <= (opts.denseLimit ?? 200) ? "dense" : "lanczos");
  if (method === "dense") {
    const [w] = eigh(hessian(fFlat)(point));
    // Loops, not Math.max(...values): a spread of n arguments overflows the stack at n ≈ 10⁵.
    const magnitudes = globalThis.Array.from(w.toFloat64Array(), Math.abs);
    return magnitudes.reduce((a, b) => Math.max(a, b), 0) / magnitudes.reduce((a, b) => Math.min(a, b), Infinity);
  }
  if (method !== "lanczos") throw new Error(`conditionNumber: method must be "dense" or "lanczos", got "${String(method)}"`);
  const product = jit((v: Array) => hvp(fFlat, point, v));
  const values = lanczos(product, n, { k: 1, which: n >= 2 ? "both" : "largest" }).values.toFloat64Array();
  const lo = values[0]!;
  const hi = values[values.length - 1]!;
  if (Math.sign(lo) !== Math.sign(hi) && lo !== 0) return NaN;
  return Math.max(Math.abs(lo), Math.abs(hi)) / Math.min(Math.abs(lo), Math.abs(hi));
}

export interface ConvergenceRateOptions {
  /** The minimizer: errors are ‖x_k − x*‖₂ (x* as a pytree or flat numbers). */
  xstar?: Tree | ArrayLike<number>;
  /** The minimum (used when xstar is absent): errors are |f_k − f*|. */
  fstar?: number;
  /**
   * Errors at or below this are rounding noise and end the sequence (default
   * 100·ε·max(1, scale), scale being ‖x*‖∞, |f*| or the first gradient norm).
   */
  floor?: number;
}

export interface ConvergenceRate {
  /** What the errors measure: distance to x*, gap to f*, or ‖∇f‖∞ when neither is given. */
  measure: "x" | "f" | "gradNorm";
  /** The errors used: from the start of the path up to the first one at the floor. */
  errors: number[];
  /** e_{k+1} / e_k, per iteration: (e_{k+1} / e_k)^(1/Δk) between points Δk iterations apart on a thinned path. */
  ratios: number[];
  /** The observed linear rate: geometric mean of the ratios over the last half of them. */
  rate: number;
  /** q_k = log(e_{k+1}/e_k) / log(e_k/e_{k−1}): about 1 for linear, 2 for quadratic convergence. */
  orders: number[];
  /** The last q_k (NaN with fewer than three errors). */
  order: number;
}

function flatNumbers(x: Tree | ArrayLike<number>): number[] {
  if (ArrayBuffer.isView(x)) return globalThis.Array.from(x as Float64Array);
  return globalThis.Array.from(ravelPytree(x)[0].toFloat64Array());
}

/**
 * How fast a recorded path (`minimize(..., { recordPath: true }).path`) converges: the
 * per-step error ratios, their geometric mean over the last half of the steps (the
 * asymptotic linear rate; 1 − 1/κ for gradient descent with step 1/L on a quadratic),
 * and the estimated order of convergence q from successive log error ratios.
 *
 * @example
 * const { path } = minimize(f, x0, { method: "gd", lr: 0.1, recordPath: true });
 * convergenceRate(path!, { xstar: [0, 0] }).rate; // 0.9
 */
export function convergenceRate(path: readonly (Omit<PathPoint, "nit"> & { nit?: number })[], opts: ConvergenceRateOptions = {}): ConvergenceRate {
  let measure: ConvergenceRate["measure"];
  let all: number[];
  let scale: number;
  if (opts.xstar !== undefined) {
    const xstar = flatNumbers(opts.xstar);
    measure = "x";
    all = path.map((p, k) => {
      if (p.x.length !== xstar.length) throw new Error(`convergenceRate: path point ${k} has ${p.x.length} coordinates, xstar ${xstar.length}`);
      return norm2(Float64Array.from(p.x, (v, i) => v - xstar[i]!));
    });
    scale = normInf(Float64Array.from(xstar));
  } else if (opts.fstar !== undefined) {
    const fstar = opts.fstar;
    measure = "f";
    all = path.map((p) => Math.abs(p.f - fstar));
    scale = Math.abs(fstar);
  } else {
    measure = "gradNorm";
    all = path.map((p) => p.gradNorm);
    scale = all[0] ?? 1;
  }
  const floor = opts.floor ?? 100 * Number.EPSILON * Math.max(1, scale);
  const end = all.findIndex((e) => !(Number.isFinite(e) && e > floor));
  const errors = end < 0 ? all : all.slice(0, end);
  // Per iteration: a thinned path (a long run's) has points Δk iterations apart, whose
  // ratio is the Δk-th power of the per-step one.
  const ratios = errors.slice(1).map((e, k) => {
    const steps = (path[k + 1]?.nit ?? k + 1) - (path[k]?.nit ?? k);
    const ratio = e / errors[k]!;
    return steps > 1 ? ratio ** (1 / steps) : ratio;
  });
  const tail = ratios.slice(Math.floor(ratios.length / 2));
  const rate = tail.length > 0 ? Math.exp(tail.reduce((s, r) => s + Math.log(r), 0) / tail.length) : NaN;
  const orders = ratios.slice(1).map((r, k) => Math.log(r) / Math.log(ratios[k]!));
  return { measure, errors, ratios, rate, orders, order: orders[orders.length - 1] ?? NaN };
}
