// Primitive-corpus cases for the elementwise primitives of issue 11 (rounding, logs and
// exponentials in other bases, inverse hyperbolics, hypot, logaddexp, remainders,
// nextafter, sign bits, bitwise ops and shifts), and for the np functions composed from
// primitives (fmax, copysign, nanToNum, round with decimals, pow at exact zeros).
import fc from "fast-check";
import { np, type Array } from "nabla";
import { addCase, dims, floats, gapped, nonzero, type Raw, compatibleShapes, type Domain } from "../corpus.js";



/**
 * Distinct values k/10 + offset, as `gapped`, for divisions: with x on offset 0.03 and y
 * on 0.05, 10x − n·10y = k + 0.3 − n(m + 0.5) is never within 0.2 of 0, so x/y stays at
 * least 0.008 from an integer — far from floorDivide's and remainder's jumps.
 */
const dividend: Domain = (s) => gapped(s, 0.03, 25);
const divisor: Domain = (s) => gapped(s, 0.05, 25);

/** An int32 made from floats by a piecewise-constant map (floor of 4x, kept from jumps by `gapped`). */
const toInt = (x: Array): Array => np.astype(np.floor(np.mul(x, 4)), "int32");
const toFloat = (i: Array): Array => np.astype(i, "float64");

// --- unary, smooth ---------------------------------------------------------------------

const UNARY: readonly [string, Domain, (x: Array) => Array][] = [
  ["log2", (s) => floats(s, 0.2, 3), np.log2],
  ["log10", (s) => floats(s, 0.2, 3), np.log10],
  ["exp2", (s) => floats(s, -2, 2), np.exp2],
  ["arcsinh", (s) => floats(s, -3, 3), np.arcsinh],
  ["arccosh", (s) => floats(s, 1.2, 4), np.arccosh],
  ["arctanh", (s) => floats(s, -0.9, 0.9), np.arctanh],
];

for (const [name, domain, fn] of UNARY) {
  addCase({ title: `${name} (np.${name})`, covers: [name], spec: dims(), args: (s) => [domain(s)], f: () => (x) => fn(x) });
}

// Rounding is flat between its jumps: a product rule around it shows the zero derivative.
for (const [name, fn] of [["ceil", np.ceil], ["trunc", np.trunc], ["rint", (x: Array) => np.round(x)]] as const) {
  addCase({
    title: `${name} (np.${name === "rint" ? "round" : name}, zero derivative away from its jumps)`,
    covers: [name],
    spec: dims(),
    args: (s) => [gapped(s, 0.03, 25)],
    f: () => (x) => np.mul(fn(x), np.exp(x)),
    batch: { f: () => (x) => fn(x) },
  });
}

addCase({
  title: "rint (np.round with decimals 1 and −1: scaled, rounded, scaled back)",
  covers: ["rint"],
  spec: dims(),
  args: (s) => [gapped(s, 0.03, 25)],
  f: () => (x) => np.add(np.mul(np.round(x, { decimals: 1 }), np.sin(x)), np.mul(np.round(np.mul(x, 7), { decimals: -1 }), x)),
});

addCase({
  title: "signbit (np.signbit, as the mask of np.where; np.copysign)",
  covers: ["signbit"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [nonzero(a!), gapped(b!)],
  f: () => (x, y) => np.add(np.where(np.signbit(x), np.sin(x), np.mul(x, x)), np.copysign(x, y)),
  batch: { f: () => (x, y) => [np.signbit(x), np.copysign(x, y)] },
});

// --- binary, smooth, broadcasting --------------------------------------------------------

const BINARY: readonly [string, Domain, Domain, (x: Array, y: Array) => Array][] = [
  // Away from the origin, where hypot has no derivative.
  ["hypot", (s) => nonzero(s), (s) => floats(s), np.hypot],
  ["logaddexp", (s) => floats(s, -3, 3), (s) => floats(s, -3, 3), np.logaddexp],
  ["logaddexp2", (s) => floats(s, -3, 3), (s) => floats(s, -3, 3), np.logaddexp2],
  ["remainder", dividend, divisor, np.remainder],
  // x and y never meet (offsets 0.03 and 0.08): nextafter moves x by one ulp toward y.
  ["nextafter", (s) => gapped(s, 0.03), (s) => gapped(s, 0.08), np.nextafter],
];

for (const [name, dx, dy, fn] of BINARY) {
  addCase({
    title: `${name} (np.${name}, broadcasting)`,
    covers: [name],
    spec: compatibleShapes(2),
    args: ([a, b]: number[][]) => [dx(a!), dy(b!)],
    f: () => (x, y) => fn(x, y),
  });
}

addCase({
  title: "floorDivide (np.floorDivide, zero derivative away from its jumps; in remainder's rule)",
  covers: ["floorDivide"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [dividend(a!), divisor(b!)],
  f: () => (x, y) => np.add(np.mul(np.floorDivide(x, y), np.exp(x)), np.mul(np.remainder(x, y), y)),
  batch: { f: () => (x, y) => np.floorDivide(x, y) },
});

// --- integer ops: no derivative of their own; derivatives flow around them ----------------

const INTEGER: readonly [string, (i: Array, j: Array) => Array][] = [
  ["bitwiseAnd", np.bitwiseAnd],
  ["bitwiseOr", np.bitwiseOr],
  ["bitwiseXor", np.bitwiseXor],
  ["leftShift", (i, j) => np.leftShift(i, np.bitwiseAnd(j, 7))],
  ["rightShift", (i, j) => np.rightShift(i, np.bitwiseAnd(j, 7))],
  ["bitwiseNot", (i) => np.bitwiseNot(i)],
];

for (const [name, fn] of INTEGER) {
  addCase({
    title: `${name} (np.${name} on int32 made from floats, scaling a smooth function)`,
    covers: [name],
    spec: compatibleShapes(2),
    args: ([a, b]: number[][]) => [gapped(a!, 0.03, 25), gapped(b!, 0.03, 25)],
    f: () => (x, y) => np.mul(np.sin(np.mul(x, y)), toFloat(fn(toInt(x), toInt(y)))),
    batch: { f: () => (x, y) => fn(toInt(x), toInt(y)) },
  });
}

addCase({
  title: "bitwiseAnd/Or/Xor on bool (masks of np.where), np.logicalXor",
  covers: ["bitwiseAnd", "bitwiseOr", "bitwiseXor"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [gapped(a!), gapped(b!, 0.08)],
  f: () => (x, y) => {
    const [p, q] = [np.greater(x, 0), np.less(y, 0)];
    return np.add(np.where(np.bitwiseAnd(p, q), np.exp(x), y), np.where(np.bitwiseXor(np.bitwiseOr(p, q), np.logicalXor(x, y)), x, np.cos(y)));
  },
  batch: { f: () => (x, y) => [np.bitwiseAnd(np.greater(x, 0), np.less(y, 0)), np.bitwiseOr(np.greater(x, 0), np.less(y, 0)), np.bitwiseXor(np.greater(x, 0), np.less(y, 0))] },
});

// --- compositions ------------------------------------------------------------------------

addCase({
  title: "fmax and fmin (maximum, minimum and where; distinct values)",
  covers: ["maximum", "minimum", "select"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [gapped(a!, 0.03), gapped(b!, 0.08)],
  f: () => (x, y) => [np.fmax(x, y), np.fmin(np.sin(x), y)],
});

addCase({
  title: "nanToNum, isfinite, isinf, isnan (finite inputs pass through)",
  covers: ["select", "notEqual", "equal", "less"],
  spec: dims(),
  args: (s) => [floats(s)],
  f: () => (x) => np.add(np.nanToNum(np.mul(x, x)), np.where(np.isfinite(x), np.sin(x), 0)),
  batch: { f: () => (x) => [np.nanToNum(np.log(x)), np.isfinite(np.log(x)), np.isinf(np.log(x)), np.isnan(np.log(x))] },
});

addCase({
  title: "pow at exact zeros with integer exponents 0..4 (x⁰, x¹, …: exact derivatives at 0)",
  covers: ["pow"],
  spec: fc.tuple(dims(), fc.integer({ min: 0, max: 4 })),
  args: ([s]: [number[], number]) => [floats(s, -1, 1).map((r) => ({ ...r, data: r.data.map((v, i) => (i % 2 ? v : 0)) }))],
  f: ([, n]: [number[], number]) => (x) => np.pow(x, n),
});

addCase({
  title: "pow of int32 (exact modulo 2³²; no derivative), scaling a smooth function",
  covers: ["pow"],
  spec: compatibleShapes(2),
  args: ([a, b]: number[][]) => [gapped(a!, 0.03, 25), gapped(b!, 0.03, 25)],
  f: () => (x, y) => np.mul(np.exp(x), toFloat(np.pow(toInt(x), np.bitwiseAnd(toInt(y), 7)))),
  batch: { f: () => (x, y) => np.pow(toInt(x), np.bitwiseAnd(toInt(y), 7)) },
});
