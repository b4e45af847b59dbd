// How the derivative's linear system J·v = r is solved: densely for small systems, or
// matrix-free from J's products (JVPs and VJPs of F) for large ones. A solve that fails
// is an error naming the method, the residual and the iterations: a gradient is never
// silently wrong.
import { np, type Array, type Tree } from "../core/index.js";
import * as linalg from "../linalg/index.js";
import { ravelPytree, type LinearSolver } from "../transforms/index.js";

/** The linear solvers for the implicit derivative's system. */
export type LinearSolveMethod = "dense" | "cg" | "minres" | "gmres" | "bicgstab";
export const LINEAR_SOLVE_METHODS: readonly LinearSolveMethod[] = ["dense", "cg", "minres", "gmres", "bicgstab"];

export interface LinearSolveSettings {
  method: LinearSolveMethod;
  /** Solve (J + ridge·I)·v = r instead: regularizes a singular or ill-conditioned J. */
  ridge: number;
  /** Relative residual the matrix-free methods must reach. */
  tol: number;
  /** Iteration budget of the matrix-free methods (default 10·n). */
  maxIter?: number;
}

/** A `LinearSolver` on pytrees for the settings; `op` is what its errors name. */
export function linearSolver(op: string, s: LinearSolveSettings, symmetric: boolean): LinearSolver {
  return (matvec: (x: Tree) => Tree, b: Tree): Tree => {
    const [bv, unravel] = ravelPytree(b);
    const A = (v: Array) => {
      const av = ravelPytree(matvec(unravel(v)))[0];
      return s.ridge === 0 ? av : np.add(av, np.mul(s.ridge, v));
    };
    const x = s.method === "dense" ? denseSolve(op, A, bv, symmetric) : iterativeSolve(op, s, A, bv);
    return unravel(x);
  };
}

/** J materialized column by column (n products), then LU, or Cholesky when symmetric and it works. */
function denseSolve(op: string, A: (v: Array) => Array, b: Array, symmetric: boolean): Array {
  const n = b.size;
  const eye = np.eye(n, { dtype: b.dtype });
  const J = np.stack(np.unstack(eye).map((e) => A(e)), { axis: 1 });
  let x: Array | undefined;
  if (symmetric) {
    try {
      x = linalg.choSolve(linalg.cholesky(J), b);
    } catch {
      x = undefined; // not positive definite: LU below decides
    }
  }
  const singular = (why: string) =>
    new Error(`${op}: the derivative's linear system (dense, ${n}×${n}) ${why}; pass a ridge, or check that F's Jacobian in y is invertible at the solution`);
  try {
    x ??= linalg.solve(J, b);
  } catch (e) {
    throw singular(`cannot be solved (${(e as Error).message})`);
  }
  if (!x.toFloat64Array().every(Number.isFinite)) throw singular("is singular or not finite");
  return x;
}

function iterativeSolve(op: string, s: LinearSolveSettings, A: (v: Array) => Array, b: Array): Array {
  const solver = { cg: linalg.cg, minres: linalg.minres, gmres: linalg.gmres, bicgstab: linalg.bicgstab }[s.method as Exclude<LinearSolveMethod, "dense">];
  const r = solver(A, b, { tol: s.tol, ...(s.maxIter !== undefined ? { maxIter: s.maxIter } : {}) });
  if (!r.success) {
    throw new Error(
      `${op}: the derivative's linear solve (${s.method}) did not converge: relative residual ${r.residual.toExponential(2)} ` +
        `after ${r.nit} iterations (${r.status}); try linearSolve ${LINEAR_SOLVE_METHODS.filter((m) => m !== s.method).map((m) => `"${m}"`).join(" or ")}, or a ridge`,
    );
  }
  return r.x;
}

/** Reads the linear-solve options shared by every implicit solver, checked. */
export function linearSettings(op: string, opts: { linearSolve?: unknown; ridge?: unknown; linearTol?: unknown; linearMaxIter?: unknown }, fallback: LinearSolveMethod): LinearSolveSettings {
  const method = opts.linearSolve ?? fallback;
  if (!LINEAR_SOLVE_METHODS.includes(method as LinearSolveMethod)) {
    throw new Error(`${op}: linearSolve ${JSON.stringify(method)} is not one of ${LINEAR_SOLVE_METHODS.join(", ")}`);
  }
  const ridge = nonNegative(op, "ridge", opts.ridge, 0);
  const tol = nonNegative(op, "linearTol", opts.linearTol, 1e-10);
  const maxIter = opts.linearMaxIter === undefined ? undefined : positiveInteger(op, "linearMaxIter", opts.linearMaxIter);
  return { method: method as LinearSolveMethod, ridge, tol, ...(maxIter !== undefined ? { maxIter } : {}) };
}

export function nonNegative(op: string, name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  return v;
}

export function positiveInteger(op: string, name: string, v: unknown, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}
