// The matrix-free solvers' public face: each eager solver (iterative.ts, krylov.ts) made
// differentiable by customLinearSolve, which solves again for the derivatives instead of
// differentiating the iterations.
import { Array, np } from "../core/index.js";
import { linearSolveNamed } from "../transforms/index.js";
import { cgEager, minresEager } from "./iterative.js";
import type { IterativeOptions, IterativeResult } from "./krylov-setup.js";
import { bicgstabEager, gmresEager, type BicgstabOptions, type GmresOptions } from "./krylov.js";
import type { MatVec } from "./vectors.js";

export type { MatVec } from "./vectors.js";
export type { IterativeOptions, IterativeResult, SolveStatus } from "./krylov-setup.js";
export type { BicgstabOptions, GmresOptions } from "./krylov.js";
export { lanczos, type LanczosOptions, type LanczosResult } from "./lanczos.js";

type Eager<O> = (matvec: MatVec, b: Array, opts: O) => IterativeResult;

/**
 * `eager` with derivatives: its x goes through customLinearSolve (so matvec is traced once,
 * as by every transformation, and must be a pure function of its argument), whose derivative solves
 * (A·ẋ = ḃ − Ȧ·x forward, Aᵀ·b̄ = x̄ in reverse) run the same method without x0 and throw,
 * naming the method, the residual and the iterations, if they fail — a gradient is never
 * silently wrong. The record describes the value's solve; under `vmap` (one solve per
 * example) the worst of them: the largest nit and residual, success only if every one
 * succeeded. Under `jit` the record cannot be known while tracing: that is an error.
 */
function differentiableSolver<O extends IterativeOptions>(name: string, eager: Eager<O>, symmetric: boolean) {
  const op = `linalg.${name}`;
  return (matvec: MatVec, b: Array, opts: O = {} as O): IterativeResult => {
    const reports: IterativeResult[] = [];
    const record = (mv: MatVec, rhs: Array) => {
      const r = eager(mv, rhs, opts);
      reports.push(r);
      return r.x;
    };
    const { x0: _x0, ...derivativeOpts } = opts;
    const strict = (mv: MatVec, rhs: Array) => {
      const r = eager(mv, rhs, derivativeOpts as O);
      if (!r.success) {
        throw new Error(`${op}: the solve for a derivative did not converge: relative residual ${r.residual.toExponential(2)} after ${r.nit} iterations (${r.status}); loosen tol or raise maxIter`);
      }
      return r.x;
    };
    // The iterations run in float64 whatever b's dtype (as the eager solvers always have),
    // so a float32 system still reaches a tol like 1e-10.
    const wide = b instanceof Array && b.dtype === "float32" ? np.astype(b, "float64") : b;
    const x64 = linearSolveNamed(op, conforming(name, matvec), wide, record, { symmetric }, strict);
    const x = b instanceof Array && x64.dtype !== b.dtype ? np.astype(x64, b.dtype) : x64;
    if (reports.length === 0) {
      throw new Error(`${op}: under jit the solve runs only when the compiled function does, so its record (nit, status) cannot be built while tracing; call implicit.customLinearSolve with ${op} inside its solve instead`);
    }
    return summary(reports, x);
  };
}

/**
 * matvec as customLinearSolve needs it: b's shape and dtype out (a float64 matrix times a
 * float32 vector is cast back), and a wrong size an error in the solver's words.
 */
function conforming(name: string, matvec: MatVec): MatVec {
  if (typeof matvec !== "function") throw new Error(`${name}: matvec must be a function, got ${typeof matvec}`);
  return (v) => {
    const out = matvec(v);
    if (!(out instanceof Array)) throw new Error(`${name}: matvec must return an Array, got ${typeof out}`);
    if (out.size !== v.size) throw new Error(`${name}: matvec returned shape (${out.shape}) for an input of shape (${v.shape})`);
    return np.astype(np.reshape(out, v.shape), v.dtype);
  };
}

function summary(reports: readonly IterativeResult[], x: Array): IterativeResult {
  if (reports.length === 1) return { ...reports[0]!, x };
  const failed = reports.find((r) => !r.success);
  const worst = failed ?? reports.reduce((a, r) => (r.residual > a.residual ? r : a));
  return {
    x,
    nit: Math.max(...reports.map((r) => r.nit)),
    residual: Math.max(...reports.map((r) => r.residual)),
    status: worst.status,
    success: !failed,
    message: `${reports.length} solves (one per example); the worst: ${worst.message}`,
  };
}

/**
 * Conjugate gradients for A·x = b with A symmetric positive definite, given as a
 * function; optionally preconditioned by M (r ↦ M⁻¹·r, also SPD). Stops when the
 * relative residual ‖b − A·x‖/‖b‖ ≤ tol. Never throws on a bad operator: a direction
 * with pᵀ·A·p ≤ 0 stops with status "notPositiveDefinite", a NaN or Infinity with
 * "nonFinite" (x is then the last finite iterate), running out with "maxIter".
 * The updated residual is checked against the true one before reporting convergence.
 * Differentiable in `b` and in every Array `matvec` closes over, in both modes and to any
 * order, through `customLinearSolve`: derivatives solve with A (and Aᵀ) again by the same
 * method, never by differentiating the iterations (see `differentiableSolver`).
 *
 * @example
 * const A = np.array([[4, 1], [1, 3]]);
 * const { x, success } = linalg.cg((v) => np.matmul(A, v), np.array([1, 2]));
 */
export const cg: (matvec: MatVec, b: Array, opts?: IterativeOptions) => IterativeResult = differentiableSolver("cg", cgEager, true);

/**
 * MINRES (Paige & Saunders) for A·x = b with A symmetric, possibly indefinite, given as
 * a function; optionally preconditioned by a symmetric positive definite M (r ↦ M⁻¹·r).
 * It minimizes ‖b − A·x‖ over the Krylov space, so it also suits singular consistent
 * systems. Same record and statuses as `cg` ("notPositiveDefinite" only for M).
 * Differentiable in `b` and in every Array `matvec` closes over, in both modes and to any
 * order, through `customLinearSolve`: derivatives solve with A (and Aᵀ) again by the same
 * method, never by differentiating the iterations (see `differentiableSolver`).
 *
 * @example
 * const A = np.array([[1, 2], [2, -3]]); // indefinite
 * linalg.minres((v) => np.matmul(A, v), np.array([1, 0])).x;
 */
export const minres: (matvec: MatVec, b: Array, opts?: IterativeOptions) => IterativeResult = differentiableSolver("minres", minresEager, true);

/**
 * Restarted GMRES(m) for A·x = b with A any nonsingular operator given as a function:
 * Arnoldi by modified Gram–Schmidt, the least-squares problem by Givens rotations,
 * optionally preconditioned by M (r ↦ M⁻¹·r) on the right (default) or the left. Stops
 * when ‖b − A·x‖/‖b‖ ≤ tol, checked on the true residual; maxIter counts inner
 * iterations over all restarts. Never throws on a bad operator: a NaN or Infinity gives
 * "nonFinite" (x is then the last finite iterate), an invariant Krylov space on which
 * A·M⁻¹ is singular "breakdown", running out "maxIter".
 * Differentiable in `b` and in every Array `matvec` closes over, in both modes and to any
 * order, through `customLinearSolve`: derivatives solve with A (and Aᵀ) again by the same
 * method, never by differentiating the iterations (see `differentiableSolver`).
 *
 * @example
 * const A = np.array([[2, 1], [0, 3]]); // not symmetric
 * const { x, success } = linalg.gmres((v) => np.matmul(A, v), np.array([1, 2]));
 */
export const gmres: (matvec: MatVec, b: Array, opts?: GmresOptions) => IterativeResult = differentiableSolver("gmres", gmresEager, false);

/**
 * BiCGSTAB (van der Vorst) for A·x = b with A any nonsingular operator given as a
 * function, optionally preconditioned by M (r ↦ M⁻¹·r, applied on the right). Short
 * recurrences, so its memory does not grow like GMRES's; each iteration applies A and M
 * twice. Stops when ‖b − A·x‖/‖b‖ ≤ tol, checked on the true residual. Never throws on a
 * bad operator: "breakdown" when ρ = r̂ᵀ·r, r̂ᵀ·A·p or ω vanish (as they do for a
 * singular or skew-symmetric A), "nonFinite" for a NaN or Infinity (x is then the last
 * finite iterate), "maxIter" when running out.
 * Differentiable in `b` and in every Array `matvec` closes over, in both modes and to any
 * order, through `customLinearSolve`: derivatives solve with A (and Aᵀ) again by the same
 * method, never by differentiating the iterations (see `differentiableSolver`).
 *
 * @example
 * const A = np.array([[2, 1], [0, 3]]); // not symmetric
 * const { x, success } = linalg.bicgstab((v) => np.matmul(A, v), np.array([1, 2]));
 */
export const bicgstab: (matvec: MatVec, b: Array, opts?: BicgstabOptions) => IterativeResult = differentiableSolver("bicgstab", bicgstabEager, false);
