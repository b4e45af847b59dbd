// Extreme eigenpairs of a Hessian: Lanczos with full reorthogonalization on
// Hessian-vector products (linalg.lanczos), so that it runs at millions of parameters, or
// the dense Hessian and eigh for small problems and for checking the former.
import { checkOptions, describe } from "../array/index.js";
import { np, tree, type Array } from "../core/index.js";
import { eigh, lanczos } from "../linalg/index.js";
import { hessian, type GradOf } from "../transforms/index.js";
import { atLeast, checkFunction, hessianOperator, keysFrom, layoutOf, positiveInt, scalarOf } from "./spectra-operator.js";

export type HessianEigsWhich = "largest" | "smallest" | "largest-magnitude";

export interface HessianEigsOptions {
  /** How many eigenpairs (default 1). */
  k?: number;
  /**
   * "largest" (default): the k algebraically largest, λ₁ ≥ λ₂ ≥ …, negative ones included
   * only when fewer than k are larger; "smallest": the k algebraically smallest (the most
   * negative first); "largest-magnitude": the k of largest |λ|, from both ends.
   */
  which?: HessianEigsWhich;
  /** "lanczos" (default): Hessian-vector products only; "dense": the whole Hessian and `linalg.eigh` (n ≤ 4096). */
  method?: "lanczos" | "dense";
  /** Lanczos: a pair counts as converged when ‖H·v − λ·v‖ ≤ tol·max|θ| over the Ritz values θ (default 1e-8). */
  tol?: number;
  /**
   * Lanczos: the largest Krylov dimension, one Hessian-vector product and one stored vector
   * of n float64 each (default min(n, max(100, 20·k)); at least k, or 2k for
   * "largest-magnitude"). The basis takes up to maxIter·n·8 bytes: at 10⁶ parameters
   * 30 vectors are 240 MB, and the default for k = 10 (200) would be 1.6 GB, so pass a
   * smaller maxIter there (and accept residuals above tol).
   */
  maxIter?: number;
  /** Lanczos: key of the random start vector (default random.key(0)). */
  key?: Array;
}

/** What `hessianEigs` found, as a plain record. */
export interface HessianEigsResult<T> {
  /** The eigenvalues, in the order `which` names: descending, ascending, or by descending |λ|. */
  values: number[];
  /**
   * The matching unit eigenvectors, each a pytree with params' structure (its leaves
   * flattened in `ravelPytree`'s order make a vector of 2-norm 1). Their signs are arbitrary.
   */
  vectors: GradOf<T>[];
  /** ‖H·v − λ·v‖ of each pair: Lanczos's estimate |β·s| (no extra products), or exact with "dense". */
  residuals: number[];
  /** Whether every wanted pair met the tolerance (always true with "dense"). */
  converged: boolean;
  /** Hessian-vector products used: the Krylov dimension, or n for the dense Hessian (one JVP of the gradient per column). */
  nhvp: number;
  method: "lanczos" | "dense";
}

const OP = "landscape.hessianEigs";
const KEYS = ["k", "which", "method", "tol", "maxIter", "key"] as const;
const WHICH: readonly HessianEigsWhich[] = ["largest", "smallest", "largest-magnitude"];
const DENSE_LIMIT = 4096;

/** Indices of `values` in the order `which` wants, the first k of them. */
function pick(values: ArrayLike<number>, which: HessianEigsWhich, k: number): number[] {
  const idx = [...globalThis.Array(values.length).keys()];
  const by = {
    largest: (i: number, j: number) => values[j]! - values[i]!,
    smallest: (i: number, j: number) => values[i]! - values[j]!,
    // Ties in |λ| (λ and −λ) go to the positive one, so the order is reproducible.
    "largest-magnitude": (i: number, j: number) => Math.abs(values[j]!) - Math.abs(values[i]!) || values[j]! - values[i]!,
  }[which];
  return idx.sort(by).slice(0, k);
}

/** Column c of an [n, m] row-major matrix. */
function column(data: Float64Array, n: number, m: number, c: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = data[i * m + c]!;
  return out;
}

/**
 * The k extreme eigenvalues of the Hessian of the scalar function f at params (any pytree
 * of float Arrays and numbers, taken in float64), and their eigenvectors, as a plain
 * record (see {@link HessianEigsResult}). "largest" and "smallest" are algebraic:
 * diag(−5, 1, 2)'s largest is 2, its largest in magnitude −5.
 *
 * The default method, "lanczos", uses only Hessian-vector products (grad(f) linearized
 * once, each product about two gradients' work) and `linalg.lanczos` with full
 * reorthogonalization from a random start (reproducible from `key`); it stores the Krylov
 * basis, maxIter vectors of n at most. For "largest-magnitude" it takes k pairs from each
 * end and keeps the k largest in |λ|. Like any single-vector Krylov method it may return a
 * repeated extreme eigenvalue once, next to the following one. "dense" forms the n×n
 * Hessian (`hessian`, n products) and takes all eigenvalues with `linalg.eigh`: exact, for
 * n ≤ 4096 and for checking Lanczos.
 *
 * @example
 * const f = (x: Array) => x.mul(np.array([-5, 1, 2])).mul(x).sum().mul(0.5); // H = diag(−5, 1, 2)
 * landscape.hessianEigs(f, np.zeros([3])).values;                                  // [2] (to rounding)
 * landscape.hessianEigs(f, np.zeros([3]), { which: "largest-magnitude" }).values;  // [-5] (to rounding)
 * const { values, vectors } = landscape.hessianEigs(loss, params, { k: 5 });      // vectors[i] shaped like params
 */
export function hessianEigs<T>(f: (params: T) => Array | number, params: T, opts: HessianEigsOptions = {}): HessianEigsResult<T> {
  checkFunction(OP, f);
  const o = checkOptions(OP, opts, KEYS);
  const k = positiveInt(OP, "k", o.k, 1);
  const which = (o.which ?? "largest") as HessianEigsWhich;
  if (!WHICH.includes(which)) throw new Error(`${OP}: which must be "largest", "smallest" or "largest-magnitude", got ${describe(o.which)}`);
  const method = o.method ?? "lanczos";
  if (method !== "lanczos" && method !== "dense") throw new Error(`${OP}: method must be "lanczos" or "dense", got ${describe(method)}`);
  const tol = atLeast(OP, "tol", o.tol, 1e-8, 0, false);
  const maxIter = o.maxIter === undefined ? undefined : positiveInt(OP, "maxIter", o.maxIter, 1);
  const [key] = keysFrom(OP, o.key, 1);
  return method === "dense" ? dense(f, params, k, which) : viaLanczos(f, params, k, which, tol, maxIter, key!);
}

function checkK(k: number, n: number): void {
  if (k > n) throw new Error(`${OP}: k = ${k} is more than the ${n} parameters`);
}

function viaLanczos<T>(f: (params: T) => unknown, params: T, k: number, which: HessianEigsWhich, tol: number, maxIter: number | undefined, key: Array): HessianEigsResult<T> {
  const H = hessianOperator(OP, f, params);
  const n = H.n;
  checkK(k, n);
  const matvec = (v: Array) => np.array(H.product(v.toFloat64Array()));
  // Both ends for "largest-magnitude"; where 2k > n, all n pairs (Lanczos then spans the space).
  const [lk, lwhich] = which === "largest-magnitude" ? (2 * k <= n ? [k, "both" as const] : [n, "largest" as const]) : [k, which];
  const r = lanczos(matvec, n, { k: lk, which: lwhich, tol, key, ...(maxIter === undefined ? {} : { maxIter }) });
  const found = r.values.toFloat64Array();
  const m = found.length;
  const data = r.vectors.toFloat64Array();
  const chosen = pick(found, which, k);
  const scale = found.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  return {
    values: chosen.map((i) => found[i]!),
    vectors: chosen.map((i) => H.unflatten(column(data, n, m, i))),
    residuals: chosen.map((i) => r.residuals[i]!),
    // The wanted pairs only (with "both", Lanczos also waits for the k it then drops).
    converged: r.converged || chosen.every((i) => r.residuals[i]! <= tol * scale),
    nhvp: H.count(),
    method: "lanczos",
  };
}

function dense<T>(f: (params: T) => unknown, params: T, k: number, which: HessianEigsWhich): HessianEigsResult<T> {
  const { n, leaves, def, offsets, unflatten } = layoutOf(OP, params);
  checkK(k, n);
  if (n > DENSE_LIMIT) throw new Error(`${OP}: method "dense" forms the ${n}×${n} Hessian; use "lanczos" above ${DENSE_LIMIT} parameters`);
  // f of one flat vector (differentiating through its slices costs little at this size).
  const g = scalarOf(OP, f);
  const fFlat = (v: Array) => g(tree.unflatten(def, leaves.map((l, i) => np.reshape(np.slice(v, [offsets[i]!, offsets[i + 1]!]), l.shape))) as T);
  const x = np.concatenate(leaves.map((l) => np.reshape(l, [-1])));
  const Hdata = np.reshape(hessian(fFlat)(x) as Array, [n, n]).toFloat64Array();
  if (!Hdata.every(Number.isFinite)) throw new Error(`${OP}: the Hessian is NaN or infinite at params`);
  // Symmetrized: forward-over-reverse Hessians equal their transpose only to rounding.
  const sym = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = (Hdata[i * n + j]! + Hdata[j * n + i]!) / 2;
  const [w, V] = eigh(np.reshape(np.array(sym), [n, n]));
  const values = w.toFloat64Array();
  const Vdata = V.toFloat64Array();
  const chosen = pick(values, which, k);
  const vecs = chosen.map((c) => column(Vdata, n, n, c));
  const residuals = chosen.map((c, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let hv = 0;
      for (let l = 0; l < n; l++) hv += sym[i * n + l]! * vecs[j]![l]!;
      s += (hv - values[c]! * vecs[j]![i]!) ** 2;
    }
    return Math.sqrt(s);
  });
  return { values: chosen.map((c) => values[c]!), vectors: vecs.map(unflatten), residuals, converged: true, nhvp: n, method: "dense" };
}
