// The stiff methods: a Rosenbrock step (rodas5, rodas5p). Linearly implicit: each stage is one
// linear solve with W = I/(h·γ) − J, where J = ∂f/∂y comes from jacfwd at the step's
// start, so there is no Newton iteration whose count could differ between integrate and
// replay. The order conditions assume the exact J, so it is recomputed at every accepted
// point (and shared by the rejected attempts there).
import { np, type Array } from "../core/index.js";
import * as linalg from "../linalg/index.js";
import { combine, type Attempt, type Evaluator, type Point } from "./steps.js";
import type { RosenbrockTableau } from "./tableaus.js";

const EPS = 2 ** -52;

/**
 * ∂f/∂t at p by a forward difference (rhs takes t as a number, so jvp cannot reach it),
 * with Hairer's RODAS increment √(ε·max(1e-5, |t|)).
 */
function timeDerivative(ev: Evaluator, p: Point): Array {
  if (p.dfdt === undefined) {
    const tPlus = p.t + Math.sqrt(EPS * Math.max(1e-5, Math.abs(p.t)));
    p.dfdt = np.div(np.sub(ev.f(p.y, tPlus), ev.slope(p)), tPlus - p.t);
  }
  return p.dfdt;
}

/**
 * One Rosenbrock step from p; the error estimate is the last stage's k.
 *
 * @example
 * rosenbrockStep(new Evaluator(rhs, n), RODAS5P, { t: 0, y: y0 }, 0.1, true); // { y, err, ks }
 */
export function rosenbrockStep(ev: Evaluator, tab: RosenbrockTableau, p: Point, h: number, wantError: boolean): Attempt {
  const f0 = ev.slope(p);
  const J = ev.jacobian(p);
  const dfdt = timeDerivative(ev, p);
  const factors = linalg.luFactor(np.sub(np.mul(np.eye(ev.n), 1 / (h * tab.gamma)), J));
  const ks: Array[] = [];
  let u = p.y;
  for (let i = 0; i < tab.c.length; i++) {
    if (i > 0) u = i < tab.a.length ? combine(p.y, 1, tab.a[i]!, ks) : np.add(u, ks[i - 1]!);
    const fi = i === 0 ? f0 : ev.f(u, p.t + tab.c[i]! * h);
    const withT = tab.d[i] === 0 ? fi : np.add(fi, np.mul(dfdt, tab.d[i]! * h));
    ks.push(linalg.luSolve(factors, combine(withT, 1 / h, tab.C[i]!, ks)));
  }
  const last = ks[ks.length - 1]!;
  return { y: np.add(u, last), err: wantError ? last.toFloat64Array() : undefined, ks };
}

/**
 * The method's own dense output at θ in the step from y0 to y1 (stiff-aware: it reads
 * the stages, not f at the ends, which a stiff problem makes large and sensitive).
 *
 * @example
 * const a = rosenbrockStep(ev, RODAS5P, p, h, false);
 * rosenbrockInterpolate(RODAS5P, p.y, a.y, a.ks!, 0.5); // y at p.t + h/2
 */
export function rosenbrockInterpolate(tab: RosenbrockTableau, y0: Array, y1: Array, ks: readonly Array[], theta: number): Array {
  const [h1, h2, h3] = tab.H as [readonly number[], readonly number[], readonly number[]];
  const w = h1.map((v, j) => v + theta * (h2[j]! + theta * h3[j]!));
  return combine(np.add(np.mul(y0, 1 - theta), np.mul(y1, theta)), theta * (1 - theta), w, ks);
}
