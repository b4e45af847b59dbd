// leastSquares's "trf": Trust Region Reflective as scipy's trf (unit x_scale, the exact
// trust-region solver). The iterates stay strictly inside the box; in the Coleman–Li
// variables x = d∘x̂, d = √v, the bounds become a smooth change of metric, so each
// iteration is an ordinary trust-region least-squares step on [J·diag(d); diag(√(g∘dv))]
// followed by selectStep's reflection. Without bounds v = 1 and this is a plain
// trust-region Gauss–Newton (Levenberg–Marquardt) method.
import { activeBounds, colemanLi, strictlyFeasible } from "./least-squares-box.js";
import { termination, terminationMessage, updateRadius, type FlatProblem, type Outcome, type Point, type Tolerances } from "./least-squares-common.js";
import { factor, selectStep, solveTrustRegion, type HatModel } from "./least-squares-trf-step.js";
import { allFinite, norm2, normInf } from "./vec.js";

/**
 * Runs "trf" from `start` (already strictly inside the box lo < x < hi) until a
 * tolerance is met or `maxNfev` evaluations of r are spent.
 *
 * @example
 * trf(problem, start, lo, hi, { ftol: 1e-8, xtol: 1e-8, gtol: 1e-8 }, 200).status; // "ftol", say
 */
export function trf(problem: FlatProblem, start: Point, lo: Float64Array, hi: Float64Array, tol: Tolerances, maxNfev: number): Outcome {
  const { m, n } = problem;
  const bounded = lo.some((v) => v > -Infinity) || hi.some((v) => v < Infinity);
  let at = start;
  const v0 = colemanLi(at.x, at.g, lo, hi).v;
  let radius = norm2(at.x.map((xi, i) => xi / Math.sqrt(v0[i]!))) || 1;
  let alpha = 0;
  let status: Outcome["status"] | undefined;
  let gNorm: number;
  for (;;) {
    const { v, dv } = colemanLi(at.x, at.g, lo, hi);
    gNorm = normInf(at.g.map((gi, i) => gi * v[i]!));
    if (gNorm < tol.gtol) status = "gtol";
    if (status !== undefined || problem.nfev >= maxNfev) break;
    const d = v.map(Math.sqrt);
    const model: HatModel = { Jh: at.J.map((e, k) => e * d[k % n]!), m, gh: at.g.map((gi, i) => gi * d[i]!), diagh: at.g.map((gi, i) => gi * dv[i]!), d };
    // [J_h; diag(√diag_h)] against [r; 0]: the bounds' curvature enters as extra rows.
    const rows = bounded ? m + n : m;
    const A = new Float64Array(rows * n);
    A.set(model.Jh);
    if (bounded) for (let j = 0; j < n; j++) A[(m + j) * n + j] = Math.sqrt(model.diagh[j]!);
    const b = new Float64Array(rows);
    b.set(at.r);
    const factored = factor(A, rows, n, b);
    const theta = Math.max(0.995, 1 - gNorm);
    let actual = -1;
    let next: { x: Float64Array; r: Float64Array; cost: number } | undefined;
    while (actual <= 0 && problem.nfev < maxNfev) {
      const sub = solveTrustRegion(factored, n, m, radius, alpha);
      alpha = sub.alpha;
      const { step, stepHat, predicted } = selectStep(at.x, model, sub.p, radius, lo, hi, theta);
      const xNew = strictlyFeasible(at.x.map((xi, i) => xi + step[i]!), lo, hi, 0);
      const rNew = problem.residuals(xNew);
      const stepHatNorm = norm2(stepHat);
      if (!allFinite(rNew)) {
        radius = 0.25 * stepHatNorm;
        continue;
      }
      const costNew = problem.cost(rNew);
      actual = at.cost - costNew;
      const update = updateRadius(radius, actual, predicted, stepHatNorm, stepHatNorm > 0.95 * radius);
      status = termination(actual, at.cost, norm2(step), norm2(at.x), update.ratio, tol);
      next = { x: xNew, r: rNew, cost: costNew };
      if (status !== undefined) break;
      // The damping scales with the radius: start the next solve from the shifted value.
      alpha *= radius / update.radius;
      radius = update.radius;
    }
    if (actual > 0 && next) {
      const J = problem.jacobian(next.x);
      if (!allFinite(J)) return finish(at, gNorm, lo, hi, tol, "nonFinite", "the Jacobian is not finite at the new point");
      at = problem.point(next.x, next.r, J);
    }
  }
  return finish(at, gNorm, lo, hi, tol, status ?? "maxNfev", status ? terminationMessage(status, tol) : `the evaluation budget (maxNfev = ${maxNfev}) ran out`);
}

function finish(at: Point, optimality: number, lo: Float64Array, hi: Float64Array, tol: Tolerances, status: Outcome["status"], message: string): Outcome {
  return { point: at, optimality, activeMask: activeBounds(at.x, lo, hi, tol.xtol), status, message };
}

/**
 * x0 moved strictly inside the box as scipy's trf does (entries within 1e-10·max(1, |bound|)
 * of a bound moved that far in), so that the Coleman–Li scaling starts positive.
 *
 * @example
 * trfStart(Float64Array.of(0), Float64Array.of(0), Float64Array.of(1)); // [1e-10]
 */
export function trfStart(x0: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  return strictlyFeasible(x0, lo, hi, 1e-10);
}
