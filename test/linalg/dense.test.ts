import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, jvp, linalg, np, random, vmap, type Array } from "nabla";

// Dense linear algebra is checked by identities (L·Lᵀ = A, Q·R = A, V·diag(w)·Vᵀ = A,
// A·solve(A, b) = b, ...), closed forms, batching against loops, and derivatives against
// central finite differences (checkGrads, forward and reverse, to second order).

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array | number) => np.max(np.abs(np.sub(a, b))).item();
const maxAbs = (a: Array) => np.max(np.abs(a)).item();
/** The loop that batching must agree with: f on each slice along axis 0, stacked. */
const loop = (f: (...xs: Array[]) => Array, ...xs: Array[]) =>
  np.stack([...xs[0]!].map((_, i) => f(...xs.map((x) => np.slice(x, i)))));

/** Symmetric positive definite: B·Bᵀ + n·I. */
function spd(seed: number, n: number, batch: number[] = []): Array {
  const B = randn(seed, [...batch, n, n]);
  return np.add(np.matmul(B, mT(B)), np.mul(n, np.eye(n)));
}
/** A general, well-conditioned matrix: Gaussian plus 2√n·I keeps the spectrum off zero. */
const general = (seed: number, n: number, batch: number[] = []) =>
  np.add(randn(seed, [...batch, n, n]), np.mul(2 * Math.sqrt(n), np.eye(n)));
/** An orthogonal matrix. */
const orthogonal = (seed: number, n: number) => linalg.qr(randn(seed, [n, n]))[0];
/** Q·diag(λ)·Qᵀ for a random orthogonal Q: a symmetric matrix with known eigenvalues. */
function withEigenvalues(seed: number, lambda: number[]): Array {
  const Q = orthogonal(seed, lambda.length);
  return np.matmul(np.matmul(Q, np.diag(np.array(lambda))), Q.T);
}
/** U·diag(σ)·Vᵀ: a matrix with known singular values. */
function withSingularValues(seed: number, m: number, n: number, sigma: number[]): Array {
  const U = linalg.qr(randn(seed, [m, sigma.length]))[0];
  const V = linalg.qr(randn(seed + 1, [n, sigma.length]))[0];
  return np.matmul(np.matmul(U, np.diag(np.array(sigma))), V.T);
}
const lowerOf = (x: Array) => np.mul(x, np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]]));

describe("cholesky", () => {
  it("closed form: [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]]", () => {
    expect(linalg.cholesky(np.array([[4, 2], [2, 3]])).toArray()).toEqual([[2, 0], [1, Math.SQRT2]]);
  });

  it("L·Lᵀ = A with L lower triangular and a positive diagonal (batched)", () => {
    const A = spd(1, 5, [2, 3]);
    const L = linalg.cholesky(A);
    expect(L.shape).toEqual([2, 3, 5, 5]);
    expect(maxDiff(np.matmul(L, mT(L)), A)).toBeLessThan(1e-12 * maxAbs(A));
    const strictUpper = np.array(globalThis.Array.from({ length: 5 }, (_, i) => globalThis.Array.from({ length: 5 }, (_, j) => (j > i ? 1 : 0))));
    expect(maxAbs(np.mul(L, strictUpper))).toBe(0);
    expect(np.min(np.sum(np.mul(L, np.eye(5)), { axis: -1 })).item()).toBeGreaterThan(0);
  });

  it("reads only the lower triangle", () => {
    const A = spd(2, 3);
    const junk = np.add(A, np.mul(np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]), 100));
    expect(linalg.cholesky(junk).toArray()).toEqual(linalg.cholesky(A).toArray());
  });

  it("2·Σ log diag(L) = log det A", () => {
    const A = spd(3, 6);
    const L = linalg.cholesky(A);
    const logdet = np.mul(2, np.sum(np.log(np.diag(L)))).item();
    expect(logdet).toBeCloseTo(linalg.slogdet(A)[1].item(), 11);
  });

  it("float32 in, float32 out", () => {
    const A = spd(4, 3);
    const L32 = linalg.cholesky(np.astype(A, "float32"));
    expect(L32.dtype).toBe("float32");
    expect(maxDiff(np.astype(L32, "float64"), linalg.cholesky(A))).toBeLessThan(1e-5);
  });

  it("a matrix that is not positive definite is an error naming the leading minor", () => {
    expect(() => linalg.cholesky(np.array([[1, 2], [2, 1]]))).toThrow(
      /^cholesky: the matrix is not positive definite \(leading minor 2 is not positive\)/,
    );
    expect(() => linalg.cholesky(np.array([[-1, 0], [0, 1]]))).toThrow(/leading minor 1 is not positive/);
    expect(() => linalg.cholesky(np.stack([np.eye(2), np.array([[1, 2], [2, 1]])]))).toThrow(/matrix 1 of the batch/);
    expect(() => linalg.cholesky(np.ones([2, 3]))).toThrow("cholesky: the matrix must be square (a stack of n×n matrices), got shape (2,3)");
  });

  it("derivatives to second order, both modes", () => {
    checkGrads((a: Array) => linalg.cholesky(a), [spd(5, 4)], { order: 2 });
    // A scalar of it: log det through the factor.
    checkGrads((a: Array) => np.sum(np.log(np.diag(linalg.cholesky(a)))), [spd(6, 3)], { order: 2 });
  });

  it("batched derivatives", () => {
    checkGrads((a: Array) => linalg.cholesky(a), [spd(7, 3, [2])], { order: 1 });
  });
});

describe("triangularSolve", () => {
  const T = general(10, 3);
  const b = randn(11, [3, 2]);
  for (const lower of [true, false]) {
    for (const transpose of [false, true]) {
      for (const unitDiagonal of [false, true]) {
        it(`op(T)·x = b (lower ${lower}, transpose ${transpose}, unitDiagonal ${unitDiagonal})`, () => {
          let tri = lower ? lowerOf(T) : mT(lowerOf(mT(T)));
          if (unitDiagonal) tri = np.add(np.sub(tri, np.mul(tri, np.eye(3))), np.eye(3));
          const op = transpose ? mT(tri) : tri;
          const x = linalg.triangularSolve(T, b, { lower, transpose, unitDiagonal });
          expect(maxDiff(np.matmul(op, x), b)).toBeLessThan(1e-12);
          const xv = linalg.triangularSolve(T, np.slice(b, null, 0), { lower, transpose, unitDiagonal });
          expect(xv.shape).toEqual([3]);
          expect(maxDiff(xv, np.slice(x, null, 0))).toBe(0);
        });
      }
    }
  }

  it("closed form: [[2, 0], [1, 1]]·x = [2, 3] gives [1, 2]", () => {
    expect(linalg.triangularSolve(np.array([[2, 0], [1, 1]]), np.array([2, 3])).toArray()).toEqual([1, 2]);
  });

  it("batch axes broadcast: a (2,1,3,3) with b (4,3,2) gives (2,4,3,2), as a loop", () => {
    const A = general(12, 3, [2, 1]);
    const B = randn(13, [4, 3, 2]);
    const X = linalg.triangularSolve(A, B);
    expect(X.shape).toEqual([2, 4, 3, 2]);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 4; j++) {
        expect(maxDiff(np.slice(X, i, j), linalg.triangularSolve(np.slice(A, i, 0), np.slice(B, j)))).toBe(0);
      }
    }
  });

  it("a zero on the diagonal is an error", () => {
    expect(() => linalg.triangularSolve(np.array([[1, 0], [1, 0]]), np.array([1, 1]))).toThrow(
      "triangularSolve: the triangular matrix is singular (diagonal entry 1 is zero) [input shape (2,2)]",
    );
  });

  it("derivatives in a and b to second order", () => {
    checkGrads((a: Array, y: Array) => linalg.triangularSolve(a, y), [general(14, 3), randn(15, [3, 2])], { order: 2 });
    checkGrads((a: Array, y: Array) => linalg.triangularSolve(a, y, { lower: false, transpose: true, unitDiagonal: true }), [general(16, 3), randn(17, [3])], { order: 2 });
    // b broadcast against a batch of a: its cotangent sums over the batch.
    checkGrads((a: Array, y: Array) => linalg.triangularSolve(a, y, { lower: false }), [general(18, 3, [2]), randn(19, [3, 2])], { order: 1 });
  });
});

describe("choSolve", () => {
  it("equals solve(A, b) for A = L·Lᵀ", () => {
    const A = spd(20, 5);
    const b = randn(21, [5]);
    const x = linalg.choSolve(linalg.cholesky(A), b);
    expect(maxDiff(x, linalg.solve(A, b))).toBeLessThan(1e-13);
    expect(maxDiff(np.matmul(A, x), b)).toBeLessThan(1e-12);
  });

  it("derivatives through cholesky and the solves, to second order", () => {
    checkGrads((a: Array, y: Array) => linalg.choSolve(linalg.cholesky(a), y), [spd(22, 3), randn(23, [3, 2])], { order: 2 });
  });
});

describe("solve", () => {
  it("A·solve(A, b) = b for vectors and matrices", () => {
    const A = general(30, 6);
    for (const b of [randn(31, [6]), randn(32, [6, 3])]) {
      const x = linalg.solve(A, b);
      expect(x.shape).toEqual(b.shape);
      expect(maxDiff(np.matmul(A, x), b)).toBeLessThan(1e-12);
    }
  });

  it("closed forms: pivoting on a permutation, integer input", () => {
    expect(linalg.solve(np.array([[0, 1], [1, 0]]), np.array([3, 4])).toArray()).toEqual([4, 3]);
    const x = linalg.solve(np.array([[3, 1], [1, 2]], { dtype: "int32" }), np.array([9, 8], { dtype: "int32" }));
    expect(x.dtype).toBe("float64");
    expect(maxDiff(x, np.array([2, 3]))).toBeLessThan(1e-15);
  });

  it("an ill-conditioned but nonsingular matrix still solves (cond ≈ 4e10)", () => {
    const x = linalg.solve(np.array([[1, 1], [1, 1 + 1e-10]]), np.array([2, 2 + 1e-10]));
    expect(maxDiff(x, np.array([1, 1]))).toBeLessThan(1e-5);
  });

  it("batches: a stack of matrices with one vector, with a stack of columns, and vmap over vectors", () => {
    const A = general(33, 4, [3]);
    const b = randn(34, [4]);
    const X = linalg.solve(A, b);
    expect(X.shape).toEqual([3, 4]);
    expect(maxDiff(X, loop((a) => linalg.solve(a, b), A))).toBe(0);
    const B = randn(35, [3, 4]);
    const viaColumns = np.squeeze(linalg.solve(A, np.expandDims(B, -1)), -1);
    expect(maxDiff(viaColumns, loop((a, y) => linalg.solve(a, y), A, B))).toBe(0);
    expect(maxDiff(vmap((a: Array, y: Array) => linalg.solve(a, y))(A, B), viaColumns)).toBe(0);
    // Only a 1-D b is a vector (numpy 2), so (3,4) here is a 3×4 matrix: the error says so.
    expect(() => linalg.solve(A, B)).toThrow("solve: shapes (3,4,4) and (3,4) do not match (b needs 4 rows; for a batch of vectors pass b[..., None] or use vmap)");
  });

  it("float32 stays float32; mixed with float64 promotes", () => {
    const A = general(36, 3);
    const b = randn(37, [3]);
    const x32 = linalg.solve(np.astype(A, "float32"), np.astype(b, "float32"));
    expect(x32.dtype).toBe("float32");
    expect(maxDiff(np.astype(x32, "float64"), linalg.solve(A, b))).toBeLessThan(1e-5);
    expect(linalg.solve(np.astype(A, "float32"), b).dtype).toBe("float64");
  });

  it("singular matrices are errors: exactly, and to working precision", () => {
    expect(() => linalg.solve(np.array([[1, 2], [2, 4]]), np.array([1, 1]))).toThrow(/^solve: the matrix is singular: pivot 1 .* \[input shape \(2,2\)\]$/);
    expect(() => linalg.solve(np.array([[1, 2], [2, 4 + 4e-16]]), np.array([1, 1]))).toThrow(/^solve: the matrix is singular/);
    expect(() => linalg.solve(np.zeros([3, 3]), np.ones([3]))).toThrow(/pivot 0/);
    expect(() => linalg.solve(np.stack([np.eye(2), np.zeros([2, 2])]), np.ones([2]))).toThrow(/matrix 1 of the batch/);
  });

  it("shape errors name the function and the shapes", () => {
    expect(() => linalg.solve(np.ones([2, 3]), np.ones([2]))).toThrow("solve: the matrix must be square (a stack of n×n matrices), got shape (2,3)");
    expect(() => linalg.solve(np.eye(3), np.ones([2]))).toThrow("solve: shapes (3,3) and (2,) do not match (b needs 3 rows)");
    expect(() => linalg.solve(np.eye(3), np.ones([4, 2]))).toThrow("solve: shapes (3,3) and (4,2) do not match (b needs 3 rows)");
    expect(() => linalg.solve(np.ones([2, 3, 3]), np.ones([4, 3, 1]))).toThrow("solve: the batch axes of shapes (2,3,3) and (4,3,1) do not broadcast");
    expect(() => linalg.solve(np.ones([3]), np.ones([3]))).toThrow("solve: needs a matrix (or a stack of them), got shape (3,)");
  });

  it("derivatives in a and b to second order", () => {
    checkGrads((a: Array, y: Array) => linalg.solve(a, y), [general(38, 3), randn(39, [3])], { order: 2 });
    checkGrads((a: Array, y: Array) => linalg.solve(a, y), [general(40, 3, [2]), randn(41, [3, 2])], { order: 2 });
  });
});

describe("inv, det, slogdet", () => {
  it("inv(A)·A = I, and the 2×2 closed form", () => {
    const A = general(50, 5);
    expect(maxDiff(np.matmul(linalg.inv(A), A), np.eye(5))).toBeLessThan(1e-13);
    const inv2 = linalg.inv(np.array([[1, 2], [3, 4]]));
    expect(maxDiff(inv2, np.array([[-2, 1], [1.5, -0.5]]))).toBeLessThan(1e-15);
    expect(() => linalg.inv(np.array([[1, 2], [2, 4]]))).toThrow(/^inv: the matrix is singular/);
  });

  it("det of triangular and permutation products (closed forms)", () => {
    const T = np.array([[2, 0, 0], [5, -3, 0], [1, 7, 0.5]]);
    expect(linalg.det(T).item()).toBeCloseTo(-3, 14);
    const P = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]]); // a 3-cycle: even
    expect(linalg.det(P).item()).toBe(1);
    expect(linalg.det(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]])).item()).toBe(-1);
    expect(linalg.det(np.matmul(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]]), mT(T))).item()).toBeCloseTo(3, 14);
    expect(linalg.det(np.array([[1, 2], [3, 4]])).item()).toBeCloseTo(-2, 14);
  });

  it("det = sign·exp(log|det|), det(AB) = det(A)·det(B), batched", () => {
    const A = general(51, 4, [3]);
    const B = general(52, 4, [3]);
    const [sign, logabs] = linalg.slogdet(A);
    expect(sign.shape).toEqual([3]);
    expect(maxDiff(linalg.det(A), np.mul(sign, np.exp(logabs)))).toBe(0);
    const lhs = linalg.det(np.matmul(A, B));
    expect(maxDiff(lhs, np.mul(linalg.det(A), linalg.det(B)))).toBeLessThan(1e-12 * maxAbs(lhs));
  });

  it("slogdet does not overflow where det does; singular gives [0, −∞] and det 0", () => {
    const big = np.mul(1e3, np.eye(120));
    expect(linalg.det(big).item()).toBe(Infinity);
    const [s, l] = linalg.slogdet(big);
    expect(s.item()).toBe(1);
    expect(l.item()).toBeCloseTo(120 * Math.log(1e3), 10);
    expect(linalg.slogdet(np.ones([3, 3])).map((x) => x.item())).toEqual([0, -Infinity]);
    expect(linalg.det(np.ones([3, 3])).item()).toBe(0);
  });

  it("the gradient of log|det A| is A⁻ᵀ", () => {
    const A = general(53, 4);
    const g = grad((a: Array) => linalg.slogdet(a)[1])(A);
    expect(maxDiff(g, mT(linalg.inv(A)))).toBeLessThan(1e-14);
  });

  it("derivatives to second order", () => {
    checkGrads((a: Array) => linalg.inv(a), [general(54, 3)], { order: 2 });
    checkGrads((a: Array) => linalg.det(a), [general(55, 3, [2])], { order: 2 });
    checkGrads((a: Array) => linalg.slogdet(a)[1], [general(56, 4)], { order: 2 });
  });
});

describe("eigh", () => {
  it("closed form: [[2, 1], [1, 2]] has eigenvalues [1, 3] and eigenvectors (1, ∓1)/√2", () => {
    const [w, V] = linalg.eigh(np.array([[2, 1], [1, 2]]));
    expect(maxDiff(w, np.array([1, 3]))).toBeLessThan(1e-15);
    const s = Math.SQRT1_2;
    // Signed so that the largest-magnitude entry is positive (the first, on a tie).
    expect(maxDiff(V, np.array([[s, s], [-s, s]]))).toBeLessThan(1e-15);
  });

  it("scale-safe: eigenvalues of a matrix of size 1e-250 or 1e250 scale with it, eigenvectors do not", () => {
    const lambda = [-2, 0.5, 1, 3, 4];
    const A = withEigenvalues(64, lambda);
    const [w0, V0] = linalg.eigh(A);
    for (const s of [1e-250, 1e250]) {
      const [w, V] = linalg.eigh(np.mul(A, s));
      expect(maxDiff(np.div(w, s), np.array(lambda))).toBeLessThan(1e-13);
      expect(maxDiff(V, V0)).toBeLessThan(1e-13);
    }
    expect(maxDiff(w0, np.array(lambda))).toBeLessThan(1e-13);
    // A column whose entries are tiny next to the rest of A (found by npm run fuzz): their
    // squares underflowed, the reflector's 2/vᵀv overflowed and the QR iteration failed.
    const t = -1.26e-161;
    const [w, V] = linalg.eigh(np.array([[1, 0, t], [0, 4, 0], [t, 0, 9]]));
    expect(maxDiff(w, np.array([1, 4, 9]))).toBeLessThan(1e-14 * 9);
    expect(maxDiff(np.matmul(mT(V), V), np.eye(3))).toBeLessThan(1e-15 * 3);
  });

  it("V·diag(w)·Vᵀ = A, VᵀV = I, w ascending (batched)", () => {
    const B = randn(60, [2, 6, 6]);
    const A = np.add(B, mT(B));
    const [w, V] = linalg.eigh(A);
    expect(w.shape).toEqual([2, 6]);
    expect(maxDiff(np.matmul(np.mul(V, np.expandDims(w, -2)), mT(V)), A)).toBeLessThan(1e-13 * maxAbs(A));
    expect(maxDiff(np.matmul(mT(V), V), np.eye(6))).toBeLessThan(1e-14);
    const ws = w.toArray() as number[][];
    for (const row of ws) expect(row).toEqual([...row].sort((a, b) => a - b));
  });

  it("a 200×200 matrix with a known spectrum: eigenvalues to 1e-13 relative", () => {
    const lambda = globalThis.Array.from({ length: 200 }, (_, i) => -3 + (10 * i) / 199);
    const A = withEigenvalues(61, lambda);
    const [w, V] = linalg.eigh(A);
    expect(maxDiff(w, np.array(lambda))).toBeLessThan(1e-13 * 7);
    expect(maxDiff(np.matmul(mT(V), V), np.eye(200))).toBeLessThan(1e-13);
  });

  it("reads only the lower triangle", () => {
    const A = withEigenvalues(62, [1, 2, 4]);
    const junk = np.add(A, np.mul(np.array([[0, 5, 5], [0, 0, 5], [0, 0, 0]]), 1));
    const [w1, V1] = linalg.eigh(A);
    const [w2, V2] = linalg.eigh(junk);
    expect(maxDiff(w1, w2)).toBe(0);
    expect(maxDiff(V1, V2)).toBe(0);
  });

  it("each eigenvector's largest-magnitude entry is positive", () => {
    const [, V] = linalg.eigh(withEigenvalues(63, [-1, 0.5, 2, 3]));
    const cols = (mT(V).toArray() as number[][]);
    for (const c of cols) {
      const big = c.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(big).toBeGreaterThan(0);
    }
  });

  it("a diagonal matrix and the zero matrix", () => {
    const [w, V] = linalg.eigh(np.diag(np.array([3, -1, 2])));
    expect(w.toArray()).toEqual([-1, 2, 3]);
    expect(V.toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    const [w0] = linalg.eigh(np.zeros([3, 3]));
    expect(w0.toArray()).toEqual([0, 0, 0]);
  });

  it("derivatives of gauge-invariant functions, to second order", () => {
    const A = withEigenvalues(64, [-1.5, 0.3, 1.1, 2.6]);
    checkGrads((a: Array) => linalg.eigh(a)[0], [A], { order: 2 }); // distinct eigenvalues
    checkGrads((a: Array) => np.sum(np.sin(linalg.eigh(a)[0])), [A], { order: 2 });
    // V·diag(w²)·Vᵀ = A² (for symmetric A) exercises the eigenvector rule.
    checkGrads((a: Array) => {
      const [w, V] = linalg.eigh(a);
      return np.matmul(np.mul(V, np.expandDims(np.square(w), -2)), mT(V));
    }, [A], { order: 2 });
    // V itself is smooth here thanks to the sign convention.
    checkGrads((a: Array) => linalg.eigh(a)[1], [A], { order: 1 });
  });

  it("batched derivatives", () => {
    const A = np.stack([withEigenvalues(65, [0, 1, 3]), withEigenvalues(66, [-2, 1, 1.5])]);
    checkGrads((a: Array) => np.sum(np.exp(linalg.eigh(a)[0])), [A], { order: 2 });
  });

  it("repeated eigenvalues: the cluster's sum has the right derivative; no NaN; no rotation inside the eigenspace", () => {
    const A = withEigenvalues(67, [1, 1, 3]);
    const T0 = randn(68, [3, 3]);
    const T = np.add(T0, mT(T0));
    const [[w], [dw, dV]] = jvp((a: Array) => linalg.eigh(a), [A], [T]);
    expect(w.toFloat64Array()[1]! - w.toFloat64Array()[0]!).toBeLessThan(1e-13);
    expect(dw.toFloat64Array().every(Number.isFinite) && dV.toFloat64Array().every(Number.isFinite)).toBe(true);
    // d(w0 + w1) = tr of Ȧ projected on the eigenspace; compare with central differences.
    const h = 1e-6;
    const cluster = (t: number) => {
      const wt = linalg.eigh(np.add(A, np.mul(t, T)))[0].toFloat64Array();
      return wt[0]! + wt[1]!;
    };
    const fd = (cluster(h) - cluster(-h)) / (2 * h);
    const d = dw.toFloat64Array();
    expect(d[0]! + d[1]!).toBeCloseTo(fd, 6);
    // The simple eigenvalue's derivative is right on its own.
    const simple = (t: number) => linalg.eigh(np.add(A, np.mul(t, T)))[0].toFloat64Array()[2]!;
    expect(d[2]!).toBeCloseTo((simple(h) - simple(-h)) / (2 * h), 6);
    // Vᵀ·V̇ is antisymmetric, and zero between the two copies of the repeated eigenvalue
    // (up to the round-off of Vᵀ·V; a rotation inside the eigenspace would be of order 1).
    const [, V] = linalg.eigh(A);
    const C = np.matmul(mT(V), dV);
    expect(maxDiff(C, np.neg(mT(C)))).toBeLessThan(1e-12);
    expect(Math.abs((C.toArray() as number[][])[0]![1]!)).toBeLessThan(1e-15);
    expect(linalg.EIGH_DEGENERACY_TOL).toBe(1e-10);
  });

  it("shape errors", () => {
    expect(() => linalg.eigh(np.ones([3]))).toThrow("eigh: needs a matrix (or a stack of them), got shape (3,)");
    expect(() => linalg.eigh(np.ones([2, 3]))).toThrow("eigh: the matrix must be square (a stack of n×n matrices), got shape (2,3)");
  });
});

describe("qr", () => {
  for (const [m, n] of [[5, 3], [4, 4], [3, 5]] as const) {
    it(`${m}×${n}: Q·R = A, QᵀQ = I, R upper triangular with a non-negative diagonal (batched)`, () => {
      const A = randn(70 + m, [2, m, n]);
      const [Q, R] = linalg.qr(A);
      const k = Math.min(m, n);
      expect(Q.shape).toEqual([2, m, k]);
      expect(R.shape).toEqual([2, k, n]);
      expect(maxDiff(np.matmul(Q, R), A)).toBeLessThan(1e-14 * 10);
      expect(maxDiff(np.matmul(mT(Q), Q), np.eye(k))).toBeLessThan(1e-14 * 10);
      const r = R.toArray() as number[][][];
      for (const mat of r) {
        mat.forEach((row, i) => row.forEach((v, j) => (j < i ? expect(v).toBe(0) : undefined)));
        mat.forEach((row, i) => expect(row[i]).toBeGreaterThanOrEqual(0));
      }
      expect(maxDiff(Q, loop((a) => linalg.qr(a)[0], A))).toBe(0);
    });
  }

  it("closed form: [[3], [4]] = [[0.6], [0.8]]·[[5]]", () => {
    const [Q, R] = linalg.qr(np.array([[3], [4]]));
    expect(maxDiff(Q, np.array([[0.6], [0.8]]))).toBeLessThan(1e-15);
    expect(R.toArray()).toEqual([[5]]);
  });

  it("scale-safe: columns of size 1e-200 and 1e200 (whose squares under- and overflow)", () => {
    for (const s of [1e-200, 1e200]) {
      const A = randn(78, [4, 3]);
      // One column at scale s, the others at 1 and s: each reflector sees its own column.
      const As = np.mul(A, np.array([s, 1, s]));
      const [Q, R] = linalg.qr(As);
      expect(maxDiff(np.matmul(mT(Q), Q), np.eye(3))).toBeLessThan(1e-14 * 10);
      const back = np.div(np.matmul(Q, R), np.array([s, 1, s]));
      expect(maxDiff(back, A)).toBeLessThan(1e-13);
      // R's first diagonal entry is the first column's norm.
      const r00 = (R.toArray() as number[][])[0]![0]!;
      expect(Math.abs(r00 / (np.norm(np.slice(A, null, 0)).item() * s) - 1)).toBeLessThan(1e-14);
    }
    // lstsq's rank cutoff (rcond·σ_max) scales with the matrix: a full-rank one of size
    // 1e±200 solves as at size 1, and a rank-deficient one gives numpy's minimum-norm
    // solution (an error before issue 11; test/linalg/pseudo.test.ts has the details).
    const A = randn(79, [5, 3]);
    const b = randn(80, [5]);
    const x = linalg.lstsq(A, b);
    for (const s of [1e-200, 1e200]) {
      expect(maxDiff(linalg.lstsq(np.mul(A, s), np.mul(b, s)), x)).toBeLessThan(1e-12);
      const xs = linalg.lstsq(np.mul(np.array([[1, 2], [2, 4], [3, 6]]), s), np.array([1, 2, 3]));
      expect(maxDiff(np.mul(xs, s), np.array([0.2, 0.4]))).toBeLessThan(1e-15);
    }
  });

  it("derivatives to second order: tall, square and wide", () => {
    checkGrads((a: Array) => linalg.qr(a), [randn(75, [4, 3])], { order: 2 });
    checkGrads((a: Array) => linalg.qr(a), [randn(76, [3, 3])], { order: 2 });
    checkGrads((a: Array) => linalg.qr(a), [randn(77, [2, 4])], { order: 2 });
  });
});

describe("lstsq", () => {
  it("tall: agrees with the normal equations, and the residual is orthogonal to the columns", () => {
    const A = randn(80, [7, 3]);
    const b = randn(81, [7]);
    const x = linalg.lstsq(A, b);
    expect(maxDiff(x, linalg.solve(np.matmul(A.T, A), np.matmul(A.T, b)))).toBeLessThan(1e-13);
    expect(maxAbs(np.matmul(A.T, np.sub(np.matmul(A, x), b)))).toBeLessThan(1e-13);
  });

  it("closed form: [[1, 0], [0, 1], [1, 1]]·x ≈ [1, 1, 2] is solved exactly by [1, 1]", () => {
    expect(maxDiff(linalg.lstsq(np.array([[1, 0], [0, 1], [1, 1]]), np.array([1, 1, 2])), np.array([1, 1]))).toBeLessThan(1e-15);
  });

  it("wide: the minimum-norm solution Aᵀ(AAᵀ)⁻¹b", () => {
    const A = randn(82, [2, 5]);
    const b = randn(83, [2, 3]);
    const x = linalg.lstsq(A, b);
    expect(x.shape).toEqual([5, 3]);
    expect(maxDiff(np.matmul(A, x), b)).toBeLessThan(1e-13);
    expect(maxDiff(x, np.matmul(A.T, linalg.solve(np.matmul(A, A.T), b)))).toBeLessThan(1e-13);
  });

  it("square: equals solve; batched equals a loop", () => {
    const A = general(84, 4);
    const b = randn(85, [4]);
    expect(maxDiff(linalg.lstsq(A, b), linalg.solve(A, b))).toBeLessThan(1e-13);
    const As = randn(86, [3, 5, 2]);
    const bs = randn(87, [3, 5, 1]);
    expect(maxDiff(linalg.lstsq(As, bs), loop((a, y) => linalg.lstsq(a, y), As, bs))).toBe(0);
  });

  it("rank deficiency gives numpy's minimum-norm solution; a shape mismatch is an error", () => {
    // [[1, 2], [2, 4], [3, 6]] = (1, 2, 3)ᵀ(1, 2): x = (1, 2)·(1, 2, 3)·b/70.
    expect(maxDiff(linalg.lstsq(np.array([[1, 2], [2, 4], [3, 6]]), np.array([1, 2, 3])), np.array([0.2, 0.4]))).toBeLessThan(1e-15);
    expect(maxDiff(linalg.lstsq(np.array([[1, 2, 3], [2, 4, 6]]), np.array([1, 2])), np.array([1, 2, 3]).div(14))).toBeLessThan(1e-15);
    expect(() => linalg.lstsq(np.ones([4, 2]), np.ones([3]))).toThrow("lstsq: shapes (4,2) and (3,) do not match (b needs 4 rows)");
  });

  it("derivatives to second order (tall and wide)", () => {
    checkGrads((a: Array, y: Array) => linalg.lstsq(a, y), [randn(88, [4, 2]), randn(89, [4])], { order: 2 });
    checkGrads((a: Array, y: Array) => linalg.lstsq(a, y), [randn(90, [2, 3]), randn(91, [2])], { order: 2 });
  });
});

describe("cond and norm", () => {
  it("closed forms from known singular values", () => {
    expect(linalg.cond(np.array([[2, 0], [0, 0.5]])).item()).toBeCloseTo(4, 14);
    const A = withSingularValues(100, 4, 4, [10, 3, 1, 1e-3]);
    expect(linalg.cond(A).item() / 1e4).toBeCloseTo(1, 10);
    const tall = withSingularValues(101, 6, 3, [5, 2, 0.5]);
    expect(linalg.cond(tall).item()).toBeCloseTo(10, 11);
    expect(linalg.cond(mT(tall)).item()).toBeCloseTo(10, 11);
    expect(linalg.norm(A, { ord: 2 }).item()).toBeCloseTo(10, 12);
    expect(linalg.norm(A, { ord: -2 }).item()).toBeCloseTo(1e-3, 14);
    expect(linalg.norm(A, { ord: "nuc" }).item()).toBeCloseTo(14.001, 12);
  });

  it("small singular values stay accurate: cond 1e12 to 1e-3 relative", () => {
    const A = withSingularValues(102, 3, 3, [1, 0.5, 1e-12]);
    expect(linalg.cond(A).item() / 1e12).toBeCloseTo(1, 3);
  });

  it("singular matrices give Infinity, never NaN", () => {
    expect(linalg.cond(np.array([[1, 2], [2, 4]])).item()).toBe(Infinity);
    expect(linalg.cond(np.zeros([3, 3])).item()).toBe(Infinity);
    expect(linalg.cond(np.ones([3, 2])).item()).toBe(Infinity);
  });

  it("batched cond and norm; axes and keepdims", () => {
    const A = randn(103, [3, 4, 4]);
    expect(maxDiff(linalg.cond(A), loop((a) => linalg.cond(a), A))).toBe(0);
    const n2 = linalg.norm(A, { ord: 2, axis: [-2, -1] });
    expect(n2.shape).toEqual([3]);
    expect(maxDiff(n2, loop((a) => linalg.norm(a, { ord: 2 }), A))).toBe(0);
    expect(linalg.norm(A, { ord: 2, axis: [1, 2], keepdims: true }).shape).toEqual([3, 1, 1]);
    // Axes in the other order are the transpose, which has the same singular values.
    expect(maxDiff(linalg.norm(A, { ord: 2, axis: [2, 1] }), n2)).toBeLessThan(1e-14);
  });

  it("other ords and vectors delegate to np.norm", () => {
    const A = randn(104, [3, 3]);
    for (const ord of [1, -1, Infinity, -Infinity, "fro"] as const) {
      expect(linalg.norm(A, { ord }).item()).toBe(np.norm(A, { ord }).item());
    }
    const v = np.array([3, 4]);
    expect(linalg.norm(v, { ord: 2 }).item()).toBe(5);
    expect(linalg.norm(v).item()).toBe(5);
    expect(() => linalg.norm(v, { ord: "nuc" })).toThrow(/^norm: ord "nuc" needs a matrix/);
  });

  it("three or more axes are an error for every ord, never a norm over two of them", () => {
    const A = randn(105, [2, 3, 4]);
    // The type allows two axes at most; plain JavaScript can pass three.
    const threeAxes = [0, 1, 2] as unknown as [number, number];
    for (const ord of [2, -2, "nuc", "fro", 1, undefined] as const) {
      expect(() => linalg.norm(A, { ord, axis: threeAxes }), `ord ${ord}`).toThrow(/^norm: /);
    }
  });

  it("derivatives to second order", () => {
    const A = withSingularValues(105, 3, 3, [3, 1.5, 0.7]);
    checkGrads((a: Array) => linalg.cond(a), [A], { order: 2 });
    checkGrads((a: Array) => linalg.norm(a, { ord: 2 }), [A], { order: 2 });
    checkGrads((a: Array) => linalg.norm(a, { ord: "nuc" }), [withSingularValues(106, 4, 2, [2, 1])], { order: 2 });
  });

  it("scale-safe: a matrix of size 1e-250 or 1e250 has norms and cond of that size, not 0, Infinity or NaN", () => {
    // σ = (10, 3, 1, 1e-3): ord 2 = 10s, −2 = 1e-3·s, nuc = 14.001s, fro = √(100 + 9 + 1 + 1e-6)·s.
    const A = withSingularValues(100, 4, 4, [10, 3, 1, 1e-3]);
    const fro = Math.sqrt(110 + 1e-6);
    for (const s of [1e-250, 1e250]) {
      const As = np.mul(A, s);
      const rel = (a: number, e: number) => expect(Math.abs(a / e - 1), `${a} vs ${e}`).toBeLessThan(1e-11);
      rel(linalg.norm(As, { ord: 2 }).item(), 10 * s);
      rel(linalg.norm(As, { ord: -2 }).item(), 1e-3 * s);
      rel(linalg.norm(As, { ord: "nuc" }).item(), 14.001 * s);
      rel(linalg.norm(As, { ord: "fro" }).item(), fro * s);
      rel(linalg.norm(As).item(), fro * s);
      rel(linalg.cond(As).item(), 1e4);
      // Derivatives are those of the unscaled norm: d‖sA‖₂/d(sA) = d‖A‖₂/dA.
      const g = grad((a: Array) => linalg.norm(a, { ord: 2 }));
      expect(maxDiff(g(As), g(A))).toBeLessThan(1e-12);
      checkGrads((a: Array) => linalg.norm(a, { ord: 2 }), [As], { order: 1, eps: 1e-6 * s, atol: 0 });
    }
  });
});

describe("float32 and errors across the API", () => {
  it("float32 inputs give float32 outputs close to float64", () => {
    const S = spd(130, 4);
    const G = general(131, 4);
    const b = randn(132, [4]);
    const f32 = (x: Array) => np.astype(x, "float32");
    const pairs: [string, (...xs: Array[]) => Array, Array[]][] = [
      ["eigh w", (a) => linalg.eigh(a)[0], [S]],
      ["qr R", (a) => linalg.qr(a)[1], [G]],
      ["lstsq", (a, y) => linalg.lstsq(a, y), [G, b]],
      ["inv", (a) => linalg.inv(a), [G]],
      ["slogdet", (a) => linalg.slogdet(a)[1], [G]],
      ["triangularSolve", (a, y) => linalg.triangularSolve(a, y), [G, b]],
      ["cond", (a) => linalg.cond(a), [G]],
    ];
    for (const [name, f, args] of pairs) {
      const lo = f(...args.map(f32));
      const hi = f(...args);
      expect(lo.dtype, name).toBe("float32");
      expect(maxDiff(np.astype(lo, "float64"), hi), name).toBeLessThan(1e-4 * Math.max(1, maxAbs(hi)));
    }
  });

  it("non-square and mismatched inputs name the function and the shapes", () => {
    const rect = np.ones([2, 3]);
    for (const [name, f] of [
      ["inv", linalg.inv], ["det", linalg.det], ["slogdet", linalg.slogdet], ["cholesky", linalg.cholesky], ["eigh", linalg.eigh],
    ] as const) {
      expect(() => f(rect), name).toThrow(new RegExp(`^${name}: the matrix must be square \\(a stack of n×n matrices\\), got shape \\(2,3\\)$`));
    }
    expect(() => linalg.triangularSolve(np.eye(2), np.ones([3]))).toThrow("triangularSolve: shapes (2,2) and (3,) do not match (b needs 2 rows)");
    expect(() => linalg.choSolve(np.eye(2), np.ones([3, 1]))).toThrow("choSolve: shapes (2,2) and (3,1) do not match (b needs 2 rows)");
    expect(() => linalg.cond(np.ones([3]))).toThrow("cond: needs a matrix (or a stack of them), got shape (3,)");
    expect(() => linalg.qr(np.ones([3]))).toThrow("qr: needs a matrix (or a stack of them), got shape (3,)");
  });
});

describe("vmap equals a loop", () => {
  const A = spd(110, 3, [4]);
  const G = general(111, 3, [4]);
  const b = randn(112, [4, 3]);
  const cases: [string, (...xs: Array[]) => Array, Array[]][] = [
    ["cholesky", (a) => linalg.cholesky(a), [A]],
    ["triangularSolve", (a, y) => linalg.triangularSolve(a, y, { transpose: true }), [G, b]],
    ["choSolve", (a, y) => linalg.choSolve(linalg.cholesky(a), y), [A, b]],
    ["solve", (a, y) => linalg.solve(a, y), [G, b]],
    ["inv", (a) => linalg.inv(a), [G]],
    ["det", (a) => linalg.det(a), [G]],
    ["slogdet", (a) => linalg.slogdet(a)[1], [G]],
    ["eigh (w and V·diag(w)·Vᵀ)", (a) => { const [w, V] = linalg.eigh(a); return np.concatenate([np.expandDims(w, 0), np.matmul(np.mul(V, w), mT(V))]); }, [A]],
    ["qr", (a) => np.concatenate(linalg.qr(a)), [G]],
    ["lstsq", (a, y) => linalg.lstsq(a, y), [G, b]],
    ["cond", (a) => linalg.cond(a), [G]],
    ["norm ord 2", (a) => linalg.norm(a, { ord: 2 }), [G]],
  ];
  for (const [name, f, args] of cases) {
    it(name, () => {
      expect(maxDiff(vmap(f)(...args), loop(f, ...args))).toBeLessThan(1e-14);
    });
  }

  it("unbatched operands mixed with batched ones (inAxes)", () => {
    const a0 = np.slice(G, 0);
    const f = (a: Array, y: Array) => linalg.solve(a, y);
    expect(maxDiff(vmap(f, { inAxes: [null, 0] })(a0, b), loop((y) => f(a0, y), b))).toBe(0);
    const bT = mT(b); // batch along axis 1
    expect(maxDiff(vmap(f, { inAxes: [0, 1] })(G, bT), loop(f, G, b))).toBe(0);
  });

  it("per-example gradients: vmap of grad", () => {
    const g = (a: Array) => grad((x: Array) => linalg.slogdet(x)[1])(a);
    expect(maxDiff(vmap(g)(G), loop(g, G))).toBeLessThan(1e-14);
  });
});

describe("jit", () => {
  it("staged linalg equals eager", () => {
    const A = spd(120, 4);
    const b = randn(121, [4]);
    const f = (a: Array, y: Array) => np.add(linalg.choSolve(linalg.cholesky(a), y), np.sum(linalg.eigh(a)[0]));
    const fast = jit(f);
    expect(maxDiff(fast(A, b), f(A, b))).toBe(0);
    expect(maxDiff(fast(A, b), f(A, b))).toBe(0);
  });
});
