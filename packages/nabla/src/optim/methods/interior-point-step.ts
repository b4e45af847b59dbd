// The primal-dual iterate of the interior-point method and its Newton step on the
// perturbed KKT conditions (Nocedal & Wright, "Numerical Optimization", 2nd ed., ch. 19,
// eq. 19.12; Wächter & Biegler 2006 for the bounds on x):
//   ∇f − J_Eᵀy − J_Iᵀz − zL + zU = 0,   c_E(x) = 0,   c_I(x) − s = 0,
//   S·z = μ,   (X − L)·zL = μ,   (U − X)·zU = μ,   s, z, x − lo, hi − x, zL, zU > 0,
// with slacks s for the inequality rows and the bounds on x kept strictly (no slacks:
// f is never evaluated outside the box). Eliminating ds, dz, dzL, dzU leaves the
// symmetric system of interior-point-kkt.ts in dx and dy.
import type { ConstrainedProblem } from "../constrained.js";
import { solveNewton, type Regularization } from "./interior-point-kkt.js";

/** The iterate: x, slacks, multipliers (eq rows y, ineq rows z, bounds zL, zU) and f, ∇f, c, J at x. */
export interface Iterate {
  x: Float64Array;
  s: Float64Array;
  y: Float64Array;
  z: Float64Array;
  zL: Float64Array;
  zU: Float64Array;
  f: number;
  g: Float64Array;
  c: Float64Array;
  J: Float64Array;
}

/** The rows of c by kind and the variables with a finite bound. */
export interface Layout {
  n: number;
  eq: number[];
  ineq: number[];
  lo: Float64Array;
  hi: Float64Array;
  /** Variables with lo = hi, and their value (not in lo, hi, which are ±∞ there). */
  fixed: Map<number, number>;
}

/** A Newton step for every part of the iterate. */
export interface Step {
  dx: Float64Array;
  ds: Float64Array;
  dy: Float64Array;
  dz: Float64Array;
  dzL: Float64Array;
  dzU: Float64Array;
  /** dxᵀ(H + δI)dx, for the merit's penalty update. */
  curvature: number;
}

/** The layout of p: which rows are equalities, which inequalities; the box (±∞ without one). */
export function layoutOf(p: ConstrainedProblem): Layout {
  const n = p.objective.n;
  const eq: number[] = [];
  const ineq: number[] = [];
  p.constraints.ineq.forEach((k, i) => (k ? ineq : eq).push(i));
  const lo = p.box?.lo.slice() ?? new Float64Array(n).fill(-Infinity);
  const hi = p.box?.hi.slice() ?? new Float64Array(n).fill(Infinity);
  // A variable fixed by lo = hi has no interior: it is held at its value and left out of
  // the barrier and the Newton step (IPOPT's fixed_variable_treatment "make_parameter").
  const fixed = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    if (lo[j] !== hi[j]) continue;
    fixed.set(j, lo[j]!);
    lo[j] = -Infinity;
    hi[j] = Infinity;
  }
  return { n, eq, ineq, lo, hi, fixed };
}

/** The rows `rows` of the m×n matrix J. */
export function rowsOf(J: Float64Array, rows: number[], n: number): Float64Array {
  const out = new Float64Array(rows.length * n);
  rows.forEach((r, k) => out.set(J.subarray(r * n, r * n + n), k * n));
  return out;
}

/** All m multipliers in the order of c's rows: y on the eq rows, z on the ineq rows. */
export function multipliers(L: Layout, it: Iterate, m: number): Float64Array {
  const lambda = new Float64Array(m);
  L.eq.forEach((r, k) => (lambda[r] = it.y[k]!));
  L.ineq.forEach((r, k) => (lambda[r] = it.z[k]!));
  return lambda;
}

/**
 * The Newton step at `it` for barrier parameter μ, with W the Hessian of the Lagrangian
 * (n×n); undefined when the inertia correction fails.
 */
export function newtonStep(L: Layout, it: Iterate, W: Float64Array, mu: number, reg: Regularization): Step | undefined {
  const { n, eq, ineq, lo, hi } = L;
  const JE = rowsOf(it.J, eq, n);
  const JI = rowsOf(it.J, ineq, n);
  const H = W.slice();
  const r1 = it.g.map((gj) => -gj);
  for (let k = 0; k < eq.length; k++) for (let j = 0; j < n; j++) r1[j] = r1[j]! + JE[k * n + j]! * it.y[k]!;
  // Inequality rows: H += J_Iᵀ Σ_s J_I with Σ_s = z/s; r₁ += J_Iᵀ(μ/s − Σ_s(c_I − s)).
  for (let k = 0; k < ineq.length; k++) {
    const sk = it.s[k]!;
    const sigma = it.z[k]! / sk;
    const t = mu / sk - sigma * (it.c[ineq[k]!]! - sk);
    const row = JI.subarray(k * n, k * n + n);
    for (let i = 0; i < n; i++) {
      r1[i] = r1[i]! + row[i]! * t;
      if (row[i] === 0) continue;
      for (let j = 0; j < n; j++) H[i * n + j] = H[i * n + j]! + sigma * row[i]! * row[j]!;
    }
  }
  // Bounds: H += Σ_L + Σ_U (diagonal), r₁ += μ/(x − lo) − μ/(hi − x).
  for (let j = 0; j < n; j++) {
    if (lo[j]! > -Infinity) {
      const d = it.x[j]! - lo[j]!;
      H[j * n + j] = H[j * n + j]! + it.zL[j]! / d;
      r1[j] = r1[j]! + mu / d;
    }
    if (hi[j]! < Infinity) {
      const d = hi[j]! - it.x[j]!;
      H[j * n + j] = H[j * n + j]! + it.zU[j]! / d;
      r1[j] = r1[j]! - mu / d;
    }
  }
  // Fixed variables: dx_j = 0 (row and column j of the system become the identity's).
  for (const j of L.fixed.keys()) {
    for (let i = 0; i < n; i++) H[i * n + j] = H[j * n + i] = 0;
    H[j * n + j] = 1;
    r1[j] = 0;
    for (let k = 0; k < eq.length; k++) JE[k * n + j] = 0;
  }
  const r2 = Float64Array.from(eq, (r) => -it.c[r]!);
  const solved = solveNewton(H, JE, n, eq.length, r1, r2, reg);
  if (!solved) return undefined;
  const { dx, w, delta } = solved;
  for (const j of L.fixed.keys()) dx[j] = 0;
  let curvature = 0;
  for (let i = 0; i < n; i++) {
    let t = delta * dx[i]!;
    for (let j = 0; j < n; j++) t += H[i * n + j]! * dx[j]!;
    curvature += dx[i]! * t;
  }
  return { dx, dy: w.map((v) => -v), ...dualSteps(L, it, dx, JI, mu), curvature };
}

/** ds, dz, dzL, dzU from dx (the eliminated rows of the Newton system). */
function dualSteps(L: Layout, it: Iterate, dx: Float64Array, JI: Float64Array, mu: number) {
  const { n, ineq, lo, hi } = L;
  const ds = new Float64Array(ineq.length);
  const dz = new Float64Array(ineq.length);
  for (let k = 0; k < ineq.length; k++) {
    let jd = 0;
    for (let j = 0; j < n; j++) jd += JI[k * n + j]! * dx[j]!;
    const sk = it.s[k]!;
    ds[k] = jd + it.c[ineq[k]!]! - sk;
    dz[k] = mu / sk - it.z[k]! - (it.z[k]! / sk) * ds[k]!;
  }
  const dzL = new Float64Array(n);
  const dzU = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    if (lo[j]! > -Infinity) {
      const d = it.x[j]! - lo[j]!;
      dzL[j] = mu / d - it.zL[j]! - (it.zL[j]! / d) * dx[j]!;
    }
    if (hi[j]! < Infinity) {
      const d = hi[j]! - it.x[j]!;
      dzU[j] = mu / d - it.zU[j]! + (it.zU[j]! / d) * dx[j]!;
    }
  }
  return { ds, dz, dzL, dzU };
}

/** The largest α ≤ 1 with v + α·dv ≥ (1 − τ)·v for every element (fraction to the boundary). */
export function fractionToBoundary(v: Float64Array, dv: Float64Array, tau: number, alpha = 1): number {
  for (let i = 0; i < v.length; i++) if (dv[i]! < 0) alpha = Math.min(alpha, (-tau * v[i]!) / dv[i]!);
  return alpha;
}

/** x − lo and hi − x over the finite sides, with dx's effect on each (for fraction to the boundary). */
export function boundGaps(L: Layout, x: Float64Array, dx: Float64Array): { gap: Float64Array; dgap: Float64Array } {
  const gap: number[] = [];
  const dgap: number[] = [];
  for (let j = 0; j < L.n; j++) {
    if (L.lo[j]! > -Infinity) gap.push(x[j]! - L.lo[j]!), dgap.push(dx[j]!);
    if (L.hi[j]! < Infinity) gap.push(L.hi[j]! - x[j]!), dgap.push(-dx[j]!);
  }
  return { gap: Float64Array.from(gap), dgap: Float64Array.from(dgap) };
}
