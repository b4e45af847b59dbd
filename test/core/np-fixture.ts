// numpy's reference values for the non-elementwise np functions, from
// test/fixtures/np.json (written by scripts/fixtures/np.py; the tests need no Python).
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { np, type Array, type DType } from "nabla";

export interface Encoded {
  dtype: string;
  shape: number[];
  data: (number | string | boolean)[];
}
type Out = Encoded | Out[] | { [k: string]: Out };

interface Fixture {
  numpy: string;
  cases: Record<string, { args: Encoded[]; out: Out }>;
  dtypes: {
    canCast: Record<string, Record<DType, Record<DType, boolean>>>;
    resultType: Record<DType, Record<DType, string>>;
    finfo: Record<"float64" | "float32", Record<string, number>>;
    iinfo: { bits: number; min: number; max: number };
  };
}

export const FIXTURE: Fixture = JSON.parse(readFileSync(new URL("../fixtures/np.json", import.meta.url), "utf8"));

/** A fixture number: NaN, ±∞ and −0 are written as strings. */
export function value(v: number | string | boolean): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  return { nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 }[v] ?? Number(v);
}

/** nabla's dtype for numpy's: its int64 (the default integer) is int32 here. */
export function dtypeOf(numpyDtype: string): DType {
  if (numpyDtype === "int64") return "int32";
  if (numpyDtype === "float64" || numpyDtype === "float32" || numpyDtype === "int32" || numpyDtype === "bool") return numpyDtype;
  throw new Error(`no nabla dtype for numpy's ${numpyDtype}`);
}

/** A fixture array as a nabla Array. */
export function toArray(e: Encoded): Array {
  const dtype = dtypeOf(e.dtype);
  return np.reshape(np.array(e.data.map(value), { dtype }), e.shape);
}

/** The case's inputs (as Arrays) and numpy's output. */
export function fixture(id: string): { args: Array[]; out: Out } {
  const c = FIXTURE.cases[id];
  if (!c) throw new Error(`no fixture case ${JSON.stringify(id)}`);
  return { args: c.args.map(toArray), out: c.out };
}

/** Same dtype (numpy's int64 as int32), shape, and values: bit for bit (−0 and NaN included) when tol is 0, else |a − e| ≤ tol·max(1, |e|). */
export function expectArray(got: Array, want: Encoded, tol = 0, what = "result"): void {
  expect(got.dtype, `${what}: dtype`).toBe(dtypeOf(want.dtype));
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const data = got.toFloat64Array();
  want.data.forEach((w, i) => {
    const e = value(w);
    const a = data[i]!;
    const ok = tol === 0 ? Object.is(a, e) : Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    if (!ok) throw new Error(`${what}: element ${i} is ${Object.is(a, -0) ? "-0" : a}, numpy's ${w}`);
  });
}

/** Compares a result (an Array, a list of them, or a record of them) with numpy's. */
export function expectMatches(got: unknown, want: Out, tol = 0, what = "result"): void {
  if (globalThis.Array.isArray(want)) {
    expect(globalThis.Array.isArray(got), `${what} is a list`).toBe(true);
    expect((got as unknown[]).length, `${what}: length`).toBe(want.length);
    want.forEach((w, i) => expectMatches((got as unknown[])[i], w, tol, `${what}[${i}]`));
  } else if ("dtype" in want && "data" in want) {
    expectArray(got as Array, want as Encoded, tol, what);
  } else {
    const keys = Object.keys(want);
    expect(Object.keys(got as object).sort(), `${what}: fields`).toEqual(keys.sort());
    for (const k of keys) expectMatches((got as Record<string, unknown>)[k], (want as Record<string, Out>)[k]!, tol, `${what}.${k}`);
  }
}

/**
 * A table of cases: id → the nabla call on the case's inputs, and the tolerance (0: bit
 * for bit). Returns the ids of the fixture starting with `prefixes` that the table lacks.
 */
export type Table = Record<string, [(...args: Array[]) => unknown, number?]>;

export function missingCases(table: Table, prefixes: readonly string[]): string[] {
  return Object.keys(FIXTURE.cases).filter((id) => prefixes.some((p) => id.startsWith(p)) && !(id in table));
}
