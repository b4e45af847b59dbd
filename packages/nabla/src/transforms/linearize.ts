import { bind1, evalIR, stage, tree, type Array, stopGradientPrimitive as stopGradientP } from "../core/index.js";
import { checkedLeaves, differentiableLeaves, opOf, outputLeaves } from "./args.js";
import { jvp } from "./jvp.js";
import type { GradOf, TangentsOf } from "./types.js";

/**
 * Evaluates `f(...primals)` and stages its JVP once: the returned `fJvp(...tangents)`
 * replays only the linear tangent computation, reusing everything that depends on the
 * primals alone (what Newton-CG and Lanczos need for many Hessian-vector products).
 * Tangents must have their primals' structure, shapes and dtypes: the staged program
 * was built for them, and a mismatch is an error naming linearize, f and both shapes.
 *
 * @example
 * const [y, fJvp] = linearize((x) => x.sin(), np.array(0.3));
 * fJvp(np.array(2)).item(); // 2·cos(0.3)
 */
export function linearize<P extends unknown[], R>(f: (...args: P) => R, ...primals: P): [R, (...tangents: TangentsOf<P>) => GradOf<R>] {
  const args = primals.map((p, i) => differentiableLeaves("linearize", p, i));
  const avals = args.flatMap(([xs]) => xs.map((x) => ({ shape: x.shape, dtype: x.dtype })));
  let primalOut!: R; // set by the staging call below
  let outDef: ReturnType<typeof tree.flatten>[1] | undefined;
  const closed = stage((...tangentLeaves: Array[]) => {
    let k = 0;
    const tangents = args.map(([xs, def]) => tree.unflatten(def, xs.map(() => tangentLeaves[k++]!)));
    const [out, tOut] = jvp(f, primals, tangents as TangentsOf<P>);
    primalOut = out;
    const [leaves, def] = outputLeaves(tOut);
    outDef = def;
    return leaves;
  }, avals);
  const op = opOf("linearize", f);
  // The staged program assumed these shapes and dtypes: others would broadcast or mix.
  const fJvp = (...tangents: TangentsOf<P>): GradOf<R> => {
    if (tangents.length !== args.length) throw new Error(`${op}: expected ${args.length} tangent(s), got ${tangents.length}`);
    const leaves = tangents.flatMap((t, i) => checkedLeaves(`${op}: the tangent of argument ${i}`, t, args[i]![1], args[i]![0], `argument ${i}'s`, false) as Array[]);
    return tree.unflatten(outDef!, evalIR(closed, leaves)) as GradOf<R>;
  };
  return [primalOut, fJvp];
}

/**
 * The identity, with a zero derivative: gradients do not flow through it.
 *
 * @example
 * grad((x) => x.mul(stopGradient(x)))(np.array(3)).item(); // 3, not 6
 */
export function stopGradient(x: Array): Array {
  return bind1(stopGradientP, [x], {});
}
