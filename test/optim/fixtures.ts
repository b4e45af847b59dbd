// Small test problems with known minima, defined here so the optimizer tests do not
// depend on src/optim/problems.ts.
import { grad, np, type Array } from "nabla";
import { uniformFrom } from "../helpers.js";

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

/**
 * A separable quadratic Σ aᵢ(xᵢ − cᵢ)² in a random box drawn from `seed`: some sides
 * unbounded, some intervals degenerate (lo = hi). Its minimum is clip(c, lo, hi).
 */
export function separableInBox(seed: number, n: number): { f: (x: Array) => Array; c: number[]; lo: number[]; hi: number[] } {
  const u = uniformFrom(seed);
  const a = globalThis.Array.from({ length: n }, () => 0.5 + 4.5 * u());
  const c = globalThis.Array.from({ length: n }, () => -3 + 6 * u());
  const lo = globalThis.Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -Infinity : -2 * u()));
  const hi = lo.map((l, i) => (i % 11 === 0 ? Infinity : i % 13 === 5 ? (Number.isFinite(l) ? l : 0) : Math.max(l, 0) + 2 * u()));
  const f = (x: Array) => np.sum(np.mul(np.array(a), np.square(np.sub(x, np.array(c)))));
  return { f, c, lo, hi };
}
