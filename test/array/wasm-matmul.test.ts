import { afterEach, describe, expect, it, vi } from "vitest";
import { np } from "nabla";
import { matmulStorage, setWasmEnabled, Storage, wasmAvailable } from "../../packages/nabla/src/array/index.js";
import { compileKernel, wasmMatmulInto } from "../../packages/nabla/src/array/wasm/index.js";
import { sleb, uleb } from "../../packages/nabla/src/array/wasm/module.js";
import { vectorModuleBytes } from "../../packages/nabla/src/array/wasm/vectors.js";
import { uniformFrom, firstDifference } from "../helpers.js";

// The WebAssembly matmul sums each element's k products in order, with separate multiply
// and add, as the JavaScript kernel does: the two must agree bit for bit on every shape,
// ragged edges (m, n, k not multiples of the 4×4 tile or the 256-long block over k)
// included. The data span many binades, so a sum in any other order changes bits (checked).

const SEED = 20240917;

/** A seeded generator of values spread over 2⁻²⁰…2²⁰ with both signs. */
function generator(seed: number): () => number {
  const uniform = uniformFrom(seed);
  return () => (uniform() - 0.5) * 2 ** Math.round(40 * uniform() - 20);
}

/** The JavaScript kernel's product (the WebAssembly one switched off). */
function jsProduct(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  setWasmEnabled(false);
  try {
    return matmulStorage(new Storage("float64", [m, k], a), new Storage("float64", [k, n], b), [m, n]).data as Float64Array;
  } finally {
    setWasmEnabled(true);
  }
}

afterEach(() => setWasmEnabled(true));

describe("WebAssembly float64 matmul", () => {
  it("is available in Node 20 (the emitted module validates and compiles)", () => {
    expect(wasmAvailable()).toBe(true);
  });

  it("gives the JavaScript kernel's bits on ragged, thin and blocked shapes", () => {
    const next = generator(SEED);
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 7, 1], [1, 40, 9], [9, 40, 1], [2, 3, 2], [3, 5, 7], [4, 4, 4], [5, 1, 6],
      [8, 8, 8], [13, 17, 11], [4, 600, 4], [7, 257, 5], [129, 20, 6], [130, 513, 10], [33, 300, 66],
    ];
    // And random shapes, k up to 700 to cross the block over k (256) more than once.
    const uniform = uniformFrom(SEED);
    const size = (max: number) => 1 + Math.floor(max * uniform());
    for (let t = 0; t < 12; t++) shapes.push([size(70), size(700), size(70)]);
    for (const [m, k, n] of shapes) {
      const a = Float64Array.from({ length: m * k }, next);
      const b = Float64Array.from({ length: k * n }, next);
      const c = new Float64Array(m * n).fill(NaN);
      expect(wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n)).toBe(true);
      const i = firstDifference(c, jsProduct(a, b, m, k, n));
      expect(i, `seed ${SEED}, shape ${m}×${k}·${k}×${n}: element ${i} differs`).toBe(-1);
    }
  });

  it("with B transposed (B stored n×k), gives the bits of the product with Bᵀ", () => {
    const next = generator(SEED + 3);
    for (const [m, k, n] of [[5, 9, 6], [13, 300, 37], [40, 3, 1]] as const) {
      const a = Float64Array.from({ length: m * k }, next);
      const b = Float64Array.from({ length: n * k }, next);
      const bt = new Float64Array(k * n);
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b[j * k + p]!;
      const c = new Float64Array(m * n).fill(NaN);
      expect(wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n, true)).toBe(true);
      const i = firstDifference(c, jsProduct(a, bt, m, k, n));
      expect(i, `seed ${SEED + 3}, shape ${m}×${k}·(${n}×${k})ᵀ: element ${i} differs`).toBe(-1);
    }
  });

  it("the data are order-sensitive: summing k in reverse changes bits", () => {
    const next = generator(SEED + 1);
    const [m, k, n] = [6, 300, 6];
    const a = Float64Array.from({ length: m * k }, next);
    const b = Float64Array.from({ length: k * n }, next);
    const c = new Float64Array(m * n);
    wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n);
    const reversed = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = k - 1; p >= 0; p--) s += a[i * k + p]! * b[p * n + j]!;
        reversed[i * n + j] = s;
      }
    }
    expect(firstDifference(c, reversed)).not.toBe(-1);
  });

  it("reads and writes at offsets, and signed zeros and infinities come out as in JavaScript", () => {
    const [m, k, n] = [5, 9, 6];
    const next = generator(SEED + 2);
    const a = Float64Array.from({ length: 3 + m * k }, next);
    const b = Float64Array.from({ length: 2 + k * n }, next);
    a.fill(-0, 3, 3 + k); // row 0 of A: -0 · x = ∓0, and 0 + (-0) is +0 in both kernels
    a[3 + k] = Infinity; // row 1: ±Infinity or NaN
    const c = new Float64Array(4 + m * n).fill(7);
    expect(wasmMatmulInto(a, 3, b, 2, c, 4, m, k, n)).toBe(true);
    expect(Array.from(c.subarray(0, 4))).toEqual([7, 7, 7, 7]); // before the offset: untouched
    const expected = jsProduct(a.slice(3), b.slice(2), m, k, n);
    expect(firstDifference(c.subarray(4), expected)).toBe(-1);
    expect(Object.is(c[4], 0)).toBe(true);
  });
});

// float32 products run on f32x4: every multiply and add rounded to float32, summed in
// order of k. Math.fround on each operation in float64 gives the same bits (a product of
// two floats is exact in a double; a double sum of two floats rounds to the float sum, as
// 53 ≥ 2·24 + 2), which is what the reference here and the JavaScript kernel compute.
describe("WebAssembly float32 matmul (f32x4)", () => {
  const reference = (a: Float32Array, b: Float32Array, m: number, k: number, n: number, bt: boolean, widened = false) => {
    const c = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = a[i * k + p]! * (bt ? b[j * k + p]! : b[p * n + j]!);
          s = widened ? s + x : Math.fround(s + Math.fround(x));
        }
        c[i * n + j] = s;
      }
    }
    return c;
  };
  const next = generator(SEED + 50);
  const f32 = (length: number) => Float32Array.from({ length }, next);

  it("computes in float32, summing k in order, on ragged and blocked shapes, B plain or transposed", () => {
    const shapes: [number, number, number][] = [[2, 3, 2], [5, 9, 6], [4, 4, 8], [9, 1, 17], [13, 300, 37], [33, 520, 66], [129, 20, 131]];
    for (const [m, k, n] of shapes) {
      for (const bt of [false, true]) {
        const [a, b] = [f32(m * k), f32(k * n)];
        const c = new Float32Array(m * n).fill(NaN);
        expect(wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n, bt, true)).toBe(true);
        const i = firstDifference(c, reference(a, b, m, k, n, bt));
        expect(i, `seed ${SEED + 50}, shape ${m}×${k}·${k}×${n}${bt ? " (B transposed)" : ""}: element ${i} differs`).toBe(-1);
      }
    }
  });

  it("differs from summing in float64 and rounding once (so the check above can fail)", () => {
    const [m, k, n] = [6, 300, 6];
    const [a, b] = [f32(m * k), f32(k * n)];
    const c = new Float32Array(m * n);
    wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n, false, true);
    expect(firstDifference(c, reference(a, b, m, k, n, false, true))).not.toBe(-1);
  });
});

describe("np.matmul through the WebAssembly kernel", () => {
  const both = (f: () => Float64Array) => {
    setWasmEnabled(false);
    const js = f();
    setWasmEnabled(true);
    return [f(), js] as const;
  };
  const random = (shape: number[], seed: number, dtype: "float64" | "float32" = "float64") => {
    const next = generator(seed);
    const data = Float64Array.from({ length: shape.reduce((p, q) => p * q, 1) }, next);
    return np.array(dtype === "float32" ? Float32Array.from(data) : data).reshape(shape);
  };

  it("batched shapes with broadcasting: the same bits with and without WebAssembly", () => {
    const cases: [number[], number[]][] = [
      [[3, 1, 17, 23], [2, 23, 9]], // both batches broadcast against each other
      [[4, 19, 21], [21, 13]], // one B for the batch: folded into one tall product
      [[18, 21], [5, 21, 11]], // one A for the batch: B's side by side
      [[2, 33, 300], [2, 300, 7]], // k past one block (256)
      [[37, 300], [29, 300, 1]], // one A, a batch of vectors (vmap of A·v): one product, B transposed
      [[1, 5, 3], [40, 3, 1]], // the same, thin
    ];
    cases.forEach(([sa, sb], t) => {
      const a = random(sa, SEED + 10 + t);
      const b = random(sb, SEED + 20 + t);
      const [wasm, js] = both(() => np.matmul(a, b).toFloat64Array());
      const i = firstDifference(wasm, js);
      expect(i, `shapes [${sa}]·[${sb}]: element ${i} differs`).toBe(-1);
    });
  });

  it("float32: the f32x4 kernel gives the JavaScript kernel's bits (float32 arithmetic in both)", () => {
    const cases: [number[], number[]][] = [
      [[37, 45], [45, 29]],
      [[129, 300], [300, 131]], // past one block over k, ragged against 4×8 tiles
      [[3, 4, 19, 21], [21, 13]],
      [[37, 300], [29, 300, 1]], // a batch of vectors with one matrix: B transposed
    ];
    cases.forEach(([sa, sb], t) => {
      const a = random(sa, SEED + 30 + t, "float32");
      const b = random(sb, SEED + 40 + t, "float32");
      const [wasm, js] = both(() => {
        const c = np.matmul(a, b);
        expect(c.dtype).toBe("float32");
        return c.toFloat64Array();
      });
      const i = firstDifference(wasm, js);
      expect(i, `seed ${SEED + 30 + t}/${SEED + 40 + t}, shapes [${sa}]·[${sb}]: element ${i} differs`).toBe(-1);
    });
  });
});

describe("fallback to the JavaScript kernel", () => {
  it("switched off, wasmMatmulInto declines and leaves C alone", () => {
    setWasmEnabled(false);
    expect(wasmAvailable()).toBe(false);
    const c = new Float64Array(64).fill(3);
    expect(wasmMatmulInto(new Float64Array(64).fill(1), 0, new Float64Array(64).fill(1), 0, c, 0, 8, 8, 8)).toBe(false);
    expect(c.every((v) => v === 3)).toBe(true);
    expect(np.matmul(np.ones([8, 8]), np.ones([8, 8])).toFloat64Array().every((v) => v === 8)).toBe(true);
  });

  it("integer data declines (the JavaScript kernel keeps int32)", () => {
    expect(wasmMatmulInto(new Int32Array(64), 0, new Int32Array(64), 0, new Int32Array(64), 0, 8, 8, 8)).toBe(false);
  });

  // A fresh copy of the module under an engine without WebAssembly, one whose validate()
  // says no (no SIMD), and one that refuses to compile (a CSP without 'wasm-unsafe-eval').
  const real = (globalThis as { WebAssembly?: Record<string, unknown> }).WebAssembly!;
  const calls = { validate: 0, compile: 0 };
  const noSimd = () => (calls.validate++, false);
  const refuse = class {
    constructor() {
      calls.compile++;
      throw new Error("CompileError: WebAssembly.Module(): refused by the Content-Security-Policy");
    }
  };
  // Each engine with the check that the fallback was reached the intended way.
  const engines: [string, unknown, () => boolean][] = [
    ["no WebAssembly", undefined, () => true],
    ["no SIMD", { validate: noSimd, Memory: real.Memory, Module: real.Module, Instance: real.Instance }, () => calls.validate === 1],
    ["compilation refused", { validate: () => true, Memory: real.Memory, Module: refuse, Instance: real.Instance }, () => calls.compile === 1],
  ];
  for (const [name, engine, reached] of engines) {
    it(`${name}: declines quietly, trying once`, async () => {
      vi.resetModules();
      vi.stubGlobal("WebAssembly", engine);
      try {
        const fresh = await import("../../packages/nabla/src/array/wasm/index.js");
        expect(fresh.wasmAvailable()).toBe(false);
        const c = new Float64Array(64);
        expect(fresh.wasmMatmulInto(new Float64Array(64), 0, new Float64Array(64), 0, c, 0, 8, 8, 8)).toBe(false);
        expect(reached()).toBe(true);
      } finally {
        vi.unstubAllGlobals();
        // Test files share a worker's modules (isolate: false): drop the copy that saw no engine.
        vi.resetModules();
      }
    });
  }
});

describe("module builder", () => {
  it("each module stays under 4 KiB: above that, Chrome refuses to compile it on the main thread", () => {
    const kernel = compileKernel();
    expect(kernel?.sharedBytes).toHaveLength(2); // Node: a shared memory, float64's and float32's modules kept
    for (const bytes of kernel!.sharedBytes!) expect(bytes.length).toBeLessThan(4096);
    expect(vectorModuleBytes().length).toBeLessThan(4096); // the optimizers' vector passes
  });

  it("LEB128 as the specification's examples", () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(240)).toEqual([0xf0, 0x01]); // f64x2.add's sub-opcode
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe("JavaScript matrix-vector product", () => {
  it("sums each row's products in order, four rows at a time or one (ragged m), bit for bit", () => {
    const next = generator(SEED + 11);
    for (const [m, k] of [[1, 9], [3, 1], [4, 5], [5, 33], [7, 100], [8, 2], [13, 257], [203, 64]] as const) {
      const a = Float64Array.from({ length: m * k }, next);
      const x = Float64Array.from({ length: k }, next);
      const expected = new Float64Array(m);
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * x[p]!;
        expected[i] = s;
      }
      const i = firstDifference(jsProduct(a, x, m, k, 1), expected);
      expect(i, `seed ${SEED + 11}, ${m}×${k} times a vector: row ${i} differs`).toBe(-1);
    }
  });
});
