import { ConcreteArray, Tracer, type Array } from "./array.js";
import type { Primitive } from "./primitive.js";
import type { Storage } from "../array/index.js";

/**
 * An interpreter gives meaning to primitives. The active one is a single variable
 * (autodidax2's "current interpreter"): a transformation installs its own while it runs
 * the user's function, and its rules call `bind` again under the interpreter it replaced,
 * which is how transformations nest.
 */
export interface Interpreter {
  readonly name: string;
  process(prim: Primitive<any>, args: readonly Array[], params: any): Array[];
}

/** Runs kernels on concrete data: plain eager numpy. */
export const evalInterpreter: Interpreter = {
  name: "eval",
  process(prim, args, params) {
    return runKernel(prim, args.map(concreteStorage), params).map((s) => new ConcreteArray(s));
  },
};

let current: Interpreter = evalInterpreter;

/** The interpreter that `bind` uses now. */
export function currentInterpreter(): Interpreter {
  return current;
}

/** Runs `fn` with `interp` as the current interpreter, restoring the previous one after. */
export function withInterpreter<T>(interp: Interpreter, fn: () => T): T {
  const previous = current;
  current = interp;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** Applies a primitive under the current interpreter. */
export function bind<P>(prim: Primitive<P>, args: readonly Array[], params: P): Array[] {
  return current.process(prim, args, params);
}

/** `bind` for the common single-output primitive. */
export function bind1<P>(prim: Primitive<P>, args: readonly Array[], params: P): Array {
  if (current === evalInterpreter) {
    // The eager fast path: no boxing, one kernel call.
    return new ConcreteArray(runKernel(prim, args.map(concreteStorage), params)[0]!);
  }
  return current.process(prim, args, params)[0]!;
}

function runKernel<P>(prim: Primitive<P>, inputs: Storage[], params: P): Storage[] {
  return prim.impl(inputs, params, prim.shapeRule(inputs, params));
}

function concreteStorage(x: Array): Storage {
  if (x instanceof ConcreteArray) return x.storage;
  if (x instanceof Tracer) throw escapedTracerError(x);
  throw new Error(`expected an Array, got ${String(x)}`);
}

/** The one error for a tracer used after its transformation returned, wherever it is caught. */
export function escapedTracerError(x: Tracer): Error {
  return new Error(
    `a tracer of ${x.owner.name} escaped its transformation: a traced value was kept ` +
      "(in a closure or outer variable) and used after the transformed function returned",
  );
}
