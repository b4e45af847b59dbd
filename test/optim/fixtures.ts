// Small test problems with known minima, defined here so the optimizer tests do not
// depend on src/optim/problems.ts.
import { grad, np, type Array } from "nabla";

/** Rosenbrock, 100(x₂ − x₁²)² + (1 − x₁)²: minimum 0 at (1, 1); start (−1.2, 1). */
export const rosen = (x: Array): Array => {
  const a = x.slice(0);
  const b = x.slice(1);
  return np.add(np.mul(100, np.square(np.sub(b, np.square(a)))), np.square(np.sub(1, a)));
};

/** The seed's quadratic ½(x₁² + 10x₂²): minimum 0 at the origin, L = 10, κ = 10. */
export const quad = (x: Array): Array => np.mul(0.5, np.add(np.square(x.slice(0)), np.mul(10, np.square(x.slice(1)))));

/** ‖∇f(x)‖∞ computed independently of the optimizer. */
export function gradInfNorm(g: Array): number {
  return Math.max(...g.toFloat64Array().map(Math.abs));
}

/**
 * The KKT conditions of min f over lo ≤ x ≤ hi at x, with ∇f computed here (not by the
 * optimizer): gᵢ ≥ −tol where xᵢ = loᵢ, gᵢ ≤ tol where xᵢ = hiᵢ, |gᵢ| ≤ tol strictly
 * inside. Returns the first violation in words, or "" when all hold.
 */
export function kktViolation(f: (x: Array) => Array, x: Array, lo: number[], hi: number[], tol: number): string {
  const g = grad(f)(x).toFloat64Array();
  const xs = x.toFloat64Array();
  for (let i = 0; i < xs.length; i++) {
    const [xi, gi, l, h] = [xs[i]!, g[i]!, lo[i]!, hi[i]!];
    if (xi < l || xi > h) return `x[${i}] = ${xi} is outside [${l}, ${h}]`;
    if (l === h) continue;
    if (xi === l && gi < -tol) return `x[${i}] = lo = ${l} but g = ${gi} < −${tol}`;
    if (xi === h && gi > tol) return `x[${i}] = hi = ${h} but g = ${gi} > ${tol}`;
    if (xi !== l && xi !== h && Math.abs(gi) > tol) return `x[${i}] = ${xi} is inside (${l}, ${h}) but |g| = ${Math.abs(gi)} > ${tol}`;
  }
  return "";
}
