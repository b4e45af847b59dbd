// Primitive-corpus cases of issue 11's linear algebra: svd, pinv, lu,
// lu_pivots_to_permutation and expm (derivatives to order 2 in both modes, and vmap
// against a loop). f makes its inputs well-conditioned (X has entries in [−1, 1] and
// sides ≤ 3): singular values near 1, 2.2, 3.4 as diag + X/10, invertible leading
// blocks as X + 3·eye, with rows reversed so that partial pivoting really permutes.
import fc from "fast-check";
import { linalg, np, type Array } from "nabla";
import { addCase, dims, floats } from "../corpus.js";

const mT = (x: Array) => np.swapaxes(x, -1, -2);
const side = fc.integer({ min: 1, max: 3 });
type Rect = [number[], number, number];
const rect: fc.Arbitrary<Rect> = fc.tuple(dims(0, 1), side, side);
const rectArgs = ([batch, m, n]: Rect) => [floats([...batch, m, n], -1, 1)];

/** diag(1, 2.2, 3.4) (m×n) + X/10: distinct singular values, each U column led by one entry. */
const separated = (x: Array) => {
  const [m, n] = x.shape.slice(-2) as [number, number];
  const d = np.mul(np.eye(m, n), np.array([1, 2.2, 3.4].slice(0, n)));
  return np.add(d, np.mul(0.1, x));
};
/** X + 3·eye(m, n) with its rows reversed: U's diagonal near 3, and pivoting swaps rows. */
const pivoted = (x: Array) => {
  const [m, n] = x.shape.slice(-2) as [number, number];
  return np.flip(np.add(x, np.mul(3, np.eye(m, n))), { axis: -2 });
};
const k = (x: Array) => Math.min(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!);

addCase({
  title: "svd (linalg.svd reduced, linalg.svdvals; distinct singular values)",
  covers: ["svd"],
  spec: rect,
  args: rectArgs,
  f: () => (x) => [...linalg.svd(separated(x), { fullMatrices: false }), linalg.svdvals(separated(x))],
});

addCase({
  title: "svd (linalg.svd full: U₁, S, V₁ᵀ and the complements' projectors)",
  covers: ["svd"],
  spec: rect,
  args: rectArgs,
  f: () => (x) => {
    const [U, S, Vh] = linalg.svd(separated(x));
    const [U1, U2] = np.split(U, [k(x)], { axis: -1 });
    const [V1h, V2h] = np.split(Vh, [k(x)], { axis: -2 });
    return [U1!, S, V1h!, np.matmul(U2!, mT(U2!)), np.matmul(mT(V2h!), V2h!)];
  },
  // The complement itself is any basis of its span, but the same one for vmap and the loop.
  batch: { f: () => (x) => linalg.svd(separated(x)) },
});

addCase({
  title: "pinv (linalg.pinv and linalg.lstsq of full-rank tall, square and wide matrices)",
  covers: ["pinv"],
  spec: rect,
  args: ([batch, m, n]: Rect) => [floats([...batch, m, n], -1, 1), floats([...batch, m, 2])],
  f: () => (x, b) => [linalg.pinv(pivoted(x)), linalg.lstsq(pivoted(x), b)],
});

addCase({
  title: "pinv (rank-deficient B·C, rank r below min(m, n); hermitian)",
  covers: ["pinv"],
  spec: fc.tuple(dims(0, 1), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 2, max: 3 })),
  args: ([batch, m, n]: Rect) => [floats([...batch, m, 1], 0.5, 1.5), floats([...batch, 1, n], 0.5, 1.5), floats([...batch, m, m], -1, 1)],
  // The symmetric one is indefinite, with eigenvalues near −2, 1 and 3.
  f: () => (b, c, s) => {
    const m = s.shape[s.ndim - 1]!;
    const sym = np.add(np.diag(np.array([-2, 1, 3].slice(0, m))), np.mul(0.1, np.add(s, mT(s))));
    return [linalg.pinv(np.matmul(b, c)), linalg.pinv(sym, { hermitian: true })];
  },
});

addCase({
  title: "lu (linalg.lu: P, L, U; linalg.luFactor's packed factors) of tall, square and wide matrices",
  covers: ["lu"],
  spec: rect,
  args: rectArgs,
  f: () => (x) => [...linalg.lu(pivoted(x)), linalg.luFactor(pivoted(x))[0], linalg.lu(pivoted(x), { permuteL: true })[0]],
  batch: { f: () => (x) => [...linalg.luFactor(pivoted(x)), linalg.lu(pivoted(x), { pIndices: true })[0]] },
});

addCase({
  title: "lu_pivots_to_permutation (linalg.luSolve with luFactor's pivots, both transposes)",
  covers: ["lu", "lu_pivots_to_permutation"],
  spec: fc.tuple(dims(0, 1), side, fc.boolean()),
  args: ([batch, n]: [number[], number, boolean]) => [floats([...batch, n, n], -1, 1), floats([...batch, n, 2])],
  f: ([, , t]: [number[], number, boolean]) => (x, b) => linalg.luSolve(linalg.luFactor(pivoted(x)), b, { trans: t ? 1 : 0 }),
});

addCase({
  title: "expm (linalg.expm: low-degree Padé, and scaling and squaring)",
  covers: ["expm"],
  spec: fc.tuple(dims(0, 1), side, fc.constantFrom(0.05, 0.4, 3)),
  args: ([batch, n]: [number[], number, number]) => [floats([...batch, n, n], -1, 1)],
  f: ([, , c]: [number[], number, number]) => (x) => linalg.expm(np.mul(c, x)),
  runs: 10,
});
