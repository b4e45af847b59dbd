// Reading test/fixtures/linalg.json (written by scripts/fixtures/linalg.py from numpy and
// scipy), and the comparisons its tests share.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { np, type Array, type DType } from "nabla";

export interface Encoded {
  shape: number[];
  dtype: DType;
  data: number[];
}

export interface FixtureCase {
  fn: string;
  name: string;
  args: Encoded[];
  options: Record<string, unknown>;
  out: Encoded[];
}

const file = JSON.parse(readFileSync(new URL("../fixtures/linalg.json", import.meta.url), "utf8")) as { numpy: string; scipy: string; cases: FixtureCase[] };

/** The cases of one numpy/scipy function. */
export function fixtures(fn: string): FixtureCase[] {
  const found = file.cases.filter((c) => c.fn === fn);
  if (found.length === 0) throw new Error(`no fixture cases for ${fn}`);
  return found;
}

export const decode = (e: Encoded): Array => np.reshape(np.array(e.data, { dtype: e.dtype }), e.shape);

export const maxAbs = (a: Array): number => (a.size === 0 ? 0 : np.max(np.abs(a)).item());
export const maxDiff = (a: Array, b: Array): number => (a.size === 0 && b.size === 0 ? 0 : np.max(np.abs(np.sub(np.astype(a, "float64"), np.astype(b, "float64")))).item());

/** Largest |got − want| over max(largest |want|, floor); both of the same shape. */
export function relError(got: Array, want: Array, floor = 0): number {
  expect(got.shape).toEqual(want.shape);
  const scale = Math.max(maxAbs(want), floor);
  const d = maxDiff(got, want);
  return d === 0 ? 0 : d / scale;
}

/** ε of a dtype. */
export const epsOf = (dtype: DType): number => (dtype === "float32" ? 2 ** -23 : 2 ** -52);

export const mT = (x: Array): Array => np.swapaxes(x, -1, -2);
