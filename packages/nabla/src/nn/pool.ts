// Max and average pooling over the trailing axes (NCHW and NCH in, as conv), composed
// from strided slices: rectangular windows are separable, so each pooled axis is reduced
// in turn (the last first) by combining one strided slice per window offset along it —
// Σ kᵢ slices instead of Π kᵢ — and derivatives, vmap and jit come from slices and selects.
import { checkAllocation, checkFlag, checkOptions, describe, shapeString } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import { floatInput, perAxis } from "./args.js";
import { paddingPairs, type Padding } from "./padding.js";

export interface PoolOptions {
  /** Step between windows per pooled axis (a number for all; default 1, as flax and stax). */
  strides?: number | readonly number[];
  /** "VALID" (default), "SAME", "SAME_LOWER" or non-negative [before, after] pairs. */
  padding?: Padding;
}

/** Combines two window offsets' values; `first` holds the earlier offsets. */
type Combine = (first: Array, next: Array) => Array;

/**
 * Pools x over its last `window.length` axes with `combine` (padding filled with `fill`),
 * one axis at a time from the last; also returns the checked options and the padding.
 */
function pool(op: string, x: unknown, window: unknown, opts: unknown, extra: readonly string[], fill: number, combine: Combine) {
  const o = checkOptions(op, opts, ["strides", "padding", ...extra]);
  const a = floatInput(op, "x", x);
  if (!globalThis.Array.isArray(window) || window.length === 0 || window.length > a.ndim) {
    throw new Error(`${op}: window must list the window's length on each of the last 1..${a.ndim} axes of x ${shapeString(a.shape)}, got ${describe(window)}`);
  }
  const nd = window.length;
  const win = perAxis(op, "window", window, nd, 1);
  const strides = perAxis(op, "strides", o.strides, nd, 1);
  const lead = a.ndim - nd;
  const inSp = a.shape.slice(lead);
  const pads = paddingPairs(op, o.padding, inSp, win, strides, false);
  const padded = inSp.map((n, d) => n + pads[d]![0] + pads[d]![1]);
  const outSp = padded.map((n, d) => (n < win[d]! ? 0 : Math.floor((n - win[d]!) / strides[d]!) + 1));
  const outShape = [...a.shape.slice(0, lead), ...outSp];
  checkAllocation(op, a.dtype, [...a.shape.slice(0, lead), ...padded]);
  // No window fits: nothing to combine (and a window of 10¹⁵ must not be walked).
  if (outSp.includes(0)) return { a, o, pads, lead, inSp, out: np.zeros(outShape, { dtype: a.dtype }) };
  let out = a;
  for (let d = nd - 1; d >= 0; d--) out = poolAxis(out, lead + d, win[d]!, strides[d]!, pads[d]!, outSp[d]!, fill, combine);
  return { a, o, pads, lead, inSp, out };
}

/** One pooled axis: pad it with `fill`, then combine the k strided slices that make the windows. */
function poolAxis(x: Array, axis: number, k: number, s: number, [lo, hi]: readonly [number, number], n: number, fill: number, combine: Combine): Array {
  const before = globalThis.Array(axis).fill(null);
  let source = x;
  if (lo > 0 || hi > 0) {
    const shape = x.shape.map((m, i) => (i === axis ? m + lo + hi : m));
    source = np.full(shape, fill, { dtype: x.dtype }).at(...before, [lo, lo + x.shape[axis]!]).set(x);
  }
  let acc: Array | undefined;
  for (let offset = 0; offset < k; offset++) {
    const slice = np.slice(source, ...before, [offset, offset + (n - 1) * s + 1, s]);
    acc = acc ? combine(acc, slice) : slice;
  }
  return acc!;
}

/**
 * The maximum over each window of the last `window.length` axes (leading axes, such as N
 * and C, are kept). Padding counts as −∞. The derivative goes to the first maximum of
 * each window in row-major window order, as JAX's reduce_window max (whose transpose,
 * select_and_scatter_add with ≥, keeps the first); NaN propagates.
 *
 * @example
 * nn.maxPool(np.array([[[1, 3, 2, 5]]]), [2], { strides: 2 }).toArray(); // [[[3, 5]]]
 */
export function maxPool(x: np.ArrayLike, window: readonly number[], opts: PoolOptions = {}): Array {
  // A later offset replaces the running maximum only when strictly larger (or NaN): the
  // first maximum along each axis wins, and reducing the last axis first makes that the
  // first in row-major order.
  const first: Combine = (best, s) => np.where(np.logicalOr(np.greater(s, best), np.notEqual(s, s)), s, best);
  return pool("nn.maxPool", x, window, opts, [], -Infinity, first).out;
}

/**
 * The mean over each window of the last `window.length` axes. Padding counts as zeros
 * and the divisor is the window size (`countIncludePad`, default true, as flax); with
 * `countIncludePad: false` it is the number of input elements in the window.
 *
 * @example
 * nn.avgPool(np.array([[[1, 3, 2, 5]]]), [2], { strides: 2 }).toArray(); // [[[2, 3.5]]]
 */
export function avgPool(x: np.ArrayLike, window: readonly number[], opts: PoolOptions & { countIncludePad?: boolean } = {}): Array {
  const op = "nn.avgPool";
  const { a, o, pads, lead, inSp, out } = pool(op, x, window, opts, ["countIncludePad"], 0, np.add);
  const includePad = checkFlag(op, "countIncludePad", o.countIncludePad, true);
  if (includePad || pads.every(([lo, hi]) => lo === 0 && hi === 0)) return np.div(out, window.reduce((p, k) => p * k, 1));
  // How many input elements each window covers: the same pooling of ones (no data dependence).
  const covered = pool(op, np.ones(inSp, { dtype: a.dtype }), window, { ...o, countIncludePad: undefined }, ["countIncludePad"], 0, np.add).out;
  return np.div(out, np.reshape(covered, [...globalThis.Array(lead).fill(1), ...covered.shape]));
}
