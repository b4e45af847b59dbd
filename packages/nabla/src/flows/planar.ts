// The planar flow of Rezende & Mohamed (2015, "Variational inference with normalizing
// flows", §4.1): y = x + û·tanh(w·x + b), a shear along û of a ridge across w. Its
// inverse reduces to one scalar equation per point, solved by safeguarded Newton.
import { ConcreteArray, np, type Array } from "../core/index.js";
import { foriLoop, stopGradient } from "../transforms/index.js";
import { eventArg, fromFused, type FusedBijector } from "./bijector.js";

export interface PlanarParams {
  /** The direction of the shear, shape [d]; reparametrized to û so that w·û ≥ −1. */
  u: np.ArrayLike;
  /** The normal of the ridge, shape [d], nonzero. */
  w: np.ArrayLike;
  /** The offset of the ridge, a scalar. */
  b: np.ArrayLike;
}

const OP = "flows.planar";
/** Iterations of safeguarded Newton; bisection alone would shrink the bracket 2⁻⁶⁰-fold. */
const NEWTON_ITERATIONS = 60;

/**
 * The planar bijector y = x + û·tanh(w·x + b). The map is invertible when w·û ≥ −1, so u
 * is replaced by û = u + (m(w·u) − w·u)·w/‖w‖² with m(a) = −1 + softplus(a) (the paper's
 * appendix A), which leaves u alone unless w·u is near or below −1. log|det| =
 * log|1 + (w·û)·tanh′(w·x + b)|.
 *
 * The inverse solves, per point, the scalar equation α + (w·û)·tanh(α + b) = w·y for
 * α = w·x (monotone, and bracketed within |w·û| of w·y) by Newton steps safeguarded with
 * bisection, in a staged loop, so it runs under `jit` and `vmap`. The loop itself is not
 * differentiated: one final Newton step from its answer, taken on the live parameters,
 * carries the exact first derivatives of the implicit function theorem (higher ones are
 * not exact).
 *
 * @example
 * const b = flows.planar({ u: np.array([1, 0]), w: np.array([1, 1]), b: np.array(0) });
 * const y = b.forward(np.array([0.5, -0.2]));
 * b.inverse(y).toArray(); // [0.5, -0.2]
 */
export function planar(params: PlanarParams): FusedBijector {
  const w = np.asArray(params.w);
  const u = np.asArray(params.u);
  const b = np.asArray(params.b);
  if (w.ndim !== 1) throw new Error(`${OP}: w must have shape (d,), got (${w.shape.join(", ")})`);
  const d = w.shape[0]!;
  if (u.ndim !== 1 || u.shape[0] !== d) throw new Error(`${OP}: u must have the shape of w, (${d},), got (${u.shape.join(", ")})`);
  if (b.ndim !== 0) throw new Error(`${OP}: b must be a scalar, got shape (${b.shape.join(", ")})`);
  // û divides by ‖w‖²; a concrete w can be checked now, a traced one is the caller's to keep nonzero.
  if (w instanceof ConcreteArray && w.toFloat64Array().every((v) => v === 0)) throw new Error(`${OP}: w must be nonzero`);
  const wu = np.dot(w, u);
  const uHat = np.add(u, np.mul(np.div(np.sub(np.sub(np.softplus(wu), 1), wu), np.dot(w, w)), w));
  const c = np.dot(w, uHat); // ≥ −1
  const ridge = (X: Array) => np.add(np.matmul(X, w), b); // w·x + b, shape [...]
  const shear = (t: Array) => np.mul(np.expandDims(t, -1), uHat); // t·û, shape [..., d]
  const logDet = (h: Array) => np.log(np.abs(np.add(1, np.mul(c, np.sub(1, np.square(h))))));
  return fromFused(
    (x) => {
      const X = eventArg(`${OP}.forward`, x, d);
      const h = np.tanh(ridge(X));
      return [np.add(X, shear(h)), logDet(h)];
    },
    (y) => {
      const Y = eventArg(`${OP}.inverse`, y, d);
      const s = np.matmul(Y, w);
      // g(α) = α + c·tanh(α + b) − s = 0; one Newton step on live values from the solved root.
      const g = (a: Array) => np.sub(np.add(a, np.mul(c, np.tanh(np.add(a, b)))), s);
      const dg = (a: Array) => np.add(1, np.mul(c, np.sub(1, np.square(np.tanh(np.add(a, b))))));
      const root = stopGradient(solveMonotone(stopGradient(s), stopGradient(c), stopGradient(b)));
      const alpha = np.sub(root, np.div(g(root), dg(root)));
      const h = np.tanh(np.add(alpha, b));
      return [np.sub(Y, shear(h)), np.neg(logDet(h))];
    },
  );
}

/**
 * The root α of α + c·tanh(α + b) = s for each entry of s (c ≥ −1, so the left side
 * increases): it lies in [s − |c|, s + |c|], since |tanh| ≤ 1. Newton steps that leave the
 * bracket, or are not finite, become bisection steps, and every step narrows the bracket.
 */
function solveMonotone(s: Array, c: Array, b: Array): Array {
  const g = (a: Array) => np.sub(np.add(a, np.mul(c, np.tanh(np.add(a, b)))), s);
  const init: [Array, Array, Array] = [np.sub(s, np.abs(c)), np.add(s, np.abs(c)), s];
  const [, , root] = foriLoop(
    0,
    NEWTON_ITERATIONS,
    (_, [lo, hi, a]) => {
      const t = np.tanh(np.add(a, b));
      const newton = np.sub(a, np.div(g(a), np.add(1, np.mul(c, np.sub(1, np.square(t))))));
      const inside = np.logicalAnd(np.greaterEqual(newton, lo), np.lessEqual(newton, hi));
      const next = np.where(inside, newton, np.mul(0.5, np.add(lo, hi)));
      const above = np.greater(g(next), 0);
      return [np.where(above, lo, next), np.where(above, next, hi), next];
    },
    init,
  );
  return root;
}
