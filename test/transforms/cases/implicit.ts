// Primitive-corpus cases of implicit differentiation: custom_linear_solve, custom_root
// and the converged-guard it binds (derivatives to order 2 in both modes, vmap against a
// loop). The problems are well posed for every drawn input: z = sin(z)/2 + x contracts
// (|∂T/∂z| ≤ 1/2), and the diagonal operator 2 + x² + y² is positive.
import { grad, implicit, np, type Array } from "nabla";
import { addCase, dims, floats } from "../corpus.js";

// Solves a diagonal system from the operator alone: its diagonal is A·1.
const diagonalSolve = (mv: (v: Array) => Array, b: Array) => np.div(b, mv(np.onesLike(b)));

addCase({
  title: "custom_linear_solve (customLinearSolve of a diagonal operator closing over x, in x and b)",
  covers: ["custom_linear_solve"],
  spec: dims(0, 3),
  args: (s) => [floats(s), floats(s)],
  f: () => (x, b) => implicit.customLinearSolve((v: Array) => v.mul(np.add(2, x.mul(x))), b, diagonalSolve, { symmetric: true }),
});

const dottieLike = (x: Array) =>
  implicit.fixedPoint((z: Array, x: Array) => np.sin(z).div(2).add(x), { method: "anderson", tol: 1e-14, linearSolve: "dense" })(np.zerosLike(x), x).x;
// The derivative's GMRES solve is held to 1e-13 (not the default 1e-10): the second-order
// check differences the first derivative over 2·10⁻⁵, which turns a residual of 1e-11
// into an error of 1e-6, the check's tolerance (npm run fuzz found one at x = 0).
const cubic = (x: Array) => implicit.rootFind((y: Array, x: Array) => y.pow(3).add(y).sub(x), { tol: 1e-14, linearTol: 1e-13 })(np.zerosLike(x), x).x;
// The guard and the linear solve are bound by derivative passes: a gradient stages them.
const derivativePrimitives = ["custom_root", "status_guard", "custom_linear_solve"];

addCase({
  title: "custom_root (fixedPoint z = sin(z)/2 + x, Anderson, dense linear solve)",
  covers: ["custom_root"],
  spec: dims(0, 2),
  args: (s) => [floats(s)],
  f: () => (x) => dottieLike(x),
  grad: { covers: derivativePrimitives, probe: () => (x) => grad((u: Array) => dottieLike(u).sum())(x) },
  batch: { covers: derivativePrimitives, f: () => (x) => grad((u: Array) => dottieLike(u).sum())(x) },
});

addCase({
  title: "custom_root (rootFind of y³ + y = x, Newton, GMRES for the derivative)",
  covers: ["custom_root"],
  spec: dims(0, 2),
  args: (s) => [floats(s)],
  f: () => (x) => cubic(x),
  grad: { covers: derivativePrimitives, probe: () => (x) => grad((u: Array) => cubic(u).sum())(x) },
  batch: { covers: derivativePrimitives, f: () => (x) => grad((u: Array) => cubic(u).sum())(x) },
});
