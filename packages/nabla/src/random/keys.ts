// Keys: random.key and random.split.
import { type Array, bind1, np, keyArg } from "../core/index.js";
import { checkInteger, describe } from "../array/index.js";
import { randomBits } from "./primitives.js";


/**
 * A PRNG key from an integer seed: an int32 array of shape (2,). Randomness in nabla is
 * explicit, as in JAX: every sampler takes a key, and the same key gives the same
 * numbers on every machine. Use `split` to make independent keys.
 *
 * @example
 * const key = random.key(0);
 */
export function key(seed: number): Array {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new Error(`random.key: seed must be a safe integer, got ${describe(seed)}`);
  const hi = Math.floor(seed / 2 ** 32);
  return np.array([hi | 0, seed >>> 0 | 0], { dtype: "int32" });
}

/**
 * `n` new independent keys (an (n, 2) array; destructure it: `const [k1, k2] = split(key)`).
 *
 * @example
 * const [k1, k2] = random.split(random.key(0));
 */
export function split(key: Array, n = 2): Array {
  const k = keyArg("random.split", key);
  return bind1(randomBits, [k], { shape: [checkInteger("random.split", "n", n, 2, 1), 2] });
}

/** Two keys from one, as a pair. */
export function split2(key: Array): [Array, Array] {
  const [a, b] = split(key);
  return [a!, b!];
}
