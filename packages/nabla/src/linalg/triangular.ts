// Triangular solves op(T)·X = B on row-major blocks (offset, leading dimension): recursive,
// so that most flops go to one product (gemmUpdate, in WebAssembly SIMD where it runs),
// and substitution below the recursion, for one right-hand side four rows at a time.
import { gemmUpdate, type MatrixBlock } from "../array/index.js";

/** What a triangular solve reads of its matrix. */
export interface TriangularOptions {
  lower: boolean;
  transpose: boolean;
  unitDiagonal: boolean;
}

/** Triangular solves at most this large (or with fewer right-hand sides than RHS_MIN) run unblocked. */
export const TRSM_BASE = 16;
export const RHS_MIN = 8;

/** A block of a row-major matrix, as gemmUpdate takes it. */
export const block = (data: Float64Array, offset: number, ld: number, transposed = false): MatrixBlock => ({ data, offset, ld, transposed });

/** Whether solveTriangularBlocked of n rows and k right-hand sides runs only in JavaScript (no product). */
export const substitutesOnly = (n: number, k: number): boolean => n <= TRSM_BASE || k < RHS_MIN;

/**
 * Solves op(T)·X = B in place: T is n×n at `t[to..]` (rows `ldt` apart), of which only
 * the `lower` or upper triangle is read; B is n×k at `b[bo..]` (rows `ldb` apart).
 * Recursive (halving T, as in Elmroth et al., "Recursive blocked algorithms", SIAM
 * Review 2004): X₁ from T₁₁, then B₂ ← B₂ − op(T)₂₁·X₁ in one product, then X₂ from T₂₂.
 *
 * @example
 * const B = Float64Array.of(2, 5); // T = [[2, 0], [1, 2]] lower
 * solveTriangularBlocked(Float64Array.of(2, 0, 1, 2), 0, 2, 2, B, 0, 1, 1, { lower: true, transpose: false, unitDiagonal: false });
 * // B is [1, 2]
 */
export function solveTriangularBlocked(t: Float64Array, to: number, ldt: number, n: number, b: Float64Array, bo: number, ldb: number, k: number, o: TriangularOptions): void {
  if (n <= TRSM_BASE || k < RHS_MIN) return solveTriangularUnblocked(t, to, ldt, n, b, bo, ldb, k, o);
  const h = n >> 1;
  const rest = n - h;
  const [t11, t22] = [to, to + h * ldt + h];
  const [b1, b2] = [bo, bo + h * ldb];
  // op(T)'s off-diagonal block: below the diagonal when op(T) is lower triangular.
  const forward = o.lower !== o.transpose;
  if (forward) {
    solveTriangularBlocked(t, t11, ldt, h, b, b1, ldb, k, o);
    const t21 = o.transpose ? block(t, to + h, ldt, true) : block(t, to + h * ldt, ldt);
    gemmUpdate(block(b, b2, ldb), t21, block(b, b1, ldb), rest, h, k);
    solveTriangularBlocked(t, t22, ldt, rest, b, b2, ldb, k, o);
  } else {
    solveTriangularBlocked(t, t22, ldt, rest, b, b2, ldb, k, o);
    const t12 = o.transpose ? block(t, to + h * ldt, ldt, true) : block(t, to + h, ldt);
    gemmUpdate(block(b, b1, ldb), t12, block(b, b2, ldb), h, rest, k);
    solveTriangularBlocked(t, t11, ldt, h, b, b1, ldb, k, o);
  }
}

/** Substitution row by row: each row of X is its row of B less multiples of rows already solved. */
export function solveTriangularUnblocked(t: Float64Array, to: number, ldt: number, n: number, b: Float64Array, bo: number, ldb: number, k: number, o: TriangularOptions): void {
  if (k === 1) return substituteVector(t, to, ldt, n, b, bo, ldb, o);
  const forward = o.lower !== o.transpose;
  // (i, j) of op(T) is at t[to + i·si + j·sj].
  const [si, sj] = o.transpose ? [1, ldt] : [ldt, 1];
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const row = bo + i * ldb;
    const [from, to_] = forward ? [0, i] : [i + 1, n];
    for (let j = from; j < to_; j++) {
      const tij = t[to + i * si + j * sj]!;
      if (tij === 0) continue;
      const rj = bo + j * ldb;
      for (let c = 0; c < k; c++) b[row + c] = b[row + c]! - tij * b[rj + c]!;
    }
    if (!o.unitDiagonal) {
      const d = t[to + i * si + i * sj]!;
      for (let c = 0; c < k; c++) b[row + c] = b[row + c]! / d;
    }
  }
}

/**
 * solveTriangularUnblocked for one right-hand side (a solve's b): x_i is b_i less t_ij·x_j
 * for each j in the same order (zeros skipped), then divided by t_ii: the same operations,
 * so the same bits, with the running value in a register instead of a loop over k.
 */
function substituteVector(t: Float64Array, to: number, ldt: number, n: number, b: Float64Array, bo: number, ldb: number, o: TriangularOptions): void {
  // (i, j) of op(T) is at t[to + i·si + j·sj].
  const si = o.transpose ? 1 : ldt;
  const sj = o.transpose ? ldt : 1;
  if (o.lower !== o.transpose) return substituteForward(t, to, si, sj, n, b, bo, ldb, o.unitDiagonal);
  for (let i = n - 1; i >= 0; i--) {
    const x = backwardRow(t, to + i * si, sj, i + 1, n, b, bo, ldb, b[bo + i * ldb]!);
    b[bo + i * ldb] = o.unitDiagonal ? x : x / t[to + i * si + i * sj]!;
  }
}

/**
 * x less t_j·b_j for j = j0..n−1 in order (zeros skipped; t_j at t[row + j·sj]), two
 * terms a step: each row of a backward substitution waits on the row below, so only its
 * own loop's overhead can go, not its chain of subtractions (whose order stays).
 */
function backwardRow(t: Float64Array, row: number, sj: number, j0: number, n: number, b: Float64Array, bo: number, ldb: number, x: number): number {
  let j = j0;
  for (let at = row + j * sj; j + 1 < n; j += 2, at += 2 * sj) {
    const t0 = t[at]!;
    const t1 = t[at + sj]!;
    const p0 = t0 * b[bo + j * ldb]!;
    const p1 = t1 * b[bo + (j + 1) * ldb]!;
    if (t0 !== 0) x -= p0;
    if (t1 !== 0) x -= p1;
  }
  if (j < n) {
    const tj = t[row + j * sj]!;
    if (tj !== 0) x -= tj * b[bo + j * ldb]!;
  }
  return x;
}

/**
 * Forward substitution four rows at a time: the rows' running values are independent
 * chains of subtractions that the processor overlaps (one row's chain alone waits on
 * each subtraction's latency), sharing the loads of x_j for the j before the group;
 * then the group's own triangle row by row. Every row subtracts its terms in the order
 * of one row at a time, so the bits are the same.
 */
function substituteForward(t: Float64Array, to: number, si: number, sj: number, n: number, b: Float64Array, bo: number, ldb: number, unit: boolean): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const [r0, r1, r2, r3] = [to + i * si, to + (i + 1) * si, to + (i + 2) * si, to + (i + 3) * si];
    let [x0, x1, x2, x3] = [b[bo + i * ldb]!, b[bo + (i + 1) * ldb]!, b[bo + (i + 2) * ldb]!, b[bo + (i + 3) * ldb]!];
    for (let j = 0, at = 0; j < i; j++, at += sj) {
      const xj = b[bo + j * ldb]!;
      let tij = t[r0 + at]!;
      if (tij !== 0) x0 -= tij * xj;
      tij = t[r1 + at]!;
      if (tij !== 0) x1 -= tij * xj;
      tij = t[r2 + at]!;
      if (tij !== 0) x2 -= tij * xj;
      tij = t[r3 + at]!;
      if (tij !== 0) x3 -= tij * xj;
    }
    [b[bo + i * ldb], b[bo + (i + 1) * ldb], b[bo + (i + 2) * ldb], b[bo + (i + 3) * ldb]] = [x0, x1, x2, x3];
    finishForward(t, to, si, sj, i, i + 4, i, b, bo, ldb, unit);
  }
  finishForward(t, to, si, sj, i, n, 0, b, bo, ldb, unit);
}

/** Rows i0..i1 of a forward substitution whose terms j < j0 are already subtracted from b. */
function finishForward(t: Float64Array, to: number, si: number, sj: number, i0: number, i1: number, j0: number, b: Float64Array, bo: number, ldb: number, unit: boolean): void {
  for (let i = i0; i < i1; i++) {
    let x = b[bo + i * ldb]!;
    for (let j = j0, at = to + i * si + j0 * sj; j < i; j++, at += sj) {
      const tij = t[at]!;
      if (tij !== 0) x -= tij * b[bo + j * ldb]!;
    }
    b[bo + i * ldb] = unit ? x : x / t[to + i * si + i * sj]!;
  }
}
