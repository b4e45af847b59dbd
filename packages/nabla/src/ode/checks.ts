// Bad input is a thrown one-line error naming the argument, prefixed "odeint: " (the
// public function built on integrate is odeint).
import { describe, isFloat, shapeString } from "../array/index.js";
import { Array, np } from "../core/index.js";
import { METHODS, METHOD_NAMES, type MethodSpec } from "./methods.js";
import type { IntegrateOptions, OdeMethod } from "./types.js";

const op = "odeint";

/** rhs must be a function. @example checkRhs(3); // Error: odeint: rhs must be a function (y, t) => dy/dt, got 3 */
export function checkRhs(rhs: unknown): void {
  if (typeof rhs !== "function") throw new Error(`${op}: rhs must be a function (y, t) => dy/dt, got ${describe(rhs)}`);
}

/** y0 as float64 (a float32 y0 is widened). @example checkY0(np.array([[1]])); // Error: odeint: y0 must be a 1-D float Array, got float64 of shape (1,1) */
export function checkY0(y0: unknown): Array {
  if (!(y0 instanceof Array) || y0.ndim !== 1 || !isFloat(y0.dtype)) {
    const got = y0 instanceof Array ? `${y0.dtype} of shape ${shapeString(y0.shape)}` : describe(y0);
    throw new Error(`${op}: y0 must be a 1-D float Array, got ${got}`);
  }
  return y0.dtype === "float64" ? y0 : np.astype(y0, "float64");
}

/** ts as numbers, and the direction of integration (1 forward, −1 backward). @example checkTimes([1, 0]); // [[1, 0], -1] */
export function checkTimes(ts: unknown): [number[], number] {
  if (!globalThis.Array.isArray(ts) || ts.length === 0) throw new Error(`${op}: ts must be a non-empty list of numbers, got ${describe(ts)}`);
  ts.forEach((t, i) => {
    if (typeof t !== "number" || !Number.isFinite(t)) throw new Error(`${op}: ts[${i}] must be a finite number, got ${describe(t)}`);
  });
  const times = ts as number[];
  const dir = times.length > 1 && times[1]! < times[0]! ? -1 : 1;
  for (let i = 1; i < times.length; i++) {
    if (!(dir * (times[i]! - times[i - 1]!) > 0)) {
      throw new Error(`${op}: ts must be strictly increasing or strictly decreasing, got ts[${i - 1}] = ${times[i - 1]} then ts[${i}] = ${times[i]}`);
    }
  }
  return [times, dir];
}

/** The method's entry. @example checkMethod("rk45"); // Error: odeint: method "rk45" is not one of euler, … */
export function checkMethod(method: unknown): MethodSpec {
  if (typeof method !== "string" || !Object.hasOwn(METHODS, method)) {
    throw new Error(`${op}: method ${describe(method)} is not one of ${METHOD_NAMES.join(", ")}`);
  }
  return METHODS[method as OdeMethod];
}

/** The options must be an object. @example checkOptionsObject(undefined); // Error: odeint: options must be an object, got undefined */
export function checkOptionsObject(opts: unknown): IntegrateOptions {
  if (typeof opts !== "object" || opts === null) throw new Error(`${op}: options must be an object, got ${describe(opts)}`);
  return opts as IntegrateOptions;
}

export interface Settings {
  rtol: number;
  atol: number;
  dt0?: number;
  maxSteps: number;
  errorSize: number;
}

/**
 * The options, checked for the method (tolerances only where they are used).
 *
 * @example
 * checkSettings({ method: "rk4", rtol: 0, atol: 0, maxSteps: 10 }, METHODS.rk4, 1); // Error: odeint: dt0 (the step) is required …
 */
export function checkSettings(opts: IntegrateOptions, spec: MethodSpec, n: number): Settings {
  const { rtol, atol, dt0, maxSteps, errorSize = n } = opts;
  if (spec.kind !== "fixed") {
    if (typeof rtol !== "number" || !(rtol > 0) || !Number.isFinite(rtol)) throw new Error(`${op}: rtol must be a positive finite number, got ${describe(rtol)}`);
    if (typeof atol !== "number" || !(atol >= 0) || !Number.isFinite(atol)) throw new Error(`${op}: atol must be a non-negative finite number, got ${describe(atol)}`);
  }
  if (dt0 === undefined && spec.kind === "fixed") throw new Error(`${op}: dt0 (the step) is required for the fixed-step method ${opts.method}`);
  if (dt0 !== undefined && (typeof dt0 !== "number" || !Number.isFinite(dt0) || dt0 === 0)) {
    throw new Error(`${op}: dt0 must be a nonzero finite number, got ${describe(dt0)}`);
  }
  if (typeof maxSteps !== "number" || !(maxSteps >= 1) || !(Number.isInteger(maxSteps) || maxSteps === Infinity)) {
    throw new Error(`${op}: maxSteps must be a positive integer or Infinity, got ${describe(maxSteps)}`);
  }
  if (typeof errorSize !== "number" || !Number.isInteger(errorSize) || errorSize < 0 || errorSize > n) {
    throw new Error(`${op}: errorSize must be an integer from 0 to y0's length ${n}, got ${describe(errorSize)}`);
  }
  return { rtol, atol, dt0: dt0 === undefined ? undefined : Math.abs(dt0), maxSteps, errorSize };
}
