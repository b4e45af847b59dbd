// Halton points: coordinate d of point i is the radical inverse of i in the d-th prime
// base (its digits mirrored about the radix point). Scrambling is scipy's, after Owen's
// "A randomized Halton algorithm in R" (arXiv:1706.02808): every digit position of every
// base gets its own random permutation of the digits, applied to all the digits a double
// can resolve (leading zeros included, so the points fill [0, 1) and not a grid).
import { checkAllocation, checkFlag, checkInteger, checkOptions } from "../array/index.js";
import { keyArg, np, type Array } from "../core/index.js";
import * as random from "../random/index.js";

export interface HaltonOptions {
  /** Randomize the points (default true): random digit permutations per base. */
  scramble?: boolean;
  /** The PRNG key of the permutations; required when scrambling. */
  key?: Array;
  /** Start at the point with this index (default 0). */
  skip?: number;
}

/** The first `count` primes, by trial division (a few thousand at most). */
function primes(count: number): number[] {
  const found: number[] = [];
  for (let k = 2; found.length < count; k++) {
    if (found.every((p) => p * p > k || k % p !== 0)) found.push(k);
  }
  return found;
}

/** The digit positions a double resolves in base b: those with b^−k > 2^−54 (scipy's count). */
function digitCount(base: number): number {
  return Math.ceil(54 / Math.log2(base)) - 1;
}

/** Random permutations of 0..base−1, one per digit position, flattened: argsort of uniforms. */
function digitPermutations(key: Array, base: number): Float64Array {
  return np.argsort(random.uniform(key, [digitCount(base), base]), { axis: -1 }).toFloat64Array();
}

/**
 * The radical inverse of `index` in `base`, with the digits at position k mapped through
 * `perms[k·base + digit]` when scrambling. The digits are added from the most significant
 * place down, scaling by 1/base at each step, as scipy does, so unscrambled the values
 * agree with scipy's to the last bit.
 */
function radicalInverse(index: number, base: number, perms: Float64Array | undefined): number {
  let value = 0;
  let scale = 1 / base;
  let rest = index;
  const places = perms ? digitCount(base) : Infinity;
  for (let k = 0; k < places && (perms || rest > 0); k++) {
    const digit = rest % base;
    rest = Math.floor(rest / base);
    value += (perms ? perms[k * base + digit]! : digit) * scale;
    scale /= base;
  }
  // All digits mapped to b − 1 sum to 1 − b^−K, which rounding could lift to 1.
  return Math.min(value, 1 - 2 ** -53);
}

/**
 * `n` points of the Halton sequence in [0, 1)^dim, as an Array [n, dim]: coordinate d is
 * the radical inverse in the d-th prime base (2, 3, 5, 7, …). Unscrambled, the points are
 * scipy.stats.qmc.Halton(scramble=False)'s, from the origin; scrambled (the default; give
 * a `key`), every digit position of every base gets a random permutation of its digits,
 * as in scipy (Owen's randomized Halton), which breaks the striping of high dimensions and
 * makes each point uniform on the cube. Unlike Sobol', any n is as good as any other.
 *
 * @example
 * integrate.halton(2, 3, { scramble: false }); // [[0, 0], [0.5, 1/3], [0.25, 2/3]]
 * integrate.halton(4, 1000, { key: random.key(0) }); // 1000 scrambled points in [0, 1)^4
 */
export function halton(dim: number, n: number, opts: HaltonOptions = {}): Array {
  const op = "halton";
  const o = checkOptions(op, opts, ["scramble", "key", "skip"]);
  checkInteger(op, "dim", dim, undefined, 1);
  checkInteger(op, "n", n, undefined, 0);
  const skip = checkInteger(op, "skip", o.skip, 0, 0);
  const scramble = checkFlag(op, "scramble", o.scramble, true);
  if (scramble && o.key === undefined) throw new Error(`${op}: scrambling needs a key (random.key(seed)), or pass scramble: false`);
  checkAllocation(op, "float64", [n, dim]);

  const bases = primes(dim);
  const keys = scramble ? random.split(keyArg(op, o.key), dim) : undefined;
  const out = new Float64Array(n * dim);
  bases.forEach((base, d) => {
    const perms = keys ? digitPermutations(keys.slice(d), base) : undefined;
    for (let i = 0; i < n; i++) out[i * dim + d] = radicalInverse(skip + i, base, perms);
  });
  return np.array(out).reshape([n, dim]);
}
