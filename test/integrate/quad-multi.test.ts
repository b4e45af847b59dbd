// dblquad and nquad: nested quad over rectangles, regions bounded by functions, infinite
// ranges and three dimensions, against closed forms; their evaluation counts and statuses.
import { describe, expect, it } from "vitest";
import { integrate, np, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const num = (x: Array) => x.item() as number;

describe("dblquad", () => {
  it("∫∫ xy over the unit square = ¼, with 21 × 21 evaluations", () => {
    const r = integrate.dblquad((x, y) => x.mul(y), 0, 1, 0, 1);
    expect(Math.abs(num(r.value) - 0.25)).toBeLessThan(1e-15);
    expect(num(r.nfev)).toBe(21 * 21);
    expect(num(r.status)).toBe(0);
  });

  it("takes f(x, y) with x outer: ∫₀¹ ∫₀ˣ y dy dx = 1/6 over a triangle", () => {
    const r = integrate.dblquad((_x, y) => y, 0, 1, 0, (x) => x);
    expect(Math.abs(num(r.value) - 1 / 6)).toBeLessThan(1e-15);
    // With the roles swapped the region is the other triangle: ∫₀¹ ∫₀ʸ … is not what is asked.
    const swapped = integrate.dblquad((x) => x, 0, 1, 0, (x) => x);
    expect(Math.abs(num(swapped.value) - 1 / 3)).toBeLessThan(1e-15);
  });

  it("∫∫ e^{−x²−y²} over ℝ² = π", () => {
    const r = integrate.dblquad((x, y) => np.exp(x.square().add(y.square()).neg()), -Infinity, Infinity, -Infinity, Infinity);
    expect(Math.abs(num(r.value) - Math.PI)).toBeLessThan(1e-8);
    expect(num(r.status)).toBe(0);
  });

  it("reports an inner integral's failure in the outer status", () => {
    // The inner ∫₀¹ 1/y dy diverges at every x: the outer integrand is a failed integral.
    const r = integrate.dblquad((_x, y) => np.div(1, y), 0, 1, 0, 1, { limit: 5 });
    expect(integrate.STATUS[num(r.status)]).toBe("limit");
    expect(r.message).toBe('dblquad: an inner integral ended with status "limit"');
    // Every evaluation counted: 21 outer nodes, each an inner quad of 5 subintervals.
    expect(num(r.nfev)).toBe(21 * (5 * 42 - 21));
  });
});

describe("nquad", () => {
  it("∫∫∫ xyz over the unit cube = 1/8", () => {
    const r = integrate.nquad((x, y, z) => x.mul(y).mul(z), [[0, 1], [0, 1], [0, 1]]);
    expect(Math.abs(num(r.value) - 0.125)).toBeLessThan(1e-15);
    expect(num(r.nfev)).toBe(21 ** 3);
  });

  it("takes ranges that depend on the outer variables: the volume of the unit simplex = 1/6", () => {
    const r = integrate.nquad(() => 1, [[0, 1], (x) => [0, np.sub(1, x)], (x, y) => [0, np.sub(1, x).sub(y)]]);
    expect(Math.abs(num(r.value) - 1 / 6)).toBeLessThan(1e-14);
  });

  it("refuses bad ranges by name", () => {
    expect(errorOf(() => integrate.nquad((x) => x, []))).toMatch(/nquad: ranges must be a non-empty list/);
    expect(errorOf(() => integrate.nquad((x) => x, [[0] as never]))).toMatch(/nquad: range 0 must give \[lower, upper\]/);
    expect(errorOf(() => integrate.nquad((x, y) => x.mul(y), [[0, 1], [0, NaN]]))).toMatch(/nquad: range 1's upper limit is NaN/);
    expect(errorOf(() => integrate.dblquad((x) => x, 0, 1, 0, 1, { limit: -1 }))).toMatch(/dblquad: limit must be/);
  });
});
