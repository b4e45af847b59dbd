// The ODE solve as a primitive: the integrator runs on concrete values (any number of
// adaptive steps), and the derivative rules are ODEs again. Forward mode integrates the
// variational equation beside y, stepped by y's error alone, so its steps are y's and the
// tangent is the derivative of the numerical solution itself. Reverse mode is one of three
// adjoints (adjoint.ts).
import { isFloat } from "../array/index.js";
import { bind, definePrimitive, np, type Array, type Primitive, batchByLoop } from "../core/index.js";
import { concrete, jvpIR, runIR, storages } from "../transforms/index.js";
import { backsolveVjp, checkpointVjp, directVjp } from "./adjoint.js";
import { sizeOfAval, stageList, unravel } from "./flat.js";
import { avalsOf, groups, guardSolved, recordSolve, solveConcrete, STATUS, valuesOfF, type OdeParams } from "./params.js";

export const odeSolvePrimitive: Primitive<OdeParams> = definePrimitive<OdeParams>({
  name: "ode_solve",
  shapeRule(inputs, p) {
    const [, y0, ts] = groups(inputs, p);
    if (ts.shape.length !== 1 || ts.shape[0]! < 1 || !isFloat(ts.dtype)) throw new Error(`${p.op}: ts must be a non-empty 1-D float array, got ${ts.dtype}(${ts.shape})`);
    const T = ts.shape[0]!;
    const scalar = { shape: [], dtype: "int32" } as const;
    return [...y0.map((a) => ({ shape: [T, ...a.shape], dtype: a.dtype })), scalar, scalar, scalar, scalar];
  },
  impl(inputs, p) {
    const ins = concrete(inputs);
    const { result } = solveConcrete(p, ins);
    const ys = unravel(result.ys, avalsOf(groups(ins, p)[1]), true);
    const counts = [STATUS.indexOf(result.status), result.stats.nfev, result.stats.accepted, result.stats.rejected];
    const out = storages([...ys, ...counts.map((c) => np.array(c, { dtype: "int32" }))]);
    recordSolve(out[ys.length]!, result.message, result.steps);
    return out;
  },
  jvp(primals, tangents, p) {
    if (tangents.every((t) => t === null)) {
      const outs = bind(odeSolvePrimitive, primals, p);
      return [outs, outs.map(() => null)];
    }
    const [consts, y0, ts, args] = groups(primals, p);
    const [tc, ty0, tts, ta] = groups(tangents, p);
    const nY = p.nY;
    // ẏ(t₀) = ẏ₀ − f(y₀, t₀)·ṫ₀: moving the start moves the whole trajectory.
    let d0 = y0.map((y, i) => ty0[i] ?? np.zerosLike(y));
    if (tts) {
      const f0 = runIR(p.fIR, [...consts, ...y0, np.slice(ts, 0), ...args]);
      d0 = d0.map((d, i) => np.sub(d, np.mul(f0[i]!, np.slice(tts, 0))));
    }
    // The system (y, ẏ) with ẏ' = ∂f/∂y·ẏ + ∂f/∂θ·θ̇, its error measured on y alone.
    const aug = stageList((xs) => {
      const [y, d, t] = [xs.slice(0, nY), xs.slice(nY, 2 * nY), xs[2 * nY]!];
      const [out, tout] = jvpIR(p.fIR, [...consts, ...y, t, ...args], [...tc, ...d, null, ...ta], true);
      return [...out, ...tout.map((x, i) => x ?? np.zerosLike(out[i]!))];
    }, [...avalsOf(y0), ...avalsOf(y0), { shape: [], dtype: "float64" }]);
    const errorSize = p.errorSize ?? avalsOf(y0).reduce((s, a) => s + sizeOfAval(a), 0);
    const outs = bind(odeSolvePrimitive, [...aug.consts, ...y0, ...d0, ts], { ...p, fIR: aug.ir, nConsts: aug.consts.length, nY: 2 * nY, errorSize });
    const ys = outs.slice(0, nY);
    const counts = outs.slice(2 * nY);
    let dys = outs.slice(nY, 2 * nY);
    // Moving t_i moves where the trajectory is read: + f(y(t_i), t_i)·ṫ_i.
    if (tts) {
      const fs = valuesOfF(p, consts, args, ys, ts);
      dys = dys.map((d, i) => np.add(d, np.mul(fs[i]!, np.reshape(tts, [ts.shape[0]!, ...d.shape.slice(1).map(() => 1)]))));
    }
    return [[...ys, ...counts], [...guardSolved(p, counts[0]!, dys), null, null, null, null]];
  },
  vjp(cts, inputs, outputs, p, wanted) {
    const ys = outputs.slice(0, p.nY);
    const ybar = guardSolved(p, outputs[p.nY]!, ys.map((y, i) => cts[i] ?? np.zerosLike(y)));
    const rule = { direct: directVjp, checkpoint: checkpointVjp, backsolve: backsolveVjp }[p.adjoint];
    const solve = (ins: Array[], q: OdeParams) => bind(odeSolvePrimitive, ins, q);
    return rule(p, ybar, inputs, ys, outputs[p.nY]!, solve).map((g, i) => (wanted[i] ? g : null));
  },
  // Each example has its own steps: solved one by one.
  batch: (args, batched, p, size) => batchByLoop(odeSolvePrimitive, args, batched, p, size),
});

