// Long-vector passes in WebAssembly for the optimizers' own arithmetic (optim's vec.ts):
// dot products fused with a copy or an update, over vectors kept in a "vector arena", a
// memory of their own. L-BFGS at large n spends most of its time in these passes, and
// f64x2 halves their instructions (about 2× at n = 10⁵).
//
// Each kernel runs the main loop of one of vec.ts's functions, four elements a turn with
// the same running sums in f64x2 lanes (lane 0 of the first accumulator is vec.ts's s0,
// and so on), and leaves the sums in the arena's first 32 bytes; vec.ts finishes the tail
// and adds the sums up as it always does. So the results are the same bits with or
// without WebAssembly. An arena is a separate, unshared memory so that its vectors go
// when their owner does, where the kernels' common memory only ever grows.
import { Body, Op, Simd, ValType, emitModule, type FunctionDef } from "./module.js";
import { instantiate, wasmApi } from "./runtime.js";

const F64 = 8;
const V128 = 16;
const ALIGN = { align: 3 };
const PAGE = 65536;
/** Arenas above this size are not made: the vectors stay plain arrays. */
const MAX_ARENA_BYTES = 2 ** 30;
/** The partial sums' slots at the start of every arena, before its vectors. */
const SUMS_BYTES = 4 * F64;

type KernelFn = (...args: number[]) => void;

/**
 * The fast paths of vec.ts's loops for vectors in one arena: each takes Float64Arrays
 * of the same length n, runs the whole groups of four, leaves the running sums in
 * `sums` and returns how many elements it did (n rounded down to a multiple of 4).
 */
export interface VectorKernels {
  /** The last call's running sums, as vec.ts names them: s0…s3, or (even, odd). */
  readonly sums: Float64Array;
  /** Σ a·b, four sums. */
  dot(a: Float64Array, b: Float64Array): number;
  /** dst ← src; Σ w·src, four sums. */
  copyAndDot(dst: Float64Array, src: Float64Array, w: Float64Array): number;
  /** q ← scale·(q + c·u); Σ w·q, two sums (even and odd elements). */
  updateAndDot(q: Float64Array, c: number, u: Float64Array, scale: number, w: Float64Array): number;
  /** q ← −(q + c·u); Σ w·q, four sums. */
  negatedUpdateAndDot(q: Float64Array, c: number, u: Float64Array, w: Float64Array): number;
}

/** The kernels of each live arena, by its memory's buffer. */
const arenas = new WeakMap<ArrayBufferLike, VectorKernels>();
/** How many arenas were made: read by tests (that a caller really uses one). */
let made = 0;

/**
 * The number of vector arenas made so far in this process.
 *
 * @example
 * const before = arenasMade(); minimize(f, x0); arenasMade() - before; // 1 from n = 512
 */
export function arenasMade(): number {
  return made;
}

/**
 * `count` zeroed vectors of length n in a fresh WebAssembly memory, on which vec.ts's
 * long passes run in WebAssembly; null where WebAssembly is off or unavailable, or the
 * arena would pass 1 GiB (the caller then uses plain arrays, with the same results).
 *
 * @example
 * const [s, y] = vectorArena(100_000, 2) ?? [new Float64Array(100_000), new Float64Array(100_000)];
 */
export function vectorArena(n: number, count: number): Float64Array[] | null {
  const bytes = SUMS_BYTES + count * n * F64;
  const module = vectorModule();
  const api = wasmApi();
  if (module === null || api === null || bytes > MAX_ARENA_BYTES) return null;
  let memory: { buffer: ArrayBuffer };
  let exports: Record<string, unknown>;
  try {
    memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
    exports = new api.Instance(module, { env: { memory } }).exports;
  } catch {
    return null; // no memory for it: plain arrays need as much, but may find it
  }
  const { buffer } = memory;
  made++;
  arenas.set(buffer, kernels(exports as Record<keyof VectorKernels, KernelFn>, new Float64Array(buffer, 0, 4)));
  return Array.from({ length: count }, (_, k) => new Float64Array(buffer, SUMS_BYTES + k * n * F64, n));
}

/**
 * Vectors shorter than this never go to the kernels: a call costs more than their loop,
 * and reading `.buffer` of a short typed array makes V8 give it an ArrayBuffer of its own
 * (its data lives in the object until then), which made a dot product of two elements
 * 20× slower.
 */
export const ARENA_KERNEL_MIN = 64;

/**
 * The arena kernels for these vectors, when all of them live in the same arena (and
 * are at least ARENA_KERNEL_MIN long).
 *
 * @example
 * const fast = vectorKernels(a, b); // undefined for plain Float64Arrays
 */
export function vectorKernels(a: Float64Array, b: Float64Array, c?: Float64Array): VectorKernels | undefined {
  if (a.length < ARENA_KERNEL_MIN) return undefined;
  const k = arenas.get(a.buffer);
  return k !== undefined && b.buffer === a.buffer && (c === undefined || c.buffer === a.buffer) ? k : undefined;
}

function kernels(x: Record<keyof VectorKernels, KernelFn>, sums: Float64Array): VectorKernels {
  // Whole groups of four, and the call only when there is one (the loops run at least once).
  const run = (n: number, call: (quads: number) => void) => {
    const quads = n >> 2;
    if (quads > 0) call(quads);
    else sums.fill(0);
    return quads * 4;
  };
  return {
    sums,
    dot: (a, b) => run(a.length, (q) => x.dot(a.byteOffset, b.byteOffset, q)),
    copyAndDot: (dst, src, w) => run(dst.length, (q) => x.copyAndDot(dst.byteOffset, src.byteOffset, w.byteOffset, q)),
    updateAndDot: (q, c, u, scale, w) => run(q.length, (k) => x.updateAndDot(q.byteOffset, u.byteOffset, w.byteOffset, k, c, scale)),
    negatedUpdateAndDot: (q, c, u, w) => run(q.length, (k) => x.negatedUpdateAndDot(q.byteOffset, u.byteOffset, w.byteOffset, k, c)),
  };
}

let compiled: object | null | undefined;

/** The vector kernels' module, compiled once (under 1 KiB); null without WebAssembly. */
function vectorModule(): object | null {
  const api = wasmApi();
  if (api === null || instantiate() === null) return null;
  if (compiled === undefined) {
    try {
      const bytes = vectorModuleBytes();
      compiled = api.validate(bytes) ? new api.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * The module's bytes: dot, copyAndDot, updateAndDot, negatedUpdateAndDot, each the main
 * loop of vec.ts's function of that name.
 *
 * @example
 * vectorModuleBytes().length; // under 1 KiB
 */
export function vectorModuleBytes(): Uint8Array {
  return emitModule([
    // Σ a·b
    pass("dot", 2, 0, 2, (k) => k.load(0).load(1).op(Simd.f64x2Mul)),
    // dst ← src; Σ w·src
    pass("copyAndDot", 3, 0, 2, (k) => k.load(1).keep().store(0).load(2).value().op(Simd.f64x2Mul)),
    // q ← scale·(q + c·u); Σ w·q in the even and the odd lanes
    pass("updateAndDot", 3, 2, 1, (k) => {
      k.scalar(1).load(0).scalar(0).load(1).op(Simd.f64x2Mul).op(Simd.f64x2Add).op(Simd.f64x2Mul).keep();
      k.store(0).load(2).value().op(Simd.f64x2Mul);
    }),
    // q ← −(q + c·u); Σ w·q
    pass("negatedUpdateAndDot", 3, 1, 2, (k) => {
      k.load(0).scalar(0).load(1).op(Simd.f64x2Mul).op(Simd.f64x2Add).op(Simd.f64x2Neg).keep();
      k.store(0).load(2).value().op(Simd.f64x2Mul);
    }),
  ]);
}

/**
 * What a pass's term writes with: loads of pointer i at the current half of the group,
 * the splat scalars, a value kept aside (`keep` sets it, `value` reads it, `store`
 * stores it at pointer i) and SIMD operations.
 */
interface Term {
  load(i: number): Term;
  scalar(j: number): Term;
  keep(): Term;
  value(): Term;
  store(i: number): Term;
  op(code: number): Term;
}

/**
 * A kernel `name(p₀…, quads, scalars…)` over groups of four elements. For each half of a
 * group `term` leaves an f64x2 on the stack, added to accumulator 0 for both halves
 * (`accumulators` = 1: the sums of the even and of the odd elements) or to accumulator 0
 * then 1 (2: the sums s0, s1 and s2, s3). The pointers advance 32 bytes a turn; at the
 * end the accumulators are stored at bytes 0 and 16.
 */
function pass(name: string, pointers: number, scalars: number, accumulators: 1 | 2, term: (k: Term) => void): FunctionDef {
  const quads = pointers;
  const f = new Body(pointers + 1 + scalars);
  const splat = Array.from({ length: scalars }, () => f.local(ValType.v128));
  const kept = f.local(ValType.v128);
  const acc = [f.local(ValType.v128), f.local(ValType.v128)] as const;
  splat.forEach((v, j) => f.get(pointers + 1 + j).simd(Simd.f64x2Splat).set(v));
  acc.forEach((a) => f.zeroV128().set(a));
  let offset = 0;
  const k: Term = {
    load: (i) => (f.get(i).simd(Simd.v128Load, { ...ALIGN, offset }), k),
    scalar: (j) => (f.get(splat[j]!), k),
    keep: () => (f.set(kept), k),
    value: () => (f.get(kept), k),
    store: (i) => (f.get(i).get(kept).simd(Simd.v128Store, { ...ALIGN, offset }), k),
    op: (code) => (f.simd(code), k),
  };
  f.loop(() => {
    for (const half of [0, 1]) {
      offset = half * V128;
      const a = half === 1 && accumulators === 2 ? acc[1] : acc[0];
      f.get(a);
      term(k);
      f.simd(Simd.f64x2Add).set(a);
    }
    for (let i = 0; i < pointers; i++) f.get(i).i32(2 * V128).op(Op.i32Add).set(i);
    f.get(quads).i32(1).op(Op.i32Sub).tee(quads).brIf(0);
  });
  f.i32(0).get(acc[0]).simd(Simd.v128Store, { ...ALIGN, offset: 0 });
  f.i32(0).get(acc[1]).simd(Simd.v128Store, { ...ALIGN, offset: V128 });
  return { name, params: [...new Array<ValType>(pointers + 1).fill(ValType.i32), ...new Array<ValType>(scalars).fill(ValType.f64)], body: f };
}
