// What the Krylov solvers share (cg and minres in iterative.ts, gmres and bicgstab in
// krylov.ts): the result record, the common options, and the setup that scales the
// problem to size 1 and builds the result.
import { nrm2 } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import { operator, type MatVec, type Vec } from "./vectors.js";

/** How an iterative solve ended. */
export type SolveStatus = "converged" | "maxIter" | "notPositiveDefinite" | "nonFinite" | "breakdown";

/** The result of `cg`, `minres`, `gmres` or `bicgstab`, as a plain record (scipy.optimize style). */
export interface IterativeResult {
  /** The last iterate (the last finite one if something went non-finite). */
  x: Array;
  /**
   * Iterations done: one operator application each for cg, minres and gmres, two for
   * bicgstab (setup and residual checks add a few more).
   */
  nit: number;
  /** ‖b − A·x‖ / ‖b‖ for the returned x, recomputed at the end (NaN if A·x is not finite). */
  residual: number;
  status: SolveStatus;
  /** status === "converged". */
  success: boolean;
  message: string;
}

export interface IterativeOptions {
  /** Starting guess (default zeros). */
  x0?: Array;
  /** Stop when ‖b − A·x‖ ≤ tol·‖b‖ (default 1e-10). */
  tol?: number;
  /** Default 10·n. */
  maxIter?: number;
  /** A symmetric positive definite preconditioner as r ↦ M⁻¹·r. */
  M?: MatVec;
}

/** Shared setup of the solvers: vectors, operators, limits, and the result record. */
export function setup(name: string, matvec: MatVec, b: Array, opts: IterativeOptions) {
  const shape = b.shape;
  const n = b.size;
  const bv = b.toFloat64Array();
  const x0 = opts.x0 ? opts.x0.toFloat64Array() : new Float64Array(n);
  if (x0.length !== n) throw new Error(`${name}: x0 has shape (${opts.x0!.shape}) but b has shape (${shape})`);
  const userA = operator(name, "matvec", matvec, shape);
  const userM = opts.M ? operator(name, "the preconditioner M", opts.M, shape) : undefined;
  const dtype = b.dtype === "float32" ? "float32" : "float64";
  // The solvers work at size 1, like LAPACK's scaled drivers: on b/β, A/α and M⁻¹/μ,
  // with β, α, μ powers of two near ‖b‖, ‖A·b̂‖ and ‖M⁻¹·b̂‖ (b̂ = b/β; one application
  // of each operator). Scaling by powers of two is exact, and no method's iterates
  // change with it (x is α·x/β), but inner products such as rᵀr, pᵀAp and rᵀM⁻¹r no
  // longer underflow to 0 or overflow for a b, an A or an M of size 1e-300 or 1e300.
  const rawNorm = nrm2(bv);
  const bExp = exponentNear(rawNorm);
  scaleBy(bv, -bExp);
  const aExp = exponentNear(nrm2(userA(bv)));
  const mExp = userM ? exponentNear(nrm2(userM(bv))) : 0;
  const A = (v: Vec) => scaleBy(userA(v), -aExp);
  const M = userM ? (r: Vec) => scaleBy(userM(r), -mExp) : (r: Vec) => r;
  scaleBy(x0, aExp - bExp);
  const bnorm = nrm2(bv);
  /** b − A·x */
  const residualOf = (x: Vec) => {
    const r = A(x);
    for (let i = 0; i < n; i++) r[i] = bv[i]! - r[i]!;
    return r;
  };
  const result = (x: Vec, nit: number, status: SolveStatus, message: string): IterativeResult => {
    const r = residualOf(x);
    const residual = nrm2(r) / (bnorm || 1);
    const unscaled = scaleBy(Float64Array.from(x), bExp - aExp);
    return { x: np.reshape(np.array(unscaled, { dtype }), shape), nit, residual, status, success: status === "converged", message };
  };
  return {
    n,
    bv,
    x0,
    bnorm,
    tol: opts.tol ?? 1e-10,
    maxIter: opts.maxIter ?? 10 * n,
    A,
    M,
    residualOf,
    result,
  };
}

export const finite = (...xs: number[]) => xs.every(Number.isFinite);

/** e with 2^e near x (0 for 0 or a non-finite x, which the solvers report themselves). */
function exponentNear(x: number): number {
  return x > 0 && x < Infinity ? Math.floor(Math.log2(x)) : 0;
}

/** v ← v·2^e in place, exactly (in two steps when 2^e alone is out of range). */
function scaleBy(v: Vec, e: number): Vec {
  const half = Math.trunc(e / 2);
  const [f1, f2] = [2 ** half, 2 ** (e - half)];
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * f1 * f2;
  return v;
}
