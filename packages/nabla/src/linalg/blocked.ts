// Blocked factorizations, as LAPACK's: most of their flops go to one update,
// C ← C − op(A)·op(B) on sub-blocks (gemmUpdate, in WebAssembly SIMD where it runs), and
// only thin panels and small diagonal blocks are left to scalar loops. Matrices are
// row-major Float64Arrays addressed by (offset, leading dimension).
import { gemmUpdate, residentMatrix, type TypedArray } from "../array/index.js";
import { block, RHS_MIN, solveTriangularUnblocked, TRSM_BASE, type TriangularOptions } from "./triangular.js";

export { solveTriangularBlocked, substitutesOnly, type TriangularOptions } from "./triangular.js";

/** Columns per step of the blocked Cholesky factorization. */
const CHOLESKY_BLOCK = 32;
/** LU factors panels of at most this many columns by rank-one updates. */
const LU_BASE = 8;
/** LUs with min(m, n) below this stay in JavaScript: moving A into WebAssembly memory costs more (measured: 10×10 twice as slow, 16×16 faster). */
const RESIDENT_MIN = 16;

/**
 * Cholesky factorization in place of the n×n matrix L whose lower triangle holds A's
 * (the strict upper triangle zero): afterwards L·Lᵀ = A. Left-looking by blocks of
 * columns, as LAPACK's potrf: one product subtracts everything left of the block, then
 * a scalar pass factors the block's columns. Returns 0, or the 1-based order of the
 * first leading minor that is not positive (a NaN propagates instead).
 *
 * @example
 * const L = Float64Array.of(4, 0, 2, 5);
 * choleskyBlocked(L, 2); // 0, and L is [2, 0, 1, 2]
 */
export function choleskyBlocked(L: Float64Array, n: number): number {
  for (let j0 = 0; j0 < n; j0 += CHOLESKY_BLOCK) {
    const w = Math.min(CHOLESKY_BLOCK, n - j0);
    // L[j0.., j0..j0+w] −= L[j0.., ..j0]·L[j0..j0+w, ..j0]ᵀ. This also writes the
    // diagonal block's strict upper triangle, which the pass below does not read and
    // then clears.
    gemmUpdate(block(L, j0 * n + j0, n), block(L, j0 * n, n), block(L, j0 * n, n, true), n - j0, j0, w);
    const bad = choleskyColumns(L, n, j0, w);
    if (bad) return bad;
    for (let i = j0; i < j0 + w; i++) L.fill(0, i * n + i + 1, i * n + j0 + w);
  }
  return 0;
}

/** The unblocked Cholesky recurrence on columns j0..j0+w, rows j0..n, given the left part subtracted. */
function choleskyColumns(L: Float64Array, n: number, j0: number, w: number): number {
  for (let j = j0; j < j0 + w; j++) {
    const rj = j * n;
    let s = L[rj + j]!;
    for (let p = j0; p < j; p++) s -= L[rj + p]! * L[rj + p]!;
    if (s <= 0) return j + 1;
    const ljj = Math.sqrt(s);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = L[ri + j]!;
      for (let p = j0; p < j; p++) t -= L[ri + p]! * L[rj + p]!;
      L[ri + j] = t / ljj;
    }
  }
  return 0;
}

/**
 * LU factorization with partial pivoting in place of the m×n row-major matrix `lu`:
 * P·A = L·U packed (L's unit diagonal implied). Row j was interchanged with row
 * piv[j] ≥ j at step j; row i of P·A is row perm[i] of A. A column without a nonzero
 * pivot is skipped, as getrf does. Recursive on halves of the columns (Toledo 1997;
 * LAPACK's getrf2), so that nearly all flops are in triangular solves and products.
 * Where WebAssembly runs, the matrix stays in its memory throughout (residentMatrix):
 * the same arithmetic, so the same bits, without copies around every product. With
 * `from`, A is read from there (any typed array, as a float64 copy of it would be) and
 * `lu`'s contents are ignored: A then moves into WebAssembly memory without first being
 * copied into `lu`.
 *
 * @example
 * const lu = Float64Array.of(1, 2, 3, 4);
 * const piv = new Int32Array(2), perm = Int32Array.of(0, 1);
 * luBlocked(lu, 2, 2, piv, perm); // lu is [3, 4, 1/3, 2/3], piv [1, 1], perm [1, 0]
 */
export function luBlocked(lu: Float64Array, m: number, n: number, piv: Int32Array, perm: Int32Array, from?: { data: TypedArray; offset: number }): void {
  const { data, offset } = from ?? { data: lu, offset: 0 };
  const resident = Math.min(m, n) >= RESIDENT_MIN ? residentMatrix(data, m, n, offset) : null;
  if (resident === null && data !== lu) lu.set(data.subarray(offset, offset + m * n));
  factorOn(resident ?? inPlace(lu, m, n), m, n, piv, perm);
  resident?.finish(lu);
}

/**
 * luBlocked of the m×n matrix at `a[offset..]`, handing `use` the packed factors where
 * they were made, rows `ld` apart: in WebAssembly memory (ld ≥ n), or in a float64 copy,
 * and max |A| (NaN if A holds a NaN), which a singularity test measures pivots against:
 * scanned in WebAssembly too where the matrix is there (at n = 500, 0.32 ms against 0.49
 * here: bound by memory). The factors are valid only during the call, and no WebAssembly
 * kernel may run inside it.
 * Factors used once (a solve by substitution) so skip their copy out of WebAssembly memory.
 *
 * @example
 * const piv = new Int32Array(2), perm = Int32Array.of(0, 1);
 * luFactorWith(Float64Array.of(1, 2, 3, 4), 0, 2, 2, piv, perm, (f, ld, maxAbsA) => f[ld + 1] * maxAbsA); // 8/3
 */
export function luFactorWith<T>(a: TypedArray, offset: number, m: number, n: number, piv: Int32Array, perm: Int32Array, use: (f: Float64Array, ld: number, maxAbsA: number) => T): T {
  const resident = Math.min(m, n) >= RESIDENT_MIN ? residentMatrix(a, m, n, offset) : null;
  if (resident !== null) {
    const maxAbsA = resident.maxAbs();
    factorOn(resident, m, n, piv, perm);
    return use(resident.data, resident.ld, maxAbsA);
  }
  const maxAbsA = maxAbs(a, offset, m * n);
  const lu = new Float64Array(m * n);
  lu.set(a.subarray(offset, offset + m * n));
  factorOn(inPlace(lu, m, n), m, n, piv, perm);
  return use(lu, n, maxAbsA);
}

/**
 * max |a_i| over a[off..off + size], NaN if any is NaN (as Math.max would give, without a
 * call per element). Four running maxima, so that no comparison waits on the one before;
 * each is compared as !(v ≤ max), true for a NaN too, so the rare taken branch also
 * catches NaN. max is exact, so the grouping does not change the value.
 *
 * @example
 * maxAbs(Float64Array.of(1, -3, 2), 0, 3); // 3
 */
export function maxAbs(a: TypedArray, off: number, size: number): number {
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  const end = off + size;
  let i = off;
  for (; i + 4 <= end; i += 4) {
    const v0 = Math.abs(a[i]!);
    const v1 = Math.abs(a[i + 1]!);
    const v2 = Math.abs(a[i + 2]!);
    const v3 = Math.abs(a[i + 3]!);
    if (!(v0 <= b0)) {
      if (v0 !== v0) return NaN;
      b0 = v0;
    }
    if (!(v1 <= b1)) {
      if (v1 !== v1) return NaN;
      b1 = v1;
    }
    if (!(v2 <= b2)) {
      if (v2 !== v2) return NaN;
      b2 = v2;
    }
    if (!(v3 <= b3)) {
      if (v3 !== v3) return NaN;
      b3 = v3;
    }
  }
  for (; i < end; i++) {
    const v = Math.abs(a[i]!);
    if (!(v <= b0)) {
      if (v !== v) return NaN;
      b0 = v;
    }
  }
  return Math.max(b0, b1, b2, b3);
}

/** The recursive LU on its store, then piv's interchanges composed into perm. */
function factorOn(s: LuStore, m: number, n: number, piv: Int32Array, perm: Int32Array): void {
  const k = Math.min(m, n);
  luColumns(s, m, n, 0, k, piv);
  // A wide matrix's columns past the square part: U₁₂ = L₁₁⁻¹·A₁₂.
  if (n > k) unitLowerSolve(s, 0, k, k, n - k);
  for (let j = 0; j < k; j++) {
    const p = piv[j]!;
    if (p !== j) [perm[j], perm[p]] = [perm[p]!, perm[j]!];
  }
}

/**
 * Where an LU works, by slots i·ld + j of its matrix's elements: C ← C − A·B on blocks
 * (rows×k times k×cols), the elimination of the panel c0..c1, and the substitution
 * L·X = B (L the unit lower triangle of the n×n block at t, B n×k at b).
 */
interface LuStore {
  readonly ld: number;
  update(c: number, a: number, b: number, rows: number, k: number, cols: number): void;
  panel(c0: number, c1: number, piv: Int32Array): void;
  unitLower(t: number, n: number, b: number, k: number): void;
}

/** The m×n matrix where it is: its products by gemmUpdate (copies into WebAssembly, or JavaScript), the rest in JavaScript. */
function inPlace(lu: Float64Array, m: number, n: number): LuStore {
  return {
    ld: n,
    update: (c, a, b, rows, k, cols) => gemmUpdate(block(lu, c, n), block(lu, a, n), block(lu, b, n), rows, k, cols),
    panel: (c0, c1, piv) => luPanel(lu, m, n, c0, c1, piv),
    unitLower: (t, size, b, k) => solveTriangularUnblocked(lu, t, n, size, lu, b, n, k, UNIT_LOWER),
  };
}

const UNIT_LOWER: TriangularOptions = { lower: true, transpose: false, unitDiagonal: true };

/** solveTriangularBlocked's recursion for L·X = B, L unit lower n×n at slot t, B n×k at slot b, on one store. */
function unitLowerSolve(s: LuStore, t: number, n: number, b: number, k: number): void {
  if (n <= TRSM_BASE || k < RHS_MIN) return s.unitLower(t, n, b, k);
  const h = n >> 1;
  unitLowerSolve(s, t, h, b, k);
  s.update(b + h * s.ld, t + h * s.ld, b, n - h, h, k); // B₂ −= L₂₁·X₁
  unitLowerSolve(s, t + h * s.ld + h, n - h, b + h * s.ld, k);
}

/** Factors columns c0..c1 (rows c0..m), all updates from columns left of c0 applied. */
function luColumns(s: LuStore, m: number, n: number, c0: number, c1: number, piv: Int32Array): void {
  if (c1 - c0 <= LU_BASE) return s.panel(c0, c1, piv);
  const h = c0 + ((c1 - c0) >> 1);
  const ld = s.ld;
  luColumns(s, m, n, c0, h, piv);
  // Row interchanges always move whole rows, so the right half is already permuted.
  unitLowerSolve(s, c0 * ld + c0, h - c0, c0 * ld + h, c1 - h); // U₁₂ = L₁₁⁻¹·A₁₂
  s.update(h * ld + h, h * ld + c0, c0 * ld + h, m - h, h - c0, c1 - h); // A₂₂ −= L₂₁·U₁₂
  luColumns(s, m, n, h, c1, piv);
}

/** Gaussian elimination on the thin panel of columns c0..c1, swapping whole rows. */
function luPanel(lu: Float64Array, m: number, n: number, c0: number, c1: number, piv: Int32Array): void {
  for (let j = c0; j < c1; j++) {
    let p = j;
    for (let i = j + 1; i < m; i++) if (Math.abs(lu[i * n + j]!) > Math.abs(lu[p * n + j]!)) p = i;
    piv[j] = p;
    if (p !== j) {
      for (let c = 0; c < n; c++) {
        const tmp = lu[j * n + c]!;
        lu[j * n + c] = lu[p * n + c]!;
        lu[p * n + c] = tmp;
      }
    }
    const pivot = lu[j * n + j]!;
    if (pivot === 0) continue;
    for (let i = j + 1; i < m; i++) {
      const l = lu[i * n + j]! / pivot;
      lu[i * n + j] = l;
      if (l === 0) continue;
      for (let c = j + 1; c < c1; c++) lu[i * n + c] = lu[i * n + c]! - l * lu[j * n + c]!;
    }
  }
}
