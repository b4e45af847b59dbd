// Box constraints lo ≤ x ≤ hi for minimize's "lbfgsb": the bounds pytree flattened in the
// order x0 is (ravelPytree's), checked where it enters, and the two box operations every
// bounded iteration needs (projection, and the projected-gradient norm that stops a run).
import { sizeOf } from "../array/index.js";
import { Array, np, tree, type TreeDef } from "../core/index.js";
import { shown } from "./validate.js";

/** The box as flat vectors in x0's element order; ±Infinity where a side is unbounded. */
export interface Box {
  lo: Float64Array;
  hi: Float64Array;
  /** Some bound is finite (else the box is all of ℝⁿ and "lbfgsb" is plain L-BFGS). */
  constrained: boolean;
  /** Every element has both bounds finite. */
  boxed: boolean;
}

function fail(message: string): never {
  throw new Error(`minimize: ${message}`);
}

/** `path.key`, or `path["key"]` when the key is not an identifier (as pytree errors print it). */
const keyPath = (path: string, key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** One side of a leaf's bounds, `size` values for a leaf of shape `shape`, or an error naming `path`. */
function side(value: unknown, shape: readonly number[], path: string): Float64Array {
  const size = sizeOf(shape);
  if (typeof value === "number") return new Float64Array(size).fill(value);
  if (!(value instanceof Array) && !globalThis.Array.isArray(value)) fail(`${path} must be a number or an Array, got ${shown(value)}`);
  const a = np.asArray(value);
  const same = a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]);
  if (!same) fail(`${path} has shape [${a.shape.join(", ")}], but its leaf of x0 has shape [${shape.join(", ")}]`);
  return np.astype(a, "float64").toFloat64Array();
}

/**
 * Walks the bounds along x0's structure `def`: at every leaf of x0 the bounds hold a
 * `[lo, hi]` pair, whose sides are pushed to `los`, `his` (with their paths, for errors).
 */
function collect(def: TreeDef, b: unknown, path: string, shapes: (readonly number[])[], out: { lo: Float64Array; hi: Float64Array; path: string }[]): void {
  const node = def.node;
  if (node.kind === "none") return;
  if (node.kind === "leaf") {
    if (!globalThis.Array.isArray(b) || b.length !== 2) fail(`${path} must be a [lo, hi] pair for the leaf of x0 there, got ${shown(b)}`);
    const shape = shapes[out.length]!;
    out.push({ lo: side(b[0], shape, `${path}[0] (lo)`), hi: side(b[1], shape, `${path}[1] (hi)`), path });
    return;
  }
  if (node.kind === "list") {
    if (!globalThis.Array.isArray(b) || b.length !== node.children.length) fail(`${path} must be a list of ${node.children.length} like x0 there, got ${shown(b)}`);
    node.children.forEach((c, i) => collect(c, b[i], `${path}[${i}]`, shapes, out));
    return;
  }
  if (typeof b !== "object" || b === null || globalThis.Array.isArray(b)) fail(`${path} must be an object with x0's keys there, got ${shown(b)}`);
  const keys = Object.keys(b).sort();
  if (keys.join("\u0000") !== node.keys.join("\u0000")) fail(`${path} has keys {${keys.join(", ")}}, but x0 has {${node.keys.join(", ")}} there`);
  const record: Record<string, unknown> = { ...b };
  node.keys.forEach((k, i) => collect(node.children[i]!, record[k], keyPath(path, k), shapes, out));
}

/**
 * The bounds of `minimize`'s "lbfgsb" as a `Box` over x0's `n` flat elements. `bounds` has
 * x0's structure with a `[lo, hi]` pair at each leaf; a side is a number (for every
 * element of the leaf) or an Array of the leaf's shape, with ±Infinity for no bound.
 * Undefined bounds are the whole space. A NaN, lo > hi, lo = +Infinity or hi = −Infinity
 * throws, naming the leaf and the element.
 *
 * @example
 * flattenBounds([np.array([-Infinity, 0]), 0.5], np.zeros([2]), 2).lo; // [-Infinity, 0]
 */
export function flattenBounds(bounds: unknown, x0: unknown, n: number): Box {
  const lo = new Float64Array(n).fill(-Infinity);
  const hi = new Float64Array(n).fill(Infinity);
  if (bounds !== undefined) {
    const [leaves, def] = tree.flatten(x0);
    const shapes = leaves.map((l) => np.asArray(l as np.ArrayLike).shape);
    const sides: { lo: Float64Array; hi: Float64Array; path: string }[] = [];
    collect(def, bounds, "bounds", shapes, sides);
    let offset = 0;
    for (const s of sides) {
      for (let i = 0; i < s.lo.length; i++) {
        const [l, h] = [s.lo[i]!, s.hi[i]!];
        const at = `${s.path} element ${i}`;
        if (Number.isNaN(l) || Number.isNaN(h)) fail(`${at} has a NaN bound (lo = ${l}, hi = ${h})`);
        if (l > h) fail(`${at} is infeasible: lo = ${l} > hi = ${h}`);
        if (l === Infinity || h === -Infinity) fail(`${at} leaves no finite value: lo = ${l}, hi = ${h}`);
      }
      lo.set(s.lo, offset);
      hi.set(s.hi, offset);
      offset += s.lo.length;
    }
  }
  let constrained = false;
  let boxed = true;
  for (let i = 0; i < n; i++) {
    const finiteLo = lo[i]! > -Infinity, finiteHi = hi[i]! < Infinity;
    constrained ||= finiteLo || finiteHi;
    boxed &&= finiteLo && finiteHi;
  }
  return { lo, hi, constrained, boxed };
}

/**
 * The projection of x onto the box (into `out`, which may be x).
 *
 * @example
 * project(Float64Array.of(-2, 3), box, new Float64Array(2)); // clipped elementwise
 */
export function project(x: Float64Array, box: Box, out: Float64Array): Float64Array {
  const { lo, hi } = box;
  for (let i = 0; i < x.length; i++) out[i] = Math.min(Math.max(x[i]!, lo[i]!), hi[i]!);
  return out;
}

/**
 * ‖P(x − g) − x‖∞, the projected gradient's size that stops a bounded run (0 exactly at a
 * KKT point), NaN when any gᵢ is not finite (a projection would hide an infinite gᵢ that
 * points out of the box, and a run must not call that converged).
 *
 * @example
 * projectedGradNorm(Float64Array.of(1), Float64Array.of(-5), box); // 0 when hi = 1: g points out
 */
export function projectedGradNorm(x: Float64Array, g: Float64Array, box: Box): number {
  const { lo, hi } = box;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    if (!Number.isFinite(gi)) return NaN;
    const v = Math.abs(Math.min(Math.max(x[i]! - gi, lo[i]!), hi[i]!) - x[i]!);
    if (v > m) m = v;
  }
  return m;
}
