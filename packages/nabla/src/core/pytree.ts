import { describe } from "../array/index.js";
import { Array } from "./array.js";

/**
 * A pytree: nested plain objects and JavaScript arrays whose leaves are Arrays, numbers
 * or anything else that is not a container; `null`/`undefined` are empty nodes.
 */
export type Tree<L = unknown> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> } | null | undefined;

/**
 * The pytree type `T` with every Array or number leaf replaced by `L`: objects keep
 * their keys, tuples their length, `null`/`undefined` stay. `any` stays `any`; `unknown`
 * and other leaves (strings, booleans) become `unknown`. (There is no `unknown extends T`
 * test: without one the compiler sees `T` as covariant, so a record typed with
 * `MapLeaves<Array, L>` still counts as one typed with `MapLeaves<unknown, L>`.)
 *
 * @example
 * type G = MapLeaves<{ w: Array; b: number }, Array>; // { w: Array; b: Array }
 */
export type MapLeaves<T, L> = T extends Array | number
  ? L
  : T extends null | undefined
    ? T
    : T extends readonly unknown[] | object
      ? { -readonly [K in keyof T]: MapLeaves<T[K], L> }
      : unknown;

type Node =
  | { kind: "leaf" }
  | { kind: "none"; value: null | undefined }
  | { kind: "list"; children: TreeDef[] }
  | { kind: "object"; keys: string[]; children: TreeDef[] };

/** The structure of a pytree without its leaves; equal structures print the same. */
export class TreeDef {
  /**
   * Counted once: a TreeDef never changes, and `unflatten` checks the count on every
   * call (grad of a small function calls it several times per evaluation).
   */
  readonly numLeaves: number;

  constructor(readonly node: Node) {
    this.numLeaves = node.kind === "leaf" ? 1 : node.kind === "none" ? 0 : node.children.reduce((s, c) => s + c.numLeaves, 0);
  }

  /** A readable form, e.g. `{W: *, b: *}` or `[*, [*, *]]`. Used as a cache key. */
  toString(): string {
    const n = this.node;
    switch (n.kind) {
      case "leaf":
        return "*";
      case "none":
        return String(n.value);
      case "list":
        return `[${n.children.join(", ")}]`;
      case "object":
        return `{${n.keys.map((k, i) => `${JSON.stringify(k)}: ${n.children[i]}`).join(", ")}}`;
    }
  }

  equals(other: TreeDef): boolean {
    return this === other || this.toString() === other.toString();
  }

  /** The structure alone, without the count: IR params holding a TreeDef print and merge by it. */
  toJSON(): { node: Node } {
    return { node: this.node };
  }
}

/** Every leaf has this one structure; sharing it saves an allocation per leaf flattened. */
const LEAF = new TreeDef({ kind: "leaf" });

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || x instanceof Array) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** `path.key`, or `path["key"]` for a key that is not an identifier. */
function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Flattens `x`, found at `path`; `ancestors` maps each container being flattened to its
 * path, so a container inside itself is reported as a cycle instead of recursing until
 * the stack overflows. (A container met twice on different branches is no cycle: it is
 * flattened twice.)
 */
function flattenInto(op: string, x: unknown, leaves: unknown[], path: string, ancestors: Map<object, string>): TreeDef {
  if (x === null || x === undefined) return new TreeDef({ kind: "none", value: x });
  const isList = globalThis.Array.isArray(x);
  if (!isList && !isPlainObject(x)) {
    leaves.push(x);
    return LEAF;
  }
  const seenAt = ancestors.get(x);
  if (seenAt !== undefined) throw new Error(`${op}: the pytree has a cycle: ${path} is ${seenAt} again`);
  ancestors.set(x, path);
  try {
    if (isList) return new TreeDef({ kind: "list", children: x.map((c, i) => flattenInto(op, c, leaves, `${path}[${i}]`, ancestors)) });
    // Sorted, as JAX does, so {a, b} and {b, a} are one structure.
    const keys = Object.keys(x).sort();
    const children = keys.map((k) => flattenInto(op, x[k], leaves, keyPath(path, k), ancestors));
    return new TreeDef({ kind: "object", keys, children });
  } finally {
    ancestors.delete(x);
  }
}

/**
 * The leaves of a pytree in order, and its structure. A list or object inside itself is
 * an error naming the cycle (`tree.flatten: the pytree has a cycle: tree.a.self is tree.a
 * again`); one shared by two branches is no cycle, and is flattened twice.
 *
 * @example
 * const [leaves, def] = tree.flatten({ W: np.ones([2]), b: 0 });
 * leaves.length; // 2
 */
export function flatten<L = unknown>(x: Tree<L>): [L[], TreeDef] {
  return flattenAs("tree.flatten", x);
}

/** `flatten`, with errors (a cycle) named after `op`, the function called. */
function flattenAs<L>(op: string, x: Tree<L>): [L[], TreeDef] {
  // A lone Array (grad's usual argument) is its own leaf: no walk, no map of ancestors.
  if (x instanceof Array) return [[x as L], LEAF];
  const leaves: unknown[] = [];
  const def = flattenInto(op, x, leaves, "tree", new Map());
  return [leaves as L[], def];
}

/**
 * Rebuilds a pytree of structure `def` from its leaves.
 *
 * @example
 * tree.unflatten(def, leaves) // the original tree
 */
export function unflatten<L = unknown>(def: TreeDef, leaves: readonly L[]): Tree<L> {
  if (!(def instanceof TreeDef)) throw new Error(`tree.unflatten: def must be a TreeDef from tree.flatten, got ${describe(def)}`);
  if (!globalThis.Array.isArray(leaves)) throw new Error(`tree.unflatten: leaves must be a list, got ${describe(leaves)}`);
  if (leaves.length !== def.numLeaves) {
    throw new Error(`tree.unflatten: structure ${def} has ${def.numLeaves} leaves, got ${leaves.length}`);
  }
  if (def.node.kind === "leaf") return leaves[0] as Tree<L>; // the usual single Array, without building a closure
  let i = 0;
  const build = (d: TreeDef): unknown => {
    const n = d.node;
    switch (n.kind) {
      case "leaf":
        return leaves[i++];
      case "none":
        return n.value;
      case "list":
        return n.children.map(build);
      case "object":
        return Object.fromEntries(n.keys.map((k, j) => [k, build(n.children[j]!)]));
    }
  };
  return build(def) as Tree<L>;
}

/** The leaves of a pytree, in order. @example tree.leaves([a, { b }]) // [a, b] */
export function leaves<L = unknown>(x: Tree<L>): L[] {
  return flattenAs("tree.leaves", x)[0];
}

/**
 * Applies `f` leaf by leaf; further trees must have the same structure and supply the
 * extra arguments. The result has x's structure with f's results as leaves.
 *
 * @example
 * params = tree.map((p, g) => p.sub(g.mul(0.1)), params, grads) // typed as params
 */
export function map<T, R = unknown>(f: (...leaves: any[]) => R, x: T, ...rest: Tree[]): MapLeaves<T, R> {
  if (typeof f !== "function") throw new Error(`tree.map: f must be a function, got ${describe(f)}`);
  const [xs, def] = flattenAs("tree.map", x as Tree);
  const others = rest.map((r, k) => {
    const [ls, d] = flattenAs("tree.map", r);
    if (!d.equals(def)) throw new Error(`tree.map: tree ${k + 1} has structure ${d}, expected ${def}`);
    return ls;
  });
  return unflatten(def, xs.map((leaf, i) => f(leaf, ...others.map((o) => o[i])))) as MapLeaves<T, R>;
}
