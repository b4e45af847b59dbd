// The Dirichlet distribution on the simplex, as scipy.stats.dirichlet, but with the
// components along the last axis (as random.dirichlet samples them; scipy takes them
// along the first).
import { broadcastShapes, shapeString } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import * as special from "../special/index.js";
import { floats, orNaN } from "./args.js";

/** How far from 1 the components of a point may sum, as jax.scipy.stats.dirichlet. */
const SIMPLEX_TOL = 1e-6;

/**
 * log of the Dirichlet density at x (components along the last axis, K = alpha's last
 * length; x and alpha broadcast), Σ(αᵢ − 1)·log xᵢ + log Γ(Σαᵢ) − Σ log Γ(αᵢ); −∞ off the
 * simplex (a negative component, or a sum farther than 1e−6 from 1), NaN where some
 * αᵢ ≤ 0. The result has the broadcast batch shape.
 *
 * @example
 * stats.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), np.array([1, 1, 1])).item(); // 0.6931471805599453 (log 2)
 */
export const logpdf = (x: np.ArrayLike, alpha: np.ArrayLike): Array => logDensity("stats.dirichlet.logpdf", x, alpha);

function logDensity(op: string, x: np.ArrayLike, alpha: np.ArrayLike): Array {
  const [X, A] = floats(op, ["x", "alpha"], [x, alpha], false) as [Array, Array];
  if (X.ndim === 0 || A.ndim === 0) throw new Error(`${op}: x and alpha need a last axis of K components, got shapes ${shapeString(X.shape)} and ${shapeString(A.shape)}`);
  const K = X.shape[X.ndim - 1]!;
  if (A.shape[A.ndim - 1] !== K) throw new Error(`${op}: x has ${K} components but alpha ${A.shape[A.ndim - 1]}`);
  broadcastShapes(op, X.shape, A.shape);
  const valid = np.all(np.greater(A, 0), { axis: -1 });
  const a = np.where(np.greater(A, 0), A, 1);
  const onSimplex = np.logicalAnd(
    np.all(np.greaterEqual(X, 0), { axis: -1 }),
    np.lessEqual(np.abs(np.sub(np.sum(X, { axis: -1 }), 1)), SIMPLEX_TOL),
  );
  // Off the simplex the density is not evaluated: the centre 1/K stands in for x.
  const xs = np.where(np.expandDims(onSimplex, -1), X, 1 / K);
  const logNorm = np.sub(special.lgamma(np.sum(a, { axis: -1 })), np.sum(special.lgamma(a), { axis: -1 }));
  const value = np.add(np.sum(special.xlogy(np.sub(a, 1), xs), { axis: -1 }), logNorm);
  // NaN in x stays NaN (the comparisons above are false for it).
  const nan = np.any(np.isnan(X), { axis: -1 });
  return orNaN(valid, np.where(nan, NaN, np.where(onSimplex, value, -Infinity)));
}

/**
 * The Dirichlet density.
 *
 * @example
 * stats.dirichlet.pdf(np.array([0.2, 0.3, 0.5]), np.array([1, 1, 1])).item(); // 2
 */
export const pdf = (x: np.ArrayLike, alpha: np.ArrayLike): Array => np.exp(logDensity("stats.dirichlet.pdf", x, alpha));
