// The WebAssembly face of the dense kernels (see runtime.ts for the module's life and
// its fallback, product.ts for the products, matmul.ts for the micro-kernel).
export { compileKernel, setWasmEnabled, wasmAvailable, type Kernel } from "./runtime.js";
export { gemmUpdate, wasmMatmulInto, type MatrixBlock } from "./product.js";
