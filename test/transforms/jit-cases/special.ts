// jit cases for the special functions (issue 11): each primitive in float64 and float32
// (and from int32, which promotes to float64), on the 0-d, unrolled (≤ 16 elements) and
// loop (10⁴) paths and broadcasting shapes, with the special values (±0, ±∞, NaN,
// subnormals, 1e300, 3e9) mixed in. Their kernels call named scalar functions (S.erf(x)):
// jit fuses them into its loops and must equal eager evaluation bit for bit.
import { grad, np, special, type Array as NdArray } from "nabla";
import { addCase, arr, BINARY_SHAPES, F32, F64, FLOATS, I32, LARGE, TINY } from "../jit-corpus.js";

const UNARY: readonly [string, (x: NdArray) => NdArray][] = [
  ["erf", special.erf],
  ["erfc", special.erfc],
  ["erfinv", special.erfinv],
  ["lgamma", special.lgamma],
  ["digamma", special.digamma],
  ["logit", special.logit],
  ["ndtr", special.ndtr],
  ["ndtri", special.ndtri],
  ["logNdtr", special.logNdtr],
];

for (const [name, fn] of UNARY) {
  for (const dt of [...FLOATS, I32]) {
    addCase({
      name: `${name} ${dt} (alone, and twice in one fused loop)`,
      covers: [name],
      f: (x: NdArray) => [fn(x), fn(fn(x).mul(0.25))],
      inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2)], [arr(LARGE, dt, 3)]],
    });
  }
}

const BINARY: readonly [string, (x: NdArray, y: NdArray) => NdArray][] = [
  ["betaln", special.betaln],
  ["gammainc", special.gammainc],
  ["gammaincc", special.gammaincc],
];

for (const [name, fn] of BINARY) {
  for (const dt of FLOATS) {
    addCase({
      name: `${name} ${dt} (broadcasting; of |x|, and fused with arithmetic)`,
      covers: [name],
      // |x| puts half the data in the domain (a, x ≥ 0 for the incomplete gamma ratios).
      f: (x: NdArray, y: NdArray) => [fn(x, y), fn(x.abs(), y.abs().mul(2)).add(y)],
      inputs: BINARY_SHAPES.map(([a, b]) => [arr(a, dt, 1), arr(b, dt, 2)]),
    });
  }
}

for (const dt of FLOATS) {
  addCase({
    name: `polygamma ${dt} (int32 orders, with their special values, broadcast with x)`,
    covers: ["polygamma"],
    f: (n: NdArray, x: NdArray) => [special.polygamma(n, x), special.polygamma(n.abs(), x.abs().add(0.5)).mul(x)],
    inputs: [
      [np.array([0, 1, 2, 3], { dtype: "int32" }), arr([5, 1], dt, 1)],
      [arr([4], I32, 2), arr([3, 4], dt, 3)],
      [np.array([1, 4, 20], { dtype: "int32" }).reshape([3, 1]), arr([1, 100], dt, 4, "plain")],
    ],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `gammainc_grad_a ${dt} (the gradient of gammainc and gammaincc in a, and in x)`,
    covers: ["gammainc_grad_a", "gammaincc"],
    f: (a: NdArray, x: NdArray) =>
      grad((b: NdArray, y: NdArray) => special.gammainc(b, y).sum().add(special.gammaincc(b, y).mul(y).sum()), { argnums: [0, 1] })(a.abs(), x.abs()),
    inputs: [
      [arr(TINY, dt, 1, "plain"), arr(TINY, dt, 2, "plain")],
      [arr([3, 1], dt, 3), arr([1, 4], dt, 4)],
      [arr(LARGE, dt, 5, "plain"), arr(LARGE, dt, 6, "plain")],
    ],
  });
}

addCase({
  name: "special functions fused with each other and with arithmetic (float64)",
  covers: ["erf", "ndtr", "lgamma", "gammainc"],
  f: (x: NdArray) => special.erf(x).mul(2).add(special.ndtr(x)).sub(special.lgamma(x.abs().add(1))).add(special.gammainc(x.abs(), 2)),
  inputs: [[arr(TINY, F64, 1)], [arr(LARGE, F64, 2)]],
});
