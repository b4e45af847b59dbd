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
  viewStorage,
  viewStrides,
  sliceMap,
  transposeMap,
  broadcastMap,
  unitAxesMap,
  identityMap,
  type AxisMap,
} from "./kernels/layout.js";
export { matmulStorage } from "./kernels/matmul.js";
export { setWasmEnabled, wasmAvailable, gemmUpdate, type MatrixBlock } from "./wasm/index.js";
export { residentRows, type ResidentRows } from "./wasm/index.js";
export { residentMatrix, type ResidentMatrix } from "./wasm/index.js";
export { residentReduction, reductionLayout, loadMatrix, storeMatrix, triangularUpdate, symvJs, type ReductionWork, type ReductionLayout } from "./wasm/index.js";
export { residentAccumulation, accumulationLayout, storeTransposed, type AccumulationWork, type AccumulationLayout, type SlotBlock } from "./wasm/index.js";
export { setThreads, activeThreads } from "./wasm/index.js";
export { arenasMade, vectorArena, vectorKernels, type VectorKernels } from "./wasm/index.js";
export { cumulativeStorage, type CumulativeOp } from "./kernels/cumulative.js";
export { takeAlongAxisStorage, scatterAddAlongAxisStorage, searchsortedStorage } from "./kernels/gather.js";
export { randomBitsStorage, randomUniformStorage, randomGammaStorage, randomPoissonStorage, randomRandintStorage, threefry2x32 } from "./kernels/random.js";
export { convOutputSpatial, convStorage, dilateDim, type ConvParams } from "./kernels/conv.js";
export { kernelOp } from "./kernels/elementwise.js";
export { S } from "./kernels/special.js";
export { nrm2, isSafeSumOfSquares } from "./nrm2.js";
export { canGenerateCode } from "./codegen.js";
/** Special functions as plain float64 scalar functions, for kernels outside array/ (stats). */
export * as scalar from "./special/index.js";
export { formatStorage } from "./format.js";
