// The integrators work on one flat float64 vector; the ODE primitive works on the leaves
// of the user's state. These convert between the two and build the flat right-hand side.
import { np, tree, type Array, type Aval, type IR } from "../core/index.js";
import { runIR, traceFn } from "../transforms/index.js";
import type { Rhs } from "./integrate.js";

export const sizeOfAval = (a: Aval) => a.shape.reduce((p, d) => p * d, 1);

/** The leaves as one flat float64 vector. */
export function ravel(leaves: readonly Array[]): Array {
  const flat = leaves.map((l) => np.reshape(np.astype(l, "float64"), [-1]));
  return flat.length === 1 ? flat[0]! : np.concatenate(flat);
}

/** A flat vector (or a stack of them, [T, n] with `stacked`) split back into leaves like `likes`. */
export function unravel(v: Array, likes: readonly Aval[], stacked = false): Array[] {
  let k = 0;
  return likes.map((a) => {
    const n = sizeOfAval(a);
    const part = stacked ? np.slice(v, null, [k, k + n]) : np.slice(v, [k, k + n]);
    k += n;
    const shaped = np.reshape(part, stacked ? [v.shape[0]!, ...a.shape] : a.shape);
    return np.astype(shaped, a.dtype);
  });
}

/**
 * f(y, t, ...args) on a flat state, from its staged program [...consts, ...y, t, ...args]:
 * the integrators' right-hand side. The consts and args may be tracers, so the right-hand
 * side is as differentiable as they are.
 */
export function flatRhs(fIR: IR, consts: readonly Array[], args: readonly Array[], likes: readonly Aval[]): Rhs {
  return (y: Array, t: number) => ravel(runIR(fIR, [...consts, ...unravel(y, likes), np.array(t), ...args]));
}

/**
 * Stages `fn` over a flat list of leaves with `avals`: its IR takes [...consts, ...leaves],
 * where consts are the Arrays fn closes over (the primitive's leading inputs).
 */
export function stageList(fn: (xs: Array[]) => Array[], avals: readonly Aval[]): { ir: IR; consts: Array[] } {
  const def = tree.flatten(avals.map(() => 0))[1];
  const traced = traceFn((xs: Array[]) => fn(xs), [def], avals);
  return { ir: traced.ir, consts: traced.consts };
}
