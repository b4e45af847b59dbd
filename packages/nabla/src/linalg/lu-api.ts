// LU with partial pivoting, as scipy.linalg: lu (P, L, U), luFactor (packed factors and
// LAPACK pivots) and luSolve (solves with them). Batched over leading axes and
// differentiable: lu's factors through the `lu` primitive's rules, luSolve through two
// triangular solves (so in the packed factors and in b).
import { shapeString } from "../array/index.js";
import { bind, bind1, np, type Array } from "../core/index.js";
import { luP, luPivotsToPermutationP, permutationMatrix } from "./lu.js";
import { triangularSolveP } from "./solvers.js";
import { columns, matrixArg, mT, squareArg, tril, triu, unColumn } from "./util.js";

export interface LuOptions {
  /** Return [P·L, U] instead of [P, L, U] (scipy's permute_l). */
  permuteL?: boolean;
  /** Return the permutation as row indices p (int32 [..., m]) with a = L[p]·U (scipy's p_indices). */
  pIndices?: boolean;
}

/**
 * The LU decomposition a = P·L·U of a [..., m, n] with partial pivoting (scipy.linalg.lu):
 * P [..., m, m] a permutation matrix, L [..., m, k] unit lower triangular, U [..., k, n]
 * upper triangular, k = min(m, n). Singular matrices factor too (U has a zero on its
 * diagonal). Derivatives of L and U (both modes; P is piecewise constant) need U's
 * leading k×k block nonsingular: at a singular one they are an error naming lu.
 *
 * @example
 * const [P, L, U] = linalg.lu(np.array([[1, 2], [3, 4]])); // P = [[0, 1], [1, 0]], U = [[3, 4], [0, 2/3]]
 */
export function lu(a: np.ArrayLike, opts: LuOptions & { permuteL: true }): [Array, Array];
export function lu(a: np.ArrayLike, opts?: LuOptions): [Array, Array, Array];
export function lu(a: np.ArrayLike, opts: LuOptions = {}): [Array, Array] | [Array, Array, Array] {
  const A = matrixArg("lu", a);
  const [m, n] = A.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const [packed, , perm] = bind(luP, [A], {}) as [Array, Array, Array];
  const L = np.add(tril(m === k ? np.split(packed, [k], { axis: -1 })[0]! : packed, -1), np.eye(m, k, { dtype: A.dtype }));
  const U = triu(n === k ? np.split(packed, [k], { axis: -2 })[0]! : packed);
  const P = mT(permutationMatrix(perm, A.dtype)); // a = Pᵀ_lu·L·U
  if (opts.permuteL) return [np.matmul(P, L), U];
  return [opts.pIndices ? np.argsort(perm, { axis: -1 }) : P, L, U];
}

/**
 * The packed LU factorization of a [..., m, n] (scipy.linalg.lu_factor): [lu, piv] with
 * L (unit diagonal, not stored) below the diagonal of lu and U on and above it, and
 * LAPACK's pivots piv (int32 [..., min(m, n)]: row i was interchanged with row piv[i]).
 * Differentiable in a as `lu` is; pass the pair to `luSolve`.
 *
 * @example
 * const factors = linalg.luFactor(A);
 * linalg.luSolve(factors, b); // = linalg.solve(A, b), one factorization for many b
 */
export function luFactor(a: np.ArrayLike): [Array, Array] {
  const [packed, piv] = bind(luP, [matrixArg("luFactor", a)], {}) as [Array, Array, Array];
  return [packed, piv];
}

export interface LuSolveOptions {
  /** 0 solves a·x = b (default), 1 (or 2, the conjugate transpose of a real matrix) aᵀ·x = b, as scipy's trans. */
  trans?: 0 | 1 | 2;
}

/**
 * x with a·x = b (or aᵀ·x = b) from luFactor's [lu, piv] of a square a
 * (scipy.linalg.lu_solve); b is a vector [n] or a matrix [..., n, k]. A zero on U's
 * diagonal (a singular a) is an error naming luSolve. Differentiable in lu and b.
 *
 * @example
 * const [lu, piv] = linalg.luFactor(np.array([[3, 1], [1, 2]]));
 * linalg.luSolve([lu, piv], np.array([9, 8])).toArray(); // [2, 3]
 */
export function luSolve(factors: readonly [np.ArrayLike, np.ArrayLike], b: np.ArrayLike, opts: LuSolveOptions = {}): Array {
  if (!globalThis.Array.isArray(factors) || factors.length !== 2) throw new Error("luSolve: factors must be the pair [lu, piv] that luFactor returns");
  const { trans = 0 } = opts;
  if (trans !== 0 && trans !== 1 && trans !== 2) throw new Error(`luSolve: trans must be 0, 1 or 2, got ${String(trans)}`);
  const dtype = np.floatDtype(factors[0], b);
  const LU = squareArg("luSolve", factors[0], dtype);
  const n = LU.shape[LU.ndim - 1]!;
  const piv = np.astype(np.asArray(factors[1]), "int32");
  if (piv.ndim < 1 || piv.shape[piv.ndim - 1] !== n) {
    throw new Error(`luSolve: piv must have shape (..., ${n}) for lu of shape ${shapeString(LU.shape)}, got ${shapeString(piv.shape)}`);
  }
  const [cols, vector] = columns("luSolve", LU, np.astype(np.asArray(b), dtype), n);
  const P = permutationMatrix(bind1(luPivotsToPermutationP, [piv], { size: n, caller: "luSolve" }), dtype);
  const solve = (x: Array, lower: boolean, transpose: boolean) =>
    bind1(triangularSolveP, [LU, x], { lower, transpose, unitDiagonal: lower, caller: "luSolve" });
  // a = Pᵀ·L·U: x = U⁻¹·L⁻¹·P·b, and for aᵀ = Uᵀ·Lᵀ·P: x = Pᵀ·L⁻ᵀ·U⁻ᵀ·b.
  const x = trans === 0 ? solve(solve(np.matmul(P, cols), true, false), false, false) : np.matmul(mT(P), solve(solve(cols, false, true), true, true));
  return unColumn(x, vector);
}
