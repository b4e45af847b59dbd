import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Array, nn, np, random, special, stats, tree } from "nabla";
import { runs } from "../setup.js";

// Random junk fed to every public np function (and random's, tree's and nn's): each call must
// give a sane result or a plain Error whose one-line message starts with the function's
// name — never a TypeError or RangeError from inside, a stack overflow, a hang, a
// negative variance, or a result that is not an Array. The functions are enumerated at
// run time, so a new np function is covered without touching this file.

const cyclicObject: Record<string, unknown> = { a: 1 };
cyclicObject.self = cyclicObject;
const cyclicList: unknown[] = [1];
cyclicList.push(cyclicList);

// Large values are far past any machine's memory (≥ 1e15 elements) or not safe
// integers, so a shape built from them is refused up front; nothing in between (such as
// 1e9) appears, since a shape that fits would really be allocated and filled.
const numbers = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, -1.5, 1e-300, 5e-324, 1e15, -1e15, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300),
  fc.integer({ min: -3, max: 6 }),
  fc.double({ min: -8, max: 8 }),
);
const strings = fc.oneof(
  fc.constantFrom("", "float", "float64", "float32", "int32", "bool", "int64", "0", "ij,jk->ik", "i,i->", "ij->ji", "ij", "fro", "->", "a->b->c"),
  fc.string({ maxLength: 5 }),
);
const arrays = fc.constantFrom(
  np.array(2),
  np.array(-1.5),
  np.array([1, 2, 3]),
  np.array([[1, 2, 3], [4, 5, 6]]),
  np.zeros([0]),
  np.zeros([2, 0]),
  np.ones([2, 2]),
  np.ones([1, 3, 1]),
  np.array([true, false]),
  np.array([1, 2], { dtype: "int32" }),
  np.array([0, 5, -2], { dtype: "int32" }),
  np.array([[1.5]], { dtype: "float32" }),
  np.array([NaN, Infinity, -Infinity]),
  random.key(0),
);
const typedArrays = fc.constantFrom(
  () => new Float64Array([1, 2]),
  () => new Float32Array([0.5]),
  () => new Int32Array([3, -4]),
  () => new Uint8Array([1, 0, 2]),
  () => new Int8Array([-1]),
  () => new Uint16Array([7]),
  () => new Int16Array(2),
  () => new Uint32Array([2 ** 32 - 1]),
  () => new Uint8ClampedArray(2),
  () => new BigInt64Array(2),
  () => new BigUint64Array(1),
  () => new DataView(new ArrayBuffer(8)),
).map((make) => make());
const odd = fc.constantFrom<unknown>(
  true,
  false,
  null,
  undefined,
  () => 1,
  Symbol("s"),
  cyclicObject,
  cyclicList,
  new Map(),
  new Date(0),
  {},
  Object.create(null),
  10n,
);
const leaf = fc.oneof(numbers, strings, arrays, typedArrays, odd);
const nested = fc.oneof(
  fc.array(fc.oneof(numbers, fc.boolean()), { maxLength: 4 }),
  fc.array(fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 3 }), { maxLength: 3 }), // ragged too
  fc.array(arrays, { maxLength: 3 }),
  fc.array(leaf, { maxLength: 3 }),
);
const OPTION_NAMES = ["axis", "dtype", "keepdims", "ddof", "k", "ord", "endpoint", "offset", "minval", "maxval", "axes"];
const junkOptions = fc.dictionary(fc.constantFrom(...OPTION_NAMES), fc.oneof(leaf, nested), { maxKeys: 2 });

// Plausible arguments, so that calls get past their first check and reach the later ones.
const smallInt = fc.integer({ min: -3, max: 4 });
const intList = fc.array(smallInt, { maxLength: 3 });
const plausibleOptions = fc.record(
  {
    axis: fc.oneof(smallInt, intList, fc.constant(null)),
    dtype: fc.constantFrom("float64", "float32", "int32", "bool"),
    keepdims: fc.boolean(),
    ddof: fc.oneof(smallInt, fc.constant(0.5)),
    k: smallInt,
    ord: fc.constantFrom(1, 2, -1, 0, 0.5, 3, Infinity, -Infinity, "fro"),
    endpoint: fc.boolean(),
    offset: smallInt,
    minval: smallInt,
    maxval: smallInt,
  },
  { requiredKeys: [] },
);
const arrayLists = fc.array(arrays, { minLength: 1, maxLength: 3 });
const subscripts = fc.constantFrom("ij,jk->ik", "i,i->", "ij->ji", "ij", "i->", "ij,j->i", "ii", "i,j");
const plausible = fc.oneof(
  { weight: 3, arbitrary: arrays },
  { weight: 3, arbitrary: smallInt },
  { weight: 1, arbitrary: fc.oneof(intList, plausibleOptions, arrayLists, fc.constant(null)) },
);
const junk = fc.oneof(
  { weight: 6, arbitrary: plausible },
  { weight: 2, arbitrary: leaf },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: junkOptions },
);
// Most calls start with what np functions take first (an Array, a shape, a list of
// Arrays, einsum's subscripts, tree.map's function), so that they reach later checks.
const first = fc.oneof(arrays, smallInt, intList, arrayLists, subscripts, fc.constant((x: unknown) => x));
const startingWith = (rest: fc.Arbitrary<unknown>) => fc.tuple(first, fc.array(rest, { maxLength: 3 })).map(([a, more]) => [a, ...more]);
const calls = fc.oneof(
  { weight: 2, arbitrary: startingWith(plausible) }, // valid or nearly: reaches shape checks and results
  { weight: 2, arbitrary: startingWith(junk) },
  { weight: 1, arbitrary: fc.array(junk, { maxLength: 4 }) },
);

/** A returned value that makes sense: an Array (valid shape and dtype), a list of them, a dtype, or `at`'s updater. */
function checkResult(name: string, out: unknown): void {
  if (out instanceof Array) {
    expect(out.shape.every((d) => Number.isSafeInteger(d) && d >= 0), `${name}: shape ${String(out.shape)}`).toBe(true);
    expect(["float64", "float32", "int32", "bool"]).toContain(out.dtype);
    expect(typeof String(out)).toBe("string");
    return;
  }
  if (globalThis.Array.isArray(out)) {
    for (const item of out) if (!(typeof item === "number" && name.startsWith("tree."))) checkResult(name, item);
    return;
  }
  if (typeof out === "string") return expect(["float64", "float32", "int32", "bool"]).toContain(out);
  if (typeof out === "boolean") return; // a predicate's answer (np.canCast, np.isdtype)
  expect(out, `${name} returned ${typeof out}`).toBeTypeOf("object");
}

/**
 * Runs `fn` on each case: it returns something `check` accepts, or throws a one-line
 * Error whose message starts with `names[0]` (or an alias) and a colon.
 */
function fuzz(names: readonly string[], fn: (...args: unknown[]) => unknown, check = checkResult, numRuns = 300): void {
  fc.assert(
    fc.property(calls, (args) => {
      let out: unknown;
      try {
        out = fn(...args);
      } catch (e) {
        expect(e, `${names[0]} threw a non-Error`).toBeInstanceOf(Error);
        const err = e as Error;
        expect(err.constructor, `${names[0]} threw ${err.name}: ${err.message}`).toBe(Error);
        expect(names.some((n) => err.message.startsWith(`${n}: `)), `${names[0]}'s error does not name it: ${err.message}`).toBe(true);
        expect(err.message, "one line").not.toContain("\n");
        return;
      }
      if (!names[0]!.startsWith("tree.")) check(names[0]!, out);
      if (names.includes("var") || names.includes("std")) {
        const values = [...(out as Array).toFloat64Array()];
        expect(values.filter((v) => v < 0), `${names[0]} gave a negative result`).toEqual([]);
      }
    }),
    { numRuns: runs(numRuns) },
  );
}

/**
 * The public functions of a namespace (classes such as tree.TreeDef aside), with every
 * name a function goes by (np.var is np.variance).
 */
function functionsOf(prefix: string, ns: Record<string, unknown>): [string[], (...args: unknown[]) => unknown][] {
  const byFunction = new Map<unknown, string[]>();
  for (const [key, value] of Object.entries(ns)) {
    const isClass = typeof value === "function" && /^class\b/.test(Function.prototype.toString.call(value));
    if (typeof value === "function" && !isClass) byFunction.set(value, [...(byFunction.get(value) ?? []), prefix + key]);
  }
  return [...byFunction].map(([fn, names]) => [names, fn as (...args: unknown[]) => unknown]);
}

describe("junk input to every public function", () => {
  const all = [...functionsOf("", np), ...functionsOf("random.", random), ...functionsOf("tree.", tree), ...functionsOf("nn.", nn), ...functionsOf("special.", special),
    ...Object.entries(stats).flatMap(([family, ns]) => functionsOf(`stats.${family}.`, ns as Record<string, unknown>))];

  it("covers the whole np namespace, as enumerated now", () => {
    expect(all.flatMap(([names]) => names).filter((n) => !n.includes(".")).sort()).toEqual(Object.keys(np).sort());
    expect(all.length).toBeGreaterThan(90);
  });

  for (const [names, fn] of all) {
    it(`${names.join(" = ")}: a result or an error naming it`, () => fuzz(names, fn));
  }
});

describe("junk input to every Array method", () => {
  const X = np.array([[1, 2, 3], [4, 5, 6]]);
  const methods = Object.getOwnPropertyNames(Array.prototype).filter(
    (m) => m !== "constructor" && typeof Object.getOwnPropertyDescriptor(Array.prototype, m)?.value === "function",
  );

  it("finds the methods", () => expect(methods).toEqual(expect.arrayContaining(["add", "sum", "reshape", "slice", "astype", "item"])));

  for (const m of methods) {
    // A method is its np function on `this` (x.ravel is np.reshape): either name will do.
    const alias: Record<string, string> = { ravel: "reshape" };
    const method = (...args: unknown[]) => (X as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args);
    // What a method returns besides Arrays (toArray's lists, toString's text) is its own business.
    const check = (name: string, out: unknown) => (out instanceof Array ? checkResult(name, out) : undefined);
    it(`x.${m}: a result or an error naming it`, () => fuzz([m, ...(alias[m] ? [alias[m]] : [])], method, check, 100));
  }
});
