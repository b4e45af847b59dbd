// Optimizers: scipy-style `minimize` and `leastSquares`, line searches, optax-style training optimizers,
// convergence diagnostics, and the Moré–Garbow–Hillstrom test problems.
export * from "./minimize.js";
export * from "./least-squares.js";
export * from "./linesearch.js";
export * from "./optax.js";
export * from "./diagnostics.js";
export * as problems from "./problems.js";
export { solveQP, type DenseQP, type QPSolution, type QPStatus, type SolveQPOptions } from "./qp-solve.js";
