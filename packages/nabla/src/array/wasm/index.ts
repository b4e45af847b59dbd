// The WebAssembly face of the dense kernels (see runtime.ts for the module's life and
// its fallback, product.ts for the products, matmul.ts for the micro-kernel; eigh's
// kernels: rotations.ts for the QR sweeps, gemv.ts for the tridiagonal reduction; lu.ts
// for the LU's matrix kept in WebAssembly memory; threads.ts for large products split
// with a worker thread).
export { compileKernel, setWasmEnabled, wasmAvailable, type Kernel } from "./runtime.js";
export { gemmUpdate, wasmMatmulInto, type MatrixBlock } from "./product.js";
export { residentRows, type ResidentRows } from "./rotations.js";
export { residentBlock, type ResidentBlock } from "./gemv.js";
export { residentMatrix, type ResidentMatrix } from "./lu.js";
export { setThreads, activeThreads, stopWorker } from "./threads.js";
