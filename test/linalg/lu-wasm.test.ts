import { afterEach, describe, expect, it } from "vitest";
import { linalg, np } from "nabla";
import { residentMatrix, setThreads, setWasmEnabled, wasmAvailable } from "../../packages/nabla/src/array/index.js";
import { luBlocked, maxAbs } from "../../packages/nabla/src/linalg/blocked.js";
import { firstDifference, uniformFrom } from "../helpers.js";

// The LU kept resident in WebAssembly memory (array/wasm/lu.ts: the panel's elimination,
// the substitutions and the products' subtraction as kernels) against the JavaScript
// path it replaces: the same bits for every shape (the kernels do the JavaScript loops'
// operations in their order), pivots as getrf's, residuals within the rounding-error
// bound of Gaussian elimination, singular matrices and NaNs as the JavaScript path.

const SEED = 20261202;
const EPS = 2 ** -52;

afterEach(() => {
  setWasmEnabled(true);
  setThreads(2);
});

interface Factors {
  lu: Float64Array;
  piv: Int32Array;
  perm: Int32Array;
}

const randomMatrix = (seed: number, rows: number, cols: number) => {
  const u = uniformFrom(seed);
  return Float64Array.from({ length: rows * cols }, () => u() - 0.5);
};

/** luBlocked on a copy of A, with WebAssembly on or off. */
function factor(A: Float64Array, m: number, n: number, wasm: boolean): Factors {
  setWasmEnabled(wasm);
  const lu = A.slice();
  const piv = new Int32Array(Math.min(m, n));
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  luBlocked(lu, m, n, piv, perm);
  setWasmEnabled(true);
  return { lu, piv, perm };
}

/** Textbook Gaussian elimination with partial pivoting (Golub & Van Loan Alg. 3.4.1), unblocked: the reference pivots. */
function referencePivots(A: Float64Array, m: number, n: number): Int32Array {
  const a = A.slice();
  const k = Math.min(m, n);
  const piv = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    let p = j;
    for (let i = j + 1; i < m; i++) if (Math.abs(a[i * n + j]!) > Math.abs(a[p * n + j]!)) p = i;
    piv[j] = p;
    for (let c = 0; c < n; c++) [a[j * n + c], a[p * n + c]] = [a[p * n + c]!, a[j * n + c]!];
    if (a[j * n + j] === 0) continue;
    for (let i = j + 1; i < m; i++) {
      const l = (a[i * n + j]! /= a[j * n + j]!);
      for (let c = j + 1; c < n; c++) a[i * n + c]! -= l * a[j * n + c]!;
    }
  }
  return piv;
}

/**
 * max |P·A − L·U|_ij / (|L|·|U|)_ij: Gaussian elimination in floating point gives
 * |P·A − L·U| ≤ γ_k·|L|·|U| elementwise, γ_k = kε/(1 − kε) (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., Thm 9.3), whatever the order of the sums.
 * Returned in units of k·ε; also the normwise ‖P·A − L·U‖_max / (k·ε·‖A‖_max).
 */
function residuals(A: Float64Array, m: number, n: number, { lu, perm }: Factors): { elementwise: number; normwise: number } {
  const k = Math.min(m, n);
  let elementwise = 0;
  let worst = 0;
  let normA = 0;
  for (const x of A) normA = Math.max(normA, Math.abs(x));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let sAbs = 0;
      for (let p = 0; p <= Math.min(i, j, k - 1); p++) {
        const l = p === i ? 1 : lu[i * n + p]!;
        const t = l * lu[p * n + j]!;
        s += t;
        sAbs += Math.abs(t);
      }
      const r = Math.abs(A[perm[i]! * n + j]! - s);
      worst = Math.max(worst, r);
      if (r > 0) elementwise = Math.max(elementwise, r / sAbs);
    }
  }
  const unit = Math.max(1, k) * EPS;
  return { elementwise: elementwise / unit, normwise: worst / (unit * Math.max(normA, Number.MIN_VALUE)) };
}

/** Where WebAssembly and JavaScript factors differ (−1 for none), with the shape for the message. */
function sameBits(a: Factors, b: Factors): boolean {
  return firstDifference(a.lu, b.lu) === -1 && firstDifference(a.piv, b.piv) === -1 && firstDifference(a.perm, b.perm) === -1;
}

// Below min(m, n) = 16 both paths are JavaScript (blocked.ts keeps small LUs there); the
// small sizes still check the residuals and pivots.
const SQUARE = [1, 2, 7, 8, 9, 16, 17, 33, 100, 257, 500];
const RECTANGULAR: [number, number][] = [[40, 17], [17, 40], [300, 120], [120, 301], [257, 16], [16, 257], [257, 9], [9, 257], [501, 64], [64, 501]];
const SHAPES: [number, number][] = [...SQUARE.map((n): [number, number] => [n, n]), ...RECTANGULAR];

describe("LU resident in WebAssembly memory", () => {
  it("runs here (Node has WebAssembly SIMD), so the comparisons below compare two paths", () => {
    expect(wasmAvailable()).toBe(true);
  });

  it("WebAssembly and JavaScript give the same bits: lu, piv and perm, for square, tall and wide shapes", () => {
    for (const [m, n] of SHAPES) {
      const seed = SEED + 7 * m + n;
      const A = randomMatrix(seed, m, n);
      expect(sameBits(factor(A, m, n, true), factor(A, m, n, false)), `seed ${seed}, ${m}×${n}`).toBe(true);
    }
  });

  it("the same bits on one thread and two (the products split with the worker)", () => {
    const [m, n] = [500, 500];
    const A = randomMatrix(SEED, m, n);
    const js = factor(A, m, n, false);
    setThreads(1);
    expect(sameBits(factor(A, m, n, true), js), `seed ${SEED}, ${m}×${n}, one thread`).toBe(true);
    setThreads(2);
    for (let i = 0; i < 3; i++) expect(sameBits(factor(A, m, n, true), js), `seed ${SEED}, ${m}×${n}, two threads, run ${i}`).toBe(true);
  });

  it("P·A = L·U within Gaussian elimination's bound: |P·A − L·U| ≤ γ_k·|L|·|U|, and ‖P·A − L·U‖_max ≤ 4·k·ε·‖A‖_max", () => {
    for (const [m, n] of SHAPES) {
      const seed = SEED + 11 * m + n;
      const A = randomMatrix(seed, m, n);
      const r = residuals(A, m, n, factor(A, m, n, true));
      // γ_k/(kε) = 1/(1 − kε), a hair above 1.
      expect(r.elementwise, `seed ${seed}, ${m}×${n}: elementwise residual in units of kε`).toBeLessThanOrEqual(1 + 1e-12);
      expect(r.normwise, `seed ${seed}, ${m}×${n}: normwise residual in units of kε‖A‖`).toBeLessThanOrEqual(4);
    }
  });

  it("pivots as getrf's: the largest |entry| of each reduced column (|L| ≤ 1), the unblocked elimination's choices", () => {
    for (const [m, n] of SHAPES) {
      const seed = SEED + 13 * m + n;
      const A = randomMatrix(seed, m, n);
      const f = factor(A, m, n, true);
      const k = Math.min(m, n);
      let maxL = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < Math.min(i, k); j++) maxL = Math.max(maxL, Math.abs(f.lu[i * n + j]!));
      expect(maxL, `seed ${seed}, ${m}×${n}: largest multiplier`).toBeLessThanOrEqual(1);
      expect(firstDifference(f.piv, referencePivots(A, m, n)), `seed ${seed}, ${m}×${n}: first pivot unlike the unblocked elimination's`).toBe(-1);
      for (let j = 0; j < k; j++) expect(f.piv[j]!, `seed ${seed}, ${m}×${n}: piv[${j}]`).toBeGreaterThanOrEqual(j);
    }
  });

  it("singular matrices: a zero matrix, zero columns at block boundaries (skipped, as getrf), rank-deficient products", () => {
    const n = 100;
    const zero = factor(new Float64Array(n * n), n, n, true);
    expect(zero.lu.every((x) => x === 0)).toBe(true);
    expect(Array.from(zero.piv)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(sameBits(zero, factor(new Float64Array(n * n), n, n, false))).toBe(true);

    // Zero columns where panels and halves begin and end: their steps find no pivot.
    const A = randomMatrix(SEED + 1, n, n);
    const zeroColumns = [0, 7, 8, 25, 49, 50, 99];
    for (let i = 0; i < n; i++) for (const j of zeroColumns) A[i * n + j] = 0;
    const f = factor(A, n, n, true);
    expect(sameBits(f, factor(A, n, n, false)), `seed ${SEED + 1}, zero columns ${zeroColumns.join(",")}`).toBe(true);
    for (const j of zeroColumns) expect(f.lu[j * n + j], `U[${j}][${j}]`).toBe(0);
    expect(residuals(A, n, n, f).elementwise, `seed ${SEED + 1}, zero columns`).toBeLessThanOrEqual(1 + 1e-12);

    // Rank r: A = X·Y with X n×r, Y r×n. U's trailing diagonal is rounding-level.
    for (const [m, cols, r] of [[120, 120, 30], [200, 90, 10], [90, 200, 45]] as const) {
      const seed = SEED + r;
      const X = randomMatrix(seed, m, r);
      const Y = randomMatrix(seed + 1, r, cols);
      const B = new Float64Array(m * cols);
      for (let i = 0; i < m; i++) for (let p = 0; p < r; p++) for (let j = 0; j < cols; j++) B[i * cols + j]! += X[i * r + p]! * Y[p * cols + j]!;
      const g = factor(B, m, cols, true);
      expect(sameBits(g, factor(B, m, cols, false)), `seed ${seed}, ${m}×${cols} of rank ${r}`).toBe(true);
      expect(residuals(B, m, cols, g).normwise, `seed ${seed}, ${m}×${cols} of rank ${r}`).toBeLessThanOrEqual(4);
      let tail = 0;
      for (let j = r; j < Math.min(m, cols); j++) tail = Math.max(tail, Math.abs(g.lu[j * cols + j]!));
      expect(tail, `seed ${seed}, ${m}×${cols} of rank ${r}: U's diagonal past r`).toBeLessThan(1e-12);
    }
  });

  it("a NaN propagates (no pivot is chosen for being NaN), the same in both paths", () => {
    for (const [m, n, at] of [[100, 100, 37 * 100 + 60], [33, 70, 5], [257, 257, 256 * 257 + 256]] as const) {
      const A = randomMatrix(SEED + at, m, n);
      A[at] = NaN;
      const f = factor(A, m, n, true);
      expect(sameBits(f, factor(A, m, n, false)), `seed ${SEED + at}, ${m}×${n}, NaN at ${at}`).toBe(true);
      expect(f.lu.some(Number.isNaN), `${m}×${n}, NaN at ${at}`).toBe(true);
    }
    const x = linalg.solve(np.array([[1, 2], [NaN, 4]]), np.array([1, 1])).toArray() as number[];
    expect(x.every(Number.isNaN)).toBe(true);
  });

  it("linalg.solve at n = 500: the residual ‖A·x − b‖ is at rounding level, the same x with WebAssembly off", () => {
    const n = 500;
    const A = randomMatrix(SEED + 5, n, n);
    const b = randomMatrix(SEED + 6, n, 1);
    const solve = () => linalg.solve(np.array(A).reshape([n, n]), np.array(b)).toArray() as number[];
    const x = solve();
    setWasmEnabled(false);
    const xJs = solve();
    setWasmEnabled(true);
    expect(firstDifference(x, xJs), `seed ${SEED + 5}`).toBe(-1);
    let r = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      let sAbs = 0;
      for (let j = 0; j < n; j++) {
        s += A[i * n + j]! * x[j]!;
        sAbs += Math.abs(A[i * n + j]! * x[j]!);
      }
      r = Math.max(r, Math.abs(s - b[i]!));
      scale = Math.max(scale, sAbs);
    }
    expect(r / (n * EPS * scale), `seed ${SEED + 5}: backward error in units of nε`).toBeLessThanOrEqual(4);
  });

  it("residentMatrix.maxAbs is max |a_ij| as the JavaScript scan gives it: odd widths (zero padding), few pairs, NaN and ±∞", () => {
    for (const [m, n] of [[1, 2], [3, 3], [7, 5], [41, 37], [64, 64]] as const) {
      const A = randomMatrix(SEED + m * n, m, n);
      const cases: [string, (B: Float64Array) => void][] = [
        ["random", () => undefined],
        ["the largest negative, last", (B) => (B[m * n - 1] = -1e300)],
        ["a NaN", (B) => (B[(m * n) >> 1] = NaN)],
        ["−∞ first", (B) => (B[0] = -Infinity)],
        ["all zero", (B) => B.fill(0)],
      ];
      for (const [what, change] of cases) {
        const B = A.slice();
        change(B);
        const want = maxAbs(B, 0, m * n);
        const got = residentMatrix(B, m, n)!.maxAbs();
        expect(Object.is(got, want), `seed ${SEED + m * n}, ${m}×${n}, ${what}: ${got} against ${want}`).toBe(true);
      }
    }
    expect(maxAbs(Float64Array.of(1, -3, NaN, 2), 0, 4)).toBeNaN();
    expect(maxAbs(Float64Array.of(9, 1, -3, 2), 1, 3)).toBe(3); // from the offset on
  });

  it("linalg.solve's singularity test measures pivots against max |A| scanned in WebAssembly: a rank-deficient 40×40 is refused, the same with WebAssembly off", () => {
    const n = 40;
    const A = randomMatrix(SEED + 11, n, n);
    for (let j = 0; j < n; j++) A[39 * n + j] = 2 * A[3 * n + j]! - A[17 * n + j]!; // row 39 = 2·row 3 − row 17
    const solve = () => linalg.solve(np.array(A).reshape([n, n]), np.ones([n]));
    expect(solve).toThrow(/singular/);
    setWasmEnabled(false);
    expect(solve).toThrow(/singular/);
  });

  it("residentMatrix.update subtracts the product on its block only (odd widths, the last row and column), and finish copies back", () => {
    const [m, n] = [41, 37];
    const A = randomMatrix(SEED + 9, m, n);
    // C at (ci, cj), rows×cols; its A the columns 0..k of C's rows, its B the rows 0..k of
    // C's columns (ci, cj ≥ k: no overlap with C). The last is small: in JavaScript.
    for (const [ci, cj, rows, k, cols] of [[10, 11, 20, 9, 13], [12, 14, 29, 12, 23], [30, 30, 11, 18, 7], [20, 20, 3, 2, 4]] as const) {
      const out = A.slice();
      const r = residentMatrix(out, m, n);
      expect(r).not.toBeNull();
      const ld = r!.ld;
      r!.update(ci * ld + cj, ci * ld, cj, rows, k, cols);
      r!.finish();
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let want = A[i * n + j]!;
          if (i >= ci && i < ci + rows && j >= cj && j < cj + cols) {
            let s = 0;
            for (let p = 0; p < k; p++) s += A[i * n + p]! * A[p * n + j]!;
            want -= s;
          }
          expect(Object.is(out[i * n + j], want), `seed ${SEED + 9}, block (${ci}, ${cj}) ${rows}×${k}·${k}×${cols}: entry (${i}, ${j})`).toBe(true);
        }
      }
    }
  });
});
