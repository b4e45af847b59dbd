import { bind, definePrimitive, np, tree, type Array, type IR, type Primitive, type Tree, type TreeDef } from "../core/index.js";
import { avalsOf, concrete, runIR, storages, traceFn } from "./control/traced.js";
import { outputLeaves } from "./args.js";
import type { Fn, GradOf, TangentsOf } from "./types.js";
import { vjp } from "./vjp.js";
import { vmap } from "./vmap.js";
import { materializeBatch } from "../core/primitives/index.js";

interface CustomParams {
  /** The function itself, staged: [...consts, ...args] → outputs. */
  ir: IR;
  nConsts: number;
  inDefs: readonly TreeDef[];
  outDef: TreeDef;
}

function argsOf(inputs: readonly Array[], p: CustomParams): Tree[] {
  let k = p.nConsts;
  return p.inDefs.map((def) => tree.unflatten(def, inputs.slice(k, (k += def.numLeaves))));
}

function leavesOf(x: Tree): Array[] {
  return outputLeaves(x)[0];
}

/** `f` as a call of `prim`: f staged once per call, its closed-over values leading inputs. */
function callWithRule<F extends (...args: any[]) => any, R>(f: F, prim: Primitive<CustomParams & R>, rule: R): F {
  return ((...args: any[]) => {
    const flat = args.map((a) => outputLeaves(a));
    const inDefs = flat.map(([, d]) => d);
    const leaves = flat.flatMap(([ls]) => ls);
    const traced = traceFn(f, inDefs, avalsOf(leaves));
    const outs = bind(prim, [...traced.consts, ...leaves], {
      ir: traced.ir,
      nConsts: traced.consts.length,
      inDefs,
      outDef: traced.outDef,
      ...rule,
    });
    return tree.unflatten(traced.outDef, outs);
  }) as F;
}

type JvpRule = (primals: any[], tangents: any[]) => [any, any];

export const customJvpPrimitive: Primitive<CustomParams & { rule: JvpRule }> = definePrimitive({
  name: "custom_jvp_call",
  shapeRule: (_inputs, p) => p.ir.outputs.map((v) => v.aval),
  impl: (inputs, p) => storages(runIR(p.ir, concrete(inputs))),
  jvp(primals, tangents, p) {
    const args = argsOf(primals, p);
    const ts = argsOf(primals.map((x, i) => tangents[i] ?? np.zerosLike(x)), p);
    const [out, tout] = p.rule(args, ts);
    return [leavesOf(out), leavesOf(tout)];
  },
  vjp(cts, inputs, outputs, p, wanted) {
    // The rule is linear in the tangents, so its VJP at zero tangents is the transpose.
    const args = argsOf(inputs, p);
    const zeros = argsOf(inputs.map((x) => np.zerosLike(x)), p);
    const [, pullback] = vjp((...ts: Tree[]) => leavesOf(p.rule(args, ts)[1]), ...zeros);
    const grads = pullback(outputs.map((o, i) => cts[i] ?? np.zerosLike(o))).flatMap((g) => leavesOf(g));
    return [...inputs.slice(0, p.nConsts).map(() => null), ...grads.map((g, i) => (wanted[p.nConsts + i] ? g : null))];
  },
  batch(inputs, batched, p, size) {
    // A custom rule survives batching: the batched function gets the batched rule.
    const all = inputs.map((x, i) => materializeBatch(x, batched[i]!, size));
    const outs = customJvp(
      (xs: Array[]) => vmap((ys: Array[]) => runIR(p.ir, ys))(xs),
      ([xs], [ts]) =>
        vmap((ys: Array[], us: Array[]): [Array[], Array[]] => {
          const [o, t] = p.rule(argsOf(ys, p), argsOf(us, p));
          return [leavesOf(o), leavesOf(t)];
        })(xs, ts),
    )(all);
    return [outs, outs.map(() => true)];
  },
});

/**
 * `f` with a derivative rule of your own: `rule(primals, tangents)` returns
 * `[f(...primals), tangentOut]` (linear in the tangents). Reverse mode transposes the
 * rule, so one rule serves both modes; derivatives of higher order differentiate the
 * rule. Values `f` closes over are treated as constants.
 *
 * @example
 * // log(1 + eˣ) with a derivative that stays finite for large x
 * const softplus = customJvp((x) => np.softplus(x), ([x], [t]) => [np.softplus(x), t.mul(np.sigmoid(x))]);
 */
export function customJvp<F extends Fn>(f: F, rule: (primals: Parameters<F>, tangents: TangentsOf<Parameters<F>>) => [ReturnType<F>, GradOf<ReturnType<F>>]): F {
  return callWithRule(f, customJvpPrimitive, { rule: rule as JvpRule });
}

type Fwd = (...args: any[]) => [any, any];
type Bwd = (residuals: any, cotangent: any) => any[];

export const customVjpPrimitive: Primitive<CustomParams & { fwd: Fwd; bwd: Bwd }> = definePrimitive({
  name: "custom_vjp_call",
  shapeRule: (_inputs, p) => p.ir.outputs.map((v) => v.aval),
  impl: (inputs, p) => storages(runIR(p.ir, concrete(inputs))),
  jvp() {
    throw new Error("customVjp: a function with a custom VJP supports reverse mode only (as in JAX); use customJvp for forward mode");
  },
  vjp(cts, inputs, outputs, p, wanted) {
    const [, residuals] = p.fwd(...argsOf(inputs, p));
    const ct = tree.unflatten(p.outDef, outputs.map((o, i) => cts[i] ?? np.zerosLike(o)));
    const grads = p.bwd(residuals, ct);
    if (!globalThis.Array.isArray(grads) || grads.length !== p.inDefs.length) {
      throw new Error(`customVjp: bwd must return one cotangent per argument (${p.inDefs.length}), got ${globalThis.Array.isArray(grads) ? grads.length : typeof grads}`);
    }
    const flat = grads.flatMap((g) => leavesOf(g));
    return [...inputs.slice(0, p.nConsts).map(() => null), ...flat.map((g, i) => (wanted[p.nConsts + i] ? g : null))];
  },
  batch(inputs, batched, p, size) {
    const all = inputs.map((x, i) => materializeBatch(x, batched[i]!, size));
    const outs = customVjp(
      (xs: Array[]) => vmap((ys: Array[]) => runIR(p.ir, ys))(xs),
      (xs: Array[]) =>
        vmap((ys: Array[]): [Array[], unknown] => {
          const [o, residuals] = p.fwd(...argsOf(ys, p));
          return [leavesOf(o), residuals];
        })(xs),
      (residuals, ct) => {
        const grads = vmap((r: unknown, c: Array[]) => p.bwd(r, tree.unflatten(p.outDef, c)).flatMap((g) => leavesOf(g)))(residuals, ct);
        return [[...all.slice(0, p.nConsts).map((c) => np.zerosLike(c)), ...grads]];
      },
    )(all);
    return [outs, outs.map(() => true)];
  },
});

/**
 * `f` with a reverse-mode rule of your own, as JAX's custom_vjp: `fwd(...args)` returns
 * `[f(...args), residuals]`, and `bwd(residuals, cotangent)` returns one cotangent per
 * argument. Use it for stable or cheaper gradients (ODE adjoints, implicit layers).
 * The residuals are whatever fwd returns beside the value; bwd receives them as such.
 *
 * @example
 * const clipGrad = customVjp((x: Array) => x, (x) => [x, null], (_r, g) => [np.clip(g, -1, 1)]);
 */
export function customVjp<
  F extends Fn,
  // A tuple type in the constraint types residuals written `[x, y]` as the pair bwd reads.
  Res extends [] | {} | null | undefined,
>(
  f: F,
  fwd: (...args: Parameters<F>) => [ReturnType<F>, Res],
  bwd: (residuals: Res, cotangent: GradOf<ReturnType<F>>) => TangentsOf<Parameters<F>>,
): F {
  return callWithRule(f, customVjpPrimitive, { fwd: fwd as Fwd, bwd: bwd as Bwd });
}

