// Differentiable dense linear algebra and matrix-free iterative solvers.
export * from "./dense.js";
export * from "./iterative.js";
