import { describe, expect, it } from "vitest";
import { checkGrads, grad, jvp, np, type Array } from "nabla";

// Expected values come from explicit loops over plain JavaScript arrays, never from the
// library itself.

type Nested = number | Nested[];

/** Deep comparison of nested numbers: same structure, values within a relative tolerance. */
function expectClose(actual: unknown, expected: Nested, tol = 1e-12, path = "x"): void {
  if (typeof expected === "number") {
    expect(typeof actual, `${path} is a number`).toBe("number");
    const a = actual as number;
    if (Number.isNaN(expected)) return void expect(a, path).toBeNaN();
    if (!Number.isFinite(expected)) return void expect(a, path).toBe(expected);
    expect(Math.abs(a - expected), `${path}: ${a} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
    return;
  }
  expect(globalThis.Array.isArray(actual), `${path} is a list`).toBe(true);
  const list = actual as unknown[];
  expect(list.length, `${path}.length`).toBe(expected.length);
  expected.forEach((e, i) => expectClose(list[i], e, tol, `${path}[${i}]`));
}

// A 2×3×4 array with distinct values of both signs (no ties, so argmax is unambiguous).
const SHAPE = [2, 3, 4] as const;
const DATA: number[][][] = [0, 1].map((i) =>
  [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => Math.round(3000 * Math.sin(1 + 12 * i + 4 * j + k)) / 1000)),
);
const X = np.array(DATA);

/**
 * Reduces DATA over `axes` with `fn`, by loops: for each kept position, the reduced
 * elements are gathered in row-major order and handed to `fn`.
 */
function loopReduce(axes: readonly number[], fn: (xs: number[]) => number, keepdims = false): Nested {
  const build = (prefix: number[]): Nested => {
    const d = prefix.length;
    if (d === 3) {
      const xs: number[] = [];
      const range = (a: number) => (axes.includes(a) ? [...globalThis.Array(SHAPE[a]).keys()] : [prefix[a]!]);
      for (const i of range(0)) for (const j of range(1)) for (const k of range(2)) xs.push(DATA[i]![j]![k]!);
      return fn(xs);
    }
    if (axes.includes(d)) {
      const inner = build([...prefix, 0]);
      return keepdims ? [inner] : inner;
    }
    return [...globalThis.Array(SHAPE[d]).keys()].map((i) => build([...prefix, i]));
  };
  return build([]);
}

const sumOf = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
const meanOf = (xs: number[]) => sumOf(xs) / xs.length;
const varOf = (ddof: number) => (xs: number[]) => {
  const m = meanOf(xs);
  return sumOf(xs.map((v) => (v - m) ** 2)) / (xs.length - ddof);
};
const argOf = (better: (a: number, b: number) => boolean) => (xs: number[]) => {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (better(xs[i]!, xs[best]!)) best = i;
  return best;
};

/** Every axis spec of a 3-D array worth trying: singles, negatives, pairs (unsorted too), all. */
const AXES: { axis: number | number[] | undefined; axes: number[] }[] = [
  { axis: 0, axes: [0] },
  { axis: 1, axes: [1] },
  { axis: 2, axes: [2] },
  { axis: -1, axes: [2] },
  { axis: -3, axes: [0] },
  { axis: [0, 1], axes: [0, 1] },
  { axis: [0, 2], axes: [0, 2] },
  { axis: [2, 0], axes: [0, 2] },
  { axis: [1, 2], axes: [1, 2] },
  { axis: [0, 1, 2], axes: [0, 1, 2] },
  { axis: undefined, axes: [0, 1, 2] },
];

type Reducer = (x: Array, opts: { axis?: number | number[]; keepdims?: boolean }) => Array;
const REDUCTIONS: { name: string; f: Reducer; loop: (xs: number[]) => number }[] = [
  { name: "sum", f: (x, o) => np.sum(x, o), loop: sumOf },
  { name: "mean", f: (x, o) => np.mean(x, o), loop: meanOf },
  { name: "prod", f: (x, o) => np.prod(x, o), loop: (xs) => xs.reduce((p, v) => p * v, 1) },
  { name: "max", f: (x, o) => np.max(x, o), loop: (xs) => Math.max(...xs) },
  { name: "min", f: (x, o) => np.min(x, o), loop: (xs) => Math.min(...xs) },
  { name: "logsumexp", f: (x, o) => np.logsumexp(x, o), loop: (xs) => Math.log(sumOf(xs.map(Math.exp))) },
  { name: "var", f: (x, o) => np.var(x, o), loop: varOf(0) },
  { name: "var ddof=1", f: (x, o) => np.var(x, { ...o, ddof: 1 }), loop: varOf(1) },
  { name: "std", f: (x, o) => np.std(x, o), loop: (xs) => Math.sqrt(varOf(0)(xs)) },
  { name: "std ddof=1", f: (x, o) => np.std(x, { ...o, ddof: 1 }), loop: (xs) => Math.sqrt(varOf(1)(xs)) },
  { name: "method x.sum", f: (x, o) => x.sum(o), loop: sumOf },
  { name: "method x.var", f: (x, o) => x.var(o), loop: varOf(0) },
];

describe("reductions of a 3-D array against loops", () => {
  it("the test data has the intended shape and no repeated values", () => {
    expect(X.shape).toEqual([2, 3, 4]);
    const flat = DATA.flat(2);
    expect(new Set(flat).size).toBe(24);
    expect(flat.some((v) => v < 0) && flat.some((v) => v > 0)).toBe(true);
  });

  for (const { name, f, loop } of REDUCTIONS) {
    for (const { axis, axes } of AXES) {
      it(`${name} over axis ${JSON.stringify(axis)}`, () => {
        const out = f(X, axis === undefined ? {} : { axis });
        expect(out.shape).toEqual(SHAPE.filter((_, i) => !axes.includes(i)));
        expectClose(out.toArray(), loopReduce(axes, loop), 1e-12);
      });
      it(`${name} over axis ${JSON.stringify(axis)} with keepdims`, () => {
        const out = f(X, { axis, keepdims: true });
        expect(out.shape).toEqual(SHAPE.map((d, i) => (axes.includes(i) ? 1 : d)));
        expectClose(out.toArray(), loopReduce(axes, loop, true), 1e-12);
      });
    }
  }

  it("an empty axis list reduces nothing", () => {
    const out = np.sum(X, { axis: [] });
    expect(out.shape).toEqual([2, 3, 4]);
    expectClose(out.toArray(), DATA);
  });

  it("hand-worked values", () => {
    const m = np.array([[1, 2], [3, 4]]);
    expect(np.sum(m).item()).toBe(10);
    expect(np.sum(m, { axis: 0 }).toArray()).toEqual([4, 6]);
    expect(np.prod(m, { axis: 1 }).toArray()).toEqual([2, 12]);
    expect(np.mean(m, { axis: 1, keepdims: true }).toArray()).toEqual([[1.5], [3.5]]);
    expect(np.var(np.array([1, 2, 3, 4])).item()).toBe(1.25);
    expect(np.var(np.array([1, 2, 3, 4]), { ddof: 1 }).item()).toBeCloseTo(5 / 3, 15);
    expect(np.std(np.array([2, 4, 4, 4, 5, 5, 7, 9])).item()).toBe(2);
  });
});

describe("argmax and argmin", () => {
  for (const [name, f, better] of [
    ["argmax", np.argmax, (a: number, b: number) => a > b],
    ["argmin", np.argmin, (a: number, b: number) => a < b],
  ] as const) {
    for (const axis of [0, 1, 2, -1, -2]) {
      it(`${name} along axis ${axis} is int32 and matches a loop`, () => {
        const out = f(X, { axis });
        expect(out.dtype).toBe("int32");
        const ax = axis < 0 ? axis + 3 : axis;
        expect(out.toArray()).toEqual(loopReduce([ax], argOf(better)));
      });
    }
    it(`${name} without an axis indexes the flattened array`, () => {
      const flat = DATA.flat(2);
      const out = f(X);
      expect(out.shape).toEqual([]);
      expect(out.item()).toBe(argOf(better)(flat));
    });
  }

  it("ties go to the first occurrence; NaN counts as the extreme, as numpy", () => {
    expect(np.argmax(np.array([3, 1, 3])).item()).toBe(0);
    expect(np.argmin(np.array([2, 1, 5, 1])).item()).toBe(1);
    expect(np.argmax(np.array([1, NaN, 3, NaN])).item()).toBe(1);
    expect(np.argmin(np.array([1, 3, NaN, 0])).item()).toBe(2);
  });

  it("a bad axis is named", () => {
    expect(() => np.argmax(X, { axis: 3 })).toThrow("argmax: axis 3 is out of bounds for an array of rank 3");
  });
});

describe("max and min edge cases", () => {
  it("NaN propagates, as numpy", () => {
    expect(np.max(np.array([1, NaN, 3])).item()).toBeNaN();
    expect(np.min(np.array([NaN, 1, 3])).item()).toBeNaN();
    expect(np.max(np.array([[1, NaN], [3, 4]]), { axis: 1 }).toArray()).toEqual([NaN, 4]);
  });

  it("a zero-size reduction has no identity", () => {
    expect(() => np.max(np.zeros([0]))).toThrow(/max: zero-size reduction/);
  });

  it("sum of an empty array is 0, prod is 1", () => {
    expect(np.sum(np.zeros([0])).item()).toBe(0);
    expect(np.prod(np.zeros([2, 0]), { axis: 1 }).toArray()).toEqual([1, 1]);
  });
});

describe("logsumexp", () => {
  it("does not overflow for large inputs", () => {
    const v = np.logsumexp(np.array([1000, 1000])).item();
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(1000 + Math.log(2), 10);
  });

  it("does not underflow for very negative inputs", () => {
    const v = np.logsumexp(np.array([-1000, -1000])).item();
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(-1000 + Math.log(2), 10);
  });

  it("keeps the small term of a lopsided pair", () => {
    // log(e^1000 + e^999) = 1000 + log(1 + e^-1)
    expect(np.logsumexp(np.array([1000, 999])).item()).toBeCloseTo(1000 + Math.log1p(Math.exp(-1)), 10);
  });

  it("all −∞ gives −∞, and such a slice does not spoil its neighbours", () => {
    expect(np.logsumexp(np.array([-Infinity, -Infinity])).item()).toBe(-Infinity);
    const rows = np.array([[0, -Infinity], [-Infinity, -Infinity], [2, 2]]);
    expectClose(np.logsumexp(rows, { axis: 1 }).toArray(), [0, -Infinity, 2 + Math.log(2)], 1e-14);
    expectClose(np.logsumexp(rows, { axis: 1, keepdims: true }).toArray(), [[0], [-Infinity], [2 + Math.log(2)]], 1e-14);
  });

  it("+∞ gives +∞", () => {
    expect(np.logsumexp(np.array([Infinity, 0])).item()).toBe(Infinity);
  });

  it("per-row shifts: rows on very different scales are each exact", () => {
    const rows = np.array([[1000, 1000], [-1000, -1000], [0, 0]]);
    expectClose(np.logsumexp(rows, { axis: -1 }).toArray(), [1000 + Math.log(2), -1000 + Math.log(2), Math.log(2)], 1e-14);
  });
});

describe("dtypes of reductions", () => {
  it("sum of bools counts in int32", () => {
    const mask = np.array([[true, false, true], [true, true, false]]);
    expect(mask.dtype).toBe("bool");
    const all = np.sum(mask);
    expect(all.dtype).toBe("int32");
    expect(all.item()).toBe(4);
    const cols = np.sum(mask, { axis: 0 });
    expect(cols.dtype).toBe("int32");
    expect(cols.toArray()).toEqual([2, 1, 1]);
  });

  it("sum of a comparison counts matches", () => {
    expect(np.sum(np.greater(X, 0)).item()).toBe(DATA.flat(2).filter((v) => v > 0).length);
  });

  it("int32 sums stay int32; mean of bools is a float fraction", () => {
    const s = np.sum(np.array([1, 2, 3], { dtype: "int32" }));
    expect(s.dtype).toBe("int32");
    expect(s.item()).toBe(6);
    const m = np.mean(np.array([true, false, false, true, true]));
    expect(m.dtype).toBe("float64");
    expect(m.item()).toBeCloseTo(0.6, 15);
  });
});

describe("bad axes give clear errors", () => {
  it("sum", () => {
    expect(() => np.sum(X, { axis: 3 })).toThrow("sum: axis 3 is out of bounds for an array of rank 3");
    expect(() => np.sum(X, { axis: -4 })).toThrow("sum: axis -4 is out of bounds for an array of rank 3");
    expect(() => np.sum(X, { axis: [0, 3] })).toThrow("sum: axis 3 is out of bounds");
  });

  it("a repeated axis", () => {
    expect(() => np.sum(X, { axis: [1, -2] })).toThrow("sum: repeated axis 1");
  });

  it("each reduction names itself", () => {
    expect(() => np.mean(X, { axis: 3 })).toThrow(/^mean: axis 3 is out of bounds/);
    expect(() => np.prod(X, { axis: 3 })).toThrow(/^prod: axis 3 is out of bounds/);
    expect(() => np.max(X, { axis: 3 })).toThrow(/^max: axis 3 is out of bounds/);
    expect(() => np.min(X, { axis: 3 })).toThrow(/^min: axis 3 is out of bounds/);
    expect(() => np.var(X, { axis: 3 })).toThrow(/^var: axis 3 is out of bounds/);
    expect(() => np.std(X, { axis: 3 })).toThrow(/^std: axis 3 is out of bounds/);
    expect(() => np.logsumexp(X, { axis: 3 })).toThrow(/^logsumexp: axis 3 is out of bounds/);
    expect(() => np.norm(X, { axis: 3 })).toThrow(/^norm: axis 3 is out of bounds/);
  });
});

describe("norm", () => {
  const V = [3, -4, 0, 1.5, -2];
  const v = np.array(V);
  const absV = V.map(Math.abs);

  it.each([
    ["default (2)", undefined, Math.sqrt(sumOf(V.map((x) => x * x)))],
    ["2", 2, Math.sqrt(sumOf(V.map((x) => x * x)))],
    ["1", 1, sumOf(absV)],
    ["Infinity", Infinity, Math.max(...absV)],
    ["-Infinity", -Infinity, Math.min(...absV)],
    ["0 (count of non-zeros)", 0, 4],
    ["3", 3, Math.cbrt(sumOf(absV.map((x) => x ** 3)))],
  ] as const)("vector ord %s", (_, ord, expected) => {
    const out = np.norm(v, ord === undefined ? {} : { ord });
    expect(out.shape).toEqual([]);
    expect(out.item()).toBeCloseTo(expected, 12);
  });

  it("hand-worked: |(3, 4)| = 5", () => {
    expect(np.norm(np.array([3, 4])).item()).toBe(5);
    expect(np.norm(np.array([3, 4]), { ord: 1 }).item()).toBe(7);
  });

  // Matrix norms, by loops over the matrix M[r][c].
  const M = [[1, -2, 3], [-4, 5, -6]];
  const colSums = [0, 1, 2].map((c) => Math.abs(M[0]![c]!) + Math.abs(M[1]![c]!));
  const rowSums = M.map((row) => sumOf(row.map(Math.abs)));
  const fro = Math.sqrt(sumOf(M.flat().map((x) => x * x)));

  it.each([
    ["default (fro)", undefined, fro],
    ["fro", "fro", fro],
    ["1 (max column sum)", 1, Math.max(...colSums)],
    ["-1 (min column sum)", -1, Math.min(...colSums)],
    ["Infinity (max row sum)", Infinity, Math.max(...rowSums)],
    ["-Infinity (min row sum)", -Infinity, Math.min(...rowSums)],
  ] as const)("matrix ord %s", (_, ord, expected) => {
    const out = np.norm(np.array(M), ord === undefined ? {} : { ord });
    expect(out.shape).toEqual([]);
    expect(out.item()).toBeCloseTo(expected, 12);
  });

  it("matrix norms with keepdims keep both axes as size 1", () => {
    const out = np.norm(np.array(M), { ord: 1, keepdims: true });
    expect(out.shape).toEqual([1, 1]);
    expect(out.toArray()).toEqual([[Math.max(...colSums)]]);
  });

  for (const axis of [0, 1, 2, -1]) {
    for (const ord of [undefined, 1, 3, Infinity, -Infinity, 0] as const) {
      it(`vector norms of a 3-D array along axis ${axis}, ord ${ord}`, () => {
        const ax = axis < 0 ? axis + 3 : axis;
        const byLoop = (xs: number[]) => {
          const a = xs.map(Math.abs);
          if (ord === undefined) return Math.sqrt(sumOf(a.map((x) => x * x)));
          if (ord === Infinity) return Math.max(...a);
          if (ord === -Infinity) return Math.min(...a);
          if (ord === 0) return a.filter((x) => x !== 0).length;
          return sumOf(a.map((x) => x ** ord)) ** (1 / ord);
        };
        expectClose(np.norm(X, { axis, ord }).toArray(), loopReduce([ax], byLoop), 1e-12);
        const kept = np.norm(X, { axis, ord, keepdims: true });
        expect(kept.shape).toEqual(SHAPE.map((d, i) => (i === ax ? 1 : d)));
        expectClose(kept.toArray(), loopReduce([ax], byLoop, true), 1e-12);
      });
    }
  }

  /** The matrix norm of DATA over (rowAxis, colAxis), for each index of the third axis. */
  function matrixNormLoop(rowAxis: number, colAxis: number, ord: "fro" | 1 | typeof Infinity): number[] {
    const other = [0, 1, 2].find((a) => a !== rowAxis && a !== colAxis)!;
    return [...globalThis.Array(SHAPE[other]).keys()].map((t) => {
      const at = (r: number, c: number) => {
        const idx = [0, 0, 0];
        idx[rowAxis] = r;
        idx[colAxis] = c;
        idx[other] = t;
        return DATA[idx[0]!]![idx[1]!]![idx[2]!]!;
      };
      const R = SHAPE[rowAxis]!;
      const C = SHAPE[colAxis]!;
      let best = ord === "fro" ? 0 : -Infinity;
      if (ord === "fro") {
        for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) best += at(r, c) ** 2;
        return Math.sqrt(best);
      }
      if (ord === 1) {
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let r = 0; r < R; r++) s += Math.abs(at(r, c));
          best = Math.max(best, s);
        }
        return best;
      }
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += Math.abs(at(r, c));
        best = Math.max(best, s);
      }
      return best;
    });
  }

  for (const [r, c] of [[0, 2], [2, 0], [1, 2], [0, 1]] as const) {
    for (const ord of ["fro", 1, Infinity] as const) {
      it(`matrix norms of a 3-D array over axes [${r}, ${c}], ord ${ord}`, () => {
        const out = np.norm(X, { axis: [r, c], ord });
        const other = [0, 1, 2].find((a) => a !== r && a !== c)!;
        expect(out.shape).toEqual([SHAPE[other]]);
        expectClose(out.toArray(), matrixNormLoop(r, c, ord), 1e-12);
        const kept = np.norm(X, { axis: [r, c], ord, keepdims: true });
        expect(kept.shape).toEqual(SHAPE.map((d, i) => (i === other ? d : 1)));
        expectClose([...kept.toFloat64Array()], matrixNormLoop(r, c, ord), 1e-12);
      });
    }
  }

  it("with no axis and no ord, the 2-norm of all elements (any rank)", () => {
    expect(np.norm(X).item()).toBeCloseTo(Math.sqrt(sumOf(DATA.flat(2).map((x) => x * x))), 12);
    expect(np.norm(X, { keepdims: true }).shape).toEqual([1, 1, 1]);
  });

  it("unsupported combinations are clear errors", () => {
    expect(() => np.norm(X, { ord: 1 })).toThrow("norm: ord 1 needs a 1-D or 2-D array or an axis, got rank 3");
    expect(() => np.norm(v, { ord: "fro", axis: 0 })).toThrow("norm: ord 'fro' needs two axes");
    expect(() => np.norm(np.array(M), { ord: 2 })).toThrow(/norm: matrix ord 2 is not supported/);
    expect(() => np.norm(X, { axis: [1, -2] })).toThrow("norm: the two axes must differ");
  });
});

describe("norm is scale-safe (as BLAS nrm2)", () => {
  /** |a − e| ≤ ulps·ε·|e|: a relative check that means something at 1e-300 too. */
  const expectUlps = (a: number, e: number, ulps: number) =>
    expect(Math.abs(a - e), `${a} vs ${e}`).toBeLessThanOrEqual(ulps * Number.EPSILON * Math.abs(e));

  it("neither underflows nor overflows: ‖[1e-300]‖ = 1e-300, ‖[1e300, 1e300]‖ = √2·1e300", () => {
    expect(np.norm(np.array([1e-300])).item()).toBe(1e-300);
    expectUlps(np.norm(np.array([1e300, 1e300])).item(), Math.SQRT2 * 1e300, 1);
    expectUlps(np.norm(np.array([3e-300, 4e-300])).item(), 5e-300, 1);
    expectUlps(np.norm(np.array([3e300, 4e300])).item(), 5e300, 1);
    // Subnormal: 3·2⁻¹⁰⁷⁴ and 4·2⁻¹⁰⁷⁴ have norm 5·2⁻¹⁰⁷⁴, exactly representable.
    expect(np.norm(np.array([3 * 2 ** -1074, 4 * 2 ** -1074])).item()).toBe(5 * 2 ** -1074);
    // The plain formula would give 0 and Infinity for these: the test can fail.
    expect(Math.sqrt(1e-300 * 1e-300)).toBe(0);
    expect(Math.sqrt(2 * 1e300 * 1e300)).toBe(Infinity);
  });

  it("the same along an axis, for Frobenius, and for other p", () => {
    const rows = np.norm(np.array([[3e-300, 4e-300], [3e300, 4e300]]), { axis: 1 }).toArray() as number[];
    expectUlps(rows[0]!, 5e-300, 1);
    expectUlps(rows[1]!, 5e300, 1);
    expectUlps(np.norm(np.array([[1e300, 1e300], [1e300, 1e300]]), { ord: "fro" }).item(), 2e300, 1);
    expectUlps(np.norm(np.array([[1e-300, 1e-300], [1e-300, 1e-300]])).item(), 2e-300, 1);
    // (2·1e300³)^(1/3) = 2^(1/3)·1e300; (2·(1e-300)^0.5)^2 = 4e-300.
    expectUlps(np.norm(np.array([1e300, 1e300]), { ord: 3 }).item(), Math.cbrt(2) * 1e300, 4);
    expectUlps(np.norm(np.array([1e-300, 1e-300]), { ord: 0.5 }).item(), 4e-300, 4);
  });

  it("keeps zeros, Infinity and NaN as they were", () => {
    expect(np.norm(np.array([0, 0])).item()).toBe(0);
    expect(np.norm(np.array([])).item()).toBe(0);
    expect(np.norm(np.array([Infinity, 1])).item()).toBe(Infinity);
    expect(np.norm(np.array([1, NaN])).item()).toBeNaN();
    expect(np.norm(np.array([NaN, Infinity])).item()).toBeNaN();
    expect(np.norm(np.array([[0, 0], [3, 4]]), { axis: 1 }).toArray()).toEqual([0, 5]);
    expect(np.norm(np.zeros([2], { dtype: "float32" })).item()).toBe(0);
  });

  it("float32 too: squares of 1e-30 underflow there, and of 1e30 overflow", () => {
    for (const s of [1e-30, 1e30]) {
      const out = np.norm(np.array([3 * s, 4 * s], { dtype: "float32" }));
      expect(out.dtype).toBe("float32");
      expect(Math.abs(out.item() / (5 * s) - 1)).toBeLessThan(1e-6);
    }
  });

  it("its derivative is x/‖x‖ in both modes, at every scale", () => {
    const norm = (x: Array) => np.norm(x);
    for (const s of [2 ** -1074, 1e-310, 1e-300, 1, 1e300]) {
      // At [s, 0]: ∇ = [1, 0]; along (1, 1) from [s, s] the rate is (1, 1)·(1, 1)/√2 = √2.
      const g = grad(norm)(np.array([s, 0])).toArray() as number[];
      expectUlps(g[0]!, 1, 2);
      expect(g[1]).toBe(0);
      expectUlps(jvp(norm, [np.array([s, s])], [np.array([1, 1])])[1].item(), Math.SQRT2, 2);
    }
    // Against central differences in random directions, near 1e-300 and 1e300.
    for (const s of [1e-300, 1, 1e300]) {
      checkGrads(norm, [np.mul(np.array([0.3, -1.2, 2.5]), s)], { order: 1, eps: 1e-6 * s, atol: 0 });
      checkGrads((x: Array) => np.norm(x, { ord: 3 }), [np.mul(np.array([0.3, -1.2, 2.5]), s)], { order: 1, eps: 1e-6 * s, atol: 0 });
    }
    checkGrads(norm, [np.array([[0.3, -1.2], [2.5, 0.7]])], { order: 2 });
  });

  it("at x = 0, where the norm has no derivative, the derivative is NaN in both modes (not a made-up number)", () => {
    expect((grad((x: Array) => np.norm(x))(np.array([0, 0])).toArray() as number[]).every(Number.isNaN)).toBe(true);
    expect(jvp((x: Array) => np.norm(x), [np.array([0, 0])], [np.array([1, 0])])[1].item()).toBeNaN();
  });
});
