// Primitives for the matrix decompositions: cholesky, eigh and qr. Each works on the
// last two axes of a stack of matrices, so batching is the identity on the rule side.
import { allocate, shapeString, sizeOf, Storage } from "../array/index.js";
import { bind, bind1, definePrimitive, np, type Array, type Primitive } from "../core/index.js";
import { symmetricEigen } from "./eigh.js";
import { choleskyInto, householderQR } from "./kernels.js";
import { located, triangularSolveP, type TriangularSolveParams } from "./solvers.js";
import { diagMatrix, diagonal, mT, squareAval, symmetrizeLower, symmetrizeLowerTranspose, tril, triu } from "./util.js";

type NoParams = Record<string, never>;

/** Triangular solve with `caller` named in its errors. */
function triSolve(caller: string, a: Array, b: Array, opts: Partial<TriangularSolveParams>): Array {
  return bind1(triangularSolveP, [a, b], { lower: true, transpose: false, unitDiagonal: false, caller, ...opts });
}

/** x·R⁻¹ for upper triangular R, as (R⁻ᵀ·xᵀ)ᵀ. */
const rightSolveUpper = (caller: string, x: Array, R: Array, transpose = false) =>
  mT(triSolve(caller, R, mT(x), { lower: false, transpose: !transpose }));

/** Φ(X): the lower triangle with the diagonal halved. */
const phi = (x: Array) => np.sub(tril(x), np.mul(0.5, diagMatrix(diagonal(x))));

/**
 * The Cholesky factor L (lower) of the symmetric positive definite matrix whose lower
 * triangle is a. L̇ = L·Φ(L⁻¹·Ȧ·L⁻ᵀ) with Ȧ the symmetric matrix the tangent's lower
 * triangle stands for; the cotangent is the exact transpose of that map (Murray 2016).
 */
export const choleskyP: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "cholesky",
  shapeRule([a]) {
    squareAval("cholesky", a!);
    return [{ shape: a!.shape, dtype: a!.dtype }];
  },
  impl([a], _p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(a!.shape.slice(0, -2));
    const data = allocate(a!.dtype, a!.size);
    for (let b = 0; b < count; b++) {
      const bad = choleskyInto(a!.data, b * n * n, n, data, b * n * n);
      if (bad) {
        throw new Error(`cholesky: the matrix is not positive definite (leading minor ${bad} is not positive)${located(a!.shape, b, count)}`);
      }
    }
    return [new Storage(a!.dtype, out!.shape, data)];
  },
  jvp([a], [ta]) {
    const L = bind1(choleskyP, [a!], {});
    if (!ta) return [[L], [null]];
    const X = triSolve("cholesky", L, symmetrizeLower(ta), {}); // L⁻¹·Ȧ
    const Y = triSolve("cholesky", L, mT(X), {}); // L⁻¹·Ȧ·L⁻ᵀ (Ȧ is symmetric)
    return [[L], [np.matmul(L, phi(Y))]];
  },
  vjp([ct], _a, [L]) {
    if (!ct) return [null];
    // ⟨L̄, L·Φ(L⁻¹ȦL⁻ᵀ)⟩ = ⟨L⁻ᵀ·Φ(Lᵀ·L̄)·L⁻¹, Ȧ⟩.
    const P = phi(np.matmul(mT(L!), ct));
    const W = triSolve("cholesky", L!, P, { transpose: true }); // L⁻ᵀ·P
    const S = mT(triSolve("cholesky", L!, mT(W), { transpose: true })); // L⁻ᵀ·P·L⁻¹
    return [symmetrizeLowerTranspose(S)];
  },
  batch: ([a]) => [[bind1(choleskyP, [a!], {})], [true]],
});

/**
 * Eigenvalue gaps |w_j − w_i| at most this times max|w| count as a repeated eigenvalue
 * in the derivative rules: computed eigenvalues of a truly repeated one differ by about
 * n·ε·‖A‖, far below it, while distinct eigenvalues are rarely that close.
 */
export const EIGH_DEGENERACY_TOL = 1e-10;

/** F with F_ij = 1/(w_j − w_i), and 0 on the diagonal and for (near-)repeated pairs. */
function inverseGaps(w: Array): Array {
  const gaps = np.sub(np.expandDims(w, -2), np.expandDims(w, -1));
  const scale = np.expandDims(np.max(np.abs(w), { axis: -1, keepdims: true }), -1);
  const apart = np.greater(np.abs(gaps), np.mul(scale, EIGH_DEGENERACY_TOL));
  return np.where(apart, np.div(1, np.where(apart, gaps, 1)), 0);
}

/**
 * [w, V] of the symmetric matrix whose lower triangle is a: w ascending, A = V·diag(w)·Vᵀ.
 * With M = Vᵀ·Ȧ·V: ẇ = diag(M) and V̇ = V·(F∘M), F from `inverseGaps`.
 */
export const eighP: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "eigh",
  shapeRule([a]) {
    const n = squareAval("eigh", a!);
    return [
      { shape: [...a!.shape.slice(0, -2), n], dtype: a!.dtype },
      { shape: a!.shape, dtype: a!.dtype },
    ];
  },
  impl([a], _p, [wOut, vOut]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(a!.shape.slice(0, -2));
    const w = allocate(a!.dtype, count * n);
    const V = allocate(a!.dtype, count * n * n);
    for (let b = 0; b < count; b++) {
      const r = symmetricEigen(a!.data, b * n * n, n);
      w.set(r.w, b * n);
      V.set(r.V, b * n * n);
    }
    return [new Storage(a!.dtype, wOut!.shape, w), new Storage(a!.dtype, vOut!.shape, V)];
  },
  jvp([a], [ta]) {
    const [w, V] = bind(eighP, [a!], {}) as [Array, Array];
    if (!ta) return [[w, V], [null, null]];
    const M = np.matmul(mT(V), np.matmul(symmetrizeLower(ta), V));
    return [[w, V], [diagonal(M), np.matmul(V, np.mul(inverseGaps(w), M))]];
  },
  vjp([wbar, Vbar], _a, [w, V]) {
    if (!wbar && !Vbar) return [null];
    // ⟨w̄, diag M⟩ + ⟨V̄, V(F∘M)⟩ = ⟨V·(diag(w̄) + F∘(Vᵀ·V̄))·Vᵀ, Ȧ⟩.
    let inner = wbar ? diagMatrix(wbar) : null;
    if (Vbar) {
      const rot = np.mul(inverseGaps(w!), np.matmul(mT(V!), Vbar));
      inner = inner ? np.add(inner, rot) : rot;
    }
    return [symmetrizeLowerTranspose(np.matmul(V!, np.matmul(inner!, mT(V!))))];
  },
  batch: ([a]) => [bind(eighP, [a!], {}), [true, true]],
});

/**
 * Reduced QR of a full-column-rank matrix a [..., m, n] with m ≥ n (the public `qr`
 * reduces wide matrices to this): Q [..., m, n], R [..., n, n] with R's diagonal
 * positive. With C = Qᵀ·Ȧ·R⁻¹ and Ω = tril(C, −1) − tril(C, −1)ᵀ:
 * Q̇ = Q·Ω + (I − Q·Qᵀ)·Ȧ·R⁻¹ and Ṙ = (C − Ω)·R.
 */
export const qrP: Primitive<NoParams> = definePrimitive<NoParams>({
  name: "qr",
  shapeRule([a]) {
    const s = a!.shape;
    if (s.length < 2 || s[s.length - 2]! < s[s.length - 1]!) {
      throw new Error(`qr: the primitive needs a matrix with at least as many rows as columns, got shape ${shapeString(s)}`);
    }
    const [m, n] = [s[s.length - 2]!, s[s.length - 1]!];
    const batch = s.slice(0, -2);
    return [
      { shape: [...batch, m, n], dtype: a!.dtype },
      { shape: [...batch, n, n], dtype: a!.dtype },
    ];
  },
  impl([a], _p, [qOut, rOut]) {
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const count = sizeOf(a!.shape.slice(0, -2));
    const Q = allocate(a!.dtype, count * m * n);
    const R = allocate(a!.dtype, count * n * n);
    for (let b = 0; b < count; b++) {
      const r = householderQR(a!.data, b * m * n, m, n);
      Q.set(r.Q, b * m * n);
      R.set(r.R, b * n * n);
    }
    return [new Storage(a!.dtype, qOut!.shape, Q), new Storage(a!.dtype, rOut!.shape, R)];
  },
  jvp([a], [ta]) {
    const [Q, R] = bind(qrP, [a!], {}) as [Array, Array];
    if (!ta) return [[Q, R], [null, null]];
    const D = rightSolveUpper("qr", ta, R); // Ȧ·R⁻¹
    const C = np.matmul(mT(Q), D);
    const low = tril(C, -1);
    const omega = np.sub(low, mT(low));
    const dQ = np.add(np.matmul(Q, omega), np.sub(D, np.matmul(Q, C)));
    const dR = np.matmul(np.sub(C, omega), R);
    return [[Q, R], [dQ, dR]];
  },
  vjp([Qbar, Rbar], _a, [Q, R]) {
    if (!Qbar && !Rbar) return [null];
    // With N = R̄·Rᵀ − Qᵀ·Q̄ and G its upper triangle mirrored: ā = (Q̄ + Q·G)·R⁻ᵀ.
    const terms = [Rbar ? np.matmul(Rbar, mT(R!)) : null, Qbar ? np.neg(np.matmul(mT(Q!), Qbar)) : null];
    const N = terms.reduce((s, t) => (s && t ? np.add(s, t) : (s ?? t)))!;
    const G = np.add(triu(N), mT(triu(N, 1)));
    const QG = np.matmul(Q!, G);
    return [rightSolveUpper("qr", Qbar ? np.add(Qbar, QG) : QG, R!, true)];
  },
  batch: ([a]) => [bind(qrP, [a!], {}), [true, true]],
});
