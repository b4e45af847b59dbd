// What the least-squares methods share: the flat problem (residuals and Jacobian as
// Float64Array functions, counted), the point a run stands on (with the robust loss
// applied), scipy's trust-region radius update and stopping test for "trf" and "dogbox",
// and dense row-major helpers.
import { Storage } from "../array/index.js";
import { ConcreteArray } from "../core/index.js";
import { svd } from "../linalg/index.js";
import type { RobustLoss } from "./least-squares-loss.js";
import { allFinite } from "./vec.js";

/** Why the run ended: a tolerance met (success), the budget spent, or r not finite. */
export type LeastSquaresStatus = "gtol" | "ftol" | "xtol" | "ftol+xtol" | "maxNfev" | "nonFinite";

export interface Tolerances {
  ftol: number;
  xtol: number;
  gtol: number;
}

/**
 * r and J on flat x, with the counts of their evaluations.
 *
 * @example
 * new FlatProblem((x) => x, (x) => Float64Array.of(1), 1, 1, undefined).cost(Float64Array.of(2)); // 2
 */
export class FlatProblem {
  nfev = 0;
  njev = 0;
  constructor(
    private readonly r: (x: Float64Array) => Float64Array,
    private readonly J: (x: Float64Array) => Float64Array,
    readonly m: number,
    readonly n: number,
    readonly loss: RobustLoss | undefined,
  ) {}

  residuals(x: Float64Array): Float64Array {
    this.nfev++;
    return this.r(x);
  }

  /** Row-major m×n. */
  jacobian(x: Float64Array): Float64Array {
    this.njev++;
    return this.J(x);
  }

  /** ½‖r‖², or the robust loss's cost. */
  cost(r: Float64Array): number {
    return this.loss ? this.loss.cost(r) : 0.5 * sumSquares(r);
  }

  /** The point x with r(x) and J(x) already evaluated. */
  point(x: Float64Array, rTrue: Float64Array, JTrue: Float64Array): Point {
    const { r, J } = this.loss ? this.loss.rescale(rTrue, JTrue, this.n) : { r: rTrue, J: JTrue };
    return { x, rTrue, JTrue, r, J, cost: this.cost(rTrue), g: transposeTimes(J, r, this.m, this.n) };
  }
}

/**
 * Where a run stands: x, the true residuals and Jacobian, and the ones the steps model
 * (rescaled by the robust loss: ½‖r‖² has the cost's gradient g = Jᵀr).
 */
export interface Point {
  x: Float64Array;
  rTrue: Float64Array;
  JTrue: Float64Array;
  r: Float64Array;
  J: Float64Array;
  cost: number;
  g: Float64Array;
}

/** How a run ended, in flat terms; leastSquares turns it into the public record. */
export interface Outcome {
  point: Point;
  optimality: number;
  /** −1 at a lower bound, +1 at an upper, 0 free (scipy's active_mask). */
  activeMask: Int32Array;
  status: LeastSquaresStatus;
  message: string;
}

/**
 * scipy's check_termination for "trf" and "dogbox": ftol when the cost fell by less than
 * ftol·cost on a step the model predicted fairly (ratio > ¼), xtol when the step is
 * shorter than xtol·(xtol + ‖x‖).
 *
 * @example
 * termination(1e-12, 1, 0.1, 1, 0.9, { ftol: 1e-8, xtol: 1e-8, gtol: 1e-8 }); // "ftol"
 */
export function termination(actual: number, cost: number, stepNorm: number, xNorm: number, ratio: number, tol: Tolerances): LeastSquaresStatus | undefined {
  const f = actual < tol.ftol * cost && ratio > 0.25;
  const x = stepNorm < tol.xtol * (tol.xtol + xNorm);
  return f && x ? "ftol+xtol" : f ? "ftol" : x ? "xtol" : undefined;
}

/**
 * The message of each successful status of "trf" and "dogbox".
 *
 * @example
 * terminationMessage("gtol", tol); // "the scaled gradient fell below gtol = 1e-8"
 */
export function terminationMessage(status: LeastSquaresStatus, tol: Tolerances): string {
  switch (status) {
    case "gtol":
      return `the scaled gradient fell below gtol = ${tol.gtol}`;
    case "ftol":
      return `the cost fell by less than ftol = ${tol.ftol} of itself`;
    case "xtol":
      return `the step was shorter than xtol = ${tol.xtol} relative to x`;
    case "ftol+xtol":
      return `the cost and x both changed by less than ftol = ${tol.ftol}, xtol = ${tol.xtol}`;
    default:
      return status;
  }
}

/**
 * The radius after a step (scipy's update_tr_radius): a quarter of the step on a poor
 * model (ratio < ¼), doubled on a good one whose step reached the region's edge.
 *
 * @example
 * updateRadius(1, 0.1, 1, 0.5, false).radius; // 0.125: ratio 0.1 < ¼
 */
export function updateRadius(radius: number, actual: number, predicted: number, stepNorm: number, hitEdge: boolean): { radius: number; ratio: number } {
  const ratio = predicted > 0 ? actual / predicted : predicted === 0 && actual === 0 ? 1 : 0;
  if (ratio < 0.25) return { radius: 0.25 * stepNorm, ratio };
  return { radius: ratio > 0.75 && hitEdge ? 2 * radius : radius, ratio };
}

/**
 * ½‖r‖² summed in order (as "lm" always has; its runs are kept bit for bit).
 *
 * @example
 * sumSquares(Float64Array.of(3, 4)); // 25
 */
export const sumSquares = (v: Float64Array) => v.reduce((s, e) => s + e * e, 0);

/**
 * J·p for row-major m×n J.
 *
 * @example
 * times(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1), 2, 2); // [3, 7]
 */
export function times(J: Float64Array, p: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += J[i * n + j]! * p[j]!;
    out[i] = s;
  }
  return out;
}

/**
 * Jᵀ·r for row-major m×n J.
 *
 * @example
 * transposeTimes(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1), 2, 2); // [4, 6]
 */
export function transposeTimes(J: Float64Array, r: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j] = out[j]! + J[i * n + j]! * r[i]!;
  return out;
}

/**
 * s²·(JᵀJ)⁻¹ with s² = 2·cost / (m − n), from J's SVD (row-major m×n); Infinity where undetermined.
 *
 * @example
 * covariance(Float64Array.of(1, 0, 0, 2, 0, 0), 3, 2, 1); // [2, 0, 0, 0.5]: s² = 2
 */
export function covariance(J: Float64Array, m: number, n: number, cost: number): Float64Array {
  const out = new Float64Array(n * n).fill(Infinity);
  if (m <= n || !allFinite(J)) return out;
  const [, sArr, Vt] = svd(new ConcreteArray(new Storage("float64", [m, n], J.slice())), { fullMatrices: false });
  const s = sArr.toFloat64Array();
  const v = Vt.toFloat64Array(); // k × n, k = n here
  if (!(s[n - 1]! > Number.EPSILON * Math.max(m, n) * s[0]!)) return out;
  const s2 = (2 * cost) / (m - n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (v[i * n + a]! * v[i * n + b]!) / (s[i]! * s[i]!);
      out[a * n + b] = s2 * sum;
    }
  }
  return out;
}
