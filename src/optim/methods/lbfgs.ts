// Limited-memory BFGS: the inverse Hessian is applied from the last m pairs (s, y) by the
// two-loop recursion (Nocedal & Wright, Algorithm 7.4), never stored.
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { dot, norm2, sub } from "../vec.js";

interface Pair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/** −H·g, with H the L-BFGS inverse Hessian scaled initially by γ = sᵀy / yᵀy. */
function twoLoop(g: Float64Array, pairs: readonly Pair[]): Float64Array {
  const n = g.length;
  const q = Float64Array.from(g);
  const alphas = new Float64Array(pairs.length);
  for (let k = pairs.length - 1; k >= 0; k--) {
    const { s, y, rho } = pairs[k]!;
    const a = rho * dot(s, q);
    alphas[k] = a;
    for (let i = 0; i < n; i++) q[i] = q[i]! - a * y[i]!;
  }
  const last = pairs[pairs.length - 1];
  const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1;
  for (let i = 0; i < n; i++) q[i] = gamma * q[i]!;
  for (let k = 0; k < pairs.length; k++) {
    const { s, y, rho } = pairs[k]!;
    const b = rho * dot(y, q);
    const a = alphas[k]!;
    for (let i = 0; i < n; i++) q[i] = q[i]! + (a - b) * s[i]!;
  }
  for (let i = 0; i < n; i++) q[i] = -q[i]!;
  return q;
}

export function lbfgs(p: Progress): Outcome {
  const { m, lr } = p.settings;
  const pairs: Pair[] = [];
  for (;;) {
    const d = twoLoop(p.g, pairs);
    // Without history the direction is −g, of arbitrary length: the first trial moves x
    // by about 1. With history the step is scaled by γ, and 1 is the natural trial.
    const alpha0 = pairs.length === 0 ? (lr ?? Math.min(1, 1 / norm2(p.g))) : 1;
    const step = p.search(d, alpha0);
    if (isOutcome(step)) {
      // Stale curvature pairs can give a poor direction: retry once along −g.
      if (pairs.length === 0) return step;
      pairs.length = 0;
      continue;
    }
    const s = sub(step.x, p.x);
    const y = sub(step.g, p.g);
    const sy = dot(s, y);
    // Keep only pairs of positive curvature, so the implied H stays positive definite.
    if (sy > Number.EPSILON * dot(y, y)) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > m) pairs.shift();
    }
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}
