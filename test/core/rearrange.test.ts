import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// roll, tile, repeat, flip, the stacks and splits, unstack, moveaxis, permuteDims,
// matrixTranspose and vecdot against numpy; derivatives (checkGrads, order 2) and vmap.

const TABLE: Table = {
  "roll/flat": [(x) => np.roll(x, 5)],
  "roll/axis": [(x) => np.roll(x, -1, { axis: 1 })],
  "roll/two axes": [(x) => np.roll(x, [1, 7], { axis: [0, 1] })],
  "roll/same axis twice": [(x) => np.roll(x, [1, 2], { axis: [1, 1] })],
  "roll/empty": [(x) => np.roll(x, 3, { axis: 1 })],
  "tile/int": [(x) => np.tile(x, 3)],
  "tile/list longer": [(x) => np.tile(x, [2, 2])],
  "tile/list shorter": [(x) => np.tile(x, 2)],
  "tile/zero": [(x) => np.tile(x, [0, 1])],
  "repeat/scalar flat": [(x) => np.repeat(x, 2)],
  "repeat/list axis 1": [(x) => np.repeat(x, [1, 0, 2, 1], { axis: 1 })],
  "repeat/bool": [(x) => np.repeat(x, np.array([2, 3], { dtype: "int32" }))],
  "flip/axis none": [(x) => np.flip(x)],
  "flip/axis 1": [(x) => np.flip(x, { axis: [0, 2] })],
  "hstack/1-d": [(a, b) => np.hstack([a, b])],
  "hstack/2-d": [(a, b) => np.hstack([a, b])],
  "vstack/1-d": [(a, b) => np.vstack([a, b])],
  "dstack/2-d": [(a) => np.dstack([a, a])],
  "columnStack/1-d": [(a, b) => np.columnStack([a, b])],
  "concat/axis none": [(a, b) => np.concat([a, b], { axis: null })],
  "split/indices": [(x) => np.split(x, [3, -2, 20])],
  "split/out of order": [(x) => np.split(x, [6, 3])],
  "arraySplit/sections": [(x) => np.arraySplit(x, 4)],
  "arraySplit/more sections": [(x) => np.arraySplit(x, 5)],
  "arraySplit/axis 1": [(x) => np.arraySplit(x, 3, { axis: 1 })],
  "unstack/axis 1": [(x) => np.unstack(x, { axis: 1 })],
  "moveaxis/lists": [(x) => np.moveaxis(x, [0, 1], [-1, 0])],
  permuteDims: [(x) => np.permuteDims(x, [2, 0, 1])],
  matrixTranspose: [(x) => np.matrixTranspose(x)],
  "vecdot/broadcast": [(a, b) => np.vecdot(a, b), 1e-15],
  "vecdot/axis 0": [(a) => np.vecdot(a, a, { axis: 0 }), 1e-15],
};

describe("rearranging, stacking and splitting match numpy", () => {
  it("the table covers every fixture case of these functions", () => {
    const prefixes = ["roll/", "tile/", "repeat/", "flip/", "hstack/", "vstack/", "dstack/", "columnStack/", "concat/", "split/", "arraySplit/", "unstack/", "moveaxis/", "permuteDims", "matrixTranspose", "vecdot/"];
    expect(missingCases(TABLE, prefixes)).toEqual([]);
  });
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

/** Plain-JavaScript numpy for 1-D lists. */
const jsRoll = (x: number[], s: number) => x.map((_, i) => x[(((i - s) % x.length) + x.length) % x.length]!);
const jsRepeat = (x: number[], r: number[]) => x.flatMap((v, i) => globalThis.Array<number>(r.length === 1 ? r[0]! : r[i]!).fill(v));

describe("roll, repeat and tile equal plain loops (property)", () => {
  const list = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 8 });
  it("roll by any shift, positive, negative or beyond the length", () => {
    fc.assert(
      fc.property(list, fc.integer({ min: -20, max: 20 }), (x, s) => {
        expect(np.roll(np.array(x), s).toArray()).toEqual(jsRoll(x, s));
      }),
      { numRuns: runs(100) },
    );
  });
  it("repeat by one count or one per element", () => {
    fc.assert(
      fc.property(list.chain((x) => fc.tuple(fc.constant(x), fc.oneof(fc.array(fc.nat(3), { minLength: 1, maxLength: 1 }), fc.array(fc.nat(3), { minLength: x.length, maxLength: x.length })))), ([x, r]) => {
        expect(np.repeat(np.array(x), r).toArray()).toEqual(jsRepeat(x, r));
      }),
      { numRuns: runs(100) },
    );
  });
  it("tile of a vector k times is k copies end to end", () => {
    fc.assert(
      fc.property(list, fc.nat(4), (x, k) => {
        expect(np.tile(np.array(x), k).toArray()).toEqual(globalThis.Array.from({ length: k }, () => x).flat());
      }),
      { numRuns: runs(60) },
    );
  });
});

describe("derivatives (checkGrads, order 2, both modes) and vmap", () => {
  const x = np.array([[0.3, -1.2, 2.5, 0.7], [1.1, 0.4, -0.6, 2.2], [-0.9, 1.7, 0.05, -2.1]]);
  const y = np.array([0.5, -0.25, 1.5, 2]);
  it.each([
    ["roll", (v: Array) => np.sin(np.roll(v, [1, -3], { axis: [0, 1] }))],
    ["tile", (v: Array) => np.sin(np.tile(v, [2, 1, 2]))],
    ["repeat", (v: Array) => np.sin(np.repeat(v, [2, 0, 1, 3], { axis: 1 }))],
    ["hstack, vstack, dstack, columnStack", (v: Array) => [np.hstack([v, v]), np.vstack([v, y]), np.dstack([v, v]), np.columnStack([np.slice(v, null, 0), v])]],
    ["concat", (v: Array) => np.concat([v, np.square(v)], { axis: null })],
    ["arraySplit and unstack", (v: Array) => [...np.arraySplit(np.square(v), 3, { axis: 1 }), ...np.unstack(np.sin(v))]],
    ["moveaxis, permuteDims, matrixTranspose", (v: Array) => [np.moveaxis(np.reshape(v, [3, 2, 2]), [0, 2], [1, 0]), np.permuteDims(v, [1, 0]), np.matrixTranspose(np.sin(v))]],
    ["vecdot", (v: Array) => np.vecdot(v, np.sin(v), { axis: 0 })],
  ])("%s", (_name, f) => {
    checkGrads(f, [x], { order: 2 });
  });

  it("vmap of each equals a loop over the batch", () => {
    const batch = np.reshape(np.arange(24), [2, 3, 4]);
    const fns: ((v: Array) => Array)[] = [
      (v) => np.roll(v, 2, { axis: 1 }),
      (v) => np.tile(v, [2, 1]),
      (v) => np.repeat(v, 2, { axis: 0 }),
      (v) => np.hstack([v, v]),
      (v) => np.vecdot(v, v),
      (v) => np.matrixTranspose(v),
      (v) => np.stack(np.arraySplit(v, 2, { axis: 1 }).map((p) => np.sum(p))),
    ];
    for (const f of fns) {
      const loop = np.stack([f(np.slice(batch, 0)), f(np.slice(batch, 1))]);
      expect(vmap(f)(batch).toArray()).toEqual(loop.toArray());
      expect(jit(f)(np.slice(batch, 0)).toArray()).toEqual(f(np.slice(batch, 0)).toArray());
    }
  });
});

describe("atleast1d, atleast2d, atleast3d", () => {
  it("add axes as numpy's atleast_1d/2d/3d do, and leave larger ranks alone", () => {
    const shapes = (f: (x: Array) => Array) => [np.array(5), np.zeros([3]), np.zeros([2, 3]), np.zeros([2, 3, 4])].map((x) => f(x).shape);
    expect(shapes(np.atleast1d)).toEqual([[1], [3], [2, 3], [2, 3, 4]]);
    expect(shapes(np.atleast2d)).toEqual([[1, 1], [1, 3], [2, 3], [2, 3, 4]]);
    expect(shapes(np.atleast3d)).toEqual([[1, 1, 1], [1, 3, 1], [2, 3, 1], [2, 3, 4]]);
  });
  it("are reshapes: checkGrads to order 2", () => {
    checkGrads((v: Array) => [np.atleast1d(np.sum(v)), np.atleast2d(np.sin(v)), np.atleast3d(np.mul(v, v))], [np.array([0.3, -1.2])], { order: 2 });
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.roll(np.zeros([2]), [1, 2]), "roll: 2 shifts need as many axes"],
    [() => np.roll(np.zeros([2, 2]), [1, 2, 3], { axis: [0, 1] }), "roll: 3 shifts and 2 axes do not pair up"],
    [() => np.tile(np.zeros([2]), [-1]), "tile: each of reps must be a non-negative integer, got -1"],
    [() => np.tile(np.zeros([2]), 1e15), "tile: shape (2000000000000000,) of float64 needs"],
    [() => np.repeat(np.zeros([3]), [1, 2]), "repeat: 2 repeats for an axis of length 3"],
    [() => np.repeat(np.zeros([3]), -1), "repeat: repeats must be non-negative, got -1"],
    [() => vmap((r: Array) => np.repeat(np.zeros([2]), r))(np.array([[1, 2]], { dtype: "int32" })), "repeat: the shape of the result depends on the values of repeats"],
    [() => np.hstack([np.zeros([2, 2]), np.zeros([3, 1])]), "hstack: shapes (2,2), (3,1) differ off axis 1"],
    [() => np.vstack([]), "vstack: needs at least one array"],
    [() => np.concat([np.array(1), np.array(2)]), "concat: 0-d arrays cannot be joined along an axis"],
    [() => np.split(np.zeros([7]), 3), "split: an axis of size 7 does not split into 3 equal sections (arraySplit allows unequal ones)"],
    [() => np.arraySplit(np.zeros([7]), 0), "arraySplit: sections must be a positive integer, got 0"],
    [() => np.unstack(np.array(1)), "unstack: axis 0 is out of bounds for an array of rank 0"],
    [() => np.moveaxis(np.zeros([2, 3]), [0, 0], [0, 1]), "moveaxis: repeated axis in [0, 0]"],
    [() => np.moveaxis(np.zeros([2, 3]), [0, 1], [0]), "moveaxis: 2 source axes but 1 destinations"],
    [() => np.permuteDims(np.zeros([2, 3]), [0]), "permuteDims: 1 axes for an array of rank 2"],
    [() => np.permuteDims(np.zeros([2, 3]), [1, 1]), "permuteDims: axes [1, 1] repeat an axis"],
    [() => np.matrixTranspose(np.zeros([2])), "matrixTranspose: needs at least two axes, got rank 1"],
    [() => np.vecdot(np.zeros([2, 3]), np.zeros([2])), "vecdot: vectors of lengths 3 and 2 along axis 1"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
