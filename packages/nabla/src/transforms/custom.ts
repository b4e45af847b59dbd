import { isFloat } from "../array/index.js";
import { Array, bind, definePrimitive, np, tree, type IR, type Primitive, type Tree, type TreeDef, type Tangent, materializeBatch } from "../core/index.js";
import { avalsOf, concrete, runIR, storages, traceFn } from "./control/traced.js";
import { checkedLeaves, opOf, outputLeaves } from "./args.js";
import type { Fn, GradOf, TangentsOf } from "./types.js";
import { vjp } from "./vjp.js";
import { vmap } from "./vmap.js";

interface CustomParams {
  /** customJvp or customVjp, with the user's function's name: what errors name. */
  op: string;
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

const outAvals = (p: CustomParams) => p.ir.outputs.map((v) => v.aval);
const argAvals = (p: CustomParams) => p.ir.inputs.slice(p.nConsts).map((v) => v.aval);

/**
 * What the user's rule returned for `f`'s output (a primal or a tangent: shapes and
 * dtypes of f's output), as leaves, checked: a mismatch is an error naming the rule.
 */
function outputOfRule(p: CustomParams, what: string, value: unknown, nullIsZero: boolean): Tangent[] {
  return checkedLeaves(`${p.op}: ${what}`, value, p.outDef, outAvals(p), "the function's output", nullIsZero);
}

/** A rule's [value, second] pair, or an error saying what it returned instead. */
function pairOf(p: CustomParams, rule: string, result: unknown): [unknown, unknown] {
  if (!globalThis.Array.isArray(result) || result.length !== 2) {
    const got = globalThis.Array.isArray(result) ? `a list of ${result.length}` : result instanceof Array ? "an Array" : String(result);
    throw new Error(`${p.op}: ${rule} must return a pair [${rule === "fwd" ? "output, residuals" : "primalOut, tangentOut"}], got ${got}`);
  }
  return result as [unknown, unknown];
}

/** The JVP rule applied: f's outputs and their tangents (null: zero), checked. */
function applyJvpRule(p: CustomParams & { rule: JvpRule }, primals: Tree[], tangents: Tree[]): [Array[], Tangent[]] {
  const [out, tout] = pairOf(p, "the rule", p.rule(primals, tangents));
  return [outputOfRule(p, "the rule's primal output", out, false) as Array[], outputOfRule(p, "the rule's tangent output", tout, true)];
}

/** `f` as a call of `prim`: f staged once per call, its closed-over values leading inputs. */
function callWithRule<F extends (...args: any[]) => any, R>(name: string, f: F, prim: Primitive<CustomParams & R>, rule: R): F {
  const op = opOf(name, f);
  return ((...args: any[]) => {
    const flat = args.map((a) => outputLeaves(a));
    const inDefs = flat.map(([, d]) => d);
    const leaves = flat.flatMap(([ls]) => ls);
    const traced = traceFn(f, inDefs, avalsOf(leaves));
    const outs = bind(prim, [...traced.consts, ...leaves], {
      op,
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
    return applyJvpRule(p, args, ts);
  },
  vjp(cts, inputs, outputs, p, wanted) {
    // The rule is linear in the tangents, so its VJP at zero tangents is the transpose.
    const args = argsOf(inputs, p);
    const zeros = argsOf(inputs.map((x) => np.zerosLike(x)), p);
    const tangentOut = (...ts: Tree[]) => applyJvpRule(p, args, ts)[1].map((t, k) => t ?? np.zerosLike(outputs[k]!));
    const [, pullback] = vjp(tangentOut, ...zeros);
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
          const [o, t] = applyJvpRule(p, argsOf(ys, p), argsOf(us, p));
          return [o, t.map((tk, k) => tk ?? np.zerosLike(o[k]!))];
        })(xs, ts),
    )(all);
    return [outs, outs.map(() => true)];
  },
});

/**
 * `f` with a derivative rule of your own: `rule(primals, tangents)` returns
 * `[f(...primals), tangentOut]` (linear in the tangents). Reverse mode transposes the
 * rule, so one rule serves both modes; derivatives of higher order differentiate the
 * rule. Values `f` closes over are treated as constants. The rule's outputs must have
 * f's output structure, shapes and dtypes (a `null` tangent is zero); anything else is
 * an error naming customJvp, f and both shapes.
 *
 * @example
 * // log(1 + eˣ) with a derivative that stays finite for large x
 * const softplus = customJvp((x) => np.softplus(x), ([x], [t]) => [np.softplus(x), t.mul(np.sigmoid(x))]);
 */
export function customJvp<F extends Fn>(f: F, rule: (primals: Parameters<F>, tangents: TangentsOf<Parameters<F>>) => [ReturnType<F>, GradOf<ReturnType<F>>]): F {
  return callWithRule("customJvp", f, customJvpPrimitive, { rule: rule as JvpRule });
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
    const [out, residuals] = pairOf(p, "fwd", p.fwd(...argsOf(inputs, p)));
    outputOfRule(p, "fwd's output", out, false);
    const ct = tree.unflatten(p.outDef, outputs.map((o, i) => cts[i] ?? np.zerosLike(o)));
    return [...inputs.slice(0, p.nConsts).map(() => null), ...bwdCotangents(p, p.bwd(residuals, ct)).map((g, i) => (wanted[p.nConsts + i] ? g : null))];
  },
  batch(inputs, batched, p, size) {
    const all = inputs.map((x, i) => materializeBatch(x, batched[i]!, size));
    const outs = customVjp(
      (xs: Array[]) => vmap((ys: Array[]) => runIR(p.ir, ys))(xs),
      (xs: Array[]) =>
        vmap((ys: Array[]): [Array[], unknown] => {
          const [o, residuals] = pairOf(p, "fwd", p.fwd(...argsOf(ys, p)));
          return [outputOfRule(p, "fwd's output", o, false) as Array[], residuals];
        })(xs),
      (residuals, ct) => {
        const zerosFor = argAvals(p).map((a) => np.zeros(a.shape, { dtype: a.dtype }));
        const perExample = (r: unknown, c: Array[]) => bwdCotangents(p, p.bwd(r, tree.unflatten(p.outDef, c))).map((g, k) => g ?? zerosFor[k]!);
        const grads = vmap(perExample)(residuals, ct);
        return [[...all.slice(0, p.nConsts).map((c) => np.zerosLike(c)), ...grads]];
      },
    )(all);
    return [outs, outs.map(() => true)];
  },
});

/**
 * bwd's cotangents as leaves, one pytree per argument with the argument's structure,
 * shapes and dtypes (`null` for a zero cotangent), checked: a mismatch is an error
 * naming the argument and both shapes, never a broadcast or a shifted leaf.
 */
function bwdCotangents(p: CustomParams, grads: unknown): Tangent[] {
  if (!globalThis.Array.isArray(grads) || grads.length !== p.inDefs.length) {
    throw new Error(`${p.op}: bwd must return one cotangent per argument (${p.inDefs.length}), got ${globalThis.Array.isArray(grads) ? grads.length : typeof grads}`);
  }
  const avals = argAvals(p);
  let k = 0;
  return p.inDefs.flatMap((def, i) => {
    const likes = avals.slice(k, (k += def.numLeaves));
    const leaves = checkedLeaves(`${p.op}: bwd's cotangent for argument ${i}`, grads[i], def, likes, `argument ${i}'s`, true);
    return leaves.map((g, j) => (isFloat(likes[j]!.dtype) ? g : null)); // no cotangent for integers
  });
}

/**
 * `f` with a reverse-mode rule of your own, as JAX's custom_vjp: `fwd(...args)` returns
 * `[f(...args), residuals]`, and `bwd(residuals, cotangent)` returns one cotangent per
 * argument. Use it for stable or cheaper gradients (ODE adjoints, implicit layers).
 * The residuals are whatever fwd returns beside the value; bwd receives them as such.
 * Each cotangent bwd returns must have its argument's structure, shapes and dtypes
 * (`null` for a zero one); anything else is an error naming customVjp, f, the argument
 * and both shapes.
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
  return callWithRule("customVjp", f, customVjpPrimitive, { fwd: fwd as Fwd, bwd: bwd as Bwd });
}

