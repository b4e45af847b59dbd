import { isFloat, Storage } from "../array/index.js";
import { Array, ConcreteArray, Tracer, bind, currentInterpreter, evalInterpreter, np, tree, withInterpreter, type Interpreter, type Primitive, type Tree, type TreeDef } from "../core/index.js";
import { argnumList, checkedLeaves, differentiableLeaves, outputLeaves } from "./args.js";
import type { Argnums, AuxFn, Fn, GradFn, GradOf, GradOptions, ValueAndGradFn } from "./types.js";

export type { GradOptions } from "./types.js";

/** A value under reverse-mode differentiation: its primal and its place on the tape. */
class ReverseTracer extends Tracer {
  constructor(
    readonly owner: ReverseInterpreter,
    readonly primal: Array,
    readonly id: number,
  ) {
    super();
  }
  get shape() {
    return this.primal.shape;
  }
  get dtype() {
    return this.primal.dtype;
  }
}

interface TapeEntry {
  prim: Primitive;
  params: unknown;
  /** Tape ids of the inputs, or -1 for inputs that do not depend on the variables. */
  inputIds: number[];
  inputs: Array[];
  outputs: Array[];
  outputIds: number[];
}

/**
 * Reverse mode as a tape (micrograd's idea, JAX's rules): the forward pass runs each
 * primitive under the interpreter below and records it; the backward pass walks the
 * tape in reverse, applying VJP rules under whatever interpreter is current then —
 * so the backward pass is itself differentiable (grad of grad, forward-over-reverse).
 */
class ReverseInterpreter implements Interpreter {
  readonly name = "vjp";
  readonly tape: TapeEntry[] = [];
  private nextId = 0;
  constructor(readonly parent: Interpreter) {}

  variable(x: Array): ReverseTracer {
    return new ReverseTracer(this, x, this.nextId++);
  }

  idOf(x: Array): number {
    return x instanceof ReverseTracer && x.owner === this ? x.id : -1;
  }

  // process and backward run once per primitive: plain loops rather than chains of
  // map/every/forEach, since for a small function their closures and arrays are most of the cost.
  process(prim: Primitive, args: readonly Array[], params: unknown): Array[] {
    const inputIds: number[] = [];
    const inputs: Array[] = [];
    let traced = false;
    for (const a of args) {
      const id = this.idOf(a);
      inputIds.push(id);
      inputs.push(id >= 0 ? (a as ReverseTracer).primal : a);
      traced ||= id >= 0;
    }
    const outputs = withInterpreter(this.parent, () => bind(prim, inputs, params));
    if (!traced) return outputs;
    const outputIds: number[] = [];
    const results: Array[] = [];
    for (const o of outputs) {
      // Integer and boolean results carry no cotangent, so they leave the tape here.
      const id = isFloat(o.dtype) ? this.nextId++ : -1;
      outputIds.push(id);
      results.push(id >= 0 ? new ReverseTracer(this, o, id) : o);
    }
    this.tape.push({ prim, params, inputIds, inputs, outputs, outputIds });
    return results;
  }

  /** Cotangents of the tape ids still needed, given cotangents `cts` of some outputs (which it takes over). */
  backward(cts: Map<number, Array>): Map<number, Array> {
    for (let k = this.tape.length - 1; k >= 0; k--) {
      const e = this.tape[k]!;
      const outCts: (Array | null)[] = [];
      let seeded = false;
      for (const id of e.outputIds) {
        const ct = id >= 0 ? (cts.get(id) ?? null) : null;
        outCts.push(ct);
        seeded ||= ct !== null;
      }
      if (!seeded) continue;
      const wanted = e.inputIds.map((id) => id >= 0);
      const inCts = e.prim.vjp(outCts, e.inputs, e.outputs, e.params, wanted);
      for (let i = 0; i < e.inputIds.length; i++) {
        const id = e.inputIds[i]!;
        const ct = inCts[i] ?? null;
        if (id < 0 || ct === null) continue;
        const prev = cts.get(id);
        cts.set(id, prev ? np.add(prev, ct) : ct);
      }
      for (const id of e.outputIds) if (id >= 0) cts.delete(id); // keep only what is still needed
    }
    return cts;
  }
}

/**
 * Which of `args` a reverse pass running directly over eager evaluation differentiates,
 * or undefined when the current interpreter is not such a pass. There the forward values
 * are concrete and the cotangents will be too: `jit` uses it to compute a scalar
 * program's gradient in the same pass as its value (jit/call.ts). Only floating-point
 * values are on a tape (variables are checked, integer results leave it), so every
 * argument marked is floating point.
 */
export function differentiatedByEagerReverse(args: readonly Array[]): boolean[] | undefined {
  const r = currentInterpreter();
  if (!(r instanceof ReverseInterpreter) || r.parent !== evalInterpreter) return undefined;
  return args.map((a) => r.idOf(a) >= 0);
}

/**
 * A pullback: a cotangent of the output (the output's structure) → the cotangents of
 * the arguments `Args`, one per argument.
 */
export type Pullback<Out = Tree, Args extends readonly unknown[] = Tree[]> = (cotangent: GradOf<Out>) => { -readonly [K in keyof Args]: GradOf<Args[K]> };

/**
 * Reverse-mode derivative: evaluates `f(...primals)` and returns it with its pullback,
 * which maps a cotangent of the output to cotangents of every argument.
 *
 * @example
 * const [y, pullback] = vjp((x) => x.mul(x).sum(), np.array([1, 2]));
 * pullback(np.array(1))[0]; // [2, 4]
 */
export function vjp<P extends unknown[], R>(f: (...args: P) => R, ...primals: P): [R, Pullback<R, P>] {
  const { out, pullback } = reverse((...args: P) => [f(...args), null], leavesOf("vjp", primals), "vjp");
  return [out, pullback];
}

/**
 * `vjp` of an `f` returning `[out, aux]`, as JAX's `vjp(f, *primals, has_aux=True)`:
 * `[out, pullback, aux]`, where only `out` is differentiated and `aux` (any pytree: losses,
 * statistics, intermediate Arrays) comes back as f returned it, its Arrays as plain values.
 * A function of its own rather than an option, since every argument after `f` is a primal
 * and an options object would be indistinguishable from one.
 *
 * @example
 * const [y, pullback, aux] = vjpWithAux((x: Array) => [x.sin(), { cos: x.cos() }], np.array(0.5));
 * pullback(np.array(1))[0]; // cos(0.5)
 * aux.cos;                  // cos(0.5), an Array
 */
export function vjpWithAux<P extends unknown[], R, Aux>(f: (...args: P) => readonly [R, Aux], ...primals: P): [R, Pullback<R, P>, Aux] {
  if (typeof f !== "function") throw new Error(`vjpWithAux: f must be a function, got ${typeof f}`);
  const pair = (...args: P): [R, Aux] => {
    const result: unknown = f(...args);
    if (!globalThis.Array.isArray(result) || result.length !== 2) throw new Error("vjpWithAux: f must return [out, aux]");
    return [result[0] as R, result[1] as Aux];
  };
  const { out, pullback, aux } = reverse(pair, leavesOf("vjpWithAux", primals), "vjpWithAux");
  return [out, pullback, aux];
}

/** The arguments' differentiable leaves and structures, checked (see `differentiableLeaves`). */
const leavesOf = (op: string, primals: readonly unknown[]) => primals.map((p, i) => differentiableLeaves(op, p, i));

/**
 * A function run under reverse mode: its output and aux (traced values replaced by their
 * primals) and its pullback, from a cotangent pytree (checked) or from cotangent leaves
 * the caller made itself (unchecked: grad's unit seed).
 */
type Reversed = { out: any; aux: any; pullback: (cotangent: Tree) => any; pullbackLeaves: (cts: readonly Array[]) => Tree[] };

/**
 * Reverse mode of a function returning `[out, aux]`, on arguments given as their leaves
 * and structures: aux is passed through with its traced values replaced by their primals,
 * so it is usable after the transformation returns. Untyped here; `vjp`, `vjpWithAux`,
 * `grad` and `valueAndGrad` state the types of what it builds.
 */
function reverse(f: (...args: any[]) => [any, any], argLeaves: readonly [Array[], TreeDef][], op: string): Reversed {
  const interp = new ReverseInterpreter(currentInterpreter());
  const variables = argLeaves.map(([xs]) => xs.map((x) => interp.variable(x)));
  const args = argLeaves.map(([, def], i) => tree.unflatten(def, variables[i]!));
  const [out, aux] = withInterpreter(interp, () => f(...args));
  const primalOf = (o: Array) => (interp.idOf(o) >= 0 ? (o as ReverseTracer).primal : o);
  const [outs, outDef] = outputLeaves(out);
  const primalOut = outs.map(primalOf);
  // No aux (null) is the usual case: nothing to walk.
  const auxOut = aux == null ? aux : tree.map((leaf: unknown) => (leaf instanceof Array ? primalOf(leaf) : leaf), aux);
  const pullbackLeaves = (cts: readonly Array[]): Tree[] => {
    const seeds = new Map<number, Array>();
    for (let k = 0; k < outs.length; k++) {
      const id = interp.idOf(outs[k]!);
      if (id < 0) continue;
      const prev = seeds.get(id);
      seeds.set(id, prev ? np.add(prev, cts[k]!) : cts[k]!);
    }
    const result = interp.backward(seeds);
    return variables.map((vs, i) =>
      tree.unflatten(argLeaves[i]![1], vs.map((v) => result.get(v.id) ?? np.zerosLike(v.primal))),
    );
  };
  const pullback = (cotangent: Tree) => pullbackLeaves(checkedLeaves(`${op}: the cotangent`, cotangent, outDef, outs, "the output's", false) as Array[]);
  return { out: tree.unflatten(outDef, primalOut), aux: auxOut, pullback, pullbackLeaves };
}

/** grad's cotangent seed, 1 in `value`'s (floating) dtype: made directly, as it needs none of onesLike's checks. */
function unitSeed(value: Array): Array {
  const data = value.dtype === "float32" ? new Float32Array(1) : new Float64Array(1);
  data[0] = 1;
  return new ConcreteArray(new Storage(value.dtype, [], data));
}

function scalarOutput(op: string, value: unknown): Array {
  const v = value instanceof Array ? value : typeof value === "number" ? np.asArray(value) : undefined;
  if (!v || v.ndim !== 0) {
    const what = v ? `an array of shape (${v.shape.join(",")})` : "a non-Array";
    throw new Error(`${op}: f must return a scalar (a 0-d array), got ${what}; use jacrev or vjp for other outputs`);
  }
  if (!isFloat(v.dtype)) throw new Error(`${op}: f returned dtype ${v.dtype}; only floating-point outputs have gradients`);
  return v;
}

/**
 * `valueAndGrad` of an `f` returning `[value, aux]`, with `hasAux: true`: the result is
 * `[[value, aux], grad]`, aux typed as f returns it.
 *
 * @example
 * const [[loss, aux], grads] = valueAndGrad((p: Params) => [lossOf(p), stats(p)], { hasAux: true })(params);
 */
export function valueAndGrad<F extends AuxFn, const N extends Argnums = 0>(f: F, opts: GradOptions<N, true> & { hasAux: true }): ValueAndGradFn<F, N, true>;
/**
 * `f`'s value and its gradient with respect to the `argnums` argument(s) (default 0).
 * `f` must return a scalar, or `[scalar, aux]` with `hasAux`. The value is an Array;
 * the gradient has the argument's type with Array leaves (a tuple for a list of
 * argnums); with `hasAux` the result is `[[value, aux], grad]`.
 *
 * @example
 * const [value, g] = valueAndGrad((x) => x.mul(x).sum())(np.array([1, 2])); // 5, [2, 4]
 */
export function valueAndGrad<F extends Fn, const N extends Argnums = 0, HasAux extends boolean = false>(f: F, opts?: GradOptions<N, HasAux>): ValueAndGradFn<F, N, HasAux>;
export function valueAndGrad(f: Fn, opts: GradOptions = {}) {
  return valueAndGradNamed("valueAndGrad", f, opts);
}

/** `valueAndGrad`, with errors named after the function the user called. */
function valueAndGradNamed(op: string, f: Fn, opts: GradOptions) {
  return (...args: any[]): [any, any] => {
    const nums = argnumList(op, opts.argnums ?? 0, args.length);
    const argLeaves = nums.map((n) => differentiableLeaves(op, args[n], n)); // errors name the real position
    const partial = (...diffArgs: any[]): [Array, unknown] => {
      const full = [...args];
      for (let k = 0; k < nums.length; k++) full[nums[k]!] = diffArgs[k];
      const result = f(...full);
      if (!opts.hasAux) return [scalarOutput(op, result), null];
      if (!globalThis.Array.isArray(result) || result.length !== 2) {
        throw new Error(`${op}: with hasAux, f must return [value, aux]`);
      }
      return [scalarOutput(op, result[0]), result[1]];
    };
    const { out: value, aux, pullbackLeaves } = reverse(partial, argLeaves, op);
    const grads = pullbackLeaves([unitSeed(value)]);
    const g = typeof opts.argnums === "object" ? grads : grads[0];
    return [opts.hasAux ? [value, aux] : value, g];
  };
}

/**
 * `grad` of an `f` returning `[value, aux]`, with `hasAux: true`: the result is
 * `[grad, aux]`, aux typed as f returns it.
 *
 * @example
 * const [g, stats] = grad((p: Params) => [lossOf(p), statsOf(p)], { hasAux: true })(params);
 */
export function grad<F extends AuxFn, const N extends Argnums = 0>(f: F, opts: GradOptions<N, true> & { hasAux: true }): GradFn<F, N, true>;
/**
 * The gradient of a scalar function with respect to the `argnums` argument(s), with the
 * argument's pytree structure and type (`{ w: Array; b: Array }` for a `{ w, b }`
 * argument, number leaves as Arrays); a tuple for a list of argnums; `[grad, aux]` with
 * `hasAux`.
 *
 * @example
 * grad((x) => x.mul(x).sum())(np.array([1, 2])); // [2, 4]
 * grad(grad((x) => x.sin()))(np.array(0.3)); // −sin(0.3)
 * const [gW, gb] = grad(loss, { argnums: [0, 1] })(W, b, batch); // typed [Array, Array]
 */
export function grad<F extends Fn, const N extends Argnums = 0, HasAux extends boolean = false>(f: F, opts?: GradOptions<N, HasAux>): GradFn<F, N, HasAux>;
export function grad(f: Fn, opts: GradOptions = {}) {
  const vg = valueAndGradNamed("grad", f, opts);
  return (...args: any[]): any => {
    const [value, g] = vg(...args);
    return opts.hasAux ? [g, value[1]] : g;
  };
}
