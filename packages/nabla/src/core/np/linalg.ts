import { axisList, broadcastShapes, checkInteger, checkOptions, describe, normalizeAxis, shapeString, sizeOf } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import { matmul as matmulP, pad as padP, slice as sliceP } from "../primitives/index.js";
import { arrayArg, checkArrayLike, promotedDtype } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { mul } from "./elementwise.js";
import { sum } from "./reductions.js";
import { expandDims, reshape, squeeze, transpose } from "./shape.js";

/**
 * Matrix product with numpy's rules: the last two axes multiply, leading axes broadcast,
 * and a 1-D operand is a vector (its added axis is removed from the result). Each element
 * sums its products in order; float32 operands compute in float32 (every multiply and add
 * rounded to float32, as numpy's and TF.js's do), float64 ones in float64, with the same
 * bits whichever kernel runs (WebAssembly or JavaScript, one thread or two).
 *
 * @example
 * np.matmul(np.eye(2), np.array([1, 2])).toArray(); // [1, 2]
 */
export function matmul(x: ArrayLike, y: ArrayLike): Array {
  return matmulAs("matmul", x, y);
}

/** `matmul`, with errors (shapes that do not align) named after `op`, the function called. */
function matmulAs(op: string, x: ArrayLike, y: ArrayLike): Array {
  let [a, b] = operands(op, x, y);
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`${op}: operands must not be 0-d (use mul)`);
  const shapes = `${shapeString(a.shape)} and ${shapeString(b.shape)}`;
  const vecA = a.ndim === 1;
  const vecB = b.ndim === 1;
  if (vecA) a = expandDims(a, 0);
  if (vecB) b = expandDims(b, 1);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2]) {
    throw new Error(`${op}: shapes ${shapes} are not aligned`);
  }
  // The primitive would name only the batch parts, e.g. "(2,) with (3,)"; name the operands.
  try {
    broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new Error(`${op}: the batch axes of shapes ${shapes} do not broadcast`);
  }
  let out = bind1(matmulP, [a, b], {});
  if (vecA) out = squeeze(out, out.ndim - 2);
  if (vecB) out = squeeze(out, out.ndim - 1);
  return out;
}

/**
 * numpy's `dot`: the inner product of vectors, matmul of matrices, and for N-d arrays a
 * sum over the last axis of x and the second-to-last of y.
 *
 * @example
 * np.dot(np.array([1, 2]), np.array([3, 4])).item(); // 11
 */
export function dot(x: ArrayLike, y: ArrayLike): Array {
  const [a, b] = operands("dot", x, y);
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  if (b.ndim === 1 || (b.ndim <= 2 && a.ndim <= 2)) return matmulAs("dot", a, b);
  return tensordotAs("dot", a, b, [[a.ndim - 1], [b.ndim - 2]]);
}

/** The outer product of two vectors (inputs are flattened). @example np.outer(u, v).shape // [u.size, v.size] */
export function outer(x: ArrayLike, y: ArrayLike): Array {
  const a = reshape(arrayArg("outer", "x", x), [-1, 1]);
  const b = reshape(arrayArg("outer", "y", y), [1, -1]);
  return mul(a, b);
}

/**
 * Sums products over the given axes of x and y (`axes = n` means the last n of x with
 * the first n of y); the result has x's free axes then y's.
 *
 * @example
 * np.tensordot(A, B, [[1], [0]]) // = matmul(A, B) for matrices
 */
export function tensordot(x: ArrayLike, y: ArrayLike, axes: number | readonly [readonly number[], readonly number[]] = 2): Array {
  return tensordotAs("tensordot", x, y, axes);
}

/** `tensordot`, with errors named after `op`, the function called. */
function tensordotAs(op: string, x: ArrayLike, y: ArrayLike, axes: unknown): Array {
  const [a, b] = operands(op, x, y);
  let ax: number[];
  let bx: number[];
  if (typeof axes === "number") {
    const n = checkInteger(op, "axes", axes, undefined, 0);
    if (n > a.ndim || n > b.ndim) throw new Error(`${op}: cannot sum over ${n} axes of shapes ${shapeString(a.shape)} and ${shapeString(b.shape)}`);
    [ax, bx] = [[...globalThis.Array(n).keys()].map((i) => a.ndim - n + i), [...globalThis.Array(n).keys()]];
  } else if (globalThis.Array.isArray(axes) && axes.length === 2) {
    [ax, bx] = [[...axisList(op, axes[0])], [...axisList(op, axes[1])]];
  } else {
    throw new Error(`${op}: axes must be a count or a pair of axis lists, got ${describe(axes)}`);
  }
  ax = ax.map((i) => normalizeAxis(op, i, a.ndim));
  bx = bx.map((i) => normalizeAxis(op, i, b.ndim));
  if (ax.length !== bx.length || ax.some((i, k) => a.shape[i] !== b.shape[bx[k]!]) || new Set(ax).size < ax.length || new Set(bx).size < bx.length) {
    throw new Error(`${op}: axes [${ax}] of ${shapeString(a.shape)} and [${bx}] of ${shapeString(b.shape)} do not match`);
  }
  const freeA = [...a.shape.keys()].filter((i) => !ax.includes(i));
  const freeB = [...b.shape.keys()].filter((i) => !bx.includes(i));
  const k = sizeOf(ax.map((i) => a.shape[i]!));
  // Sizes, not -1: with k = 0 (an empty contraction, whose sum is 0) -1 could not be inferred.
  const a2 = reshape(transpose(a, [...freeA, ...ax]), [sizeOf(freeA.map((i) => a.shape[i]!)), k]);
  const b2 = reshape(transpose(b, [...bx, ...freeB]), [k, sizeOf(freeB.map((i) => b.shape[i]!))]);
  return reshape(bind1(matmulP, [a2, b2], {}), [...freeA.map((i) => a.shape[i]!), ...freeB.map((i) => b.shape[i]!)]);
}

/**
 * Einstein summation for one or two operands, e.g. "ij,jk->ik", "bij,bjk->bik",
 * "i,i->", "ij->ji", "ij->i". Each index appears at most once per operand; an index
 * missing from the output is summed. Without "->", the output is the indices that
 * appear once, sorted (numpy's rule).
 *
 * @example
 * np.einsum("ij,j->i", A, v) // = matmul(A, v)
 */
export function einsum(subscripts: string, ...operands: ArrayLike[]): Array {
  if (typeof subscripts !== "string") throw new Error(`einsum: subscripts must be a string such as "ij,jk->ik", got ${describe(subscripts)}`);
  const spec = subscripts.replace(/\s+/g, "");
  const sides = spec.split("->");
  if (sides.length > 2) throw new Error(`einsum: "${subscripts}" has more than one "->"`);
  const [lhs, rhs] = sides as [string, string | undefined];
  const inputs = lhs.split(",");
  if (inputs.length !== operands.length || operands.length < 1 || operands.length > 2) {
    throw new Error(`einsum: "${subscripts}" names ${inputs.length} operands, got ${operands.length} (one or two are supported)`);
  }
  const all = inputs.join("");
  if (!/^[a-zA-Z]*$/.test(all) || (rhs !== undefined && !/^[a-zA-Z]*$/.test(rhs))) {
    throw new Error(`einsum: "${subscripts}" may only use letters, ',' and '->'`);
  }
  const output = rhs ?? [...new Set(all)].filter((c) => all.split(c).length === 2).sort().join("");
  const dtype = promotedDtype(operands.map((o, k) => checkArrayLike("einsum", `operand ${k}`, o)));
  const arrays = operands.map((o, k) => arrayArg("einsum", `operand ${k}`, o, dtype));
  const sizes = new Map<string, number>();
  inputs.forEach((labels, k) => {
    const a = arrays[k]!;
    if (labels.length !== a.ndim) throw new Error(`einsum: "${labels}" has ${labels.length} indices but operand ${k} has shape ${shapeString(a.shape)}`);
    if (new Set(labels).size !== labels.length) throw new Error(`einsum: repeated index in "${labels}" (diagonals are not supported; use diag/trace)`);
    [...labels].forEach((c, i) => {
      const d = a.shape[i]!;
      if (sizes.has(c) && sizes.get(c) !== d) throw new Error(`einsum: index ${c} has sizes ${sizes.get(c)} and ${d}`);
      sizes.set(c, d);
    });
  });
  for (const c of output) if (!sizes.has(c)) throw new Error(`einsum: output index ${c} is not in the inputs`);
  if (new Set(output).size !== output.length) throw new Error(`einsum: repeated index in the output "${output}"`);
  // Sum away indices that only one operand has and the output does not keep.
  const reduced = inputs.map((labels, k) => {
    const others = inputs.filter((_, j) => j !== k).join("") + output;
    const gone = [...labels].map((c, i) => (others.includes(c) ? -1 : i)).filter((i) => i >= 0);
    const a = gone.length ? sum(arrays[k]!, { axis: gone }) : arrays[k]!;
    return { a, labels: [...labels].filter((c) => others.includes(c)).join("") };
  });
  if (reduced.length === 1) {
    const { a, labels } = reduced[0]!;
    return transpose(a, [...output].map((c) => labels.indexOf(c)));
  }
  const [A, B] = reduced as [(typeof reduced)[0], (typeof reduced)[0]];
  const batch = [...A.labels].filter((c) => B.labels.includes(c) && output.includes(c));
  const contract = [...A.labels].filter((c) => B.labels.includes(c) && !output.includes(c));
  const freeA = [...A.labels].filter((c) => !B.labels.includes(c));
  const freeB = [...B.labels].filter((c) => !A.labels.includes(c));
  const size = (cs: string[]) => sizeOf(cs.map((c) => sizes.get(c)!));
  const a3 = reshape(transpose(A.a, [...batch, ...freeA, ...contract].map((c) => A.labels.indexOf(c))), [size(batch), size(freeA), size(contract)]);
  const b3 = reshape(transpose(B.a, [...batch, ...contract, ...freeB].map((c) => B.labels.indexOf(c))), [size(batch), size(contract), size(freeB)]);
  const labels = [...batch, ...freeA, ...freeB];
  const prod = reshape(bind1(matmulP, [a3, b3], {}), labels.map((c) => sizes.get(c)!));
  return transpose(prod, [...output].map((c) => labels.indexOf(c)));
}

/**
 * For a vector: the square matrix with it on diagonal `k`. For a matrix: its diagonal `k`.
 *
 * @example
 * np.diag(np.array([1, 2])).toArray(); // [[1, 0], [0, 2]]
 * np.diag(np.array([[1, 2], [3, 4]])).toArray(); // [1, 4]
 */
export function diag(x: ArrayLike, opts: { k?: number } = {}): Array {
  const a = arrayArg("diag", "x", x);
  const k = checkInteger("diag", "k", checkOptions("diag", opts, ["k"]).k, 0);
  // Diagonal k of an n×m matrix is the flat positions first, first + (m+1), ...
  if (a.ndim === 1) {
    const m = a.shape[0]!;
    const n = m + Math.abs(k);
    const first = k >= 0 ? k : -k * n;
    const flat = bind1(padP, [a], { start: [first], step: [n + 1], shape: [m], outShape: [n * n] });
    return reshape(flat, [n, n]);
  }
  if (a.ndim !== 2) throw new Error(`diag: needs a 1-D or 2-D array, got shape ${shapeString(a.shape)}`);
  const [n, m] = a.shape as [number, number];
  const len = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  const first = k >= 0 ? k : -k * m;
  return bind1(sliceP, [reshape(a, [-1])], { start: [first], step: [m + 1], shape: [len] });
}

/**
 * Sum of the diagonal of a matrix (diagonal `offset`).
 *
 * @example
 * np.trace(np.eye(3)).item(); // 3
 */
export function trace(x: ArrayLike, opts: { offset?: number } = {}): Array {
  const a = arrayArg("trace", "x", x);
  const offset = checkInteger("trace", "offset", checkOptions("trace", opts, ["offset"]).offset, 0);
  // diag of a vector builds a matrix, so without this check a vector's "trace" would
  // silently be its sum; numpy raises here too.
  if (a.ndim !== 2) throw new Error(`trace: needs a 2-D array, got shape ${shapeString(a.shape)}`);
  return sum(diag(a, { k: offset }));
}

/** Two array operands, checked and promoted to one dtype. */
function operands(op: string, x: unknown, y: unknown): [Array, Array] {
  const dtype = promotedDtype([checkArrayLike(op, "x", x), checkArrayLike(op, "y", y)]);
  return [arrayArg(op, "x", x, dtype), arrayArg(op, "y", y, dtype)];
}
