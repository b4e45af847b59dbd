// numpy's pad: constant, edge, reflect, symmetric and wrap modes.
import { checkAllocation, checkOptions, describe, storedValue, Storage } from "../../array/index.js";
import { ConcreteArray, type Array } from "../array.js";
import { arrayArg } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { full } from "./creation.js";
import { take } from "./indexing.js";
import { concatenate } from "./shape.js";
import { withAxis } from "./util.js";

/** How pad fills: numpy's modes of those names (reflect_type "even"). */
export type PadMode = "constant" | "edge" | "reflect" | "symmetric" | "wrap";

/** A width (or constant) per side and axis, as numpy reads it: one value, [before, after], or one such pair per axis. */
export type PerAxis = number | readonly number[] | readonly (readonly number[])[];

export interface PadOptions {
  /** "constant" by default. */
  mode?: PadMode;
  /** The fill of mode "constant" (0 by default), per side and axis as the widths; converted to x's dtype. */
  constantValues?: PerAxis;
}

const MODES: readonly PadMode[] = ["constant", "edge", "reflect", "symmetric", "wrap"];

/**
 * numpy's broadcasting of `pad_width` (and `constant_values`) to shape (ndim, 2): a
 * number, a list of one or two, or a list of ndim (or one) pairs or singles.
 */
function perAxis(op: string, name: string, v: unknown, ndim: number, check: (x: unknown) => number): [number, number][] {
  const bad = () => new Error(`${op}: ${name} must be a number, [before, after], or one such pair per axis (${ndim}), got ${describe(v)}`);
  let rows: unknown[][];
  if (typeof v === "number") rows = [[v]];
  else if (globalThis.Array.isArray(v) && v.length <= 2 && v.every((e) => typeof e === "number")) rows = [v as unknown[]];
  else if (globalThis.Array.isArray(v) && v.every((e) => globalThis.Array.isArray(e)) && (v.length === 1 || v.length === ndim)) rows = v as unknown[][];
  else throw bad();
  return globalThis.Array.from({ length: ndim }, (_, d) => {
    const row = rows.length === 1 ? rows[0]! : rows[d]!;
    if (row.length !== 1 && row.length !== 2) throw bad();
    return [check(row[0]), check(row[row.length - 1])];
  });
}

/**
 * The source index, along an axis of length n, of position i of the padded axis whose
 * first `before` positions are padding (n ≥ 1 for every mode but constant).
 */
function sourceIndex(mode: Exclude<PadMode, "constant">, i: number, before: number, n: number): number {
  const j = i - before;
  const mod = (p: number, q: number) => ((p % q) + q) % q;
  switch (mode) {
    case "edge":
      return Math.min(Math.max(j, 0), n - 1);
    case "wrap":
      return mod(j, n);
    case "reflect": {
      // Mirrored about the end elements, which are not repeated: period 2(n − 1).
      if (n === 1) return 0;
      const p = mod(j, 2 * n - 2);
      return p < n ? p : 2 * n - 2 - p;
    }
    case "symmetric": {
      // Mirrored about the edges, the end elements repeated: period 2n.
      const p = mod(j, 2 * n);
      return p < n ? p : 2 * n - 1 - p;
    }
  }
}

/**
 * x padded along each axis, as numpy's pad: `padWidth` is a number (every side), a pair
 * [before, after] (every axis), or one pair per axis. Modes: "constant" (the
 * `constantValues`, 0 by default), "edge" (the end values repeated), "reflect" (mirrored
 * without repeating the end value), "symmetric" (mirrored with it), "wrap" (the other
 * end's values). Widths beyond the axis length repeat the pattern, as numpy's. Axes are
 * padded in order, so corners take their values as numpy's do. Differentiable in x.
 *
 * @example
 * np.pad(np.array([1, 2, 3]), 2).toArray(); // [0, 0, 1, 2, 3, 0, 0]
 * np.pad(np.array([1, 2, 3]), [1, 2], { mode: "reflect" }).toArray(); // [2, 1, 2, 3, 2, 1]
 */
export function pad(x: ArrayLike, padWidth: PerAxis, opts: PadOptions = {}): Array {
  const a = arrayArg("pad", "x", x);
  const o = checkOptions("pad", opts, ["mode", "constantValues"]);
  const mode = o.mode ?? "constant";
  if (!MODES.includes(mode as PadMode)) throw new Error(`pad: mode ${describe(mode)} is not one of ${MODES.join(", ")}`);
  const widths = perAxis("pad", "padWidth", padWidth, a.ndim, (w) => {
    if (typeof w !== "number" || !Number.isSafeInteger(w) || w < 0) throw new Error(`pad: padWidth must hold non-negative integers, got ${describe(w)}`);
    return w;
  });
  if (o.constantValues !== undefined && mode !== "constant") throw new Error(`pad: constantValues is an option of mode "constant", not ${JSON.stringify(mode)}`);
  const fills = perAxis("pad", "constantValues", o.constantValues ?? 0, a.ndim, (c) => {
    if (typeof c !== "number" || (a.dtype === "int32" && !Number.isFinite(c))) {
      throw new Error(`pad: constantValues must hold numbers${a.dtype === "int32" ? " that int32 can store" : ""}, got ${describe(c)}`);
    }
    return c;
  });
  checkAllocation("pad", a.dtype, a.shape.map((n, d) => n + widths[d]![0] + widths[d]![1]));
  let out = a;
  widths.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = out.shape[axis]!;
    if (mode === "constant") {
      const side = (width: number, value: number) => (width ? [full(withAxis(out.shape, axis, width), storedValue(a.dtype, value), { dtype: a.dtype })] : []);
      out = concatenate([...side(before, fills[axis]![0]), out, ...side(after, fills[axis]![1])], { axis });
      return;
    }
    if (n === 0) throw new Error(`pad: cannot extend the empty axis ${axis} in mode ${JSON.stringify(mode)} (only "constant" can)`);
    // The padded axis is a gather from the original one, with indices known here.
    const idx = Storage.zeros("int32", [n + before + after], "pad");
    for (let i = 0; i < idx.size; i++) idx.data[i] = sourceIndex(mode as Exclude<PadMode, "constant">, i, before, n);
    out = take(out, new ConcreteArray(idx), { axis });
  });
  return out;
}
