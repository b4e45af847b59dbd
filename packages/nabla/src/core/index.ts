// The core: the Array type, primitives and bind, the interpreter stack, pytrees, randomness.
export { Array, ConcreteArray, Tracer } from "./array.js";
export { bind, bind1, withInterpreter, currentInterpreter, evalInterpreter, escapedTracerError, type Interpreter } from "./interpreter.js";
export { definePrimitive, primitives, type Primitive, type Aval, type Tangent, type Lowering, type Runner } from "./primitive.js";
// For the layers above (transforms/, linalg/, nn/, stats/, implicit/, ode/): rules shared by
// primitives defined outside core/, argument checking, and norms. Not part of nabla's public face.
export { instantiate, materializeBatch, batchByLoop, alignForBroadcast, unbroadcast, stopGradient as stopGradientPrimitive, conv as convPrimitive } from "./primitives/index.js";
export type { ConvParams } from "./primitives/index.js";
export { arrayArg, checkArrayLike, promotedDtype } from "./np/args.js";
export { keyArg } from "./random/args.js";
export { normScale } from "./np/normscale.js";
export * as np from "./np/index.js";
export * as tree from "./pytree.js";
export * as random from "./random.js";
export * as special from "./special/index.js";
export { IR, Var, stage, evalIR, numberKey, type ClosedIR, type Equation, type StageOptions } from "./ir.js";
export type { MapLeaves, Tree, TreeDef } from "./pytree.js";
