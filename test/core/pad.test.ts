import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { expectMatches, fixture, missingCases, type Table } from "./np-fixture.js";

// np.pad against numpy: every mode, numpy's forms of the widths, widths beyond the axis
// length, int32 and bool; derivatives, vmap and jit; and a property against an index map.

const MODES = ["constant", "edge", "reflect", "symmetric", "wrap"] as const;

const TABLE: Table = {
  ...Object.fromEntries(
    MODES.flatMap((mode) => [
      [`pad/${mode} 1-d wide`, [(x: Array) => np.pad(x, [7, 5], { mode })]],
      [`pad/${mode} 2-d per axis`, [(x: Array) => np.pad(x, [[1, 2], [3, 0]], { mode })]],
      [`pad/${mode} one element`, [(x: Array) => np.pad(x, 2, { mode })]],
    ]),
  ),
  "pad/constant values per axis": [(x) => np.pad(x, [[1, 1], [2, 1]], { constantValues: [[7, 8], [9, 10]] })],
  "pad/int32 constant": [(x) => np.pad(x, 1, { constantValues: 2.7 })],
  "pad/bool": [(x) => np.pad(x, 1, { mode: "wrap" })],
  "pad/width pair": [(x) => np.pad(x, [1, 2])],
  "pad/width single list": [(x) => np.pad(x, [2])],
  "pad/column of widths": [(x) => np.pad(x, [[1], [2]])],
  "pad/empty constant": [(x) => np.pad(x, 1)],
  "pad/0-d": [(x) => np.pad(x, 2)],
};

describe("pad matches numpy", () => {
  it("the table covers every fixture case of pad", () => expect(missingCases(TABLE, ["pad/"])).toEqual([]));
  for (const [id, [fn, tol]] of Object.entries(TABLE)) {
    it(id, () => {
      const { args, out } = fixture(id);
      expectMatches(fn(...args), out, tol ?? 0);
    });
  }
});

/** numpy's pad of a 1-D list by its definition: the periodic or mirrored extension. */
function jsPad(x: number[], before: number, after: number, mode: (typeof MODES)[number]): number[] {
  const n = x.length;
  const src = (j: number): number | undefined => {
    const mod = (p: number, q: number) => ((p % q) + q) % q;
    if (j >= 0 && j < n) return x[j];
    if (mode === "constant") return 0;
    if (mode === "edge") return x[j < 0 ? 0 : n - 1];
    if (mode === "wrap") return x[mod(j, n)];
    if (mode === "symmetric") {
      const p = mod(j, 2 * n);
      return x[p < n ? p : 2 * n - 1 - p];
    }
    if (n === 1) return x[0];
    const p = mod(j, 2 * n - 2);
    return x[p < n ? p : 2 * n - 2 - p];
  };
  return globalThis.Array.from({ length: before + n + after }, (_, i) => src(i - before)!);
}

describe("pad by its definition (property)", () => {
  it("each mode, any widths, a 1-D array", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.nat(9),
        fc.nat(9),
        fc.constantFrom(...MODES),
        (x, before, after, mode) => {
          expect(np.pad(np.array(x), [before, after], { mode }).toArray()).toEqual(jsPad(x, before, after, mode));
        },
      ),
      { numRuns: runs(150) },
    );
  });
});

describe("derivatives, vmap and jit", () => {
  const x = np.array([[0.3, -1.2, 2.5], [1.1, 0.4, -0.6]]);
  it.each(MODES)("%s: checkGrads to order 2, both modes", (mode) => {
    checkGrads((v: Array) => np.sin(np.pad(np.mul(v, v), [[2, 1], [4, 3]], { mode })), [x], { order: 2 });
  });

  it.each(MODES)("%s: vmap equals a loop, jit equals eager", (mode) => {
    const f = (v: Array) => np.pad(v, [1, 3], { mode });
    const batch = np.stack([x, np.neg(x), np.mul(x, 2)]);
    expect(vmap(f)(batch).toArray()).toEqual(np.stack([0, 1, 2].map((b) => f(np.slice(batch, b)))).toArray());
    expect(jit(f)(x).toArray()).toEqual(f(x).toArray());
  });
});

describe("errors name the function", () => {
  it.each([
    [() => np.pad(np.zeros([2]), -1), "pad: padWidth must hold non-negative integers, got -1"],
    [() => np.pad(np.zeros([2]), [1, 2, 3]), "pad: padWidth must be a number, [before, after], or one such pair per axis"],
    [() => np.pad(np.zeros([2, 2]), [[1, 2], [3, 4], [5, 6]]), "pad: padWidth must be a number"],
    [() => np.pad(np.zeros([2]), 1, { mode: "mean" as never }), "pad: mode \"mean\" is not one of constant, edge, reflect, symmetric, wrap"],
    [() => np.pad(np.zeros([0]), 1, { mode: "edge" }), "pad: cannot extend the empty axis 0 in mode \"edge\""],
    [() => np.pad(np.zeros([2]), 1, { mode: "wrap", constantValues: 1 }), "pad: constantValues is an option of mode \"constant\""],
    [() => np.pad(np.zeros([2], { dtype: "int32" }), 1, { constantValues: NaN }), "pad: constantValues must hold numbers that int32 can store"],
    [() => np.pad(np.zeros([2]), 1e15), "pad: shape (2000000000000002,) of float64 needs"],
  ])("%#", (f, message) => {
    expect(errorOf(f)).toContain(message);
  });
});
