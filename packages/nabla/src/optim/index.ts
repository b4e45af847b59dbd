// Optimizers: scipy-style `minimize`, line searches, optax-style training optimizers,
// convergence diagnostics, and the Moré–Garbow–Hillstrom test problems.
export * from "./minimize.js";
export * from "./linesearch.js";
export * from "./optax.js";
export * from "./diagnostics.js";
export * as problems from "./problems.js";
