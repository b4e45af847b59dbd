// One step of a method from a point, in nabla np ops on y: integrate and replay both step
// through here, so replay repeats integrate's arithmetic exactly, and when rhs closes
// over traced values the same code is differentiable.
import { shapeString } from "../array/index.js";
import { Array, np } from "../core/index.js";
import { jacfwd } from "../transforms/index.js";
import type { ExplicitTableau } from "./tableaus.js";
import type { Rhs } from "./types.js";

/** The state at t, with what has been computed there (each at most once). */
export interface Point {
  t: number;
  y: Array;
  /** f(y, t). */
  f?: Array;
  /** ∂f/∂y and ∂f/∂t at (y, t): the stiff methods', shared by every attempt from this point. */
  J?: Array;
  dfdt?: Array;
}

/**
 * What one attempted step gives: y_new, its slope when the method computed it, the error
 * estimate when asked, and the stages when the method's dense output needs them.
 */
export interface Attempt {
  y: Array;
  f?: Array;
  err?: Float64Array;
  ks?: Array[];
}

/**
 * Calls rhs, counting the calls and checking what comes back; caches f and the
 * Jacobian on the points.
 *
 * @example
 * const ev = new Evaluator((y) => y.neg(), 1);
 * ev.slope({ t: 0, y: np.array([2]) }); // array([-2.]); ev.nfev === 1
 */
export class Evaluator {
  nfev = 0;
  njev = 0;
  constructor(
    readonly rhs: Rhs,
    readonly n: number,
  ) {}

  f(y: Array, t: number): Array {
    this.nfev++;
    const out = this.rhs(y, t);
    if (!(out instanceof Array) || out.ndim !== 1 || out.shape[0] !== this.n) {
      const got = out instanceof Array ? `shape ${shapeString(out.shape)}` : typeof out;
      throw new Error(`odeint: rhs must return an Array of shape ${shapeString([this.n])} (y's), got ${got}`);
    }
    return out.dtype === "float64" ? out : np.astype(out, "float64");
  }

  slope(p: Point): Array {
    return (p.f ??= this.f(p.y, p.t));
  }

  jacobian(p: Point): Array {
    if (p.J === undefined) {
      this.njev++;
      // rhs's output was checked by the first call of f; jacfwd's calls are not counted in nfev.
      const J = jacfwd((y: Array) => this.rhs(y, p.t))(p.y) as Array;
      p.J = J.dtype === "float64" ? J : np.astype(J, "float64");
    }
    return p.J;
  }
}

/**
 * y + Σⱼ (scale·coeffs[j])·ks[j], skipping zero coefficients.
 *
 * @example
 * combine(y, h, [1 / 2, 1 / 2], [k1, k2]); // Heun's y + h·(k1 + k2)/2
 */
export function combine(y: Array, scale: number, coeffs: readonly number[], ks: readonly Array[]): Array {
  let acc = y;
  coeffs.forEach((a, j) => {
    if (a !== 0) acc = np.add(acc, np.mul(ks[j]!, scale * a));
  });
  return acc;
}

/**
 * One step of an explicit Runge–Kutta method from p.
 *
 * @example
 * explicitStep(new Evaluator(rhs, n), EXPLICIT.dopri5, { t: 0, y: y0 }, 0.1, true); // { y, f, err }
 */
export function explicitStep(ev: Evaluator, tab: ExplicitTableau, p: Point, h: number, wantError: boolean): Attempt {
  const ks = [ev.slope(p)];
  let u = p.y;
  for (let i = 1; i < tab.c.length; i++) {
    u = combine(p.y, h, tab.a[i]!, ks);
    ks.push(ev.f(u, p.t + tab.c[i]! * h));
  }
  const y = tab.fsal ? u : combine(p.y, h, tab.b, ks);
  return { y, f: tab.fsal ? ks[ks.length - 1] : undefined, err: wantError && tab.e ? errorEstimate(h, tab.e, ks) : undefined, ks };
}

/** h·Σⱼ e[j]·kⱼ, in plain numbers: only the controller reads it, never replay. */
function errorEstimate(h: number, e: readonly number[], ks: readonly Array[]): Float64Array {
  const data = ks.map((k) => k.toFloat64Array());
  const err = new Float64Array(data[0]!.length);
  e.forEach((w, j) => {
    if (w === 0) return;
    const k = data[j]!;
    for (let i = 0; i < err.length; i++) err[i] = err[i]! + w * k[i]!;
  });
  for (let i = 0; i < err.length; i++) err[i] = h * err[i]!;
  return err;
}
