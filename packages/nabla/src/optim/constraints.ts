// The general constraints of minimize's constrained methods: their specification checked
// where it enters, all of them as one flat vector function c(x) of x0's flat vector (the
// constraints' elements in the order given), with its Jacobian and the λ-weighted
// Hessian Σ λᵢ∇²cᵢ by autodiff (compiled with jit when the functions allow it), and the
// KKT residuals every method reports.
import { Storage } from "../array/index.js";
import { Array, ConcreteArray, np } from "../core/index.js";
import { hessian, jacfwd, jacrev, jit, ravelPytree, type GradOf } from "../transforms/index.js";
import { projectedGradNorm, type Box } from "./bounds.js";
import { vector, withFallback } from "./objective.js";
import type { Constraint, KKTResiduals } from "./types.js";
import { checkKeys, shown } from "./validate.js";
import { addMatTVec, normInf } from "./vec.js";

function fail(message: string): never {
  throw new Error(`minimize: ${message}`);
}

/**
 * Checks the `constraints` option: a list of `{ type: "eq" | "ineq", fun }` records.
 *
 * @example
 * checkConstraints([{ type: "le", fun: (x) => x }]); // throws 'minimize: constraints[0].type must be "eq" or "ineq", got "le"'
 */
export function checkConstraints(constraints: unknown): asserts constraints is readonly Constraint<any>[] {
  if (!globalThis.Array.isArray(constraints)) fail(`constraints must be a list of { type, fun }, got ${shown(constraints)}`);
  constraints.forEach((c: unknown, i) => {
    const at = `constraints[${i}]`;
    if (typeof c !== "object" || c === null || globalThis.Array.isArray(c)) fail(`${at} must be an object { type, fun }, got ${shown(c)}`);
    checkKeys("minimize", at, c, ["type", "fun"]);
    const { type, fun } = c as { type?: unknown; fun?: unknown };
    if (type !== "eq" && type !== "ineq") fail(`${at}.type must be "eq" or "ineq", got ${shown(type)}`);
    if (typeof fun !== "function") fail(`${at}.fun must be a function of x, got ${shown(fun)}`);
  });
}

/** All constraints as c: ℝⁿ → ℝᵐ over x0's flat vector, with derivatives, every call counted. */
export class FlatConstraints<T> {
  /** Evaluations of c, of its Jacobian, and of the weighted Hessian. */
  ncev = 0;
  njev = 0;
  nhev = 0;
  /** Rows of c: m in all; `ineq[i]` says whether row i is an inequality cᵢ ≥ 0. */
  readonly m: number;
  readonly ineq: Uint8Array;
  /** The shape of each constraint's value ([] or [k]), to split multipliers back. */
  readonly shapes: number[][];
  jitFallback: string | undefined;
  private readonly c: (x: Array) => Array;
  private readonly jac: (x: Array) => Array;
  private readonly weighted: (x: Array, w: Array) => Array;

  constructor(constraints: readonly Constraint<T>[], x0: T, readonly n: number, useJit: boolean) {
    const [flat, unravel] = ravelPytree(x0);
    const start = np.astype(flat, "float64");
    const values = (v: Array) => constraints.map((c) => np.astype(np.asArray(c.fun(unravel(v) as GradOf<T>)), "float64"));
    this.shapes = values(start).map((a, i) => {
      if (a.ndim > 1) fail(`constraints[${i}].fun must return a number, a 0-d or a 1-d Array, got shape [${a.shape.join(", ")}]`);
      return [...a.shape];
    });
    const sizes = this.shapes.map((s) => (s.length === 0 ? 1 : s[0]!));
    this.m = sizes.reduce((a, b) => a + b, 0);
    this.ineq = new Uint8Array(this.m);
    let row = 0;
    constraints.forEach((c, i) => this.ineq.fill(c.type === "ineq" ? 1 : 0, row, (row += sizes[i]!)));
    const m = this.m;
    const cFlat = (v: Array): Array => (m === 0 ? np.zeros([0]) : np.concatenate(values(v).map((a) => np.reshape(a, [-1]))));
    // Reverse mode costs one pass per row, forward mode one per variable.
    const eagerJac: (x: Array) => Array = m <= n ? jacrev(cFlat) : jacfwd(cFlat);
    const eagerWeighted: (x: Array, w: Array) => Array = hessian((v: Array, w: Array) => np.sum(np.mul(w, cFlat(v))));
    const fallback = (why: string) => (this.jitFallback ??= why);
    this.c = withFallback(useJit ? jit(cFlat) : undefined, cFlat, fallback);
    this.jac = withFallback(useJit ? jit(eagerJac) : undefined, eagerJac, fallback);
    this.weighted = withFallback(useJit ? jit(eagerWeighted) : undefined, eagerWeighted, fallback);
  }

  /** c(x), m values. */
  values(x: Float64Array): Float64Array {
    this.ncev++;
    return this.m === 0 ? new Float64Array(0) : this.c(vector(x)).toFloat64Array();
  }

  /** The m×n Jacobian of c at x, row-major. */
  jacobian(x: Float64Array): Float64Array {
    this.njev++;
    return this.m === 0 ? new Float64Array(0) : np.reshape(this.jac(vector(x)), [this.m * this.n]).toFloat64Array();
  }

  /** Σ wᵢ∇²cᵢ(x), n×n row-major. */
  weightedHessian(x: Float64Array, w: Float64Array): Float64Array {
    this.nhev++;
    if (this.m === 0) return new Float64Array(this.n * this.n);
    return np.reshape(this.weighted(vector(x), vector(w)), [this.n * this.n]).toFloat64Array();
  }

  /** The m flat multipliers as one float64 Array per constraint, shaped like its value. */
  split(lambda: Float64Array): Array[] {
    let row = 0;
    return this.shapes.map((shape) => {
      const k = shape.length === 0 ? 1 : shape[0]!;
      const part = lambda.slice(row, (row += k));
      return new ConcreteArray(new Storage("float64", shape, part));
    });
  }
}

/** Jᵀv for an m×n row-major J. */
export const jacTVec = (J: Float64Array, v: Float64Array, n: number): Float64Array => addMatTVec(J, v.length, n, v, new Float64Array(n));

/** The violation of each row: cᵢ for "eq", min(cᵢ, 0) for "ineq" (0 where satisfied). */
export function violations(c: Float64Array, ineq: Uint8Array): Float64Array {
  return c.map((ci, i) => (ineq[i] ? Math.min(ci, 0) : ci));
}

/** The largest distance of x outside the box (0 inside). */
export function boxViolation(x: Float64Array, box: Box | undefined): number {
  if (!box) return 0;
  let v = 0;
  for (let i = 0; i < x.length; i++) v = Math.max(v, box.lo[i]! - x[i]!, x[i]! - box.hi[i]!);
  return v;
}

/**
 * The KKT residuals at x (see `KKTResiduals`) from ∇f = g, c, its Jacobian J and the
 * multipliers λ (m of them, scipy's signs).
 *
 * @example
 * kktResiduals(x, g, c, J, lambda, cons.ineq, box).stationarity; // ‖P(x − ∇ₓL) − x‖∞
 */
export function kktResiduals(x: Float64Array, g: Float64Array, c: Float64Array, J: Float64Array, lambda: Float64Array, ineq: Uint8Array, box: Box | undefined): KKTResiduals {
  const n = x.length;
  const jtl = jacTVec(J, lambda, n);
  const gL = g.map((gi, j) => gi - jtl[j]!);
  const stationarity = box ? projectedGradNorm(x, gL, box) : normInf(gL);
  const feasibility = Math.max(normInf(violations(c, ineq)), boxViolation(x, box));
  let complementarity = 0;
  for (let i = 0; i < c.length; i++) if (ineq[i]) complementarity = Math.max(complementarity, Math.abs(lambda[i]! * c[i]!));
  return { stationarity, feasibility, complementarity };
}

/**
 * How far x is from a stationary point of the infeasibility θ(x) = ½‖v(x)‖² (v the
 * violations) over the box, relative to the violation: ‖P(x − ∇θ) − x‖∞ / ‖v‖∞, with
 * ∇θ = Jᵀv. Near 0 while ‖v‖ stays well above the tolerance, x is locally infeasible:
 * no nearby move reduces the violation.
 *
 * @example
 * infeasibilityStationarity(x, c, J, cons.ineq, box) < 1e-6; // with feasibility > ctol: "infeasible"
 */
export function infeasibilityStationarity(x: Float64Array, c: Float64Array, J: Float64Array, ineq: Uint8Array, box: Box | undefined): number {
  const v = violations(c, ineq);
  const size = normInf(v);
  if (size === 0) return Infinity;
  const gradTheta = jacTVec(J, v, x.length);
  const move = box ? projectedGradNorm(x, gradTheta, box) : normInf(gradTheta);
  return move / size;
}
