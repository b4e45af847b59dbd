// Implicit differentiation: derivatives of a solver's answer from the equation it solves
// (the implicit function theorem), at the cost of one linear solve, never by unrolling
// the solver. customLinearSolve and customRoot are the two rules; rootFind, fixedPoint
// and argmin are solvers built on them.
export { customLinearSolve, type LinearSolver, type LinearSolveOptions } from "../transforms/index.js";
export { STATUS, type SolveStatus } from "./root.js";
export type { LinearSolveMethod } from "./linear.js";
export {
  customRoot,
  rootFind,
  fixedPoint,
  argmin,
  type ImplicitOptions,
  type ImplicitResult,
  type RootFindOptions,
  type FixedPointOptions,
  type ArgminOptions,
} from "./solvers.js";
export { qp, type QPConstraints, type QPOptions, type QPResult } from "./qp.js";
