// jit cases for the elementwise primitives of issue 11: each in every dtype it takes, on
// the 0-d, unrolled (≤ 16 elements) and loop (10⁴) paths and the broadcasting shapes, with
// the special values (±0, ±∞, NaN, subnormals, int32 bounds, zero divisors, shift counts
// past 31) where their expressions branch. jit must equal eager evaluation bit for bit.
import { np, type Array as NdArray, type DType } from "nabla";
import { addCase, arr, BINARY_SHAPES, BOOL, F32, F64, FLOATS, I32, LARGE, TINY, type Kind } from "../jit-corpus.js";

const UNARY: readonly [string, (x: NdArray) => NdArray][] = [
  ["ceil", np.ceil],
  ["trunc", np.trunc],
  ["rint", (x) => np.round(x)],
  ["log2", np.log2],
  ["log10", np.log10],
  ["exp2", np.exp2],
  ["arcsinh", np.arcsinh],
  ["arccosh", np.arccosh],
  ["arctanh", np.arctanh],
];

for (const [name, fn] of UNARY) {
  for (const dt of FLOATS) {
    addCase({
      name: `${name} ${dt} (twice in one fused loop)`,
      covers: [name],
      f: (x: NdArray) => fn(fn(x)),
      inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2, "ties")], [arr(LARGE, dt, 3)]],
    });
  }
}

addCase({
  name: "rint float64 (np.round with decimals 2 and −1, on ties)",
  covers: ["rint"],
  f: (x: NdArray) => [np.round(x, { decimals: 2 }), np.round(x.mul(10), { decimals: -1 })],
  inputs: [[arr(TINY, F64, 1, "ties")], [arr(LARGE, F64, 2)]],
});

for (const dt of [F64, F32, I32, BOOL]) {
  addCase({
    name: `signbit ${dt} (alone, and as a fused mask)`,
    covers: ["signbit"],
    f: (x: NdArray) => [np.signbit(x), np.where(np.signbit(x), np.neg(np.astype(x, F64)), 1)],
    inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2)], [arr(LARGE, dt, 3)]],
  });
}

addCase({
  name: "bitwiseNot int32 (twice in one fused loop)",
  covers: ["bitwiseNot"],
  f: (x: NdArray) => [np.bitwiseNot(x), np.bitwiseNot(np.bitwiseNot(x).mul(3))],
  inputs: [[arr([], I32, 1)], [arr(TINY, I32, 2)], [arr(LARGE, I32, 3)]],
});

const BINARY: readonly [string, readonly DType[], (x: NdArray, y: NdArray) => NdArray, Kind][] = [
  ["hypot", FLOATS, np.hypot, "special"],
  ["logaddexp", FLOATS, np.logaddexp, "special"],
  ["logaddexp2", FLOATS, np.logaddexp2, "special"],
  ["remainder", [F64, F32, I32], np.remainder, "special"],
  ["floorDivide", [F64, F32, I32], np.floorDivide, "special"],
  ["nextafter", FLOATS, np.nextafter, "special"],
  ["bitwiseAnd", [I32, BOOL], np.bitwiseAnd, "special"],
  ["bitwiseOr", [I32, BOOL], np.bitwiseOr, "special"],
  ["bitwiseXor", [I32, BOOL], np.bitwiseXor, "special"],
  ["leftShift", [I32], np.leftShift, "special"],
  ["rightShift", [I32], np.rightShift, "special"],
];

for (const [name, dtypes, fn, kind] of BINARY) {
  for (const dt of dtypes) {
    addCase({
      name: `${name} ${dt} (broadcasting; alone, and twice in one fused loop)`,
      covers: [name],
      f: (x: NdArray, y: NdArray) => [fn(x, y), fn(fn(y, x), x)],
      inputs: BINARY_SHAPES.map(([a, b]) => [arr(a, dt, 1, kind), arr(b, dt, 2, kind)]),
    });
  }
}

// Shift counts around the word size, and negative ones (numpy shifts everything out).
addCase({
  name: "leftShift and rightShift int32 (counts −33..40)",
  covers: ["leftShift", "rightShift"],
  f: (x: NdArray, n: NdArray) => [np.leftShift(x, n), np.rightShift(x, n), np.rightShift(np.leftShift(x, n), n)],
  inputs: [
    [arr([74], I32, 1), np.arange(-33, 41, 1, { dtype: "int32" })],
    [arr([100, 1], I32, 2), np.arange(-33, 41, 1, { dtype: "int32" })],
  ],
});

// int32 pow: exact modulo 2³² (binary exponentiation inside the fused loop), exponents
// 0..63 (np.pow refuses known negative ones, so the data keeps them out).
addCase({
  name: "pow int32 (exact modulo 2³², broadcasting; alone, and inside a fused chain)",
  covers: ["pow"],
  f: (x: NdArray, e: NdArray) => [np.pow(x, e), np.pow(x.add(1), e).mul(x).sub(np.pow(e, 3))],
  inputs: BINARY_SHAPES.map(([a, b]) => [arr(a, I32, 1), np.bitwiseAnd(arr(b, I32, 2), 63)]),
});

// pow's C special values: 1 ** NaN, (−1) ** ±∞, NaN ** 0.
for (const dt of FLOATS) {
  addCase({
    name: `pow ${dt} (C's special values: 1 ** NaN = 1, (−1) ** ±∞ = 1, NaN ** 0 = 1)`,
    covers: ["pow"],
    f: (x: NdArray, y: NdArray) => [np.pow(x, y), np.pow(np.sign(x), y)],
    inputs: [
      [np.array([1, 1, -1, -1, NaN, NaN, 0, -0, 2], { dtype: dt }), np.array([NaN, Infinity, Infinity, -Infinity, 0, -0, -1, -3, 0.5], { dtype: dt })],
      [arr(LARGE, dt, 3), arr([100], dt, 4)],
    ],
  });
}
