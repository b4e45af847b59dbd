import { afterEach, describe, expect, it } from "vitest";
import { setWasmEnabled } from "../../packages/nabla/src/array/index.js";
import { symmetricEigen, symmetricEigenBy } from "../../packages/nabla/src/linalg/eigh.js";
import { tridiagonalDivide } from "../../packages/nabla/src/linalg/divide.js";
import { secularRoots } from "../../packages/nabla/src/linalg/secular.js";
import { secularVectors } from "../../packages/nabla/src/linalg/secular-vectors.js";
import { uniformFrom } from "../helpers.js";

// symmetricEigen by divide and conquer (divide.ts, secular.ts; symmetricEigen uses it from
// n = 208 on, and symmetricEigenBy(…, "divide") at any size, as here), held
// to backward stability: ‖A·V − V·diag(w)‖ ≤ c·n·ε·‖A‖ and ‖VᵀV − I‖ ≤ c·n·ε (max-entry
// norms for the errors, ‖A‖_F for A, c = 1);
// its eigenvalues against the QR iteration's (symmetricEigenBy(…, "qr"), the path
// smaller matrices take) within n·ε·‖A‖_F — both are backward stable and symmetric
// eigenvalues are perfectly conditioned; the QR iteration is the less accurate of the
// two (≈ 230·ε·‖T‖ on W⁺₂₀₁ against divide and conquer's ≈ 12) — and within n·ε·max|aᵢⱼ|
// of closed forms, or of Sturm-sequence bisection where there is none.

const EPS = 2 ** -52;
const SEED = 20261202;

/** A random symmetric n×n matrix with entries uniform in [−0.5, 0.5). */
function randomSymmetric(n: number, next: () => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next() - 0.5;
  return a;
}

/** The dense symmetric matrix of the tridiagonal (d, e). */
function denseTridiagonal(d: Float64Array, e: Float64Array): Float64Array {
  const n = d.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = d[i]!;
    if (i < n - 1) a[i * n + i + 1] = a[(i + 1) * n + i] = e[i]!;
  }
  return a;
}

/** H·diag(values)·H for the Householder reflector H = I − 2vvᵀ/vᵀv: eigenvalues exactly `values`, up to rounding. */
function reflected(values: number[], next: () => number): Float64Array {
  const n = values.length;
  const v = Float64Array.from({ length: n }, () => next() - 0.5);
  const vv = v.reduce((s, x) => s + x * x, 0);
  const H = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += H(i, k) * values[k]! * H(k, j);
    a[i * n + j] = s;
  }
  // Exactly symmetric, as symmetricEigen reads only the lower triangle anyway.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  return a;
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/**
 * The k-th smallest eigenvalue (from 0) of the tridiagonal (d, e) by bisection on Sturm
 * counts (the number of negative pivots of T − x = LDLᵀ), to the last bit of [lo, hi].
 */
function bisection(d: Float64Array, e: Float64Array, k: number, lo: number, hi: number): number {
  const below = (x: number) => {
    let count = 0;
    let q = 1;
    for (let i = 0; i < d.length; i++) {
      q = d[i]! - x - (i > 0 ? e[i - 1]! ** 2 / q : 0);
      if (q === 0) q = -EPS * EPS; // a zero pivot, nudged as LAPACK's dstebz does
      if (q < 0) count++;
    }
    return count;
  };
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return mid;
    if (below(mid) > k) hi = mid;
    else lo = mid;
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** The QR iteration's eigenvalues, ascending (the path below the divide-and-conquer threshold). */
function qrEigenvalues(a: Float64Array, n: number): Float64Array {
  return symmetricEigenBy(a, 0, n, "qr").w;
}

/** ‖A·V − V·diag(w)‖ / (n·ε·‖A‖_F) and ‖VᵀV − I‖ / (n·ε), the errors' largest entries. */
function errors(a: Float64Array, n: number, w: Float64Array, V: Float64Array): { residual: number; orthogonality: number } {
  let residual = 0;
  let orthogonality = 0;
  const norm = frobenius(a);
  const AV = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const aik = a[i * n + k]!;
    if (aik !== 0) for (let j = 0; j < n; j++) AV[i * n + j] = AV[i * n + j]! + aik * V[k * n + j]!;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) residual = Math.max(residual, Math.abs(AV[i * n + j]! - V[i * n + j]! * w[j]!));
  const G = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) {
    const vki = V[k * n + i]!;
    for (let j = 0; j < n; j++) G[i * n + j] = G[i * n + j]! + vki * V[k * n + j]!;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orthogonality = Math.max(orthogonality, Math.abs(G[i * n + j]! - (i === j ? 1 : 0)));
  return { residual: norm > 0 ? residual / (n * EPS * norm) : residual, orthogonality: orthogonality / (n * EPS) };
}

/**
 * Divide and conquer (or symmetricEigen's own choice, with `auto`) on `a`: residual,
 * orthogonality, ascending w, the sign convention, and w against the QR iteration's.
 * Returns w for closed-form checks.
 */
function check(a: Float64Array, n: number, label: string, auto = false): Float64Array {
  const { w, V } = auto ? symmetricEigen(a, 0, n) : symmetricEigenBy(a, 0, n, "divide");
  const { residual, orthogonality } = errors(a, n, w, V);
  expect(residual, `${label}: ‖AV − VΛ‖/(nε‖A‖)`).toBeLessThanOrEqual(1);
  expect(orthogonality, `${label}: ‖VᵀV − I‖/(nε)`).toBeLessThanOrEqual(1);
  for (let j = 1; j < n; j++) expect(w[j]!, `${label}: w ascending at ${j}`).toBeGreaterThanOrEqual(w[j - 1]!);
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(V[i * n + j]!) > Math.abs(V[big * n + j]!)) big = i;
    expect(V[big * n + j]!, `${label}: column ${j}'s largest entry is positive`).toBeGreaterThan(0);
  }
  const qr = qrEigenvalues(a, n);
  const tol = n * EPS * frobenius(a);
  for (let j = 0; j < n; j++) expect(Math.abs(w[j]! - qr[j]!), `${label}: w[${j}] against the QR iteration`).toBeLessThanOrEqual(tol);
  return w;
}

/** |w[j] − expected[j]| ≤ n·ε·scale for all j. */
function expectEigenvalues(w: Float64Array, expected: number[], scale: number, label: string): void {
  const sorted = expected.slice().sort((x, y) => x - y);
  const tol = w.length * EPS * scale;
  sorted.forEach((x, j) => expect(Math.abs(w[j]! - x), `${label}: w[${j}] = ${w[j]}, expected ${x}`).toBeLessThanOrEqual(tol));
}

/** The [−1 2 −1] matrix's eigenvalues 2 − 2cos(kπ/(n+1)), k = 1..n. */
function secondDifference(n: number): number[] {
  return Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
}

describe("symmetricEigen by divide and conquer", () => {
  afterEach(() => setWasmEnabled(true));

  it("gives the same bits with and without WebAssembly (gemmUpdate's promise, kept)", () => {
    const n = 150;
    const a = randomSymmetric(n, uniformFrom(SEED + 8));
    setWasmEnabled(false);
    const js = symmetricEigenBy(a, 0, n, "divide");
    setWasmEnabled(true);
    const wasm = symmetricEigenBy(a, 0, n, "divide");
    expect(wasm.w.every((x, j) => Object.is(x, js.w[j])), `seed ${SEED + 8}: eigenvalues`).toBe(true);
    expect(wasm.V.every((x, j) => Object.is(x, js.V[j])), `seed ${SEED + 8}: eigenvectors`).toBe(true);
  });

  it("is backward stable on random matrices of many sizes, odd ones and leaf-sized ones included", () => {
    for (const n of [1, 2, 31, 32, 33, 63, 64, 65, 97, 128, 129, 200]) {
      const seed = SEED + n;
      check(randomSymmetric(n, uniformFrom(seed)), n, `random, seed ${seed}, n ${n}`);
    }
  });

  it("is what symmetricEigen gives on both sides of its threshold (208)", () => {
    for (const n of [207, 208, 209]) {
      const seed = SEED + n;
      const a = randomSymmetric(n, uniformFrom(seed));
      check(a, n, `symmetricEigen, random, seed ${seed}, n ${n}`, true);
      const method = n >= 208 ? "divide" : "qr";
      const [auto, chosen] = [symmetricEigen(a, 0, n), symmetricEigenBy(a, 0, n, method)];
      expect(auto.w.every((x, j) => Object.is(x, chosen.w[j])) && auto.V.every((x, j) => Object.is(x, chosen.V[j])), `n ${n}: symmetricEigen is symmetricEigenBy(…, "${method}")`).toBe(true);
    }
  });

  it("handles repeated eigenvalues: identity, I + rank one, block copies, a rotated diagonal with repeats", () => {
    const n = 100;
    const identity = new Float64Array(n * n);
    for (let i = 0; i < n; i++) identity[i * n + i] = 1;
    expectEigenvalues(check(identity, n, "identity"), Array(n).fill(1), 1, "identity");

    const next = uniformFrom(SEED + 1);
    const u = Float64Array.from({ length: n }, () => next() - 0.5);
    const uu = u.reduce((s, x) => s + x * x, 0);
    const rankOne = identity.map((x, at) => x + u[Math.floor(at / n)]! * u[at % n]!);
    const expected = [...Array(n - 1).fill(1), 1 + uu];
    expectEigenvalues(check(rankOne, n, `I + uuᵀ, seed ${SEED + 1}`), expected, 1 + uu, "I + uuᵀ");

    // diag(B, B, B) with one random 40×40 B: every eigenvalue three times.
    const b = 40;
    const B = randomSymmetric(b, uniformFrom(SEED + 2));
    const copies = new Float64Array(9 * b * b);
    for (let c = 0; c < 3; c++) for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) copies[(c * b + i) * 3 * b + c * b + j] = B[i * b + j]!;
    const wB = qrEigenvalues(B, b);
    expectEigenvalues(check(copies, 3 * b, `diag(B, B, B), seed ${SEED + 2}`), [...wB, ...wB, ...wB], frobenius(copies), "diag(B, B, B)");

    const values = Array.from({ length: 90 }, (_, i) => [1, 2, -3][i % 3]!);
    const rotated = reflected(values, uniformFrom(SEED + 3));
    expectEigenvalues(check(rotated, 90, `H·diag(1, 2, −3 repeated)·H, seed ${SEED + 3}`), values, 3, "rotated diagonal");
  });

  it("keeps clustered eigenvalues' vectors orthogonal: Wilkinson's W⁺ at larger sizes", () => {
    // Mirror-symmetric, so the halves at a cut share eigenvalues: deflation by rotation
    // across the halves happens at the merges (16 rotations at n = 200).
    for (const n of [101, 200, 201]) {
      // d = |i − (n−1)/2|, e = 1: its largest eigenvalues come in pairs agreeing to many digits.
      const d = Float64Array.from({ length: n }, (_, i) => Math.abs(i - (n - 1) / 2));
      const e = new Float64Array(n).fill(1);
      const reference = Array.from({ length: n }, (_, k) => bisection(d, e, k, -2, n));
      expectEigenvalues(check(denseTridiagonal(d, e), n, `W⁺, n ${n}`), reference, n / 2, `W⁺, n ${n}`);
      const { w, Q } = tridiagonalDivide(d, e);
      const { residual, orthogonality } = errors(denseTridiagonal(d, e), n, w, Q);
      expect(residual, `W⁺ tridiagonal, n ${n}: residual`).toBeLessThanOrEqual(1);
      expect(orthogonality, `W⁺ tridiagonal, n ${n}: orthogonality`).toBeLessThanOrEqual(1);
    }
  });

  it("is backward stable on graded matrices (entries from 1 down to 2⁻²⁰⁰)", () => {
    const n = 100;
    const seed = SEED + 4;
    const next = uniformFrom(seed);
    const a = randomSymmetric(n, next).map((x, at) => x * 2 ** -(Math.floor(at / n) + (at % n)));
    check(a, n, `graded, seed ${seed}`);
  });

  it("matches the [−1 2 −1] matrix's closed form, whole and cut by zero off-diagonals", () => {
    // Equal halves too: 212 deflations by rotation at n = 300.
    const n = 300;
    const d = new Float64Array(n).fill(2);
    const e = new Float64Array(n).fill(-1);
    expectEigenvalues(check(denseTridiagonal(d, e), n, "[−1 2 −1]"), secondDifference(n), 4, "[−1 2 −1]");
    expectEigenvalues(tridiagonalDivide(d, e).w, secondDifference(n), 4, "[−1 2 −1] by tridiagonalDivide");
    // Zeros after rows 50 and 150 (one of them exactly at a cut): blocks of 50, 100 and 150.
    e[49] = 0;
    e[149] = 0;
    const expected = [...secondDifference(50), ...secondDifference(100), ...secondDifference(150)];
    expectEigenvalues(check(denseTridiagonal(d, e), n, "[−1 2 −1] cut"), expected, 4, "[−1 2 −1] cut");
    const { w, Q } = tridiagonalDivide(d, e);
    expectEigenvalues(w, expected, 4, "[−1 2 −1] cut by tridiagonalDivide");
    const { residual, orthogonality } = errors(denseTridiagonal(d, e), n, w, Q);
    expect(residual, "[−1 2 −1] cut by tridiagonalDivide: residual").toBeLessThanOrEqual(1);
    expect(orthogonality, "[−1 2 −1] cut by tridiagonalDivide: orthogonality").toBeLessThanOrEqual(1);
  });

  it("works at tiny and huge scales, and on the zero matrix", () => {
    const n = 120;
    const seed = SEED + 5;
    const a = randomSymmetric(n, uniformFrom(seed));
    const w1 = symmetricEigenBy(a, 0, n, "divide").w;
    for (const scale of [1e-150, 1e150]) {
      const w = check(a.map((x) => x * scale), n, `random × ${scale}, seed ${seed}`);
      // A power-of-two scaling inside makes w(c·A) = c·w(A) up to the rounding of c·A.
      for (let j = 0; j < n; j++) expect(Math.abs(w[j]! / scale - w1[j]!), `× ${scale}: w[${j}]`).toBeLessThanOrEqual(n * EPS * frobenius(a));
    }
    const zero = new Float64Array(80 * 80);
    const { w, V } = symmetricEigenBy(zero, 0, 80, "divide");
    expect(maxAbs(w), "zero matrix: eigenvalues").toBe(0);
    for (let i = 0; i < 80; i++) for (let j = 0; j < 80; j++) expect(V[i * 80 + j], `zero matrix: V[${i}, ${j}]`).toBe(i === j ? 1 : 0);
  });

  it("gives NaN for non-finite input", () => {
    const n = 70;
    const a = randomSymmetric(n, uniformFrom(SEED + 6));
    a[5 * n + 3] = Infinity;
    const { w, V } = symmetricEigenBy(a, 0, n, "divide");
    expect(w.every(Number.isNaN) && V.every(Number.isNaN)).toBe(true);
    const big = randomSymmetric(250, uniformFrom(SEED + 6));
    big[7 * 250 + 2] = NaN;
    const r = symmetricEigen(big, 0, 250);
    expect(r.w.every(Number.isNaN) && r.V.every(Number.isNaN)).toBe(true);
  });
});

describe("tridiagonalDivide on the smallest sizes", () => {
  it("gives the closed forms for n = 0, 1, 2", () => {
    expect(tridiagonalDivide(new Float64Array(0), new Float64Array(0)).w.length).toBe(0);
    const one = tridiagonalDivide(Float64Array.of(-3), Float64Array.of(0));
    expect([...one.w, ...one.Q]).toEqual([-3, 1]);
    // [[1, 2], [2, 1]]: eigenvalues −1 and 3.
    const { w, Q } = tridiagonalDivide(Float64Array.of(1, 1), Float64Array.of(2, 0));
    expectEigenvalues(w, [-1, 3], 3, "[[1, 2], [2, 1]]");
    expect(Math.abs(Math.abs(Q[0]!) - Math.SQRT1_2)).toBeLessThanOrEqual(2 * EPS);
  });
});

describe("the secular equation", () => {
  it("has the 2×2 closed form's roots", () => {
    // diag(0, 1) + ½·[1 1; 1 1] = [[½, ½], [½, 3/2]]: eigenvalues 1 ∓ √2/2.
    const d = Float64Array.of(0, 1);
    const z = Float64Array.of(Math.SQRT1_2, Math.SQRT1_2);
    const { pole, tau } = secularRoots(d, z, 1);
    const lambda = Array.from(tau, (t, i) => d[pole[i]!]! + t);
    expect(Math.abs(lambda[0]! - (1 - Math.SQRT1_2))).toBeLessThanOrEqual(2 * EPS);
    expect(Math.abs(lambda[1]! - (1 + Math.SQRT1_2))).toBeLessThanOrEqual(2 * EPS);
  });

  it("gives the eigenvalues and orthogonal eigenvectors of D + ρ·z·zᵀ, close poles and tiny weights included", () => {
    for (const [k, spacing] of [[50, 1], [40, 1e-9]] as const) {
      const seed = SEED + 7 + k;
      const next = uniformFrom(seed);
      // Poles: some within 1e-9 relative of each other when spacing is small; weights over many binades.
      const d = Float64Array.from({ length: k }, (_, i) => i * spacing + next() * spacing * 0.5 + (i % 2 === 0 ? 0 : 1));
      d.sort();
      const z = Float64Array.from({ length: k }, () => (next() - 0.5) * 2 ** -Math.floor(20 * next()));
      const zn = Math.hypot(...z);
      z.forEach((x, i) => (z[i] = x / zn));
      const rho = 0.75;
      const roots = secularRoots(d, z, rho);
      const M = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) M[i * k + j] = (i === j ? d[i]! : 0) + rho * z[i]! * z[j]!;
      const expected = qrEigenvalues(M, k);
      const norm = Math.max(maxAbs(d), rho);
      for (let i = 0; i < k; i++) {
        const lambda = d[roots.pole[i]!]! + roots.tau[i]!;
        expect(Math.abs(lambda - expected[i]!), `seed ${seed}, k ${k}: root ${i}`).toBeLessThanOrEqual(k * EPS * norm);
      }
      const U = new Float64Array(k * k);
      secularVectors(d, z, rho, roots, U, Int32Array.from({ length: k }, (_, i) => i));
      const w = Float64Array.from(roots.tau, (t, i) => d[roots.pole[i]!]! + t);
      const { residual, orthogonality } = errors(M, k, w, U);
      expect(residual, `seed ${seed}, k ${k}: residual`).toBeLessThanOrEqual(1);
      expect(orthogonality, `seed ${seed}, k ${k}: orthogonality`).toBeLessThanOrEqual(1);
    }
  });
});
