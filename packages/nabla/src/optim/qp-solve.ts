// A dense convex QP solver: a primal-dual interior point method with Mehrotra's
// predictor–corrector (Nocedal & Wright §16.6; S. Wright, "Primal-Dual Interior-Point
// Methods"), infeasible start, equality constraints kept in the KKT system, bounds as
// inequalities whose rows are never stored. Infeasible and unbounded problems are
// recognized by their certificates (qp-certificates.ts) and end with that status.
import { dataScale, isInfeasibilityRay, isPositiveDefinite, isUnboundedRay, matrixScale } from "./qp-certificates.js";
import { checkQP, type CheckedQP } from "./qp-input.js";
import { polish } from "./qp-polish.js";
import { addMulCt, kktSolver, mulC, reducedKKT, rowsOf } from "./qp-kkt.js";
import { isConverged, measure, type Iterate } from "./qp-residuals.js";

/** minimize ½xᵀQx + qᵀx  subject to  A x = b,  G x ≤ h,  lo ≤ x ≤ hi.  Row-major dense. */
export interface DenseQP {
  n: number;
  /** n×n, symmetric positive semidefinite. */
  Q: Float64Array;
  q: Float64Array;
  /** me×n and me (me = b.length; both or neither). */
  A?: Float64Array;
  b?: Float64Array;
  /** mi×n and mi. */
  G?: Float64Array;
  h?: Float64Array;
  /** n each, ±Infinity allowed. */
  lo?: Float64Array;
  hi?: Float64Array;
}

export type QPStatus = "optimal" | "infeasible" | "unbounded" | "maxIter" | "nonFinite";

export interface QPSolution {
  x: Float64Array;
  /** Multipliers, with stationarity  Qx + q + Aᵀy + Gᵀz − zLo + zHi = 0,  z, zLo, zHi ≥ 0. */
  y: Float64Array;
  z: Float64Array;
  zLo: Float64Array;
  zHi: Float64Array;
  status: QPStatus;
  success: boolean;
  message: string;
  iterations: number;
}

export interface SolveQPOptions {
  /**
   * Relative tolerance on the primal and dual residuals (each against the sizes of the
   * terms it sums) and the duality gap (default 1e-10). Values below 1e-14, beneath what
   * float64 rounding of the residuals allows, are raised to 1e-14.
   */
  tol?: number;
  /** Default 100. */
  maxIter?: number;
}

const INFEASIBLE = "the constraints are infeasible (a combination of them reads 0 < 0)";
const UNBOUNDED = "the objective is unbounded below on the feasible set (a feasible ray of zero curvature descends)";

/**
 * The smallest tol honoured: the residuals are measured against the sizes of the terms
 * they sum, so rounding alone leaves them near n·ε; asking for less than ~100ε (a smaller
 * tol is raised to this) would only spend the iteration budget and end "maxIter".
 */
const TOL_FLOOR = 1e-14;

const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** The largest α with v + α·dv ≥ 0 (v > 0; Infinity when dv ≥ 0). */
function stepToBoundary(v: Float64Array, dv: Float64Array): number {
  let a = Infinity;
  for (let i = 0; i < v.length; i++) if (dv[i]! < 0) a = Math.min(a, -v[i]! / dv[i]!);
  return a;
}

interface Step { dx: Float64Array; dy: Float64Array; dz: Float64Array; ds: Float64Array }


/**
 * The Newton step for the residuals and a complementarity target rc (s∘z − target),
 * through the reduced system with ds and dz eliminated.
 */
function newtonStep(p: CheckedQP, solve: (r: Float64Array) => Float64Array, it: Iterate, rd: Float64Array, rp: Float64Array, ri: Float64Array, rc: Float64Array): Step {
  const { n, me } = p;
  const t = it.z.map((zi, i) => (zi * ri[i]! - rc[i]!) / it.s[i]!);
  const rhs = new Float64Array(n + me);
  const top = addMulCt(p.c, t, new Float64Array(n));
  for (let i = 0; i < n; i++) rhs[i] = -rd[i]! - top[i]!;
  for (let i = 0; i < me; i++) rhs[n + i] = -rp[i]!;
  const v = solve(rhs);
  const dx = v.slice(0, n), dy = v.slice(n);
  const cdx = mulC(p.c, dx);
  const ds = ri.map((r, i) => -r - cdx[i]!);
  const dz = it.z.map((zi, i) => (-rc[i]! - zi * ds[i]!) / it.s[i]!);
  return { dx, dy, dz, ds };
}

/** CVXOPT's start: x from the QP with the inequalities as a least-squares penalty, s and z shifted positive. */
function start(p: CheckedQP): Iterate {
  const { n, me } = p;
  const m = rowsOf(p.c);
  const solve = kktSolver(reducedKKT(p.Q, p.A, me, p.c, new Float64Array(m).fill(1)), n, n + me, matrixScale(p));
  const rhs = new Float64Array(n + me);
  const cd = addMulCt(p.c, p.c.d, new Float64Array(n));
  for (let i = 0; i < n; i++) rhs[i] = -p.q[i]! + cd[i]!;
  for (let i = 0; i < me; i++) rhs[n + i] = p.b[i]!;
  const v = solve(rhs);
  const x = v.slice(0, n);
  const r = mulC(p.c, x).map((cx, i) => p.c.d[i]! - cx);
  const shift = (u: Float64Array) => {
    const worst = u.reduce((a, b) => Math.min(a, b), Infinity);
    return worst >= 1e-8 * Math.max(1, maxAbs(u)) ? u : u.map((ui) => ui + 1 - Math.min(0, worst));
  };
  return { x, y: v.slice(n), s: shift(r), z: shift(r.map((ri) => -ri)) };
}

/** Mehrotra's corrector: the centring σ from the affine step's gap, and its second-order term ds∘dz. */
function corrected(p: CheckedQP, solve: (r: Float64Array) => Float64Array, it: Iterate, rd: Float64Array, rp: Float64Array, ri: Float64Array, affine: Step, sz: number): Step {
  const m = it.s.length;
  const aAff = Math.min(1, stepToBoundary(it.s, affine.ds), stepToBoundary(it.z, affine.dz));
  let gapAff = 0;
  for (let i = 0; i < m; i++) gapAff += (it.s[i]! + aAff * affine.ds[i]!) * (it.z[i]! + aAff * affine.dz[i]!);
  const sigma = Math.min(1, Math.max(0, gapAff / sz)) ** 3;
  const rc = it.s.map((si, i) => si * it.z[i]! + affine.ds[i]! * affine.dz[i]! - (sigma * sz) / m);
  return newtonStep(p, solve, it, rd, rp, ri, rc);
}

function solution(p: CheckedQP, it: Iterate, status: QPStatus, message: string, iterations: number): QPSolution {
  const { n, c } = p;
  const zLo = new Float64Array(n), zHi = new Float64Array(n);
  c.loIdx.forEach((i, k) => (zLo[i] = it.z[c.mi + k]!));
  c.hiIdx.forEach((i, k) => (zHi[i] = it.z[c.mi + c.loIdx.length + k]!));
  return { x: it.x, y: it.y, z: it.z.slice(0, c.mi), zLo, zHi, status, success: status === "optimal", message, iterations };
}

/**
 * Minimizes ½xᵀQx + qᵀx subject to A x = b, G x ≤ h, lo ≤ x ≤ hi (Q symmetric positive
 * semidefinite; dense, row-major) by a primal-dual interior point method. Never throws on
 * a problem without a solution: status "infeasible" or "unbounded" says which. Bad input
 * (shapes, NaN, a non-symmetric Q) throws one line naming the argument.
 *
 * @example
 * // min ½‖x‖² − x₀ − x₁ subject to x₀ + x₁ ≤ 1: x = [0.5, 0.5]
 * solveQP({ n: 2, Q: Float64Array.of(1, 0, 0, 1), q: Float64Array.of(-1, -1), G: Float64Array.of(1, 1), h: Float64Array.of(1) }).x;
 */
export function solveQP(problem: DenseQP, opts?: SolveQPOptions): QPSolution {
  const p = checkQP(problem, opts);
  const tol = Math.max(opts?.tol ?? 1e-10, TOL_FLOOR), maxIter = opts?.maxIter ?? 100;
  const m = rowsOf(p.c);
  const scale = dataScale(p), kktScale = matrixScale(p);
  const it = start(p);
  // A positive definite Q has a minimizer on any nonempty feasible set.
  const mayBeUnbounded = !isPositiveDefinite(p.Q, p.n);
  for (let k = 0; ; k++) {
    const { rd, rp, ri, primal, dual, gap, sz, finite } = measure(p, it);
    if (!finite) return solution(p, it, "nonFinite", "an iterate is not finite (the data may be too badly scaled)", k);
    if (primal <= tol && dual <= tol && gap <= tol) return solution(p, polish(p, it, Math.sqrt(tol)) ?? it, "optimal", "optimal", k);
    // Near the end the barrier weights z/s span 1e±20 and the Newton steps lose digits, so
    // the residuals can stall short of tol: the active set is clear by then, and polishing
    // on it gives the solution to rounding.
    const near = Math.sqrt(tol);
    if (primal <= near && dual <= near && gap <= near) {
      const polished = polish(p, it, near);
      if (polished && isConverged(measure(p, polished), tol)) return solution(p, polished, "optimal", "optimal", k);
    }
    if (primal > tol && isInfeasibilityRay(p, it.y, it.z, scale)) return solution(p, it, "infeasible", INFEASIBLE, k);
    if (mayBeUnbounded && dual > tol && isUnboundedRay(p, it.x)) return solution(p, it, "unbounded", UNBOUNDED, k);
    if (k >= maxIter) return solution(p, it, "maxIter", `not converged in ${maxIter} iterations (primal residual ${primal.toExponential(2)}, dual ${dual.toExponential(2)})`, k);
    const solve = kktSolver(reducedKKT(p.Q, p.A, p.me, p.c, it.z.map((zi, i) => zi / it.s[i]!)), p.n, p.n + p.me, kktScale);
    const affine = newtonStep(p, solve, it, rd, rp, ri, it.s.map((si, i) => si * it.z[i]!));
    // The Newton step points along a certificate sooner than the iterate does.
    if (m > 0 && primal > tol && isInfeasibilityRay(p, affine.dy, affine.dz, scale)) return solution(p, it, "infeasible", INFEASIBLE, k);
    if (mayBeUnbounded && dual > tol && isUnboundedRay(p, affine.dx)) return solution(p, it, "unbounded", UNBOUNDED, k);
    const step = m > 0 ? corrected(p, solve, it, rd, rp, ri, affine, sz) : affine;
    const alpha = m > 0 ? Math.min(1, 0.99 * Math.min(stepToBoundary(it.s, step.ds), stepToBoundary(it.z, step.dz))) : 1;
    for (let i = 0; i < p.n; i++) it.x[i] = it.x[i]! + alpha * step.dx[i]!;
    for (let i = 0; i < p.me; i++) it.y[i] = it.y[i]! + alpha * step.dy[i]!;
    for (let i = 0; i < m; i++) {
      it.s[i] = it.s[i]! + alpha * step.ds[i]!;
      it.z[i] = it.z[i]! + alpha * step.dz[i]!;
    }
  }
}
