import { stridesOf, type Shape } from "../shape.js";
import { Storage } from "../storage.js";
import type { DType, TypedArray } from "../dtype.js";

/**
 * Elementwise ops as JavaScript expressions over the inputs `x`, `y`, `z`.
 * Kernels are compiled from these fixed strings once per op and input layout, so each
 * op runs as its own tight loop (a shared loop with a callback would not be inlined).
 * Only this table reaches `new Function`; no user text ever does.
 */
export const ELEMENTWISE_EXPR = {
  neg: "-x",
  square: "x * x",
  exp: "Math.exp(x)",
  log: "Math.log(x)",
  log1p: "Math.log1p(x)",
  expm1: "Math.expm1(x)",
  sin: "Math.sin(x)",
  cos: "Math.cos(x)",
  tan: "Math.tan(x)",
  tanh: "Math.tanh(x)",
  sinh: "Math.sinh(x)",
  cosh: "Math.cosh(x)",
  arcsin: "Math.asin(x)",
  arccos: "Math.acos(x)",
  arctan: "Math.atan(x)",
  sqrt: "Math.sqrt(x)",
  abs: "Math.abs(x)",
  sign: "(x > 0 ? 1 : x < 0 ? -1 : x)",
  // The two branches keep exp's argument non-positive: no overflow for large |x|.
  sigmoid: "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))",
  floor: "Math.floor(x)",
  logicalNot: "(x === 0 ? 1 : 0)",
  copy: "x",
  // NaN is true, as in numpy's bool(nan).
  nonzero: "(x !== 0 ? 1 : 0)",
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  div: "x / y",
  pow: "Math.pow(x, y)",
  arctan2: "Math.atan2(x, y)",
  // NaN propagates, as in numpy's maximum/minimum.
  maximum: "(x > y || x !== x ? x : y)",
  minimum: "(x < y || x !== x ? x : y)",
  equal: "(x === y ? 1 : 0)",
  notEqual: "(x !== y ? 1 : 0)",
  less: "(x < y ? 1 : 0)",
  lessEqual: "(x <= y ? 1 : 0)",
  greater: "(x > y ? 1 : 0)",
  greaterEqual: "(x >= y ? 1 : 0)",
  logicalAnd: "(x !== 0 && y !== 0 ? 1 : 0)",
  logicalOr: "(x !== 0 || y !== 0 ? 1 : 0)",
  select: "(x !== 0 ? y : z)",
} as const;

export type ElementwiseOp = keyof typeof ELEMENTWISE_EXPR;

const VARS = ["x", "y", "z"];
type Kernel = (out: TypedArray, inputs: TypedArray[], shape: Shape, strides: number[][]) => void;
const cache = new Map<string, Kernel>();

/**
 * Compiles the loop for `op` given each input's layout: "f" (full, same shape as the
 * output), "s" (a single element, hoisted) or "b" (broadcast: walked with strides).
 */
function compile(op: ElementwiseOp, layout: string): Kernel {
  const expr = ELEMENTWISE_EXPR[op];
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
  const out = Storage.zeros(outDtype, outShape);
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
  if (!kernel) cache.set(key, (kernel = compile(op, layout)));
  const strides = layout.includes("b") ? inputs.map((s) => broadcastStrides(s.shape, outShape)) : [];
  kernel(out.data, inputs.map((s) => s.data), outShape, strides);
  return out;
}
