// The svd primitive: singular values and vectors of a stack of m×n matrices, with the
// derivative rules of Townsend, "Differentiating the singular value decomposition"
// (2016), split so that only the truly singular part is dropped at repeated values.
import { allocate, isFloat, shapeString, sizeOf, Storage } from "../array/index.js";
import { bind, definePrimitive, np, type Array, type Primitive } from "../core/index.js";
import { svdOne } from "./jacobi.js";
import { diagMatrix, diagonal, mT } from "./util.js";

export interface SvdParams {
  /** U is m×m and Vᵀ n×n (numpy's full_matrices); otherwise m×k and k×n, k = min(m, n). */
  full: boolean;
  /** Outputs [U, S, Vᵀ]; otherwise [S] alone. */
  uv: boolean;
}

/**
 * Singular-value gaps |σ_j − σ_i| at most this times σ_max count as a repeated value in
 * the derivative rules, and σ_i at most this times σ_max as zero (as eigh's
 * EIGH_DEGENERACY_TOL): rounding leaves copies of a repeated value n·ε·σ_max apart.
 */
export const SVD_DEGENERACY_TOL = 1e-10;

const sym = (x: Array) => np.mul(0.5, np.add(x, mT(x)));
const asym = (x: Array) => np.mul(0.5, np.sub(x, mT(x)));
/** 1/x where `keep`, else 0, with no division by zero anywhere (so no NaN in derivatives). */
const safeInverse = (x: Array, keep: Array) => np.where(keep, np.div(1, np.where(keep, x, 1)), 0);
const add = (terms: (Array | null)[]): Array => terms.filter((t): t is Array => t !== null).reduce((s, t) => np.add(s, t));

/**
 * The coefficient matrices of the rules, from σ [..., k] (k ≥ 1): E_ij = 1/(σ_j − σ_i)
 * and G_ij = 1/(σ_i + σ_j), each 0 where its denominator is within tol·σ_max of 0, and
 * σ⁻¹ with 0 for (numerically) zero values.
 */
function coefficients(s: Array): { E: Array; G: Array; sinv: Array } {
  const limit = np.mul(np.max(s, { axis: -1, keepdims: true }), SVD_DEGENERACY_TOL); // [..., 1]
  const [si, sj] = [np.expandDims(s, -1), np.expandDims(s, -2)];
  const wide = np.expandDims(limit, -1);
  const diff = np.sub(sj, si);
  const sum = np.add(si, sj);
  return {
    E: safeInverse(diff, np.greater(np.abs(diff), wide)),
    G: safeInverse(sum, np.greater(sum, wide)),
    sinv: safeInverse(s, np.greater(s, limit)),
  };
}

/** Scales the columns of x by v [..., c]. */
const scaleColumns = (x: Array, v: Array) => np.mul(x, np.expandDims(v, -2));
/** Scales the rows of x by v [..., r]. */
const scaleRows = (x: Array, v: Array) => np.mul(np.expandDims(v, -1), x);

/** The leading k columns of x and the rest (null when there are none). */
function splitColumns(x: Array, k: number): [Array, Array | null] {
  const c = x.shape[x.ndim - 1]!;
  if (c === k) return [x, null];
  const [a, b] = np.split(x, [k], { axis: -1 });
  return [a!, b!];
}

/** U, S, V with U = [U1 U2] and V = [V1 V2] split after the k leading columns. */
function parts(a: Array, full: boolean) {
  const [U, S, Vh] = bind(svdP, [a], { full, uv: true }) as [Array, Array, Array];
  const k = S.shape[S.ndim - 1]!;
  const [U1, U2] = splitColumns(U, k);
  const [V1, V2] = splitColumns(mT(Vh), k);
  return { U, S, Vh, U1, U2, V1, V2, k };
}

/**
 * [U, S, Vᵀ] (or [S]) of a [..., m, n], S descending. With dP = U₁ᵀ·Ȧ·V₁ split into its
 * symmetric part Ṗs and antisymmetric part Ṗa: Ṡ = diag(dP), U̇₁ = U₁·(E∘Ṗs + G∘Ṗa) +
 * (I − U₁U₁ᵀ)·Ȧ·V₁·S⁻¹ and V̇₁ = V₁·(E∘Ṗs − G∘Ṗa) + (I − V₁V₁ᵀ)·Ȧᵀ·U₁·S⁻¹. Only E∘Ṗs is
 * undefined at a repeated σ (the rotation inside its singular subspace), and it is
 * dropped there; G∘Ṗa stays, so the polar factor U·Vᵀ keeps its exact first derivative
 * there (with E_ij = 1/(σ_j − σ_i) whole, as in JAX, it would be NaN). The
 * full-matrices complement U₂ (or V₂) is any orthonormal
 * basis; its derivative is the one that keeps it orthogonal to U₁ without turning inside
 * its own span: U̇₂ = −U₁·S⁻¹·V₁ᵀ·Ȧᵀ·U₂ (and V̇₂ = −V₁·S⁻¹·U₁ᵀ·Ȧ·V₂).
 */
export const svdP: Primitive<SvdParams> = definePrimitive<SvdParams>({
  name: "svd",
  shapeRule([a], p) {
    const s = a!.shape;
    if (s.length < 2) throw new Error(`svd: needs a matrix (or a stack of them), got shape ${shapeString(s)}`);
    if (!isFloat(a!.dtype)) throw new Error(`svd: the matrix must be floating point, got ${a!.dtype}`);
    const [m, n] = s.slice(-2) as [number, number];
    const k = Math.min(m, n);
    const batch = s.slice(0, -2);
    const S = { shape: [...batch, k], dtype: a!.dtype };
    if (!p.uv) return [S];
    return [{ shape: [...batch, m, p.full ? m : k], dtype: a!.dtype }, S, { shape: [...batch, p.full ? n : k, n], dtype: a!.dtype }];
  },
  impl([a], p, outs) {
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const count = sizeOf(a!.shape.slice(0, -2));
    const data = outs.map((o) => allocate(o.dtype, sizeOf(o.shape)));
    const k = Math.min(m, n);
    const [uc, vr] = p.full ? [m, n] : [k, k];
    for (let b = 0; b < count; b++) {
      const r = svdOne(a!.data, b * m * n, m, n, p.uv, p.full);
      if (!p.uv) {
        data[0]!.set(r.s, b * k);
        continue;
      }
      data[0]!.set(r.U, b * m * uc);
      data[1]!.set(r.s, b * k);
      data[2]!.set(r.Vt, b * vr * n);
    }
    return outs.map((o, i) => new Storage(o.dtype, o.shape, data[i]!));
  },
  jvp([a], [ta], p) {
    const { U, S, Vh, U1, U2, V1, V2, k } = parts(a!, p.uv && p.full);
    const primal = p.uv ? [U, S, Vh] : [S];
    if (!ta) return [primal, primal.map(() => null)];
    if (k === 0) return [primal, primal.map((x) => np.zerosLike(x))];
    const dP = np.matmul(mT(U1), np.matmul(ta, V1));
    const dS = diagonal(dP);
    if (!p.uv) return [primal, [dS]];
    const { E, G, sinv } = coefficients(S);
    const [ps, pa] = [np.mul(E, sym(dP)), np.mul(G, asym(dP))];
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const dAV = np.matmul(ta, V1);
    const dAtU = np.matmul(mT(ta), U1);
    let dU = np.matmul(U1, np.add(ps, pa));
    if (m > k) dU = np.add(dU, scaleColumns(np.sub(dAV, np.matmul(U1, dP)), sinv));
    let dV = np.matmul(V1, np.sub(ps, pa));
    if (n > k) dV = np.add(dV, scaleColumns(np.sub(dAtU, np.matmul(V1, mT(dP))), sinv));
    if (U2) dU = np.concatenate([dU, np.neg(np.matmul(U1, scaleRows(np.matmul(mT(dAV), U2), sinv)))], { axis: -1 });
    if (V2) dV = np.concatenate([dV, np.neg(np.matmul(V1, scaleRows(np.matmul(mT(dAtU), V2), sinv)))], { axis: -1 });
    return [primal, [dU, dS, mT(dV)]];
  },
  vjp(cts, [a], _outs, p) {
    const [Ubar, Sbar, Vhbar] = p.uv ? cts : [null, cts[0] ?? null, null];
    if (!Ubar && !Sbar && !Vhbar) return [null];
    const { S, U1, U2, V1, V2, k } = parts(a!, p.uv && p.full);
    if (k === 0) return [np.zerosLike(a!)];
    const [m, n] = a!.shape.slice(-2) as [number, number];
    const [Ubar1, Ubar2] = Ubar ? splitColumns(Ubar, k) : [null, null];
    const [Vbar1, Vbar2] = Vhbar ? splitColumns(mT(Vhbar), k) : [null, null];
    const { E, G, sinv } = coefficients(S);
    // ⟨Ū₁, U̇₁⟩ + ⟨V̄₁, V̇₁⟩ + ⟨S̄, Ṡ⟩ = ⟨P̄, dP⟩ + (the complement terms), and
    // ⟨P̄, U₁ᵀ·Ȧ·V₁⟩ = ⟨U₁·P̄·V₁ᵀ, Ȧ⟩.
    const JU = Ubar1 ? np.matmul(mT(U1), Ubar1) : null;
    const JV = Vbar1 ? np.matmul(mT(V1), Vbar1) : null;
    const terms: (Array | null)[] = [Sbar ? diagMatrix(Sbar) : null];
    if (JU || JV) {
      terms.push(sym(np.mul(E, add([JU, JV]))));
      terms.push(asym(np.mul(G, JU && JV ? np.sub(JU, JV) : JU ?? np.neg(JV!))));
    }
    const V1t = mT(V1);
    const out: (Array | null)[] = [np.matmul(U1, np.matmul(add(terms), V1t))];
    if (Ubar1 && m > k) out.push(np.matmul(scaleColumns(np.sub(Ubar1, np.matmul(U1, JU!)), sinv), V1t));
    if (Vbar1 && n > k) out.push(np.matmul(U1, scaleRows(mT(np.sub(Vbar1, np.matmul(V1, JV!))), sinv)));
    if (Ubar2) out.push(np.neg(np.matmul(U2!, np.matmul(mT(Ubar2), scaleColumns(U1, sinv)))).matmul(V1t));
    if (Vbar2) out.push(np.neg(np.matmul(scaleColumns(U1, sinv), np.matmul(mT(V1), np.matmul(Vbar2, mT(V2!))))));
    return [add(out)];
  },
  batch: ([a], _b, p) => {
    const outs = bind(svdP, [a!], p);
    return [outs, outs.map(() => true)];
  },
});
