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
  /** Relative gradient tolerance (default 1e-8): x is critical when ‖∇f‖₂ ≤ gtol·‖H‖₂·max(‖x‖₂, xScale). */
  gtol?: number;
  /** The same as `gtol` (the name the landscape issue uses); give one of the two. */
  gradTol?: number;
  /** Relative eigenvalue tolerance (default 1e-8): λ counts as zero when |λ| ≤ eigtol·max(max|λ|, hScale). */
  eigtol?: number;
  /** The same as `eigtol`; give one of the two. */
  eigTol?: number;
  /**
   * The Hessian's typical size over the region of interest (default 0): an eigenvalue counts
   * as zero when |λ| ≤ eigtol·max(max|λ|, hScale). Near a point where H vanishes (x⁴ + y⁴
   * at 0) every eigenvalue is tiny, and compared with the others alone none would be zero;
   * `findCriticalPoints` passes the median ‖H‖_F at its starts.
   */
  hScale?: number;
  /**
   * "dense": the Hessian and all its eigenvalues (`eigh`); "lanczos": the smallest and
   * largest eigenvalue from Hessian-vector products (`linalg.lanczos`), for large x.
   * Default: dense up to 200 elements.
   */
  method?: "dense" | "lanczos";
  /**
   * The problem's length (default 0): the critical test uses max(‖x‖₂, xScale) for ‖x‖₂,
   * so that near x = 0 a point is resolved to this length rather than to its own size
   * (`findCriticalPoints` passes the box's diagonal). It is also the plateau's length.
   */
  xScale?: number;
  /** f's scale for the plateau test (default |f(x)|; `findCriticalPoints` passes f's spread over its starts). */
  fScale?: number;
  /** Relative tolerance of the plateau test (default 1e-4; see `PointClassification.plateau`). */
  plateauTol?: number;
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
  /**
   * The Morse index: how many eigenvalues are negative (beyond the zero tolerance); 0 at a
   * minimum, n at a maximum. With "lanczos" NaN where the extremes do not settle it (a saddle).
   */
  index: number;
  /**
   * max|λ|/min|λ| over all eigenvalues: Infinity when some λ is exactly 0 (an eigenvalue
   * merely within the zero tolerance keeps its ratio); with "lanczos", NaN unless the
   * extremes share a sign.
   */
  condition: number;
  /**
   * f is flat here to second order, on f's own scale: the quadratic model changes f by at
   * most plateauTol·S within a distance L of x, that is ‖∇f‖·L + ½‖H‖·L² ≤ plateauTol·S,
   * with S = fScale (default |f(x)|) and L = max(‖x‖₂, xScale), or 1 when both are 0.
   * Multiplying f by c ≠ 0 leaves it unchanged (given fScale scaled alike).
   */
  plateau: boolean;
  /**
   * A valley floor: a few flat directions and many sharp ones. The rule: at least one
   * eigenvalue is zero (within the eigenvalue tolerance), at most half of them are, and all
   * the others are positive (f rises away from the floor). x² + y⁴ at 0 is one; so is
   * x² + y² + z⁴, but not x⁴ + y⁴ (all flat) nor x² − y² + z⁴ (curving down). "dense" only:
   * false with "lanczos", which sees two eigenvalues.
   */
  valley: boolean;
  /** The relative tolerances used, and the absolute thresholds they gave at x. */
  tolerances: { gtol: number; eigtol: number; grad: number; eigenvalue: number };
  method: "dense" | "lanczos";
  /** One sentence saying what x is, and why. */
  message: string;
}

function relativeTolerance(name: string, v: number | undefined, fallback = 1e-8): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !(v >= 0 && v < 1)) throw new Error(`classifyPoint: ${name} must be a number in [0, 1), got ${String(v)}`);
  return v;
}

/** An option under either of its two names (gtol or gradTol), checked; both given must agree. */
function aliased(names: [string, string], a: number | undefined, b: number | undefined): number {
  if (a !== undefined && b !== undefined && a !== b) throw new Error(`classifyPoint: ${names[0]} and ${names[1]} are one option; got ${String(a)} and ${String(b)}`);
  return a !== undefined ? relativeTolerance(names[0], a) : relativeTolerance(names[1], b);
}

function scaleOption(name: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !(v >= 0) || v === Infinity) throw new Error(`classifyPoint: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  return v;
}

/** The options as classifyPoint uses them, checked. */
export interface JudgeOptions {
  gtol: number;
  eigtol: number;
  xScale: number;
  hScale: number;
  fScale: number | undefined;
  plateauTol: number;
}

/** Reads and checks ClassifyOptions' tolerances and scales (not `method`). */
export function judgeOptions(opts: ClassifyOptions): JudgeOptions {
  if (typeof opts !== "object" || opts === null) throw new Error(`classifyPoint: options must be an object, got ${String(opts)}`);
  return {
    gtol: aliased(["gtol", "gradTol"], opts.gtol, opts.gradTol),
    eigtol: aliased(["eigtol", "eigTol"], opts.eigtol, opts.eigTol),
    xScale: scaleOption("xScale", opts.xScale) ?? 0,
    hScale: scaleOption("hScale", opts.hScale) ?? 0,
    fScale: scaleOption("fScale", opts.fScale),
    plateauTol: relativeTolerance("plateauTol", opts.plateauTol, 1e-4),
  };
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
 * All eigenpairs of the n×n Hessian `data` (row-major), computed on H/s for a power of two
 * s near max|Hᵢⱼ| (exact), so that Householder norms and shifts inside eigh neither
 * overflow for a Hessian of size 1e300 nor underflow for one of size 1e-300, as LAPACK
 * scales its input.
 */
function denseSpectrum(data: Float64Array, n: number): Spectrum | null {
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

/** classifyPoint's record without what depends on x's structure (grad, hessian, method). */
export type Judgement = Omit<PointClassification<unknown>, "grad" | "hessian" | "method">;

/**
 * The judgement of classifyPoint from f's value, gradient and Hessian at the flat point x,
 * for a caller that computed them itself (findCriticalPoints, with compiled derivatives).
 */
export function judgeDense(value: number, g: Float64Array, H: Float64Array, x: Float64Array, opts: JudgeOptions): Judgement {
  const finite = Number.isFinite(value) && g.every(Number.isFinite);
  return judge(value, g, x, finite ? denseSpectrum(H, x.length) : null, opts);
}

/**
 * Whether f has a critical point at x (any pytree), and of what kind, judged relative to
 * f's own scale. With H the Hessian at x and ‖H‖₂ = max|λ|:
 *
 * - x is critical when ‖∇f(x)‖₂ ≤ gtol·‖H‖₂·max(‖x‖₂, xScale): ∇f is no larger than a
 *   relative change of gtol in x would make it along the stiffest direction. Multiplying f
 *   by any c ≠ 0 (1e-10, 1e300) or x by any s (and xScale with it) leaves the answer
 *   unchanged; shifting x does not, as floating point resolves x relative to its size. At
 *   x = 0 without xScale only ∇f = 0 counts.
 * - An eigenvalue counts as zero when |λ| ≤ eigtol·max(max|λ|, hScale); an all-zero Hessian is
 *   "degenerate". The kind follows from the signs of the others (see `PointKind`; a point
 *   where ∇f ≠ 0 keeps the spelling "notCritical"), `index` counts the negative ones, and
 *   `plateau` and `valley` say whether x is flat to second order or on a valley floor.
 *
 * The Hessian is scaled by a power of two before `eigh` (exact), so Hessians of size
 * 1e-300 or 1e300 classify as their unit-size multiples do. Defaults: gtol = eigtol = 1e-8
 * (also accepted as gradTol and eigTol), xScale = hScale = 0, plateauTol = 1e-4.
 *
 * @example
 * const f = (v: Array) => v.slice(0).pow(3).sub(v.slice(0).mul(3)).add(v.slice(1).square()); // x³ − 3x + y²
 * classifyPoint(f, np.array([-1, 0])).kind;            // "saddle": eigenvalues −6 and 2, index 1
 * classifyPoint((v: Array) => f(v).mul(1e-10), np.array([1, 0])).kind; // "minimum", at any scale
 * classifyPoint((v: Array) => v.slice(0).square().add(v.slice(1).pow(4)), np.array([0, 0])).kind; // "degenerate" (x² + y⁴), a valley
 */
export function classifyPoint<T>(f: (x: GradOf<T>) => Array | number, x: T, opts: ClassifyOptions = {}): PointClassification<T> {
  if (typeof f !== "function") throw new Error(`classifyPoint: f must be a function, got ${typeof f}`);
  const judged = judgeOptions(opts);
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
  const finite = Number.isFinite(value) && gData.every(Number.isFinite);
  // Formed even where f is not finite, for whoever shows it.
  const H = method === "dense" ? np.astype(hessian(fFlat)(point), "float64") : null;
  const spectrum = !finite ? null : H ? denseSpectrum(H.toFloat64Array(), n) : lanczosSpectrum(jit((u: Array) => hvp(fFlat, point, u)), n);
  return { ...judge(value, gData, point.toFloat64Array(), spectrum, judged), grad: unravel(g), method, hessian: H };
}

/** The kind of x and the rest of the record, from f's value, ∇f and the Hessian's spectrum (null: not finite). */
function judge(value: number, gData: Float64Array, xData: Float64Array, spectrum: Spectrum | null, opts: JudgeOptions): Judgement {
  const { gtol, eigtol, xScale, hScale } = opts;
  const gradNorm = norm(gData);
  const xNorm = norm(xData);
  const base = { value, gradNorm, xNorm };
  if (!spectrum) {
    return {
      ...base, kind: "nonFinite", critical: false, hessianNorm: NaN, eigenvalues: [], eigenvectors: null, inertia: null, index: NaN, condition: NaN,
      plateau: false, valley: false, tolerances: { gtol, eigtol, grad: NaN, eigenvalue: NaN }, message: "f, its gradient or its Hessian is NaN or infinite at x",
    };
  }
  const { scaled, unit } = spectrum;
  // Loops, not Math.max(...values): a spread of ~10⁵ arguments overflows the stack.
  const top = scaled.reduce((m, l) => Math.max(m, Math.abs(l)), 0);
  const zero = eigtol * Math.max(top, hScale / unit);
  const negative = scaled.filter((l) => l < -zero).length;
  const positive = scaled.filter((l) => l > zero).length;
  const hessianNorm = top * unit;
  const length = Math.max(xNorm, xScale);
  // ‖∇f‖ ≤ gtol·‖H‖·‖x‖ compared as ‖∇f‖/‖H‖ ≤ gtol·‖x‖, whose sides stay representable
  // where the product of norms of size 1e-300 would underflow.
  const critical = gradNorm === 0 || (hessianNorm > 0 && gradNorm / hessianNorm <= gtol * length);
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
  const zeros = count - negative - positive;
  // With the extremes alone, the index is known only when none or all are negative.
  const index = spectrum.complete ? negative : negative === 0 ? 0 : negative === count ? spectrum.vectors.shape[0]! : NaN;
  const valley = spectrum.complete && zeros >= 1 && zeros <= count / 2 && negative === 0;
  const tolerances = { gtol, eigtol, grad: gtol * hessianNorm * length, eigenvalue: zero * unit };
  return {
    ...base,
    kind,
    critical,
    hessianNorm,
    eigenvalues: scaled.map((l) => l * unit),
    eigenvectors: spectrum.vectors,
    inertia: spectrum.complete ? { negative, zero: zeros, positive } : null,
    index,
    condition,
    plateau: isPlateau(value, gradNorm, hessianNorm, length, opts),
    valley,
    tolerances,
    message: describe(kind, gradNorm, tolerances),
  };
}

/** ‖∇f‖·L + ½‖H‖·L² ≤ plateauTol·S, with each term divided by S first (no overflow or underflow through S). */
function isPlateau(value: number, gradNorm: number, hessianNorm: number, length: number, opts: JudgeOptions): boolean {
  const S = opts.fScale ?? Math.abs(value);
  const L = length > 0 ? length : 1;
  if (S === 0) return gradNorm === 0 && hessianNorm === 0;
  return (gradNorm / S) * L + 0.5 * ((hessianNorm / S) * L) * L <= opts.plateauTol;
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
