import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, jvp, nn, np, vjp, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { FIXTURES, dec, expectArrayClose, type Enc } from "./fixtures.js";

interface PoolFixture {
  kind: "max" | "avg";
  name: string;
  window: number[];
  opts: nn.PoolOptions & { countIncludePad?: boolean };
  x: Enc;
  out: Enc;
  ct: Enc;
  grad: Enc;
}

const POOL: PoolFixture[] = FIXTURES.pool;
const poolOf = (c: PoolFixture) => (x: Array) => (c.kind === "max" ? nn.maxPool(x, c.window, c.opts) : nn.avgPool(x, c.window, c.opts));

describe("nn.maxPool and nn.avgPool against numpy loops", () => {
  it.each(POOL.map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s (values and VJP)", (_name, c) => {
    const x = dec(c.x);
    expectArrayClose(poolOf(c)(x), c.out, 1e-13, 1e-13);
    // maxPool: each window's cotangent goes to its first maximum (row-major), as JAX's reduce_window max.
    const [, pullback] = vjp(poolOf(c), x);
    expectArrayClose(pullback(dec(c.ct))[0], c.grad, 1e-13, 1e-13, "cotangent");
  });

  it("forward mode picks the same element as reverse mode: the first maximum", () => {
    // Window [2, 2, 1, 2]: the maximum 2 occurs at offsets 0 and 1.
    const x = np.array([[[2, 2, 1, 2]]]);
    const t = np.array([[[10, 20, 30, 40]]]);
    const [, tout] = jvp((a: Array) => nn.maxPool(a, [4]), [x], [t]);
    expect(tout.toArray()).toEqual([[[10]]]);
    expect(grad((a: Array) => nn.maxPool(a, [4]).sum())(x).toArray()).toEqual([[[1, 0, 0, 0]]]);
  });

  it("NaN propagates through maxPool, and −∞ padding never wins over data", () => {
    expect(nn.maxPool(np.array([[[1, NaN, 3, 0]]]), [2], { strides: 2 }).toArray()).toEqual([[[NaN, 3]]]);
    expect(nn.maxPool(np.array([[[-5, -7, -6]]]), [2], { padding: "SAME" }).toArray()).toEqual([[[-5, -6, -6]]]);
  });

  it("derivatives to order 2 in both modes, away from ties", () => {
    // Distinct values (a permutation) keep every window's maximum strictly largest.
    const x = np.reshape(np.sin(np.arange(2 * 3 * 5 * 6).mul(1.3)), [2, 3, 5, 6]);
    checkGrads((a: Array) => nn.maxPool(a, [3, 2], { strides: [2, 1], padding: "SAME" }), [x], { order: 2 });
    checkGrads((a: Array) => nn.avgPool(a, [3, 3], { strides: 2, padding: "SAME", countIncludePad: false }), [x], { order: 2 });
    checkGrads((a: Array) => nn.avgPool(a, [2], { padding: [[1, 0]] }), [x], { order: 2 });
  });

  it("pools the trailing axes of any rank; float32 stays float32; jit and vmap agree", () => {
    const x = np.reshape(np.cos(np.arange(48)), [2, 4, 6]);
    expect(nn.maxPool(x, [2, 3]).shape).toEqual([2, 3, 4]);
    expect(nn.avgPool(np.astype(x, "float32"), [2], { strides: 2 }).dtype).toBe("float32");
    const f = (a: Array) => [nn.maxPool(a, [2], { strides: 2, padding: "SAME" }), nn.avgPool(a, [3], { padding: "SAME", countIncludePad: false })];
    const [m, a] = f(x) as [Array, Array];
    const [jm, ja] = jit(f)(x) as [Array, Array];
    expect([...jm.toFloat64Array()]).toEqual([...m.toFloat64Array()]);
    expect([...ja.toFloat64Array()]).toEqual([...a.toFloat64Array()]);
    const [vm] = vmap(f)(x) as [Array, Array];
    expectArrayClose(vm, m);
  });

  it("a window covering the whole padded input gives one output; a wider one none", () => {
    const x = np.ones([1, 1, 3]);
    expect(nn.avgPool(x, [3]).toArray()).toEqual([[[1]]]);
    expect(nn.maxPool(x, [4]).shape).toEqual([1, 1, 0]);
  });

  it("property: avgPool with counted padding is the mean of the maxPool-shaped windows, and ≤ maxPool", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (n, k, s) => {
        const x = np.reshape(np.sin(np.arange(2 * n).mul(0.9)), [1, 2, n]);
        const avg = nn.avgPool(x, [k], { strides: s });
        const max = nn.maxPool(x, [k], { strides: s });
        expect(avg.shape).toEqual(max.shape);
        const gap = np.sub(max, avg).toFloat64Array();
        for (const v of gap) expect(v).toBeGreaterThanOrEqual(-1e-15);
      }),
      { numRuns: runs(60) },
    );
  });
});

describe("pooling arguments", () => {
  const x = np.ones([1, 2, 4, 4]);
  it.each([
    [() => nn.maxPool(x, 2 as unknown as number[]), /^nn\.maxPool: window must list the window's length on each of the last 1\.\.4 axes/],
    [() => nn.maxPool(x, []), /^nn\.maxPool: window must list/],
    [() => nn.maxPool(x, [0, 2]), /^nn\.maxPool: window must be a positive integer, got 0/],
    [() => nn.avgPool(x, [2, 2], { padding: [[-1, 0], [0, 0]] }), /^nn\.avgPool: padding must be .* pairs of non-negative integers/],
    [() => nn.avgPool(x, [2, 2], { strides: [1, 1, 1] }), /^nn\.avgPool: strides must be a positive integer or a list of 2/],
    [() => nn.maxPool(x, [2, 2], { countIncludePad: true } as nn.PoolOptions), /^nn\.maxPool: unknown option "countIncludePad"/],
    [() => nn.avgPool(x, [2, 2], { countIncludePad: 1 as unknown as boolean }), /^nn\.avgPool: countIncludePad must be true or false/],
  ])("%#: one line naming the function", (call, message) => {
    expect(errorOf(call)).toMatch(message);
  });
});
