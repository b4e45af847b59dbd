import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkGrads, jvp, linalg, np, random, vmap, type Array } from "nabla";
import { runs } from "../setup.js";

// svd and svdvals: identities (U·diag(S)·Vᵀ = A, orthonormality, order, the sign
// convention), closed forms, relative accuracy of tiny singular values, batching,
// float32, errors, and derivatives against finite differences (distinct singular
// values), with the documented behaviour at repeated ones. numpy's values are in
// fixtures.test.ts.

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array | number) => np.max(np.abs(np.sub(a, b))).item();
const loop = (f: (x: Array) => Array, x: Array) => np.stack([...x].map((_, i) => f(np.slice(x, i))));
/** U·diag(σ)·Vᵀ with random orthonormal U, V: a matrix with known singular values. */
function withSingularValues(seed: number, m: number, n: number, sigma: number[]): Array {
  const U = linalg.qr(randn(seed, [m, sigma.length]))[0];
  const V = linalg.qr(randn(seed + 1, [n, sigma.length]))[0];
  return np.matmul(np.mul(U, np.array(sigma)), V.T);
}
const leading = (x: Array, k: number, axis: number) => np.split(x, [k], { axis })[0]!;

/** Every identity an SVD of A must satisfy, at tolerance tol·‖A‖. */
function expectSvd(A: Array, full: boolean, tol = 1e-14): void {
  const [m, n] = A.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const [U, S, Vh] = linalg.svd(A, { fullMatrices: full });
  expect(U.shape.slice(-2)).toEqual([m, full ? m : k]);
  expect(Vh.shape.slice(-2)).toEqual([full ? n : k, n]);
  const scale = Math.max(1, np.max(np.abs(A)).item()) * Math.max(m, n);
  const rebuilt = np.matmul(np.mul(leading(U, k, -1), np.expandDims(S, -2)), leading(Vh, k, -2));
  expect(maxDiff(rebuilt, A)).toBeLessThan(tol * scale);
  expect(maxDiff(np.matmul(mT(U), U), np.eye(U.shape[U.ndim - 1]!))).toBeLessThan(tol * Math.max(m, n));
  expect(maxDiff(np.matmul(Vh, mT(Vh)), np.eye(Vh.shape[Vh.ndim - 2]!))).toBeLessThan(tol * Math.max(m, n));
  if (k === 0) return;
  for (const row of np.reshape(S, [-1, k]).toArray() as number[][]) {
    row.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(0);
      if (i > 0) expect(v).toBeLessThanOrEqual(row[i - 1]!);
    });
  }
}

describe("svd: identities and closed forms", () => {
  it("U·diag(S)·Vᵀ = A, orthonormal U and V, S descending (random shapes, batches, full and reduced)", () => {
    const shape = fc.tuple(fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }));
    fc.assert(
      fc.property(shape, fc.integer({ min: 0, max: 1000 }), fc.boolean(), ([batch, m, n], seed, full) => {
        expectSvd(randn(seed, [...batch, m, n]), full);
      }),
      { numRuns: runs(40) },
    );
  });

  it("closed forms: diag(3, −2), the golden-ratio matrix, a rank-one outer product, 1×1", () => {
    const [U, S, Vh] = linalg.svd(np.array([[3, 0], [0, -2]]));
    expect(S.toArray()).toEqual([3, 2]);
    expect(np.matmul(U, np.matmul(np.diag(S), Vh)).toArray()).toEqual([[3, 0], [0, -2]]);
    const phi = (1 + Math.sqrt(5)) / 2;
    expect(maxDiff(linalg.svdvals(np.array([[1, 1], [0, 1]])), np.array([phi, 1 / phi]))).toBeLessThan(1e-15);
    const outer = np.outer(np.array([1, 2, 2]), np.array([3, 4]));
    expect(maxDiff(linalg.svdvals(outer), np.array([15, 0]))).toBeLessThan(1e-14);
    expect(linalg.svd(np.array([[-2.5]])).map((x) => x.toArray())).toEqual([[[1]], [2.5], [[-1]]]); // U's entry positive
  });

  it("computeUV false gives S alone (svdvals), fullMatrices is numpy's default", () => {
    const A = randn(9, [4, 2]);
    expect(maxDiff(linalg.svd(A, { computeUV: false }), linalg.svdvals(A))).toBe(0);
    expect(linalg.svd(A)[0].shape).toEqual([4, 4]);
  });

  it("each column of U has its largest-magnitude entry positive", () => {
    for (const A of [randn(1, [5, 3]), randn(2, [3, 5]), randn(3, [4, 4])]) {
      const [U] = linalg.svd(A, { fullMatrices: false });
      for (const col of mT(U).toArray() as number[][]) {
        const big = col.reduce((b, v) => (Math.abs(v) > Math.abs(b) ? v : b), 0);
        expect(big).toBeGreaterThan(0);
      }
    }
  });

  it("empty matrices: numpy's shapes (full U or Vᵀ is the identity)", () => {
    const [U, S, Vh] = linalg.svd(np.zeros([3, 0]));
    expect([U.toArray(), S.shape, Vh.shape]).toEqual([np.eye(3).toArray(), [0], [0, 0]]);
    const [U2, S2, Vh2] = linalg.svd(np.zeros([0, 2]), { fullMatrices: false });
    expect([U2.shape, S2.shape, Vh2.shape]).toEqual([[0, 0], [0], [0, 2]]);
    expect(linalg.svdvals(np.zeros([2, 0, 0])).shape).toEqual([2, 0]);
  });

  it("rank-deficient and zero matrices still give orthonormal U and V", () => {
    expectSvd(withSingularValues(4, 6, 4, [2, 1, 0, 0]), true);
    expectSvd(withSingularValues(5, 4, 6, [2, 0, 0, 0]), false);
    expectSvd(np.zeros([3, 4]), true);
    expectSvd(np.ones([4, 3]), false);
  });

  it("small singular values to relative accuracy (one-sided Jacobi), where eigh of AᵀA gives only √ε", () => {
    // σ₁σ₂ = |det| exactly; σ₁ = √2 to rounding: σ₂ = 1e-20/σ₁ to a few ulps.
    const [s1, s2] = linalg.svdvals(np.array([[1, 1], [0, 1e-20]])).toArray() as number[];
    expect(Math.abs((s1! * s2!) / 1e-20 - 1)).toBeLessThan(4e-16);
    // A graded diagonal, permuted and with signs: exact.
    const D = np.array([[0, -1e-200, 0], [1, 0, 0], [0, 0, 1e-20]]);
    expect(linalg.svdvals(D).toArray()).toEqual([1, 1e-20, 1e-200]);
    // B·diag(1, 1e-8, 1e-16) for a well-conditioned B: σ₃ ≈ 1e-16, nowhere near ε·σ₁ noise.
    const B = np.add(randn(6, [3, 3]), np.mul(4, np.eye(3)));
    const s = linalg.svdvals(np.mul(B, np.array([1, 1e-8, 1e-16]))).toArray() as number[];
    const det = Math.abs(linalg.det(B).item()) * 1e-24;
    expect(Math.abs((s[0]! * s[1]! * s[2]!) / det - 1)).toBeLessThan(1e-13);
  });

  it("batches equal a loop, and vmap equals both", () => {
    const A = randn(7, [3, 4, 2]);
    for (const part of [0, 1, 2]) {
      const f = (x: Array) => linalg.svd(x)[part]!;
      expect(maxDiff(f(A), loop(f, A))).toBe(0);
      expect(maxDiff(vmap(f)(A), loop(f, A))).toBe(0);
    }
    expect(maxDiff(vmap(linalg.svdvals)(A), loop(linalg.svdvals, A))).toBe(0);
  });

  it("float32 in, float32 out; integers become float64", () => {
    const A = randn(8, [4, 3]);
    const [U32, S32] = linalg.svd(np.astype(A, "float32"));
    expect([U32.dtype, S32.dtype]).toEqual(["float32", "float32"]);
    expect(maxDiff(np.astype(S32, "float64"), linalg.svdvals(A))).toBeLessThan(1e-5);
    expect(linalg.svdvals(np.array([[3, 0], [0, 4]], { dtype: "int32" })).dtype).toBe("float64");
  });

  it("non-finite input gives NaN, not a hang or an error; shape errors name the function", () => {
    const [U, S] = linalg.svd(np.array([[1, NaN], [0, 1]]));
    expect([...U.toFloat64Array(), ...S.toFloat64Array()].every(Number.isNaN)).toBe(true);
    expect([...linalg.svdvals(np.array([[Infinity, 0], [0, 1]])).toFloat64Array()].every(Number.isNaN)).toBe(true);
    expect(() => linalg.svd(np.ones([3]))).toThrow("svd: needs a matrix (or a stack of them), got shape (3,)");
    expect(() => linalg.svdvals(np.ones([3]))).toThrow("svdvals: needs a matrix (or a stack of them), got shape (3,)");
  });
});

describe("svd derivatives", () => {
  const tall = withSingularValues(10, 5, 3, [3, 1.7, 0.6]);
  const wide = withSingularValues(12, 3, 4, [2.5, 1.2, 0.4]);
  const square = withSingularValues(14, 3, 3, [4, 2, 1]);

  it("U, S, Vᵀ (reduced) to second order, both modes: tall, wide, square, batched", () => {
    for (const A of [tall, wide, square]) checkGrads((a: Array) => linalg.svd(a, { fullMatrices: false }), [A], { order: 2 });
    checkGrads((a: Array) => linalg.svd(a, { fullMatrices: false }), [np.stack([tall, withSingularValues(16, 5, 3, [1, 0.5, 0.2])])], { order: 1 });
  });

  it("svdvals to second order; Ṡ = diag(Uᵀ·Ȧ·V)", () => {
    checkGrads((a: Array) => linalg.svdvals(a), [tall], { order: 2 });
    const E = randn(17, [5, 3]);
    const [U, , Vh] = linalg.svd(tall, { fullMatrices: false });
    const [, dS] = jvp((a: Array) => linalg.svdvals(a), [tall], [E]);
    expect(maxDiff(dS, np.sum(np.mul(np.matmul(mT(U), E), Vh), { axis: -1 }))).toBeLessThan(1e-14);
  });

  it("full matrices: U₁, S, V₁ᵀ and the complement's projector U₂·U₂ᵀ to second order", () => {
    for (const A of [tall, wide]) {
      const [m, n] = A.shape as [number, number];
      const k = Math.min(m, n);
      checkGrads((a: Array) => {
        const [U, S, Vh] = linalg.svd(a);
        const [U1, U2] = np.split(U, [k], { axis: -1 });
        const [V1h, V2h] = np.split(Vh, [k], { axis: -2 });
        return [U1!, S, V1h!, np.matmul(U2!, mT(U2!)), np.matmul(mT(V2h!), V2h!)];
      }, [A], { order: 2 });
    }
  });

  it("repeated singular values: no NaN, the cluster's sum and the polar factor U·Vᵀ stay exact", () => {
    expect(linalg.SVD_DEGENERACY_TOL).toBe(1e-10);
    const A = withSingularValues(18, 4, 3, [2, 2, 0.5]);
    const E = randn(19, [4, 3]);
    const [, [dU, dS, dVh]] = jvp((a: Array) => linalg.svd(a, { fullMatrices: false }), [A], [E]);
    for (const t of [dU, dS, dVh]) expect(t.toFloat64Array().every(Number.isFinite)).toBe(true);
    const h = 1e-6;
    const s = (t: number) => linalg.svdvals(np.add(A, np.mul(t, E))).toFloat64Array();
    const fd = (f: (v: Float64Array) => number) => (f(s(h)) - f(s(-h))) / (2 * h);
    const d = dS.toFloat64Array();
    expect(d[0]! + d[1]!).toBeCloseTo(fd((v) => v[0]! + v[1]!), 7);
    expect(d[2]!).toBeCloseTo(fd((v) => v[2]!), 7);
    checkGrads((a: Array) => linalg.svdvals(a).sum(), [A], { order: 2 });
    checkGrads((a: Array) => {
      const [U, , Vh] = linalg.svd(a, { fullMatrices: false });
      return np.matmul(U, Vh);
    }, [A], { order: 1 });
  });

  it("a rank-deficient matrix: derivatives stay finite, and S's are right", () => {
    const A = withSingularValues(20, 4, 3, [2, 1, 0]);
    const E = randn(21, [4, 3]);
    const [, tangents] = jvp((a: Array) => linalg.svd(a), [A], [E]);
    for (const t of tangents) expect(t.toFloat64Array().every(Number.isFinite)).toBe(true);
    checkGrads((a: Array) => np.split(linalg.svdvals(a), [2])[0]!, [A], { order: 2 });
  });
});
