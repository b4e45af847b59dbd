import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { np } from "nabla";
import { runs } from "../setup.js";

// Expected values are written out by hand (numpy's answers) or computed with plain
// JavaScript loops over nested arrays.

type N3 = number[][][];

/** x = arange(24) as 2×3×4: element (i, j, k) is 12i + 4j + k. */
const X = np.reshape(np.arange(24), [2, 3, 4]);
const xAt = (i: number, j: number, k: number) => 12 * i + 4 * j + k;

/** Builds a nested list of `shape` whose element at `idx` is f(idx). */
function build(shape: readonly number[], f: (idx: number[]) => number, prefix: number[] = []): unknown {
  if (prefix.length === shape.length) return f(prefix);
  return [...globalThis.Array(shape[prefix.length]).keys()].map((i) => build(shape, f, [...prefix, i]));
}

/** Python/numpy sort order for numbers: ascending, NaN last. */
const numpyOrder = (a: number, b: number) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);

describe("reshape", () => {
  it("keeps the row-major order of the elements", () => {
    const y = np.reshape(X, [4, 6]);
    expect(y.shape).toEqual([4, 6]);
    expect(y.toArray()).toEqual(build([4, 6], ([r, c]) => 6 * r! + c!));
  });

  it("infers one -1 dimension", () => {
    expect(np.reshape(X, [6, -1]).shape).toEqual([6, 4]);
    expect(np.reshape(X, [-1, 2, 3]).shape).toEqual([4, 2, 3]);
    expect(X.reshape([-1]).toArray()).toEqual([...globalThis.Array(24).keys()]);
    expect(X.ravel().shape).toEqual([24]);
  });

  it("a size-1 array reshapes to 0-d and back", () => {
    const s = np.reshape(np.array([[7]]), []);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(7);
    expect(np.reshape(s, [1, 1, 1]).toArray()).toEqual([[[7]]]);
  });

  it("a wrong size names both shapes", () => {
    expect(() => np.reshape(X, [5, 5])).toThrow("reshape: cannot reshape an array of shape (2,3,4) into shape (5,5)");
    expect(() => np.reshape(X, [5, -1])).toThrow("reshape: cannot reshape an array of shape (2,3,4) into shape (5,-1)");
    expect(() => np.reshape(np.arange(6), [4])).toThrow("reshape: cannot reshape an array of shape (6,) into shape (4,)");
  });

  it("two -1 entries or a negative size is invalid", () => {
    expect(() => np.reshape(X, [-1, -1])).toThrow("reshape: shape (-1,-1) has more than one -1");
    expect(() => np.reshape(X, [-2, -12])).toThrow("reshape: shape [-2, -12] has -2 at axis 0, not a non-negative integer or -1");
  });
});

describe("transpose and swapaxes", () => {
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const p of perms) {
    it(`transpose by [${p}] moves input axis p[d] to output axis d`, () => {
      const y = np.transpose(X, p);
      const shape = p.map((a) => [2, 3, 4][a]!);
      expect(y.shape).toEqual(shape);
      expect(y.toArray()).toEqual(
        build(shape, (out) => {
          const idx = [0, 0, 0];
          p.forEach((a, d) => (idx[a] = out[d]!));
          return xAt(idx[0]!, idx[1]!, idx[2]!);
        }),
      );
    });
  }

  it("defaults to reversing the axes, as x.T", () => {
    const expected = build([4, 3, 2], ([k, j, i]) => xAt(i!, j!, k!));
    expect(np.transpose(X).toArray()).toEqual(expected);
    expect(X.T.toArray()).toEqual(expected);
    expect(X.transpose().shape).toEqual([4, 3, 2]);
  });

  it("accepts negative axes", () => {
    expect(np.transpose(X, [-1, 0, -2]).toArray()).toEqual(np.transpose(X, [2, 0, 1]).toArray());
  });

  it("rejects a list that is not a permutation", () => {
    expect(() => np.transpose(X, [0, 0, 1])).toThrow("transpose: axes [0,0,1] are not a permutation of the 3 axes of (2,3,4)");
    expect(() => np.transpose(X, [0, 1])).toThrow(/not a permutation/);
    expect(() => np.transpose(X, [0, 1, 3])).toThrow("transpose: axis 3 is out of bounds");
  });

  it("swapaxes exchanges two axes", () => {
    expect(np.swapaxes(X, 0, 2).toArray()).toEqual(build([4, 3, 2], ([k, j, i]) => xAt(i!, j!, k!)));
    expect(X.swapaxes(-1, 1).toArray()).toEqual(build([2, 4, 3], ([i, k, j]) => xAt(i!, j!, k!)));
    expect(np.swapaxes(X, 1, 1).toArray()).toEqual(X.toArray());
  });
});

describe("expandDims, squeeze, broadcastTo", () => {
  it("expandDims inserts size-1 axes at result positions", () => {
    const m = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(np.expandDims(m, 0).toArray()).toEqual([[[1, 2, 3], [4, 5, 6]]]);
    expect(np.expandDims(m, -1).toArray()).toEqual([[[1], [2], [3]], [[4], [5], [6]]]);
    expect(np.expandDims(m, 1).shape).toEqual([2, 1, 3]);
    expect(m.expandDims([0, 3]).shape).toEqual([1, 2, 3, 1]);
    expect(np.expandDims(m, [0, -1]).shape).toEqual([1, 2, 3, 1]);
  });

  it("squeeze removes all size-1 axes, or the named ones", () => {
    const y = np.reshape(np.arange(3), [1, 3, 1]);
    expect(np.squeeze(y).toArray()).toEqual([0, 1, 2]);
    expect(np.squeeze(y, 0).shape).toEqual([3, 1]);
    expect(y.squeeze(-1).toArray()).toEqual([[0, 1, 2]]);
    expect(np.squeeze(y, [0, 2]).shape).toEqual([3]);
  });

  it("squeezing an axis that is not size 1 is an error", () => {
    expect(() => np.squeeze(np.zeros([2, 1]), 0)).toThrow("squeeze: axis 0 of shape (2,1) has size 2, not 1");
  });

  it("broadcastTo repeats along new and size-1 axes", () => {
    expect(np.broadcastTo(np.array([1, 2, 3]), [2, 3]).toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    const col = np.array([[1], [2]]);
    expect(col.broadcastTo([3, 2, 2]).toArray()).toEqual([
      [[1, 1], [2, 2]],
      [[1, 1], [2, 2]],
      [[1, 1], [2, 2]],
    ]);
    expect(np.broadcastTo(5, [2]).toArray()).toEqual([5, 5]);
  });

  it("broadcastTo an incompatible shape is an error", () => {
    expect(() => np.broadcastTo(np.zeros([2, 3]), [3, 3])).toThrow("broadcastTo: cannot broadcast (2,3) to (3,3)");
    expect(() => np.broadcastTo(np.zeros([2, 3]), [3])).toThrow(/cannot broadcast/);
  });
});

describe("concatenate, stack, split", () => {
  const A = np.array([[1, 2], [3, 4]]);
  const B = np.array([[5, 6], [7, 8]]);

  it("concatenates along axis 0, 1 and -1", () => {
    expect(np.concatenate([A, B]).toArray()).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(np.concatenate([A, B], { axis: 1 }).toArray()).toEqual([[1, 2, 5, 6], [3, 4, 7, 8]]);
    expect(np.concatenate([A, B, A], { axis: -1 }).toArray()).toEqual([[1, 2, 5, 6, 1, 2], [3, 4, 7, 8, 3, 4]]);
  });

  it("concatenates unequal lengths along the axis, and promotes dtypes", () => {
    const c = np.concatenate([np.array([1, 2], { dtype: "int32" }), np.array([0.5])]);
    expect(c.dtype).toBe("float64");
    expect(c.toArray()).toEqual([1, 2, 0.5]);
    expect(np.concatenate([np.zeros([1, 3]), np.ones([2, 3])]).toArray()).toEqual([[0, 0, 0], [1, 1, 1], [1, 1, 1]]);
  });

  it("mismatched shapes are an error naming them", () => {
    expect(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 4])])).toThrow("concatenate: shapes (2,3), (2,4) differ outside axis 0");
    expect(() => np.concatenate([np.zeros([2, 3]), np.zeros([3])])).toThrow(/concatenate: shapes \(2,3\), \(3,\)/);
    expect(() => np.concatenate([A, B], { axis: 2 })).toThrow("concatenate: axis 2 is out of bounds");
  });

  it("stack joins along a new axis", () => {
    const u = np.array([1, 2, 3]);
    const v = np.array([4, 5, 6]);
    expect(np.stack([u, v]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(np.stack([u, v], { axis: 1 }).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(np.stack([A, B], { axis: -1 }).toArray()).toEqual([[[1, 5], [2, 6]], [[3, 7], [4, 8]]]);
    expect(np.stack([A, B], { axis: 1 }).shape).toEqual([2, 2, 2]);
  });

  it("stack needs one shape", () => {
    expect(() => np.stack([np.zeros([2]), np.ones([3])])).toThrow("stack: all arrays need one shape, got (2,), (3,)");
  });

  it("split into equal sections", () => {
    const parts = np.split(np.arange(6), 3);
    expect(parts.map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4, 5]]);
    const cols = np.split(np.reshape(np.arange(8), [2, 4]), 2, { axis: 1 });
    expect(cols.map((p) => p.toArray())).toEqual([[[0, 1], [4, 5]], [[2, 3], [6, 7]]]);
  });

  it("split at indices, as numpy (out-of-order and past-the-end give empty parts)", () => {
    expect(np.split(np.arange(6), [1, 4]).map((p) => p.toArray())).toEqual([[0], [1, 2, 3], [4, 5]]);
    expect(np.split(np.arange(6), [4, 1, 9]).map((p) => p.toArray())).toEqual([[0, 1, 2, 3], [], [1, 2, 3, 4, 5], []]);
    const rows = np.split(X, [1], { axis: -2 });
    expect(rows.map((p) => p.shape)).toEqual([[2, 1, 4], [2, 2, 4]]);
    expect(rows[1]!.toArray()).toEqual(build([2, 2, 4], ([i, j, k]) => xAt(i!, j! + 1, k!)));
  });

  it("unequal sections are an error", () => {
    expect(() => np.split(np.arange(6), 4)).toThrow("split: an axis of size 6 does not split into 4 equal sections");
  });
});

describe("flip", () => {
  it("reverses every axis by default", () => {
    expect(np.flip(X).toArray()).toEqual(build([2, 3, 4], ([i, j, k]) => xAt(1 - i!, 2 - j!, 3 - k!)));
  });

  it("reverses the named axes", () => {
    expect(np.flip(X, { axis: 0 }).toArray()).toEqual(build([2, 3, 4], ([i, j, k]) => xAt(1 - i!, j!, k!)));
    expect(X.flip({ axis: [0, -1] }).toArray()).toEqual(build([2, 3, 4], ([i, j, k]) => xAt(1 - i!, j!, 3 - k!)));
    expect(np.flip(np.array([1, 2, 3])).toArray()).toEqual([3, 2, 1]);
  });
});

describe("slice (numpy basic indexing)", () => {
  const r = np.arange(10);

  it("a number picks one index and drops the axis", () => {
    expect(X.slice(1).toArray()).toEqual(build([3, 4], ([j, k]) => xAt(1, j!, k!)));
    expect(X.slice(1, 2).toArray()).toEqual([20, 21, 22, 23]);
    const e = X.slice(1, 2, 3);
    expect(e.shape).toEqual([]);
    expect(e.item()).toBe(23);
  });

  it("null keeps an axis whole", () => {
    expect(X.slice(null, 2).toArray()).toEqual(build([2, 4], ([i, k]) => xAt(i!, 2, k!)));
    expect(X.slice(null, null, 0).toArray()).toEqual(build([2, 3], ([i, j]) => xAt(i!, j!, 0)));
  });

  it("negative indices count from the end", () => {
    expect(X.slice(-1, -1, -1).item()).toBe(23);
    expect(X.slice(-2, 0, -4).item()).toBe(0);
  });

  it("ranges [start, stop] and [start, stop, step], hand-worked from Python", () => {
    expect(r.slice([2, 8, 2]).toArray()).toEqual([2, 4, 6]); // r[2:8:2]
    expect(r.slice([-3, null]).toArray()).toEqual([7, 8, 9]); // r[-3:]
    expect(r.slice([null, -3]).toArray()).toEqual([0, 1, 2, 3, 4, 5, 6]); // r[:-3]
    expect(r.slice([5, 2]).toArray()).toEqual([]); // r[5:2]
    expect(r.slice([-100, 3]).toArray()).toEqual([0, 1, 2]); // r[-100:3]
    expect(r.slice([7, 100, 3]).toArray()).toEqual([7]); // r[7:100:3]
  });

  it("negative steps, hand-worked from Python", () => {
    expect(r.slice([null, null, -1]).toArray()).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]); // r[::-1]
    expect(r.slice([8, 2, -2]).toArray()).toEqual([8, 6, 4]); // r[8:2:-2]
    expect(r.slice([-1, -4, -1]).toArray()).toEqual([9, 8, 7]); // r[-1:-4:-1]
    expect(r.slice([null, null, -3]).toArray()).toEqual([9, 6, 3, 0]); // r[::-3]
    expect(r.slice([100, -100, -4]).toArray()).toEqual([9, 5, 1]); // r[100:-100:-4]
    expect(r.slice([3, -100, -1]).toArray()).toEqual([3, 2, 1, 0]); // r[3:-100:-1]
    expect(r.slice([null, -3, -3]).toArray()).toEqual([9]); // r[:-3:-3]
    expect(r.slice([2, 5, -1]).toArray()).toEqual([]); // r[2:5:-1]
    expect(r.slice([3, -1, -1]).toArray()).toEqual([]); // r[3:-1:-1]: -1 is the last index
  });

  it("mixes specs over several axes", () => {
    // X[:, ::-1, 1:3]
    expect(X.slice(null, [null, null, -1], [1, 3]).toArray()).toEqual(build([2, 3, 2], ([i, j, k]) => xAt(i!, 2 - j!, k! + 1)));
    // X[1, 0:3:2, ::-2]
    expect(X.slice(1, [0, 3, 2], [null, null, -2]).toArray()).toEqual([[15, 13], [23, 21]]);
    expect(np.slice(X, [0, 1]).shape).toEqual([1, 3, 4]);
  });

  it("fast-check: a unit-step range matches JavaScript's Array.prototype.slice", () => {
    const list = [...globalThis.Array(7).keys()];
    const a = np.arange(7);
    const bound = fc.option(fc.integer({ min: -10, max: 10 }), { nil: null });
    fc.assert(
      fc.property(bound, bound, (start, stop) => {
        expect(a.slice([start, stop]).toArray()).toEqual(list.slice(start ?? undefined, stop ?? undefined));
      }),
      { numRuns: runs(200) },
    );
  });

  it("fast-check: a[start:stop:step] is a[start:stop] taking every step-th element (step > 0)", () => {
    const list = [...globalThis.Array(9).keys()];
    const a = np.arange(9);
    const bound = fc.option(fc.integer({ min: -12, max: 12 }), { nil: null });
    fc.assert(
      fc.property(bound, bound, fc.integer({ min: 1, max: 4 }), (start, stop, step) => {
        const expected = list.slice(start ?? undefined, stop ?? undefined).filter((_, i) => i % step === 0);
        expect(a.slice([start, stop, step]).toArray()).toEqual(expected);
      }),
      { numRuns: runs(200) },
    );
  });

  it("fast-check: a[::-s] is the reversed list taking every s-th element", () => {
    const list = [...globalThis.Array(9).keys()];
    const a = np.arange(9);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), (s) => {
        const expected = [...list].reverse().filter((_, i) => i % s === 0);
        expect(a.slice([null, null, -s]).toArray()).toEqual(expected);
      }),
    );
  });

  it("an index out of bounds is an error naming axis and size", () => {
    expect(() => X.slice(2)).toThrow("slice: index 2 is out of bounds for axis 0 with size 2");
    expect(() => X.slice(0, -4)).toThrow("slice: index -4 is out of bounds for axis 1 with size 3");
    expect(() => X.slice(0, 0, 0, 0)).toThrow("slice: 4 index specs for an array of rank 3 (2,3,4)");
    expect(() => r.slice([0, 5, 0])).toThrow("slice: slice step must be a non-zero integer on axis 0");
    expect(() => r.slice(1.5)).toThrow(/^slice: index 1.5 /);
  });
});

describe("take", () => {
  const m = np.array([[1, 2, 3], [4, 5, 6]]);

  it("a number index drops the axis", () => {
    expect(np.take(m, 1, { axis: 1 }).toArray()).toEqual([2, 5]);
    expect(np.take(m, 0, { axis: 0 }).toArray()).toEqual([1, 2, 3]);
    expect(np.take(m, -1, { axis: 1 }).toArray()).toEqual([3, 6]);
  });

  it("an index list gathers (with repeats), keeping the axis", () => {
    expect(m.take([2, 0, 2], { axis: 1 }).toArray()).toEqual([[3, 1, 3], [6, 4, 6]]);
    expect(np.take(m, [1], { axis: 0 }).toArray()).toEqual([[4, 5, 6]]);
  });

  it("negative indices count from the end", () => {
    expect(np.take(m, [-1, -3], { axis: 1 }).toArray()).toEqual([[3, 1], [6, 4]]);
  });

  it("an int32 index Array of any shape replaces the axis with its shape", () => {
    const idx = np.array([[0, 1], [1, 1]], { dtype: "int32" });
    const out = np.take(m, idx, { axis: 0 });
    expect(out.shape).toEqual([2, 2, 3]);
    expect(out.toArray()).toEqual([[[1, 2, 3], [4, 5, 6]], [[4, 5, 6], [4, 5, 6]]]);
  });

  it("without an axis, indexes the flattened array", () => {
    expect(np.take(m, [5, 0, -2]).toArray()).toEqual([6, 1, 5]);
    expect(np.take(m, 4).item()).toBe(5);
  });

  it("out of bounds is an error", () => {
    expect(() => np.take(m, [3], { axis: 1 })).toThrow("take: index 3 is out of bounds for axis 1 with size 3");
    expect(() => np.take(m, [-4], { axis: 1 })).toThrow("take: index -4 is out of bounds for axis 1 with size 3");
    expect(() => np.take(m, 2, { axis: 0 })).toThrow("take: index 2 is out of bounds for axis 0 with size 2");
    expect(() => np.take(m, [0], { axis: 2 })).toThrow("take: axis 2 is out of bounds");
  });

  it("indices must be integers", () => {
    expect(() => np.take(m, [1.5])).toThrow("take: index 1.5 is not an integer");
    expect(() => np.take(m, np.array([0, 1]))).toThrow("take: indices must be int32 integers, got float64");
  });
});

describe("x.at(...): functional updates", () => {
  it("set returns a new Array and leaves the original alone", () => {
    const z = np.zeros([3]);
    const y = z.at(1).set(5);
    expect(y.toArray()).toEqual([0, 5, 0]);
    expect(z.toArray()).toEqual([0, 0, 0]);
  });

  it("set a window, with broadcasting", () => {
    const z = np.zeros([3, 4]);
    expect(z.at(1, [1, 3]).set(5).toArray()).toEqual([[0, 0, 0, 0], [0, 5, 5, 0], [0, 0, 0, 0]]);
    expect(z.at(null, 0).set(np.array([1, 2, 3])).toArray()).toEqual([[1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0]]);
    expect(z.at([0, 2], null).set(np.array([1, 2, 3, 4])).toArray()).toEqual([[1, 2, 3, 4], [1, 2, 3, 4], [0, 0, 0, 0]]);
    expect(z.toArray()).toEqual(build([3, 4], () => 0));
  });

  it("add adds into the window only", () => {
    const m = np.array([[1, 2], [3, 4]]);
    expect(m.at(null, -1).add(np.array([10, 20])).toArray()).toEqual([[1, 12], [3, 24]]);
    expect(m.at(0).add(1).toArray()).toEqual([[2, 3], [3, 4]]);
    expect(m.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("get reads the window, as slice", () => {
    expect(X.at(1, [0, 2], -1).get().toArray()).toEqual([15, 19]);
  });

  it("negative-step windows are visited in their own order", () => {
    const r = np.arange(5);
    // r[::-2] is positions 4, 2, 0
    expect(r.at([null, null, -2]).set(np.array([10, 20, 30])).toArray()).toEqual([30, 1, 20, 3, 10]);
    // r[3:0:-2] is positions 3, 1
    expect(r.at([3, 0, -2]).add(np.array([10, 20])).toArray()).toEqual([0, 21, 2, 13, 4]);
    expect(r.at([3, 0, -2]).get().toArray()).toEqual([3, 1]);
    expect(r.toArray()).toEqual([0, 1, 2, 3, 4]);
    // Reversing rows of a matrix window: m[::-1, 1] = [7, 8]
    const m = np.zeros([2, 2]);
    expect(m.at([null, null, -1], 1).set(np.array([7, 8])).toArray()).toEqual([[0, 8], [0, 7]]);
  });

  it("fast-check: at(w).set(v) then get() gives v back, and elements outside w are untouched", () => {
    const base = np.arange(8);
    const bound = fc.option(fc.integer({ min: -9, max: 9 }), { nil: null });
    const step = fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0);
    fc.assert(
      fc.property(bound, bound, step, (start, stop, s) => {
        const window = base.slice([start, stop, s]);
        const n = window.shape[0]!;
        const v = np.add(np.arange(n), 100);
        const y = base.at([start, stop, s]).set(v);
        expect(y.at([start, stop, s]).get().toArray()).toEqual(v.toArray());
        // The positions written are exactly window's values (base[i] = i); others stay i.
        const written = new Set(window.toArray() as number[]);
        const out = y.toArray() as number[];
        out.forEach((val, i) => {
          if (!written.has(i)) expect(val).toBe(i);
          else expect(val).toBeGreaterThanOrEqual(100);
        });
      }),
      { numRuns: runs(150) },
    );
  });

  it("an index out of bounds is an error", () => {
    expect(() => np.zeros([3]).at(3).set(1)).toThrow("at: index 3 is out of bounds for axis 0 with size 3");
  });
});

describe("iteration", () => {
  it("destructures over the first axis", () => {
    const [a, b] = np.array([[1, 2], [3, 4]]);
    expect(a!.toArray()).toEqual([1, 2]);
    expect(b!.toArray()).toEqual([3, 4]);
  });

  it("for..of visits each sub-array in order", () => {
    const seen: unknown[] = [];
    for (const sub of X) seen.push(sub.toArray());
    expect(seen).toEqual([build([3, 4], ([j, k]) => xAt(0, j!, k!)), build([3, 4], ([j, k]) => xAt(1, j!, k!))]);
    expect([...np.array([5, 6, 7])].map((e) => e.item())).toEqual([5, 6, 7]);
  });

  it("a 0-d array cannot be iterated", () => {
    expect(() => [...np.array(5)]).toThrow("iteration over a 0-d array");
  });
});

describe("sort and argsort", () => {
  it("argsort is stable and puts NaN last", () => {
    expect(np.argsort(np.array([2, 1, 2, 1, NaN, 1])).toArray()).toEqual([1, 3, 5, 0, 2, 4]);
    expect(np.argsort(np.array([NaN, 3, NaN, -1])).toArray()).toEqual([3, 1, 0, 2]);
    expect(np.argsort(np.array([3, 1, 2])).dtype).toBe("int32");
  });

  it("sort puts NaN last and handles infinities", () => {
    const s = np.sort(np.array([Infinity, 3, NaN, -Infinity, 0, -2])).toArray() as number[];
    expect(s.slice(0, 5)).toEqual([-Infinity, -2, 0, 3, Infinity]);
    expect(s[5]).toBeNaN();
  });

  it("along axis 0 and along the last axis (default) of a matrix", () => {
    const m = np.array([[3, 1, 2], [0, 5, -1]]);
    expect(np.sort(m).toArray()).toEqual([[1, 2, 3], [-1, 0, 5]]);
    expect(np.argsort(m).toArray()).toEqual([[1, 2, 0], [2, 0, 1]]);
    expect(np.sort(m, { axis: 0 }).toArray()).toEqual([[0, 1, -1], [3, 5, 2]]);
    expect(np.argsort(m, { axis: 0 }).toArray()).toEqual([[1, 0, 1], [0, 1, 0]]);
  });

  it("along each axis of a 3-D array, against sorting each fiber by loops", () => {
    // Values with ties and a NaN, so order and stability both matter.
    const data: N3 = build([2, 3, 4], ([i, j, k]) => ((i! * 7 + j! * 5 + k! * 3) % 5) - 2) as N3;
    data[1]![1]![2] = NaN;
    const x = np.array(data);
    for (const axis of [0, 1, 2]) {
      const shape = [2, 3, 4];
      const fiber = (idx: number[]) =>
        [...globalThis.Array(shape[axis]).keys()].map((t) => {
          const p = [...idx];
          p[axis] = t;
          return { v: data[p[0]!]![p[1]!]![p[2]!]!, t };
        });
      const sortedFiber = (idx: number[]) => fiber(idx).sort((a, b) => numpyOrder(a.v, b.v) || a.t - b.t);
      const expectedSort = build(shape, (idx) => sortedFiber(idx)[idx[axis]!]!.v);
      const expectedArg = build(shape, (idx) => sortedFiber(idx)[idx[axis]!]!.t);
      expect(np.sort(x, { axis }).toArray()).toEqual(expectedSort);
      expect(np.argsort(x, { axis }).toArray()).toEqual(expectedArg);
    }
  });

  it("a 0-d array sorts to itself", () => {
    expect(np.sort(np.array(4)).item()).toBe(4);
    expect(np.argsort(np.array(4)).item()).toBe(0);
  });
});

describe("fast-check properties of reshape and transpose", () => {
  /** A shape of rank 1..4 with dims 1..4. */
  const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  /** Prime factors of n, with multiplicity. */
  const factors = (n: number): number[] => {
    const out: number[] = [];
    for (let p = 2; n > 1; p++) while (n % p === 0) (out.push(p), (n /= p));
    return out;
  };

  /** A random shape with the same size: the factors shuffled and cut into groups, maybe one -1. */
  const compatibleArb = (size: number) =>
    fc
      .tuple(
        fc.shuffledSubarray(factors(size), { minLength: factors(size).length, maxLength: factors(size).length }),
        fc.array(fc.boolean(), { minLength: factors(size).length, maxLength: factors(size).length }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.nat(),
      )
      .map(([fs, cuts, ones, useMinus, where]) => {
        const shape: number[] = [];
        let cur = 1;
        fs.forEach((f, i) => {
          cur *= f;
          if (cuts[i] || i === fs.length - 1) (shape.push(cur), (cur = 1));
        });
        for (let i = 0; i < ones; i++) shape.splice(where % (shape.length + 1), 0, 1);
        const target = shape.length ? shape : [1];
        const withMinus = useMinus ? target.map((d, i) => (i === where % target.length ? -1 : d)) : target;
        return { target, withMinus };
      });

  it("reshape to a random compatible shape and back keeps every element", () => {
    fc.assert(
      fc.property(
        shapeArb.chain((shape) => fc.tuple(fc.constant(shape), compatibleArb(shape.reduce((a, b) => a * b, 1)))),
        ([shape, { target, withMinus }]) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const flat = [...globalThis.Array(size).keys()].map((i) => i * 1.5 - 7);
          const x = np.reshape(np.array(flat), shape);
          const y = np.reshape(x, withMinus);
          expect(y.shape).toEqual(target);
          expect([...y.toFloat64Array()]).toEqual(flat);
          const back = np.reshape(y, shape);
          expect(back.shape).toEqual(shape);
          expect(back.toArray()).toEqual(x.toArray());
        },
      ),
      { numRuns: runs(100) },
    );
  });

  /** A random 3-D shape and a permutation of its axes. */
  const permArb = fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 });
  const shape3Arb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }));

  it("transpose by a permutation then by its inverse is the identity", () => {
    const anyRank = shapeArb.chain((shape) =>
      fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length })),
    );
    fc.assert(
      fc.property(anyRank, ([shape, p]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const x = np.reshape(np.arange(size), shape);
        const inverse: number[] = [];
        p.forEach((a, d) => (inverse[a] = d));
        const y = np.transpose(x, p);
        expect(y.shape).toEqual(p.map((a) => shape[a]!));
        const back = np.transpose(y, inverse);
        expect(back.shape).toEqual(shape);
        expect(back.toArray()).toEqual(x.toArray());
      }),
      { numRuns: runs(100) },
    );
  });

  it("transpose(x, p)[i][j][k] is x at the permuted index", () => {
    fc.assert(
      fc.property(shape3Arb, permArb, (shape, p) => {
        const size = shape[0] * shape[1] * shape[2];
        const x = np.reshape(np.arange(size), shape);
        const xs = x.toArray() as N3;
        const ys = np.transpose(x, p).toArray() as N3;
        const out = p.map((a) => shape[a]!);
        for (let i = 0; i < out[0]!; i++) {
          for (let j = 0; j < out[1]!; j++) {
            for (let k = 0; k < out[2]!; k++) {
              const idx = [0, 0, 0];
              [i, j, k].forEach((v, d) => (idx[p[d]!] = v));
              expect(ys[i]![j]![k]).toBe(xs[idx[0]!]![idx[1]!]![idx[2]!]);
              // Independently: x = arange reshaped, so the element is its row-major offset.
              expect(ys[i]![j]![k]).toBe((idx[0]! * shape[1] + idx[1]!) * shape[2] + idx[2]!);
            }
          }
        }
      }),
      { numRuns: runs(100) },
    );
  });
});
