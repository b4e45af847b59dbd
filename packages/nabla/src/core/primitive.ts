import type { DType, Shape, Storage } from "../array/index.js";
import type { Array } from "./array.js";

/** What tracing knows of a value: its shape and dtype (JAX's "abstract value"). */
export interface Aval {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Set for a plain JavaScript number turned into an Array: see {@link Weak}. */
  readonly weak?: Weak;
}

/**
 * A JavaScript number is "weakly typed" (as in JAX): in an op with an Array it takes the
 * Array's dtype, and only a non-integer number lifts an integer Array to float. Its kind
 * ("int" for an integer value) is all promotion needs, so `jit` keys on the kind, not
 * the value.
 */
export type Weak = "int" | "float";

/** A tangent or cotangent; `null` is a symbolic zero (nothing flows), which rules skip. */
export type Tangent = Array | null;

/**
 * A primitive is one record: its name, the rule giving output shapes and dtypes (and
 * rejecting bad inputs with a clear error), the CPU kernel, and one rule per
 * transformation. Rules are written with the public `np` ops, so a derivative rule is
 * itself differentiable and derivatives of any order need nothing new. Every field is
 * required: a primitive without a rule does not compile.
 */
export interface Primitive<P = any> {
  readonly name: string;
  /** Checks the inputs and returns the outputs' shapes and dtypes. */
  shapeRule(inputs: readonly Aval[], params: P): Aval[];
  /** Computes on concrete data; `outs` is what `shapeRule` returned for these inputs. */
  impl(inputs: readonly Storage[], params: P, outs: readonly Aval[]): Storage[];
  /**
   * Forward mode: the outputs and their tangents, given the inputs and their tangents
   * (each tangent has its primal's shape; `null` is zero).
   */
  jvp(primals: readonly Array[], tangents: readonly Tangent[], params: P): [Array[], Tangent[]];
  /**
   * Reverse mode: cotangents of the inputs from cotangents of the outputs. `inputs` and
   * `outputs` are the primal values; only inputs marked in `wanted` need an answer
   * (return `null` for the others, or for an input that gets zero).
   */
  vjp(cts: readonly Tangent[], inputs: readonly Array[], outputs: readonly Array[], params: P, wanted: readonly boolean[]): Tangent[];
  /**
   * Batching: `batched[i]` says whether input i carries the batch axis, always axis 0,
   * of length `size`. Returns the outputs and which of them carry the batch axis.
   */
  batch(args: readonly Array[], batched: readonly boolean[], params: P, size: number): [Array[], boolean[]];
}

const registry = new Map<string, Primitive>();

/** Defines and registers a primitive; names are unique. */
export function definePrimitive<P>(prim: Primitive<P>): Primitive<P> {
  if (registry.has(prim.name)) throw new Error(`primitive ${prim.name} is defined twice`);
  registry.set(prim.name, prim as Primitive);
  return prim;
}

/** Every registered primitive, by name (for tests and the IR printer). */
export function primitives(): ReadonlyMap<string, Primitive> {
  return registry;
}
