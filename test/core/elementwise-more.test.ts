import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, hessian, jit, jvp, np, vmap, type Array, type DType } from "nabla";
import { errorOf } from "../helpers.js";
import { generated } from "../transforms/jit-corpus.js";

// The elementwise functions of issue 11 against numpy: test/fixtures/elementwise.json is
// written by scripts/fixtures/elementwise.py (numpy's outputs on edge values — ±0, ±∞,
// NaN, subnormals, the largest floats, halves, the int32 bounds — seeded random values and
// empty arrays, in every dtype each function takes). Functions computed exactly (rounding,
// classification, remainders, nextafter, bits) must match to the bit, −0 included; the
// transcendental ones to a few ulps, since V8's Math and the C library round differently.

type Encoded = number | "nan" | "inf" | "-inf" | "-0";
interface Case {
  fn: string;
  dtypes: DType[];
  args: Encoded[][];
  out: Encoded[];
  outDtype: string;
  options?: Record<string, number>;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/elementwise.json", import.meta.url), "utf8")) as { numpy: string; cases: Case[] };
const decode = (v: Encoded): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "-0" ? -0 : v);

/** Allowed error in units of the last place, per function; absent means bit-exact. */
const ULPS: Record<string, number> = {
  log2: 2, log10: 2, exp2: 2, arcsinh: 2, arccosh: 2, arctanh: 2, hypot: 1, logaddexp: 4, logaddexp2: 4, pow: 2,
};

/** The spacing of doubles (or floats) at v. */
function ulp(v: number, dtype: string): number {
  const bits = dtype === "float32" ? 23 : 52;
  const tiny = dtype === "float32" ? 2 ** -149 : 2 ** -1074;
  return Math.max(2 ** (Math.floor(Math.log2(Math.abs(v))) - bits), tiny);
}

function mismatches(c: Case, got: Array): string[] {
  const out: string[] = [];
  const values = [...got.toFloat64Array()];
  const want = c.out.map(decode);
  const tol = ULPS[c.fn];
  want.forEach((w, i) => {
    const g = values[i]!;
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : tol === undefined || !Number.isFinite(w) || w === 0
        ? Object.is(g, w) || (tol !== undefined && g === w)
        : Math.abs(g - w) <= tol * ulp(w, c.outDtype);
    if (!ok && out.length < 5) out.push(`element ${i} (${c.args.map((a) => String(a[i])).join(", ")}): got ${Object.is(g, -0) ? "-0" : g}, numpy ${Object.is(w, -0) ? "-0" : w}`);
  });
  return out;
}

describe(`elementwise functions against numpy ${fixture.numpy} (test/fixtures/elementwise.json)`, () => {
  it.each(fixture.cases.map((c) => [`${c.fn}(${c.dtypes.join(", ")})${c.options ? " " + JSON.stringify(c.options) : ""} on ${c.args[0]!.length}`, c] as const))(
    "%s",
    (_name, c) => {
      const args = c.args.map((a, k) => np.array(a.map(decode), { dtype: c.dtypes[k]! }));
      const fn = (np as unknown as Record<string, (...xs: unknown[]) => Array>)[c.fn]!;
      const got = c.options ? fn(...args, c.options) : fn(...args);
      expect(got.dtype).toBe(c.outDtype);
      expect(got.shape).toEqual([c.out.length]);
      expect(mismatches(c, got)).toEqual([]);
    },
  );
});

const values = (x: Array): number[] => [...x.toFloat64Array()];

describe("dtypes, broadcasting, batching and fusion", () => {
  const f32 = np.array([[0.25, 1.5, 3]], { dtype: "float32" });
  const col = np.array([[2], [0.5]], { dtype: "float32" });

  it("float32 stays float32 and operands broadcast as numpy", () => {
    for (const fn of [np.hypot, np.logaddexp, np.logaddexp2, np.remainder, np.floorDivide, np.nextafter, np.copysign, np.fmax, np.fmin]) {
      const out = fn(f32, col);
      expect(out.dtype, fn.name).toBe("float32");
      expect(out.shape, fn.name).toEqual([2, 3]);
    }
    for (const fn of [np.log2, np.log10, np.exp2, np.arcsinh, np.arctanh, np.ceil, np.trunc, np.round, np.reciprocal, np.nanToNum]) {
      expect(fn(f32).dtype, fn.name).toBe("float32");
    }
    expect(np.hypot(f32, 2).dtype).toBe("float32"); // a plain number is weak
    expect(errorOf(() => np.hypot(np.ones([3]), np.ones([2])))).toBe("hypot: cannot broadcast (3,) with (2,)");
    expect(errorOf(() => np.fmax(np.ones([3]), np.ones([2])))).toBe("fmax: cannot broadcast (3,) with (2,)");
    expect(errorOf(() => np.copysign(np.ones([3]), np.ones([2])))).toBe("copysign: cannot broadcast (3,) with (2,)");
  });

  it("integers give float64 where numpy does, and stay int32 where it keeps them", () => {
    const i = np.array([3, -7], { dtype: "int32" });
    for (const fn of [np.log2, np.exp2, np.arcsinh, np.reciprocal]) expect(fn(i).dtype, fn.name).toBe("float64");
    for (const fn of [np.hypot, np.logaddexp, np.copysign, np.nextafter]) expect(fn(i, i).dtype, fn.name).toBe("float64");
    for (const fn of [np.remainder, np.floorDivide, np.fmax, np.bitwiseAnd, np.leftShift]) expect(fn(i, 2).dtype, fn.name).toBe("int32");
    expect(np.remainder(i, 0).toArray()).toEqual([0, 0]); // numpy: 0 for integer division by zero
    expect(np.floorDivide(i, 0).toArray()).toEqual([0, 0]);
    expect(np.mod).toBe(np.remainder);
    expect(np.bitwiseInvert).toBe(np.bitwiseNot);
  });

  it("vmap equals a loop, with a batched and an unbatched operand", () => {
    const xs = np.array([[0.3, -1.7, 2.5], [4, -0.5, 1e-3]]);
    const y = np.array([1.5, -2, 0.25]);
    for (const fn of [np.hypot, np.logaddexp, np.remainder, np.floorDivide, np.nextafter, np.copysign, np.fmax]) {
      const batched = vmap((x: Array) => fn(x, y))(xs);
      const loop = np.stack([fn(xs.slice(0), y), fn(xs.slice(1), y)]);
      expect(values(batched), fn.name).toEqual(values(loop));
    }
  });

  it("jit fuses a chain of the new ops into one loop (no kernel calls) and matches eager bit for bit", () => {
    const chain = (x: Array, y: Array) => [
      np.logaddexp(np.hypot(x, y), np.remainder(x, y)).add(np.round(np.log2(np.abs(x)))).add(np.nanToNum(np.copysign(np.exp2(y), x))),
    ];
    const x = np.linspace(-5, 5, 40).reshape([4, 10]);
    const y = np.linspace(0.5, 3, 10);
    const { source, run } = generated(chain, [x, y]);
    expect(source).not.toContain("call(");
    expect(values(run()[0]!)).toEqual(values(chain(x, y)[0]!));
    const ints = (a: Array, b: Array) => [np.bitwiseXor(np.leftShift(a, np.bitwiseAnd(b, 7)), np.rightShift(np.bitwiseNot(a), 2)).add(np.pow(a, np.bitwiseAnd(b, 3)))];
    const a = np.arange(-20, 20, 1, { dtype: "int32" });
    const gen = generated(ints, [a, a]);
    expect(gen.source).not.toContain("call(");
    expect(gen.run()[0]!.toArray()).toEqual(ints(a, a)[0]!.toArray());
  });
});

describe("derivatives where the formulas need care", () => {
  it("hypot: scale-safe values and derivatives; 0 at the origin, both modes", () => {
    // The exact hypot of the doubles 3e200 and 4e200 is 4.999999999999999849e200: the double
    // below 5e200 is nearer (by 1e-216 relative), so that is the correctly rounded answer.
    expect(np.hypot(3e200, 4e200).item()).toBe(4.9999999999999995e200);
    expect(np.hypot(3e-200, 4e-200).item()).toBe(5e-200);
    expect(np.hypot(1.7976931348623157e308, 1.7976931348623157e308).item()).toBe(Infinity);
    expect(np.hypot(Infinity, NaN).item()).toBe(Infinity);
    expect(np.hypot(5e-324, 0).item()).toBe(5e-324);
    expect(grad((x: Array) => np.hypot(x, 4e200))(np.array(3e200)).item()).toBeCloseTo(0.6, 15);
    expect(grad((x: Array) => np.hypot(x, 0))(np.array(0)).item()).toBe(0);
    expect(jvp((x: Array) => np.hypot(x, x), [np.array(0)], [np.array(1)])[1].item()).toBe(0);
  });

  it("logaddexp: σ(x − y), 1/2 and curvature 1/4 at a tie, 0 and 1 against infinities", () => {
    const f = (v: Array) => np.logaddexp(v.slice(0), v.slice(1));
    expect(values(grad(f)(np.array([2, 2])))).toEqual([0.5, 0.5]);
    expect(values(hessian(f)(np.array([2, 2])))).toEqual([0.25, -0.25, -0.25, 0.25]);
    expect(values(grad(f)(np.array([-Infinity, 1])))).toEqual([0, 1]);
    expect(np.logaddexp(1000, 1000).item()).toBe(1000 + Math.LN2);
    expect(grad((x: Array) => np.logaddexp2(x, 3))(np.array(3)).item()).toBe(0.5);
  });

  it("remainder: 1 in x, −floor(x/y) in y; floorDivide and rounding: 0", () => {
    const [gx, gy] = grad((x: Array, y: Array) => np.remainder(x, y), { argnums: [0, 1] })(np.array(-7.5), np.array(2));
    expect([gx.item(), gy.item()]).toEqual([1, 4]);
    for (const fn of [np.floorDivide, (x: Array, y: Array) => np.round(np.mul(x, y), { decimals: 1 })]) {
      expect(grad((x: Array) => fn(x, np.array(2)))(np.array(1.3)).item()).toBe(0);
    }
  });

  it("inverse hyperbolics: derivatives without overflow (arcsinh'(1e200) = 1e-200) and exact at 0", () => {
    expect(grad(np.arcsinh)(np.array(1e200)).item()).toBe(1e-200);
    expect(grad(np.arccosh)(np.array(1e200)).item()).toBeCloseTo(1e-200, 210);
    expect(grad(np.arctanh)(np.array(0)).item()).toBe(1);
    expect(grad(grad(np.arctanh))(np.array(0.5)).item()).toBeCloseTo((2 * 0.5) / (1 - 0.25) ** 2, 12);
  });

  it("nextafter steps one ulp in its own precision, with derivative 1 in x", () => {
    expect(np.nextafter(1, 2).item()).toBe(1 + 2 ** -52);
    expect(np.nextafter(np.array([1], { dtype: "float32" }), 0).item()).toBe(1 - 2 ** -24);
    expect(grad((x: Array) => np.nextafter(x, 5))(np.array(1)).item()).toBe(1);
  });

  it("fmax, fmin, nanToNum, copysign pass derivatives where they keep x", () => {
    const x = np.array([1, -2, 3]);
    const y = np.array([NaN, 0, 5]);
    expect(values(grad((v: Array) => np.sum(np.fmax(v, y)))(x))).toEqual([1, 0, 0]);
    expect(values(grad((v: Array) => np.sum(np.fmin(v, y)))(x))).toEqual([1, 1, 1]);
    expect(values(grad((v: Array) => np.sum(np.nanToNum(v)))(np.array([Infinity, 2, NaN, -Infinity])))).toEqual([0, 1, 0, 0]);
    expect(values(grad((v: Array) => np.sum(np.copysign(v, np.array([-1, 1, -0]))))(x))).toEqual([-1, -1, -1]);
  });
});

describe("arguments are checked where they enter, with one-line errors naming the function", () => {
  const f = np.array([1.5]);
  it.each([
    [() => np.bitwiseAnd(f, 1), "bitwiseAnd: needs int32 or bool operands, got float64 (cast with astype(\"int32\") first)"],
    [() => np.leftShift(np.array([1], { dtype: "int32" }), 0.5), "leftShift: needs int32 or bool operands, got float64 (cast with astype(\"int32\") first)"],
    [() => np.bitwiseNot(f), "bitwiseNot: needs int32 or bool operands, got float64 (cast with astype(\"int32\") first)"],
    [() => np.round(f, { decimals: 0.5 }), "round: decimals must be an integer, got 0.5"],
    [() => np.round(f, { digits: 1 } as never), 'round: unknown option "digits" (round takes decimals)'],
    [() => np.nanToNum(f, { nan: "0" } as never), 'nanToNum: nan must be a number, got "0"'],
    [() => np.positive(np.array([true])), "positive: not defined for bool operands; use the array itself"],
    [() => np.hypot("3" as never, 4), 'hypot: x must be an Array, a number or a boolean, got "3"'],
    [() => np.isnan([1, 2] as never), "isnan: x must be an Array, a number or a boolean, got [1, 2] (wrap it with np.array)"],
    [() => np.logicalXor(np.ones([2]), np.ones([3])), "logicalXor: cannot broadcast (2,) with (3,)"],
  ])("%#: %s", (fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });

  it("plain integers are int32 for bitwise ops, bools stay bool (shifts make them int32)", () => {
    expect(np.bitwiseAnd(12, 10).toArray()).toEqual(8);
    expect(np.bitwiseXor(np.array([true, false]), true).toArray()).toEqual([false, true]);
    expect(np.leftShift(np.array([true]), np.array([true])).toArray()).toEqual([2]);
    expect(np.rightShift(-1, 40).item()).toBe(-1);
  });

  it("jit keeps the integer pow error eager-only: traced exponents are not read", () => {
    expect(jit((x: Array, y: Array) => np.pow(x, y))(np.array([2], { dtype: "int32" }), np.array([3], { dtype: "int32" })).toArray()).toEqual([8]);
  });
});
