import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkGrads, cond, customJvp, customVjp, foriLoop, grad, jvp, linalg, np, random, scan, stopGradient, tree, vjp, vmap, whileLoop,
  type Array, type DType, type Tree,
} from "nabla";
import { bind, currentInterpreter, primitives, withInterpreter, type Interpreter } from "../../packages/nabla/src/core/index.js";

// Every registered primitive, reached through the public `np` op (or function) that binds
// it, is checked two ways on random inputs of random shapes:
//   1. derivatives: forward and reverse mode, to second order, against central finite
//      differences (`checkGrads`); primitives with integer or boolean outputs instead show
//      that no derivative flows through them, while derivatives around them are right;
//   2. batching: `vmap(f)` equals stacking `f` applied to each example in a loop, with
//      random in-axes (some arguments unbatched, non-zero axes).
// Each case names the primitives it covers, and checks on every run that evaluating the
// function really binds them (a recording interpreter watches every `bind`). The
// coverage test at the end fails when a registered primitive has no case.

const SEED = 42;
const RUNS = 15;

// ---------------------------------------------------------------------------------------
// Random data, as plain numbers (readable counterexamples), turned into Arrays on use.

interface Raw {
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly dtype: DType;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

function toArray(r: Raw): Array {
  return np.reshape(np.array([...r.data], { dtype: r.dtype }), r.shape);
}

function raw(shape: readonly number[], values: fc.Arbitrary<number>, dtype: DType = "float64"): fc.Arbitrary<Raw> {
  const n = sizeOf(shape);
  return fc.array(values, { minLength: n, maxLength: n }).map((data) => ({ shape, data, dtype }));
}

const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** Floats in [lo, hi]. */
const floats = (shape: readonly number[], lo = -2, hi = 2, dtype: DType = "float64") => raw(shape, real(lo, hi), dtype);

/** Floats with |x| in [lo, hi], either sign: away from 0. */
const nonzero = (shape: readonly number[], lo = 0.3, hi = 2) =>
  raw(shape, fc.tuple(fc.boolean(), real(lo, hi)).map(([negative, m]) => (negative ? -m : m)));

/**
 * Distinct values on the grid k/10 + offset: no two elements of one array tie, and none
 * is within 0.03 of an integer (0 included), so max/min/abs/sign/floor/sort are smooth
 * there. Two arrays with offsets 0.03 and 0.08 never tie with each other either.
 */
function gapped(shape: readonly number[], offset = 0.03, range = 30): fc.Arbitrary<Raw> {
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
const dims = (minRank = 0, maxRank = 3) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: minRank, maxLength: maxRank });

/** k broadcast-compatible shapes: trailing parts of one base shape, some dims set to 1. */
function compatibleShapes(k: number, maxRank = 3): fc.Arbitrary<number[][]> {
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
function recordPrims(fn: () => unknown): Set<string> {
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

function expectBinds(seen: ReadonlySet<string>, names: readonly string[], what: string): void {
  for (const name of names) {
    if (!seen.has(name)) throw new Error(`${what} does not bind ${name} (it binds ${[...seen].join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------
// The cases.

type Fn = (...args: Array[]) => Tree;
type Mode = "fwd" | "rev";

interface GradConfig<S> {
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

interface BatchConfig<S> {
  /** The function to batch (default: the case's f). */
  f?: (s: S) => Fn;
  covers?: readonly string[];
}

interface Case<S> {
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

const CASES: Case<any>[] = [];
const addCase = <S>(c: Case<S>): void => void CASES.push(c);

const sin = np.sin;

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
type Domain = (shape: readonly number[]) => fc.Arbitrary<Raw>;

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
type CompareName = "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual";
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
    cond(p, (a: Array) => np.mul(sin(a), y), (a: Array) => np.add(np.mul(a, a), np.exp(y)), x) as Array,
});

addCase({
  title: "while (whileLoop with a counter, body closing over traced values; forward mode)",
  covers: ["while"],
  spec: fc.record({ shape: dims(0, 2), trips: fc.integer({ min: 0, max: 3 }) }),
  args: ({ shape }: { shape: number[] }) => [floats(shape), floats(shape, -1, 1)],
  f: ({ trips }: { shape: number[]; trips: number }) => (x, y) =>
    (whileLoop(
      ([i]: [Array, Array]) => np.less(i, trips),
      ([i, v]: [Array, Array]) => [np.add(i, 1), np.add(np.mul(sin(v), y), x)] as [Array, Array],
      [np.array(0, { dtype: "int32" }), x] as [Array, Array],
    ) as [Array, Array])[1],
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
    (whileLoop(
      ([i]: [Array, Array]) => np.less(i, n),
      ([i, v]: [Array, Array]) => [np.add(i, 1), np.sin(np.add(v, 1))] as [Array, Array],
      [np.array(0, { dtype: "int32" }), x] as [Array, Array],
    ) as [Array, Array])[1],
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
  f: (s: ScanSpec) => (c0, xs, w) => scanFn(s)(c0, xs, w) as Tree,
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

// ---------------------------------------------------------------------------------------
// Runners.

const isFloat = (dtype: DType) => dtype === "float64" || dtype === "float32";

function describeRaws(raws: readonly Raw[]): string {
  return raws.map((r) => `${r.dtype}(${r.shape.join(",")}) [${r.data.join(", ")}]`).join("; ");
}

function gradProperty<S>(c: Case<S>, g: GradConfig<S>): void {
  const arb = c.spec.chain((s) => fc.tuple(...c.args(s)).map((raws) => ({ s, raws })));
  fc.assert(
    fc.property(arb, ({ s, raws }) => {
      const args = raws.map(toArray);
      const f = c.f(s);
      const differentiated = args.map((a) => isFloat(a.dtype));
      const withFixed = (xs: Array[]) => {
        let k = 0;
        return args.map((a, i) => (differentiated[i] ? xs[k++]! : a));
      };
      checkGrads((...xs: Array[]) => f(...withFixed(xs)), args.filter((_, i) => differentiated[i]), {
        order: g.order ?? 2,
        modes: g.modes ?? ["fwd", "rev"],
        ...(g.eps === undefined ? {} : { eps: g.eps }),
        ...(g.rtol === undefined ? {} : { rtol: g.rtol }),
        ...(g.atol === undefined ? {} : { atol: g.atol }),
      });
      const seen = recordPrims(() => (g.probe ?? c.f)(s)(...args));
      expectBinds(seen, g.covers ?? c.covers, c.title);
    }),
    { seed: SEED, numRuns: c.runs ?? RUNS },
  );
}

/** numpy's stack of equal-shaped examples along a new axis, on plain data. */
function stackRaws(rs: readonly Raw[], axis: number): Raw {
  const first = rs[0]!;
  const outer = sizeOf(first.shape.slice(0, axis));
  const inner = sizeOf(first.shape.slice(axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) for (const r of rs) data.push(...r.data.slice(o * inner, (o + 1) * inner));
  return { shape: [...first.shape.slice(0, axis), rs.length, ...first.shape.slice(axis)], data, dtype: first.dtype };
}

function leaves(t: Tree): Array[] {
  return tree.flatten(t)[0].map((l) => np.asArray(l as np.ArrayLike));
}

function closeEnough(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

interface BatchRun<S> {
  s: S;
  size: number;
  axes: (number | null)[];
  examples: Raw[][];
}

function batchProperty<S>(c: Case<S>, b: BatchConfig<S>): void {
  const arb: fc.Arbitrary<BatchRun<S>> = c.spec.chain((s) =>
    fc.tuple(...c.args(s)).chain((first) =>
      fc
        .record({
          size: fc.integer({ min: 1, max: 3 }),
          // Any axis of the batched argument, negative ones too; null: not batched.
          axes: fc.tuple(...first.map((r) => fc.option(fc.integer({ min: -r.shape.length - 1, max: r.shape.length }), { nil: null, freq: 3 }))),
          more: fc.array(fc.tuple(...c.args(s)), { minLength: 2, maxLength: 2 }),
        })
        .map(({ size, axes, more }) => ({
          s,
          size,
          axes: axes.every((a) => a === null) ? axes.map((a, i) => (i === 0 ? 0 : a)) : axes,
          examples: [first, ...more].slice(0, size),
        })),
    ),
  );
  let nonZeroAxis = false;
  let someUnbatched = false;
  let nArgs = 0;
  fc.assert(
    fc.property(arb, ({ s, size, axes, examples }) => {
      const f = (b.f ?? c.f)(s);
      nArgs = axes.length;
      const batchedArgs = axes.map((ax, i) => {
        const r = examples[0]![i]!;
        const axis = ax === null ? null : ax < 0 ? ax + r.shape.length + 1 : ax;
        if (axis === null) someUnbatched = true;
        else if (axis !== 0) nonZeroAxis = true;
        return toArray(axis === null ? r : stackRaws(examples.map((e) => e[i]!), axis));
      });
      // One number for all arguments when they agree (the `inAxes: 1` form), else a list.
      const inAxes = axes.every((a) => a !== null && a === axes[0]) ? axes[0]! : axes;
      const got = leaves(vmap(f, { inAxes })(...batchedArgs));
      let seen = new Set<string>();
      const want = examples.map((_, k) => {
        const args = axes.map((ax, i) => toArray(examples[ax === null ? 0 : k]![i]!));
        let out: Tree;
        const rec = recordPrims(() => (out = f(...args)));
        if (k === 0) seen = rec;
        return leaves(out);
      });
      expectBinds(seen, b.covers ?? c.covers, c.title);
      expect(got.length).toBe(want[0]!.length);
      got.forEach((leaf, j) => {
        const per = want.map((w) => w[j]!);
        expect(leaf.dtype, `dtype of output ${j}`).toBe(per[0]!.dtype);
        expect(leaf.shape, `shape of output ${j}`).toEqual([size, ...per[0]!.shape]);
        const data = leaf.toFloat64Array();
        const n = per[0]!.size;
        per.forEach((w, k) => {
          const ref = w.toFloat64Array();
          for (let e = 0; e < n; e++) {
            if (!closeEnough(data[k * n + e]!, ref[e]!)) {
              throw new Error(`output ${j}, example ${k}, element ${e}: vmap gives ${data[k * n + e]}, the loop ${ref[e]}`);
            }
          }
        });
      });
    }),
    { seed: SEED, numRuns: c.runs ?? RUNS },
  );
  // The runs did batch along a non-leading axis, and (with several arguments) left some
  // argument unbatched.
  expect(nonZeroAxis, "some run used a non-zero in-axis").toBe(true);
  if (nArgs > 1) expect(someUnbatched, "some run left an argument unbatched").toBe(true);
}

/** A fixed, nonzero pattern of the given shape and dtype (tangents and cotangents). */
function pattern(shape: readonly number[], dtype: DType, phase = 0): Array {
  const n = sizeOf(shape);
  const data = globalThis.Array.from({ length: n }, (_, i) => (dtype === "bool" ? 0 : Math.sin(1 + 0.7 * i + phase)));
  return np.reshape(np.array(data, { dtype: isFloat(dtype) ? dtype : dtype === "bool" ? "bool" : dtype }), shape);
}

/** Row k (along axis 0) of a concrete array, as numbers. */
function row(a: Array, k: number): number[] {
  const n = sizeOf(a.shape.slice(1));
  return [...a.toFloat64Array().slice(k * n, (k + 1) * n)];
}

function expectRowsMatch(what: string, batched: Array[], perExample: Array[][], rtol: number): void {
  batched.forEach((leaf, j) => {
    perExample.forEach((w, k) => {
      const got = row(leaf, k);
      const want = [...w[j]!.toFloat64Array()];
      expect(got.length, `${what}: size of output ${j}`).toBe(want.length);
      got.forEach((v, e) => {
        const u = want[e]!;
        if (!(v === u || Math.abs(v - u) <= rtol * Math.max(Math.abs(v), Math.abs(u)) + 1e-13)) {
          throw new Error(`${what}: output ${j}, example ${k}, element ${e}: batched gives ${v}, the loop ${u}`);
        }
      });
    });
  });
}

/**
 * Transformations compose with batching: forward and reverse derivatives of `vmap(f)`
 * (all arguments batched on axis 0; only float ones differentiated) equal, row by row,
 * the derivatives of f at each example. This runs the batching rules under jvp/vjp,
 * and the JVP/VJP rules of what the batching rules emit (for control flow: new cond,
 * while and scan calls).
 */
function adOverBatchProperty<S>(c: Case<S>, g: GradConfig<S>): void {
  const arb = c.spec.chain((s) =>
    fc.integer({ min: 1, max: 3 }).chain((size) =>
      fc.array(fc.tuple(...c.args(s)), { minLength: size, maxLength: size }).map((examples) => ({ s, examples })),
    ),
  );
  const modes = g.modes ?? ["fwd", "rev"];
  fc.assert(
    fc.property(arb, ({ s, examples }) => {
      const f = c.f(s);
      const nArgs = examples[0]!.length;
      const diff = examples[0]!.map((r) => isFloat(r.dtype));
      const split = (args: Array[]) => [args.filter((_, i) => diff[i]), args.filter((_, i) => !diff[i])] as const;
      const join = (xs: readonly Array[], fixed: readonly Array[]) => {
        let a = 0;
        let b = 0;
        return diff.map((d) => (d ? xs[a++]! : fixed[b++]!));
      };
      const batched = globalThis.Array.from({ length: nArgs }, (_, i) => toArray(stackRaws(examples.map((e) => e[i]!), 0)));
      const [bx, bFixed] = split(batched);
      const fb = (...xs: Array[]) => vmap(f)(...join(xs, bFixed));
      const perExample = examples.map((e) => split(e.map(toArray)));
      const fk = (k: number) => (...xs: Array[]) => f(...join(xs, perExample[k]![1]));
      if (modes.includes("fwd")) {
        const tangents = bx.map((x, i) => pattern(x.shape, x.dtype, i));
        const [, tb] = jvp(fb, bx, tangents);
        const loop = perExample.map(([xs], k) => leaves(jvp(fk(k), xs, xs.map((x, i) => np.reshape(np.array(row(tangents[i]!, k), { dtype: x.dtype }), x.shape)))[1]));
        expectRowsMatch(`jvp of vmap(${c.title})`, leaves(tb), loop, 1e-10);
      }
      if (modes.includes("rev")) {
        const [outB, pullback] = vjp(fb, ...bx);
        const [outLeaves, outDef] = tree.flatten(outB as Tree);
        const cts = (outLeaves as Array[]).map((o, j) => pattern(o.shape, o.dtype, 10 + j));
        const gb = pullback(tree.unflatten(outDef, cts)) as Array[];
        const loop = perExample.map(([xs], k) => {
          const [out, pb] = vjp(fk(k), ...xs);
          const [ls, def] = tree.flatten(out as Tree);
          const ctk = (ls as Array[]).map((o, j) => np.reshape(np.array(row(cts[j]!, k), { dtype: o.dtype }), o.shape));
          return pb(tree.unflatten(def, ctk)) as Array[];
        });
        expectRowsMatch(`vjp of vmap(${c.title})`, gb, loop, 1e-10);
      }
    }),
    { seed: SEED, numRuns: Math.ceil((c.runs ?? RUNS) / 2) },
  );
}

// ---------------------------------------------------------------------------------------
// Tests.

describe("derivatives of every primitive (checkGrads, order 2, forward and reverse)", () => {
  for (const c of CASES) {
    if (c.grad === false) continue;
    const g = c.grad ?? {};
    const label = `${(g.modes ?? ["fwd", "rev"]).join("+")}, order ${g.order ?? 2}`;
    it(`${c.title} [${label}]`, () => gradProperty(c, g));
  }

  it("stop_gradient: the gradient treats stopGradient(g(x)) as a constant, to second order", () => {
    fc.assert(
      fc.property(dims().chain((s) => floats(s)), (r) => {
        const x = toArray(r);
        // f(x) = Σ sin(x)·stop(cos x): df/dx = cos²x, and the second derivative is −sin·cos.
        const f = (y: Array) => np.sum(np.mul(sin(y), stopGradient(np.cos(y))));
        const g = grad(f)(x) as Array;
        const [, h] = jvp((y: Array) => grad(f)(y) as Array, [x], [np.onesLike(x)]);
        const gd = g.toFloat64Array();
        const hd = (h as Array).toFloat64Array();
        r.data.forEach((v, i) => {
          expect(Math.abs(gd[i]! - Math.cos(v) * Math.cos(v))).toBeLessThanOrEqual(1e-15);
          expect(Math.abs(hd[i]! + Math.sin(v) * Math.cos(v))).toBeLessThan(1e-14);
        });
        // Forward mode sees no tangent through it, and it binds stop_gradient.
        const [, t] = jvp((y: Array) => stopGradient(np.exp(y)), [x], [np.onesLike(x)]);
        expect([...(t as Array).toFloat64Array()].every((v) => v === 0)).toBe(true);
        expectBinds(recordPrims(() => f(x)), ["stop_gradient"], "stopGradient");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

// Primitives whose rules are called directly below, to show they give no derivative.
const BOOL_BINARY = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr"];
const ZERO_UNARY: [string, Record<string, unknown>][] = [
  ["sign", {}], ["floor", {}], ["logicalNot", {}], ["argsort", {}], ["stop_gradient", {}],
  ["argmax", { axis: 1 }], ["argmin", { axis: 0 }], ["convert", { dtype: "int32" }],
];
const ZERO_RANDOM = [["random_bits", { shape: [2, 3] }], ["random_uniform", { shape: [2, 3], dtype: "float64" }]] as const;

describe("integer and boolean outputs carry no derivative", () => {
  const x = np.array([[0.3, -1.2, 2.5], [0.7, 0.1, -0.4]]);
  const y = np.array([[0.2, -1.2, 3.5], [-0.7, 0.5, -0.4]]);
  const t = np.ones([2, 3]);
  const reg = primitives();
  const rule = (name: string) => {
    const p = reg.get(name);
    if (!p) throw new Error(`no primitive ${name}`);
    return p;
  };

  it.each(BOOL_BINARY)("%s: the JVP rule gives no tangent, the VJP rule no cotangent", (name) => {
    const p = rule(name);
    const [[out], [tan]] = p.jvp([x, y], [t, t], {});
    expect(out!.dtype).toBe("bool");
    expect(tan).toBeNull();
    expect(p.vjp([null], [x, y], [out!], {}, [true, true])).toEqual([null, null]);
    // Through the public ops: the tangent of a comparison is a zero (false) array.
    const [, pub] = jvp((a: Array) => np[name as CompareName](a, y), [x], [t]);
    expect((pub as Array).toArray()).toEqual([[false, false, false], [false, false, false]]);
  });

  it.each(ZERO_UNARY)("%s: the JVP rule gives no tangent, the VJP rule no cotangent", (name, params) => {
    const p = rule(name);
    const [[out], [tan]] = p.jvp([x], [t], params);
    expect(tan).toBeNull();
    const ct = isFloat(out!.dtype) ? np.onesLike(out!) : null;
    expect(p.vjp([ct], [x], [out!], params, [true])).toEqual([null]);
  });

  it.each(ZERO_RANDOM)(
    "%s: the JVP rule gives no tangent, the VJP rule no cotangent",
    (name, params) => {
      const p = rule(name);
      const key = random.key(7);
      const [[out], [tan]] = p.jvp([key], [null], params);
      expect(out!.shape).toEqual([2, 3]);
      expect(tan).toBeNull();
      expect(p.vjp([isFloat(out!.dtype) ? np.onesLike(out!) : null], [key], [out!], params, [true])).toEqual([null]);
    },
  );

  it("grad of sum(where(x > 0, x, 0)) is the indicator, and comparisons pass no cotangent", () => {
    fc.assert(
      fc.property(dims().chain((s) => gapped(s)), (r) => {
        const x0 = toArray(r);
        const g = grad((a: Array) => np.sum(np.where(np.greater(a, 0), a, 0)))(x0) as Array;
        expect([...g.toFloat64Array()]).toEqual(r.data.map((v) => (v > 0 ? 1 : 0)));
        // A float mask made from a comparison: its cotangent stops at the comparison.
        const [, pullback] = vjp((a: Array) => np.mul(np.astype(np.lessEqual(a, 0), "float64"), a), x0);
        const [ct] = pullback(np.onesLike(x0)) as [Array];
        expect([...ct.toFloat64Array()]).toEqual(r.data.map((v) => (v <= 0 ? 1 : 0)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("batching of every primitive (vmap equals a loop over the batch)", () => {
  for (const c of CASES) {
    if (c.batch === false) continue;
    const b = c.batch ?? {};
    it(c.title, () => batchProperty(c, b));
  }

  it.each(CASES.filter((c) => c.grad !== false).map((c) => [c.title, c] as const))(
    "derivatives of the batched function: %s",
    (_title, c) => adOverBatchProperty(c, c.grad || {}),
  );

  // The batching rules of custom-rule primitives build new custom-rule calls. With rules
  // that are deliberately not the derivative (surrogates), transforming the batched
  // function shows the custom rule survived batching: plain AD would give other numbers.
  const straightThrough = customJvp((x: Array) => np.floor(x), ([x], [t]) => [np.floor(x), t]);
  const clippedGrad = customVjp(
    (x: Array) => np.mul(x, 3),
    (x: Array) => [np.mul(x, 3), null],
    (_r: null, g: Array) => [np.clip(g, -1, 1)],
  );
  const batchOf = fc.tuple(dims(0, 2), fc.integer({ min: 1, max: 3 })).chain(([s, n]) => fc.tuple(floats([n, ...s], -3, 3), floats([n, ...s], -3, 3)));

  it("custom_jvp_call: jvp and grad over vmap use the batched custom rule (straight-through floor)", () => {
    fc.assert(
      fc.property(batchOf, ([xr, tr]) => {
        const [x, t] = [toArray(xr), toArray(tr)];
        const batched = (a: Array) => vmap(straightThrough)(a) as Array;
        const [out, tout] = jvp(batched, [x], [t]) as [Array, Array];
        // +0 for −0 on both sides: toEqual tells them apart.
        const values = (a: Array) => [...a.toFloat64Array()].map((v) => v + 0);
        expect(values(out)).toEqual(xr.data.map((v) => Math.floor(v) + 0));
        expect(values(tout)).toEqual(tr.data.map((v) => v + 0)); // the rule's tangent, not floor's zero
        const g = grad((a: Array) => np.sum(np.mul(batched(a), t)))(x) as Array;
        expect(values(g)).toEqual(tr.data.map((v) => v + 0));
        expectBinds(recordPrims(() => vmap(straightThrough)(x)), ["custom_jvp_call"], "vmap of customJvp");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("custom_vjp_call: grad over vmap uses the batched fwd and bwd (clipped gradient)", () => {
    fc.assert(
      fc.property(batchOf, ([xr, wr]) => {
        const [x, w] = [toArray(xr), toArray(wr)];
        const g = grad((a: Array) => np.sum(np.mul(vmap(clippedGrad)(a) as Array, w)))(x) as Array;
        // d/dx of 3x·w would be 3w; the custom bwd clips the cotangent w instead.
        expect([...g.toFloat64Array()]).toEqual(wr.data.map((v) => Math.min(Math.max(v, -1), 1)));
        expectBinds(recordPrims(() => grad((a: Array) => np.sum(vmap(clippedGrad)(a) as Array))(x)), ["custom_vjp_call"], "grad of vmap of customVjp");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("coverage", () => {
  // Derivative checks besides the checkGrads cases: the rule-level tests above, and the
  // dedicated stop_gradient test (AD and finite differences differ there by design).
  const SPECIAL_GRAD = new Set([
    ...BOOL_BINARY, ...ZERO_UNARY.map(([n]) => n), ...ZERO_RANDOM.map(([n]) => n), "stop_gradient",
  ]);
  const gradCovered = new Set([
    ...CASES.filter((c) => c.grad !== false).flatMap((c) => (c.grad && c.grad.covers) || c.covers),
    ...SPECIAL_GRAD,
  ]);
  const batchCovered = new Set(
    CASES.filter((c) => c.batch !== false).flatMap((c) => (c.batch && c.batch.covers) || c.covers),
  );

  it("every registered primitive has a derivative test and a batching test", () => {
    const names = [...primitives().keys()];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !gradCovered.has(n)), "primitives without a derivative test").toEqual([]);
    expect(names.filter((n) => !batchCovered.has(n)), "primitives without a batching test").toEqual([]);
  });

  it("the file names no primitive that is not registered", () => {
    const names = new Set(primitives().keys());
    expect([...gradCovered, ...batchCovered].filter((n) => !names.has(n))).toEqual([]);
  });
});
