// np.array: Arrays copied in from JavaScript data (nested lists, typed arrays, Arrays).
import { allocate, checkOptions, describe, elementwise, storedValue, Storage, type DType, type TypedArray } from "../../array/index.js";
import { Array, ConcreteArray } from "../array.js";
import { dtypeOption } from "./args.js";
import type { DTypeOption } from "./creation.js";

/** Nested JavaScript arrays of numbers or booleans, as `np.array` accepts. */
export type NestedNumbers = number | boolean | readonly NestedNumbers[];

/** The integer typed arrays that `np.array` copies into int32 (Uint32Array into float64). */
export type IntegerTypedArray = Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray;

/** The shape of nested lists, from their first elements; a list inside itself is an error. */
function inferShape(x: unknown): number[] {
  const shape: number[] = [];
  const seen = new Set<unknown>();
  for (let v = x; globalThis.Array.isArray(v); v = v[0]) {
    if (seen.has(v)) throw new Error("array: the nested list contains a cycle (a list inside itself)");
    seen.add(v);
    shape.push(v.length);
    if (v.length === 0) break;
  }
  return shape;
}

/**
 * An Array from nested JavaScript arrays, a typed array, a number or another Array.
 * Numbers give float64 unless `dtype` says otherwise; booleans give bool. Typed arrays
 * keep their kind: Float64Array, Float32Array, Int32Array and Uint8Array (as bool) are
 * stored as they are, the other integer kinds as int32 (Uint32Array as float64, which
 * holds all its values); BigInt64Array and DataView are refused.
 *
 * @example
 * np.array([[1, 2], [3, 4]]).shape; // [2, 2]
 * np.array([1, 2], { dtype: "int32" }).dtype; // "int32"
 */
export function array(x: NestedNumbers | TypedArray | IntegerTypedArray | Array, opts: DTypeOption = {}): Array {
  const dtype = dtypeOption("array", checkOptions("array", opts, ["dtype"]));
  if (x instanceof Array) {
    if (!(x instanceof ConcreteArray)) throw new Error("array: cannot copy a traced Array into a constant");
    return castCopy(x.storage, dtype ?? x.dtype);
  }
  if (ArrayBuffer.isView(x)) {
    const s = typedStorage(x);
    return castCopy(s, dtype ?? s.dtype);
  }
  const shape = inferShape(x);
  const flat: (number | boolean)[] = [];
  const walk = (v: unknown, axis: number, where: string): void => {
    if (axis === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new Error(`array: element${where} is ${globalThis.Array.isArray(v) ? "a list (ragged nesting)" : describe(v)}, expected a number`);
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
  const dt = dtype ?? (flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float64");
  const data = allocate(dt, flat.length, "array", shape);
  for (let i = 0; i < flat.length; i++) data[i] = storedValue(dt, flat[i]!);
  return new ConcreteArray(new Storage(dt, shape, data));
}

/**
 * A fresh copy of `s` as `dtype`. Plain typed-array copying would truncate into a bool
 * (0.5 becomes 0) and keep a Uint8Array's 2 as is; bool must mean "nonzero", stored as 0/1.
 */
function castCopy(s: Storage, dtype: DType): Array {
  return new ConcreteArray(elementwise(dtype === "bool" ? "nonzero" : "copy", [s], s.shape, dtype));
}

/** A 1-D Storage viewing (or, for the kinds nabla does not store, copying) a typed array. */
function typedStorage(x: ArrayBufferView): Storage {
  if (x instanceof Float64Array) return new Storage("float64", [x.length], x);
  if (x instanceof Float32Array) return new Storage("float32", [x.length], x);
  if (x instanceof Int32Array) return new Storage("int32", [x.length], x);
  if (x instanceof Uint8Array) return new Storage("bool", [x.length], x);
  const name = x.constructor.name;
  if (x instanceof Int8Array || x instanceof Int16Array || x instanceof Uint16Array || x instanceof Uint8ClampedArray || x instanceof Uint32Array) {
    const dt = x instanceof Uint32Array ? "float64" : "int32";
    const data = allocate(dt, x.length, "array", [x.length]);
    data.set(x);
    return new Storage(dt, [x.length], data);
  }
  if (x instanceof BigInt64Array || x instanceof BigUint64Array) {
    throw new Error(`array: a ${name} holds BigInts, which nabla does not store; convert them first, e.g. Float64Array.from(x, Number)`);
  }
  if (x instanceof DataView) throw new Error("array: a DataView has no element type; view its buffer as a typed array, e.g. new Float64Array(view.buffer)");
  throw new Error(`array: a ${name} is not a typed array nabla stores (Float64Array, Float32Array, Int32Array, Uint8Array, or another integer kind)`);
}
