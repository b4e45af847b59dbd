// The curvature at the point where a run converged. ‖∇f‖∞ ≤ gtol holds at saddles and
// maxima too, so "converged" alone would be a success that second-order information can
// contradict: minimize probes the Hessian's extreme eigenvalues there, and either leaves
// along a direction of negative curvature (the methods that use the Hessian) or reports
// the saddle (the others).
import { np } from "../core/index.js";
import { eigh, lanczos } from "../linalg/index.js";
import type { FlatObjective } from "./objective.js";
import { isOutcome, type Outcome, type Progress, type Step } from "./progress.js";
import type { CurvatureCheck } from "./types.js";
import { addScaled, allFinite, dot } from "./vec.js";

/**
 * An eigenvalue λ counts as zero when |λ| ≤ CURVATURE_RTOL·max|λ|, as negative below
 * that: relative, so that f and 1e-10·f have the same kind of critical points.
 */
export const CURVATURE_RTOL = 1e-8;

/** The largest number of parameters for which first-order methods check curvature by default. */
export const CURVATURE_CHECK_MAX_N = 100;

/** At most this many Hessian-vector products per Lanczos probe (the Krylov dimension). */
const LANCZOS_STEPS = 50;

/** What a probe found: the record for the result, and a unit eigenvector of the smallest eigenvalue. */
interface Probe {
  check: CurvatureCheck;
  /** The smallest eigenvalue is clearly negative: a direction of descent even where ∇f = 0. */
  negative: boolean;
  direction: Float64Array;
}

/** The kind of point from the extreme eigenvalues, compared relative to max|λ| (scale-free). */
function kindOf(lo: number, hi: number): CurvatureCheck["kind"] {
  const zero = CURVATURE_RTOL * Math.max(Math.abs(lo), Math.abs(hi));
  if (lo < -zero && hi > zero) return "saddle";
  if (lo > zero) return "minimum";
  if (hi < -zero) return "maximum";
  return "degenerate";
}

/** A power of two near max|aᵢ| (1 for a zero vector): dividing by it is exact. */
function unitOf(a: Float64Array): number {
  let big = 0;
  for (const v of a) big = Math.max(big, Math.abs(v));
  return big > 0 && Number.isFinite(big) ? 2 ** Math.floor(Math.log2(big)) : 1;
}

/**
 * The Hessian's eigenvalues at x from `eigh`, after scaling H to entries of order one
 * (exact, by a power of two), so a Hessian of size 1e-300 or 1e300 is judged the same.
 */
function denseProbe(objective: FlatObjective<unknown>, x: Float64Array): Probe | string {
  const n = x.length;
  const h = objective.hessian(x).toFloat64Array();
  if (!allFinite(h)) return "the Hessian is not finite there";
  const unit = unitOf(h);
  // Symmetrized: forward-over-reverse Hessians agree with their transpose only to rounding.
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = (h[i * n + j]! + h[j * n + i]!) / 2 / unit;
  const [w, V] = eigh(np.reshape(np.array(scaled), [n, n]));
  const values = w.toFloat64Array();
  const vectors = V.toFloat64Array();
  const lo = values[0]!;
  const hi = values[n - 1]!;
  const direction = Float64Array.from({ length: n }, (_, i) => vectors[i * n]!);
  const check: CurvatureCheck = { kind: kindOf(lo, hi), minEigenvalue: lo * unit, maxEigenvalue: hi * unit, method: "dense", converged: true, nhev: 1 };
  return { check, negative: lo < -CURVATURE_RTOL * Math.max(-lo, hi), direction };
}

/**
 * The extreme eigenvalues at x from Lanczos on Hessian-vector products. Ritz values lie
 * inside the spectrum, so a negative smallest one is negative curvature for certain,
 * converged or not.
 */
function lanczosProbe(objective: FlatObjective<unknown>, x: Float64Array): Probe | string {
  const n = x.length;
  const before = objective.nhev;
  let lo: number, hi: number, direction: Float64Array, converged: boolean;
  try {
    if (n === 1) {
      lo = hi = objective.hvp(x, Float64Array.of(1))[0]!;
      direction = Float64Array.of(1);
      converged = Number.isFinite(lo);
    } else {
      const product = (v: np.ArrayLike) => np.array(objective.hvp(x, np.asArray(v).toFloat64Array()));
      const r = lanczos(product, n, { k: 1, which: "both", maxIter: Math.min(n, LANCZOS_STEPS) });
      [lo, hi] = r.values.toFloat64Array() as unknown as [number, number];
      const columns = r.vectors.toFloat64Array();
      direction = Float64Array.from({ length: n }, (_, i) => columns[2 * i]!);
      converged = r.converged;
    }
  } catch (e) {
    // A non-finite product (lanczos throws), or an f without forward mode (customVjp):
    // nothing to judge by, and no product was delivered.
    objective.nhev = before;
    return `Hessian-vector products failed: ${((e as Error).message ?? String(e)).split("\n")[0]}`;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return "the Hessian is not finite there";
  const check: CurvatureCheck = { kind: kindOf(lo, hi), minEigenvalue: lo, maxEigenvalue: hi, method: "lanczos", converged, nhev: objective.nhev - before };
  return { check, negative: lo < -CURVATURE_RTOL * Math.max(-lo, hi), direction };
}

/**
 * A step along the unit direction d of negative curvature λ < 0 (turned downhill), by
 * backtracking from length 1 until f falls by a fraction of what the quadratic model
 * promises, α·gᵀd + ½α²λ < 0, which holds for small α even where ∇f = 0 (Moré &
 * Sorensen's second-order Armijo condition). Undefined when no tried step decreases f.
 */
function escapeStep(p: Progress, d: Float64Array, lambda: number): Step | Outcome | undefined {
  let gd = dot(p.g, d);
  const dir = gd > 0 ? d.map((v) => -v) : d;
  gd = -Math.abs(gd);
  let alpha = 1;
  // 60 halvings reach a step of 1e-18, below any x's resolution at unit scale.
  for (let trial = 0; trial < 60; trial++, alpha /= 2) {
    if (p.objective.nfev >= p.settings.maxEval) return p.end("maxEval", false, `reached maxEval = ${p.settings.maxEval} evaluations while stepping off a saddle point`);
    const x = addScaled(p.x, alpha, dir);
    const { f, g } = p.objective.valueAndGrad(x);
    const promised = alpha * gd + 0.5 * alpha * alpha * lambda;
    if (Number.isFinite(f) && allFinite(g) && f - p.f <= 1e-4 * promised && f < p.f) return { alpha, x, f, g };
  }
  return undefined;
}

const fmt = (v: number) => v.toPrecision(3);
const range = (c: CurvatureCheck) => `Hessian eigenvalues from ${fmt(c.minEigenvalue)} to ${fmt(c.maxEigenvalue)}`;

/** The kind of a point with negative curvature, in words. */
const pointName = (c: CurvatureCheck) => (c.kind === "maximum" ? "a maximum" : c.kind === "saddle" ? "a saddle point" : "a critical point with negative curvature");

/** "converged", but at a point with negative curvature: not a minimum, and not a success. */
function saddle(p: Progress, c: CurvatureCheck, why: string): Outcome {
  return p.end("saddle", false, `‖∇f‖∞ = ${p.gradNorm.toExponential(2)} ≤ gtol = ${p.settings.gtol} at ${pointName(c)}, not a minimum (${range(c)}); ${why}`);
}

/** How `settle` runs: which probe, and whether the method may step off a saddle and go on. */
export interface SettleOptions {
  /** The method's name, for messages. */
  method: string;
  probe: "dense" | "lanczos";
  escape: boolean;
  /** Continues the method from the current iterate after an escape step. */
  resume: (p: Progress) => Outcome;
}

/**
 * Takes a run's outcome and, when it is "converged", checks the curvature there: a
 * minimum keeps the outcome; a singular Hessian keeps it with a note; negative curvature
 * either sends the method on from a step along it (`escape`), or ends as "saddle".
 * Returns the final outcome and the last check (made at the returned x).
 */
export function settle(p: Progress, first: Outcome, opts: SettleOptions): { outcome: Outcome; curvature?: CurvatureCheck } {
  let outcome = first;
  const escapes: string[] = [];
  const left = () => {
    if (escapes.length === 0) return "";
    const listed = escapes.length <= 3 ? escapes.slice(0, -1).join(", ") + (escapes.length > 1 ? " and " : "") + escapes[escapes.length - 1] : `${escapes.length} critical points that were not minima`;
    return `; left ${listed} along negative curvature`;
  };
  for (;;) {
    if (outcome.status !== "converged") return { outcome: { ...outcome, message: outcome.message + left() } };
    const probe = opts.probe === "dense" ? denseProbe(p.objective, p.x) : lanczosProbe(p.objective, p.x);
    if (typeof probe === "string") return { outcome: { ...outcome, message: `${outcome.message}; the curvature there was not checked (${probe})${left()}` } };
    const c = probe.check;
    if (!probe.negative) {
      const note =
        c.kind === "degenerate" ? `; the Hessian there is singular to within ${CURVATURE_RTOL} relative (${range(c)}), so second-order information cannot confirm a minimum` : "";
      return { outcome: { ...outcome, message: outcome.message + note + left() }, curvature: c };
    }
    if (!opts.escape) return { outcome: saddle(p, c, `${opts.method} follows gradients only and stays there: try newton, newton-cg or trust-ncg, or another start`), curvature: c };
    if (p.nit >= p.settings.maxIter) return { outcome: saddle(p, c, `maxIter = ${p.settings.maxIter} leaves no iteration to step off it`), curvature: c };
    const step = escapeStep(p, probe.direction, c.minEigenvalue);
    if (step === undefined) return { outcome: saddle(p, c, "no step along the direction of negative curvature decreased f"), curvature: c };
    if (isOutcome(step)) return { outcome: step, curvature: c };
    escapes.push(`${pointName(c)} at iteration ${p.nit}`);
    outcome = p.accept(step.x, step.f, step.g) ?? opts.resume(p);
  }
}
