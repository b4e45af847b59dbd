// The radial flow of Rezende & Mohamed (2015, §4.1): y = x + β̂·(x − z0)/(α + r) with
// r = ‖x − z0‖, a contraction or expansion around the point z0. Its inverse is closed
// form: the radius solves a quadratic.
import { ConcreteArray, np, type Array } from "../core/index.js";
import { eventArg, fromFused, type FusedBijector } from "./bijector.js";

export interface RadialParams {
  /** The centre, shape [d]. */
  z0: np.ArrayLike;
  /** The scale of the radius, a positive scalar (pass softplus(a) to train it freely). */
  alpha: np.ArrayLike;
  /** The strength, a scalar; reparametrized to β̂ = −α + softplus(β) > −α. */
  beta: np.ArrayLike;
}

const OP = "flows.radial";

/**
 * The radial bijector y = x + β̂·h·(x − z0), h = 1/(α + r), r = ‖x − z0‖, with
 * β̂ = −α + softplus(β) (the paper's appendix A), which keeps it invertible. log|det| =
 * (d − 1)·log(1 + β̂h) + log(1 + β̂h + β̂h′r), h′ = −h², and the last factor is
 * 1 + β̂α/(α + r)².
 *
 * The inverse is exact: ‖y − z0‖ = R = r·(1 + β̂/(α + r)), so r is the positive root of
 * r² + (α + β̂ − R)·r − αR = 0, and x − z0 = (y − z0)/(1 + β̂/(α + r)). Differentiable
 * throughout, and it runs under `jit` and `vmap`.
 *
 * @example
 * const b = flows.radial({ z0: np.array([0, 0]), alpha: np.array(1), beta: np.array(0.5) });
 * const y = b.forward(np.array([0.3, 0.4]));
 * b.inverse(y).toArray(); // [0.3, 0.4]
 */
export function radial(params: RadialParams): FusedBijector {
  const z0 = np.asArray(params.z0);
  const alpha = np.asArray(params.alpha);
  const beta = np.asArray(params.beta);
  if (z0.ndim !== 1) throw new Error(`${OP}: z0 must have shape (d,), got (${z0.shape.join(", ")})`);
  if (alpha.ndim !== 0 || beta.ndim !== 0) throw new Error(`${OP}: alpha and beta must be scalars, got shapes (${alpha.shape.join(", ")}) and (${beta.shape.join(", ")})`);
  // A concrete alpha can be checked now; a traced one is the caller's to keep positive.
  if (alpha instanceof ConcreteArray && !(alpha.item() > 0)) throw new Error(`${OP}: alpha must be positive, got ${alpha.item()}`);
  const d = z0.shape[0]!;
  const betaHat = np.sub(np.softplus(beta), alpha);
  // log|det| at radius r: log(1 + β̂h) for each of the d − 1 directions across the
  // radius, and log(1 + β̂α/(α + r)²) along it.
  const logDet = (r: Array) => {
    const ar = np.add(alpha, r);
    const across = np.log1p(np.div(betaHat, ar));
    return np.add(np.mul(d - 1, across), np.log1p(np.div(np.mul(betaHat, alpha), np.square(ar))));
  };
  const radius = (v: Array) => np.sqrt(np.sum(np.square(v), { axis: -1 }));
  return fromFused(
    (x) => {
      const v = np.sub(eventArg(`${OP}.forward`, x, d), z0);
      const r = radius(v);
      const stretch = np.add(1, np.div(betaHat, np.add(alpha, r)));
      return [np.add(z0, np.mul(np.expandDims(stretch, -1), v)), logDet(r)];
    },
    (y) => {
      const v = np.sub(eventArg(`${OP}.inverse`, y, d), z0);
      const R = radius(v);
      const r = positiveRoot(np.sub(np.add(alpha, betaHat), R), np.mul(alpha, R));
      const stretch = np.add(1, np.div(betaHat, np.add(alpha, r)));
      return [np.add(z0, np.div(v, np.expandDims(stretch, -1))), np.neg(logDet(r))];
    },
  );
}

/**
 * The root r ≥ 0 of r² + B·r − C = 0 for C ≥ 0, without cancellation:
 * 2C/(B + √(B² + 4C)) when B ≥ 0, (√(B² + 4C) − B)/2 when B < 0. Each branch's
 * denominator is kept positive, so the branch not taken cannot put NaN in a gradient.
 */
function positiveRoot(B: Array, C: Array): Array {
  const root = np.sqrt(np.add(np.square(B), np.mul(4, C)));
  const nonnegative = np.greaterEqual(B, 0);
  const denominator = np.where(nonnegative, np.add(B, root), 1);
  return np.where(nonnegative, np.div(np.mul(2, C), denominator), np.mul(0.5, np.sub(root, B)));
}
