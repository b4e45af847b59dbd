import { np, tree, type Array, type Tree } from "../core/index.js";
import { grad, hessian, jvp, ravelPytree, valueAndGrad, type GradOf, type MapLeaves } from "../transforms/index.js";

/**
 * The directional derivative D_u f(x) = ∇f(x)·u, from one forward-mode pass (no
 * gradient is formed). For the rate of change per unit length, pass a unit vector u.
 *
 * @example
 * directionalDerivative((p) => p.mul(p).sum(), np.array([1, 2]), np.array([1, 0])).item(); // 2
 */
export function directionalDerivative<T>(f: (x: T) => unknown, x: T, u: GradOf<T>): Array;
export function directionalDerivative(f: (x: any) => any, x: Tree, u: Tree): Array {
  return np.asArray(jvp(f, [x], [u])[1]);
}

/**
 * The unit direction of steepest descent, −∇f/‖∇f‖ (with x's structure). At a critical
 * point there is none, and that is an error rather than a NaN.
 *
 * @example
 * steepestDescentDirection((p) => p.mul(p).sum(), np.array([3, 4])).toArray(); // [−0.6, −0.8]
 */
export function steepestDescentDirection<T>(f: (x: T) => unknown, x: T): GradOf<T>;
export function steepestDescentDirection(f: (x: any) => any, x: Tree): any {
  const g = grad(f)(x);
  const flat = ravelPytree(g)[0];
  const largest = flat.size === 0 ? 0 : np.max(np.abs(flat)).item();
  if (!(largest > 0 && largest < Infinity)) {
    throw new Error(`steepestDescentDirection: the gradient is ${largest === 0 ? "zero (x is a critical point)" : "not finite"}; there is no descent direction`);
  }
  // Any nonzero finite gradient has a direction, even one of size 1e-300 or one whose
  // norm overflows (entries near 1e308): divide by the largest entry first, then by the
  // norm of what is left, which lies in [1, √n].
  const norm = np.norm(np.div(flat, largest)).item();
  return tree.map((gi: Array) => np.div(np.div(gi, largest), -norm), g);
}

/**
 * A Taylor model of f around x0 (of type `T`): the coefficients and the model as a
 * function. The gradient has x0's structure; the Hessian nests it in itself.
 */
export interface TaylorModel<T = Tree> {
  value: Array;
  grad: GradOf<T>;
  /** The Hessian (order 2 only), shape x.shape ++ x.shape. */
  hessian?: MapLeaves<GradOf<T>, GradOf<T>>;
  /** f(x0) + ∇f·δ (+ ½ δᵀHδ for order 2), with δ = x − x0. */
  model(x: T): Array;
}

/**
 * The first- or second-order Taylor model of a scalar function around x0.
 *
 * @example
 * const t = taylor((x) => x.exp().sum(), np.array([0]), { order: 2 });
 * t.model(np.array([0.1])).item(); // 1 + 0.1 + 0.005
 */
export function taylor<T>(f: (x: T) => unknown, x0: T, opts?: { order?: 1 | 2 }): TaylorModel<T>;
export function taylor(f: (x: any) => any, x0: Tree, opts: { order?: 1 | 2 } = {}): TaylorModel {
  const order = opts.order ?? 2;
  if (order !== 1 && order !== 2) throw new Error(`taylor: order must be 1 or 2, got ${order}`);
  const [value, g] = valueAndGrad(f)(x0);
  const [x0flat] = ravelPytree(x0);
  const gflat = ravelPytree(g)[0];
  const n = x0flat.size;
  const H = order === 2 ? hessian(f)(x0) : undefined;
  const Hflat = H === undefined ? undefined : np.reshape(ravelPytree(H)[0], [n, n]);
  return {
    value: value as Array,
    grad: g,
    hessian: H,
    model(x) {
      const delta = np.sub(ravelPytree(x)[0], x0flat);
      const linear = np.add(value as Array, np.dot(gflat, delta));
      return Hflat ? np.add(linear, np.mul(0.5, np.dot(delta, np.matmul(Hflat, delta)))) : linear;
    },
  };
}

/**
 * The total derivative of t ↦ f(t, x(t)): df/dt = ∂f/∂t + ∇ₓf · dx/dt, from one
 * forward-mode pass through both f and the path x.
 *
 * @example
 * // f(t, x) = t·x, x(t) = t²  ⇒  df/dt = x + t·2t = 3t²
 * totalDerivative((t, x) => t.mul(x), (t) => t.square())(np.array(2)).item(); // 12
 */
export function totalDerivative<
  X = any, // not unknown: an unannotated f has its x typed before the path x is read
>(f: (t: Array, x: X) => unknown, x: (t: Array) => X): (t: Array | number) => Array;
export function totalDerivative(f: (t: Array, x: any) => any, x: (t: Array) => any): (t: Array | number) => Array {
  return (t) => {
    const t0 = np.asArray(t, "float64");
    return np.asArray(jvp((s: Array) => f(s, x(s)), [t0], [np.onesLike(t0)])[1]);
  };
}
