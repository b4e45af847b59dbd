import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, nn, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";
import { FIXTURES, dec, expectArrayClose } from "./fixtures.js";

const A = FIXTURES.activations;

const ACTIVATIONS: Record<string, (x: Array) => Array> = {
  relu: nn.relu,
  relu6: nn.relu6,
  leakyRelu: (x) => nn.leakyRelu(x),
  elu: (x) => nn.elu(x),
  silu: nn.silu,
  softplus: nn.softplus,
  logSigmoid: nn.logSigmoid,
  geluTanh: (x) => nn.gelu(x),
  geluExact: (x) => nn.gelu(x, { approximate: false }),
};

describe("activations against numpy and scipy.special", () => {
  const x = dec(A.x); // ±1e300, ±800, ±40, ..., ±0, ±∞, NaN

  it.each(Object.keys(ACTIVATIONS))("%s: values, from −1e300 to ±∞ and NaN", (name) => {
    expectArrayClose(ACTIVATIONS[name]!(x), A.values[name], 4e-16, 1e-300, name);
  });

  it.each(Object.keys(ACTIVATIONS))("%s: derivative against its closed form (JAX's side at kinks: 0)", (name) => {
    const dx = dec(A.dx);
    const f = ACTIVATIONS[name]!;
    // Elementwise: the gradient of the sum is the derivative at each point.
    expectArrayClose(grad((y: Array) => f(y).sum())(dx), A.derivatives[name], 1e-14, 1e-15, `${name}'`);
  });

  it.each(Object.keys(ACTIVATIONS))("%s: derivatives of order 2, both modes (checkGrads), away from kinks", (name) => {
    const pts = np.array([-3.1, -1.2, -0.4, 0.3, 0.9, 2.2, 4.5, 6.7]);
    checkGrads(ACTIVATIONS[name]!, [pts], { order: 2 });
  });

  it("options: negativeSlope, alpha", () => {
    expectArrayClose(nn.leakyRelu(x, { negativeSlope: 0.2 }), A.leakyRelu02, 4e-16, 1e-300);
    expectArrayClose(nn.elu(x, { alpha: 2 }), A.elu2, 4e-16, 1e-300);
  });

  it("float32 stays float32 (silu, softplus, gelu against numpy in float32)", () => {
    const x32 = dec(A.x32);
    expectArrayClose(nn.silu(x32), A.float32.silu, 3e-7, 1e-30);
    expectArrayClose(nn.softplus(x32), A.float32.softplus, 3e-7, 1e-30);
    // 1 + tanh(u) cancels for x < 0 in float32 (in numpy and JAX alike): digits are lost in both.
    expectArrayClose(nn.gelu(x32), A.float32.geluTanh, 1e-4, 1e-30);
    for (const f of Object.values(ACTIVATIONS)) expect(f(x32).dtype).toBe("float32");
  });

  it("no overflow in derivatives far out: elu at 1000, softplus and logSigmoid at ±1000", () => {
    const far = np.array([-1000, 1000]);
    for (const f of [ACTIVATIONS.elu!, nn.softplus, nn.logSigmoid, nn.silu]) {
      const g = grad((y: Array) => f(y).sum())(far).toFloat64Array();
      for (const v of g) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("int32 and bool inputs compute in float64; numbers are accepted", () => {
    expect(nn.relu(np.array([-1, 2], { dtype: "int32" })).toArray()).toEqual([0, 2]);
    expect(nn.relu(np.array([-1, 2], { dtype: "int32" })).dtype).toBe("float64");
    expect(nn.softplus(0).item()).toBeCloseTo(Math.LN2, 15);
    expect(nn.swish).toBe(nn.silu);
  });

  it("jit and vmap agree with eager evaluation bit for bit", () => {
    for (const f of Object.values(ACTIVATIONS)) {
      expect([...jit(f)(x).toFloat64Array()]).toEqual([...f(x).toFloat64Array()]);
      expect([...vmap(f)(np.stack([x, x])).toFloat64Array()]).toEqual([...np.stack([f(x), f(x)]).toFloat64Array()]);
    }
  });

  it("property: relu(x) − relu(−x) = x, softplus(x) − softplus(−x) = x, logSigmoid(x) = x − softplus(x)", () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), (v) => {
        const y = np.array(v);
        expect(nn.relu(y).sub(nn.relu(y.neg())).item() + 0).toBe(v + 0); // +0: −0 and 0 both give 0
        expect(Math.abs(nn.softplus(y).sub(nn.softplus(y.neg())).item() - v)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(v)));
        expect(Math.abs(nn.logSigmoid(y).item() - (v - nn.softplus(y).item()))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(v)));
      }),
      { numRuns: runs(200) },
    );
  });

  it.each([
    [() => nn.relu("1" as unknown as Array), /^nn\.relu: x must be an Array, a number or a boolean, got "1"$/],
    [() => nn.leakyRelu(1, { negativeSlope: NaN }), /^nn\.leakyRelu: negativeSlope must be a finite number, got NaN$/],
    [() => nn.elu(1, { alfa: 1 } as { alpha?: number }), /^nn\.elu: unknown option "alfa"/],
    [() => nn.gelu(1, { approximate: "tanh" as unknown as boolean }), /^nn\.gelu: approximate must be true or false, got "tanh"$/],
  ])("%#: bad arguments are one-line errors naming the function", (call, message) => {
    expect(errorOf(call)).toMatch(message);
  });
});
