// The target distribution as the samplers see it: a log density of one flat float64
// vector with its gradient (the user's pytree raveled, valueAndGrad staged once with
// jit), also at several points in one call (vmap), and the way back from flat draws to
// the user's structure.
import { checkFunction, describe, sizeOf } from "../array/index.js";
import { Array, np, tree, type MapLeaves, type TreeDef } from "../core/index.js";
import { jit, ravelPytree, valueAndGrad, vmap } from "../transforms/index.js";
import { evaluate, type FlatDensity, type Point } from "./hamiltonian.js";

/** A log density of a pytree of Arrays shaped as x0 (numbers come back as 0-d Arrays). */
export type LogDensity<T> = (x: MapLeaves<T, Array>) => Array | number;

export interface Target<T> {
  dim: number;
  /** x0, flat. */
  start: Float64Array;
  density: FlatDensity;
  /** Fills each point's log density and gradient, all in one batched call (one point: `density`). */
  densities: (points: Point[]) => void;
  /** Gradient evaluations so far (a batch counts each point). */
  evaluations: () => number;
  /** A pytree like x0 from a pytree of the same structure (an `init` entry), flat. */
  flatten: (x: unknown, name: string) => Float64Array;
  /** Rows of flat draws [...lead, dim] as x0's structure, each leaf shaped [...lead, ...leaf]. */
  unflatten: (rows: Float64Array, lead: number[]) => MapLeaves<T, Array>;
}

/** The leaves of x as float Arrays, checked; `what` names x in errors. */
function floatLeaves(op: string, x: unknown, what: string): [Array[], TreeDef] {
  const [leaves, def] = tree.flatten(x);
  const arrays = leaves.map((leaf, i) => {
    const a = leaf instanceof Array ? leaf : typeof leaf === "number" ? np.array(leaf) : undefined;
    if (a === undefined || (a.dtype !== "float64" && a.dtype !== "float32")) {
      throw new Error(`${op}: ${what} must be a pytree of float Arrays, leaf ${i} is ${a === undefined ? describe(leaf) : a.dtype}`);
    }
    return a;
  });
  if (arrays.length === 0) throw new Error(`${op}: ${what} has no leaves`);
  return [arrays, def];
}

export function makeTarget<T>(op: string, logDensity: LogDensity<T>, x0: T, useJit: boolean): Target<T> {
  checkFunction(op, "logDensity", logDensity);
  const [leaves, def] = floatLeaves(op, x0, "x0");
  const shapes = leaves.map((a) => a.shape);
  const sizes = shapes.map((s) => sizeOf(s));
  const [flat0, unravel] = ravelPytree(tree.unflatten(def, leaves) as T);
  const dim = flat0.size;
  const start = np.asArray(flat0).toFloat64Array();

  // Checked once, eagerly, so that a wrong return is an error naming the op.
  const value = logDensity(unravel(np.array(start)));
  const shape = value instanceof Array ? value.shape : typeof value === "number" ? [] : undefined;
  if (shape === undefined || shape.length !== 0) {
    throw new Error(`${op}: logDensity must return a scalar, got ${shape ? `shape (${shape.join(",")})` : describe(value)}`);
  }
  const f = (v: Array): Array => np.asArray(logDensity(unravel(v)));
  const valueGrad = useJit ? jit(valueAndGrad(f)) : valueAndGrad(f);
  // Of the points' coordinates end to end, one function per batch size: each then takes
  // jit's fast path for a call like its last, as the batch sizes of NUTS's chains vary.
  const batched = new Map<number, (qs: Array) => [Array, Array]>();
  const valueGrads = (qs: Array, size: number) => {
    let fn = batched.get(size);
    if (!fn) {
      const of = (flat: Array) => vmap(valueAndGrad(f))(np.reshape(flat, [size, dim])) as [Array, Array];
      batched.set(size, (fn = useJit ? jit(of) : of));
    }
    return fn(qs);
  };
  let evaluations = 0;
  const density: FlatDensity = (q, grad) => {
    evaluations++;
    const [v, g] = valueGrad(np.array(q));
    grad.set(g.toFloat64Array());
    return v.item();
  };
  const densities = (points: Point[]): void => {
    if (points.length === 1) return evaluate(points[0]!, density);
    evaluations += points.length;
    const qs = new Float64Array(points.length * dim);
    points.forEach((p, b) => qs.set(p.q, b * dim));
    const [v, g] = valueGrads(np.array(qs), points.length);
    const [values, grads] = [v.toFloat64Array(), g.toFloat64Array()];
    points.forEach((p, b) => {
      p.logp = values[b]!;
      p.grad.set(grads.subarray(b * dim, (b + 1) * dim));
    });
  };

  const flatten = (x: unknown, name: string): Float64Array => {
    const [xs, d] = floatLeaves(op, x, name);
    if (!d.equals(def) || xs.some((a, i) => a.shape.join() !== shapes[i]!.join())) {
      throw new Error(`${op}: ${name} must have x0's structure and shapes`);
    }
    const out = new Float64Array(dim);
    let offset = 0;
    xs.forEach((a, i) => {
      out.set(a.toFloat64Array(), offset);
      offset += sizes[i]!;
    });
    return out;
  };

  const unflatten = (rows: Float64Array, lead: number[]): MapLeaves<T, Array> => {
    const n = rows.length / dim;
    let offset = 0;
    const parts = shapes.map((shape, i) => {
      const size = sizes[i]!;
      const data = new Float64Array(n * size);
      for (let r = 0; r < n; r++) data.set(rows.subarray(r * dim + offset, r * dim + offset + size), r * size);
      offset += size;
      return np.reshape(np.array(data), [...lead, ...shape]);
    });
    return tree.unflatten(def, parts) as MapLeaves<T, Array>;
  };

  return { dim, start, density, densities, evaluations: () => evaluations, flatten, unflatten };
}
