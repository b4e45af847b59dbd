import { describe, expect, it } from "vitest";
import { inspect } from "node:util";
import { np, grad, Array } from "nabla";
import type { DType } from "nabla";

// `Array` is nabla's Array; the JavaScript one is `globalThis.Array`.

/** The elements of `x`, row-major, as plain numbers. */
function values(x: Array): number[] {
  return [...x.toFloat64Array()];
}

const ALL: DType[] = ["bool", "int32", "float32", "float64"];

/** A small array of `dtype` holding 0 and 1 (meaningful in every dtype). */
function of(dtype: DType): Array {
  return np.array([0, 1], { dtype });
}

// ---------------------------------------------------------------------------------------
// Promotion
// ---------------------------------------------------------------------------------------

describe("dtype promotion between arrays", () => {
  // numpy's table for these four types, written out in full.
  const table: Record<DType, Record<DType, DType>> = {
    bool: { bool: "bool", int32: "int32", float32: "float32", float64: "float64" },
    int32: { bool: "int32", int32: "int32", float32: "float64", float64: "float64" },
    float32: { bool: "float32", int32: "float64", float32: "float32", float64: "float64" },
    float64: { bool: "float64", int32: "float64", float32: "float64", float64: "float64" },
  };

  for (const a of ALL) {
    for (const b of ALL) {
      it(`${a} with ${b} → ${table[a][b]} (add, mul, maximum), bool for comparisons`, () => {
        const x = of(a);
        const y = of(b);
        expect(np.add(x, y).dtype).toBe(table[a][b]);
        expect(x.mul(y).dtype).toBe(table[a][b]);
        expect(np.maximum(x, y).dtype).toBe(table[a][b]);
        expect(np.less(x, y).dtype).toBe("bool");
        expect(x.equal(y).dtype).toBe("bool");
        expect(np.logicalAnd(x, y).dtype).toBe("bool");
        // 0·0 = 0, 1·1 = 1 whatever the dtype.
        expect(values(x.mul(y))).toEqual([0, 1]);
      });
    }
  }

  it("float32 + float64 → float64, keeping float64 precision", () => {
    const out = np.add(np.array([0.1], { dtype: "float32" }), np.array([1e-10]));
    expect(out.dtype).toBe("float64");
    expect(out.item()).toBe(Math.fround(0.1) + 1e-10);
  });

  it("int32 + float32 → float64, so large integers survive", () => {
    // 2^24 + 1 is not a float32; promoting to float32 would round it away.
    const out = np.add(np.array([16777217], { dtype: "int32" }), np.array([0], { dtype: "float32" }));
    expect(out.dtype).toBe("float64");
    expect(out.item()).toBe(16777217);
  });

  it("bool + int32 → int32 with true counting as 1", () => {
    const out = np.add(np.array([true, false]), np.array([10, 20], { dtype: "int32" }));
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([11, 20]);
  });
});

describe("dtype promotion with plain numbers (weak scalars)", () => {
  const i = np.array([1, 2, 3], { dtype: "int32" });
  const f = np.array([0.1, 0.5], { dtype: "float32" });

  it("int32 array + 1 stays int32", () => {
    const out = i.add(1);
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([2, 3, 4]);
    expect(np.mul(2, i).dtype).toBe("int32");
    expect(np.sub(i, -1).dtype).toBe("int32");
  });

  it("int32 array + 1.5 → float64 with exact values", () => {
    const out = np.add(i, 1.5);
    expect(out.dtype).toBe("float64");
    expect(out.toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(np.maximum(i, 2.5).toArray()).toEqual([2.5, 2.5, 3]);
    expect(np.add(i, NaN).dtype).toBe("float64");
    expect(np.add(i, Infinity).dtype).toBe("float64");
  });

  it("float32 array * 2 stays float32 and rounds like float32", () => {
    const out = f.mul(2);
    expect(out.dtype).toBe("float32");
    expect(values(out)).toEqual([Math.fround(Math.fround(0.1) * 2), 1]);
    // A fractional scalar does not widen a float array either.
    const g = np.add(f, 0.1);
    expect(g.dtype).toBe("float32");
    expect(values(g)[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.1)));
  });

  it("bool array with a number counts as int32 (or float64 for a fraction)", () => {
    const b = np.array([true, false]);
    expect(np.add(b, 1).dtype).toBe("int32");
    expect(np.add(b, 1).toArray()).toEqual([2, 1]);
    expect(np.add(b, 0.5).dtype).toBe("float64");
    expect(np.add(b, 0.5).toArray()).toEqual([1.5, 0.5]);
    expect(np.logicalAnd(b, true).dtype).toBe("bool");
  });

  it("numbers alone give float64; booleans alone give bool", () => {
    expect(np.add(1, 2).dtype).toBe("float64");
    expect(np.maximum(true, false).dtype).toBe("bool");
    expect(np.maximum(true, false).item()).toBe(1);
  });
});

describe("ops that produce floats", () => {
  const i = np.array([1, 2, 3], { dtype: "int32" });

  it("div of ints gives float64 (true division)", () => {
    const out = np.div(i, np.array([2, 2, 2], { dtype: "int32" }));
    expect(out.dtype).toBe("float64");
    expect(out.toArray()).toEqual([0.5, 1, 1.5]);
    expect(i.div(2).dtype).toBe("float64");
    expect(np.div(1, i).toArray()).toEqual([1, 0.5, 1 / 3]);
  });

  it("div of float32 stays float32", () => {
    const out = np.div(np.array([1, 3], { dtype: "float32" }), 3);
    expect(out.dtype).toBe("float32");
    expect(values(out)).toEqual([Math.fround(1 / 3), 1]);
  });

  it("exp of int32 gives float64", () => {
    const out = np.exp(i);
    expect(out.dtype).toBe("float64");
    expect(out.toArray()).toEqual([Math.exp(1), Math.exp(2), Math.exp(3)]);
  });

  it("transcendental ops of int32 and bool give float64, of float32 stay float32", () => {
    const fns = [np.exp, np.log, np.log1p, np.expm1, np.sqrt, np.sin, np.cos, np.tan, np.tanh, np.sinh, np.cosh,
      np.arcsin, np.arccos, np.arctan, np.sigmoid, np.softplus];
    const f32 = np.array([0.5], { dtype: "float32" });
    for (const fn of fns) {
      expect(fn(i).dtype).toBe("float64");
      expect(fn(np.array([true])).dtype).toBe("float64");
      expect(fn(f32).dtype).toBe("float32");
    }
    expect(values(np.sqrt(f32))[0]).toBe(Math.fround(Math.sqrt(Math.fround(0.5))));
  });

  it("arctan2 of ints gives float64; pow of ints stays int32 and floor keeps the dtype (numpy 2)", () => {
    expect(np.pow(i, 2).dtype).toBe("int32");
    expect(np.pow(i, 2).toArray()).toEqual([1, 4, 9]);
    expect(np.pow(i, 0.5).dtype).toBe("float64");
    expect(np.floor(i).dtype).toBe("int32");
    expect(np.arctan2(i, i).dtype).toBe("float64");
  });

  it("abs, sign, neg, maximum keep int32", () => {
    const n = np.array([-2, 0, 5], { dtype: "int32" });
    expect(np.abs(n).dtype).toBe("int32");
    expect(np.sign(n).dtype).toBe("int32");
    expect(np.neg(n).dtype).toBe("int32");
    expect(np.maximum(n, 1).dtype).toBe("int32");
    expect(np.maximum(n, 1).toArray()).toEqual([1, 1, 5]);
  });

  it("comparisons give bool for every input dtype", () => {
    for (const d of ALL) {
      const x = of(d);
      for (const out of [np.equal(x, 1), np.notEqual(x, 1), np.less(x, 1), np.lessEqual(x, 1), np.greater(x, 0), np.greaterEqual(x, 1)]) {
        expect(out.dtype).toBe("bool");
      }
      expect(np.less(x, 1).toArray()).toEqual([true, false]);
      expect(np.equal(x, 1).toArray()).toEqual([false, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------
// astype
// ---------------------------------------------------------------------------------------

describe("astype", () => {
  it("float → int32 truncates toward zero", () => {
    const out = np.array([2.7, -2.7, 0.5, -0.5, 3]).astype("int32");
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([2, -2, 0, 0, 3]);
    expect(np.astype(np.array([9.99]), "int32").item()).toBe(9);
  });

  it("→ bool means nonzero (NaN is true, ±0 false)", () => {
    const out = np.array([0, -0, 0.5, -3, NaN, Infinity]).astype("bool");
    expect(out.dtype).toBe("bool");
    expect(out.toArray()).toEqual([false, false, true, true, true, true]);
    expect(values(out)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(np.array([0, 7], { dtype: "int32" }).astype("bool").toArray()).toEqual([false, true]);
  });

  it("float64 → float32 rounds to the nearest float32", () => {
    const out = np.array([0.1, 1 / 3, 16777217]).astype("float32");
    expect(out.dtype).toBe("float32");
    expect(values(out)).toEqual([Math.fround(0.1), Math.fround(1 / 3), 16777216]);
  });

  it("int32 and bool → float64 are exact", () => {
    expect(np.array([-7, 2147483647], { dtype: "int32" }).astype("float64").toArray()).toEqual([-7, 2147483647]);
    const b = np.array([true, false]).astype("float64");
    expect(b.dtype).toBe("float64");
    expect(b.toArray()).toEqual([1, 0]);
  });

  it("keeps shape and leaves the source alone", () => {
    const x = np.array([[1.5, 2.5], [3.5, 4.5]]);
    const y = x.astype("int32");
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([[1.5, 2.5], [3.5, 4.5]]);
  });

  it("to the same dtype keeps the values", () => {
    const x = np.array([1, 2], { dtype: "int32" });
    expect(x.astype("int32").dtype).toBe("int32");
    expect(x.astype("int32").toArray()).toEqual([1, 2]);
  });

  it("numbers are accepted by np.astype", () => {
    const out = np.astype(3.9, "int32");
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------
// Creation
// ---------------------------------------------------------------------------------------

describe("np.array", () => {
  it("from nested lists: shape from the nesting, float64 by default", () => {
    const x = np.array([[1, 2, 3], [4, 5, 6]]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const y = np.array([[[1], [2]], [[3], [4]]]);
    expect(y.shape).toEqual([2, 2, 1]);
    expect(values(y)).toEqual([1, 2, 3, 4]);
  });

  it("from typed arrays: the dtype follows the typed array, and the data is copied", () => {
    const src = new Float32Array([1.5, 2.5]);
    const x = np.array(src);
    expect(x.dtype).toBe("float32");
    expect(x.shape).toEqual([2]);
    src[0] = 99;
    expect(x.toArray()).toEqual([1.5, 2.5]);
    expect(np.array(new Int32Array([3, -4])).dtype).toBe("int32");
    expect(np.array(new Int32Array([3, -4])).toArray()).toEqual([3, -4]);
    expect(np.array(new Float64Array([0.1])).dtype).toBe("float64");
    expect(np.array(new Float64Array([0.1])).item()).toBe(0.1);
  });

  it("a Uint8Array is read as bool, with any nonzero byte true and stored as 1", () => {
    const x = np.array(new Uint8Array([0, 1, 2, 255]));
    expect(x.dtype).toBe("bool");
    expect(x.toArray()).toEqual([false, true, true, true]);
    expect(values(x)).toEqual([0, 1, 1, 1]);
  });

  it("a typed array with a dtype option is converted", () => {
    const x = np.array(new Float64Array([1.9, -1.9, 0.5]), { dtype: "int32" });
    expect(x.dtype).toBe("int32");
    expect(x.toArray()).toEqual([1, -1, 0]);
    const b = np.array(new Float64Array([0, 0.5, -2]), { dtype: "bool" });
    expect(b.toArray()).toEqual([false, true, true]);
    expect(values(b)).toEqual([0, 1, 1]);
  });

  it("booleans give bool; booleans mixed with numbers give float64", () => {
    const b = np.array([[true, false], [false, true]]);
    expect(b.dtype).toBe("bool");
    expect(b.toArray()).toEqual([[true, false], [false, true]]);
    const m = np.array([true, 2]);
    expect(m.dtype).toBe("float64");
    expect(m.toArray()).toEqual([1, 2]);
  });

  it("the dtype option converts nested lists", () => {
    const i = np.array([1.7, -1.7, 3], { dtype: "int32" });
    expect(i.dtype).toBe("int32");
    expect(i.toArray()).toEqual([1, -1, 3]);
    const f = np.array([0.1, 2], { dtype: "float32" });
    expect(f.dtype).toBe("float32");
    expect(values(f)).toEqual([Math.fround(0.1), 2]);
    const b = np.array([0, 0.5, 2], { dtype: "bool" });
    expect(b.toArray()).toEqual([false, true, true]);
    const fromBool = np.array([true, false], { dtype: "float64" });
    expect(fromBool.dtype).toBe("float64");
    expect(fromBool.toArray()).toEqual([1, 0]);
  });

  it("from another Array: a copy, converted by the dtype option", () => {
    const x = np.array([0.5, 2, -1.5]);
    const same = np.array(x);
    // (Compared by identity by hand: vitest's matchers iterate an Array down to 0-d, which throws.)
    expect(same === x).toBe(false);
    expect(same.dtype).toBe("float64");
    expect(same.toArray()).toEqual([0.5, 2, -1.5]);
    expect(np.array(x, { dtype: "int32" }).toArray()).toEqual([0, 2, -1]);
    const b = np.array(x, { dtype: "bool" });
    expect(b.toArray()).toEqual([true, true, true]);
    expect(values(b)).toEqual([1, 1, 1]);
  });

  it("an unknown dtype is refused", () => {
    expect(() => np.array([1], { dtype: "int64" as DType })).toThrow('array: dtype "int64" is not one of float64, float32, int32, bool');
  });

  it("ragged input is an error naming where", () => {
    expect(() => np.array([[1, 2], [3]])).toThrow("array: ragged nesting at [1]: expected a list of length 2");
    expect(() => np.array([[1, 2], 3])).toThrow("array: ragged nesting at [1]: expected a list of length 2");
    expect(() => np.array([[[1], [2]], [[3], [4, 5]]])).toThrow("array: ragged nesting at [1][1]: expected a list of length 1");
    expect(() => np.array([1, [2]])).toThrow("array: element[1] is a list (ragged nesting), expected a number");
    expect(() => np.array([[1, 2], [3, [4]]])).toThrow("array: element[1][1] is a list (ragged nesting), expected a number");
  });

  it("a non-number element is an error naming where and what it is", () => {
    // @ts-expect-error — strings are not accepted; the runtime check must catch them too.
    expect(() => np.array([[1, 2], [3, "4"]])).toThrow('array: element[1][1] is "4", expected a number');
  });

  it("an empty list is a float64 array of shape (0,)", () => {
    const x = np.array([]);
    expect(x.shape).toEqual([0]);
    expect(x.size).toBe(0);
    expect(x.ndim).toBe(1);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([]);
  });
});

describe("0-d arrays are first-class", () => {
  it("np.array(1) has shape [] and one element", () => {
    const x = np.array(1);
    expect(x.shape).toEqual([]);
    expect(x.ndim).toBe(0);
    expect(x.size).toBe(1);
    expect(x.dtype).toBe("float64");
    expect(x.item()).toBe(1);
    expect(x.toArray()).toBe(1);
    expect([...x.toFloat64Array()]).toEqual([1]);
  });

  it("a boolean gives a 0-d bool, a dtype option is honoured", () => {
    expect(np.array(true).dtype).toBe("bool");
    expect(np.array(true).toArray()).toBe(true);
    expect(np.array(2.9, { dtype: "int32" }).item()).toBe(2);
  });

  it("ops on 0-d arrays give 0-d arrays; with (3,) they broadcast", () => {
    const s = np.add(np.array(1), np.array(2));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3);
    const v = np.mul(np.array(2), np.array([1, 2, 3]));
    expect(v.shape).toEqual([3]);
    expect(v.toArray()).toEqual([2, 4, 6]);
    expect(np.exp(np.array(0)).shape).toEqual([]);
  });
});

describe("zeros, ones, full", () => {
  it("zeros and ones: float64 by default, shape from a list or a number", () => {
    const z = np.zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("float64");
    expect(z.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const o = np.ones(3);
    expect(o.shape).toEqual([3]);
    expect(o.toArray()).toEqual([1, 1, 1]);
    expect(np.zeros([]).shape).toEqual([]);
    expect(np.ones([]).item()).toBe(1);
    expect(np.zeros([2, 0]).size).toBe(0);
  });

  it("the dtype option", () => {
    expect(np.zeros([2], { dtype: "int32" }).dtype).toBe("int32");
    expect(np.ones([2], { dtype: "bool" }).toArray()).toEqual([true, true]);
    expect(np.ones([2], { dtype: "float32" }).dtype).toBe("float32");
  });

  it("full fills with the value; a boolean value gives bool", () => {
    expect(np.full([2, 2], 7).toArray()).toEqual([[7, 7], [7, 7]]);
    expect(np.full([2, 2], 7).dtype).toBe("float64");
    expect(np.full(3, -1.5, { dtype: "float32" }).toArray()).toEqual([-1.5, -1.5, -1.5]);
    expect(np.full(2, 2.9, { dtype: "int32" }).toArray()).toEqual([2, 2]);
    const b = np.full([2], true);
    expect(b.dtype).toBe("bool");
    expect(b.toArray()).toEqual([true, true]);
  });

  it("full with dtype bool stores any nonzero value as true (1)", () => {
    const b = np.full([2], 0.5, { dtype: "bool" });
    expect(b.toArray()).toEqual([true, true]);
    expect(values(b)).toEqual([1, 1]);
    expect(values(np.full([1], 2, { dtype: "bool" }))).toEqual([1]);
    expect(np.full([1], 0, { dtype: "bool" }).toArray()).toEqual([false]);
  });

  it("bad shapes are refused", () => {
    expect(() => np.zeros([-1])).toThrow("zeros: shape (-1,) has -1 at axis 0, not a non-negative integer");
    expect(() => np.ones([2, 1.5])).toThrow("ones: shape (2,1.5) has 1.5 at axis 1, not a non-negative integer");
    expect(() => np.full(-2, 0)).toThrow("full: shape (-2,) has -2 at axis 0, not a non-negative integer");
  });
});

describe("arange", () => {
  it("one argument: [0, stop)", () => {
    const x = np.arange(5);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(np.arange(0).shape).toEqual([0]);
  });

  it("two arguments: [start, stop)", () => {
    expect(np.arange(2, 6).toArray()).toEqual([2, 3, 4, 5]);
    expect(np.arange(-2, 1).toArray()).toEqual([-2, -1, 0]);
    expect(np.arange(3, 3).toArray()).toEqual([]);
    expect(np.arange(5, 1).toArray()).toEqual([]);
  });

  it("three arguments: with a step, fractional or negative", () => {
    expect(np.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(np.arange(5, 0, -1).toArray()).toEqual([5, 4, 3, 2, 1]);
    expect(np.arange(0, 10, 3).toArray()).toEqual([0, 3, 6, 9]);
    // ceil((1 − 0) / 0.3) = 4 values.
    const v = values(np.arange(0, 1, 0.3));
    expect(v.length).toBe(4);
    [0, 0.3, 0.6, 0.9].forEach((e, k) => expect(v[k]).toBeCloseTo(e, 14));
  });

  it("the dtype option, with 1, 2 and 3 numbers", () => {
    const a = np.arange(4, { dtype: "int32" });
    expect(a.dtype).toBe("int32");
    expect(a.toArray()).toEqual([0, 1, 2, 3]);
    const b = np.arange(1, 4, undefined, { dtype: "float32" });
    expect(b.dtype).toBe("float32");
    expect(b.toArray()).toEqual([1, 2, 3]);
    const c = np.arange(1, 7, 2, { dtype: "int32" });
    expect(c.dtype).toBe("int32");
    expect(c.toArray()).toEqual([1, 3, 5]);
  });

  it("a zero or non-finite step is refused", () => {
    expect(() => np.arange(0, 1, 0)).toThrow("arange: step must not be 0");
    expect(() => np.arange(Infinity)).toThrow("arange: stop must be a finite number, got Infinity");
    expect(() => np.arange(0, NaN)).toThrow("arange: stop must be a finite number, got NaN");
  });
});

describe("linspace", () => {
  it("includes the endpoint by default", () => {
    const x = np.linspace(0, 1, 5);
    expect(x.dtype).toBe("float64");
    expect(x.toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(np.linspace(-1, 1, 3).toArray()).toEqual([-1, 0, 1]);
    expect(np.linspace(2, -2, 5).toArray()).toEqual([2, 1, 0, -1, -2]);
  });

  it("endpoint: false leaves stop out", () => {
    expect(np.linspace(0, 1, 4, { endpoint: false }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(np.linspace(0, 1, 1, { endpoint: false }).toArray()).toEqual([0]);
  });

  it("the last value is exactly stop even when the steps do not add up exactly", () => {
    const v = values(np.linspace(0, 0.3, 4));
    expect(v[3]).toBe(0.3);
    expect(v[1]).toBeCloseTo(0.1, 15);
    expect(v[2]).toBeCloseTo(0.2, 15);
  });

  it("num defaults to 50; num = 1 gives [start]; num = 0 gives []", () => {
    const d = np.linspace(0, 49);
    expect(d.shape).toEqual([50]);
    expect(values(d)).toEqual(globalThis.Array.from({ length: 50 }, (_, i) => i));
    expect(np.linspace(3, 7, 1).toArray()).toEqual([3]);
    expect(np.linspace(3, 7, 0).shape).toEqual([0]);
  });

  it("the dtype option, and a bad num is refused", () => {
    const x = np.linspace(0, 1, 3, { dtype: "float32" });
    expect(x.dtype).toBe("float32");
    expect(x.toArray()).toEqual([0, 0.5, 1]);
    expect(() => np.linspace(0, 1, -1)).toThrow("linspace: num must be a non-negative integer, got -1");
    expect(() => np.linspace(0, 1, 2.5)).toThrow("linspace: num must be a non-negative integer, got 2.5");
  });
});

describe("eye", () => {
  it("the identity, square and rectangular", () => {
    expect(np.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(np.eye(3).dtype).toBe("float64");
    expect(np.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(np.eye(3, 2).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });

  it("k moves the diagonal up (k > 0) or down (k < 0)", () => {
    expect(np.eye(3, 3, { k: 1 }).toArray()).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]]);
    expect(np.eye(3, 3, { k: -1 }).toArray()).toEqual([[0, 0, 0], [1, 0, 0], [0, 1, 0]]);
    expect(np.eye(2, 4, { k: 2 }).toArray()).toEqual([[0, 0, 1, 0], [0, 0, 0, 1]]);
    expect(np.eye(2, 2, { k: 5 }).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(np.eye(2, 2, { k: -5 }).toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it("the dtype option", () => {
    const e = np.eye(2, 2, { dtype: "int32" });
    expect(e.dtype).toBe("int32");
    expect(e.toArray()).toEqual([[1, 0], [0, 1]]);
  });
});

describe("zerosLike, onesLike", () => {
  it("take shape and dtype from the argument", () => {
    const x = np.array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
    const z = np.zerosLike(x);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe("int32");
    expect(z.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const o = np.onesLike(np.array([true, false]));
    expect(o.dtype).toBe("bool");
    expect(o.toArray()).toEqual([true, true]);
    expect(np.onesLike(np.array(5)).shape).toEqual([]);
  });

  it("the dtype option overrides", () => {
    const x = np.zeros([2], { dtype: "int32" });
    expect(np.onesLike(x, { dtype: "float32" }).dtype).toBe("float32");
    expect(np.onesLike(x, { dtype: "float32" }).toArray()).toEqual([1, 1]);
    expect(np.zerosLike(x, { dtype: "bool" }).toArray()).toEqual([false, false]);
  });
});

// ---------------------------------------------------------------------------------------
// Reading back
// ---------------------------------------------------------------------------------------

describe("reading back", () => {
  it("shape, dtype, size, ndim", () => {
    const x = np.zeros([2, 3, 4], { dtype: "float32" });
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.dtype).toBe("float32");
    expect(x.size).toBe(24);
    expect(x.ndim).toBe(3);
    expect(x).toBeInstanceOf(Array);
  });

  it("toArray gives nested numbers, booleans for bool", () => {
    expect(np.array([[1, 2], [3, 4]], { dtype: "int32" }).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(np.array([[true], [false]]).toArray()).toEqual([[true], [false]]);
    expect(np.zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it("item: the one element, an error unless size is 1", () => {
    expect(np.array([[5]]).item()).toBe(5);
    expect(np.array([7], { dtype: "int32" }).item()).toBe(7);
    expect(np.array(true).item()).toBe(1);
    expect(() => np.array([1, 2]).item()).toThrow("item: needs an array of size 1");
    expect(() => np.zeros([2, 3]).item()).toThrow("got shape (2,3)");
    expect(() => np.zeros([0]).item()).toThrow("item: needs an array of size 1");
  });

  it("toFloat64Array: a flat row-major float64 copy", () => {
    const x = np.array([[1, 2], [3, 4]], { dtype: "int32" });
    const f = x.toFloat64Array();
    expect(f).toBeInstanceOf(Float64Array);
    expect([...f]).toEqual([1, 2, 3, 4]);
    f[0] = 100;
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect([...np.array([true, false]).toFloat64Array()]).toEqual([1, 0]);
    expect([...np.array([0.1], { dtype: "float32" }).toFloat64Array()]).toEqual([Math.fround(0.1)]);
  });
});

describe("toString is numpy-like", () => {
  it("a float64 matrix: rows on new lines aligned under the first", () => {
    expect(np.array([[1, 2], [3, 4]]).toString()).toBe("array([[1., 2.],\n       [3., 4.]])");
    expect(String(np.array([[1, 2], [3, 4]]))).toBe("array([[1., 2.],\n       [3., 4.]])");
  });

  it("a vector, with columns padded to one width", () => {
    expect(np.array([1, -2]).toString()).toBe("array([ 1., -2.])");
    expect(np.array([0.5, 0.25]).toString()).toBe("array([ 0.5, 0.25])");
    expect(np.array([NaN, Infinity, -Infinity]).toString()).toBe("array([ nan,  inf, -inf])");
    expect(np.array([2.9999999999999996, 0.1 + 0.2]).toString()).toBe("array([ 3., 0.3])");
  });

  it("the dtype is shown when not float64", () => {
    expect(np.array([1, 2], { dtype: "int32" }).toString()).toBe("array([1, 2], dtype=int32)");
    expect(np.array([1, 2], { dtype: "float32" }).toString()).toBe("array([1., 2.], dtype=float32)");
    expect(np.array([true, false]).toString()).toBe("array([ true, false], dtype=bool)");
  });

  it("0-d arrays", () => {
    expect(np.array(1).toString()).toBe("array(1.)");
    expect(np.array(3, { dtype: "int32" }).toString()).toBe("array(3, dtype=int32)");
    expect(np.array(2.5).toString()).toBe("array(2.5)");
  });

  it("rank 3: a blank line between blocks", () => {
    const x = np.reshape(np.arange(8), [2, 2, 2]);
    expect(x.toString()).toBe(
      "array([[[0., 1.],\n" +
        "        [2., 3.]],\n" +
        "\n" +
        "       [[4., 5.],\n" +
        "        [6., 7.]]])",
    );
  });
  it("more than 1000 elements: three at each edge of every axis, as numpy", () => {
    expect(np.arange(2000).toString()).toBe("array([   0.,    1.,    2., ..., 1997., 1998., 1999.])");
    expect(np.reshape(np.arange(4000), [2, 2000]).toString()).toBe(
      "array([[   0.,    1.,    2., ..., 1997., 1998., 1999.],\n" + "       [2000., 2001., 2002., ..., 3997., 3998., 3999.]])",
    );
    // 10^6 elements print as quickly as a few (only the shown cells are formatted).
    expect(np.zeros([1000, 1000]).toString().split("\n")).toHaveLength(7);
  });
});

describe("console.log, util.inspect and JSON.stringify show values", () => {
  it("util.inspect (what console.log uses) prints as String(x), also inside objects", () => {
    expect(inspect(np.array([1, 2]))).toBe("array([1., 2.])");
    expect(inspect({ w: np.array([1, 2]), b: np.array(3) })).toBe("{ w: array([1., 2.]), b: array(3.) }");
  });

  it("a traced value shows its shape, dtype and transformation instead of throwing", () => {
    let seen = "";
    grad((x: Array) => {
      seen = inspect(x);
      return x.sum();
    })(np.array([1, 2]));
    expect(seen).toBe("Traced<float64[2]> by vjp");
  });

  it("JSON.stringify of a pytree of Arrays gives nested numbers (NaN as null, as JSON does)", () => {
    const tree = { w: np.array([[1, 2]]), b: [np.array(3), 4], flags: np.array([true, false]), bad: np.array([NaN]) };
    expect(JSON.stringify(tree)).toBe('{"w":[[1,2]],"b":[3,4],"flags":[true,false],"bad":[null]}');
  });
});
