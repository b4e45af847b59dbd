import { stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType, TypedArray } from "../dtype.js";
import { canGenerateCode } from "../codegen.js";

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
  neg: ["-x", (x) => -x],
  square: ["x * x", (x) => x * x],
  exp: ["Math.exp(x)", (x) => Math.exp(x)],
  log: ["Math.log(x)", (x) => Math.log(x)],
  log1p: ["Math.log1p(x)", (x) => Math.log1p(x)],
  expm1: ["Math.expm1(x)", (x) => Math.expm1(x)],
  sin: ["Math.sin(x)", (x) => Math.sin(x)],
  cos: ["Math.cos(x)", (x) => Math.cos(x)],
  tan: ["Math.tan(x)", (x) => Math.tan(x)],
  tanh: ["Math.tanh(x)", (x) => Math.tanh(x)],
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
  copy: ["x", (x) => x],
  // NaN is true, as in numpy's bool(nan).
  nonzero: ["(x !== 0 ? 1 : 0)", (x) => (x !== 0 ? 1 : 0)],
  add: ["x + y", (x, y) => x + y],
  sub: ["x - y", (x, y) => x - y],
  mul: ["x * y", (x, y) => x * y],
  div: ["x / y", (x, y) => x / y],
  pow: ["Math.pow(x, y)", (x, y) => Math.pow(x, y)],
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
  select: ["(x !== 0 ? y : z)", (x, y, z) => (x !== 0 ? y : z)],
} satisfies Record<string, readonly [string, Scalar]>;

export type ElementwiseOp = keyof typeof ELEMENTWISE;

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
  return new Function("out", "inputs", "shape", "strides", lines.join("\n")) as Kernel;
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
