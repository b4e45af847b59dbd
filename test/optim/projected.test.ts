// bounds for the first-order methods: every step projected onto the box (projected
// gradient descent, momentum, Adam). On a separable quadratic the answer is known in
// closed form: the unconstrained minimum clipped to the box.
import { describe, expect, it } from "vitest";
import { minimize, np, type Array, type MinimizeMethod } from "nabla";

// f = Σ wᵢ(xᵢ − cᵢ)²: minimum at c, and in the box at clip(c, lo, hi).
const c = np.array([2, -3, 0.5, 4]);
const w = np.array([1, 2, 0.5, 1.5]);
const f = (x: Array) => np.sum(np.mul(w, np.square(np.sub(x, c))));
const lo = np.array([-1, -1, -Infinity, 0]);
const hi = np.array([1, Infinity, 0, 3]);
const expected = [1, -1, 0, 3];

describe("first-order methods with bounds project every step", () => {
  const cases: [MinimizeMethod, number][] = [["gd", 0.2], ["momentum", 0.05], ["nesterov", 0.05], ["adam", 0.05]];
  for (const [method, lr] of cases) {
    it(`${method}: clip(c, lo, hi), every iterate in the box`, () => {
      const inside: boolean[] = [];
      const r = minimize(f, np.array([0, 0, 0, 0]), {
        method, lr, bounds: [lo, hi], maxIter: 20000, recordPath: true,
        callback: ({ x }) => void inside.push(x.toFloat64Array().every((v, i) => v >= lo.toFloat64Array()[i]! && v <= hi.toFloat64Array()[i]!)),
      });
      expect(r.success, r.message).toBe(true);
      expect(r.message).toMatch(/projected gradient/);
      r.x.toFloat64Array().forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5));
      expect(inside.every(Boolean)).toBe(true);
      expect(r.path!.every((p) => p.x.every((v, i) => v >= lo.toFloat64Array()[i]! && v <= hi.toFloat64Array()[i]!))).toBe(true);
    });
  }

  it("a start outside the box is projected first", () => {
    const r = minimize(f, np.array([9, -9, 9, -9]), { method: "gd", lr: 0.2, bounds: [lo, hi], recordPath: true });
    expect(r.path![0]!.x).toEqual([1, -1, 0, 0]);
  });

  it("gd with bounds needs a fixed step; other methods refuse bounds", () => {
    expect(() => minimize(f, np.zeros([4]), { method: "gd", bounds: [lo, hi] })).toThrow(/gd with bounds takes a fixed step: give lr or a schedule/);
    expect(() => minimize(f, np.zeros([4]), { method: "bfgs", bounds: [lo, hi] })).toThrow(/bounds apply to "lbfgsb", "trust-ncg", and as a projection to gd, momentum, nesterov and adam, not to "bfgs"/);
  });
});
