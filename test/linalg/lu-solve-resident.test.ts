import { afterEach, describe, expect, it } from "vitest";
import { linalg, np } from "nabla";
import { setWasmEnabled } from "../../packages/nabla/src/array/index.js";
import { luBlocked, luFactorWith, solveTriangularBlocked, type TriangularOptions } from "../../packages/nabla/src/linalg/blocked.js";
import { luFactor, luFactorSolve, luSolve } from "../../packages/nabla/src/linalg/kernels.js";
import { firstDifference, uniformFrom } from "../helpers.js";

// solve's shortcuts (issue 17): the LU's factors used where they were made (WebAssembly
// memory, rows ld ≥ n apart: n + 1 for odd n) instead of copied out, and the substitution
// for one right-hand side four rows at a time. Both must give the bits of the paths they
// replace: luFactor then luSolve, and the substitution one row at a time (the loop over k
// right-hand sides, whose every column does the same operations in the same order).

const SEED = 20261203;

afterEach(() => setWasmEnabled(true));

const randomMatrix = (seed: number, rows: number, cols: number) => {
  const u = uniformFrom(seed);
  return Float64Array.from({ length: rows * cols }, () => u() - 0.5);
};

describe("luFactorSolve: the factors left where they were made", () => {
  // Below the resident threshold (16), odd and even n (ld = n + 1 for odd n), past the panel of 8.
  for (const n of [5, 16, 17, 40, 67, 130]) {
    for (const wasm of [true, false]) {
      it(`n = ${n}, ${wasm ? "WebAssembly" : "JavaScript"}: the bits of luFactor then luSolve, both transposes, 1 and 3 right-hand sides, and the same factors seen by check`, () => {
        setWasmEnabled(wasm);
        const A = randomMatrix(SEED + n, n, n);
        const offset = 3; // A inside a bigger array
        const stored = new Float64Array(offset + n * n);
        stored.set(A, offset);
        const f = luFactor(A, 0, n);
        for (const k of [1, 3]) {
          for (const transpose of [false, true]) {
            const B = randomMatrix(SEED + 7 * k, n, k);
            const expected = luSolve(f, n, B.slice(), k, transpose);
            let seen: Float64Array | null = null;
            const x = luFactorSolve(stored, offset, n, B.slice(), k, transpose, (lu, ld) => {
              seen = Float64Array.from({ length: n * n }, (_, i) => lu[Math.floor(i / n) * ld + (i % n)]!);
            });
            expect(firstDifference(x, expected)).toBe(-1);
            expect(firstDifference(seen!, f.lu)).toBe(-1);
          }
        }
      });
    }
  }

  it("luFactorWith hands over the factors with their pivots (wide and tall too)", () => {
    for (const [m, n] of [[40, 25], [25, 40], [33, 33]] as const) {
      const A = randomMatrix(SEED + m * n, m, n);
      const k = Math.min(m, n);
      const [piv, perm] = [new Int32Array(k), Int32Array.from({ length: m }, (_, i) => i)];
      const copy = luFactorWith(A, 0, m, n, piv, perm, (lu, ld) => Float64Array.from({ length: m * n }, (_, i) => lu[Math.floor(i / n) * ld + (i % n)]!));
      const [lu, piv2, perm2] = [A.slice(), new Int32Array(k), Int32Array.from({ length: m }, (_, i) => i)];
      luBlocked(lu, m, n, piv2, perm2);
      expect(firstDifference(copy, lu)).toBe(-1);
      expect(Array.from(piv)).toEqual(Array.from(piv2));
      expect(Array.from(perm)).toEqual(Array.from(perm2));
      // P·A = L·U to rounding: row i of P·A is row perm[i] of A.
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p <= Math.min(i, j, k - 1); p++) s += (p === i ? 1 : copy[i * n + p]!) * copy[p * n + j]!;
          worst = Math.max(worst, Math.abs(s - A[perm[i]! * n + j]!));
        }
      }
      expect(worst).toBeLessThan(k * 2 ** -52 * 8);
    }
  });

  it("solve still reports a singular matrix (the pivot check reads the factors in place), and a NaN still passes through", () => {
    const n = 33; // odd: rows of 34 in WebAssembly memory
    const A = randomMatrix(SEED, n, n);
    for (let j = 0; j < n; j++) A[20 * n + j] = A[3 * n + j]! * 2; // row 20 = 2·row 3
    expect(() => linalg.solve(np.array(A).reshape([n, n]), np.ones([n]))).toThrow(/solve: the matrix is singular: pivot \d+/);
    const B = randomMatrix(SEED + 1, n, n);
    B[5] = NaN;
    const x = linalg.solve(np.array(B).reshape([n, n]), np.ones([n])).toArray() as number[];
    expect(x.some((v) => Number.isNaN(v))).toBe(true);
  });
});

describe("substitution for one right-hand side, four rows at a time", () => {
  const kinds: TriangularOptions[] = [];
  for (const lower of [true, false]) for (const transpose of [false, true]) for (const unitDiagonal of [false, true]) kinds.push({ lower, transpose, unitDiagonal });
  it("gives the bits of the column-by-column loop, all eight kinds, n from 1 to 23 and 50, with zeros in T skipped as before", () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 23, 50]) {
      const ld = n + 2; // T inside a wider matrix, at an offset
      const T = randomMatrix(SEED + n, n + 1, ld);
      for (let i = 0; i < n; i++) T[ld + i * ld + i] = 1 + (i % 3); // a safe diagonal
      for (let i = 0; i < T.length; i += 5) T[i] = 0;
      const b = randomMatrix(SEED - n, n, 1);
      for (const o of kinds) {
        const one = b.slice();
        solveTriangularBlocked(T, ld, ld, n, one, 0, 1, 1, o);
        // Two identical columns: solveTriangularUnblocked's loop over k (k < 8 stays unblocked).
        const two = Float64Array.from({ length: 2 * n }, (_, i) => b[i >> 1]!);
        solveTriangularBlocked(T, ld, ld, n, two, 0, 2, 2, o);
        expect(firstDifference(one, Float64Array.from({ length: n }, (_, i) => two[2 * i]!))).toBe(-1);
      }
    }
  });
});
