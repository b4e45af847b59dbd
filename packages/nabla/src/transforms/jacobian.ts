import { sizeOf } from "../array/index.js";
import { np, tree, type Array, type Tree } from "../core/index.js";
import { argnumList, differentiableLeaves, outputLeaves } from "./args.js";
import { jvp } from "./jvp.js";
import { ravelPytree } from "./ravel.js";
import { grad, vjp } from "./vjp.js";
import { vmap } from "./vmap.js";

export interface JacobianOptions {
  /** Which argument(s) to differentiate (default 0); a list gives a tuple of Jacobians. */
  argnums?: number | readonly number[];
}

/**
 * Splits a flat (m × n) Jacobian into blocks shaped out.shape ++ in.shape, nested as the
 * output's pytree of the input's pytree (JAX's convention).
 */
function jacobianBlocks(J: Array, outTree: Tree, inTree: Tree): Tree {
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
  return tree.unflatten(outDef, blocks);
}

/** Runs `jacobianOf(g, x)` for the argument(s) picked by argnums, g being f of that one argument. */
function perArgument(op: string, f: (...args: any[]) => any, opts: JacobianOptions, args: any[], jacobianOf: (g: (x: Array) => Array, x: Array, unravelIn: (v: Array) => Tree, argIn: Tree) => Tree) {
  const nums = argnumList(op, opts.argnums ?? 0, args.length);
  const results = nums.map((n) => {
    differentiableLeaves(op, args[n], n);
    const [x, unravel] = ravelPytree(args[n]);
    const g = (v: Array) => {
      const full = [...args];
      full[n] = unravel(v);
      return f(...full);
    };
    return jacobianOf(g, x, unravel, args[n]);
  });
  return typeof opts.argnums === "object" ? results : results[0];
}

/**
 * The Jacobian by forward mode: one JVP per input element, batched with `vmap`. Best
 * when there are fewer inputs than outputs. Shape: out.shape ++ in.shape.
 *
 * @example
 * jacfwd((x) => np.stack([x.sum(), x.prod()]))(np.array([1, 2, 3])).shape; // [2, 3]
 */
export function jacfwd(f: (...args: any[]) => any, opts: JacobianOptions = {}) {
  return (...args: any[]): any =>
    perArgument("jacfwd", f, opts, args, (g, x, _unravel, argIn) => {
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
 * when there are fewer outputs than inputs. Shape: out.shape ++ in.shape.
 *
 * @example
 * jacrev((x) => x.mul(x))(np.array([1, 2])).toArray(); // [[2, 0], [0, 4]]
 */
export function jacrev(f: (...args: any[]) => any, opts: JacobianOptions = {}) {
  return (...args: any[]): any =>
    perArgument("jacrev", f, opts, args, (g, x, _unravel, argIn) => {
      const [out, pullback] = vjp(g, x);
      const [flatOut, unravelOut] = ravelPytree(out);
      const m = flatOut.size;
      const J = vmap((ct: Array) => pullback(unravelOut(ct))[0] as Array)(np.eye(m, m, { dtype: flatOut.dtype }));
      return jacobianBlocks(J, out, argIn);
    });
}

/** Same as {@link jacrev}. @example jacobian(f)(x) */
export const jacobian = jacrev;

/**
 * The Hessian of a scalar function, as jacfwd(jacrev(f)) (forward-over-reverse).
 * Shape: in.shape ++ in.shape.
 *
 * @example
 * hessian((x) => np.sum(np.pow(x, 3)))(np.array([1, 2])).toArray(); // [[6, 0], [0, 12]]
 */
export function hessian(f: (...args: any[]) => any, opts: JacobianOptions = {}) {
  return jacfwd(jacrev(f, opts), opts);
}

/**
 * The Hessian-vector product H(x)·v of a scalar function without forming H: a JVP of
 * the gradient (forward-over-reverse), at the cost of about one gradient. `x` and `v`
 * are pytrees of the same structure.
 *
 * @example
 * hvp((x) => x.mul(x).sum(), np.array([1, 2]), np.array([1, 0])).toArray(); // [2, 0]
 */
export function hvp(f: (x: any) => any, x: Tree, v: Tree): any {
  return jvp(grad(f), [x], [v])[1];
}
