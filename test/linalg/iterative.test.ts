import { describe, expect, it } from "vitest";
import { hessian, hvp, linalg, np, random, type Array } from "nabla";

// The matrix-free solvers against dense references: solve for linear systems, eigh for
// eigenpairs; and their statuses on operators that break their assumptions.

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array) => np.max(np.abs(np.sub(a, b))).item();
const op = (A: Array) => (v: Array) => np.matmul(A, v);

function spd(seed: number, n: number): Array {
  const B = randn(seed, [n, n]);
  return np.add(np.matmul(B, mT(B)), np.mul(n, np.eye(n)));
}
/** Q·diag(λ)·Qᵀ with a random orthogonal Q. */
function withEigenvalues(seed: number, lambda: number[]): Array {
  const Q = linalg.qr(randn(seed, [lambda.length, lambda.length]))[0];
  return np.matmul(np.mul(Q, np.array(lambda)), Q.T);
}
const spread = (n: number, lo: number, hi: number) => globalThis.Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe("cg", () => {
  it("converges to the dense solve on an SPD system", () => {
    const A = spd(1, 30);
    const b = randn(2, [30]);
    const r = linalg.cg(op(A), b);
    expect(r.status).toBe("converged");
    expect(r.success).toBe(true);
    expect(r.residual).toBeLessThanOrEqual(1e-10);
    expect(r.nit).toBeGreaterThan(0);
    expect(r.nit).toBeLessThanOrEqual(30 + 5);
    expect(maxDiff(r.x, linalg.solve(A, b))).toBeLessThan(1e-9);
    expect(r.message).toMatch(/^cg: converged in \d+ iterations$/);
  });

  it("a Jacobi preconditioner cuts the iterations on a badly scaled system", () => {
    const d = np.array(spread(40, 1, 1e4));
    const A = np.add(np.diag(d), np.mul(0.1, withEigenvalues(3, spread(40, -1, 1))));
    const b = randn(4, [40]);
    const plain = linalg.cg(op(A), b, { maxIter: 1000 });
    const pre = linalg.cg(op(A), b, { M: (r) => np.div(r, d) });
    expect(plain.success && pre.success).toBe(true);
    expect(pre.nit).toBeLessThan(plain.nit / 2);
    expect(maxDiff(pre.x, linalg.solve(A, b))).toBeLessThan(1e-9);
  });

  it("x0, shaped right-hand sides, tol, and b = 0", () => {
    const A = spd(5, 6);
    const b = randn(6, [6]);
    const exact = linalg.solve(A, b);
    const warm = linalg.cg(op(A), b, { x0: exact });
    expect(warm.nit).toBe(0);
    expect(warm.status).toBe("converged");
    // The operator sees vectors shaped like b.
    const shaped = linalg.cg((v) => np.reshape(np.matmul(A, np.reshape(v, [6])), [2, 3]), np.reshape(b, [2, 3]));
    expect(shaped.x.shape).toEqual([2, 3]);
    expect(maxDiff(np.reshape(shaped.x, [6]), exact)).toBeLessThan(1e-9);
    const loose = linalg.cg(op(A), b, { tol: 1e-3 });
    expect(loose.residual).toBeLessThanOrEqual(1e-3);
    expect(loose.residual).toBeGreaterThan(1e-13);
    const zero = linalg.cg(op(A), np.zeros([6]));
    expect(zero.status).toBe("converged");
    expect(zero.x.toArray()).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('an indefinite operator stops with "notPositiveDefinite" and a finite x', () => {
    const A = withEigenvalues(7, [-2, 1, 3, 4]);
    const r = linalg.cg(op(A), randn(8, [4]));
    expect(r.status).toBe("notPositiveDefinite");
    expect(r.success).toBe(false);
    expect(r.message).toMatch(/^cg: the operator is not positive definite \(pᵀ·A·p = .* ≤ 0 at iteration \d+\)$/);
    expect(r.x.toFloat64Array().every(Number.isFinite)).toBe(true);
  });

  it('running out of iterations gives "maxIter"', () => {
    const A = withEigenvalues(9, spread(50, 1, 1e3));
    const r = linalg.cg(op(A), randn(10, [50]), { maxIter: 3 });
    expect(r.status).toBe("maxIter");
    expect(r.success).toBe(false);
    expect(r.nit).toBe(3);
    expect(r.residual).toBeGreaterThan(1e-10);
    expect(r.message).toBe("cg: no convergence in 3 iterations");
  });

  it('a non-finite operator gives "nonFinite", never a NaN success', () => {
    const A = spd(11, 4);
    // matvec is traced once (it must be pure), so a NaN operator is NaN from the start.
    const r = linalg.cg((v) => np.matmul(A, v).mul(NaN), randn(12, [4]));
    expect(r.status).toBe("nonFinite");
    expect(r.success).toBe(false);
    const bad = linalg.cg(op(A), np.array([1, NaN, 0, 0]));
    expect(bad.status).toBe("nonFinite");
  });

  it("a preconditioner that is not positive definite is reported", () => {
    const A = spd(13, 4);
    const r = linalg.cg(op(A), randn(14, [4]), { M: (v) => np.neg(v) });
    expect(r.status).toBe("notPositiveDefinite");
    expect(r.message).toMatch(/preconditioner/);
  });

  it("b of size 1e-200 or 1e200 (whose rᵀr under- or overflows): the same solve, scaled", () => {
    const A = spd(15, 8);
    const b = randn(16, [8]);
    const exact = linalg.solve(A, b);
    for (const solver of [linalg.cg, linalg.minres]) {
      const base = solver(op(A), b);
      for (const s of [1e-200, 1e200]) {
        const r = solver(op(A), np.mul(b, s));
        expect(r.status).toBe("converged");
        expect(r.nit).toBe(base.nit);
        expect(r.residual).toBeLessThanOrEqual(1e-10);
        expect(maxDiff(np.div(r.x, s), exact)).toBeLessThan(1e-9);
      }
    }
  });
});

describe("minres", () => {
  it("converges to the dense solve on a symmetric indefinite system", () => {
    const A = withEigenvalues(20, spread(30, -5, 5).map((x) => (Math.abs(x) < 0.3 ? x + 0.6 : x)));
    const b = randn(21, [30]);
    const r = linalg.minres(op(A), b);
    expect(r.status).toBe("converged");
    expect(r.residual).toBeLessThanOrEqual(1e-10);
    expect(maxDiff(r.x, linalg.solve(A, b))).toBeLessThan(1e-8);
  });

  it("closed form: [[1, 2], [2, −3]]·x = [1, 0] gives x = [3/7, 2/7]", () => {
    const r = linalg.minres(op(np.array([[1, 2], [2, -3]])), np.array([1, 0]));
    expect(r.success).toBe(true);
    expect(maxDiff(r.x, np.array([3 / 7, 2 / 7]))).toBeLessThan(1e-14);
  });

  it("SPD systems, x0 and an SPD preconditioner", () => {
    const A = spd(22, 20);
    const b = randn(23, [20]);
    const exact = linalg.solve(A, b);
    expect(maxDiff(linalg.minres(op(A), b).x, exact)).toBeLessThan(1e-9);
    const d = np.sum(np.mul(A, np.eye(20)), { axis: 1 });
    const pre = linalg.minres(op(A), b, { M: (r) => np.div(r, d), x0: np.ones([20]) });
    expect(pre.status).toBe("converged");
    expect(maxDiff(pre.x, exact)).toBeLessThan(1e-9);
  });

  it("a singular but consistent system: the minimum-norm solution from x0 = 0", () => {
    const Q = linalg.qr(randn(24, [4, 4]))[0];
    const A = np.matmul(np.mul(Q, np.array([2, -1, 0, 3])), Q.T);
    const b = np.matmul(A, randn(25, [4])); // in the range of A
    const r = linalg.minres(op(A), b);
    expect(r.status).toBe("converged");
    // The minimum-norm solution has no component along the null vector Q[:, 2].
    const nullVec = np.slice(Q, null, 2);
    expect(Math.abs(np.sum(np.mul(r.x, nullVec)).item())).toBeLessThan(1e-10);
    expect(maxDiff(np.matmul(A, r.x), b)).toBeLessThan(1e-9);
  });

  it('"maxIter" and "nonFinite"', () => {
    const A = withEigenvalues(26, spread(40, -100, 100));
    const r = linalg.minres(op(A), randn(27, [40]), { maxIter: 4 });
    expect(r.status).toBe("maxIter");
    expect(r.nit).toBe(4);
    expect(r.success).toBe(false);
    // matvec is traced once (it must be pure); the preconditioner runs eagerly, so it can turn bad mid-run.
    let calls = 0;
    const nan = linalg.minres(op(A), randn(28, [40]), { M: (v) => (++calls > 2 ? np.mul(v, Infinity) : v) });
    expect(nan.status).toBe("nonFinite");
    expect(nan.x.toFloat64Array().every(Number.isFinite)).toBe(true);
  });
});

describe("lanczos", () => {
  const n = 200;
  const B = randn(30, [n, n]);
  const A = np.div(np.add(B, B.T), 2);
  const [w, V] = linalg.eigh(A);
  const wv = w.toFloat64Array();

  it("the 3 largest eigenvalues of a 200×200 matrix match eigh", () => {
    const r = linalg.lanczos(op(A), n, { k: 3 });
    expect(r.converged).toBe(true);
    expect(r.nit).toBeLessThan(n);
    const expected = np.array([wv[n - 3]!, wv[n - 2]!, wv[n - 1]!]);
    expect(maxDiff(r.values, expected)).toBeLessThan(1e-9);
    // A·v = θ·v for the returned unit vectors, and they match eigh's up to sign.
    const AV = np.matmul(A, r.vectors);
    expect(maxDiff(AV, np.mul(r.vectors, r.values))).toBeLessThan(1e-6);
    expect(maxDiff(np.abs(np.matmul(mT(r.vectors), np.slice(V, null, [n - 3, n]))), np.eye(3))).toBeLessThan(1e-6);
    // The reported residuals are the true ‖A·v − θ·v‖, within the tolerance 1e-8·max|θ|.
    const trueResiduals = np.sqrt(np.sum(np.square(np.sub(AV, np.mul(r.vectors, r.values))), { axis: 0 })).toFloat64Array();
    r.residuals.forEach((res, i) => expect(Math.abs(res - trueResiduals[i]!)).toBeLessThan(1e-10));
    expect(Math.max(...r.residuals)).toBeLessThanOrEqual(1e-8 * Math.abs(wv[n - 1]!));
  });

  it("smallest and both ends", () => {
    const small = linalg.lanczos(op(A), n, { k: 2, which: "smallest" });
    expect(small.converged).toBe(true);
    expect(maxDiff(small.values, np.array([wv[0]!, wv[1]!]))).toBeLessThan(1e-9);
    const both = linalg.lanczos(op(A), n, { k: 1, which: "both" });
    expect(maxDiff(both.values, np.array([wv[0]!, wv[n - 1]!]))).toBeLessThan(1e-9);
    expect(both.vectors.shape).toEqual([n, 2]);
  });

  it("reproducible from its key; a different key gives the same eigenvalues", () => {
    const r1 = linalg.lanczos(op(A), n, { key: random.key(5) });
    const r2 = linalg.lanczos(op(A), n, { key: random.key(5) });
    const r3 = linalg.lanczos(op(A), n, { key: random.key(6) });
    expect(r1.values.toArray()).toEqual(r2.values.toArray());
    expect(Math.abs(r1.values.item() - r3.values.item())).toBeLessThan(1e-9);
  });

  it("an operator of size 1e-200 or 1e200: eigenvalues of that size, not a breakdown at β = 0", () => {
    const small = withEigenvalues(32, [1, 2, 3, 4, 5, 6, 7, 8]);
    for (const s of [1e-200, 1e200]) {
      const r = linalg.lanczos((v) => np.mul(np.matmul(small, v), s), 8, { k: 2, which: "both" });
      expect(r.converged).toBe(true);
      expect(maxDiff(np.div(r.values, s), np.array([1, 2, 7, 8]))).toBeLessThan(1e-10);
    }
  });

  it("a small operator is solved exactly once the Krylov space is full", () => {
    const small = withEigenvalues(31, [1, 2, 3, 4, 5]);
    const r = linalg.lanczos(op(small), 5, { k: 2, which: "both", tol: 1e-30 });
    expect(r.converged).toBe(true);
    expect(maxDiff(r.values, np.array([1, 2, 4, 5]))).toBeLessThan(1e-13);
  });

  it("an invariant subspace (Krylov breakdown) restarts the search orthogonally to it", () => {
    // From any start, the Krylov space of diag(1, 1, 1, 5) has dimension 2: after two
    // steps β = 0, and only a fresh start finds the other copies of the eigenvalue 1.
    const D = np.diag(np.array([1, 1, 1, 5]));
    const r = linalg.lanczos(op(D), 4, { k: 3, which: "smallest" });
    expect(r.nit).toBe(4);
    expect(r.converged).toBe(true);
    expect(maxDiff(r.values, np.array([1, 1, 1]))).toBeLessThan(1e-14);
    expect(maxDiff(np.matmul(mT(r.vectors), r.vectors), np.eye(3))).toBeLessThan(1e-14);
  });

  it("on a Hessian-vector product, the extreme Hessian eigenvalues", () => {
    const m = 40;
    const H0 = withEigenvalues(32, spread(m, -2, 6));
    const f = (x: Array) => np.add(np.mul(0.5, np.sum(np.mul(x, np.matmul(H0, x)))), np.sum(np.cos(x)));
    const x0 = randn(33, [m]);
    const H = hessian(f)(x0);
    const [wh] = linalg.eigh(H);
    const wt = wh.toFloat64Array();
    const r = linalg.lanczos((v) => hvp(f, x0, v), m, { k: 2, which: "both" });
    expect(r.converged).toBe(true);
    expect(maxDiff(r.values, np.array([wt[0]!, wt[1]!, wt[m - 2]!, wt[m - 1]!]))).toBeLessThan(1e-8);
  });

  it("bad requests are errors", () => {
    expect(() => linalg.lanczos(op(np.eye(3)), 3, { k: 4 })).toThrow("lanczos: cannot take k = 4 largest eigenpairs of an operator of size 3");
    expect(() => linalg.lanczos(op(np.eye(3)), 3, { k: 2, which: "both" })).toThrow("lanczos: cannot take k = 2 eigenpairs from each end of an operator of size 3");
    expect(() => linalg.lanczos((v) => np.concatenate([v, v]), 3)).toThrow("lanczos: matvec returned shape (6) for an input of shape (3)");
  });

  it("a matvec returning NaN or ±Infinity is an error, at the first step or a later one", () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const poison = (v: Array) => np.where(np.equal(np.arange(n), 7), bad, v);
      expect(() => linalg.lanczos((v) => poison(np.matmul(A, v)), n)).toThrow("lanczos: matvec returned a non-finite value");
      let calls = 0;
      const late = (v: Array) => (++calls === 5 ? poison(np.matmul(A, v)) : np.matmul(A, v));
      expect(() => linalg.lanczos(late, n)).toThrow("lanczos: matvec returned a non-finite value");
      expect(calls).toBe(5);
    }
  });

  it("the eigenvectors stay orthonormal over a long run (the second Gram–Schmidt pass runs only when needed)", () => {
    const r = linalg.lanczos(op(A), n, { k: 5, which: "both", maxIter: 150 });
    expect(r.vectors.shape).toEqual([n, 10]);
    expect(maxDiff(np.matmul(mT(r.vectors), r.vectors), np.eye(10))).toBeLessThan(1e-12);
  });
});
