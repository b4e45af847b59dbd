// The cheap-gradient principle, measured: eager valueAndGrad of the extended Rosenbrock
// function against evaluating f alone and against a hand-written analytic gradient.
import { np, valueAndGrad, type Array } from "nabla";
import { report } from "./harness.js";

/** Moré–Garbow–Hillstrom's extended Rosenbrock: Σ 100(x₂ᵢ − x₂ᵢ₋₁²)² + (1 − x₂ᵢ₋₁)². */
export function extendedRosenbrock(x: Array): Array {
  const odd = x.slice([0, null, 2]);
  const even = x.slice([1, null, 2]);
  return np.sum(np.add(np.mul(100, np.square(np.sub(even, np.square(odd)))), np.square(np.sub(1, odd))));
}

/** The same function and its gradient, by hand, in one loop. */
export function extendedRosenbrockByHand(x: Float64Array, g: Float64Array): number {
  let f = 0;
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i]!;
    const r = x[i + 1]! - a * a;
    const s = 1 - a;
    f += 100 * r * r + s * s;
    g[i] = -400 * r * a - 2 * s;
    g[i + 1] = 200 * r;
  }
  return f;
}

export function benchGrad(): void {
  const n = 1_000_000;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 2 === 0 ? -1.2 : 1;
  const x = np.array(data);
  const vg = valueAndGrad(extendedRosenbrock);
  const f = () => extendedRosenbrock(x);
  const byHand = () => extendedRosenbrockByHand(data, new Float64Array(n));
  // Check before timing: the two gradients must agree.
  const [, g] = vg(x);
  const hand = new Float64Array(n);
  extendedRosenbrockByHand(data, hand);
  const got = g.toFloat64Array();
  for (let i = 0; i < n; i++) if (Math.abs(got[i]! - hand[i]!) > 1e-9 * (1 + Math.abs(hand[i]!))) throw new Error(`gradient mismatch at ${i}`);

  report("Gradient cost, extended Rosenbrock n = 1e6 (eager)", [
    { name: "valueAndGrad", run: () => vg(x), baseline: "f alone (nabla eager)", runBaseline: f, goal: "≤ 3× (cheap gradient)", reps: 11 },
    { name: "valueAndGrad", run: () => vg(x), baseline: "hand-written f + analytic ∇f", runBaseline: byHand, reps: 11 },
    { name: "f alone", run: f, baseline: "hand-written f + analytic ∇f", runBaseline: byHand, reps: 11 },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) benchGrad();
