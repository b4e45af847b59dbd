// Small helpers shared by the linalg primitives' rules and the public functions. They
// are written with public np ops, so rules built from them stay differentiable.
import { isFloat, shapeString, type DType } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import type { Aval } from "../core/index.js";

/** The matrix transpose of the last two axes. */
export const mT = (x: Array): Array => np.swapaxes(x, -1, -2);

const masks = new Map<string, Array>();

/** The constant bool n×m mask of j ≤ i + k (numpy's `tri`), cached: arrays are immutable. */
function tri(n: number, m: number, k: number): Array {
  const key = `${n},${m},${k}`;
  let mask = masks.get(key);
  if (!mask) {
    const rows = globalThis.Array.from({ length: n }, (_, i) => globalThis.Array.from({ length: m }, (_, j) => j <= i + k));
    mask = np.reshape(np.array(rows.flat(), { dtype: "bool" }), [n, m]); // flat: n or m may be 0
    masks.set(key, mask);
  }
  return mask;
}

/** The lower triangle of the last two axes, on and below diagonal k. */
export function tril(x: Array, k = 0): Array {
  return np.where(tri(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, k), x, 0);
}

/** The upper triangle of the last two axes, on and above diagonal k. */
export function triu(x: Array, k = 0): Array {
  return np.where(tri(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, k - 1), 0, x);
}

/**
 * The symmetric matrix a function that reads only the lower triangle sees:
 * tril(t) + tril(t, −1)ᵀ. Applied to tangents of such functions.
 */
export function symmetrizeLower(t: Array): Array {
  return np.add(tril(t), mT(tril(t, -1)));
}

/** The transpose of `symmetrizeLower`: maps a cotangent back onto the lower triangle. */
export function symmetrizeLowerTranspose(s: Array): Array {
  return np.add(tril(s), tril(mT(s), -1));
}

/** The identity matrix of the dtype. */
export const eye = (n: number, dtype: DType): Array => np.eye(n, { dtype });

/** Batched diagonal of the last two (square) axes. */
export function diagonal(x: Array): Array {
  return np.sum(np.mul(x, eye(x.shape[x.ndim - 1]!, x.dtype)), { axis: -1 });
}

/** Batched diagonal matrices from vectors on the last axis. */
export function diagMatrix(v: Array): Array {
  return np.mul(np.expandDims(v, -1), eye(v.shape[v.ndim - 1]!, v.dtype));
}

/** Checks that an abstract value is a float stack of square matrices; returns n. */
export function squareAval(op: string, a: Aval, what = "the matrix"): number {
  const s = a.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new Error(`${op}: ${what} must be square (a stack of n×n matrices), got shape ${shapeString(s)}`);
  }
  if (!isFloat(a.dtype)) throw new Error(`${op}: ${what} must be floating point, got ${a.dtype}`);
  return s[s.length - 1]!;
}

/** Public-function input: a float Array (integers become float64), rank ≥ 2. */
export function matrixArg(op: string, x: np.ArrayLike, dtype?: DType): Array {
  const a = np.asArray(x);
  const out = np.astype(a, dtype ?? np.floatDtype(a));
  if (out.ndim < 2) throw new Error(`${op}: needs a matrix (or a stack of them), got shape ${shapeString(out.shape)}`);
  return out;
}

/** Public-function input: a stack of square float matrices. */
export function squareArg(op: string, x: np.ArrayLike, dtype?: DType): Array {
  const a = matrixArg(op, x, dtype);
  squareAval(op, a);
  return a;
}

/**
 * The right-hand side as a stack of columns, and whether it was a vector. As in numpy 2,
 * b is a vector only when it is 1-D (a rule without ambiguity); a batch of vectors is
 * b[..., None], or a vmap over the vector case.
 */
export function columns(op: string, a: Array, b: Array, rows: number): [Array, boolean] {
  const vector = b.ndim === 1;
  if (b.ndim === 0 || b.shape[b.ndim - (vector ? 1 : 2)] !== rows) {
    const hint = b.ndim === a.ndim - 1 && b.shape[b.ndim - 1] === rows ? "; for a batch of vectors pass b[..., None] or use vmap" : "";
    throw new Error(`${op}: shapes ${shapeString(a.shape)} and ${shapeString(b.shape)} do not match (b needs ${rows} rows${hint})`);
  }
  return [vector ? np.expandDims(b, -1) : b, vector];
}

/** Both operands as one float dtype; a square when `square`. */
export function operands(op: string, a: np.ArrayLike, b: np.ArrayLike, square: boolean): [Array, Array] {
  const dtype: DType = np.floatDtype(a, b);
  const A = square ? squareArg(op, a, dtype) : matrixArg(op, a, dtype);
  return [A, np.astype(np.asArray(b), dtype)];
}

/** Undoes `columns`: a vector right-hand side gives a vector solution. */
export const unColumn = (x: Array, vector: boolean) => (vector ? np.squeeze(x, -1) : x);
