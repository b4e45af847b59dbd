// The chapter's calculus on top of the transformations: directional derivatives, the
// steepest-descent direction, Taylor models, total derivatives, and a gradient check
// against finite differences. Exported by name from nabla's public face.
export { directionalDerivative, steepestDescentDirection, taylor, totalDerivative, type TaylorModel } from "./derivatives.js";
export { checkGrads, type CheckGradsOptions } from "./check.js";
