import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { np } from "nabla";
import { matmulStorage, setWasmEnabled, Storage } from "../../packages/nabla/src/array/index.js";
import { uniformFrom, firstDifference } from "../helpers.js";

// A float32 matrix product computes in float32, as numpy, JAX and TF.js do: each element
// sums its k products in order from +0, every product and every partial sum rounded to
// float32 (s = fround(s + fround(a·b)), the bits of f32x4.mul then f32x4.add). Every path
// (4×4 blocks, leftovers, matrix-vector, batched) must give the bits of the plain loop
// below, with the WebAssembly kernels off and on. The data span many binades with both
// signs, so summing in doubles and rounding once gives other bits (checked).

const SEED = 20250311;

/** A seeded generator of float32 values spread over 2⁻²⁰…2²⁰ with both signs. */
function generator(seed: number): () => number {
  const uniform = uniformFrom(seed);
  return () => Math.fround((uniform() - 0.5) * 2 ** Math.round(40 * uniform() - 20));
}

const random = (length: number, next: () => number) => Float32Array.from({ length }, next);

/** The reference: C = A·B (row-major m×k and k×n) in float32 arithmetic, p in order. */
function reference(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(a[i * k + p]! * b[p * n + j]!));
      c[i * n + j] = s;
    }
  }
  return c;
}

/** The old arithmetic: each element summed in doubles, rounded to float32 once. */
function roundedOnce(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

/** matmulStorage on float32 Storage. */
function product(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = matmulStorage(new Storage("float32", [m, k], a), new Storage("float32", [k, n], b), [m, n]);
  expect(c.dtype).toBe("float32");
  return c.data as Float32Array;
}

/** The reference applied per matrix, with numpy's broadcasting of the batch axes. */
function batchedReference(a: Float32Array, sa: number[], b: Float32Array, sb: number[]): Float64Array {
  const [m, k, n] = [sa[sa.length - 2]!, sa[sa.length - 1]!, sb[sb.length - 1]!];
  const [ba, bb] = [sa.slice(0, -2), sb.slice(0, -2)];
  const nd = Math.max(ba.length, bb.length);
  const pad = (s: number[]) => [...Array<number>(nd - s.length).fill(1), ...s];
  const [pa, pb] = [pad(ba), pad(bb)];
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const total = batch.reduce((p, q) => p * q, 1);
  const out = new Float64Array(total * m * n);
  for (let t = 0; t < total; t++) {
    // The batch index of t, and the matrix each operand contributes (axes of 1 broadcast).
    let [rest, ia, ib, strideA, strideB] = [t, 0, 0, 1, 1];
    for (let d = nd - 1; d >= 0; d--) {
      const x = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      if (pa[d] !== 1) ia += x * strideA;
      if (pb[d] !== 1) ib += x * strideB;
      strideA *= pa[d]!;
      strideB *= pb[d]!;
    }
    const c = reference(a.subarray(ia * m * k, (ia + 1) * m * k), b.subarray(ib * k * n, (ib + 1) * k * n), m, k, n);
    out.set(c, t * m * n);
  }
  return out;
}

afterEach(() => setWasmEnabled(true));

describe.each([
  ["WebAssembly off", false],
  ["WebAssembly on (the default)", true],
])("float32 matmul computes in float32, %s", (_name, wasm) => {
  beforeEach(() => setWasmEnabled(wasm));

  it("gives the reference's bits on ragged, thin, blocked and random shapes", () => {
    const next = generator(SEED);
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 7, 1], [1, 40, 9], [9, 40, 1], [2, 3, 2], [3, 5, 7], [4, 4, 4], [5, 1, 6], [3, 0, 4],
      [6, 7, 1], [17, 9, 1], [1, 9, 17], [2, 300, 70], [70, 300, 3], [3, 1000, 2], [1, 520, 1], [203, 64, 1],
      [8, 8, 8], [13, 17, 11], [4, 600, 4], [7, 257, 5], [129, 20, 6], [130, 513, 10], [33, 300, 66], [64, 64, 64],
    ];
    // And random shapes, k up to 700 to cross the blocks over k (256, 512) more than once.
    const uniform = uniformFrom(SEED + 1);
    const size = (max: number) => 1 + Math.floor(max * uniform());
    for (let t = 0; t < 16; t++) shapes.push([size(70), size(700), size(70)]);
    for (const [m, k, n] of shapes) {
      const a = random(m * k, next);
      const b = random(k * n, next);
      const i = firstDifference(product(a, b, m, k, n), reference(a, b, m, k, n));
      expect(i, `seed ${SEED}, shape ${m}×${k}·${k}×${n}: element ${i} differs`).toBe(-1);
    }
  });

  it("overflows and cancels as float32 does; signed zeros as in the reference", () => {
    const [m, k, n] = [8, 8, 8];
    const next = generator(SEED + 2);
    const a = random(m * k, next);
    const b = random(k * n, next);
    const big = Math.fround(1e20); // C[0,0] = big² − big² + …: ∞ + (−∞) in float32
    a[0] = a[1] = b[0] = big;
    b[n] = -big;
    a.fill(-0, k, 2 * k); // row 1 of A: −0 · x = ∓0, and +0 + (∓0) is +0
    const c = product(a, b, m, k, n);
    expect(firstDifference(c, reference(a, b, m, k, n)), `seed ${SEED + 2}`).toBe(-1);
    expect(c[0]).toBeNaN(); // summed in doubles it would be 0
    expect(Array.from(c.subarray(n, 2 * n)).every((x) => Object.is(x, 0))).toBe(true);
  });

  it("batched np.matmul: broadcast batches, one B, one A, vmap of A·v, per matrix", () => {
    const cases: [number[], number[]][] = [
      [[3, 1, 17, 23], [2, 23, 9]], // both batches broadcast against each other
      [[4, 19, 21], [21, 13]], // one B for the batch: folded into one tall product
      [[6, 4, 300], [300, 1]], // the same, a matrix-vector product
      [[18, 21], [5, 21, 11]], // one A for the batch: B's side by side
      [[2, 33, 300], [2, 300, 7]], // k past one block (256)
      [[37, 300], [29, 300, 1]], // one A, a batch of vectors (vmap of A·v)
      [[1, 5, 3], [40, 3, 1]], // the same, thin
      [[2, 1, 9, 520], [3, 520, 5]], // k past two blocks, broadcast
    ];
    cases.forEach(([sa, sb], t) => {
      const seed = SEED + 10 + t;
      const next = generator(seed);
      const a = random(sa.reduce((p, q) => p * q, 1), next);
      const b = random(sb.reduce((p, q) => p * q, 1), next);
      const c = np.matmul(np.array(a).reshape(sa), np.array(b).reshape(sb));
      expect(c.dtype).toBe("float32");
      const i = firstDifference(c.toFloat64Array(), batchedReference(a, sa, b, sb));
      expect(i, `seed ${seed}, shapes [${sa}]·[${sb}]: element ${i} differs`).toBe(-1);
    });
  });

  it("the check can fail: on each path, float32 arithmetic differs from summing in doubles and rounding once", () => {
    const next = generator(SEED + 3);
    // 4×4 blocks (and WebAssembly), leftovers, rows (n < 4), matrix-vector (n = 1).
    for (const [m, k, n] of [[16, 300, 16], [5, 300, 5], [2, 300, 9], [9, 300, 1]] as const) {
      const a = random(m * k, next);
      const b = random(k * n, next);
      const c = product(a, b, m, k, n);
      const message = `seed ${SEED + 3}, shape ${m}×${k}·${k}×${n}`;
      expect(firstDifference(c, reference(a, b, m, k, n)), message).toBe(-1);
      expect(firstDifference(c, roundedOnce(a, b, m, k, n)), message).not.toBe(-1);
    }
  });
});

describe("float64 matmul is unchanged", () => {
  it("sums in doubles, s += a·b in order, bit for bit (WebAssembly off)", () => {
    setWasmEnabled(false);
    const uniform = uniformFrom(SEED + 4);
    const next = () => (uniform() - 0.5) * 2 ** Math.round(40 * uniform() - 20);
    for (const [m, k, n] of [[13, 17, 11], [33, 300, 66], [2, 300, 9], [9, 300, 1]] as const) {
      const a = Float64Array.from({ length: m * k }, next);
      const b = Float64Array.from({ length: k * n }, next);
      const c = matmulStorage(new Storage("float64", [m, k], a), new Storage("float64", [k, n], b), [m, n]).data;
      const expected = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
          expected[i * n + j] = s;
        }
      }
      const i = firstDifference(c, expected);
      expect(i, `seed ${SEED + 4}, shape ${m}×${k}·${k}×${n}: element ${i} differs`).toBe(-1);
    }
  });
});
