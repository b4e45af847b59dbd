// The dense linear algebra of the QP interior point method: the stacked inequalities
// C x ≤ d (G's rows, then the finite lower and upper bounds as ∓eᵢ rows, never stored as
// rows), and the reduced KKT system [Q + CᵀWC, Aᵀ; A, 0] factored by LU with partial
// pivoting. The matrices are small (n + me ≲ a few hundred), so plain loops on
// Float64Array beat the Array machinery's per-call overhead.

/** C x ≤ d: `mi` rows of G (row-major, n columns), then −x_i ≤ −lo_i, then x_i ≤ hi_i. */
export interface Inequalities {
  n: number;
  mi: number;
  G: Float64Array;
  loIdx: Int32Array;
  hiIdx: Int32Array;
  /** Right-hand side, length m = mi + loIdx.length + hiIdx.length. */
  d: Float64Array;
}

export function rowsOf(c: Inequalities): number {
  return c.mi + c.loIdx.length + c.hiIdx.length;
}

/** out ← C x. */
export function mulC(c: Inequalities, x: Float64Array, out = new Float64Array(rowsOf(c))): Float64Array {
  const { n, mi, G } = c;
  for (let r = 0; r < mi; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += G[r * n + j]! * x[j]!;
    out[r] = s;
  }
  let k = mi;
  for (const i of c.loIdx) out[k++] = -x[i]!;
  for (const i of c.hiIdx) out[k++] = x[i]!;
  return out;
}

/** out ← out + Cᵀ v. */
export function addMulCt(c: Inequalities, v: Float64Array, out: Float64Array): Float64Array {
  const { n, mi, G } = c;
  for (let r = 0; r < mi; r++) {
    const vr = v[r]!;
    if (vr !== 0) for (let j = 0; j < n; j++) out[j] = out[j]! + G[r * n + j]! * vr;
  }
  let k = mi;
  for (const i of c.loIdx) out[i] = out[i]! - v[k++]!;
  for (const i of c.hiIdx) out[i] = out[i]! + v[k++]!;
  return out;
}

/** An LU factorization P K = L U of a square matrix, in place, with the row order. */
export interface LU {
  size: number;
  lu: Float64Array;
  perm: Int32Array;
}

/** Partial pivoting; a pivot below `tiny` is replaced by ±tiny (the caller regularizes and refines). */
export function luFactor(K: Float64Array, size: number, tiny: number): LU {
  const lu = K;
  const perm = new Int32Array(size);
  for (let i = 0; i < size; i++) perm[i] = i;
  for (let k = 0; k < size; k++) {
    let p = k;
    for (let i = k + 1; i < size; i++) if (Math.abs(lu[i * size + k]!) > Math.abs(lu[p * size + k]!)) p = i;
    if (p !== k) {
      for (let j = 0; j < size; j++) {
        const t = lu[k * size + j]!;
        lu[k * size + j] = lu[p * size + j]!;
        lu[p * size + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    if (Math.abs(lu[k * size + k]!) < tiny) lu[k * size + k] = lu[k * size + k]! < 0 ? -tiny : tiny;
    const pivot = lu[k * size + k]!;
    for (let i = k + 1; i < size; i++) {
      const f = (lu[i * size + k] = lu[i * size + k]! / pivot);
      if (f !== 0) for (let j = k + 1; j < size; j++) lu[i * size + j] = lu[i * size + j]! - f * lu[k * size + j]!;
    }
  }
  return { size, lu, perm };
}

/** K⁻¹ r from the factorization. */
export function luSolve(f: LU, r: Float64Array): Float64Array {
  const { size, lu, perm } = f;
  const x = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = r[perm[i]!]!;
    for (let j = 0; j < i; j++) s -= lu[i * size + j]! * x[j]!;
    x[i] = s;
  }
  for (let i = size - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < size; j++) s -= lu[i * size + j]! * x[j]!;
    x[i] = s / lu[i * size + i]!;
  }
  return x;
}

/**
 * The reduced KKT matrix [Q + CᵀWC, Aᵀ; A, 0] (W = diag(w), w = z/s), size n + me. The
 * bound rows only touch the diagonal.
 */
export function reducedKKT(Q: Float64Array, A: Float64Array, me: number, c: Inequalities, w: Float64Array): Float64Array {
  const n = c.n;
  const size = n + me;
  const K = new Float64Array(size * size);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * size + j] = Q[i * n + j]!;
  for (let r = 0; r < c.mi; r++) {
    const wr = w[r]!;
    if (wr === 0) continue;
    for (let i = 0; i < n; i++) {
      const gi = c.G[r * n + i]! * wr;
      if (gi !== 0) for (let j = 0; j < n; j++) K[i * size + j] = K[i * size + j]! + gi * c.G[r * n + j]!;
    }
  }
  let k = c.mi;
  for (const i of c.loIdx) K[i * size + i] = K[i * size + i]! + w[k++]!;
  for (const i of c.hiIdx) K[i * size + i] = K[i * size + i]! + w[k++]!;
  for (let r = 0; r < me; r++) {
    for (let j = 0; j < n; j++) {
      K[(n + r) * size + j] = A[r * n + j]!;
      K[j * size + n + r] = A[r * n + j]!;
    }
  }
  return K;
}

/** The smallest pivot of an LU factorization, in absolute value. */
function smallestPivot(f: LU): number {
  let m = Infinity;
  for (let k = 0; k < f.size; k++) m = Math.min(m, Math.abs(f.lu[k * f.size + k]!));
  return m;
}

/**
 * Solves K v = r for the reduced KKT matrix K. K itself is factored first: where its
 * pivots all stay above 1e-13·scale it is nonsingular to working precision and its own
 * LU is used, however small Q's curvature on the feasible set (a nearly flat objective
 * along an equality's line must not be flattened further). Otherwise (a singular Q, or
 * redundant equality rows) the factorization is of K + δ·diag(I, −I), quasi-definite,
 * and a few steps of iterative refinement against K remove δ's bias where they can.
 * δ is relative to the data (`scale`), not to K's largest entry: near the end the
 * barrier weights z/s of the active constraints reach 1e20 and must not inflate it.
 */
export function kktSolver(K: Float64Array, n: number, size: number, scale: number): (r: Float64Array) => Float64Array {
  const exact = luFactor(K.slice(), size, 0);
  let f = exact;
  if (!(smallestPivot(exact) > 1e-13 * Math.max(1, scale))) {
    const delta = 1e-10 * Math.max(1, scale);
    const reg = K.slice();
    for (let i = 0; i < size; i++) reg[i * size + i] = reg[i * size + i]! + (i < n ? delta : -delta);
    f = luFactor(reg, size, 1e-6 * delta);
  }
  const residual = (v: Float64Array, r: Float64Array) => {
    const e = r.slice();
    for (let i = 0; i < size; i++) {
      let s = 0;
      for (let j = 0; j < size; j++) s += K[i * size + j]! * v[j]!;
      e[i] = e[i]! - s;
    }
    return e;
  };
  const maxAbs = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return (r) => {
    let v = luSolve(f, r);
    let e = residual(v, r);
    for (let step = 0; step < 3; step++) {
      const v2 = luSolve(f, e).map((d, i) => d + v[i]!);
      const e2 = residual(v2, r);
      // Where K itself is singular, refinement drifts: keep only steps that help.
      if (!(maxAbs(e2) < maxAbs(e))) break;
      v = v2;
      e = e2;
    }
    return v;
  };
}
