// Training-loop optimizers in the style of optax: each is a pair of pure functions over
// pytrees, `init(params) → state` and `update(grads, state, params) → [updates, state]`,
// written with np ops only so that a whole training step can run inside `jit`. Their
// hyperparameters are checked when the optimizer is made (one line naming it and the
// option), not when a NaN shows up steps later.
import { np, tree, type Array, type Tree } from "../core/index.js";
import type { GradOf } from "../transforms/index.js";
import { type Schedule } from "./schedules.js";
import { checkKeys, checkNumber, checkOptional, checkRate, DECAY, NON_NEGATIVE, POSITIVE, shown } from "./validate.js";

export { constantSchedule, cosineDecay, exponentialDecay, linearWarmup, type Schedule } from "./schedules.js";

/** An optimizer, or any transformation of gradients (clipping), in optax's shape. */
export interface GradientTransformation {
  init(params: Tree): Tree;
  /** Returns the updates to add to the parameters (see `applyUpdates`) and the new state. */
  update(grads: Tree, state: Tree, params?: Tree): [Tree, Tree];
}

type Leaf = np.ArrayLike;
type State = Record<string, any>;

const zerosLike = (params: Tree): Tree => tree.map((p: Leaf) => np.zerosLike(np.asArray(p, "float64")), params);
const newCount = (): Array => np.zeros([], { dtype: "int32" });
const nextCount = (count: Array): Array => np.add(count, 1);

/** The learning rate at step `count` (a 0-d int32 Array, traced under jit). */
function rateAt(lr: number | Schedule, count: Array): Leaf {
  return typeof lr === "number" ? lr : lr(count);
}

/** An exponential moving average per leaf: decay·avg + (1 − decay)·value. */
const ema = (avg: Tree, values: Tree, decay: number): Tree => tree.map((a: Leaf, v: Leaf) => np.add(np.mul(decay, a), np.mul(1 - decay, v)), avg, values);

/**
 * Plain stochastic gradient descent: updates = −lr·g.
 *
 * @example
 * const opt = sgd(0.1);
 * const [updates] = opt.update({ w: np.array([1, 2]) }, opt.init(params)); // { w: [−0.1, −0.2] }
 */
export function sgd(lr: number | Schedule): GradientTransformation {
  checkRate("sgd", "lr", lr);
  return {
    init: () => ({ count: newCount() }),
    update(grads, state) {
      const { count } = state as State;
      const rate = rateAt(lr, count);
      return [tree.map((g: Leaf) => np.mul(np.neg(rate), g), grads), { count: nextCount(count) }];
    },
  };
}

/**
 * SGD with momentum: trace ← g + beta·trace, updates = −lr·trace; with `nesterov`,
 * updates = −lr·(g + beta·trace).
 *
 * @example
 * const opt = momentum(0.01, 0.9, { nesterov: true });
 */
export function momentum(lr: number | Schedule, beta = 0.9, opts: { nesterov?: boolean } = {}): GradientTransformation {
  checkRate("momentum", "lr", lr);
  checkNumber("momentum", "beta", beta, DECAY);
  checkKeys("momentum", "opts", opts, ["nesterov"]);
  if (opts.nesterov !== undefined && typeof opts.nesterov !== "boolean") throw new Error(`momentum: nesterov must be true or false, got ${shown(opts.nesterov)}`);
  return {
    init: (params) => ({ count: newCount(), trace: zerosLike(params) }),
    update(grads, state) {
      const { count, trace } = state as State;
      const rate = np.neg(rateAt(lr, count));
      const newTrace = tree.map((g: Leaf, t: Leaf) => np.add(g, np.mul(beta, t)), grads, trace);
      const step = opts.nesterov ? tree.map((g: Leaf, t: Leaf) => np.add(g, np.mul(beta, t)), grads, newTrace) : newTrace;
      return [tree.map((s: Leaf) => np.mul(rate, s), step), { count: nextCount(count), trace: newTrace }];
    },
  };
}

export interface AdamOptions {
  /** First-moment decay, in [0, 1) (default 0.9). */
  b1?: number;
  /** Second-moment decay, in [0, 1) (default 0.999). */
  b2?: number;
  /** Denominator guard, > 0 (default 1e-8). */
  eps?: number;
}

/** Checks Adam's (and AdamW's) options, named after `op`. */
function checkAdam(op: string, lr: unknown, opts: AdamOptions & { weightDecay?: number }, known: readonly string[]): void {
  checkRate(op, "lr", lr);
  checkKeys(op, "opts", opts, known);
  checkOptional(op, "b1", opts.b1, DECAY);
  checkOptional(op, "b2", opts.b2, DECAY);
  checkOptional(op, "eps", opts.eps, POSITIVE);
  checkOptional(op, "weightDecay", opts.weightDecay, NON_NEGATIVE);
}

/** Adam's step direction m̂ / (√v̂ + eps) with bias-corrected moments, and the new state. */
function adamDirection(grads: Tree, state: State, { b1 = 0.9, b2 = 0.999, eps = 1e-8 }: AdamOptions): [Tree, State] {
  const mu = ema(state.mu, grads, b1);
  const nu = ema(state.nu, tree.map((g: Leaf) => np.square(g), grads), b2);
  const count = nextCount(state.count);
  const t = np.astype(count, "float64");
  const c1 = np.sub(1, np.pow(b1, t));
  const c2 = np.sub(1, np.pow(b2, t));
  const direction = tree.map((m: Leaf, v: Leaf) => np.div(np.div(m, c1), np.add(np.sqrt(np.div(v, c2)), eps)), mu, nu);
  return [direction, { count, mu, nu }];
}

/**
 * Adam (Kingma & Ba): updates = −lr·m̂/(√v̂ + eps), moments bias-corrected.
 *
 * @example
 * const opt = adam(1e-3);
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state);
 * params = applyUpdates(params, updates);
 */
export function adam(lr: number | Schedule, opts: AdamOptions = {}): GradientTransformation {
  checkAdam("adam", lr, opts, ["b1", "b2", "eps"]);
  return {
    init: (params) => ({ count: newCount(), mu: zerosLike(params), nu: zerosLike(params) }),
    update(grads, state) {
      const rate = np.neg(rateAt(lr, (state as State).count));
      const [direction, next] = adamDirection(grads, state as State, opts);
      return [tree.map((d: Leaf) => np.mul(rate, d), direction), next];
    },
  };
}

/**
 * AdamW: Adam with decoupled weight decay, updates = −lr·(m̂/(√v̂ + eps) + weightDecay·params).
 * `update` needs the parameters.
 *
 * @example
 * const opt = adamw(1e-3, { weightDecay: 1e-2 });
 * const [updates, next] = opt.update(grads, state, params);
 */
export function adamw(lr: number | Schedule, opts: AdamOptions & { weightDecay?: number } = {}): GradientTransformation {
  checkAdam("adamw", lr, opts, ["b1", "b2", "eps", "weightDecay"]);
  const weightDecay = opts.weightDecay ?? 1e-4;
  return {
    init: (params) => ({ count: newCount(), mu: zerosLike(params), nu: zerosLike(params) }),
    update(grads, state, params) {
      if (params === undefined) throw new Error("adamw: update needs the parameters (update(grads, state, params))");
      const rate = np.neg(rateAt(lr, (state as State).count));
      const [direction, next] = adamDirection(grads, state as State, opts);
      const updates = tree.map((d: Leaf, p: Leaf) => np.mul(rate, np.add(d, np.mul(weightDecay, p))), direction, params);
      return [updates, next];
    },
  };
}

/**
 * RMSProp: ν ← decay·ν + (1 − decay)·g², updates = −lr·g/√(ν + eps) (eps inside the
 * root, as optax).
 *
 * @example
 * const opt = rmsprop(1e-2, { decay: 0.9 });
 */
export function rmsprop(lr: number | Schedule, opts: { decay?: number; eps?: number } = {}): GradientTransformation {
  checkRate("rmsprop", "lr", lr);
  checkKeys("rmsprop", "opts", opts, ["decay", "eps"]);
  checkOptional("rmsprop", "decay", opts.decay, DECAY);
  checkOptional("rmsprop", "eps", opts.eps, POSITIVE);
  const { decay = 0.9, eps = 1e-8 } = opts;
  return {
    init: (params) => ({ count: newCount(), nu: zerosLike(params) }),
    update(grads, state) {
      const { count, nu } = state as State;
      const rate = np.neg(rateAt(lr, count));
      const newNu = ema(nu, tree.map((g: Leaf) => np.square(g), grads), decay);
      const updates = tree.map((g: Leaf, v: Leaf) => np.div(np.mul(rate, g), np.sqrt(np.add(v, eps))), grads, newNu);
      return [updates, { count: nextCount(count), nu: newNu }];
    },
  };
}

/**
 * The 2-norm of all leaves of a pytree taken together.
 *
 * @example
 * globalNorm({ a: np.array([3]), b: np.array([4]) }).item(); // 5
 */
export function globalNorm(x: Tree): Array {
  const leaves = tree.leaves(x) as Leaf[];
  if (leaves.length === 0) return np.asArray(0);
  // The norm of the leaves' norms, each scale-safe (np.norm): exploding gradients of size
  // 1e200, where clipping matters most, must not give Infinity and so a clip to zero.
  return np.norm(np.stack(leaves.map((leaf) => np.norm(leaf))));
}

/**
 * Scales all gradients together so that their global norm is at most `maxNorm`
 * (gradients already within it pass unchanged).
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), adam(1e-3));
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation {
  checkNumber("clipByGlobalNorm", "maxNorm", maxNorm, POSITIVE);
  return {
    init: () => ({}),
    update(grads, state) {
      const norm = globalNorm(grads);
      // where() picks 1 when norm ≤ maxNorm, so maxNorm / 0 is never used.
      const factor = np.where(np.greater(norm, maxNorm), np.div(maxNorm, norm), 1);
      return [tree.map((g: Leaf) => np.mul(g, factor), grads), state];
    },
  };
}

/**
 * Clips every gradient element to [−maxDelta, maxDelta].
 *
 * @example
 * clip(1).update({ w: np.array([-3, 0.5]) }, {})[0]; // { w: [−1, 0.5] }
 */
export function clip(maxDelta: number): GradientTransformation {
  checkNumber("clip", "maxDelta", maxDelta, POSITIVE);
  return {
    init: () => ({}),
    update: (grads, state) => [tree.map((g: Leaf) => np.clip(g, -maxDelta, maxDelta), grads), state],
  };
}

/**
 * Applies transformations in order, each to the previous one's output (clip, then step).
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), sgd(0.1));
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(grads, state, params) {
      const states = state as Tree[];
      const next: Tree[] = [];
      let updates = grads;
      transforms.forEach((t, i) => {
        const [u, s] = t.update(updates, states[i], params);
        updates = u;
        next.push(s);
      });
      return [updates, next];
    },
  };
}

/**
 * params + updates, leaf by leaf: params' structure with Array leaves.
 *
 * @example
 * params = applyUpdates(params, updates);
 */
export function applyUpdates<T>(params: T, updates: Tree): GradOf<T> {
  return tree.map((p: Leaf, u: Leaf) => np.add(p, u), params, updates);
}
