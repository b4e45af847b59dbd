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
  constructor(readonly node: Node) {}

  get numLeaves(): number {
    const n = this.node;
    return n.kind === "leaf" ? 1 : n.kind === "none" ? 0 : n.children.reduce((s, c) => s + c.numLeaves, 0);
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
    return this.toString() === other.toString();
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || x instanceof Array) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function flattenInto(x: unknown, leaves: unknown[]): TreeDef {
  if (x === null || x === undefined) return new TreeDef({ kind: "none", value: x });
  if (globalThis.Array.isArray(x)) return new TreeDef({ kind: "list", children: x.map((c) => flattenInto(c, leaves)) });
  if (isPlainObject(x)) {
    // Sorted, as JAX does, so {a, b} and {b, a} are one structure.
    const keys = Object.keys(x).sort();
    return new TreeDef({ kind: "object", keys, children: keys.map((k) => flattenInto(x[k], leaves)) });
  }
  leaves.push(x);
  return new TreeDef({ kind: "leaf" });
}

/**
 * The leaves of a pytree in order, and its structure.
 *
 * @example
 * const [leaves, def] = tree.flatten({ W: np.ones([2]), b: 0 });
 * leaves.length; // 2
 */
export function flatten<L = unknown>(x: Tree<L>): [L[], TreeDef] {
  const leaves: unknown[] = [];
  const def = flattenInto(x, leaves);
  return [leaves as L[], def];
}

/**
 * Rebuilds a pytree of structure `def` from its leaves.
 *
 * @example
 * tree.unflatten(def, leaves) // the original tree
 */
export function unflatten<L = unknown>(def: TreeDef, leaves: readonly L[]): Tree<L> {
  if (leaves.length !== def.numLeaves) {
    throw new Error(`tree.unflatten: structure ${def} has ${def.numLeaves} leaves, got ${leaves.length}`);
  }
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
  return flatten(x)[0];
}

/**
 * Applies `f` leaf by leaf; further trees must have the same structure and supply the
 * extra arguments. The result has x's structure with f's results as leaves.
 *
 * @example
 * params = tree.map((p, g) => p.sub(g.mul(0.1)), params, grads) // typed as params
 */
export function map<T, R = unknown>(f: (...leaves: any[]) => R, x: T, ...rest: Tree[]): MapLeaves<T, R> {
  const [xs, def] = flatten(x);
  const others = rest.map((r, k) => {
    const [ls, d] = flatten(r);
    if (!d.equals(def)) throw new Error(`tree.map: tree ${k + 1} has structure ${d}, expected ${def}`);
    return ls;
  });
  return unflatten(def, xs.map((leaf, i) => f(leaf, ...others.map((o) => o[i])))) as MapLeaves<T, R>;
}
