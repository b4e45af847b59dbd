import { describe, expect, it } from "vitest";
import { linalg, np, random, type Array } from "nabla";

// The nonsymmetric matrix-free solvers (gmres, bicgstab) against the dense solve, and
// their statuses on operators they cannot handle.

const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const maxDiff = (a: Array, b: Array) => np.max(np.abs(np.sub(a, b))).item();
const relErr = (x: Array, ref: Array) => maxDiff(x, ref) / np.max(np.abs(ref)).item();
const op = (A: Array) => (v: Array) => np.matmul(A, v);
const spread = (n: number, lo: number, hi: number) => globalThis.Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

/** I + G/(2√n) with G Gaussian: nonsymmetric, singular values within about [0.5, 1.5]. */
const nearIdentity = (seed: number, n: number) => np.add(np.eye(n), np.div(randn(seed, [n, n]), 2 * Math.sqrt(n)));
/** −u″ + c·u′ by central differences on n points: tridiag(−1 − γ, 2, −1 + γ), γ = c·h/2. */
function convectionDiffusion(n: number, gamma: number): Array {
  const entry = (i: number, j: number) => (i === j ? 2 : j === i - 1 ? -1 - gamma : j === i + 1 ? -1 + gamma : 0);
  return np.array(globalThis.Array.from({ length: n }, (_, i) => globalThis.Array.from({ length: n }, (_, j) => entry(i, j))));
}
/** A diagonal spread over [1, 1e4] plus a small nonsymmetric coupling: Jacobi's case. */
const badlyScaled = (seed: number, n: number) => {
  const d = np.array(spread(n, 1, 1e4));
  return [np.add(np.diag(d), np.mul(0.1, randn(seed, [n, n]))), d] as const;
};

const solvers = [
  ["gmres", linalg.gmres],
  ["bicgstab", linalg.bicgstab],
] as const;

describe("gmres and bicgstab on random nonsymmetric systems", () => {
  it.each(solvers)("%s converges to the dense solve", (name, solver) => {
    for (const seed of [1, 2, 3]) {
      const A = nearIdentity(seed, 40);
      const b = randn(seed + 10, [40]);
      const r = solver(op(A), b);
      expect(r.status).toBe("converged");
      expect(r.success).toBe(true);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(r.nit).toBeGreaterThan(0);
      expect(r.nit).toBeLessThanOrEqual(40);
      expect(maxDiff(r.x, linalg.solve(A, b))).toBeLessThan(1e-9);
      expect(r.message).toMatch(new RegExp(`^${name}: converged in \\d+ iterations$`));
    }
  });
});

describe("gmres", () => {
  it("a 1-D convection–diffusion matrix: full GMRES needs n iterations, restarted ones still converge", () => {
    const n = 100;
    const C = convectionDiffusion(n, 0.3);
    const b = np.ones([n]);
    const exact = linalg.solve(C, b);
    // Non-normal enough that the residual stalls until the Krylov space is full.
    const full = linalg.gmres(op(C), b, { restart: n });
    expect([full.status, full.nit]).toEqual(["converged", n]);
    expect(relErr(full.x, exact)).toBeLessThan(1e-10);
    for (const restart of [5, 30]) {
      const r = linalg.gmres(op(C), b, { restart });
      expect(r.status, `restart ${restart}`).toBe("converged");
      expect(r.nit).toBeGreaterThan(n);
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.x, exact)).toBeLessThan(1e-8);
    }
  });

  it("a Jacobi preconditioner, on the right or the left, cuts the iterations", () => {
    const [A, d] = badlyScaled(4, 40);
    const b = randn(5, [40]);
    const exact = linalg.solve(A, b);
    for (const side of ["right", "left"] as const) {
      const plain = linalg.gmres(op(A), b, { side, maxIter: 1000 });
      const pre = linalg.gmres(op(A), b, { side, M: (r) => np.div(r, d) });
      expect(plain.success && pre.success, side).toBe(true);
      expect(pre.nit).toBeLessThan(plain.nit / 4);
      expect(pre.residual).toBeLessThanOrEqual(1e-10);
      expect(relErr(pre.x, exact)).toBeLessThan(1e-9);
    }
  });

  it("a restart shorter than the iterations needed still converges, with more of them", () => {
    const A = nearIdentity(6, 40);
    const b = randn(7, [40]);
    const long = linalg.gmres(op(A), b, { restart: 40 });
    const short = linalg.gmres(op(A), b, { restart: 3 });
    expect(long.nit).toBeGreaterThan(3);
    expect(short.status).toBe("converged");
    expect(short.nit).toBeGreaterThan(long.nit);
    expect(maxDiff(short.x, linalg.solve(A, b))).toBeLessThan(1e-9);
  });

  it('an invariant Krylov space on which A is singular is a "breakdown"; a consistent one converges', () => {
    const zero = linalg.gmres(op(np.zeros([4, 4])), randn(8, [4]));
    expect(zero.status).toBe("breakdown");
    expect(zero.success).toBe(false);
    expect(zero.message).toMatch(/^gmres: breakdown at iteration 1: /);
    expect(zero.x.toArray()).toEqual([0, 0, 0, 0]);
    // diag(1, 2, 0)·x = [1, 1, 0] is consistent: GMRES finds x = [1, 1/2, 0].
    const D = np.diag(np.array([1, 2, 0]));
    const r = linalg.gmres(op(D), np.array([1, 1, 0]));
    expect(r.status).toBe("converged");
    expect(maxDiff(r.x, np.array([1, 0.5, 0]))).toBeLessThan(1e-14);
  });

  it("a skew-symmetric system, where bicgstab breaks down, is no trouble", () => {
    const r = linalg.gmres(op(np.array([[0, 1], [-1, 0]])), np.array([1, 2]));
    expect(r.success).toBe(true);
    expect(maxDiff(r.x, np.array([-2, 1]))).toBeLessThan(1e-15);
  });

  it("bad options are errors", () => {
    const b = np.ones([3]);
    expect(() => linalg.gmres(op(np.eye(3)), b, { restart: 0 })).toThrow("gmres: restart must be a positive integer, got 0");
    expect(() => linalg.gmres(op(np.eye(3)), b, { restart: 2.5 })).toThrow("gmres: restart must be a positive integer, got 2.5");
    expect(() => linalg.gmres(op(np.eye(3)), b, { side: "up" as "left" })).toThrow('gmres: side must be "right" or "left", got up');
  });
});

describe("bicgstab", () => {
  it("a 1-D convection–diffusion matrix, even where its residual first grows by 1e6", () => {
    const n = 100;
    for (const gamma of [0.3, 0.9]) {
      const C = convectionDiffusion(n, gamma);
      const b = np.ones([n]);
      const r = linalg.bicgstab(op(C), b);
      expect(r.status, `γ = ${gamma}`).toBe("converged");
      expect(r.residual).toBeLessThanOrEqual(1e-10);
      expect(relErr(r.x, linalg.solve(C, b))).toBeLessThan(1e-8);
    }
  });

  it("a Jacobi preconditioner cuts the iterations", () => {
    const [A, d] = badlyScaled(4, 40);
    const b = randn(5, [40]);
    const plain = linalg.bicgstab(op(A), b, { maxIter: 1000 });
    const pre = linalg.bicgstab(op(A), b, { M: (r) => np.div(r, d) });
    expect(plain.success && pre.success).toBe(true);
    expect(pre.nit).toBeLessThan(plain.nit / 4);
    expect(relErr(pre.x, linalg.solve(A, b))).toBeLessThan(1e-9);
  });

  it('ρ or ω vanishing is a "breakdown": a zero, a skew-symmetric and a singular operator', () => {
    for (const [A, b] of [
      [np.zeros([4, 4]), randn(8, [4])],
      [np.array([[0, 1], [-1, 0]]), np.array([1, 2])], // r̂ᵀ·A·r̂ = 0 for every r̂
      [np.diag(np.array([1, 2, 0])), np.array([1, 1, 1])], // b outside the range of A
    ] as const) {
      const r = linalg.bicgstab(op(A), b);
      expect(r.status).toBe("breakdown");
      expect(r.success).toBe(false);
      expect(r.message).toMatch(/^bicgstab: breakdown at iteration \d+: r̂ᵀ·A·p vanished$/);
      expect(r.x.toFloat64Array().every(Number.isFinite)).toBe(true);
    }
    // diag(−3, −2, 2), b = [1, 2, 2]: α = −3, s = [−8, −10, 14] and tᵀ·s = sᵀ·A·s = 0 exactly.
    const A = np.diag(np.array([-3, -2, 2]));
    const b = np.array([1, 2, 2]);
    const r = linalg.bicgstab(op(A), b);
    expect([r.status, r.nit]).toEqual(["breakdown", 1]);
    expect(r.message).toBe("bicgstab: breakdown at iteration 1: ω = tᵀ·s/tᵀ·t vanished");
    expect(r.x.toArray()).toEqual([-3, -6, -6]); // x₁ = α·r₀ = −3·b
    expect(linalg.gmres(op(A), b).success).toBe(true);
  });
});

describe("gmres and bicgstab alike", () => {
  it('running out of iterations gives "maxIter"', () => {
    const A = convectionDiffusion(60, 0.3);
    const b = np.ones([60]);
    for (const [name, solver] of solvers) {
      const r = solver(op(A), b, { maxIter: 5 });
      expect(r.status, name).toBe("maxIter");
      expect(r.success).toBe(false);
      expect(r.nit).toBe(5);
      expect(r.residual).toBeGreaterThan(1e-10);
      expect(r.message).toBe(`${name}: no convergence in 5 iterations`);
    }
  });

  it('a non-finite operator or b gives "nonFinite" and a finite x, never a NaN success', () => {
    const A = nearIdentity(9, 20);
    const b = randn(10, [20]);
    for (const [name, solver] of solvers) {
      for (const bad of [NaN, Infinity]) {
        // matvec is traced once (it must be pure); the preconditioner runs eagerly, so it can turn bad mid-run.
        let calls = 0;
        const r = solver(op(A), b, { M: (v) => (++calls > 4 ? np.mul(v, bad) : v) });
        expect(r.status, `${name} with ${bad}`).toBe("nonFinite");
        expect(r.success).toBe(false);
        expect(r.message).toMatch(new RegExp(`^${name}: `));
        expect(r.x.toFloat64Array().every(Number.isFinite)).toBe(true);
      }
      const nanB = solver(op(A), np.concatenate([np.array([NaN]), np.zeros([19])]));
      expect(nanB.status).toBe("nonFinite");
      expect(nanB.message).toBe(`${name}: b is not finite`);
      const nanM = solver(op(A), b, { M: (r) => np.mul(r, NaN) });
      expect(nanM.status).toBe("nonFinite");
    }
  });

  it("b = 0 gives x = 0; x0 is used; shaped right-hand sides; tol", () => {
    const A = nearIdentity(11, 6);
    const b = randn(12, [6]);
    const exact = linalg.solve(A, b);
    for (const [name, solver] of solvers) {
      const zero = solver(op(A), np.zeros([6]), { x0: np.ones([6]) });
      expect(zero.status).toBe("converged");
      expect(zero.x.toArray()).toEqual([0, 0, 0, 0, 0, 0]);
      expect(zero.message).toBe(`${name}: b = 0, so x = 0`);
      const warm = solver(op(A), b, { x0: exact });
      expect([warm.status, warm.nit]).toEqual(["converged", 0]);
      // A start near the solution takes fewer iterations than the default zeros.
      const [A40, b40] = [nearIdentity(13, 40), randn(14, [40])];
      const exact40 = linalg.solve(A40, b40);
      const cold = solver(op(A40), b40);
      const near = solver(op(A40), b40, { x0: np.add(exact40, np.mul(1e-6, randn(15, [40]))) });
      expect(near.status).toBe("converged");
      expect(near.nit).toBeLessThan(cold.nit / 2);
      expect(maxDiff(near.x, exact40)).toBeLessThan(1e-9);
      // The operator sees vectors shaped like b.
      const shaped = solver((v) => np.reshape(np.matmul(A, np.reshape(v, [6])), [2, 3]), np.reshape(b, [2, 3]));
      expect(shaped.x.shape).toEqual([2, 3]);
      expect(maxDiff(np.reshape(shaped.x, [6]), exact)).toBeLessThan(1e-9);
      const loose = solver(op(A40), b40, { tol: 1e-3 });
      expect(loose.residual).toBeLessThanOrEqual(1e-3);
      expect(loose.nit).toBeLessThan(cold.nit);
    }
  });

  it("b or A of size 1e-300 or 1e300: the same iterations and solution, scaled", () => {
    const A = nearIdentity(16, 30);
    const b = randn(17, [30]);
    const exact = linalg.solve(A, b);
    for (const [name, solver] of solvers) {
      const base = solver(op(A), b);
      for (const s of [1e-300, 1e300]) {
        const what = `${name} at scale ${s}`;
        const rb = solver(op(A), np.mul(b, s));
        expect([rb.status, rb.nit], what).toEqual(["converged", base.nit]);
        expect(rb.residual).toBeLessThanOrEqual(1e-10);
        expect(relErr(np.div(rb.x, s), exact), what).toBeLessThan(1e-9);
        const As = np.mul(A, s);
        const rA = solver(op(As), b, { M: (r) => np.div(r, s) });
        expect([rA.status, rA.nit], what).toEqual(["converged", base.nit]);
        expect(relErr(np.mul(rA.x, s), exact), what).toBeLessThan(1e-9);
      }
    }
  });

  it("float32 b gives float32 x", () => {
    const A = nearIdentity(18, 10);
    const b = randn(19, [10]);
    for (const [name, solver] of solvers) {
      const r = solver(op(A), b.astype("float32"), { tol: 1e-6 });
      expect(r.status, name).toBe("converged");
      expect(r.x.dtype).toBe("float32");
      expect(relErr(r.x.astype("float64"), linalg.solve(A, b.astype("float32").astype("float64")))).toBeLessThan(1e-5);
    }
  });

  it("wrong shapes are one-line errors naming the solver", () => {
    const b = np.ones([3]);
    for (const [name, solver] of solvers) {
      expect(() => solver(op(np.eye(3)), b, { x0: np.ones([4]) })).toThrow(`${name}: x0 has shape (4) but b has shape (3)`);
      expect(() => solver((v) => np.concatenate([v, v]), b)).toThrow(`${name}: matvec returned shape (6) for an input of shape (3)`);
      expect(() => solver(op(np.eye(3)), b, { M: (v) => np.slice(v, [0, 2]) })).toThrow(`${name}: the preconditioner M returned shape (2) for an input of shape (3)`);
    }
  });
});
