// Dense linear algebra: the public functions. Each works on the last two axes and
// batches over leading ones (numpy's rule), accepts float32 or float64 (integers become
// float64), and is differentiable in both modes and batchable under vmap, because it
// is made of primitives with rules (decompositions.ts, solvers.ts) and public np ops.
// Scale: a well-conditioned matrix of size 1e-300 or 1e300 gives the scaled answer of
// the unscaled problem, derivatives included (the kernels scale as LAPACK does, and the
// norms as BLAS nrm2); an answer beyond the float range itself (a 4×4 det at 1e±150,
// an inverse's gradient at 1e-170) is ±Infinity or 0 as in numpy, never a finite value.
import { shapeString } from "../array/index.js";
import { bind, bind1, normScale, np, type Array } from "../core/index.js";
type NormOptions = np.NormOptions;
import { choleskyP, eighP, qrP } from "./decompositions.js";
import { epsOf } from "./kernels.js";
import { detP, luSolveP, slogdetP, triangularSolveP, type TriangularSolveParams } from "./solvers.js";
import { columns, eye, matrixArg, mT, operands, squareArg, unColumn } from "./util.js";

export { EIGH_DEGENERACY_TOL } from "./decompositions.js";

/**
 * The Cholesky factor: lower triangular L with a = L·Lᵀ, for symmetric positive definite
 * a. Only the lower triangle of a is read (as numpy and LAPACK do). A matrix that is not
 * positive definite is an error naming the first leading minor that is not positive.
 *
 * @example
 * linalg.cholesky(np.array([[4, 2], [2, 3]])).toArray(); // [[2, 0], [1, √2]]
 */
export function cholesky(a: np.ArrayLike): Array {
  return bind1(choleskyP, [squareArg("cholesky", a)], {});
}

export interface TriangularSolveOptions {
  /** Read the lower triangle of a (default), or the upper. */
  lower?: boolean;
  /** Solve aᵀ·x = b (default false). */
  transpose?: boolean;
  /** Take the diagonal of a as ones without reading it (default false). */
  unitDiagonal?: boolean;
}

/**
 * x with op(a)·x = b for triangular a, op(a) = a or aᵀ; b is a vector [n] or a matrix
 * [..., n, k]. Only the chosen triangle of a is read. A zero on the diagonal is
 * an error.
 *
 * @example
 * linalg.triangularSolve(np.array([[2, 0], [1, 1]]), np.array([2, 3])).toArray(); // [1, 2]
 */
export function triangularSolve(a: np.ArrayLike, b: np.ArrayLike, opts: TriangularSolveOptions = {}): Array {
  const [A, B] = operands("triangularSolve", a, b, true);
  const [cols, vector] = columns("triangularSolve", A, B, A.shape[A.ndim - 1]!);
  const params: TriangularSolveParams = {
    lower: opts.lower ?? true,
    transpose: opts.transpose ?? false,
    unitDiagonal: opts.unitDiagonal ?? false,
    caller: "triangularSolve",
  };
  return unColumn(bind1(triangularSolveP, [A, cols], params), vector);
}

/**
 * x with (L·Lᵀ)·x = b, given the Cholesky factor L (only its lower triangle is read):
 * two triangular solves, differentiable in L and b.
 *
 * @example
 * const L = linalg.cholesky(A);
 * linalg.choSolve(L, b); // = linalg.solve(A, b)
 */
export function choSolve(L: np.ArrayLike, b: np.ArrayLike): Array {
  const [A, B] = operands("choSolve", L, b, true);
  const [cols, vector] = columns("choSolve", A, B, A.shape[A.ndim - 1]!);
  const base = { lower: true, unitDiagonal: false, caller: "choSolve" };
  const y = bind1(triangularSolveP, [A, cols], { ...base, transpose: false });
  return unColumn(bind1(triangularSolveP, [A, y], { ...base, transpose: true }), vector);
}

/**
 * x with a·x = b, by LU with partial pivoting; b is a vector [n] or a matrix [..., n, k]
 * (numpy 2's rule: only a 1-D b is a vector). A matrix with a pivot |u_kk| ≤ n·ε·max|a_ij|
 * (ε of the dtype) is singular to working precision, and that is an error: LU's backward
 * error is of that size, and such a matrix has a condition number beyond about 1/(n²ε).
 * ẋ = a⁻¹(ḃ − ȧ·x); the cotangents are b̄ = a⁻ᵀ·x̄ and ā = −b̄·xᵀ, solves themselves.
 *
 * @example
 * linalg.solve(np.array([[3, 1], [1, 2]]), np.array([9, 8])).toArray(); // [2, 3]
 */
export function solve(a: np.ArrayLike, b: np.ArrayLike): Array {
  const [A, B] = operands("solve", a, b, true);
  const [cols, vector] = columns("solve", A, B, A.shape[A.ndim - 1]!);
  return unColumn(bind1(luSolveP, [A, cols], { transpose: false, caller: "solve" }), vector);
}

/**
 * The inverse a⁻¹ (solve against the identity); singular input is an error, as in `solve`.
 *
 * @example
 * linalg.inv(np.array([[2, 0], [0, 4]])).toArray(); // [[0.5, 0], [0, 0.25]]
 */
export function inv(a: np.ArrayLike): Array {
  const A = squareArg("inv", a);
  return bind1(luSolveP, [A, eye(A.shape[A.ndim - 1]!, A.dtype)], { transpose: false, caller: "inv" });
}

/**
 * [sign, log|det a|] from the LU factorization, without overflow; singular gives [0, −∞].
 * d log|det a| = tr(a⁻¹·ȧ); the sign is piecewise constant. Derivatives need a
 * nonsingular matrix (at a singular one the rule's solve reports it).
 *
 * @example
 * const [sign, logdet] = linalg.slogdet(np.array([[0, 2], [3, 0]])); // −1, log 6
 */
export function slogdet(a: np.ArrayLike): [Array, Array] {
  return bind(slogdetP, [squareArg("slogdet", a)], {}) as [Array, Array];
}

/**
 * The determinant, as sign·exp(log|det|): singular input gives 0, and a determinant
 * beyond the float range overflows to ±Infinity or underflows to 0, as numpy's (slogdet
 * is exact at any scale). ḋet = det·tr(a⁻¹·ȧ) (derivatives need a nonsingular matrix);
 * where det overflows, its gradient det·a⁻ᵀ is ±Infinity where a⁻ᵀ is nonzero and
 * exactly 0 where a⁻ᵀ is 0, and a zero tangent stays zero.
 *
 * @example
 * linalg.det(np.array([[1, 2], [3, 4]])).item(); // −2
 */
export function det(a: np.ArrayLike): Array {
  return bind1(detP, [squareArg("det", a)], {});
}

/**
 * Eigenvalues (ascending) and eigenvectors (the columns of V) of a symmetric matrix:
 * a = V·diag(w)·Vᵀ. Only the lower triangle of a is read (the upper with UPLO "U").
 * Each eigenvector is signed so that its largest-magnitude entry is positive.
 *
 * Derivatives: ẇ = diag(VᵀȦV), V̇ = V·(F∘(VᵀȦV)) with F_ij = 1/(w_j − w_i). Pairs with
 * |w_j − w_i| ≤ EIGH_DEGENERACY_TOL·max|w| count as a repeated eigenvalue and their
 * terms are dropped. So at a repeated eigenvalue, derivatives of functions symmetric in
 * its copies (Σw, Σf(w), det, trace functions) stay right, while eigenvectors inside the
 * degenerate eigenspace are not unique and their derivatives are not defined: what comes
 * out is finite (no NaN) but arbitrary within that eigenspace, and V·g(diag w)·Vᵀ misses
 * the in-eigenspace part of its derivative unless g is constant across the copies.
 *
 * @example
 * const [w, V] = linalg.eigh(np.array([[2, 1], [1, 2]])); // w = [1, 3]
 */
export function eigh(a: np.ArrayLike, opts: EighOptions = {}): [Array, Array] {
  return bind(eighP, [triangleOf("eigh", a, opts)], {}) as [Array, Array];
}

export interface EighOptions {
  /** Which triangle of a is read: "L" (lower, the default) or "U" (upper), as numpy's UPLO. */
  UPLO?: "L" | "U";
}

/** The matrix whose lower triangle holds the triangle of a that UPLO names. */
function triangleOf(op: string, a: np.ArrayLike, opts: EighOptions): Array {
  const A = squareArg(op, a);
  const { UPLO = "L" } = opts;
  if (UPLO !== "L" && UPLO !== "U") throw new Error(`${op}: UPLO must be "L" or "U", got ${JSON.stringify(UPLO)}`);
  return UPLO === "U" ? mT(A) : A;
}

/**
 * The eigenvalues of a symmetric matrix (or a stack), ascending (numpy's eigvalsh):
 * eigh's first result. Only the triangle named by UPLO is read. Differentiable in both
 * modes: ẇ = diag(VᵀȦV), exact for simple eigenvalues and for symmetric functions of a
 * repeated one (see `eigh`).
 *
 * @example
 * linalg.eigvalsh(np.array([[2, 1], [1, 2]])).toArray(); // [1, 3]
 */
export function eigvalsh(a: np.ArrayLike, opts: EighOptions = {}): Array {
  return (bind(eighP, [triangleOf("eigvalsh", a, opts)], {}) as [Array, Array])[0];
}

/**
 * Reduced QR by Householder reflections: a [..., m, n] = Q·R with Q [..., m, k] having
 * orthonormal columns and R [..., k, n] upper triangular, k = min(m, n); R's diagonal is
 * non-negative. Derivatives (both modes) need full rank: for m ≥ n full column rank;
 * for m < n (where R = [R₁ R₂] and R₂ = Qᵀ·a₂), the leading m×m block must be invertible.
 *
 * @example
 * const [Q, R] = linalg.qr(A); // np.matmul(Q, R) ≈ A
 */
export function qr(a: np.ArrayLike): [Array, Array] {
  const A = matrixArg("qr", a);
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (m >= n) return bind(qrP, [A], {}) as [Array, Array];
  const [left, right] = np.split(A, [m], { axis: -1 });
  const [Q, R1] = bind(qrP, [left!], {}) as [Array, Array];
  return [Q, np.concatenate([R1, np.matmul(mT(Q), right!)], { axis: -1 })];
}

/**
 * Singular values, ascending, [..., min(m, n)]: the non-negative eigenvalues of the
 * symmetric [[0, a], [aᵀ, 0]] (eigenvalues ±σ_i and |m − n| zeros). Unlike eigh(aᵀa),
 * this keeps small singular values accurate to ε·σ_max instead of √ε·σ_max.
 */
function singularValues(a: Array): Array {
  const [m, n] = a.shape.slice(-2) as [number, number];
  const batch = a.shape.slice(0, -2);
  const zeros = (r: number) => np.zeros([...batch, r, r], { dtype: a.dtype });
  const H = np.concatenate([np.concatenate([zeros(m), a], { axis: -1 }), np.concatenate([mT(a), zeros(n)], { axis: -1 })], { axis: -2 });
  const [w] = bind(eighP, [H], {}) as [Array];
  return np.abs(np.split(w, [m + n - Math.min(m, n)], { axis: -1 })[1]!);
}

/**
 * s = max|aᵢⱼ| of each matrix of a [..., m, n], shaped [..., 1, 1] (np.norm's
 * `normScale`): the spectral norms are computed on a/s and scaled back (they are
 * homogeneous, so their derivatives are unchanged), so that a Gram matrix or an
 * eigenvalue gap cannot overflow or underflow for a of size 1e200 or 1e-200.
 */
function matrixScale(a: Array): Array {
  if (a.size === 0) return np.ones([...a.shape.slice(0, -2), 1, 1], { dtype: a.dtype });
  return normScale(a, [a.ndim - 2, a.ndim - 1]);
}

/** σ_max/σ_min, with Infinity when σ_min ≤ max(m, n)·ε·σ_max (numerically singular). */
function ratio(a: Array, sigma: Array): Array {
  const [m, n] = a.shape.slice(-2) as [number, number];
  const [lo, hi] = [np.min(sigma, { axis: -1 }), np.max(sigma, { axis: -1 })];
  const singular = np.lessEqual(lo, np.mul(hi, Math.max(m, n) * epsOf(a.dtype)));
  return np.where(singular, Infinity, np.div(hi, np.where(singular, 1, lo)));
}

/**
 * The 2-norm condition number σ_max/σ_min of a [..., m, n]. Singular values come from
 * the eigenvalues of [[0, a], [aᵀ, 0]], accurate to about ε·σ_max, so values up to
 * about 1/ε are meaningful; a numerically singular matrix (σ_min ≤ max(m, n)·ε·σ_max,
 * zero matrix included) gives Infinity, never NaN. Differentiable where σ_max and σ_min
 * are simple.
 *
 * @example
 * linalg.cond(np.array([[2, 0], [0, 0.5]])).item(); // 4
 */
export function cond(a: np.ArrayLike): Array {
  const A = matrixArg("cond", a);
  // cond(a/s) = cond(a): scaled only so that σ_min cannot underflow.
  const scaled = np.div(A, matrixScale(A));
  return ratio(scaled, singularValues(scaled));
}

/** numpy's norm options, with the spectral matrix norms. */
export interface MatrixNormOptions extends Omit<NormOptions, "ord"> {
  /**
   * Matrices: 2 (largest singular value), −2 (smallest), "nuc" (their sum), and np.norm's
   * "fro", ±1, ±Infinity. Vectors: as np.norm.
   */
  ord?: number | "fro" | "nuc";
}

/**
 * np.norm extended with the spectral matrix norms: ord 2 is the largest singular value
 * (√ of the largest eigenvalue of the smaller Gram matrix aᵀa or a·aᵀ, accurate to
 * relative ε), −2 the smallest and "nuc" the sum (from `singularValues`). Other ords, and
 * vectors, go to np.norm. All are scale-safe: the spectral ones work on a/max|aᵢⱼ| (see
 * `matrixScale`), np.norm's as BLAS nrm2, so a matrix of size 1e-200 or 1e200 has a norm
 * of that size, not 0 or Infinity.
 *
 * @example
 * linalg.norm(np.array([[3, 0], [0, 4]]), { ord: 2 }).item(); // 4
 */
export function norm(x: np.ArrayLike, opts: MatrixNormOptions = {}): Array {
  const { ord, axis, keepdims } = opts;
  const a = np.asArray(x);
  const spectral = ord === 2 || ord === -2 || ord === "nuc";
  const matrixAxes = globalThis.Array.isArray(axis) ? (axis as readonly number[]) : axis === undefined || axis === null ? (a.ndim === 2 ? [0, 1] : null) : null;
  if (matrixAxes && matrixAxes.length !== 2) {
    throw new Error(`norm: axis must be one axis (a vector norm) or two (a matrix norm), got [${matrixAxes.join(",")}]`);
  }
  if (!spectral || !matrixAxes) {
    if (ord === "nuc") throw new Error(`norm: ord "nuc" needs a matrix (2-D, or two axes), got shape ${shapeString(a.shape)}`);
    return np.norm(a, { ...opts, ord });
  }
  const A0 = np.astype(a, np.floatDtype(a));
  const [r, c] = matrixAxes.map((ax) => (ax < 0 ? ax + a.ndim : ax)) as [number, number];
  if (r === c || !(r >= 0 && r < a.ndim && c >= 0 && c < a.ndim)) {
    throw new Error(`norm: axes [${matrixAxes.join(",")}] must be two different axes of an array of rank ${a.ndim}`);
  }
  const rest = [...a.shape.keys()].filter((i) => i !== r && i !== c);
  const A1 = np.transpose(A0, [...rest, r, c]);
  const s = matrixScale(A1);
  const A = np.div(A1, s);
  let out: Array;
  if (ord === 2) {
    const [m, n] = A.shape.slice(-2) as [number, number];
    const gram = m >= n ? np.matmul(mT(A), A) : np.matmul(A, mT(A));
    const [w] = bind(eighP, [gram], {}) as [Array];
    out = np.sqrt(np.maximum(np.max(w, { axis: -1 }), 0));
  } else {
    const sigma = singularValues(A);
    out = ord === -2 ? np.min(sigma, { axis: -1 }) : np.sum(sigma, { axis: -1 });
  }
  out = np.mul(np.reshape(s, out.shape), out);
  return keepdims ? np.reshape(out, a.shape.map((d, i) => (i === r || i === c ? 1 : d))) : out;
}
