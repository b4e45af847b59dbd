// Pieces of generated source: literals, dtype rounding, index expressions, and the
// statement blocks of loop bodies. Every string here is built from numbers computed by
// the generator and identifiers it made: no user text.
import { stridesOf, type AxisMap, type DType, type Shape } from "../../array/index.js";

export const ARRAY_TYPE: Record<DType, string> = { float64: "Float64Array", float32: "Float32Array", int32: "Int32Array", bool: "Uint8Array" };

/** Appends `items` to `target` in a loop: push(...items) overflows the stack at ~10⁵ items, and a big kernel has that many lines. */
export function append(target: string[], items: readonly string[]): void {
  for (const item of items) target.push(item);
}

/** Integer literal (only ever numbers computed by the generator). */
export function int(n: number): string {
  if (!Number.isInteger(n)) throw new Error(`jit: expected an integer, got ${n}`);
  return String(n);
}

/** Rounds a double result to what the dtype's typed array would store. */
export function castTo(dtype: DType, expr: string): string {
  if (dtype === "float32") return `Math.fround(${expr})`;
  if (dtype === "int32") return `((${expr}) | 0)`;
  return expr;
}

export function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a * b) / gcd(a, b);
}

/** The flat position of `idx` in a contiguous buffer of `shape`. */
export function flatIndex(shape: Shape, idx: readonly string[]): string {
  const strides = stridesOf(shape);
  const terms = shape.map((d, i) => (d === 1 ? "" : strides[i] === 1 ? idx[i]! : `${idx[i]} * ${int(strides[i]!)}`)).filter(Boolean);
  return terms.length ? terms.join(" + ") : "0";
}

/** The input index a view reads for output index `idx` (see `AxisMap`). */
export function viewIndex(map: AxisMap, idx: readonly string[]): string[] {
  return map.from.map((f, d) => {
    const start = map.start[d]!;
    const step = map.step[d]!;
    if (f < 0) return int(start);
    const scaled = step === 1 ? idx[f]! : `${idx[f]} * ${step < 0 ? `(${int(step)})` : int(step)}`;
    return start === 0 ? scaled : `(${int(start)} + ${scaled})`;
  });
}

export const indent = (lines: readonly string[]) => lines.map((l) => "  " + l);

/** `for` loops with indices `vars` running below `extents` (outer first) around `body`. */
export function forLoops(vars: readonly string[], extents: readonly number[], body: readonly string[]): string[] {
  let out = [...body];
  for (let d = vars.length - 1; d >= 0; d--) {
    const i = vars[d]!;
    out = [`for (let ${i} = 0; ${i} < ${int(extents[d]!)}; ${i}++) {`, ...indent(out), "}"];
  }
  return out;
}

/** The index of each axis of `shape` inside loops `vars` over its axes longer than 1. */
export function indicesOf(shape: Shape, vars: readonly string[]): string[] {
  let k = 0;
  return shape.map((d) => (d === 1 ? "0" : vars[k++]!));
}

/** Statements of one loop body, with the temporaries they define (nested inside `if` for pad). */
export class Block {
  readonly lines: string[] = [];
  private readonly cache = new Map<string, string>();
  constructor(readonly parent?: Block) {}
  lookup(key: string): string | undefined {
    return this.cache.get(key) ?? this.parent?.lookup(key);
  }
  remember(key: string, name: string): void {
    this.cache.set(key, name);
  }
}
