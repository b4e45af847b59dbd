// The checked readers every public function applies to its arguments as they enter, so
// bad input gets one line naming the function and the argument ("zeros: dtype "float" is
// not one of ...") instead of a TypeError from deep inside or a silently wrong result.
import { DTYPES, type DType } from "./dtype.js";
import { shapeString } from "./shape.js";

/**
 * A short, cycle-safe description of any value for an error message: strings quoted,
 * numbers as written, containers by kind (`a Float32Array`, `a list of 5`).
 *
 * @example
 * describe("float"); // '"float"'
 * describe(new BigInt64Array(2)); // "a BigInt64Array"
 */
export function describe(x: unknown): string {
  switch (typeof x) {
    case "string":
      return JSON.stringify(x.length > 24 ? `${x.slice(0, 24)}…` : x);
    case "number":
      return Object.is(x, -0) ? "-0" : String(x);
    case "bigint":
      return `${x}n`;
    case "boolean":
    case "undefined":
      return String(x);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
  }
  if (x === null) return "null";
  if (globalThis.Array.isArray(x)) {
    const short = x.length <= 6 && x.every((v) => typeof v === "number" || typeof v === "boolean");
    return short ? `[${x.map(describe).join(", ")}]` : `a list of ${x.length}`;
  }
  const o = x as { shape?: unknown; dtype?: unknown };
  if (globalThis.Array.isArray(o.shape) && typeof o.dtype === "string") return `an Array of shape ${shapeString(o.shape)}`;
  const name = (Object.getPrototypeOf(x) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}

/**
 * `value` as a dtype, or an error naming `op`.
 *
 * @example
 * checkDtype("zeros", "float32"); // "float32"
 * checkDtype("zeros", "float"); // Error: zeros: dtype "float" is not one of float64, float32, int32, bool
 */
export function checkDtype(op: string, value: unknown, allowed: readonly DType[] = DTYPES): DType {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as DType;
  throw new Error(`${op}: dtype ${describe(value)} is not one of ${[...allowed].reverse().join(", ")}`);
}

/**
 * A shape from a list of non-negative integers (or one integer, for 1-D): a fresh array,
 * whose element count is a safe integer (below 2⁵³) so that sizes and offsets are exact.
 *
 * @example
 * checkShape("zeros", 3); // [3]
 * checkShape("zeros", [2, -1]); // Error: zeros: shape (2,-1) has -1 at axis 1, not a non-negative integer
 */
export function checkShape(op: string, value: unknown, name = "shape"): number[] {
  const dims = typeof value === "number" ? [value] : value;
  if (!globalThis.Array.isArray(dims)) {
    throw new Error(`${op}: ${name} must be a list of non-negative integers (or one integer), got ${describe(value)}`);
  }
  let size = 1;
  dims.forEach((d: unknown, axis) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      const where = dims.every((v) => typeof v === "number") ? `${name} ${shapeString(dims)}` : name;
      throw new Error(`${op}: ${where} has ${describe(d)} at axis ${axis}, not a non-negative integer`);
    }
    if (!Number.isSafeInteger(d)) throw new Error(`${op}: ${name} ${shapeString(dims)} has length ${d} at axis ${axis}, more than 2^53`);
    size *= d;
  });
  if (!Number.isSafeInteger(size)) throw new Error(`${op}: ${name} ${shapeString(dims)} has more than 2^53 elements`);
  return [...(dims as number[])];
}

/**
 * A non-negative axis for an array of rank `ndim`; negatives count from the end.
 *
 * @example
 * normalizeAxis("sum", -1, 3); // 2
 * normalizeAxis("sum", "0", 3); // Error: sum: axis "0" is not an integer
 */
export function normalizeAxis(op: string, axis: unknown, ndim: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw new Error(`${op}: axis ${describe(axis)} is not an integer`);
  if (axis < -ndim || axis >= ndim) throw new Error(`${op}: axis ${axis} is out of bounds for an array of rank ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/**
 * Sorted, distinct, non-negative axes from one axis or a list; `undefined` or `null`
 * means every axis.
 *
 * @example
 * normalizeAxes("sum", [-1, 0], 3); // [0, 2]
 */
export function normalizeAxes(op: string, axis: unknown, ndim: number): number[] {
  if (axis === undefined || axis === null) return [...globalThis.Array(ndim).keys()];
  if (typeof axis === "number") return [normalizeAxis(op, axis, ndim)]; // the common case, kept cheap
  const list = axisList(op, axis);
  const out = list.map((a) => normalizeAxis(op, a, ndim)).sort((a, b) => a - b);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new Error(`${op}: repeated axis ${out[i]} in ${JSON.stringify(list)}`);
  }
  return out;
}

/**
 * One axis or a list of axes, as a list of integers (not yet checked against a rank).
 *
 * @example
 * axisList("expandDims", 0); // [0]
 */
export function axisList(op: string, axis: unknown): readonly number[] {
  const list = typeof axis === "number" ? [axis] : axis;
  if (!globalThis.Array.isArray(list)) throw new Error(`${op}: axis must be an integer or a list of integers, got ${describe(axis)}`);
  for (const a of list) if (typeof a !== "number" || !Number.isInteger(a)) throw new Error(`${op}: axis ${describe(a)} is not an integer`);
  return list as readonly number[];
}

/**
 * `value` as an integer (at least `min` when given); `undefined` gives `fallback` when
 * there is one.
 *
 * @example
 * checkInteger("diag", "k", undefined, 0); // 0
 * checkInteger("diag", "k", 0.5); // Error: diag: k must be an integer, got 0.5
 */
export function checkInteger(op: string, name: string, value: unknown, fallback?: number, min = -Infinity): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : "an integer";
    throw new Error(`${op}: ${name} must be ${what}, got ${describe(value)}`);
  }
  return value;
}

/**
 * `f`, checked to be a function (the error names the op and the argument).
 *
 * @example
 * checkFunction("quad", "f", 1); // Error: quad: f must be a function, got 1
 */
export function checkFunction<F>(op: string, name: string, f: F): F {
  if (typeof f !== "function") throw new Error(`${op}: ${name} must be a function, got ${describe(f)}`);
  return f;
}

/**
 * `value` as a finite number; `undefined` gives `fallback` when there is one.
 *
 * @example
 * checkFinite("linspace", "start", NaN); // Error: linspace: start must be a finite number, got NaN
 */
export function checkFinite(op: string, name: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a finite number, got ${describe(value)}`);
  return value;
}

/**
 * `value` as a boolean; `undefined` gives `fallback`.
 *
 * @example
 * checkFlag("sum", "keepdims", 1, false); // Error: sum: keepdims must be true or false, got 1
 */
export function checkFlag(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new Error(`${op}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * An options argument: `undefined` (no options) or a plain object whose keys are among
 * `keys` — a misspelled option is an error, not silently ignored. Each value is then
 * read by the checker for its kind.
 *
 * @example
 * checkOptions("sum", { axis: 0 }, ["axis", "keepdims"]); // { axis: 0 }
 * checkOptions("sum", { axes: 0 }, ["axis", "keepdims"]); // Error: sum: unknown option "axes" (sum takes axis, keepdims)
 */
export function checkOptions<K extends string>(op: string, opts: unknown, keys: readonly K[]): { readonly [k in K]?: unknown } {
  if (opts === undefined) return {};
  const proto = typeof opts === "object" && opts !== null ? Object.getPrototypeOf(opts) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(`${op}: options must be an object such as { ${keys[0]}: … }, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts as object)) {
    if (!(keys as readonly string[]).includes(key)) throw new Error(`${op}: unknown option ${JSON.stringify(key)} (${op} takes ${keys.join(", ")})`);
  }
  return opts as { readonly [k in K]?: unknown };
}
