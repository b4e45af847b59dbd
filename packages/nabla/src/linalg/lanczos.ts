// Lanczos with full reorthogonalization for extreme eigenpairs of a symmetric operator.
import { np, type Array } from "../core/index.js";
import * as random from "../random/index.js";
import { nrm2 } from "../array/index.js";
import { symmetricEigen } from "./eigh.js";
import { tridiagonalEigen } from "./tridiagonal-qr.js";
import { axpy, dot, operator, type MatVec, type Vec } from "./vectors.js";

export interface LanczosOptions {
  /** How many eigenpairs from each wanted end (default 1). */
  k?: number;
  /** "largest" (default), "smallest", or "both" (k from each end). */
  which?: "largest" | "smallest" | "both";
  /** Largest Krylov dimension (default min(n, max(100, 20·k))); one matvec each. */
  maxIter?: number;
  /** A Ritz pair counts as converged when ‖A·v − θ·v‖ ≤ tol·max|θ| (default 1e-8). */
  tol?: number;
  /** Key of the random start vector (default random.key(0)). */
  key?: Array;
}

/** Extreme eigenpairs of a symmetric operator. */
export interface LanczosResult {
  /** Eigenvalue estimates, ascending. */
  values: Array;
  /** The matching unit eigenvectors as columns, [n, count]. */
  vectors: Array;
  /** Residual norms ‖A·v − θ·v‖ of the pairs. */
  residuals: number[];
  /** Krylov dimension reached (= operator applications). */
  nit: number;
  /** Whether every wanted pair met the tolerance. */
  converged: boolean;
}

/**
 * qᵀ·v, or null when v has a NaN or infinite entry: one pass for both. 0·x is 0 for every
 * finite x and NaN otherwise, so the sum of those is 0 exactly when v is finite.
 */
function finiteDot(q: Vec, v: Vec): number | null {
  let s = 0;
  let bad = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    s += q[i]! * x;
    bad += 0 * x;
  }
  return bad === 0 ? s : null;
}

/**
 * v ← v − (qᵀv)·q for each basis vector q in turn (modified Gram–Schmidt), in place. Each
 * pass over v also takes the next vector's dot product with the updated v: the same
 * arithmetic as dot-then-axpy per vector, with half the passes over v.
 */
function subtractProjections(Q: Vec[], v: Vec): void {
  if (Q.length === 0) return;
  let c = -dot(Q[0]!, v);
  for (let j = 0; j + 1 < Q.length; j++) {
    const q = Q[j]!;
    const next = Q[j + 1]!;
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]! + c * q[i]!;
      v[i] = x;
      s += next[i]! * x;
    }
    c = -s;
  }
  axpy(c, Q[Q.length - 1]!, v);
}

/** out ← Σ_j coef(j)·Q[j], summed in order of j, four basis vectors per pass over out. */
function combine(Q: Vec[], coef: (j: number) => number, out: Vec): void {
  out.fill(0);
  let j = 0;
  for (; j + 3 < Q.length; j += 4) {
    const [a0, a1, a2, a3] = [coef(j), coef(j + 1), coef(j + 2), coef(j + 3)];
    const [q0, q1, q2, q3] = [Q[j]!, Q[j + 1]!, Q[j + 2]!, Q[j + 3]!];
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + a0 * q0[i]! + a1 * q1[i]! + a2 * q2[i]! + a3 * q3[i]!;
  }
  for (; j < Q.length; j++) axpy(coef(j), Q[j]!, out);
}

/**
 * Lanczos with full reorthogonalization: the k largest and/or smallest eigenpairs of a
 * symmetric operator on vectors of length n, given as a function (a Hessian-vector
 * product, say). The small tridiagonal problem is solved with eigh's QR iteration.
 * The start vector is random (from `key`), so results are reproducible. Like any
 * single-vector Krylov method it sees one copy of a repeated eigenvalue until the
 * Krylov space breaks down (then it restarts orthogonally to what it found), so a
 * multiple extreme eigenvalue may be returned once, next to the following eigenvalue.
 * A matvec that returns NaN or Infinity is an error (there is no status record here).
 *
 * @example
 * const { values } = linalg.lanczos((v) => hvp(loss, params, v), params.size, { k: 3 });
 */
export function lanczos(matvec: MatVec, n: number, opts: LanczosOptions = {}): LanczosResult {
  const k = opts.k ?? 1;
  const which = opts.which ?? "largest";
  if (!Number.isInteger(n) || n < 1) throw new Error(`lanczos: n must be a positive integer, got ${n}`);
  if (!["largest", "smallest", "both"].includes(which)) throw new Error(`lanczos: which must be "largest", "smallest" or "both", got ${which}`);
  const need = which === "both" ? 2 * k : k;
  if (!Number.isInteger(k) || k < 1 || need > n) {
    const what = which === "both" ? `k = ${k} eigenpairs from each end` : `k = ${k} ${which} eigenpairs`;
    throw new Error(`lanczos: cannot take ${what} of an operator of size ${n}`);
  }
  const maxIter = Math.min(n, Math.max(need, opts.maxIter ?? Math.max(100, 20 * k)));
  const tol = opts.tol ?? 1e-8;
  const A = operator("lanczos", "matvec", matvec, [n]);
  let key = opts.key ?? random.key(0);
  const Q: Vec[] = [];
  const alphas: number[] = [];
  const betas: number[] = []; // betas[j] couples Q[j] and Q[j+1]
  /**
   * v minus its projection on the basis, in place; returns ‖v‖ after. One Gram–Schmidt pass
   * is not enough in floating point when it removes most of v, so a second pass runs only
   * then: when the norm fell below 1/√2 of what it was (Daniel–Gragg–Kaufman–Stewart, as in
   * landscape.hessianDensity). At 10⁶ entries these passes cost more than a cheap matvec.
   */
  const orthogonalize = (v: Vec): number => {
    let norm = nrm2(v);
    for (let pass = 0; pass < 2; pass++) {
      const before = norm;
      subtractProjections(Q, v);
      norm = nrm2(v);
      if (norm > Math.SQRT1_2 * before) break;
    }
    return norm;
  };
  /** v ← v / s in place (division, not a reciprocal's product, for the same rounding). */
  const divide = (v: Vec, s: number): Vec => {
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / s;
    return v;
  };
  const randomUnit = (): Vec | null => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [k1, k2] = random.split(key);
      key = k1!;
      const v = random.normal(k2!, [n]).toFloat64Array();
      const norm = orthogonalize(v);
      if (norm > 1e-8) return divide(v, norm);
    }
    return null;
  };
  const wanted = (count: number): number[] => {
    const idx = [...globalThis.Array(count).keys()];
    if (which === "smallest") return idx.slice(0, k);
    if (which === "largest") return idx.slice(count - k);
    return [...idx.slice(0, k), ...idx.slice(count - k)];
  };
  let q = randomUnit()!;
  let lastBeta = 0;
  let converged = false;
  let scale = 0;
  for (;;) {
    Q.push(q);
    const j = Q.length - 1;
    const v = A(q);
    const alpha = finiteDot(q, v);
    if (alpha === null) throw new Error("lanczos: matvec returned a non-finite value");
    alphas.push(alpha);
    // Scale-safe (nrm2): an operator of size 1e-200 must not look like a breakdown (β = 0).
    const beta = orthogonalize(v);
    scale = Math.max(scale, Math.abs(alpha) + beta + (j > 0 ? betas[j - 1]! : 0));
    lastBeta = beta;
    const m = Q.length;
    if (m === n) break; // the whole space: every Ritz pair is exact
    // At a breakdown (β ≈ 0) the basis spans an invariant subspace: its Ritz pairs are
    // exact, but eigenvalues outside it are still unseen, so restart instead of stopping.
    const breakdown = beta <= 1e-12 * scale;
    if (!breakdown && m >= need) {
      // Ritz values and the last entries of the tridiagonal's eigenvectors give the
      // residuals: ‖A·y − θ·y‖ = |β_m · s_m|.
      const d = Float64Array.from(alphas);
      const e = Float64Array.from({ length: m }, (_, i) => (i < m - 1 ? betas[i]! : 0));
      const last = new Float64Array(m);
      last[m - 1] = 1;
      tridiagonalEigen(d, e, last, 1);
      const order = [...d.keys()].sort((x, y) => d[x]! - d[y]!);
      const theta = d.reduce((m, v) => Math.max(m, Math.abs(v)), 0); // no spread: m may be large
      converged = wanted(m).every((i) => Math.abs(beta * last[order[i]!]!) <= tol * theta);
      if (converged) break;
    }
    if (m >= maxIter) break;
    if (breakdown) {
      const fresh = randomUnit();
      if (!fresh) break;
      betas.push(0);
      q = fresh;
    } else {
      betas.push(beta);
      q = divide(v, beta);
    }
  }
  // Ritz pairs from the full eigendecomposition of the final tridiagonal matrix.
  const m = Q.length;
  const T = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    T[i * m + i] = alphas[i]!;
    if (i > 0) T[i * m + i - 1] = betas[i - 1]!;
  }
  const { w, V } = symmetricEigen(T, 0, m);
  const picks = wanted(m);
  const p = picks.length;
  // Eigenvector c is Σ_j V[j, col]·Q[j]: summed contiguously into one vector, then copied
  // into column c of the [n, p] result.
  const vectors = new Float64Array(n * p);
  const sum = new Float64Array(n);
  picks.forEach((col, c) => {
    combine(Q, (j) => V[j * m + col]!, sum);
    for (let i = 0, o = c; i < n; i++, o += p) vectors[o] = sum[i]!;
  });
  const residuals = picks.map((col) => Math.abs(lastBeta * V[(m - 1) * m + col]!));
  const values = picks.map((i) => w[i]!);
  return {
    values: np.array(values),
    vectors: np.reshape(np.array(vectors), [n, picks.length]),
    residuals,
    nit: m,
    converged: converged || m === n,
  };
}
