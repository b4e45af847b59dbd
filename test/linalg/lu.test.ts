import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkGrads, grad, linalg, np, random, vmap, type Array } from "nabla";
import { runs } from "../setup.js";

// lu, luFactor and luSolve (scipy.linalg's): P·L·U = A with the factors' shapes and
// structure, partial pivoting (|L| ≤ 1), the p_indices and permute_l forms, singular
// input, solves in both orientations, batching, errors, and derivatives to second order.
// scipy's values are in fixtures.test.ts.

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array | number) => np.max(np.abs(np.sub(a, b))).item();
const maxAbs = (a: Array) => np.max(np.abs(a)).item();
const loop = (f: (...x: Array[]) => Array, ...xs: Array[]) => np.stack([...xs[0]!].map((_, i) => f(...xs.map((x) => np.slice(x, i)))));
const lowerStrict = (r: number, c: number) => np.array(globalThis.Array.from({ length: r }, (_, i) => globalThis.Array.from({ length: c }, (_, j) => (j < i ? 1 : 0))));

describe("lu", () => {
  it("P·L·U = A: L unit lower triangular with |l_ij| ≤ 1, U upper triangular, P a permutation (random shapes, batches)", () => {
    const arb = fc.tuple(fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 1 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(1000));
    fc.assert(
      fc.property(arb, ([batch, m, n, seed]) => {
        const A = randn(seed, [...batch, m, n]);
        const [P, L, U] = linalg.lu(A);
        const k = Math.min(m, n);
        expect([P.shape, L.shape, U.shape]).toEqual([[...batch, m, m], [...batch, m, k], [...batch, k, n]]);
        expect(maxDiff(np.matmul(P, np.matmul(L, U)), A)).toBeLessThan(1e-14 * Math.max(m, n) * maxAbs(A));
        expect(maxAbs(np.mul(U, lowerStrict(k, n)))).toBe(0);
        expect(maxAbs(np.mul(L, mT(lowerStrict(k, m))))).toBe(0);
        expect(maxDiff(np.sum(np.mul(L, np.eye(m, k)), { axis: -2 }), 1)).toBe(0); // unit diagonal
        expect(maxAbs(L)).toBeLessThanOrEqual(1);
        expect(maxDiff(np.matmul(mT(P), P), np.eye(m))).toBe(0);
      }),
      { numRuns: runs(40) },
    );
  });

  it("closed form, and scipy's other forms: p_indices (a = L[p]·U) and permute_l (P·L, U)", () => {
    const A = np.array([[1, 2], [3, 4]]);
    const [P, L, U] = linalg.lu(A);
    expect([P.toArray(), L.toArray(), U.toArray()]).toEqual([[[0, 1], [1, 0]], [[1, 0], [1 / 3, 1]], [[3, 4], [0, 2 - (1 / 3) * 4]]]);
    const B = randn(1, [5, 3]);
    const [p, L2, U2] = linalg.lu(B, { pIndices: true });
    expect(p.dtype).toBe("int32");
    expect(maxDiff(np.matmul(np.take(L2, p, { axis: 0 }), U2), B)).toBeLessThan(1e-15 * 10);
    const [PL, U3] = linalg.lu(B, { permuteL: true });
    expect(maxDiff(np.matmul(PL, U3), B)).toBeLessThan(1e-15 * 10);
    expect(maxDiff(U3, U2)).toBe(0);
  });

  it("singular and rank-deficient matrices factor (as scipy's): a zero on U's diagonal, no error, no NaN", () => {
    const A = np.array([[1, 2, 3], [2, 4, 6], [1, 0, 1]]);
    const [P, L, U] = linalg.lu(A);
    expect(maxDiff(np.matmul(P, np.matmul(L, U)), A)).toBeLessThan(1e-15);
    expect(Math.abs((U.toArray() as number[][])[2]![2]!)).toBeLessThan(1e-15);
    const Z = linalg.lu(np.zeros([2, 3]));
    expect(Z.map((x) => x.toFloat64Array().every(Number.isFinite))).toEqual([true, true, true]);
    // The derivative needs U nonsingular: at a singular matrix it is an error naming lu.
    expect(() => grad((a: Array) => linalg.lu(a)[2].sum())(np.array([[1, 2], [2, 4]]))).toThrow(/^lu: the triangular matrix is singular/);
  });

  it("empty matrices: P is m×m, L m×0, U 0×n (scipy gives a 0×0 P for 3×0, which cannot multiply L)", () => {
    expect(linalg.lu(np.zeros([0, 3])).map((x) => x.shape)).toEqual([[0, 0], [0, 0], [0, 3]]);
    expect(linalg.lu(np.zeros([3, 0])).map((x) => x.shape)).toEqual([[3, 3], [3, 0], [0, 0]]);
    expect(linalg.luFactor(np.zeros([0, 0])).map((x) => x.shape)).toEqual([[0, 0], [0]]);
    expect(grad((a: Array) => linalg.lu(a)[2].sum())(np.zeros([0, 3])).shape).toEqual([0, 3]);
  });

  it("batches equal a loop; vmap equals both; float32 stays float32; errors name lu", () => {
    const A = randn(2, [3, 4, 3]);
    for (const i of [0, 1, 2]) {
      const f = (a: Array) => linalg.lu(a)[i]!;
      expect(maxDiff(f(A), loop(f, A))).toBe(0);
      expect(maxDiff(vmap(f)(A), loop(f, A))).toBe(0);
    }
    const [, L32] = linalg.lu(np.astype(A, "float32"));
    expect(L32.dtype).toBe("float32");
    expect(() => linalg.lu(np.ones([3]))).toThrow("lu: needs a matrix (or a stack of them), got shape (3,)");
  });

  it("derivatives of L and U to second order: square, tall, wide, batched", () => {
    const shifted = (x: Array) => np.add(x, np.mul(3, np.eye(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!)));
    for (const shape of [[3, 3], [4, 2], [2, 4], [2, 3, 3]]) {
      // Rows reversed: the pivoting permutes, and is locally constant.
      checkGrads((a: Array) => linalg.lu(np.flip(a, { axis: -2 })).slice(1), [shifted(randn(3 + shape.length, shape))], { order: 2 });
    }
  });
});

describe("luFactor and luSolve", () => {
  const A = np.add(randn(10, [4, 4]), np.mul(4, np.eye(4)));
  const b = randn(11, [4]);

  it("luSolve(luFactor(A), b) = solve(A, b), and aᵀ·x = b with trans 1 (or 2); vectors and matrices", () => {
    const f = linalg.luFactor(A);
    expect(maxDiff(linalg.luSolve(f, b), linalg.solve(A, b))).toBeLessThan(1e-15);
    expect(maxDiff(linalg.luSolve(f, b, { trans: 1 }), linalg.solve(A.T, b))).toBeLessThan(1e-15);
    expect(maxDiff(linalg.luSolve(f, b, { trans: 2 }), linalg.solve(A.T, b))).toBeLessThan(1e-15);
    const B = randn(12, [4, 3]);
    expect(maxDiff(np.matmul(A, linalg.luSolve(f, B)), B)).toBeLessThan(1e-14);
  });

  it("packed factors and LAPACK pivots: lu = L + U − I, and the pivots replay the permutation", () => {
    const [lu, piv] = linalg.luFactor(A);
    const [P, L, U] = linalg.lu(A);
    expect(maxDiff(lu, np.sub(np.add(L, U), np.eye(4)))).toBe(0);
    const perm = [0, 1, 2, 3];
    (piv.toArray() as number[]).forEach((j, i) => ([perm[i], perm[j]] = [perm[j]!, perm[i]!]));
    expect(maxDiff(np.take(A, np.array(perm, { dtype: "int32" }), { axis: 0 }), np.matmul(mT(P), A))).toBe(0);
    expect(linalg.luFactor(randn(13, [5, 3]))[1].shape).toEqual([3]); // rectangular: min(m, n) pivots
  });

  it("batched factors with a shared b, and vmap over b; pivots given as floats work", () => {
    const As = np.add(randn(14, [3, 4, 4]), np.mul(4, np.eye(4)));
    const f = linalg.luFactor(As);
    const X = linalg.luSolve(f, np.expandDims(b, -1));
    expect(maxDiff(np.squeeze(X, -1), loop((a) => linalg.solve(a, b), As))).toBeLessThan(1e-15);
    const Bs = randn(15, [5, 4]);
    const [lu, piv] = linalg.luFactor(A);
    expect(maxDiff(vmap((y: Array) => linalg.luSolve([lu, piv], y))(Bs), loop((y) => linalg.solve(A, y), Bs))).toBeLessThan(1e-15);
    expect(maxDiff(linalg.luSolve([lu, np.astype(piv, "float64")], b), linalg.luSolve([lu, piv], b))).toBe(0);
  });

  it("errors: a singular factor, bad pivots, shape mismatches, a bad trans", () => {
    const singular = linalg.luFactor(np.array([[1, 2], [2, 4]]));
    expect(() => linalg.luSolve(singular, np.array([1, 1]))).toThrow("luSolve: the triangular matrix is singular (diagonal entry 1 is zero) [input shape (2,2)]");
    const [lu] = linalg.luFactor(A);
    expect(() => linalg.luSolve([lu, np.array([0, 1, 9, 3], { dtype: "int32" })], b)).toThrow("luSolve: pivot 2 is 9, outside 0..3");
    expect(() => linalg.luSolve([lu, np.array([0, 1], { dtype: "int32" })], b)).toThrow("luSolve: piv must have shape (..., 4) for lu of shape (4,4), got (2,)");
    expect(() => linalg.luSolve([lu, np.zeros([4], { dtype: "int32" })], np.ones([3]))).toThrow("luSolve: shapes (4,4) and (3,) do not match (b needs 4 rows)");
    expect(() => linalg.luSolve([np.ones([2, 3]), np.zeros([2], { dtype: "int32" })], np.ones([2]))).toThrow(/^luSolve: the matrix must be square/);
    expect(() => linalg.luSolve([lu, np.zeros([4], { dtype: "int32" })], b, { trans: 3 as 0 })).toThrow("luSolve: trans must be 0, 1 or 2, got 3");
  });

  it("derivatives in a (through the factors) and b to second order, both orientations", () => {
    const f = (trans: 0 | 1) => (a: Array, y: Array) => linalg.luSolve(linalg.luFactor(a), y, { trans });
    checkGrads(f(0), [A, randn(16, [4, 2])], { order: 2 });
    checkGrads(f(1), [A, b], { order: 2 });
    // In the packed factors themselves.
    const [lu, piv] = linalg.luFactor(A);
    checkGrads((l: Array, y: Array) => linalg.luSolve([l, piv], y), [lu, b], { order: 2 });
  });
});
