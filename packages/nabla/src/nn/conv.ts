// Convolutions in JAX's default layout for lax.conv_general_dilated: input NC… (N
// examples, C channels, then the spatial axes: NCH, NCHW, NCDHW), kernel OI… (O output
// channels, I = C / featureGroupCount input channels, then the window), output NC….
import { checkAllocation, checkInteger, checkFlag, checkOptions, describe, shapeString } from "../array/index.js";
import { bind1, np, type Array } from "../core/index.js";
import { conv as convP, type ConvParams } from "./conv-primitive.js";
import { checkRank, floatInputs, perAxis } from "./args.js";
import { paddingPairs, type Padding } from "./padding.js";

export type { Padding } from "./padding.js";

export interface ConvOptions {
  /** Step of the window along each spatial axis (a number for all axes; default 1). */
  windowStrides?: number | readonly number[];
  /** "VALID" (default), "SAME", "SAME_LOWER", or [before, after] pairs (negative crops). */
  padding?: Padding;
  /** Input dilation: d − 1 zeros between input elements (a transposed convolution; default 1). */
  lhsDilation?: number | readonly number[];
  /** Kernel dilation: d − 1 holes between kernel taps (atrous; default 1). */
  rhsDilation?: number | readonly number[];
  /** Channel groups: C = I·G, and output channel o sees group ⌊o / (O/G)⌋ (default 1). */
  featureGroupCount?: number;
  /** Example groups: N = N'·B, output channel o sees examples of group ⌊o / (O/B)⌋ (default 1). */
  batchGroupCount?: number;
}

const CONV_OPTIONS = ["windowStrides", "padding", "lhsDilation", "rhsDilation", "featureGroupCount", "batchGroupCount"] as const;

const dilate = (n: number, d: number) => (n === 0 ? 0 : 1 + d * (n - 1));

/** x and w as floats of one dtype, ranks checked: x [N, C, …spatial], w [O, I, …window]. */
function operands(op: string, x: unknown, w: unknown): [Array, Array] {
  const [a, b] = floatInputs(op, ["x", "w"], [x, w]) as [Array, Array];
  if (a.ndim < 3) throw new Error(`${op}: x must be [N, C, ...spatial] with at least one spatial axis, got shape ${shapeString(a.shape)}`);
  checkRank(op, "w", b, [a.ndim], `[O, I, ...window] of x's rank ${a.ndim}`);
  if (b.shape.slice(2).some((k) => k === 0)) throw new Error(`${op}: the window (w's spatial axes) must not be empty, got w of shape ${shapeString(b.shape)}`);
  return [a, b];
}

/**
 * The general dilated convolution, as jax.lax.conv_general_dilated with its default
 * layout: x [N, C, …spatial] (1-D NCH, 2-D NCHW, 3-D NCDHW), w [O, C/G, …window], result
 * [N/B, O, …]. It is a cross-correlation (the kernel is not flipped), as in every deep-
 * learning library. Differentiable in x and w to any order, batched by folding the vmap
 * axis into N or O, and compiled by `jit`; the kernel is im2col + the blocked matmul.
 *
 * @example
 * const x = np.ones([1, 1, 5]);                       // N=1, C=1, width 5
 * nn.conv(x, np.array([[[1, 2, 3]]])).toArray();      // [[[6, 6, 6]]]
 * nn.conv(np.ones([2, 4, 8, 8]), np.ones([6, 2, 3, 3]), { padding: "SAME", featureGroupCount: 2 }).shape; // [2, 6, 8, 8]
 */
export function conv(x: np.ArrayLike, w: np.ArrayLike, opts: ConvOptions = {}): Array {
  const op = "nn.conv";
  const o = checkOptions(op, opts, CONV_OPTIONS);
  const [a, b] = operands(op, x, w);
  const nd = a.ndim - 2;
  const windowStrides = perAxis(op, "windowStrides", o.windowStrides, nd, 1);
  const lhsDilation = perAxis(op, "lhsDilation", o.lhsDilation, nd, 1);
  const rhsDilation = perAxis(op, "rhsDilation", o.rhsDilation, nd, 1);
  const G = checkInteger(op, "featureGroupCount", o.featureGroupCount, 1, 1);
  const B = checkInteger(op, "batchGroupCount", o.batchGroupCount, 1, 1);
  if (G > 1 && B > 1) throw new Error(`${op}: featureGroupCount and batchGroupCount cannot both exceed 1 (got ${G} and ${B})`);
  const [N, C] = a.shape as [number, number];
  const [O, I] = b.shape as [number, number];
  if (C !== I * G) {
    throw new Error(`${op}: x has ${C} channels (axis 1) but w of shape ${shapeString(b.shape)} takes ${I}·${G} (w.shape[1]·featureGroupCount)`);
  }
  if (O % G !== 0) throw new Error(`${op}: w's ${O} output channels do not split into ${G} feature groups`);
  if (O % B !== 0 || N % B !== 0) throw new Error(`${op}: ${N} examples and ${O} output channels must both split into ${B} batch groups`);
  // String paddings are worked out on the undilated input, as in JAX.
  const window = b.shape.slice(2).map((k, d) => dilate(k, rhsDilation[d]!));
  const padding = paddingPairs(op, o.padding, a.shape.slice(2), window, windowStrides);
  const params: ConvParams = { windowStrides, padding, lhsDilation, rhsDilation, featureGroupCount: G, batchGroupCount: B };
  return bindChecked(op, a, b, params);
}

/** Binds the primitive after refusing an output larger than memory (huge paddings or dilations). */
function bindChecked(op: string, a: Array, b: Array, params: ConvParams): Array {
  const [out] = convP.shapeRule([a, b], params);
  checkAllocation(op, a.dtype, out!.shape);
  return bind1(convP, [a, b], params);
}

export interface ConvTransposeOptions {
  /** Upsampling factor per spatial axis (the input dilation; default 1). */
  strides?: number | readonly number[];
  /** "VALID" (default: output n·s + max(k − s, 0)), "SAME" (output n·s), or explicit pairs. */
  padding?: Padding;
  /** Kernel dilation (default 1). */
  rhsDilation?: number | readonly number[];
  /**
   * Read w as the kernel of the forward convolution, [C, O, …] (flipped in space, its
   * channel axes exchanged): convTranspose is then the transpose (the input gradient) of
   * that convolution. Default false: w is [O, C, …] and used as it is, as in JAX.
   */
  transposeKernel?: boolean;
}

/** JAX's _conv_transpose_padding for one axis: window extent k, stride s. */
function transposePadding(k: number, s: number, kind: string): [number, number] {
  const len = kind === "SAME" ? k + s - 2 : k + s - 2 + Math.max(k - s, 0);
  const before = kind === "SAME" ? (s > k - 1 ? k - 1 : Math.ceil(len / 2)) : k - 1;
  return [before, len - before];
}

/**
 * The transposed ("fractionally strided") convolution, as jax.lax.conv_transpose in the
 * NC… / OI… layout: x dilated by `strides` and convolved with stride 1, so each input
 * element spreads a copy of the kernel over the output (upsampling, the decoder half of
 * an autoencoder). With `transposeKernel`, convTranspose(y, w) is the gradient of
 * conv(x, w) with respect to x, up to padding.
 *
 * @example
 * nn.convTranspose(np.ones([1, 1, 3]), np.ones([1, 1, 2]), { strides: 2 }).toArray(); // [[[1, 1, 1, 1, 1, 1]]]
 */
export function convTranspose(x: np.ArrayLike, w: np.ArrayLike, opts: ConvTransposeOptions = {}): Array {
  const op = "nn.convTranspose";
  const o = checkOptions(op, opts, ["strides", "padding", "rhsDilation", "transposeKernel"]);
  let [a, b] = operands(op, x, w);
  const nd = a.ndim - 2;
  const strides = perAxis(op, "strides", o.strides, nd, 1);
  const rhsDilation = perAxis(op, "rhsDilation", o.rhsDilation, nd, 1);
  if (checkFlag(op, "transposeKernel", o.transposeKernel, false)) {
    b = np.swapaxes(np.flip(b, { axis: [...b.shape.keys()].slice(2) }), 0, 1);
  }
  if (a.shape[1] !== b.shape[1]) {
    throw new Error(`${op}: x has ${a.shape[1]} channels (axis 1) but w of shape ${shapeString(b.shape)} takes ${b.shape[1]}${o.transposeKernel ? " (transposed kernel: w.shape[0])" : ""}`);
  }
  let padding: [number, number][];
  if (typeof o.padding === "string" && ["SAME", "VALID"].includes(o.padding.toUpperCase())) {
    const kind = o.padding.toUpperCase();
    padding = b.shape.slice(2).map((k, d) => transposePadding(dilate(k, rhsDilation[d]!), strides[d]!, kind));
  } else if (o.padding === undefined) {
    padding = b.shape.slice(2).map((k, d) => transposePadding(dilate(k, rhsDilation[d]!), strides[d]!, "VALID"));
  } else if (typeof o.padding === "string") {
    throw new Error(`${op}: padding must be "VALID", "SAME" or ${nd} [before, after] pairs, got ${describe(o.padding)}`);
  } else {
    padding = paddingPairs(op, o.padding, a.shape.slice(2), [], []);
  }
  const ones = globalThis.Array(nd).fill(1);
  return bindChecked(op, a, b, { windowStrides: ones, padding, lhsDilation: strides, rhsDilation, featureGroupCount: 1, batchGroupCount: 1 });
}
