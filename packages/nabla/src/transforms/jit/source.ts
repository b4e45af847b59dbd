// Pieces of generated source: literals, dtype rounding, index expressions (views, pads),
// loops and the statement blocks of their bodies. Every string here is built from numbers
// computed by the generator and identifiers it made: no user text.
import { stridesOf, type AxisMap, type DType, type Shape } from "../../array/index.js";
import type { Step } from "./plan.js";

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
  return dtype === "int32" ? `((${expr}) | 0)` : expr;
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
    const [start, step] = [map.start[d]!, map.step[d]!];
    if (f < 0) return int(start);
    const scaled = step === 1 ? idx[f]! : `${idx[f]} * ${step < 0 ? `(${int(step)})` : int(step)}`;
    return start === 0 ? scaled : `(${int(start)} + ${scaled})`;
  });
}

/** A loop index j·L + r, of a loop written out by phases r = 0..L−1, j running below `count`. */
export type Phase = { readonly j: string; readonly L: number; readonly r: number; readonly count: number };

/**
 * Pads, fused: the input index a pad reads for output index `idx`, and the conditions
 * under which it reads at all (else the element is 0); undefined where `idx` is known to
 * miss the window. In a loop written out by phases (its last index j·L + r, see
 * Emitter.store), whether an index lands on a window whose step divides L is known when
 * the code is written, so the loop body needs no branch for it: the gradient of a strided
 * slice is such a pad. Indices that are again of the form j·L′ + r′ join `phases`.
 */
export function windowIndex(
  { start, step }: Extract<Step, { kind: "window" }>, shape: Shape, outShape: Shape, idx: readonly string[], phases: Map<string, Phase>,
): { inner: string[]; conds: string[] } | undefined {
  const conds: string[] = [];
  let missed = false;
  const inner = idx.map((ix, d) => {
    const [first, st, len] = [start[d]!, step[d]!, shape[d]!];
    if (len === outShape[d] && st === 1) return ix; // axis not padded
    const ph = phases.get(ix);
    if (ph && ph.L % st === 0) {
      // ix = j·L + r, so ix − first = j·L + rel: whether it lands on the window is static.
      const rel = ph.r - first;
      if (((rel % st) + st) % st !== 0) missed = true;
      if (rel < 0) conds.push(`${ph.j} >= ${int(Math.ceil(-rel / ph.L))}`);
      if ((ph.count - 1) * ph.L + rel > (len - 1) * st) conds.push(`${ph.j} * ${int(ph.L)} + ${int(rel)} <= ${int((len - 1) * st)}`);
      const L = ph.L / st;
      const q = Math.floor(rel / st);
      const expr = L === 1 ? (q === 0 ? ph.j : `(${ph.j} + ${int(q)})`) : `(${ph.j} * ${int(L)} + ${int(q)})`;
      if (L > 1 && q >= 0 && q < L) phases.set(expr, { j: ph.j, L, r: q, count: ph.count });
      return expr;
    }
    const off = first === 0 ? ix : `(${ix} - ${int(first)})`;
    conds.push(`${off} >= 0`, `${off} < ${int((len - 1) * st + 1)}`);
    const pow2 = (st & (st - 1)) === 0;
    if (st !== 1) conds.push(pow2 ? `(${off} & ${int(st - 1)}) === 0` : `${off} % ${int(st)} === 0`);
    return st === 1 ? off : pow2 ? `(${off} >> ${int(Math.log2(st))})` : `(${off} / ${int(st)})`;
  });
  return missed ? undefined : { inner, conds };
}

export const indent = (lines: readonly string[]) => lines.map((l) => "  " + l);

/** `for` loops with indices `vars` running below `extents` (outer first) around `body`. */
export function forLoops(vars: readonly string[], extents: readonly number[], body: readonly string[]): string[] {
  if (vars.length === 0) return [...body];
  const [i, inner] = [vars[0]!, forLoops(vars.slice(1), extents.slice(1), body)];
  return [`for (let ${i} = 0; ${i} < ${int(extents[0]!)}; ${i}++) {`, ...indent(inner), "}"];
}

/** The index of each axis of `shape` inside loops `vars` over its axes longer than 1. */
export function indicesOf(shape: Shape, vars: readonly string[]): string[] {
  let k = 0;
  return shape.map((d) => (d === 1 ? "0" : vars[k++]!));
}

/**
 * Statements of one loop body, and the temporaries they define keyed by what they hold.
 * A block nested in an `if` (pad) sees its parent's temporaries through the prototype
 * chain, while its own stay invisible outside the `if`.
 */
export type Block = { readonly lines: string[]; readonly known: Record<string, string> };

export function newBlock(parent?: Block): Block {
  return { lines: [], known: Object.create(parent?.known ?? null) as Record<string, string> };
}
