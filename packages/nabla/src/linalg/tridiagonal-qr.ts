// The implicit symmetric QR iteration with Wilkinson shifts (Golub & Van Loan, §8.3) on a
// tridiagonal matrix: eigh's solver below the size where divide and conquer wins, the
// leaf solver of divide and conquer, and Lanczos's. It rotates whole rows of Z, which are
// contiguous: rotating strips of columns, or a column at a time with the carried row in
// a register, measured 1.3–2.7× slower in JavaScript. Where WebAssembly runs, Z stays in
// its memory for the whole iteration and each step's rotations are applied there in one
// call (array/wasm/rotations.ts), with the JavaScript loop's bits.
import { residentRows } from "../array/index.js";

const EPS = 2 ** -52;

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

/** Below this many entries per row of Z, rotating in JavaScript beats copying Z into WebAssembly. */
const WASM_MIN_WIDTH = 16;

/** tridiagonalEigen's QR iteration, on (d, e) of moderate size. */
function diagonalize(d: Float64Array, e: Float64Array, Z: Float64Array | null, width: number): void {
  const n = d.length;
  const resident = Z !== null && width >= WASM_MIN_WIDTH ? residentRows(Z, n, width) : null;
  const negligible = (i: number) => Math.abs(e[i]!) <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!));
  let hi = n - 1;
  let steps = 0;
  const rotations = new Float64Array(2 * n); // a step's (c, s) pairs, for Z rotated in JavaScript
  try {
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
      const count = hi - lo;
      if (resident !== null) qrStep(d, e, lo, hi, resident.sweep(lo, hi));
      else {
        qrStep(d, e, lo, hi, rotations);
        if (Z !== null) for (let k = 0; k < count; k++) rotateRows(Z, width, lo + k, rotations[2 * k]!, rotations[2 * k + 1]!);
      }
    }
  } finally {
    resident?.finish();
  }
}

/** Rows k, k+1 of Z (rows of `width`) become (c·u + s·v, c·v − s·u). */
function rotateRows(Z: Float64Array, width: number, k: number, c: number, s: number): void {
  const r0 = k * width;
  const r1 = r0 + width;
  for (let i = 0; i < width; i++) {
    const u = Z[r0 + i]!;
    const v = Z[r1 + i]!;
    Z[r0 + i] = c * u + s * v;
    Z[r1 + i] = c * v - s * u;
  }
}

/**
 * One implicit QR step with a Wilkinson shift on the unreduced block lo..hi; the (c, s)
 * of its rotation of rows (k, k+1) go to cs[2(k−lo)], cs[2(k−lo)+1], for Z.
 */
function qrStep(d: Float64Array, e: Float64Array, lo: number, hi: number, cs: Float64Array): void {
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
    cs[2 * (k - lo)] = c;
    cs[2 * (k - lo) + 1] = s;
  }
}
