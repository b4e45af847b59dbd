// Padding specs shared by convolutions and pooling: the names JAX accepts, turned into
// explicit (before, after) pairs per spatial axis.
import { describe } from "../array/index.js";

/** "VALID" (none), "SAME" (output length ⌈n / stride⌉, extra zero after), "SAME_LOWER" (extra before), or explicit pairs. */
export type Padding = "VALID" | "SAME" | "SAME_LOWER" | readonly (readonly [number, number])[];

type Pairs = [number, number][];

/**
 * Explicit pairs, one per spatial axis, from `padding` (as lax.padtype_to_pads): SAME
 * pads (⌈n/s⌉ − 1)·s + window − n in total, half before (rounded down) and the rest after.
 * `window` is the window's extent (dilated kernel). Negative pairs are allowed only when
 * `allowNegative` (convolutions crop; pooling does not).
 *
 * @example
 * paddingPairs("nn.conv", "SAME", [5], [3], [2]); // [[1, 1]]
 */
export function paddingPairs(op: string, padding: unknown, inSp: readonly number[], window: readonly number[], strides: readonly number[], allowNegative = true): Pairs {
  const nd = inSp.length;
  if (padding === undefined) return inSp.map(() => [0, 0]);
  if (typeof padding === "string") {
    const kind = padding.toUpperCase();
    if (kind === "VALID") return inSp.map(() => [0, 0]);
    if (kind === "SAME" || kind === "SAME_LOWER") {
      return inSp.map((n, d) => {
        const out = Math.ceil(n / strides[d]!);
        const total = Math.max(0, (out - 1) * strides[d]! + window[d]! - n);
        const small = Math.floor(total / 2);
        return kind === "SAME" ? [small, total - small] : [total - small, small];
      });
    }
  }
  const pairs = globalThis.Array.isArray(padding) && padding.length === nd &&
    padding.every((q) => globalThis.Array.isArray(q) && q.length === 2 && q.every((v) => Number.isSafeInteger(v) && (allowNegative || v >= 0)));
  if (!pairs) {
    const what = allowNegative ? "integers" : "non-negative integers";
    throw new Error(`${op}: padding must be "VALID", "SAME", "SAME_LOWER" or ${nd} [before, after] pairs of ${what}, got ${describe(padding)}`);
  }
  return (padding as [number, number][]).map(([lo, hi]) => [lo, hi]);
}
