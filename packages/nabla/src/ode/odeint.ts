// odeint: the public face of the ODE solve, over pytree states.
import { Array, bind, np, tree, type MapLeaves, type Tree } from "../core/index.js";
import { avalsOf, describeAvals, opOf, outputLeaves, sameAvals, traceFn, type GradOf } from "../transforms/index.js";
import type { OdeMethod } from "./integrate.js";
import { messageOf, STATUS, type Adjoint } from "./params.js";
import { odeSolvePrimitive } from "./solve.js";

const METHODS: readonly OdeMethod[] = ["euler", "midpoint", "heun", "rk4", "bosh3", "dopri5", "tsit5", "rodas5p", "rodas5"];
const ADJOINTS: readonly Adjoint[] = ["checkpoint", "direct", "backsolve"];
const FIXED = new Set(["euler", "midpoint", "heun", "rk4"]);

export interface OdeintOptions {
  /**
   * Fixed step: "euler", "midpoint", "heun", "rk4" (need `dt0`); adaptive: "bosh3",
   * "dopri5" (default), "tsit5"; stiff: "rodas5p" and "rodas5" (Rosenbrock, L-stable, the
   * Jacobian from jacfwd; rodas5p's error estimate is the better one). Dense output for ts
   * inside a step: each method's own order-4 interpolant (cubic Hermite for bosh3).
   */
  method?: OdeMethod;
  /** Relative and absolute tolerances of the adaptive and stiff methods (default 1e-6 and 1e-9). */
  rtol?: number;
  atol?: number;
  /** The step of the fixed-step methods; the first trial step of the others (default: chosen from f). */
  dt0?: number;
  /** Budget of steps, accepted and rejected (default 10,000). */
  maxSteps?: number;
  /**
   * Reverse mode: "checkpoint" (default; backpropagation through the steps, recomputing
   * segments from √N stored states; also under jit and vmap), "direct" (backpropagation
   * through all steps kept; any order; eager only), or "backsolve" (the continuous
   * adjoint solved backwards, memory O(1); composes with everything; accurate to the
   * tolerances, not to the last digit of the numerical solution).
   */
  adjoint?: Adjoint;
}

/** What odeint returns: the states at ts, and how the solve went (Arrays, so jit and vmap pass them). */
export interface OdeResult<Y> {
  /** y's structure, each leaf with a leading axis of ts's length: ys.leaf[i] = y(ts[i]). */
  ys: MapLeaves<Y, Array>;
  /** Index in `STATUS`: 0 "success", 1 "maxSteps", 2 "stepUnderflow", 3 "nonFinite" (int32). */
  status: Array;
  success: Array;
  /** Evaluations of f, accepted and rejected steps (int32). */
  nfev: Array;
  accepted: Array;
  rejected: Array;
  /** How the solve ended, naming t and the step size on a failure; empty under jit. */
  message: string;
}

function check(op: string, ok: boolean, what: string): void {
  if (!ok) throw new Error(`${op}: ${what}`);
}

/**
 * Solves dy/dt = f(y, t, ...args) from y(ts[0]) = y0 and returns y at every time in `ts`
 * (increasing, or decreasing to integrate backwards), with the solver's record. y is any
 * pytree of float Arrays; f returns its structure and shapes (its values are cast to y's
 * float dtypes, so a float32 state stays float32). Differentiable in y0, ts and
 * the args (and what f closes over): forward mode integrates the variational equation
 * beside y with y's steps (exact derivatives of the numerical solution); reverse mode by
 * `adjoint`. A failed solve (budget, step underflow, NaN) reports its status and a message
 * naming t and the step size; its rows past the failure are NaN, and it refuses to be
 * differentiated. Options come first: a trailing options object could not be told from a
 * pytree argument.
 *
 * @example
 * const decay = ode.odeint((y: Array, _t: Array, k: Array) => y.mul(k).neg());
 * decay(np.array(1), np.array([0, 1]), np.array(2)).ys;           // [1, e⁻²]
 * grad((k: Array) => decay(np.array(1), np.array([0, 1]), k).ys.slice(1))(np.array(2)); // −e⁻²
 */
export function odeint<Y extends Tree, A extends unknown[]>(
  f: (y: GradOf<Y>, t: Array, ...args: A) => unknown,
  opts: OdeintOptions = {},
): (y0: Y, ts: Array | readonly number[], ...args: A) => OdeResult<Y> {
  const op = opOf("odeint", f);
  check(op, typeof f === "function", `f must be a function, got ${typeof f}`);
  check(op, typeof opts === "object" && opts !== null, "options must be an object");
  const known = ["method", "rtol", "atol", "dt0", "maxSteps", "adjoint"];
  const unknown = Object.keys(opts).filter((k) => !known.includes(k));
  check(op, unknown.length === 0, `unknown option(s) ${unknown.join(", ")}; expected ${known.join(", ")}`);
  const method = opts.method ?? "dopri5";
  check(op, METHODS.includes(method), `method ${JSON.stringify(method)} is not one of ${METHODS.join(", ")}`);
  const positive = (name: string, v: unknown) => check(op, v === undefined || (typeof v === "number" && v > 0 && Number.isFinite(v)), `${name} must be a finite number > 0, got ${String(v)}`);
  positive("rtol", opts.rtol);
  positive("atol", opts.atol);
  positive("dt0", opts.dt0);
  check(op, !FIXED.has(method) || opts.dt0 !== undefined, `method "${method}" takes fixed steps: give dt0`);
  const maxSteps = opts.maxSteps ?? 10_000;
  check(op, Number.isInteger(maxSteps) && maxSteps >= 1, `maxSteps must be a positive integer, got ${String(opts.maxSteps)}`);
  const adjoint = opts.adjoint ?? "checkpoint";
  check(op, ADJOINTS.includes(adjoint), `adjoint ${JSON.stringify(adjoint)} is not one of ${ADJOINTS.join(", ")}`);

  return (y0, ts, ...args) => {
    const [yLeaves, yDef] = outputLeaves(y0);
    const bad = yLeaves.find((l) => l.dtype !== "float64" && l.dtype !== "float32");
    check(op, bad === undefined, `y0 must be floating point, got ${bad?.dtype}`);
    const times = ts instanceof Array ? ts : np.array(ts as number[]);
    check(op, times.ndim === 1 && times.size >= 1, `ts must be a non-empty 1-D array of times, got shape (${times.shape})`);
    const flatArgs = args.map((a) => outputLeaves(a as Tree));
    const argLeaves = flatArgs.flatMap(([ls]) => ls);
    const tAval = { shape: [], dtype: "float64" as const };
    const yAvals = avalsOf(yLeaves);
    // f's value takes y's dtypes: a float32 state with a float64 t or parameter stays float32.
    const typed = (...inputs: Parameters<typeof f>) => {
      const [leaves, def] = outputLeaves(f(...inputs) as Tree);
      return tree.unflatten(def, leaves.map((l, i) => (yAvals[i] && l.dtype !== yAvals[i]!.dtype && (l.dtype === "float64" || l.dtype === "float32") ? np.astype(l, yAvals[i]!.dtype) : l)));
    };
    const traced = traceFn(typed, [yDef, tree.flatten(0)[1], ...flatArgs.map(([, d]) => d)], [...yAvals, tAval, ...avalsOf(argLeaves)]);
    check(op, traced.outDef.equals(yDef) && sameAvals(traced.outAvals, yAvals), `f must return y's structure, shapes and dtypes ${yDef} ${describeAvals(yAvals)}, got ${traced.outDef} ${describeAvals(traced.outAvals)}`);
    const settings = { method, rtol: opts.rtol ?? 1e-6, atol: opts.atol ?? 1e-9, maxSteps, adjoint, ...(opts.dt0 !== undefined ? { dt0: opts.dt0 } : {}) };
    const result = bind(odeSolvePrimitive, [...traced.consts, ...yLeaves, np.astype(times, "float64"), ...argLeaves], {
      op,
      fIR: traced.ir,
      nConsts: traced.consts.length,
      nY: yLeaves.length,
      ...settings,
    });
    const n = yLeaves.length;
    const [status, nfev, accepted, rejected] = result.slice(n);
    return {
      ys: tree.unflatten(yDef, result.slice(0, n)) as MapLeaves<Y, Array>,
      status: status!,
      success: np.equal(status!, 0),
      nfev: nfev!,
      accepted: accepted!,
      rejected: rejected!,
      message: messageOf(status!) ?? "",
    };
  };
}

export { STATUS };
