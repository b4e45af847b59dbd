// The general dilated convolution as one primitive (lax.conv_general_dilated, in the
// fixed layout lhs NC…, rhs OI…, out NC…). Its derivative rules are convolutions again
// (JAX's _conv_general_dilated_transpose_lhs/_rhs), so derivatives of any order need
// nothing new; the kernel is in array/kernels/conv.ts.
import { type Array, bind1, np, definePrimitive, type Aval, type Primitive, addTangents } from "../core/index.js";
import { isFloat, shapeString, convOutputSpatial, convStorage, dilateDim, type ConvParams } from "../array/index.js";

export type { ConvParams } from "../array/index.js";

const NAME = "conv_general_dilated";

function fail(message: string): never {
  throw new Error(`${NAME}: ${message}`);
}

const positiveInts = (xs: readonly number[], n: number) => xs.length === n && xs.every((v) => Number.isSafeInteger(v) && v >= 1);

/** Checks operands and parameters (the public `nn.conv` checks first, with friendlier words). */
function checkConv(lhs: Aval, rhs: Aval, p: ConvParams): void {
  const nd = lhs.shape.length - 2;
  if (nd < 0 || rhs.shape.length !== lhs.shape.length) {
    fail(`lhs ${shapeString(lhs.shape)} and rhs ${shapeString(rhs.shape)} need one rank, at least 2`);
  }
  if (lhs.dtype !== rhs.dtype || !isFloat(lhs.dtype)) fail(`needs two float operands of one dtype, got ${lhs.dtype} and ${rhs.dtype}`);
  const ok = positiveInts(p.windowStrides, nd) && positiveInts(p.lhsDilation, nd) && positiveInts(p.rhsDilation, nd) &&
    p.padding.length === nd && p.padding.every((q) => q.length === 2 && q.every(Number.isSafeInteger)) &&
    positiveInts([p.featureGroupCount, p.batchGroupCount], 2) && (p.featureGroupCount === 1 || p.batchGroupCount === 1);
  if (!ok) fail(`bad parameters ${JSON.stringify(p)} for ${nd} spatial axes`);
  const [N, C] = lhs.shape as [number, number];
  const [O, I] = rhs.shape as [number, number];
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  if (C !== I * G) fail(`lhs has ${C} channels, rhs expects ${I}·${G} (feature groups)`);
  if (O % G !== 0 || O % B !== 0 || N % B !== 0) {
    fail(`rhs output channels ${O} and lhs batch ${N} must divide by the group counts (${G} feature, ${B} batch)`);
  }
}

export const conv: Primitive<ConvParams> = definePrimitive({
  name: NAME,
  shapeRule([lhs, rhs], p) {
    checkConv(lhs!, rhs!, p);
    const outSp = convOutputSpatial(lhs!.shape.slice(2), rhs!.shape.slice(2), p);
    return [{ shape: [lhs!.shape[0]! / p.batchGroupCount, rhs!.shape[0]!, ...outSp], dtype: lhs!.dtype }];
  },
  impl([lhs, rhs], p, [out]) {
    return [convStorage(lhs!, rhs!, p, out!.shape)];
  },
  // Bilinear: d conv(x, w) = conv(dx, w) + conv(x, dw).
  jvp([lhs, rhs], [tl, tr], p) {
    const out = bind1(conv, [lhs!, rhs!], p);
    return [[out], [addTangents(tl ? bind1(conv, [tl, rhs!], p) : null, tr ? bind1(conv, [lhs!, tr], p) : null)]];
  },
  vjp([ct], [lhs, rhs], _o, p, wanted) {
    if (!ct) return [null, null];
    return [wanted[0] ? lhsCotangent(ct, lhs!, rhs!, p) : null, wanted[1] ? rhsCotangent(ct, lhs!, rhs!, p) : null];
  },
  batch([lhs, rhs], batched, p, size) {
    return [[batchConv(lhs!, rhs!, batched[0]!, batched[1]!, p, size)], [true]];
  },
});

const spatialAxes = (x: Array) => [...x.shape.keys()].slice(2);
const zeros = (x: Array) => np.zeros(x.shape, { dtype: x.dtype });

/** Axis `from` split into two, [k, length/k] (JAX's _reshape_axis_out_of). */
function splitAxis(x: Array, from: number, k: number): Array {
  const s = [...x.shape];
  s.splice(from, 1, k, s[from]! / k);
  return np.reshape(x, s);
}

/**
 * Moves axis `from` in front of axis `to` (numbered with `from` removed) and merges the
 * two, `from` the major part (JAX's _reshape_axis_into).
 */
function mergeAxis(x: Array, from: number, to: number): Array {
  const rest = [...x.shape.keys()].filter((a) => a !== from);
  const perm = [...rest.slice(0, to), from, ...rest.slice(to)];
  const s = perm.map((a) => x.shape[a]!);
  s.splice(to, 2, s[to]! * s[to + 1]!);
  return np.reshape(np.transpose(x, perm), s);
}

/**
 * The cotangent of the input: the convolution of the cotangent with the kernel flipped in
 * space and its channel axes exchanged (per group), the cotangent dilated by the strides
 * (lhsDilation ← windowStrides) and read with stride lhsDilation, padded so the result
 * has the input's length: before = dilated window − 1 − lo, after = what remains.
 */
function lhsCotangent(ct: Array, lhs: Array, rhs: Array, p: ConvParams): Array {
  if (ct.size === 0 || lhs.size === 0 || rhs.size === 0) return zeros(lhs);
  const groups = Math.max(p.featureGroupCount, p.batchGroupCount);
  const [O, I] = rhs.shape as [number, number];
  const kSp = rhs.shape.slice(2);
  // [O, I, k] → [groups·I, O/groups, k]: group g's block transposed, groups kept apart.
  const split = np.reshape(rhs, [groups, O / groups, I, ...kSp]);
  const swapped = np.reshape(np.transpose(split, [0, 2, 1, ...kSp.map((_, d) => d + 3)]), [groups * I, O / groups, ...kSp]);
  const kernel = np.flip(swapped, { axis: spatialAxes(swapped) });
  const padding = lhs.shape.slice(2).map((n, d): [number, number] => {
    const lhsD = dilateDim(n, p.lhsDilation[d]!);
    const rhsD = dilateDim(kSp[d]!, p.rhsDilation[d]!);
    const outD = dilateDim(ct.shape[d + 2]!, p.windowStrides[d]!);
    const before = rhsD - p.padding[d]![0] - 1;
    return [before, lhsD + rhsD - 1 - outD - before];
  });
  const out = bind1(conv, [ct, kernel], {
    windowStrides: p.lhsDilation, padding, lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation,
    featureGroupCount: groups, batchGroupCount: 1,
  });
  // Batch groups: channel block b of the result belongs to the examples of group b.
  return p.batchGroupCount > 1 ? mergeAxis(splitAxis(out, 1, p.batchGroupCount), 1, 0) : out;
}

/**
 * The cotangent of the kernel: the convolution of the input (channels as the batch) with
 * the cotangent as the kernel (examples as its input channels), strides and kernel
 * dilation exchanged; feature groups become batch groups and back.
 */
function rhsCotangent(ct: Array, lhs: Array, rhs: Array, p: ConvParams): Array {
  if (ct.size === 0 || lhs.size === 0 || rhs.size === 0) return zeros(rhs);
  const kSp = rhs.shape.slice(2);
  const padding = lhs.shape.slice(2).map((n, d): [number, number] => {
    const lhsD = dilateDim(n, p.lhsDilation[d]!);
    const rhsD = dilateDim(kSp[d]!, p.rhsDilation[d]!);
    const outD = dilateDim(ct.shape[d + 2]!, p.windowStrides[d]!);
    const lo = p.padding[d]![0];
    return [lo, outD - lhsD + rhsD - lo - 1];
  });
  const out = bind1(conv, [np.swapaxes(lhs, 0, 1), np.swapaxes(ct, 0, 1)], {
    windowStrides: p.rhsDilation, padding, lhsDilation: p.lhsDilation, rhsDilation: p.windowStrides,
    featureGroupCount: p.batchGroupCount, batchGroupCount: p.featureGroupCount,
  });
  return np.swapaxes(out, 0, 1);
}

/**
 * vmap folds the batch axis into the convolution (JAX's _conv_general_dilated_batch_rule):
 * a batched input into its examples (or, with batch groups, inside each group), a batched
 * kernel into its output channels (inside each group), both batched into extra groups.
 */
function batchConv(lhs: Array, rhs: Array, bl: boolean, br: boolean, p: ConvParams, size: number): Array {
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  if (size === 0) {
    // vmap over an empty axis: nothing to fold (the splits below would divide by 0).
    const unbatched = (x: Array, b: boolean) => ({ shape: b ? x.shape.slice(1) : x.shape, dtype: x.dtype });
    const [out] = conv.shapeRule([unbatched(lhs, bl), unbatched(rhs, br)], p);
    return np.zeros([0, ...out!.shape], { dtype: out!.dtype });
  }
  if (bl && br) {
    // [b, N, C, …] → [N, b·C, …] (or [b·N, C, …] with batch groups), [b, O, I, …] → [b·O, I, …].
    const x = B > 1 ? mergeAxis(lhs, 0, 0) : mergeAxis(lhs, 0, 1);
    const w = mergeAxis(rhs, 0, 0);
    const q = B > 1 ? { ...p, batchGroupCount: B * size } : { ...p, featureGroupCount: G * size };
    return np.moveaxis(splitAxis(bind1(conv, [x, w], q), 1, size), 1, 0);
  }
  if (bl) {
    if (B === 1) return splitAxis(bind1(conv, [mergeAxis(lhs, 0, 0), rhs], p), 0, size);
    // Each batch group must hold its slice of every vmapped example: [b, B·n, …] → [B·b·n, …].
    const x = np.reshape(mergeAxis(splitAxis(lhs, 1, B), 0, 1), [lhs.shape[0]! * lhs.shape[1]!, ...lhs.shape.slice(2)]);
    return splitAxis(bind1(conv, [x, rhs], p), 0, size);
  }
  const [, O] = rhs.shape as [number, number];
  const groups = Math.max(G, B);
  if (groups === 1) return np.moveaxis(splitAxis(bind1(conv, [lhs, mergeAxis(rhs, 0, 0)], p), 1, size), 1, 0);
  // Groups stay outermost in the output channels: [b, O, …] → [groups·b·O/groups, …].
  const w = np.reshape(mergeAxis(splitAxis(rhs, 1, groups), 0, 1), [groups * size * (O / groups), ...rhs.shape.slice(2)]);
  const out = bind1(conv, [lhs, w], p); // [N', groups·b·O/groups, …]
  const parts = np.reshape(out, [out.shape[0]!, groups, size, O / groups, ...out.shape.slice(2)]);
  const perm = [2, 0, 1, 3, ...out.shape.slice(2).map((_, d) => d + 4)];
  return np.reshape(np.transpose(parts, perm), [size, out.shape[0]!, O, ...out.shape.slice(2)]);
}
