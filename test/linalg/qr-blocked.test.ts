import { afterEach, describe, expect, it } from "vitest";
import { linalg, np } from "nabla";
import { setWasmEnabled } from "../../packages/nabla/src/array/index.js";
import { householderQR } from "../../packages/nabla/src/linalg/kernels.js";
import { blockedQR, type QROptions } from "../../packages/nabla/src/linalg/qr.js";
import { firstDifference, uniformFrom } from "../helpers.js";

// The blocked Householder QR (packages/nabla/src/linalg/qr.ts) where its blocking begins
// and ends: panels of 32 columns, panels split in halves down to 8 columns, small
// matrices (m·n² ≤ 32³) unblocked. Checked by properties with n·ε bounds (Q·R = A,
// QᵀQ = I, R upper triangular with R_ii ≥ 0) and against the unblocked algorithm below,
// the kernel as it was before blocking. Every failure names its seed and shape.

const SEED = 20261202;
const EPS = 2 ** -52;
/** The constant c in the bounds ‖Q·R − A‖ ≤ c·n·ε·‖A‖ and ‖QᵀQ − I‖ ≤ c·n·ε (Frobenius). */
const C = 4;
/**
 * Agreement with the unblocked algorithm: both are backward stable, and for a full-rank
 * A the factors with R_ii > 0 are unique, so they differ by about κ(A)·ε. The seeded
 * uniform matrices here have κ below 1e4; 1e-9 (relative to ‖A‖ for R) leaves room.
 */
const AGREE = 1e-9;

afterEach(() => setWasmEnabled(true));

const randomMatrix = (seed: number, m: number, n: number, scale = 1) => {
  const u = uniformFrom(seed);
  return Float64Array.from({ length: m * n }, () => scale * (u() - 0.5));
};

/** The kernel before blocking, unchanged: Householder on the transpose, R_ii ≥ 0. */
function unblockedQR(a: Float64Array, m: number, n: number): { Q: Float64Array; R: Float64Array } {
  const W = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) W[j * m + i] = a[i * n + j]!;
  const V = new Float64Array(n * m);
  const betas = new Float64Array(n);
  const R = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const col = k * m;
    let largest = 0;
    for (let i = k; i < m; i++) largest = Math.max(largest, Math.abs(W[col + i]!));
    const unit = largest > 0 && largest < Infinity ? 2 ** Math.floor(Math.log2(largest)) : 1;
    let tail = 0;
    for (let i = k + 1; i < m; i++) tail += (W[col + i]! / unit) ** 2;
    const x0 = W[col + k]! / unit;
    if (tail === 0) {
      R[k * n + k] = x0 * unit;
    } else {
      const norm = Math.sqrt(x0 * x0 + tail);
      const alpha = x0 > 0 ? -norm : norm;
      const v0 = x0 - alpha;
      V[col + k] = v0;
      for (let i = k + 1; i < m; i++) V[col + i] = W[col + i]! / unit;
      const beta = 2 / (v0 * v0 + tail);
      betas[k] = beta;
      R[k * n + k] = alpha * unit;
      for (let j = k + 1; j < n; j++) {
        const cj = j * m;
        let s = 0;
        for (let i = k; i < m; i++) s += V[col + i]! * W[cj + i]!;
        s *= beta;
        for (let i = k; i < m; i++) W[cj + i] = W[cj + i]! - s * V[col + i]!;
      }
    }
    for (let j = k + 1; j < n; j++) R[k * n + j] = W[j * m + k]!;
  }
  const Qt = new Float64Array(n * m);
  for (let c = 0; c < n; c++) Qt[c * m + c] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const col = k * m;
    for (let c = k; c < n; c++) {
      const qc = c * m;
      let s = 0;
      for (let i = k; i < m; i++) s += V[col + i]! * Qt[qc + i]!;
      s *= beta;
      for (let i = k; i < m; i++) Qt[qc + i] = Qt[qc + i]! - s * V[col + i]!;
    }
  }
  const Q = new Float64Array(m * n);
  for (let c = 0; c < n; c++) {
    const flip = R[c * n + c]! < 0 ? -1 : 1;
    for (let j = c; j < n; j++) R[c * n + j] = R[c * n + j]! * flip;
    for (let i = 0; i < m; i++) Q[i * n + c] = flip * Qt[c * m + i]!;
  }
  return { Q, R };
}

const maxAbs = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => Math.max(s, Math.abs(v)), 0);
const maxDiff = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((s, v, i) => Math.max(s, Math.abs(v - y[i]!)), 0);

/** Frobenius norm, scaled by the largest entry so that entries of 1e±200 neither over- nor underflow. */
function fro(x: ArrayLike<number>): number {
  const s = maxAbs(x);
  if (s === 0) return 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i]! / s) ** 2;
  return s * Math.sqrt(sum);
}

/** Q·R − A (Q m×n, R n×n upper triangular). */
function residual(Q: Float64Array, R: Float64Array, A: Float64Array, m: number, n: number): Float64Array {
  const D = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p <= j; p++) s += Q[i * n + p]! * R[p * n + j]!;
      D[i * n + j] = s - A[i * n + j]!;
    }
  }
  return D;
}

/** QᵀQ − I. */
function gramDefect(Q: Float64Array, m: number, n: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let p = 0; p < n; p++) {
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += Q[i * n + p]! * Q[i * n + q]!;
      D[p * n + q] = s - (p === q ? 1 : 0);
    }
  }
  return D;
}

/** The properties every QR must have: reconstruction, orthogonality, R's shape and signs. */
function expectQR(label: string, A: Float64Array, m: number, n: number, { Q, R }: { Q: Float64Array; R: Float64Array }): void {
  expect(Q.length, `${label}: Q's size`).toBe(m * n);
  expect(R.length, `${label}: R's size`).toBe(n * n);
  const k = Math.max(n, 1);
  expect(fro(residual(Q, R, A, m, n)), `${label}: ‖Q·R − A‖`).toBeLessThanOrEqual(C * k * EPS * fro(A));
  expect(fro(gramDefect(Q, m, n)), `${label}: ‖QᵀQ − I‖`).toBeLessThanOrEqual(C * k * EPS);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) expect(R[i * n + j], `${label}: R[${i}, ${j}] below the diagonal`).toBe(0);
    expect(R[i * n + i], `${label}: R[${i}, ${i}]`).toBeGreaterThanOrEqual(0);
  }
}

/** Agreement with the unblocked algorithm, for full-rank A: Q entrywise, R relative to ‖A‖. */
function expectAgrees(label: string, A: Float64Array, m: number, n: number, got: { Q: Float64Array; R: Float64Array }): void {
  const ref = unblockedQR(A, m, n);
  expect(maxDiff(got.Q, ref.Q), `${label}: Q against the unblocked algorithm`).toBeLessThanOrEqual(AGREE);
  expect(maxDiff(got.R, ref.R), `${label}: R against the unblocked algorithm`).toBeLessThanOrEqual(AGREE * maxAbs(A));
}

describe("blocked Householder QR", () => {
  // Default tuning: panels of 32 split down to 8; unblocked when m·n² ≤ 32³.
  const shapes: [number, number][] = [
    [33, 33], [64, 64], [65, 65], [97, 97], [150, 150], [40, 31], // square, n = NB+1, 2·NB, 2·NB+1, ragged
    [100, 31], [100, 32], [100, 33], [200, 5], [70, 63], // n < NB, n = NB, NB ± 1
    [400, 40], [1000, 20], [300, 70], [129, 128], // tall, m = n + 1
  ];

  it("Q·R = A, QᵀQ = I, R upper triangular with R_ii ≥ 0, and agrees with the unblocked algorithm", () => {
    for (const [m, n] of shapes) {
      const seed = SEED + m * 1000 + n;
      const A = randomMatrix(seed, m, n);
      const label = `seed ${seed}, ${m}×${n}`;
      const got = blockedQR(A, 0, m, n);
      expectQR(label, A, m, n, got);
      expectAgrees(label, A, m, n, got);
    }
  });

  it("every panel width and recursion depth on small matrices (forced blocked)", () => {
    const options: QROptions[] = [
      { nb: 1, base: 1 }, { nb: 2, base: 1 }, { nb: 3, base: 2 }, { nb: 5, base: 2 },
      { nb: 8, base: 3 }, { nb: 7, base: 7 }, { nb: 64, base: 8 }, { nb: 13, base: 4 },
    ];
    const small: [number, number][] = [[1, 1], [2, 1], [5, 5], [7, 5], [12, 12], [20, 9], [30, 17], [9, 8]];
    for (const o of options) {
      for (const [m, n] of small) {
        const seed = SEED + 7 * m + n;
        const A = randomMatrix(seed, m, n);
        const label = `seed ${seed}, ${m}×${n}, nb ${o.nb}, base ${o.base}`;
        const got = blockedQR(A, 0, m, n, { ...o, unblockedWork: 0 });
        expectQR(label, A, m, n, got);
        expectAgrees(label, A, m, n, got);
      }
    }
  });

  it("the unblocked path for small matrices is the old kernel, bit for bit", () => {
    for (const [m, n] of [[1, 1], [3, 2], [8, 8], [20, 10], [32, 32], [128, 16]] as const) {
      const seed = SEED + 31 * m + n;
      const A = randomMatrix(seed, m, n);
      const got = blockedQR(A, 0, m, n);
      const ref = unblockedQR(A, m, n);
      expect(firstDifference(got.Q, ref.Q), `seed ${seed}, ${m}×${n}: Q`).toBe(-1);
      expect(firstDifference(got.R, ref.R), `seed ${seed}, ${m}×${n}: R`).toBe(-1);
    }
  });

  it("in JavaScript alone (no WebAssembly), the same properties", () => {
    setWasmEnabled(false);
    for (const [m, n] of [[100, 33], [80, 80]] as const) {
      const seed = SEED + 3 * m + n;
      const A = randomMatrix(seed, m, n);
      const label = `seed ${seed}, ${m}×${n}, no WebAssembly`;
      const got = blockedQR(A, 0, m, n);
      expectQR(label, A, m, n, got);
      expectAgrees(label, A, m, n, got);
    }
  });

  it("rank-deficient columns: a zero column, two equal columns", () => {
    for (const [m, n, opts] of [[90, 70, {}], [12, 9, { nb: 3, base: 1, unblockedWork: 0 }]] as const) {
      const seed = SEED + 11 * m + n;
      const A = randomMatrix(seed, m, n);
      const zero = n >> 1; // inside a panel, away from its edges
      for (let i = 0; i < m; i++) A[i * n + zero] = 0;
      const label = `seed ${seed}, ${m}×${n}, column ${zero} zero`;
      const got = blockedQR(A, 0, m, n, opts);
      expectQR(label, A, m, n, got);
      // A zero column meets H = I at its step: R_jj is exactly 0; Q is still unique
      // (column j is H_0⋯H_{j−1}·e_j), so it agrees with the unblocked algorithm.
      expect(got.R[zero * n + zero], `${label}: R_jj`).toBe(0);
      expectAgrees(label, A, m, n, got);

      // Columns 2 and 3 equal (3 = first column of the second panel at nb 3): R_33 is
      // rounding-sized and Q's column 3 is arbitrary, so no agreement is asked.
      const B = randomMatrix(seed + 1, m, n);
      for (let i = 0; i < m; i++) B[i * n + 3] = B[i * n + 2]!;
      const labelB = `seed ${seed + 1}, ${m}×${n}, columns 2 and 3 equal`;
      const gotB = blockedQR(B, 0, m, n, opts);
      expectQR(labelB, B, m, n, gotB);
      expect(gotB.R[3 * n + 3], `${labelB}: R_33`).toBeLessThanOrEqual(C * n * EPS * fro(B));
    }
  });

  it("tiny and huge scales: 1e-200 and 1e200, whole matrices and single columns", () => {
    for (const scale of [1e-200, 1e200]) {
      for (const [m, n] of [[120, 70], [33, 33]] as const) {
        const seed = SEED + 13 * m + n;
        const A1 = randomMatrix(seed, m, n);
        const A = A1.map((x) => x * scale);
        const label = `seed ${seed}, ${m}×${n}, scale ${scale}`;
        const got = blockedQR(A, 0, m, n);
        expectQR(label, A, m, n, got);
        // Scaling by s scales R by s and leaves Q: compare with the unscaled factors.
        const ref = unblockedQR(A1, m, n);
        expect(maxDiff(got.Q, ref.Q), `${label}: Q`).toBeLessThanOrEqual(AGREE);
        expect(maxDiff(got.R.map((x) => x / scale), ref.R), `${label}: R/scale`).toBeLessThanOrEqual(AGREE);
        // One column at the scale, the rest at 1: each reflector sees its own column.
        const B = Float64Array.from(A1);
        for (let i = 0; i < m; i++) B[i * n + 40 % n] = B[i * n + 40 % n]! * scale;
        const gotB = blockedQR(B, 0, m, n);
        const labelB = `${label}, column ${40 % n} only`;
        expect(fro(gramDefect(gotB.Q, m, n)), `${labelB}: ‖QᵀQ − I‖`).toBeLessThanOrEqual(C * n * EPS);
        // Column by column, Q·R reproduces each column to its own size.
        const D = residual(gotB.Q, gotB.R, B, m, n);
        for (let j = 0; j < n; j++) {
          const colD = Float64Array.from({ length: m }, (_, i) => D[i * n + j]!);
          const colB = Float64Array.from({ length: m }, (_, i) => B[i * n + j]!);
          expect(fro(colD), `${labelB}: column ${j} of Q·R − A`).toBeLessThanOrEqual(C * n * EPS * fro(colB));
        }
      }
    }
  });

  it("float32 input is widened, and empty shapes give empty factors", () => {
    const seed = SEED + 5;
    const A32 = Float32Array.from(randomMatrix(seed, 60, 50));
    const A64 = Float64Array.from(A32);
    const got = householderQR(A32, 0, 60, 50);
    expectQR(`seed ${seed}, 60×50 float32`, A64, 60, 50, got);
    expect(firstDifference(got.Q, blockedQR(A64, 0, 60, 50).Q)).toBe(-1);
    for (const o of [{}, { unblockedWork: 0 }]) {
      const e = blockedQR(new Float64Array(0), 0, 3, 0, o);
      expect([e.Q.length, e.R.length]).toEqual([0, 0]);
    }
  });

  it("at an offset, through householderQR and linalg.qr", () => {
    const [m, n] = [140, 70];
    const seed = SEED + 17;
    const A = randomMatrix(seed, m, n);
    const padded = new Float64Array(5 + m * n).fill(NaN);
    padded.set(A, 5);
    const k = householderQR(padded, 5, m, n);
    expectQR(`seed ${seed}, ${m}×${n} at offset 5`, A, m, n, k);
    const [Q, R] = linalg.qr(np.array(A).reshape([m, n]));
    expect(firstDifference(Q.toFloat64Array(), k.Q), "linalg.qr's Q is the kernel's").toBe(-1);
    expect(firstDifference(R.toFloat64Array(), k.R), "linalg.qr's R is the kernel's").toBe(-1);
  });
});
