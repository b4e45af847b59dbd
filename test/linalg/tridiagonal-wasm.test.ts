import { afterEach, describe, expect, it } from "vitest";
import { reductionLayout, residentReduction, setWasmEnabled, symvJs, triangularUpdate, wasmAvailable } from "../../packages/nabla/src/array/index.js";
import { symmetricEigen } from "../../packages/nabla/src/linalg/eigh.js";
import { householderProduct, tridiagonalize } from "../../packages/nabla/src/linalg/tridiagonal.js";

/** T's d and e, and Z = Qᵀ, for a copy of A. */
function reduce(A: Float64Array, n: number) {
  const R = A.slice();
  const { d, e, betas } = tridiagonalize(R, n);
  return { d, e, Z: householderProduct(R, n, betas) };
}
import { firstDifference, uniformFrom } from "../helpers.js";

// The tridiagonal reduction's working set resident in WebAssembly memory
// (array/wasm/tridiagonal.ts) against its JavaScript path (linalg/tridiagonal.ts, the
// same layout in a plain array): the same bits for d, e and Z, kernel by kernel and for
// the whole reduction, on sizes around the panels (32), the update's blocks of rows (64),
// f64x2 pairs and gemv's strips (8). Then accuracy: A = Zᵀ·T·Z within c·n·ε·‖A‖_F with
// c = 1 (max-entry norm of the error), ‖Z·Zᵀ − I‖ ≤ n·ε, and eigh's residual
// ‖A·V − V·diag(w)‖ ≤ n·ε·‖A‖_F and ‖VᵀV − I‖ ≤ n·ε on random, graded (entries over
// 1e±150) and clustered spectra.

const EPS = 2 ** -52;
const SEED = 20261203;

afterEach(() => setWasmEnabled(true));

/** Values over 2⁻²⁰…2²⁰ with both signs: another order of operations or an FMA changes bits. */
function spread(length: number, next: () => number): Float64Array {
  return Float64Array.from({ length }, () => (next() - 0.5) * 2 ** Math.round(40 * next() - 20));
}

/** A random symmetric n×n matrix, entries uniform in [−0.5, 0.5). */
function randomSymmetric(n: number, next: () => number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = next() - 0.5;
  return a;
}

/** D·R·D for R random symmetric and D = diag(10^(±150 spread over i)): entries from 1e−300 to 1e300. */
function graded(n: number, next: () => number): Float64Array {
  const a = randomSymmetric(n, next);
  const g = Float64Array.from({ length: n }, (_, i) => 10 ** (n === 1 ? 0 : -75 + (150 * i) / (n - 1)));
  return a.map((v, k) => v * g[Math.floor(k / n)]! * g[k % n]!);
}

/** Q·diag(λ)·Qᵀ, Q from Householder reflectors, λ in three tight clusters (gaps of 1e−12). */
function clustered(n: number, next: () => number): Float64Array {
  const lambda = Float64Array.from({ length: n }, (_, i) => (i % 3) - 1 + 1e-12 * i);
  let a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = lambda[i]!;
  for (let r = 0; r < 2; r++) {
    // H·A·H with H = I − 2uuᵀ/uᵀu.
    const u = Float64Array.from({ length: n }, () => next() - 0.5);
    const uu = u.reduce((s, x) => s + x * x, 0);
    const au = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) au[i] = au[i]! + a[i * n + j]! * u[j]!;
    const uau = u.reduce((s, x, i) => s + x * au[i]!, 0);
    const c = 2 / uu;
    const b = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) b[i * n + j] = a[i * n + j]! - c * (u[i]! * au[j]! + au[i]! * u[j]!) + c * c * uau * u[i]! * u[j]!;
    }
    a = b;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!; // exactly symmetric
  return a;
}

/** ‖A‖_F, scaled by the largest entry so that graded matrices' squares cannot overflow. */
function frobenius(a: Float64Array): number {
  const big = a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return big === 0 ? 0 : big * Math.sqrt(a.reduce((s, x) => s + (x / big) ** 2, 0));
}

/** The largest |(Zᵀ·T·Z − A)_ij|, with T the tridiagonal (d, e). */
function reconstructionError(A: Float64Array, d: Float64Array, e: Float64Array, Z: Float64Array, n: number): number {
  // TZ = T·Z, then Zᵀ·TZ.
  const TZ = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = d[i]! * Z[i * n + j]!;
      if (i > 0) s += e[i - 1]! * Z[(i - 1) * n + j]!;
      if (i < n - 1) s += e[i]! * Z[(i + 1) * n + j]!;
      TZ[i * n + j] = s;
    }
  }
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Z[k * n + i]! * TZ[k * n + j]!;
      worst = Math.max(worst, Math.abs(s - A[i * n + j]!));
    }
  }
  return worst;
}

/** The largest |(X·Xᵀ − I)_ij| for X n×n (rows), or of XᵀX with `columns`. */
function orthogonalityError(X: Float64Array, n: number, columns = false): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += columns ? X[k * n + i]! * X[k * n + j]! : X[i * n + k]! * X[j * n + k]!;
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe("the tridiagonal reduction resident in WebAssembly", () => {
  it("is available in Node 20", () => {
    expect(wasmAvailable()).toBe(true);
    expect(residentReduction(new Float64Array(9), 3, 32)).not.toBeNull();
  });

  it("corrects rows by V and W as the JavaScript loop does, bit for bit (odd and even lengths)", () => {
    const next = uniformFrom(SEED);
    const n = 45;
    for (const [start, count, t] of [[0, 45, 1], [3, 42, 7], [10, 35, 32], [44, 1, 5], [2, 2, 3]] as const) {
      const A = spread(n * n, next);
      const work = residentReduction(A, n, 32)!;
      const { h, L } = work;
      h.set(spread(2 * 32 * L.ldv, next), L.v); // V and W
      h.set(spread(32, next), L.wv);
      h.set(spread(32, next), L.vv);
      const row = L.a + 5 * L.ld + start;
      const expected = h.slice(row, row + count);
      for (let q = 0; q < t; q++) {
        const s = h[L.wv + q]!;
        const r = h[L.vv + q]!;
        for (let c = 0; c < count; c++) expected[c] = expected[c]! - h[L.v + q * L.ldv + start + c]! * s - h[L.w + q * L.ldv + start + c]! * r;
      }
      work.corrections(row, L.v + start, L.w + start, L.wv, L.vv, 1, count, t);
      expect(firstDifference(h.slice(row, row + count), expected), `start ${start}, count ${count}, t ${t}`).toBe(-1);
    }
  });

  it("multiplies by the trailing block from its upper triangle as the JavaScript loop does, bit for bit", () => {
    const next = uniformFrom(SEED + 2);
    const n = 70;
    // Block sizes: odd and even, one and two rows, row starts on both parities of a slot.
    for (const [start, m] of [[0, 70], [1, 69], [2, 1], [5, 2], [6, 3], [9, 4], [30, 17], [33, 36]] as const) {
      const A = spread(n * n, next);
      const work = residentReduction(A, n, 32)!;
      const { h, L } = work;
      const a = L.a + start * L.ld + start;
      const x = L.v + start;
      const y = L.w + start;
      h.set(spread(m, next), x);
      h.fill(NaN, y, y + L.ldv - start); // symv zeroes y itself, and writes nothing past y[m − 1]
      const expected = h.slice(0, L.size);
      symvJs(expected, a, x, y, m, L.ld);
      work.symv(a, x, y, m);
      expect(firstDifference(h.slice(0, L.size), expected), `start ${start}, m ${m}`).toBe(-1);
      // And it is S·x with S the upper triangle mirrored, to rounding.
      for (let i = 0; i < m; i++) {
        let sum = 0;
        let size = 0;
        for (let j = 0; j < m; j++) {
          const t = h[a + Math.min(i, j) * L.ld + Math.max(i, j)]! * h[x + j]!;
          sum += t;
          size += Math.abs(t);
        }
        expect(Math.abs(h[y + i]! - sum), `start ${start}, m ${m}, row ${i}`).toBeLessThanOrEqual(2 * m * EPS * size);
      }
      expect(Number.isNaN(h[y + m]!) || m + start >= L.ldv, `start ${start}, m ${m}: past y`).toBe(true);
    }
  });

  it("updates the trailing block by blocks of rows as the JavaScript update does, bit for bit", () => {
    const next = uniformFrom(SEED + 1);
    for (const [n, s, depth] of [[97, 32, 32], [140, 3, 32], [200, 64, 17], [50, 0, 32]] as const) {
      const A = spread(n * n, next);
      const work = residentReduction(A, n, 32)!;
      const { h, L } = work;
      for (let q = 0; q < depth; q++) {
        h.set(spread(n, next), L.v + q * L.ldv);
        h.set(spread(n, next), L.w + q * L.ldv);
      }
      // The reduction keeps V and W also transposed side by side (vw), where the update reads them.
      for (let j = 0; j < n; j++) {
        for (let q = 0; q < depth; q++) {
          h[L.vw + j * 2 * L.nb + q] = h[L.w + q * L.ldv + j]!;
          h[L.vw + j * 2 * L.nb + L.nb + q] = h[L.v + q * L.ldv + j]!;
        }
      }
      const before = h.slice(0, L.size);
      const expected = h.slice(0, L.size);
      triangularUpdate(expected, reductionLayout(n, 32), s, depth);
      work.update(s, depth);
      // The upper triangle and everything around the matrix: the strict lower triangle of
      // the trailing block is never read, and the two updates leave it differently.
      const upper = (x: Float64Array) => {
        for (let i = s; i < n; i++) for (let j = s; j < i; j++) x[L.a + i * L.ld + j] = 0;
        return x;
      };
      expect(firstDifference(upper(h.slice(0, L.size)), upper(expected)), `n ${n}, from ${s}, depth ${depth}`).toBe(-1);
      // And it is the update: A[i][j] − Σ_q (V[q][i]·W[q][j] + W[q][i]·V[q][j]), to rounding.
      const at = (i: number, j: number) => L.a + i * L.ld + j;
      let worst = 0;
      for (const [i, j] of [[s, s], [s, n - 1], [n - 1, n - 1], [s + 1, (s + n) >> 1]] as const) {
        let sum = 0;
        let size = Math.abs(before[at(i, j)]!);
        for (let q = 0; q < depth; q++) {
          const terms = [before[L.v + q * L.ldv + i]! * before[L.w + q * L.ldv + j]!, before[L.w + q * L.ldv + i]! * before[L.v + q * L.ldv + j]!];
          for (const t of terms) (sum += t), (size += Math.abs(t));
        }
        const want = before[at(i, j)]! - sum;
        worst = Math.max(worst, Math.abs(h[at(i, j)]! - want) / size); // error relative to the terms' size
      }
      expect(worst, `n ${n}, from ${s}, depth ${depth}`).toBeLessThan(2 * depth * Number.EPSILON);
    }
  });

  it("gives d, e and Z bit-identical to the JavaScript path", () => {
    const next = uniformFrom(SEED + 2);
    for (const n of [1, 2, 3, 5, 8, 33, 34, 35, 64, 65, 97, 130, 161, 230]) {
      const A = randomSymmetric(n, next);
      setWasmEnabled(false);
      const js = reduce(A, n);
      setWasmEnabled(true);
      const wasm = reduce(A, n);
      for (const key of ["d", "e", "Z"] as const) expect(firstDifference(wasm[key], js[key]), `${key}, n = ${n}, seed ${SEED + 2}`).toBe(-1);
    }
  });

  it("reconstructs A = Zᵀ·T·Z with Z orthogonal, within n·ε", () => {
    const next = uniformFrom(SEED + 3);
    for (const n of [3, 40, 97, 150]) {
      for (const [kind, make] of [["random", randomSymmetric], ["clustered", clustered]] as const) {
        const A = make(n, next);
        const { d, e, Z } = reduce(A, n);
        const label = `${kind}, n = ${n}, seed ${SEED + 3}`;
        expect(reconstructionError(A, d, e, Z, n), label).toBeLessThanOrEqual(n * EPS * frobenius(A));
        expect(orthogonalityError(Z, n), label).toBeLessThanOrEqual(n * EPS);
      }
    }
  });

  it("applies Q to a matrix as Zᵀ·C, within n·ε, bit-identical on both paths", () => {
    const next = uniformFrom(SEED + 5);
    for (const n of [1, 2, 3, 5, 34, 65, 97, 161]) {
      const A = randomSymmetric(n, next);
      const C = spread(n * n, next);
      const results = [true, false].map((wasm) => {
        setWasmEnabled(wasm);
        const R = A.slice();
        const { betas } = tridiagonalize(R, n);
        return { QC: householderProduct(R, n, betas, C), Z: householderProduct(R, n, betas) };
      });
      const [{ QC, Z }, js] = results as [{ QC: Float64Array; Z: Float64Array }, { QC: Float64Array }];
      const label = `n = ${n}, seed ${SEED + 5}`;
      expect(firstDifference(QC, js.QC), label).toBe(-1);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) s += Z[p * n + i]! * C[p * n + j]!;
          worst = Math.max(worst, Math.abs(QC[i * n + j]! - s));
        }
      }
      expect(worst, label).toBeLessThanOrEqual(n * EPS * frobenius(C));
    }
  });

  it("keeps eigh backward stable on random, graded and clustered spectra, on both paths", () => {
    const next = uniformFrom(SEED + 4);
    for (const n of [50, 130, 230]) {
      for (const [kind, make] of [["random", randomSymmetric], ["graded", graded], ["clustered", clustered]] as const) {
        const A = make(n, next);
        for (const wasm of [true, false]) {
          setWasmEnabled(wasm);
          const { w, V } = symmetricEigen(A.slice(), 0, n);
          const label = `${kind}, n = ${n}, WebAssembly ${wasm ? "on" : "off"}, seed ${SEED + 4}`;
          let residual = 0;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let k = 0; k < n; k++) s += A[i * n + k]! * V[k * n + j]!;
              residual = Math.max(residual, Math.abs(s - V[i * n + j]! * w[j]!));
            }
          }
          expect(residual, label).toBeLessThanOrEqual(n * EPS * frobenius(A));
          expect(orthogonalityError(V, n, true), label).toBeLessThanOrEqual(n * EPS);
        }
      }
    }
  });
});
