// The primitive corpus: cases that reach every registered primitive through the public
// `np` op (or function) that binds it, on random inputs of random shapes drawn by
// fast-check. Shared by the property tests (transforms/primitives.property.test.ts:
// derivatives and batching) and the eval-free test (core/evalfree.test.ts: interpreted
// kernels against compiled ones, bit for bit). A plain module, without vitest, so that a
// child process can load it too.

import fc from "fast-check";
import {
  cond, customJvp, customVjp, foriLoop, grad, linalg, np, random, scan, stopGradient, whileLoop,
  type Array, type DType, type Tree,
} from "nabla";
import { bind, currentInterpreter, withInterpreter, type Interpreter } from "../../packages/nabla/src/core/index.js";

// ---------------------------------------------------------------------------------------
// Random data, as plain numbers (readable counterexamples), turned into Arrays on use.

export interface Raw {
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly dtype: DType;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

export function toArray(r: Raw): Array {
  return np.reshape(np.array([...r.data], { dtype: r.dtype }), r.shape);
}

function raw(shape: readonly number[], values: fc.Arbitrary<number>, dtype: DType = "float64"): fc.Arbitrary<Raw> {
  const n = sizeOf(shape);
  return fc.array(values, { minLength: n, maxLength: n }).map((data) => ({ shape, data, dtype }));
}

const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** Floats in [lo, hi]. */
export const floats = (shape: readonly number[], lo = -2, hi = 2, dtype: DType = "float64") => raw(shape, real(lo, hi), dtype);

/** Floats with |x| in [lo, hi], either sign: away from 0. */
export const nonzero = (shape: readonly number[], lo = 0.3, hi = 2) =>
  raw(shape, fc.tuple(fc.boolean(), real(lo, hi)).map(([negative, m]) => (negative ? -m : m)));

/**
 * Distinct values on the grid k/10 + offset: no two elements of one array tie, and none
 * is within 0.03 of an integer (0 included), so max/min/abs/sign/floor/sort are smooth
 * there. Two arrays with offsets 0.03 and 0.08 never tie with each other either.
 */
export function gapped(shape: readonly number[], offset = 0.03, range = 30): fc.Arbitrary<Raw> {
  const n = sizeOf(shape);
  return fc
    .uniqueArray(fc.integer({ min: -range, max: range }), { minLength: n, maxLength: n })
    .map((ks) => ({ shape, data: ks.map((k) => k / 10 + offset), dtype: "float64" as DType }));
}

const bools = (shape: readonly number[]) => raw(shape, fc.boolean().map((b) => (b ? 1 : 0)), "bool");
const ints = (shape: readonly number[], lo: number, hi: number) => raw(shape, fc.integer({ min: lo, max: hi }), "int32");
/** A PRNG key: any two int32 words. */
const keyRaw = () => ints([2], -(2 ** 31), 2 ** 31 - 1);

/** Shapes of rank minRank..maxRank with dims 1–3. */
export const dims = (minRank = 0, maxRank = 3) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: minRank, maxLength: maxRank });

/** k broadcast-compatible shapes: trailing parts of one base shape, some dims set to 1. */
export function compatibleShapes(k: number, maxRank = 3): fc.Arbitrary<number[][]> {
  return fc
    .record({
      base: dims(0, maxRank),
      drops: fc.array(fc.nat(maxRank), { minLength: k, maxLength: k }),
      ones: fc.array(fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }), { minLength: k, maxLength: k }),
    })
    .map(({ base, drops, ones }) =>
      drops.map((d, j) => base.slice(Math.min(d, base.length)).map((n, i) => (ones[j]![i] ? 1 : n))),
    );
}

/** A random permutation of 0..n-1 (fast-check shuffles it, so it shrinks). */
const permutation = (n: number) =>
  fc.shuffledSubarray([...globalThis.Array(n).keys()] as number[], { minLength: n, maxLength: n });

// ---------------------------------------------------------------------------------------
// Recording which primitives a computation binds.

/**
 * Runs `fn` under an interpreter that notes the name of every primitive bound and then
 * binds it below; transformations started inside `fn` sit above it, so what they bind
 * (derivative rules, backward passes) is seen too.
 */
export function recordPrims(fn: () => unknown): Set<string> {
  const seen = new Set<string>();
  const below = currentInterpreter();
  const recorder: Interpreter = {
    name: "record",
    process(prim, args, params) {
      seen.add(prim.name);
      return withInterpreter(below, () => bind(prim, args, params));
    },
  };
  withInterpreter(recorder, fn);
  return seen;
}

// ---------------------------------------------------------------------------------------
// The cases.

export type Fn = (...args: Array[]) => Tree;
type Mode = "fwd" | "rev";

export interface GradConfig<S> {
  modes?: readonly Mode[];
  order?: number;
  eps?: number;
  rtol?: number;
  atol?: number;
  /** What to record instead of f, e.g. a gradient (for primitives bound by backward passes). */
  probe?: (s: S) => Fn;
  /** Primitives this derivative check covers (default: the case's). */
  covers?: readonly string[];
}

export interface BatchConfig<S> {
  /** The function to batch (default: the case's f). */
  f?: (s: S) => Fn;
  covers?: readonly string[];
}

export interface Case<S> {
  title: string;
  covers: readonly string[];
  /** Shapes and static parameters. */
  spec: fc.Arbitrary<S>;
  /** One arbitrary per argument of f; float arguments are differentiated, others held fixed. */
  args: (s: S) => readonly fc.Arbitrary<Raw>[];
  f: (s: S) => Fn;
  grad?: GradConfig<S> | false;
  batch?: BatchConfig<S> | false;
  runs?: number;
}

export const CASES: Case<any>[] = [];
export const addCase = <S>(c: Case<S>): void => void CASES.push(c);

export const sin = np.sin;

// --- elementwise unary ---------------------------------------------------------------

type UnaryName = "neg" | "square" | "exp" | "log" | "log1p" | "expm1" | "sin" | "cos" | "tan" | "tanh" | "sinh" | "cosh"
  | "arcsin" | "arccos" | "arctan" | "sqrt" | "abs" | "sigmoid";

const UNARY: readonly [UnaryName, (shape: readonly number[]) => fc.Arbitrary<Raw>][] = [
  ["neg", (s) => floats(s)],
  ["square", (s) => floats(s)],
  ["exp", (s) => floats(s)],
  ["log", (s) => floats(s, 0.2, 3)],
  ["log1p", (s) => floats(s, -0.5, 3)],
  ["expm1", (s) => floats(s)],
  ["sin", (s) => floats(s, -3, 3)],
  ["cos", (s) => floats(s, -3, 3)],
  ["tan", (s) => floats(s, -1.2, 1.2)],
  ["tanh", (s) => floats(s)],
  ["sinh", (s) => floats(s)],
  ["cosh", (s) => floats(s)],
  ["arcsin", (s) => floats(s, -0.9, 0.9)],
  ["arccos", (s) => floats(s, -0.9, 0.9)],
  ["arctan", (s) => floats(s, -3, 3)],
  ["sqrt", (s) => floats(s, 0.2, 3)],
  ["abs", (s) => gapped(s)],
  ["sigmoid", (s) => floats(s, -3, 3)],
];

for (const [name, domain] of UNARY) {
  addCase({
    title: `${name} (np.${name})`,
    covers: [name],
    spec: dims(),
    args: (s) => [domain(s)],
    f: () => (x) => np[name](x),
  });
}

// sign and floor are flat where smooth: their derivative is zero, and a product rule
// around them shows it (an identity-like rule would add a term finite differences lack).
for (const name of ["sign", "floor"] as const) {
  addCase({
    title: `${name} (np.${name}, zero derivative away from its jumps)`,
    covers: [name],
    spec: dims(),
    args: (s) => [gapped(s, 0.03, 25)],
    f: () => (x) => np.mul(np[name](x), np.exp(x)),
    batch: { f: () => (x) => np[name](x) },
  });
}

addCase({
  title: "logicalNot (np.logicalNot, as the mask of np.where)",
  covers: ["logicalNot"],
  spec: dims(),
  args: (s) => [gapped(s)],
  f: () => (x) => np.where(np.logicalNot(np.greater(x, 0)), sin(x), np.mul(x, x)),
  // floor gives exact zeros, so both outcomes occur.
  batch: { f: () => (x) => np.logicalNot(np.floor(x)) },
});

// --- elementwise binary, broadcasting ----------------------------------------------------

type BinaryName = "add" | "sub" | "mul" | "div" | "pow" | "arctan2" | "maximum" | "minimum";
/** Draws an argument of the given shape. */
export type Domain = (shape: readonly number[]) => fc.Arbitrary<Raw>;

const BINARY: readonly [BinaryName, Domain, Domain][] = [
  ["add", (s) => floats(s), (s) => floats(s)],
  ["sub", (s) => floats(s), (s) => floats(s)],
  ["mul", (s) => floats(s), (s) => floats(s)],
  ["div", (s) => floats(s), (s) => nonzero(s, 0.5, 2)],
  ["pow", (s) => floats(s, 0.5, 2), (s) => floats(s)],
  // arctan2(y, x) away from the origin and from its cut along y = 0, x < 0.
  ["arctan2", (s) => nonzero(s), (s) => floats(s)],
  ["maximum", (s) => gapped(s, 0.03), (s) => gapped(s, 0.08)],
  ["minimum", (s) => gapped(s, 0.03), (s) => gapped(s, 0.08)],
];

for (const [name, dx, dy] of BINARY) {
  addCase({
    title: `${name} (np.${name}, broadcasting)`,
    covers: [name],
    spec: compatibleShapes(2),
    args: ([a, b]: number[][]) => [dx(a!), dy(b!)],
    f: () => (x, y) => np[name](x, y),
  });
}

// Comparisons: bool outputs. Derivatives are checked around them (the mask of a where);
// the mask compares floors, which tie often, and is constant near the inputs.
export type CompareName = "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual";
for (const name of ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"] as const satisfies readonly CompareName[]) {
  addCase({
    title: `${name} (np.${name}, as the mask of np.where)`,
    covers: [name],
    spec: compatibleShapes(2),
    args: ([a, b]: number[][]) => [gapped(a!, 0.03, 25), gapped(b!, 0.08, 25)],
    f: () => (x, y) => np.where(np[name](np.floor(x), np.floor(y)), np.mul(sin(x), y), np.sub(x, np.mul(y, y))),
    batch: { f: () => (x, y) => np[name](np.floor(x), np.floor(y)) },
  });
}

for (const name of ["logicalAnd", "logicalOr"] as const) {
  addCase({
    title: `${name} (np.${name}, as the mask of np.where)`,
    covers: [name],
    spec: compatibleShapes(2),
    args: ([a, b]: number[][]) => [gapped(a!), gapped(b!, 0.08)],
    f: () => (x, y) => np.where(np[name](np.greater(x, 0), np.less(y, 0)), np.mul(np.exp(x), y), np.add(x, np.cos(y))),
    // Floats as truth values (nonzero is true); floor gives zeros.
    batch: { f: () => (x, y) => np[name](np.floor(x), np.floor(y)) },
  });
}

addCase({
  title: "select (np.where, broadcasting condition and branches)",
  covers: ["select"],
  spec: compatibleShapes(3),
  args: ([c, a, b]: number[][]) => [bools(c!), floats(a!), floats(b!)],
  f: () => (c, x, y) => np.where(c, np.mul(x, x), np.sin(y)),
});

addCase({
  title: "convert (astype float32 → float64 → float32)",
  covers: ["convert"],
  spec: dims(),
  args: (s) => [floats(s, -2, 2, "float32")],
  f: () => (x) => np.astype(np.sin(np.astype(x, "float64")), "float32"),
});

addCase({
  title: "convert (astype float64 → float32 → float64, loose tolerance)",
  covers: ["convert"],
  spec: dims(),
  args: (s) => [floats(s)],
  f: () => (x) => np.astype(np.exp(np.astype(x, "float32")), "float64"),
  // float32 rounding (~6e-8 relative) would swamp differences over float64's default step
  // of 1e-5; a step of 1e-2 leaves ~1e-5 of rounding and ~1e-4 of truncation error.
  grad: { eps: 1e-2, rtol: 1e-3, atol: 1e-4 },
});

addCase({
  title: "convert (astype to int32 and back: piecewise constant, no derivative)",
  covers: ["convert"],
  spec: dims(),
  args: (s) => [gapped(s, 0.03, 25)],
  f: () => (x) => np.mul(np.exp(x), np.astype(np.astype(x, "int32"), "float64")),
});

addCase({
  title: "stop_gradient (batching)",
  covers: ["stop_gradient"],
  spec: dims(),
  args: (s) => [floats(s)],
  f: () => (x) => np.mul(x, stopGradient(np.sin(x))),
  grad: false, // derivatives: see the dedicated test below (AD and finite differences differ by design)
});

// --- reductions ------------------------------------------------------------------------

interface ReduceSpec {
  shape: number[];
  axis: number | number[] | null;
  keepdims: boolean;
}

const reduceSpec: fc.Arbitrary<ReduceSpec> = dims().chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axis: fc.oneof(
      fc.constant(null),
      fc.subarray([...shape.keys()]),
      shape.length ? fc.integer({ min: -shape.length, max: shape.length - 1 }) : fc.constant(null),
    ),
    keepdims: fc.boolean(),
  }),
);

const REDUCE: readonly ["sum" | "prod" | "max" | "min", Domain][] = [
  ["sum", (s) => floats(s)],
  ["prod", (s) => nonzero(s, 0.5, 1.5)],
  ["max", (s) => gapped(s)],
  ["min", (s) => gapped(s)],
];

for (const [name, domain] of REDUCE) {
  addCase({
    title: `reduce_${name} (np.${name} over random axes, keepdims)`,
    covers: [`reduce_${name}`],
    spec: reduceSpec,
    args: (s: ReduceSpec) => [domain(s.shape)],
    f: ({ axis, keepdims }: ReduceSpec) => (x) => np[name](x, { axis, keepdims }),
  });
}

// prod is a polynomial: smooth at zeros too, where its rule takes special paths.
addCase({
  title: "reduce_prod with exact zeros (first order)",
  covers: ["reduce_prod"],
  spec: reduceSpec,
  args: (s: ReduceSpec) => [raw(s.shape, fc.oneof(fc.constant(0), real(-1.5, 1.5)))],
  f: ({ axis, keepdims }: ReduceSpec) => (x) => np.prod(x, { axis, keepdims }),
  grad: { order: 1 },
  batch: false,
});

interface ArgSpec {
  shape: number[];
  axis: number | undefined;
}

const argSpec: fc.Arbitrary<ArgSpec> = dims(1, 3).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axis: fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }),
  }),
);

for (const name of ["argmax", "argmin"] as const) {
  addCase({
    title: `${name} (np.${name}; derivatives of the element it picks)`,
    covers: [name],
    spec: argSpec,
    args: (s: ArgSpec) => [gapped(s.shape)],
    // The picked element is the max (min): differentiable, with the index held fixed.
    f: () => (x) => np.mul(np.take(x, np[name](x)), np.sum(np.sin(x))),
    batch: { f: ({ axis }: ArgSpec) => (x) => np[name](x, { axis }) },
  });
}

addCase({
  title: "argsort (np.sort = take at np.argsort; np.argsort)",
  covers: ["argsort"],
  spec: argSpec,
  args: (s: ArgSpec) => [gapped(s.shape)],
  f: ({ axis }: ArgSpec) => (x) => np.mul(np.sort(x, { axis: axis ?? -1 }), np.arange(sizeOf(x.shape)).reshape(x.shape)),
  batch: { f: ({ axis }: ArgSpec) => (x) => np.argsort(x, { axis: axis ?? -1 }) },
});

// --- layout ----------------------------------------------------------------------------

addCase({
  title: "reshape (np.reshape to a new rank)",
  covers: ["reshape"],
  spec: dims(),
  args: (s) => [floats(s)],
  f: () => (x) => sin(np.reshape(x, [1, ...[...x.shape].reverse()])),
});

interface PermSpec {
  shape: number[];
  perm: number[];
}

addCase({
  title: "transpose (np.transpose, random non-identity permutation)",
  covers: ["transpose"],
  spec: dims(2, 3).chain((shape) =>
    permutation(shape.length).map((perm) => ({ shape, perm: perm.every((p, i) => p === i) ? [...perm].reverse() : perm })),
  ),
  args: (s: PermSpec) => [floats(s.shape)],
  f: ({ perm }: PermSpec) => (x) => sin(np.transpose(x, perm)),
});

interface BroadcastSpec {
  from: number[];
  to: number[];
}

addCase({
  title: "broadcast_to (np.broadcastTo: new leading axes and stretched size-1 axes)",
  covers: ["broadcast_to"],
  spec: fc.record({ lead: fc.integer({ min: 1, max: 2 }), shapes: compatibleShapes(1) }).chain(({ lead, shapes }) =>
    dims(lead, lead).map((extra) => {
      const from = shapes[0]!;
      return { from, to: [...extra, ...from.map((d) => (d === 1 ? 3 : d))] };
    }),
  ),
  args: (s: BroadcastSpec) => [floats(s.from)],
  f: ({ to }: BroadcastSpec) => (x) => sin(np.broadcastTo(x, to)),
});

type Spec1 = number | readonly [number | null, number | null, number];

interface SliceSpecs {
  shape: number[];
  specs: Spec1[];
}

/** Basic-indexing specs (single indices, ranges with steps of either sign), never the whole array. */
const sliceSpecs = (positiveSteps = false): fc.Arbitrary<SliceSpecs> =>
  dims(1, 3).chain((shape) =>
    fc
      .tuple(
        ...shape.map((n) =>
          fc.oneof(
            fc.integer({ min: -n, max: n - 1 }).map((i): Spec1 => i),
            fc
              .record({
                start: fc.integer({ min: 0, max: n - 1 }),
                step: fc.constantFrom(...(positiveSteps ? [1, 2] : [1, 2, -1, -2])),
                len: fc.nat(),
              })
              .map(({ start, step, len }): Spec1 => {
                const most = step > 0 ? Math.ceil((n - start) / step) : Math.floor(start / -step) + 1;
                const m = 1 + (len % most);
                const stop = start + m * step;
                return [start, stop < 0 ? null : stop, step];
              }),
          ),
        ),
      )
      .map((specs) => {
        const whole = specs.every((sp, d) =>
          typeof sp === "number" ? shape[d] === 1 : sp[0] === 0 && sp[2] === 1 && (sp[1] ?? 0) >= shape[d]!,
        );
        // A whole window binds no slice: reverse (or step through) axis 0 instead.
        if (whole) specs[0] = positiveSteps ? [0, shape[0]!, 2] : [null, null, -1];
        return { shape, specs };
      }),
  );

addCase({
  title: "slice (np.slice: indices, ranges, negative steps)",
  covers: ["slice"],
  spec: sliceSpecs(),
  args: (s: SliceSpecs) => [floats(s.shape)],
  f: ({ specs }: SliceSpecs) => (x) => sin(np.slice(x, ...specs)),
});

/** Shape of the window the specs pick, without the axes picked by a single index. */
function windowShape({ shape, specs }: SliceSpecs): number[] {
  return specs.flatMap((sp, d) => {
    if (typeof sp === "number") return [];
    const [start0, stop, step] = sp;
    const start = start0 ?? (step > 0 ? 0 : shape[d]! - 1);
    const n = shape[d]!;
    const end = stop ?? -1;
    return [step > 0 ? Math.ceil((Math.min(end, n) - start) / step) : Math.ceil((start - end) / -step)];
  });
}

addCase({
  title: "pad (np.diag of a vector, with offsets)",
  covers: ["pad"],
  spec: fc.record({ n: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: -2, max: 2 }) }),
  args: ({ n }: { n: number; k: number }) => [floats([n])],
  f: ({ k }: { n: number; k: number }) => (v) => sin(np.diag(v, { k })),
});

for (const op of ["set", "add"] as const) {
  addCase({
    title: `pad (x.at(...).${op}(v) over a random window)`,
    covers: op === "set" ? ["pad", "select"] : ["pad"],
    spec: sliceSpecs().chain((s) =>
      fc.constantFrom(...windowShape(s).map((_, i, w) => w.slice(i)), []).map((vShape) => ({ ...s, vShape })),
    ),
    args: (s: SliceSpecs & { vShape: number[] }) => [floats(s.shape), floats(s.vShape)],
    f: ({ specs }: SliceSpecs & { vShape: number[] }) => (x, v) => sin(x.at(...specs)[op](np.mul(v, v))),
  });
}

interface ConcatSpec {
  shapes: number[][];
  axis: number;
}

addCase({
  title: "concatenate (np.concatenate of 2–3 arrays along a random axis)",
  covers: ["concatenate"],
  spec: dims(1, 3).chain((base) =>
    fc.record({
      axis: fc.integer({ min: 0, max: base.length - 1 }),
      sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
    }).map(({ axis, sizes }) => ({ axis, shapes: sizes.map((n) => base.map((d, i) => (i === axis ? n : d))) })),
  ),
  args: (s: ConcatSpec) => s.shapes.map((sh) => floats(sh)),
  f: ({ axis }: ConcatSpec) => (...xs) => sin(np.concatenate(xs, { axis })),
});

interface TakeSpec {
  shape: number[];
  axis: number | undefined;
  idxShape: number[];
}

const takeFn = ({ axis }: TakeSpec) => (x: Array, idx: Array) => np.take(x, idx, { axis });

addCase({
  title: "take and scatter_add (np.take with repeated and negative indices; its gradient scatters)",
  covers: ["take", "scatter_add"],
  spec: fc.record({ shape: dims(1, 3), idxShape: dims(0, 2) }).chain(({ shape, idxShape }) =>
    fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }).map((axis) => ({ shape, axis, idxShape })),
  ),
  args: (s: TakeSpec) => {
    const n = s.axis === undefined ? sizeOf(s.shape) : s.shape[s.axis < 0 ? s.axis + s.shape.length : s.axis]!;
    return [floats(s.shape), ints(s.idxShape, -n, n - 1)];
  },
  f: (s: TakeSpec) => (x, idx) => sin(takeFn(s)(x, idx)),
  grad: { probe: (s: TakeSpec) => (x, idx) => grad((y: Array) => np.sum(sin(takeFn(s)(y, idx))))(x) },
  // Batched: the value and the gradient, so scatter_add's batching rule runs too.
  batch: {
    f: (s: TakeSpec) => (x, idx) => [takeFn(s)(x, idx), grad((y: Array) => np.sum(np.mul(sin(takeFn(s)(y, idx)), np.cos(takeFn(s)(y, idx)))))(x)],
  },
});

// --- linear algebra --------------------------------------------------------------------

interface MatmulSpec {
  a: number[];
  b: number[];
}

addCase({
  title: "matmul (np.matmul: broadcast batches, vector operands)",
  covers: ["matmul"],
  spec: fc
    .record({
      batches: compatibleShapes(2, 2),
      mkn: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      vec: fc.tuple(fc.boolean(), fc.boolean()),
    })
    .map(({ batches: [ba, bb], mkn: [m, k, n], vec: [va, vb] }) => ({
      a: va ? [k] : [...ba!, m, k],
      b: vb ? [k] : [...bb!, k, n],
    })),
  args: (s: MatmulSpec) => [floats(s.a), floats(s.b)],
  f: () => (a, b) => np.matmul(a, b),
});

// --- dense linear algebra (linalg) ---------------------------------------------------
// f makes its inputs well-conditioned (entries of X lie in [−1, 1], n ≤ 3): SPD as
// X·Xᵀ + n·I, general as X + 3·I, tall as X + 3·eye(m, n), symmetric with eigenvalue gaps
// as diag(1, 4, 9) + (X + Xᵀ)/10.
const mT = (x: Array) => np.swapaxes(x, -1, -2);
const shifted = (x: Array, c: number) => np.add(x, np.mul(c, np.eye(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!)));
const side = fc.integer({ min: 1, max: 3 });
addCase({
  title: "cholesky (linalg.cholesky of X·Xᵀ + n·I)", covers: ["cholesky"],
  spec: fc.tuple(dims(0, 1), side),
  args: ([batch, n]: [number[], number]) => [floats([...batch, n, n], -1, 1)],
  f: ([, n]: [number[], number]) => (x) => linalg.cholesky(np.add(np.matmul(x, mT(x)), np.mul(n, np.eye(n)))),
});
interface SolveSpec { a: number[]; b: number[]; n: number; opts: { lower: boolean; transpose: boolean; unitDiagonal: boolean } }
const solveSpec: fc.Arbitrary<SolveSpec> = fc
  .record({ batches: compatibleShapes(2, 2), n: side, k: side, vec: fc.boolean(), lower: fc.boolean(), transpose: fc.boolean(), unitDiagonal: fc.boolean() })
  .map(({ batches: [ba, bb], n, k, vec, ...opts }) => ({ a: [...ba!, n, n], b: vec ? [n] : [...bb!, n, k], n, opts }));
addCase({
  title: "triangular_solve (linalg.triangularSolve: both triangles, transposed, unit diagonal, broadcast batches)",
  covers: ["triangular_solve"], spec: solveSpec,
  args: (s: SolveSpec) => [floats(s.a, -1, 1), floats(s.b)],
  f: (s: SolveSpec) => (a, b) => linalg.triangularSolve(shifted(a, 3), b, s.opts),
});
addCase({
  title: "lu_solve (linalg.solve, broadcast batches, vector right-hand sides)", covers: ["lu_solve"], spec: solveSpec,
  args: (s: SolveSpec) => [floats(s.a, -1, 1), floats(s.b)],
  f: () => (a, b) => linalg.solve(shifted(a, 3), b),
});
addCase({
  title: "slogdet (linalg.slogdet; the sign has no derivative)", covers: ["slogdet"],
  spec: fc.tuple(dims(0, 1), side),
  args: ([batch, n]: [number[], number]) => [floats([...batch, n, n], -1, 1)],
  f: () => (a) => linalg.slogdet(shifted(a, 3)),
});
addCase({
  title: "det (linalg.det)", covers: ["det"],
  spec: fc.tuple(dims(0, 1), side),
  args: ([batch, n]: [number[], number]) => [floats([...batch, n, n], -1, 1)],
  f: () => (a) => linalg.det(shifted(a, 3)),
});
addCase({
  title: "eigh (linalg.eigh of a symmetric matrix with gapped eigenvalues)", covers: ["eigh"],
  spec: fc.tuple(dims(0, 1), side),
  args: ([batch, n]: [number[], number]) => [floats([...batch, n, n], -1, 1)],
  f: ([, n]: [number[], number]) => (x) => linalg.eigh(np.add(np.diag(np.array([1, 4, 9].slice(0, n))), np.mul(0.1, np.add(x, mT(x))))),
});
addCase({
  title: "qr (linalg.qr of a tall or square full-rank matrix)", covers: ["qr"],
  spec: fc.tuple(dims(0, 1), side, fc.integer({ min: 0, max: 2 })),
  args: ([batch, n, extra]: [number[], number, number]) => [floats([...batch, n + extra, n], -1, 1)],
  f: () => (x) => linalg.qr(shifted(x, 3)),
});

// --- randomness ------------------------------------------------------------------------

addCase({
  title: "random_bits and random_uniform (random.split, random.uniform; no derivative through the key)",
  covers: ["random_bits", "random_uniform"],
  spec: dims(),
  args: (s) => [keyRaw(), floats(s)],
  // The key is an int32 argument: held fixed by checkGrads, batched by vmap.
  f: () => (key, x) => {
    const [, k2] = random.split(key);
    return np.mul(sin(x), random.uniform(k2!, x.shape, { minval: -1, maxval: 2 }));
  },
});

addCase({
  title: "random_bits and random_uniform (batched keys only)",
  covers: ["random_bits", "random_uniform"],
  spec: dims(),
  args: () => [keyRaw()],
  f: (shape: number[]) => (key) => [random.split(key, 3), random.uniform(key, shape)],
  grad: false,
});

// --- control flow and custom rules -----------------------------------------------------

addCase({
  title: "cond (branches closing over a traced value)",
  covers: ["cond"],
  spec: dims(0, 2),
  args: (s) => [bools([]), floats(s), floats(s)],
  f: () => (p, x, y) =>
    cond(p, (a: Array) => np.mul(sin(a), y), (a: Array) => np.add(np.mul(a, a), np.exp(y)), x),
});

addCase({
  title: "while (whileLoop with a counter, body closing over traced values; forward mode)",
  covers: ["while"],
  spec: fc.record({ shape: dims(0, 2), trips: fc.integer({ min: 0, max: 3 }) }),
  args: ({ shape }: { shape: number[] }) => [floats(shape), floats(shape, -1, 1)],
  f: ({ trips }: { shape: number[]; trips: number }) => (x, y) =>
    whileLoop(
      ([i]: [Array, Array]) => np.less(i, trips),
      ([i, v]: [Array, Array]) => [np.add(i, 1), np.add(np.mul(sin(v), y), x)],
      [np.array(0, { dtype: "int32" }), x],
    )[1],
  grad: { modes: ["fwd"] },
});

addCase({
  title: "while (foriLoop with traced bounds; forward mode)",
  covers: ["while"],
  spec: fc.record({ shape: dims(0, 2), hi: fc.integer({ min: 0, max: 3 }) }),
  args: ({ shape }: { shape: number[] }) => [floats(shape)],
  f: ({ hi }: { shape: number[]; hi: number }) => (x) =>
    foriLoop(np.array(0, { dtype: "int32" }), np.array(hi, { dtype: "int32" }), (i: Array, v: Array) => np.add(np.cos(v), np.mul(np.astype(i, "float64"), x)), x),
  grad: { modes: ["fwd"] },
});

addCase({
  title: "while (per-example trip counts: batched bound and data-dependent stop)",
  covers: ["while"],
  spec: dims(0, 2),
  args: (s) => [floats(s, 0.5, 3), ints([], 0, 3)],
  f: () => (x, n) => [
    whileLoop(
      ([i]: [Array, Array]) => np.less(i, n),
      ([i, v]: [Array, Array]) => [np.add(i, 1), np.sin(np.add(v, 1))],
      [np.array(0, { dtype: "int32" }), x],
    )[1],
    whileLoop((v: Array) => np.less(np.max(v), 10), (v: Array) => np.mul(v, 2), x),
  ],
  grad: false, // the second output's trip count jumps with x; derivatives are checked above
});

interface ScanSpec {
  shape: number[];
  length: number;
  reverse: boolean;
}

const scanFn = ({ reverse }: ScanSpec) => (c0: Array, xs: Array, w: Array) =>
  scan((c: Array, x: Array) => [np.add(np.mul(c, np.cos(x)), np.mul(w, sin(c))), np.mul(c, x)], c0, xs, { reverse });

addCase({
  title: "scan (carry, stacked outputs, closed-over weights, either direction)",
  covers: ["scan"],
  spec: fc.record({ shape: dims(0, 2), length: fc.integer({ min: 1, max: 3 }), reverse: fc.boolean() }),
  args: (s: ScanSpec) => [floats(s.shape), floats([s.length, ...s.shape]), floats(s.shape, -1, 1)],
  f: (s: ScanSpec) => (c0, xs, w) => scanFn(s)(c0, xs, w),
  runs: 8,
});

addCase({
  title: "scan (foriLoop with numeric bounds)",
  covers: ["scan"],
  spec: fc.record({ shape: dims(0, 2), hi: fc.integer({ min: 0, max: 3 }) }),
  args: ({ shape }: { shape: number[] }) => [floats(shape)],
  f: ({ hi }: { shape: number[]; hi: number }) => (x) => foriLoop(0, hi, (i: Array, v: Array) => np.add(np.sin(v), np.mul(np.astype(i, "float64"), x)), x),
  runs: 8,
});

const mulSin = customJvp(
  (x: Array, y: Array) => np.mul(sin(x), y),
  ([x, y], [tx, ty]) => [np.mul(sin(x), y), np.add(np.mul(np.mul(np.cos(x), tx), y), np.mul(sin(x), ty))],
);

addCase({
  title: "custom_jvp_call (customJvp with a correct rule, broadcasting operands)",
  covers: ["custom_jvp_call"],
  spec: dims(0, 3),
  args: (s) => [floats(s), floats(s)],
  f: () => (x, y) => np.exp(mulSin(x, y)),
});

const mulSinV = customVjp(
  (x: Array, y: Array) => np.mul(sin(x), y),
  (x: Array, y: Array) => [np.mul(sin(x), y), [x, y]],
  ([x, y]: [Array, Array], g: Array) => [np.mul(np.mul(np.cos(x), y), g), np.mul(sin(x), g)],
);

addCase({
  title: "custom_vjp_call (customVjp with a correct rule; reverse mode)",
  covers: ["custom_vjp_call"],
  spec: dims(0, 3),
  args: (s) => [floats(s), floats(s)],
  f: () => (x, y) => np.exp(mulSinV(x, y)),
  grad: { modes: ["rev"], order: 1 },
});
