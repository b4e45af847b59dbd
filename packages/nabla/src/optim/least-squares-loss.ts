// Robust losses for leastSquares, scipy.optimize.least_squares's definitions: the cost is
// ½·C²·Σ ρ(zᵢ) with zᵢ = (rᵢ/C)², C = fScale, so a residual much smaller than C counts as
// ½rᵢ² and a larger one less (an outlier's pull is capped). The trust-region methods
// stay Gauss–Newton methods on the rescaled residuals and Jacobian of Triggs et al.,
// "Bundle adjustment — a modern synthesis" (2000), as scipy's scale_for_robust_loss_function.
import { checkNumber, POSITIVE, shown } from "./validate.js";

/** ρ(z) with z = (r/fScale)²: "linear" is ρ(z) = z (ordinary least squares). */
export type LossName = "linear" | "huber" | "soft_l1" | "cauchy" | "arctan";

/** ρ(z), ρ′(z), ρ″(z) of each loss (ρ(0) = 0, ρ′(0) = 1: small residuals count as in least squares). */
const LOSSES: Record<Exclude<LossName, "linear">, (z: number) => [number, number, number]> = {
  // z for |r| ≤ C, then 2√z − 1: linear in |r| beyond C.
  huber: (z) => (z <= 1 ? [z, 1, 0] : [2 * Math.sqrt(z) - 1, 1 / Math.sqrt(z), -0.5 * z ** -1.5]),
  // 2(√(1 + z) − 1): a smooth Huber.
  soft_l1: (z) => [2 * (Math.sqrt(1 + z) - 1), 1 / Math.sqrt(1 + z), -0.5 * (1 + z) ** -1.5],
  // log(1 + z): an outlier's weight falls like 1/r².
  cauchy: (z) => [Math.log1p(z), 1 / (1 + z), -1 / (1 + z) ** 2],
  // arctan(z): the cost of one residual is at most π/2·C²/2.
  arctan: (z) => [Math.atan(z), 1 / (1 + z * z), (-2 * z) / (1 + z * z) ** 2],
};

const LOSS_NAMES = ["linear", ...Object.keys(LOSSES)] as const;

/** A robust loss with its scale: the cost of residuals, and the Gauss–Newton rescaling. */
export interface RobustLoss {
  /** ½·C²·Σ ρ((rᵢ/C)²). */
  cost(r: Float64Array): number;
  /**
   * Residuals and Jacobian (row-major m×n) rescaled so that ½‖r̃‖² has the loss's
   * gradient J̃ᵀr̃ = Σ ρ′·rᵢ·∇rᵢ and J̃ᵀJ̃ is the Gauss–Newton part of its Hessian.
   */
  rescale(r: Float64Array, J: Float64Array, n: number): { r: Float64Array; J: Float64Array };
}

/**
 * The loss named `name` with scale `fScale`, or undefined for "linear" (plain least
 * squares, where fScale has no effect); throws a one-line error naming a bad option.
 *
 * @example
 * robustLoss("leastSquares", "huber", 2)!.cost(Float64Array.of(1, 10)); // ½·1 + (2·2·10 − 4)/2 = 18.5
 */
export function robustLoss(op: string, name: unknown, fScale: unknown): RobustLoss | undefined {
  if (name !== undefined && !(LOSS_NAMES as readonly unknown[]).includes(name)) {
    throw new Error(`${op}: unknown loss ${shown(name)}; use ${LOSS_NAMES.map((l) => JSON.stringify(l)).join(", ")}`);
  }
  const C = fScale === undefined ? 1 : checkNumber(op, "fScale", fScale, POSITIVE);
  if (name === undefined || name === "linear") return undefined;
  const rho = LOSSES[name as keyof typeof LOSSES];
  return {
    cost: (r) => 0.5 * C * C * r.reduce((sum, ri) => sum + rho((ri / C) ** 2)[0], 0),
    rescale(r, J, n) {
      const rOut = new Float64Array(r.length);
      const JOut = new Float64Array(J.length);
      for (let i = 0; i < r.length; i++) {
        const [, d1, d2] = rho((r[i]! / C) ** 2);
        // ρ′ + 2ρ″r²/C² is the curvature of the loss along rᵢ; where it is ≤ 0 (past an
        // inflection) a tiny positive value keeps J̃ finite, as scipy does with EPS.
        const w = Math.sqrt(Math.max(d1 + (2 * d2 * r[i]! ** 2) / (C * C), Number.EPSILON));
        rOut[i] = (d1 / w) * r[i]!;
        for (let j = 0; j < n; j++) JOut[i * n + j] = w * J[i * n + j]!;
      }
      return { r: rOut, J: JOut };
    },
  };
}
