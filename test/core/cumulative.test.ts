import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, jvp, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// Running reductions, differences and the trapezoidal rule against numpy (the fixture),
// their derivatives against finite differences and closed forms, and vmap against loops.

const TABLE: Table = {
  ...Object.fromEntries(
    (["cumsum", "cumprod"] as const).flatMap((f) => [
      [`${f}/specials`, [(x: Array) => np[f](x)]],
      [`${f}/2d flat`, [(x: Array) => np[f](x)]],
      [`${f}/2d axis 0`, [(x: Array) => np[f](x, { axis: 0 })]],
      [`${f}/2d axis 1`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/2d axis -1`, [(x: Array) => np[f](x, { axis: -1 })]],
      [`${f}/3d axis 1`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/int32`, [(x: Array) => np[f](x, { axis: 1, dtype: "int32" })]],
      [`${f}/bool`, [(x: Array) => np[f](x, { axis: 0 })]],
      [`${f}/float32`, [(x: Array) => np[f](x)]],
      [`${f}/empty`, [(x: Array) => np[f](x)]],
      [`${f}/empty 2x0 axis 1`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/dtype float32`, [(x: Array) => np[f](x, { axis: 1, dtype: "float32" })]],
    ]),
  ),
  "cumsum/int32 wraps": [(x) => np.cumsum(x, { dtype: "int32" })],
  "cumprod/int32 wraps": [(x) => np.cumprod(x, { dtype: "int32" })],
  "cumsum/bool dtype bool": [(x) => np.cumsum(x, { dtype: "bool" })],
  "cumprod/zeros": [(x) => np.cumprod(x)],
  ...Object.fromEntries(
    (["cummax", "cummin"] as const).flatMap((f) => [
      [`${f}/specials`, [(x: Array) => np[f](x)]],
      [`${f}/2d axis 0`, [(x: Array) => np[f](x, { axis: 0 })]],
      [`${f}/2d axis 1`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/int32`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/bool`, [(x: Array) => np[f](x, { axis: 1 })]],
      [`${f}/float32`, [(x: Array) => np[f](x)]],
      [`${f}/empty`, [(x: Array) => np[f](x)]],
    ]),
  ),
  "cumulativeSum/include initial": [(x) => np.cumulativeSum(x, { axis: 1, includeInitial: true })],
  "cumulativeProd/include initial": [(x) => np.cumulativeProd(x, { axis: 0, includeInitial: true })],
  "cumulativeSum/0-d": [(x) => np.cumulativeSum(x)],
  "cumulativeSum/bool": [(x) => np.cumulativeSum(x)],
  "diff/specials": [(x) => np.diff(x)],
  "diff/n 2": [(x) => np.diff(x, { n: 2 })],
  "diff/n 3 axis 0": [(x) => np.diff(x, { axis: 0 })],
  "diff/n 0": [(x) => np.diff(x, { n: 0 })],
  "diff/n beyond length": [(x) => np.diff(x, { n: 3 })],
  "diff/prepend scalar append array": [(x, a) => np.diff(x, { axis: 0, prepend: 0.5, append: a })],
  "diff/int32": [(x) => np.diff(x, { axis: 1 })],
  "diff/bool": [(x) => np.diff(x)],
  "diff/empty": [(x) => np.diff(x)],
  "ediff1d/begin end": [(x) => np.ediff1d(x, { toBegin: -99, toEnd: [88, 99] })],
  "ediff1d/int32": [(x) => np.ediff1d(x, { toEnd: np.array([7], { dtype: "int32" }) })],
  "ediff1d/empty": [(x) => np.ediff1d(x)],
  "trapezoid/dx": [(y) => np.trapezoid(y, { dx: 0.5 })],
  "trapezoid/x 1-d axis 0": [(y, x) => np.trapezoid(y, { x, axis: 0 })],
  "trapezoid/x same shape": [(y, x) => np.trapezoid(y, { x })],
  "trapezoid/int32": [(y) => np.trapezoid(y)],
  "trapezoid/one sample": [(y) => np.trapezoid(y)],
};

describe("cumulative functions, differences and trapezoid match numpy", () => {
  it("the table covers every fixture case of these functions", () => {
    expect(missingCases(TABLE, ["cum", "diff/", "ediff1d/", "trapezoid/"])).toEqual([]);
  });
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

describe("cumprod's derivatives are exact at zeros and where the product underflows", () => {
  // ∂yᵢ/∂xⱼ = Π_{k ≤ i, k ≠ j} xₖ (j ≤ i), by a loop.
  const jacobian = (x: number[]) =>
    x.map((_, i) => x.map((_, j) => (j > i ? 0 : x.slice(0, i + 1).reduce((p, v, k) => (k === j ? p : p * v), 1))));

  it.each([
    [[2, 0, 3, 0, 5]],
    [[0, 0, 1.5, -2]],
    [[-1e-200, 1e-200, 5e-324, 3]],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9]],
  ])("the Jacobian of cumprod(%j), both modes, equals the product of the others", (x) => {
    const J = jacobian(x);
    const xa = np.array(x);
    x.forEach((_, j) => {
      const e = np.array(x.map((_, k) => (k === j ? 1 : 0)));
      const [, col] = jvp((v: Array) => np.cumprod(v), [xa], [e]);
      // +0 for −0 on both sides: a zero's sign is not part of the derivative.
      expect([...col.toFloat64Array()].map((v) => v + 0)).toEqual(J.map((row) => row[j]! + 0));
    });
    x.forEach((_, i) => {
      const row = grad((v: Array) => np.take(np.cumprod(v), i))(xa);
      expect([...row.toFloat64Array()].map((v) => v + 0)).toEqual(J[i]!.map((v) => v + 0));
    });
  });

  it("second derivatives at zeros by checkGrads, along an axis, reversed order of axes too", () => {
    checkGrads((v: Array) => np.cumprod(v), [np.array([0.5, 0, 2, -1.5, 0])], { order: 2 });
    checkGrads((v: Array) => np.cumprod(v, { axis: 0 }), [np.array([[0.5, 0, 2], [-1.5, 0.7, 0], [1.1, 0.9, 3]])], { order: 2 });
    checkGrads((v: Array) => np.cumulativeProd(v, { axis: 1, includeInitial: true }), [np.array([[0.5, 0.2], [-1.5, 0.7]])], { order: 2 });
  });
});

describe("derivatives of the other cumulative functions and the composites", () => {
  const x = np.array([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 2.2], [-0.9, 1.7, 0.05, -2.1]]);
  it.each([
    ["cumsum", (v: Array) => np.cumsum(v, { axis: 1 })],
    ["cumsum flat", (v: Array) => np.cumsum(v)],
    ["cummax", (v: Array) => np.cummax(v, { axis: 0 })],
    ["cummin", (v: Array) => np.cummin(v, { axis: 1 })],
    ["cumulativeSum", (v: Array) => np.cumulativeSum(v, { axis: 0, includeInitial: true })],
    ["diff n 2 with prepend", (v: Array) => np.diff(v, { n: 2, prepend: np.ones([3, 1]) })],
    ["ediff1d", (v: Array) => np.ediff1d(v, { toBegin: 1 })],
    ["trapezoid over y", (v: Array) => np.trapezoid(np.sin(v), { dx: 0.3 })],
    ["trapezoid over x", (v: Array) => np.trapezoid(np.array([[1, 2, 3, 4], [0, 1, -1, 2], [3, 3, 1, 0]]), { x: np.cumsum(np.square(v), { axis: 1 }) })],
  ])("%s: checkGrads to order 2, both modes", (_name, f) => {
    checkGrads(f, [x], { order: 2 });
  });

  it("cummax passes the derivative of the element each output came from", () => {
    const g = grad((v: Array) => np.sum(np.mul(np.cummax(v), np.array([1, 10, 100, 1000]))))(np.array([1, 3, 2, 5]));
    expect(g.toArray()).toEqual([1, 110, 0, 1000]);
  });
});

describe("vmap and jit of the cumulative functions", () => {
  it("vmap over any axis equals a loop", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.constantFrom("cumsum", "cumprod", "cummax", "cummin" as const),
        fc.integer({ min: 0, max: 2 }),
        (data, f, inAxis) => {
          const x = np.reshape(np.array(data), [2, 3, 2]);
          const fn = (v: Array) => np[f](v, { axis: -1 });
          const batched = vmap(fn, { inAxes: inAxis })(x);
          const moved = np.moveaxis(x, inAxis, 0);
          const loop = np.stack([...globalThis.Array(moved.shape[0]).keys()].map((b) => fn(np.slice(moved, b))));
          expect(batched.toArray()).toEqual(loop.toArray());
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it("jit gives the same bits", () => {
    const x = np.array([[1.5, NaN, 0.1], [-0, 3, 1e300]]);
    for (const f of ["cumsum", "cumprod", "cummax", "cummin"] as const) {
      expect(jit((v: Array) => np[f](v, { axis: 1 }))(x).toArray()).toEqual(np[f](x, { axis: 1 }).toArray());
    }
  });
});

describe("running sums and products equal plain loops (property)", () => {
  it("cumsum and cumprod along the last axis, float64: each step rounded as a loop rounds it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: false }), { minLength: 0, maxLength: 20 }), (data) => {
        let s = 0;
        let p = 1;
        const sums = data.map((v, i) => (s = i === 0 ? v : s + v));
        const prods = data.map((v, i) => (p = i === 0 ? v : p * v));
        expect([...np.cumsum(np.array(data)).toFloat64Array()]).toEqual(sums);
        expect([...np.cumprod(np.array(data)).toFloat64Array()]).toEqual(prods);
      }),
      { numRuns: runs(100) },
    );
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.cumsum(np.zeros([2, 2]), { axis: 2 }), "cumsum: axis 2 is out of bounds for an array of rank 2"],
    [() => np.cumprod(np.zeros([2]), { dtype: "int64" as never }), "cumprod: dtype \"int64\" is not one of"],
    [() => np.cummax(np.zeros([2]), { dtype: "float32" } as never), "cummax: unknown option \"dtype\""],
    [() => np.cumulativeSum(np.zeros([2, 2])), "cumulativeSum: axis is required for an array of rank 2"],
    [() => np.diff(np.array(1)), "diff: needs an array of at least one dimension"],
    [() => np.diff(np.zeros([2]), { n: -1 }), "diff: n must be a non-negative integer, got -1"],
    [() => np.diff(np.zeros([2, 3]), { prepend: np.zeros([2, 2]), axis: 0 }), "diff: prepend of shape (2,2) does not match x (2,3) off axis 0"],
    [() => np.ediff1d(np.array([true, false])), "ediff1d: not defined for bool arrays"],
    [() => np.ediff1d(np.array([1, 2], { dtype: "int32" }), { toBegin: 0.5 }), "ediff1d: toBegin of dtype float64 cannot be cast to x's int32"],
    [() => np.trapezoid(np.zeros([3]), { x: np.zeros([2]) }), "trapezoid: x has 2 samples, y 3 along axis 0"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
