import { stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType, TypedArray } from "../dtype.js";
import { canGenerateCode } from "../codegen.js";
import { S, SPECIAL_ELEMENTWISE } from "./special.js";

/** An elementwise op as a function of its inputs (unary ops ignore y and z). */
type Scalar = (x: number, y: number, z: number) => number;

/**
 * Elementwise ops, each as a JavaScript expression over the inputs `x`, `y`, `z` and, beside
 * it, the same expression as a function. Kernels are compiled from the fixed strings once
 * per op and input layout, so each op runs as its own tight loop (a shared loop with a
 * callback would not be inlined); no user text ever reaches `new Function`. Where code
 * generation is forbidden (`canGenerateCode`) the functions run instead: they must stay
 * the same expression as their string, character for character, so that both write the
 * same doubles into the same typed arrays.
 */
const ELEMENTWISE = {
  // Ops calling a named scalar function through the parameter S (kernels/special.ts).
  ...SPECIAL_ELEMENTWISE,
  neg: ["-x", (x) => -x],
  square: ["x * x", (x) => x * x],
  exp: ["Math.exp(x)", (x) => Math.exp(x)],
  log: ["Math.log(x)", (x) => Math.log(x)],
  log1p: ["Math.log1p(x)", (x) => Math.log1p(x)],
  expm1: ["Math.expm1(x)", (x) => Math.expm1(x)],
  sin: ["Math.sin(x)", (x) => Math.sin(x)],
  cos: ["Math.cos(x)", (x) => Math.cos(x)],
  tan: ["Math.tan(x)", (x) => Math.tan(x)],
  tanh: ["S.tanh(x)", (x) => S.tanh(x)],
  sinh: ["Math.sinh(x)", (x) => Math.sinh(x)],
  cosh: ["Math.cosh(x)", (x) => Math.cosh(x)],
  arcsin: ["Math.asin(x)", (x) => Math.asin(x)],
  arccos: ["Math.acos(x)", (x) => Math.acos(x)],
  arctan: ["Math.atan(x)", (x) => Math.atan(x)],
  sqrt: ["Math.sqrt(x)", (x) => Math.sqrt(x)],
  abs: ["Math.abs(x)", (x) => Math.abs(x)],
  sign: ["(x > 0 ? 1 : x < 0 ? -1 : x)", (x) => (x > 0 ? 1 : x < 0 ? -1 : x)],
  // The two branches keep exp's argument non-positive: no overflow for large |x|.
  sigmoid: [
    "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
    (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  ],
  floor: ["Math.floor(x)", (x) => Math.floor(x)],
  logicalNot: ["(x === 0 ? 1 : 0)", (x) => (x === 0 ? 1 : 0)],
  ceil: ["Math.ceil(x)", (x) => Math.ceil(x)],
  trunc: ["Math.trunc(x)", (x) => Math.trunc(x)],
  // Half to even (numpy's rint): x − trunc(x) is exact, so a tie is seen exactly.
  rint: [
    "(Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))",
    (x) => (Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)),
  ],
  // −0 counts as negative (1/−0 is −∞); NaN as positive (JavaScript cannot read its sign).
  signbit: [
    "(x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0)",
    (x) => (x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0),
  ],
  log2: ["Math.log2(x)", (x) => Math.log2(x)],
  log10: ["Math.log10(x)", (x) => Math.log10(x)],
  exp2: ["Math.pow(2, x)", (x) => Math.pow(2, x)],
  arcsinh: ["Math.asinh(x)", (x) => Math.asinh(x)],
  arccosh: ["Math.acosh(x)", (x) => Math.acosh(x)],
  arctanh: ["Math.atanh(x)", (x) => Math.atanh(x)],
  bitwiseNot: ["~x", (x) => ~x],
  // A float cast to int32 saturates, as in JAX: NaN → 0, out of range → the nearest
  // bound (a typed array would wrap 3e9 to −1294967296). Chosen by kernelOp for "copy".
  saturateInt32: [
    "(x !== x ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x))",
    (x) => (x !== x ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x)),
  ],
  copy: ["x", (x) => x],
  // NaN is true, as in numpy's bool(nan).
  nonzero: ["(x !== 0 ? 1 : 0)", (x) => (x !== 0 ? 1 : 0)],
  add: ["x + y", (x, y) => x + y],
  sub: ["x - y", (x, y) => x - y],
  mul: ["x * y", (x, y) => x * y],
  div: ["x / y", (x, y) => x / y],
  // C's pow, not Math.pow: 1^y = 1 for every y (NaN too) and (−1)^±∞ = 1 (x^±0 = 1 already).
  pow: [
    "(x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y))",
    (x, y) => (x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y)),
  ],
  // int32 pow (kernelOp picks it): exact modulo 2³², as numpy, by binary exponentiation.
  // A negative exponent (np.pow refuses concrete ones) gives the truncated 1/x^|y|.
  powInt: [
    "((b, e) => { if (e < 0) return b === 1 ? 1 : b === -1 ? 1 - 2 * (e & 1) : 0; let r = 1; for (; e !== 0; e >>>= 1) { if (e & 1) r = Math.imul(r, b); b = Math.imul(b, b); } return r; })(x, y)",
    (x, y) => ((b, e) => { if (e < 0) return b === 1 ? 1 : b === -1 ? 1 - 2 * (e & 1) : 0; let r = 1; for (; e !== 0; e >>>= 1) { if (e & 1) r = Math.imul(r, b); b = Math.imul(b, b); } return r; })(x, y),
  ],
  arctan2: ["Math.atan2(x, y)", (x, y) => Math.atan2(x, y)],
  // NaN propagates, as in numpy's maximum/minimum.
  maximum: ["(x > y || x !== x ? x : y)", (x, y) => (x > y || x !== x ? x : y)],
  minimum: ["(x < y || x !== x ? x : y)", (x, y) => (x < y || x !== x ? x : y)],
  equal: ["(x === y ? 1 : 0)", (x, y) => (x === y ? 1 : 0)],
  notEqual: ["(x !== y ? 1 : 0)", (x, y) => (x !== y ? 1 : 0)],
  less: ["(x < y ? 1 : 0)", (x, y) => (x < y ? 1 : 0)],
  lessEqual: ["(x <= y ? 1 : 0)", (x, y) => (x <= y ? 1 : 0)],
  greater: ["(x > y ? 1 : 0)", (x, y) => (x > y ? 1 : 0)],
  greaterEqual: ["(x >= y ? 1 : 0)", (x, y) => (x >= y ? 1 : 0)],
  logicalAnd: ["(x !== 0 && y !== 0 ? 1 : 0)", (x, y) => (x !== 0 && y !== 0 ? 1 : 0)],
  logicalOr: ["(x !== 0 || y !== 0 ? 1 : 0)", (x, y) => (x !== 0 || y !== 0 ? 1 : 0)],
  // √(x² + y²) without overflow or underflow, correctly rounded but in rare near-ties
  // (Math.hypot is off by an ulp for a third of inputs): the larger operand a is scaled by
  // 2^∓600 into [2⁻³⁰⁰, 2³⁰⁰], a² + b² is formed exactly as a double-double (Dekker's
  // products, split by 2²⁷ + 1), and √ gets one Newton correction from its exact residual.
  hypot: [
    "((a, b) => { a = Math.abs(a); b = Math.abs(b); if (a === Infinity || b === Infinity) return Infinity; if (a !== a || b !== b) return NaN; if (a < b) { const t = a; a = b; b = t; } if (a === 0) return 0; const k = a > 2.037035976334486e90 ? 2.409919865102884e-181 : a < 4.909093465297727e-91 ? 4.149515568880993e180 : 1; a *= k; b *= k; const ca = 134217729 * a, ah = ca - (ca - a), al = a - ah, cb = 134217729 * b, bh = cb - (cb - b), bl = b - bh; const p = a * a, q = b * b, s = p + q; const lo = ((p - s) + q) + (((ah * ah - p) + 2 * ah * al) + al * al) + (((bh * bh - q) + 2 * bh * bl) + bl * bl); const r = Math.sqrt(s), cr = 134217729 * r, rh = cr - (cr - r), rl = r - rh, rr = r * r; return (r + ((s - rr) - (((rh * rh - rr) + 2 * rh * rl) + rl * rl) + lo) / (2 * r)) / k; })(x, y)",
    (x, y) => ((a, b) => { a = Math.abs(a); b = Math.abs(b); if (a === Infinity || b === Infinity) return Infinity; if (a !== a || b !== b) return NaN; if (a < b) { const t = a; a = b; b = t; } if (a === 0) return 0; const k = a > 2.037035976334486e90 ? 2.409919865102884e-181 : a < 4.909093465297727e-91 ? 4.149515568880993e180 : 1; a *= k; b *= k; const ca = 134217729 * a, ah = ca - (ca - a), al = a - ah, cb = 134217729 * b, bh = cb - (cb - b), bl = b - bh; const p = a * a, q = b * b, s = p + q; const lo = ((p - s) + q) + (((ah * ah - p) + 2 * ah * al) + al * al) + (((bh * bh - q) + 2 * bh * bl) + bl * bl); const r = Math.sqrt(s), cr = 134217729 * r, rh = cr - (cr - r), rl = r - rh, rr = r * r; return (r + ((s - rr) - (((rh * rh - rr) + 2 * rh * rl) + rl * rl) + lo) / (2 * r)) / k; })(x, y),
  ],
  // numpy's logaddexp: the larger plus log1p of a non-positive exponent; a tie (equal
  // infinities too) is x + log 2.
  logaddexp: [
    "(x === y ? x + 0.6931471805599453 : x > y ? x + Math.log1p(Math.exp(y - x)) : x < y ? y + Math.log1p(Math.exp(x - y)) : x + y)",
    (x, y) => (x === y ? x + 0.6931471805599453 : x > y ? x + Math.log1p(Math.exp(y - x)) : x < y ? y + Math.log1p(Math.exp(x - y)) : x + y),
  ],
  logaddexp2: [
    "(x === y ? x + 1 : x > y ? x + 1.4426950408889634 * Math.log1p(Math.pow(2, y - x)) : x < y ? y + 1.4426950408889634 * Math.log1p(Math.pow(2, x - y)) : x + y)",
    (x, y) => (x === y ? x + 1 : x > y ? x + 1.4426950408889634 * Math.log1p(Math.pow(2, y - x)) : x < y ? y + 1.4426950408889634 * Math.log1p(Math.pow(2, x - y)) : x + y),
  ],
  // numpy's remainder (npy_divmod): fmod (JavaScript's %, exact) moved to the divisor's
  // sign; a zero takes the divisor's sign. Integers too (by 0 gives NaN, stored as 0).
  remainder: [
    "(x % y !== 0 ? ((y < 0) !== (x % y < 0) ? x % y + y : x % y) : y < 0 ? -0 : 0)",
    (x, y) => (x % y !== 0 ? ((y < 0) !== (x % y < 0) ? x % y + y : x % y) : y < 0 ? -0 : 0),
  ],
  // numpy's floor_divide (npy_divmod): (x − fmod(x, y)) / y, one less when the remainder
  // changes sign, then snapped to the nearest integer; a zero quotient takes the sign of x/y.
  floorDivide: [
    "(y === 0 ? x / y : ((d) => d !== 0 ? (d - Math.floor(d) > 0.5 ? Math.floor(d) + 1 : Math.floor(d)) : x / y < 0 || 1 / (x / y) < 0 ? -0 : 0)((x - x % y) / y - (x % y !== 0 && (y < 0) !== (x % y < 0) ? 1 : 0)))",
    (x, y) => (y === 0 ? x / y : ((d) => d !== 0 ? (d - Math.floor(d) > 0.5 ? Math.floor(d) + 1 : Math.floor(d)) : x / y < 0 || 1 / (x / y) < 0 ? -0 : 0)((x - x % y) / y - (x % y !== 0 && (y < 0) !== (x % y < 0) ? 1 : 0))),
  ],
  // The next double after x toward y, without bit access: x ± c with c = φ·|x|,
  // φ = 2⁻⁵³ + 2⁻¹⁰⁵, lands exactly on the neighbour (Rump, Zimmermann, Boldo and
  // Melquiond, 2009); small |x| is scaled by 2¹⁰⁶ first, the first binades step by 2⁻¹⁰⁷⁴.
  nextafter: [
    "(x !== x || y !== y ? x + y : x === y ? y : Math.abs(x) < 4.450147717014403e-308 ? (y > x ? (x === -5e-324 ? -0 : x + 5e-324) : x - 5e-324) : Math.abs(x) === Infinity ? (x > 0 ? 1.7976931348623157e308 : -1.7976931348623157e308) : Math.abs(x) < 4.008336720017946e-292 ? (x * 8.112963841460668e31 + (y > x ? 1 : -1) * (Math.abs(x) * 8.112963841460668e31 * 1.1102230246251568e-16)) / 8.112963841460668e31 : x + (y > x ? 1 : -1) * (Math.abs(x) * 1.1102230246251568e-16))",
    (x, y) => (x !== x || y !== y ? x + y : x === y ? y : Math.abs(x) < 4.450147717014403e-308 ? (y > x ? (x === -5e-324 ? -0 : x + 5e-324) : x - 5e-324) : Math.abs(x) === Infinity ? (x > 0 ? 1.7976931348623157e308 : -1.7976931348623157e308) : Math.abs(x) < 4.008336720017946e-292 ? (x * 8.112963841460668e31 + (y > x ? 1 : -1) * (Math.abs(x) * 8.112963841460668e31 * 1.1102230246251568e-16)) / 8.112963841460668e31 : x + (y > x ? 1 : -1) * (Math.abs(x) * 1.1102230246251568e-16)),
  ],
  // The same in float32's spacing (kernelOp picks it for float32 operands).
  nextafter32: [
    "(x !== x || y !== y ? x + y : x === y ? y : Math.abs(x) < 2.350988701644575e-38 ? (y > x ? (x === -1.401298464324817e-45 ? -0 : x + 1.401298464324817e-45) : x - 1.401298464324817e-45) : Math.abs(x) === Infinity ? (x > 0 ? 3.4028234663852886e38 : -3.4028234663852886e38) : Math.abs(x) < 3.944304526105059e-31 ? Math.fround(x * 1125899906842624 + (y > x ? 1 : -1) * Math.fround(Math.abs(x) * 1125899906842624 * 5.960465188081798e-8)) / 1125899906842624 : Math.fround(x + (y > x ? 1 : -1) * Math.fround(Math.abs(x) * 5.960465188081798e-8)))",
    (x, y) => (x !== x || y !== y ? x + y : x === y ? y : Math.abs(x) < 2.350988701644575e-38 ? (y > x ? (x === -1.401298464324817e-45 ? -0 : x + 1.401298464324817e-45) : x - 1.401298464324817e-45) : Math.abs(x) === Infinity ? (x > 0 ? 3.4028234663852886e38 : -3.4028234663852886e38) : Math.abs(x) < 3.944304526105059e-31 ? Math.fround(x * 1125899906842624 + (y > x ? 1 : -1) * Math.fround(Math.abs(x) * 1125899906842624 * 5.960465188081798e-8)) / 1125899906842624 : Math.fround(x + (y > x ? 1 : -1) * Math.fround(Math.abs(x) * 5.960465188081798e-8))),
  ],
  bitwiseAnd: ["x & y", (x, y) => x & y],
  bitwiseOr: ["x | y", (x, y) => x | y],
  bitwiseXor: ["x ^ y", (x, y) => x ^ y],
  // numpy's shifts: a count outside 0..31 shifts everything out (JavaScript would use y mod 32).
  leftShift: [
    "(y >>> 0 < 32 ? x << y : 0)",
    (x, y) => (y >>> 0 < 32 ? x << y : 0),
  ],
  rightShift: [
    "(y >>> 0 < 32 ? x >> y : x < 0 ? -1 : 0)",
    (x, y) => (y >>> 0 < 32 ? x >> y : x < 0 ? -1 : 0),
  ],
  select: ["(x !== 0 ? y : z)", (x, y, z) => (x !== 0 ? y : z)],
} satisfies Record<string, readonly [string, Scalar]>;

export type ElementwiseOp = keyof typeof ELEMENTWISE;

/**
 * The kernel that runs `op` on operands of `inDtype` giving `outDtype`, where that depends
 * on the dtypes: int32 pow is exact modular exponentiation, float32 nextafter steps by
 * float32's spacing, and a float copied to int32 saturates. `jit` asks the same question.
 *
 * @example
 * kernelOp("copy", "float64", "int32"); // "saturateInt32"
 */
export function kernelOp(op: ElementwiseOp, inDtype: DType, outDtype: DType): ElementwiseOp {
  if (op === "pow" && inDtype === "int32") return "powInt";
  if (op === "nextafter" && inDtype === "float32") return "nextafter32";
  if (op === "copy" && outDtype === "int32" && (inDtype === "float64" || inDtype === "float32")) return "saturateInt32";
  return op;
}

/** The expression strings alone (what `jit` fuses into its loops). */
export const ELEMENTWISE_EXPR = Object.fromEntries(
  Object.entries(ELEMENTWISE).map(([op, [expr]]) => [op, expr]),
) as Record<ElementwiseOp, string>;

const VARS = ["x", "y", "z"];
type Kernel = (out: TypedArray, inputs: TypedArray[], shape: Shape, strides: number[][]) => void;
const cache = new Map<string, Kernel>();

/**
 * Compiles the loop for `op` given each input's layout: "f" (full, same shape as the
 * output), "s" (a single element, hoisted) or "b" (broadcast: walked with strides).
 */
function compile(op: ElementwiseOp, layout: string): Kernel {
  const expr = ELEMENTWISE[op][0];
  const n = layout.length;
  const lines: string[] = ["const n = out.length;"];
  for (let k = 0; k < n; k++) lines.push(`const a${k} = inputs[${k}];`);
  if (!layout.includes("b")) {
    for (let k = 0; k < n; k++) if (layout[k] === "s") lines.push(`const ${VARS[k]} = a${k}[0];`);
    const reads = [...layout].map((l, k) => (l === "f" ? `const ${VARS[k]} = a${k}[i];` : "")).join(" ");
    lines.push(`for (let i = 0; i < n; i++) { ${reads} out[i] = ${expr}; }`);
  } else {
    // Odometer over the outer axes, a strided inner loop over the last axis.
    lines.push("const nd = shape.length, inner = shape[nd - 1], idx = new Int32Array(nd);");
    for (let k = 0; k < n; k++) lines.push(`const s${k} = strides[${k}], d${k} = s${k}[nd - 1]; let o${k} = 0;`);
    const reads = [...Array(n).keys()].map((k) => `const ${VARS[k]} = a${k}[p${k}]; p${k} += d${k};`).join(" ");
    const starts = [...Array(n).keys()].map((k) => `let p${k} = o${k};`).join(" ");
    const steps = [...Array(n).keys()].map((k) => `o${k} += s${k}[d];`).join(" ");
    const rewinds = [...Array(n).keys()].map((k) => `o${k} -= s${k}[d] * shape[d];`).join(" ");
    lines.push(
      `for (let base = 0; base < n; base += inner) {`,
      `  ${starts}`,
      `  for (let j = 0; j < inner; j++) { ${reads} out[base + j] = ${expr}; }`,
      `  for (let d = nd - 2; d >= 0; d--) { idx[d]++; ${steps} if (idx[d] < shape[d]) break; ${rewinds} idx[d] = 0; }`,
      `}`,
    );
  }
  // The body may call scalar functions as S.name(…): S is bound once, as a closure.
  return new Function("S", `return function (out, inputs, shape, strides) {\n${lines.join("\n")}\n};`)(S) as Kernel;
}

/** Stands in for the absent inputs of unary and binary ops in `interpret`. */
const NONE = new Float64Array(1);

/**
 * The loops of `compile` without generated code, calling the op's function (one closure
 * per op and layout, so each call site stays monomorphic). Broadcast inputs are walked
 * by the same odometer; the others read element i, or element 0 when single.
 */
function interpret(op: ElementwiseOp, layout: string): Kernel {
  const f: Scalar = ELEMENTWISE[op][1];
  const [sx = 0, sy = 0, sz = 0] = [...layout].map((l) => (l === "f" ? 1 : 0));
  const broadcast = layout.includes("b");
  return (out, inputs, shape, strides) => {
    const [a = NONE, b = NONE, c = NONE] = inputs;
    const n = out.length;
    if (!broadcast) {
      for (let i = 0; i < n; i++) out[i] = f(a[i * sx]!, b[i * sy]!, c[i * sz]!);
      return;
    }
    const nd = shape.length;
    const inner = shape[nd - 1]!;
    const idx = new Int32Array(nd);
    const zero = shape.map(() => 0);
    const [s0 = zero, s1 = zero, s2 = zero] = strides;
    const d0 = s0[nd - 1]!, d1 = s1[nd - 1]!, d2 = s2[nd - 1]!;
    let o0 = 0, o1 = 0, o2 = 0;
    for (let base = 0; base < n; base += inner) {
      let p0 = o0, p1 = o1, p2 = o2;
      for (let j = 0; j < inner; j++, p0 += d0, p1 += d1, p2 += d2) out[base + j] = f(a[p0]!, b[p1]!, c[p2]!);
      for (let d = nd - 2; d >= 0; d--) {
        idx[d]!++;
        o0 += s0[d]!; o1 += s1[d]!; o2 += s2[d]!;
        if (idx[d]! < shape[d]!) break;
        o0 -= s0[d]! * shape[d]!; o1 -= s1[d]! * shape[d]!; o2 -= s2[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  };
}

/** Strides of `shape` seen from the (broadcast) output shape: 0 on broadcast axes. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]!));
}

/**
 * Runs an elementwise op over inputs already checked to broadcast to `outShape`.
 * The caller picks the output dtype (comparisons give bool, division gives float).
 */
export function elementwise(op: ElementwiseOp, inputs: Storage[], outShape: Shape, outDtype: DType): Storage {
  const out = Storage.zeros(outDtype, outShape, op);
  if (out.size === 0) return out;
  op = kernelOp(op, inputs[0]?.dtype ?? outDtype, outDtype);
  let layout = "";
  for (const s of inputs) {
    if (s.size === out.size && s.shape.length === outShape.length) layout += "f";
    else if (s.size === 1) layout += "s";
    else layout += "b";
  }
  // A broadcast input with size equal to the output (e.g. (3,1) vs (3,)) is still "b";
  // the strided loop handles every case, the others are fast paths.
  const key = op + ":" + layout;
  let kernel = cache.get(key);
  if (!kernel) cache.set(key, (kernel = canGenerateCode() ? compile(op, layout) : interpret(op, layout)));
  const strides = layout.includes("b") ? inputs.map((s) => broadcastStrides(s.shape, outShape)) : [];
  kernel(out.data, inputs.map((s) => s.data), outShape, strides);
  return out;
}
