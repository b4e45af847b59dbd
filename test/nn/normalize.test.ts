import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, jit, jvp, nn, np, vjp, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { FIXTURES, dec, expectArrayClose, type Enc } from "./fixtures.js";

interface SoftmaxFixture {
  name: string;
  axis: number | number[] | null;
  x: Enc;
  softmax: Enc;
  logSoftmax: Enc;
  ct?: Enc;
  softmaxGrad?: Enc;
  logSoftmaxGrad?: Enc;
}

const SOFTMAX: SoftmaxFixture[] = FIXTURES.softmax;

describe("nn.softmax and nn.logSoftmax against numpy (JAX's max-shifted definition)", () => {
  it.each(SOFTMAX.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const x = dec(c.x);
    const tol = c.x.dtype === "float32" ? 1e-6 : 1e-14;
    expectArrayClose(nn.softmax(x, { axis: c.axis }), c.softmax, tol, 1e-300, "softmax");
    expectArrayClose(nn.logSoftmax(x, { axis: c.axis }), c.logSoftmax, tol, tol, "logSoftmax");
  });

  it.each(SOFTMAX.filter((c) => c.ct).map((c) => [c.name, c] as const))(
    "VJPs equal the closed forms y·(ct − Σct·y) and ct − y·Σct, at ±1e300 and −∞ logits too: %s",
    (_name, c) => {
      const x = dec(c.x);
      const ct = dec(c.ct!);
      expectArrayClose(vjp((a: Array) => nn.softmax(a, { axis: c.axis }), x)[1](ct)[0], c.softmaxGrad!, 1e-13, 1e-15, "softmax VJP");
      expectArrayClose(vjp((a: Array) => nn.logSoftmax(a, { axis: c.axis }), x)[1](ct)[0], c.logSoftmaxGrad!, 1e-13, 1e-15, "logSoftmax VJP");
    },
  );

  it("forward mode at ±1e300 logits: finite tangents, no overflow", () => {
    const x = np.array([1e300, -1e300, 0, 1e300]);
    const t = np.array([1, 2, 3, 4]);
    const [, ts] = jvp((a: Array) => nn.softmax(a), [x], [t]);
    const [, tl] = jvp((a: Array) => nn.logSoftmax(a), [x], [t]);
    // y = [½, 0, 0, ½]: y·(t − Σy·t) = [½(1 − 2.5), 0, 0, ½(4 − 2.5)].
    expect(ts.toArray()).toEqual([-0.75, 0, 0, 0.75]);
    expect(tl.toArray()).toEqual([-1.5, -0.5, 0.5, 1.5]);
  });

  it("derivatives of order 2 in both modes (checkGrads), over rows, columns and every axis", () => {
    const x = np.reshape(np.sin(np.arange(12).mul(1.7)).mul(3), [3, 4]);
    for (const axis of [-1, 0, null] as const) {
      checkGrads((a: Array) => nn.softmax(a, { axis }), [x], { order: 2 });
      checkGrads((a: Array) => nn.logSoftmax(a, { axis }), [x], { order: 2 });
    }
  });

  it("an empty axis gives an empty result; an empty batch too", () => {
    expect(nn.softmax(np.zeros([2, 0])).shape).toEqual([2, 0]);
    expect(nn.logSoftmax(np.zeros([0, 3])).shape).toEqual([0, 3]);
    expect(nn.softmax(np.zeros([0, 3]), { axis: 0 }).shape).toEqual([0, 3]);
  });

  it("property: softmax sums to 1, is shift-invariant, and equals exp(logSoftmax)", () => {
    const rows = fc.array(fc.double({ min: -700, max: 700, noNaN: true }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(rows, fc.double({ min: -1e3, max: 1e3, noNaN: true }), (row, shift) => {
        const x = np.array(row);
        const y = nn.softmax(x);
        expect(Math.abs(y.sum().item() - 1)).toBeLessThanOrEqual(4e-16 * row.length);
        expectArrayClose(nn.softmax(x.add(shift)), y, 1e-10, 1e-300);
        expectArrayClose(np.exp(nn.logSoftmax(x)), y, 1e-13, 1e-300);
      }),
      { numRuns: runs(200) },
    );
  });

  it("jit and vmap agree with eager evaluation", () => {
    const x = dec(SOFTMAX[0]!.x);
    for (const f of [(a: Array) => nn.softmax(a), (a: Array) => nn.logSoftmax(a)]) {
      expect(jit(f)(x).toArray()).toEqual(f(x).toArray());
      expect(vmap(f)(x).toArray()).toEqual(f(x).toArray());
    }
  });
});

describe("nn.standardize against numpy (two-pass variance)", () => {
  const cases: { name: string; opts: Record<string, unknown>; x: Enc; out: Enc }[] = FIXTURES.standardize;
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, typeof v === "object" ? dec(v as Enc) : v]));
    expectArrayClose(nn.standardize(dec(c.x), opts), c.out, 1e-12, 1e-12);
  });

  it("derivatives of order 2, both modes", () => {
    const x = np.reshape(np.sin(np.arange(12).mul(0.9)), [3, 4]);
    checkGrads((a: Array) => nn.standardize(a), [x], { order: 2 });
    checkGrads((a: Array) => nn.standardize(a, { axis: [0, 1], epsilon: 0.5 }), [x], { order: 2 });
    checkGrads((a: Array, m: Array, v: Array) => nn.standardize(a, { mean: m, variance: v }), [x, np.array([0.1, 0.2, 0.3, 0.4]), np.array(2)], { order: 2 });
  });

  it("float32 stays float32", () => {
    expect(nn.standardize(np.ones([2, 3], { dtype: "float32" })).dtype).toBe("float32");
  });
});

describe("nn.oneHot", () => {
  const cases: { name: string; x: Enc; n: number; opts: { axis?: number }; out: Enc }[] = FIXTURES.oneHot;
  it.each(cases.map((c) => [c.name, c] as const))("%s (against numpy)", (_name, c) => {
    expectArrayClose(nn.oneHot(dec(c.x), c.n, c.opts), c.out, 0, 0);
  });

  it("dtype option; bool labels; zero classes", () => {
    const y = np.array([1, 0], { dtype: "int32" });
    expect(nn.oneHot(y, 2, { dtype: "int32" }).dtype).toBe("int32");
    expect(nn.oneHot(y, 2, { dtype: "bool" }).toArray()).toEqual([[false, true], [true, false]]);
    expect(nn.oneHot(np.array([true, false]), 2).toArray()).toEqual([[0, 1], [1, 0]]);
    expect(nn.oneHot(y, 0).shape).toEqual([2, 0]);
    expect(nn.oneHot(2, 3).toArray()).toEqual([0, 0, 1]);
  });
});

describe("normalization arguments", () => {
  it.each([
    [() => nn.softmax(np.ones([2, 3]), { axis: 2 }), /^nn\.softmax: axis 2 is out of bounds for an array of rank 2$/],
    [() => nn.softmax(np.ones([2, 3]), { axis: [0, 0] }), /^nn\.softmax: repeated axis 0$/],
    [() => nn.logSoftmax(np.ones([2, 3]), { axis: "0" as unknown as number }), /^nn\.logSoftmax: axis must be an integer, a list of integers or null/],
    [() => nn.softmax(np.ones([2]), { axes: 0 } as { axis?: number }), /^nn\.softmax: unknown option "axes"/],
    [() => nn.standardize(np.ones([2, 3]), { mean: np.ones([2]) }), /^nn\.standardize: cannot broadcast \(2,3\) with \(2,\)/],
    [() => nn.standardize(np.ones([2, 3]), { epsilon: -Infinity }), /^nn\.standardize: epsilon must be a finite number/],
    [() => nn.oneHot(np.ones([2]), 2.5), /^nn\.oneHot: numClasses must be a non-negative integer, got 2\.5$/],
    [() => nn.oneHot(np.ones([2]), 1e15), /^nn\.oneHot: shape \(2,1000000000000000\) of float64 needs/],
    [() => nn.oneHot(np.ones([2]), 3, { dtype: "float16" as "float32" }), /^nn\.oneHot: dtype "float16" is not one of/],
    [() => nn.oneHot([0, 1] as unknown as Array, 3), /^nn\.oneHot: x must be an Array or a number/],
  ])("%#: one line naming the function", (call, message) => {
    expect(errorOf(call)).toMatch(message);
  });
});
