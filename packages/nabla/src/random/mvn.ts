// The multivariate normal sampler: mean + F·z, with F from one of linalg's factorizations.
import { type Array, checkArrayLike, promotedDtype, np, type ArrayLike, keyArg } from "../core/index.js";
import { broadcastShapes, describe, shapeString } from "../array/index.js";
import * as linalg from "../linalg/index.js";
import { param, resultShape, sampleOptions } from "./args.js";
import { normal } from "./continuous.js";

const OP = "random.multivariateNormal";
const METHODS = ["cholesky", "eigh", "svd"] as const;

/**
 * F with F·Fᵀ = cov: the Cholesky factor, or V·√w from eigh (U·√s from svd), which
 * also take a singular covariance (eigenvalues rounded below 0 count as 0).
 */
function factor(cov: Array, method: (typeof METHODS)[number]): Array {
  if (method === "eigh") {
    const [w, v] = linalg.eigh(cov);
    return np.mul(v!, np.expandDims(np.sqrt(np.maximum(w!, 0)), -2));
  }
  if (method === "svd") {
    const [u, s] = linalg.svd(cov, { fullMatrices: false });
    return np.mul(u!, np.expandDims(np.sqrt(s!), -2));
  }
  try {
    return linalg.cholesky(cov);
  } catch (e) {
    const msg = (e as Error).message;
    if (!msg.startsWith("cholesky: the matrix is not positive definite")) throw e;
    throw new Error(`${OP}: cov${msg.slice("cholesky: the matrix".length)}; method "eigh" or "svd" takes a singular covariance`);
  }
}

/**
 * Samples of the multivariate normal N(mean, cov): mean + F·z with F·Fᵀ = cov and z
 * standard normal, as JAX. mean is [..., n], cov [..., n, n] (its lower triangle is read
 * by cholesky); `shape` is the batch shape (default mean's and cov's batch shapes
 * broadcast; given, they must broadcast to it), and the result is [...shape, n]. `method`
 * "cholesky" (default; cov must be positive definite), "eigh" or "svd" (positive
 * semidefinite). The dtype defaults to mean's and cov's float dtype. Differentiable in
 * mean and cov (through the factorization's derivative).
 *
 * @example
 * random.multivariateNormal(random.key(0), np.zeros([2]), np.array([[1, 0.5], [0.5, 2]]), [1000])
 */
export function multivariateNormal(
  key: Array,
  mean: ArrayLike,
  cov: ArrayLike,
  shape?: readonly number[],
  opts: { dtype?: "float64" | "float32"; method?: "cholesky" | "eigh" | "svd" } = {},
): Array {
  const k = keyArg(OP, key);
  const given = promotedDtype([checkArrayLike(OP, "mean", mean), checkArrayLike(OP, "cov", cov)]);
  const { dtype, o } = sampleOptions(OP, opts, ["method"], given === "float32" ? "float32" : "float64");
  const method = o.method ?? "cholesky";
  if (!(METHODS as readonly unknown[]).includes(method)) throw new Error(`${OP}: method ${describe(method)} is not one of cholesky, eigh, svd`);
  const mu = param(OP, "mean", mean, dtype);
  const S = param(OP, "cov", cov, dtype);
  if (mu.ndim < 1) throw new Error(`${OP}: mean must have at least one axis, got a 0-d Array`);
  const n = mu.shape[mu.ndim - 1]!;
  if (S.ndim < 2 || S.shape[S.ndim - 1] !== n || S.shape[S.ndim - 2] !== n) {
    throw new Error(`${OP}: cov must have shape (..., ${n}, ${n}) for a mean of length ${n}, got ${shapeString(S.shape)}`);
  }
  const batch = [mu.shape.slice(0, -1), S.shape.slice(0, -2)] as const;
  broadcastShapes(OP, ...batch);
  const sh = resultShape(OP, shape, [["mean's batch", batch[0]], ["cov's batch", batch[1]]], dtype);
  resultShape(OP, [...sh, n], [], dtype);
  const z = normal(k, [...sh, n], { dtype });
  return np.add(mu, np.squeeze(np.matmul(factor(S, method as (typeof METHODS)[number]), np.expandDims(z, -1)), -1));
}
