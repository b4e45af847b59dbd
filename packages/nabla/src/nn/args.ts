// Checked readers for the arguments of nn functions: every error is one line that starts
// with the function's public name ("nn.conv: ..."), as np's and random's do.
import { checkInteger, describe, normalizeAxis } from "../array/index.js";
import { Array, np } from "../core/index.js";

/**
 * `x` as a float Array: float32 and float64 stay, int32, bool and plain numbers become
 * float64. Anything else is an error naming `op` and the argument.
 *
 * @example
 * floatInput("nn.relu", "x", 2).dtype; // "float64"
 */
export function floatInput(op: string, name: string, x: unknown): Array {
  if (!(x instanceof Array) && typeof x !== "number" && typeof x !== "boolean") {
    const hint = globalThis.Array.isArray(x) || ArrayBuffer.isView(x) ? " (wrap it with np.array)" : "";
    throw new Error(`${op}: ${name} must be an Array, a number or a boolean, got ${describe(x)}${hint}`);
  }
  const a = np.asArray(x);
  return a.dtype === "float32" || a.dtype === "float64" ? a : np.astype(a, "float64");
}

/**
 * Float Arrays promoted to one dtype (float32 only when every Array input is float32).
 *
 * @example
 * floatInputs("nn.conv", ["x", "w"], [x, w]); // [x, w] in one float dtype
 */
export function floatInputs(op: string, names: readonly string[], xs: readonly unknown[]): Array[] {
  const arrays = xs.map((x, i) => floatInput(op, names[i]!, x));
  const dtype = arrays.every((a) => a.dtype === "float32") ? "float32" : "float64";
  return arrays.map((a) => np.astype(a, dtype));
}

/**
 * Checks that an Array argument has one of the allowed `ranks`; the error says `what` it
 * must be.
 *
 * @example
 * checkRank("nn.conv", "w", w, [4], "[O, I, ...window] of x's rank 4");
 */
export function checkRank(op: string, name: string, x: Array, ranks: readonly number[], what: string): void {
  if (!ranks.includes(x.ndim)) throw new Error(`${op}: ${name} must be ${what}, got shape (${x.shape.join(",")})`);
}

/**
 * One positive integer per spatial axis, from a number (the same on every axis) or a list
 * of `n`; `undefined` gives `fallback` on every axis.
 *
 * @example
 * perAxis("nn.conv", "windowStrides", 2, 2, 1); // [2, 2]
 */
export function perAxis(op: string, name: string, value: unknown, n: number, fallback: number): number[] {
  if (value === undefined) return globalThis.Array(n).fill(fallback);
  if (typeof value === "number") return globalThis.Array(n).fill(checkInteger(op, name, value, undefined, 1));
  if (!globalThis.Array.isArray(value) || value.length !== n) {
    throw new Error(`${op}: ${name} must be a positive integer or a list of ${n}, got ${describe(value)}`);
  }
  return value.map((v) => checkInteger(op, name, v, undefined, 1));
}

/**
 * The `axis` option of a normalization as a list of axes: one integer or a list, `null`
 * for all axes, `fallback` when omitted.
 *
 * @example
 * axesOption("nn.softmax", undefined, 2); // [1]
 */
export function axesOption(op: string, axis: unknown, ndim: number, fallback: number | null = -1): number[] {
  const given = axis === undefined ? fallback : axis;
  if (given === null) return [...globalThis.Array(ndim).keys()];
  const list = typeof given === "number" ? [given] : given;
  if (!globalThis.Array.isArray(list)) throw new Error(`${op}: axis must be an integer, a list of integers or null, got ${describe(given)}`);
  const axes = list.map((a: unknown) => normalizeAxis(op, a, ndim)).sort((a, b) => a - b);
  for (let i = 1; i < axes.length; i++) if (axes[i] === axes[i - 1]) throw new Error(`${op}: repeated axis ${axes[i]}`);
  return axes;
}
