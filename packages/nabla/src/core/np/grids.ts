// Grids and triangles: tri, tril, triu, meshgrid, indices, logspace, geomspace.
import {
  checkAllocation, checkFinite, checkFlag, checkInteger, checkOptions, describe, storedValue, Storage, type DType,
} from "../../array/index.js";
import { ConcreteArray, type Array } from "../array.js";
import { arrayArg, dtypeOption } from "./args.js";
import type { ArrayLike } from "./convert.js";
import { linspace, type DTypeOption } from "./creation.js";
import { where } from "./elementwise.js";
import { broadcastTo, reshape, stack } from "./shape.js";
import { isPlainObject } from "./util.js";

/** The n×m matrix of `dtype` with 1 on and below diagonal k (j ≤ i + k), 0 above. */
function triangle(op: string, n: number, m: number, k: number, dtype: DType): Array {
  const out = Storage.zeros(dtype, [n, m], op);
  for (let i = 0; i < n; i++) out.data.fill(1, 0 + i * m, i * m + Math.max(0, Math.min(m, i + k + 1)));
  return new ConcreteArray(out);
}

/**
 * The n×m matrix (m = n by default) with ones on and below diagonal `k` (0 the main one,
 * > 0 above it, < 0 below), zeros elsewhere, as numpy's tri.
 *
 * @example
 * np.tri(3, { k: -1 }).toArray(); // [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
 */
export function tri(n: number, opts?: DTypeOption & { k?: number }): Array;
export function tri(n: number, m: number, opts?: DTypeOption & { k?: number }): Array;
export function tri(n: number, mOrOpts?: number | (DTypeOption & { k?: number }), maybeOpts: DTypeOption & { k?: number } = {}): Array {
  const rows = checkInteger("tri", "n", n, undefined, 0);
  const givenM = typeof mOrOpts === "number" || !isPlainObject(mOrOpts);
  const cols = givenM ? checkInteger("tri", "m", mOrOpts, rows, 0) : rows;
  const o = checkOptions("tri", givenM ? maybeOpts : mOrOpts, ["dtype", "k"]);
  const k = checkInteger("tri", "k", o.k, 0);
  return triangle("tri", rows, cols, k, dtypeOption("tri", o) ?? "float64");
}

/** x with the elements picked by `keep` (a bool matrix over its last two axes) kept, others zero. */
function masked(op: string, x: ArrayLike, opts: unknown, lower: boolean): Array {
  const a = arrayArg(op, "x", x);
  const o = checkOptions(op, opts, ["k"]);
  const k = checkInteger(op, "k", o.k, 0);
  if (a.ndim === 0) throw new Error(`${op}: needs an array of at least one dimension, got a 0-d one`);
  // A 1-D x is a row broadcast down a square, as numpy's.
  const cols = a.shape[a.ndim - 1]!;
  const rows = a.ndim === 1 ? cols : a.shape[a.ndim - 2]!;
  // tril keeps j ≤ i + k; triu keeps j ≥ i + k, the complement of j ≤ i + k − 1.
  const below = triangle(op, rows, cols, lower ? k : k - 1, "bool");
  const zero = arrayArg(op, "x", 0, a.dtype);
  return lower ? where(below, a, zero) : where(below, zero, a);
}

/**
 * The lower triangle of x (of each matrix in its last two axes): elements on and below
 * diagonal `k` kept, the others 0, as numpy's tril. Differentiable.
 *
 * @example
 * np.tril(np.array([[1, 2], [3, 4]])).toArray(); // [[1, 0], [3, 4]]
 */
export function tril(x: ArrayLike, opts: { k?: number } = {}): Array {
  return masked("tril", x, opts, true);
}

/**
 * The upper triangle of x (of each matrix in its last two axes): elements on and above
 * diagonal `k` kept, the others 0, as numpy's triu. Differentiable.
 *
 * @example
 * np.triu(np.array([[1, 2], [3, 4]])).toArray(); // [[1, 2], [0, 4]]
 */
export function triu(x: ArrayLike, opts: { k?: number } = {}): Array {
  return masked("triu", x, opts, false);
}

/** The options of meshgrid. */
export interface MeshgridOptions {
  /** "xy" (default: the first two outputs' axes are (y, x), for plotting) or "ij" (matrix order). */
  indexing?: "xy" | "ij";
  /** Keep each output at size 1 off its own axis (broadcastable) instead of the full grid. */
  sparse?: boolean;
}

/**
 * Coordinate arrays over the grid of the given 1-D coordinates (each input is
 * flattened), as numpy's meshgrid; options may follow the arrays. Differentiable.
 *
 * @example
 * const [X, Y] = np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]));
 * X.shape; // [2, 3]
 * np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]), { indexing: "ij" })[0]!.shape; // [3, 2]
 */
export function meshgrid(...args: (ArrayLike | MeshgridOptions)[]): Array[] {
  const last = args[args.length - 1];
  const o = checkOptions("meshgrid", isPlainObject(last) ? args.pop() : undefined, ["indexing", "sparse"]);
  const indexing = o.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij") throw new Error(`meshgrid: indexing must be "xy" or "ij", got ${describe(indexing)}`);
  const sparse = checkFlag("meshgrid", "sparse", o.sparse, false);
  const xs = args.map((x, i) => reshape(arrayArg("meshgrid", `argument ${i + 1}`, x), [-1]));
  const n = xs.length;
  // Output axis of input i: its own, but with "xy" the first two are swapped.
  const axisOf = (i: number) => (indexing === "xy" && n >= 2 && i < 2 ? 1 - i : i);
  const shape = xs.map((_, d) => xs[xs.findIndex((_, i) => axisOf(i) === d)]!.size);
  if (!sparse) for (const x of xs) checkAllocation("meshgrid", x.dtype, shape);
  return xs.map((x, i) => {
    const own = reshape(x, shape.map((s, d) => (d === axisOf(i) ? s : 1)));
    return sparse ? own : broadcastTo(own, shape);
  });
}

/**
 * The index grid of an array of shape `dimensions`: shape (len, ...dimensions), where
 * out[d] holds each element's index along axis d (int32 by default), as numpy's indices.
 *
 * @example
 * np.indices([2, 3]).toArray(); // [[[0, 0, 0], [1, 1, 1]], [[0, 1, 2], [0, 1, 2]]]
 */
export function indices(dimensions: readonly number[], opts: DTypeOption = {}): Array {
  const o = checkOptions("indices", opts, ["dtype"]);
  const dtype = dtypeOption("indices", o) ?? "int32";
  if (!globalThis.Array.isArray(dimensions)) throw new Error(`indices: dimensions must be a list of non-negative integers, got ${describe(dimensions)}`);
  const dims = dimensions.map((d: unknown) => checkInteger("indices", "each dimension", d, undefined, 0));
  checkAllocation("indices", dtype, [dims.length, ...dims]);
  if (dims.length === 0) return new ConcreteArray(Storage.zeros(dtype, [0], "indices"));
  const grids = dims.map((n, d) => {
    const s = Storage.zeros(dtype, [n], "indices");
    for (let i = 0; i < n; i++) s.data[i] = storedValue(dtype, i);
    return broadcastTo(reshape(new ConcreteArray(s), dims.map((m, e) => (e === d ? m : 1))), dims);
  });
  return stack(grids);
}

/**
 * `num` numbers from base^start to base^stop (inclusive unless `endpoint: false`),
 * evenly spaced in the exponent, as numpy's logspace.
 *
 * @example
 * np.logspace(0, 3, 4).toArray(); // [1, 10, 100, 1000]
 */
export function logspace(start: number, stop: number, num = 50, opts: DTypeOption & { endpoint?: boolean; base?: number } = {}): Array {
  const o = checkOptions("logspace", opts, ["dtype", "endpoint", "base"]);
  const base = checkFinite("logspace", "base", o.base, 10);
  const exps = linspaceAs("logspace", start, stop, num, o.endpoint);
  return powered("logspace", exps, (e) => Math.pow(base, e), dtypeOption("logspace", o));
}

/**
 * `num` numbers from start to stop (inclusive unless `endpoint: false`) in geometric
 * progression, each a constant multiple of the one before, as numpy's geomspace; the
 * endpoints are exactly start and stop. Both must be nonzero and of one sign (numpy gives
 * NaN between endpoints of opposite signs; here that is an error).
 *
 * @example
 * np.geomspace(1, 1000, 4).toArray(); // [1, 10, 100, 1000]
 */
export function geomspace(start: number, stop: number, num = 50, opts: DTypeOption & { endpoint?: boolean } = {}): Array {
  const o = checkOptions("geomspace", opts, ["dtype", "endpoint"]);
  const lo = checkFinite("geomspace", "start", start);
  const hi = checkFinite("geomspace", "stop", stop);
  if (lo === 0 || hi === 0) throw new Error("geomspace: a geometric sequence cannot include zero");
  if (Math.sign(lo) !== Math.sign(hi)) throw new Error(`geomspace: start ${lo} and stop ${hi} must have the same sign`);
  const sign = Math.sign(lo);
  const endpoint = checkFlag("geomspace", "endpoint", o.endpoint, true);
  // numpy's steps: logspace between the base-10 logarithms of |start| and |stop|, then the endpoints set exactly.
  const exps = linspaceAs("geomspace", Math.log10(lo * sign), Math.log10(hi * sign), num, endpoint);
  const n = exps.size;
  return powered("geomspace", exps, (e, i) => sign * (i === 0 ? lo * sign : endpoint && n > 1 && i === n - 1 ? hi * sign : Math.pow(10, e)), dtypeOption("geomspace", o));
}

function linspaceAs(op: string, start: unknown, stop: unknown, num: unknown, endpoint: unknown): Array {
  const lo = checkFinite(op, "start", start);
  const hi = checkFinite(op, "stop", stop);
  const count = checkInteger(op, "num", num, 50, 0);
  checkAllocation(op, "float64", [count]);
  return linspace(lo, hi, count, { endpoint: checkFlag(op, "endpoint", endpoint, true) });
}

/** f of each exponent, stored as `dtype` (float64 by default; an integer dtype truncates, as numpy's astype). */
function powered(op: string, exps: Array, f: (e: number, i: number) => number, dtype: DType | undefined): Array {
  const e = (exps as ConcreteArray).storage.data;
  const out = Storage.zeros(dtype ?? "float64", [e.length], op);
  for (let i = 0; i < e.length; i++) out.data[i] = storedValue(out.dtype, f(e[i]!, i));
  return new ConcreteArray(out);
}
