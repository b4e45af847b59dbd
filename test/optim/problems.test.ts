import { describe, expect, it } from "vitest";
import { checkGrads, grad, hessian, jit, minimize, np, vmap } from "nabla";
import * as problems from "../../packages/nabla/src/optim/problems.js";

const value = (p: problems.Problem, x: readonly number[]) => p.f(np.array([...x])).item();
const gradAt = (p: problems.Problem, x: readonly number[]) => Math.max(...grad(p.f)(np.array([...x])).toFloat64Array().map(Math.abs));

// f at the standard start. Only some of these are printed in the literature (Rosenbrock
// 24.2, Wood 19192, Powell singular 215, Beale 14.203125, helical valley 2500,
// Freudenstein–Roth 400.5 are checkable by hand); the others were computed from the
// definitions with 40-digit arithmetic (mpmath) and rounded to float64.
const atStart: Record<string, number> = {
  Rosenbrock: 24.2,
  "Freudenstein-Roth": 400.5,
  "Powell badly scaled": 1.1352617173483783, // 1 + (e⁻¹ − 0.0001)²
  "Brown badly scaled": 999998000002.999996, // 999999² + 0.999998² + 1
  Beale: 14.203125,
  "Helical valley": 2500,
  Bard: 41.681695861678,
  "Box 3-D": 1031.1538106093983,
  "Powell singular": 215,
  Wood: 19192,
  "Quadratic 0.5(x1^2+10x2^2)": 5.5,
};

// MGH print truncated digits ("48.9842..."): a value matches when it starts with them.
const startsWith = (v: number, digits: number, places: number) => expect(Math.trunc(v * 10 ** places) / 10 ** places).toBe(digits);

describe("MGH problems", () => {
  const cases = [...problems.all, problems.extendedRosenbrock(10)];

  it("lists every fixed-size problem once, with x0 and xmin of length n", () => {
    expect(problems.all.length).toBe(11);
    expect(new Set(problems.all.map((p) => p.name)).size).toBe(11);
    for (const p of cases) {
      expect(p.x0.length).toBe(p.n);
      if (p.xmin) expect(p.xmin.length).toBe(p.n);
    }
  });

  it.each(problems.all.map((p) => [p.name, p] as const))("%s: f(x0) is the published / hand-computed value", (name, p) => {
    const want = atStart[name]!;
    expect(Math.abs(value(p, p.x0) - want)).toBeLessThanOrEqual(1e-13 * want);
  });

  it.each(cases.map((p) => [p.name, p] as const))("%s: f(xmin) = fmin and ∇f(xmin) ≈ 0", (_, p) => {
    const xmin = p.xmin!;
    expect(Math.abs(value(p, xmin) - p.fmin)).toBeLessThanOrEqual(1e-12 * Math.max(1, p.fmin));
    // Exactly 0 at the minimizers written in closed form; Bard's rounded point gives ~3e-16.
    expect(gradAt(p, xmin)).toBeLessThanOrEqual(1e-12);
  });

  it("Freudenstein–Roth's local minimum: f ≈ 48.9842 with ∇f ≈ 0", () => {
    const [m] = problems.freudensteinRoth.localMinima!;
    startsWith(m!.f, 48.9842, 4);
    expect(value(problems.freudensteinRoth, m!.x)).toBeCloseTo(m!.f, 11);
    expect(gradAt(problems.freudensteinRoth, m!.x)).toBeLessThan(1e-10);
  });

  it("Bard: f → 17.4286 as x₂, x₃ → −∞ at x₁ = mean(y)", () => {
    const [m] = problems.bard.localMinima!;
    startsWith(m!.f, 17.4286, 4);
    expect(value(problems.bard, m!.x)).toBeCloseTo(m!.f, 12);
    expect(value(problems.bard, [m!.x[0]!, -1e10, -1e10])).toBeCloseTo(m!.f, 6);
  });

  it("the recorded full-precision values begin with the digits MGH print", () => {
    startsWith(problems.bard.fmin * 1e3, 8.21487, 5);
    startsWith(problems.powellBadlyScaled.xmin![0]! * 1e5, 1.098, 3);
    startsWith(problems.powellBadlyScaled.xmin![1]!, 9.106, 3);
    startsWith(problems.freudensteinRoth.localMinima![0]!.x[0]!, 11.41, 2);
    startsWith(-problems.freudensteinRoth.localMinima![0]!.x[1]!, 0.8968, 4);
    startsWith(problems.bard.localMinima![0]!.x[0]!, 0.8406, 4);
  });

  it("Box 3-D is also zero at (10, 1, −1) and on x₁ = x₂, x₃ = 0", () => {
    expect(value(problems.box3d, [10, 1, -1])).toBeLessThan(1e-28);
    expect(value(problems.box3d, [2.5, 2.5, 0])).toBe(0);
  });

  it("helical valley is smooth across x₁ < 0, x₂ = 0 (the start) and matches MGH's θ", () => {
    const p = problems.helicalValley;
    // MGH: θ = arctan(x₂/x₁)/2π (+½ when x₁ < 0); f₁ = 10(x₃ − 10θ).
    const mgh = (x1: number, x2: number, x3: number) => {
      const theta = Math.atan(x2 / x1) / (2 * Math.PI) + (x1 < 0 ? 0.5 : 0);
      return (10 * (x3 - 10 * theta)) ** 2 + (10 * (Math.hypot(x1, x2) - 1)) ** 2 + x3 ** 2;
    };
    for (const x of [[-1, 1e-9, 0.3], [-1, -1e-9, 0.3], [0.5, -2, 1], [-0.7, -0.2, -1], [-2, 3, 0.5], [1, 1, 1]]) {
      const [a, b, c] = x as [number, number, number];
      expect(value(p, x)).toBeCloseTo(mgh(a, b, c), 9);
    }
    expect(() => checkGrads(p.f, [np.array([-1, 0, 0])], { order: 2 })).not.toThrow();
    expect(() => checkGrads(p.f, [np.array([-1, -1e-3, 0.2])], { order: 2 })).not.toThrow();
  });

  it.each(cases.map((p) => [p.name, p] as const))("%s: derivatives agree with finite differences at x0", (_, p) => {
    // Brown's f(x0) ≈ 1e12 would drown central differences; check it at a milder point.
    const x = p === problems.brownBadlyScaled ? [2, 3] : p.x0;
    expect(() => checkGrads(p.f, [np.array(x)], { order: 2, rtol: 1e-5, atol: 1e-6 })).not.toThrow();
  });

  it.each(cases.map((p) => [p.name, p] as const))("%s: jit and vmap give the eager value", (_, p) => {
    const x = np.array(p.x0);
    expect(jit(p.f)(x).item()).toBeCloseTo(p.f(x).item(), 9);
    expect(jit(grad(p.f))(x).toArray() as number[]).toEqual((grad(p.f)(x).toArray() as number[]).map((v) => expect.closeTo(v, 6)));
    const batch = np.stack([x, np.array(p.xmin!)]);
    const [f0, f1] = vmap(p.f)(batch).toArray() as number[];
    expect(f0).toBeCloseTo(p.f(x).item(), 9);
    expect(f1).toBeCloseTo(p.fmin, 9);
  });

  it("Powell singular's Hessian is singular at the minimum", () => {
    const h = hessian(problems.powellSingular.f)(np.array([0, 0, 0, 0]));
    // Only the two squares contribute at 0 (the quartics vanish to second order): rank 2.
    expect(h.toArray()).toEqual([
      [2, 20, 0, 0],
      [20, 200, 0, 0],
      [0, 0, 10, -10],
      [0, 0, -10, 10],
    ]);
  });

  it("extendedRosenbrock(n): 12.1·n at the start, checks n and the shape of x", () => {
    const p = problems.extendedRosenbrock(1000);
    expect(p.name).toBe("ExtRosen(MGH,pairs) n=1000");
    expect(value(p, p.x0)).toBeCloseTo(12100, 9);
    expect(() => problems.extendedRosenbrock(3)).toThrow(/even/);
    expect(() => p.f(np.zeros([10]))).toThrow(/shape \[1000\]/);
    expect(() => problems.wood.f(np.zeros([3]))).toThrow(/wood: expects x of shape \[4\]/);
    // x0 given as a plain list reaches f as a list of scalars: TypeScript rejects the call,
    // and from JavaScript the error names the fix.
    // @ts-expect-error f takes an Array, and a list x0 makes x a list
    expect(() => minimize(p.f, p.x0)).toThrow(/extendedRosenbrock: expects x of shape \[1000\], got a list of 1000 values \(pass x0 as np.array\(x0\)\)/);
    // @ts-expect-error as above
    expect(() => minimize(problems.wood.f, problems.wood.x0)).toThrow(/wood: expects x of shape \[4\], got a list of 4 values/);
  });

  it("TSDoc examples", () => {
    expect(problems.rosenbrock.f(np.array(problems.rosenbrock.x0)).item()).toBeCloseTo(24.2, 12);
    expect(problems.freudensteinRoth.f(np.array([5, 4])).item()).toBe(0);
    expect(problems.powellBadlyScaled.f(np.array([0, 1])).item()).toBeCloseTo(1.1352617, 7);
    expect(problems.brownBadlyScaled.f(np.array([1e6, 2e-6])).item()).toBeLessThan(1e-20);
    expect(problems.beale.f(np.array([1, 1])).item()).toBe(14.203125);
    expect(problems.helicalValley.f(np.array([-1, 0, 0])).item()).toBe(2500);
    expect(problems.bard.f(np.array([1, 1, 1])).item()).toBeCloseTo(41.6816958, 6);
    expect(problems.box3d.f(np.array([1, 10, 1])).item()).toBeLessThan(1e-28);
    expect(problems.powellSingular.f(np.array([3, -1, 0, 1])).item()).toBe(215);
    expect(problems.wood.f(np.array([-3, -1, -3, -1])).item()).toBe(19192);
    expect(problems.quadratic.f(np.array([1, 1])).item()).toBe(5.5);
  });
});
