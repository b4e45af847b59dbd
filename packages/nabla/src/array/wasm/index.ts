// The WebAssembly face of the dense kernels (see runtime.ts for the module's life and
// its fallback, product.ts for the products, matmul.ts for the micro-kernel; eigh's
// kernels: rotations.ts for the QR sweeps, tridiagonal.ts for the reduction's working
// set kept in WebAssembly memory, gemv.ts for its matrix–vector products; lu.ts for the
// LU's matrix kept there; threads.ts for large products split with a worker thread,
// host.ts for starting it in Node or a browser; vectors.ts for the optimizers' long
// vector passes, over vectors in memories of their own).
export { compileKernel, setWasmEnabled, wasmAvailable, type Kernel } from "./runtime.js";
export { gemmUpdate, wasmMatmulInto, type MatrixBlock } from "./product.js";
export { residentRows, type ResidentRows } from "./rotations.js";
export { residentMatrix, type ResidentMatrix } from "./lu.js";
export { residentReduction, reductionLayout, loadMatrix, storeMatrix, triangularUpdate, type ReductionWork, type ReductionLayout } from "./tridiagonal.js";
export { symvJs } from "./gemv.js";
export { residentAccumulation, accumulationLayout, storeTransposed, type AccumulationWork, type AccumulationLayout, type SlotBlock } from "./tridiagonal.js";
export { setThreads, activeThreads, stopWorker, workerChunks } from "./threads.js";
export { arenasMade, vectorArena, vectorKernels, type VectorKernels } from "./vectors.js";
