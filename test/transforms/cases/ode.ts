// Primitive-corpus cases of the ODE solve: ode_solve (derivatives to order 2 in both
// modes with the "direct" and "backsolve" adjoints, vmap against a loop) and the
// checkpoint adjoint's primitive (first order, as it claims). Fixed RK4 steps keep the
// solution a smooth function of its inputs, as finite differences need.
import { grad, np, ode, type Array } from "nabla";
import { addCase, dims, floats } from "../corpus.js";

// y' = −y·(1 + k²) + sin(t)·k: stable for any k, t-dependent, nonlinear in k.
const field = (y: Array, t: Array, k: Array) => y.mul(np.add(1, k.mul(k))).neg().add(np.sin(t).mul(k));
// The continuous adjoint differs from the discrete one by the method's error, O(dt⁴):
// backsolve takes finer steps so that finite differences of the solution agree with it.
const solveWith = (adjoint: "direct" | "checkpoint" | "backsolve") => ode.odeint(field, { method: "rk4", dt0: adjoint === "backsolve" ? 0.02 : 0.1, adjoint });
const trajectory = (adjoint: "direct" | "checkpoint" | "backsolve") => (y0: Array, k: Array) => solveWith(adjoint)(y0, [0, 0.35, 1], k).ys;

addCase({
  title: "ode_solve (odeint rk4, adjoint direct: y₀ and a parameter, every output time)",
  covers: ["ode_solve"],
  spec: dims(0, 2),
  args: (s) => [floats(s), floats(s, -1, 1)],
  f: () => trajectory("direct"),
});

addCase({
  title: "ode_solve (odeint rk4, adjoint backsolve: the continuous adjoint is an ODE solve again)",
  covers: ["ode_solve"],
  spec: dims(0, 1),
  args: (s) => [floats(s), floats(s, -1, 1)],
  f: () => trajectory("backsolve"),
  grad: { modes: ["rev"], order: 2, rtol: 1e-4, atol: 1e-6 },
});

const checkpointGrad = (y0: Array, k: Array) => grad((u: Array, v: Array) => trajectory("checkpoint")(u, v).sum(), { argnums: [0, 1] })(y0, k);

addCase({
  title: "ode_checkpoint_adjoint (odeint's default adjoint; first derivatives)",
  covers: ["ode_solve"],
  spec: dims(0, 2),
  args: (s) => [floats(s), floats(s, -1, 1)],
  f: () => trajectory("checkpoint"),
  grad: { modes: ["rev"], order: 1, covers: ["ode_solve", "ode_checkpoint_adjoint"], probe: () => checkpointGrad },
  batch: { covers: ["ode_solve", "ode_checkpoint_adjoint"], f: () => checkpointGrad },
});
