import { sizeOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType } from "../dtype.js";
import { checkAllocation } from "../memory.js";

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];

/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as easy as
 * 1, 2, 3", SC 2011), the counter-based generator JAX uses: the same key and counter
 * give the same two 32-bit words on every machine. Writes words for counters
 * `(0, j)`, j < count, into `out[2j]`, `out[2j+1]`.
 */
export function threefry2x32(k0: number, k1: number, count: number, out: Uint32Array): void {
  const ks = [k0 >>> 0, k1 >>> 0, (0x1bd11bda ^ k0 ^ k1) >>> 0];
  for (let j = 0; j < count; j++) {
    let x0 = ks[0]!;
    let x1 = (j + ks[1]!) >>> 0;
    for (let r = 0; r < 20; r++) {
      x0 = (x0 + x1) >>> 0;
      const rot = ROTATIONS[r % 8]!;
      x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
      x1 = (x1 ^ x0) >>> 0;
      if (r % 4 === 3) {
        const i = (r + 1) / 4;
        x0 = (x0 + ks[i % 3]!) >>> 0;
        x1 = (x1 + ks[(i + 1) % 3]! + i) >>> 0;
      }
    }
    out[2 * j] = x0;
    out[2 * j + 1] = x1;
  }
}

function keyWords(key: Storage): [number, number] {
  return [key.data[0]!, key.data[1]!];
}

/** Raw 32-bit words, stored as int32 bit patterns. */
export function randomBitsStorage(key: Storage, shape: Shape): Storage {
  const n = sizeOf(shape);
  checkAllocation("random.split", "int32", shape);
  const words = new Uint32Array(n + (n % 2));
  threefry2x32(...keyWords(key), words.length / 2, words);
  return new Storage("int32", shape, new Int32Array(words.buffer, 0, n));
}

/** Uniform floats in [0, 1): 53 random bits per float64 element, 24 per float32. */
export function randomUniformStorage(key: Storage, shape: Shape, dtype: DType): Storage {
  const n = sizeOf(shape);
  // The output first: it refuses a shape too large before the twice-as-large words are.
  const out = Storage.zeros(dtype, shape, "random.uniform");
  checkAllocation("random.uniform", "float64", shape);
  const words = new Uint32Array(2 * n);
  threefry2x32(...keyWords(key), n, words);
  for (let i = 0; i < n; i++) {
    out.data[i] =
      dtype === "float32"
        ? (words[2 * i]! >>> 8) / 16777216
        : ((words[2 * i]! >>> 5) * 67108864 + (words[2 * i + 1]! >>> 6)) / 9007199254740992;
  }
  return out;
}
