// Low-dimensional views of a loss over a high-dimensional parameter pytree, after Li et
// al. 2018 ("Visualizing the Loss Landscape of Neural Nets"): f along a line or over a
// plane through the parameters, and along the segment joining two of them (Goodfellow
// et al. 2015). The points are evaluated with `vmap`, a chunk of `batchSize` at a time, so
// memory holds batchSize copies of f's intermediates, not one per point of the grid.
import { checkFlag, checkInteger, checkOptions, describe, shapeString } from "../array/index.js";
import { Array, keyArg, np, tree, type Tree, type TreeDef } from "../core/index.js";
import * as random from "../random/index.js";
import { vmap, type GradOf } from "../transforms/index.js";

/** Options of `randomDirection`. */
export interface RandomDirectionOptions {
  /**
   * Li et al.'s filter normalization (default false). Every leaf of rank ≥ 2 is cut into
   * "filters" along its FIRST axis — row i of a dense weight [out, in] (output unit i),
   * output channel i of a convolution kernel [O, I, …window] — and each filter d[i, …] of
   * the direction is rescaled to the Frobenius norm of the same filter w[i, …] of params.
   * Leaves of rank 0 and 1 (biases, scales) get a zero direction. A dense weight stored
   * [in, out] (used as x·W) has its input units along axis 0: transpose it first if its
   * output units should be the filters.
   */
  filterNormalize?: boolean;
}

/** Options of `slice1d` and `slice2d`. */
export interface SliceOptions {
  /** The interval of each coefficient α (and β), [a, b] with a < b (default [−1, 1]). */
  range?: readonly [number, number];
  /** Evenly spaced values of each coefficient, ends included (default 51 for slice1d, 21 for slice2d). */
  points?: number;
  /** Points per `vmap` call (default 64): a bound on memory, not on the result. */
  batchSize?: number;
}

/** Options of `interpolate`. */
export interface InterpolateOptions {
  /** Evenly spaced values of t in `range`, ends included (default 51). */
  points?: number;
  /** The interval of t (default [0, 1]); wider, as [−0.5, 1.5], looks past the two points. */
  range?: readonly [number, number];
  /** Points per `vmap` call (default 64). */
  batchSize?: number;
}

/** f along a line: values[i] = f(params + alphas[i]·dir). */
export interface Slice1d {
  alphas: Array;
  values: Array;
}

/** f over a plane: values[i, j] = f(params + alphas[i]·d1 + betas[j]·d2), shape [points, points]. */
export interface Slice2d {
  alphas: Array;
  betas: Array;
  values: Array;
}

/** f along a segment: values[i] = f((1 − ts[i])·a + ts[i]·b). */
export interface Interpolation {
  ts: Array;
  values: Array;
}

/** A loss of the parameters: a scalar Array (or number), traceable by `vmap`. */
export type Loss<T> = (params: GradOf<T>) => Array | number;

/** The leaves of a pytree as float Arrays, with its structure; `what` names it in errors. */
function floatLeaves(op: string, what: string, x: unknown): [Array[], TreeDef] {
  const [leaves, def] = tree.flatten(x);
  if (leaves.length === 0) throw new Error(`${op}: ${what} has no leaves`);
  const arrays = leaves.map((l, i) => {
    if (typeof l !== "number" && !(l instanceof Array)) throw new Error(`${op}: ${what} leaf ${i} is ${describe(l)}, not an Array or number`);
    const a = np.asArray(l as np.ArrayLike);
    if (a.dtype !== "float64" && a.dtype !== "float32") throw new Error(`${op}: ${what} leaf ${i} has dtype ${a.dtype}; the parameters must be float arrays`);
    return a;
  });
  return [arrays, def];
}

/** Checks that `y` has x's tree structure and leaf shapes, and returns its leaves. */
function sameShapes(op: string, names: [string, string], x: [Array[], TreeDef], y: unknown): Array[] {
  const [leaves, def] = floatLeaves(op, names[1], y);
  if (!def.equals(x[1])) throw new Error(`${op}: ${names[1]} must have the structure of ${names[0]}: ${def} vs ${x[1]}`);
  leaves.forEach((l, i) => {
    const s = x[0][i]!.shape;
    if (l.shape.length !== s.length || l.shape.some((n, d) => n !== s[d])) {
      throw new Error(`${op}: ${names[1]} leaf ${i} has shape ${shapeString(l.shape)}, ${names[0]} leaf ${i} has ${shapeString(s)}`);
    }
  });
  return leaves;
}


function checkFunction(op: string, f: unknown): void {
  if (typeof f !== "function") throw new Error(`${op}: f must be a function, got ${describe(f)}`);
}

/** An interval [a, b] with finite a < b. */
function checkRange(op: string, name: string, v: unknown, fallback: [number, number]): [number, number] {
  if (v === undefined) return fallback;
  const ok = globalThis.Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isFinite(x)) && v[0] < v[1];
  if (!ok) throw new Error(`${op}: ${name} must be [a, b] with finite a < b, got ${globalThis.Array.isArray(v) ? `[${v.map(describe).join(", ")}]` : describe(v)}`);
  return [v[0], v[1]];
}

function atLeastTwo(op: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 2) throw new Error(`${op}: points must be an integer ≥ 2, got ${describe(v)}`);
  return v;
}

/** `points` values from a to b, both ends exact. */
export function grid(a: number, b: number, points: number): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => (i === points - 1 ? b : a + ((b - a) * i) / (points - 1)));
}

/** The settings every slice shares, checked. */
export function sliceSettings(op: string, opts: unknown, keys: readonly string[], points: number, range: [number, number]) {
  const o = checkOptions(op, opts, keys) as { range?: unknown; points?: unknown; batchSize?: unknown };
  return {
    range: checkRange(op, "range", o.range, range),
    points: atLeastTwo(op, o.points, points),
    batchSize: checkInteger(op, "batchSize", o.batchSize, 64, 1),
  };
}

/**
 * g at each row of the given coefficient columns, through `vmap` a chunk of `batchSize`
 * rows at a time; g must give a scalar. Returns the values in order.
 */
export function evaluateBatched(op: string, g: (...coeffs: Array[]) => unknown, columns: readonly Float64Array[], batchSize: number): Float64Array {
  const n = columns[0]!.length;
  const out = new Float64Array(n);
  const batched = vmap(g);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const v = np.asArray(batched(...columns.map((c) => np.array(c.subarray(start, end)))) as np.ArrayLike);
    if (v.ndim !== 1) throw new Error(`${op}: f must return a scalar, got shape ${shapeString(v.shape.slice(1))}`);
    out.set(np.astype(v, "float64").toFloat64Array(), start);
  }
  return out;
}

/** params + Σₖ cₖ·dirₖ, leaf by leaf, in each leaf's dtype. */
function shifted(def: TreeDef, base: Array[], dirs: Array[][], coeffs: Array[]): Tree {
  return tree.unflatten(def, base.map((p, i) => np.astype(dirs.reduce((s, d, k) => np.add(s, np.mul(coeffs[k]!, d[i]!)), p as Array), p.dtype)));
}

/**
 * A random direction in parameter space with params' structure: a standard Gaussian in
 * every element, one key per leaf (split from `key`). With `filterNormalize`, Li et al.'s
 * filter normalization (see `RandomDirectionOptions`): each filter of the direction gets
 * the norm of the matching filter of params, so that a step α along it changes every
 * filter by the same fraction |α| whatever its scale, and biases stay put.
 *
 * @example
 * const params = { W: np.array([[3, 4], [0, 1]]), b: np.array([1, 2]) };
 * const d = landscape.randomDirection(random.key(0), params, { filterNormalize: true });
 * np.norm(d.W.slice(0)).item(); // 5, the norm of W's row 0
 * d.b.toArray();                // [0, 0]
 */
export function randomDirection<T>(key: Array, params: T, opts: RandomDirectionOptions = {}): GradOf<T> {
  const op = "landscape.randomDirection";
  keyArg(op, key);
  const o = checkOptions(op, opts, ["filterNormalize"]);
  const normalize = checkFlag(op, "filterNormalize", o.filterNormalize, false);
  const [leaves, def] = floatLeaves(op, "params", params);
  const keys = random.split(key, leaves.length);
  const dirs = leaves.map((w, i) => {
    const d = random.normal(np.slice(keys, i), w.shape);
    if (!normalize) return np.astype(d, w.dtype);
    if (w.ndim <= 1) return np.zeros(w.shape, { dtype: w.dtype });
    // Norms of [filters, rest] rows: np.norm scales first, so huge or tiny weights keep their norms.
    const rows = [w.shape[0]!, -1];
    const scale = np.div(np.norm(np.reshape(w, rows), { axis: 1, keepdims: true }), np.norm(np.reshape(d, rows), { axis: 1, keepdims: true }));
    return np.astype(np.reshape(np.mul(np.reshape(d, rows), scale), w.shape), w.dtype);
  });
  return tree.unflatten(def, dirs) as GradOf<T>;
}

/**
 * f along the line through params in direction dir: values[i] = f(params + alphas[i]·dir),
 * for `points` alphas evenly spaced over `range` (ends included). dir has params'
 * structure and shapes (see `randomDirection`). f must be traceable by `vmap`.
 *
 * @example
 * // ½xᵀdiag(1, 10)x along (1, 1)/√2 from 0 is 2.75α²
 * const f = (x: Array) => np.sum(np.mul(np.array([0.5, 5]), np.square(x)));
 * const { alphas, values } = landscape.slice1d(f, np.zeros([2]), np.array([Math.SQRT1_2, Math.SQRT1_2]), { range: [-1, 1], points: 5 });
 * values.toArray(); // [2.75, 0.6875, 0, 0.6875, 2.75], to rounding
 */
export function slice1d<T>(f: Loss<T>, params: T, dir: unknown, opts: SliceOptions = {}): Slice1d {
  const op = "landscape.slice1d";
  checkFunction(op, f);
  const s = sliceSettings(op, opts, ["range", "points", "batchSize"], 51, [-1, 1]);
  const base = floatLeaves(op, "params", params);
  const d = sameShapes(op, ["params", "dir"], base, dir);
  const alphas = grid(s.range[0], s.range[1], s.points);
  const values = evaluateBatched(op, (a) => f(shifted(base[1], base[0], [d], [a]) as GradOf<T>), [alphas], s.batchSize);
  return { alphas: np.array(alphas), values: np.array(values) };
}

/**
 * f over the plane through params spanned by d1 and d2 (Li et al.'s contour plots):
 * values[i, j] = f(params + alphas[i]·d1 + betas[j]·d2), both coefficients taking
 * `points` evenly spaced values over `range`. The points² evaluations run through `vmap`,
 * `batchSize` at a time.
 *
 * @example
 * const f = (x: Array) => np.sum(np.square(x));
 * const { values } = landscape.slice2d(f, np.zeros([2]), np.array([1, 0]), np.array([0, 1]), { range: [-1, 1], points: 3 });
 * values.toArray(); // [[2, 1, 2], [1, 0, 1], [2, 1, 2]]
 */
export function slice2d<T>(f: Loss<T>, params: T, d1: unknown, d2: unknown, opts: SliceOptions = {}): Slice2d {
  const op = "landscape.slice2d";
  checkFunction(op, f);
  const s = sliceSettings(op, opts, ["range", "points", "batchSize"], 21, [-1, 1]);
  const base = floatLeaves(op, "params", params);
  const dirs = [sameShapes(op, ["params", "d1"], base, d1), sameShapes(op, ["params", "d2"], base, d2)];
  const axis = grid(s.range[0], s.range[1], s.points);
  const n = s.points;
  // Row-major pairs: (alphas[i], betas[j]) at i·n + j.
  const as = Float64Array.from({ length: n * n }, (_, k) => axis[Math.floor(k / n)]!);
  const bs = Float64Array.from({ length: n * n }, (_, k) => axis[k % n]!);
  const values = evaluateBatched(op, (a, b) => f(shifted(base[1], base[0], dirs, [a, b]) as GradOf<T>), [as, bs], s.batchSize);
  return { alphas: np.array(axis), betas: np.array(axis), values: np.reshape(np.array(values), [n, n]) };
}

/**
 * f along the segment from a to b (Goodfellow et al. 2015): values[i] = f((1 − ts[i])·a +
 * ts[i]·b), with ts evenly spaced over `range` (default [0, 1], so the ends are f(a) and
 * f(b) exactly). a and b must have the same structure and shapes.
 *
 * @example
 * const f = (x: Array) => np.sum(np.square(x));
 * landscape.interpolate(f, np.array([-1]), np.array([1]), { points: 3 }).values.toArray(); // [1, 0, 1]
 */
export function interpolate<T>(f: Loss<T>, a: T, b: unknown, opts: InterpolateOptions = {}): Interpolation {
  const op = "landscape.interpolate";
  checkFunction(op, f);
  const s = sliceSettings(op, opts, ["points", "range", "batchSize"], 51, [0, 1]);
  const ends = floatLeaves(op, "a", a);
  const bs = sameShapes(op, ["a", "b"], ends, b);
  const ts = grid(s.range[0], s.range[1], s.points);
  // (1 − t)·a + t·b, not a + t·(b − a): at t = 1 this gives b exactly.
  const at = (t: Array) => tree.unflatten(ends[1], ends[0].map((x, i) => np.astype(np.add(np.mul(np.sub(1, t), x), np.mul(t, bs[i]!)), x.dtype)));
  const values = evaluateBatched(op, (t) => f(at(t) as GradOf<T>), [ts], s.batchSize);
  return { ts: np.array(ts), values: np.array(values) };
}
