// The public adaptive quadrature: QUADPACK's QAGS (finite ranges) and QAGI (infinite
// ones), as a differentiable primitive that reports how it went instead of throwing.
import { checkFunction } from "../array/index.js";
import { Array, np } from "../core/index.js";
import { bindQuad, messageOf, stageIntegrand } from "./quad-primitive.js";
import type { Tolerances } from "./quad-qags.js";

export { STATUS, type QuadStatus } from "./quad-qags.js";

export interface QuadOptions {
  /** Absolute tolerance (default 1.49e-8, as scipy). */
  epsabs?: number;
  /** Relative tolerance (default 1.49e-8); quad stops when error ≤ max(epsabs, epsrel·|value|). */
  epsrel?: number;
  /** Most subintervals (default 50). */
  limit?: number;
}

/** What quad returns: Arrays, so that it passes through jit and vmap. */
export interface QuadResult {
  /** The integral, of the integrand's shape (float64); NaN when status is "nonFinite". */
  value: Array;
  /** Estimate of |value − integral| (float64 scalar; the max over components for a vector integrand; NaN when "nonFinite"). */
  error: Array;
  /** Evaluations of the integrand (int32; for dblquad and nquad, of f at every level). */
  nfev: Array;
  /** Index in STATUS (int32): 0 "converged", else why not (QUADPACK's ier 1–5, then 6 "nonFinite"). */
  status: Array;
  success: Array;
  /** How it ended, in words; empty under jit and vmap. */
  message: string;
}

const KNOWN = ["epsabs", "epsrel", "limit"];

/** The options, checked and defaulted; bad ones are an error naming `op` and the option. */
export function tolerancesOf(op: string, opts: QuadOptions): Tolerances {
  if (typeof opts !== "object" || opts === null) throw new Error(`${op}: options must be an object, got ${String(opts)}`);
  const unknown = Object.keys(opts).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown option(s) ${unknown.join(", ")}; expected ${KNOWN.join(", ")}`);
  const { epsabs = 1.49e-8, epsrel = 1.49e-8, limit = 50 } = opts;
  for (const [name, v] of [["epsabs", epsabs], ["epsrel", epsrel]] as const) {
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  // QUADPACK refuses a purely relative tolerance below 50ε: roundoff makes it unreachable.
  if (epsabs <= 0 && epsrel < 50 * 2.220446049250313e-16) throw new Error(`${op}: with epsabs = 0, epsrel must be at least 50ε ≈ 1.1e-14, got ${epsrel}`);
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) throw new Error(`${op}: limit must be an integer ≥ 1, got ${String(limit)}`);
  return { epsabs, epsrel, limit };
}

/** A limit as a float64 scalar Array (a number, ±Infinity, or a scalar Array). */
export function limitArg(op: string, name: string, v: unknown): Array {
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new Error(`${op}: ${name} is NaN`);
    return np.array(v);
  }
  if (!(v instanceof Array)) throw new Error(`${op}: ${name} must be a number or a scalar Array, got ${v === null ? "null" : typeof v}`);
  const x = v;
  if (x.ndim !== 0) throw new Error(`${op}: ${name} must be a scalar, got shape (${x.shape})`);
  if (x.dtype !== "float64" && x.dtype !== "int32") throw new Error(`${op}: ${name} must be a float64 scalar, got ${x.dtype}`);
  return x.dtype === "float64" ? x : np.astype(x, "float64");
}

/** The integrand's output as one float64 Array, checked (the error names `op`). */
export function valueOf(op: string, y: unknown): Array {
  if (typeof y !== "number" && !(y instanceof Array)) throw new Error(`${op}: f must return an Array or a number, got ${y === null ? "null" : typeof y}`);
  const v = np.asArray(y as Array | number);
  if (v.dtype !== "float64") throw new Error(`${op}: f must return float64 values, got ${v.dtype}`);
  return v;
}

/** The public record from the primitive's outputs [value, error, nfev, status]. */
export function resultOf([value, error, nfev, status]: Array[]): QuadResult {
  return { value: value!, error: error!, nfev: nfev!, status: status!, success: np.equal(status!, 0), message: messageOf(status!) };
}

/**
 * ∫ₐᵇ f(x) dx by adaptive Gauss–Kronrod quadrature, as scipy.integrate.quad (QUADPACK's
 * QAGS: the 21-point rule, bisection of the worst subinterval, and Wynn's ε-extrapolation,
 * so that endpoint singularities like x^{−½} or log x converge). a and b are numbers or
 * scalar Arrays; ±Infinity maps the range onto (0, 1] by x = a + (1 − t)/t as QAGI does
 * (on its 15-point rule). f takes a scalar x and returns any shape (a vector-valued
 * integral, like scipy's quad_vec; error is then the max over components). nfev counts
 * calls of f at single points (over the whole line, f(x) and f(−x) both count, as in
 * scipy's neval); on scipy's test integrals it equals scipy's neval.
 *
 * Differentiable, forward and reverse, to any order, in what f closes over
 * (d/dθ ∫ f(x; θ) dx = ∫ ∂f/∂θ dx, integrated at the same tolerances) and in finite
 * limits (∂/∂b = f(b), ∂/∂a = −f(a)); the derivative in an infinite limit is 0. The
 * derivative's own integral reports no status: it is as good as its tolerances allow. A
 * failure is reported in status and message, not thrown; a non-finite f gives status
 * "nonFinite" and a NaN value.
 *
 * @example
 * integrate.quad((x) => np.exp(x.square().neg()), -Infinity, Infinity).value; // √π
 * integrate.quad((x) => np.pow(x, -0.5), 0, 1).value;                          // 2
 * grad((t: Array) => integrate.quad((x) => np.exp(x.mul(t)), 0, 1).value)(np.array(0)); // ½
 */
export function quad(f: (x: Array) => Array | number, a: Array | number, b: Array | number, opts: QuadOptions = {}): QuadResult {
  checkFunction("quad", "f", f);
  const tol = tolerancesOf("quad", opts);
  const [lo, hi] = [limitArg("quad", "a", a), limitArg("quad", "b", b)];
  const staged = stageIntegrand((x) => [valueOf("quad", f(x))]);
  return resultOf(bindQuad(staged, lo, hi, { op: "quad", counted: false, ...tol }));
}
