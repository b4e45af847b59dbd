// leastSquares's "lm": Levenberg–Marquardt as a trust-region method (Moré 1978) with
// MINPACK's scaling D (the running column norms of J), radius updates and stopping tests,
// as scipy's "lm" (lmder). Plain least squares only, as there: no bounds, no robust loss.
import { sumSquares, type FlatProblem, type LeastSquaresStatus, type Outcome, type Point, type Tolerances } from "./least-squares-common.js";
import { norm, TrustRegionModel } from "./least-squares-lm-model.js";
import { allFinite } from "./vec.js";

/**
 * Runs Levenberg–Marquardt from `start` until MINPACK's ftol, xtol or gtol test passes
 * or `maxNfev` evaluations of r are spent.
 *
 * @example
 * levenbergMarquardt(problem, start, { ftol: 1e-8, xtol: 1e-8, gtol: 1e-8 }, 200).status; // "xtol", say
 */
export function levenbergMarquardt(problem: FlatProblem, start: Point, tol: Tolerances, maxNfev: number): Outcome {
  return new LevenbergMarquardt(problem, start, tol, maxNfev).run();
}

/** The run's state: the point (x, r(x), J(x) row-major m×n), the scaling D and the radius Δ. */
class LevenbergMarquardt {
  private readonly m: number;
  private readonly n: number;
  private readonly d: Float64Array;

  constructor(
    private readonly problem: FlatProblem,
    private at: Point,
    private readonly tol: Tolerances,
    private readonly maxNfev: number,
  ) {
    this.m = problem.m;
    this.n = problem.n;
    this.d = this.columnNorms().map((c) => (c === 0 ? 1 : c));
  }

  private columnNorms(): Float64Array {
    const { J } = this.at;
    const c = new Float64Array(this.n);
    for (let i = 0; i < this.m; i++) for (let j = 0; j < this.n; j++) c[j] = c[j]! + J[i * this.n + j]! ** 2;
    return c.map(Math.sqrt);
  }

  /** max over J's columns of |cos ∠(Jⱼ, r)| (MINPACK's gnorm); 0 when r = 0. */
  private cosine(): number {
    const rNorm = norm(this.at.r);
    if (rNorm === 0) return 0;
    const g = this.at.g;
    return this.columnNorms().reduce((most, c, j) => (c === 0 ? most : Math.max(most, Math.abs(g[j]!) / (c * rNorm))), 0);
  }

  run(): Outcome {
    const { ftol, xtol, gtol } = this.tol;
    const { problem } = this;
    if (!allFinite(this.at.r) || !allFinite(this.at.J)) return this.result("nonFinite", "r or its Jacobian is not finite at x0");
    // MINPACK's start: 100·‖D·x0‖, or 100 at x0 = 0.
    let radius = 100 * (norm(this.at.x.map((v, j) => v * this.d[j]!)) || 1);
    for (;;) {
      const g = this.at.g;
      if (this.cosine() <= gtol) return this.result("gtol", `r is orthogonal to J's columns within gtol = ${gtol}`);
      const model = new TrustRegionModel(this.at.J, this.at.r, this.d, this.m, this.n);
      // Steps shrink until one lowers the cost or the budget runs out.
      for (;;) {
        if (problem.nfev >= this.maxNfev) return this.result("maxNfev", `the evaluation budget (maxNfev = ${this.maxNfev}) ran out`);
        const { p, scaledNorm, damped } = model.step(radius);
        const xNew = this.at.x.map((v, j) => v + p[j]!);
        const rNew = problem.residuals(xNew);
        if (!allFinite(rNew)) {
          radius = 0.25 * scaledNorm;
          continue;
        }
        const costNew = 0.5 * sumSquares(rNew);
        const actual = this.at.cost - costNew;
        const predicted = model.predictedReduction(p, g);
        const ratio = predicted > 0 ? actual / predicted : actual > 0 ? 1 : -1;
        // MINPACK's radius update: halve (from at most 10 steps' length) on a poor model,
        // twice the step on a good one or an undamped (Gauss–Newton) step.
        if (ratio < 0.25) radius = 0.5 * Math.min(radius, 10 * scaledNorm);
        else if (ratio >= 0.75 || !damped) radius = 2 * scaledNorm;
        const fSmall = Math.abs(actual) <= ftol * this.at.cost && predicted <= ftol * this.at.cost && ratio <= 2;
        if (actual > 0) {
          const J = problem.jacobian(xNew);
          this.at = problem.point(xNew, rNew, J);
          if (!allFinite(J)) return this.result("nonFinite", "the Jacobian is not finite at the new point");
          this.columnNorms().forEach((c, j) => (this.d[j] = Math.max(this.d[j]!, c)));
        }
        const xSmall = radius <= xtol * norm(this.at.x.map((v, j) => v * this.d[j]!));
        if (fSmall && xSmall) return this.result("ftol+xtol", `the cost and x both changed by less than ftol = ${ftol}, xtol = ${xtol}`);
        if (fSmall) return this.result("ftol", `the cost fell by less than ftol = ${ftol} of itself`);
        if (xSmall) return this.result("xtol", `the step was shorter than xtol = ${xtol} relative to x`);
        if (actual > 0) break;
      }
    }
  }

  private result(status: LeastSquaresStatus, message: string): Outcome {
    return { point: this.at, optimality: this.at.g.reduce((s, e) => Math.max(s, Math.abs(e)), 0), activeMask: new Int32Array(this.n), status, message };
  }
}
