// Storage, dtypes, shapes and CPU kernels: the numeric floor that core/ builds on.
export * from "./dtype.js";
export * from "./shape.js";
export * from "./check.js";
export { allocate, checkAllocation } from "./memory.js";
export { Storage } from "./storage.js";
export { elementwise, ELEMENTWISE_EXPR, type ElementwiseOp } from "./kernels/elementwise.js";
export { reduce, argReduce, REDUCERS, type ReduceOp } from "./kernels/reduce.js";
export {
  stridedCopy,
  transposeStorage,
  sliceStorage,
  broadcastStorage,
  padStorage,
  concatenateStorage,
  takeStorage,
  argsortStorage,
  scatterAddStorage,
} from "./kernels/layout.js";
export { matmulStorage } from "./kernels/matmul.js";
export { cumulativeStorage, type CumulativeOp } from "./kernels/cumulative.js";
export { takeAlongAxisStorage, scatterAddAlongAxisStorage, searchsortedStorage } from "./kernels/gather.js";
export { randomBitsStorage, randomUniformStorage, threefry2x32 } from "./kernels/random.js";
export { formatStorage } from "./format.js";
