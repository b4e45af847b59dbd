// Transformations of functions: derivatives, batching, control flow, custom rules and staging.
export type { Argnums, AuxFn, AuxOf, Carry, Fn, GradFn, GradOf, GradsOf, HessianFn, JacobianFn, JacobianOf, MapLeaves, TangentsOf, ValueAndGradFn } from "./types.js";
export { jvp } from "./jvp.js";
export { vjp, vjpWithAux, grad, valueAndGrad, type Pullback, type GradOptions } from "./vjp.js";
export { vmap, type VmapOptions } from "./vmap.js";
export { linearize, stopGradient } from "./linearize.js";
export { jacfwd, jacrev, jacobian, hessian, hvp, type JacobianOptions } from "./jacobian.js";
export { ravelPytree } from "./ravel.js";
export { customLinearSolve, linearSolveNamed, type LinearSolver, type LinearSolveOptions } from "./linear-solve.js";
export { cond } from "./control/cond.js";
export { whileLoop, scan, foriLoop, type ScanOptions } from "./control/loops.js";
export { customJvp, customVjp } from "./custom.js";
export { jit, makeIR, type JitOptions, type Jitted } from "./jit/jit.js";
export { clearJitCaches, DEFAULT_JIT_CACHE_LIMIT } from "./jit/cache.js";
// For the modules built on custom rules (implicit/, ode/): staging a user function and
// differentiating or batching the staged program. Not part of nabla's public face.
export { traceFn, closureConvert, runIR, jvpIR, vjpIR, avalsOf, sameAvals, describeAvals, concrete, concreteValue, storages, type TracedFn } from "./control/traced.js";
export { outputLeaves, checkedLeaves, differentiableLeaves, opOf } from "./args.js";
export { guardStatus } from "./guard.js";
