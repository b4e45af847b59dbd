// The categorical distribution over 0..K−1 with probabilities softmax(logits) along the
// last axis: the log-mass of random.categorical's draws. (scipy.stats has no categorical;
// the parameterization is random.categorical's.)
import { broadcastShapes, isFloat, shapeString } from "../array/index.js";
import { np, type Array, arrayArg, checkArrayLike } from "../core/index.js";

/**
 * log P(k) = logits[k] − logsumexp(logits) for integers k in 0..K−1 (K = logits' last
 * length), −∞ for other k; k's shape broadcasts with logits' shape without its last axis.
 * Differentiable in logits.
 *
 * @example
 * stats.categorical.logpmf(1, np.log(np.array([0.2, 0.8]))).item(); // -0.22314355131420976 (log 0.8)
 */
export const logpmf = (k: np.ArrayLike, logits: np.ArrayLike): Array => logMass("stats.categorical.logpmf", k, logits);

function logMass(op: string, k: np.ArrayLike, logits: np.ArrayLike): Array {
  const kk = arrayArg(op, "k", checkArrayLike(op, "k", k), "float64");
  const lgIn = arrayArg(op, "logits", checkArrayLike(op, "logits", logits));
  const lg = isFloat(lgIn.dtype) ? lgIn : np.astype(lgIn, "float64");
  if (lg.ndim === 0 || lg.shape[lg.ndim - 1] === 0) throw new Error(`${op}: logits need a last axis of K ≥ 1 categories, got shape ${shapeString(lg.shape)}`);
  const K = lg.shape[lg.ndim - 1]!;
  const batch = broadcastShapes(op, kk.shape, lg.shape.slice(0, -1));
  const inRange = np.logicalAnd(np.logicalAnd(np.greaterEqual(kk, 0), np.less(kk, K)), np.equal(kk, np.floor(kk)));
  const index = np.astype(np.where(inRange, kk, 0), "int32");
  const logp = np.sub(lg, np.logsumexp(lg, { axis: -1, keepdims: true }));
  const picked = np.squeeze(
    np.takeAlongAxis(np.broadcastTo(logp, [...batch, K]), np.expandDims(np.broadcastTo(index, batch), -1), { axis: -1 }),
    -1,
  );
  return np.where(np.isnan(kk), NaN, np.where(inRange, picked, -Infinity));
}

/**
 * The probability mass P(k) = softmax(logits)[k].
 *
 * @example
 * stats.categorical.pmf(0, np.log(np.array([0.2, 0.8]))).item(); // 0.2
 */
export const pmf = (k: np.ArrayLike, logits: np.ArrayLike): Array => np.exp(logMass("stats.categorical.pmf", k, logits));
