// L-BFGS-B (Byrd, Lu, Nocedal & Zhu, "A limited memory algorithm for bound constrained
// optimization", SIAM J. Sci. Comput. 16(5), 1995), with Morales & Nocedal's 2011 remark
// on the subspace step. Each iteration: the generalized Cauchy point along the projected
// steepest-descent path, minimization of the quadratic model over the variables still
// free there (direct primal method), and a strong Wolfe line search inside the box.
//
// The L-BFGS matrix is kept in compact form, B = θI − W·M·Wᵀ with W = [Y θS] (n × 2k,
// k ≤ m pairs): only the k×k products SᵀS, SᵀY are needed to form M, and the subspace
// step needs the same products over the free variables, WᵀZZᵀW. Forming those afresh
// would cost O(m²·n) a pass; they are instead kept per slot pair and corrected for the
// few variables that change between free and fixed (the paper's section 5, `formk`).
import type { Box } from "../bounds.js";
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { memory, offer, reset } from "./lbfgsb-memory.js";
import { work } from "./lbfgsb-cauchy.js";
import { BIG, searchDirection } from "./lbfgsb-subspace.js";

/** scipy's dcsrch constants for L-BFGS-B: sufficient decrease 1e-3, curvature 0.9. */
const C1 = 1e-3;
const C2 = 0.9;

/**
 * L-BFGS-B over the box in `p.settings.bounds` (all of ℝⁿ when undefined): see the
 * file's head. Stops as `Progress.accept` decides, on the projected gradient; a run whose
 * last search fails only because f cannot fall further in floating point ends "stalled",
 * with success, as scipy's does.
 *
 * @example
 * // Through minimize: rosen on x₁ ≤ 0.5 from (−1.2, 1) ends at (0.5, 0.25).
 * minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds: [-Infinity, np.array([0.5, Infinity])] });
 */
export function lbfgsb(p: Progress): Outcome {
  const n = p.x.length;
  const box = p.settings.bounds ?? { lo: new Float64Array(n).fill(-Infinity), hi: new Float64Array(n).fill(Infinity), constrained: false, boxed: false };
  const h = memory(p.settings.m, n);
  const w = work(n);
  for (;;) {
    const { slope, size, stpmax } = searchDirection(p.x, p.g, box, h, w);
    // scipy's rules (lnsrlb): in a box the first step is at most 1 (x̄ itself), later ones
    // at most the distance to the box's edge along d; the first trial is 1/‖d‖ unless every
    // variable has both bounds (then x̄ is on the scale of the box), later trials 1.
    const first = p.nit === 0;
    const alphaMax = box.constrained ? (first ? 1 : stpmax) : undefined;
    const alpha0 = first ? (p.settings.lr ?? (box.boxed ? 1 : Math.min(1 / size, alphaMax ?? BIG))) : 1;
    // Near a minimizer f's changes sink below its rounding: the search then judges
    // decrease by the derivative along d (as trust-ncg's ratio adds the same 10ε·|f|).
    const fNoise = 10 * Number.EPSILON * Math.max(1, Math.abs(p.f));
    const step = p.search(w.d, alpha0, C2, "strong-wolfe", slope, { c1: C1, fNoise, ...(alphaMax === undefined ? {} : { alphaMax }) });
    if (isOutcome(step)) {
      // Stale pairs can give a poor direction: start the memory over once, as scipy does.
      if (h.count > 0) {
        reset(h);
        continue;
      }
      return -slope <= fNoise && step.status === "lineSearchFailed" ? atFloor(p, slope, fNoise) : step;
    }
    offer(h, step.x, p.x, step.g, p.g);
    const previous = p.x;
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
    p.recycle(previous);
  }
}

/**
 * The end of a run whose last search failed only because f cannot fall any further in
 * floating point: the whole step's predicted change |∇fᵀd| is below f's rounding. scipy
 * reports success there (its relative-reduction test passes when f stops changing, even
 * with ftol = 0), and so do we, as "stalled".
 */
function atFloor(p: Progress, slope: number, fNoise: number): Outcome {
  const measure = p.settings.bounds ? "projected gradient ‖P(x − ∇f) − x‖∞" : "‖∇f‖∞";
  const e = (v: number) => v.toExponential(2);
  return p.end("stalled", true, `f reached its floating-point floor: the step of iteration ${p.nit + 1} predicts a change |∇fᵀd| = ${e(-slope)} below f's rounding 10ε·|f| = ${e(fNoise)}; ${measure} = ${e(p.gradNorm)} (gtol = ${p.settings.gtol})`);
}

/**
 * As in vec.ts: V8 compiles a long loop while it runs (on-stack replacement) with the type
 * feedback seen so far, and the code after the loop, with none yet, deoptimizes on every
 * later call (each iteration's pass at n = 1e5 then runs in the interpreter). A few
 * iterations on a small box first give every path its feedback; results are unaffected.
 */
function warmUp(): void {
  const n = 6;
  const box: Box = { lo: Float64Array.of(-1, -Infinity, 0, -2, -Infinity, -1), hi: Float64Array.of(1, 0.5, Infinity, 2, Infinity, 1), constrained: true, boxed: false };
  for (let rep = 0; rep < 20; rep++) {
    const h = memory(3, n);
    const w = work(n);
    let x = Float64Array.of(0.5, 0, 1, -1, 3, 0.9);
    let g = Float64Array.of(1, -2, 0.5, 3, -1, -4);
    for (let it = 0; it < 6; it++) {
      searchDirection(x, g, box, h, w);
      // A step along d on the quadratic with Hessian diag(1, …, 6): positive curvature.
      const x1 = x.map((v, i) => v + 0.5 * w.d[i]!);
      const g1 = g.map((v, i) => v + (i + 1) * (x1[i]! - x[i]!));
      offer(h, x1, x, g1, g);
      [x, g] = [x1, g1];
    }
  }
}
warmUp();
