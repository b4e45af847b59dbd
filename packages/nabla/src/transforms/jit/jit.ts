import {
  Array, ConcreteArray, IR, Tracer, numberKey, currentInterpreter, escapedTracerError, evalInterpreter, np, tree, type Aval, type Tree, type TreeDef,
} from "../../core/index.js";
import { sameShape, shapeString, Storage, type TypedArray } from "../../array/index.js";
import { outputLeaves } from "../args.js";
import { callProgram, stageProgram, type Staged } from "./call.js";
import { identity } from "./simplify.js";
import { DEFAULT_JIT_CACHE_LIMIT, LRUCache, registerCache } from "./cache.js";

export interface JitOptions {
  /** Positions of arguments that are not traced: they key the cache by value. */
  staticArgnums?: readonly number[];
  /**
   * How many input signatures to keep compiled (default 64, `DEFAULT_JIT_CACHE_LIMIT`);
   * past it the least recently used is dropped, to be traced again if it comes back.
   * `Infinity` never drops one.
   */
  cacheLimit?: number;
}

/** A jitted function: `f`, and its trace cache's size and a way to empty it. */
export type Jitted<F> = F & {
  /** How many input signatures are compiled now. */
  cacheSize(): number;
  /** Drops every compiled signature (and its generated code). */
  clearCache(): void;
};

/** A trace of the user's function: its program, and the output's tree structure. */
type Traced = Staged & { outDef: TreeDef };

function staticArgnumsOf(op: string, argnums: readonly number[] | undefined): ReadonlySet<number> {
  const list = argnums ?? [];
  if (!globalThis.Array.isArray(list) || list.some((i) => !Number.isInteger(i) || i < 0)) {
    throw new Error(`${op}: staticArgnums must be a list of non-negative integer positions, got ${JSON.stringify(argnums)}`);
  }
  return new Set(list);
}

function cacheLimitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_JIT_CACHE_LIMIT;
  if (typeof limit !== "number" || !(limit === Infinity || (Number.isInteger(limit) && limit >= 1))) {
    throw new Error(`jit: cacheLimit must be a positive integer or Infinity, got ${String(limit)}`);
  }
  return limit;
}

/**
 * Splits a call into static values and the leaves of the traced arguments, with their
 * avals and the signature that keys the cache. What a trace depends on is each leaf's
 * shape, dtype and, for a number, its weak kind (not its value).
 */
function readCall(op: string, args: readonly unknown[], statics: ReadonlySet<number>) {
  const staticKey = args.flatMap((a, i) => (statics.has(i) ? [`${i}=${staticKeyOf(op, a, i)}`] : []));
  const [leaves, def] = tree.flatten(args.filter((_, i) => !statics.has(i)) as Tree[]);
  const arrays = leaves.map((l, k) => {
    if (l instanceof Array) return l;
    if (typeof l === "number" || typeof l === "boolean") return np.asArray(l);
    throw new Error(`${op}: leaf ${k} of the arguments is ${typeof l}; pass Arrays and numbers, or mark the argument static (staticArgnums)`);
  });
  const avals: Aval[] = arrays.map((a) => ({ shape: a.shape, dtype: a.dtype, ...(a.weak ? { weak: a.weak } : {}) }));
  const avalKey = (a: Aval) => `${a.dtype}${shapeString(a.shape)}${a.weak ? `~${a.weak}` : ""}`;
  const signature = `${def}|${avals.map(avalKey).join(" ")}|${staticKey.join(",")}`;
  return { arrays, avals, def, signature };
}

/**
 * A static argument's cache key. Numbers, strings, booleans, null and undefined by value
 * (exactly: NaN, ±Infinity and −0 are their own keys); plain objects and lists by their
 * contents; concrete Arrays by dtype, shape and every element; anything else (functions,
 * class instances) by identity, since equal-looking functions can differ. A list or
 * object that contains itself has no finite contents: that is an error naming the cycle.
 * `within` are the lists and objects enclosing `value` with their paths, `path` its own.
 */
function staticKeyOf(op: string, value: unknown, i: number, within: [object, string][] = [], path = `argument ${i}`): string {
  if (value instanceof Tracer) {
    // With no transformation running, every tracer is one that outlived its own.
    if (currentInterpreter() === evalInterpreter) throw escapedTracerError(value);
    throw new Error(`${op}: static argument ${i} is a traced Array; static arguments must be concrete`);
  }
  if (typeof value === "number") return `n:${numberKey(value)}`;
  if (typeof value === "string") return `s:${JSON.stringify(value)}`;
  if (value == null || typeof value === "boolean" || typeof value === "bigint") return `${typeof value}:${String(value)}`;
  if (value instanceof ConcreteArray) {
    return `a:${value.dtype}${shapeString(value.shape)}:${globalThis.Array.from(value.storage.data, numberKey).join(",")}`;
  }
  const list = globalThis.Array.isArray(value);
  const proto = Object.getPrototypeOf(value);
  if (!list && proto !== Object.prototype && proto !== null) return `ref:${identity(value as object)}`;
  const enclosing = within.find(([v]) => v === value);
  if (enclosing) {
    throw new Error(
      `${op}: static argument ${i} contains a cycle: ${path} is ${enclosing[1]} itself; static arguments are keyed ` +
        "by their contents, so pass an acyclic value, or a class instance (keyed by identity)",
    );
  }
  const inner: [object, string][] = [...within, [value as object, path]];
  if (list) return `[${(value as unknown[]).map((v, k) => staticKeyOf(op, v, i, inner, `${path}[${k}]`)).join(",")}]`;
  const entries = Object.keys(value as object).sort();
  const keyOf = (k: string) => staticKeyOf(op, (value as Record<string, unknown>)[k], i, inner, `${path}.${k}`);
  return `{${entries.map((k) => `${JSON.stringify(k)}:${keyOf(k)}`).join(",")}}`;
}

/** An output's data as a concrete Array. */
const wrap = (aval: Aval, data: TypedArray): Array => new ConcreteArray(new Storage(aval.dtype, aval.shape, data));

/** Stages f on this call (see `readCall`): flat leaves in, flat leaves out, and the output's structure. */
function trace(f: (...args: any[]) => any, args: readonly unknown[], statics: ReadonlySet<number>, call: ReturnType<typeof readCall>): Traced {
  let outDef: TreeDef | undefined;
  const staged = stageProgram((...leaves) => {
    // The user's argument list, with traced leaves in place of the dynamic arguments.
    const dynamic = tree.unflatten(call.def, leaves) as unknown[];
    let k = 0;
    const [outs, def] = outputLeaves(f(...args.map((a, i) => (statics.has(i) ? a : dynamic[k++]))));
    outDef = def;
    return outs;
  }, call.avals);
  return { ...staged, outDef: outDef! };
}

/**
 * Compiles `f`: traces it once per input signature (tree structure, shapes, dtypes and
 * the values of static arguments) to an IR, simplifies it (dead code, repeated
 * subexpressions; constants were folded while tracing), fuses elementwise chains and
 * their reductions into loops, generates one JavaScript function and caches it (where
 * code generation is forbidden, see `canGenerateCode`, the simplified program is cached
 * and replayed on the eager kernels instead, with the same results bit for bit). Under
 * another transformation a call binds the `jit_call` primitive, whose rules stage the
 * program's derivative or batched version as a program of its own: grad(jit(f)),
 * vmap(jit(f)) and hessian(jit(f)) run compiled code too, and inside another jit the
 * call stays one equation. Values f closes over that an outer transformation traces
 * become inputs of the call, so derivatives flow into them. A JavaScript branch on a
 * traced value is an error that points to `cond` / `whileLoop`.
 *
 * The cache keeps the `cacheLimit` (default 64) most recently used signatures, so a
 * function called on ever new shapes holds a bounded amount of memory; `f.cacheSize()`
 * counts them, `f.clearCache()` drops them, and `clearJitCaches()` empties every jitted
 * function's cache.
 *
 * @example
 * const fast = jit((x) => x.mul(x).sum());
 * fast(np.arange(1000)).item();
 */
export function jit<F extends (...args: any[]) => any>(f: F, opts: JitOptions = {}): Jitted<F> {
  const statics = staticArgnumsOf("jit", opts.staticArgnums);
  // The avals of the last call of Arrays only, checked first: repeated calls (an
  // optimizer's thousands of small evaluations, a gradient's) then skip building and
  // hashing a key.
  let last: { avals: Aval[]; traced: Traced } | undefined;
  // An evicted program is referenced from nowhere else, so its code can be collected.
  const cache = new LRUCache<string, Traced>(cacheLimitOf(opts.cacheLimit), (evicted) => {
    if (last?.traced === evicted) last = undefined;
  });
  registerCache(cache);
  // Whether `args` are Arrays of the last call's avals (with `concrete`, concrete ones):
  // then its program is reused without building a key. Plain loops, no allocation: this
  // is the per-call path of small problems (an optimizer's thousands of evaluations).
  const matchesLast = (args: readonly unknown[], concrete: boolean) => {
    if (!last || args.length !== last.avals.length) return false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const b = last.avals[i]!;
      if (!(a instanceof Array) || (concrete && !(a instanceof ConcreteArray)) || a.dtype !== b.dtype || a.weak !== b.weak || !sameShape(a.shape, b.shape)) return false;
    }
    return true;
  };
  const run = ({ program, outDef }: Traced, arrays: readonly Array[]) => {
    const data = new globalThis.Array<TypedArray>(arrays.length);
    for (let i = 0; i < arrays.length; i++) data[i] = (arrays[i] as ConcreteArray).storage.data;
    const outs = program.run(data);
    const avals = program.outAvals;
    if (outDef.node.kind === "leaf") return wrap(avals[0]!, outs[0]!);
    const results = new globalThis.Array<Array>(outs.length);
    for (let i = 0; i < outs.length; i++) results[i] = wrap(avals[i]!, outs[i]!);
    return tree.unflatten(outDef, results);
  };
  const lookup = (args: readonly unknown[]): [Traced, readonly Array[]] => {
    if (matchesLast(args, false)) return [last!.traced, args as Array[]];
    const call = readCall("jit", args, statics);
    let traced = cache.get(call.signature);
    if (!traced) {
      traced = trace(f, args, statics, call);
      // A program that closed over traced values belongs to that trace only.
      if (traced.lifted.length === 0) cache.set(call.signature, traced);
    }
    if (statics.size === 0 && traced.lifted.length === 0 && args.every((a) => a instanceof Array)) last = { avals: call.avals, traced };
    return [traced, call.arrays];
  };
  const jitted = (...args: any[]) => {
    // No transformation running, concrete Arrays as last time: run at once.
    if (currentInterpreter() === evalInterpreter && matchesLast(args, true)) return run(last!.traced, args as Array[]);
    const [traced, arrays] = lookup(args);
    const eager = currentInterpreter() === evalInterpreter && traced.lifted.length === 0 && arrays.every((a) => a instanceof ConcreteArray);
    // Under a transformation, jit_call's rules transform the program. With none running, a
    // lifted (closed-over) tracer is one that escaped: bind reports it as everywhere.
    if (!eager) return tree.unflatten(traced.outDef, callProgram(traced, arrays));
    return run(traced, arrays);
  };
  return Object.assign(jitted, { cacheSize: () => cache.size, clearCache: () => cache.clear() }) as unknown as Jitted<F>;
}

/**
 * The IR `f` stages to for these arguments, printable like JAX's `make_jaxpr`.
 *
 * @example
 * console.log(String(makeIR((x) => x.sin().mul(2))(np.array([1, 2]))));
 * // { lambda ; a:float64[2] . let b:float64[2] = sin a; c:float64[2] = mul b 2 in (c) }
 */
export function makeIR<F extends (...args: any[]) => any>(f: F, opts: JitOptions = {}): (...args: Parameters<F>) => IR {
  const statics = staticArgnumsOf("makeIR", opts.staticArgnums);
  return (...args: any[]): IR => trace(f, args, statics, readCall("makeIR", args, statics)).program.ir;
}
