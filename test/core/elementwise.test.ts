import { describe, expect, it } from "vitest";
import { np, Array } from "nabla";

// ---------------------------------------------------------------------------------------
// Helpers. Note: `Array` here is nabla's Array; the JavaScript one is `globalThis.Array`.
// ---------------------------------------------------------------------------------------

/** The elements of `x`, row-major, as plain numbers. */
function values(x: Array): number[] {
  return [...x.toFloat64Array()];
}

/** Elementwise closeness with a relative tolerance; NaN must match NaN, ±Inf must match exactly. */
function expectAllClose(actual: readonly number[], expected: readonly number[], rel = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) expect(a, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `element ${i}`).toBe(e);
    else expect(Math.abs(a - e), `element ${i}: got ${a}, expected ${e}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(e)));
  }
}

/** Row-major strides of a shape (computed here, independently of the library). */
function strides(shape: readonly number[]): number[] {
  const out = shape.map(() => 0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

/** Every multi-index of `shape`, row-major. */
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const d of shape) out = out.flatMap((prefix) => globalThis.Array.from({ length: d }, (_, i) => [...prefix, i]));
  return out;
}

/** The flat position in an operand of `shape` read at output index `idx` under numpy broadcasting. */
function sourceOffset(shape: readonly number[], idx: readonly number[]): number {
  const st = strides(shape);
  const lead = idx.length - shape.length;
  let off = 0;
  for (let k = 0; k < shape.length; k++) off += (shape[k] === 1 ? 0 : idx[lead + k]!) * st[k]!;
  return off;
}

/** Distinct, non-trivial data for an operand of `shape`. */
function data(shape: readonly number[], scale: number, shift: number): Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = globalThis.Array.from({ length: n }, (_, i) => (i + 1) * scale + shift);
  return np.reshape(np.array(flat), shape);
}

/** Checks `op(a, b)` against `ref` applied through an explicit broadcast index loop. */
function checkBroadcast(
  op: (a: Array, b: Array) => Array,
  ref: (x: number, y: number) => number,
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): void {
  const a = data(aShape, 1.5, -2);
  const b = data(bShape, -0.75, 3);
  const out = op(a, b);
  expect(out.shape).toEqual(outShape);
  const av = values(a);
  const bv = values(b);
  const ov = values(out);
  const ost = strides(outShape);
  for (const idx of indices(outShape)) {
    const o = idx.reduce((s, v, k) => s + v * ost[k]!, 0);
    const expected = ref(av[sourceOffset(aShape, idx)]!, bv[sourceOffset(bShape, idx)]!);
    if (Number.isNaN(expected)) expect(ov[o]).toBeNaN();
    else expect(ov[o], `at index [${idx.join(",")}]`).toBeCloseTo(expected, 12);
  }
}

const b2n = (b: boolean): number => (b ? 1 : 0);

// ---------------------------------------------------------------------------------------
// Binary arithmetic
// ---------------------------------------------------------------------------------------

type BinaryCase = {
  name: string;
  fn: (x: Array, y: Array) => Array;
  method: (x: Array, y: Array) => Array;
  ref: (x: number, y: number) => number;
  bool?: boolean;
};

const arithmetic: BinaryCase[] = [
  { name: "add", fn: np.add, method: (x, y) => x.add(y), ref: (x, y) => x + y },
  { name: "sub", fn: np.sub, method: (x, y) => x.sub(y), ref: (x, y) => x - y },
  { name: "mul", fn: np.mul, method: (x, y) => x.mul(y), ref: (x, y) => x * y },
  { name: "div", fn: np.div, method: (x, y) => x.div(y), ref: (x, y) => x / y },
  { name: "pow", fn: np.pow, method: (x, y) => x.pow(y), ref: Math.pow },
  { name: "maximum", fn: np.maximum, method: (x, y) => x.maximum(y), ref: Math.max },
  { name: "minimum", fn: np.minimum, method: (x, y) => x.minimum(y), ref: Math.min },
  { name: "arctan2", fn: np.arctan2, method: (x, y) => x.arctan2(y), ref: Math.atan2 },
];

const comparisons: BinaryCase[] = [
  { name: "equal", fn: np.equal, method: (x, y) => x.equal(y), ref: (x, y) => b2n(x === y), bool: true },
  { name: "notEqual", fn: np.notEqual, method: (x, y) => x.notEqual(y), ref: (x, y) => b2n(x !== y), bool: true },
  { name: "less", fn: np.less, method: (x, y) => x.less(y), ref: (x, y) => b2n(x < y), bool: true },
  { name: "lessEqual", fn: np.lessEqual, method: (x, y) => x.lessEqual(y), ref: (x, y) => b2n(x <= y), bool: true },
  { name: "greater", fn: np.greater, method: (x, y) => x.greater(y), ref: (x, y) => b2n(x > y), bool: true },
  { name: "greaterEqual", fn: np.greaterEqual, method: (x, y) => x.greaterEqual(y), ref: (x, y) => b2n(x >= y), bool: true },
  { name: "logicalAnd", fn: np.logicalAnd, method: (x, y) => x.logicalAnd(y), ref: (x, y) => b2n(x !== 0 && y !== 0), bool: true },
  { name: "logicalOr", fn: np.logicalOr, method: (x, y) => x.logicalOr(y), ref: (x, y) => b2n(x !== 0 || y !== 0), bool: true },
];

describe("binary ops, same shape", () => {
  // Positive bases so pow stays real; zeros and ties exercise comparisons and logical ops.
  const xv = [[1, 2.5, 3, 0], [4, 0.5, 7, 2]];
  const yv = [[2, 2.5, -1, 0], [0.5, 3, -2, 5]];

  for (const c of [...arithmetic, ...comparisons]) {
    it(`${c.name}: np.${c.name}(x, y) and x.${c.name}(y) agree with the scalar formula`, () => {
      const x = np.array(xv);
      const y = np.array(yv);
      const expected = xv.flat().map((v, i) => c.ref(v, yv.flat()[i]!));
      for (const out of [c.fn(x, y), c.method(x, y)]) {
        expect(out.shape).toEqual([2, 4]);
        expect(out.dtype).toBe(c.bool ? "bool" : "float64");
        expectAllClose(values(out), expected);
      }
    });
  }

  it("add/sub/mul/div give hand-computed values exactly", () => {
    const x = np.array([1, 2, 3]);
    const y = np.array([4, 5, 8]);
    expect(np.add(x, y).toArray()).toEqual([5, 7, 11]);
    expect(x.sub(y).toArray()).toEqual([-3, -3, -5]);
    expect(np.mul(x, y).toArray()).toEqual([4, 10, 24]);
    expect(x.div(y).toArray()).toEqual([0.25, 0.4, 0.375]);
    expect(np.pow(x, y).toArray()).toEqual([1, 32, 6561]);
    expect(np.maximum(x, np.array([0, 9, 3])).toArray()).toEqual([1, 9, 3]);
    expect(x.minimum(np.array([0, 9, 3])).toArray()).toEqual([0, 2, 3]);
  });

  it("div follows IEEE: x/0 is ±Inf, 0/0 is NaN", () => {
    const out = np.div(np.array([1, -1, 0]), 0);
    expect(out.toArray()).toEqual([Infinity, -Infinity, NaN]);
  });

  it("pow with fractional and negative exponents", () => {
    expect(np.pow(np.array([4, 9, 2]), 0.5).toArray()).toEqual([2, 3, Math.SQRT2]);
    expect(np.pow(np.array([2, 4]), -1).toArray()).toEqual([0.5, 0.25]);
    expect(np.pow(2, 10).item()).toBe(1024);
    expect(values(np.pow(-8, 1 / 3))[0]).toBeNaN(); // a negative base with a fractional power is not real
  });

  it("arctan2(y, x) is the angle of the point (x, y), numpy's argument order", () => {
    const y = np.array([1, 1, -1, 0, 0, 1]);
    const x = np.array([1, -1, -1, -1, 1, 0]);
    const expected = [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4, Math.PI, 0, Math.PI / 2];
    expectAllClose(values(np.arctan2(y, x)), expected);
    expectAllClose(values(y.arctan2(x)), expected);
    expect(np.arctan2(1, 1).item()).toBeCloseTo(Math.PI / 4, 15);
  });
});

describe("comparisons and logical ops", () => {
  const x = np.array([1, 2, 3]);
  const y = np.array([3, 2, 1]);

  it("give bool arrays with hand-worked truth values", () => {
    expect(np.equal(x, y).toArray()).toEqual([false, true, false]);
    expect(np.notEqual(x, y).toArray()).toEqual([true, false, true]);
    expect(np.less(x, y).toArray()).toEqual([true, false, false]);
    expect(np.lessEqual(x, y).toArray()).toEqual([true, true, false]);
    expect(np.greater(x, y).toArray()).toEqual([false, false, true]);
    expect(np.greaterEqual(x, y).toArray()).toEqual([false, true, true]);
    expect(x.less(2).toArray()).toEqual([true, false, false]);
    expect(x.greaterEqual(2).toArray()).toEqual([false, true, true]);
    for (const out of [np.equal(x, y), x.less(y), np.greaterEqual(x, 2)]) expect(out.dtype).toBe("bool");
  });

  it("NaN compares unequal to everything, itself included", () => {
    const n = np.array([NaN, NaN, 1]);
    const m = np.array([NaN, 1, NaN]);
    expect(np.equal(n, m).toArray()).toEqual([false, false, false]);
    expect(np.notEqual(n, m).toArray()).toEqual([true, true, true]);
    expect(np.less(n, m).toArray()).toEqual([false, false, false]);
    expect(np.greaterEqual(n, m).toArray()).toEqual([false, false, false]);
  });

  it("logicalAnd / logicalOr / logicalNot on bools", () => {
    const a = np.array([true, true, false, false]);
    const b = np.array([true, false, true, false]);
    expect(np.logicalAnd(a, b).toArray()).toEqual([true, false, false, false]);
    expect(a.logicalAnd(b).toArray()).toEqual([true, false, false, false]);
    expect(np.logicalOr(a, b).toArray()).toEqual([true, true, true, false]);
    expect(a.logicalOr(b).toArray()).toEqual([true, true, true, false]);
    expect(np.logicalNot(a).toArray()).toEqual([false, false, true, true]);
    expect(b.logicalNot().toArray()).toEqual([false, true, false, true]);
    expect(np.logicalNot(a).dtype).toBe("bool");
  });

  it("logical ops treat any nonzero number (NaN too) as true", () => {
    const v = np.array([0, 2, -1, NaN, -0]);
    expect(np.logicalAnd(v, 1).toArray()).toEqual([false, true, true, true, false]);
    expect(np.logicalOr(v, 0).toArray()).toEqual([false, true, true, true, false]);
    expect(np.logicalNot(v).toArray()).toEqual([true, false, false, false, true]);
    expect(np.logicalAnd(v, 1).dtype).toBe("bool");
  });
});

describe("NaN propagation of maximum and minimum", () => {
  it("maximum returns NaN when either side is NaN", () => {
    const x = np.array([NaN, 1, 2, NaN]);
    const y = np.array([0, NaN, 1, NaN]);
    for (const out of [np.maximum(x, y), x.maximum(y)]) {
      const v = values(out);
      expect(v[0]).toBeNaN();
      expect(v[1]).toBeNaN();
      expect(v[2]).toBe(2);
      expect(v[3]).toBeNaN();
    }
  });

  it("minimum returns NaN when either side is NaN", () => {
    const x = np.array([NaN, 1, 2, NaN]);
    const y = np.array([0, NaN, 1, NaN]);
    for (const out of [np.minimum(x, y), x.minimum(y)]) {
      const v = values(out);
      expect(v[0]).toBeNaN();
      expect(v[1]).toBeNaN();
      expect(v[2]).toBe(1);
      expect(v[3]).toBeNaN();
    }
  });

  it("a NaN scalar poisons every element, on either side", () => {
    for (const out of [np.maximum(np.array([1, -5]), NaN), np.minimum(NaN, np.array([1, -5]))]) {
      expect(values(out).every(Number.isNaN)).toBe(true);
    }
  });

  it("maximum(x, 0) is ReLU with infinities kept", () => {
    expect(np.maximum(np.array([-Infinity, -1, 0, 2, Infinity]), 0).toArray()).toEqual([0, 0, 0, 2, Infinity]);
  });
});

// ---------------------------------------------------------------------------------------
// Unary ops
// ---------------------------------------------------------------------------------------

type UnaryCase = {
  name: string;
  fn: (x: Array) => Array;
  method: (x: Array) => Array;
  ref: (x: number) => number;
  inputs: number[];
};

const general = [-2.5, -1, -0.3, 0, 0.4, 1, 3];
const unit = [-1, -0.5, 0, 0.25, 1];
const positive = [1e-3, 0.5, 1, 2, 10];
const above = [-0.9, -0.5, 0, 0.5, 4];

const unaryCases: UnaryCase[] = [
  { name: "neg", fn: np.neg, method: (x) => x.neg(), ref: (x) => -x, inputs: general },
  { name: "square", fn: np.square, method: (x) => x.square(), ref: (x) => x * x, inputs: general },
  { name: "sqrt", fn: np.sqrt, method: (x) => x.sqrt(), ref: Math.sqrt, inputs: [0, ...positive] },
  { name: "exp", fn: np.exp, method: (x) => x.exp(), ref: Math.exp, inputs: general },
  { name: "log", fn: np.log, method: (x) => x.log(), ref: Math.log, inputs: positive },
  { name: "log1p", fn: np.log1p, method: (x) => x.log1p(), ref: Math.log1p, inputs: above },
  { name: "expm1", fn: np.expm1, method: (x) => x.expm1(), ref: Math.expm1, inputs: general },
  { name: "sin", fn: np.sin, method: (x) => x.sin(), ref: Math.sin, inputs: general },
  { name: "cos", fn: np.cos, method: (x) => x.cos(), ref: Math.cos, inputs: general },
  { name: "tan", fn: np.tan, method: (x) => x.tan(), ref: Math.tan, inputs: general },
  { name: "tanh", fn: np.tanh, method: (x) => x.tanh(), ref: Math.tanh, inputs: general },
  { name: "sinh", fn: np.sinh, method: (x) => x.sinh(), ref: Math.sinh, inputs: general },
  { name: "cosh", fn: np.cosh, method: (x) => x.cosh(), ref: Math.cosh, inputs: general },
  { name: "arcsin", fn: np.arcsin, method: (x) => x.arcsin(), ref: Math.asin, inputs: unit },
  { name: "arccos", fn: np.arccos, method: (x) => x.arccos(), ref: Math.acos, inputs: unit },
  { name: "arctan", fn: np.arctan, method: (x) => x.arctan(), ref: Math.atan, inputs: general },
  { name: "abs", fn: np.abs, method: (x) => x.abs(), ref: Math.abs, inputs: general },
  { name: "sign", fn: np.sign, method: (x) => x.sign(), ref: Math.sign, inputs: general },
  // Array has no floor() method; the function form is checked on its own.
  { name: "floor", fn: np.floor, method: (x) => np.floor(x), ref: Math.floor, inputs: general },
  { name: "sigmoid", fn: np.sigmoid, method: (x) => x.sigmoid(), ref: (x) => 1 / (1 + Math.exp(-x)), inputs: general },
  { name: "softplus", fn: np.softplus, method: (x) => x.softplus(), ref: (x) => Math.log(1 + Math.exp(x)), inputs: general },
];

describe("unary ops against Math.* element by element", () => {
  for (const c of unaryCases) {
    it(`${c.name}: np.${c.name}(x) and x.${c.name}() on a 2-d array`, () => {
      // Put the inputs in a 2-d layout to check that shape survives.
      const padded = c.inputs.length % 2 === 0 ? c.inputs : [...c.inputs, c.inputs[0]!];
      const x = np.reshape(np.array(padded), [2, padded.length / 2]);
      const expected = padded.map(c.ref);
      for (const out of [c.fn(x), c.method(x)]) {
        expect(out.shape).toEqual([2, padded.length / 2]);
        expect(out.dtype).toBe("float64");
        expectAllClose(values(out), expected, 1e-13);
      }
    });
  }
});

describe("unary ops: hand-worked values", () => {
  it("closed forms", () => {
    const e = Math.E;
    expect(np.sqrt(4).item()).toBe(2);
    expect(np.exp(0).item()).toBe(1);
    expect(np.log(e).item()).toBeCloseTo(1, 15);
    expect(np.exp(1).item()).toBeCloseTo(e, 14);
    expect(np.sin(Math.PI / 2).item()).toBeCloseTo(1, 15);
    expect(np.cos(Math.PI).item()).toBeCloseTo(-1, 15);
    expect(np.tan(Math.PI / 4).item()).toBeCloseTo(1, 15);
    expect(np.tanh(0).item()).toBe(0);
    expect(np.tanh(1).item()).toBeCloseTo((e * e - 1) / (e * e + 1), 15);
    expect(np.sinh(1).item()).toBeCloseTo((e - 1 / e) / 2, 15);
    expect(np.cosh(1).item()).toBeCloseTo((e + 1 / e) / 2, 15);
    expect(np.arcsin(1).item()).toBeCloseTo(Math.PI / 2, 15);
    expect(np.arccos(1).item()).toBe(0);
    expect(np.arccos(-1).item()).toBeCloseTo(Math.PI, 15);
    expect(np.arctan(1).item()).toBeCloseTo(Math.PI / 4, 15);
    expect(np.abs(-2).item()).toBe(2);
    expect(np.neg(3).item()).toBe(-3);
    expect(np.square(-3).item()).toBe(9);
    expect(np.sigmoid(0).item()).toBe(0.5);
    expect(np.softplus(0).item()).toBeCloseTo(Math.LN2, 15);
  });

  it("log1p and expm1 keep relative accuracy for tiny x", () => {
    // Taylor: log1p(x) = x − x²/2 + …, expm1(x) = x + x²/2 + …
    const x = 1e-10;
    expect(Math.abs(np.log1p(x).item() - (x - (x * x) / 2)) / x).toBeLessThan(1e-15);
    expect(Math.abs(np.expm1(x).item() - (x + (x * x) / 2)) / x).toBeLessThan(1e-15);
    // The naive forms lose most digits here, so the ops must not be computed that way.
    expect(Math.abs(Math.log(1 + x) - x) / x).toBeGreaterThan(1e-9);
  });

  it("out-of-domain inputs give NaN or ±Inf as IEEE says", () => {
    expect(values(np.sqrt(-1))[0]).toBeNaN();
    expect(np.log(0).item()).toBe(-Infinity);
    expect(values(np.log(-1))[0]).toBeNaN();
    expect(np.log1p(-1).item()).toBe(-Infinity);
    expect(values(np.arcsin(1.5))[0]).toBeNaN();
    expect(values(np.arccos(-1.5))[0]).toBeNaN();
    expect(np.exp(-Infinity).item()).toBe(0);
    expect(np.arctan(Infinity).item()).toBeCloseTo(Math.PI / 2, 15);
  });

  it("sign gives −1, 0, 1 and keeps NaN", () => {
    const v = values(np.sign(np.array([-3, -0.5, 0, 0.5, 7, -Infinity, NaN])));
    expect(v.slice(0, 6)).toEqual([-1, -1, 0, 1, 1, -1]);
    expect(v[6]).toBeNaN();
    expect(np.sign(np.array([-4, 0, 9], { dtype: "int32" })).toArray()).toEqual([-1, 0, 1]);
  });

  it("floor rounds toward −∞", () => {
    expect(np.floor(np.array([2.5, -2.5, 3, -0.1, 0.9])).toArray()).toEqual([2, -3, 3, -1, 0]);
    expect(np.floor(2.5).item()).toBe(2);
  });

  it("abs and neg keep integer dtypes", () => {
    const i = np.array([-3, 0, 4], { dtype: "int32" });
    expect(np.abs(i).dtype).toBe("int32");
    expect(np.abs(i).toArray()).toEqual([3, 0, 4]);
    expect(i.neg().dtype).toBe("int32");
    expect(i.neg().toArray()).toEqual([3, 0, -4]);
    expect(np.square(i).toArray()).toEqual([9, 0, 16]);
    expect(np.square(i).dtype).toBe("int32");
  });
});

describe("sigmoid and softplus are stable for large |x|", () => {
  const big = np.array([-1000, -745, -50, 50, 745, 1000]);

  it("sigmoid has no NaN or Inf and saturates to 0 and 1", () => {
    const v = values(np.sigmoid(big));
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v[0]).toBe(0);
    expect(v[5]).toBe(1);
    expect(big.sigmoid().toArray()).toEqual(np.sigmoid(big).toArray());
    // exp(-50)/(1+exp(-50)) ≈ exp(-50): the small tail keeps relative accuracy.
    expect(v[2]! / Math.exp(-50)).toBeCloseTo(1, 12);
    expect(v[3]).toBeCloseTo(1, 15);
  });

  it("sigmoid(x) + sigmoid(−x) = 1", () => {
    const x = np.array([-20, -3, -0.5, 0, 0.5, 3, 20]);
    expectAllClose(values(np.add(np.sigmoid(x), np.sigmoid(np.neg(x)))), [1, 1, 1, 1, 1, 1, 1], 1e-15);
  });

  it("softplus has no NaN or Inf: softplus(1000) = 1000, softplus(−1000) = 0", () => {
    const v = values(np.softplus(big));
    expect(v.every(Number.isFinite)).toBe(true);
    expect(v[0]).toBe(0);
    expect(v[5]).toBe(1000);
    expect(np.softplus(1000).item()).toBe(1000);
    expect(np.softplus(-1000).item()).toBe(0);
    // softplus(x) ≈ e^x for very negative x, and x + e^−x for large x.
    expect(v[2]! / Math.exp(-50)).toBeCloseTo(1, 12);
    expect(v[3]).toBeCloseTo(50, 12);
    expect(big.softplus().toArray()).toEqual(np.softplus(big).toArray());
  });

  it("softplus(x) − softplus(−x) = x", () => {
    const x = np.array([-30, -2, 0, 1.5, 30]);
    expectAllClose(values(np.sub(np.softplus(x), np.softplus(np.neg(x)))), [-30, -2, 0, 1.5, 30], 1e-14);
  });

  it("softplus of an integer or bool array is float64", () => {
    expect(np.softplus(np.array([0, 1], { dtype: "int32" })).dtype).toBe("float64");
    const b = np.softplus(np.array([false, true]));
    expect(b.dtype).toBe("float64");
    expectAllClose(values(b), [Math.LN2, Math.log1p(Math.E)], 1e-15);
  });
});

// ---------------------------------------------------------------------------------------
// where and clip
// ---------------------------------------------------------------------------------------

describe("where", () => {
  it("picks x where cond is true, y elsewhere", () => {
    const cond = np.array([true, false, true, false]);
    const out = np.where(cond, np.array([1, 2, 3, 4]), np.array([10, 20, 30, 40]));
    expect(out.toArray()).toEqual([1, 20, 3, 40]);
    expect(out.dtype).toBe("float64");
  });

  it("ReLU via where(x > 0, x, 0)", () => {
    const x = np.array([-2, -0.5, 0, 0.5, 2]);
    expect(np.where(np.greater(x, 0), x, 0).toArray()).toEqual([0, 0, 0, 0.5, 2]);
  });

  it("broadcasts all three operands", () => {
    const cond = np.array([[true], [false], [true]]); // (3,1)
    const x = np.array([[1, 2, 3, 4]]); // (1,4)
    const out = np.where(cond, x, -1);
    expect(out.shape).toEqual([3, 4]);
    expect(out.toArray()).toEqual([[1, 2, 3, 4], [-1, -1, -1, -1], [1, 2, 3, 4]]);
    const y = np.array([[10], [20], [30]]);
    expect(np.where(np.array([true, false]), 5, y).toArray()).toEqual([[5, 10], [5, 20], [5, 30]]);
  });

  it("a numeric condition means nonzero (NaN and 0.5 are true)", () => {
    const cond = np.array([0, 0.5, NaN, -2]);
    expect(np.where(cond, 1, 2).toArray()).toEqual([2, 1, 1, 1]);
    expect(np.where(0.5, 1, 2).item()).toBe(1);
    expect(np.where(0, 1, 2).item()).toBe(2);
  });

  it("promotes x and y together", () => {
    const i = np.array([1, 2], { dtype: "int32" });
    const j = np.array([7, 8], { dtype: "int32" });
    expect(np.where(np.array([true, false]), i, j).dtype).toBe("int32");
    const mixed = np.where(np.array([true, false]), i, 0.5);
    expect(mixed.dtype).toBe("float64");
    expect(mixed.toArray()).toEqual([1, 0.5]);
  });

  it("a bad broadcast names where and the three shapes", () => {
    expect(() => np.where(np.array([true, false]), np.zeros([3]), 0)).toThrow("where: cannot broadcast (2,) with (3,) with ()");
  });
});

describe("clip", () => {
  const x = np.array([-2, -0.5, 0.25, 1, 3]);

  it("limits to [lo, hi]", () => {
    expect(np.clip(x, 0, 1).toArray()).toEqual([0, 0, 0.25, 1, 1]);
    expect(x.clip(-1, 0.5).toArray()).toEqual([-1, -0.5, 0.25, 0.5, 0.5]);
  });

  it("null leaves a side open", () => {
    expect(np.clip(x, null, 0).toArray()).toEqual([-2, -0.5, 0, 0, 0]);
    expect(x.clip(0, null).toArray()).toEqual([0, 0, 0.25, 1, 3]);
    expect(np.clip(x, null, null).toArray()).toEqual([-2, -0.5, 0.25, 1, 3]);
  });

  it("bounds broadcast as arrays", () => {
    const m = np.array([[-5, 5], [0.5, 0.7]]);
    const lo = np.array([0, 1]);
    // Row 0: max with [0, 1] gives [0, 5], min with 1 gives [0, 1].
    // Row 1: max with [0, 1] gives [0.5, 1], min with 0.6 gives [0.5, 0.6].
    const out = np.clip(m, lo, np.array([[1], [0.6]]));
    expect(out.toArray()).toEqual([[0, 1], [0.5, 0.6]]);
  });

  it("keeps NaN (maximum/minimum propagate it)", () => {
    const v = values(np.clip(np.array([NaN, 2]), 0, 1));
    expect(v[0]).toBeNaN();
    expect(v[1]).toBe(1);
  });

  it("int32 input with integer bounds stays int32; a fractional bound lifts to float64", () => {
    const i = np.array([-3, 1, 9], { dtype: "int32" });
    expect(np.clip(i, 0, 5).dtype).toBe("int32");
    expect(np.clip(i, 0, 5).toArray()).toEqual([0, 1, 5]);
    const f = np.clip(i, 0.5, 5);
    expect(f.dtype).toBe("float64");
    expect(f.toArray()).toEqual([0.5, 1, 5]);
  });
});

// ---------------------------------------------------------------------------------------
// Plain numbers as operands
// ---------------------------------------------------------------------------------------

describe("plain numbers where an Array is expected", () => {
  const x = np.array([1, 2, 4]);

  it("on either side, for functions and methods", () => {
    expect(np.add(x, 10).toArray()).toEqual([11, 12, 14]);
    expect(np.add(10, x).toArray()).toEqual([11, 12, 14]);
    expect(np.sub(10, x).toArray()).toEqual([9, 8, 6]);
    expect(x.sub(10).toArray()).toEqual([-9, -8, -6]);
    expect(np.div(1, x).toArray()).toEqual([1, 0.5, 0.25]);
    expect(x.div(2).toArray()).toEqual([0.5, 1, 2]);
    expect(np.pow(2, x).toArray()).toEqual([2, 4, 16]);
    expect(x.pow(2).toArray()).toEqual([1, 4, 16]);
    expect(x.mul(-1).toArray()).toEqual([-1, -2, -4]);
    expect(np.maximum(3, x).toArray()).toEqual([3, 3, 4]);
    expect(np.less(2, x).toArray()).toEqual([false, false, true]);
  });

  it("two numbers give a 0-d float64 Array", () => {
    const out = np.add(2, 3);
    expect(out).toBeInstanceOf(Array);
    expect(out.shape).toEqual([]);
    expect(out.dtype).toBe("float64");
    expect(out.item()).toBe(5);
    expect(np.exp(0).shape).toEqual([]);
  });

  it("booleans are accepted as bool scalars", () => {
    expect(np.logicalAnd(np.array([true, false]), true).toArray()).toEqual([true, false]);
    expect(np.add(np.array([1, 2]), true).toArray()).toEqual([2, 3]);
  });

  it("a JavaScript array is refused with a hint", () => {
    // @ts-expect-error — a nested list is not an ArrayLike; the runtime check must catch it too.
    expect(() => np.add([1, 2], 1)).toThrow("add: x must be an Array, a number or a boolean, got [1, 2] (wrap it with np.array)");
  });

  it("ops never modify their inputs", () => {
    const a = np.array([1, 2, 3]);
    a.add(1);
    np.mul(a, 0);
    np.clip(a, 0, 0);
    expect(a.toArray()).toEqual([1, 2, 3]);
  });
});

describe("bool arithmetic follows numpy", () => {
  const a = np.array([true, true, false, false]);
  const b = np.array([true, false, true, false]);

  it("add of two bools is logical or, still 0/1", () => {
    const out = np.add(a, b);
    expect(out.dtype).toBe("bool");
    expect(out.toArray()).toEqual([true, true, true, false]);
    expect(values(out)).toEqual([1, 1, 1, 0]);
    expect(np.add(true, true).item()).toBe(1);
  });

  it("mul of two bools is logical and", () => {
    expect(a.mul(b).toArray()).toEqual([true, false, false, false]);
    expect(a.mul(b).dtype).toBe("bool");
  });

  it("sub and neg of bools are refused", () => {
    expect(() => np.sub(a, b)).toThrow("sub: not defined for bool operands");
    expect(() => a.neg()).toThrow("neg: not defined for bool operands");
  });

  it("a bool with a number counts as int32", () => {
    const out = np.add(a, 1);
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([2, 2, 1, 1]);
    expect(np.sub(b, 1).toArray()).toEqual([0, -1, 0, -1]);
  });
});

// ---------------------------------------------------------------------------------------
// Broadcasting
// ---------------------------------------------------------------------------------------

describe("numpy broadcasting", () => {
  const cases: [number[], number[], number[]][] = [
    [[3, 1], [1, 4], [3, 4]],
    [[2, 3, 4], [4], [2, 3, 4]],
    [[4], [2, 3, 4], [2, 3, 4]],
    [[2, 1, 4], [3, 1], [2, 3, 4]],
    [[3, 1], [3], [3, 3]],
    [[1, 1], [2, 3], [2, 3]],
    [[1, 1, 1], [4], [1, 1, 4]],
    [[5], [], [5]],
    [[], [2, 2], [2, 2]],
    [[], [], []],
    [[2, 3], [2, 3], [2, 3]],
    [[1, 3, 1, 2], [4, 1, 5, 1], [4, 3, 5, 2]],
  ];

  for (const [as, bs, os] of cases) {
    it(`add (${as}) + (${bs}) → (${os}) with values from an explicit index loop`, () => {
      checkBroadcast(np.add, (x, y) => x + y, as, bs, os);
      checkBroadcast((x, y) => x.add(y), (x, y) => x + y, as, bs, os);
    });
  }

  for (const c of [...arithmetic, ...comparisons]) {
    it(`${c.name} broadcasts (3,1) with (2,1,4) and (4,) with (3,1)`, () => {
      // Keep pow's base positive so every value is real.
      const op = c.name === "pow" ? (x: Array, y: Array) => c.fn(np.abs(x), y) : c.fn;
      const ref = c.name === "pow" ? (x: number, y: number) => Math.pow(Math.abs(x), y) : c.ref;
      checkBroadcast(op, ref, [3, 1], [2, 1, 4], [2, 3, 4]);
      checkBroadcast(op, ref, [4], [3, 1], [3, 4]);
    });
  }

  it("zero-size dimensions broadcast against 1 and give an empty result", () => {
    const out = np.add(np.zeros([0, 3]), np.ones([1, 3]));
    expect(out.shape).toEqual([0, 3]);
    expect(out.size).toBe(0);
    expect(np.mul(np.zeros([0]), 2).shape).toEqual([0]);
  });

  it("a bad broadcast names the op and both shapes", () => {
    const x = np.zeros([3, 4]);
    const y = np.zeros([5]);
    expect(() => np.add(x, y)).toThrow("add: cannot broadcast (3,4) with (5,)");
    expect(() => x.add(y)).toThrow("add: cannot broadcast (3,4) with (5,)");
    expect(() => np.add(y, x)).toThrow("add: cannot broadcast (5,) with (3,4)");
    expect(() => np.sub(x, y)).toThrow("sub: cannot broadcast (3,4) with (5,)");
    expect(() => x.mul(y)).toThrow("mul: cannot broadcast (3,4) with (5,)");
    expect(() => np.div(x, y)).toThrow("div: cannot broadcast (3,4) with (5,)");
    expect(() => np.pow(x, y)).toThrow("pow: cannot broadcast (3,4) with (5,)");
    expect(() => np.maximum(x, y)).toThrow("maximum: cannot broadcast (3,4) with (5,)");
    expect(() => np.minimum(x, y)).toThrow("minimum: cannot broadcast (3,4) with (5,)");
    expect(() => np.arctan2(x, y)).toThrow("arctan2: cannot broadcast (3,4) with (5,)");
    expect(() => x.less(y)).toThrow("less: cannot broadcast (3,4) with (5,)");
    expect(() => np.equal(x, y)).toThrow("equal: cannot broadcast (3,4) with (5,)");
    expect(() => np.logicalOr(x, y)).toThrow("logicalOr: cannot broadcast (3,4) with (5,)");
    expect(() => np.add(np.zeros([2, 3]), np.zeros([3, 2]))).toThrow("add: cannot broadcast (2,3) with (3,2)");
    expect(() => np.add(np.zeros([0]), np.zeros([2]))).toThrow("add: cannot broadcast (0,) with (2,)");
  });
});
