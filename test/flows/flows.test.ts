// logDetJacobian against slogdet and closed forms; the density a flow pushes a normal to
// against the normal's closed form, and its integral (1) on a grid; derivatives of a
// flow's log-likelihood in its parameters against finite differences (checkGrads).
import { describe, expect, it } from "vitest";
import { checkGrads, flows, grad, linalg, np, random, stats, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const keys = [...random.split(random.key(11), 8)];
const standardNormal = (x: Array) => np.sum(stats.norm.logpdf(x), { axis: -1 });
const maxAbs = (a: Array) => np.max(np.abs(a)).item();

describe("logDetJacobian", () => {
  const A = np.add(random.normal(keys[0]!, [4, 4]), np.eye(4));
  const x0 = random.normal(keys[1]!, [4]);

  it("of a linear map x ↦ A·x is slogdet(A)'s log|det| to 1e-12, and its gradient in A is A⁻ᵀ", () => {
    const exact = linalg.slogdet(A)[1].item();
    expect(Math.abs(flows.logDetJacobian((x) => np.matmul(A, x), x0).item() - exact)).toBeLessThan(1e-12);
    const dA = grad((M: Array) => flows.logDetJacobian((x) => np.matmul(M, x), x0))(A);
    expect(maxAbs(np.sub(dA, linalg.inv(A).T))).toBeLessThan(1e-12);
  });

  it("elementwise: one JVP gives the diagonal; equals the dense value and the closed form", () => {
    const f = (x: Array) => np.add(np.mul(x, np.square(x)), np.mul(2, np.sinh(x)));
    const exact = np.sum(np.log(np.abs(np.add(np.mul(3, np.square(x0)), np.mul(2, np.cosh(x0)))))).item();
    expect(Math.abs(flows.logDetJacobian(f, x0, { structure: "elementwise" }).item() - exact)).toBeLessThan(1e-12);
    expect(Math.abs(flows.logDetJacobian(f, x0).item() - exact)).toBeLessThan(1e-12);
  });

  it("triangular: an autoregressive map's log|det| is Σ log|diagonal|, equal to the dense value", () => {
    // y_i = x_i·exp(tanh(c_i)) + sin(c_i), c_i = x_1 + … + x_(i−1): lower triangular, diagonal exp(tanh c_i).
    const before = (x: Array) => np.sub(np.cumsum(x), x);
    const lower = (x: Array) => np.add(np.mul(x, np.exp(np.tanh(before(x)))), np.sin(before(x)));
    const exact = np.sum(np.tanh(before(x0))).item();
    expect(Math.abs(flows.logDetJacobian(lower, x0, { structure: "triangular" }).item() - exact)).toBeLessThan(1e-12);
    expect(Math.abs(flows.logDetJacobian(lower, x0).item() - exact)).toBeLessThan(1e-12);
    // The same map on the reversed coordinates is upper triangular.
    const upper = (x: Array) => np.flip(lower(np.flip(x)));
    const exactUpper = np.sum(np.tanh(before(np.flip(x0)))).item();
    expect(Math.abs(flows.logDetJacobian(upper, x0, { structure: "triangular" }).item() - exactUpper)).toBeLessThan(1e-12);
  });

  it("refuses a map that changes the dimension, a batch, and an unknown structure", () => {
    const drop = (x: Array) => x.slice([0, 2]);
    for (const structure of ["dense", "elementwise", "triangular"] as const) {
      expect(errorOf(() => flows.logDetJacobian(drop, x0, { structure }))).toBe(
        "flows.logDetJacobian: f must map shape (4,) to shape (4,) (a change of variables keeps the dimension), got (2)",
      );
    }
    expect(errorOf(() => flows.logDetJacobian((x) => x, np.zeros([2, 4])))).toBe("flows.logDetJacobian: x must be a point of shape [d], got shape (2, 4)");
    expect(errorOf(() => flows.logDetJacobian((x) => x, x0, { structure: "diagonal" as never }))).toMatch(/structure must be one of dense, elementwise, triangular, got "diagonal"/);
  });
});

describe("transformedDensity", () => {
  const Y = np.mul(2, random.normal(keys[2]!, [7, 3]));

  it("of N(0, I) under x ↦ shift + scale·x is the product of N(shift_i, scale_i²), to 1e-12", () => {
    const shift = np.array([0.5, -1, 2]);
    const scale = np.array([2, -0.5, 1.3]);
    const logP = flows.transformedDensity(standardNormal, flows.affine({ shift, scale }));
    const exact = np.sum(stats.norm.logpdf(Y, shift, np.abs(scale)), { axis: -1 });
    expect(maxAbs(np.sub(logP(Y), exact))).toBeLessThan(1e-12);
    expect(Math.abs(logP(Y.slice(3)).item() - exact.slice(3).item())).toBeLessThan(1e-12);
  });

  it("of N(0, I) under x ↦ shift + M·x is N(shift, M·Mᵀ), to 1e-10", () => {
    const M = np.add(random.normal(keys[3]!, [3, 3]), np.mul(1.5, np.eye(3)));
    const shift = np.array([1, 0, -2]);
    const logP = flows.transformedDensity(standardNormal, flows.affine({ shift, matrix: M }));
    // The reference forms M·Mᵀ and factors it, so it rounds more than the flow does.
    const exact = stats.multivariateNormal.logpdf(Y, shift, np.matmul(M, M.T));
    expect(maxAbs(np.sub(logP(Y), exact))).toBeLessThan(1e-10);
  });

  it("of a 1-D chain of planar, radial and affine maps integrates to 1 (trapezoid on a fine grid)", () => {
    const flow = flows.chain([
      flows.planar({ u: np.array([2]), w: np.array([1.5]), b: np.array(0.3) }),
      flows.radial({ z0: np.array([0.5]), alpha: np.array(0.8), beta: np.array(1) }),
      flows.affine({ shift: np.array([-1]), scale: np.array([0.7]) }),
    ]);
    const ys = np.linspace(-20, 20, 40001);
    const density = np.exp(flows.transformedDensity(standardNormal, flow)(np.reshape(ys, [-1, 1])));
    const total = np.trapezoid(density, { x: ys }).item();
    expect(Math.abs(total - 1), `∫p = ${total}`).toBeLessThan(1e-7);
  });

  it("of a 2-D chain of coupling layers and planar and affine maps integrates to 1 (trapezoid on a grid)", () => {
    const net = (k: Array) => {
      const [k1, k2] = random.split(k);
      const W1 = random.normal(k1!, [2, 6]);
      const W2 = np.mul(0.3, random.normal(k2!, [6, 4]));
      return (xm: Array) => {
        const out = np.matmul(np.tanh(np.matmul(xm, W1)), W2);
        return { shift: np.take(out, [0, 1], { axis: -1 }), logScale: np.take(out, [2, 3], { axis: -1 }) };
      };
    };
    const flow = flows.chain([
      flows.affineCoupling({ mask: np.array([1, 0]), conditioner: net(keys[4]!) }),
      flows.affineCoupling({ mask: np.array([0, 1]), conditioner: net(keys[5]!) }),
      flows.planar({ u: np.array([1, -0.5]), w: np.array([0.8, 0.6]), b: np.array(0.2) }),
      // Shrinking by 0.4 brings the tails inside the grid: it spans ±20 in the other maps' units.
      flows.affine({ scale: np.array([0.4, 0.4]) }),
    ]);
    const g = np.linspace(-8, 8, 321);
    const [gx, gy] = np.meshgrid(g, g);
    const grid = np.stack([gx!, gy!], { axis: -1 }); // [321, 321, 2]
    const density = np.exp(flows.transformedDensity(standardNormal, flow)(grid));
    const total = np.trapezoid(np.trapezoid(density, { x: g, axis: -1 }), { x: g }).item();
    expect(Math.abs(total - 1), `∫∫p = ${total}`).toBeLessThan(1e-7);
  });
});

describe("a flow's log-likelihood is differentiable in its parameters (checkGrads)", () => {
  const data = np.mul(1.5, random.normal(keys[6]!, [5, 2]));
  const meanLogLikelihood = (flow: flows.Bijector) => np.mean(flows.transformedDensity(standardNormal, flow)(data));
  const p = (...v: number[]) => np.array(v);

  it.each([
    ["affine, elementwise", (s: Array, c: Array) => flows.affine({ shift: s, scale: c }), [p(0.3, -0.2), p(1.2, -0.7)]],
    ["affine, matrix", (s: Array, M: Array) => flows.affine({ shift: s, matrix: M }), [p(0.3, -0.2), np.array([[1.2, 0.4], [-0.3, 0.9]])]],
    ["planar", (u: Array, w: Array, b: Array) => flows.planar({ u, w, b }), [p(0.8, -1.1), p(1.3, 0.6), np.array(0.2)]],
    ["radial", (z0: Array, alpha: Array, beta: Array) => flows.radial({ z0, alpha, beta }), [p(0.4, -0.3), np.array(0.9), np.array(0.6)]],
    [
      "affine coupling",
      (W: Array, c: Array) => flows.affineCoupling({ mask: p(1, 0), conditioner: (xm) => ({ shift: np.matmul(xm, W), logScale: np.tanh(np.matmul(xm, c)) }) }),
      [np.array([[0.2, 0.5], [0, 0]]), np.array([[0.3, -0.6], [0, 0]])],
    ],
  ] as [string, (...a: Array[]) => flows.Bijector, Array[]][])("%s", (_name, make, params) => {
    checkGrads((...a: Array[]) => meanLogLikelihood(make(...a)), params, { order: 1 });
  });

  it("a chain of all of them, in every parameter at once", () => {
    const make = (s: Array, c: Array, u: Array, w: Array, b: Array, z0: Array, alpha: Array, beta: Array) =>
      flows.chain([flows.planar({ u, w, b }), flows.affine({ shift: s, scale: c }), flows.radial({ z0, alpha, beta })]);
    checkGrads((...a: Array[]) => meanLogLikelihood(make(...(a as Parameters<typeof make>))), [p(0.3, -0.2), p(1.2, -0.7), p(0.8, -1.1), p(1.3, 0.6), np.array(0.2), p(0.4, -0.3), np.array(0.9), np.array(0.6)], {
      order: 1,
    });
  });
});
