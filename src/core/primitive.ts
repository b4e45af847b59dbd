import type { DType, Shape, Storage } from "../array/index.js";

/** What tracing knows of a value: its shape and dtype (JAX's "abstract value"). */
export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * A primitive is one record: its name, the rule giving output shapes and dtypes (and
 * rejecting bad inputs with a clear error), and the CPU kernel. Derivative and batching
 * rules join this record as the transformations that need them are added.
 */
export interface Primitive<P = unknown> {
  readonly name: string;
  /** Checks the inputs and returns the outputs' shapes and dtypes. */
  shapeRule(inputs: readonly Aval[], params: P): Aval[];
  /** Computes on concrete data; `outs` is what `shapeRule` returned for these inputs. */
  impl(inputs: readonly Storage[], params: P, outs: readonly Aval[]): Storage[];
}

const registry = new Map<string, Primitive<never>>();

/** Defines and registers a primitive; names are unique. */
export function definePrimitive<P>(prim: Primitive<P>): Primitive<P> {
  if (registry.has(prim.name)) throw new Error(`primitive ${prim.name} is defined twice`);
  registry.set(prim.name, prim as Primitive<never>);
  return prim;
}

/** Every registered primitive, by name (for tests and the IR printer). */
export function primitives(): ReadonlyMap<string, Primitive<never>> {
  return registry;
}
