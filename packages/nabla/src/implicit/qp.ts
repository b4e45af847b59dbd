// A differentiable convex QP layer: solveQP (an interior point method on Float64Arrays)
// runs forward, and customRoot differentiates its answer through the KKT conditions
// (qp-kkt.ts), so x and the multipliers carry derivatives in every datum.
import { np, type Array } from "../core/index.js";
import { solveQP, type QPSolution, type QPStatus } from "../optim/index.js";
import { concreteValue } from "../transforms/index.js";
import { kktResidual, type BoundIndex, type QPData, type QPUnknowns } from "./qp-kkt.js";
import { customRoot } from "./solvers.js";

const OP = "implicit.qp";

/** The constraints of `qp`: A x = b, G x ≤ h, bounds[0] ≤ x ≤ bounds[1]; any may be left out. */
export interface QPConstraints {
  /** [me, n] and [me]: both or neither. */
  A?: Array;
  b?: Array;
  /** [mi, n] and [mi]: both or neither. */
  G?: Array;
  h?: Array;
  /** [lo, hi]: numbers or Arrays of shape [n], ±Infinity for a free side. */
  bounds?: readonly [number | Array, number | Array];
}

/** Options of `qp`: the forward solve's, and how the derivative's (dense by default) linear system is solved. */
export interface QPOptions {
  /** solveQP's relative tolerance (default 1e-10). */
  tol?: number;
  /** solveQP's iteration budget (default 100). */
  maxIter?: number;
  /** Solve with J + ridge·I: for degenerate solutions (a constraint active with a zero multiplier). */
  ridge?: number;
}

/** What `qp` returns: x and the multipliers as Arrays with derivatives, and solveQP's report. */
export interface QPResult {
  x: Array;
  /** Multipliers of A x = b ([me]), of G x ≤ h ([mi]), of the lower and upper bounds ([n], 0 where absent). */
  y: Array;
  z: Array;
  zLo: Array;
  zHi: Array;
  /** solveQP's status; "unknown" inside jit or vmap, where the solve has not run when the record is built. */
  status: QPStatus | "unknown";
  success: boolean;
  message: string;
  iterations: number;
}

function shapeOf(name: string, a: unknown, shape: readonly number[]): Array {
  if (typeof a !== "object" || a === null || !("shape" in a)) throw new Error(`${OP}: ${name} must be an Array, got ${typeof a}`);
  const arr = a as Array;
  if (arr.shape.length !== shape.length || arr.shape.some((s, i) => shape[i]! >= 0 && s !== shape[i])) {
    throw new Error(`${OP}: ${name} must have shape [${shape.map((s) => (s < 0 ? "·" : s)).join(", ")}], got [${arr.shape.join(", ")}]`);
  }
  if (arr.dtype !== "float64") throw new Error(`${OP}: ${name} must be float64, got ${arr.dtype}`);
  return arr;
}

/** A bound as an [n] Array and the indices of its finite entries (all, when its values are not known yet). */
function bound(name: string, v: number | Array, n: number): [Array, number[]] {
  const arr = typeof v === "number" ? np.full([n], v) : v.shape.length === 0 ? np.broadcastTo(shapeOf(name, v, []), [n]) : shapeOf(name, v, [n]);
  const known = concreteValue(arr);
  const values = known ? known.toFloat64Array() : new Float64Array(n);
  values.forEach((x, i) => {
    if (Number.isNaN(x)) throw new Error(`${OP}: ${name}[${i}] must be a number, got NaN`);
  });
  return [arr, [...values.keys()].filter((i) => Number.isFinite(values[i]!))];
}

/** The data pytree (finite bounds only) and the bound structure, after checking every shape. */
function dataOf(Q: Array, q: Array, c: QPConstraints): [QPData, BoundIndex] {
  if (typeof c !== "object" || c === null) throw new Error(`${OP}: constraints must be an object`);
  const unknown = Object.keys(c).filter((k) => !["A", "b", "G", "h", "bounds"].includes(k));
  if (unknown.length) throw new Error(`${OP}: unknown constraint ${JSON.stringify(unknown[0])} (constraints: A, b, G, h, bounds)`);
  const n = shapeOf("q", q, [-1]).shape[0]!;
  const d: QPData = { Q: shapeOf("Q", Q, [n, n]), q };
  for (const [M, r] of [["A", "b"], ["G", "h"]] as const) {
    if ((c[M] === undefined) !== (c[r] === undefined)) throw new Error(`${OP}: ${M} and ${r} must be given together`);
    if (c[r] === undefined) continue;
    const rows = shapeOf(r, c[r], [-1]).shape[0]!;
    if (rows > 0) Object.assign(d, { [M]: shapeOf(M, c[M], [rows, n]), [r]: c[r] });
  }
  const index: BoundIndex = { n, loIdx: [], hiIdx: [] };
  if (c.bounds !== undefined) {
    if (!globalThis.Array.isArray(c.bounds) || c.bounds.length !== 2) throw new Error(`${OP}: bounds must be [lo, hi]`);
    const [lo, loIdx] = bound("bounds[0]", c.bounds[0], n);
    const [hi, hiIdx] = bound("bounds[1]", c.bounds[1], n);
    Object.assign(index, { loIdx, hiIdx });
    if (loIdx.length) d.lo = np.take(lo, loIdx);
    if (hiIdx.length) d.hi = np.take(hi, hiIdx);
  }
  return [d, index];
}

/** solveQP on concrete data; the answer is NaN unless optimal, so no derivative describes a non-solution. */
function forward(d: QPData, index: BoundIndex, opts: QPOptions, report: (s: QPSolution) => void): QPUnknowns {
  const f = (a: Array | undefined) => (a ? a.toFloat64Array() : undefined);
  const widen = (v: Array | undefined, idx: number[], fill: number) => {
    const out = new Float64Array(index.n).fill(fill);
    f(v)?.forEach((x, k) => (out[idx[k]!] = x));
    return out;
  };
  let s: QPSolution;
  try {
    s = solveQP(
      { n: index.n, Q: f(d.Q)!, q: f(d.q)!, A: f(d.A), b: f(d.b), G: f(d.G), h: f(d.h), lo: widen(d.lo, index.loIdx, -Infinity), hi: widen(d.hi, index.hiIdx, Infinity) },
      { tol: opts.tol, maxIter: opts.maxIter },
    );
  } catch (e) {
    throw new Error((e as Error).message.replace(/^solveQP:/, `${OP}:`));
  }
  report(s);
  const out = (v: Float64Array) => np.array(s.success ? v : v.map(() => NaN));
  const u: QPUnknowns = { x: out(s.x) };
  if (d.A) u.y = out(s.y);
  if (d.G) u.z = out(s.z);
  if (d.lo) u.zLo = out(Float64Array.from(index.loIdx, (i) => s.zLo[i]!));
  if (d.hi) u.zHi = out(Float64Array.from(index.hiIdx, (i) => s.zHi[i]!));
  return u;
}

/**
 * The solution of the convex QP  minimize ½xᵀQx + qᵀx  subject to  A x = b,  G x ≤ h,
 * lo ≤ x ≤ hi, with x and the multipliers differentiable (grad, jvp, vjp, to any order) in
 * Q, q, A, b, G, h and the bounds by the implicit function theorem on the KKT conditions
 * (OptNet): one linear solve, never the solver's iterations. Q must be symmetric positive
 * semidefinite (its symmetric part is used). A problem without a solution gives status
 * "infeasible" or "unbounded" and success false, with x NaN, and refuses derivatives. The
 * derivative needs strict complementarity (every active constraint with a positive
 * multiplier); pass `ridge` where that fails.
 *
 * @example
 * // min ½‖x‖² − x₀ − x₁ s.t. x₀ + x₁ ≤ 1: x = [½, ½]; ∂x₀/∂h = ½
 * const solve = (h: Array) => implicit.qp(np.eye(2), np.array([-1, -1]), { G: np.array([[1, 1]]), h }).x;
 * grad((h: Array) => solve(h).sum())(np.array([1]));   // [1]
 */
export function qp(Q: Array, q: Array, constraints: QPConstraints = {}, opts: QPOptions = {}): QPResult {
  const unknownOpt = Object.keys(opts).filter((k) => !["tol", "maxIter", "ridge"].includes(k));
  if (unknownOpt.length) throw new Error(`${OP}: unknown option ${JSON.stringify(unknownOpt[0])} (options: tol, maxIter, ridge)`);
  const [data, index] = dataOf(Q, q, constraints);
  let last: QPSolution | undefined;
  const solve = customRoot(kktResidual(index), (_u0: QPUnknowns, d: QPData) => forward(d, index, opts, (s) => (last = s)), {
    linearSolve: "dense",
    ...(opts.ridge === undefined ? {} : { ridge: opts.ridge }),
  });
  const zeros = (k: number) => np.zeros([k]);
  const u0: QPUnknowns = { x: zeros(index.n) };
  if (data.A) u0.y = zeros(data.A.shape[0]!);
  if (data.G) u0.z = zeros(data.G.shape[0]!);
  if (data.lo) u0.zLo = zeros(index.loIdx.length);
  if (data.hi) u0.zHi = zeros(index.hiIdx.length);
  const u = solve(u0, data) as QPUnknowns;
  const widen = (v: Array | undefined, idx: number[]) => {
    if (!v) return zeros(index.n);
    const S = new Float64Array(index.n * idx.length);
    idx.forEach((i, j) => (S[i * idx.length + j] = 1));
    return np.matmul(np.reshape(np.array(S), [index.n, idx.length]), v);
  };
  const s = last as QPSolution | undefined;
  return {
    x: u.x,
    y: u.y ?? zeros(0),
    z: u.z ?? zeros(0),
    zLo: widen(u.zLo, index.loIdx),
    zHi: widen(u.zHi, index.hiIdx),
    status: s ? s.status : "unknown",
    success: s ? s.success : false,
    message: s ? s.message : "solved inside jit or vmap: the status is not known when the record is built",
    iterations: s ? s.iterations : 0,
  };
}
