// Every bijector against itself and the dense Jacobian: inverse∘forward and forward∘inverse
// are the identity to 1e-12 on random batches, forwardLogDet is the log|det| of the
// Jacobian found by forward mode (logDetJacobian, dense), inverseLogDet is
// −forwardLogDet∘inverse, points agree with batches, and jit and vmap agree with eager.
import { describe, expect, it } from "vitest";
import { flows, jit, np, random, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const D = 3;
const keys = [...random.split(random.key(7), 12)];
const normal = (i: number, shape: number[], scale = 1) => np.mul(scale, random.normal(keys[i]!, shape));

/** A small tanh network [..., d] → shift and log-scale [..., d], as a RealNVP conditioner. */
function mlpConditioner(key: Array, d: number, hidden: number) {
  const [k1, k2] = random.split(key);
  const W1 = np.mul(0.7, random.normal(k1!, [d, hidden]));
  const W2 = np.mul(0.5, random.normal(k2!, [hidden, 2 * d]));
  return (xm: Array) => {
    const out = np.matmul(np.tanh(np.add(np.matmul(xm, W1), 0.1)), W2);
    const half = (from: number) => np.take(out, globalThis.Array.from({ length: d }, (_, i) => from + i), { axis: -1 });
    return { shift: half(0), logScale: half(d) };
  };
}

const cases: Record<string, flows.Bijector> = {
  "affine, elementwise": flows.affine({ shift: normal(0, [D]), scale: np.array([1.5, -0.4, 2]) }),
  "affine, matrix": flows.affine({ shift: normal(1, [D]), matrix: np.add(normal(2, [D, D]), np.mul(2, np.eye(D))) }),
  planar: flows.planar({ u: normal(3, [D], 1.5), w: normal(4, [D]), b: np.array(0.3) }),
  // w·u far below −1: the reparametrization has to move u to keep the map invertible.
  "planar, w·u < −1": flows.planar({ u: np.array([-3, 0, 1]), w: np.array([1, 0.5, 0]), b: np.array(-0.2) }),
  // w·û ≈ 25: a steep ridge, where plain Newton steps overshoot and bisection takes over.
  "planar, steep": flows.planar({ u: np.array([10, 10, 5]), w: np.array([1, 1.2, 0.5]), b: np.array(0.1) }),
  "radial, contracting": flows.radial({ z0: normal(5, [D]), alpha: np.array(0.7), beta: np.array(-0.5) }),
  "radial, expanding": flows.radial({ z0: normal(6, [D]), alpha: np.array(0.4), beta: np.array(2) }),
  "affine coupling": flows.affineCoupling({ mask: np.array([1, 0, 1]), conditioner: mlpConditioner(keys[7]!, D, 8) }),
};
cases.chain = flows.chain(Object.values(cases));
cases["invert(chain)"] = flows.invert(cases.chain);

// Points spread over a few units, so the nonlinear maps are exercised in their curved parts.
const X = normal(8, [6, D], 1.5);
const Y = normal(9, [6, D], 1.5);
const maxAbs = (a: Array) => np.max(np.abs(a)).item();

describe.each(Object.entries(cases))("%s", (_name, b) => {
  it("inverse∘forward and forward∘inverse are the identity to 1e-12", () => {
    expect(maxAbs(np.sub(b.inverse(b.forward(X)), X))).toBeLessThan(1e-12);
    expect(maxAbs(np.sub(b.forward(b.inverse(Y)), Y))).toBeLessThan(1e-12);
  });

  it("forwardLogDet and inverseLogDet are log|det| of the dense Jacobians, to 1e-10", () => {
    const fwd = b.forwardLogDet(X).toArray() as number[];
    const inv = b.inverseLogDet(Y).toArray() as number[];
    for (let i = 0; i < X.shape[0]!; i++) {
      expect(Math.abs(fwd[i]! - flows.logDetJacobian((x) => b.forward(x), X.slice(i)).item())).toBeLessThan(1e-10);
      expect(Math.abs(inv[i]! - flows.logDetJacobian((y) => b.inverse(y), Y.slice(i)).item())).toBeLessThan(1e-10);
    }
  });

  it("inverseLogDet(y) = −forwardLogDet(inverse(y)), and the fused methods agree", () => {
    expect(maxAbs(np.add(b.inverseLogDet(Y), b.forwardLogDet(b.inverse(Y))))).toBeLessThan(1e-12);
    const [y, l] = flows.forwardAndLogDet(b, X);
    expect(maxAbs(np.sub(y, b.forward(X))) + maxAbs(np.sub(l, b.forwardLogDet(X)))).toBe(0);
    const [x, m] = flows.inverseAndLogDet(b, Y);
    expect(maxAbs(np.sub(x, b.inverse(Y))) + maxAbs(np.sub(m, b.inverseLogDet(Y)))).toBe(0);
  });

  it("a point, a batch [n, d] and a batch [2, 3, d] give the same numbers", () => {
    expect(b.forward(X.slice(2)).shape).toEqual([D]);
    expect(b.forwardLogDet(X.slice(2)).shape).toEqual([]);
    expect(maxAbs(np.sub(b.forward(X.slice(2)), b.forward(X).slice(2)))).toBeLessThan(1e-14);
    expect(Math.abs(b.inverseLogDet(Y.slice(4)).item() - b.inverseLogDet(Y).slice(4).item())).toBeLessThan(1e-14);
    const nested = np.reshape(Y, [2, 3, D]);
    expect(b.inverseLogDet(nested).shape).toEqual([2, 3]);
    expect(maxAbs(np.sub(np.reshape(b.inverse(nested), [6, D]), b.inverse(Y)))).toBeLessThan(1e-14);
  });

  it("jit and vmap over points agree with the eager batch", () => {
    expect(maxAbs(np.sub(jit((y: Array) => b.inverse(y))(Y), b.inverse(Y)))).toBeLessThan(1e-13);
    expect(maxAbs(np.sub(vmap((y: Array) => b.inverseLogDet(y))(Y), b.inverseLogDet(Y)))).toBeLessThan(1e-13);
    expect(maxAbs(np.sub(vmap((x: Array) => b.forward(x))(X), b.forward(X)))).toBeLessThan(1e-13);
  });

  it("names the op and the shapes when the event dimension is wrong", () => {
    expect(errorOf(() => b.forward(np.zeros([4, D + 1])))).toMatch(/^flows\.\w+\.(forward|inverse): expected a point of shape \(3,\) or a batch of shape \(\.\.\., 3\), got shape \(4, 4\)/);
  });
});

describe("composition order and parameters", () => {
  it("chain applies its first bijector first; invert swaps the directions", () => {
    const flow = flows.chain([flows.affine({ scale: np.array([2]) }), flows.affine({ shift: np.array([1]) })]);
    expect(flow.forward(np.array([3])).toArray()).toEqual([7]);
    expect(flow.inverse(np.array([7])).toArray()).toEqual([3]);
    expect(flows.invert(flow).forward(np.array([7])).toArray()).toEqual([3]);
    expect(flows.invert(flow).forwardLogDet(np.array([7])).item()).toBeCloseTo(-Math.log(2), 15);
  });

  it("planar keeps w·û ≥ −1 and leaves u alone when w·u is well above −1", () => {
    // With w·û = −1 exactly the log-det would reach −∞ on the ridge; softplus keeps it above.
    const b = flows.planar({ u: np.array([-30, 0]), w: np.array([1, 0]), b: np.array(0) });
    expect(Number.isFinite(b.forwardLogDet(np.array([0, 0])).item())).toBe(true);
    // w·u = 5: m(5) = softplus(5) − 1 = 5 + log1p(e⁻⁵) − 1, so û moves by only 0.0067.
    const c = flows.planar({ u: np.array([5, 0]), w: np.array([1, 0]), b: np.array(0) });
    expect(c.forward(np.array([0, 1])).toArray()).toEqual([0, 1]);
    expect(c.forwardLogDet(np.array([0, 0])).item()).toBeCloseTo(Math.log(1 + 4 + Math.log1p(Math.exp(-5))), 13);
  });

  it("gives clear errors for bad parameters", () => {
    expect(errorOf(() => flows.affine({ scale: np.ones([2]), matrix: np.eye(2) } as never))).toMatch(/flows\.affine: pass at most one of scale/);
    expect(errorOf(() => flows.affine({} as never))).toMatch(/flows\.affine: pass a shift, a scale or a matrix/);
    expect(errorOf(() => flows.affine({ matrix: np.zeros([2, 3]) }))).toMatch(/flows\.affine: matrix must be square \[d, d\], got shape \(2, 3\)/);
    expect(errorOf(() => flows.affine({ shift: np.zeros([3]), scale: np.ones([2]) }))).toMatch(/flows\.affine: shift must have shape \(2,\), got \(3\)/);
    expect(errorOf(() => flows.planar({ u: np.zeros([3]), w: np.ones([2]), b: 0 }))).toMatch(/flows\.planar: u must have the shape of w, \(2,\), got \(3\)/);
    expect(errorOf(() => flows.planar({ u: np.ones([2]), w: np.zeros([2]), b: 0 }))).toBe("flows.planar: w must be nonzero");
    expect(errorOf(() => flows.radial({ z0: np.zeros([2]), alpha: -1, beta: 0 }))).toMatch(/flows\.radial: alpha must be positive, got -1/);
    expect(errorOf(() => flows.affineCoupling({ mask: np.array([1, 0.5]), conditioner: () => ({ shift: np.zeros([2]), logScale: np.zeros([2]) }) }))).toMatch(
      /flows\.affineCoupling: mask must hold only 0 and 1, got 0\.5/,
    );
    const bad = flows.affineCoupling({ mask: np.array([1, 0]), conditioner: () => ({ shift: np.zeros([3]), logScale: np.zeros([2]) }) });
    expect(errorOf(() => bad.forward(np.zeros([2])))).toMatch(/flows\.affineCoupling\.forward: the conditioner's shift has shape \(3\), which does not broadcast to the input's \(2\)/);
    expect(errorOf(() => flows.chain([]))).toMatch(/flows\.chain: expected a non-empty list/);
  });
});
