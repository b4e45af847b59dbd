// Affine bijectors y = shift + scale·x (elementwise) and y = shift + M·x (an invertible
// matrix): the simplest flows, and the closed-form check of every other piece.
import { np, type Array } from "../core/index.js";
import { slogdet, solve } from "../linalg/index.js";
import { eventArg, fromFused, type FusedBijector } from "./bijector.js";
import { sumLogAbs } from "./logdet.js";

/** The parameters of `affine`: a nonzero `scale` per coordinate, or an invertible `matrix`, or a `shift` alone. */
export type AffineParams =
  | { shift?: np.ArrayLike; scale: np.ArrayLike; matrix?: undefined }
  | { shift?: np.ArrayLike; matrix: np.ArrayLike; scale?: undefined }
  | { shift: np.ArrayLike; scale?: undefined; matrix?: undefined };

const OP = "flows.affine";

/**
 * The affine bijector. With `scale` (shape [d]): y = shift + scale·x coordinatewise,
 * log|det| = Σ log|scale|. With `matrix` M ([d, d], invertible): y = shift + M·x, the
 * inverse by `linalg.solve`, log|det| = `slogdet(M)`. `shift` (shape [d]) defaults to 0;
 * given alone, the map is the translation y = shift + x.
 * Parameters may be traced, so a loss can be differentiated through them.
 *
 * @example
 * const b = flows.affine({ shift: np.array([1, 0]), scale: np.array([2, 3]) });
 * b.forward(np.array([1, 1])).toArray(); // [3, 3]
 * b.forwardLogDet(np.array([1, 1])).item(); // log 6
 * flows.affine({ matrix: np.array([[1, 0], [1, 1]]) }).inverse(np.array([1, 2])).toArray(); // [1, 1]
 */
export function affine(params: AffineParams): FusedBijector {
  if (typeof params !== "object" || params === null || (params.scale !== undefined && params.matrix !== undefined)) {
    throw new Error(`${OP}: pass at most one of scale (elementwise) and matrix (an invertible [d, d] matrix)`);
  }
  if (params.matrix !== undefined) return linear(params.shift, np.asArray(params.matrix));
  if (params.scale !== undefined) return elementwise(params.shift, np.asArray(params.scale));
  if (params.shift === undefined) throw new Error(`${OP}: pass a shift, a scale or a matrix`);
  return elementwise(params.shift, np.onesLike(np.asArray(params.shift)));
}

/** shift as an Array of shape [d] (zeros when absent). */
function shiftArg(shift: np.ArrayLike | undefined, d: number): Array {
  if (shift === undefined) return np.zeros([d]);
  const s = np.asArray(shift);
  if (s.ndim !== 1 || s.shape[0] !== d) throw new Error(`${OP}: shift must have shape (${d},), got (${s.shape.join(", ")})`);
  return s;
}

/** log|det| per batch entry: a constant, broadcast to the batch shape x.shape[:-1]. */
const perBatch = (logDet: Array, x: Array) => np.broadcastTo(logDet, x.shape.slice(0, -1));

function elementwise(shift: np.ArrayLike | undefined, scale: Array): FusedBijector {
  if (scale.ndim !== 1) throw new Error(`${OP}: scale must have shape (d,), got (${scale.shape.join(", ")})`);
  const d = scale.shape[0]!;
  const b = shiftArg(shift, d);
  const logDet = sumLogAbs(scale);
  return fromFused(
    (x) => {
      const X = eventArg(`${OP}.forward`, x, d);
      return [np.add(b, np.mul(scale, X)), perBatch(logDet, X)];
    },
    (y) => {
      const Y = eventArg(`${OP}.inverse`, y, d);
      return [np.div(np.sub(Y, b), scale), perBatch(np.neg(logDet), Y)];
    },
  );
}

function linear(shift: np.ArrayLike | undefined, M: Array): FusedBijector {
  if (M.ndim !== 2 || M.shape[0] !== M.shape[1]) throw new Error(`${OP}: matrix must be square [d, d], got shape (${M.shape.join(", ")})`);
  const d = M.shape[0]!;
  const b = shiftArg(shift, d);
  const logDet = slogdet(M)[1];
  return fromFused(
    (x) => {
      const X = eventArg(`${OP}.forward`, x, d);
      // Rows of a batch are points: (M·x)ᵀ = xᵀ·Mᵀ.
      return [np.add(b, np.matmul(X, M.T)), perBatch(logDet, X)];
    },
    (y) => {
      const Y = eventArg(`${OP}.inverse`, y, d);
      // One solve for the whole batch: its points are the columns of the right-hand side.
      const columns = np.reshape(np.sub(Y, b), [-1, d]).T;
      const X = np.reshape(solve(M, columns).T, Y.shape);
      return [X, perBatch(np.neg(logDet), Y)];
    },
  );
}
