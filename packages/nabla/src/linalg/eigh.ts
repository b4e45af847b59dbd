// The symmetric eigenvalue kernel: Householder reduction to tridiagonal form, then the
// implicit symmetric QR iteration with Wilkinson shifts (Golub & Van Loan, §8.3). Both
// steps are orthogonal transformations, so eigenvalues come out with an absolute error
// of a small multiple of ε·‖A‖, and eigenvectors orthonormal to working precision.
import type { TypedArray } from "../array/index.js";

const EPS = 2 ** -52;

/**
 * Eigenvalues (ascending) and eigenvectors (columns of `V`, row-major n×n) of the
 * symmetric matrix whose lower triangle is `a[off..]`; the upper triangle is not read.
 * Each eigenvector is scaled so that its largest-magnitude entry is positive, which
 * makes V a well-defined (locally smooth) function of A for distinct eigenvalues.
 * Non-finite input gives all-NaN output.
 */
export function symmetricEigen(a: TypedArray, off: number, n: number): { w: Float64Array; V: Float64Array } {
  const A = new Float64Array(n * n);
  let finite = true;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[off + i * n + j]!;
      if (!Number.isFinite(v)) finite = false;
      largest = Math.max(largest, Math.abs(v));
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  if (!finite) return { w: new Float64Array(n).fill(NaN), V: new Float64Array(n * n).fill(NaN) };
  // Work on A/s for a power of two s near max|aᵢⱼ|: exact, and the same eigenvectors, but
  // the squares and products inside (Householder norms, shifts) can neither overflow for
  // a matrix of size 1e200 nor underflow for one of size 1e-200. The eigenvalues are s·d.
  const unit = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  for (let i = 0; i < n * n; i++) A[i] = A[i]! / unit;
  const { d, e, Z } = tridiagonalize(A, n);
  tridiagonalEigen(d, e, Z, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const w = new Float64Array(n);
  const V = new Float64Array(n * n);
  order.forEach((src, j) => {
    w[j] = d[src]! * unit;
    const row = src * n;
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(Z[row + i]!) > Math.abs(Z[row + big]!)) big = i;
    const sign = Z[row + big]! < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) V[i * n + j] = sign * Z[row + i]!;
  });
  return { w, V };
}

/**
 * Householder tridiagonalization A = Q·T·Qᵀ of a full symmetric n×n matrix (overwritten).
 * Returns T's diagonal d, its off-diagonal e (e[i] couples i and i+1; e[n-1] = 0) and
 * Z = Qᵀ, whose row i is column i of Q: the QR iteration then rotates contiguous rows.
 */
function tridiagonalize(A: Float64Array, n: number): { d: Float64Array; e: Float64Array; Z: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const betas = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // x = A[k+1.., k], read from row k (A stays symmetric); v overwrites it.
    const row = k * n;
    // x over a power of two near its largest entry: exact (the same reflector, bit for
    // bit), but x's squares cannot underflow when x is tiny next to the rest of A (a
    // tail of size 1e-160 in a matrix of size 1 made β = 2/vᵀv overflow, and the QR
    // iteration fail), nor overflow. v is kept as v/unit, β as β·unit²: the same H.
    let largest = 0;
    for (let i = k + 1; i < n; i++) largest = Math.max(largest, Math.abs(A[row + i]!));
    const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
    const x0 = A[row + k + 1]! / unit;
    let tail = 0;
    for (let i = k + 2; i < n; i++) {
      A[row + i] = A[row + i]! / unit;
      tail += A[row + i]! ** 2;
    }
    if (tail === 0) {
      e[k] = x0 * unit;
      A[row + k + 1] = 0; // H = I: a zero vector leaves everything alone
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + tail);
    const alpha = x0 > 0 ? -norm : norm;
    A[row + k + 1] = x0 - alpha;
    const beta = 2 / ((x0 - alpha) ** 2 + tail);
    betas[k] = beta;
    e[k] = alpha * unit;
    // B ← H·B·H for the trailing block B, as B − v·wᵀ − w·vᵀ with p = β·B·v and
    // w = p − (β·pᵀv/2)·v.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += A[i * n + j]! * A[row + j]!;
      p[i] = beta * s;
      pv += p[i]! * A[row + i]!;
    }
    const K = (beta * pv) / 2;
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - K * A[row + i]!;
    for (let i = k + 1; i < n; i++) {
      const vi = A[row + i]!;
      const wi = p[i]!;
      for (let j = k + 1; j < n; j++) A[i * n + j] = A[i * n + j]! - vi * p[j]! - wi * A[row + j]!;
    }
  }
  for (let i = 0; i < n; i++) d[i] = A[i * n + i]!;
  if (n >= 2) e[n - 2] = A[(n - 1) * n + n - 2]!;
  // Q = H_0·H_1⋯H_{n-3}, built right to left so that each step only touches the trailing
  // block, where the partial product differs from I.
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const s = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const row = k * n;
    s.fill(0);
    for (let i = k + 1; i < n; i++) {
      const vi = A[row + i]!;
      for (let j = k + 1; j < n; j++) s[j] = s[j]! + vi * Q[i * n + j]!;
    }
    for (let i = k + 1; i < n; i++) {
      const vi = beta * A[row + i]!;
      for (let j = k + 1; j < n; j++) Q[i * n + j] = Q[i * n + j]! - vi * s[j]!;
    }
  }
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Z[j * n + i] = Q[i * n + j]!;
  return { d, e, Z };
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (d, e) in place into d (unsorted), by
 * implicit QR steps with Wilkinson shifts and deflation. Every rotation of rows k, k+1
 * of the tridiagonal matrix is applied to rows k, k+1 of Z (n rows of `width` entries),
 * so starting from Z = I gives the eigenvectors as Z's rows, and from Z = Qᵀ those of
 * Q·T·Qᵀ. `width` may be 1 to track only one component (Lanczos needs the last ones).
 */
export function tridiagonalEigen(d: Float64Array, e: Float64Array, Z: Float64Array | null, width: number): void {
  const n = d.length;
  // As in symmetricEigen, work on (d, e)/s for a power of two s near their largest
  // magnitude (exact), so the shift's b² cannot overflow for a Lanczos tridiagonal of
  // size 1e160 or underflow for one of size 1e-160.
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(d[i]!), Math.abs(e[i]!));
  const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
  for (let i = 0; i < n; i++) {
    d[i] = d[i]! / unit;
    e[i] = e[i]! / unit;
  }
  diagonalize(d, e, Z, width);
  for (let i = 0; i < n; i++) {
    d[i] = d[i]! * unit;
    e[i] = e[i]! * unit;
  }
}

/** tridiagonalEigen's QR iteration, on (d, e) of moderate size. */
function diagonalize(d: Float64Array, e: Float64Array, Z: Float64Array | null, width: number): void {
  const n = d.length;
  const negligible = (i: number) => Math.abs(e[i]!) <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!));
  let hi = n - 1;
  let steps = 0;
  while (hi > 0) {
    if (negligible(hi - 1)) {
      e[hi - 1] = 0;
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && !negligible(lo - 1)) lo--;
    if (lo > 0) e[lo - 1] = 0;
    // Convergence is cubic; a few steps per eigenvalue is the norm.
    if (++steps > 30 * n) throw new Error("eigh: the QR iteration did not converge");
    qrStep(d, e, Z, width, lo, hi);
  }
}

/** One implicit QR step with a Wilkinson shift on the unreduced block lo..hi. */
function qrStep(d: Float64Array, e: Float64Array, Z: Float64Array | null, width: number, lo: number, hi: number): void {
  // The shift: the eigenvalue of the trailing 2×2 block nearer its last diagonal entry.
  const delta = (d[hi - 1]! - d[hi]!) / 2;
  const b = e[hi - 1]!;
  const mu = d[hi]! - (b * b) / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, b));
  let x = d[lo]! - mu;
  let z = e[lo]!;
  for (let k = lo; k < hi; k++) {
    // The rotation G = [c s; −s c] with G·(x, z) = (r, 0): at k = lo it starts the step
    // from the first column of T − μI, afterwards it chases the bulge (x, z) down.
    const r = Math.hypot(x, z);
    const c = r === 0 ? 1 : x / r;
    const s = r === 0 ? 0 : z / r;
    if (k > lo) e[k - 1] = r;
    const dk = d[k]!;
    const dk1 = d[k + 1]!;
    const ek = e[k]!;
    d[k] = c * c * dk + 2 * c * s * ek + s * s * dk1;
    d[k + 1] = s * s * dk - 2 * c * s * ek + c * c * dk1;
    e[k] = c * s * (dk1 - dk) + (c * c - s * s) * ek;
    if (k < hi - 1) {
      x = e[k]!;
      z = s * e[k + 1]!;
      e[k + 1] = c * e[k + 1]!;
    }
    if (Z) {
      const r0 = k * width;
      const r1 = r0 + width;
      for (let i = 0; i < width; i++) {
        const u = Z[r0 + i]!;
        const v = Z[r1 + i]!;
        Z[r0 + i] = c * u + s * v;
        Z[r1 + i] = c * v - s * u;
      }
    }
  }
}
