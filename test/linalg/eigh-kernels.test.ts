import { afterEach, describe, expect, it } from "vitest";
import { residentRows, setWasmEnabled, wasmAvailable } from "../../packages/nabla/src/array/index.js";
import { symmetricEigen } from "../../packages/nabla/src/linalg/eigh.js";
import { uniformFrom, firstDifference } from "../helpers.js";

// eigh's WebAssembly kernels (the QR sweeps' row rotations, the tridiagonal reduction's
// matrix–vector products) promise the JavaScript loops' bits exactly: the same operations
// on each entry, in the same order, multiply then add. Checked on shapes that are not
// multiples of the kernels' strips (8) or of f64x2's pairs, with data over many binades
// so that any other order or a fused multiply-add would change bits.

const SEED = 20250117;

/** Values over 2⁻²⁰…2²⁰ with both signs. */
function spread(length: number, next: () => number): Float64Array {
  return Float64Array.from({ length }, () => (next() - 0.5) * 2 ** Math.round(40 * next() - 20));
}

afterEach(() => setWasmEnabled(true));

describe("eigh's WebAssembly kernels", () => {
  it("are available in Node 20", () => {
    expect(wasmAvailable()).toBe(true);
  });

  it("rotate rows as the JavaScript loop does, bit for bit, across deferred groups of sweeps", () => {
    const next = uniformFrom(SEED);
    for (const [rows, width] of [[2, 1], [13, 19], [40, 8], [23, 33]] as const) {
      const Z = spread(rows * width, next);
      const expected = Z.slice();
      const resident = residentRows(Z, rows, width)!;
      // 70 sweeps: more than one group of 32, so the kernel runs several times.
      for (let sweep = 0; sweep < 70; sweep++) {
        const lo = Math.floor(next() * (rows - 1));
        const hi = lo + 1 + Math.floor(next() * (rows - 1 - lo));
        const cs = resident.sweep(lo, hi);
        for (let k = lo; k < hi; k++) {
          const angle = 2 * Math.PI * next();
          const [c, s] = [Math.cos(angle), Math.sin(angle)];
          cs[2 * (k - lo)] = c;
          cs[2 * (k - lo) + 1] = s;
          for (let i = 0; i < width; i++) {
            const u = expected[k * width + i]!;
            const v = expected[(k + 1) * width + i]!;
            expected[k * width + i] = c * u + s * v;
            expected[(k + 1) * width + i] = c * v - s * u;
          }
        }
      }
      resident.finish();
      expect(firstDifference(Z, expected), `rows ${rows}, width ${width}`).toBe(-1);
    }
  });

  it("leave symmetricEigen's eigenvalues and eigenvectors bit-identical to the JavaScript path", () => {
    const next = uniformFrom(SEED + 2);
    for (const n of [21, 67, 133]) {
      const a = spread(n * n, next).map((v) => v / 2 ** 20 + next());
      setWasmEnabled(false);
      const js = symmetricEigen(a, 0, n);
      setWasmEnabled(true);
      const wasm = symmetricEigen(a, 0, n);
      expect(firstDifference(wasm.w, js.w), `eigenvalues, n = ${n}`).toBe(-1);
      expect(firstDifference(wasm.V, js.V), `eigenvectors, n = ${n}`).toBe(-1);
    }
  });
});
