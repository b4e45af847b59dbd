// Differentiable dense linear algebra and matrix-free iterative solvers.
export * from "./dense.js";
export * from "./pseudo.js";
export * from "./lu-api.js";
export * from "./matfun.js";
export * from "./krylov-api.js";
