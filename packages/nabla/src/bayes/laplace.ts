// The Laplace approximation: a Gaussian at the mode of the log joint, with the log joint's
// curvature there as its precision, whose integral approximates the evidence
//   log p(D) ≈ log p(D, θ*) + (d/2)·log 2π − ½·log det A,   A = −∇²log p(D, θ*).
// The mode comes from implicit.argmin, so the evidence is differentiable in what the log
// joint closes over (hyperparameters), through the mode, without unrolling the optimizer.
import { checkFunction } from "../array/index.js";
import { np, type Array, type Tree } from "../core/index.js";
import { argmin, type ArgminOptions } from "../implicit/index.js";
import { eigvalsh, inv, slogdet } from "../linalg/index.js";
import { concreteValue, cond, hessian, ravelPytree, stopGradient, type GradOf } from "../transforms/index.js";

/** How a Laplace approximation ended; `status` in the result is the index in this list. */
export const LAPLACE_STATUS = ["converged", "modeNotFound", "notPositiveDefinite"] as const;

const MESSAGES = [
  "the mode was found and the curvature there is positive definite",
  "the optimizer did not find the mode (status of implicit.argmin ≠ converged): raise maxIter, loosen gtol or start closer",
  "−∇²log p at the mode is not positive definite (a flat or upward direction): the Gaussian approximation does not exist",
];

/** Options of `laplace`: those of `implicit.argmin` (method, gtol, maxIter, …), which finds the mode. */
export type LaplaceOptions = ArgminOptions<Array>;

/** What `laplace` returns: the Gaussian N(mode, covariance) and the evidence it implies. */
export interface LaplaceResult<T> {
  /** argmax log p(D, θ), with theta0's structure. */
  mode: GradOf<T>;
  /** The log evidence log p(D) ≈ log p(D, θ*) + (d/2)·log 2π − ½·log det A; NaN unless status is 0. */
  logEvidence: Array;
  /** log p(D, θ*). */
  logJointAtMode: Array;
  /** A = −∇²log p(D, θ*), [d, d], over the parameters flattened in `ravelPytree` order (object keys sorted). */
  precision: Array;
  /** A⁻¹, [d, d]: the approximate posterior covariance, in the same order; NaN unless status is 0. */
  covariance: Array;
  /** Rebuilds theta0's structure from a flat vector [d] (a posterior sample, a row of the covariance). */
  unravel: (v: Array) => GradOf<T>;
  /** Index in `LAPLACE_STATUS`: 0 "converged", 1 "modeNotFound", 2 "notPositiveDefinite" (int32). */
  status: Array;
  success: Array;
  /** Iterations of the optimizer that found the mode (int32). */
  nit: Array;
  /** What the status means; empty under jit and vmap. */
  message: string;
}

/**
 * The Laplace approximation of the posterior p(θ | D) ∝ p(D, θ), for θ any pytree of
 * float Arrays: the mode θ* (by `implicit.argmin` on −log p(D, θ), Newton-CG to
 * ‖∇‖∞ ≤ 1e-10 by default), the precision A = −∇²log p(D, θ*) by `hessian`, and the log
 * evidence log p(D, θ*) + (d/2)·log 2π − ½·log det A (exact for a Gaussian model). Every
 * output is differentiable in what `logJoint` closes over (type-II maximum likelihood of
 * hyperparameters), through the mode by the implicit function theorem. A mode not found,
 * or a curvature that is not positive definite, is reported in `status` and `message`
 * (with logEvidence NaN), never thrown.
 *
 * @example
 * // y ~ N(θ, 1), θ ~ N(0, 1), one observation y = 1: p(y) = N(1; 0, 2).
 * const r = bayes.laplace((t: Array) => stats.norm.logpdf(t).add(stats.norm.logpdf(np.sub(1, t))), np.array(0));
 * r.mode.item();        // 0.5
 * r.logEvidence.item(); // stats.norm.logpdf(1, 0, Math.SQRT2) = −1.5155…
 */
export function laplace<T extends Tree>(logJoint: (theta: GradOf<T>) => Array | number, theta0: T, opts: LaplaceOptions = {}): LaplaceResult<T> {
  checkFunction("laplace", "logJoint", logJoint);
  const [v0, unravel] = ravelPytree(theta0);
  const negLogJoint = (v: Array) => np.neg(scalarOf(logJoint(unravel(v))));
  const found = argmin(negLogJoint, opts)(v0);
  const mode = found.x;
  const precision = hessian(negLogJoint)(mode) as Array;
  const [, logdet] = slogdet(precision);
  const smallest = np.min(eigvalsh(stopGradient(precision)));
  const status = np.where(found.success, np.where(np.greater(smallest, 0), 0, 2), 1).astype("int32");
  const success = np.equal(status, 0);
  const d = v0.shape[0]!;
  const logJointAtMode = np.neg(negLogJoint(mode));
  const evidence = logJointAtMode.add((d / 2) * Math.log(2 * Math.PI)).sub(np.mul(0.5, logdet));
  const code = concreteValue(status)?.item();
  return {
    mode: unravel(mode),
    logEvidence: np.where(success, evidence, NaN),
    logJointAtMode,
    precision,
    // A singular A has no inverse: NaN, as the status says (cond keeps this true under jit).
    covariance: cond(success, (A: Array) => inv(A), (A: Array) => np.full(A.shape, NaN), precision),
    unravel,
    status,
    success,
    nit: found.nit,
    message: code === undefined ? "" : MESSAGES[code]!,
  };
}

function scalarOf(value: Array | number): Array {
  const a = np.asArray(value);
  if (a.ndim !== 0) throw new Error(`laplace: logJoint must return a scalar, got shape [${a.shape.join(", ")}]`);
  return a;
}
