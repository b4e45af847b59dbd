// The QP's data and unknowns as pytrees, and its KKT conditions as the root function the
// implicit derivative differentiates (OptNet, Amos & Kolter 2017; jaxopt's
// make_kkt_optimality_fun): stationarity, the equalities, and complementarity written
// z∘(Gx − h) = 0, whose Jacobian is invertible at a solution with strict complementarity
// and independent active constraints.
import { np, type Array } from "../core/index.js";

/** The data, with the bounds reduced to their finite entries (lo at `loIdx`, hi at `hiIdx`). */
export interface QPData {
  Q: Array;
  q: Array;
  A?: Array;
  b?: Array;
  G?: Array;
  h?: Array;
  lo?: Array;
  hi?: Array;
}

/** The unknowns: x, and a multiplier vector for each constraint group present. */
export interface QPUnknowns {
  x: Array;
  y?: Array;
  z?: Array;
  zLo?: Array;
  zHi?: Array;
}

/** Which entries of x the finite bounds apply to: fixed by the problem's structure. */
export interface BoundIndex {
  n: number;
  loIdx: number[];
  hiIdx: number[];
}

/** The n×k matrix with a 1 at (idx[j], j): S·v puts v's entries at idx, zeros elsewhere. */
function scatterMatrix(n: number, idx: readonly number[]): Array {
  const S = new Float64Array(n * idx.length);
  idx.forEach((i, j) => (S[i * idx.length + j] = 1));
  return np.reshape(np.array(S), [n, idx.length]);
}

/**
 * The KKT residual, with the unknowns' structure: stationarity Q̄x + q + Aᵀy + Gᵀz − zLo + zHi
 * (Q̄ = ½(Q + Qᵀ), the matrix solveQP uses), A x − b, z∘(G x − h), zLo∘(lo − x), zHi∘(x − hi).
 */
export function kktResidual(index: BoundIndex): (u: QPUnknowns, d: QPData) => QPUnknowns {
  const sLo = index.loIdx.length ? scatterMatrix(index.n, index.loIdx) : undefined;
  const sHi = index.hiIdx.length ? scatterMatrix(index.n, index.hiIdx) : undefined;
  return (u, d) => {
    const Qs = np.mul(0.5, np.add(d.Q, np.transpose(d.Q)));
    let stationarity = np.add(np.matmul(Qs, u.x), d.q);
    const out: QPUnknowns = { x: stationarity };
    if (d.A && d.b && u.y) {
      stationarity = np.add(stationarity, np.matmul(np.transpose(d.A), u.y));
      out.y = np.sub(np.matmul(d.A, u.x), d.b);
    }
    if (d.G && d.h && u.z) {
      stationarity = np.add(stationarity, np.matmul(np.transpose(d.G), u.z));
      out.z = np.mul(u.z, np.sub(np.matmul(d.G, u.x), d.h));
    }
    if (sLo && d.lo && u.zLo) {
      stationarity = np.sub(stationarity, np.matmul(sLo, u.zLo));
      out.zLo = np.mul(u.zLo, np.sub(d.lo, np.take(u.x, index.loIdx)));
    }
    if (sHi && d.hi && u.zHi) {
      stationarity = np.add(stationarity, np.matmul(sHi, u.zHi));
      out.zHi = np.mul(u.zHi, np.sub(np.take(u.x, index.hiIdx), d.hi));
    }
    out.x = stationarity;
    return out;
  };
}
