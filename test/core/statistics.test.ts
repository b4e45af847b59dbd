import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// all, any, countNonzero, average, argmax/argmin with keepdims, the norm fixes, and the
// sort options (descending, stable, axis null) against numpy and by hand.

const TABLE: Table = {
  "all/axis 1": [(x) => np.all(x, { axis: 1 })],
  "any/axis 1": [(x) => np.any(x, { axis: 1 })],
  "all/empty": [(x) => np.all(x)],
  "any/empty": [(x) => np.any(x)],
  "all/keepdims": [(x) => np.all(x, { axis: 0, keepdims: true })],
  "countNonzero/axis": [(x) => np.countNonzero(x, { axis: 1 })],
  "countNonzero/all": [(x) => np.countNonzero(x)],
  "average/none": [(x) => np.average(x), 1e-15],
  "average/weights axis 1": [(x, w) => np.average(x, { axis: 1, weights: w }), 1e-15],
  "average/weights same shape": [(x, w) => np.average(x, { weights: w }), 1e-15],
  "average/returned": [(x, w) => np.average(x, { axis: 0, weights: w, returned: true }), 1e-15],
  "average/int32": [(x, w) => np.average(x, { axis: 1, weights: w }), 1e-15],
  "argmax/keepdims": [(x) => np.argmax(x, { axis: 1, keepdims: true })],
  "argmin/keepdims none": [(x) => np.argmin(x, { keepdims: true })],
  "norm/ord f": [(x) => np.norm(x, { ord: "f" }), 1e-15],
  "norm/inf empty": [(x) => np.norm(x, { ord: Infinity })],
};

describe("logic and statistics match numpy", () => {
  it("the table covers every fixture case of these functions", () => {
    expect(missingCases(TABLE, ["all/", "any/", "countNonzero/", "average/", "argmax/", "argmin/", "norm/"])).toEqual([]);
  });
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

describe("average", () => {
  const x = np.array([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 2.2]]);
  const w = np.array([0.5, 1, 0.25, 2]);
  it("checkGrads to order 2 in x and the weights", () => {
    checkGrads((a: Array, b: Array) => np.average(a, { axis: 1, weights: b }), [x, w], { order: 2 });
  });
  it("with keepdims, and returned without weights (the count)", () => {
    expect(np.average(x, { axis: 1, weights: w, keepdims: true }).shape).toEqual([2, 1]);
    const [avg, count] = np.average(x, { axis: 0, returned: true });
    expect(avg.shape).toEqual([4]);
    expect(count.toArray()).toEqual([2, 2, 2, 2]);
  });
  it("vmap equals a loop", () => {
    const f = (a: Array) => np.average(a, { weights: np.array([1, 2, 3, 4]) });
    expect(vmap(f)(x).toArray()).toEqual([f(np.slice(x, 0)).item(), f(np.slice(x, 1)).item()]);
  });
  it.each([
    [() => np.average(x, { weights: np.zeros([4]) }), "average: weights (4,) differ from x (2,4), so an axis is needed"],
    [() => np.average(x, { axis: 1, weights: np.zeros([4]) }), "average: the weights sum to zero, so they cannot be normalized"],
    [() => np.average(x, { axis: 1, weights: np.ones([3]) }), "average: 3 weights do not fit axis 1 of length 4"],
    [() => np.average(x, { axis: [0, 1], weights: np.ones([4]) }), "average: weights (4,) that differ from x (2,4) must be 1-D, along one axis"],
  ])("error %#", (f, message) => {
    expect(errorOf(f)).toBe(message);
  });
});

describe("all, any and countNonzero under transformations", () => {
  it("jit and vmap", () => {
    const x = np.array([[0, 1, NaN], [2, 3, 4]]);
    expect(jit((v: Array) => np.all(v, { axis: 1 }))(x).toArray()).toEqual([false, true]);
    expect(vmap((v: Array) => np.any(v))(x).toArray()).toEqual([true, true]);
    expect(vmap((v: Array) => np.countNonzero(v))(x).toArray()).toEqual([2, 3]);
  });
});

describe("norm: numpy's rules for ord and axes", () => {
  const m = np.array([[3, 4], [0, 0]]);
  it("'f' is 'fro'", () => {
    expect(np.norm(m, { ord: "f" }).item()).toBe(5);
    expect(np.norm(np.zeros([2, 3, 2]), { ord: "f", axis: [0, 2] }).shape).toEqual([3]);
  });
  it("'fro' without axes needs a 2-D array; more than two axes is an error", () => {
    expect(errorOf(() => np.norm(np.ones([2, 2, 2]), { ord: "fro" }))).toBe("norm: ord 'fro' needs a 2-D array or two axes, got rank 3");
    expect(errorOf(() => np.norm(np.ones([2]), { ord: "fro" }))).toBe("norm: ord 'fro' needs two axes (it is a matrix norm)");
    expect(errorOf(() => np.norm(np.ones([2, 2, 2]), { axis: [0, 1, 2] as never }))).toMatch(/^norm: axis must be one axis \(vector norms\) or two \(matrix norms\)/);
  });
  it("the ∞- and 1-norms of empty slices are 0, as numpy's initial=0", () => {
    expect(np.norm(np.zeros([0]), { ord: Infinity }).item()).toBe(0);
    expect(np.norm(np.zeros([0, 3]), { ord: 1 }).item()).toBe(0);
    expect(np.norm(np.zeros([3, 0]), { ord: Infinity }).item()).toBe(0);
  });
});

describe("sort and argsort options", () => {
  const x = np.array([3, 1, NaN, 3, 2, 1]);
  it("descending: largest first, NaN first, equal elements in their order", () => {
    expect(np.sort(x, { descending: true }).toArray()).toEqual([NaN, 3, 3, 2, 1, 1]);
    expect(np.argsort(x, { descending: true }).toArray()).toEqual([2, 0, 3, 4, 1, 5]);
    expect(np.argsort(x).toArray()).toEqual([1, 5, 4, 0, 3, 2]);
  });
  it("axis null sorts the flattened array; stable and kind are accepted", () => {
    const m = np.array([[3, 1], [0, 2]]);
    expect(np.sort(m, { axis: null }).toArray()).toEqual([0, 1, 2, 3]);
    expect(np.argsort(m, { axis: null, stable: true, kind: "mergesort" }).toArray()).toEqual([2, 1, 3, 0]);
    expect(np.sort(m, { axis: 0, descending: true }).toArray()).toEqual([[3, 2], [0, 1]]);
  });
  it("sort is differentiable (the derivative follows each element) and batches", () => {
    checkGrads((v: Array) => np.sort(np.sin(v), { descending: true }), [np.array([0.3, -1.2, 2.5, 0.7])], { order: 2 });
    expect(grad((v: Array) => np.sum(np.mul(np.sort(v), np.array([1, 10, 100]))))(np.array([2, 0, 1])).toArray()).toEqual([100, 1, 10]);
    const b = np.array([[3, 1, 2], [0, 5, 4]]);
    expect(vmap((v: Array) => np.sort(v, { descending: true }))(b).toArray()).toEqual([[3, 2, 1], [5, 4, 0]]);
  });
  it("errors name the function", () => {
    expect(errorOf(() => np.sort(x, { kind: "bogo" as never }))).toBe('sort: kind "bogo" is not one of quicksort, mergesort, heapsort, stable');
    expect(errorOf(() => np.argsort(x, { descending: 1 as never }))).toBe("argsort: descending must be true or false, got 1");
  });
});

describe("argmax and argmin with keepdims", () => {
  it("keep the reduced axis as size 1, and all axes without an axis", () => {
    const m = np.array([[1, 5, 2], [7, 0, 3]]);
    expect(np.argmax(m, { axis: 0, keepdims: true }).toArray()).toEqual([[1, 0, 1]]);
    expect(np.argmin(m, { keepdims: true }).toArray()).toEqual([[4]]);
    expect(np.argmax(m, { axis: null }).item()).toBe(3);
  });
});
