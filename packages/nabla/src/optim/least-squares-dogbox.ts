// leastSquares's "dogbox" as scipy's dogbox (unit x_scale, exact Gauss–Newton steps):
// Voglis & Lagaris, "A rectangular trust region dogleg approach for unconstrained and
// bound constrained nonlinear optimization" (2004). The trust region is the box
// ‖x̃ − x‖∞ ≤ Δ intersected with the bounds, and the step follows the dogleg path (the
// Cauchy point, then toward the Gauss–Newton point) until it leaves that rectangle.
// Variables on a bound whose antigradient points out of the box are held fixed: they
// already satisfy the first-order conditions, and a dogleg step would not move them.
import { inBox, minimizeQuadratic, quadraticAlong, quadraticAt, stepToBound } from "./least-squares-box.js";
import { termination, terminationMessage, updateRadius, type FlatProblem, type Outcome, type Point, type Tolerances } from "./least-squares-common.js";
import { factor } from "./least-squares-trf-step.js";
import { allFinite, norm2, normInf } from "./vec.js";

/** Columns `free` of a row-major m×n matrix. */
function columns(J: Float64Array, m: number, n: number, free: number[]): Float64Array {
  const out = new Float64Array(m * free.length);
  for (let i = 0; i < m; i++) free.forEach((j, c) => (out[i * free.length + c] = J[i * n + j]!));
  return out;
}

/** The minimum-norm solution of min ‖J·p + r‖ (singular values below ε·σ₁ dropped, as numpy's lstsq with rcond = −1). */
function gaussNewton(J: Float64Array, m: number, n: number, r: Float64Array): Float64Array {
  const { s, V, ub } = factor(J, m, n, r);
  const k = s.length;
  const p = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    if (!(s[i]! > Number.EPSILON * s[0]!)) continue;
    const c = ub[i]! / s[i]!;
    for (let j = 0; j < n; j++) p[j] = p[j]! - V[j * k + i]! * c;
  }
  return p;
}

/**
 * The dogleg step in the rectangle lo − x ≤ p ≤ hi − x, |pᵢ| ≤ Δ: the Gauss–Newton step
 * if it fits; else from the Cauchy point (the model's minimum along −g within the
 * rectangle) toward it, up to the rectangle's edge. `onBound` marks the variables that
 * stopped at one of the original bounds; `hitEdge` whether the trust region stopped it.
 */
function doglegStep(x: Float64Array, newton: Float64Array, g: Float64Array, quad: { a: number; b: number }, radius: number, lo: Float64Array, hi: Float64Array) {
  const k = x.length;
  const loRect = x.map((xi, i) => Math.max(lo[i]! - xi, -radius));
  const hiRect = x.map((xi, i) => Math.min(hi[i]! - xi, radius));
  const onBound = new Int32Array(k);
  if (inBox(newton, loRect, hiRect)) return { step: newton, onBound, hitEdge: false };
  const antigradient = g.map((v) => -v);
  const { t: toRect } = stepToBound(new Float64Array(k), antigradient, loRect, hiRect);
  const tCauchy = minimizeQuadratic(quad.a, quad.b, 0, toRect).t;
  const cauchy = g.map((v) => -tCauchy * v);
  const toward = newton.map((v, i) => v - cauchy[i]!);
  const { t, hits } = stepToBound(cauchy, toward, loRect, hiRect);
  let hitEdge = false;
  for (let i = 0; i < k; i++) {
    if (hits[i]! < 0 && loRect[i] === lo[i]! - x[i]!) onBound[i] = -1;
    if (hits[i]! > 0 && hiRect[i] === hi[i]! - x[i]!) onBound[i] = 1;
    hitEdge ||= (hits[i]! < 0 && loRect[i] === -radius) || (hits[i]! > 0 && hiRect[i] === radius);
  }
  return { step: cauchy.map((c, i) => c + t * toward[i]!), onBound, hitEdge };
}

/**
 * Runs "dogbox" from `start` (inside the box) until a tolerance is met or `maxNfev`
 * evaluations of r are spent.
 *
 * @example
 * dogbox(problem, start, lo, hi, { ftol: 1e-8, xtol: 1e-8, gtol: 1e-8 }, 200).activeMask; // [-1, 0], say
 */
export function dogbox(problem: FlatProblem, start: Point, lo: Float64Array, hi: Float64Array, tol: Tolerances, maxNfev: number): Outcome {
  const { m, n } = problem;
  let at = start;
  let radius = normInf(at.x) || 1;
  const onBound = new Int32Array(n).map((_, i) => (at.x[i] === lo[i] ? -1 : at.x[i] === hi[i] ? 1 : 0));
  let status: Outcome["status"] | undefined;
  let gNorm: number;
  for (;;) {
    const free = [...Array(n).keys()].filter((i) => !(onBound[i]! * at.g[i]! < 0));
    gNorm = normInf(Float64Array.from(free, (i) => at.g[i]!));
    if (gNorm < tol.gtol || free.length === 0) status = "gtol";
    if (status !== undefined || problem.nfev >= maxNfev) break;
    const pick = (v: Float64Array) => Float64Array.from(free, (i) => v[i]!);
    const [xFree, loFree, hiFree, gFree] = [pick(at.x), pick(lo), pick(hi), pick(at.g)];
    const JFree = columns(at.J, m, n, free);
    const newton = gaussNewton(JFree, m, free.length, at.r);
    const quad = quadraticAlong(JFree, m, gFree, gFree.map((v) => -v));
    let actual = -1;
    let next: { x: Float64Array; r: Float64Array; cost: number; onBound: Int32Array } | undefined;
    while (actual <= 0 && problem.nfev < maxNfev) {
      const dog = doglegStep(xFree, newton, gFree, quad, radius, loFree, hiFree);
      const step = new Float64Array(n);
      free.forEach((i, c) => (step[i] = dog.step[c]!));
      const predicted = -quadraticAt(JFree, m, gFree, dog.step);
      const xNew = at.x.map((xi, i) => Math.min(Math.max(xi + step[i]!, lo[i]!), hi[i]!));
      const rNew = problem.residuals(xNew);
      const stepNorm = normInf(step);
      if (!allFinite(rNew)) {
        radius = 0.25 * stepNorm;
        continue;
      }
      const costNew = problem.cost(rNew);
      actual = at.cost - costNew;
      const update = updateRadius(radius, actual, predicted, stepNorm, dog.hitEdge);
      radius = update.radius;
      status = termination(actual, at.cost, norm2(step), norm2(at.x), update.ratio, tol);
      next = { x: xNew, r: rNew, cost: costNew, onBound: dog.onBound };
      if (status !== undefined) break;
    }
    if (actual > 0 && next) {
      free.forEach((i, c) => (onBound[i] = next!.onBound[c]!));
      // A variable that reached its bound sits exactly on it (rounding would leave it near).
      const x = next.x.map((xi, i) => (onBound[i] === -1 ? lo[i]! : onBound[i] === 1 ? hi[i]! : xi));
      const J = problem.jacobian(x);
      if (!allFinite(J)) return finish(at, gNorm, onBound, "nonFinite", "the Jacobian is not finite at the new point");
      at = problem.point(x, next.r, J);
    }
  }
  return finish(at, gNorm, onBound, status ?? "maxNfev", status ? terminationMessage(status, tol) : `the evaluation budget (maxNfev = ${maxNfev}) ran out`);
}

function finish(at: Point, optimality: number, onBound: Int32Array, status: Outcome["status"], message: string): Outcome {
  return { point: at, optimality, activeMask: onBound, status, message };
}
