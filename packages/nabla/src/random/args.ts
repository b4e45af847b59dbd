// How the samplers take their arguments: the key, the sample shape, the options, and
// parameters that broadcast as jax.random's do. Internal to random/.
import { Array, arrayArg, checkArrayLike } from "../core/index.js";
import { broadcastShapes, checkAllocation, checkDtype, checkOptions, checkShape, describe, sameShape, shapeString, type DType } from "../array/index.js";

/**
 * A sampler's shape, checked, and refused up front when its samples would not fit in
 * memory (so the error names this sampler, not the uniform draw inside it).
 */
export function sampleShape(op: string, shape: unknown, dtype: DType): number[] {
  const sh = checkShape(op, shape);
  checkAllocation(op, dtype, sh);
  return sh;
}

/** The options of a sampler, checked; its dtype is float64 (the default) or float32. */
export function sampleOptions<K extends string>(op: string, opts: unknown, extra: readonly K[] = [], fallback: DType = "float64") {
  const o = checkOptions(op, opts, ["dtype", ...extra]);
  return { dtype: o.dtype === undefined ? fallback : checkDtype(op, o.dtype, ["float32", "float64"]), o };
}

/** A float parameter of a sampler, converted to the sampler's dtype. */
export function param(op: string, name: string, x: unknown, dtype: DType): Array {
  return arrayArg(op, name, checkArrayLike(op, name, x), dtype);
}

/**
 * The shape of a sampler's result, as jax.random's: without `shape`, the parameters'
 * broadcast shape; with it, `shape` itself, which every parameter must broadcast to.
 */
export function resultShape(op: string, shape: unknown, params: readonly (readonly [string, readonly number[]])[], dtype: DType): number[] {
  if (shape === undefined || shape === null) {
    const sh = broadcastShapes(op, ...params.map(([, s]) => s));
    checkAllocation(op, dtype, sh);
    return sh;
  }
  const sh = sampleShape(op, shape, dtype);
  for (const [name, s] of params) {
    // Incompatible shapes get broadcastShapes' message; compatible ones that would grow
    // `shape` (a parameter of more axes or longer ones) this one.
    if (!sameShape(broadcastShapes(op, sh, s), sh)) throw new Error(`${op}: ${name} of shape ${shapeString(s)} does not broadcast to shape ${shapeString(sh)}`);
  }
  return sh;
}

/** `x` broadcast to `shape` (itself when it has that shape already). */
export const spread = (x: Array, shape: readonly number[]): Array => (sameShape(x.shape, shape) ? x : x.broadcastTo(shape));
