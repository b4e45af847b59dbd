import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { optim } from "nabla";

const { lineSearchBacktracking, lineSearchStrongWolfe } = optim;

/** φ(α) = (α − 2)²: φ(0) = 4, φ'(0) = −4, minimum at α = 2. */
const parabola = (a: number) => [(a - 2) ** 2, 2 * (a - 2)] as const;

describe("lineSearchBacktracking", () => {
  it("fits a quadratic after a rejected step (exact for a parabola)", () => {
    const r = lineSearchBacktracking(parabola, 4, -4, { alpha0: 8 });
    expect(r).toEqual({ alpha: 2, value: 0, derivative: 0, nfev: 2, status: "converged", success: true });
  });

  it("accepts the first step when it decreases f enough", () => {
    const r = lineSearchBacktracking(parabola, 4, -4, { alpha0: 1 });
    expect([r.alpha, r.nfev, r.success]).toEqual([1, 1, true]);
  });

  it("steps back out of a region where f is NaN", () => {
    const phi = (a: number) => (a > 0.3 ? ([NaN, NaN] as const) : parabola(a));
    const r = lineSearchBacktracking(phi, 4, -4);
    expect(r.success).toBe(true);
    expect(r.alpha).toBeLessThanOrEqual(0.3);
    expect(r.value).toBeLessThanOrEqual(4 - 1e-4 * r.alpha * 4);
  });

  it("reports failures without throwing", () => {
    expect(lineSearchBacktracking(parabola, 4, 1).status).toBe("notDescent");
    const nan = lineSearchBacktracking(() => [NaN, NaN], 4, -4);
    expect([nan.status, nan.success, nan.alpha, nan.value]).toEqual(["nonFinite", false, 0, 4]);
    // A claimed descent that is not one: φ rises while φ'(0) says it falls.
    const wrong = lineSearchBacktracking((a) => [4 + a, 1], 4, -4, { maxEval: 10 });
    expect(wrong.success).toBe(false);
    expect(wrong.nfev).toBeLessThanOrEqual(10);
  });
});

describe("lineSearchStrongWolfe", () => {
  it("zooms into a bracket with cubic interpolation (exact for a parabola)", () => {
    const r = lineSearchStrongWolfe(parabola, 4, -4, { alpha0: 3, c2: 0.1 });
    expect(r.alpha).toBeCloseTo(2, 14);
    expect(r.nfev).toBe(2);
    expect(r.success).toBe(true);
  });

  it("grows the step until the curvature condition holds", () => {
    const r = lineSearchStrongWolfe(parabola, 4, -4, { alpha0: 0.25, c2: 0.1 });
    // 0.25, 0.5, 1, 2: the first with |φ'| ≤ 0.4 is α = 2.
    expect([r.alpha, r.nfev]).toEqual([2, 4]);
  });

  it("satisfies the strong Wolfe conditions on smooth functions bounded below", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.45, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 1e-3, max: 100, noNaN: true }),
        (A, B, C, D, alpha0) => {
          // φ(α) = A(α − B)² + C·A·cos(Dα)/D²: wiggly, but convex enough to be bounded below.
          const phi = (a: number) => [A * (a - B) ** 2 + (C * A * Math.cos(D * a)) / (D * D), 2 * A * (a - B) - (C * A * Math.sin(D * a)) / D] as const;
          const [phi0, dphi0] = phi(0);
          const r = lineSearchStrongWolfe(phi, phi0, dphi0, { alpha0 });
          expect(r.success).toBe(true);
          expect(r.value).toBeLessThanOrEqual(phi0 + 1e-4 * r.alpha * dphi0);
          expect(Math.abs(r.derivative)).toBeLessThanOrEqual(0.9 * Math.abs(dphi0));
          expect(phi(r.alpha)[0]).toBe(r.value);
        },
      ),
    );
  });

  it("steps back out of a region where f is NaN", () => {
    const phi = (a: number) => (a > 0.5 ? ([NaN, NaN] as const) : parabola(a));
    const r = lineSearchStrongWolfe(phi, 4, -4);
    expect(r.success).toBe(true);
    expect(r.alpha).toBeLessThanOrEqual(0.5);
  });

  it("reports failures without throwing", () => {
    expect(lineSearchStrongWolfe(parabola, 4, 0).status).toBe("notDescent");
    expect(lineSearchStrongWolfe(parabola, NaN, -4).status).toBe("notDescent");
    expect(lineSearchStrongWolfe(() => [Infinity, NaN], 4, -4).status).toBe("nonFinite");
    // φ(α) = −α never satisfies the curvature condition: it keeps falling while the step
    // doubles, until the budget runs out (as does alphaMax: 1, 2, 4, 8 reach it).
    const unbounded = lineSearchStrongWolfe((a) => [-a, -1], 0, -1, { maxEval: 12 });
    expect([unbounded.status, unbounded.success, unbounded.nfev]).toEqual(["stillDecreasing", false, 12]);
    expect(lineSearchStrongWolfe((a) => [-a, -1], 0, -1, { alphaMax: 8 })).toMatchObject({ status: "stillDecreasing", nfev: 4 });
    // A claimed descent that is not one: the bracket shrinks to nothing.
    const wrong = lineSearchStrongWolfe((a) => [4 + a * a + a, 2 * a + 1], 4, -4, { maxEval: 100 });
    expect(wrong.success).toBe(false);
    expect(wrong.alpha).toBe(0);
  });

  it("rejects constants outside 0 < c1 < c2 < 1", () => {
    expect(() => lineSearchStrongWolfe(parabola, 4, -4, { c1: 0.5, c2: 0.4 })).toThrow(/0 < c1 < c2 < 1/);
  });
});
