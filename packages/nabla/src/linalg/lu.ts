// The LU primitives: `lu` (Gaussian elimination with partial pivoting of an m×n matrix,
// Golub & Van Loan Alg. 3.4.1, packed as LAPACK's getrf) and `lu_pivots_to_permutation`
// (LAPACK's row interchanges as one permutation). The factors' derivatives follow de
// Hoog, Anderssen & Lukas, "Differentiation of matrix functionals using triangular
// factorization" (Math. Comp. 80, 2011), as JAX does for rectangular matrices.
import { allocate, isFloat, shapeString, sizeOf, Storage, type TypedArray } from "../array/index.js";
import { bind, bind1, definePrimitive, np, type Array, type Primitive } from "../core/index.js";
import { luBlocked } from "./blocked.js";
import { triangularSolveP } from "./solvers.js";
import { mT, tril, triu } from "./util.js";

/**
 * P·A = L·U for the m×n matrix at `a[off..]`, packed: L (unit diagonal) below the
 * diagonal, U on and above. Row j was interchanged with row piv[j] ≥ j at step j; row i
 * of P·A is row perm[i] of A. A column without a nonzero pivot is skipped, as getrf does.
 * Blocked (blocked.ts), so that most flops run in the WebAssembly product.
 */
export function luPacked(a: TypedArray, off: number, m: number, n: number): { lu: Float64Array; piv: Int32Array; perm: Int32Array } {
  const lu = new Float64Array(m * n);
  const piv = new Int32Array(Math.min(m, n));
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  luBlocked(lu, m, n, piv, perm, { data: a, offset: off });
  return { lu, piv, perm };
}

/** The permutation matrix P with (P·x)_i = x_perm[i], from perm [..., m]. */
export function permutationMatrix(perm: Array, dtype: Array["dtype"]): Array {
  const m = perm.shape[perm.ndim - 1]!;
  return np.astype(np.equal(np.expandDims(perm, -1), np.arange(m, { dtype: "int32" })), dtype);
}

const triSolve = (a: Array, b: Array, lower: boolean, transpose: boolean, unitDiagonal: boolean, caller: string) =>
  bind1(triangularSolveP, [a, b], { lower, transpose, unitDiagonal, caller });

/** A zero array of the batch shape of x with the given trailing matrix shape. */
const zerosFor = (x: Array, r: number, c: number) => np.zeros([...x.shape.slice(0, -2), r, c], { dtype: x.dtype });

/**
 * The factors padded to squares (JAX's construction): L [..., m, m] unit lower
 * triangular (identity columns after the k-th), U [..., n, n] upper triangular
 * (identity block after the k-th row), so that both are invertible when U's leading
 * k×k block is, and the rules below hold for any m, n.
 */
export function paddedFactors(lu: Array): { L: Array; U: Array } {
  const [m, n] = lu.shape.slice(-2) as [number, number];
  const strict = m > n ? np.concatenate([tril(lu, -1), zerosFor(lu, m, m - n)], { axis: -1 }) : tril(np.split(lu, [m], { axis: -1 })[0]!, -1);
  const L = np.add(strict, np.eye(m, { dtype: lu.dtype }));
  if (m >= n) return { L, U: triu(np.split(lu, [n], { axis: -2 })[0]!) };
  const tail = np.concatenate([zerosFor(lu, n - m, m), np.broadcastTo(np.eye(n - m, { dtype: lu.dtype }), [...lu.shape.slice(0, -2), n - m, n - m])], { axis: -1 });
  return { L, U: np.concatenate([triu(lu), tail], { axis: -2 }) };
}

/**
 * [lu, piv, perm] of a [..., m, n]: the packed factors of P·A = L·U, LAPACK's pivots
 * piv [..., k] and the row permutation perm [..., m] (int32, no derivative). With
 * X = L⁻¹·P·Ȧ·U⁻¹ (padded factors): L̇ = L·tril(X, −1) and U̇ = triu(X)·U, packed.
 * Derivatives need U's leading k×k block to be nonsingular.
 */
export const luP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "lu",
  shapeRule([a]) {
    const s = a!.shape;
    if (s.length < 2) throw new Error(`lu: needs a matrix (or a stack of them), got shape ${shapeString(s)}`);
    if (!isFloat(a!.dtype)) throw new Error(`lu: the matrix must be floating point, got ${a!.dtype}`);
    const [m, n] = s.slice(-2) as [number, number];
    const batch = s.slice(0, -2);
    return [
      { shape: s, dtype: a!.dtype },
      { shape: [...batch, Math.min(m, n)], dtype: "int32" },
      { shape: [...batch, m], dtype: "int32" },
    ];
  },
  impl([a], _p, outs) {
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const k = Math.min(m, n);
    const count = sizeOf(a!.shape.slice(0, -2));
    const [lu, piv, perm] = outs.map((o) => allocate(o.dtype, sizeOf(o.shape)));
    for (let b = 0; b < count; b++) {
      const r = luPacked(a!.data, b * m * n, m, n);
      lu!.set(r.lu, b * m * n);
      piv!.set(r.piv, b * k);
      perm!.set(r.perm, b * m);
    }
    return outs.map((o, i) => new Storage(o.dtype, o.shape, [lu, piv, perm][i]!));
  },
  jvp([a], [ta]) {
    const outs = bind(luP, [a!], {});
    if (!ta) return [outs, [null, null, null]];
    const { L, U } = paddedFactors(outs[0]!);
    const x = np.matmul(permutationMatrix(outs[2]!, a!.dtype), ta);
    const la = triSolve(L, x, true, false, true, "lu");
    const X = mT(triSolve(U, mT(la), false, true, false, "lu")); // L⁻¹·P·Ȧ·U⁻¹
    return [outs, [np.add(np.matmul(L, tril(X, -1)), np.matmul(triu(X), U)), null, null]];
  },
  vjp([ct], [a], outs) {
    if (!ct) return [null];
    // ⟨L̄, L·tril(X, −1)⟩ + ⟨Ū, triu(X)·U⟩ = ⟨X̄, X⟩ with X̄ = tril(Lᵀ·L̄, −1) + triu(Ū·Uᵀ),
    // and ⟨X̄, L⁻¹·P·Ȧ·U⁻¹⟩ = ⟨Pᵀ·L⁻ᵀ·X̄·U⁻ᵀ, Ȧ⟩.
    const { L, U } = paddedFactors(outs[0]!);
    const Xbar = np.add(tril(np.matmul(mT(L), tril(ct, -1)), -1), triu(np.matmul(triu(ct), mT(U))));
    const Z = triSolve(L, Xbar, true, true, true, "lu");
    const W = mT(triSolve(U, mT(Z), false, false, false, "lu"));
    return [np.matmul(mT(permutationMatrix(outs[2]!, a!.dtype)), W)];
  },
  batch: ([a]) => [bind(luP, [a!], {}), [true, true, true]],
});

export interface PivotParams {
  /** The permutation's length m (rows of the factored matrix). */
  size: number;
  /** The public function to name in errors. */
  caller: string;
}

/**
 * LAPACK's pivots piv [..., k] (row j swapped with row piv[j], in order) as the
 * permutation perm [..., size] of P·A = L·U. Integers only: no derivative.
 */
export const luPivotsToPermutationP: Primitive<PivotParams> = definePrimitive<PivotParams>({
  name: "lu_pivots_to_permutation",
  shapeRule([piv], p) {
    const s = piv!.shape;
    if (piv!.dtype !== "int32" || s.length < 1 || s[s.length - 1]! > p.size) {
      throw new Error(`${p.caller}: the pivots must be int32 of shape (..., k) with k ≤ ${p.size}, got ${piv!.dtype} ${shapeString(s)}`);
    }
    return [{ shape: [...s.slice(0, -1), p.size], dtype: "int32" }];
  },
  impl([piv], p, [out]) {
    const k = piv!.shape[piv!.shape.length - 1]!;
    const count = sizeOf(piv!.shape.slice(0, -1));
    const data = allocate("int32", count * p.size);
    for (let b = 0; b < count; b++) {
      const base = b * p.size;
      for (let i = 0; i < p.size; i++) data[base + i] = i;
      for (let j = 0; j < k; j++) {
        const t = piv!.data[b * k + j]!;
        if (!(t >= 0 && t < p.size)) throw new Error(`${p.caller}: pivot ${j} is ${t}, outside 0..${p.size - 1}`);
        [data[base + j], data[base + t]] = [data[base + t]!, data[base + j]!];
      }
    }
    return [new Storage("int32", out!.shape, data)];
  },
  jvp: ([piv], _t, p) => [[bind1(luPivotsToPermutationP, [piv!], p)], [null]],
  vjp: () => [null],
  batch: ([piv], _b, p) => [[bind1(luPivotsToPermutationP, [piv!], p)], [true]],
});
