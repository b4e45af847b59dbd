import { allocate, checkShape, elementwise, isDType, sizeOf, Storage, type DType, type TypedArray } from "../../array/index.js";
import { Array, ConcreteArray } from "../array.js";

export interface DTypeOption {
  dtype?: DType;
}

/** Nested JavaScript arrays of numbers or booleans, as `np.array` accepts. */
export type NestedNumbers = number | boolean | readonly NestedNumbers[];

function inferShape(x: unknown, path: number[] = []): number[] {
  if (!globalThis.Array.isArray(x)) return [];
  const inner = x.length > 0 ? inferShape(x[0], [...path, 0]) : [];
  return [x.length, ...inner];
}

/**
 * An Array from nested JavaScript arrays, a typed array, a number or another Array.
 * Numbers give float64 unless `dtype` says otherwise; booleans give bool.
 *
 * @example
 * np.array([[1, 2], [3, 4]]).shape; // [2, 2]
 * np.array([1, 2], { dtype: "int32" }).dtype; // "int32"
 */
export function array(x: NestedNumbers | TypedArray | Array, opts: DTypeOption = {}): Array {
  if (opts.dtype !== undefined && !isDType(opts.dtype)) throw new Error(`array: unknown dtype ${String(opts.dtype)}`);
  if (x instanceof Array) {
    if (!(x instanceof ConcreteArray)) throw new Error("array: cannot copy a traced Array into a constant");
    return castCopy(x.storage, opts.dtype ?? x.dtype);
  }
  if (ArrayBuffer.isView(x)) {
    return castCopy(new Storage(typedDType(x), [x.length], x), opts.dtype ?? typedDType(x));
  }
  const shape = inferShape(x);
  const flat: (number | boolean)[] = [];
  const walk = (v: unknown, axis: number, where: string): void => {
    if (axis === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new Error(`array: element${where} is ${globalThis.Array.isArray(v) ? "a list (ragged nesting)" : typeof v}, expected a number`);
      }
      flat.push(v);
      return;
    }
    if (!globalThis.Array.isArray(v) || v.length !== shape[axis]) {
      throw new Error(`array: ragged nesting at ${where || "the top"}: expected a list of length ${shape[axis]}`);
    }
    v.forEach((item, i) => walk(item, axis + 1, `${where}[${i}]`));
  };
  walk(x, 0, "");
  const dtype = opts.dtype ?? (flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float64");
  const data = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = dtype === "bool" ? (flat[i] ? 1 : 0) : Number(flat[i]);
  return new ConcreteArray(new Storage(dtype, shape, data));
}

/**
 * A fresh copy of `s` as `dtype`. Plain typed-array copying would truncate into a bool
 * (0.5 becomes 0) and keep a Uint8Array's 2 as is; bool must mean "nonzero", stored as 0/1.
 */
function castCopy(s: Storage, dtype: DType): Array {
  return new ConcreteArray(elementwise(dtype === "bool" ? "nonzero" : "copy", [s], s.shape, dtype));
}

function typedDType(x: ArrayBufferView): DType {
  if (x instanceof Float32Array) return "float32";
  if (x instanceof Int32Array) return "int32";
  if (x instanceof Uint8Array) return "bool";
  return "float64";
}

/** An Array of `shape` filled with `value`. @example np.full([2, 3], 7) */
export function full(shape: readonly number[] | number, value: number | boolean, opts: DTypeOption = {}): Array {
  const sh = checkShape("full", typeof shape === "number" ? [shape] : shape);
  const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : "float64");
  const data = allocate(dtype, sizeOf(sh));
  // A bool holds 0/1: any nonzero value (NaN too) is true, as numpy's full(..., dtype=bool).
  data.fill(dtype === "bool" ? (Number(value) !== 0 ? 1 : 0) : Number(value));
  return new ConcreteArray(new Storage(dtype, sh, data));
}

/** Zeros of `shape`. @example np.zeros([2, 3]) */
export function zeros(shape: readonly number[] | number, opts: DTypeOption = {}): Array {
  return full(shape, 0, opts);
}

/** Ones of `shape`. @example np.ones([3]) */
export function ones(shape: readonly number[] | number, opts: DTypeOption = {}): Array {
  return full(shape, 1, opts);
}

/** Zeros with the shape and dtype of `x`. @example np.zerosLike(x) */
export function zerosLike(x: Array, opts: DTypeOption = {}): Array {
  return full(x.shape, 0, { dtype: opts.dtype ?? x.dtype });
}

/** Ones with the shape and dtype of `x`. @example np.onesLike(x) */
export function onesLike(x: Array, opts: DTypeOption = {}): Array {
  return full(x.shape, 1, { dtype: opts.dtype ?? x.dtype });
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
  const opts = (typeof args[args.length - 1] === "object" ? args.pop() : {}) as DTypeOption;
  const nums = args.filter((a): a is number => typeof a === "number");
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0 || !Number.isFinite(step) || !Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new Error(`arange: start, stop and step must be finite and step non-zero (got ${start}, ${stop}, ${step})`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = Storage.zeros(opts.dtype ?? "float64", [n]);
  for (let i = 0; i < n; i++) out.data[i] = start + i * step;
  return new ConcreteArray(out);
}

/**
 * `num` evenly spaced values from start to stop (inclusive unless `endpoint: false`).
 *
 * @example
 * np.linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, opts: DTypeOption & { endpoint?: boolean } = {}): Array {
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  const endpoint = opts.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const out = Storage.zeros(opts.dtype ?? "float64", [num]);
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) out.data[i] = start + i * step;
  if (endpoint && num > 1) out.data[num - 1] = stop;
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
  const [m, opts] = typeof mOrOpts === "number" ? [mOrOpts, maybeOpts] : [n, mOrOpts ?? {}];
  checkShape("eye", [n, m]);
  const k = opts.k ?? 0;
  const out = Storage.zeros(opts.dtype ?? "float64", [n, m]);
  for (let i = 0; i < n; i++) if (i + k >= 0 && i + k < m) out.data[i * m + i + k] = 1;
  return new ConcreteArray(out);
}
