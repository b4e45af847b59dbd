// The multivariate normal distribution N(mean, cov), as scipy.stats.multivariate_normal:
// its log-density through the Cholesky factor of cov (stable, and differentiable in x,
// mean and cov).
import { broadcastShapes, shapeString } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import { cholesky, triangularSolve } from "../linalg/index.js";
import { floats, HALF_LOG_2PI } from "./args.js";

/** L with L·Lᵀ = cov, or an error naming `op` when cov is not positive definite. */
function factor(op: string, cov: Array): Array {
  try {
    return cholesky(cov);
  } catch (e) {
    const msg = (e as Error).message;
    if (!msg.startsWith("cholesky: the matrix is not positive definite")) throw e;
    throw new Error(`${op}: cov${msg.slice("cholesky: the matrix".length)}`);
  }
}

/**
 * log of the multivariate normal density at x ([..., n]; mean [..., n] and cov
 * [..., n, n] broadcast over the leading axes), −½‖L⁻¹(x − mean)‖² − Σ log Lᵢᵢ −
 * (n/2)·log 2π with L the Cholesky factor of cov (only its lower triangle is read). A cov
 * that is not positive definite is an error (scipy raises too; there is no
 * allow_singular).
 *
 * @example
 * stats.multivariateNormal.logpdf(np.array([0, 0]), np.zeros([2]), np.eye(2)).item(); // -1.8378770664093456
 */
export const logpdf = (x: np.ArrayLike, mean: np.ArrayLike, cov: np.ArrayLike): Array => logDensity("stats.multivariateNormal.logpdf", x, mean, cov);

function logDensity(op: string, x: np.ArrayLike, mean: np.ArrayLike, cov: np.ArrayLike): Array {
  const [X, M, C] = floats(op, ["x", "mean", "cov"], [x, mean, cov], false) as [Array, Array, Array];
  const n = M.shape[M.ndim - 1];
  if (M.ndim < 1 || X.ndim < 1 || X.shape[X.ndim - 1] !== n) {
    throw new Error(`${op}: x and mean need a last axis of one length n, got shapes ${shapeString(X.shape)} and ${shapeString(M.shape)}`);
  }
  if (C.ndim < 2 || C.shape[C.ndim - 1] !== n || C.shape[C.ndim - 2] !== n) {
    throw new Error(`${op}: cov must have shape (..., ${n}, ${n}) for vectors of length ${n}, got ${shapeString(C.shape)}`);
  }
  const diff = np.sub(X, M);
  const batch = broadcastShapes(op, diff.shape.slice(0, -1), C.shape.slice(0, -2));
  const L = factor(op, C);
  let z: Array;
  if (C.ndim === 2) {
    // One factor for every point: a single solve with the points as columns.
    const cols = np.transpose(np.reshape(np.broadcastTo(diff, [...batch, n!]), [-1, n!]));
    z = np.reshape(np.transpose(triangularSolve(L, cols)), [...batch, n!]);
  } else {
    const Lb = np.broadcastTo(L, [...batch, n!, n!]);
    z = np.squeeze(triangularSolve(Lb, np.expandDims(np.broadcastTo(diff, [...batch, n!]), -1)), -1);
  }
  const logDiag = np.sum(np.log(np.sum(np.mul(L, np.eye(n!, { dtype: L.dtype })), { axis: -1 })), { axis: -1 });
  return np.sub(np.mul(-0.5, np.sum(np.square(z), { axis: -1 })), np.add(logDiag, n! * HALF_LOG_2PI));
}

/**
 * The multivariate normal density.
 *
 * @example
 * stats.multivariateNormal.pdf(np.array([0, 0]), np.zeros([2]), np.eye(2)).item(); // 0.15915494309189532 (1/2π)
 */
export const pdf = (x: np.ArrayLike, mean: np.ArrayLike, cov: np.ArrayLike): Array => np.exp(logDensity("stats.multivariateNormal.pdf", x, mean, cov));
