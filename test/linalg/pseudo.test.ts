import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkGrads, grad, jvp, linalg, np, random, vmap, type Array } from "nabla";
import { runs } from "../setup.js";

// pinv, matrixRank and lstsq: the Penrose conditions, numpy's cutoffs and options,
// minimum-norm solutions of rank-deficient problems, batching, and derivatives where the
// rank is locally constant (rank-deficient matrices are parametrized as B·C, so finite
// differences keep the rank). numpy's values are in fixtures.test.ts.

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array | number) => np.max(np.abs(np.sub(a, b))).item();
const loop = (f: (...x: Array[]) => Array, ...xs: Array[]) => np.stack([...xs[0]!].map((_, i) => f(...xs.map((x) => np.slice(x, i)))));
function withSingularValues(seed: number, m: number, n: number, sigma: number[]): Array {
  const U = linalg.qr(randn(seed, [m, sigma.length]))[0];
  const V = linalg.qr(randn(seed + 1, [n, sigma.length]))[0];
  return np.matmul(np.mul(U, np.array(sigma)), V.T);
}

/** The four Penrose conditions that define X = A⁺. */
function expectPenrose(A: Array, X: Array, tol: number): void {
  const AX = np.matmul(A, X);
  const XA = np.matmul(X, A);
  expect(maxDiff(np.matmul(AX, A), A), "A·X·A = A").toBeLessThan(tol);
  expect(maxDiff(np.matmul(XA, X), X), "X·A·X = X").toBeLessThan(tol);
  expect(maxDiff(AX, mT(AX)), "A·X symmetric").toBeLessThan(tol);
  expect(maxDiff(XA, mT(XA)), "X·A symmetric").toBeLessThan(tol);
}

describe("pinv", () => {
  it("the Penrose conditions: full-rank and rank-deficient, tall, square, wide, batched", () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.nat(1000));
    fc.assert(
      fc.property(arb, ([m, n, r, seed]) => {
        const rank = Math.min(r, m, n);
        const A = np.matmul(randn(seed, [2, m, rank]), randn(seed + 1, [2, rank, n])); // rank ≤ r
        const X = linalg.pinv(A);
        expect(X.shape).toEqual([2, n, m]);
        expectPenrose(A, X, 1e-11 * Math.max(1, np.max(np.abs(X)).item()) ** 2);
      }),
      { numRuns: runs(40) },
    );
  });

  it("closed forms: a rank-one matrix, the zero matrix, an empty one, a diagonal one", () => {
    expect(maxDiff(linalg.pinv(np.array([[1, 2], [2, 4]])), np.array([[0.04, 0.08], [0.08, 0.16]]))).toBeLessThan(1e-16);
    expect(linalg.pinv(np.zeros([2, 3])).toArray()).toEqual(np.zeros([3, 2]).toArray());
    expect(linalg.pinv(np.zeros([0, 3])).shape).toEqual([3, 0]);
    expect(maxDiff(linalg.pinv(np.diag(np.array([2, 0, -4]))), np.diag(np.array([0.5, 0, -0.25])))).toBe(0);
  });

  it("numpy's cutoffs: rcond (default 1e-15) and rtol (null: max(m, n)·ε), strict; both is an error", () => {
    const A = np.diag(np.array([1, 1e-10, 8e-16])); // 8e-16 lies between 3·ε and 1e-15
    expect(linalg.pinv(A).toArray()).toEqual(np.diag(np.array([1, 1e10, 0])).toArray());
    expect(linalg.pinv(A, { rtol: null }).toArray()).toEqual(np.diag(np.array([1, 1e10, 1 / 8e-16])).toArray());
    expect(linalg.pinv(A, { rcond: 1e-10 }).toArray()).toEqual(np.diag(np.array([1, 0, 0])).toArray()); // σ = rcond·σ_max is cut
    expect(linalg.pinv(A, { rtol: 1e-12 }).toArray()).toEqual(np.diag(np.array([1, 1e10, 0])).toArray());
    // An rcond per matrix of a stack.
    const stack = np.stack([A, A]);
    const per = linalg.pinv(stack, { rcond: np.array([1e-12, 1e-9]) });
    expect(per.toArray()).toEqual([np.diag(np.array([1, 1e10, 0])).toArray(), np.diag(np.array([1, 0, 0])).toArray()]);
    expect(() => linalg.pinv(A, { rcond: 1e-3, rtol: 1e-3 })).toThrow("pinv: rcond and rtol cannot both be set");
  });

  it("hermitian: the same pseudo-inverse from eigh, reading only the lower triangle", () => {
    const B = randn(30, [4, 2]);
    const S = np.matmul(np.mul(B, np.array([1, -3])), B.T); // symmetric, indefinite, rank 2
    const junk = np.add(S, np.mul(np.array([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]]), 7));
    expect(maxDiff(linalg.pinv(junk, { hermitian: true }), linalg.pinv(S))).toBeLessThan(1e-13);
    expect(() => linalg.pinv(np.ones([2, 3]), { hermitian: true })).toThrow(/^pinv: the matrix must be square/);
  });

  it("float32 in, float32 out; vmap equals a loop", () => {
    const A = randn(31, [3, 4, 2]);
    expect(linalg.pinv(np.astype(A, "float32")).dtype).toBe("float32");
    expect(maxDiff(np.astype(linalg.pinv(np.astype(A, "float32")), "float64"), linalg.pinv(A))).toBeLessThan(1e-5);
    expect(maxDiff(vmap((a: Array) => linalg.pinv(a))(A), loop((a) => linalg.pinv(a), A))).toBe(0);
  });

  it("derivatives to second order: full rank (tall, wide), fixed rank (B·C), repeated singular values, hermitian", () => {
    checkGrads((a: Array) => linalg.pinv(a), [randn(32, [4, 3])], { order: 2 });
    checkGrads((a: Array) => linalg.pinv(a), [randn(33, [2, 4])], { order: 2 });
    checkGrads((b: Array, c: Array) => linalg.pinv(np.matmul(b, c)), [randn(34, [4, 2]), randn(35, [2, 3])], { order: 2 });
    // 2·Q for an orthogonal Q: all singular values equal, a smooth point of pinv.
    checkGrads((a: Array) => linalg.pinv(a), [np.mul(2, linalg.qr(randn(36, [3, 3]))[0])], { order: 2 });
    const B = randn(37, [3, 3]);
    checkGrads((s: Array) => linalg.pinv(s, { hermitian: true }), [np.add(np.add(B, B.T), np.diag(np.array([4, -4, 6])))], { order: 2 });
  });

  it("the derivative is A⁺'s own at rank r, not the rank-r+1 one: the gradient of Σ pinv(B·C) is finite", () => {
    const b = randn(38, [3, 1]);
    const c = randn(39, [1, 3]);
    const g = grad((x: Array) => linalg.pinv(np.matmul(b, x)).sum())(c);
    expect(g.toFloat64Array().every(Number.isFinite)).toBe(true);
  });
});

describe("matrixRank", () => {
  it("closed forms, numpy's default tolerance, tol and rtol; vectors; empty; batches", () => {
    expect(linalg.matrixRank(np.eye(4)).item()).toBe(4);
    expect(linalg.matrixRank(np.array([[1, 2], [2, 4]])).item()).toBe(1);
    expect(linalg.matrixRank(np.zeros([3, 3])).item()).toBe(0);
    const A = np.diag(np.array([1, 1e-6, 1e-17]));
    expect(linalg.matrixRank(A).item()).toBe(2); // 1e-17 ≤ 3·ε
    expect(linalg.matrixRank(A, { tol: 1e-6 }).item()).toBe(1); // strict
    expect(linalg.matrixRank(A, { rtol: 1e-7 }).item()).toBe(2);
    expect(linalg.matrixRank(np.array([0, 0, 1])).item()).toBe(1);
    expect(linalg.matrixRank(np.zeros([3])).item()).toBe(0);
    expect(linalg.matrixRank(np.zeros([2, 0, 3])).toArray()).toEqual([0, 0]);
    const stack = np.stack([np.eye(3), np.diag(np.array([1, 1, 0])), np.zeros([3, 3])]);
    expect(linalg.matrixRank(stack).toArray()).toEqual([3, 2, 0]);
    expect(linalg.matrixRank(stack).dtype).toBe("int32");
    expect(linalg.matrixRank(stack, { tol: np.array([0.5, 2, 0]) }).toArray()).toEqual([3, 0, 0]);
    expect(() => linalg.matrixRank(A, { tol: 1, rtol: 1 })).toThrow("matrixRank: tol and rtol cannot both be set");
  });

  it("hermitian counts |eigenvalues|; random products have the rank of their inner dimension", () => {
    expect(linalg.matrixRank(np.diag(np.array([-2, 0, 3])), { hermitian: true }).item()).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(1000), (m, n, r, seed) => {
        const A = np.matmul(randn(seed, [m, r]), randn(seed + 1, [r, n]));
        expect(linalg.matrixRank(A).item()).toBe(Math.min(m, n, r));
      }),
      { numRuns: runs(40) },
    );
  });
});

describe("lstsq (numpy's: minimum-norm, SVD with rcond)", () => {
  it("rank-deficient: the normal equations hold and x is orthogonal to the null space (minimum norm)", () => {
    const A = withSingularValues(40, 6, 4, [3, 2, 0, 0]);
    const b = randn(42, [6]);
    const x = linalg.lstsq(A, b);
    expect(np.max(np.abs(np.matmul(A.T, np.sub(np.matmul(A, x), b)))).item()).toBeLessThan(1e-13);
    const [, , Vh] = linalg.svd(A);
    const nullspace = np.split(Vh, [2], { axis: 0 })[1]!;
    expect(np.max(np.abs(np.matmul(nullspace, x))).item()).toBeLessThan(1e-14);
    expect(maxDiff(x, np.matmul(linalg.pinv(A), b))).toBeLessThan(1e-14);
  });

  it("closed forms: [[1, 1], [1, 1]]·x = [2, 2] gives [1, 1]; the zero matrix gives 0; empty shapes", () => {
    expect(maxDiff(linalg.lstsq(np.array([[1, 1], [1, 1]]), np.array([2, 2])), np.array([1, 1]))).toBeLessThan(1e-15);
    expect(linalg.lstsq(np.zeros([3, 2]), np.array([1, 2, 3])).toArray()).toEqual([0, 0]);
    expect(linalg.lstsq(np.zeros([0, 2]), np.zeros([0, 3])).toArray()).toEqual(np.zeros([2, 3]).toArray());
    expect(linalg.lstsq(np.zeros([3, 0]), np.ones([3])).shape).toEqual([0]);
  });

  it("rcond: singular values ≤ rcond·σ_max are dropped (a negative rcond means ε)", () => {
    const A = np.diag(np.array([1, 1e-8]));
    const b = np.array([1, 1]);
    expect(linalg.lstsq(A, b).toArray()).toEqual([1, 1e8]);
    expect(linalg.lstsq(A, b, { rcond: 1e-6 }).toArray()).toEqual([1, 0]);
    expect(linalg.lstsq(A, b, { rcond: -1 }).toArray()).toEqual([1, 1e8]);
    expect(linalg.lstsq(A, b, { rcond: null }).toArray()).toEqual([1, 1e8]);
  });

  it("batches broadcast as solve's, and vmap equals a loop", () => {
    const A = randn(43, [3, 5, 2]);
    const B = randn(44, [3, 5]);
    const X = vmap((a: Array, y: Array) => linalg.lstsq(a, y))(A, B);
    expect(maxDiff(X, loop((a, y) => linalg.lstsq(a, y), A, B))).toBeLessThan(1e-15);
    expect(maxDiff(np.squeeze(linalg.lstsq(A, np.expandDims(B, -1)), -1), X)).toBeLessThan(1e-15);
  });

  it("derivatives to second order in a and b: full rank, and fixed rank as B·C (wide and tall)", () => {
    checkGrads((a: Array, y: Array) => linalg.lstsq(a, y), [randn(45, [5, 3]), randn(46, [5, 2])], { order: 2 });
    checkGrads((b: Array, c: Array, y: Array) => linalg.lstsq(np.matmul(b, c), y), [randn(47, [5, 2]), randn(48, [2, 4]), randn(49, [5])], { order: 2 });
    checkGrads((b: Array, c: Array, y: Array) => linalg.lstsq(np.matmul(b, c), y), [randn(50, [3, 1]), randn(51, [1, 4]), randn(52, [3])], { order: 2 });
  });

  it("the JVP in b alone is pinv(a)·ḃ", () => {
    const A = withSingularValues(53, 5, 4, [2, 1, 0.5, 0]);
    const db = randn(55, [5]);
    const [, dx] = jvp((y: Array) => linalg.lstsq(A, y), [randn(56, [5])], [db]);
    expect(maxDiff(dx, np.matmul(linalg.pinv(A), db))).toBeLessThan(1e-14);
  });
});
