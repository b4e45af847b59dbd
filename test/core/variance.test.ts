import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { np } from "nabla";
import { runs } from "../setup.js";

// numpy divides a variance by max(N − ddof, 0): with ddof ≥ N the divisor is 0, so the
// variance is inf (NaN where the squared deviations sum to 0), never negative. The
// figures below are numpy 2.4's (python3 -c "import numpy as np; print(np.var(...))").

const X = np.array([1, 2, 4]);

describe("np.var and np.std with any ddof, as numpy", () => {
  it("ddof below N divides by N − ddof, fractional and negative ddof too", () => {
    expect(np.var(X).item()).toBeCloseTo(1.5555555555555554, 15);
    expect(np.var(X, { ddof: 2 }).item()).toBeCloseTo(4.666666666666666, 15);
    expect(np.var(X, { ddof: 2.5 }).item()).toBeCloseTo(9.333333333333332, 14);
    expect(np.var(X, { ddof: 0.5 }).item()).toBeCloseTo(1.8666666666666665, 15);
    expect(np.var(X, { ddof: -1 }).item()).toBeCloseTo(1.1666666666666665, 15);
  });

  it("ddof = N and ddof > N give inf, not a negative variance", () => {
    for (const ddof of [3, 3.5, 4, 5, 100]) {
      expect(np.var(X, { ddof }).item(), `ddof ${ddof}`).toBe(Infinity);
      expect(np.std(X, { ddof }).item(), `ddof ${ddof}`).toBe(Infinity);
    }
  });

  it("constant data past N degrees of freedom is 0/0 = NaN, as numpy", () => {
    expect(np.var(np.array([2, 2, 2]), { ddof: 3 }).item()).toBeNaN();
    expect(np.var(np.array([5]), { ddof: 1 }).item()).toBeNaN();
  });

  it("per slice along an axis, keepdims kept", () => {
    const m = np.array([[1, 2, 4], [3, 3, 3]]);
    const rows = np.var(m, { axis: 1, ddof: 3 }).toArray() as number[];
    expect(rows[0]).toBe(Infinity);
    expect(rows[1]).toBeNaN();
    expect(np.var(m, { axis: 0, ddof: 1 }).toArray()).toEqual([2, 0.5, 0.5]);
    expect(np.var(m, { axis: 0, ddof: 2 }).toArray()).toEqual([Infinity, Infinity, Infinity]);
    expect(np.var(m, { axis: 0, ddof: 2, keepdims: true }).shape).toEqual([1, 3]);
    expect(np.std(m, { ddof: 6 }).item()).toBe(Infinity);
  });

  it("an empty slice is NaN (0/0), as numpy", () => {
    expect(np.var(np.zeros([2, 0]), { axis: 1 }).toArray()).toEqual([NaN, NaN]);
    expect(np.var(np.zeros([0, 2]), { axis: 0, ddof: 1 }).toArray()).toEqual([NaN, NaN]);
  });

  it("is never negative, whatever the data and ddof", () => {
    const data = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(data, fc.double({ min: -3, max: 12, noNaN: true }), (xs, ddof) => {
        const v = np.var(np.array(xs), { ddof }).item();
        // Past N degrees of freedom: inf, or NaN where the squared deviations sum to 0.
        if (xs.length - ddof <= 0) expect(v === Infinity || Number.isNaN(v), `var ${v} with ddof ${ddof}`).toBe(true);
        else expect(v >= 0 && v < Infinity, `var ${v} with ddof ${ddof}`).toBe(true);
      }),
      { numRuns: runs(200) },
    );
  });
});
