// The types of transformed functions, as in jax-js: a gradient has its argument's
// structure, a Jacobian nests the input's structure inside the output's. Types only: the
// runtime builds these structures with the pytree functions and never looks here.
import type { Array, MapLeaves } from "../core/index.js";

export type { MapLeaves } from "../core/index.js";

/** Any function a transformation accepts. */
export type Fn = (...args: any[]) => any;

/** Which arguments to differentiate: one position, or a list (a tuple of results). */
export type Argnums = number | readonly number[];

/**
 * The gradient (tangent, cotangent) of a value of type `T`: the same pytree with Array
 * leaves, numbers included (a transformation reads a number as a 0-d Array).
 *
 * @example
 * type G = GradOf<{ w: Array; b: number }>; // { w: Array; b: Array }
 */
export type GradOf<T> = MapLeaves<T, Array>;

/** One tangent (or cotangent) per argument of the argument list `P`. */
export type TangentsOf<P extends readonly unknown[]> = { -readonly [K in keyof P]: GradOf<P[K]> };

/**
 * The Jacobian of an output of type `Out` with respect to an input of type `In`: the
 * output's structure, each leaf holding the input's structure of blocks shaped
 * out.shape ++ in.shape (JAX's nesting).
 *
 * @example
 * type J = JacobianOf<{ u: Array; v: Array }, { a: Array }>; // { u: { a: Array }; v: { a: Array } }
 */
export type JacobianOf<Out, In> = MapLeaves<Out, GradOf<In>>;

/** Argument `I` of the argument list `A` (undefined past the end, where the runtime throws). */
type Arg<A extends readonly unknown[], I> = I extends keyof A ? A[I] : never;

/**
 * What differentiating with respect to `argnums` `N` of arguments `A` gives: the
 * gradient of that argument for a number, a tuple of gradients for a list.
 *
 * @example
 * type G = GradsOf<[Array, { w: Array }], readonly [0, 1]>; // [Array, { w: Array }]
 */
export type GradsOf<A extends readonly unknown[], N extends Argnums> = N extends number
  ? GradOf<Arg<A, N>>
  : { -readonly [K in keyof N]: GradOf<Arg<A, N[K]>> };

/**
 * `N`, kept out of type inference: argnums come from the options alone, never from a
 * type the result is assigned to (`const g: (x: Array) => Array = grad(f)`). (The
 * built-in `NoInfer` would do that too, but a tuple wrapped in it is no longer mapped
 * as a tuple.)
 */
type Fixed<N> = [N][N extends unknown ? 0 : never];

/** A function returning `[value, aux]`, as `hasAux` asks (its literal is then read as a pair). */
export type AuxFn = (...args: any[]) => readonly [unknown, unknown];

/** The auxiliary output of a function returning `[value, aux]`. */
export type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer Aux] ? Aux : unknown;

/** Options of `grad` and `valueAndGrad`, with the literal types that shape the result. */
export interface GradOptions<N extends Argnums = Argnums, HasAux extends boolean = boolean> {
  /**
   * Which argument(s) to differentiate: a position, or a list (then grads are a tuple).
   * A position listed twice is an error (JAX gives it no meaning).
   */
  argnums?: N;
  /** `f` returns `[value, aux]`; aux is passed through untouched. */
  hasAux?: HasAux;
}

/**
 * What `grad(f, { argnums: N, hasAux })` returns: generic in the actual arguments, since
 * gradients mirror the structure of what was passed (an unannotated parameter is `any`,
 * the Array passed for it is not).
 */
export type GradFn<F extends Fn, N extends Argnums, HasAux extends boolean> = <A extends Parameters<F>>(
  ...args: A
) => HasAux extends true ? [GradsOf<A, Fixed<N>>, AuxOf<F>] : GradsOf<A, Fixed<N>>;

/** What `valueAndGrad(f, …)` returns: `[value, grads]`, or `[[value, aux], grads]` with hasAux. */
export type ValueAndGradFn<F extends Fn, N extends Argnums, HasAux extends boolean> = <A extends Parameters<F>>(
  ...args: A
) => [HasAux extends true ? [Array, AuxOf<F>] : Array, GradsOf<A, Fixed<N>>];

/** Options of the Jacobian family. */
export interface JacobianOptions<N extends Argnums = Argnums> {
  /** Which argument(s) to differentiate (default 0); a list (each once) gives a tuple at each output leaf. */
  argnums?: N;
}

/**
 * What `jacfwd(f, { argnums: N })` / `jacrev` return. With a list of argnums the tuple
 * sits at each output leaf (JAX's order): J[i] is ∂out/∂xᵢ for an Array output.
 */
export type JacobianFn<F extends Fn, N extends Argnums> = <A extends Parameters<F>>(
  ...args: A
) => MapLeaves<ReturnType<F>, GradsOf<A, Fixed<N>>>;

/**
 * What `hessian(f, { argnums: N })` returns: the Jacobian of the gradient. For Array
 * arguments and argnums [0, 1], H[i][j] = ∂²f/∂xᵢ∂xⱼ, of shape xᵢ.shape ++ xⱼ.shape.
 */
export type HessianFn<F extends Fn, N extends Argnums> = <A extends Parameters<F>>(
  ...args: A
) => MapLeaves<GradsOf<A, Fixed<N>>, GradsOf<A, Fixed<N>>>;

/**
 * A loop carry (`whileLoop`, `scan`, `foriLoop`): a pytree of Arrays. The `[]` lets a
 * literal carry such as `[i, x]` be typed as the tuple it is rather than as an array.
 */
export type Carry = [] | object | null | undefined;
