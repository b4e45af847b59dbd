// Every typed array that holds an Array's elements is allocated here, so one check refuses
// a shape the machine cannot hold (with the op, the shape and the byte count) before
// anything is allocated, instead of a RangeError, a crash, or minutes of swapping.
import type { DType, TypedArray } from "./dtype.js";
import { shapeString, sizeOf, type Shape } from "./shape.js";

const BYTES_PER_ELEMENT: Record<DType, number> = { float64: 8, float32: 4, int32: 4, bool: 1 };

/**
 * The machine's memory, os.totalmem(), read once where Node offers it without an import
 * (process.getBuiltinModule, Node ≥ 20.16): the library also runs in browsers, which
 * have no `node:os`. Undefined elsewhere: then only the engine's own limit applies.
 */
const MACHINE_BYTES: number | undefined = (() => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const os = proc?.getBuiltinModule?.("node:os") as { totalmem?: () => number } | undefined;
    const total = os?.totalmem?.();
    return typeof total === "number" && total > 0 ? total : undefined;
  } catch {
    return undefined;
  }
})();

/** 8e15, 3.2e9, 800: bytes as numpy-sized figures without a unit prefix to decode. */
function formatBytes(n: number): string {
  return n < 1e6 ? String(n) : n.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
}

function tooLarge(op: string, dtype: DType, shape: Shape, bytes: number, limit: string): Error {
  return new Error(`${op}: shape ${shapeString(shape)} of ${dtype} needs ${formatBytes(bytes)} bytes, more than ${limit}`);
}

/**
 * Refuses, before allocating, an Array of `shape` and `dtype` larger than the machine's
 * memory (os.totalmem() under Node): such a request can only fail, or swap for minutes.
 * Below that bound the allocation is attempted, and an engine's refusal (V8 caps a typed
 * array at 2³² elements) is reported the same way.
 *
 * @example
 * checkAllocation("zeros", "float64", [1e5, 1e5, 100]);
 * // Error: zeros: shape (100000,100000,100) of float64 needs 8e15 bytes, more than this machine's 23.6 GiB of memory
 */
export function checkAllocation(op: string, dtype: DType, shape: Shape): void {
  const size = sizeOf(shape);
  const bytes = size * BYTES_PER_ELEMENT[dtype];
  if (!Number.isSafeInteger(size)) throw new Error(`${op}: shape ${shapeString(shape)} has more than 2^53 elements`);
  if (MACHINE_BYTES !== undefined && bytes > MACHINE_BYTES) {
    throw tooLarge(op, dtype, shape, bytes, `this machine's ${Number((MACHINE_BYTES / 2 ** 30).toPrecision(3))} GiB of memory`);
  }
}

/**
 * A fresh zero-filled typed array for `shape` elements of `dtype`, checked by
 * {@link checkAllocation} and named after `op` in errors. The zeros cost nothing until
 * written: engines take them from the OS's zeroed pages (calloc), so memory that is never
 * touched is never committed.
 *
 * @example
 * allocate("float64", 6).length; // 6
 * allocate("float64", 6, "zeros", [2, 3]).length; // 6
 */
export function allocate(dtype: DType, size: number, op = "allocate", shape: Shape = [size]): TypedArray {
  checkAllocation(op, dtype, shape);
  try {
    switch (dtype) {
      case "float64":
        return new Float64Array(size);
      case "float32":
        return new Float32Array(size);
      case "int32":
        return new Int32Array(size);
      case "bool":
        return new Uint8Array(size);
    }
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge(op, dtype, shape, size * BYTES_PER_ELEMENT[dtype], "this JavaScript engine allocates at once");
    throw e;
  }
}
