// What every transformation does first: read the arguments it differentiates or batches.
import { isFloat } from "../array/index.js";
import { Array, np, tree, type Tree, type TreeDef } from "../core/index.js";

/** The argument positions a transformation acts on, as a list, checked against the call. */
export function argnumList(op: string, argnums: number | readonly number[], nargs: number): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= nargs) {
      throw new Error(`${op}: argnums ${JSON.stringify(argnums)} does not fit a call with ${nargs} argument(s)`);
    }
  }
  return list;
}

/**
 * The leaves of argument `index` as Arrays (numbers become float64 0-d arrays), checked
 * to be floating point: derivatives with respect to integers or booleans are an error
 * that names the argument.
 */
export function differentiableLeaves(op: string, arg: Tree, index: number): [Array[], TreeDef] {
  const [leaves, def] = tree.flatten(arg);
  const arrays = leaves.map((leaf, k) => {
    const where = leaves.length > 1 || !(leaf instanceof Array || typeof leaf === "number") ? ` (leaf ${k} of ${def})` : "";
    if (typeof leaf === "number") return np.asArray(leaf);
    if (!(leaf instanceof Array)) {
      throw new Error(`${op}: argument ${index}${where} is ${typeof leaf}, not an Array or number`);
    }
    if (!isFloat(leaf.dtype)) {
      throw new Error(`${op}: argument ${index}${where} has dtype ${leaf.dtype}; only floating-point inputs can be differentiated`);
    }
    return leaf;
  });
  return [arrays, def];
}

/** Output leaves as Arrays (a function may return plain numbers). */
export function outputLeaves(out: Tree): [Array[], TreeDef] {
  const [leaves, def] = tree.flatten(out);
  return [leaves.map((l) => np.asArray(l as np.ArrayLike)), def];
}
