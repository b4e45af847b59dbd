import { describe, expect, it } from "vitest";
import { grad, jvp, linalg, np, type Array } from "nabla";

// Issue 11's functions on well-conditioned matrices scaled by s = 1e-170, 1e-300, 1e150
// and 1e300, against the scaled closed form of the unscaled problem (as scaling.test.ts
// does for the older ones): svd(s·A) = (U, s·S, Vᵀ), pinv(s·A) = pinv(A)/s, lu(s·A) =
// (P, L, s·U), and so on, derivatives included. expm is not homogeneous: at tiny scales
// e^(sA) = I + sA (the off-diagonal entries carry sA exactly), at huge ones it overflows
// to Infinity or underflows to 0, never NaN.

const SCALES = [1e-170, 1e-300, 1e150, 1e300];
const TOL = 1e-13;

const G0 = np.array([[4, 1, 0.5, 0], [-1, 3, 0.25, 0.5], [0.5, -0.75, 2, 0.125], [1, 0.5, -0.125, 5]]); // general
// Tall 5×3; no column of its U has two entries of equal magnitude (a tie would leave the
// sign convention to rounding).
const T0 = np.array([[2, 1, 0], [1, 3, 1], [0, 1.5, 2], [1, 0, 1], [0.5, 0.25, 0.5]]);
const R0 = np.matmul(np.array([[1, 0], [2, 1], [0, 1], [1, 1], [1, -1]]), np.array([[1, 0, 1], [0, 1, -1]])); // rank 2, 5×3
const S0 = np.array([[4, 1, 0.5], [1, -3, 0.25], [0.5, 0.25, 2]]); // symmetric, indefinite
const b5 = np.array([1, -2, 0.5, 3, 1]);
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

function expectScaled(name: string, f: (s: number) => Outputs, want: (s: number) => Outputs, tol = TOL): void {
  for (const s of SCALES) {
    const [got, expected] = [list(f(s)), list(want(s))];
    got.forEach((g, i) => expect(relativeError(g, expected[i]!), `${name} at s = ${s}, output ${i}`).toBeLessThan(tol));
  }
}

describe("issue 11's linalg at extreme scales: the scaled closed form", () => {
  it("svd (full and reduced, tall and wide), svdvals, matrixRank", () => {
    for (const M of [T0, T0.T, G0]) {
      for (const fullMatrices of [true, false]) {
        const [U0, S0_, Vh0] = linalg.svd(M, { fullMatrices });
        expectScaled(`svd ${M.shape} full ${fullMatrices}`, (s) => linalg.svd(M.mul(s), { fullMatrices }), (s) => [U0, S0_.mul(s), Vh0]);
      }
      expectScaled(`svdvals ${M.shape}`, (s) => linalg.svdvals(M.mul(s)), (s) => linalg.svdvals(M).mul(s));
    }
    for (const s of SCALES) expect(linalg.matrixRank(R0.mul(s)).item(), `rank at ${s}`).toBe(2);
  });

  it("pinv (full rank, rank-deficient, hermitian) and lstsq (full rank, rank-deficient, wide)", () => {
    for (const M of [T0, R0, T0.T]) expectScaled(`pinv ${M.shape}`, (s) => linalg.pinv(M.mul(s)), (s) => linalg.pinv(M).div(s));
    expectScaled("pinv hermitian", (s) => linalg.pinv(S0.mul(s), { hermitian: true }), (s) => linalg.pinv(S0, { hermitian: true }).div(s));
    for (const M of [T0, R0]) {
      expectScaled(`lstsq(sA, s·b) ${M.shape}`, (s) => linalg.lstsq(M.mul(s), b5.mul(s)), () => linalg.lstsq(M, b5));
      expectScaled(`lstsq(sA, b) ${M.shape}`, (s) => linalg.lstsq(M.mul(s), b5), (s) => linalg.lstsq(M, b5).div(s));
    }
    expectScaled("lstsq wide", (s) => linalg.lstsq(R0.T.mul(s), np.array([1, 2, 3]).mul(s)), () => linalg.lstsq(R0.T, np.array([1, 2, 3])));
  });

  it("lu, luFactor, luSolve; eigvalsh; matrixPower and multiDot where the answer is representable", () => {
    const [P0, L0, U0] = linalg.lu(G0);
    expectScaled("lu", (s) => linalg.lu(G0.mul(s)), (s) => [P0, L0, U0.mul(s)]);
    const b4 = np.array([1, -2, 0.5, 3]);
    expectScaled("luSolve(luFactor(sA), s·b)", (s) => linalg.luSolve(linalg.luFactor(G0.mul(s)), b4.mul(s)), () => linalg.solve(G0, b4));
    expectScaled("luSolve transposed", (s) => linalg.luSolve(linalg.luFactor(G0.mul(s)), b4, { trans: 1 }), (s) => linalg.solve(G0.T, b4).div(s));
    expectScaled("eigvalsh", (s) => linalg.eigvalsh(S0.mul(s)), (s) => linalg.eigvalsh(S0).mul(s), 1e-14 * 20);
    // (sA)⁻² and (sA)³/s³, multiDot of (sA)(A/s)(A): representable at every scale.
    expectScaled("matrixPower −2", (s) => linalg.matrixPower(G0.mul(Math.sqrt(s)), -2).mul(s), () => linalg.matrixPower(G0, -2));
    expectScaled("multiDot", (s) => linalg.multiDot([G0.mul(s), G0.div(s), G0]), () => np.matmul(np.matmul(G0, G0), G0));
  });

  it("expm: I + sA at tiny scales, exactly off the diagonal; overflow and underflow without NaN at huge ones", () => {
    for (const s of [1e-170, 1e-300]) {
      const E = linalg.expm(G0.mul(s));
      const offDiagonal = (x: Array) => np.mul(x, np.sub(1, np.eye(4)));
      expect(relativeError(offDiagonal(E), offDiagonal(G0.mul(s))), `expm at ${s}`).toBeLessThan(1e-15);
      expect(np.sum(np.mul(E, np.eye(4)), { axis: 0 }).toArray()).toEqual([1, 1, 1, 1]);
    }
    const stable = np.matmul(np.matmul(linalg.qr(G0)[0], np.diag(np.array([-1, -2, -3, -4]))), linalg.qr(G0)[0].T);
    for (const s of [1e150, 1e300]) {
      expect(linalg.expm(stable.mul(s)).toArray(), `stable at ${s}`).toEqual(np.zeros([4, 4]).toArray());
      expect(linalg.expm(np.diag(np.array([1, -1])).mul(s)).toArray()).toEqual([[Infinity, 0], [0, 0]]);
      expect([...linalg.expm(G0.mul(s)).toFloat64Array()].some(Number.isNaN), `expm of a growing matrix at ${s}`).toBe(false);
    }
  });
});

describe("derivatives at extreme scales", () => {
  /** jvp(f(·, s))(s·A₀; s·E) = s^k·jvp(f(·, 1))(A₀; E), output by output. */
  function expectJvpScaled(name: string, f: (a: Array, s: number) => Outputs, a0: Array, e: Array, degrees: number[], tol = TOL): void {
    const base = list(jvp((a: Array) => f(a, 1), [a0], [e])[1] as Outputs);
    expectScaled(`jvp of ${name}`, (s) => jvp((a: Array) => f(a, s), [a0.mul(s)], [e.mul(s)])[1] as Outputs, (s) => base.map((t, i) => t.mul(s ** degrees[i]!)), tol);
  }

  it("forward mode: svd, pinv, lstsq (full rank and rank-deficient), lu, eigvalsh", () => {
    expectJvpScaled("svd", (a) => linalg.svd(a, { fullMatrices: false }), T0, E53, [0, 1, 0], 1e-12);
    expectJvpScaled("svd full (U₁, S)", (a) => linalg.svd(a).slice(1), T0, E53, [1, 0], 1e-12);
    expectJvpScaled("pinv", (a) => linalg.pinv(a), T0, E53, [-1]);
    expectJvpScaled("lstsq(a, s·b)", (a, s) => linalg.lstsq(a, b5.mul(s)), T0, E53, [0]);
    const dR = np.matmul(np.array([[1, 0], [2, 1], [0, 1], [1, 1], [1, -1]]), np.array([[0.2, -0.3, 0.1], [0.4, 0.1, 0.3]])); // keeps rank 2
    expectJvpScaled("lstsq rank-deficient", (a, s) => linalg.lstsq(a, b5.mul(s)), R0, dR, [0], 1e-12);
    expectJvpScaled("lu", (a) => linalg.lu(a).slice(1), G0, np.ones([4, 4]).mul(0.1), [0, 1]);
    expectJvpScaled("eigvalsh", (a) => linalg.eigvalsh(a), S0, np.eye(3).mul(0.3), [1]);
  });

  it("reverse mode: the gradient is s^(k−1) times the unscaled one, or not finite where that is not a float", () => {
    const cases: [string, (a: Array) => Array, Array, number][] = [
      ["svdvals", (a) => linalg.svdvals(a).mul(np.array([1, 2, 3])).sum(), T0, 1],
      ["svd's U·Vᵀ", (a) => { const [U, , Vh] = linalg.svd(a, { fullMatrices: false }); return np.matmul(U, Vh).mul(E53).sum(); }, T0, 0],
      ["pinv", (a) => linalg.pinv(a).sum(), T0, -1],
      ["lstsq", (a) => linalg.lstsq(a, b5).sum(), T0, -1],
      ["lu's U", (a) => linalg.lu(a)[2].sum(), G0, 1],
      ["eigvalsh", (a) => linalg.eigvalsh(a).mul(np.array([1, 2, 3])).sum(), S0, 1],
    ];
    for (const [name, f, a0, k] of cases) {
      const base = grad(f)(a0);
      for (const s of SCALES) {
        const got = grad(f)(a0.mul(s));
        if (Number.isFinite(s ** (k - 1))) {
          expect(relativeError(got, base.mul(s ** (k - 1))), `grad of ${name} at s = ${s}`).toBeLessThan(1e-12);
        } else {
          const [g, g0] = [got.toFloat64Array(), base.toFloat64Array()];
          expect([...g].filter((v, i) => Number.isFinite(v) && !(v === 0 && g0[i] === 0)), `grad of ${name} at s = ${s}`).toEqual([]);
        }
      }
    }
  });

  it("expm's Fréchet derivative at tiny scales is the direction itself: L(sA, E) = E + O(s)", () => {
    const E = np.ones([4, 4]).mul(0.5);
    for (const s of [1e-170, 1e-300]) {
      const [, L] = jvp((a: Array) => linalg.expm(a), [G0.mul(s)], [E]);
      expect(relativeError(L, E), `at ${s}`).toBeLessThan(1e-15);
      expect(relativeError(grad((a: Array) => linalg.expm(a).mul(E).sum())(G0.mul(s)), E)).toBeLessThan(1e-15);
    }
  });
});
