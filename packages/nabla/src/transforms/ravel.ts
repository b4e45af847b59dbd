import { sizeOf } from "../array/index.js";
import { np, tree, type Array } from "../core/index.js";
import type { GradOf } from "./types.js";

/**
 * One flat vector from the leaves of a pytree of Arrays, and the inverse map: how
 * Jacobians, Hessians and optimizers treat any parameter structure as a vector. The
 * inverse rebuilds x's structure with Array leaves (numbers come back as 0-d Arrays).
 *
 * @example
 * const [v, unravel] = ravelPytree({ W: np.ones([2, 2]), b: np.zeros([2]) });
 * v.shape; // [6]
 */
export function ravelPytree<T>(x: T): [Array, (v: Array) => GradOf<T>] {
  const [leaves, def] = tree.flatten(x);
  const arrays = leaves.map((l) => np.asArray(l as np.ArrayLike));
  const shapes = arrays.map((a) => a.shape);
  const sizes = shapes.map((s) => sizeOf(s));
  const flat = arrays.length === 1 ? np.reshape(arrays[0]!, [-1]) : np.concatenate(arrays.map((a) => np.reshape(a, [-1])));
  const unravel = (v: Array): GradOf<T> => {
    let offset = 0;
    const parts = shapes.map((shape, i) => {
      const part = np.reshape(np.slice(v, [offset, offset + sizes[i]!]), shape);
      offset += sizes[i]!;
      return part;
    });
    return tree.unflatten(def, parts) as GradOf<T>;
  };
  return [flat, unravel];
}
