// The nn module's primitive, conv_general_dilated, in the primitive corpus: derivatives to
// order 2 in both modes (checkGrads) and batching against a loop, on random shapes and
// random convolution parameters, reached through nn.conv and nn.convTranspose.
import fc from "fast-check";
import { nn, type Array } from "nabla";
import { addCase, floats } from "../corpus.js";

interface ConvSpec {
  x: number[];
  w: number[];
  opts: nn.ConvOptions;
}

/** Small random convolutions: 1 or 2 spatial axes, strides, dilations, paddings (crops too), groups. */
const convSpec = (byBatch: boolean): fc.Arbitrary<ConvSpec> =>
  fc
    .record({
      nd: fc.integer({ min: 1, max: 2 }),
      groups: fc.integer({ min: 1, max: 2 }),
      perGroupOut: fc.integer({ min: 1, max: 2 }),
      I: fc.integer({ min: 1, max: 2 }),
      n: fc.integer({ min: 1, max: 2 }),
    })
    .chain(({ nd, groups, perGroupOut, I, n }) =>
      fc
        .array(
          fc.record({
            size: fc.integer({ min: 1, max: 4 }),
            k: fc.integer({ min: 1, max: 2 }),
            s: fc.integer({ min: 1, max: 2 }),
            l: fc.integer({ min: 1, max: 2 }),
            r: fc.integer({ min: 1, max: 2 }),
            lo: fc.integer({ min: -1, max: 2 }),
            hi: fc.integer({ min: -1, max: 2 }),
          }),
          { minLength: nd, maxLength: nd },
        )
        .map((axes): ConvSpec => ({
          x: [byBatch ? n * groups : n, byBatch ? I : I * groups, ...axes.map((a) => a.size)],
          w: [groups * perGroupOut, I, ...axes.map((a) => a.k)],
          opts: {
            windowStrides: axes.map((a) => a.s),
            lhsDilation: axes.map((a) => a.l),
            rhsDilation: axes.map((a) => a.r),
            padding: axes.map((a) => [a.lo, a.hi] as [number, number]),
            ...(byBatch ? { batchGroupCount: groups } : { featureGroupCount: groups }),
          },
        })),
    );

addCase({
  title: "conv_general_dilated (nn.conv: strides, explicit padding with crops, input and kernel dilation, feature groups)",
  covers: ["conv_general_dilated"],
  spec: convSpec(false),
  args: (s: ConvSpec) => [floats(s.x), floats(s.w)],
  f: (s: ConvSpec) => (x: Array, w: Array) => nn.conv(x, w, s.opts),
  runs: 12,
});

addCase({
  title: "conv_general_dilated (nn.conv with batch groups, as in the kernel gradient of grouped convolutions)",
  covers: ["conv_general_dilated"],
  spec: convSpec(true),
  args: (s: ConvSpec) => [floats(s.x), floats(s.w)],
  f: (s: ConvSpec) => (x: Array, w: Array) => nn.conv(x, w, s.opts),
  runs: 8,
});

interface TransposeSpec {
  x: number[];
  w: number[];
  opts: nn.ConvTransposeOptions;
}

addCase({
  title: "conv_general_dilated (nn.convTranspose: SAME and VALID upsampling, transposed kernels)",
  covers: ["conv_general_dilated"],
  spec: fc
    .record({
      size: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 3 }),
      padding: fc.constantFrom("SAME" as const, "VALID" as const),
      transposeKernel: fc.boolean(),
    })
    .map(({ size, k, s, padding, transposeKernel }): TransposeSpec => ({
      x: [1, 2, size, size],
      w: transposeKernel ? [2, 3, k, k] : [3, 2, k, k],
      opts: { strides: s, padding, transposeKernel },
    })),
  args: (s: TransposeSpec) => [floats(s.x), floats(s.w)],
  f: (s: TransposeSpec) => (x: Array, w: Array) => nn.convTranspose(x, w, s.opts),
  runs: 8,
});
