// Limited-memory BFGS: the inverse Hessian is applied from the last m pairs (s, y) by the
// two-loop recursion (Nocedal & Wright, Algorithm 7.4), never stored.
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { dot, norm2, updateAndDot } from "../vec.js";

interface Pair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

/**
 * −H·g, with H the L-BFGS inverse Hessian scaled initially by γ = sᵀy / yᵀy. Each pass
 * over memory applies one pair's update and, in the same loop, forms the dot product the
 * next pair needs: half the passes of the textbook form, which at large n is the cost.
 */
function twoLoop(g: Float64Array, pairs: readonly Pair[]): Float64Array {
  const m = pairs.length;
  const q = Float64Array.from(g);
  if (m === 0) {
    for (let i = 0; i < q.length; i++) q[i] = -q[i]!;
    return q;
  }
  const newest = pairs[m - 1]!;
  const gamma = dot(newest.s, newest.y) / dot(newest.y, newest.y);
  const alphas = new Float64Array(m);
  let sq = dot(newest.s, q);
  for (let k = m - 1; k >= 0; k--) {
    const { y, rho } = pairs[k]!;
    alphas[k] = rho * sq;
    // After the oldest update q is scaled by γ, and y₀ᵀq starts the second loop.
    sq = k > 0 ? updateAndDot(q, -alphas[k]!, y, 1, pairs[k - 1]!.s) : updateAndDot(q, -alphas[k]!, y, gamma, pairs[0]!.y);
  }
  let yq = sq;
  for (let k = 0; k < m; k++) {
    const { s, rho } = pairs[k]!;
    const c = alphas[k]! - rho * yq;
    if (k + 1 < m) yq = updateAndDot(q, c, s, 1, pairs[k + 1]!.y);
    else for (let i = 0; i < q.length; i++) q[i] = -(q[i]! + c * s[i]!); // the last pass also negates
  }
  return q;
}

export function lbfgs(p: Progress): Outcome {
  const { m, lr } = p.settings;
  const pairs: Pair[] = [];
  let spare: { s: Float64Array; y: Float64Array } = { s: new Float64Array(p.x.length), y: new Float64Array(p.x.length) };
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
    // s and y go into spare buffers: the pair that drops out of the history lends its own.
    const { s, y } = spare;
    for (let i = 0; i < s.length; i++) {
      s[i] = step.x[i]! - p.x[i]!;
      y[i] = step.g[i]! - p.g[i]!;
    }
    const sy = dot(s, y);
    // Keep only pairs of positive curvature, so the implied H stays positive definite.
    if (sy > Number.EPSILON * dot(y, y)) {
      pairs.push({ s, y, rho: 1 / sy });
      const dropped = pairs.length > m ? pairs.shift()! : undefined;
      spare = dropped ?? { s: new Float64Array(s.length), y: new Float64Array(s.length) };
    }
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}
