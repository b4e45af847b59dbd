// The Newton system of the interior-point method, in the symmetric indefinite form
//   [ H + δI   J_Eᵀ ] [ dx ]   [ r₁ ]
//   [ J_E     −δc·I ] [ w  ] = [ r₂ ]
// with the inertia correction of IPOPT (Wächter & Biegler, "On the implementation of an
// interior-point filter line-search algorithm for large-scale nonlinear programming",
// Math. Program. 106, 2006, section 3.1): δ is raised until the matrix has exactly n
// positive and me negative eigenvalues, which makes H + δI positive definite on the null
// space of J_E, so dx is a descent direction for the merit function. The matrices are
// dense and small (tens to a few hundred rows): one symmetric eigendecomposition per
// trial gives the inertia and the solve together.
import { Storage } from "../../array/index.js";
import { ConcreteArray } from "../../core/index.js";
import { eigh } from "../../linalg/index.js";

/** IPOPT's constants for δ: first trial, its bounds, growth and shrink factors. */
const DELTA_FIRST = 1e-4;
const DELTA_MIN = 1e-20;
const DELTA_MAX = 1e40;
const GROW_FIRST = 100;
const GROW = 8;
const SHRINK = 1 / 3;
/** The constraint regularization δc = 1e-8 when the matrix is singular (dependent rows of J_E). */
const DELTA_C = 1e-8;

/** The δ of the last successful solve, from which the next search starts. */
export interface Regularization {
  last: number;
}

/** The matrix above, (n + me)² row-major, from H (n×n) and J_E (me×n). */
function assemble(H: Float64Array, JE: Float64Array, n: number, me: number, delta: number, deltaC: number): Float64Array {
  const N = n + me;
  const K = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) K[i * N + j] = H[i * n + j]!;
    K[i * N + i] = K[i * N + i]! + delta;
  }
  for (let r = 0; r < me; r++) {
    for (let j = 0; j < n; j++) {
      K[(n + r) * N + j] = JE[r * n + j]!;
      K[j * N + n + r] = JE[r * n + j]!;
    }
    K[(n + r) * N + n + r] = -deltaC;
  }
  return K;
}

/**
 * Solves the system above for [dx; w], raising δ (and δc, for a singular matrix) as
 * IPOPT does; undefined when no δ ≤ 1e40 gives the right inertia (or NaN entered).
 *
 * @example
 * const step = solveNewton(H, JE, n, me, r1, r2, { last: 0 }); // step.dx, step.w, step.delta
 */
export function solveNewton(H: Float64Array, JE: Float64Array, n: number, me: number, r1: Float64Array, r2: Float64Array, reg: Regularization): { dx: Float64Array; w: Float64Array; delta: number } | undefined {
  const N = n + me;
  let delta = 0;
  let deltaC = 0;
  for (;;) {
    const K = assemble(H, JE, n, me, delta, deltaC);
    if (!K.every(Number.isFinite)) return undefined;
    const [wArr, vArr] = eigh(new ConcreteArray(new Storage("float64", [N, N], K)));
    const w = wArr.toFloat64Array();
    const V = vArr.toFloat64Array();
    const scale = Math.max(1, ...w.map(Math.abs));
    let positive = 0;
    let negative = 0;
    for (const e of w) {
      if (e > 1e-13 * scale) positive++;
      else if (e < -1e-13 * scale) negative++;
    }
    const zero = N - positive - negative;
    if (zero > 0 && me > 0 && deltaC === 0) {
      deltaC = DELTA_C;
      continue;
    }
    if (positive === n && negative === me) {
      reg.last = delta;
      // x = V·diag(1/w)·Vᵀ·r.
      const r = new Float64Array(N);
      r.set(r1);
      r.set(r2, n);
      const out = new Float64Array(N);
      for (let k = 0; k < N; k++) {
        let t = 0;
        for (let i = 0; i < N; i++) t += V[i * N + k]! * r[i]!;
        t /= w[k]!;
        for (let i = 0; i < N; i++) out[i] = out[i]! + V[i * N + k]! * t;
      }
      return { dx: out.slice(0, n), w: out.slice(n), delta };
    }
    if (delta === 0) delta = reg.last === 0 ? DELTA_FIRST : Math.max(DELTA_MIN, SHRINK * reg.last);
    else delta *= reg.last === 0 ? GROW_FIRST : GROW;
    if (delta > DELTA_MAX) return undefined;
  }
}
