// Arrays made from a shape or a range: zeros, ones, full, arange, linspace, eye.
import {
  allocate, checkFinite, checkFlag, checkInteger, checkOptions, checkShape, describe, isFloat, sizeOf, storedValue, Storage, type DType,
} from "../../array/index.js";
import { Array, ConcreteArray } from "../array.js";
import { arrayArg, dtypeOption } from "./args.js";
import { isPlainObject } from "./util.js";

/** The `dtype` option of the functions that make Arrays. */
export interface DTypeOption {
  dtype?: DType;
}

/**
 * `shape` filled with `value` (a number or a boolean), `op` naming the caller in errors.
 * Zeros are not written: fresh memory is zero already, and writing it would commit pages
 * that the OS otherwise maps lazily (a large `zeros` costs no memory until it is used).
 */
function filled(op: string, shape: unknown, value: unknown, dtype: DType | undefined): Array {
  const sh = checkShape(op, shape);
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`${op}: value must be a number or a boolean, got ${describe(value)}`);
  const dt = dtype ?? (typeof value === "boolean" ? "bool" : "float64");
  if (dt === "int32" && !Number.isFinite(Number(value))) throw new Error(`${op}: value ${describe(value)} cannot be stored as int32`);
  const data = allocate(dt, sizeOf(sh), op, sh);
  const v = storedValue(dt, value);
  // -0 is not 0 in a float array; in an int32 or bool array it stores 0.
  if (v !== 0 || (isFloat(dt) && Object.is(v, -0))) data.fill(v);
  return new ConcreteArray(new Storage(dt, sh, data));
}

/** The options of a function whose only option is `dtype`: the dtype, checked. */
function onlyDtype(op: string, opts: unknown): DType | undefined {
  return dtypeOption(op, checkOptions(op, opts, ["dtype"]));
}

/** An Array of `shape` filled with `value`. @example np.full([2, 3], 7) */
export function full(shape: readonly number[] | number, value: number | boolean, opts: DTypeOption = {}): Array {
  return filled("full", shape, value, onlyDtype("full", opts));
}

/**
 * Zeros of `shape`. They take no memory until written (a 1e9-element `zeros` adds
 * nothing to the process's resident memory).
 *
 * @example
 * np.zeros([2, 3]).shape; // [2, 3]
 */
export function zeros(shape: readonly number[] | number, opts: DTypeOption = {}): Array {
  return filled("zeros", shape, 0, onlyDtype("zeros", opts));
}

/** Ones of `shape`. @example np.ones([3]) */
export function ones(shape: readonly number[] | number, opts: DTypeOption = {}): Array {
  return filled("ones", shape, 1, onlyDtype("ones", opts));
}

/** Zeros with the shape and dtype of `x`. @example np.zerosLike(x) */
export function zerosLike(x: Array, opts: DTypeOption = {}): Array {
  const a = arrayArg("zerosLike", "x", x);
  return filled("zerosLike", a.shape, 0, onlyDtype("zerosLike", opts) ?? a.dtype);
}

/** Ones with the shape and dtype of `x`. @example np.onesLike(x) */
export function onesLike(x: Array, opts: DTypeOption = {}): Array {
  const a = arrayArg("onesLike", "x", x);
  return filled("onesLike", a.shape, 1, onlyDtype("onesLike", opts) ?? a.dtype);
}

/** Zeros of `shape`, as numpy's empty (nabla's arrays are never uninitialized). @example np.empty([2, 3]).shape // [2, 3] */
export function empty(shape: readonly number[] | number, opts: DTypeOption = {}): Array {
  return filled("empty", shape, 0, onlyDtype("empty", opts));
}

/** Zeros with the shape and dtype of `x`, as numpy's empty_like. @example np.emptyLike(np.ones([2])).shape // [2] */
export function emptyLike(x: Array, opts: DTypeOption = {}): Array {
  const a = arrayArg("emptyLike", "x", x);
  return filled("emptyLike", a.shape, 0, onlyDtype("emptyLike", opts) ?? a.dtype);
}

/**
 * `value` in the shape and dtype of `x` (the value converted to that dtype, as numpy's
 * full_like: 2.5 in an int32 array is 2).
 *
 * @example
 * np.fullLike(np.zeros([2]), 7).toArray(); // [7, 7]
 */
export function fullLike(x: Array, value: number | boolean, opts: DTypeOption = {}): Array {
  const a = arrayArg("fullLike", "x", x);
  return filled("fullLike", a.shape, value, onlyDtype("fullLike", opts) ?? a.dtype);
}

/**
 * Evenly spaced values in [start, stop), as numpy: `arange(5)`, `arange(1, 2, 0.25)`.
 *
 * @example
 * np.arange(4).toArray(); // [0, 1, 2, 3]
 * np.arange(3, { dtype: "int32" }).dtype; // "int32"
 */
export function arange(stop: number, opts?: DTypeOption): Array;
export function arange(start: number, stop: number, opts?: DTypeOption): Array;
export function arange(start: number, stop: number, step?: number, opts?: DTypeOption): Array;
export function arange(...args: (number | DTypeOption | undefined)[]): Array {
  const list: unknown[] = [...args];
  // Trailing undefineds are omitted arguments: arange(5, undefined), arange(0, 5, undefined, opts).
  const trim = () => {
    while (list.length > 0 && list[list.length - 1] === undefined) list.pop();
  };
  trim();
  const opts = checkOptions("arange", isPlainObject(list[list.length - 1]) ? list.pop() : undefined, ["dtype"]);
  trim();
  if (list.length < 1 || list.length > 3) {
    throw new Error(`arange: takes stop, or start and stop, or start, stop and step (then options), got ${list.length} arguments`);
  }
  const names = list.length === 1 ? ["stop"] : ["start", "stop", "step"];
  const nums = list.map((v, i) => checkFinite("arange", names[i]!, v));
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw new Error("arange: step must not be 0");
  const dtype = dtypeOption("arange", opts) ?? "float64";
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = Storage.zeros(dtype, [n], "arange");
  for (let i = 0; i < n; i++) out.data[i] = storedValue(dtype, start + i * step);
  return new ConcreteArray(out);
}

/**
 * `num` evenly spaced values from start to stop (inclusive unless `endpoint: false`).
 *
 * @example
 * np.linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, opts: DTypeOption & { endpoint?: boolean } = {}): Array {
  const lo = checkFinite("linspace", "start", start);
  const hi = checkFinite("linspace", "stop", stop);
  const count = checkInteger("linspace", "num", num, 50, 0);
  const o = checkOptions("linspace", opts, ["dtype", "endpoint"]);
  const endpoint = checkFlag("linspace", "endpoint", o.endpoint, true);
  const dtype = dtypeOption("linspace", o) ?? "float64";
  const div = endpoint ? count - 1 : count;
  const out = Storage.zeros(dtype, [count], "linspace");
  const step = div > 0 ? (hi - lo) / div : 0;
  for (let i = 0; i < count; i++) out.data[i] = storedValue(dtype, lo + i * step);
  if (endpoint && count > 1) out.data[count - 1] = storedValue(dtype, hi);
  return new ConcreteArray(out);
}

/**
 * The n×m matrix with ones on diagonal `k` (0 main, >0 above, <0 below).
 *
 * @example
 * np.eye(2).toArray(); // [[1, 0], [0, 1]]
 */
export function eye(n: number, opts?: DTypeOption & { k?: number }): Array;
export function eye(n: number, m: number, opts?: DTypeOption & { k?: number }): Array;
export function eye(n: number, mOrOpts?: number | (DTypeOption & { k?: number }), maybeOpts: DTypeOption & { k?: number } = {}): Array {
  const rows = checkInteger("eye", "n", n, undefined, 0);
  const givenM = typeof mOrOpts === "number" || !isPlainObject(mOrOpts);
  const cols = givenM ? checkInteger("eye", "m", mOrOpts, rows, 0) : rows;
  const o = checkOptions("eye", givenM ? maybeOpts : mOrOpts, ["dtype", "k"]);
  const k = checkInteger("eye", "k", o.k, 0);
  const out = Storage.zeros(dtypeOption("eye", o) ?? "float64", [rows, cols], "eye");
  for (let i = 0; i < rows; i++) if (i + k >= 0 && i + k < cols) out.data[i * cols + i + k] = 1;
  return new ConcreteArray(out);
}
