// The CPU kernel of the general dilated convolution (XLA's ConvGeneralDilated) in the
// layout lhs [N, C, ...spatial], rhs [O, I, ...window], out [N', O, ...spatial'].
//
// im2col + the blocked matmul kernel: for each group, the input windows are copied into
// a column matrix (one row per (input channel, window offset), one column per (example,
// output position)) and the group's kernel rows multiply it in one large product. One
// product per group keeps the 4×4 register blocks of `matmulStorage` full, which beats a
// direct 6- or 8-deep loop by several times in JavaScript; the cost is the column copy,
// K·P elements per example, which is bounded by processing examples in chunks.
import { sizeOf, type Shape } from "../shape.js";
import { allocate } from "../memory.js";
import { Storage } from "../storage.js";
import { matmulStorage } from "./matmul.js";

/** The static parameters of a convolution, one entry per spatial axis (as lax.conv_general_dilated). */
export interface ConvParams {
  readonly windowStrides: readonly number[];
  /** Zeros added before and after each spatial axis of the (dilated) input; negative crops. */
  readonly padding: readonly (readonly [number, number])[];
  /** Input dilation: `d − 1` zeros between input elements (what a transposed conv uses). */
  readonly lhsDilation: readonly number[];
  /** Kernel dilation: `d − 1` holes between kernel taps (atrous convolution). */
  readonly rhsDilation: readonly number[];
  /** Input channels in G groups, each seen by O/G of the output channels. */
  readonly featureGroupCount: number;
  /** Examples in B groups, each seen by O/B of the output channels (used by the kernel's gradient). */
  readonly batchGroupCount: number;
}

/** The length of n elements with d − 1 zeros between neighbours (0 stays 0). */
export const dilateDim = (n: number, d: number): number => (n === 0 ? 0 : 1 + d * (n - 1));

/** Output spatial lengths: ⌊(dilated input + padding − dilated window) / stride⌋ + 1, at least 0. */
export function convOutputSpatial(inSp: Shape, kSp: Shape, p: ConvParams): number[] {
  return inSp.map((n, d) => {
    const padded = dilateDim(n, p.lhsDilation[d]!) + p.padding[d]![0] + p.padding[d]![1];
    const window = dilateDim(kSp[d]!, p.rhsDilation[d]!);
    return padded < window ? 0 : Math.floor((padded - window) / p.windowStrides[d]!) + 1;
  });
}

/**
 * For every (window offset, output position), the flat spatial index of the input
 * element it reads, or −1 where it reads padding or a hole of the input's dilation. The
 * same table serves every example and channel.
 */
function gatherTable(inSp: Shape, kSp: Shape, outSp: Shape, p: ConvParams): Int32Array {
  const nd = inSp.length;
  // Per axis: input index read by (output position o, window tap k), or −1.
  const axisTables = inSp.map((n, d) => {
    const K = kSp[d]!;
    const t = new Int32Array(outSp[d]! * K);
    const lhsD = p.lhsDilation[d]!;
    for (let o = 0; o < outSp[d]!; o++) {
      for (let k = 0; k < K; k++) {
        const pos = o * p.windowStrides[d]! + k * p.rhsDilation[d]! - p.padding[d]![0];
        const ok = pos >= 0 && pos % lhsD === 0 && pos / lhsD < n;
        t[o * K + k] = ok ? pos / lhsD : -1;
      }
    }
    return t;
  });
  const KP = sizeOf(kSp);
  const P = sizeOf(outSp);
  const table = allocate("int32", KP * P, "conv") as Int32Array;
  const kIdx = new Int32Array(nd);
  for (let kf = 0; kf < KP; kf++) {
    const oIdx = new Int32Array(nd);
    for (let q = 0; q < P; q++) {
      let flat = 0;
      for (let d = 0; d < nd; d++) {
        const i = axisTables[d]![oIdx[d]! * kSp[d]! + kIdx[d]!]!;
        if (i < 0) {
          flat = -1;
          break;
        }
        flat = flat * inSp[d]! + i;
      }
      table[kf * P + q] = flat;
      for (let d = nd - 1; d >= 0; d--) {
        if (++oIdx[d]! < outSp[d]!) break;
        oIdx[d] = 0;
      }
    }
    for (let d = nd - 1; d >= 0; d--) {
      if (++kIdx[d]! < kSp[d]!) break;
      kIdx[d] = 0;
    }
  }
  return table;
}

/** Elements of the column matrix per block (8 MB of float64): enough columns to keep the matmul busy. */
const BLOCK_ELEMENTS = 1 << 20;

/**
 * The convolution of `lhs` with `rhs` into `outShape` (already checked by the shape rule):
 * out[n, o, y] = Σ_{i, k} lhs[n', g·I + i, (y·s + k·r − lo) / l] · rhs[o, i, k], over taps
 * that land on input elements, as one matmul per block of columns: for float32 in float32
 * arithmetic, as every float32 product (see matmulStorage); for other dtypes in float64,
 * rounded once to the output dtype.
 * The columns (example, output position) are processed in blocks, so the column matrix
 * stays within BLOCK_ELEMENTS however large the input.
 */
export function convStorage(lhs: Storage, rhs: Storage, p: ConvParams, outShape: Shape): Storage {
  const out = Storage.zeros(lhs.dtype, outShape, "conv");
  const [, C] = lhs.shape as [number, number];
  const [O, I] = rhs.shape as [number, number];
  const inSp = lhs.shape.slice(2);
  const kSp = rhs.shape.slice(2);
  const outSp = outShape.slice(2);
  const nOut = outShape[0]!;
  const P = sizeOf(outSp);
  const KP = sizeOf(kSp);
  const K = I * KP;
  const inP = sizeOf(inSp);
  if (out.size === 0 || K === 0) return out;
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  const groups = Math.max(G, B); // at most one of them exceeds 1
  const perGroup = O / groups;
  const table = gatherTable(inSp, kSp, outSp, p);
  const total = nOut * P;
  const block = Math.max(1, Math.min(total, Math.floor(BLOCK_ELEMENTS / K)));
  const work = lhs.dtype === "float32" ? "float32" : "float64";
  const cols = allocate(work, K * block, "conv") as Float64Array | Float32Array;
  const src = lhs.data;
  const dst = out.data;
  for (let g = 0; g < groups; g++) {
    const weights = new Storage(work, [perGroup, K], allocate(work, perGroup * K, "conv"));
    weights.data.set(rhs.data.subarray(g * perGroup * K, (g + 1) * perGroup * K));
    const channel0 = G > 1 ? g * I : 0;
    const example0 = B > 1 ? g * nOut : 0;
    for (let c0 = 0; c0 < total; c0 += block) {
      const width = Math.min(block, total - c0);
      // Column c is output position c mod P of example ⌊c / P⌋; walk the block one example's run at a time.
      for (let c = c0; c < c0 + width; ) {
        const j = Math.floor(c / P);
        const q0 = c - j * P;
        const q1 = Math.min(P, q0 + c0 + width - c);
        for (let i = 0; i < I; i++) {
          const base = ((example0 + j) * C + channel0 + i) * inP;
          for (let kf = 0; kf < KP; kf++) {
            const row = (i * KP + kf) * width + (c - c0) - q0;
            const t = kf * P;
            for (let q = q0; q < q1; q++) {
              const at = table[t + q]!;
              cols[row + q] = at < 0 ? 0 : src[base + at]!;
            }
          }
        }
        c += q1 - q0;
      }
      const colStorage = new Storage(work, [K, width], width === block ? cols : cols.subarray(0, K * width));
      const product = matmulStorage(weights, colStorage, [perGroup, width]).data;
      for (let c = c0; c < c0 + width; ) {
        const j = Math.floor(c / P);
        const q0 = c - j * P;
        const q1 = Math.min(P, q0 + c0 + width - c);
        for (let o = 0; o < perGroup; o++) {
          const to = (j * O + g * perGroup + o) * P;
          const from = o * width + (c - c0) - q0;
          for (let q = q0; q < q1; q++) dst[to + q] = product[from + q]!;
        }
        c += q1 - q0;
      }
    }
  }
  return out;
}
