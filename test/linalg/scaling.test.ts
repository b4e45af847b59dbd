import { describe, expect, it } from "vitest";
import { grad, jacfwd, jvp, linalg, np, type Array } from "nabla";

// Every linalg function on well-conditioned matrices scaled by s = 1e-170, 1e-300, 1e150
// and 1e300, against the scaled closed form of the unscaled problem (A = s·A₀):
// solve(A, s·b) = solve(A₀, b), eigh(A) = (s·w₀, V₀), qr(A) = (Q₀, s·R₀), and so on.
// Derivatives too: for f homogeneous of degree k, the JVP at s·A₀ along s·E is s^k times
// the one at A₀ along E, and the gradient is s^(k−1) times. Where the answer itself lies
// outside the float range (det of a 4×4 at 1e±150, the gradient of inv at 1e-170) the
// result is ±Infinity or 0, as numpy gives, never a finite wrong number.

const SCALES = [1e-170, 1e-300, 1e150, 1e300];
const TOL = 1e-13;

const A0 = np.array([[4, 1, 0.5, 0], [1, 3, 0.25, 0.5], [0.5, 0.25, 2, 0.125], [0, 0.5, 0.125, 5]]); // SPD, κ ≈ 3
const G0 = np.array([[4, 1, 0.5, 0], [-1, 3, 0.25, 0.5], [0.5, -0.75, 2, 0.125], [1, 0.5, -0.125, 5]]); // general
const T0 = np.array([[2, 1, 0], [1, 3, 1], [0, 1, 2], [1, 0, 1], [0.5, 0.5, 0.5]]); // tall 5×3
const b4 = np.array([1, -2, 0.5, 3]);
const b5 = np.array([1, -2, 0.5, 3, 1]);
const E = np.array([[0.3, -0.1, 0.2, 0.05], [0.1, 0.2, -0.3, 0.1], [-0.2, 0.1, 0.1, 0.3], [0.05, 0.3, -0.1, 0.2]]);
const Esym = E.add(E.T);
const E53 = np.array([[0.3, -0.1, 0.2], [0.1, 0.2, -0.3], [-0.2, 0.1, 0.1], [0.05, 0.3, -0.1], [0.2, 0.1, 0.1]]);

/** Largest |got − want| over largest |want|; equal entries (±Infinity included) count as exact. */
function relativeError(got: Array, want: Array): number {
  expect(got.shape).toEqual(want.shape);
  const [g, w] = [got.toFloat64Array(), want.toFloat64Array()];
  let err = 0;
  let size = 0;
  for (let i = 0; i < g.length; i++) {
    size = Math.max(size, Math.abs(w[i]!));
    if (g[i] !== w[i]) err = Math.max(err, Math.abs(g[i]! - w[i]!));
  }
  return size === 0 || err === 0 ? err : err / size;
}

type Outputs = Array | Array[];
const list = (x: Outputs) => (globalThis.Array.isArray(x) ? x : [x]);

/** f(s) against its closed form want(s) at every scale, output by output. */
function expectScaled(name: string, f: (s: number) => Outputs, want: (s: number) => Outputs, tol = TOL): void {
  for (const s of SCALES) {
    const [got, expected] = [list(f(s)), list(want(s))];
    got.forEach((g, i) => expect(relativeError(g, expected[i]!), `${name} at s = ${s}, output ${i}`).toBeLessThan(tol));
  }
}

describe("solvers and factorizations at extreme scales: the scaled closed form", () => {
  it("solve, inv, triangularSolve, cholesky, choSolve", () => {
    const L0 = linalg.cholesky(A0);
    expectScaled("solve(sA, s·b)", (s) => linalg.solve(G0.mul(s), b4.mul(s)), () => linalg.solve(G0, b4));
    expectScaled("solve(sA, b)", (s) => linalg.solve(G0.mul(s), b4), (s) => linalg.solve(G0, b4).div(s));
    expectScaled("inv", (s) => linalg.inv(G0.mul(s)), (s) => linalg.inv(G0).div(s));
    expectScaled("triangularSolve", (s) => linalg.triangularSolve(L0.mul(s), b4.mul(s)), () => linalg.triangularSolve(L0, b4));
    expectScaled("cholesky", (s) => linalg.cholesky(A0.mul(s)), (s) => L0.mul(Math.sqrt(s)));
    expectScaled("choSolve", (s) => linalg.choSolve(L0.mul(Math.sqrt(s)), b4.mul(s)), () => linalg.choSolve(L0, b4));
  });

  it("eigh, qr (square, tall, wide), lstsq (tall, wide)", () => {
    const [w0, V0] = linalg.eigh(A0);
    expectScaled("eigh", (s) => linalg.eigh(A0.mul(s)), (s) => [w0.mul(s), V0], 1e-14 * 20);
    for (const M of [G0, T0, T0.T]) {
      const [Q0, R0] = linalg.qr(M);
      expectScaled(`qr ${M.shape}`, (s) => linalg.qr(M.mul(s)), (s) => [Q0, R0.mul(s)]);
    }
    expectScaled("lstsq(sA, s·b)", (s) => linalg.lstsq(T0.mul(s), b5.mul(s)), () => linalg.lstsq(T0, b5));
    expectScaled("lstsq(sA, b)", (s) => linalg.lstsq(T0.mul(s), b5), (s) => linalg.lstsq(T0, b5).div(s));
    expectScaled("lstsq wide", (s) => linalg.lstsq(T0.T.mul(s), np.array([1, 2, 3]).mul(s)), () => linalg.lstsq(T0.T, np.array([1, 2, 3])));
  });

  it("norms of every ord scale with s, cond does not change", () => {
    for (const ord of [2, -2, "nuc", "fro", 1, -1, Infinity, -Infinity] as const) {
      expectScaled(`norm ord ${ord}`, (s) => linalg.norm(G0.mul(s), { ord }), (s) => linalg.norm(G0, { ord }).mul(s));
    }
    expectScaled("vector norm", (s) => linalg.norm(b4.mul(s)), (s) => linalg.norm(b4).mul(s));
    expectScaled("cond", (s) => linalg.cond(G0.mul(s)), () => linalg.cond(G0), 1e-14 * 20);
  });

  it("slogdet is exact at any scale; det is s⁴·det(A₀), or ±Infinity / 0 beyond the float range (as numpy)", () => {
    const [sign0, log0] = linalg.slogdet(G0);
    expectScaled("slogdet", (s) => linalg.slogdet(G0.mul(s)), (s) => [sign0, log0.add(4 * Math.log(s))]);
    for (const s of SCALES) {
      const det = linalg.det(G0.mul(s)).item();
      const expected = s > 1 ? Math.sign(sign0.item()) * Infinity : 0; // s⁴ is 1e±600 at least
      expect(det, `det at s = ${s}`).toBe(expected);
    }
    expect(linalg.det(G0.mul(1e-50)).item() / (linalg.det(G0).item() * 1e-200)).toBeCloseTo(1, 12); // representable: exact
    expect(linalg.det(np.eye(3).mul(-1e150)).item()).toBe(-Infinity);
  });
});

describe("derivatives at extreme scales", () => {
  /** jvp(f(·, s))(s·A₀; s·E) = s^k·jvp(f(·, 1))(A₀; E), output by output (k per output). */
  function expectJvpScaled(name: string, f: (a: Array, s: number) => Outputs, a0: Array, e: Array, degrees: number[]): void {
    const base = list(jvp((a: Array) => f(a, 1), [a0], [e])[1] as Outputs);
    expectScaled(`jvp of ${name}`, (s) => jvp((a: Array) => f(a, s), [a0.mul(s)], [e.mul(s)])[1] as Outputs, (s) => base.map((t, i) => t.mul(s ** degrees[i]!)));
  }

  it("forward mode: solve, cholesky, eigh, qr, lstsq, slogdet", () => {
    expectJvpScaled("solve(a, s·b)", (a, s) => linalg.solve(a, b4.mul(s)), G0, E, [0]);
    expectJvpScaled("cholesky", linalg.cholesky, A0, Esym, [0.5]);
    expectJvpScaled("eigh", (a) => linalg.eigh(a), A0, Esym, [1, 0]);
    expectJvpScaled("qr", (a) => linalg.qr(a), T0, E53, [0, 1]);
    expectJvpScaled("lstsq(a, s·b)", (a, s) => linalg.lstsq(a, b5.mul(s)), T0, E53, [0]);
    expectJvpScaled("slogdet", (a) => linalg.slogdet(a)[1], G0, E, [0]);
  });

  it("reverse mode: the gradient is s^(k−1) times the unscaled one", () => {
    const cases: [string, (a: Array) => Array, Array, number][] = [
      ["inv", (a) => linalg.inv(a).sum(), G0, -1],
      ["triangularSolve", (a) => linalg.triangularSolve(a, b4).sum(), linalg.cholesky(A0), -1],
      ["cholesky", (a) => linalg.cholesky(a).sum(), A0, 0.5],
      ["eigh", (a) => linalg.eigh(a)[0].mul(np.array([1, 2, 3, 4])).sum(), A0, 1],
      ["qr's R", (a) => linalg.qr(a)[1].sum(), T0, 1],
      ["lstsq", (a) => linalg.lstsq(a, b5).sum(), T0, -1],
      ["slogdet", (a) => linalg.slogdet(a)[1], G0, 0],
      ["cond", (a) => linalg.cond(a), G0, 0],
      ...(["fro", 2, -2, "nuc"] as const).map((ord): [string, (a: Array) => Array, Array, number] => [`norm ${ord}`, (a) => linalg.norm(a, { ord }), G0, 1]),
    ];
    for (const [name, f, a0, k] of cases) {
      const base = grad(f)(a0);
      for (const s of SCALES) {
        const got = grad(f)(a0.mul(s));
        if (Number.isFinite(s ** (k - 1))) {
          expect(relativeError(got, base.mul(s ** (k - 1))), `grad of ${name} at s = ${s}`).toBeLessThan(1e-12);
        } else {
          // s^(k−1) = 1e340 or more (the gradients of inv, triangularSolve and lstsq at
          // s ≤ 1e-170): not a float, and no entry may pretend to be one, except the
          // exact zeros (the triangle a triangular solve does not read).
          const [g, g0] = [got.toFloat64Array(), base.toFloat64Array()];
          const pretending = [...g].filter((v, i) => Number.isFinite(v) && !(v === 0 && g0[i] === 0));
          expect(pretending, `grad of ${name} at s = ${s}`).toEqual([]);
        }
      }
    }
  });

  it("where det overflows, its derivative det·A⁻ᵀ is ±Infinity on A⁻ᵀ's support and exactly 0 off it, never NaN", () => {
    const big = np.diag(np.array([1e200, 2e200, -1e200]));
    const expected = [
      [-Infinity, 0, 0],
      [0, -Infinity, 0],
      [0, 0, Infinity],
    ];
    const det = (a: Array) => linalg.det(a);
    expect(grad(det)(big).toArray()).toEqual(expected);
    expect(jacfwd(det)(big).toArray()).toEqual(expected);
    expect(jvp(det, [big], [np.zeros([3, 3])])[1].item()).toBe(0); // a zero tangent stays zero
    expect(jvp(det, [big], [np.eye(3)])[1].item()).toBe(-Infinity);
    // Still exact where it is representable: det·A⁻ᵀ of diag(2, 4) is diag(4, 2).
    expect(relativeError(grad((a: Array) => linalg.det(a))(np.diag(np.array([2, 4]))), np.array([[4, 0], [0, 2]]))).toBeLessThan(1e-15);
  });
});

describe("matrix-free solvers at extreme scales", () => {
  // A 40×40 SPD matrix with eigenvalues evenly spaced in [1, 10], so that the methods
  // take tens of iterations and their inner products (rᵀr, pᵀAp, rᵀM⁻¹r) go far below
  // the operator's size before converging.
  const n = 40;
  const [Q] = linalg.qr(np.array(globalThis.Array.from({ length: n }, (_, i) => globalThis.Array.from({ length: n }, (_, j) => Math.sin(1.3 * i + 0.7 * j * j + 0.1)))));
  const spectrum = np.linspace(1, 10, n);
  const S0 = np.matmul(np.mul(Q!, spectrum), Q!.T);
  const b = np.array(globalThis.Array.from({ length: n }, (_, i) => Math.cos(0.37 * i)));
  const x0 = linalg.solve(S0, b);

  it("cg and minres, with and without a preconditioner: the same iterations and solution at every scale", () => {
    for (const [name, method] of [["cg", linalg.cg], ["minres", linalg.minres]] as const) {
      for (const preconditioned of [false, true]) {
        const run = (s: number, bs: number) => {
          const A = S0.mul(s);
          const jacobi = np.div(1, np.diag(A));
          return method((v) => np.matmul(A, v), b.mul(bs), { tol: 1e-12, ...(preconditioned ? { M: (r: Array) => r.mul(jacobi) } : {}) });
        };
        const reference = run(1, 1);
        expect(reference.status).toBe("converged");
        for (const s of SCALES) {
          for (const [bs, solution] of [[s, x0], [1, x0.div(s)]] as const) {
            const r = run(s, bs);
            const what = `${name}${preconditioned ? " (Jacobi)" : ""} at s = ${s}, b scaled by ${bs}`;
            expect([r.status, r.nit], what).toEqual(["converged", reference.nit]);
            expect(relativeError(r.x, solution), what).toBeLessThan(1e-10);
            expect(r.residual, what).toBeLessThan(1e-12);
          }
        }
      }
    }
  });

  it("lanczos: the extreme eigenvalues, scaled", () => {
    const ends = np.array([1, 1 + 9 / 39, 10 - 9 / 39, 10]);
    for (const s of SCALES) {
      const { values, converged } = linalg.lanczos((v) => np.matmul(S0.mul(s), v), n, { which: "both", k: 2 });
      expect(converged).toBe(true);
      expect(relativeError(values, ends.mul(s)), `lanczos at s = ${s}`).toBeLessThan(1e-12);
    }
  });
});
