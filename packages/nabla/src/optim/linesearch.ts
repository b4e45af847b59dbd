// Line searches along one direction: φ(α) = f(x + α·d), with φ'(α) = ∇f(x + α·d)·d.
// Both searches treat a NaN or ±Inf value as "too far" and step back, and report
// failures in their result instead of throwing.

/** φ(α) → [φ(α), φ'(α)]. */
export type LineFunction = (alpha: number) => readonly [number, number];

export interface LineSearchOptions {
  /** Sufficient-decrease (Armijo) constant c1 (default 1e-4). */
  c1?: number;
  /** Curvature constant c2 of the strong Wolfe condition (default 0.9). */
  c2?: number;
  /** The first trial step (default 1). */
  alpha0?: number;
  /** The largest step tried (default 1e10). */
  alphaMax?: number;
  /** Evaluation budget of φ (default 30). */
  maxEval?: number;
  /**
   * Strong Wolfe only: a trial at `alphaMax` that satisfies the sufficient-decrease
   * condition is accepted even while φ still falls there (default false). For a step
   * capped by a feasible region (L-BFGS-B's box), where the cap is no sign that f is
   * unbounded below but the edge of what may be tried.
   */
  acceptAtMax?: boolean;
  /**
   * Strong Wolfe only: how far φ's computed values may be off by rounding (default 0).
   * A trial whose first-order change α·|φ'(0)| is below it cannot show a decrease in φ;
   * there the derivative form of sufficient decrease, φ'(α) ≤ (2c1 − 1)·φ'(0) with φ(α)
   * ≤ φ(0) + fNoise, stands in for it (Hager & Zhang's approximate Wolfe condition).
   */
  fNoise?: number;
}

/**
 * - "converged": the conditions hold at `alpha`.
 * - "notDescent": φ'(0) ≥ 0 or φ(0), φ'(0) not finite: there is nothing to search.
 * - "maxEval": the evaluation budget ran out.
 * - "nonFinite": every trial step gave NaN or ±Inf.
 * - "noProgress": the bracket shrank to floating-point resolution.
 * - "stillDecreasing" (strong Wolfe only): φ fell, steeply, at every trial while the step
 *   doubled, until the budget or alphaMax stopped it: f may be unbounded below along d.
 */
export type LineSearchStatus = "converged" | "notDescent" | "maxEval" | "nonFinite" | "noProgress" | "stillDecreasing";

/** On failure alpha is 0 and value, derivative are φ(0), φ'(0). */
export interface LineSearchResult {
  alpha: number;
  value: number;
  derivative: number;
  nfev: number;
  status: LineSearchStatus;
  success: boolean;
}

interface Trial {
  a: number;
  v: number;
  d: number;
}

const finite = (t: Trial) => Number.isFinite(t.v) && Number.isFinite(t.d);

function checkConstants(op: string, c1: number, c2: number): void {
  if (!(c1 > 0 && c1 < c2 && c2 < 1)) throw new Error(`${op}: need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}`);
}

function result(t: Trial, nfev: number): LineSearchResult {
  return { alpha: t.a, value: t.v, derivative: t.d, nfev, status: "converged", success: true };
}

function failure(status: LineSearchStatus, phi0: number, dphi0: number, nfev: number): LineSearchResult {
  return { alpha: 0, value: phi0, derivative: dphi0, nfev, status, success: false };
}

/**
 * Backtracking (Armijo) line search: tries `alpha0`, then shrinks the step by
 * safeguarded quadratic interpolation (to between 0.1 and 0.5 of the last trial) until
 * φ(α) ≤ φ(0) + c1·α·φ'(0). Only the sufficient-decrease condition is checked.
 *
 * @example
 * const phi = (a: number) => [(a - 2) ** 2, 2 * (a - 2)] as const;
 * lineSearchBacktracking(phi, 4, -4, { alpha0: 8 }).alpha; // 2: φ(8) is too high, the quadratic fit gives 2
 */
export function lineSearchBacktracking(phi: LineFunction, phi0: number, dphi0: number, opts: LineSearchOptions = {}): LineSearchResult {
  const { c1 = 1e-4, alpha0 = 1, maxEval = 30 } = opts;
  checkConstants("lineSearchBacktracking", c1, opts.c2 ?? 0.9);
  if (!(dphi0 < 0) || !Number.isFinite(phi0)) return failure("notDescent", phi0, dphi0, 0);
  let a = Math.min(alpha0, opts.alphaMax ?? 1e10);
  let sawFinite = false;
  for (let nfev = 1; nfev <= maxEval; nfev++) {
    const [v, d] = phi(a);
    const t = { a, v, d };
    if (finite(t)) {
      sawFinite = true;
      if (v <= phi0 + c1 * a * dphi0) return result(t, nfev);
      // The minimizer of the quadratic through φ(0), φ'(0) and φ(a), kept in [0.1a, 0.5a].
      const q = (-dphi0 * a * a) / (2 * (v - phi0 - dphi0 * a));
      a = Math.min(Math.max(Number.isFinite(q) ? q : 0.5 * a, 0.1 * a), 0.5 * a);
    } else {
      a *= 0.25;
    }
    // A step whose first-order change is below f's resolution cannot show a decrease.
    if (a * Math.abs(dphi0) <= Number.EPSILON * Math.abs(phi0) || a === 0) {
      return failure(sawFinite ? "noProgress" : "nonFinite", phi0, dphi0, nfev);
    }
  }
  return failure(sawFinite ? "maxEval" : "nonFinite", phi0, dphi0, maxEval);
}

/**
 * The minimizer of the cubic through (a, φa, φ'a) and (b, φb, φ'b) (Nocedal & Wright
 * eq. 3.59), or NaN when that cubic has no minimizer.
 */
function cubicMinimizer(p: Trial, q: Trial): number {
  const d1 = p.d + q.d - (3 * (p.v - q.v)) / (p.a - q.a);
  const disc = d1 * d1 - p.d * q.d;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(q.a - p.a) * Math.sqrt(disc);
  return q.a - (q.a - p.a) * ((q.d + d2 - d1) / (q.d - p.d + 2 * d2));
}

/**
 * A trial step inside the bracket [lo, hi]: the minimizer of the cubic through both ends
 * (or, when that does not exist, of the quadratic through φ(lo), φ'(lo), φ(hi)), kept at
 * least 10% of the width away from either end so that the bracket keeps shrinking. A
 * non-finite end gets a point near the finite end, to get back into f's domain fast.
 */
function zoomTrial(lo: Trial, hi: Trial): number {
  const w = hi.a - lo.a;
  if (!finite(hi)) return lo.a + 0.25 * w;
  let t = cubicMinimizer(lo, hi);
  if (!Number.isFinite(t)) t = lo.a - (lo.d * w * w) / (2 * (hi.v - lo.v - lo.d * w));
  if (!Number.isFinite(t)) return lo.a + 0.5 * w;
  const left = Math.min(lo.a, hi.a) + 0.1 * Math.abs(w);
  const right = Math.max(lo.a, hi.a) - 0.1 * Math.abs(w);
  return Math.min(Math.max(t, left), right);
}

/**
 * Line search for the strong Wolfe conditions, φ(α) ≤ φ(0) + c1·α·φ'(0) and
 * |φ'(α)| ≤ c2·|φ'(0)| (Nocedal & Wright, Algorithms 3.5 and 3.6): steps grow by
 * doubling until the minimizer is bracketed, then the bracket is zoomed with safeguarded
 * cubic interpolation.
 *
 * @example
 * const phi = (a: number) => [(a - 2) ** 2, 2 * (a - 2)] as const;
 * lineSearchStrongWolfe(phi, 4, -4, { alpha0: 3, c2: 0.1 }).alpha; // 2: the cubic fit on [0, 3] is exact
 */
export function lineSearchStrongWolfe(phi: LineFunction, phi0: number, dphi0: number, opts: LineSearchOptions = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, alpha0 = 1, alphaMax = 1e10, maxEval = 30, acceptAtMax = false, fNoise = 0 } = opts;
  checkConstants("lineSearchStrongWolfe", c1, c2);
  if (!(dphi0 < 0) || !Number.isFinite(phi0)) return failure("notDescent", phi0, dphi0, 0);
  let nfev = 0;
  let sawFinite = false;
  const evaluate = (a: number): Trial => {
    nfev++;
    const [v, d] = phi(a);
    const t = { a, v, d };
    if (finite(t)) sawFinite = true;
    return t;
  };
  const belowNoise = (t: Trial) => -t.a * dphi0 <= fNoise && t.v <= phi0 + fNoise && t.d <= (2 * c1 - 1) * dphi0;
  const armijo = (t: Trial) => t.v <= phi0 + c1 * t.a * dphi0 || belowNoise(t);
  const curvature = (t: Trial) => Math.abs(t.d) <= -c2 * dphi0;
  const fail = (status: LineSearchStatus) => failure(status === "maxEval" && !sawFinite ? "nonFinite" : status, phi0, dphi0, nfev);

  // Algorithm 3.6: lo satisfies Armijo and has the lowest φ so far; the minimizer we
  // want lies between lo and hi.
  const zoom = (lo: Trial, hi: Trial): LineSearchResult => {
    while (nfev < maxEval) {
      if (Math.abs(hi.a - lo.a) <= Number.EPSILON * Math.max(lo.a, hi.a)) return fail("noProgress");
      const t = evaluate(zoomTrial(lo, hi));
      if (!finite(t) || !armijo(t) || t.v >= lo.v) {
        hi = t;
      } else {
        if (curvature(t)) return result(t, nfev);
        if (t.d * (hi.a - lo.a) >= 0) hi = lo;
        lo = t;
      }
    }
    return fail("maxEval");
  };

  // Algorithm 3.5: grow the step until the minimizer is bracketed.
  let prev: Trial = { a: 0, v: phi0, d: dphi0 };
  let a = Math.min(alpha0, alphaMax);
  while (nfev < maxEval) {
    const t = evaluate(a);
    if (!finite(t) || !armijo(t) || (nfev > 1 && t.v >= prev.v)) return zoom(prev, t);
    if (curvature(t)) return result(t, nfev);
    if (t.d >= 0) return zoom(t, prev);
    if (a >= alphaMax) return acceptAtMax ? result(t, nfev) : fail("stillDecreasing");
    prev = t;
    a = Math.min(2 * a, alphaMax);
  }
  // Only a trial that lowered φ and was still steep gets here: f kept falling.
  return fail("stillDecreasing");
}
