// Scaled dot-product attention, as jax.nn.dot_product_attention (its XLA path).
import { broadcastShapes, checkFinite, checkFlag, checkOptions, describe, sameShape, shapeString } from "../array/index.js";
import { Array, np } from "../core/index.js";
import { floatInput, floatInputs } from "./args.js";
import { softmax } from "./normalize.js";

export interface AttentionOptions {
  /** Added to the logits; broadcasts to [B, N, T, S] ([N, T, S] for 3-D inputs). */
  bias?: np.ArrayLike;
  /** Bool, broadcasting like `bias`: false hides a key from a query. */
  mask?: Array;
  /** Multiplies the logits (default 1/√H). */
  scale?: number;
  /** Query t sees keys s ≤ t only (a lower-triangular mask). */
  isCausal?: boolean;
}

/** JAX's masked logit: −0.7 × the dtype's largest value (finite, so a fully masked row stays finite). */
const LARGE_NEGATIVE = { float64: -0.7 * Number.MAX_VALUE, float32: -0.7 * 3.4028234663852886e38 } as const;

/**
 * softmax(q·kᵀ·scale + bias, masked) · v for query [B, T, N, H], key and value [B, S, K, H]
 * (or all three without B): T queries and S keys per example, N query heads sharing K
 * key/value heads (N a multiple of K: grouped-query attention), head size H. Masked
 * logits become −0.7·(largest float) as in JAX, so a query whose keys are all masked
 * attends uniformly (the mean of the values), never NaN. The softmax runs in the
 * inputs' dtype (float64 stays float64, where JAX rounds to float32) after subtracting
 * the row maximum. The result has the query's shape.
 *
 * @example
 * const q = np.ones([1, 4, 2, 8]), kv = np.ones([1, 6, 2, 8]);
 * nn.dotProductAttention(q, kv, kv, { isCausal: true }).shape; // [1, 4, 2, 8]
 */
export function dotProductAttention(query: np.ArrayLike, key: np.ArrayLike, value: np.ArrayLike, opts: AttentionOptions = {}): Array {
  const op = "nn.dotProductAttention";
  const o = checkOptions(op, opts, ["bias", "mask", "scale", "isCausal"]);
  let [q, k, v] = floatInputs(op, ["query", "key", "value"], [query, key, value]) as [Array, Array, Array];
  const rank = q.ndim;
  if ((rank !== 3 && rank !== 4) || k.ndim !== rank || v.ndim !== rank) {
    throw new Error(`${op}: query, key and value must all be [B, T, N, H] or all [T, N, H], got ${[q, k, v].map((x) => shapeString(x.shape)).join(", ")}`);
  }
  if (rank === 3) [q, k, v] = [q, k, v].map((x) => np.expandDims(x, 0)) as [Array, Array, Array];
  const [B, T, N, H] = q.shape as [number, number, number, number];
  const [, S, K] = k.shape as [number, number, number, number];
  if (!sameShape(k.shape, v.shape) || k.shape[0] !== B || k.shape[3] !== H || K === 0 || N % K !== 0) {
    throw new Error(`${op}: key and value must be [B, S, K, H] with query [B, T, N, H] and N a multiple of K, got ${[q, k, v].map((x) => shapeString(x.shape)).join(", ")}`);
  }
  const logitShape = [B, N, T, S];
  const target = rank === 3 ? [N, T, S] : logitShape;
  /** A bias or mask, checked to broadcast to the logits, with rank 4. */
  const aligned = (name: string, x: Array) => {
    const fits = x.ndim <= target.length && sameShape(broadcastShapes(op, x.shape, target), target);
    if (!fits) throw new Error(`${op}: ${name} of shape ${shapeString(x.shape)} does not broadcast to ${shapeString(target)}`);
    return np.reshape(x, [...globalThis.Array(4 - x.ndim).fill(1), ...x.shape]);
  };
  const scale = checkFinite(op, "scale", o.scale, H === 0 ? 1 : 1 / Math.sqrt(H));
  const dtype = q.dtype as "float64" | "float32";
  // Query head n = k·G + g uses key/value head k (jax's reshape of N into [K, G]).
  const G = N / K;
  const qg = np.transpose(np.reshape(q, [B, T, K, G, H]), [0, 2, 3, 1, 4]); // [B, K, G, T, H]
  const kT = np.expandDims(np.transpose(k, [0, 2, 3, 1]), 2); // [B, K, 1, H, S]
  let logits = np.mul(np.reshape(np.matmul(qg, kT), logitShape), scale);
  if (o.bias !== undefined) logits = np.add(logits, np.astype(aligned("bias", floatInput(op, "bias", o.bias)), dtype));
  let keep: Array | undefined;
  if (o.mask !== undefined) {
    if (!(o.mask instanceof Array) || o.mask.dtype !== "bool") throw new Error(`${op}: mask must be a bool Array, got ${describe(o.mask)}${o.mask instanceof Array ? ` of ${o.mask.dtype}` : ""}`);
    keep = aligned("mask", o.mask);
  }
  if (checkFlag(op, "isCausal", o.isCausal, false)) {
    const causal = np.lessEqual(np.reshape(np.arange(S, { dtype: "int32" }), [1, S]), np.reshape(np.arange(T, { dtype: "int32" }), [T, 1]));
    keep = keep ? np.logicalAnd(keep, causal) : causal;
  }
  if (keep) logits = np.where(keep, logits, LARGE_NEGATIVE[dtype]);
  const probs = np.reshape(softmax(logits), [B, K, G, T, S]);
  const vT = np.expandDims(np.transpose(v, [0, 2, 1, 3]), 2); // [B, K, 1, S, H]
  const out = np.reshape(np.transpose(np.matmul(probs, vT), [0, 3, 1, 2, 4]), [B, T, N, H]);
  return rank === 3 ? np.squeeze(out, 0) : out;
}
