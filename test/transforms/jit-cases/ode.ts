// jit corpus cases of the ODE solve: odeint's values and gradients (checkpoint and
// backsolve adjoints, forward mode), float64 and float32, bit for bit against eager runs.
import { grad, jacfwd, np, ode, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS } from "../jit-corpus.js";

const field = (y: NdArray, t: NdArray, k: NdArray) => y.mul(np.add(1, k.mul(k))).neg().add(np.sin(t).mul(k));

for (const dt of FLOATS) {
  addCase({
    name: `ode ${dt}: odeint (dopri5, rk4), its gradients by checkpoint and backsolve, and forward mode`,
    covers: ["ode_solve", "ode_checkpoint_adjoint"],
    f: (x: NdArray) => {
      const k = np.tanh(x);
      const adaptive = (adjoint: "checkpoint" | "backsolve") => (u: NdArray) => ode.odeint(field, { adjoint })(u, [0, 0.5, 1], k).ys.sum();
      const fixed = (u: NdArray) => ode.odeint(field, { method: "rk4", dt0: 0.1 })(u, [0, 1], k).ys;
      return [fixed(k), grad(adaptive("checkpoint"))(k), grad(adaptive("backsolve"))(k), jacfwd((u: NdArray) => fixed(u).sum())(k)];
    },
    inputs: [[arr([3], dt, 1, "plain")], [arr([2, 2], dt, 2, "plain")]],
  });
}
