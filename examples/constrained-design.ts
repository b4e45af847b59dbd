// A constrained design problem and what its Lagrange multipliers mean. The can of
// volume V that takes the least metal: minimize the area 2πr² + 2πrh subject to πr²h = V
// and 0.5 ≤ h ≤ 6 (a shelf's height). Each constrained method of `minimize` solves it; the
// multiplier λ of the volume constraint is the marginal metal per extra cm³, dA*/dV, which
// is checked here against a central difference of the optimal area over V (re-solving at
// V ± δ), and against the closed form: with h on its bound, r = √(V/6π) and
// dA*/dV = 1/3 + 6π/√(6πV). Then Hock–Schittkowski problem 71 (four variables, a product
// ≥ 25, a sphere = 40, boxes) by every method, with its KKT residuals.
// Run: npm run example -- constrained-design  (NABLA_EXAMPLE_SMALL=1: one method.)
import { minimize, np, type Array, type ConstrainedMethod } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const METHODS: ConstrainedMethod[] = small ? ["slsqp"] : ["slsqp", "interior-point", "augmented-lagrangian"];

type Can = { r: Array; h: Array };
const area = (c: Can) => c.r.square().add(c.r.mul(c.h)).mul(2 * Math.PI);

/** The least-metal can of volume V by `method`. */
function design(V: number, method: ConstrainedMethod) {
  return minimize(area, { r: np.array(3), h: np.array(3) }, {
    method,
    constraints: [{ type: "eq", fun: (c) => c.r.square().mul(c.h).mul(Math.PI).sub(V) }],
    bounds: { r: [0.5, 20], h: [0.5, 6] },
  });
}

const V = 330;
const closedR = Math.sqrt(V / (6 * Math.PI));
const closedSlope = 1 / 3 + (6 * Math.PI) / Math.sqrt(6 * Math.PI * V);
console.log(`The 330 cm³ can no taller than 6 cm: closed form r = ${closedR.toFixed(6)}, h = 6, dA*/dV = ${closedSlope.toFixed(6)} cm²/cm³`);
for (const method of METHODS) {
  const can = design(V, method);
  const lambda = can.multipliers![0]!.item();
  const delta = 1;
  const slope = (design(V + delta, method).fun - design(V - delta, method).fun) / (2 * delta);
  console.log(
    `  ${method.padEnd(20)} ${can.status}: r = ${can.x.r.item().toFixed(6)}, h = ${can.x.h.item().toFixed(6)}, A = ${can.fun.toFixed(4)} cm², ` +
      `λ = ${lambda.toFixed(6)} (central difference of A* over V: ${slope.toFixed(6)}), nit ${can.nit}, nfev ${can.nfev}`,
  );
}

// Hock–Schittkowski 71: min x₁x₄(x₁ + x₂ + x₃) + x₃ subject to x₁x₂x₃x₄ ≥ 25,
// Σxᵢ² = 40, 1 ≤ xᵢ ≤ 5, from (1, 5, 5, 1); f* = 17.0140173.
const hs71 = (x: Array) => {
  const [a, b, c, d] = [0, 1, 2, 3].map((i) => x.slice(i));
  return a!.mul(d!).mul(a!.add(b!).add(c!)).add(c!);
};
console.log("\nHock–Schittkowski 71 (f* = 17.0140173):");
for (const method of METHODS) {
  const r = minimize(hs71, np.array([1, 5, 5, 1]), {
    method,
    constraints: [
      { type: "ineq", fun: (x) => np.prod(x).sub(25) },
      { type: "eq", fun: (x) => np.sum(np.square(x)).sub(40) },
    ],
    bounds: [1, 5],
  });
  const k = r.kkt!;
  const fmt = (v: number) => v.toExponential(1);
  console.log(
    `  ${method.padEnd(20)} ${r.status}: f = ${r.fun.toFixed(7)}, x = [${[...r.x.toFloat64Array()].map((v) => v.toFixed(5)).join(", ")}], ` +
      `λ = [${r.multipliers!.map((m) => m.item().toFixed(5)).join(", ")}], KKT ${fmt(k.stationarity)} / ${fmt(k.feasibility)} / ${fmt(k.complementarity)}, nit ${r.nit}`,
  );
}
