import { describe, expect, it } from "vitest";
import { minimize, np, optim, type Array } from "nabla";
import { quad, rosen } from "./fixtures.js";

const { conditionNumber, convergenceRate } = optim;

/** A path whose iterates have the given distances to x* = 0 (one coordinate). */
const pathOf = (errors: number[]) => errors.map((e) => ({ x: [e], f: e * e, gradNorm: 2 * e }));

describe("conditionNumber", () => {
  it("of ½(x₁² + 10x₂²) is 10", () => {
    expect(conditionNumber((x: Array) => x.square().mul(np.array([1, 10])).sum().mul(0.5), np.array([1, 1]))).toBeCloseTo(10, 12);
    expect(conditionNumber(quad, np.array([3, -7]))).toBeCloseTo(10, 12);
  });

  it("of Rosenbrock at its minimum: dense and Lanczos agree with the closed form", () => {
    // H(1, 1) = [[802, −400], [−400, 200]]: λ = 501 ± √(301² + 400²).
    const root = Math.hypot(301, 400);
    const exact = (501 + root) / (501 - root);
    expect(conditionNumber(rosen, np.array([1, 1]))).toBeCloseTo(exact, 8);
    expect(conditionNumber(rosen, np.array([1, 1]), { method: "lanczos" }) / exact).toBeCloseTo(1, 8);
  });

  it("uses Lanczos for large n and still finds κ = λmax / λmin", () => {
    const n = 300;
    const d = np.arange(1, n + 1); // Hessian diag(1, …, 300)
    const f = (x: Array) => np.mul(0.5, np.sum(np.mul(d, np.square(x))));
    expect(conditionNumber(f, np.ones([n])) / n).toBeCloseTo(1, 6);
  });

  it("takes any pytree; an indefinite Hessian has κ = |λ|max/|λ|min densely, NaN by Lanczos", () => {
    const saddle = (p: { a: Array; b: Array }) => np.sub(np.square(p.a), np.mul(4, np.square(p.b)));
    const at = { a: np.array(1), b: np.array(2) };
    expect(conditionNumber(saddle, at)).toBeCloseTo(4, 12);
    expect(conditionNumber(saddle, at, { method: "lanczos" })).toBeNaN();
  });
});

describe("convergenceRate", () => {
  it("a linear sequence has its ratio as rate and order 1", () => {
    const r = convergenceRate(pathOf([1, 0.5, 0.25, 0.125, 0.0625]), { xstar: [0] });
    expect(r.measure).toBe("x");
    expect(r.rate).toBeCloseTo(0.5, 15);
    expect(r.order).toBeCloseTo(1, 12);
  });

  it("a quadratically convergent sequence has order 2", () => {
    const errors = [1e-1, 1e-2, 1e-4, 1e-8];
    expect(convergenceRate(pathOf(errors), { xstar: [0] }).order).toBeCloseTo(2, 10);
    // In f = e², the order is the same.
    expect(convergenceRate(pathOf(errors), { fstar: 0 }).order).toBeCloseTo(2, 10);
  });

  it("stops at errors that are rounding noise", () => {
    const r = convergenceRate(pathOf([1e-1, 1e-2, 1e-4, 1e-8, 1e-16, 0]), { xstar: [0] });
    expect(r.errors).toEqual([1e-1, 1e-2, 1e-4, 1e-8]);
    expect(convergenceRate(pathOf([1, 0.1, 1e-14]), { xstar: [0], floor: 1e-20 }).errors).toHaveLength(3);
  });

  it("without x* or f*, measures the gradient norm", () => {
    const r = convergenceRate(pathOf([1, 0.9, 0.81, 0.729]));
    expect(r.measure).toBe("gradNorm");
    expect(r.rate).toBeCloseTo(0.9, 14);
  });

  it("measures gd's rate on the quadratic as 1 − 1/κ, in x, f and the gradient", () => {
    const { path } = minimize(quad, np.array([1, 1]), { method: "gd", lr: 0.1, recordPath: true });
    expect(convergenceRate(path!, { xstar: [0, 0] }).rate).toBeCloseTo(0.9, 12);
    expect(convergenceRate(path!, { fstar: 0 }).rate).toBeCloseTo(0.81, 12);
    expect(convergenceRate(path!).rate).toBeCloseTo(0.9, 12);
  });

  it("finds order 2 for Newton's method on a smooth convex function", () => {
    // f = Σ eˣ − 2x, minimum at x = ln 2; Newton's error obeys e_{k+1} ≈ e_k² / 2.
    const f = (x: Array) => np.sum(np.sub(np.exp(x), np.mul(2, x)));
    const r = minimize(f, np.array([3]), { method: "newton", gtol: 1e-12, recordPath: true });
    expect(r.status).toBe("converged");
    const rate = convergenceRate(r.path!, { xstar: [Math.LN2] });
    expect(rate.order).toBeGreaterThan(1.9);
    expect(rate.order).toBeLessThan(2.1);
    // Gradient descent on the same function converges only linearly.
    const q = minimize(f, np.array([3]), { method: "gd", lr: 0.3, recordPath: true });
    expect(convergenceRate(q.path!, { xstar: [Math.LN2] }).order).toBeCloseTo(1, 2);
  });

  it("checks that x* matches the path", () => {
    expect(() => convergenceRate(pathOf([1, 0.5]), { xstar: [0, 0] })).toThrow(/coordinates/);
  });
});
