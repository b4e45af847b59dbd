// Critical points judged on the function's own scale: whether ∇f vanishes at x, relative
// to the curvature and the size of x, and what the Hessian's eigenvalues make of it. No
// absolute threshold appears, so f and 1e-10·f (or 1e300·f) get the same answer.
import { np, type Array } from "../core/index.js";
import { eigh, lanczos } from "../linalg/index.js";
import { hessian, hvp, jit, ravelPytree, valueAndGrad, type GradOf } from "../transforms/index.js";

/**
 * - "minimum", "maximum": ∇f = 0 and every Hessian eigenvalue positive (negative).
 * - "saddle": ∇f = 0 and eigenvalues of both signs.
 * - "degenerate": ∇f = 0, some eigenvalues zero and the rest of one sign (or H = 0):
 *   second-order information cannot tell (x⁴, −x⁴ and x³ all have H = 0 at 0).
 * - "notCritical": ∇f is not zero at x.
 * - "nonFinite": f, ∇f or the Hessian is NaN or infinite at x.
 */
export type PointKind = "minimum" | "maximum" | "saddle" | "degenerate" | "notCritical" | "nonFinite";

export interface ClassifyOptions {
  /** Relative gradient tolerance (default 1e-8): x is critical when ‖∇f‖₂ ≤ gtol·‖H‖₂·‖x‖₂. */
  gtol?: number;
  /** Relative eigenvalue tolerance (default 1e-8): λ counts as zero when |λ| ≤ eigtol·max|λ|. */
  eigtol?: number;
  /**
   * "dense": the Hessian and all its eigenvalues (`eigh`); "lanczos": the smallest and
   * largest eigenvalue from Hessian-vector products (`linalg.lanczos`), for large x.
   * Default: dense up to 200 elements.
   */
  method?: "dense" | "lanczos";
}

/** What `classifyPoint` found at x, as a plain record. */
export interface PointClassification<T> {
  kind: PointKind;
  /** ∇f vanishes at x (to the gradient tolerance): kind is none of "notCritical", "nonFinite". */
  critical: boolean;
  value: number;
  /** ∇f at x, with x's structure. */
  grad: GradOf<T>;
  /** ‖∇f‖₂, ‖x‖₂ and ‖H‖₂ = max|λ| (all computed without overflow or underflow). */
  gradNorm: number;
  xNorm: number;
  hessianNorm: number;
  /** The eigenvalues, ascending: all of them ("dense"), or the smallest and largest ("lanczos"). */
  eigenvalues: number[];
  /** The matching unit eigenvectors as columns ([n, eigenvalues.length]), over x flattened by `ravelPytree`. */
  eigenvectors: Array | null;
  /** With "dense": the Hessian (n×n, over x flattened). */
  hessian: Array | null;
  /** How many eigenvalues are negative, zero (within tolerance) and positive ("dense" only). */
  inertia: { negative: number; zero: number; positive: number } | null;
  /** max|λ|/min|λ| (Infinity when some λ = 0); with "lanczos", NaN unless the extremes share a sign. */
  condition: number;
  /** The relative tolerances used, and the absolute thresholds they gave at x. */
  tolerances: { gtol: number; eigtol: number; grad: number; eigenvalue: number };
  method: "dense" | "lanczos";
  /** One sentence saying what x is, and why. */
  message: string;
}

function relativeTolerance(name: string, v: number | undefined): number {
  if (v === undefined) return 1e-8;
  if (typeof v !== "number" || !(v >= 0 && v < 1)) throw new Error(`classifyPoint: ${name} must be a number in [0, 1), got ${String(v)}`);
  return v;
}

/** ‖v‖₂ without overflow or underflow (np.norm scales first, as BLAS nrm2). */
const norm = (v: Float64Array): number => np.norm(np.array(v)).item();

/** A power of two near max|aᵢ| (1 for zero): dividing by it is exact. */
function unitOf(a: Float64Array): number {
  let big = 0;
  for (const v of a) big = Math.max(big, Math.abs(v));
  return big > 0 ? 2 ** Math.floor(Math.log2(big)) : 1;
}

interface Spectrum {
  /** Eigenvalues divided by `unit`: of order one, whatever the scale of f. */
  scaled: number[];
  unit: number;
  vectors: Array;
  complete: boolean;
}

/**
 * All eigenpairs of the Hessian, computed on H/s for a power of two s near max|Hᵢⱼ| (exact),
 * so that Householder norms and shifts inside eigh neither overflow for a Hessian of size
 * 1e300 nor underflow for one of size 1e-300, as LAPACK scales its input.
 */
function denseSpectrum(h: Array, n: number): Spectrum | null {
  const data = h.toFloat64Array();
  if (!data.every(Number.isFinite)) return null;
  const unit = unitOf(data);
  // Symmetrized: forward-over-reverse Hessians equal their transpose only to rounding.
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = (data[i * n + j]! + data[j * n + i]!) / 2 / unit;
  const [w, V] = eigh(np.reshape(np.array(scaled), [n, n]));
  return { scaled: globalThis.Array.from(w.toFloat64Array()), unit, vectors: V, complete: true };
}

/** The extreme eigenpairs from Lanczos on Hessian-vector products (the Hessian is never formed). */
function lanczosSpectrum(product: (v: Array) => Array, n: number): Spectrum | null {
  try {
    const r = lanczos(product, n, { k: 1, which: n >= 2 ? "both" : "largest" });
    const values = globalThis.Array.from(r.values.toFloat64Array());
    return { scaled: values, unit: 1, vectors: r.vectors, complete: false };
  } catch {
    // lanczos throws on a non-finite product: the Hessian is not finite here.
    return null;
  }
}

/**
 * Whether f has a critical point at x (any pytree), and of what kind, judged relative to
 * f's own scale. With H the Hessian at x and ‖H‖₂ = max|λ|:
 *
 * - x is critical when ‖∇f(x)‖₂ ≤ gtol·‖H‖₂·‖x‖₂: ∇f is no larger than a relative change
 *   of gtol in x would make it along the stiffest direction. Multiplying f by any c ≠ 0
 *   (1e-10, 1e300) or x by any s leaves the answer unchanged; shifting x does not, as
 *   floating point resolves x relative to its size. At x = 0 only ∇f = 0 counts.
 * - An eigenvalue counts as zero when |λ| ≤ eigtol·max|λ|; an all-zero Hessian is
 *   "degenerate". The kind follows from the signs of the others (see `PointKind`).
 *
 * The Hessian is scaled by a power of two before `eigh` (exact), so Hessians of size
 * 1e-300 or 1e300 classify as their unit-size multiples do. Defaults: gtol = eigtol = 1e-8.
 *
 * @example
 * const f = (v: Array) => v.slice(0).pow(3).sub(v.slice(0).mul(3)).add(v.slice(1).square()); // x³ − 3x + y²
 * classifyPoint(f, np.array([-1, 0])).kind;            // "saddle": eigenvalues −6 and 2
 * classifyPoint((v: Array) => f(v).mul(1e-10), np.array([1, 0])).kind; // "minimum", at any scale
 */
export function classifyPoint<T>(f: (x: GradOf<T>) => Array | number, x: T, opts: ClassifyOptions = {}): PointClassification<T> {
  if (typeof f !== "function") throw new Error(`classifyPoint: f must be a function, got ${typeof f}`);
  const gtol = relativeTolerance("gtol", opts.gtol);
  const eigtol = relativeTolerance("eigtol", opts.eigtol);
  const [flat, unravel] = ravelPytree(x);
  if (flat.dtype === "bool") throw new Error("classifyPoint: x has bool leaves; the point must be numbers");
  const n = flat.size;
  if (n === 0) throw new Error("classifyPoint: x has no elements");
  const method = opts.method ?? (n <= 200 ? "dense" : "lanczos");
  if (method !== "dense" && method !== "lanczos") throw new Error(`classifyPoint: method must be "dense" or "lanczos", got ${JSON.stringify(method)}`);
  const point = np.astype(flat, "float64");
  const fFlat = (v: Array) => f(unravel(v));
  const [v, g] = valueAndGrad(fFlat)(point);
  const value = np.asArray(v).item();
  const gData = g.toFloat64Array();
  const gradNorm = norm(gData);
  const xNorm = norm(point.toFloat64Array());
  const finite = Number.isFinite(value) && gData.every(Number.isFinite);
  // Formed even where f is not finite, for whoever shows it.
  const H = method === "dense" ? np.astype(hessian(fFlat)(point), "float64") : null;
  const spectrum = !finite ? null : H ? denseSpectrum(H, n) : lanczosSpectrum(jit((u: Array) => hvp(fFlat, point, u)), n);
  const base = { value, grad: unravel(g), gradNorm, xNorm, method, hessian: H };
  if (!spectrum) {
    return {
      ...base, kind: "nonFinite", critical: false, hessianNorm: NaN, eigenvalues: [], eigenvectors: null, inertia: null, condition: NaN,
      tolerances: { gtol, eigtol, grad: NaN, eigenvalue: NaN }, message: "f, its gradient or its Hessian is NaN or infinite at x",
    };
  }
  const { scaled, unit } = spectrum;
  // Loops, not Math.max(...values): a spread of ~10⁵ arguments overflows the stack.
  const top = scaled.reduce((m, l) => Math.max(m, Math.abs(l)), 0);
  const zero = eigtol * top;
  const negative = scaled.filter((l) => l < -zero).length;
  const positive = scaled.filter((l) => l > zero).length;
  const hessianNorm = top * unit;
  // ‖∇f‖ ≤ gtol·‖H‖·‖x‖ compared as ‖∇f‖/‖H‖ ≤ gtol·‖x‖, whose sides stay representable
  // where the product of norms of size 1e-300 would underflow.
  const critical = gradNorm === 0 || (hessianNorm > 0 && gradNorm / hessianNorm <= gtol * xNorm);
  const count = scaled.length;
  let kind: PointKind;
  if (!critical) kind = "notCritical";
  else if (negative > 0 && positive > 0) kind = "saddle";
  else if (positive === count) kind = "minimum";
  else if (negative === count) kind = "maximum";
  // With only the two extremes (lanczos), these two tests see every eigenvalue between them.
  else kind = "degenerate";
  const magnitudes = scaled.map(Math.abs);
  const smallest = magnitudes.reduce((m, l) => Math.min(m, l), Infinity);
  const condition = spectrum.complete || negative === count || positive === count ? (smallest === 0 ? Infinity : top / smallest) : NaN;
  const tolerances = { gtol, eigtol, grad: gtol * hessianNorm * xNorm, eigenvalue: zero * unit };
  return {
    ...base,
    kind,
    critical,
    hessianNorm,
    eigenvalues: scaled.map((l) => l * unit),
    eigenvectors: spectrum.vectors,
    inertia: spectrum.complete ? { negative, zero: count - negative - positive, positive } : null,
    condition,
    tolerances,
    message: describe(kind, gradNorm, tolerances),
  };
}

const e = (v: number) => (v === 0 ? "0" : v.toPrecision(3));

function describe(kind: PointKind, gradNorm: number, t: PointClassification<unknown>["tolerances"]): string {
  if (kind === "notCritical") return `not a critical point: ‖∇f‖ = ${e(gradNorm)} > gtol·‖H‖·‖x‖ = ${e(t.grad)}`;
  const why = {
    minimum: "every Hessian eigenvalue is positive",
    maximum: "every Hessian eigenvalue is negative",
    saddle: "the Hessian has eigenvalues of both signs",
    degenerate: "the Hessian is singular (eigenvalues within ±" + e(t.eigenvalue) + " count as zero), so second-order information cannot tell",
  }[kind as "minimum" | "maximum" | "saddle" | "degenerate"];
  return `${kind === "degenerate" ? "a degenerate critical point" : `a ${kind === "saddle" ? "saddle point" : kind}`}: ‖∇f‖ = ${e(gradNorm)} ≤ ${e(t.grad)}, and ${why}`;
}
