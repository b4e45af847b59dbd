import { Array, Tracer, bind, currentInterpreter, np, tree, withInterpreter, type Interpreter, type Primitive, type Tree, type Tangent } from "../core/index.js";
import { checkedLeaves, differentiableLeaves, outputLeaves } from "./args.js";
import type { GradOf, TangentsOf } from "./types.js";

/** A value under forward-mode differentiation: its primal and its tangent. */
class JVPTracer extends Tracer {
  constructor(
    readonly owner: JVPInterpreter,
    readonly primal: Array,
    readonly tangent: Array,
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

/**
 * Forward mode: each primitive's JVP rule runs under the interpreter below, so primal
 * and tangent work is itself open to an outer transformation. Values whose tangent is
 * zero are not boxed at all.
 */
class JVPInterpreter implements Interpreter {
  readonly name = "jvp";
  constructor(readonly parent: Interpreter) {}

  process(prim: Primitive, args: readonly Array[], params: unknown): Array[] {
    const own = args.map((a) => a instanceof JVPTracer && a.owner === this);
    if (!own.includes(true)) return withInterpreter(this.parent, () => bind(prim, args, params));
    const primals = args.map((a, i) => (own[i] ? (a as JVPTracer).primal : a));
    const tangents = args.map((a, i) => (own[i] ? (a as JVPTracer).tangent : null));
    const [outs, outTangents] = withInterpreter(this.parent, () => prim.jvp(primals, tangents, params));
    return outs.map((o, i) => {
      const t = outTangents[i];
      return t ? new JVPTracer(this, o, t) : o;
    });
  }

  primalOf(x: Array): Array {
    return x instanceof JVPTracer && x.owner === this ? x.primal : x;
  }
  tangentOf(x: Array): Tangent {
    return x instanceof JVPTracer && x.owner === this ? x.tangent : null;
  }
}

/**
 * Forward-mode derivative: evaluates `f(...primals)` and its directional derivative
 * along `tangents` (one pytree per argument, same shapes) in one pass. The tangent out
 * has the output's structure with Array leaves.
 *
 * @example
 * const [y, dy] = jvp((x) => x.sin(), [np.array(0.3)], [np.array(1)]);
 * dy.item(); // cos(0.3)
 */
export function jvp<P extends unknown[], R>(
  f: (...args: P) => R,
  primals: readonly [...P],
  tangents: readonly [...TangentsOf<P>],
): [R, GradOf<R>] {
  if (primals.length !== tangents.length) {
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  }
  const interp = new JVPInterpreter(currentInterpreter());
  const args = primals.map((p, i) => {
    const [xs, def] = differentiableLeaves("jvp", p, i);
    const ts = checkedLeaves(`jvp: the tangent of argument ${i}`, tangents[i], def, xs, `argument ${i}'s`, false);
    const traced = xs.map((x, k) => new JVPTracer(interp, x, ts[k]!));
    return tree.unflatten(def, traced);
  });
  const out = withInterpreter(interp, () => f(...(args as P)));
  const [outs, def] = outputLeaves(out);
  const primalOut = outs.map((o) => interp.primalOf(o));
  const tangentOut = outs.map((o) => interp.tangentOf(o) ?? np.zerosLike(interp.primalOf(o)));
  return [tree.unflatten(def, primalOut) as R, tree.unflatten(def, tangentOut) as GradOf<R>];
}
