import { describe, expect, it } from "vitest";
import { linalg, np } from "nabla";

// solve's singularity limit n·ε·max|a_ij|: the scan for max|a| keeps four running maxima
// and a tail, so every element must count wherever it sits (each lane, the tail, a matrix
// of a batch at an odd offset). Unit upper triangular matrices have pivots exactly 1, so
// one entry of 1e20 decides alone: the limit 33·ε·1e20 ≈ 7e5 exceeds the pivots.

const n = 33; // n² = 1089 = 4·272 + 1: one element in the tail
const BIG = 1e20;

/** The n×n identity with `big` at (i, j), i ≤ j (so still unit upper triangular when i < j). */
function identityWith(i: number, j: number, big: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let d = 0; d < n; d++) a[d * n + d] = 1;
  a[i * n + j] = big;
  return a;
}

describe("solve's pivot limit sees every |a_ij|", () => {
  it("a large entry in each of the four lanes makes the unit pivots singular; a modest one does not", () => {
    for (const j of [1, 2, 3, 4]) {
      expect(() => linalg.solve(np.array(identityWith(0, j, BIG)).reshape([n, n]), np.ones([n]))).toThrow(/solve: the matrix is singular: pivot 0 .* at most n·ε·max\|a\| = 7\.3\de\+5/);
      // 33·ε·1e3 ≈ 7e-12 < 1: solvable, and x = A⁻¹·1 is 1 − 1e3 in row 0, 1 elsewhere.
      const x = linalg.solve(np.array(identityWith(0, j, 1e3)).reshape([n, n]), np.ones([n])).toArray() as number[];
      expect(x[0]).toBe(1 - 1e3);
      expect(x.slice(1).every((v) => v === 1)).toBe(true);
    }
  });

  it("the last element (the scan's tail), also for the second matrix of a batch, at an odd offset", () => {
    expect(() => linalg.solve(np.array(identityWith(n - 1, n - 1, BIG)).reshape([n, n]), np.ones([n]))).toThrow(/pivot 0 .* 7\.3\de\+5/);
    const batch = new Float64Array(2 * n * n);
    batch.set(identityWith(0, 0, 1), 0);
    batch.set(identityWith(n - 1, n - 1, BIG), n * n);
    expect(() => linalg.solve(np.array(batch).reshape([2, n, n]), np.ones([2, n, 1]))).toThrow(/at most n·ε·max\|a\| = 7\.3\de\+5.*matrix 1 of the batch/);
  });
});
