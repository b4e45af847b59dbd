import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkGrads, grad, jvp, linalg, np, random, vmap, type Array } from "nabla";
import { runs } from "../setup.js";

// expm, matrixPower, multiDot and eigvalsh: closed forms, identities, batching, errors
// and derivatives (expm's Fréchet derivative both ways). numpy's and scipy's values are
// in fixtures.test.ts.

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array | number) => np.max(np.abs(np.sub(a, b))).item();
const maxAbs = (a: Array) => np.max(np.abs(a)).item();
const loop = (f: (x: Array) => Array, x: Array) => np.stack([...x].map((_, i) => f(np.slice(x, i))));

describe("expm", () => {
  it("closed forms: a rotation generator, a nilpotent matrix, a diagonal one, zero, 1×1", () => {
    const t = 0.7;
    const R = linalg.expm(np.array([[0, t], [-t, 0]]));
    expect(maxDiff(R, np.array([[Math.cos(t), Math.sin(t)], [-Math.sin(t), Math.cos(t)]]))).toBeLessThan(2e-16);
    const N = np.array([[0, 2, 3], [0, 0, 5], [0, 0, 0]]);
    expect(maxDiff(linalg.expm(N), np.add(np.add(np.eye(3), N), np.mul(0.5, np.matmul(N, N))))).toBeLessThan(1e-14);
    expect(linalg.expm(np.diag(np.array([1, -2, 0]))).toArray()).toEqual(np.diag(np.array([Math.E, Math.exp(-2), 1])).toArray());
    expect(linalg.expm(np.zeros([2, 2])).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(linalg.expm(np.array([[0.3]])).item()).toBe(Math.exp(0.3));
    expect(linalg.expm(np.zeros([0, 0])).shape).toEqual([0, 0]);
  });

  it("identities: e^A·e^−A = I, det e^A = e^tr A, e^(A+B) = e^A·e^B for commuting A, B (random A of norms up to 30)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0.01, max: 30, noNaN: true }), fc.nat(1000), (n, size, seed) => {
        const B = randn(seed, [n, n]);
        const A = np.mul(B, size / np.max(np.sum(np.abs(B), { axis: 0 })).item()); // ‖A‖₁ = size
        const E = linalg.expm(A);
        const Einv = linalg.expm(np.neg(A));
        const cond = maxAbs(E) * maxAbs(Einv) * n;
        expect(maxDiff(np.matmul(E, Einv), np.eye(n))).toBeLessThan(1e-13 * cond);
        const tr = np.trace(A).item();
        expect(Math.abs(linalg.det(E).item() / Math.exp(tr) - 1)).toBeLessThan(1e-12 * cond);
        const P = np.add(np.mul(0.5, A), np.mul(0.1, np.matmul(A, A)));
        const lhs = linalg.expm(np.add(A, P));
        expect(maxDiff(lhs, np.matmul(E, linalg.expm(P)))).toBeLessThan(1e-12 * cond * maxAbs(lhs));
      }),
      { numRuns: runs(40) },
    );
  });

  it("overflow is Infinity, underflow 0, never NaN: a huge diagonal, a huge stable matrix", () => {
    expect(linalg.expm(np.diag(np.array([1000, -1000]))).toArray()).toEqual([[Infinity, 0], [0, 0]]);
    const S = np.array([[-1e5, 3e4], [2e4, -2e5]]); // stable: e^S underflows to 0
    expect(linalg.expm(S).toArray()).toEqual([[0, 0], [0, 0]]);
    expect([...linalg.expm(np.array([[NaN, 0], [1, 0]])).toFloat64Array()].every(Number.isNaN)).toBe(true);
  });

  it("batches equal a loop; vmap equals both; float32 stays float32; errors", () => {
    const A = randn(1, [3, 3, 3]);
    expect(maxDiff(linalg.expm(A), loop((a) => linalg.expm(a), A))).toBe(0);
    expect(maxDiff(vmap((a: Array) => linalg.expm(a))(A), loop((a) => linalg.expm(a), A))).toBe(0);
    const A32 = linalg.expm(np.astype(A, "float32"));
    expect(A32.dtype).toBe("float32");
    expect(maxDiff(np.astype(A32, "float64"), linalg.expm(A))).toBeLessThan(1e-5 * maxAbs(linalg.expm(A)));
    expect(() => linalg.expm(np.ones([2, 3]))).toThrow("expm: the matrix must be square (a stack of n×n matrices), got shape (2,3)");
  });

  it("derivatives to second order, both modes, at norms that use each Padé degree and squaring", () => {
    const B = randn(2, [3, 3]);
    for (const size of [0.01, 0.2, 1.5, 6, 25]) {
      checkGrads((a: Array) => linalg.expm(a), [np.mul(B, size / maxAbs(B))], { order: 2, rtol: 1e-5 * Math.max(1, size) });
    }
    checkGrads((a: Array) => linalg.expm(a), [randn(3, [2, 2, 2])], { order: 2 });
  });

  it("the Fréchet derivative: L(A, A) = A·e^A, L(A, E) for commuting E, and the gradient is L(Aᵀ, G)", () => {
    const A = randn(4, [4, 4]);
    const [E, L] = jvp((a: Array) => linalg.expm(a), [A], [A]);
    expect(maxDiff(L, np.matmul(A, E))).toBeLessThan(1e-13 * maxAbs(L));
    const G = randn(5, [4, 4]);
    const g = grad((a: Array) => np.sum(np.mul(linalg.expm(a), G)))(A);
    const [, LT] = jvp((a: Array) => linalg.expm(a), [A.T], [G]);
    expect(maxDiff(g, LT)).toBeLessThan(1e-13 * maxAbs(g));
    // A direction far larger or smaller than A (the block matrix is rescaled).
    for (const s of [1e-200, 1e200]) {
      const [, Ls] = jvp((a: Array) => linalg.expm(a), [A], [np.mul(G, s)]);
      const [, L1] = jvp((a: Array) => linalg.expm(a), [A], [G]);
      expect(maxDiff(np.div(Ls, s), L1)).toBeLessThan(1e-13 * maxAbs(L1));
    }
  });
});

describe("matrixPower", () => {
  const A = np.array([[1, 1], [1, 0]]);

  it("closed forms: Fibonacci, n = 0 the identity (batched too), negative n the inverse's power", () => {
    expect(linalg.matrixPower(A, 10).toArray()).toEqual([[89, 55], [55, 34]]);
    expect(linalg.matrixPower(np.ones([2, 3, 3]), 0).toArray()).toEqual([np.eye(3).toArray(), np.eye(3).toArray()]);
    expect(maxDiff(linalg.matrixPower(A, -3), linalg.inv(linalg.matrixPower(A, 3)))).toBeLessThan(1e-14);
    expect(linalg.matrixPower(np.diag(np.array([2, 4])), -2).toArray()).toEqual([[0.25, 0], [0, 0.0625]]);
  });

  it("aⁿ = a·a⋯a for every n up to 40, in numpy's order (binary powering)", () => {
    const B = np.mul(0.4, randn(6, [3, 3]));
    let p = np.eye(3);
    for (let n = 1; n <= 40; n++) {
      p = np.matmul(p, B);
      expect(maxDiff(linalg.matrixPower(B, n), p)).toBeLessThan(1e-14 * Math.max(1, maxAbs(p)) * n);
    }
  });

  it("integer and bool matrices stay in their dtype for n ≥ 0; negative powers are float", () => {
    const I = np.array([[1, 1], [1, 0]], { dtype: "int32" });
    expect(linalg.matrixPower(I, 20).dtype).toBe("int32");
    expect(linalg.matrixPower(I, 20).toArray()).toEqual([[10946, 6765], [6765, 4181]]);
    expect(linalg.matrixPower(I, -1).dtype).toBe("float64");
    expect(linalg.matrixPower(np.array([[true, false], [true, true]], { dtype: "bool" }), 3).dtype).toBe("bool");
  });

  it("errors: a non-integer n, a non-square matrix, a singular one with a negative n", () => {
    expect(() => linalg.matrixPower(A, 1.5)).toThrow("matrixPower: n must be an integer, got 1.5");
    expect(() => linalg.matrixPower(np.ones([2, 3]), 2)).toThrow("matrixPower: the matrix must be square (a stack of n×n matrices), got shape (2,3)");
    expect(() => linalg.matrixPower(np.array([[1, 2], [2, 4]]), -1)).toThrow(/^matrixPower: the matrix is singular/);
  });

  it("derivatives to second order (n = 3, 6, −2), and vmap equals a loop", () => {
    const B = np.add(randn(7, [3, 3]), np.mul(3, np.eye(3)));
    for (const n of [3, 6, -2]) checkGrads((a: Array) => linalg.matrixPower(a, n), [np.mul(B, 0.3)], { order: 2 });
    const Bs = randn(8, [4, 2, 2]);
    expect(maxDiff(vmap((a: Array) => linalg.matrixPower(a, 5))(Bs), loop((a) => linalg.matrixPower(a, 5), Bs))).toBe(0);
  });
});

describe("multiDot", () => {
  it("the product, in the cheapest order (Cormen's example: ((A1(A2A3))((A4A5)A6)) has 15125 multiplications)", () => {
    const dims = [30, 35, 15, 5, 10, 20, 25];
    const As = dims.slice(0, -1).map((d, i) => randn(20 + i, [d, dims[i + 1]!]));
    const [A1, A2, A3, A4, A5, A6] = As as [Array, Array, Array, Array, Array, Array];
    const best = np.matmul(np.matmul(A1, np.matmul(A2, A3)), np.matmul(np.matmul(A4, A5), A6));
    expect(maxDiff(linalg.multiDot(As), best)).toBe(0); // the same order, so the same bits
    const leftToRight = As.reduce((p, a) => np.matmul(p, a));
    expect(maxDiff(linalg.multiDot(As), leftToRight)).toBeLessThan(1e-12 * maxAbs(best));
  });

  it("vectors at the ends: a row first, a column last, a scalar with both; two arrays", () => {
    const [v, M, w] = [randn(30, [3]), randn(31, [3, 4]), randn(32, [4])];
    expect(linalg.multiDot([v, M, w]).shape).toEqual([]);
    expect(maxDiff(linalg.multiDot([v, M, w]), np.dot(np.matmul(v, M), w))).toBeLessThan(1e-14);
    expect(linalg.multiDot([v, M]).shape).toEqual([4]);
    expect(linalg.multiDot([M, w]).shape).toEqual([3]);
    expect(maxDiff(linalg.multiDot([M, mT(M)]), np.matmul(M, mT(M)))).toBe(0);
  });

  it("errors: fewer than two arrays, a 3-D array, misaligned shapes", () => {
    expect(() => linalg.multiDot([np.eye(2)])).toThrow("multiDot: needs a list of at least two arrays, got 1");
    expect(() => linalg.multiDot([np.eye(2), np.ones([2, 2, 2]), np.eye(2)])).toThrow("multiDot: array 1 must be 2-D (the first and last may be 1-D), got shape (2,2,2)");
    expect(() => linalg.multiDot([np.ones([2, 3]), np.ones([2, 3])])).toThrow("multiDot: shapes (2,3) and (2,3) of arrays 0 and 1 are not aligned");
  });

  it("derivatives to second order; vmap over one operand", () => {
    checkGrads((a: Array, b: Array, c: Array) => linalg.multiDot([a, b, c]), [randn(40, [2, 3]), randn(41, [3, 4]), randn(42, [4])], { order: 2 });
    const Bs = randn(43, [5, 3, 4]);
    const [a, c] = [randn(44, [2, 3]), randn(45, [4, 2])];
    expect(maxDiff(vmap((b: Array) => linalg.multiDot([a, b, c]))(Bs), loop((b) => linalg.multiDot([a, b, c]), Bs))).toBeLessThan(1e-15);
  });
});

describe("eigvalsh", () => {
  const B = randn(50, [4, 4]);
  const S = np.add(B, B.T);

  it("eigh's eigenvalues; UPLO chooses the triangle read", () => {
    expect(maxDiff(linalg.eigvalsh(S), linalg.eigh(S)[0])).toBe(0);
    const upper = np.array(globalThis.Array.from({ length: 4 }, (_, i) => globalThis.Array.from({ length: 4 }, (_, j) => (j >= i ? 1 : 0))));
    const upperOnly = np.mul(S, upper); // the lower triangle is zero: only "U" sees S
    expect(maxDiff(linalg.eigvalsh(upperOnly, { UPLO: "U" }), linalg.eigvalsh(S))).toBeLessThan(1e-14);
    expect(maxDiff(linalg.eigh(upperOnly, { UPLO: "U" })[0], linalg.eigvalsh(S))).toBeLessThan(1e-14);
    expect(() => linalg.eigvalsh(S, { UPLO: "X" as "L" })).toThrow('eigvalsh: UPLO must be "L" or "U", got "X"');
    expect(() => linalg.eigvalsh(np.ones([2, 3]))).toThrow(/^eigvalsh: the matrix must be square/);
  });

  it("derivatives to second order (both triangles), and vmap equals a loop", () => {
    const A = np.add(np.diag(np.array([1, 3, 6, 10])), np.mul(0.2, S));
    checkGrads((a: Array) => linalg.eigvalsh(a), [A], { order: 2 });
    checkGrads((a: Array) => linalg.eigvalsh(a, { UPLO: "U" }), [A], { order: 2 });
    const As = np.stack([A, np.mul(2, A)]);
    expect(maxDiff(vmap((a: Array) => linalg.eigvalsh(a))(As), loop((a) => linalg.eigvalsh(a), As))).toBe(0);
  });
});
