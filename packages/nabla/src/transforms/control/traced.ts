// What the control-flow primitives share: user functions staged to IR, and the IR
// differentiated or batched by calling the public transformations on its replay.
import { isFloat, sameShape, shapeString, type Storage } from "../../array/index.js";
import { ConcreteArray, IR, Tracer, evalIR, instantiate, materializeBatch, np, stage, tree, type Array, type Aval, type Tangent, type Tree, type TreeDef } from "../../core/index.js";
import { outputLeaves } from "../args.js";
import { jvp } from "../jvp.js";
import { vjp } from "../vjp.js";
import { vmap } from "../vmap.js";

/** A staged function whose closed-over values are explicit leading inputs. */
export interface TracedFn {
  ir: IR;
  consts: Array[];
  outDef: TreeDef;
  outAvals: Aval[];
}

/**
 * Stages `fn` (taking the pytrees `inDefs` of leaves with `avals`) and turns its
 * constants into leading inputs, so that outer transformations see them as operands.
 */
export function traceFn(fn: (...args: any[]) => unknown, inDefs: readonly TreeDef[], avals: readonly Aval[]): TracedFn {
  let outDef: TreeDef | undefined;
  const closed = stage((...leaves) => {
    let k = 0;
    const args = inDefs.map((def) => tree.unflatten(def, leaves.slice(k, (k += def.numLeaves))));
    const [outs, def] = outputLeaves(fn(...args));
    outDef = def;
    return outs;
  }, avals);
  const ir = new IR([], [...closed.ir.constVars, ...closed.ir.inputs], closed.ir.equations, closed.ir.outputs);
  return { ir, consts: [...closed.consts], outDef: outDef!, outAvals: ir.outputs.map((v) => v.aval) };
}

export function avalsOf(xs: readonly Array[]): Aval[] {
  return xs.map((x) => ({ shape: x.shape, dtype: x.dtype }));
}

export function sameAvals(a: readonly Aval[], b: readonly Aval[]): boolean {
  return a.length === b.length && a.every((x, i) => x.dtype === b[i]!.dtype && sameShape(x.shape, b[i]!.shape));
}

export function describeAvals(avals: readonly Aval[]): string {
  return `[${avals.map((a) => `${a.dtype}${shapeString(a.shape)}`).join(", ")}]`;
}

/** Replays a closure-converted IR on its full input list. */
export function runIR(ir: IR, args: readonly Array[]): Array[] {
  return evalIR({ ir, consts: [] }, args);
}

/**
 * fn with what it closes over made an explicit first argument (JAX's closure_convert),
 * traced at args' shapes: a solver that runs on concrete values inside a kernel calls
 * `explicit(concreteConsts, ...args)` and never meets an outer transformation's tracers,
 * while the closed-over values become inputs whose derivatives flow like any argument's.
 */
export function closureConvert(fn: (...args: any[]) => unknown, args: readonly unknown[]): { explicit: (consts: readonly Array[], ...args: any[]) => unknown; consts: Array[] } {
  const flat = args.map((a) => outputLeaves(a as Tree));
  const traced = traceFn(fn, flat.map(([, def]) => def), avalsOf(flat.flatMap(([leaves]) => leaves)));
  const explicit = (consts: readonly Array[], ...xs: unknown[]) =>
    tree.unflatten(traced.outDef, runIR(traced.ir, [...consts, ...xs.flatMap((x) => outputLeaves(x as Tree)[0])]));
  return { explicit, consts: traced.consts };
}

/** Storage of concrete results, for a primitive's kernel. */
export function storages(xs: readonly Array[]): Storage[] {
  return xs.map((x) => (x as ConcreteArray).storage);
}

export function concrete(xs: readonly Storage[]): Array[] {
  return xs.map((s) => new ConcreteArray(s));
}

/** The innermost value under any JVP or reverse tracers; undefined if it is abstract (jit, vmap). */
export function concreteValue(x: Array): ConcreteArray | undefined {
  let v: unknown = x;
  while (v instanceof Tracer && "primal" in v) v = (v as { primal: Array }).primal;
  return v instanceof ConcreteArray ? v : undefined;
}

const floatPositions = (xs: readonly Array[]) => xs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);

function withReplaced(xs: readonly Array[], positions: readonly number[], values: readonly Array[]): Array[] {
  const out = [...xs];
  positions.forEach((p, k) => (out[p] = values[k]!));
  return out;
}

/**
 * The JVP of an IR: outputs and their tangents (null for non-float outputs). With
 * `onlyGiven`, inputs with a null tangent are held constant rather than given a zero
 * tangent: a zero times an infinite partial (d/dp xᵖ = xᵖ·log x at x < 0) stays out.
 */
export function jvpIR(ir: IR, ins: readonly Array[], tangents: readonly Tangent[], onlyGiven = false): [Array[], Tangent[]] {
  const idx = floatPositions(ins).filter((j) => !onlyGiven || tangents[j]);
  if (idx.length === 0) {
    const outs = runIR(ir, ins);
    return [outs, outs.map(() => null)];
  }
  const [outs, touts] = jvp(
    (d: Array[]) => runIR(ir, withReplaced(ins, idx, d)),
    [idx.map((j) => ins[j]!)],
    [idx.map((j) => instantiate(tangents[j] ?? null, ins[j]!))],
  );
  return [outs, touts.map((t, k) => (isFloat(outs[k]!.dtype) ? t : null))];
}

/** The VJP of an IR: cotangents of its inputs (null for non-float inputs, and for those not `wanted`). */
export function vjpIR(ir: IR, ins: readonly Array[], cts: readonly Tangent[], wanted?: readonly boolean[]): Tangent[] {
  const idx = floatPositions(ins).filter((j) => !wanted || wanted[j]);
  if (idx.length === 0) return ins.map(() => null);
  const [outs, pullback] = vjp((d: Array[]) => runIR(ir, withReplaced(ins, idx, d)), idx.map((j) => ins[j]!));
  const seeds = outs.map((o, k) => cts[k] ?? np.zerosLike(o));
  const [grads] = pullback(seeds);
  return ins.map((_, j) => (idx.includes(j) ? grads[idx.indexOf(j)]! : null));
}

/** Runs an IR batched over the inputs marked in `batched`; every output is batched. */
export function vmapIR(ir: IR, ins: readonly Array[], batched: readonly boolean[], size: number): Array[] {
  if (!batched.includes(true)) return runIR(ir, ins).map((o) => materializeBatch(o, false, size));
  return vmap((...a: Array[]) => runIR(ir, a), { inAxes: batched.map((b) => (b ? 0 : null)) })(...ins);
}
