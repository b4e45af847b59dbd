import { describe, expect, it } from "vitest";
import { secularRoot, secularRoots } from "../../packages/nabla/src/linalg/secular.js";
import { secularVectors } from "../../packages/nabla/src/linalg/secular-vectors.js";
import { uniformFrom } from "../helpers.js";

// secular.ts takes the roots two at a time (their iterations in step, one pass over the
// poles evaluating g for both) and Löwner's products two rows at a time, for speed, with
// each root's and each row's arithmetic unchanged. Held here to that: the same bits as one
// root at a time (secularRoot) and as a plain loop of the one-row formulas, on odd and
// even sizes (the last root pairs with its neighbour, or goes alone), close poles and
// weights over many binades included.

const SEED = 20261203;

/** A secular problem: k ascending poles (some pairs within `spacing`·1e-9 of each other) and unit z with weights over many binades. */
function problem(k: number, spacing: number, seed: number): { d: Float64Array; z: Float64Array } {
  const next = uniformFrom(seed);
  const d = Float64Array.from({ length: k }, (_, i) => i * spacing + (i % 3 === 1 ? spacing * 1e-9 * next() : next() * spacing * 0.5));
  d.sort();
  const z = Float64Array.from({ length: k }, () => (next() - 0.5) * 2 ** -Math.floor(30 * next()));
  const zn = Math.hypot(...z);
  z.forEach((x, i) => (z[i] = x / zn));
  return { d, z };
}

/** secularVectors' U by the one-row formulas, one row after another (as it was written before rows were paired). */
function referenceVectors(d: Float64Array, z: Float64Array, rho: number, pole: Int32Array, tau: Float64Array, rowOf: Int32Array): Float64Array {
  const k = d.length;
  const U = new Float64Array(k * k);
  const base = Float64Array.from(pole, (K) => d[K]!);
  const sumSquares = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const row = rowOf[j]! * k;
    const dj = d[j]!;
    let product = 1;
    for (let i = 0; i < k; i++) {
      const gap = base[i]! - dj + tau[i]!;
      U[row + i] = 1 / gap;
      product *= i === j ? gap : gap / (d[i]! - dj);
    }
    const zj = Math.sqrt(product / rho) * (z[j]! < 0 ? -1 : 1);
    for (let i = 0; i < k; i++) {
      const u = zj * U[row + i]!;
      U[row + i] = u;
      sumSquares[i] = sumSquares[i]! + u * u;
    }
  }
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) U[rowOf[j]! * k + i] = U[rowOf[j]! * k + i]! * (1 / Math.sqrt(sumSquares[i]!));
  return U;
}

describe("the secular equation, two roots and two rows at a time", () => {
  const cases = [1, 2, 3, 4, 7, 40, 41, 120, 121].flatMap((k) => [[k, 1] as const, [k, 1e-7] as const]);

  it("gives each root the same bits as solving it alone", () => {
    for (const [k, spacing] of cases) {
      const seed = SEED + k + (spacing < 1 ? 1000 : 0);
      const { d, z } = problem(k, spacing, seed);
      const rho = 0.625;
      const { pole, tau } = secularRoots(d, z, rho);
      for (let i = 0; i < k; i++) {
        const alone = secularRoot(d, z, rho, i);
        expect(pole[i], `seed ${seed}, k ${k}: root ${i}'s pole`).toBe(alone.pole);
        expect(Object.is(tau[i], alone.tau), `seed ${seed}, k ${k}: root ${i}'s τ ${tau[i]} against ${alone.tau}`).toBe(true);
      }
      // And they are the roots: ascending, each between its poles (beyond the last for the last one).
      for (let i = 0; i < k; i++) {
        const lambda = d[pole[i]!]! + tau[i]!;
        expect(lambda, `seed ${seed}, k ${k}: root ${i} above d[${i}]`).toBeGreaterThanOrEqual(d[i]!);
        if (i + 1 < k) expect(lambda, `seed ${seed}, k ${k}: root ${i} below d[${i + 1}]`).toBeLessThanOrEqual(d[i + 1]!);
      }
    }
  });

  it("gives the eigenvectors the same bits as the one-row loop, in any row order", () => {
    for (const [k, spacing] of cases) {
      const seed = SEED + k + (spacing < 1 ? 1000 : 0);
      const { d, z } = problem(k, spacing, seed);
      const rho = 0.625;
      const { pole, tau } = secularRoots(d, z, rho);
      // A row order that is not the identity: reversed halves, as callers group rows.
      const rowOf = Int32Array.from({ length: k }, (_, j) => (j < k >> 1 ? (k >> 1) - 1 - j : j));
      const U = new Float64Array(k * k);
      secularVectors(d, z, rho, { pole, tau }, U, rowOf);
      const expected = referenceVectors(d, z, rho, pole, tau, rowOf);
      const differing = U.reduce((count, x, at) => count + (Object.is(x, expected[at]) ? 0 : 1), 0);
      expect(differing, `seed ${seed}, k ${k}, spacing ${spacing}: entries differing from the one-row loop`).toBe(0);
    }
  });
});
