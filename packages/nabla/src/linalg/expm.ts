// The matrix exponential: scaling and squaring with Padé approximants, Higham, "The
// scaling and squaring method for the matrix exponential revisited" (SIAM J. Matrix
// Anal. Appl. 26, 2005), Algorithm 2.3. Its derivative, the Fréchet derivative L(A, E),
// is the top-right block of exp([[A, E], [0, A]]) (Mathias 1996; Higham, "Functions of
// Matrices", Theorem 3.6), computed by the same primitive, so derivatives of any order
// need nothing new; the VJP is L(Aᵀ, Ē), the adjoint of E ↦ L(A, E).
import { allocate, sizeOf, Storage, type TypedArray } from "../array/index.js";
import { bind1, definePrimitive, np, type Array, type Primitive, stopGradientPrimitive as stopGradient } from "../core/index.js";
import { luFactor, luSolve } from "./kernels.js";
import { mT, squareAval } from "./util.js";

/** θ_m of Higham (2005), Table 2.3: r_m(A/2^s) is exact to unit roundoff when ‖A/2^s‖₁ ≤ θ_m. */
const THETA: readonly [number, number][] = [
  [3, 1.495585217958292e-2],
  [5, 2.539398330063230e-1],
  [7, 9.504178996162932e-1],
  [9, 2.097847961257068e0],
];
const THETA_13 = 5.371920351148152e0;

const factorial = (k: number): bigint => (k <= 1 ? 1n : BigInt(k) * factorial(k - 1));
/** The [m/m] Padé numerator p(x) = Σ b_j x^j of e^x, scaled so that b_m = 1: b_j = (2m − j)!/(j!·(m − j)!). */
const padeCoefficients = (m: number): number[] =>
  globalThis.Array.from({ length: m + 1 }, (_, j) => Number(factorial(2 * m - j) / (factorial(j) * factorial(m - j))));
const COEFFICIENTS = new Map([3, 5, 7, 9, 13].map((m) => [m, padeCoefficients(m)]));

function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const aip = A[i * n + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] = C[i * n + j]! + aip * B[p * n + j]!;
    }
  }
  return C;
}

/** Σ c_i·X_i + c·I for n×n matrices. */
function combine(terms: [number, Float64Array][], identity: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (const [c, X] of terms) for (let i = 0; i < n * n; i++) out[i] = out[i]! + c * X[i]!;
  for (let i = 0; i < n; i++) out[i * n + i] = out[i * n + i]! + identity;
  return out;
}

/** r_m(A) = (V − U)⁻¹(V + U) with U the odd and V the even part of the Padé numerator. */
function pade(A: Float64Array, n: number, m: number): Float64Array {
  const b = COEFFICIENTS.get(m)!;
  const A2 = matmul(A, A, n);
  let U: Float64Array;
  let V: Float64Array;
  if (m < 13) {
    // Even powers A², A⁴, … up to A^(m−1).
    const powers = [A2];
    while (2 * powers.length < m - 1) powers.push(matmul(powers[powers.length - 1]!, A2, n));
    U = matmul(A, combine(powers.map((P, i) => [b[2 * i + 3]!, P]), b[1]!, n), n);
    V = combine(powers.map((P, i) => [b[2 * i + 2]!, P]), b[0]!, n);
  } else {
    // Higham's evaluation with 6 products: A⁶ multiplies the high-order parts.
    const A4 = matmul(A2, A2, n);
    const A6 = matmul(A4, A2, n);
    const u = matmul(A6, combine([[b[13]!, A6], [b[11]!, A4], [b[9]!, A2]], 0, n), n);
    U = matmul(A, combine([[1, u], [b[7]!, A6], [b[5]!, A4], [b[3]!, A2]], b[1]!, n), n);
    const v = matmul(A6, combine([[b[12]!, A6], [b[10]!, A4], [b[8]!, A2]], 0, n), n);
    V = combine([[1, v], [b[6]!, A6], [b[4]!, A4], [b[2]!, A2]], b[0]!, n);
  }
  const P = new Float64Array(n * n);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) [P[i], Q[i]] = [V[i]! + U[i]!, V[i]! - U[i]!];
  return luSolve(luFactor(Q, 0, n), n, P, n, false);
}

/**
 * exp of the n×n matrix at `a[off..]`. A diagonal matrix gets exp of its diagonal (so
 * an overflowing entry is Infinity beside exact zeros, not NaN); non-finite input gives
 * NaN everywhere.
 */
export function expmOne(a: TypedArray, off: number, n: number): Float64Array {
  const A = Float64Array.from(a.subarray(off, off + n * n));
  let largest = 0;
  let diagonal = true;
  for (let i = 0; i < n * n; i++) {
    largest = Math.max(largest, Math.abs(A[i]!));
    if (A[i] !== 0 && Math.floor(i / n) !== i % n) diagonal = false;
  }
  if (!(largest < Infinity)) return new Float64Array(n * n).fill(NaN);
  if (diagonal) {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) out[i * n + i] = Math.exp(A[i * n + i]!);
    return out;
  }
  // ‖A‖₁ = largest·(max column sum of |A|/largest): its logarithm cannot overflow.
  let columns = 0;
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += Math.abs(A[i * n + j]!) / largest;
    columns = Math.max(columns, c);
  }
  const norm = largest * columns;
  for (const [m, theta] of THETA) if (norm <= theta) return pade(A, n, m);
  const s = Math.max(0, Math.ceil(Math.log2(largest) + Math.log2(columns) - Math.log2(THETA_13)));
  // A/2^s in two exact halves: 2^−s alone underflows for s > 1074.
  const [h1, h2] = [2 ** -Math.floor(s / 2), 2 ** -(s - Math.floor(s / 2))];
  for (let i = 0; i < n * n; i++) A[i] = A[i]! * h1 * h2;
  let X = pade(A, n, 13);
  for (let i = 0; i < s; i++) X = matmul(X, X, n);
  return X;
}

/** max(max|x|, floor) over the matrix axes, [..., 1, 1], held constant; 1 where x is 0. */
function magnitude(x: Array, floor: number): Array {
  const m = bind1(stopGradient, [np.max(np.abs(x), { axis: [-2, -1], keepdims: true })], {});
  return np.where(np.equal(m, 0), 1, np.maximum(m, floor));
}

/**
 * L(a, e), the Fréchet derivative of exp at a in the direction e (same shapes), as the
 * top-right block of exp([[a, c·e], [0, a]])/c. L is linear in e, so any constant c
 * gives it; c = max|a|/max|e| keeps the block matrix's norm, and so the number of
 * squarings, that of a alone (a huge e would otherwise cost accuracy, a tiny one lose
 * digits to underflow).
 */
export function frechet(a: Array, e: Array): Array {
  const n = a.shape[a.ndim - 1]!;
  if (n === 0) return np.zerosLike(a);
  // Not below 2⁻⁵⁰⁰ (2⁻⁶⁰ in float32): c·e must stay far from the subnormals.
  const c = np.div(magnitude(a, a.dtype === "float32" ? 2 ** -60 : 2 ** -500), magnitude(e, 0));
  const zero = np.zerosLike(a);
  const big = np.concatenate([np.concatenate([a, np.mul(e, c)], { axis: -1 }), np.concatenate([zero, a], { axis: -1 })], { axis: -2 });
  const top = np.split(bind1(expmP, [big], {}), [n], { axis: -2 })[0]!;
  return np.div(np.split(top, [n], { axis: -1 })[1]!, c);
}

/** exp(a) of a stack of square matrices; JVP L(a, ȧ), VJP L(aᵀ, ā) (see `frechet`). */
export const expmP: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "expm",
  shapeRule([a]) {
    squareAval("expm", a!);
    return [{ shape: a!.shape, dtype: a!.dtype }];
  },
  impl([a], _p, [out]) {
    const n = a!.shape[a!.shape.length - 1]!;
    const count = sizeOf(a!.shape.slice(0, -2));
    const data = allocate(a!.dtype, count * n * n);
    for (let b = 0; b < count; b++) data.set(expmOne(a!.data, b * n * n, n), b * n * n);
    return [new Storage(a!.dtype, out!.shape, data)];
  },
  jvp([a], [ta]) {
    const out = bind1(expmP, [a!], {});
    return [[out], [ta ? frechet(a!, ta) : null]];
  },
  vjp([ct], [a]) {
    return [ct ? frechet(mT(a!), ct) : null];
  },
  batch: ([a]) => [[bind1(expmP, [a!], {})], [true]],
});
