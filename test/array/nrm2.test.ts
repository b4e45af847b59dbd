import { describe, expect, it } from "vitest";
import { isSafeSumOfSquares, nrm2 } from "../../packages/nabla/src/array/nrm2.js";
import { norm2, normInf } from "../../packages/nabla/src/optim/vec.js";

// The scale-safe 2-norm of plain vectors (BLAS nrm2), against closed forms at scales where
// the plain √Σxᵢ² under- or overflows.

const f64 = (xs: number[]) => Float64Array.from(xs);
/** |a − e| ≤ ulps·ε·|e|. */
const expectUlps = (a: number, e: number, ulps = 1) =>
  expect(Math.abs(a - e), `${a} vs ${e}`).toBeLessThanOrEqual(ulps * Number.EPSILON * Math.abs(e));

describe("nrm2", () => {
  it("closed forms at every scale, where √(xᵀx) gives 0 or Infinity", () => {
    for (const norm of [nrm2, norm2]) {
      expect(norm(f64([1e-300]))).toBe(1e-300);
      expectUlps(norm(f64([1e300, 1e300])), Math.SQRT2 * 1e300);
      expectUlps(norm(f64([3e-300, 4e-300])), 5e-300);
      expectUlps(norm(f64([3e300, -4e300])), 5e300);
      expect(norm(f64([3 * 2 ** -1074, 4 * 2 ** -1074]))).toBe(5 * 2 ** -1074);
      expect(norm(f64([3, 4]))).toBe(5);
      expect(norm(f64([]))).toBe(0);
      expect(norm(f64([0, 0]))).toBe(0);
    }
    // What the plain formula does with the first two.
    expect(Math.sqrt(1e-300 * 1e-300)).toBe(0);
    expect(Math.sqrt(2 * 1e300 * 1e300)).toBe(Infinity);
  });

  it("Infinity and NaN: NaN anywhere wins, else Infinity", () => {
    expect(nrm2(f64([1, Infinity]))).toBe(Infinity);
    expect(nrm2(f64([NaN, 1]))).toBeNaN();
    expect(nrm2(f64([Infinity, NaN]))).toBeNaN();
    expect(nrm2(f64([1e300, NaN, 1e300]))).toBeNaN();
    expect(norm2(f64([1e-300, NaN]))).toBeNaN();
  });

  it("on a range [start, end) of the array only", () => {
    expect(nrm2(f64([9, 3, 4, 9]), 1, 3)).toBe(5);
    expectUlps(nrm2(f64([1, 3e-300, 4e-300]), 1), 5e-300);
  });

  it("keeps the plain sum where it is safe: bit for bit √(xᵀx) in the ordinary range", () => {
    const x = f64([0.1, -0.7, 2.3, 1e-3, 5.5]);
    let s = 0;
    for (const v of x) s += v * v;
    expect(nrm2(x)).toBe(Math.sqrt(s));
    expect(isSafeSumOfSquares(s)).toBe(true);
    expect(isSafeSumOfSquares(0)).toBe(false);
    expect(isSafeSumOfSquares(Infinity)).toBe(false);
    expect(isSafeSumOfSquares(NaN)).toBe(false);
  });
});

describe("normInf", () => {
  it("NaN wins wherever it is (a later entry must not replace it)", () => {
    expect(normInf(f64([NaN, 1]))).toBeNaN();
    expect(normInf(f64([1, NaN]))).toBeNaN();
    expect(normInf(f64([-3, 2]))).toBe(3);
  });
});
