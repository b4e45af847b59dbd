// Primitive-corpus cases of adaptive quadrature: quad (derivatives to order 2 in both
// modes, in what the integrand closes over and in the upper limit; vmap against a loop).
// The integrand e^{−(1 + x²)t²}·cos(t) is smooth for every drawn x, so QAGS resolves it to
// near round-off and finite differences of the value are clean.
import { integrate, np, type Array } from "nabla";
import { addCase, dims, floats } from "../corpus.js";

const tight = { epsabs: 1e-13, epsrel: 1e-13 };
const integral = (x: Array, b: Array) =>
  integrate.quad((t: Array) => np.exp(np.add(1, x.mul(x)).mul(t.mul(t)).neg()).mul(np.cos(t)), 0, np.add(1, np.tanh(b)), tight).value;

addCase({
  title: "quad (a vector-valued integral over [0, 1 + tanh b], in its parameters x and the limit b)",
  covers: ["quad"],
  spec: dims(0, 2),
  args: (s) => [floats(s), floats([])],
  f: () => integral,
});
