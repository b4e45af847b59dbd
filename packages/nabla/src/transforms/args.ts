// What every transformation does first: read the arguments it differentiates or batches.
import { isFloat, sameShape, shapeString } from "../array/index.js";
import { Array, np, tree, type Aval, type Tree, type TreeDef } from "../core/index.js";

/**
 * The argument positions a transformation acts on, as a list, checked against the call.
 * A position listed twice is an error: JAX gives it no meaning (old versions returned a
 * zero for all but the last copy, new ones fail inside), and a silent zero is worse.
 */
export function argnumList(op: string, argnums: number | readonly number[], nargs: number): number[] {
  if (typeof argnums !== "number" && !globalThis.Array.isArray(argnums)) {
    throw new Error(`${op}: argnums must be an argument position or a list of them, got ${String(argnums)}`);
  }
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= nargs) {
      throw new Error(`${op}: argnums ${JSON.stringify(argnums)} does not fit a call with ${nargs} argument(s)`);
    }
  }
  const repeated = list.find((i, k) => list.indexOf(i) !== k);
  if (repeated !== undefined) {
    throw new Error(`${op}: argnums ${JSON.stringify(argnums)} lists argument ${repeated} twice; list each argument once`);
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
    // Where the leaf is, for an error only: built on every call it printed the structure per leaf.
    const where = () => (leaves.length > 1 || !(leaf instanceof Array || typeof leaf === "number") ? ` (leaf ${k} of ${def})` : "");
    if (typeof leaf === "number") return np.asArray(leaf);
    if (!(leaf instanceof Array)) {
      throw new Error(`${op}: argument ${index}${where()} is ${typeof leaf}, not an Array or number`);
    }
    if (!isFloat(leaf.dtype)) {
      throw new Error(`${op}: argument ${index}${where()} has dtype ${leaf.dtype}; only floating-point inputs can be differentiated`);
    }
    return leaf;
  });
  return [arrays, def];
}

/** Output leaves as Arrays (a function may return plain numbers). */
export function outputLeaves(out: Tree): [Array[], TreeDef] {
  const [leaves, def] = tree.flatten(out);
  // An Array is returned as it is; asArray's checks are for the numbers.
  return [leaves.map((l) => (l instanceof Array ? l : np.asArray(l as np.ArrayLike))), def];
}

/** `op`, with the name of the user's function when it has one: "customVjp(softclip)". */
export function opOf(op: string, f: { name: string }): string {
  return f.name ? `${op}(${f.name})` : op;
}

/**
 * A tangent or cotangent given (by the user, or returned by the user's rule) for a value
 * of shape and dtype `like`: an Array of exactly that shape and dtype, or a plain number
 * for a 0-d value (weakly typed, it takes the value's dtype). Anything else is an error
 * naming `what` (the function, the rule, the argument) and both shapes, never a
 * broadcast or a cast that would give a silently different derivative. `whose` names the
 * value in the message ("argument 0's"). A value that is not floating point has no
 * derivative, so there only the shape is checked.
 *
 * @example
 * checkedTangent("jvp: the tangent of argument 0", np.ones([2]), { shape: [2], dtype: "float64" }, "argument 0's");
 */
export function checkedTangent(what: string, t: unknown, like: Aval, whose: string): Array {
  const given = typeof t === "number" ? np.asArray(t, like.dtype) : t;
  const expected = `${whose} shape ${shapeString(like.shape)} and dtype ${like.dtype}`;
  if (!(given instanceof Array)) throw new Error(`${what} is ${t === null ? "null" : typeof t}, not an Array of ${expected}`);
  if (!sameShape(given.shape, like.shape) || (isFloat(like.dtype) && given.dtype !== like.dtype)) {
    throw new Error(`${what} has shape ${shapeString(given.shape)} and dtype ${given.dtype}, not ${expected}`);
  }
  return given;
}

/**
 * The leaves of `t`, a pytree given for a value of structure `def` and leaves `likes`,
 * each checked by {@link checkedTangent}. With `nullIsZero`, `null` (as JAX's None)
 * stands for a zero tangent of the whole value and gives `null` leaves.
 */
export function checkedLeaves(what: string, t: unknown, def: TreeDef, likes: readonly Aval[], whose: string, nullIsZero: boolean): (Array | null)[] {
  if (nullIsZero && (t === null || t === undefined)) return likes.map(() => null);
  const [leaves, given] = tree.flatten(t as Tree);
  if (!given.equals(def)) throw new Error(`${what} has structure ${given}, not ${whose} structure ${def}`);
  return leaves.map((l, k) => checkedTangent(leaves.length > 1 ? `${what} (leaf ${k})` : what, l, likes[k]!, whose));
}
