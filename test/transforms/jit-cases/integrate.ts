// jit corpus case of adaptive quadrature: quad and its gradient (quads of the integrand's
// derivative and Leibniz's term), in float64, bit for bit against eager runs.
import { grad, integrate, np, type Array as NdArray } from "nabla";
import { addCase, arr } from "../jit-corpus.js";

const integral = (x: NdArray) => integrate.quad((t: NdArray) => np.exp(np.add(1, x.mul(x)).mul(t.mul(t)).neg()), 0, np.add(1, np.tanh(x.sum()))).value;

addCase({
  name: "integrate float64: quad over [0, 1 + tanh Σx] and its gradient",
  covers: ["quad"],
  f: (x: NdArray) => [integral(x), grad((u: NdArray) => integral(u).sum())(x)],
  inputs: [[arr([3], "float64", 1, "plain")], [arr([2, 3], "float64", 2, "plain")]],
});
