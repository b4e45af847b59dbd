// The core: the Array type, primitives and bind, the interpreter stack, the IR, pytrees, np.
export { Array, ConcreteArray, Tracer } from "./array.js";
export { bind, bind1, withInterpreter, currentInterpreter, evalInterpreter, escapedTracerError, type Interpreter } from "./interpreter.js";
export { definePrimitive, primitives, type Primitive, type Aval, type Tangent, type Lowering, type Runner } from "./primitive.js";
// For the layers above (transforms/, random/, special/, linalg/, nn/, …): rules shared by
// primitives defined outside core/, argument checking, and norms. Not part of nabla's public face.
export { instantiate, materializeBatch, batchByLoop, alignForBroadcast, unbroadcast, addTangents, stopGradient as stopGradientPrimitive } from "./primitives/index.js";
export { elementwiseLowering } from "./primitives/elementwise.js";
export { arrayArg, checkArrayLike, floatArg, promotedDtype, keyArg } from "./np/args.js";
export type { ArrayLike } from "./np/convert.js";
export { normScale } from "./np/normscale.js";
export * as np from "./np/index.js";
export * as tree from "./pytree.js";
export { IR, Var, stage, evalIR, numberKey, type ClosedIR, type Equation, type StageOptions } from "./ir.js";
export type { MapLeaves, Tree, TreeDef } from "./pytree.js";
