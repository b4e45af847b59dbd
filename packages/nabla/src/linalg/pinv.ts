// The pinv primitive: the Moore–Penrose pseudo-inverse from the SVD (or, for symmetric
// input, from eigh), with the closed-form derivative of Golub & Pereyra, "The
// differentiation of pseudo-inverses and nonlinear least squares problems whose
// variables separate" (SIAM J. Numer. Anal. 10, 1973), valid where the rank is locally
// constant. A rule through the SVD's would lose the part inside a repeated singular
// value's subspace (2·Q for an orthogonal Q is a smooth point of pinv), this one does not.
import { allocate, isFloat, shapeString, sizeOf, Storage } from "../array/index.js";
import { bind1, definePrimitive, np, type Array, type Primitive, materializeBatch } from "../core/index.js";
import { symmetricEigen } from "./eigh.js";
import { svdOne } from "./jacobi.js";
import { mT } from "./util.js";

export interface PinvParams {
  /** a is symmetric: use its eigendecomposition (cutoff on |λ|). */
  hermitian: boolean;
}

/** X = Σ_{σ_i > rcond·σ_max} v_i·u_iᵀ/σ_i (n×m) of one m×n matrix at `a[off..]`. */
function pinvOne(a: Storage["data"], off: number, m: number, n: number, rcond: number, hermitian: boolean): Float64Array {
  const k = Math.min(m, n);
  const X = new Float64Array(n * m);
  if (k === 0) return X;
  // Both cases as a = Σ σ_i·u_i·v_iᵀ with u_i, v_i the columns of row-major U (m×k), V (n×k).
  let s: Float64Array, U: Float64Array, V: Float64Array;
  if (hermitian) {
    const e = symmetricEigen(a, off, n);
    [s, U, V] = [e.w, e.V, e.V];
  } else {
    const r = svdOne(a, off, m, n, true, false);
    V = new Float64Array(n * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) V[j * k + i] = r.Vt[i * n + j]!;
    [s, U] = [r.s, r.U];
  }
  let largest = 0;
  for (let i = 0; i < k; i++) largest = Math.max(largest, Math.abs(s[i]!));
  const cutoff = rcond * largest;
  for (let i = 0; i < k; i++) {
    if (!(Math.abs(s[i]!) > cutoff)) {
      if (Number.isNaN(s[i]!)) return X.fill(NaN);
      continue;
    }
    for (let r = 0; r < n; r++) {
      const vr = V[r * k + i]! / s[i]!;
      if (vr === 0) continue;
      for (let c = 0; c < m; c++) X[r * m + c] = X[r * m + c]! + vr * U[c * k + i]!;
    }
  }
  return X;
}

/**
 * pinv(a) [..., n, m] of a [..., m, n], with rcond [...] (a's batch shape; no
 * derivative). With X = a⁺: Ẋ = −X·ȧ·X + X·Xᵀ·ȧᵀ·(I − a·X) + (I − X·a)·ȧᵀ·Xᵀ·X, and
 * ā = −Xᵀ·ḡ·Xᵀ + (I − a·X)·ḡᵀ·X·Xᵀ + Xᵀ·X·ḡᵀ·(I − X·a).
 */
export const pinvP: Primitive<PinvParams> = definePrimitive<PinvParams>({
  name: "pinv",
  shapeRule([a, rcond]) {
    const s = a!.shape;
    if (s.length < 2) throw new Error(`pinv: needs a matrix (or a stack of them), got shape ${shapeString(s)}`);
    if (!isFloat(a!.dtype) || rcond!.dtype !== a!.dtype) throw new Error(`pinv: needs floating-point input of one dtype, got ${a!.dtype} and ${rcond!.dtype}`);
    if (shapeString(rcond!.shape) !== shapeString(s.slice(0, -2))) {
      throw new Error(`pinv: rcond of shape ${shapeString(rcond!.shape)} does not match the batch shape ${shapeString(s.slice(0, -2))}`);
    }
    return [{ shape: [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!], dtype: a!.dtype }];
  },
  impl([a, rcond], p, [out]) {
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const count = sizeOf(a!.shape.slice(0, -2));
    const data = allocate(a!.dtype, count * m * n);
    for (let b = 0; b < count; b++) data.set(pinvOne(a!.data, b * m * n, m, n, rcond!.data[b]!, p.hermitian), b * m * n);
    return [new Storage(a!.dtype, out!.shape, data)];
  },
  jvp([a, rcond], [ta], p) {
    const X = bind1(pinvP, [a!, rcond!], p);
    if (!ta) return [[X], [null]];
    const tt = mT(ta);
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const leftNull = np.sub(np.eye(m, { dtype: a!.dtype }), np.matmul(a!, X)); // I − a·X
    const rightNull = np.sub(np.eye(n, { dtype: a!.dtype }), np.matmul(X, a!)); // I − X·a
    // Each X is multiplied into ȧ first: X·ȧ is of moderate size at any scale, where X·Xᵀ
    // alone would overflow for a of size 1e-170.
    const terms = [
      np.neg(np.matmul(np.matmul(X, ta), X)),
      np.matmul(X, np.matmul(mT(np.matmul(ta, X)), leftNull)),
      np.matmul(np.matmul(rightNull, np.matmul(tt, mT(X))), X),
    ];
    return [[X], [np.add(np.add(terms[0]!, terms[1]!), terms[2]!)]];
  },
  vjp([ct], [a], [X]) {
    if (!ct) return [null, null];
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const gt = mT(ct);
    const Xt = mT(X!);
    const leftNull = np.sub(np.eye(m, { dtype: a!.dtype }), np.matmul(a!, X!));
    const rightNull = np.sub(np.eye(n, { dtype: a!.dtype }), np.matmul(X!, a!));
    const terms = [
      np.neg(np.matmul(Xt, np.matmul(ct, Xt))),
      np.matmul(leftNull, np.matmul(gt, np.matmul(X!, Xt))),
      np.matmul(np.matmul(Xt, X!), np.matmul(gt, rightNull)),
    ];
    return [np.add(np.add(terms[0]!, terms[1]!), terms[2]!), null];
  },
  batch([a, rcond], batched, p, size) {
    return [[bind1(pinvP, [materializeBatch(a!, batched[0]!, size), materializeBatch(rcond!, batched[1]!, size)], p)], [true]];
  },
});
