// Sobol' points (Bratley & Fox's Algorithm 659 with Joe & Kuo's direction numbers), in
// 32-bit integer arithmetic: the point with index i is the XOR of the direction numbers
// v_j of the bits of i's Gray code, so consecutive points differ by one XOR (Antonov &
// Saleev). Scrambling is scipy's: a random lower-triangular binary matrix applied to every
// direction number (Matoušek's linear matrix scramble) and a random digital shift. It
// keeps the net's stratification and makes the points uniform on the cube; Owen (2003,
// "Variance with alternative scramblings of digital nets") shows its estimates have the
// same variance as Owen's nested uniform scrambling.
import { checkAllocation, checkFlag, checkInteger, checkOptions } from "../array/index.js";
import { keyArg, np, type Array } from "../core/index.js";
import * as random from "../random/index.js";
import { SOBOL_DIRECTIONS, SOBOL_MAX_DIM } from "./sobol-directions.js";

/** Bits of every coordinate: the points are multiples of 2⁻³², and at most 2³² of them. */
const BITS = 32;

export interface SobolOptions {
  /** Randomize the points (default true): a linear matrix scramble and a digital shift. */
  scramble?: boolean;
  /** The PRNG key of the scramble; required when scrambling. */
  key?: Array;
  /** Start at the point with this index (default 0), as scipy's fast_forward. */
  skip?: number;
}

/** The table's entries, parsed once: [polynomial, m1, …, ms] per dimension from the second. */
let table: number[][] | undefined;

/** The direction numbers v_1..v_32 of dimension d (0-based), left-aligned in 32 bits. */
function directions(d: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (d === 0) {
    // van der Corput: every m_j is 1.
    for (let j = 0; j < BITS; j++) v[j] = 2 ** (BITS - 1 - j);
    return v;
  }
  table ??= SOBOL_DIRECTIONS.trim().split(" ").map((entry) => entry.split(",").map((x) => parseInt(x, 36)));
  const [poly, ...m] = table[d - 1]!;
  const s = m.length;
  for (let j = 0; j < s; j++) v[j] = m[j]! * 2 ** (BITS - 1 - j);
  // m_j = 2a₁m_{j−1} ⊕ … ⊕ 2^{s−1}a_{s−1}m_{j−s+1} ⊕ 2^s m_{j−s} ⊕ m_{j−s}; left-aligned,
  // the powers of two vanish and the last term becomes a shift.
  for (let j = s; j < BITS; j++) {
    let x = v[j - s]! ^ (v[j - s]! >>> s);
    for (let k = 1; k < s; k++) if ((poly! >>> (s - k)) & 1) x ^= v[j - k]!;
    v[j] = x;
  }
  return v;
}

/** The parity of a 32-bit word's set bits. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  return (0x6996 >>> (x & 0xf)) & 1;
}

/**
 * Direction numbers times a lower-triangular binary matrix with unit diagonal, whose rows
 * (one per output bit) are the 32-bit words of `rows`: output bit b is the parity of
 * row b's mask with v, where the mask keeps the random bits above b and sets b itself.
 */
function scrambleDirections(v: Uint32Array, rows: ArrayLike<number>): void {
  for (let j = 0; j < BITS; j++) {
    let out = 0;
    for (let b = 0; b < BITS; b++) {
      const above = b === BITS - 1 ? 0 : ~(2 ** (b + 1) - 1);
      const mask = ((rows[b]! & above) | (2 ** b)) >>> 0;
      out |= parity(v[j]! & mask) << b;
    }
    v[j] = out >>> 0;
  }
}

/** 33 random 32-bit words per dimension: 32 matrix rows and a digital shift. */
function scrambleWords(key: Array, dim: number): Float64Array {
  const halves = random.randint(key, [dim, BITS + 1, 2], 0, 2 ** 16).toFloat64Array();
  const words = new Float64Array(dim * (BITS + 1));
  for (let i = 0; i < words.length; i++) words[i] = halves[2 * i]! * 2 ** 16 + halves[2 * i + 1]!;
  return words;
}

/**
 * `n` points of the Sobol' sequence in [0, 1)^dim, as an Array [n, dim], with Joe and
 * Kuo's direction numbers (new-joe-kuo-6.21201; up to 1024 dimensions) and 32 bits per
 * coordinate. Unscrambled, the points are scipy.stats.qmc.Sobol(scramble=False)'s, from
 * the origin. Scrambled (the default; give a `key`), they are randomized as scipy does —
 * a random linear matrix scramble plus a digital shift — so each point is uniform on the
 * cube and independent scrambles give an error bar (see qmcEstimate).
 *
 * Sobol' points are balanced in runs of powers of two: the first 2^m points (from a skip
 * that is a multiple of 2^m) put exactly 2^m/2^k points in each interval [i/2^k, (i+1)/2^k)
 * of every coordinate. Use n = 2^m; other counts lose that balance and integrate worse.
 *
 * @example
 * integrate.sobol(2, 4, { scramble: false }); // [[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]
 * integrate.sobol(5, 1024, { key: random.key(0) }); // 1024 scrambled points in [0, 1)^5
 */
export function sobol(dim: number, n: number, opts: SobolOptions = {}): Array {
  const op = "sobol";
  const o = checkOptions(op, opts, ["scramble", "key", "skip"]);
  checkInteger(op, "dim", dim, undefined, 1);
  if (dim > SOBOL_MAX_DIM) throw new Error(`${op}: dim must be at most ${SOBOL_MAX_DIM} (the direction numbers nabla ships), got ${dim}`);
  checkInteger(op, "n", n, undefined, 0);
  const skip = checkInteger(op, "skip", o.skip, 0, 0);
  if (skip + n > 2 ** BITS) throw new Error(`${op}: skip + n must be at most 2^${BITS} (${BITS}-bit points), got ${skip + n}`);
  const scramble = checkFlag(op, "scramble", o.scramble, true);
  if (scramble && o.key === undefined) throw new Error(`${op}: scrambling needs a key (random.key(seed)), or pass scramble: false`);
  checkAllocation(op, "float64", [n, dim]);

  const words = scramble ? scrambleWords(keyArg(op, o.key), dim) : undefined;
  const v = new Uint32Array(dim * BITS);
  const x = new Uint32Array(dim);
  const gray = (skip ^ Math.floor(skip / 2)) >>> 0;
  for (let d = 0; d < dim; d++) {
    const vd = directions(d);
    if (words) {
      scrambleDirections(vd, words.subarray(d * (BITS + 1), d * (BITS + 1) + BITS));
      x[d] = words[d * (BITS + 1) + BITS]!;
    }
    for (let j = 0; j < BITS; j++) if ((gray >>> j) & 1) x[d] = x[d]! ^ vd[j]!;
    v.set(vd, d * BITS);
  }
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) out[i * dim + d] = x[d]! / 2 ** BITS;
    if (i === n - 1) break;
    // From index k = skip + i to k + 1 the Gray code flips the bit of k's lowest zero.
    const k = (skip + i) >>> 0;
    const flip = 31 - Math.clz32(~k & (k + 1));
    for (let d = 0; d < dim; d++) x[d] = x[d]! ^ v[d * BITS + flip]!;
  }
  return np.array(out).reshape([n, dim]);
}
