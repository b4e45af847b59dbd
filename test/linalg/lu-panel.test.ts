import { describe, expect, it } from "vitest";
import { residentMatrix, wasmAvailable } from "../../packages/nabla/src/array/index.js";
import { firstDifference, uniformFrom } from "../helpers.js";

// The WebAssembly panel elimination (luPanelKernel) keeps a panel row's values past the
// pivot in registers for rows of fewer than 8 (an LU's panels are at most 8 wide), and
// loops for longer ones. Both must do the plain loop's multiplies and subtractions:
// compared bit for bit with it, for every row length and parity, a panel starting at an
// odd column, odd n (rows ld = n + 1 apart in WebAssembly memory), and zero multipliers.

const SEED = 20261203;

/** Gaussian elimination with partial pivoting on columns c0..c1 of the m×n row-major a, whole rows swapped (blocked.ts's luPanel). */
function plainPanel(a: Float64Array, m: number, n: number, c0: number, c1: number, piv: Int32Array): void {
  for (let j = c0; j < c1; j++) {
    let p = j;
    for (let i = j + 1; i < m; i++) if (Math.abs(a[i * n + j]!) > Math.abs(a[p * n + j]!)) p = i;
    piv[j] = p;
    for (let c = 0; c < n; c++) [a[j * n + c], a[p * n + c]] = [a[p * n + c]!, a[j * n + c]!];
    const pivot = a[j * n + j]!;
    if (pivot === 0) continue;
    for (let i = j + 1; i < m; i++) {
      const l = (a[i * n + j] = a[i * n + j]! / pivot);
      if (l === 0) continue;
      for (let c = j + 1; c < c1; c++) a[i * n + c] = a[i * n + c]! - l * a[j * n + c]!;
    }
  }
}

describe("the WebAssembly panel elimination", () => {
  it("gives the plain loop's bits and pivots for panels 1 to 12 wide, at column 0 and at an odd column, n even and odd", () => {
    expect(wasmAvailable()).toBe(true);
    for (const n of [24, 25]) {
      const m = n + 3; // tall: rows below the panel's last column
      for (const c0 of [0, 3]) {
        for (let width = 1; width <= 12 && c0 + width <= n; width++) {
          const u = uniformFrom(SEED + 100 * n + 10 * c0 + width);
          const A = Float64Array.from({ length: m * n }, () => u() - 0.5);
          for (let i = c0 + 2; i < m; i += 4) A[i * n + c0] = 0; // rows whose first multiplier is zero
          const expected = A.slice();
          const pivExpected = new Int32Array(n);
          plainPanel(expected, m, n, c0, c0 + width, pivExpected);
          const r = residentMatrix(A, m, n)!;
          const piv = new Int32Array(n);
          r.panel(c0, c0 + width, piv);
          const got = new Float64Array(m * n);
          r.finish(got);
          expect(firstDifference(got, expected), `n ${n}, columns ${c0}..${c0 + width}`).toBe(-1);
          expect(Array.from(piv.subarray(c0, c0 + width))).toEqual(Array.from(pivExpected.subarray(c0, c0 + width)));
        }
      }
    }
  });
});
