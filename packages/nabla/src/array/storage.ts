import type { DType, TypedArray } from "./dtype.js";
import { allocate } from "./memory.js";
import { sizeOf, type Shape } from "./shape.js";

/**
 * Concrete data of an Array: a contiguous row-major typed array with its shape and dtype.
 * Kernels read and write Storage; nothing above `core/` sees it.
 */
export class Storage {
  constructor(
    readonly dtype: DType,
    readonly shape: Shape,
    readonly data: TypedArray,
  ) {}

  /** Zeros of `shape`; `op` names the caller if the shape is too large to allocate. */
  static zeros(dtype: DType, shape: Shape, op?: string): Storage {
    return new Storage(dtype, shape, allocate(dtype, sizeOf(shape), op, shape));
  }

  get size(): number {
    return this.data.length;
  }
}
