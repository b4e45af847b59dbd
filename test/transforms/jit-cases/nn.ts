// jit bit-exactness for the nn module: its primitive (conv_general_dilated) in float64 and
// float32 with NaN, ±∞ and −0 in the data, forward and through both derivatives; and
// the composed nn functions (softmax, attention, pooling), which jit fuses.
import { grad, nn, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS } from "../jit-corpus.js";

for (const dt of FLOATS) {
  addCase({
    name: `conv_general_dilated ${dt} (strides, SAME and cropping pads, dilations, groups; input and kernel gradients)`,
    covers: ["conv_general_dilated"],
    f: (x: NdArray, w: NdArray, d: NdArray) => [
      nn.conv(x, w, { windowStrides: [2, 1], padding: "SAME", featureGroupCount: 2 }),
      nn.conv(x, w, { lhsDilation: 2, rhsDilation: [1, 2], padding: [[1, -1], [2, 0]], featureGroupCount: 2 }),
      nn.conv(x, d, { batchGroupCount: 2, padding: "SAME_LOWER" }),
      nn.convTranspose(x, w.slice([0, 4]), { strides: 2, padding: "SAME", transposeKernel: true }),
      grad((a: NdArray, b: NdArray) => nn.conv(a, b, { windowStrides: 2, featureGroupCount: 2 }).sin().sum(), { argnums: [0, 1] })(x, w),
    ],
    inputs: [
      [arr([2, 4, 5, 6], dt, 1, "plain"), arr([6, 2, 3, 2], dt, 2, "plain"), arr([4, 4, 2, 2], dt, 3, "plain")],
      [arr([2, 4, 7, 5], dt, 4, "special"), arr([6, 2, 2, 3], dt, 5, "special"), arr([2, 4, 3, 1], dt, 6, "special")],
      [arr([4, 4, 20, 20], dt, 7, "plain"), arr([6, 2, 3, 3], dt, 8, "plain"), arr([4, 4, 3, 3], dt, 9, "plain")],
    ],
  });

  addCase({
    name: `nn functions ${dt} (softmax, logSoftmax, attention, pooling, activations: composed from fused ops)`,
    covers: ["reduce_max", "exp", "select"],
    f: (x: NdArray, q: NdArray) => [
      nn.softmax(x), nn.logSoftmax(x, { axis: 0 }), nn.standardize(x),
      nn.dotProductAttention(q, q, q, { isCausal: true }),
      nn.maxPool(x.reshape([1, ...x.shape]), [2, 2], { strides: 2, padding: "SAME" }),
      nn.avgPool(x.reshape([1, ...x.shape]), [3], { padding: "SAME", countIncludePad: false }),
      nn.relu(x), nn.gelu(x), nn.gelu(x, { approximate: false }), nn.elu(x), nn.silu(x), nn.logSigmoid(x),
    ],
    inputs: [
      [arr([3, 4], dt, 1, "special"), arr([1, 3, 2, 4], dt, 2, "plain")],
      [arr([40, 30], dt, 3, "special"), arr([2, 10, 4, 8], dt, 4, "plain")],
    ],
  });
}
