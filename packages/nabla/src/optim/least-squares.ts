// Nonlinear least squares, scipy.optimize.least_squares's shape: minimize ½‖r(x)‖² with
// the exact Jacobian of r (forward mode when r has at least as many entries as x, else
// reverse). The method is Levenberg–Marquardt as a trust-region method (Moré, "The
// Levenberg–Marquardt algorithm: implementation and theory", 1978): each step minimizes
// the linear model ‖r + J·p‖ within ‖D·p‖ ≤ Δ, D the running column norms of J, with
// the damping λ found from one SVD of J·D⁻¹ per Jacobian by Newton's method on 1/‖D·p(λ)‖.
import { Storage } from "../array/index.js";
import { Array, ConcreteArray, np } from "../core/index.js";
import { svd } from "../linalg/index.js";
import { jacfwd, jacrev, ravelPytree, type GradOf } from "../transforms/index.js";
import { checkKeys, checkOptional, NON_NEGATIVE, POSITIVE_INTEGER, shown } from "./validate.js";

export interface LeastSquaresOptions {
  /** "lm": Levenberg–Marquardt (the only method so far; the default). */
  method?: "lm";
  /**
   * Stop when both the actual and the predicted reduction of a step are below ftol·cost
   * (default 1e-8; MINPACK's test, as scipy's "lm").
   */
  ftol?: number;
  /** Stop when the trust region's radius falls below xtol·‖D·x‖ (default 1e-8). */
  xtol?: number;
  /**
   * Stop when the cosine of the angle between r and every column of J is below gtol
   * (default 1e-8): the gradient Jᵀr vanishes relative to the scales of J and r.
   */
  gtol?: number;
  /** At most this many evaluations of r (default 100·n). */
  maxNfev?: number;
  /** How J is formed: "forward" (n JVPs), "reverse" (m VJPs), or by shape (default). */
  jacobian?: "forward" | "reverse";
}

/** Why the run ended: a tolerance met (success), the budget spent, or r not finite. */
export type LeastSquaresStatus = "gtol" | "ftol" | "xtol" | "ftol+xtol" | "maxNfev" | "nonFinite";

export interface LeastSquaresResult<T> {
  /** The solution, shaped like x0. */
  x: GradOf<T>;
  /** ½‖r(x)‖². */
  cost: number;
  /** The residuals r(x), flat. */
  fun: Array;
  /** The Jacobian of the flat residuals at x, [m, n]. */
  jac: Array;
  /** Jᵀr, the gradient of the cost, flat. */
  grad: Array;
  /** ‖Jᵀr‖∞. */
  optimality: number;
  /**
   * The parameters' covariance estimate s²·(JᵀJ)⁻¹ with s² = 2·cost / (m − n), as
   * scipy's curve_fit; filled with Infinity when J is rank-deficient or m ≤ n (a variance
   * the data do not determine).
   */
  covariance: Array;
  nfev: number;
  njev: number;
  status: LeastSquaresStatus;
  success: boolean;
  message: string;
}

const OPTION_KEYS = ["method", "ftol", "xtol", "gtol", "maxNfev", "jacobian"] as const;

/**
 * Minimizes ½‖r(x)‖² over x (a pytree of float Arrays) by Levenberg–Marquardt on the
 * exact Jacobian, returning scipy's record plus a covariance estimate of the parameters.
 * Failure is a status, not an exception.
 *
 * @example
 * // Fit y = a·e^(b·t) to four points.
 * const t = np.array([0, 1, 2, 3]), y = np.array([2, 2.7, 3.7, 5]);
 * const r = leastSquares((p) => np.sub(np.mul(p.a, np.exp(np.mul(p.b, t))), y), { a: np.array(1), b: np.array(0) });
 * r.x.a.item(); // ≈ 2.0
 */
export function leastSquares<T>(residuals: (x: GradOf<T>) => Array, x0: T, opts: LeastSquaresOptions = {}): LeastSquaresResult<T> {
  const op = "leastSquares";
  checkKeys(op, "option", opts, OPTION_KEYS);
  if (opts.method !== undefined && opts.method !== "lm") throw new Error(`${op}: unknown method ${shown(opts.method)}; use "lm"`);
  if (opts.jacobian !== undefined && opts.jacobian !== "forward" && opts.jacobian !== "reverse") {
    throw new Error(`${op}: jacobian must be "forward" or "reverse", got ${shown(opts.jacobian)}`);
  }
  const [flat0, unravel] = ravelPytree(x0);
  const n = flat0.size;
  const tol = {
    ftol: checkOptional(op, "ftol", opts.ftol, NON_NEGATIVE) ?? 1e-8,
    xtol: checkOptional(op, "xtol", opts.xtol, NON_NEGATIVE) ?? 1e-8,
    gtol: checkOptional(op, "gtol", opts.gtol, NON_NEGATIVE) ?? 1e-8,
  };
  const maxNfev = checkOptional(op, "maxNfev", opts.maxNfev, POSITIVE_INTEGER) ?? 100 * n;
  const r = (v: Array) => {
    const out = residuals(unravel(v));
    if (!(out instanceof Array) || !(out.dtype === "float64" || out.dtype === "float32")) {
      throw new Error(`${op}: residuals must return a float Array, got ${shown(out)}`);
    }
    return np.reshape(np.astype(out, "float64"), [-1]);
  };
  const x = Float64Array.from(flat0.toFloat64Array());
  const f0 = r(vector(x));
  const m = f0.size;
  const jac = (opts.jacobian ?? (n <= m ? "forward" : "reverse")) === "forward" ? jacfwd(r) : jacrev(r);
  return new LevenbergMarquardt(r, jac, x, f0, tol, maxNfev).run(unravel);
}

const vector = (data: Float64Array) => new ConcreteArray(new Storage("float64", [data.length], data.slice()));
/** ‖v‖₂, scaled by the largest entry so that squares neither overflow nor underflow. */
function norm(v: Float64Array): number {
  const big = normInf(v);
  if (big === 0 || !Number.isFinite(big)) return big;
  return big * Math.sqrt(v.reduce((s, e) => s + (e / big) ** 2, 0));
}
const normInf = (v: Float64Array) => v.reduce((s, e) => Math.max(s, Math.abs(e)), 0);
const sumSquares = (v: Float64Array) => v.reduce((s, e) => s + e * e, 0);
const allFinite = (v: Float64Array) => v.every(Number.isFinite);

/** The run's state: x, r(x), J(x) (row-major m×n), the scaling D and the radius Δ. */
class LevenbergMarquardt {
  private readonly m: number;
  private readonly n: number;
  private r: Float64Array;
  private J: Float64Array;
  private readonly d: Float64Array;
  private cost: number;
  private nfev = 1;
  private njev = 0;

  constructor(
    private readonly f: (v: Array) => Array,
    private readonly jacobian: (v: Array) => Array,
    private x: Float64Array,
    r0: Array,
    private readonly tol: { ftol: number; xtol: number; gtol: number },
    private readonly maxNfev: number,
  ) {
    this.n = x.length;
    this.r = r0.toFloat64Array();
    this.m = this.r.length;
    this.cost = 0.5 * sumSquares(this.r);
    this.J = this.evalJacobian();
    this.d = this.columnNorms().map((c) => (c === 0 ? 1 : c));
  }

  private evalJacobian(): Float64Array {
    this.njev++;
    return this.jacobian(vector(this.x)).toFloat64Array();
  }

  private columnNorms(): Float64Array {
    const c = new Float64Array(this.n);
    for (let i = 0; i < this.m; i++) for (let j = 0; j < this.n; j++) c[j] = c[j]! + this.J[i * this.n + j]! ** 2;
    return c.map(Math.sqrt);
  }

  /** max over J's columns of |cos ∠(Jⱼ, r)| (MINPACK's gnorm); 0 when r = 0. */
  private cosine(g: Float64Array): number {
    const rNorm = norm(this.r);
    if (rNorm === 0) return 0;
    return this.columnNorms().reduce((most, c, j) => (c === 0 ? most : Math.max(most, Math.abs(g[j]!) / (c * rNorm))), 0);
  }

  /** Jᵀr. */
  private gradient(): Float64Array {
    const g = new Float64Array(this.n);
    for (let i = 0; i < this.m; i++) for (let j = 0; j < this.n; j++) g[j] = g[j]! + this.J[i * this.n + j]! * this.r[i]!;
    return g;
  }

  run<T>(unravel: (v: Array) => GradOf<T>): LeastSquaresResult<T> {
    const { ftol, xtol, gtol } = this.tol;
    if (!allFinite(this.r) || !allFinite(this.J)) return this.result(unravel, "nonFinite", "r or its Jacobian is not finite at x0");
    // MINPACK's start: 100·‖D·x0‖, or 100 at x0 = 0.
    let radius = 100 * (norm(this.x.map((v, j) => v * this.d[j]!)) || 1);
    for (;;) {
      const g = this.gradient();
      if (this.cosine(g) <= gtol) return this.result(unravel, "gtol", `r is orthogonal to J's columns within gtol = ${gtol}`);
      const model = new TrustRegionModel(this.J, this.r, this.d, this.m, this.n);
      // Steps shrink until one lowers the cost or the budget runs out.
      for (;;) {
        if (this.nfev >= this.maxNfev) return this.result(unravel, "maxNfev", `the evaluation budget (maxNfev = ${this.maxNfev}) ran out`);
        const { p, scaledNorm, damped } = model.step(radius);
        const xNew = this.x.map((v, j) => v + p[j]!);
        const rNew = this.f(vector(xNew)).toFloat64Array();
        this.nfev++;
        if (!allFinite(rNew)) {
          radius = 0.25 * scaledNorm;
          continue;
        }
        const costNew = 0.5 * sumSquares(rNew);
        const actual = this.cost - costNew;
        const predicted = model.predictedReduction(p, g);
        const ratio = predicted > 0 ? actual / predicted : actual > 0 ? 1 : -1;
        // MINPACK's radius update: halve (from at most 10 steps' length) on a poor model,
        // twice the step on a good one or an undamped (Gauss–Newton) step.
        if (ratio < 0.25) radius = 0.5 * Math.min(radius, 10 * scaledNorm);
        else if (ratio >= 0.75 || !damped) radius = 2 * scaledNorm;
        const fSmall = Math.abs(actual) <= ftol * this.cost && predicted <= ftol * this.cost && ratio <= 2;
        if (actual > 0) {
          this.x = xNew;
          this.r = rNew;
          this.cost = costNew;
          this.J = this.evalJacobian();
          if (!allFinite(this.J)) return this.result(unravel, "nonFinite", "the Jacobian is not finite at the new point");
          this.columnNorms().forEach((c, j) => (this.d[j] = Math.max(this.d[j]!, c)));
        }
        const xSmall = radius <= xtol * norm(this.x.map((v, j) => v * this.d[j]!));
        if (fSmall && xSmall) return this.result(unravel, "ftol+xtol", `the cost and x both changed by less than ftol = ${ftol}, xtol = ${xtol}`);
        if (fSmall) return this.result(unravel, "ftol", `the cost fell by less than ftol = ${ftol} of itself`);
        if (xSmall) return this.result(unravel, "xtol", `the step was shorter than xtol = ${xtol} relative to x`);
        if (actual > 0) break;
      }
    }
  }

  private result<T>(unravel: (v: Array) => GradOf<T>, status: LeastSquaresStatus, message: string): LeastSquaresResult<T> {
    const g = this.gradient();
    const array = (data: Float64Array, shape: number[]) => new ConcreteArray(new Storage("float64", shape, data));
    return {
      x: unravel(vector(this.x)),
      cost: this.cost,
      fun: array(this.r, [this.m]),
      jac: array(this.J, [this.m, this.n]),
      grad: array(g, [this.n]),
      optimality: normInf(g),
      covariance: array(covariance(this.J, this.m, this.n, this.cost), [this.n, this.n]),
      nfev: this.nfev,
      njev: this.njev,
      status,
      success: status !== "maxNfev" && status !== "nonFinite",
      message,
    };
  }
}

/**
 * The linear model ‖r + J·p‖² in the scaled variables q = D·p, through the SVD
 * J·D⁻¹ = U·S·Vᵀ: then q(λ) = −V·(S² + λ)⁻¹·S·Uᵀr for any damping λ at O(n²).
 */
class TrustRegionModel {
  private readonly s: Float64Array;
  private readonly V: Float64Array;
  /** Uᵀr. */
  private readonly z: Float64Array;
  private readonly k: number;

  constructor(
    private readonly J: Float64Array,
    r: Float64Array,
    private readonly d: Float64Array,
    private readonly m: number,
    private readonly n: number,
  ) {
    const scaled = J.map((v, i) => v / d[i % n]!);
    const [U, s, Vt] = svd(new ConcreteArray(new Storage("float64", [m, n], scaled)), { fullMatrices: false });
    this.s = s.toFloat64Array();
    this.k = this.s.length;
    this.V = np.transpose(Vt).toFloat64Array(); // n × k
    const u = U.toFloat64Array(); // m × k
    this.z = new Float64Array(this.k);
    for (let i = 0; i < m; i++) for (let c = 0; c < this.k; c++) this.z[c] = this.z[c]! + u[i * this.k + c]! * r[i]!;
  }

  /** The coefficients of q(λ) on V's columns, and ‖q(λ)‖ (singular values below the rank cut count as zero). */
  private coefficients(lambda: number): [Float64Array, number] {
    const cut = Number.EPSILON * Math.max(this.m, this.n) * (this.s[0] ?? 0);
    const c = this.s.map((s, i) => (s > cut ? -(s * this.z[i]!) / (s * s + lambda) : 0));
    return [c, norm(c)];
  }

  /** The step p = D⁻¹q with ‖q‖ ≤ Δ (within 10% of Δ when the constraint binds). */
  step(radius: number): { p: Float64Array; scaledNorm: number; damped: boolean } {
    let [c, qNorm] = this.coefficients(0);
    let lambda = 0;
    if (qNorm > radius) {
      // ‖q(λ)‖ = Δ by Newton's method on 1/‖q(λ)‖ − 1/Δ (nearly linear in λ), kept in a
      // bracket: λ ≤ ‖S·z‖/Δ always, and each Newton step from below stays below.
      const sz = norm(this.s.map((s, i) => s * this.z[i]!));
      let [lo, hi] = [0, sz / radius];
      lambda = Math.max(1e-3 * hi, Math.sqrt(lo * hi));
      for (let it = 0; it < 30; it++) {
        if (!(lambda > lo && lambda < hi)) lambda = Math.max(1e-3 * hi, Math.sqrt(lo * hi));
        [c, qNorm] = this.coefficients(lambda);
        const phi = qNorm - radius;
        if (Math.abs(phi) < 0.1 * radius) break;
        // d‖q‖/dλ = −Σ cᵢ² / (sᵢ² + λ) / ‖q‖.
        const slope = -this.s.reduce((sum, s, i) => sum + c[i]! ** 2 / (s * s + lambda), 0) / qNorm;
        if (phi < 0) hi = lambda;
        lo = Math.max(lo, lambda - phi / slope);
        lambda -= (phi / slope) * (qNorm / radius);
      }
    }
    const p = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) {
      let q = 0;
      for (let i = 0; i < this.k; i++) q += this.V[j * this.k + i]! * c[i]!;
      p[j] = q / this.d[j]!;
    }
    return { p, scaledNorm: qNorm, damped: lambda > 0 };
  }

  /** The model's reduction of the cost, −(gᵀp + ½‖J·p‖²). */
  predictedReduction(p: Float64Array, g: Float64Array): number {
    let jp2 = 0;
    for (let i = 0; i < this.m; i++) {
      let v = 0;
      for (let j = 0; j < this.n; j++) v += this.J[i * this.n + j]! * p[j]!;
      jp2 += v * v;
    }
    return -(g.reduce((sum, gj, j) => sum + gj * p[j]!, 0) + 0.5 * jp2);
  }
}

/** s²·(JᵀJ)⁻¹ with s² = 2·cost / (m − n), from J's SVD; Infinity where undetermined. */
function covariance(J: Float64Array, m: number, n: number, cost: number): Float64Array {
  const out = new Float64Array(n * n).fill(Infinity);
  if (m <= n || !allFinite(J)) return out;
  const [, sArr, Vt] = svd(new ConcreteArray(new Storage("float64", [m, n], J.slice())), { fullMatrices: false });
  const s = sArr.toFloat64Array();
  const v = Vt.toFloat64Array(); // k × n, k = n here
  if (!(s[n - 1]! > Number.EPSILON * Math.max(m, n) * s[0]!)) return out;
  const s2 = (2 * cost) / (m - n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (v[i * n + a]! * v[i * n + b]!) / (s[i]! * s[i]!);
      out[a * n + b] = s2 * sum;
    }
  }
  return out;
}
