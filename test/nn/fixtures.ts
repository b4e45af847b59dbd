// Reads test/fixtures/nn.json (written by scripts/fixtures/nn.py from numpy and scipy) and
// compares Arrays with its references.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { np, type Array, type DType } from "nabla";

/** An array as the fixture script writes it: non-finite numbers as strings. */
export interface Enc {
  shape: number[];
  dtype: DType;
  data: (number | string | boolean)[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const FIXTURES: any = JSON.parse(readFileSync(new URL("../fixtures/nn.json", import.meta.url), "utf8"));

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** The Array an encoded fixture stands for. */
export function dec(e: Enc): Array {
  const data = e.data.map((v) => (typeof v === "string" ? SPECIAL[v]! : typeof v === "boolean" ? Number(v) : v));
  return np.reshape(np.array(data, { dtype: e.dtype }), e.shape);
}

/**
 * `actual` has the reference's shape and dtype, and each element is within
 * atol + rtol·|expected| of it (NaN matches NaN, ±∞ match exactly).
 */
export function expectArrayClose(actual: Array, expected: Array | Enc, rtol = 1e-12, atol = 1e-12, what = "value"): void {
  const ref = "data" in expected ? dec(expected) : expected;
  expect(actual.shape, `${what}: shape`).toEqual(ref.shape);
  expect(actual.dtype, `${what}: dtype`).toBe(ref.dtype);
  const a = actual.toFloat64Array();
  const e = ref.toFloat64Array();
  for (let i = 0; i < e.length; i++) {
    const [x, y] = [a[i]!, e[i]!];
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) expect.fail(`${what}: element ${i} is ${x}, expected ${y} (shape ${ref.shape.join("×")})`);
  }
}
