// Newton's method with the exact Hessian: solve (H + τI)·p = −g by Cholesky, with τ = 0
// when H is positive definite and the smallest tried multiple of I otherwise, then a
// line search (Nocedal & Wright, Algorithm 3.3 for the damping).
import { nrm2 } from "../../array/index.js";
import { np, type Array } from "../../core/index.js";
import { cholesky, choSolve } from "../../linalg/index.js";
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { allFinite } from "../vec.js";

/**
 * The Cholesky factor of H + τI for the first τ that works in 0, τ₀, 2τ₀, 4τ₀, … with
 * β = 10⁻³·‖H‖_F (10⁻³ when H = 0) and τ₀ = max(β, β − min hᵢᵢ): a negative diagonal
 * entry is lifted to β first, then τ doubles until the factorization succeeds.
 */
export function dampedCholesky(h: Array): { factor: Array; tau: number } | undefined {
  const n = h.shape[0]!;
  const data = h.toFloat64Array();
  let minDiagonal = Infinity;
  for (let i = 0; i < n; i++) minDiagonal = Math.min(minDiagonal, data[i * n + i]!);
  // Scale-safe, so a Hessian of size 1e200 does not give β = Infinity.
  const beta = 1e-3 * (nrm2(data) || 1);
  let tau = 0;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const factor = cholesky(tau === 0 ? h : np.add(h, np.mul(tau, np.eye(n))));
      if (allFinite(factor.toFloat64Array())) return { factor, tau };
    } catch (e) {
      if (!/not positive definite/.test((e as Error).message)) throw e;
    }
    tau = tau === 0 ? Math.max(beta, beta - minDiagonal) : 2 * tau;
  }
  // Only a Hessian with entries near overflow gets here.
  return undefined;
}

export function newton(p: Progress): Outcome {
  for (;;) {
    const h = p.objective.hessian(p.x);
    if (!allFinite(h.toFloat64Array())) return p.end("nonFinite", false, `the Hessian is NaN or infinite at iteration ${p.nit}; x is the last finite iterate`);
    const damped = dampedCholesky(h);
    if (!damped) return p.end("nonFinite", false, `the damped Hessian overflowed at iteration ${p.nit}; x is the last finite iterate`);
    const factor = damped.factor;
    const d = choSolve(factor, np.array(p.g)).toFloat64Array().map((v) => -v);
    const step = p.search(d, p.settings.lr ?? 1);
    if (isOutcome(step)) return step;
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}
