// The jit corpus: every primitive, in each dtype it accepts, with the data and the
// bit-exact comparison that test/transforms/jit.test.ts runs. Areas add their own cases in
// test/transforms/jit-cases/*.ts (loaded by jit-cases.ts), each calling addCase.
import {
  IR, cond, customJvp, customVjp, evalIR, foriLoop, grad, hessian, jit, linalg, makeIR, np, random, scan, stage, stopGradient, tree,
  valueAndGrad, vmap, whileLoop, type Array as NdArray, type DType, type Tree,
} from "nabla";
import { expect } from "vitest";
import { ConcreteArray, primitives } from "../../packages/nabla/src/core/index.js";
import { compile } from "../../packages/nabla/src/transforms/jit/codegen.js";
import { eliminateCommonSubexpressions, eliminateDeadCode, simplify } from "../../packages/nabla/src/transforms/jit/simplify.js";
// ---------------------------------------------------------------------------------------
// Data: deterministic, with the values where arithmetic is easiest to get wrong.

export const FLOAT_SPECIALS = [
  0, -0, NaN, Infinity, -Infinity, 5e-324, -1e-310, 1e300, -1e300, 709.9, -745.5, 0.5, -2.5, 3e9, -3e9, 16777217,
  1e-8, Math.PI / 2, 1, -1,
];
export const INT_SPECIALS = [0, 1, -1, 2147483647, -2147483648, 65536, -65537, 46341, 7, -13];

export type Kind = "special" | "plain" | "ties";

/** n numbers for `dtype`: smooth values, plus (kind "special") edge values every 5th element. */
export function numbers(n: number, dtype: DType, seed: number, kind: Kind): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.sin(1.7 * seed + 0.731 * i + 0.3);
    if (dtype === "bool") out.push((i * 7 + seed * 5 + Math.floor(i / 3)) % 3 === 0 ? 1 : 0);
    else if (dtype === "int32") {
      out.push(kind === "special" && i % 4 === 1 ? INT_SPECIALS[(i + seed) % INT_SPECIALS.length]! : Math.round((kind === "ties" ? 2 : 40) * t));
    } else if (kind === "special" && i % 5 === 2) out.push(FLOAT_SPECIALS[(Math.floor(i / 5) + seed) % FLOAT_SPECIALS.length]!);
    else out.push(kind === "ties" ? Math.round(2 * t) / 2 : 3 * t);
  }
  return out;
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

export function arr(shape: readonly number[], dtype: DType = "float64", seed = 0, kind: Kind = "special"): NdArray {
  return np.array(numbers(sizeOf(shape), dtype, seed, kind), { dtype }).reshape(shape);
}

export const F64: DType = "float64";
export const F32: DType = "float32";
export const I32: DType = "int32";
export const BOOL: DType = "bool";
export const FLOATS = [F64, F32] as const;
export const DTYPES = [F64, F32, I32, BOOL] as const;

export const TINY = [2, 3]; // 6 elements: the unrolled path
export const LARGE = [100, 100]; // 10⁴ elements: the loop path

// ---------------------------------------------------------------------------------------
// Comparing results bit for bit.

export function leavesOf(x: unknown): [NdArray[], string] {
  const [leaves, def] = tree.flatten(x);
  return [leaves.map((l) => np.asArray(l as number)), String(def)];
}

/** Differences between two result pytrees (structure, dtype, shape, then bits); [] when identical. */
export function bitMismatches(actual: unknown, expected: unknown): string[] {
  const [a, da] = leavesOf(actual);
  const [e, de] = leavesOf(expected);
  if (da !== de) return [`structure: ${da} vs ${de}`];
  const out: string[] = [];
  e.forEach((ex, k) => {
    const ac = a[k]!;
    if (ac.dtype !== ex.dtype || ac.shape.join(",") !== ex.shape.join(",")) {
      out.push(`leaf ${k}: ${ac.dtype}[${ac.shape}] vs ${ex.dtype}[${ex.shape}]`);
      return;
    }
    const x = ac.toFloat64Array();
    const y = ex.toFloat64Array();
    for (let i = 0; i < y.length && out.length < 5; i++) {
      if (!Object.is(x[i], y[i])) out.push(`leaf ${k} element ${i}: got ${Object.is(x[i], -0) ? "-0" : x[i]}, expected ${Object.is(y[i], -0) ? "-0" : y[i]}`);
    }
  });
  return out;
}

export function expectSameBits(actual: unknown, expected: unknown, what = ""): void {
  expect(bitMismatches(actual, expected), what).toEqual([]);
}

export type Fn = (...args: any[]) => unknown;

/** jit(f) equals f on each argument list, on the first call and on a cached call. */
export function expectJitMatches(f: Fn, inputs: readonly (readonly unknown[])[]): void {
  const jf = jit(f);
  inputs.forEach((args, k) => {
    const expected = f(...args);
    expectSameBits(jf(...args), expected, `input ${k}, first call`);
    expectSameBits(jf(...args), expected, `input ${k}, cached call`);
  });
}

/** Names of the primitives an IR runs, including those in the IRs of its control flow. */
export function primNames(ir: IR, into = new Set<string>()): Set<string> {
  for (const e of ir.equations) {
    into.add(e.prim.name);
    for (const v of Object.values((e.params ?? {}) as Record<string, unknown>)) {
      if (v instanceof IR) primNames(v, into);
      else if (globalThis.Array.isArray(v)) for (const w of v) if (w instanceof IR) primNames(w, into);
    }
  }
  return into;
}

export function countPrims(ir: IR): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of ir.equations) counts[e.prim.name] = (counts[e.prim.name] ?? 0) + 1;
  return counts;
}

/** What jit generates for f at these arguments (stage, simplify, compile), and its run. */
export function generated(f: (...xs: NdArray[]) => NdArray[], args: readonly NdArray[]): { source: string; run: () => NdArray[] } {
  const closed = stage((...xs) => f(...xs), args.map((a) => ({ shape: a.shape, dtype: a.dtype })), { foldExpanding: false });
  const ir = simplify(closed.ir);
  const index = new Map(closed.ir.constVars.map((v, i) => [v, i]));
  const consts = ir.constVars.map((v) => (closed.consts[index.get(v)!] as ConcreteArray).storage.data);
  const compiled = compile(ir, consts);
  const run = () =>
    compiled(consts, args.map((a) => (a as ConcreteArray).storage.data)).map(
      (d, i) => np.array(d, { dtype: ir.outputs[i]!.aval.dtype }).reshape(ir.outputs[i]!.aval.shape),
    );
  return { source: (compiled as unknown as { source: string }).source, run };
}

// ---------------------------------------------------------------------------------------
// The corpus: every primitive, in each dtype it accepts.

export interface Case {
  name: string;
  /** Primitives the (simplified) staged program must contain. */
  covers: readonly string[];
  f: Fn;
  /** Argument lists, each a different signature (so each is traced and compiled). */
  inputs: readonly (readonly unknown[])[];
}

export const CORPUS: Case[] = [];
export const addCase = (c: Case): void => void CORPUS.push(c);

export const UNARY_FLOAT = [
  "neg", "square", "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin", "arccos",
  "arctan", "sqrt", "abs", "sign", "sigmoid", "floor",
] as const;
export const INT_UNARY = new Set(["neg", "square", "abs", "sign"]);
export const BOOL_UNARY = new Set(["square", "abs", "sign"]);

for (const op of UNARY_FLOAT) {
  const dtypes = [...FLOATS, ...(INT_UNARY.has(op) ? [I32] : []), ...(BOOL_UNARY.has(op) ? [BOOL] : [])];
  for (const dt of dtypes) {
    addCase({
      name: `${op} ${dt} (twice in one fused loop)`,
      covers: [op],
      // Only the outer result is stored: the inner one stays in the loop (rounded as stored).
      f: (x: NdArray) => np[op](np[op](x)),
      inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2)], [arr(LARGE, dt, 3)]],
    });
  }
}

for (const dt of DTYPES) {
  addCase({
    name: `logicalNot ${dt}`,
    covers: ["logicalNot"],
    f: (x: NdArray) => np.logicalNot(x),
    inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2)], [arr(LARGE, dt, 3)]],
  });
}

export const BINARY_SHAPES: readonly (readonly [number[], number[]])[] = [
  [[], [3]],
  [[3, 1], [1, 4]],
  [[2, 3, 4], [4]],
  [[4], []],
  [[100, 1], [1, 100]],
  [[10000], []],
];

export const BINARY: readonly [string, readonly DType[], (x: NdArray, y: NdArray) => NdArray, Kind][] = [
  ["add", [F64, F32, I32], np.add, "special"],
  ["sub", [F64, F32, I32], np.sub, "special"],
  ["mul", [F64, F32, I32, BOOL], np.mul, "special"],
  ["div", [F64, F32], np.div, "special"],
  ["pow", [F64, F32], np.pow, "special"],
  ["arctan2", [F64, F32], np.arctan2, "special"],
  ["maximum", [F64, F32, I32, BOOL], np.maximum, "special"],
  ["minimum", [F64, F32, I32, BOOL], np.minimum, "special"],
  ["equal", DTYPES, np.equal, "ties"],
  ["notEqual", DTYPES, np.notEqual, "ties"],
  ["less", DTYPES, np.less, "ties"],
  ["lessEqual", DTYPES, np.lessEqual, "ties"],
  ["greater", DTYPES, np.greater, "ties"],
  ["greaterEqual", DTYPES, np.greaterEqual, "ties"],
  ["logicalAnd", DTYPES, np.logicalAnd, "ties"],
  ["logicalOr", DTYPES, np.logicalOr, "ties"],
];

for (const [op, dtypes, fn, kind] of BINARY) {
  for (const dt of dtypes) {
    addCase({
      name: `${op} ${dt} (broadcasting; alone, and twice in one fused loop)`,
      covers: [op],
      // fn(y, x) is not fn(x, y): it is not merged with the first output, so stays in the loop.
      f: (x: NdArray, y: NdArray) => [fn(x, y), fn(fn(y, x), x)],
      inputs: BINARY_SHAPES.map(([a, b]) => [arr(a, dt, 1, kind), arr(b, dt, 2, kind)]),
    });
  }
}

addCase({
  name: "add of bools (binds logicalOr), int32 with special values",
  covers: ["logicalOr", "add"],
  f: (p: NdArray, q: NdArray, i: NdArray, j: NdArray) => [np.add(p, q), np.add(i, j)],
  inputs: [
    [arr(TINY, BOOL, 1), arr([3], BOOL, 2), arr(TINY, I32, 3), arr([], I32, 4)],
    [arr(LARGE, BOOL, 1), arr([100], BOOL, 2), arr(LARGE, I32, 3), arr([1], I32, 4)],
  ],
});

for (const dt of DTYPES) {
  addCase({
    name: `select ${dt} (np.where, broadcasting condition and branches)`,
    covers: ["select"],
    f: (c: NdArray, x: NdArray, y: NdArray) => np.where(c, x, y),
    inputs: [
      [arr([3, 1], BOOL, 1), arr([1, 4], dt, 2), arr([], dt, 3)],
      [arr([], BOOL, 1), arr([5], dt, 2), arr([5], dt, 3)],
      [arr([100, 1], BOOL, 4), arr(LARGE, dt, 5), arr([100], dt, 6)],
    ],
  });
}

for (const dt of DTYPES) {
  addCase({
    name: `convert from ${dt} to every dtype, and through every dtype inside a fused loop`,
    covers: ["convert"],
    f: (x: NdArray) => {
      // A view of x: its conversions are not the outputs above, so x → d → e stays in one loop.
      const column = x.reshape([...x.shape, 1]);
      const others = DTYPES.filter((d) => d !== x.dtype);
      const through = others.flatMap((d) => DTYPES.filter((e) => e !== d).map((e) => np.astype(np.astype(column, d), e)));
      return [...DTYPES.map((d) => np.astype(x, d)), ...through];
    },
    inputs: [[arr([], dt, 1)], [arr(TINY, dt, 2)], [arr(LARGE, dt, 3)]],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `stop_gradient ${dt} (value, and no gradient through it)`,
    covers: ["stop_gradient"],
    f: (x: NdArray) => [stopGradient(np.sin(x)).mul(x), grad((y: NdArray) => stopGradient(y.mul(y)).mul(y).sum())(x)],
    inputs: [[arr(TINY, dt, 1, "plain")], [arr(LARGE, dt, 2, "plain")]],
  });
}

// Reductions over trailing axes (fused loop), leading and middle axes (kernel), all axes.
export const REDUCE_SHAPES = [[2, 2, 3], [3, 4, 5], [20, 25, 20]];
for (const op of ["sum", "prod", "max", "min"] as const) {
  for (const dt of DTYPES) {
    for (const kind of ["plain", "special"] as const) {
      if (kind === "special" && dt === BOOL) continue;
      addCase({
        name: `reduce_${op} ${dt} ${kind} (trailing, leading, middle and all axes)`,
        covers: dt === BOOL && op === "prod" ? ["reduce_prod", "convert"] : [`reduce_${op}`],
        f: (x: NdArray) => [
          np[op](x, { axis: -1 }),
          np[op](x, { axis: [1, 2] }),
          np[op](x, { axis: 0 }),
          np[op](x, { axis: 1 }),
          np[op](x, { axis: [0, 2] }),
          np[op](x),
          np[op](x, { axis: 1, keepdims: true }),
        ],
        inputs: REDUCE_SHAPES.map((s, k) => [arr(s, dt, k, kind)]),
      });
    }
  }
}

for (const op of ["argmax", "argmin"] as const) {
  for (const dt of [F64, F32, I32]) {
    addCase({
      name: `${op} ${dt} (ties and NaN)`,
      covers: [op],
      f: (x: NdArray) => [np[op](x), np[op](x, { axis: 0 }), np[op](x, { axis: 1 }), np[op](x, { axis: -1 })],
      inputs: [[arr([2, 2, 3], dt, 1, "ties")], [arr([20, 25, 20], dt, 2, "ties")], [arr([20, 25, 20], dt, 3, "special")]],
    });
  }
}

for (const dt of [F64, F32, I32]) {
  addCase({
    name: `matmul ${dt} (broadcast batches, vector operands)`,
    covers: ["matmul"],
    f: (a: NdArray, b: NdArray) => np.matmul(a, b),
    inputs: [
      [arr([3, 4], dt, 1, "plain"), arr([4, 2], dt, 2, "plain")],
      [arr([2, 1, 3, 4], dt, 3, "plain"), arr([5, 4, 2], dt, 4, "plain")],
      [arr([4], dt, 5, "plain"), arr([4, 3], dt, 6, "plain")],
      [arr([100, 100], dt, 7, "special"), arr([100, 100], dt, 8, "plain")],
    ],
  });
}

for (const dt of DTYPES) {
  addCase({
    name: `views ${dt}: reshape, transpose, broadcast_to, slice inside one fused loop`,
    covers: ["reshape", "transpose", "broadcast_to", "slice"],
    f: (x: NdArray) => {
      const [r, c] = x.shape as [number, number];
      const flipped = x.slice([null, null, -1], [1, null, 2]);
      return [
        np.maximum(x.T.reshape([1, c, 1, r]), x.reshape([c, r]).reshape([1, c, 1, r])),
        np.maximum(np.broadcastTo(x.reshape([r, 1, c]), [r, 3, c]), flipped.reshape([r, 1, -1]).slice(null, null, [null, null, -1]).sum({ axis: -1, keepdims: true })),
        x.slice([r - 1, 0, -2], [c - 1, null, -3]),
      ];
    },
    inputs: [[arr([4, 4], dt, 1)], [arr([100, 101], dt, 2)]],
  });
}

for (const dt of DTYPES) {
  addCase({
    name: `pad ${dt} (x.at(...).set, np.diag)`,
    covers: ["pad", "select"],
    f: (x: NdArray, v: NdArray, s: NdArray) => [
      x.at([1, null, 2], [null, null, -3]).set(x.slice([1, null, 2], [null, null, -3]).abs()),
      x.at(null, [0, null, 3]).set(s),
      np.diag(v, { k: 2 }),
      np.diag(v, { k: -1 }),
    ],
    inputs: [
      [arr([4, 5], dt, 1), arr([5], dt, 2), arr([], dt, 3)],
      [arr([40, 300], dt, 4), arr([100], dt, 5), arr([], dt, 6)],
    ],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `pad ${dt} (the gradient of strided slices)`,
    covers: ["pad"],
    f: grad((x: NdArray) => x.slice([1, null, 3]).sin().sum().add(x.slice([null, null, -2]).square().sum())),
    inputs: [[arr([7], dt, 1, "plain")], [arr([10000], dt, 2, "plain")]],
  });
}

for (const dt of DTYPES) {
  addCase({
    name: `concatenate ${dt}`,
    covers: ["concatenate"],
    f: (x: NdArray, y: NdArray) => [np.concatenate([x, y, x], { axis: 1 }), np.concatenate([x.T, y.T])],
    inputs: [[arr([2, 3], dt, 1), arr([2, 2], dt, 2)], [arr([100, 60], dt, 3), arr([100, 40], dt, 4)]],
  });
}

for (const dt of [F64, F32, I32]) {
  addCase({
    name: `take ${dt} (repeated and negative indices)`,
    covers: ["take"],
    f: (x: NdArray, i: NdArray) => [np.take(x, i, { axis: 1 }), np.take(x, i), np.take(x, i, { axis: 0 }).abs()],
    inputs: [
      [arr([3, 4], dt, 1), np.array([2, 0, 2, -1, -3], { dtype: "int32" })],
      [arr([100, 100], dt, 2), np.array([[99, 0], [-100, 5], [5, 5]], { dtype: "int32" })],
    ],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `scatter_add ${dt} (the gradient of take)`,
    covers: ["scatter_add", "take"],
    f: (x: NdArray, i: NdArray) => grad((y: NdArray) => np.take(y, i, { axis: 1 }).sin().sum())(x),
    inputs: [
      [arr([3, 4], dt, 1, "plain"), np.array([3, 0, 3, -1], { dtype: "int32" })],
      [arr([100, 100], dt, 2, "plain"), np.array([[99, 0], [-100, 5], [5, 5]], { dtype: "int32" })],
    ],
  });
}

for (const dt of [F64, F32, I32]) {
  addCase({
    name: `argsort ${dt} (np.sort, np.argsort; ties and NaN)`,
    covers: ["argsort"],
    f: (x: NdArray) => [np.sort(x), np.argsort(x, { axis: 0 })],
    inputs: [[arr([3, 4], dt, 1, "ties")], [arr([100, 100], dt, 2, "special")]],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `random_bits and random_uniform ${dt} (a key argument)`,
    covers: ["random_bits", "random_uniform"],
    f: (key: NdArray, x: NdArray) => {
      const [k1, k2] = random.split(key);
      return [random.uniform(k1!, x.shape, { dtype: x.dtype }).mul(x), random.normal(k2!, [3], { dtype: x.dtype }), random.split(k2!, 4)];
    },
    inputs: [[random.key(7), arr(TINY, dt, 1)], [random.key(8), arr(LARGE, dt, 2)]],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `cond ${dt} (predicate computed inside, branches closing over a traced value)`,
    covers: ["cond"],
    f: (x: NdArray, y: NdArray) =>
      cond(x.sum().greater(0), (v: NdArray) => v.sin().mul(y), (v: NdArray) => v.square().add(y.exp()), x),
    inputs: [
      [arr([3], dt, 1, "plain"), arr([3], dt, 2, "plain")],
      [arr([3], dt, 1, "plain").neg(), arr([3], dt, 2, "plain")],
      [arr(LARGE, dt, 3, "plain"), arr([100], dt, 4, "plain")],
    ],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `while ${dt} (whileLoop with an int32 counter and a data-dependent stop; foriLoop with traced bounds)`,
    covers: ["while"],
    f: (x: NdArray, n: NdArray) => [
      whileLoop(
        ([i, v]: [NdArray, NdArray]) => np.logicalAnd(np.less(i, 50), np.less(v.abs().sum(), 1e3)),
        ([i, v]: [NdArray, NdArray]) => [i.add(1), v.mul(1.5).add(x.cos())],
        [np.array(0, { dtype: "int32" }), x],
      ),
      foriLoop(np.array(0, { dtype: "int32" }), n, (i: NdArray, v: NdArray) => v.sin().add(np.astype(i, x.dtype).mul(x)), x),
    ],
    inputs: [
      [arr([3], dt, 1, "plain"), np.array(4, { dtype: "int32" })],
      [arr(LARGE, dt, 2, "plain").mul(0.01), np.array(3, { dtype: "int32" })],
    ],
  });
}

for (const dt of FLOATS) {
  for (const reverse of [false, true]) {
    addCase({
      name: `scan ${dt} reverse=${reverse} (carry, stacked outputs, closed-over weights; foriLoop with numeric bounds)`,
      covers: ["scan"],
      f: (c0: NdArray, xs: NdArray, w: NdArray) => [
        scan((c: NdArray, x: NdArray) => [c.mul(x.cos()).add(w.mul(c.sin())), c.mul(x)], c0, xs, { reverse }),
        foriLoop(0, 5, (i: NdArray, v: NdArray) => v.sin().add(np.astype(i, v.dtype)), c0),
      ],
      inputs: [
        [arr([2], dt, 1, "plain"), arr([5, 2], dt, 2, "plain"), arr([2], dt, 3, "plain")],
        [arr([], dt, 1, "plain"), arr([7], dt, 2, "plain"), arr([], dt, 3, "plain")],
        [arr([100], dt, 4, "plain"), arr([30, 100], dt, 5, "plain"), arr([100], dt, 6, "plain")],
      ],
    });
  }
}

export const mulSin = customJvp(
  (x: NdArray, y: NdArray) => np.mul(np.sin(x), y),
  ([x, y], [tx, ty]) => [np.mul(np.sin(x), y), np.add(np.mul(np.mul(np.cos(x), tx), y), np.mul(np.sin(x), ty))],
);
export const expClipped = customVjp(
  (x: NdArray) => np.exp(x),
  (x: NdArray) => [np.exp(x), np.exp(x)],
  (e: NdArray, g: NdArray) => [np.clip(np.mul(g, e), -1, 1)],
);

for (const dt of FLOATS) {
  addCase({
    name: `custom_jvp_call and custom_vjp_call ${dt} (values and gradients)`,
    covers: ["custom_jvp_call", "custom_vjp_call"],
    f: (x: NdArray, y: NdArray) => [
      mulSin(x, y),
      expClipped(x),
      grad((u: NdArray) => mulSin(u, y).sum().add(expClipped(u).sum()))(x),
    ],
    inputs: [[arr(TINY, dt, 1, "plain"), arr(TINY, dt, 2, "plain")], [arr(LARGE, dt, 3, "plain"), arr(LARGE, dt, 4, "plain")]],
  });
}

for (const dt of FLOATS) {
  addCase({
    name: `linear algebra ${dt}: cholesky, triangular and LU solves, slogdet, det, eigh, qr, and their gradients`,
    covers: ["cholesky", "triangular_solve", "lu_solve", "slogdet", "det", "eigh", "qr"],
    f: (m: NdArray, b: NdArray) => {
      const n = m.shape[m.ndim - 1]!;
      const spd = (u: NdArray) => u.matmul(np.swapaxes(u, -1, -2)).add(np.eye(n, { dtype: u.dtype }).mul(n));
      const a = spd(m);
      const l = linalg.cholesky(a);
      const scalar = (u: NdArray) => {
        const s = spd(u);
        return linalg.slogdet(s)[1].sum().add(linalg.det(s).sum()).add(linalg.solve(s, b).sum()).add(linalg.cholesky(s).sum())
          .add(linalg.eigh(s)[0].sum()).add(linalg.qr(u)[1].sum());
      };
      return [l, linalg.triangularSolve(l, b), linalg.solve(a, b), linalg.slogdet(a), linalg.det(a), linalg.eigh(a), linalg.qr(m), grad(scalar)(m)];
    },
    inputs: [
      [arr([3, 3], dt, 1, "plain"), arr([3], dt, 2, "plain")],
      [arr([2, 4, 4], dt, 3, "plain"), arr([4], dt, 4, "plain")],
      [arr([30, 30], dt, 5, "plain"), arr([30], dt, 6, "plain")],
    ],
  });
}
