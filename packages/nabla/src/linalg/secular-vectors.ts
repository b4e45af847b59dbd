// Eigenvectors of a rank-one update D + ρ·z·zᵀ from its secular roots (secular.ts), by
// Gu & Eisenstat's construction: the ẑ for which the computed roots are exact, then
// uᵢ = ±(D − λᵢ)⁻¹·ẑ, normalized.
import type { SecularRoots } from "./secular.js";

/**
 * Eigenvectors of the rank-one update whose eigenvalues are `roots`, orthogonal to
 * working precision however close the roots: instead of z, they use the ẑ for which the
 * computed roots are the exact eigenvalues of D + ρ·ẑ·ẑᵀ, by Löwner's formula
 *   ẑⱼ² = Πₗ (λₗ − dⱼ) / (ρ · Πₗ≠ⱼ (dₗ − dⱼ))
 * (Gu & Eisenstat 1995), its factors paired into ratios that interlacing keeps moderate,
 * so the running product over- or underflows only where ẑⱼ itself would; then
 * uᵢ = ±(D − λᵢ)⁻¹·ẑ, normalized. Component j of uᵢ goes to
 * U[rowOf[j]·k + i] (k×k, row-major): callers choose the row order their product needs.
 *
 * @example
 * const d = Float64Array.of(0, 1);
 * const z = Float64Array.of(Math.SQRT1_2, Math.SQRT1_2);
 * const U = new Float64Array(4);
 * secularVectors(d, z, 1, secularRoots(d, z, 1), U, Int32Array.of(0, 1));
 * // U's columns: the eigenvectors of [[0.5, 0.5], [0.5, 1.5]], in ascending order
 */
export function secularVectors(d: Float64Array, z: Float64Array, rho: number, roots: SecularRoots, U: Float64Array, rowOf: Int32Array): void {
  const k = d.length;
  const { pole, tau } = roots;
  const base = new Float64Array(k);
  for (let i = 0; i < k; i++) base[i] = d[pole[i]!]!;
  const sumSquares = new Float64Array(k);
  // Row j of U holds component j of every vector: 1/(λᵢ − dⱼ) (the negated vector, as
  // good), then ẑⱼ times that, once row j's factors of Löwner's product have given ẑⱼ.
  // λᵢ − dⱼ = (d_K − dⱼ) + τᵢ: the accurate differences, the same bits as the solver's.
  // The product's factors in the order i = 0, 1, …, k − 1, the i = j one without its
  // ratio. Rows go in pairs, as the roots do: each product is a chain of dependent
  // multiplications, and two chains in one loop overlap; each row's arithmetic is the same.
  const products = new Float64Array(2);
  for (let j = 0; j < k; j += 2) {
    const rowA = rowOf[j]! * k;
    if (j + 1 === k) {
      scaleRow(U, rowA, k, signed(reciprocals(d, base, tau, U, rowA, j), rho, z[j]!), sumSquares);
      continue;
    }
    const rowB = rowOf[j + 1]! * k;
    reciprocalPair(d, base, tau, U, rowA, rowB, j, products);
    scaleRows(U, rowA, rowB, k, signed(products[0]!, rho, z[j]!), signed(products[1]!, rho, z[j + 1]!), sumSquares);
  }
  const scale = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ss = sumSquares[i]!;
    scale[i] = 1 / (ss > 2 ** -900 && ss < 2 ** 900 ? Math.sqrt(ss) : carefulNorm(U, rowOf, k, i));
  }
  for (let j = 0; j < k; j++) {
    const row = rowOf[j]! * k;
    for (let i = 0; i < k; i++) U[row + i] = U[row + i]! * scale[i]!;
  }
}

/** ẑⱼ from Löwner's product ρ·ẑⱼ²: interlacing makes every factor positive; the sign is z's. */
function signed(product: number, rho: number, zj: number): number {
  return Math.sqrt(product / rho) * (zj < 0 ? -1 : 1);
}

/** Row j's reciprocals 1/(λᵢ − dⱼ) into U[row..]; returns Löwner's product ρ·ẑⱼ². */
function reciprocals(d: Float64Array, base: Float64Array, tau: Float64Array, U: Float64Array, row: number, j: number): number {
  const k = d.length;
  const dj = d[j]!;
  let product = 1;
  for (let i = 0; i < j; i++) {
    const gap = base[i]! - dj + tau[i]!;
    U[row + i] = 1 / gap;
    product *= gap / (d[i]! - dj);
  }
  const own = base[j]! - dj + tau[j]!;
  U[row + j] = 1 / own;
  product *= own;
  for (let i = j + 1; i < k; i++) {
    const gap = base[i]! - dj + tau[i]!;
    U[row + i] = 1 / gap;
    product *= gap / (d[i]! - dj);
  }
  return product;
}

/** reciprocals for rows j and j + 1 in one loop (products into out[0], out[1]), each row's factors in reciprocals' order. */
function reciprocalPair(d: Float64Array, base: Float64Array, tau: Float64Array, U: Float64Array, rowA: number, rowB: number, j: number, out: Float64Array): void {
  const k = d.length;
  const dA = d[j]!;
  const dB = d[j + 1]!;
  out[0] = 1;
  out[1] = 1;
  ratios(d, base, tau, U, rowA, rowB, dA, dB, 0, j, out);
  let pA = out[0]!;
  let pB = out[1]!;
  // i = j: row j's own factor; i = j + 1: row j + 1's.
  const ownA = base[j]! - dA + tau[j]!;
  const gapB = base[j]! - dB + tau[j]!;
  U[rowA + j] = 1 / ownA;
  U[rowB + j] = 1 / gapB;
  pA *= ownA;
  pB *= gapB / (d[j]! - dB);
  const gapA = base[j + 1]! - dA + tau[j + 1]!;
  const ownB = base[j + 1]! - dB + tau[j + 1]!;
  U[rowA + j + 1] = 1 / gapA;
  U[rowB + j + 1] = 1 / ownB;
  pA *= gapA / (d[j + 1]! - dA);
  pB *= ownB;
  out[0] = pA;
  out[1] = pB;
  ratios(d, base, tau, U, rowA, rowB, dA, dB, j + 2, k, out);
}

/** reciprocalPair's factors for i in [from, to), none of them a row's own: out[0], out[1] times each ratio. */
function ratios(d: Float64Array, base: Float64Array, tau: Float64Array, U: Float64Array, rowA: number, rowB: number, dA: number, dB: number, from: number, to: number, out: Float64Array): void {
  let pA = out[0]!;
  let pB = out[1]!;
  for (let i = from; i < to; i++) {
    const bi = base[i]!;
    const ti = tau[i]!;
    const di = d[i]!;
    const gA = bi - dA + ti;
    const gB = bi - dB + ti;
    U[rowA + i] = 1 / gA;
    U[rowB + i] = 1 / gB;
    pA *= gA / (di - dA);
    pB *= gB / (di - dB);
  }
  out[0] = pA;
  out[1] = pB;
}

/** Row `row` of U times zj, its squares added to sumSquares. */
function scaleRow(U: Float64Array, row: number, k: number, zj: number, sumSquares: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const u = zj * U[row + i]!;
    U[row + i] = u;
    sumSquares[i] = sumSquares[i]! + u * u;
  }
}

/** scaleRow for two rows, row A's square added first. */
function scaleRows(U: Float64Array, rowA: number, rowB: number, k: number, zA: number, zB: number, sumSquares: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const u = zA * U[rowA + i]!;
    const v = zB * U[rowB + i]!;
    U[rowA + i] = u;
    U[rowB + i] = v;
    sumSquares[i] = sumSquares[i]! + u * u + v * v;
  }
}

/** ‖column i of U‖, rescaled by its largest entry where the plain sum of squares over- or underflowed. */
function carefulNorm(U: Float64Array, rowOf: Int32Array, k: number, i: number): number {
  let big = 0;
  for (let j = 0; j < k; j++) big = Math.max(big, Math.abs(U[rowOf[j]! * k + i]!));
  if (big === 0 || big === Infinity) return big;
  let ss = 0;
  for (let j = 0; j < k; j++) ss += (U[rowOf[j]! * k + i]! / big) ** 2;
  return big * Math.sqrt(ss);
}
