/**
 * nabla: composable automatic differentiation over float64 arrays, and the calculus of
 * machine learning built on it. This file is the public face of the package.
 */
export { Array, np, tree, IR, stage, evalIR } from "./core/index.js";
export type { Tree, TreeDef, Primitive, Aval, ClosedIR } from "./core/index.js";
export type { DType, Shape } from "./array/index.js";
export * as random from "./random/index.js";
export * as special from "./special/index.js";
// The transformations (transforms/ also serves implicit/ and ode/ helpers that stay private).
export {
  jvp, vjp, vjpWithAux, grad, valueAndGrad, vmap, linearize, stopGradient, jacfwd, jacrev, jacobian, hessian, hvp,
  ravelPytree,
  cond, whileLoop, scan, foriLoop, customJvp, customVjp, jit, makeIR, clearJitCaches, DEFAULT_JIT_CACHE_LIMIT,
} from "./transforms/index.js";
export type {
  Argnums, AuxFn, AuxOf, Carry, Fn, GradFn, GradOf, GradsOf, HessianFn, JacobianFn, JacobianOf, MapLeaves, TangentsOf, ValueAndGradFn,
  Pullback, GradOptions, VmapOptions, JacobianOptions, ScanOptions, JitOptions, Jitted,
} from "./transforms/index.js";
export { checkGrads, directionalDerivative, steepestDescentDirection, taylor, totalDerivative, type CheckGradsOptions, type TaylorModel } from "./calculus/index.js";
export * as implicit from "./implicit/index.js";
export * as ode from "./ode/index.js";
export * as linalg from "./linalg/index.js";
export * as optim from "./optim/index.js";
export * as landscape from "./landscape/index.js";
export * as integrate from "./integrate/index.js";
export * as bayes from "./bayes/index.js";
export * as flows from "./flows/index.js";
export * as nn from "./nn/index.js";
export * as stats from "./stats/index.js";
export { classifyPoint, type ClassifyOptions, type PointClassification, type PointKind } from "./landscape/index.js";
export { minimize, type ConstrainedMethod, type Constraint, type KKTResiduals, type MinimizeOptions, type MinimizeResult, type MinimizeMethod, type MinimizeStatus } from "./optim/index.js";
