// log|det ∂f/∂x| of a map f: R^d → R^d, the term a change of variables adds to a log
// density. Dense maps pay for the whole Jacobian and an LU factorization; maps whose
// Jacobian is diagonal or triangular only need its diagonal, whose product is the
// determinant.
import { np, type Array } from "../core/index.js";
import { jacfwd, jvp } from "../transforms/index.js";
import { slogdet } from "../linalg/index.js";

/** What is known of the Jacobian's shape, which decides how its determinant is found. */
export type JacobianStructure = "dense" | "elementwise" | "triangular";

export interface LogDetOptions {
  /**
   * "dense" (default): any map; the full Jacobian by forward mode, then `slogdet`.
   * "elementwise": y_i depends on x_i alone, so the Jacobian is diagonal and one JVP with
   * a tangent of ones gives its diagonal. "triangular": y_i depends on x_1..x_i (or on
   * x_i..x_d), as in autoregressive flows; the determinant is the product of the
   * Jacobian's diagonal, so no factorization is needed.
   */
  structure?: JacobianStructure;
}

const STRUCTURES: readonly JacobianStructure[] = ["dense", "elementwise", "triangular"];
const OP = "flows.logDetJacobian";

/**
 * log|det ∂f/∂x| at a point x of shape [d], for f mapping [d] to [d], as a scalar Array.
 * Built from differentiable ops, so it can sit inside a loss that is differentiated
 * (in x or in whatever f closes over).
 *
 * @example
 * const A = np.array([[2, 1], [0, 3]]);
 * flows.logDetJacobian((x) => np.matmul(A, x), np.array([1, 1])).item(); // log 6
 * flows.logDetJacobian(np.exp, np.array([1, 2]), { structure: "elementwise" }).item(); // 3
 */
export function logDetJacobian(f: (x: Array) => Array, x: np.ArrayLike, opts: LogDetOptions = {}): Array {
  const { structure = "dense" } = opts;
  if (!STRUCTURES.includes(structure)) throw new Error(`${OP}: structure must be one of ${STRUCTURES.join(", ")}, got ${JSON.stringify(structure)}`);
  const point = np.asArray(x);
  if (point.ndim !== 1) throw new Error(`${OP}: x must be a point of shape [d], got shape (${point.shape.join(", ")})`);
  const d = point.shape[0]!;
  const sameDimension = (shape: readonly number[]) => {
    if (shape.length !== 1 || shape[0] !== d) {
      throw new Error(`${OP}: f must map shape (${d},) to shape (${d},) (a change of variables keeps the dimension), got (${shape.join(", ")})`);
    }
  };
  if (structure === "elementwise") {
    const [y, diagonal] = jvp(f, [point], [np.onesLike(point)]);
    sameDimension(y.shape);
    return sumLogAbs(diagonal);
  }
  const J = jacfwd(f)(point);
  sameDimension(J.shape.slice(0, -1)); // the Jacobian's shape is f(x).shape ++ [d]
  return structure === "triangular" ? sumLogAbs(np.diag(J)) : slogdet(J)[1];
}

/** Σ log|v| along the last axis: the log-determinant of a diagonal or triangular Jacobian. */
export function sumLogAbs(v: Array): Array {
  return np.sum(np.log(np.abs(v)), { axis: -1 });
}
