// Mode connectivity (Garipov et al. 2018, "Loss Surfaces, Mode Connectivity, and Fast
// Ensembling of DNNs"; Draxler et al. 2018): two minima a and b that the straight segment
// joins over a high ridge are often joined by a simple curve of low loss. The curve
// φ_θ(t) = Σⱼ wⱼ(t)·pⱼ has fixed ends p₀ = a, pₙ = b and trainable points between, and
// θ minimizes E_{t∼U(0,1)} f(φ_θ(t)), sampling t afresh every Adam step, as their
// dnn-mode-connectivity code does. Everything runs on the parameters raveled into one
// vector, so a curve point is one matrix product however nested the pytree is.
import { checkFlag, checkInteger, describe, shapeString } from "../array/index.js";
import { keyArg, np, tree, type Array, type Tree } from "../core/index.js";
import * as random from "../random/index.js";
import { adam, applyUpdates, type Schedule } from "../optim/index.js";
import { jit, ravelPytree, valueAndGrad, vmap, type GradOf } from "../transforms/index.js";
import { evaluateBatched, grid, sliceSettings, type Loss } from "./slices.js";

/** The curve's family: the segment, a Bézier curve, or a polygonal chain. */
export type CurveKind = "linear" | "bezier" | "polychain";

/** Options of `connectModes`. */
export interface ConnectOptions {
  /**
   * "bezier" (default): Σⱼ C(n, j)·tʲ(1 − t)ⁿ⁻ʲ·pⱼ of degree n = bends + 1 (bends = 1 is
   * Garipov's quadratic (1 − t)²a + 2t(1 − t)θ + t²b); "polychain": straight pieces from a
   * through the bends to b, each taking an equal share of t; "linear": (1 − t)·a + t·b,
   * nothing trained (the training options below are checked, then ignored).
   */
  curve?: CurveKind;
  /** Trainable points between a and b (default 1); they start evenly spaced on the segment. */
  bends?: number;
  /** Adam steps (default 200). */
  steps?: number;
  /** Adam's learning rate: a number or an `optim` schedule (default 0.01). */
  lr?: number | Schedule;
  /** The key the t samples come from (default random.key(0)). */
  key?: Array;
  /** Values of t averaged per step (default 1, as Garipov et al.): more gives a smoother descent. */
  samplesPerStep?: number;
  /** Evenly spaced t in [0, 1], ends included, where the finished curve's loss is reported (default 51). */
  points?: number;
  /** Points per `vmap` call when the losses along the curve are evaluated (default 64). */
  batchSize?: number;
  /** Compile the training step with `jit` (default true). */
  jit?: boolean;
}

/** What `connectModes` found, as a plain record. */
export interface ModeConnection<T> {
  /** The trained curve: t ∈ [0, 1] ↦ parameters (a at 0, b at 1), with a's structure. */
  curve: (t: number) => GradOf<T>;
  /** All the curve's points, a first and b last, the trained ones between (bends + 2 of them; [a, b] when linear). */
  controlPoints: GradOf<T>[];
  /** `points` evenly spaced values of t in [0, 1], and f at the curve there. */
  ts: Array;
  losses: Array;
  /** max over ts of f(φ(t)) minus max(f(a), f(b)): the height of the curve's ridge above the higher end (≥ 0). */
  barrier: number;
  /** The sampled loss E_t f(φ(t)) at each training step, before its update (empty when linear). */
  trainLosses: Array;
  /** false when training stopped at a NaN or infinite loss or gradient (the last finite curve is kept). */
  success: boolean;
  message: string;
}

const OPTIONS = ["curve", "bends", "steps", "lr", "key", "samplesPerStep", "points", "batchSize", "jit"];

/** C(n, j), exact for the small degrees a curve has. */
function binomial(n: number, j: number): number {
  let c = 1;
  for (let i = 1; i <= j; i++) c = (c * (n - j + i)) / i;
  return c;
}

/** The weights wⱼ(t) of the n + 1 points at each t: [ts.length, n + 1], row-major. */
function weights(kind: CurveKind, n: number, ts: ArrayLike<number>): Float64Array {
  const w = new Float64Array(ts.length * (n + 1));
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    for (let j = 0; j <= n; j++) {
      // Polychain: hat functions, the piecewise-linear interpolant through the points.
      w[i * (n + 1) + j] = kind === "polychain" ? Math.max(0, 1 - Math.abs(t * n - j)) : binomial(n, j) * t ** j * (1 - t) ** (n - j);
    }
  }
  return w;
}

/**
 * A low-loss curve from a to b (two sets of parameters, the same structure and shapes),
 * after Garipov et al. 2018: the points between a and b are trained with Adam (`optim.adam`)
 * to minimize E_{t∼U(0,1)} f(φ(t)), `samplesPerStep` values of t drawn from `key` per step;
 * "linear" trains nothing and gives the segment. The result reports f at `points` values
 * of t and the barrier: the highest of them above the higher end. f must be traceable by
 * `vmap` (and by `jit`, unless `jit: false`).
 *
 * @example
 * // Two minima (±1, 0) at the ends of the curved valley y = 1 − x²
 * const f = (p: Array) => { const [x, y] = [p.slice(0), p.slice(1)]; return y.sub(1).add(x.square()).square().mul(4).add(x.square().sub(1).square().mul(0.05)); };
 * landscape.connectModes(f, np.array([-1, 0]), np.array([1, 0]), { curve: "linear" }).barrier; // 4.05, at (0, 0)
 * landscape.connectModes(f, np.array([-1, 0]), np.array([1, 0]), { steps: 300, lr: 0.05 }).barrier; // ≈ 0.05, through (0, 1)
 */
export function connectModes<T>(f: Loss<T>, a: T, b: unknown, opts: ConnectOptions = {}): ModeConnection<T> {
  const op = "landscape.connectModes";
  if (typeof f !== "function") throw new Error(`${op}: f must be a function, got ${describe(f)}`);
  const o = opts as Record<string, unknown>;
  const s = sliceSettings(op, opts, OPTIONS, 51, [0, 1]);
  const kind = o.curve ?? "bezier";
  if (kind !== "linear" && kind !== "bezier" && kind !== "polychain") throw new Error(`${op}: curve must be "linear", "bezier" or "polychain", got ${describe(kind)}`);
  const given = checkInteger(op, "bends", o.bends, 1, 1);
  const bends = kind === "linear" ? 0 : given;
  const steps = checkInteger(op, "steps", o.steps, 200, 0);
  const samples = checkInteger(op, "samplesPerStep", o.samplesPerStep, 1, 1);
  const lr = o.lr ?? 0.01;
  if (typeof lr !== "function" && !(typeof lr === "number" && Number.isFinite(lr) && lr > 0)) throw new Error(`${op}: lr must be a positive number or a schedule, got ${describe(lr)}`);
  const useJit = checkFlag(op, "jit", o.jit, true);
  const key = keyArg(op, o.key ?? random.key(0));

  const [va, unravel] = ravelPytree(a);
  const [treeA, defA] = tree.flatten(a);
  const [treeB, defB] = tree.flatten(b);
  if (!defA.equals(defB)) throw new Error(`${op}: b must have the structure of a: ${defB} vs ${defA}`);
  const dtypes = treeA.map((l, i) => {
    const [x, y] = [np.asArray(l as np.ArrayLike), np.asArray(treeB[i] as np.ArrayLike)];
    if (x.shape.join() !== y.shape.join()) throw new Error(`${op}: b leaf ${i} has shape ${shapeString(y.shape)}, a leaf ${i} has ${shapeString(x.shape)}`);
    if (x.dtype !== "float64" && x.dtype !== "float32") throw new Error(`${op}: a leaf ${i} has dtype ${x.dtype}; the parameters must be float arrays`);
    return x.dtype;
  });
  const vb = ravelPytree(b)[0];
  // The points back in a's structure and dtypes.
  const params = (v: Array): GradOf<T> => tree.unflatten(defA, (tree.leaves(unravel(v)) as Array[]).map((l, i) => np.astype(l, dtypes[i]!))) as GradOf<T>;
  const n = bends + 1;
  const nodes = (theta: Array) => np.concatenate([np.reshape(np.astype(va, "float64"), [1, -1]), theta, np.reshape(np.astype(vb, "float64"), [1, -1])]);

  // Start on the segment: pⱼ = a + (j/n)·(b − a).
  const fractions = np.reshape(np.array(grid(0, 1, n + 1).subarray(1, n)), [-1, 1]);
  let theta = bends === 0 ? np.zeros([0, va.size]) : np.add(np.astype(va, "float64"), np.mul(fractions, np.sub(np.astype(vb, "float64"), np.astype(va, "float64"))));
  const trainLosses: number[] = [];
  let message = kind === "linear" ? "the segment from a to b (nothing trained)" : `trained ${bends} point(s) for ${steps} Adam steps`;
  let success = true;
  if (kind !== "linear" && steps > 0) {
    // The mean of f over a batch of curve points, each given by its row of weights.
    const sampled = (th: Array, W: Array) => {
      const P = nodes(th);
      return np.mean(vmap((w: Array) => f(params(np.matmul(w, P))))(W) as Array);
    };
    const opt = adam(lr as number | Schedule);
    // The gradient and the Adam update in one function (one compiled call per step); the
    // new θ is taken only once the loss and gradient are seen to be finite.
    const update = (th: Array, state: Tree, W: Array): [Array, Array, Array, Tree] => {
      const [value, g] = valueAndGrad(sampled)(th, W);
      const [updates, next] = opt.update(g, state, th);
      return [value, g, applyUpdates(th, updates) as Array, next];
    };
    const step = useJit ? jit(update) : update;
    const ts = random.uniform(key, [steps, samples]).toFloat64Array();
    let state = opt.init(theta);
    for (let i = 0; i < steps; i++) {
      const W = np.reshape(np.array(weights(kind, n, ts.subarray(i * samples, (i + 1) * samples))), [samples, n + 1]);
      const [value, g, next, nextState] = step(theta, state, W);
      const loss = value.item();
      if (!Number.isFinite(loss) || !g.toFloat64Array().every(Number.isFinite)) {
        success = false;
        message = `training stopped at step ${i}: the sampled loss or its gradient is ${Number.isFinite(loss) ? "not finite" : String(loss)}`;
        break;
      }
      trainLosses.push(loss);
      theta = next;
      state = nextState;
    }
  }

  const P = nodes(theta);
  const rows = P.shape[0]!;
  const curve = (t: number): GradOf<T> => {
    if (typeof t !== "number" || !(t >= 0 && t <= 1)) throw new Error(`${op}: the curve takes t in [0, 1], got ${describe(t)}`);
    return params(np.matmul(np.array(weights(kind, n, [t])), P));
  };
  const ts = grid(0, 1, s.points);
  const W = weights(kind, n, ts);
  const columns = globalThis.Array.from({ length: rows }, (_, j) => Float64Array.from({ length: ts.length }, (_, i) => W[i * rows + j]!));
  // Σⱼ wⱼ·pⱼ with each weight a vmapped scalar: at t = 0 and 1 this is a and b exactly.
  const point = (w: Array[]) => w.slice(1).reduce((acc, wj, j) => np.add(acc, np.mul(wj, np.slice(P, j + 1))), np.mul(w[0]!, np.slice(P, 0)));
  const losses = evaluateBatched(op, (...w: Array[]) => f(params(point(w))), columns, s.batchSize);
  const top = losses.reduce((m, v) => Math.max(m, v), -Infinity);
  const barrier = top - Math.max(losses[0]!, losses[losses.length - 1]!);
  const controlPoints = globalThis.Array.from({ length: rows }, (_, j) => params(np.slice(P, j)));
  return { curve, controlPoints, ts: np.array(ts), losses: np.array(losses), barrier, trainLosses: np.array(trainLosses), success, message };
}
