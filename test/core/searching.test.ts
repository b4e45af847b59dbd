import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, jvp, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// searchsorted, interp, nonzero, argwhere, flatnonzero, takeAlongAxis, putAlongAxis and
// select against numpy; derivatives where they exist, vmap, and the eager-only errors.

const i32 = (v: number[] | number[][]) => np.array(v, { dtype: "int32" });

const TABLE: Table = {
  "searchsorted/left": [(a, v) => np.searchsorted(a, v)],
  "searchsorted/right": [(a, v) => np.searchsorted(a, v, { side: "right" })],
  "searchsorted/sorter": [(a, v) => np.searchsorted(a, v, { sorter: [1, 2, 0] })],
  "searchsorted/int32 2-d values": [(a, v) => np.searchsorted(a, v)],
  "searchsorted/empty": [(a, v) => np.searchsorted(a, v)],
  "interp/basic": [(x, xp, fp) => np.interp(x, xp, fp)],
  "interp/left right": [(x, xp, fp) => np.interp(x, xp, fp, { left: -7, right: 9 })],
  "interp/one point": [(x) => np.interp(x, np.array([0]), np.array([5]), { left: 1, right: 2 })],
  // numpy's remainder and floor-division differ in rounding from x − p·⌊x/p⌋.
  "interp/period": [() => np.interp(np.array([-180, -170, -185, 185, -10, -5, 0, 365]), np.array([190, -190, 350, -350]), np.array([5, 10, 3, 4]), { period: 360 }), 1e-14],
  "interp/2-d x": [(x, xp, fp) => np.interp(x, xp, fp)],
  "nonzero/2-d": [(x) => np.nonzero(x)],
  "nonzero/bool": [(x) => np.nonzero(x)],
  "nonzero/empty": [(x) => np.nonzero(x)],
  "argwhere/3-d": [(x) => np.argwhere(np.greater(x, 1))],
  "argwhere/0-d": [(x) => np.argwhere(x)],
  "flatnonzero/int32": [(x) => np.flatnonzero(x)],
  "takeAlongAxis/argsort": [(x, i) => np.takeAlongAxis(x, i, { axis: 1 })],
  "takeAlongAxis/broadcast negative": [(x, i) => np.takeAlongAxis(x, i, { axis: 1 })],
  "takeAlongAxis/axis none": [(x, i) => np.takeAlongAxis(x, i, { axis: null })],
  "putAlongAxis/repeated": [(x, i, v) => np.putAlongAxis(x, i, v, { axis: 1 })],
  "putAlongAxis/axis 0": [(x, i) => np.putAlongAxis(x, i, 5, { axis: 0 })],
  "select/default": [(x) => np.select([np.less(x, 3), np.greater(x, 4)], [x, np.mul(x, x)], { default: 42 })],
  "select/overlap int": [(x) => np.select([np.greater(x, 1), np.greater(x, 3)], [np.arange(6, { dtype: "int32" }), np.neg(np.arange(6, { dtype: "int32" }))])],
};

describe("searching and choosing match numpy", () => {
  it("the table covers every fixture case of these functions", () => {
    expect(missingCases(TABLE, ["searchsorted/", "interp/", "nonzero/", "argwhere/", "flatnonzero/", "takeAlongAxis/", "putAlongAxis/", "select/"])).toEqual([]);
  });
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

describe("searchsorted counts as a linear scan does (property)", () => {
  it("left: how many are smaller; right: how many are not larger", () => {
    const num = fc.integer({ min: -5, max: 5 });
    fc.assert(
      fc.property(fc.array(num, { maxLength: 8 }), fc.array(num, { maxLength: 5 }), (a, v) => {
        const sorted = [...a].sort((p, q) => p - q);
        expect(np.searchsorted(np.array(sorted), np.array(v)).toArray()).toEqual(v.map((x) => sorted.filter((s) => s < x).length));
        expect(np.searchsorted(np.array(sorted), np.array(v), { side: "right" }).toArray()).toEqual(v.map((x) => sorted.filter((s) => s <= x).length));
      }),
      { numRuns: runs(150) },
    );
  });
});

describe("derivatives", () => {
  const xp = np.array([-2, 0, 0.5, 3]);
  const fp = np.array([1, -1, 4, 2]);
  const x = np.array([-2.5, -1.3, 0.2, 1.7, 2.9, 3.4]);
  it("interp: checkGrads to order 2 in x, xp and fp", () => {
    checkGrads((a: Array, b: Array, c: Array) => np.interp(a, b, c), [x, xp, fp], { order: 2 });
  });
  it("interp's derivative in x is the slope of the interval, 0 outside", () => {
    const g = grad((a: Array) => np.sum(np.interp(a, xp, fp)))(x);
    expect([...g.toFloat64Array()].map((v) => v + 0)).toEqual([0, -1, 10, -0.8, -0.8, 0]);
  });
  it("takeAlongAxis, putAlongAxis and select: checkGrads to order 2", () => {
    const m = np.array([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 2.2]]);
    const idx = i32([[3, 0, 3], [-1, 1, 1]]);
    checkGrads((v: Array) => np.sin(np.takeAlongAxis(v, idx, { axis: 1 })), [m], { order: 2 });
    checkGrads((v: Array, w: Array) => np.putAlongAxis(np.sin(v), idx, np.mul(w, w), { axis: 1 }), [m, np.array([[0.5, 1.5, -2], [1, 2, 3]])], { order: 2 });
    checkGrads((v: Array) => np.select([np.greater(m, 0), np.less(m, -1)], [np.sin(v), np.mul(v, v)], { default: 1 }), [m], { order: 2 });
  });
  it("searchsorted passes no derivative: the tangent of its int32 output is zero", () => {
    const [, t] = jvp((a: Array) => np.searchsorted(a, np.array([0.1, 2])), [xp], [np.ones([4])]);
    expect(t.toArray()).toEqual([0, 0]);
  });
  it("nonzero under grad uses the known values (indices carry no derivative)", () => {
    const g = grad((v: Array) => np.sum(np.take(v, np.flatnonzero(np.greater(v, 0)))))(np.array([1, -2, 3]));
    expect(g.toArray()).toEqual([1, 0, 1]);
  });
});

describe("vmap and jit", () => {
  it("interp, searchsorted, takeAlongAxis and select batch as loops do", () => {
    const xs = np.array([[-1, 0.25, 2], [0.5, 3.5, -3]]);
    const fps = np.array([[1, -1, 4, 2], [0, 1, 0, 1]]);
    const f = (a: Array, b: Array) => [np.interp(a, np.array([-2, 0, 0.5, 3]), b), np.searchsorted(np.array([-2, 0, 0.5, 3]), a), np.takeAlongAxis(b, np.argsort(b), { axis: 0 })];
    const got = vmap(f)(xs, fps);
    const loop = [0, 1].map((k) => f(np.slice(xs, k), np.slice(fps, k)));
    got.forEach((g, j) => expect(g.toArray()).toEqual(np.stack(loop.map((l) => l[j]!)).toArray()));
    const jitted = jit(f)(np.slice(xs, 0), np.slice(fps, 0));
    jitted.forEach((g, j) => expect(g.toArray()).toEqual(loop[0]![j]!.toArray()));
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.searchsorted(np.zeros([2, 2]), 1), "searchsorted: a must be 1-D, got shape (2,2)"],
    [() => np.searchsorted(np.zeros([2]), 1, { side: "middle" as never }), "searchsorted: side must be \"left\" or \"right\""],
    [() => np.searchsorted(np.zeros([2]), 1, { sorter: [0] }), "searchsorted: sorter of shape (1,) does not match a (2,)"],
    [() => np.interp(np.zeros([2]), np.zeros([3]), np.zeros([2])), "interp: xp and fp have different lengths (3, 2)"],
    [() => np.interp(np.zeros([2]), np.zeros([0]), np.zeros([0])), "interp: xp and fp are empty"],
    [() => np.interp(np.zeros([2]), np.zeros([2]), np.zeros([2]), { period: 0 }), "interp: period must be nonzero"],
    [() => np.nonzero(np.array(1)), "nonzero: a 0-d array has no axes to index"],
    [() => jit((v: Array) => np.nonzero(v))(np.zeros([2])), "nonzero: the shape of the result depends on the values of x, which are not known under jit"],
    [() => vmap((v: Array) => np.argwhere(v))(np.zeros([2, 2])), "argwhere: the shape of the result depends on the values of x, which are not known under vmap"],
    [() => jit((v: Array) => np.flatnonzero(v))(np.zeros([2])), "flatnonzero: the shape of the result depends"],
    [() => np.takeAlongAxis(np.zeros([2, 3]), i32([0, 1])), "takeAlongAxis: indices of rank 1 for an array of rank 2"],
    [() => np.takeAlongAxis(np.zeros([2, 3]), np.zeros([2, 1])), "takeAlongAxis: indices must be int32 integers, got float64"],
    [() => np.takeAlongAxis(np.zeros([2, 3]), i32([[3], [0]])), "takeAlongAxis: index 3 is out of bounds for axis 1 with size 3"],
    [() => np.putAlongAxis(np.zeros([2, 3]), i32([[0, 1]]), np.zeros([3]), { axis: 1 }), "putAlongAxis: cannot broadcast (3,) with (2,2)"],
    [() => np.putAlongAxis(np.zeros([2, 3]), i32([[3], [0]]), 1, { axis: 1 }), "putAlongAxis: index 3 is out of bounds for axis 1 with size 3"],
    [() => np.putAlongAxis(np.array(2), [1], 0), "putAlongAxis: index 1 is out of bounds for axis 0 with size 1"],
    // Below −n an index is out of bounds (it once wrapped twice, writing a place silently).
    [() => np.putAlongAxis(np.array([2, 3]), [-3], 0), "putAlongAxis: index -3 is out of bounds for axis 0 with size 2"],
    // Traced indices are checked when their values are known, by the scatter that writes them.
    [() => jit((i: Array) => np.putAlongAxis(np.array([2, 3]), i, 0))(i32([-3])), "index -3 is out of bounds for axis 0 with size 2"],
    [() => np.select([np.array([1, 0])], [np.zeros([2])]), "select: conds[0] must be bool, got float64"],
    [() => np.select([], []), "select: needs at least one condition"],
    [() => np.select([np.array([true])], []), "select: 1 conditions but 0 choices"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
