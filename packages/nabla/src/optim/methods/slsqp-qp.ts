// The QP subproblem of SQP at x, solved by the dense QP solver (qp-solve.ts):
//   min ½dᵀBd + ∇fᵀd   subject to   c_E + J_E·d = 0,   c_I + J_I·d ≥ 0,   lo − x ≤ d ≤ hi − x,
// and, when these linearized constraints are inconsistent, its elastic form (ℓ1 relaxation,
// as SNOPT's elastic mode and Fletcher's Sℓ1QP; Kraft's SLSQP relaxes with one extra
// variable instead): each row may be violated at a cost ρ per unit,
//   min ½dᵀBd + ∇fᵀd + ρ·Σ(u + v + t)   s.t.  c_E + J_E·d = u − v,  c_I + J_I·d + t ≥ 0,  u, v, t ≥ 0,
// so the step still reduces the linearized violation as much as the model allows.
import { solveQP, type QPSolution } from "../qp-solve.js";

/** The subproblem's data at x: B (n×n), ∇f, c and J (m×n), the rows' kinds, the box. */
export interface Subproblem {
  n: number;
  B: Float64Array;
  g: Float64Array;
  c: Float64Array;
  J: Float64Array;
  ineq: Uint8Array;
  x: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/** The step d, the multipliers of c's rows (scipy's signs, λ ≥ 0 on "ineq"), and how the QP went. */
export interface SubproblemStep {
  d: Float64Array;
  lambda: Float64Array;
  /** The linearized constraints were inconsistent: d is the elastic mode's step. */
  elastic: boolean;
  status: QPSolution["status"];
  message: string;
}

// solveQP measures its residuals against the sizes of their terms and never calls a
// positive definite B unbounded, so the subproblem is solved to 1e-12 (it used to stall there).
const QP_OPTIONS = { tol: 1e-12, maxIter: 200 };

/** The rows of each kind, in c's order. */
function split(ineq: Uint8Array): { eq: number[]; ge: number[] } {
  const eq: number[] = [];
  const ge: number[] = [];
  ineq.forEach((k, i) => (k ? ge : eq).push(i));
  return { eq, ge };
}

/**
 * Solves the subproblem at x; with `elasticWeight` set, goes straight to the elastic form
 * with that ρ (otherwise only when the plain QP is infeasible, with ρ = 1e4·max(1, ‖∇f‖∞)).
 *
 * @example
 * const step = solveSubproblem({ n, B, g, c, J, ineq, x, lo, hi }); // step.d, step.lambda
 */
export function solveSubproblem(s: Subproblem): SubproblemStep {
  // In the variables D·d, D² = diag(B), the QP's Hessian has a unit diagonal: a B that has
  // lost most of its curvature along some direction (f linear there) stays well scaled.
  const n = s.n;
  const D = Float64Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(s.B[i * n + i]!, 1e-300)));
  const B = s.B.map((v, k) => v / (D[Math.floor(k / n)]! * D[k % n]!));
  const g = s.g.map((v, i) => v / D[i]!);
  const J = s.J.map((v, k) => v / D[k % n]!);
  const lower = s.lo.map((l, j) => (l - s.x[j]!) * D[j]!);
  const upper = s.hi.map((h, j) => (h - s.x[j]!) * D[j]!);
  const step = scaledSubproblem(n, B, g, s.c, J, s.ineq, lower, upper, Math.max(1, ...s.x.map((v, j) => Math.abs(v) * D[j]!)));
  return { ...step, d: step.d.map((v, i) => v / D[i]!) };
}

/** The subproblem in scaled variables, with the bounds on d given; `size` scales the emergency box. */
function scaledSubproblem(n: number, B: Float64Array, g: Float64Array, c: Float64Array, J: Float64Array, ineq: Uint8Array, lo: Float64Array, hi: Float64Array, size: number): SubproblemStep {
  const { eq, ge } = split(ineq);
  const row = (r: number) => J.subarray(r * n, r * n + n);
  const A = new Float64Array(eq.length * n);
  eq.forEach((r, k) => A.set(row(r), k * n));
  const G = new Float64Array(ge.length * n);
  ge.forEach((r, k) => G.set(row(r).map((v) => -v), k * n));
  const data = { n, Q: B, q: g, A, b: Float64Array.from(eq, (r) => -c[r]!), G, h: Float64Array.from(ge, (r) => c[r]!), lo, hi };
  let qp = solveQP(data, QP_OPTIONS);
  if (qp.status === "unbounded") {
    // Only a B that is singular to working precision gets here (solveQP proves a positive
    // definite one bounded): it has lost the curvature along a descent ray (f linear there, say): a box of 1e3·max(1, ‖x‖∞)
    // on d bounds the step, which then grows with x, so an unbounded f shows in a few steps.
    const radius = 1e3 * size;
    qp = solveQP({ ...data, lo: lo.map((l) => Math.max(l, -radius)), hi: hi.map((h) => Math.min(h, radius)) }, QP_OPTIONS);
  }
  if (qp.status !== "infeasible") return stepOf(qp, eq, ge, c.length, n, false);
  const rho = 1e4 * Math.max(1, ...g.map(Math.abs));
  return elastic(n, B, g, c, eq, ge, A, G, lo, hi, rho);
}

/** The elastic QP in [d; u; v; t] (see the file's head). */
function elastic(n: number, B: Float64Array, g: Float64Array, c: Float64Array, eq: number[], ge: number[], A: Float64Array, G: Float64Array, lo: Float64Array, hi: Float64Array, rho: number): SubproblemStep {
  const [me, mi] = [eq.length, ge.length];
  const N = n + 2 * me + mi;
  const Q = new Float64Array(N * N);
  for (let i = 0; i < n; i++) Q.set(B.subarray(i * n, i * n + n), i * N);
  const q = new Float64Array(N).fill(rho);
  q.set(g);
  // J_E·d − u + v = −c_E;   −J_I·d − t ≤ c_I.
  const AE = new Float64Array(me * N);
  for (let k = 0; k < me; k++) {
    AE.set(A.subarray(k * n, k * n + n), k * N);
    AE[k * N + n + k] = -1;
    AE[k * N + n + me + k] = 1;
  }
  const GI = new Float64Array(mi * N);
  for (let k = 0; k < mi; k++) {
    GI.set(G.subarray(k * n, k * n + n), k * N);
    GI[k * N + n + 2 * me + k] = -1;
  }
  const loE = new Float64Array(N);
  const hiE = new Float64Array(N).fill(Infinity);
  loE.set(lo);
  hiE.set(hi);
  const qp = solveQP({ n: N, Q, q, A: AE, b: Float64Array.from(eq, (r) => -c[r]!), G: GI, h: Float64Array.from(ge, (r) => c[r]!), lo: loE, hi: hiE }, QP_OPTIONS);
  const step = stepOf(qp, eq, ge, c.length, n, true);
  return { ...step, d: qp.x.slice(0, n) };
}

/** d and the multipliers in c's row order from a QP solution (y on eq rows, z on ineq rows). */
function stepOf(qp: QPSolution, eq: number[], ge: number[], m: number, n: number, elastic: boolean): SubproblemStep {
  const lambda = new Float64Array(m);
  // QP stationarity reads Bd + g + J_Eᵀy − J_Iᵀz − …: λ_E = −y, λ_I = z.
  eq.forEach((r, k) => (lambda[r] = -qp.y[k]!));
  ge.forEach((r, k) => (lambda[r] = Math.max(0, qp.z[k]!)));
  return { d: qp.x.slice(0, n), lambda, elastic, status: qp.status, message: qp.message };
}
