// jit corpus cases of implicit differentiation: fixedPoint, rootFind and
// customLinearSolve with their gradients, in float64 and float32, bit for bit against eager runs.
import { grad, implicit, np, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS } from "../jit-corpus.js";

const diagonalSolve = (mv: (v: NdArray) => NdArray, b: NdArray) => np.div(b, mv(np.onesLike(b)));

for (const dt of FLOATS) {
  const tol = dt === "float32" ? 1e-5 : 1e-13;
  addCase({
    name: `implicit ${dt}: fixedPoint, rootFind, customLinearSolve, and gradients`,
    covers: ["custom_root", "status_guard", "custom_linear_solve"],
    f: (x: NdArray) => {
      const bounded = np.tanh(x); // any input gives a well-posed problem
      const z = (u: NdArray) => implicit.fixedPoint((z: NdArray, u: NdArray) => np.sin(z).div(2).add(u), { method: "anderson", tol })(np.zerosLike(u), u).x;
      const y = (u: NdArray) => implicit.rootFind((y: NdArray, u: NdArray) => y.pow(3).add(y).sub(u), { tol, linearSolve: "dense" })(np.zerosLike(u), u).x;
      const s = (u: NdArray) => implicit.customLinearSolve((v: NdArray) => v.mul(np.add(2, u.mul(u))), u, diagonalSolve);
      const scalar = (u: NdArray) => z(u).sum().add(y(u).sum()).add(s(u).sum());
      return [z(bounded), y(bounded), s(bounded), grad(scalar)(bounded)];
    },
    inputs: [[arr([3], dt, 1, "plain")], [arr([2, 3], dt, 2, "plain")]],
  });
}
