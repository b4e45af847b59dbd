// First-order methods: gradient descent (fixed step, schedule, or line search), heavy-ball
// momentum, Nesterov momentum and Adam. One gradient per iteration for the fixed-step ones.
// With bounds each step is projected onto the box (projected gradient methods; gd's
// fixed step is projected by Progress.search).
import { isOutcome, type Outcome, type Progress, type Settings } from "../progress.js";
import { checkNumber, NON_NEGATIVE } from "../validate.js";
import { dot, norm2, scale } from "../vec.js";

/** The step size of iteration k: the schedule's value (checked: a user's function), or the fixed lr. */
function stepSize(s: Settings, k: number): number {
  return s.schedule ? checkNumber("minimize", `schedule(${k})`, s.schedule(k), NON_NEGATIVE) : s.lr!;
}

/** x ← x − lr·g, or a line search along −g. */
export function gd(p: Progress): Outcome {
  const s = p.settings;
  let previous: { alpha: number; dphi: number } | undefined;
  for (;;) {
    const d = scale(-1, p.g);
    const dphi = -dot(p.g, p.g);
    // With a line search, the first trial assumes the last step's first-order decrease
    // repeats (Nocedal & Wright eq. 3.60); the very first moves x by about 1.
    const alpha0 =
      s.lineSearch === "none" ? stepSize(s, p.nit) : previous ? (previous.alpha * previous.dphi) / dphi : (s.lr ?? Math.min(1, 1 / norm2(p.g)));
    const step = p.search(d, alpha0);
    if (isOutcome(step)) return step;
    previous = { alpha: step.alpha, dphi };
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}

/**
 * Heavy ball in optax's form: v ← g + b1·v, x ← x − lr·v; with `nesterov` the step is
 * lr·(g + b1·v) (Sutskever's reformulation, so the gradient is taken at the iterate).
 */
export function momentum(p: Progress, nesterov = false): Outcome {
  const s = p.settings;
  const n = p.x.length;
  const v = new Float64Array(n);
  for (;;) {
    const lr = stepSize(s, p.nit);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      v[i] = p.g[i]! + s.b1 * v[i]!;
      const direction = nesterov ? p.g[i]! + s.b1 * v[i]! : v[i]!;
      x[i] = p.x[i]! - lr * direction;
    }
    const { f, g } = p.objective.valueAndGrad(p.inBox(x));
    const stop = p.accept(x, f, g);
    if (stop) return stop;
  }
}

/** Adam (Kingma & Ba) with bias-corrected moments: x ← x − lr·m̂/(√v̂ + eps). */
export function adam(p: Progress): Outcome {
  const s = p.settings;
  const n = p.x.length;
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  for (;;) {
    const t = p.nit + 1;
    const lr = stepSize(s, p.nit);
    const c1 = 1 - s.b1 ** t;
    const c2 = 1 - s.b2 ** t;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const gi = p.g[i]!;
      m[i] = s.b1 * m[i]! + (1 - s.b1) * gi;
      v[i] = s.b2 * v[i]! + (1 - s.b2) * gi * gi;
      x[i] = p.x[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + s.eps);
    }
    const { f, g } = p.objective.valueAndGrad(p.inBox(x));
    const stop = p.accept(x, f, g);
    if (stop) return stop;
  }
}

