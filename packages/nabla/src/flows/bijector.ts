// The bijector interface (distrax's and nflows' convention: a map with its inverse and
// the log-determinants of both Jacobians), composition, inversion, and the density a
// flow pushes a base density to.
import { np, type Array } from "../core/index.js";

/**
 * An invertible map y = f(x) of R^d with the log-determinant of its Jacobian. Every
 * method takes a point [d] or a batch [..., d] (the last axis is the event); log-dets
 * have the batch shape [...] (a scalar for a point).
 */
export interface Bijector {
  /** y = f(x). */
  forward(x: Array): Array;
  /** x = f⁻¹(y). */
  inverse(y: Array): Array;
  /** log|det ∂f/∂x| at x. */
  forwardLogDet(x: Array): Array;
  /** log|det ∂f⁻¹/∂y| at y, which is −forwardLogDet(f⁻¹(y)). */
  inverseLogDet(y: Array): Array;
  /** [f(x), log|det ∂f/∂x|] in one pass, when sharing work makes it cheaper. */
  forwardAndLogDet?(x: Array): [Array, Array];
  /** [f⁻¹(y), log|det ∂f⁻¹/∂y|] in one pass, when sharing work makes it cheaper. */
  inverseAndLogDet?(y: Array): [Array, Array];
}

/** A bijector with both fused methods, as every constructor here returns. */
export type FusedBijector = Required<Bijector>;

/** [f(x), log|det ∂f/∂x|], through the fused method when the bijector has one. */
export function forwardAndLogDet(b: Bijector, x: Array): [Array, Array] {
  return b.forwardAndLogDet ? b.forwardAndLogDet(x) : [b.forward(x), b.forwardLogDet(x)];
}

/** [f⁻¹(y), log|det ∂f⁻¹/∂y|], through the fused method when the bijector has one. */
export function inverseAndLogDet(b: Bijector, y: Array): [Array, Array] {
  return b.inverseAndLogDet ? b.inverseAndLogDet(y) : [b.inverse(y), b.inverseLogDet(y)];
}

/** A bijector from its two fused passes: the separate methods take what they need. */
export function fromFused(forward: (x: Array) => [Array, Array], inverse: (y: Array) => [Array, Array]): FusedBijector {
  return {
    forward: (x) => forward(x)[0],
    inverse: (y) => inverse(y)[0],
    forwardLogDet: (x) => forward(x)[1],
    inverseLogDet: (y) => inverse(y)[1],
    forwardAndLogDet: forward,
    inverseAndLogDet: inverse,
  };
}

/**
 * x as an Array whose last axis has length d (a point [d] or a batch [..., d]), or an
 * error naming the op and the shapes.
 */
export function eventArg(op: string, x: np.ArrayLike, d: number): Array {
  const a = np.asArray(x);
  if (a.ndim < 1 || a.shape[a.ndim - 1] !== d) {
    throw new Error(`${op}: expected a point of shape (${d},) or a batch of shape (..., ${d}), got shape (${a.shape.join(", ")})`);
  }
  return a;
}

/**
 * The composition of bijectors, applied in list order: forward runs bs[0] first, then
 * bs[1], …, as a pipeline reads (nflows' CompositeTransform). Note that distrax's Chain
 * uses the opposite, function-composition order (its last bijector acts first). The
 * inverse undoes them from the last; log-dets add up.
 *
 * @example
 * const flow = flows.chain([flows.affine({ scale: np.array([2]) }), flows.affine({ shift: np.array([1]) })]);
 * flow.forward(np.array([3])).toArray(); // [7]: 2·3, then + 1
 */
export function chain(bs: readonly Bijector[]): FusedBijector {
  if (!globalThis.Array.isArray(bs) || bs.length === 0) throw new Error("flows.chain: expected a non-empty list of bijectors");
  return fromFused(
    (x) => {
      let logDet: Array | null = null;
      for (const b of bs) {
        const [y, l] = forwardAndLogDet(b, x);
        [x, logDet] = [y, logDet ? np.add(logDet, l) : l];
      }
      return [x, logDet!];
    },
    (y) => {
      let logDet: Array | null = null;
      for (let i = bs.length - 1; i >= 0; i--) {
        const [x, l] = inverseAndLogDet(bs[i]!, y);
        [y, logDet] = [x, logDet ? np.add(logDet, l) : l];
      }
      return [y, logDet!];
    },
  );
}

/**
 * The inverse bijector: its forward is b's inverse and its log-dets are swapped.
 *
 * @example
 * const b = flows.invert(flows.affine({ scale: np.array([2]) }));
 * b.forward(np.array([3])).toArray(); // [1.5]
 */
export function invert(b: Bijector): FusedBijector {
  return fromFused((x) => inverseAndLogDet(b, x), (y) => forwardAndLogDet(b, y));
}

/**
 * The log density of Y = flow(X) for X with log density `logBase`, by the change of
 * variables log p_Y(y) = log p_X(f⁻¹(y)) + log|det ∂f⁻¹/∂y|. `logBase` maps a point [d]
 * or batch [..., d] to log densities of shape [...], and so does the result.
 *
 * @example
 * const logBase = (x: Array) => np.sum(stats.norm.logpdf(x), { axis: -1 });
 * const logP = flows.transformedDensity(logBase, flows.affine({ shift: np.array([1]), scale: np.array([2]) }));
 * logP(np.array([1])).item(); // stats.norm.logpdf(1, 1, 2) = −1.612…
 */
export function transformedDensity(logBase: (x: Array) => Array, flow: Bijector): (y: np.ArrayLike) => Array {
  return (y) => {
    const [x, logDet] = inverseAndLogDet(flow, np.asArray(y));
    return np.add(logBase(x), logDet);
  };
}
