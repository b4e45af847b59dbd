// The SVD and what is built on it: svd, svdvals, pinv, matrixRank and lstsq, with
// numpy.linalg's arguments and cutoffs. All batch over leading axes, accept float32 or
// float64 (integers become float64), and (but matrixRank, an integer) are
// differentiable in both modes where the rank is locally constant.
import { broadcastShapes, type DType } from "../array/index.js";
import { bind, bind1, np, type Array } from "../core/index.js";
import { eighP } from "./decompositions.js";
import { epsOf } from "./kernels.js";
import { pinvP } from "./pinv.js";
import { svdP } from "./svd.js";
import { columns, matrixArg, operands, squareArg, symmetrizeLower, unColumn } from "./util.js";

export { SVD_DEGENERACY_TOL } from "./svd.js";

export interface SvdOptions {
  /** U [..., m, m] and Vᵀ [..., n, n] (default, as numpy), or U [..., m, k] and Vᵀ [..., k, n], k = min(m, n). */
  fullMatrices?: boolean;
  /** Return [U, S, Vᵀ] (default); false returns S alone. */
  computeUV?: boolean;
}

/**
 * The singular value decomposition a = U·diag(S)·Vᵀ of a [..., m, n] (numpy's svd):
 * S [..., k] descending, k = min(m, n), U and Vᵀ with orthonormal columns and rows.
 * By one-sided Jacobi after a QR step (Drmač–Veselić 2008), which keeps small singular
 * values to relative accuracy, at any scale from 1e-300 to 1e300. Singular vectors are
 * signed so that each column of U has its largest-magnitude entry positive (the first of
 * two that tie exactly; a near tie leaves the sign to rounding, as in eigh).
 *
 * Derivatives (both modes, any order): Ṡ = diag(U₁ᵀȦV₁), and U̇, V̇ as Townsend (2016).
 * They need distinct singular values for U and V themselves: pairs with |σ_j − σ_i| ≤
 * SVD_DEGENERACY_TOL·σ_max count as repeated and the rotation inside their subspace is
 * dropped (finite, but arbitrary there, as eigh's repeated eigenvalues), and values ≤
 * that tolerance count as zero. Symmetric functions of S (Σσ, Σf(σ)) keep exact
 * derivatives there, and the polar factor U·Vᵀ its exact first derivative; U·f(S)·Vᵀ
 * misses the part inside the repeated subspace (pinv and lstsq have their own rules).
 * With fullMatrices and m ≠ n, the extra columns of U (or rows of Vᵀ) are any basis of
 * the complement: their derivative keeps them orthogonal to the others, and only
 * functions of their span (U₂·U₂ᵀ) have meaningful derivatives.
 *
 * @example
 * const [U, S, Vh] = linalg.svd(np.array([[3, 0], [0, -2]])); // S = [3, 2]
 * np.matmul(np.mul(U, S), Vh); // the matrix again
 */
export function svd(a: np.ArrayLike, opts: SvdOptions & { computeUV: false }): Array;
export function svd(a: np.ArrayLike, opts?: SvdOptions): [Array, Array, Array];
export function svd(a: np.ArrayLike, opts: SvdOptions = {}): Array | [Array, Array, Array] {
  const A = matrixArg("svd", a);
  if (opts.computeUV === false) return bind1(svdP, [A], { full: false, uv: false });
  return bind(svdP, [A], { full: opts.fullMatrices ?? true, uv: true }) as [Array, Array, Array];
}

/**
 * The singular values of a [..., m, n], descending, [..., min(m, n)] (numpy's svdvals).
 * Ṡ = diag(Uᵀ·Ȧ·V), defined wherever they are distinct (and sums of them everywhere).
 *
 * @example
 * linalg.svdvals(np.array([[3, 0], [0, -4]])).toArray(); // [4, 3]
 */
export function svdvals(a: np.ArrayLike): Array {
  return bind1(svdP, [matrixArg("svdvals", a)], { full: false, uv: false });
}

/** A relative tolerance: a number or an array broadcasting against the batch, as [..., 1]. */
function relative(t: np.ArrayLike, dtype: DType): Array {
  return np.expandDims(np.astype(np.asArray(t), dtype), -1);
}

export interface PinvOptions {
  /** Singular values ≤ rcond·σ_max count as zero (default 1e-15, numpy's); a number or an array over the batch. */
  rcond?: np.ArrayLike;
  /** The array-API name for rcond; null means max(m, n)·ε of the dtype. Only one of the two may be set. */
  rtol?: np.ArrayLike | null;
  /** a is symmetric: use eigh (only its lower triangle is read). */
  hermitian?: boolean;
}

/**
 * The Moore–Penrose pseudo-inverse of a [..., m, n], [..., n, m] (numpy's pinv):
 * V·diag(1/σ)·Uᵀ over the singular values σ > rcond·σ_max, zero for the rest. Its
 * derivative (both modes) is exact where the rank is locally constant (Golub & Pereyra
 * 1973); where a singular value crosses the cutoff pinv jumps, as it must.
 *
 * @example
 * linalg.pinv(np.array([[1, 2], [2, 4]])).toArray(); // [[0.04, 0.08], [0.08, 0.16]]
 */
export function pinv(a: np.ArrayLike, opts: PinvOptions = {}): Array {
  const A = matrixArg("pinv", a);
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (opts.rcond !== undefined && opts.rtol !== undefined) throw new Error("pinv: rcond and rtol cannot both be set");
  const rcond = opts.rcond ?? (opts.rtol === undefined ? 1e-15 : (opts.rtol ?? Math.max(m, n) * epsOf(A.dtype)));
  if (A.size === 0) return np.zeros([...A.shape.slice(0, -2), n, m], { dtype: A.dtype });
  if (opts.hermitian) squareArg("pinv", A);
  return pseudoInverse(opts.hermitian ? symmetrizeLower(A) : A, rcond, opts.hermitian ?? false);
}

/** The pinv primitive on a, with rcond (a number or an array) broadcast to a's batch shape. */
function pseudoInverse(A: Array, rcond: np.ArrayLike, hermitian: boolean): Array {
  const r = np.broadcastTo(np.astype(np.asArray(rcond), A.dtype), A.shape.slice(0, -2));
  return bind1(pinvP, [A, r], { hermitian });
}

export interface MatrixRankOptions {
  /** Absolute threshold: singular values > tol count (a number or an array over the batch). */
  tol?: np.ArrayLike;
  /** Relative threshold: singular values > rtol·σ_max count (default max(m, n)·ε). Only one of tol and rtol. */
  rtol?: np.ArrayLike;
  /** a is symmetric: count |eigenvalues| (only its lower triangle is read). */
  hermitian?: boolean;
}

/**
 * The numerical rank of a [..., m, n] (numpy's matrix_rank), int32 [...]: how many
 * singular values exceed tol (default max(m, n)·ε·σ_max). A vector or scalar has rank 1
 * unless it is all zero. No derivative (an integer).
 *
 * @example
 * linalg.matrixRank(np.array([[1, 2], [2, 4]])).item(); // 1
 */
export function matrixRank(a: np.ArrayLike, opts: MatrixRankOptions = {}): Array {
  if (opts.tol !== undefined && opts.rtol !== undefined) throw new Error("matrixRank: tol and rtol cannot both be set");
  const x = np.asArray(a);
  if (x.ndim < 2) return np.astype(np.greater(np.sum(np.astype(np.notEqual(x, 0), "int32")), 0), "int32");
  const A = matrixArg("matrixRank", x);
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (A.size === 0) return np.zeros(A.shape.slice(0, -2), { dtype: "int32" });
  const S = opts.hermitian ? np.abs((bind(eighP, [squareArg("matrixRank", A)], {}) as [Array])[0]) : bind1(svdP, [A], { full: false, uv: false });
  const limit = opts.tol !== undefined
    ? relative(opts.tol, A.dtype)
    : np.mul(relative(opts.rtol ?? Math.max(m, n) * epsOf(A.dtype), A.dtype), np.max(S, { axis: -1, keepdims: true }));
  return np.sum(np.astype(np.greater(S, limit), "int32"), { axis: -1 });
}

export interface LstsqOptions {
  /**
   * Singular values ≤ rcond·σ_max count as zero (numpy's; default max(m, n)·ε, with
   * float64's ε for float32 input too, as numpy, which solves in double; a negative
   * value means ε).
   */
  rcond?: number | null;
}

/**
 * The least-squares solution x of a·x ≈ b with the smallest norm (numpy's lstsq, its
 * first result): a [..., m, n], b a vector [m] or a matrix [..., m, k]. From the SVD:
 * x = V·diag(1/σ)·Uᵀ·b over σ > rcond·σ_max, so a rank-deficient a (or a wide one) gives
 * the minimum-norm solution, and the zero matrix gives 0. Differentiable in a and b
 * where the numerical rank is locally constant (see `pinv`).
 *
 * Only x is returned (as before): numpy's residuals, rank and singular values are
 * ‖b − a·x‖², `matrixRank(a)` and `svdvals(a)`.
 *
 * @example
 * linalg.lstsq(np.array([[1, 0], [0, 1], [1, 1]]), np.array([1, 1, 2])).toArray(); // [1, 1]
 * linalg.lstsq(np.array([[1, 1], [1, 1]]), np.array([2, 2])).toArray(); // [1, 1]: minimum norm
 */
export function lstsq(a: np.ArrayLike, b: np.ArrayLike, opts: LstsqOptions = {}): Array {
  const [A, B] = operands("lstsq", a, b, false);
  const [m, n] = A.shape.slice(-2) as [number, number];
  const [cols, vector] = columns("lstsq", A, B, m);
  const eps = epsOf("float64");
  const rcond = opts.rcond === undefined || opts.rcond === null ? Math.max(m, n) * eps : opts.rcond < 0 ? eps : opts.rcond;
  if (A.size === 0) return unColumn(np.zeros([...broadcastShapes("lstsq", A.shape.slice(0, -2), cols.shape.slice(0, -2)), n, cols.shape[cols.ndim - 1]!], { dtype: A.dtype }), vector);
  return unColumn(np.matmul(pseudoInverse(A, rcond, false), cols), vector);
}
