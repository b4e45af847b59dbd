// Assertions and seeded data shared by the test files.
import { expect } from "vitest";

export type Nested = number | Nested[];

/** Deep comparison of nested numbers: same structure, |a − e| ≤ tol·max(1, |e|). */
export function expectClose(actual: unknown, expected: Nested, tol = 1e-10, path = "value"): void {
  if (typeof expected === "number") {
    expect(typeof actual, `${path} is a number`).toBe("number");
    const a = actual as number;
    expect(Math.abs(a - expected), `${path}: got ${a}, expected ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
    return;
  }
  expect(globalThis.Array.isArray(actual), `${path} is a list`).toBe(true);
  const list = actual as unknown[];
  expect(list.length, `${path}.length`).toBe(expected.length);
  expected.forEach((e, i) => expectClose(list[i], e, tol, `${path}[${i}]`));
}

/** The message of the error `fn` throws (fails the test if it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, but the call returned normally");
}

/** mulberry32: a seeded uniform generator on [0, 1), for the tests of raw kernels. */
export function uniformFrom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the first element whose bits differ (Object.is tells −0 from 0), or −1. */
export function firstDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return i;
  return -1;
}

/** A float as the fixture scripts write it to JSON: NaN, ±inf and −0 come as strings. */
export const decodeFloat = (v: number | string): number =>
  typeof v === "number" ? v : ({ nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 } as Record<string, number>)[v]!;

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);
/** A double's place on the number line: consecutive doubles differ by 1, and −0 is 0. */
export function ordinal(x: number): bigint {
  f64[0] = x;
  const b = bits[0]!;
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}
