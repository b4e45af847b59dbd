import { describe, expect, it } from "vitest";
import { np } from "nabla";

// Expected values come from naive loops over plain JavaScript arrays. The test data are
// small half-integers, so every product and sum is exact in float64 and results can be
// compared with toEqual.

type N2 = number[][];
type N3 = number[][][];
type N4 = number[][][][];

/** A rows×cols matrix of scrambled half-integers in [-8, 8]; `seed` varies the pattern. */
function mat(rows: number, cols: number, seed = 1): N2 {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => ((((i * cols + j) * (2 * seed + 5) + seed) % 17) - 8) / 2),
  );
}
const tensor3 = (a: number, b: number, c: number, seed = 1): N3 => Array.from({ length: a }, (_, i) => mat(b, c, seed + 3 * i));

/** The naive triple loop. */
function naiveMatmul(A: N2, B: N2): N2 {
  const m = A.length;
  const k = B.length;
  const n = B[0]!.length;
  expect(A[0]!.length).toBe(k);
  const C: N2 = [];
  for (let i = 0; i < m; i++) {
    C.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i]![p]! * B[p]![j]!;
      C[i]!.push(s);
    }
  }
  return C;
}

const transposeList = (A: N2): N2 => A[0]!.map((_, j) => A.map((row) => row[j]!));

describe("matmul", () => {
  for (const [m, k, n] of [[2, 3, 4], [1, 5, 1], [4, 1, 3], [3, 3, 3], [7, 5, 6], [2, 9, 3], [5, 8, 2]] as const) {
    it(`(${m},${k}) @ (${k},${n}) matches the triple loop`, () => {
      const A = mat(m, k, 1);
      const B = mat(k, n, 2);
      const C = np.matmul(np.array(A), np.array(B));
      expect(C.shape).toEqual([m, n]);
      expect(C.toArray()).toEqual(naiveMatmul(A, B));
    });
  }

  it("the test data are not degenerate", () => {
    const A = mat(7, 5, 1).flat();
    expect(new Set(A).size).toBeGreaterThan(10);
    expect(A.some((v) => v < 0) && A.some((v) => v > 0)).toBe(true);
  });

  it("batched with broadcasting: (2,1,3,4) @ (5,4,2) → (2,5,3,2)", () => {
    const A = [tensor3(1, 3, 4, 1), tensor3(1, 3, 4, 7)]; // 2×1×3×4
    const B = tensor3(5, 4, 2, 11); // 5×4×2
    const C = np.matmul(np.array(A), np.array(B));
    expect(C.shape).toEqual([2, 5, 3, 2]);
    const expected: N4 = A.map((a) => B.map((b) => naiveMatmul(a[0]!, b)));
    expect(C.toArray()).toEqual(expected);
  });

  it("a stack of matrices times one matrix: (3,2,4) @ (4,5)", () => {
    const A = tensor3(3, 2, 4, 2);
    const B = mat(4, 5, 3);
    const C = np.matmul(np.array(A), np.array(B));
    expect(C.shape).toEqual([3, 2, 5]);
    expect(C.toArray()).toEqual(A.map((a) => naiveMatmul(a, B)));
  });

  it("batch against batch of the same size: (3,2,4) @ (3,4,2)", () => {
    const A = tensor3(3, 2, 4, 2);
    const B = tensor3(3, 4, 2, 5);
    expect(np.array(A).matmul(np.array(B)).toArray()).toEqual(A.map((a, t) => naiveMatmul(a, B[t]!)));
  });

  it("1-D operands are vectors, and their axis is dropped, as numpy", () => {
    const u = [1, -2, 3.5];
    const w = [4, 0.5, -1];
    const M = mat(2, 3, 4);
    const N = mat(3, 4, 5);
    const dotUW = u.reduce((s, v, i) => s + v * w[i]!, 0);

    const vv = np.matmul(np.array(u), np.array(w));
    expect(vv.shape).toEqual([]);
    expect(vv.item()).toBe(dotUW);

    const Mv = np.matmul(np.array(M), np.array(u));
    expect(Mv.shape).toEqual([2]);
    expect(Mv.toArray()).toEqual(naiveMatmul(M, u.map((x) => [x])).map((r) => r[0]));

    const vN = np.matmul(np.array(u), np.array(N));
    expect(vN.shape).toEqual([4]);
    expect(vN.toArray()).toEqual(naiveMatmul([u], N)[0]);

    const T = tensor3(2, 3, 4, 6);
    const vT = np.matmul(np.array(u), np.array(T));
    expect(vT.shape).toEqual([2, 4]);
    expect(vT.toArray()).toEqual(T.map((t) => naiveMatmul([u], t)[0]));

    const S = tensor3(2, 4, 3, 8);
    const Sv = np.matmul(np.array(S), np.array(u));
    expect(Sv.shape).toEqual([2, 4]);
    expect(Sv.toArray()).toEqual(S.map((s) => naiveMatmul(s, u.map((x) => [x])).map((r) => r[0])));
  });

  it("int32 operands stay int32", () => {
    const C = np.matmul(np.array([[1, 2], [3, 4]], { dtype: "int32" }), np.array([[5], [6]], { dtype: "int32" }));
    expect(C.dtype).toBe("int32");
    expect(C.toArray()).toEqual([[17], [39]]);
  });

  it("misaligned operands: the error names both shapes", () => {
    expect(() => np.matmul(np.zeros([2, 3]), np.zeros([4, 5]))).toThrow("matmul: shapes (2,3) and (4,5) are not aligned");
    expect(() => np.matmul(np.zeros([3]), np.zeros([4]))).toThrow("matmul: shapes (3,) and (4,) are not aligned");
    expect(() => np.matmul(np.zeros([3]), np.zeros([4, 5]))).toThrow("matmul: shapes (3,) and (4,5) are not aligned");
    expect(() => np.matmul(np.zeros([2, 3, 4]), np.zeros([3, 4, 5]))).toThrow(
      "matmul: the batch axes of shapes (2,3,4) and (3,4,5) do not broadcast",
    );
    expect(() => np.matmul(np.zeros([3]), 2)).toThrow("matmul: operands must not be 0-d (use mul)");
  });
});

describe("dot", () => {
  const u = [2, -1, 0.5, 3];
  const w = [1, 4, -2, 0.5];

  it("vector · vector is the inner product", () => {
    const d = np.dot(np.array(u), np.array(w));
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(2 * 1 + -1 * 4 + 0.5 * -2 + 3 * 0.5);
  });

  it("matrix · vector and matrix · matrix", () => {
    const M = mat(3, 4, 2);
    expect(np.dot(np.array(M), np.array(u)).toArray()).toEqual(M.map((row) => row.reduce((s, v, i) => s + v * u[i]!, 0)));
    const N = mat(4, 2, 3);
    expect(np.array(M).dot(np.array(N)).toArray()).toEqual(naiveMatmul(M, N));
  });

  it("N-d: sums the last axis of x with the second-to-last of y", () => {
    const A = tensor3(2, 3, 4, 1);
    const B = tensor3(5, 4, 2, 2);
    const D = np.dot(np.array(A), np.array(B));
    expect(D.shape).toEqual([2, 3, 5, 2]);
    const expected = A.map((a) => a.map((row) => B.map((b) => [0, 1].map((m) => row.reduce((s, v, l) => s + v * b[l]![m]!, 0)))));
    expect(D.toArray()).toEqual(expected);
  });

  it("vector · 3-D and 3-D · vector", () => {
    const B = tensor3(5, 4, 2, 2);
    const vB = np.dot(np.array(u), np.array(B));
    expect(vB.shape).toEqual([5, 2]);
    expect(vB.toArray()).toEqual(B.map((b) => [0, 1].map((m) => u.reduce((s, v, l) => s + v * b[l]![m]!, 0))));
    const A = tensor3(2, 3, 4, 1);
    const Av = np.dot(np.array(A), np.array(u));
    expect(Av.shape).toEqual([2, 3]);
    expect(Av.toArray()).toEqual(A.map((a) => a.map((row) => row.reduce((s, v, l) => s + v * u[l]!, 0))));
  });

  it("a scalar operand multiplies", () => {
    expect(np.dot(2, np.array(u)).toArray()).toEqual(u.map((v) => 2 * v));
  });
});

describe("outer and tensordot", () => {
  it("outer(u, v)[i][j] = u[i]·v[j]", () => {
    const u = [1, -2, 3];
    const v = [0.5, 4, -1, 2];
    const o = np.outer(np.array(u), np.array(v));
    expect(o.shape).toEqual([3, 4]);
    expect(o.toArray()).toEqual(u.map((a) => v.map((b) => a * b)));
  });

  it("outer flattens its inputs", () => {
    expect(np.outer(np.array([[1, 2], [3, 4]]), np.array([1, 10])).toArray()).toEqual([[1, 10], [2, 20], [3, 30], [4, 40]]);
  });

  it("axes = 2 (default): the last two of x with the first two of y", () => {
    const A = tensor3(2, 3, 4, 1);
    const B = tensor3(3, 4, 5, 2);
    const T = np.tensordot(np.array(A), np.array(B));
    expect(T.shape).toEqual([2, 5]);
    const expected: N2 = [0, 1].map((i) =>
      [0, 1, 2, 3, 4].map((m) => {
        let s = 0;
        for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) s += A[i]![j]![k]! * B[j]![k]![m]!;
        return s;
      }),
    );
    expect(T.toArray()).toEqual(expected);
    expect(np.tensordot(np.array(A), np.array(B), 2).toArray()).toEqual(expected);
  });

  it("axes = 1 is matmul for matrices, axes = 0 the outer product", () => {
    const A = mat(2, 3, 1);
    const B = mat(3, 4, 2);
    expect(np.tensordot(np.array(A), np.array(B), 1).toArray()).toEqual(naiveMatmul(A, B));
    const o = np.tensordot(np.array([1, 2]), np.array([3, 4, 5]), 0);
    expect(o.toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
  });

  it("axes as lists pair x's axes with y's, in the given order", () => {
    const A = tensor3(3, 2, 4, 1); // p, i, q
    const B = tensor3(4, 5, 3, 2); // q, j, p
    const T = np.tensordot(np.array(A), np.array(B), [[0, 2], [2, 0]]);
    expect(T.shape).toEqual([2, 5]);
    const expected: N2 = [0, 1].map((i) =>
      [0, 1, 2, 3, 4].map((j) => {
        let s = 0;
        for (let p = 0; p < 3; p++) for (let q = 0; q < 4; q++) s += A[p]![i]![q]! * B[q]![j]![p]!;
        return s;
      }),
    );
    expect(T.toArray()).toEqual(expected);
    // Negative axes name the same axes.
    expect(np.tensordot(np.array(A), np.array(B), [[-3, -1], [-1, -3]]).toArray()).toEqual(expected);
  });

  it("mismatched axes are an error naming both shapes", () => {
    expect(() => np.tensordot(np.zeros([2, 3, 4]), np.zeros([3, 4, 5]), [[1], [1]])).toThrow(
      "tensordot: axes [1] of (2,3,4) and [1] of (3,4,5) do not match",
    );
  });

  it("an empty contraction sums nothing: zeros of the free axes' shape, as numpy", () => {
    expect(np.tensordot(np.zeros([2, 0]), np.zeros([0, 3]), 1).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(np.tensordot(np.zeros([2, 0]), np.zeros([2, 0]), 2).toArray()).toEqual(0);
    expect(np.dot(np.zeros([2, 1, 0]), np.zeros([3, 0, 2])).shape).toEqual([2, 1, 3, 2]);
  });
});

describe("einsum", () => {
  const A = mat(2, 3, 1);
  const B = mat(3, 4, 2);
  const v3 = [1, -2, 0.5];

  it('"ij,jk->ik" is matmul', () => {
    expect(np.einsum("ij,jk->ik", np.array(A), np.array(B)).toArray()).toEqual(naiveMatmul(A, B));
  });

  it('implicit output "ij,jk" is the once-used indices, sorted: ik', () => {
    expect(np.einsum("ij,jk", np.array(A), np.array(B)).toArray()).toEqual(naiveMatmul(A, B));
    // "ba" → output "ab": the transpose.
    expect(np.einsum("ba", np.array(A)).toArray()).toEqual(transposeList(A));
  });

  it('"bij,bjk->bik" is a batched matmul', () => {
    const X = tensor3(3, 2, 4, 1);
    const Y = tensor3(3, 4, 5, 2);
    const out = np.einsum("bij,bjk->bik", np.array(X), np.array(Y));
    expect(out.shape).toEqual([3, 2, 5]);
    expect(out.toArray()).toEqual(X.map((x, b) => naiveMatmul(x, Y[b]!)));
  });

  it('"i,i->" is the inner product', () => {
    const w = [4, 1, -2];
    const out = np.einsum("i,i->", np.array(v3), np.array(w));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(1 * 4 + -2 * 1 + 0.5 * -2);
  });

  it('"ij->ji" transposes, "ij->i" sums rows, "ij->" sums all', () => {
    expect(np.einsum("ij->ji", np.array(A)).toArray()).toEqual(transposeList(A));
    expect(np.einsum("ij->i", np.array(A)).toArray()).toEqual(A.map((r) => r.reduce((s, x) => s + x, 0)));
    expect(np.einsum("ij->j", np.array(A)).toArray()).toEqual(transposeList(A).map((r) => r.reduce((s, x) => s + x, 0)));
    expect(np.einsum("ij->", np.array(A)).item()).toBe(A.flat().reduce((s, x) => s + x, 0));
  });

  it('"ij,j->i" is matrix · vector', () => {
    expect(np.einsum("ij,j->i", np.array(A), np.array(v3)).toArray()).toEqual(A.map((r) => r.reduce((s, x, j) => s + x * v3[j]!, 0)));
  });

  it('"i,j->ij" is the outer product, "ij,ij->ij" the elementwise product', () => {
    expect(np.einsum("i,j->ij", np.array([1, 2]), np.array(v3)).toArray()).toEqual([v3, v3.map((x) => 2 * x)]);
    const A2 = mat(2, 3, 5);
    // einsum sums products starting from 0, so a −0 product comes out as +0 (hence the "+ 0").
    expect(np.einsum("ij,ij->ij", np.array(A), np.array(A2)).toArray()).toEqual(A.map((r, i) => r.map((x, j) => x * A2[i]![j]! + 0)));
  });

  it('"ijk,kj->i": several contracted indices at once, out of order', () => {
    const X = tensor3(2, 3, 4, 3);
    const Y = mat(4, 3, 6);
    const expected = X.map((x) => {
      let s = 0;
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) s += x[j]![k]! * Y[k]![j]!;
      return s;
    });
    expect(np.einsum("ijk,kj->i", np.array(X), np.array(Y)).toArray()).toEqual(expected);
  });

  it("whitespace is ignored", () => {
    expect(np.einsum(" ij , jk -> ik ", np.array(A), np.array(B)).toArray()).toEqual(naiveMatmul(A, B));
  });

  it("bad subscripts are clear errors", () => {
    expect(() => np.einsum("ij,jk->ik", np.ones([2, 3]), np.ones([4, 4]))).toThrow("einsum: index j has sizes 3 and 4");
    expect(() => np.einsum("ij,jk->ik", np.ones([2, 3]))).toThrow(/names 2 operands, got 1/);
    expect(() => np.einsum("ii->i", np.ones([2, 2]))).toThrow(/repeated index in "ii"/);
    expect(() => np.einsum("ij->k", np.ones([2, 2]))).toThrow("einsum: output index k is not in the inputs");
    expect(() => np.einsum("ij->i", np.ones([2, 2, 2]))).toThrow('einsum: "ij" has 2 indices but operand 0 has shape (2,2,2)');
    expect(() => np.einsum("i1->i", np.ones([2, 2]))).toThrow(/may only use letters/);
  });
});

describe("diag and trace", () => {
  it("a vector becomes a square matrix with it on diagonal k", () => {
    expect(np.diag(np.array([1, 2, 3])).toArray()).toEqual([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    expect(np.diag(np.array([1, 2]), { k: 1 }).toArray()).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(np.diag(np.array([1, 2]), { k: -1 }).toArray()).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
    expect(np.diag(np.array([5]), { k: 2 }).toArray()).toEqual([[0, 0, 5], [0, 0, 0], [0, 0, 0]]);
  });

  it("a matrix gives its diagonal k, by a loop over a[i][i+k]", () => {
    const M = mat(3, 4, 2);
    const x = np.array(M);
    for (const k of [0, 1, 2, 3, 4, 5, -1, -2, -3, -4]) {
      const expected: number[] = [];
      for (let i = 0; i < 3; i++) if (i + k >= 0 && i + k < 4) expected.push(M[i]![i + k]!);
      expect(np.diag(x, { k }).toArray(), `k = ${k}`).toEqual(expected);
    }
    const T = mat(4, 2, 3);
    expect(np.diag(np.array(T)).toArray()).toEqual([T[0]![0], T[1]![1]]);
    expect(np.diag(np.array(T), { k: -2 }).toArray()).toEqual([T[2]![0], T[3]![1]]);
  });

  it("diag of a diag round-trips a vector", () => {
    expect(np.diag(np.diag(np.array([4, -1, 2]), { k: 1 }), { k: 1 }).toArray()).toEqual([4, -1, 2]);
  });

  it("rank other than 1 or 2, or a fractional k, is an error", () => {
    expect(() => np.diag(np.zeros([2, 2, 2]))).toThrow("diag: needs a 1-D or 2-D array, got shape (2,2,2)");
    expect(() => np.diag(np.zeros([2]), { k: 0.5 })).toThrow("diag: k must be an integer, got 0.5");
  });

  it("trace sums diagonal `offset`", () => {
    expect(np.trace(np.eye(3)).item()).toBe(3);
    const M = mat(3, 4, 2);
    expect(np.trace(np.array(M)).item()).toBe(M[0]![0]! + M[1]![1]! + M[2]![2]!);
    expect(np.trace(np.array(M), { offset: 1 }).item()).toBe(M[0]![1]! + M[1]![2]! + M[2]![3]!);
    expect(np.trace(np.array(M), { offset: -1 }).item()).toBe(M[1]![0]! + M[2]![1]!);
    expect(np.trace(np.array(M), { offset: 9 }).item()).toBe(0);
  });

  it("trace of a vector is an error, as numpy (not the vector's sum)", () => {
    expect(() => np.trace(np.array([1, 2, 3]))).toThrow("trace: needs a 2-D array, got shape (3,)");
  });
});
