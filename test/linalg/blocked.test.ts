import { afterEach, describe, expect, it } from "vitest";
import { jit, linalg, np } from "nabla";
import { gemmUpdate, setWasmEnabled, type MatrixBlock } from "../../packages/nabla/src/array/index.js";
import { choleskyBlocked, luBlocked, solveTriangularBlocked, type TriangularOptions } from "../../packages/nabla/src/linalg/blocked.js";
import { uniformFrom } from "../helpers.js";

// The blocked factorizations where their blocking begins: sizes just below and above
// the block sizes (triangular solves recurse above 16 rows with 8 or more right-hand
// sides, Cholesky steps 32 columns, LU recurses above 8 columns, the tridiagonal
// reduction takes panels of 32), ragged last blocks, pivots that cross block
// boundaries, ill-conditioned matrices. Residuals are measured against n·ε·‖·‖ bounds.

const SEED = 20250117;
const EPS = 2 ** -52;

afterEach(() => setWasmEnabled(true));

const randomMatrix = (seed: number, rows: number, cols: number) => {
  const u = uniformFrom(seed);
  return Float64Array.from({ length: rows * cols }, () => u() - 0.5);
};

/** C = op(A)·op(B) for dense row-major operands (a reference, summed in order). */
function product(A: Float64Array, B: Float64Array, m: number, k: number, n: number, ta = false, tb = false): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
      C[i * n + j] = s;
    }
  }
  return C;
}

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);

function firstDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return x.length === y.length ? -1 : x.length;
}

describe("gemmUpdate: C ← C − op(A)·op(B) on blocks", () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [9, 8, 8], [17, 33, 5], [40, 7, 41], [64, 300, 12], [5, 260, 70]];
  const cases = shapes.flatMap((s) => [false, true].flatMap((ta) => [false, true].map((tb) => [s, ta, tb] as const)));

  it("matches the product summed in order, for every transpose, at offsets and leading dimensions", () => {
    for (const [[m, k, n], ta, tb] of cases) {
      const A = randomMatrix(SEED + m, ta ? k : m, ta ? m : k);
      const B = randomMatrix(SEED + n, tb ? n : k, tb ? k : n);
      // Each operand inside a bigger matrix: 3 spare columns, an offset of one row and 2.
      const embed = (x: Float64Array, rows: number, cols: number): MatrixBlock => {
        const ld = cols + 3;
        const data = new Float64Array((rows + 1) * ld + 2).fill(NaN);
        for (let i = 0; i < rows; i++) data.set(x.subarray(i * cols, (i + 1) * cols), ld + 2 + i * ld);
        return { data, offset: ld + 2, ld };
      };
      const C0 = randomMatrix(SEED + k, m, n);
      const c = embed(C0, m, n);
      gemmUpdate(c, { ...embed(A, ta ? k : m, ta ? m : k), transposed: ta }, { ...embed(B, tb ? n : k, tb ? k : n), transposed: tb }, m, k, n);
      const P = product(A, B, m, k, n, ta, tb);
      const got = Float64Array.from({ length: m * n }, (_, i) => c.data[c.offset + Math.floor(i / n) * c.ld + (i % n)]!);
      const want = C0.map((x, i) => x - P[i]!);
      expect(firstDifference(got, want), `${m}×${k}·${k}×${n}, transposed ${ta}/${tb}`).toBe(-1);
      // Outside the block (padding and the other columns) stays as it was.
      expect(Number.isNaN(c.data[c.offset + n]!) && Number.isNaN(c.data[0]!)).toBe(true);
    }
  });

  it("WebAssembly and JavaScript give the same bits", () => {
    for (const [[m, k, n], ta, tb] of cases) {
      const A = randomMatrix(SEED + 1, ta ? k : m, ta ? m : k);
      const B = randomMatrix(SEED + 2, tb ? n : k, tb ? k : n);
      const run = () => {
        const C = randomMatrix(SEED + 3, m, n);
        gemmUpdate({ data: C, offset: 0, ld: n }, { data: A, offset: 0, ld: ta ? m : k, transposed: ta }, { data: B, offset: 0, ld: tb ? k : n, transposed: tb }, m, k, n);
        return C;
      };
      const wasm = run();
      setWasmEnabled(false);
      const js = run();
      setWasmEnabled(true);
      expect(firstDifference(wasm, js)).toBe(-1);
    }
  });
});

describe("blocked triangular solves", () => {
  const options: TriangularOptions[] = [false, true].flatMap((lower) =>
    [false, true].flatMap((transpose) => [false, true].map((unitDiagonal) => ({ lower, transpose, unitDiagonal }))),
  );

  it("small residuals below and above the recursion, all eight kinds", () => {
    for (const [n, k] of [[7, 3], [16, 8], [17, 8], [33, 20], [70, 9], [101, 64]] as const) {
      for (const o of options) {
        // A well-conditioned triangle: unit-sized diagonal, small off-diagonal entries.
        const T = randomMatrix(SEED + n, n, n).map((x) => x / n);
        for (let i = 0; i < n; i++) T[i * n + i] = 1 + Math.abs(T[i * n + i]!) * n;
        const inTriangle = (i: number, j: number) => (o.lower ? j < i : j > i);
        const opT = new Float64Array(n * n); // op(T) as read: its triangle (unit diagonal if asked)
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const [r, c] = o.transpose ? [j, i] : [i, j];
            opT[i * n + j] = r === c ? (o.unitDiagonal ? 1 : T[r * n + c]!) : inTriangle(r, c) ? T[r * n + c]! : 0;
          }
        }
        // The other triangle is garbage, and must not be read.
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && !inTriangle(i, j)) T[i * n + j] = NaN;
        const B = randomMatrix(SEED + k, n, k);
        const X = B.slice();
        solveTriangularBlocked(T, 0, n, n, X, 0, k, k, o);
        const r = maxDiff(product(opT, X, n, n, k), B);
        expect(r, `n ${n}, k ${k}, ${JSON.stringify(o)}`).toBeLessThan(4 * n * EPS * maxAbs(X));
      }
    }
  });
});

describe("blocked Cholesky", () => {
  /** M·Mᵀ + n·I: positive definite. */
  const spd = (seed: number, n: number) => {
    const M = randomMatrix(seed, n, n);
    const A = product(M, M, n, n, n, false, true);
    for (let i = 0; i < n; i++) A[i * n + i] = A[i * n + i]! + n;
    return A;
  };
  const lowerOf = (A: Float64Array, n: number) => A.map((x, i) => (i % n <= Math.floor(i / n) ? x : 0));

  it("L·Lᵀ = A to n·ε·‖A‖ below, at and past the block of 32, ragged last blocks", () => {
    for (const n of [1, 5, 31, 32, 33, 64, 65, 100]) {
      const A = spd(SEED + n, n);
      const L = lowerOf(A, n);
      expect(choleskyBlocked(L, n)).toBe(0);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(0);
      expect(maxDiff(product(L, L, n, n, n, false, true), A), `n ${n}`).toBeLessThan(2 * n * EPS * maxAbs(A));
    }
  });

  it("reports the first leading minor that is not positive, past the first block", () => {
    for (const bad of [3, 32, 33, 50]) {
      const n = 60;
      const A = spd(SEED + bad, n);
      // Minor `bad` loses positivity: its last diagonal entry drops far below the rest.
      A[(bad - 1) * n + bad - 1] = -1;
      expect(choleskyBlocked(lowerOf(A, n), n)).toBe(bad);
    }
  });

  it("an ill-conditioned matrix: Hilbert + 1e-10·I at n = 40 (condition number about 1e10)", () => {
    const n = 40;
    const A = Float64Array.from({ length: n * n }, (_, i) => 1 / (Math.floor(i / n) + (i % n) + 1) + (Math.floor(i / n) === i % n ? 1e-10 : 0));
    const L = lowerOf(A, n);
    expect(choleskyBlocked(L, n)).toBe(0);
    expect(maxDiff(product(L, L, n, n, n, false, true), A)).toBeLessThan(2 * n * EPS * maxAbs(A));
  });
});

describe("blocked LU with partial pivoting", () => {
  function check(A: Float64Array, m: number, n: number, label: string) {
    const lu = A.slice();
    const k = Math.min(m, n);
    const piv = new Int32Array(k);
    const perm = Int32Array.from({ length: m }, (_, i) => i);
    luBlocked(lu, m, n, piv, perm);
    const L = new Float64Array(m * k);
    const U = new Float64Array(k * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) L[i * k + j] = i === j ? 1 : j < i ? lu[i * n + j]! : 0;
    for (let i = 0; i < k; i++) for (let j = i; j < n; j++) U[i * n + j] = lu[i * n + j]!;
    // Partial pivoting: every multiplier at most 1 in magnitude.
    expect(maxAbs(L), label).toBeLessThanOrEqual(1);
    // piv and perm tell the same permutation.
    const fromPiv = Int32Array.from({ length: m }, (_, i) => i);
    piv.forEach((p, j) => ([fromPiv[j], fromPiv[p]] = [fromPiv[p]!, fromPiv[j]!]));
    expect(Array.from(perm), label).toEqual(Array.from(fromPiv));
    const PA = new Float64Array(m * n);
    for (let i = 0; i < m; i++) PA.set(A.subarray(perm[i]! * n, perm[i]! * n + n), i * n);
    expect(maxDiff(product(L, U, m, k, n), PA), label).toBeLessThan(4 * k * EPS * maxAbs(A) * Math.max(1, maxAbs(U) / maxAbs(A)));
    return { piv };
  }

  it("P·A = L·U on square, tall and wide matrices across the recursion", () => {
    for (const [m, n] of [[1, 1], [8, 8], [9, 9], [17, 17], [33, 33], [64, 64], [100, 100], [70, 40], [40, 70], [129, 9]] as const) {
      check(randomMatrix(SEED + m * n, m, n), m, n, `${m}×${n}`);
    }
  });

  it("pivots that cross block boundaries: the largest entry of each column sits far below", () => {
    const n = 90;
    const A = randomMatrix(SEED + 7, n, n);
    // Column j's largest entry at row (j + 45) mod n: every pivot comes from another block.
    for (let j = 0; j < n; j++) A[((j + 45) % n) * n + j] = 10 + j;
    const { piv } = check(A, n, n, "crossing pivots");
    expect(piv[0]).toBe(45);
    // Each interchange j ↔ j + 45 settles two columns: 45 of them.
    expect(Array.from(piv).filter((p, j) => p !== j).length).toBe(45);
  });

  it("ill-conditioned (condition number 1e12): solve's backward error is of order n·ε", () => {
    // U·diag(σ)·Vᵀ with random orthogonal U, V and σ from 1 down to 1e-12.
    const n = 70;
    const sigma = np.array(Float64Array.from({ length: n }, (_, i) => 10 ** ((-12 * i) / (n - 1))));
    const [U] = linalg.qr(np.array(randomMatrix(SEED + 20, n, n)).reshape([n, n]));
    const [V] = linalg.qr(np.array(randomMatrix(SEED + 21, n, n)).reshape([n, n]));
    const A = np.matmul(np.mul(U, sigma), np.swapaxes(V, 0, 1)).toFloat64Array();
    const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const x = linalg.solve(np.array(A).reshape([n, n]), np.array(b)).toFloat64Array();
    const r = product(A, x, n, n, 1).map((v, i) => v - b[i]!);
    // ‖b − A·x‖ / (‖A‖·‖x‖) in the ∞-norm, with ‖A‖∞ ≤ n·max|a|.
    expect(maxAbs(r) / (n * maxAbs(A) * maxAbs(x))).toBeLessThan(n * EPS);
    expect(maxAbs(x)).toBeGreaterThan(1e6); // the system is ill-conditioned indeed
  });
});

describe("eigh with the blocked tridiagonal reduction", () => {
  it("A·V = V·Λ and Vᵀ·V = I below, at and past the panel of 32, with a known spectrum", () => {
    for (const n of [3, 31, 32, 33, 34, 65, 97]) {
      const M = randomMatrix(SEED + n, n, n);
      const A = M.map((x, i) => x + M[(i % n) * n + Math.floor(i / n)]!);
      const [w, V] = linalg.eigh(np.array(A).reshape([n, n]));
      const Vd = V.toFloat64Array();
      const wd = w.toFloat64Array();
      const AV = product(A, Vd, n, n, n);
      const VL = Vd.map((x, i) => x * wd[i % n]!);
      const scale = maxAbs(A);
      expect(maxDiff(AV, VL) / scale, `n ${n}`).toBeLessThan(8 * n * EPS);
      const VtV = product(Vd, Vd, n, n, n, true, false);
      expect(maxDiff(VtV, Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0))), `n ${n}`).toBeLessThan(8 * n * EPS);
    }
    // A known spectrum: Q·diag(λ)·Qᵀ with a random orthogonal Q, λ spread over 1e-6..1e3.
    const n = 70;
    const lambda = Float64Array.from({ length: n }, (_, i) => 10 ** (-6 + (9 * i) / (n - 1)));
    const [Q] = linalg.qr(np.array(randomMatrix(SEED, n, n)).reshape([n, n]));
    const A = np.matmul(np.mul(Q, np.array(lambda)), np.swapaxes(Q, 0, 1));
    const w = linalg.eigvalsh(np.mul(0.5, np.add(A, np.swapaxes(A, 0, 1)))).toFloat64Array();
    expect(maxDiff(w, lambda)).toBeLessThan(8 * n * EPS * 1e3);
  });
});

describe("eager and jit run the same blocked kernels", () => {
  it("solve, cholesky, eigh and qr agree bit for bit past the block sizes", () => {
    const n = 75;
    const M = np.array(randomMatrix(SEED + 11, n, n)).reshape([n, n]);
    const S = np.add(np.matmul(M, np.swapaxes(M, 0, 1)), np.mul(n, np.eye(n)));
    const b = np.array(randomMatrix(SEED + 12, n, 9)).reshape([n, 9]);
    const f = (m: typeof M, s: typeof M, r: typeof b) => [linalg.solve(m, r), linalg.cholesky(s), linalg.eigh(s)[1], linalg.qr(m)[1]];
    const eager = f(M, S, b);
    const staged = jit(f)(M, S, b);
    eager.forEach((x, i) => expect(firstDifference(x.toFloat64Array(), staged[i]!.toFloat64Array()), `output ${i}`).toBe(-1));
  });
});
