// Small test problems with known minima, defined here so the optimizer tests do not
// depend on src/optim/problems.ts.
import { np, type Array } from "nabla";

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
