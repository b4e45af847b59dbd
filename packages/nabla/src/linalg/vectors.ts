// Float64Array helpers shared by the matrix-free solvers, and the wrapper that lets them
// call a user's Array → Array operator on plain vectors.
import { np, type Array } from "../core/index.js";

/** A linear operator: v ↦ A·v, with v shaped like the right-hand side. */
export type MatVec = (v: Array) => Array;

/** Vectors are plain float64 arrays inside the solvers. */
export type Vec = Float64Array;

/** xᵀ·y */
export const dot = (x: Vec, y: Vec): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};
/** y ← y + a·x */
export const axpy = (a: number, x: Vec, y: Vec): void => {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + a * x[i]!;
};

/** Wraps a user operator as Float64Array → Float64Array, checking its output's size. */
export function operator(name: string, what: string, f: MatVec, shape: readonly number[]): (v: Vec) => Vec {
  const n = shape.reduce((p, d) => p * d, 1);
  return (v) => {
    const out = f(np.reshape(np.array(v), shape));
    if (out.size !== n) throw new Error(`${name}: ${what} returned shape (${out.shape}) for an input of shape (${shape})`);
    return out.toFloat64Array();
  };
}
