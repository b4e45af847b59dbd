import { isFloat } from "../../array/index.js";
import { bind, definePrimitive, np, tree, type Array, type IR, type Primitive } from "../../core/index.js";
import { concrete, describeAvals, jvpIR, runIR, sameAvals, storages, traceFn, vjpIR, vmapIR, avalsOf } from "./traced.js";
import { outputLeaves } from "../args.js";

interface CondParams {
  /** The false and true branches, each taking [its consts..., operands...]. */
  branches: readonly [IR, IR];
  /** How many consts each branch has; the primitive's inputs are [pred, ...c0, ...c1, ...ops]. */
  nConsts: readonly [number, number];
}

/** The inputs branch k sees, from the primitive's inputs after the predicate. */
function branchInputs<T>(rest: readonly T[], k: 0 | 1, { nConsts }: CondParams): T[] {
  const [n0, n1] = nConsts;
  const ops = rest.slice(n0 + n1);
  return k === 0 ? [...rest.slice(0, n0), ...ops] : [...rest.slice(n0, n0 + n1), ...ops];
}

/** Cotangents of branch k's inputs, spread back over [c0..., c1..., ops...]. */
function spreadCts(cts: readonly (Array | null)[], k: 0 | 1, rest: readonly Array[], { nConsts }: CondParams): Array[] {
  const [n0, n1] = nConsts;
  const own = cts.slice(0, k === 0 ? n0 : n1);
  const ops = cts.slice(k === 0 ? n0 : n1);
  const zeros = (xs: readonly Array[]) => xs.map((x) => np.zerosLike(x));
  const c0 = k === 0 ? own : zeros(rest.slice(0, n0));
  const c1 = k === 1 ? own : zeros(rest.slice(n0, n0 + n1));
  return [...c0, ...c1, ...ops].map((c, i) => c ?? np.zerosLike(rest[i]!));
}

export const condPrimitive: Primitive<CondParams> = definePrimitive({
  name: "cond",
  shapeRule([pred], { branches }) {
    if (pred!.shape.length !== 0 || pred!.dtype !== "bool") throw new Error(`cond: the predicate must be a 0-d bool, got ${pred!.dtype}(${pred!.shape})`);
    return branches[1].outputs.map((v) => v.aval);
  },
  impl(inputs, params) {
    const [pred, ...rest] = concrete(inputs);
    const k = pred!.item() ? 1 : 0;
    return storages(runIR(params.branches[k], branchInputs(rest, k, params)));
  },
  jvp([pred, ...rest], [, ...tangents], params) {
    const pick = (k: 0 | 1) => (ins: Array[], ts: Array[]): [Array[], Array[]] => {
      const [outs, touts] = jvpIR(params.branches[k], branchInputs(ins, k, params), branchInputs(ts, k, params));
      return [outs, touts.map((t, i) => t ?? np.zerosLike(outs[i]!))];
    };
    const ts = rest.map((x, i) => tangents[i] ?? np.zerosLike(x));
    const [outs, touts] = cond(pred!, pick(1), pick(0), rest, ts);
    return [outs, touts.map((t, i) => (isFloat(outs[i]!.dtype) ? t : null))];
  },
  vjp(cts, [pred, ...rest], outs, params) {
    // Recompute the taken branch with its VJP: cheaper to write than saving residuals.
    const seeds = outs.map((o, i) => cts[i] ?? np.zerosLike(o));
    const pick = (k: 0 | 1) => (ins: Array[], ct: Array[]) => spreadCts(vjpIR(params.branches[k], branchInputs(ins, k, params), ct), k, ins, params);
    const grads = cond(pred!, pick(1), pick(0), rest, seeds);
    return [null, ...grads.map((g, i) => (isFloat(rest[i]!.dtype) ? g : null))];
  },
  batch([pred, ...rest], [predBatched, ...batched], params, size) {
    const run = (k: 0 | 1, ins: Array[]) =>
      vmapIR(params.branches[k], branchInputs(ins, k, params), branchInputs(batched, k, params), size);
    if (!predBatched) {
      const outs = cond(pred!, (ins: Array[]) => run(1, ins), (ins: Array[]) => run(0, ins), rest);
      return [outs, outs.map(() => true)];
    }
    // A per-example predicate: both branches run, and the predicate selects.
    const whenTrue = run(1, rest);
    const whenFalse = run(0, rest);
    const outs = whenTrue.map((t, i) => np.where(np.reshape(pred!, [size, ...t.shape.slice(1).map(() => 1)]), t, whenFalse[i]!));
    return [outs, outs.map(() => true)];
  },
  // Under jit: the taken branch, compiled, on buffers.
  lower: {
    kind: "runner",
    runner(params, compile) {
      const branches = params.branches.map(compile);
      return ([pred, ...rest]) => {
        const k = pred![0] ? 1 : 0;
        return branches[k]!(branchInputs(rest, k, params));
      };
    },
  },
});

/**
 * `trueFn(...operands)` if `pred` is true, else `falseFn(...operands)`, as one primitive:
 * differentiable in both modes, batchable (a batched predicate runs both branches and
 * selects), and staged by `jit` without a JavaScript branch on a traced value. The
 * branches must return the same structure, shapes and dtypes (and so the same type `T`);
 * they take the operands' types.
 *
 * @example
 * const relu = (x: Array) => cond(np.greater(x, 0), (v) => v, (v) => v.mul(0), x);
 */
export function cond<A extends unknown[], T>(pred: Array | boolean | number, trueFn: (...ops: A) => T, falseFn: (...ops: A) => T, ...operands: A): T {
  const p = np.asArray(pred);
  if (p.ndim !== 0) throw new Error(`cond: the predicate must be a scalar, got shape (${p.shape})`);
  const flat = operands.map((o) => outputLeaves(o));
  const defs = flat.map(([, def]) => def);
  const leaves = flat.flatMap(([ls]) => ls);
  const avals = avalsOf(leaves);
  const t1 = traceFn(trueFn, defs, avals);
  const t0 = traceFn(falseFn, defs, avals);
  if (!t0.outDef.equals(t1.outDef) || !sameAvals(t0.outAvals, t1.outAvals)) {
    throw new Error(
      `cond: the branches return different types: true gives ${t1.outDef} ${describeAvals(t1.outAvals)}, ` +
        `false gives ${t0.outDef} ${describeAvals(t0.outAvals)}`,
    );
  }
  const outs = bind(condPrimitive, [np.astype(p, "bool"), ...t0.consts, ...t1.consts, ...leaves], {
    branches: [t0.ir, t1.ir],
    nConsts: [t0.consts.length, t1.consts.length],
  });
  return tree.unflatten(t1.outDef, outs) as T;
}
