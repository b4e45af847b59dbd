// What the ODE primitive and its adjoints share: the parameters, the inputs' layout, the
// solve on concrete values, and the checks and messages around it.
import { isFloat } from "../array/index.js";
import { np, type Array, type Aval, type IR } from "../core/index.js";
import { concrete, concreteValue, guardStatus, runIR, vmap } from "../transforms/index.js";
import { flatRhs, ravel } from "./flat.js";
import { integrate, type IntegrateOptions, type Step } from "./integrate.js";

/** How a solve ended; the `status` output is the index in this list. */
export const STATUS = ["success", "maxSteps", "stepUnderflow", "nonFinite"] as const;

/** How reverse mode differentiates a solve (see `odeint`). */
export type Adjoint = "direct" | "checkpoint" | "backsolve";

/** Binds the ODE solve primitive (passed to the adjoints, which solve ODEs backwards). */
export type SolveBind = (inputs: Array[], p: OdeParams) => Array[];

/** The integrator's settings (errorSize: the user's y within an augmented system), and f. */
export interface OdeParams extends IntegrateOptions {
  /** What errors name: odeint, or odeint(f). */
  op: string;
  /** f, staged: [...consts, ...y, t, ...args] → dy/dt, with y's leaves. */
  fIR: IR;
  nConsts: number;
  nY: number;
  adjoint: Adjoint;
}

/** The inputs [...consts, ...y0, ts, ...args] in their four groups. */
export function groups<T>(xs: readonly T[], p: OdeParams): [T[], T[], T, T[]] {
  const a = p.nConsts;
  const b = a + p.nY;
  return [xs.slice(0, a), xs.slice(a, b), xs[b]!, xs.slice(b + 1)];
}

export const avalsOf = (xs: readonly Array[]): Aval[] => xs.map((x) => ({ shape: x.shape, dtype: x.dtype }));

export function integrateOptions(p: OdeParams): IntegrateOptions {
  return { method: p.method, rtol: p.rtol, atol: p.atol, maxSteps: p.maxSteps, ...(p.dt0 !== undefined ? { dt0: p.dt0 } : {}), ...(p.errorSize !== undefined ? { errorSize: p.errorSize } : {}) };
}

/** The integrator on concrete inputs: its result, and the output times as numbers. */
export function solveConcrete(p: OdeParams, inputs: readonly Array[]) {
  const [consts, y0, ts, args] = groups(inputs, p);
  const times = ts.toFloat64Array();
  const result = integrate(flatRhs(p.fIR, consts, args, avalsOf(y0)), ravel(y0), [...times], integrateOptions(p));
  return { result, times };
}

/** f(y(t_i), t_i, ...args) for every output time: leaves [T, ...]. */
export function valuesOfF(p: OdeParams, consts: readonly Array[], args: readonly Array[], ys: readonly Array[], ts: Array): Array[] {
  return vmap((...rows: Array[]) => runIR(p.fIR, [...consts, ...rows.slice(0, -1), rows[rows.length - 1]!, ...args]))(...ys, ts);
}

/**
 * The integrator's message for a solve, keyed by its status output's data: a string
 * cannot be an output of a primitive, and under jit there is none to give.
 */
const messages = new WeakMap<object, string>();

/** The accepted steps of an eager solve, keyed like its message: the adjoints reuse them. */
const solvedSteps = new WeakMap<object, readonly Step[]>();

/** Records a solve's message and steps under its status output's data. */
export function recordSolve(status: { data: object }, message: string, steps: readonly Step[]): void {
  messages.set(status.data, message);
  solvedSteps.set(status.data, steps);
}

/** The steps of the solve whose status this is, if it ran eagerly and is still known. */
export function stepsOfSolve(status: Array): readonly Step[] | undefined {
  const v = concreteValue(status);
  return v ? solvedSteps.get(v.storage.data) : undefined;
}

/** The message of the solve whose status this is, when it ran eagerly. */
export function messageOf(status: Array): string | undefined {
  const v = concreteValue(status);
  return v ? messages.get(v.storage.data) : undefined;
}

/** xs, once the forward solve succeeded: a failed solve's derivative would describe a partial answer. */
export function guardSolved(p: OdeParams, status: Array, xs: Array[]): Array[] {
  return guardStatus(status, xs, (code) => `${p.op}: the solve ended with status "${STATUS[code] ?? code}", so it has no derivative; see the result's message`);
}
