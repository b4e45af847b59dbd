// The SVD kernel: one-sided (Hestenes) Jacobi after a QR preconditioning step, as in
// Drmač & Veselić, "New fast and accurate Jacobi SVD algorithm" (SIAM J. Matrix Anal.
// Appl. 29, 2008), and Demmel, "Applied Numerical Linear Algebra", Algorithm 5.13.
// One-sided Jacobi orthogonalizes the columns of a matrix by plane rotations; the
// singular values are the final column norms. It is slower than bidiagonalization but
// simpler and more accurate: small singular values keep relative accuracy (Demmel &
// Veselić 1992) instead of the absolute ε·σ_max of a QR iteration.
import { type TypedArray, isSafeSumOfSquares, nrm2 } from "../array/index.js";
import { householderQR } from "./kernels.js";

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;

/** A reduced or full SVD of one m×n matrix, row-major: A = U·diag(s)·Vᵀ. */
export interface SvdParts {
  /** Descending, k = min(m, n). */
  s: Float64Array;
  /** m×k, or m×m when full. */
  U: Float64Array;
  /** Vᵀ: k×n, or n×n when full. */
  Vt: Float64Array;
}

/**
 * The SVD of the m×n matrix at `a[off..]`. Singular vectors (when `vectors`) are signed
 * so that each column of U has its largest-magnitude entry positive (the first, on a
 * tie), which makes U and V locally smooth functions of A where the singular values are
 * distinct. `full` completes U (m > n) or V (m < n) to a square orthogonal matrix.
 * Non-finite input gives NaN everywhere.
 */
export function svdOne(a: TypedArray, off: number, m: number, n: number, vectors: boolean, full: boolean): SvdParts {
  const k = Math.min(m, n);
  const [ucols, vrows] = full ? [m, n] : [k, k];
  let finite = true;
  let largest = 0;
  for (let i = 0; i < m * n; i++) {
    const v = a[off + i]!;
    if (!Number.isFinite(v)) finite = false;
    largest = Math.max(largest, Math.abs(v));
  }
  if (!finite) {
    return { s: new Float64Array(k).fill(NaN), U: new Float64Array(m * ucols).fill(NaN), Vt: new Float64Array(vrows * n).fill(NaN) };
  }
  // Work on the tall one of A and Aᵀ (M ≥ N), over a power of two near max|aᵢⱼ|: exact,
  // and its squares cannot overflow at 1e300 or underflow at 1e-300.
  const tall = m >= n;
  const [M, N] = tall ? [m, n] : [n, m];
  const unit = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  const B = new Float64Array(M * N);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) B[tall ? i * n + j : j * m + i] = a[off + i * n + j]! / unit;
  }
  const { s, left, right } = tallSvd(B, M, N, vectors);
  for (let j = 0; j < N; j++) s[j] = s[j]! * unit;
  if (!vectors) return { s, U: new Float64Array(0), Vt: new Float64Array(0) };
  // B = left·diag(s)·rightᵀ, so A = left·s·rightᵀ (tall) or right·s·leftᵀ (wide).
  const [Uk, Vk, vRows] = tall ? [left, right, N] : [right, left, M];
  // Uk: m×k, Vk: (n×k), both row-major. The sign convention, on U's columns.
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let i = 1; i < m; i++) if (Math.abs(Uk[i * k + j]!) > Math.abs(Uk[big * k + j]!)) big = i;
    if (Uk[big * k + j]! < 0) {
      for (let i = 0; i < m; i++) Uk[i * k + j] = -Uk[i * k + j]!;
      for (let i = 0; i < vRows; i++) Vk[i * k + j] = -Vk[i * k + j]!;
    }
  }
  const U = full && m > k ? completeBasis(Uk, m, k) : Uk;
  const V = full && n > k ? completeBasis(Vk, n, k) : Vk;
  const vc = full ? n : k;
  const Vt = new Float64Array(vc * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < vc; j++) Vt[j * n + i] = V[i * vc + j]!;
  return { s, U, Vt };
}

/**
 * SVD of a tall M×N matrix B (M ≥ N, entries at most 2 in size): B = Q·R by Householder,
 * then one-sided Jacobi on X = Rᵀ, X·J = G with orthogonal columns (Drmač–Veselić: on Rᵀ
 * the iteration converges in fewer sweeps than on R). With Ux = G·diag(1/σ):
 * Rᵀ = Ux·Σ·Jᵀ, so B = (Q·J)·Σ·Uxᵀ: left = Q·J (M×N), right = Ux (N×N).
 */
function tallSvd(B: Float64Array, M: number, N: number, vectors: boolean): { s: Float64Array; left: Float64Array; right: Float64Array } {
  const { Q, R } = householderQR(B, 0, M, N);
  // W's row j is column j of G (= row j of R at the start); Jt's row j is column j of J.
  const W = Float64Array.from(R);
  const Jt = vectors ? identity(N) : null;
  orthogonalizeRows(W, Jt, N, N);
  const norms = Float64Array.from({ length: N }, (_, j) => nrm2(W, j * N, j * N + N));
  // Descending, stable on ties.
  const order = Array.from({ length: N }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]! || x - y);
  const s = Float64Array.from(order, (j) => norms[j]!);
  if (!vectors) return { s, left: new Float64Array(0), right: new Float64Array(0) };
  const left = new Float64Array(M * N);
  const right = new Float64Array(N * N);
  order.forEach((src, j) => {
    // left column j = Q·(column src of J); right column j = column src of G over σ.
    for (let i = 0; i < M; i++) {
      let t = 0;
      for (let p = 0; p < N; p++) t += Q[i * N + p]! * Jt![src * N + p]!;
      left[i * N + j] = t;
    }
    const sigma = norms[src]!;
    if (sigma > 0) for (let i = 0; i < N; i++) right[i * N + j] = W[src * N + i]! / sigma;
  });
  // A zero singular value leaves its right vector undetermined: any unit vector
  // orthogonal to the others will do.
  for (let j = 0; j < N; j++) if (s[j] === 0) fillOrthogonal(right, N, N, j);
  return { s, left, right };
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

/**
 * Cyclic one-sided Jacobi on the rows of W (rows×len): rotates pairs of rows until every
 * pair is orthogonal to |cos| ≤ len·ε, applying each rotation to the rows of Jt too.
 */
function orthogonalizeRows(W: Float64Array, Jt: Float64Array | null, rows: number, len: number): void {
  const tol = Math.max(len, 1) * EPS;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < rows - 1; p++) {
      for (let q = p + 1; q < rows; q++) {
        const t = rotationTangent(W, p * len, q * len, len, tol);
        if (t === 0) continue;
        rotated = true;
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(W, p * len, q * len, len, c, c * t);
        if (Jt) rotate(Jt, p * rows, q * rows, rows, c, c * t);
      }
    }
    if (!rotated) return;
  }
  throw new Error("svd: the Jacobi iteration did not converge");
}

/**
 * tan θ of the rotation that makes rows p and q orthogonal (Demmel, Alg. 5.13), or 0 when
 * they already are: |xᵀy| ≤ tol·‖x‖·‖y‖. Rows so small (or large) that their sums of
 * squares lose terms are measured scale-safely, on the cosine of their angle.
 */
function rotationTangent(W: Float64Array, p: number, q: number, len: number, tol: number): number {
  let alpha = 0;
  let beta = 0;
  let gamma = 0;
  for (let i = 0; i < len; i++) {
    const x = W[p + i]!;
    const y = W[q + i]!;
    alpha += x * x;
    beta += y * y;
    gamma += x * y;
  }
  let zeta: number;
  if (isSafeSumOfSquares(alpha) && isSafeSumOfSquares(beta)) {
    if (Math.abs(gamma) <= tol * Math.sqrt(alpha) * Math.sqrt(beta)) return 0;
    zeta = (beta - alpha) / (2 * gamma);
  } else {
    const a = nrm2(W, p, p + len);
    const b = nrm2(W, q, q + len);
    if (a === 0 || b === 0) return 0;
    let cos = 0;
    for (let i = 0; i < len; i++) cos += (W[p + i]! / a) * (W[q + i]! / b);
    if (Math.abs(cos) <= tol) return 0;
    zeta = (b / a - a / b) / (2 * cos);
  }
  // The smaller of the two angles, which keeps the iteration convergent; ζ² may overflow,
  // and then t underflows to a (correctly) negligible rotation.
  return (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
}

/** Rows p, q ← c·p − s·q, s·p + c·q. */
function rotate(W: Float64Array, p: number, q: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const x = W[p + i]!;
    const y = W[q + i]!;
    W[p + i] = c * x - s * y;
    W[q + i] = s * x + c * y;
  }
}

/**
 * Column j of the rows×cols row-major X (orthonormal columns elsewhere, zero here) set
 * to a unit vector orthogonal to the other nonzero columns: the standard basis vector
 * with the largest residual, projected twice (Gram–Schmidt with reorthogonalization).
 */
function fillOrthogonal(X: Float64Array, rows: number, cols: number, j: number): void {
  let best: Float64Array | null = null;
  let bestNorm = -1;
  for (let e = 0; e < rows; e++) {
    const v = new Float64Array(rows);
    v[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let c = 0; c < cols; c++) {
        if (c === j) continue;
        let d = 0;
        for (let i = 0; i < rows; i++) d += X[i * cols + c]! * v[i]!;
        for (let i = 0; i < rows; i++) v[i] = v[i]! - d * X[i * cols + c]!;
      }
    }
    const norm = nrm2(v);
    if (norm > bestNorm) [best, bestNorm] = [v, norm];
    if (norm > 0.5) break; // good enough: well away from the span of the others
  }
  for (let i = 0; i < rows; i++) X[i * cols + j] = best![i]! / bestNorm;
}

/**
 * [X, X⊥]: the rows×k matrix X with orthonormal columns completed to a rows×rows
 * orthogonal matrix. X⊥ is the last rows − k columns of the Householder Q of X
 * (Golub & Van Loan §5.2): Q = H₀⋯H_{k−1}, and Q·e_j for j ≥ k is orthogonal to X.
 */
export function completeBasis(X: Float64Array, rows: number, k: number): Float64Array {
  const W = Float64Array.from(X);
  const V: Float64Array[] = [];
  const betas: number[] = [];
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(rows);
    let tail = 0;
    for (let i = c + 1; i < rows; i++) {
      v[i] = W[i * k + c]!;
      tail += v[i]! * v[i]!;
    }
    const x0 = W[c * k + c]!;
    if (tail === 0) {
      V.push(v);
      betas.push(0);
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + tail);
    const alpha = x0 > 0 ? -norm : norm;
    v[c] = x0 - alpha;
    const beta = 2 / (v[c]! * v[c]! + tail);
    for (let cc = c; cc < k; cc++) {
      let d = 0;
      for (let i = c; i < rows; i++) d += v[i]! * W[i * k + cc]!;
      d *= beta;
      for (let i = c; i < rows; i++) W[i * k + cc] = W[i * k + cc]! - d * v[i]!;
    }
    V.push(v);
    betas.push(beta);
  }
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) out[i * rows + j] = X[i * k + j]!;
  for (let j = k; j < rows; j++) {
    const e = new Float64Array(rows);
    e[j] = 1;
    for (let c = k - 1; c >= 0; c--) {
      if (betas[c] === 0) continue;
      const v = V[c]!;
      let d = 0;
      for (let i = c; i < rows; i++) d += v[i]! * e[i]!;
      d *= betas[c]!;
      for (let i = c; i < rows; i++) e[i] = e[i]! - d * v[i]!;
    }
    for (let i = 0; i < rows; i++) out[i * rows + j] = e[i]!;
  }
  return out;
}
