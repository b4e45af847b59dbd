// Helpers shared by the transformation rules of several primitives.
import type { Array } from "../array.js";
import type { Primitive, Tangent } from "../primitive.js";
import * as np from "../np/index.js";
import { bind, bind1 } from "../interpreter.js";
import { pad } from "./layout.js";

/** A real zero array for a symbolic-zero tangent. */
export function instantiate(t: Tangent, like: Array): Array {
  return t ?? np.zeros(like.shape, { dtype: like.dtype });
}

/** a + b where either may be a symbolic zero. */
export function addTangents(a: Tangent, b: Tangent): Tangent {
  return a === null ? b : b === null ? a : np.add(a, b);
}

/**
 * The cotangent of an input that was broadcast to the output's shape: the sum over
 * the axes broadcasting added or stretched (micrograd's "unbroadcast").
 */
export function unbroadcast(ct: Array, shape: readonly number[]): Array {
  if (ct.ndim === shape.length && ct.shape.every((d, i) => d === shape[i])) return ct;
  const lead = ct.ndim - shape.length;
  const axes = ct.shape.map((d, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && ct.shape[i] !== 1));
  return np.reshape(np.sum(ct, { axis: axes }), shape);
}

/** Gives an unbatched value the batch axis: `size` copies along a new axis 0. */
export function materializeBatch(x: Array, batched: boolean, size: number): Array {
  return batched ? x : np.broadcastTo(np.expandDims(x, 0), [size, ...x.shape]);
}

/**
 * Lines up batched and unbatched operands for a broadcasting op: a batched operand
 * (batch at axis 0) gets size-1 axes after its batch axis so that numpy broadcasting
 * from the right meets the other operands' axes, and the batch axis stays in front.
 */
export function alignForBroadcast(args: readonly Array[], batched: readonly boolean[]): Array[] {
  const rank = Math.max(...args.map((a, i) => a.ndim - (batched[i] ? 1 : 0)));
  return args.map((a, i) => {
    if (!batched[i] || a.ndim - 1 === rank) return a;
    return np.reshape(a, [a.shape[0]!, ...globalThis.Array(rank - (a.ndim - 1)).fill(1), ...a.shape.slice(1)]);
  });
}

/**
 * Writes `u` into a zero array of `outShape` at the window `start + i·step` (steps may
 * be negative: that window is visited backwards, so `u` is flipped along those axes).
 * The transpose of `slice`, and what `x.at(...)` builds its updates from.
 */
export function placeWindow(u: Array, start: readonly number[], step: readonly number[], outShape: readonly number[]): Array {
  const flipped = step.map((s, d) => (s < 0 ? d : -1)).filter((d) => d >= 0);
  const first = start.map((s, d) => (step[d]! < 0 ? s + (u.shape[d]! - 1) * step[d]! : s));
  const v = flipped.length ? np.flip(u, { axis: flipped }) : u;
  return bind1(pad, [v], { start: first, step: step.map(Math.abs), shape: u.shape, outShape });
}

/**
 * The batching rule of last resort: run the primitive once per batch element and stack
 * the results. Correct for any primitive; used where a vectorized rule is not worth it
 * (per-example random keys, gathers with per-example indices).
 */
export function batchByLoop<P>(prim: Primitive<P>, args: readonly Array[], batched: readonly boolean[], params: P, size: number): [Array[], boolean[]] {
  if (size === 0) throw new Error(`vmap: ${prim.name} cannot be batched over an empty axis (size 0)`);
  const results: Array[][] = [];
  for (let b = 0; b < size; b++) {
    results.push(bind(prim, args.map((a, i) => (batched[i] ? np.slice(a, b) : a)), params));
  }
  const outs = results[0]!.map((_, k) => np.stack(results.map((r) => r[k]!)));
  return [outs, outs.map(() => true)];
}
