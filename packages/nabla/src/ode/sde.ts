// Stochastic differential equations with diagonal noise, dy = f(y, t) dt + g(y, t) dW, by
// fixed steps inside `scan`: the solve is ordinary traced code, so `grad` backpropagates
// through the steps, `vmap` batches paths (over keys, or over y0) and `jit` compiles it.
// Keys are explicit, as everywhere in nabla: one key is one Brownian path.
import { checkFinite, checkOptions, describe, isFloat, shapeString } from "../array/index.js";
import { Array, keyArg, np, tree, Tracer, type Tree, type TreeDef } from "../core/index.js";
import * as random from "../random/index.js";
import { outputLeaves, scan, type GradOf } from "../transforms/index.js";
import { SDE_METHODS, sdeStep, type LeafFn, type SdeMethod } from "./sde-steps.js";

export type { SdeMethod } from "./sde-steps.js";

/** Options of `sdeint`. */
export interface SdeOptions {
  /**
   * "euler-maruyama" (Itô, strong order ½, weak order 1; the default), "milstein" (Itô,
   * strong order 1 for diagonal noise; assumes gᵢ depends on yᵢ alone) or "heun" (the
   * Stratonovich Heun scheme: its limit solves dy = f dt + g∘dW, strong order 1).
   */
  method?: SdeMethod;
  /** The largest step: each interval [tₖ, tₖ₊₁] of ts takes max(1, ⌈Δ/dt − 1e-9⌉) equal steps. */
  dt: number;
}

/** What `sdeint` returns: Arrays of y0's structure, each leaf with a leading axis of length ts.length. */
export interface SdeResult<Y> {
  /** ys leaf [k, ...] is y's leaf at ts[k] (ys at k = 0 is y0). */
  ys: GradOf<Y>;
  /**
   * The Brownian path the solve used, W(ts[k]) − W(ts[0]), elementwise per leaf: the
   * exact solution driven by the same noise (geometric Brownian motion's closed form, say)
   * can be computed from it.
   */
  ws: GradOf<Y>;
}

/** The step grid: interval k starts at t[k] and takes n[k] steps of size h[k]. */
interface Grid {
  t: number[];
  h: number[];
  n: number[];
}

function gridOf(op: string, ts: readonly number[], dt: number): Grid {
  const grid: Grid = { t: [], h: [], n: [] };
  for (let k = 0; k + 1 < ts.length; k++) {
    const span = ts[k + 1]! - ts[k]!;
    if (!(span > 0)) throw new Error(`${op}: ts must be strictly increasing, got ts[${k}] = ${ts[k]} and ts[${k + 1}] = ${ts[k + 1]}`);
    const n = Math.max(1, Math.ceil(span / dt - 1e-9));
    grid.t.push(ts[k]!);
    grid.h.push(span / n);
    grid.n.push(n);
  }
  return grid;
}

function timesOf(op: string, ts: unknown): number[] {
  if (ts instanceof Tracer) throw new Error(`${op}: ts must be concrete (numbers or a concrete Array), since it fixes the steps; under jit, close over it`);
  if (!globalThis.Array.isArray(ts) && !(ts instanceof Array && ts.ndim === 1)) throw new Error(`${op}: ts must be a list of numbers or a 1-D Array, got ${describeValue(ts)}`);
  const values: unknown[] = ts instanceof Array ? globalThis.Array.from(ts.toFloat64Array()) : ts;
  if (values.length === 0) throw new Error(`${op}: ts must hold at least one time`);
  return values.map((v, i) => checkFinite(op, `ts[${i}]`, v));
}

const describeValue = (x: unknown) => (x instanceof Array ? `${x.dtype}${shapeString(x.shape)}` : describe(x));

/** A user's f or g as a function of y's leaves, its result checked and broadcast to y's leaves. */
function onLeaves<A extends unknown[]>(op: string, name: string, fn: (y: any, t: Array, ...args: A) => unknown, yDef: TreeDef, args: A): LeafFn {
  return (y, t) => {
    const [out, def] = outputLeaves(fn(tree.unflatten(yDef, y), t, ...args) as Tree);
    if (!def.equals(yDef)) throw new Error(`${op}: ${name} must return y's structure ${yDef}, got ${def}`);
    return out.map((o, i) => {
      const like = y[i]!;
      const fits = o.ndim <= like.ndim && o.shape.every((d, j) => d === 1 || d === like.shape[like.ndim - o.ndim + j]);
      if (!fits) throw new Error(`${op}: ${name} returned shape ${shapeString(o.shape)} for a leaf of y of shape ${shapeString(like.shape)}; it must be y's shape (diagonal noise)`);
      return np.broadcastTo(o.dtype === like.dtype ? o : np.astype(o, like.dtype), like.shape);
    });
  };
}

/**
 * Solves the SDE dy = f(y, t, ...args) dt + g(y, t, ...args) dW with diagonal noise (g
 * returns y's structure and shapes and multiplies independent Brownian increments
 * elementwise) by fixed steps, and returns y at the times ts. Options come first, because
 * a trailing options object could not be told apart from a pytree argument.
 *
 * The call `(y0, ts, key, ...args)` takes y0 (a pytree of float Arrays), ts (increasing
 * numbers, concrete: they fix the steps), a PRNG key and f's and g's extra arguments.
 * Each interval of ts takes max(1, ⌈Δ/dt − 1e-9⌉) equal steps, N in all. The noise:
 * `random.split(key, N)` gives one key per step, in time order, and step i's increments
 * are `random.normal(keys[i], [size])·√h` cut into y's leaves in `tree.leaves` order
 * (size: the number of elements of y). So the same key, ts and dt give the same path;
 * a different ts or dt gives another path (there is no Brownian tree), and `ws` says which.
 *
 * The steps run in `scan`, so the result is differentiable in y0 and args by
 * backpropagation through the steps (same key: a pathwise derivative), batches under
 * `vmap` (over keys for many paths) and compiles under `jit` (close over ts).
 *
 * @example
 * // geometric Brownian motion dy = μy dt + σy dW
 * const gbm = sdeint((y: Array, _t, mu: Array) => y.mul(mu), (y: Array) => y.mul(0.5), { dt: 1e-3, method: "milstein" });
 * const { ys, ws } = gbm(np.array(1), [0, 0.5, 1], random.key(0), np.array(0.1)); // ys: shape [3]
 * // exact, on the same path: exp((μ − σ²/2)·t + σ·W(t))
 */
export function sdeint<Y extends Tree, A extends unknown[]>(
  f: (y: GradOf<Y>, t: Array, ...args: A) => unknown,
  g: (y: GradOf<Y>, t: Array, ...args: A) => unknown,
  opts: SdeOptions,
): (y0: Y, ts: readonly number[] | Array, key: Array, ...args: A) => SdeResult<Y> {
  const op = "sdeint";
  if (typeof f !== "function") throw new Error(`${op}: f must be a function, got ${describe(f)}`);
  if (typeof g !== "function") throw new Error(`${op}: g must be a function, got ${describe(g)}`);
  if (opts === undefined) throw new Error(`${op}: options { dt } are required`);
  const o = checkOptions(op, opts, ["method", "dt"]);
  const method = (o.method ?? "euler-maruyama") as SdeMethod;
  if (!SDE_METHODS.includes(method)) throw new Error(`${op}: method ${describe(o.method)} is not one of ${SDE_METHODS.join(", ")}`);
  const dt = checkFinite(op, "dt", o.dt);
  if (!(dt > 0)) throw new Error(`${op}: dt must be positive, got ${describe(o.dt)}`);

  return (y0, ts, key, ...args) => {
    const [y0Leaves, yDef] = outputLeaves(y0);
    const bad = y0Leaves.find((l) => !isFloat(l.dtype));
    if (bad) throw new Error(`${op}: y0 must be floating point, got ${bad.dtype}`);
    keyArg(op, key);
    const grid = gridOf(op, timesOf(op, ts), dt);
    const F = onLeaves(op, "f", f, yDef, args);
    const G = onLeaves(op, "g", g, yDef, args);
    const sizes = y0Leaves.map((l) => l.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    const increments = (k: Array, sqrtH: Array): Array[] => {
      const z = random.normal(k, [total]);
      let at = 0;
      return y0Leaves.map((l, i) => {
        const piece = np.mul(np.reshape(np.slice(z, [at, (at += sizes[i]!)]), l.shape), sqrtH);
        return l.dtype === piece.dtype ? piece : np.astype(piece, l.dtype);
      });
    };

    // One interval: n steps from (y, w) at t0 with step h, the keys [n, 2] of its steps.
    const interval = (n: number) => ([y, w]: [Array[], Array[]], [t0, h, keys]: [Array, Array, Array]): [[Array[], Array[]], [Array[], Array[]]] => {
      const sqrtH = np.sqrt(h);
      const [end] = scan(
        ([yi, wi]: [Array[], Array[]], [j, k]: [Array, Array]): [[Array[], Array[]], null] => {
          const dW = increments(k, sqrtH);
          const t = np.add(t0, np.mul(j, h));
          // The times are float64: a float32 y is cast back after the step.
          const next = sdeStep(method, F, G, yi, t, h, dW).map((v, i) => (v.dtype === yi[i]!.dtype ? v : np.astype(v, yi[i]!.dtype)));
          return [[next, wi.map((x, i) => np.add(x, dW[i]!))], null];
        },
        [y, w],
        [np.arange(n), keys],
      );
      return [end, end];
    };

    // Consecutive intervals with the same step count share one scan over intervals (of a
    // scan over steps): evenly spaced ts compile to a single nested loop.
    const stepKeys = random.split(key, grid.n.reduce((a, b) => a + b, 0) || 1);
    let carry: [Array[], Array[]] = [y0Leaves, y0Leaves.map((l) => np.zerosLike(l))];
    const saved: [Array[], Array[]][] = [[carry[0].map((l) => np.expandDims(l, 0)), carry[1].map((l) => np.expandDims(l, 0))]];
    let step = 0;
    for (let k = 0; k < grid.n.length; ) {
      const n = grid.n[k]!;
      let m = 1;
      while (k + m < grid.n.length && grid.n[k + m] === n) m++;
      const keys = np.reshape(np.slice(stepKeys, [step, step + m * n]), [m, n, 2]);
      const xs: [Array, Array, Array] = [np.array(grid.t.slice(k, k + m)), np.array(grid.h.slice(k, k + m)), keys];
      const [next, stacked] = scan(interval(n), carry, xs);
      carry = next;
      saved.push(stacked);
      step += m * n;
      k += m;
    }
    const join = (part: 0 | 1) => y0Leaves.map((_, i) => (saved.length === 1 ? saved[0]![part][i]! : np.concatenate(saved.map((s) => s[part][i]!))));
    return { ys: tree.unflatten(yDef, join(0)) as GradOf<Y>, ws: tree.unflatten(yDef, join(1)) as GradOf<Y> };
  };
}
