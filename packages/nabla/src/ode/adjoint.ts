// Reverse mode through an ODE solve, three ways (diffrax's and torchdiffeq's adjoints):
// - direct: backpropagation through the solver's accepted steps, replayed with their step
//   sizes frozen: the exact gradient of the numerical solution, to any order, in eager
//   mode (the steps must be known, so the inputs must be concrete);
// - checkpoint: the same gradient with memory O(√steps): states kept every ⌈√N⌉ steps,
//   each segment recomputed and backpropagated in turn; a primitive, so it also runs
//   under jit and vmap (first order);
// - backsolve: the continuous adjoint, a = ∂L/∂y solved backwards with y beside it,
//   memory O(1) in the steps; an ODE solve again, so it composes with everything, but its
//   gradient is the true ODE's to the solver's tolerance, not the numerical solution's.
// Each returns cotangents for every input [...consts, ...y0, ts, ...args].
import { isFloat } from "../array/index.js";
import { bind, definePrimitive, np, type Array, type Primitive, batchByLoop } from "../core/index.js";
import { concrete, concreteValue, runIR, storages, vjp, vjpIR } from "../transforms/index.js";
import { flatRhs, ravel, stageList, unravel } from "./flat.js";
import { replay, type Step } from "./integrate.js";
import { avalsOf, groups, guardSolved, solveConcrete, stepsOfSolve, valuesOfF, type OdeParams, type SolveBind } from "./params.js";

type Cotangents = (Array | null)[];

/** Row i of each [T, ...] leaf. */
const row = (xs: readonly Array[], i: number) => xs.map((x) => np.slice(x, i));
/** Σ over leaves of ⟨a, b⟩. */
const inner = (a: readonly Array[], b: readonly Array[]) => a.map((x, i) => np.sum(np.mul(x, b[i]!))).reduce((s, v) => np.add(s, v));

/**
 * ts's cotangent: moving t_i (i ≥ 1) moves where y is read, ∂L/∂t_i = ⟨ȳ_i, f(y_i, t_i)⟩;
 * moving t₀ moves the start, ∂L/∂t₀ = ⟨ȳ₀, f(y₀, t₀)⟩ − ⟨ȳ₀_total, f(y₀, t₀)⟩, where
 * ȳ₀_total is y₀'s whole cotangent.
 */
function timesCotangent(p: OdeParams, inputs: readonly Array[], ys: readonly Array[], ybar: readonly Array[], y0bar: readonly Array[]): Array {
  const [consts, , ts, args] = groups(inputs, p);
  const fs = valuesOfF(p, consts, args, ys, ts);
  const T = ts.shape[0]!;
  const perRow = fs.map((f, i) => np.sum(np.reshape(np.mul(f, ybar[i]!), [T, -1]), { axis: 1 })).reduce((s, v) => np.add(s, v));
  const first = np.neg(inner(y0bar, row(fs, 0)));
  return np.astype(np.add(perRow, np.mul(first, np.eye(1, T).reshape([T]))), ts.dtype);
}

/** Positions of the float inputs among consts and args: the parameters that get cotangents. */
function parameterPositions(p: OdeParams, inputs: readonly Array[]): number[] {
  const tsAt = p.nConsts + p.nY;
  return inputs.map((x, i) => (i !== tsAt && (i < p.nConsts || i > tsAt) && isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
}

/**
 * The accepted steps of the solve at these inputs: the forward solve's own when it ran
 * eagerly (kept under its status), or found by solving again on the inputs' values.
 */
function stepsOf(p: OdeParams, inputs: readonly Array[], status: Array, mode: string): readonly Step[] {
  const known = stepsOfSolve(status);
  if (known) return known;
  const values = inputs.map(concreteValue);
  if (values.some((v) => v === undefined)) {
    throw new Error(`${p.op}: adjoint "${mode}" replays the solver's steps, so it needs concrete values; under jit or vmap use adjoint "checkpoint" or "backsolve"`);
  }
  return solveConcrete(p, values as Array[]).result.steps;
}

/** The output times as numbers (the steps are only known for concrete ones). */
const timesOf = (p: OdeParams, inputs: readonly Array[]) => [...(concreteValue(groups(inputs, p)[2]) ?? groups(inputs, p)[2]).toFloat64Array()];

/** The solve replayed on fixed steps, as a function of the parameters and y₀: [T, n]. */
function replayed(p: OdeParams, inputs: readonly Array[], times: readonly number[], steps: readonly Step[]) {
  const positions = parameterPositions(p, inputs);
  const [, y0] = groups(inputs, p);
  return (params: Array[], y0s: Array[]) => {
    const ins = [...inputs];
    positions.forEach((pos, k) => (ins[pos] = params[k]!));
    const [consts, , , args] = groups(ins, p);
    return replay(flatRhs(p.fIR, consts, args, avalsOf(y0)), ravel(y0s), times, steps, p.method);
  };
}

/** Cotangents placed at their inputs' positions. */
function assemble(p: OdeParams, inputs: readonly Array[], paramBar: readonly Array[], y0bar: readonly Array[], tsBar: Array): Cotangents {
  const out: Cotangents = inputs.map(() => null);
  parameterPositions(p, inputs).forEach((pos, k) => (out[pos] = paramBar[k]!));
  y0bar.forEach((g, i) => (out[p.nConsts + i] = np.astype(g, inputs[p.nConsts + i]!.dtype)));
  out[p.nConsts + p.nY] = tsBar;
  return out;
}

export function directVjp(p: OdeParams, ybar: Array[], inputs: readonly Array[], ys: readonly Array[], status: Array): Cotangents {
  const steps = stepsOf(p, inputs, status, "direct");
  const times = timesOf(p, inputs);
  const [, y0] = groups(inputs, p);
  const params = parameterPositions(p, inputs).map((i) => inputs[i]!);
  const [, pullback] = vjp(replayed(p, inputs, times, steps), params, y0);
  const [paramBar, y0bar] = pullback(ravel2(ybar));
  return assemble(p, inputs, paramBar, y0bar, timesCotangent(p, inputs, ys, ybar, y0bar));
}

/** Leaves [T, ...] as one [T, n] float64 matrix, rows in `ravel`'s order. */
function ravel2(leaves: readonly Array[]): Array {
  const T = leaves[0]!.shape[0]!;
  const parts = leaves.map((l) => np.reshape(np.astype(l, "float64"), [T, -1]));
  return parts.length === 1 ? parts[0]! : np.concatenate(parts, { axis: 1 });
}

// ---------------------------------------------------------------------------------------
// checkpoint: the discrete adjoint with recomputation, as a primitive.

interface CheckpointParams {
  ode: OdeParams;
}

/**
 * Inputs: the solve's inputs, then ȳ's leaves, then the solve's status; outputs: the cotangents of the parameters
 * and of y₀ (ts's comes from `timesCotangent`). Its impl runs on concrete values, so it
 * serves jit and (one example at a time) vmap.
 */
const checkpointPrimitive: Primitive<CheckpointParams> = definePrimitive<CheckpointParams>({
  name: "ode_checkpoint_adjoint",
  shapeRule(inputs, { ode: p }) {
    const solveInputs = inputs.slice(0, inputs.length - p.nY - 1);
    const params = solveInputs.map((a, i) => ({ a, i })).filter(({ a, i }) => i !== p.nConsts + p.nY && (i < p.nConsts || i > p.nConsts + p.nY) && isFloat(a.dtype));
    return [...params.map(({ a }) => ({ shape: a.shape, dtype: a.dtype })), ...groups(solveInputs, p)[1].map((a) => ({ shape: a.shape, dtype: "float64" as const }))];
  },
  impl(inputs, { ode: p }) {
    const ins = concrete(inputs);
    const solveInputs = ins.slice(0, ins.length - p.nY - 1);
    const ybar = ins.slice(ins.length - p.nY - 1, -1);
    const steps = stepsOfSolve(ins[ins.length - 1]!) ?? solveConcrete(p, solveInputs).result.steps;
    const [paramBar, y0bar] = checkpointed(p, solveInputs, ybar, steps);
    return storages([...paramBar, ...y0bar]);
  },
  jvp(_primals, _tangents, { ode: p }) {
    throw new Error(`${p.op}: adjoint "checkpoint" gives first derivatives; for higher ones use adjoint "direct" (eager) or "backsolve", or forward mode (jacfwd)`);
  },
  vjp(_cts, _inputs, _outputs, { ode: p }) {
    throw new Error(`${p.op}: adjoint "checkpoint" gives first derivatives; for higher ones use adjoint "direct" (eager) or "backsolve", or forward mode (jacfwd)`);
  },
  batch: (args, batched, p, size) => batchByLoop(checkpointPrimitive, args, batched, p, size),
});

export function checkpointVjp(p: OdeParams, ybar: Array[], inputs: readonly Array[], ys: readonly Array[], status: Array): Cotangents {
  // The forward solve's status rides along: its steps are kept under it when it ran eagerly.
  const outs = bind(checkpointPrimitive, [...inputs, ...ybar, status], { ode: p });
  const nParams = parameterPositions(p, inputs).length;
  const [paramBar, y0bar] = [outs.slice(0, nParams), outs.slice(nParams)];
  return assemble(p, inputs, paramBar, y0bar, timesCotangent(p, inputs, ys, ybar, y0bar));
}

/**
 * The discrete adjoint on concrete values: states kept at every k-th step boundary
 * (k = ⌈√N⌉), then, from the last segment back, each segment replayed from its
 * checkpoint under vjp, its output rows (the ts inside it, and its end) seeded with
 * their cotangents. The same numbers as "direct", with O(√N) states alive at once.
 */
function checkpointed(p: OdeParams, inputs: Array[], ybar: Array[], steps: readonly Step[]): [Array[], Array[]] {
  const times = timesOf(p, inputs);
  const [, y0] = groups(inputs, p);
  const positions = parameterPositions(p, inputs);
  const params = positions.map((i) => inputs[i]!);
  const ybarRows = ravel2(ybar); // [T, n]
  const forward = Math.sign(times[times.length - 1]! - times[0]!) || 1;
  const k = Math.max(1, Math.ceil(Math.sqrt(steps.length)));
  // Segment boundaries as step indices, and the state at each (one forward replay).
  const bounds: number[] = [];
  for (let j = 0; j < steps.length; j += k) bounds.push(j);
  bounds.push(steps.length);
  const boundaryTime = (j: number) => (j < steps.length ? steps[j]!.t : steps[j - 1]!.t + steps[j - 1]!.h);
  const segment = (a: number, b: number) => {
    const [t0, t1] = [boundaryTime(a), boundaryTime(b)];
    const inside = times.map((t, i) => ({ t, i })).filter(({ t }) => forward * (t - t0) > 0 && forward * (t1 - t) > 0);
    return { t0, t1, inside, steps: steps.slice(a, b) };
  };
  const states: Array[] = [ravel(y0)];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const seg = segment(bounds[s]!, bounds[s + 1]!);
    const rows = replay(flatRhs(p.fIR, ...constsAndArgs(p, inputs)), states[s]!, [seg.t0, ...seg.inside.map((x) => x.t), seg.t1], seg.steps, p.method);
    states.push(np.slice(rows, -1));
  }
  // Backwards through the segments, carrying λ = ∂L/∂y at the segment's end.
  const n = ybarRows.shape[1]!;
  const at = (t: number) => times.map((ti, i) => (ti === t ? i : -1)).filter((i) => i >= 0);
  const seedAt = (t: number) => at(t).reduce((s, i) => np.add(s, np.slice(ybarRows, i)), np.zeros([n]));
  let lambda = steps.length === 0 ? np.zeros([n]) : seedAt(boundaryTime(steps.length));
  let paramBar = params.map((x) => np.zerosLike(x));
  for (let s = bounds.length - 2; s >= 0; s--) {
    const seg = segment(bounds[s]!, bounds[s + 1]!);
    const segTimes = [seg.t0, ...seg.inside.map((x) => x.t), seg.t1];
    const run = (ps: Array[], start: Array) => {
      const ins = [...inputs];
      positions.forEach((pos, q) => (ins[pos] = ps[q]!));
      return replay(flatRhs(p.fIR, ...constsAndArgs(p, ins)), start, segTimes, seg.steps, p.method);
    };
    const [, pullback] = vjp(run, params, states[s]!);
    const seeds = np.stack([np.zeros([n]), ...seg.inside.map((x) => np.slice(ybarRows, x.i)), lambda]);
    const [pb, startBar] = pullback(seeds);
    paramBar = paramBar.map((g, q) => np.add(g, pb[q]!));
    lambda = s === 0 ? startBar : np.add(startBar, seedAt(seg.t0));
  }
  // ȳ at t₀ itself (ys[0] is y₀) joins y₀'s cotangent directly.
  const y0bar = steps.length === 0 ? seedAt(times[0]!) : np.add(lambda, seedAt(times[0]!));
  return [paramBar, unravel(y0bar, avalsOf(y0)).map((g) => np.astype(g, "float64"))];
}

function constsAndArgs(p: OdeParams, inputs: readonly Array[]): [Array[], Array[], ReturnType<typeof avalsOf>] {
  const [consts, y0, , args] = groups(inputs, p);
  return [consts, args, avalsOf(y0)];
}

// ---------------------------------------------------------------------------------------
// backsolve: the continuous adjoint, as ODE solves backwards between the output times.

export function backsolveVjp(p: OdeParams, ybar: Array[], inputs: readonly Array[], ys: readonly Array[], _status: Array, solve: SolveBind): Cotangents {
  const [, y0, ts] = groups(inputs, p);
  const nY = p.nY;
  const positions = parameterPositions(p, inputs);
  const params = positions.map((i) => inputs[i]!);
  const T = ts.shape[0]!;
  const fInputs = (y: Array[], t: Array, ps: Array[]) => {
    const ins = [...inputs];
    positions.forEach((pos, q) => (ins[pos] = ps[q]!));
    const [c, , , a] = groups(ins, p);
    return [...c, ...y, t, ...a];
  };
  // State (y, a, a_θ): y' = f, a' = −(∂f/∂y)ᵀa, a_θ' = −(∂f/∂θ)ᵀa.
  const yAt = (j: number) => j >= p.nConsts && j < p.nConsts + nY;
  const thetaAt = new Set(positions); // f's inputs [...consts, ...y, t, ...args] line up with the solve's, t where ts is
  const aug = stageList(
    (xs) => {
      const [y, a, t] = [xs.slice(0, nY), xs.slice(nY, 2 * nY), xs[xs.length - 1]!];
      const ins = fInputs(y, t, params);
      const dy = runIR(p.fIR, ins);
      const g = vjpIR(p.fIR, ins, a, ins.map((_, j) => yAt(j) || thetaAt.has(j)));
      const gy = g.slice(p.nConsts, p.nConsts + nY).map((x, i) => np.neg(x ?? np.zerosLike(y[i]!)));
      const gtheta = [...thetaAt].sort((u, v) => u - v).map((j, q) => np.neg(g[j] ?? np.zerosLike(params[q]!)));
      return [...dy, ...gy, ...gtheta];
    },
    [...avalsOf(y0), ...avalsOf(y0), ...avalsOf(params), { shape: [], dtype: "float64" }],
  );
  const augParams: OdeParams = { ...p, fIR: aug.ir, nConsts: aug.consts.length, nY: 2 * nY + params.length, errorSize: undefined };
  let a = row(ybar, T - 1);
  let aTheta = params.map((x) => np.zerosLike(x));
  for (let i = T - 1; i >= 1; i--) {
    const segment = np.stack([np.slice(ts, i), np.slice(ts, i - 1)]);
    const outs = solve([...aug.consts, ...row(ys, i), ...a, ...aTheta, segment], augParams);
    const end = guardSolved({ ...p, op: `${p.op} (its backsolve adjoint)` }, outs[augParams.nY]!, outs.slice(0, augParams.nY)).map((x) => np.slice(x, 1));
    a = end.slice(nY, 2 * nY);
    aTheta = end.slice(2 * nY);
    if (i - 1 >= 1) a = a.map((x, q) => np.add(x, np.slice(ybar[q]!, i - 1)));
  }
  // ȳ₀ (ys[0] is y₀) joins the adjoint carried back to t₀; with one time there is none.
  const y0bar = T > 1 ? a.map((x, q) => np.add(x, np.slice(ybar[q]!, 0))) : row(ybar, 0);
  return assemble(p, inputs, aTheta, y0bar, timesCotangent(p, inputs, ys, ybar, y0bar));
}
