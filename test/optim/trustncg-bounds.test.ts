import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, minimize, np, optim, type Array } from "nabla";
import { uniformFrom } from "../helpers.js";
import { kktViolation, rosen, separableInBox } from "./fixtures.js";

/** scipy's L-BFGS-B on bounded Rosenbrock, recorded by python3 (see the fixture's "source"). */
const scipy = JSON.parse(readFileSync(new URL("../fixtures/lbfgsb-scipy.json", import.meta.url), "utf8")) as {
  scipy: string;
  boundedRosenbrock: { nit: number; nfev: number; fun: number; jac: number[] };
};

const vec = (a: Array) => globalThis.Array.from(a.toFloat64Array());
const inf = Infinity;
const clip = (v: number, l: number, h: number) => Math.min(Math.max(v, l), h);

describe("trust-ncg with bounds: bounded Rosenbrock from (−1.2, 1) with x₁ ≤ 0.5", () => {
  const fixture = scipy.boundedRosenbrock;
  const bounds = [np.array([-inf, -inf]), np.array([0.5, inf])] as const;

  it("reaches the active-bound solution (0.5, 0.25), x₁ exactly on its bound", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds });
    const b = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds });
    console.log(
      `bounded Rosenbrock: trust-ncg nit ${r.nit}, nfev ${r.nfev}, nhev ${r.nhev}; ` +
        `lbfgsb nit ${b.nit}, nfev ${b.nfev}, nhev ${b.nhev}; scipy ${scipy.scipy} L-BFGS-B nit ${fixture.nit}, nfev ${fixture.nfev}`,
    );
    expect(r.status, r.message).toBe("converged");
    expect(r.success).toBe(true);
    const [x1, x2] = vec(r.x);
    expect(x1).toBe(0.5);
    expect(Math.abs(x2! - 0.25)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.fun - fixture.fun)).toBeLessThanOrEqual(1e-10);
    // The gradient there points out of the box (∂f/∂x₁ = −1 at the upper bound), as scipy's jac.
    expect(vec(r.grad)[0]).toBeCloseTo(fixture.jac[0]!, 8);
    expect(kktViolation(rosen, r.x, [-inf, -inf], [0.5, inf], 1e-5)).toBe("");
    expect(r.message).toContain("projected gradient");
    expect(r.curvature).toBeUndefined();
    // Within 1.5× of scipy's L-BFGS-B iterations (trust-ncg is not in scipy with bounds).
    expect(r.nit).toBeLessThanOrEqual(1.5 * fixture.nit);
    expect(r.nhev).toBeGreaterThan(0);
  });

  it("every iterate stays in the box", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds, recordPath: true });
    expect(r.path!.length).toBe(r.nit + 1);
    for (const p of r.path!) expect(p.x[0]).toBeLessThanOrEqual(0.5);
    expect(r.path!.at(-1)!.gradNorm).toBeLessThanOrEqual(1e-5);
  });
});

describe("trust-ncg with bounds that do not bind", () => {
  it("all bounds infinite: the same run as unbounded trust-ncg", () => {
    const a = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds: [-inf, inf] });
    const b = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg" });
    expect(vec(a.x)).toEqual(vec(b.x));
    expect([a.nit, a.nfev, a.nhev]).toEqual([b.nit, b.nfev, b.nhev]);
  });

  it("a box around the minimum: Rosenbrock's (1, 1), as unbounded trust-ncg finds it", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds: [-2, 2], gtol: 1e-8 });
    const u = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", gtol: 1e-8 });
    console.log(`Rosenbrock in [−2, 2]²: bounded trust-ncg nit ${r.nit}, nhev ${r.nhev}; unbounded nit ${u.nit}, nhev ${u.nhev}`);
    expect(r.status, r.message).toBe("converged");
    for (const v of vec(r.x)) expect(Math.abs(v - 1)).toBeLessThanOrEqual(1e-7);
  });
});

describe("trust-ncg with bounds that decide the answer", () => {
  it("a separable quadratic in n = 50 with random bounds (seed 19): x = clip(c, lo, hi)", () => {
    const seed = 19;
    const n = 50;
    const { f, c, lo, hi } = separableInBox(seed, n);
    const r = minimize(f, np.zeros([n]), { method: "trust-ncg", bounds: [np.array(lo), np.array(hi)], gtol: 1e-9 });
    const b = minimize(f, np.zeros([n]), { method: "lbfgsb", bounds: [np.array(lo), np.array(hi)], gtol: 1e-9 });
    console.log(`separable quadratic n = ${n}: trust-ncg nit ${r.nit}, nfev ${r.nfev}, nhev ${r.nhev}; lbfgsb nit ${b.nit}, nfev ${b.nfev}`);
    const x = vec(r.x);
    const where = `seed ${seed}, n ${n}`;
    expect(r.status, `${where}: ${r.message}`).toBe("converged");
    for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - clip(c[i]!, lo[i]!, hi[i]!)), `${where}, element ${i}`).toBeLessThanOrEqual(1e-9);
    // Elements whose clipped minimum is a bound end exactly on it.
    for (let i = 0; i < n; i++) if (c[i]! <= lo[i]! || c[i]! >= hi[i]!) expect(x[i], `${where}, element ${i}`).toBe(clip(c[i]!, lo[i]!, hi[i]!));
    expect(kktViolation(f, r.x, lo, hi, 1e-8), where).toBe("");
  });

  it("coupled convex quadratics ½xᵀAx − bᵀx with random boxes meet the KKT conditions (seeds 1–5, n = 40)", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const u = uniformFrom(seed);
      const n = 40;
      const Q = np.reshape(np.array(globalThis.Array.from({ length: n * n }, () => u() - 0.5)), [n, n]);
      // A = QᵀQ + 0.1·I: positive definite and far from diagonal, so the answer is no clip.
      const A = np.add(np.matmul(np.transpose(Q), Q), np.mul(0.1, np.eye(n)));
      const b = np.array(globalThis.Array.from({ length: n }, () => 4 * (u() - 0.5)));
      const lo = globalThis.Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -inf : -0.5 * u()));
      const hi = globalThis.Array.from({ length: n }, (_, i) => (i % 6 === 0 ? inf : 0.5 * u()));
      const f = (x: Array) => np.sub(np.mul(0.5, np.dot(x, np.matmul(A, x))), np.dot(b, x));
      const bounds = [np.array(lo), np.array(hi)] as const;
      const r = minimize(f, np.zeros([n]), { method: "trust-ncg", bounds, gtol: 1e-8 });
      const l = minimize(f, np.zeros([n]), { method: "lbfgsb", bounds, gtol: 1e-8, maxIter: 5000 });
      console.log(`coupled quadratic seed ${seed}: trust-ncg nit ${r.nit}, nfev ${r.nfev}, nhev ${r.nhev}; lbfgsb nit ${l.nit}, nfev ${l.nfev}`);
      const where = `seed ${seed}, n ${n}`;
      expect(r.status, `${where}: ${r.message}`).toBe("converged");
      expect(kktViolation(f, r.x, lo, hi, 1e-7), where).toBe("");
      // A strictly convex problem has one minimizer: both methods find the same.
      vec(r.x).forEach((v, i) => expect(Math.abs(v - vec(l.x)[i]!), `${where}, element ${i}`).toBeLessThanOrEqual(1e-5));
    }
  });

  it("non-convex: extended Rosenbrock (n = 20) in random boxes meets the KKT conditions (seeds 7–9)", () => {
    const n = 20;
    const p = optim.problems.extendedRosenbrock(n);
    for (let seed = 7; seed <= 9; seed++) {
      const u = uniformFrom(seed);
      const lo = globalThis.Array.from({ length: n }, () => -1.5 + u());
      const hi = lo.map((l) => l + 0.5 + 2 * u());
      const r = minimize(p.f, np.array(p.x0), { method: "trust-ncg", bounds: [np.array(lo), np.array(hi)], gtol: 1e-8 });
      const where = `seed ${seed}`;
      expect(r.status, `${where}: ${r.message}`).toBe("converged");
      expect(kktViolation(p.f, r.x, lo, hi, 1e-7), where).toBe("");
    }
  });

  it("extended Rosenbrock at n = 100 with every odd-indexed variable ≤ 0.5: each pair at (0.5, 0.25)", () => {
    const n = 100;
    const p = optim.problems.extendedRosenbrock(n);
    const hi = globalThis.Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.5 : inf));
    const r = minimize(p.f, np.array(p.x0), { method: "trust-ncg", bounds: [-inf, np.array(hi)], gtol: 1e-8 });
    const b = minimize(p.f, np.array(p.x0), { method: "lbfgsb", bounds: [-inf, np.array(hi)], gtol: 1e-8 });
    console.log(`extended Rosenbrock n = ${n}, half bounded: trust-ncg nit ${r.nit}, nfev ${r.nfev}, nhev ${r.nhev}; lbfgsb nit ${b.nit}, nfev ${b.nfev}`);
    expect(r.status, r.message).toBe("converged");
    const x = vec(r.x);
    for (let i = 0; i < n; i += 2) {
      expect(x[i]).toBe(0.5);
      expect(Math.abs(x[i + 1]! - 0.25)).toBeLessThanOrEqual(1e-7);
    }
  });

  it("lo = hi fixes a variable: Rosenbrock with x₁ = 0.3 gives x₂ = 0.09", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "trust-ncg", bounds: [np.array([0.3, -inf]), np.array([0.3, inf])] });
    expect(r.status, r.message).toBe("converged");
    const [x1, x2] = vec(r.x);
    expect(x1).toBe(0.3);
    expect(Math.abs(x2! - 0.09)).toBeLessThanOrEqual(1e-6);
  });

  it("a pytree x0 (an object of Arrays and a number) with bounds of the same structure", () => {
    const x0 = { w: np.array([3, 3, 3]), b: 4 };
    const f = (p: { w: Array; b: Array }) => np.add(np.sum(np.square(np.sub(p.w, np.array([1, -2, 5])))), np.square(p.b));
    const r = minimize(f, x0, { method: "trust-ncg", bounds: { w: [np.array([0, 0, 0]), 2], b: [1, inf] } });
    expect(r.status, r.message).toBe("converged");
    // w₀ = 1 is inside its box; w₁ = 0, w₂ = 2 and b = 1 are on their bounds, exactly.
    const [w0, w1, w2] = vec(r.x.w);
    expect(Math.abs(w0! - 1)).toBeLessThanOrEqual(1e-8);
    expect([w1, w2, r.x.b.item()]).toEqual([0, 2, 1]);
  });

  it("x0 outside the box is projected onto it first", () => {
    const r = minimize((x: Array) => np.sum(np.square(np.sub(x, 0.2))), np.array([5, -7]), { method: "trust-ncg", bounds: [0, 1], recordPath: true });
    expect(r.path![0]!.x).toEqual([1, 0]);
    for (const v of vec(r.x)) expect(Math.abs(v - 0.2)).toBeLessThanOrEqual(1e-8);
  });
});

describe("trust-ncg on problems unbounded below, in a box", () => {
  it("a linear function (zero Hessian) ends exactly at the corner its gradient points away from", () => {
    const c = np.array([1, -2, 0.5, -0.25]);
    const f = (x: Array) => np.dot(c, x);
    const lo = [-1, -3, 0, 2], hi = [2, 1, 4, 5];
    const r = minimize(f, np.array([0.5, 0, 1, 3]), { method: "trust-ncg", bounds: [np.array(lo), np.array(hi)] });
    expect(r.status, r.message).toBe("converged");
    expect(vec(r.x)).toEqual([-1, 1, 0, 5]);
    expect(r.fun).toBe(-1 - 2 + 0 - 1.25);
  });

  it("a concave quadratic −‖x − m‖² + aᵀx ends at the vertex each coordinate descends to", () => {
    const m = [0.3, -0.2, 0.1];
    const a = [0.5, -0.4, 0.2];
    const lo = [-1, -2, -0.5], hi = [1, 1, 2];
    const f = (x: Array) => np.add(np.neg(np.sum(np.square(np.sub(x, np.array(m))))), np.dot(np.array(a), x));
    // f is separable with its maximum at c = m + a/2: each coordinate falls away from cᵢ
    // without end, so the run must end at hiᵢ where x0ᵢ > cᵢ and at loᵢ where x0ᵢ < cᵢ.
    const x0 = [0.6, -0.5, 1.0];
    const c = m.map((mi, i) => mi + a[i]! / 2);
    const r = minimize(f, np.array(x0), { method: "trust-ncg", bounds: [np.array(lo), np.array(hi)] });
    expect(r.status, r.message).toBe("converged");
    expect(vec(r.x)).toEqual(x0.map((v, i) => (v > c[i]! ? hi[i]! : lo[i]!)));
    expect(kktViolation(f, r.x, lo, hi, 1e-9)).toBe("");
  });

  it("−Σxᵢ⁴ with one unbounded side: f falls without end, and the run does not call that converged", () => {
    const f = (x: Array) => np.neg(np.sum(np.square(np.square(x))));
    const r = minimize(f, np.array([0.5, 0.5]), { method: "trust-ncg", bounds: [np.array([-1, -1]), np.array([1, inf])], maxIter: 60 });
    expect(r.success).toBe(false);
    expect(vec(r.x)[0]).toBe(1);
    expect(vec(r.x)[1]!).toBeGreaterThan(1e3);
  });
});
