import { describe, expect, it } from "vitest";
import { checkGrads, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// tri, tril, triu, meshgrid, indices, logspace, geomspace and the creation helpers
// (empty, emptyLike, fullLike, asArray) against numpy.

const TABLE: Table = {
  "tri/3x4 k 1": [() => np.tri(3, 4, { k: 1 })],
  "tri/k -5": [() => np.tri(3, { k: -5 })],
  "tril/k -1": [(x) => np.tril(x, { k: -1 })],
  "triu/k 1": [(x) => np.triu(x, { k: 1 })],
  "tril/1-d": [(x) => np.tril(x)],
  "triu/bool": [(x) => np.triu(x)],
  "meshgrid/xy": [() => np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]), np.array([6, 7, 8, 9]))],
  "meshgrid/ij": [() => np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]), { indexing: "ij" })],
  "meshgrid/sparse xy": [() => np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]), { sparse: true })],
  "meshgrid/one": [() => np.meshgrid(np.array([1, 2]))],
  "indices/2x3": [() => np.indices([2, 3])],
  "indices/float 3-d": [() => np.indices([2, 1, 3], { dtype: "float64" })],
  "indices/empty": [() => np.indices([2, 0])],
  // Math.pow and C's pow may differ in the last bit.
  "logspace/default": [() => np.logspace(0, 2, 7), 4e-16],
  "logspace/base 2 no endpoint": [() => np.logspace(-1, 4, 6, { endpoint: false, base: 2 }), 4e-16],
  "geomspace/positive": [() => np.geomspace(1, 1000, 7), 4e-16],
  "geomspace/negative no endpoint": [() => np.geomspace(-1e-3, -1e5, 9, { endpoint: false }), 4e-16],
  "geomspace/one": [() => np.geomspace(2, 5, 1)],
  "geomspace/float32": [() => np.geomspace(1, 256, 9, { dtype: "float32" })],
};

describe("grids and triangles match numpy", () => {
  it("the table covers every fixture case of these functions", () => {
    expect(missingCases(TABLE, ["tri/", "tril/", "triu/", "meshgrid/", "indices/", "logspace/", "geomspace/"])).toEqual([]);
  });
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }

  it("geomspace's endpoints are exactly start and stop", () => {
    const g = np.geomspace(0.3, 7.1, 11).toArray() as number[];
    expect([g[0], g[10]]).toEqual([0.3, 7.1]);
  });
});

describe("tril, triu and meshgrid: derivatives, vmap, jit", () => {
  const x = np.array([[0.3, -1.2, 2.5], [1.1, 0.4, -0.6], [0.2, 0.9, -1.4]]);
  it("checkGrads to order 2, both modes", () => {
    checkGrads((v: Array) => [np.tril(np.sin(v), { k: 1 }), np.triu(np.mul(v, v), { k: -1 })], [x], { order: 2 });
    checkGrads((v: Array) => np.meshgrid(np.sin(v), np.slice(v, [0, 2]), { indexing: "ij" }), [np.array([0.1, 0.5, -0.7])], { order: 2 });
  });
  it("vmap of tril over a stack of matrices equals the batched tril; jit equals eager", () => {
    const batch = np.stack([x, np.neg(x)]);
    expect(vmap((v: Array) => np.tril(v))(batch).toArray()).toEqual(np.tril(batch).toArray());
    expect(jit((v: Array) => np.triu(v, { k: 1 }))(x).toArray()).toEqual(np.triu(x, { k: 1 }).toArray());
  });
});

describe("creation helpers", () => {
  it("empty and emptyLike are zeros; fullLike converts the value to x's dtype", () => {
    expect(np.empty([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(np.emptyLike(np.ones([2], { dtype: "int32" })).dtype).toBe("int32");
    expect(np.fullLike(np.zeros([2], { dtype: "int32" }), 2.5).toArray()).toEqual([2, 2]);
    expect(np.fullLike(np.zeros([2]), 7, { dtype: "float32" }).dtype).toBe("float32");
  });
  it("asArray takes nested lists and typed arrays, and returns an Array of the same dtype as it is", () => {
    const a = np.array([1, 2]);
    expect(np.asArray(a)).toBe(a);
    expect(np.asArray([[1, 2], [3, 4]], "float32").dtype).toBe("float32");
    expect(np.asArray(new Int32Array([3, 4])).dtype).toBe("int32");
    expect(errorOf(() => np.asArray([[1], [2, 3]]))).toMatch(/^asArray: ragged nesting/);
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.tri(-1), "tri: n must be a non-negative integer, got -1"],
    [() => np.tril(np.array(1)), "tril: needs an array of at least one dimension"],
    [() => np.triu(np.zeros([2, 2]), { k: 0.5 }), "triu: k must be an integer, got 0.5"],
    [() => np.meshgrid(np.zeros([2]), { indexing: "xz" as never }), "meshgrid: indexing must be \"xy\" or \"ij\""],
    [() => np.indices([2, -1]), "indices: each dimension must be a non-negative integer, got -1"],
    [() => np.geomspace(0, 1), "geomspace: a geometric sequence cannot include zero"],
    [() => np.geomspace(-1, 1), "geomspace: start -1 and stop 1 must have the same sign"],
    [() => np.logspace(0, 1, -2), "logspace: num must be a non-negative integer, got -2"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
