import { sizeOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType } from "../dtype.js";
import { checkAllocation } from "../memory.js";
import { lgamma } from "../special/index.js";

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];
const KS_PARITY = 0x1bd11bda;

/**
 * One block of Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the counter-based generator JAX uses: counter (c0, c1)
 * under key (k0, k1) gives the same two 32-bit words on every machine, written into
 * `out[o]` and `out[o + 1]`.
 */
function threefryBlock(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, o: number): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (KS_PARITY ^ ks0 ^ ks1) >>> 0;
  let x0 = (c0 + ks0) >>> 0;
  let x1 = (c1 + ks1) >>> 0;
  for (let r = 0; r < 20; r++) {
    x0 = (x0 + x1) >>> 0;
    const rot = ROTATIONS[r % 8]!;
    x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
    x1 = (x1 ^ x0) >>> 0;
    if (r % 4 === 3) {
      // Key injection i after every 4 rounds: words i mod 3 and (i + 1) mod 3 of the schedule.
      const i = (r + 1) / 4;
      const m = i % 3;
      x0 = (x0 + (m === 0 ? ks0 : m === 1 ? ks1 : ks2)) >>> 0;
      x1 = (x1 + (m === 0 ? ks1 : m === 1 ? ks2 : ks0) + i) >>> 0;
    }
  }
  out[o] = x0;
  out[o + 1] = x1;
}

/**
 * Threefry-2x32 (see {@link threefryBlock}) of the counters `(0, j)`, j < count: their
 * words go into `out[2j]`, `out[2j+1]`.
 */
export function threefry2x32(k0: number, k1: number, count: number, out: Uint32Array): void {
  for (let j = 0; j < count; j++) threefryBlock(k0, k1, 0, j, out, 2 * j);
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

/** A float64 in [0, 1) from two words: 27 bits of the first, 26 of the second. */
const uniform53 = (w0: number, w1: number): number => ((w0 >>> 5) * 67108864 + (w1 >>> 6)) / 9007199254740992;

/** Uniform floats in [0, 1): 53 random bits per float64 element, 24 per float32. */
export function randomUniformStorage(key: Storage, shape: Shape, dtype: DType): Storage {
  const n = sizeOf(shape);
  // The output first: it refuses a shape too large before the twice-as-large words are.
  const out = Storage.zeros(dtype, shape, "random.uniform");
  checkAllocation("random.uniform", "float64", shape);
  const words = new Uint32Array(2 * n);
  threefry2x32(...keyWords(key), n, words);
  for (let i = 0; i < n; i++) {
    out.data[i] = dtype === "float32" ? (words[2 * i]! >>> 8) / 16777216 : uniform53(words[2 * i]!, words[2 * i + 1]!);
  }
  return out;
}

/**
 * The random stream of one element of a rejection sampler. Element i draws from its own
 * key, the i-th of `random.split(key, n)` (the block of counter (0, i)), and then from the
 * blocks (0, 0), (0, 1), … under that key: so what element i gets depends only on the
 * key, i and its own parameters, however many draws its neighbours needed.
 */
class ElementStream {
  private readonly words = new Uint32Array(2);
  private k0 = 0;
  private k1 = 0;
  private block = 0;
  private spare = -1;

  constructor(private readonly key: Storage) {}

  /** Starts the stream of element `i`. */
  start(i: number): void {
    threefryBlock(this.key.data[0]!, this.key.data[1]!, 0, i, this.words, 0);
    this.k0 = this.words[0]!;
    this.k1 = this.words[1]!;
    this.block = 0;
    this.spare = -1;
  }

  /** A uniform float64 in [0, 1) from one block (as random.uniform's). */
  uniform(): number {
    threefryBlock(this.k0, this.k1, 0, this.block++, this.words, 0);
    return uniform53(this.words[0]!, this.words[1]!);
  }

  /** A uniform float64 in (0, 1]: 1 − uniform, whose logarithm is finite. */
  open(): number {
    return 1 - this.uniform();
  }

  /** A uniform 32-bit word (two per block). */
  word(): number {
    if (this.spare >= 0) {
      const w = this.spare;
      this.spare = -1;
      return w;
    }
    threefryBlock(this.k0, this.k1, 0, this.block++, this.words, 0);
    this.spare = this.words[1]!;
    return this.words[0]!;
  }

  /** A standard normal (Box–Muller on two uniforms, as random.normal). */
  normal(): number {
    const r = Math.sqrt(-2 * Math.log(this.open()));
    return r * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** The smallest positive normal number of a float dtype. */
const tinyOf = (dtype: DType): number => (dtype === "float32" ? 1.1754943508222875e-38 : 2.2250738585072014e-308);

/**
 * log of a Gamma(a, 1) sample by Marsaglia and Tsang, "A simple method for generating
 * gamma variables" (ACM TOMS 26(3), 2000): with d = a − 1/3 and c = 1/√(9d), draw z
 * normal, v = (1 + cz)³ > 0, and accept d·v when u < 1 − 0.0331z⁴ (the squeeze) or log u <
 * z²/2 + d(1 − v + log v). For a < 1 it samples a + 1 and multiplies by U^{1/a} (their
 * section 6), added here as log(U)/a so that the logarithm stays finite where the sample
 * itself underflows.
 */
function logGammaSample(s: ElementStream, a: number): number {
  const boost = a < 1;
  const d = (boost ? a + 1 : a) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = s.normal();
    let v = 1 + c * z;
    if (v <= 0) continue;
    v = v * v * v;
    const u = s.uniform();
    const z2 = z * z;
    if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) {
      const logx = Math.log(d) + Math.log(v);
      return boost ? logx + Math.log(s.open()) / a : logx;
    }
  }
}

/**
 * Gamma(a, 1) samples, one per element of `a` (its shape and float dtype), or their
 * logarithms (`log`). Degenerate and invalid shapes: a = 0 gives 0 (log: −∞), a = ∞
 * gives ∞, a < 0 or NaN gives NaN. A sample that underflows the dtype (small a) is
 * returned as its smallest normal number, as JAX does; the log-space samples keep it.
 */
export function randomGammaStorage(key: Storage, a: Storage, log: boolean): Storage {
  const out = Storage.zeros(a.dtype, a.shape, log ? "random.loggamma" : "random.gamma");
  const tiny = tinyOf(a.dtype);
  const s = new ElementStream(key);
  for (let i = 0; i < a.size; i++) {
    const ai = a.data[i]!;
    let v: number;
    if (!(ai > 0)) v = ai === 0 ? (log ? -Infinity : 0) : NaN;
    else if (ai === Infinity) v = Infinity;
    else {
      s.start(i);
      const logx = logGammaSample(s, ai);
      v = log ? logx : Math.exp(logx);
    }
    out.data[i] = v;
    if (!log && out.data[i] === 0 && ai > 0) out.data[i] = tiny;
  }
  return out;
}

/** log k! for k ≥ 0 (an integer-valued double). */
const logFactorial = (k: number): number => lgamma(k + 1);

/** Knuth's Poisson sampler (TAOCP vol. 2, 3.4.1): count uniforms until their product falls to e^{−λ}. */
function poissonKnuth(s: ElementStream, lam: number): number {
  const limit = Math.exp(-lam);
  let k = 0;
  let p = s.open();
  while (p > limit) {
    k++;
    p *= s.open();
  }
  return k;
}

/**
 * Hörmann's transformed rejection with squeeze, PTRS ("The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and Economics 12,
 * 1993), for λ ≥ 10: the constants are those of the paper.
 */
function poissonPtrs(s: ElementStream, lam: number): number {
  const logLam = Math.log(lam);
  const b = 0.931 + 2.53 * Math.sqrt(lam);
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = s.uniform() - 0.5;
    const v = s.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log((v * invAlpha) / (a / (us * us) + b)) <= -lam + k * logLam - logFactorial(k)) return k;
  }
}

/** The largest rate poisson samples: its counts stay far below 2³¹. */
export const POISSON_MAX_RATE = 2 ** 30;

/**
 * Poisson(λ) counts (int32), one per element of `lam`: Knuth's method below λ = 10,
 * PTRS from there (the split JAX, numpy and TensorFlow use). λ = 0 gives 0; a rate that
 * is negative, NaN or above {@link POISSON_MAX_RATE} gives −1 (no count is −1).
 */
export function randomPoissonStorage(key: Storage, lam: Storage): Storage {
  const out = Storage.zeros("int32", lam.shape, "random.poisson");
  const s = new ElementStream(key);
  for (let i = 0; i < lam.size; i++) {
    const l = lam.data[i]!;
    if (!(l >= 0 && l <= POISSON_MAX_RATE)) out.data[i] = -1;
    else if (l > 0) {
      s.start(i);
      out.data[i] = l < 10 ? poissonKnuth(s, l) : poissonPtrs(s, l);
    }
  }
  return out;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Uniform integers in [lo, hi) (int32), one per element of `lo` and `hi` (float64 of the
 * output's shape), exactly unbiased: a 32-bit word w is kept only below the largest
 * multiple of the span, then reduced mod the span (rejection, as Lemire's "Fast random
 * integer generation in an interval", ACM TOMS 2019, without its multiply shortcut, which
 * needs 64-bit products). The bounds are truncated to integers and clipped to int32 (hi to
 * 2³¹, so that hi = 2³¹ reaches 2³¹ − 1); NaN counts as 0, and hi ≤ lo gives lo (as JAX).
 */
export function randomRandintStorage(key: Storage, lo: Storage, hi: Storage): Storage {
  const out = Storage.zeros("int32", lo.shape, "random.randint");
  const s = new ElementStream(key);
  const bound = (v: number, max: number) => Math.min(Math.max(Math.trunc(v) || 0, INT32_MIN), max);
  for (let i = 0; i < lo.size; i++) {
    const a = bound(lo.data[i]!, INT32_MAX);
    const span = bound(hi.data[i]!, INT32_MAX + 1) - a;
    if (span <= 1) {
      out.data[i] = a;
      continue;
    }
    s.start(i);
    const limit = 4294967296 - (4294967296 % span);
    let w = s.word();
    while (w >= limit) w = s.word();
    out.data[i] = a + (w % span);
  }
  return out;
}
