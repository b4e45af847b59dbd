import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// unique (and the array API's unique_*) and isin against numpy.

const TABLE: Table = {
  "unique/all flags": [(x) => np.unique(x, { returnIndex: true, returnInverse: true, returnCounts: true })],
  "unique/values": [(x) => np.unique(x)],
  "unique/not equal nan": [(x) => np.unique(x, { equalNan: false })],
  "unique/int32 2-d inverse": [(x) => np.unique(x, { returnInverse: true })],
  "unique/bool": [(x) => np.unique(x)],
  "unique/empty": [(x) => np.unique(x)],
  uniqueAll: [(x) => np.uniqueAll(x)],
  uniqueCounts: [(x) => np.uniqueCounts(x)],
  uniqueValues: [(x) => np.uniqueValues(x)],
  "isin/specials": [(x, t) => np.isin(x, t)],
  "isin/invert int": [(x, t) => np.isin(x, t, { invert: true })],
  "isin/empty tests": [(x, t) => np.isin(x, t)],
};

describe("unique and isin match numpy", () => {
  it("the table covers every fixture case of these functions", () => expect(missingCases(TABLE, ["unique", "isin/"])).toEqual([]));
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

describe("unique by its definition (property)", () => {
  it("values are the sorted distinct elements; values[inverse] is x; indices are first occurrences; counts add up", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 12 }), (data) => {
        const r = np.unique(np.array(data), { returnIndex: true, returnInverse: true, returnCounts: true });
        const distinct = [...new Set(data)].sort((a, b) => a - b);
        expect(r.values.toArray()).toEqual(distinct);
        expect(np.take(r.values, r.inverseIndices!).toArray()).toEqual(data);
        expect(r.indices!.toArray()).toEqual(distinct.map((v) => data.indexOf(v)));
        expect(r.counts!.toArray()).toEqual(distinct.map((v) => data.filter((d) => d === v).length));
      }),
      { numRuns: runs(100) },
    );
  });

  it("isin agrees with a linear search, and works under jit and vmap", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 8 }), fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 5 }), (e, t) => {
        const want = e.map((v) => t.includes(v));
        expect(np.isin(np.array(e), np.array(t)).toArray()).toEqual(want);
        expect(jit((a: Array, b: Array) => np.isin(a, b))(np.array(e), np.array(t)).toArray()).toEqual(want);
      }),
      { numRuns: runs(60) },
    );
    const batched = vmap((a: Array) => np.isin(a, np.array([1, 3])))(np.array([[1, 2], [3, 1]]));
    expect(batched.toArray()).toEqual([[true, false], [true, true]]);
  });
});

describe("unique's values carry x's derivative under grad", () => {
  it("each distinct value's cotangent goes to its first occurrence", () => {
    const g = grad((v: Array) => np.sum(np.mul(np.unique(v), np.array([1, 10, 100]))))(np.array([3, 1, 3, 2]));
    expect(g.toArray()).toEqual([100, 1, 0, 10]);
  });
});

describe("errors name the function", () => {
  it.each([
    [() => jit((v: Array) => np.unique(v))(np.zeros([2])), "unique: the shape of the result depends on the values of x, which are not known under jit"],
    [() => vmap((v: Array) => np.uniqueValues(v))(np.zeros([2, 2])), "uniqueValues: the shape of the result depends"],
    [() => np.unique(np.zeros([2]), { returnCounts: 1 } as never), "unique: returnCounts must be true or false, got 1"],
    [() => np.isin(np.zeros([2]), ["a"] as never), "isin: testElements must be an Array or a list of numbers"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
