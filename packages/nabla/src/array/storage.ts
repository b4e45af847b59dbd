import { allocate, type DType, type TypedArray } from "./dtype.js";
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

  static zeros(dtype: DType, shape: Shape): Storage {
    return new Storage(dtype, shape, allocate(dtype, sizeOf(shape)));
  }

  get size(): number {
    return this.data.length;
  }
}
