import type { AxisMap, DType, Shape, Storage, TypedArray } from "../array/index.js";
import type { Array } from "./array.js";
import type { IR } from "./ir.js";

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
 * itself differentiable and derivatives of any order need nothing new. Every rule is
 * required (a primitive without one does not compile); only `lower` is optional.
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
  /** How `jit` writes it into generated code; without one, `jit` calls `impl` on buffers. */
  readonly lower?: Lowering<P>;
}

/** Buffers in, buffers out: a primitive run by compiled code without being fused. */
export type Runner = (inputs: readonly TypedArray[]) => TypedArray[];

/**
 * How a primitive lowers in `jit`, kept with the primitive so that a new or renamed
 * primitive carries its lowering along. The kinds: `elementwise`, one output element from
 * the same (broadcast) element of each input, as a JavaScript expression over `args`
 * (identifiers or number literals the code generator made; the rest of the text must be
 * a fixed string of the kernel tables, never user text); `view`, which input element each
 * output element is, as an {@link AxisMap}, or undefined for a reshape that moves axes'
 * boundaries (the output is then the input's buffer, unchanged); `window`, zeros with the
 * input at `start + i·step` along each axis (pad); `reduce`, a fold over `axes` from `init`
 * by `update`; `runner`, a primitive that runs staged programs (control flow), given a
 * compiler for them. It is a field of the record, not one table keyed by name, because
 * primitives are defined in several layers (core, control flow, linalg, ode, …) that a
 * table in core could not name; a primitive without one is never wrong, only unfused.
 *
 * @example
 * const neg: Lowering<Record<string, never>> = { kind: "elementwise", expr: ([x]) => `-${x}` };
 */
export type Lowering<P> =
  | { readonly kind: "elementwise"; expr(args: readonly string[], params: P, inputs: readonly Aval[], out: Aval): string }
  | { readonly kind: "view"; map(params: P, input: Aval, out: Aval): AxisMap | undefined }
  | { readonly kind: "window"; window(params: P): { readonly start: readonly number[]; readonly step: readonly number[] } }
  | {
      readonly kind: "reduce";
      readonly init: string;
      update(acc: string, x: string): string;
      axes(params: P, input: Aval): readonly number[];
    }
  | { readonly kind: "runner"; runner(params: P, compile: (ir: IR) => Runner): Runner };

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
