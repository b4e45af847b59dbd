// The trust-region subproblem of leastSquares's "lm": the linear model ‖r + J·p‖² within
// ‖D·p‖ ≤ Δ, solved through one SVD of J·D⁻¹ per Jacobian (Moré, "The Levenberg–Marquardt
// algorithm: implementation and theory", 1978), the damping λ by Newton's method on
// 1/‖D·p(λ)‖.
import { Storage } from "../array/index.js";
import { ConcreteArray, np } from "../core/index.js";
import { svd } from "../linalg/index.js";

/**
 * ‖v‖₂, scaled by the largest entry so that squares neither overflow nor underflow (the
 * norm "lm" has always used: its runs are kept bit for bit).
 *
 * @example
 * norm(Float64Array.of(3e200, 4e200)); // 5e200
 */
export function norm(v: ArrayLike<number>): number {
  const big = normInf(v);
  if (big === 0 || !Number.isFinite(big)) return big;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! / big) ** 2;
  return big * Math.sqrt(s);
}
function normInf(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
/**
 * The linear model ‖r + J·p‖² in the scaled variables q = D·p, through the SVD
 * J·D⁻¹ = U·S·Vᵀ: then q(λ) = −V·(S² + λ)⁻¹·S·Uᵀr for any damping λ at O(n²).
 *
 * @example
 * new TrustRegionModel(J, r, d, m, n).step(radius).p; // the step with ‖D·p‖ ≤ Δ
 */
export class TrustRegionModel {
  private readonly s: Float64Array;
  private readonly V: Float64Array;
  /** Uᵀr. */
  private readonly z: Float64Array;
  private readonly k: number;

  constructor(
    private readonly J: Float64Array,
    r: Float64Array,
    private readonly d: Float64Array,
    private readonly m: number,
    private readonly n: number,
  ) {
    const scaled = J.map((v, i) => v / d[i % n]!);
    const [U, s, Vt] = svd(new ConcreteArray(new Storage("float64", [m, n], scaled)), { fullMatrices: false });
    this.s = s.toFloat64Array();
    this.k = this.s.length;
    this.V = np.transpose(Vt).toFloat64Array(); // n × k
    const u = U.toFloat64Array(); // m × k
    this.z = new Float64Array(this.k);
    for (let i = 0; i < m; i++) for (let c = 0; c < this.k; c++) this.z[c] = this.z[c]! + u[i * this.k + c]! * r[i]!;
  }

  /** The coefficients of q(λ) on V's columns, and ‖q(λ)‖ (singular values below the rank cut count as zero). */
  private coefficients(lambda: number): [Float64Array, number] {
    const cut = Number.EPSILON * Math.max(this.m, this.n) * (this.s[0] ?? 0);
    const c = this.s.map((s, i) => (s > cut ? -(s * this.z[i]!) / (s * s + lambda) : 0));
    return [c, norm(c)];
  }

  /** The step p = D⁻¹q with ‖q‖ ≤ Δ (within 10% of Δ when the constraint binds). */
  step(radius: number): { p: Float64Array; scaledNorm: number; damped: boolean } {
    let [c, qNorm] = this.coefficients(0);
    let lambda = 0;
    if (qNorm > radius) {
      // ‖q(λ)‖ = Δ by Newton's method on 1/‖q(λ)‖ − 1/Δ (nearly linear in λ), kept in a
      // bracket: λ ≤ ‖S·z‖/Δ always, and each Newton step from below stays below.
      const sz = norm(this.s.map((s, i) => s * this.z[i]!));
      let [lo, hi] = [0, sz / radius];
      lambda = Math.max(1e-3 * hi, Math.sqrt(lo * hi));
      for (let it = 0; it < 30; it++) {
        if (!(lambda > lo && lambda < hi)) lambda = Math.max(1e-3 * hi, Math.sqrt(lo * hi));
        [c, qNorm] = this.coefficients(lambda);
        const phi = qNorm - radius;
        if (Math.abs(phi) < 0.1 * radius) break;
        // d‖q‖/dλ = −Σ cᵢ² / (sᵢ² + λ) / ‖q‖.
        const slope = -this.s.reduce((sum, s, i) => sum + c[i]! ** 2 / (s * s + lambda), 0) / qNorm;
        if (phi < 0) hi = lambda;
        lo = Math.max(lo, lambda - phi / slope);
        lambda -= (phi / slope) * (qNorm / radius);
      }
    }
    const p = new Float64Array(this.n);
    for (let j = 0; j < this.n; j++) {
      let q = 0;
      for (let i = 0; i < this.k; i++) q += this.V[j * this.k + i]! * c[i]!;
      p[j] = q / this.d[j]!;
    }
    return { p, scaledNorm: qNorm, damped: lambda > 0 };
  }

  /** The model's reduction of the cost, −(gᵀp + ½‖J·p‖²). */
  predictedReduction(p: Float64Array, g: Float64Array): number {
    let jp2 = 0;
    for (let i = 0; i < this.m; i++) {
      let v = 0;
      for (let j = 0; j < this.n; j++) v += this.J[i * this.n + j]! * p[j]!;
      jp2 += v * v;
    }
    return -(g.reduce((sum, gj, j) => sum + gj * p[j]!, 0) + 0.5 * jp2);
  }
}

