import { describe, expect, it } from "vitest";
import { checkGrads, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// polyval, polyder, polyint, polyadd, polysub, polymul, convolve and polyfit against
// numpy; derivatives (checkGrads, order 2), vmap and jit.

const TABLE: Table = {
  "polyval/2-d x": [(p, x) => np.polyval(p, x)],
  "polyval/int32": [(p, x) => np.polyval(p, x)],
  "polyval/empty p": [(p, x) => np.polyval(p, x)],
  "polyder/m 2": [(p) => np.polyder(p, { m: 2 })],
  "polyder/int32": [(p) => np.polyder(p)],
  "polyder/beyond degree": [(p) => np.polyder(p, { m: 5 })],
  "polyint/m 2 k list": [(p) => np.polyint(p, { m: 2, k: [1, 2] })],
  "polyint/m 3 k scalar": [(p) => np.polyint(p, { m: 3, k: 5 })],
  "polyint/int32": [(p) => np.polyint(p)],
  polyadd: [(a, b) => np.polyadd(a, b)],
  polysub: [(a, b) => np.polysub(a, b)],
  // A matrix product, not numpy's loop: sums in another order.
  polymul: [(a, b) => np.polymul(a, b), 1e-15],
  "polymul/int32": [(a, b) => np.polymul(a, b)],
  ...Object.fromEntries(
    (["full", "same", "valid"] as const).flatMap((mode) => [
      [`convolve/${mode} long first`, [(a: Array, v: Array) => np.convolve(a, v, { mode }), 1e-15]],
      [`convolve/${mode} short first`, [(a: Array, v: Array) => np.convolve(a, v, { mode }), 1e-15]],
    ]),
  ),
  // Least squares by QR here and by SVD in numpy: the same solution to rounding.
  "polyfit/deg 3": [(x, y) => np.polyfit(x, y, 3), 1e-12],
  "polyfit/weights 2-d y": [(x, y, w) => np.polyfit(x, y, 2, { w }), 1e-12],
  "polyfit/exact line": [() => np.polyfit(np.array([0, 1, 2, 3]), np.array([1, 3, 5, 7]), 1), 1e-14],
  "polyfit/interpolating": [() => np.polyfit(np.array([0, 1, 3]), np.array([2, -1, 4]), 2), 1e-14],
};

describe("polynomials match numpy", () => {
  it("the table covers every fixture case of these functions", () => expect(missingCases(TABLE, ["poly", "convolve/"])).toEqual([]));
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }

  it("polyfit recovers a polynomial exactly sampled, float32 too", () => {
    const x = np.linspace(-1, 1, 12);
    const p = [0.5, -2, 0, 3];
    for (const dtype of ["float64", "float32"] as const) {
      const fit = np.polyfit(np.astype(x, dtype), np.astype(np.polyval(np.array(p), x), dtype), 3);
      expect(fit.dtype).toBe(dtype);
      (fit.toArray() as number[]).forEach((c, i) => expect(Math.abs(c - p[i]!)).toBeLessThan(dtype === "float64" ? 1e-12 : 1e-4));
    }
  });
});

describe("derivatives, vmap and jit", () => {
  const p = np.array([0.7, -1.3, 0.4]);
  const x = np.array([0.3, -1.2, 2.5, 0.9]);
  it.each([
    ["polyval in p and x", (a: Array, b: Array) => np.polyval(a, b)],
    ["polyder and polyint", (a: Array) => [np.polyder(np.mul(a, a), { m: 1 }), np.polyint(np.sin(a), { m: 2, k: 1 })]],
    ["polyadd, polysub, polymul", (a: Array, b: Array) => [np.polyadd(a, b), np.polysub(np.sin(a), b), np.polymul(a, np.sin(b))]],
    ["convolve same and valid", (a: Array, b: Array) => [np.convolve(b, a, { mode: "same" }), np.convolve(np.sin(b), a, { mode: "valid" })]],
  ])("%s: checkGrads to order 2", (_name, f) => {
    checkGrads(f as (...a: Array[]) => Array, f.length === 1 ? [p] : [p, x], { order: 2 });
  });

  it("polyfit: checkGrads to order 2 in x, y and w", () => {
    const xs = np.array([-1, -0.4, 0.1, 0.5, 1.2, 2]);
    const ys = np.array([0.3, -0.2, 0.8, 1.1, 0.4, -0.7]);
    const w = np.array([1, 0.5, 2, 1.5, 1, 0.8]);
    checkGrads((a: Array, b: Array, c: Array) => np.polyfit(a, b, 2, { w: c }), [xs, ys, w], { order: 2 });
  });

  it("vmap of polyval and polyfit equals a loop; jit equals eager", () => {
    const ps = np.stack([p, np.neg(p)]);
    const f = (c: Array) => [np.polyval(c, x), np.polyfit(x, np.polyval(c, x), 2)];
    const got = vmap(f)(ps);
    const loop = [0, 1].map((k) => f(np.slice(ps, k)));
    got.forEach((g, j) => {
      const want = np.stack(loop.map((l) => l[j]!)).toArray() as number[][];
      (g.toArray() as number[][]).forEach((row, k) => row.forEach((v, i) => expect(Math.abs(v - want[k]![i]!)).toBeLessThan(1e-12)));
    });
    expect(jit((c: Array) => np.polymul(c, c))(p).toArray()).toEqual(np.polymul(p, p).toArray());
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.polyval(np.zeros([2, 2]), 1), "polyval: p must be 1-D coefficients, got shape (2,2)"],
    [() => np.polyder(np.zeros([3]), { m: -1 }), "polyder: m must be a non-negative integer, got -1"],
    [() => np.polyint(np.zeros([3]), { m: 3, k: [1, 2] }), "polyint: k must be one number or at least m = 3 numbers, got 2"],
    [() => np.polymul(np.zeros([0]), np.zeros([2])), "polymul: the arrays must not be empty"],
    [() => np.polysub(np.array([true, false]), np.array([true])), "polysub: not defined for bool coefficients"],
    [() => np.convolve(np.zeros([2]), np.zeros([2]), { mode: "circular" as never }), "convolve: mode must be \"full\", \"same\" or \"valid\""],
    [() => np.polyfit(np.zeros([3]), np.zeros([3]), 3), "polyfit: degree 3 needs at least 4 points, got 3"],
    [() => np.polyfit(np.zeros([3]), np.zeros([2]), 1), "polyfit: x has 3 points, y 2"],
    [() => np.polyfit(np.zeros([3]), np.zeros([3]), 1, { w: np.zeros([2]) }), "polyfit: w must be 1-D with 3 weights"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
