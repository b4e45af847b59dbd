// Multiple integrals by nesting quad: the inner integral, a quad traced inside the outer
// integrand, is itself differentiable, so derivatives come through every level. Each
// level reports its own evaluations to the one above, so nfev counts every call of f.
import { checkFunction } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import { bindQuad, stageIntegrand } from "./quad-primitive.js";
import { limitArg, resultOf, tolerancesOf, valueOf, type QuadOptions, type QuadResult } from "./quad.js";
import type { Tolerances } from "./quad-qags.js";

/** A limit: a number (±Infinity allowed) or a scalar Array. */
export type Bound = number | Array;
/** The limits of one variable as a function of the variables outside it (x₀ … x_{i−1}). */
export type RangeFn = (...outer: Array[]) => readonly [Bound, Bound];
/** The limits of one variable: fixed, or depending on the outer variables. */
export type Range = readonly [Bound, Bound] | RangeFn;

/** The outputs [value, error, nfev, status] of the integral over xs[level…], the outer ones fixed. */
function nested(op: string, f: (...xs: Array[]) => Array | number, ranges: readonly Range[], tol: Tolerances, outer: Array[]): Array[] {
  const level = outer.length;
  const range = ranges[level]!;
  const bounds = typeof range === "function" ? range(...outer) : range;
  if (!globalThis.Array.isArray(bounds) || bounds.length !== 2) throw new Error(`${op}: range ${level} must give [lower, upper], got ${String(bounds)}`);
  const [lo, hi] = [limitArg(op, `range ${level}'s lower limit`, bounds[0]), limitArg(op, `range ${level}'s upper limit`, bounds[1])];
  if (level === ranges.length - 1) {
    const staged = stageIntegrand((x) => [valueOf(op, f(...outer, x))]);
    return bindQuad(staged, lo, hi, { op, counted: false, ...tol });
  }
  // The inner integral as a function of this level's variable; its nfev and status ride along.
  const staged = stageIntegrand((x) => {
    const [value, , nfev, status] = nested(op, f, ranges, tol, [...outer, x]);
    return [value!, np.stack([nfev!, status!])];
  }, true);
  return bindQuad(staged, lo, hi, { op, counted: true, ...tol });
}

/**
 * ∫ ⋯ ∫ f(x₀, …, x_{n−1}) dx_{n−1} ⋯ dx₀ over ranges[i] for xᵢ, by nested quad. The
 * order is natural, outermost first: ranges[0] is x₀'s and x₀ is f's first argument,
 * and ranges[i] may be a function of the outer variables x₀ … x_{i−1} (scipy's nquad
 * lists ranges innermost first instead). Every level uses the options' tolerances; error
 * is the outermost level's estimate (as scipy's), status the first failure found at any
 * level, nfev the evaluations of f. Differentiable like quad, in what f and the range
 * functions close over and in the limits.
 *
 * @example
 * integrate.nquad((x, y, z) => x.mul(y).mul(z), [[0, 1], [0, 1], [0, 1]]).value; // 1/8
 * integrate.nquad((x, y) => np.ones([]), [[0, 1], (x) => [0, x]]).value;          // ½, a triangle
 */
export function nquad(f: (...xs: Array[]) => Array | number, ranges: readonly Range[], opts: QuadOptions = {}): QuadResult {
  checkFunction("nquad", "f", f);
  if (!globalThis.Array.isArray(ranges) || ranges.length === 0) throw new Error(`nquad: ranges must be a non-empty list of [lower, upper] pairs or functions`);
  return resultOf(nested("nquad", f, ranges, tolerancesOf("nquad", opts), []));
}

/**
 * ∫ₐᵇ ∫_{c(x)}^{d(x)} f(x, y) dy dx, by nested quad. The argument order is natural:
 * f(x, y) with x the outer variable (scipy's dblquad takes func(y, x)). c and d are
 * numbers, scalar Arrays or functions of x; ±Infinity is allowed anywhere. Same result
 * record and derivatives as {@link nquad}.
 *
 * @example
 * integrate.dblquad((x, y) => x.mul(y), 0, 1, 0, 1).value;                                  // ¼
 * integrate.dblquad((x, y) => np.exp(x.square().add(y.square()).neg()), -Infinity, Infinity, -Infinity, Infinity).value; // π
 * integrate.dblquad((x, y) => np.ones([]), 0, 1, 0, (x) => x).value;                        // ½
 */
export function dblquad(
  f: (x: Array, y: Array) => Array | number,
  a: Bound,
  b: Bound,
  c: Bound | ((x: Array) => Bound),
  d: Bound | ((x: Array) => Bound),
  opts: QuadOptions = {},
): QuadResult {
  checkFunction("dblquad", "f", f);
  const at = (g: Bound | ((x: Array) => Bound), x: Array) => (typeof g === "function" ? g(x) : g);
  const ranges: Range[] = [[a, b], (x) => [at(c, x), at(d, x)]];
  return resultOf(nested("dblquad", (x, y) => f(x!, y!), ranges, tolerancesOf("dblquad", opts), []));
}
