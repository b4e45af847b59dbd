import { sizeOf } from "../array/index.js";
import { np, tree, type Array, type Tree, type TreeDef } from "../core/index.js";
import { argnumList, differentiableLeaves, outputLeaves } from "./args.js";
import { jvp } from "./jvp.js";
import { ravelPytree } from "./ravel.js";
import type { Argnums, Fn, GradOf, HessianFn, JacobianFn, JacobianOptions } from "./types.js";
import { grad, vjp } from "./vjp.js";
import { vmap } from "./vmap.js";

export type { JacobianOptions } from "./types.js";

/**
 * Splits a flat (m × n) Jacobian into blocks shaped out.shape ++ in.shape: one pytree of
 * the input's structure per output leaf, and the output's structure to nest them in.
 */
function jacobianBlocks(J: Array, outTree: Tree, inTree: Tree): [Tree[], TreeDef] {
  const [outs, outDef] = outputLeaves(outTree);
  const [ins, inDef] = tree.flatten(inTree);
  const inShapes = ins.map((l) => np.asArray(l as np.ArrayLike).shape);
  let row = 0;
  const blocks = outs.map((o) => {
    const rows = o.size;
    let col = 0;
    const perInput = inShapes.map((shape) => {
      const cols = sizeOf(shape);
      const block = np.slice(J, [row, row + rows], [col, col + cols]);
      col += cols;
      return np.reshape(block, [...o.shape, ...shape]);
    });
    row += rows;
    return tree.unflatten(inDef, perInput);
  });
  return [blocks, outDef];
}

/**
 * Runs `jacobianOf(g, x)` for the argument(s) picked by argnums, g being f of that one
 * argument, and nests the blocks as JAX does: the output's structure outermost, and at
 * each output leaf the Jacobian for one argument, or the tuple over a list of argnums.
 */
function perArgument(op: string, f: Fn, opts: JacobianOptions, args: any[], jacobianOf: (g: (x: Array) => Array, x: Array, argIn: Tree) => [Tree[], TreeDef]): any {
  const nums = argnumList(op, opts.argnums ?? 0, args.length);
  const results = nums.map((n) => {
    differentiableLeaves(op, args[n], n);
    const [x, unravel] = ravelPytree(args[n]);
    const g = (v: Array) => {
      const full = [...args];
      full[n] = unravel(v);
      return f(...full);
    };
    return jacobianOf(g, x, args[n]);
  });
  if (typeof opts.argnums !== "object") return tree.unflatten(results[0]![1], results[0]![0]);
  // Every argument's blocks have the same output structure: f's. (With no argnums there
  // are no blocks, and f runs once for that structure.)
  const outDef = results[0]?.[1] ?? outputLeaves(f(...args))[1];
  const perLeaf = globalThis.Array.from({ length: outDef.numLeaves }, (_, k) => results.map(([blocks]) => blocks[k]));
  return tree.unflatten(outDef, perLeaf);
}

/**
 * The Jacobian by forward mode: one JVP per input element, batched with `vmap`. Best
 * when there are fewer inputs than outputs. Shape: out.shape ++ in.shape; a pytree
 * output holds, at each leaf, a block per leaf of the input (typed `JacobianOf`), and
 * with a list of argnums a tuple over the arguments there (JAX's order).
 *
 * @example
 * jacfwd((x) => np.stack([x.sum(), x.prod()]))(np.array([1, 2, 3])).shape; // [2, 3]
 * const [Jx, Jy] = jacfwd((x: Array, y: Array) => x.mul(y), { argnums: [0, 1] })(x, y);
 */
export function jacfwd<F extends Fn, const N extends Argnums = 0>(f: F, opts: JacobianOptions<N> = {}): JacobianFn<F, N> {
  return (...args: any[]) =>
    perArgument("jacfwd", f, opts, args, (g, x, argIn) => {
      const n = x.size;
      const out = g(x);
      const pushforward = (t: Array) => ravelPytree(jvp(g, [x], [t])[1])[0];
      // vmap puts the input index first; the Jacobian wants it last.
      const J = np.transpose(vmap(pushforward)(np.eye(n, n, { dtype: x.dtype })));
      return jacobianBlocks(J, out, argIn);
    });
}

/**
 * The Jacobian by reverse mode: one VJP per output element, batched with `vmap`. Best
 * when there are fewer outputs than inputs. Shape: out.shape ++ in.shape, nested as
 * {@link jacfwd}'s.
 *
 * @example
 * jacrev((x) => x.mul(x))(np.array([1, 2])).toArray(); // [[2, 0], [0, 4]]
 */
export function jacrev<F extends Fn, const N extends Argnums = 0>(f: F, opts: JacobianOptions<N> = {}): JacobianFn<F, N> {
  return (...args: any[]) =>
    perArgument("jacrev", f, opts, args, (g, x, argIn) => {
      const [out, pullback] = vjp(g, x);
      const [flatOut, unravelOut] = ravelPytree(out);
      const m = flatOut.size;
      const J = vmap((ct: Array) => pullback(unravelOut(ct))[0])(np.eye(m, m, { dtype: flatOut.dtype }));
      return jacobianBlocks(J, out, argIn);
    });
}

/** Same as {@link jacrev}. @example jacobian(f)(x) */
export const jacobian = jacrev;

/**
 * The Hessian of a scalar function, as jacfwd(jacrev(f)) (forward-over-reverse).
 * Shape: in.shape ++ in.shape. With argnums [0, 1] and Array arguments, H[i][j] is
 * ∂²f/∂xᵢ∂xⱼ, of shape xᵢ.shape ++ xⱼ.shape (as JAX's).
 *
 * @example
 * hessian((x) => np.sum(np.pow(x, 3)))(np.array([1, 2])).toArray(); // [[6, 0], [0, 12]]
 * const [[Hxx, Hxy], [Hyx, Hyy]] = hessian((x: Array, y: Array) => x.mul(y).sum(), { argnums: [0, 1] })(x, y);
 */
export function hessian<F extends Fn, const N extends Argnums = 0>(f: F, opts: JacobianOptions<N> = {}): HessianFn<F, N> {
  // The types of jacfwd(jacrev(f)) nest as HessianFn says; the compiler cannot follow
  // them through two generic signatures.
  const h: (...args: any[]) => unknown = jacfwd(jacrev(f, opts), opts);
  return ((...args: any[]) => {
    argnumList("hessian", opts.argnums ?? 0, args.length); // errors name hessian, not the jacfwd inside
    return h(...args);
  }) as HessianFn<F, N>;
}

/**
 * The Hessian-vector product H(x)·v of a scalar function without forming H: a JVP of
 * the gradient (forward-over-reverse), at the cost of about one gradient. `x` and `v`
 * are pytrees of the same structure; so is the result.
 *
 * @example
 * hvp((x) => x.mul(x).sum(), np.array([1, 2]), np.array([1, 0])).toArray(); // [2, 0]
 */
export function hvp<T>(f: (x: T) => unknown, x: T, v: GradOf<T>): GradOf<T> {
  // The tangent of grad(f) at x: GradOf<GradOf<T>>, which is GradOf<T>, though the
  // compiler cannot see that for a generic T.
  return jvp(grad(f), [x], [v])[1] as GradOf<T>;
}
