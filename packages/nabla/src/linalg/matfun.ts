// Matrix functions and products: expm, matrixPower and multiDot. Each is differentiable
// in both modes and batches under vmap: expm is a primitive with its Fréchet derivative
// (expm.ts), the others are compositions of matmul and the LU solve.
import { shapeString } from "../array/index.js";
import { bind1, np, type Array } from "../core/index.js";
import { expmP } from "./expm.js";
import { luSolveP } from "./solvers.js";
import { eye, squareArg } from "./util.js";

/**
 * The matrix exponential e^a = Σ aᵏ/k! of a square matrix (or a stack [..., n, n]), by
 * scaling and squaring with a [13/13] Padé approximant (Higham 2005; scipy's expm uses
 * the same method). Accurate to a few units of roundoff times the condition number; an
 * answer beyond the float range overflows to Infinity (a diagonal matrix gets exp of its
 * diagonal exactly). Derivatives, both modes and any order, are the Fréchet derivative
 * L(a, ȧ) = the top-right block of e^[[a, ȧ], [0, a]]; the gradient is L(aᵀ, ḡ).
 *
 * @example
 * linalg.expm(np.array([[0, 1], [-1, 0]])).toArray(); // [[cos 1, sin 1], [−sin 1, cos 1]]
 */
export function expm(a: np.ArrayLike): Array {
  return bind1(expmP, [squareArg("expm", a)], {});
}

/**
 * aⁿ for a square matrix (or a stack) and an integer n, as numpy's matrix_power: n = 0
 * gives the identity, a negative n the power of the inverse (an error naming matrixPower
 * if a is singular, as `solve`), and |n| > 3 binary powering (⌊log₂ n⌋ squarings). Integer
 * and bool matrices stay in their dtype for n ≥ 0.
 *
 * @example
 * linalg.matrixPower(np.array([[1, 1], [1, 0]]), 10).toArray(); // [[89, 55], [55, 34]]
 */
export function matrixPower(a: np.ArrayLike, n: number): Array {
  if (!Number.isSafeInteger(n)) throw new Error(`matrixPower: n must be an integer, got ${n}`);
  let x = np.asArray(a);
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) {
    throw new Error(`matrixPower: the matrix must be square (a stack of n×n matrices), got shape ${shapeString(x.shape)}`);
  }
  const size = x.shape[x.ndim - 1]!;
  if (n === 0) return np.broadcastTo(np.eye(size, { dtype: x.dtype }), x.shape);
  if (n < 0) {
    x = squareArg("matrixPower", x);
    x = bind1(luSolveP, [x, eye(size, x.dtype)], { transpose: false, caller: "matrixPower" });
    n = -n;
  }
  if (n === 1) return x;
  if (n === 2) return np.matmul(x, x);
  if (n === 3) return np.matmul(np.matmul(x, x), x);
  // numpy's order: z runs through x, x², x⁴, …; result multiplies in the set bits.
  let z: Array | null = null;
  let result: Array | null = null;
  while (n > 0) {
    z = z ? np.matmul(z, z) : x;
    const bit = n % 2;
    n = Math.floor(n / 2);
    if (bit) result = result ? np.matmul(result, z) : z;
  }
  return result!;
}

/**
 * The cheapest order of a chain of matrix products: s[i][j] is where to split
 * arrays i..j, from their dimensions p (array i is p[i]×p[i+1]), by the O(k³) dynamic
 * program of Cormen et al., "Introduction to Algorithms", §15.2 (as numpy's multi_dot).
 */
function chainOrder(p: readonly number[]): number[][] {
  const k = p.length - 1;
  const cost = globalThis.Array.from({ length: k }, () => new globalThis.Array<number>(k).fill(0));
  const split = globalThis.Array.from({ length: k }, () => new globalThis.Array<number>(k).fill(0));
  for (let len = 1; len < k; len++) {
    for (let i = 0; i + len < k; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let s = i; s < j; s++) {
        const q = cost[i]![s]! + cost[s + 1]![j]! + p[i]! * p[s + 1]! * p[j + 1]!;
        if (q < cost[i]![j]!) [cost[i]![j], split[i]![j]] = [q, s];
      }
    }
  }
  return split;
}

/**
 * The product of two or more arrays in the cheapest order (numpy's multi_dot): the first
 * may be a vector (a row) and the last a vector (a column); the others must be 2-D. The
 * order comes from the dimensions alone (minimizing scalar multiplications), so the
 * result is the product's, with rounding of that order; a vector at both ends gives a
 * scalar. Differentiable and batchable as matmul is.
 *
 * @example
 * linalg.multiDot([A, B, C, D]); // = A·B·C·D, e.g. as (A·B)·(C·D)
 */
export function multiDot(arrays: readonly np.ArrayLike[]): Array {
  if (!globalThis.Array.isArray(arrays) || arrays.length < 2) {
    throw new Error(`multiDot: needs a list of at least two arrays, got ${globalThis.Array.isArray(arrays) ? arrays.length : typeof arrays}`);
  }
  const xs = arrays.map((a) => np.asArray(a));
  const [firstVector, lastVector] = [xs[0]!.ndim === 1, xs[xs.length - 1]!.ndim === 1];
  if (firstVector) xs[0] = np.expandDims(xs[0]!, 0);
  if (lastVector) xs[xs.length - 1] = np.expandDims(xs[xs.length - 1]!, -1);
  xs.forEach((x, i) => {
    if (x.ndim !== 2) throw new Error(`multiDot: array ${i} must be 2-D (the first and last may be 1-D), got shape ${shapeString(x.shape)}`);
    if (i > 0 && xs[i - 1]!.shape[1] !== x.shape[0]) {
      throw new Error(`multiDot: shapes ${shapeString(xs[i - 1]!.shape)} and ${shapeString(x.shape)} of arrays ${i - 1} and ${i} are not aligned`);
    }
  });
  const split = chainOrder([...xs.map((x) => x.shape[0]!), xs[xs.length - 1]!.shape[1]!]);
  const product = (i: number, j: number): Array => (i === j ? xs[i]! : np.matmul(product(i, split[i]![j]!), product(split[i]![j]! + 1, j)));
  let out = product(0, xs.length - 1);
  if (firstVector) out = np.squeeze(out, 0);
  if (lastVector) out = np.squeeze(out, -1);
  return out;
}
