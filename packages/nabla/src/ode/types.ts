// The vocabulary of the eager ODE core: methods, options and the record of a solve.
// integrate.ts re-exports all of it.
import type { Array } from "../core/index.js";

/** Fixed-step explicit Runge–Kutta methods: forward Euler, explicit midpoint, Heun (explicit trapezoid), classic RK4. */
export type FixedMethod = "euler" | "midpoint" | "heun" | "rk4";
/** Adaptive explicit pairs: Bogacki–Shampine 3(2), Dormand–Prince 5(4), Tsitouras 5(4). */
export type AdaptiveMethod = "bosh3" | "dopri5" | "tsit5";
/**
 * Stiff (L-stable) Rosenbrock methods of order 5(4): Rodas5 (Di Marzo 1993) and Rodas5P
 * (Steinebach 2023, the better choice: its error estimate does not over-estimate on
 * stiff problems driven by a forcing term, where Rodas5 takes many more steps).
 */
export type StiffMethod = "rodas5" | "rodas5p";
export type OdeMethod = FixedMethod | AdaptiveMethod | StiffMethod;

/**
 * The right-hand side on a flat state: y [n] (float64 Array), t a number → dy/dt [n].
 * Built from nabla np ops, so it is traceable and differentiable (the stiff methods apply jacfwd to it).
 */
export type Rhs = (y: Array, t: number) => Array;

export interface IntegrateOptions {
  method: OdeMethod;
  /**
   * Tolerances of the adaptive and stiff methods (unused by fixed-step ones). The error
   * norm is the RMS over components of errᵢ / (atol + rtol·max(|yᵢ|, |y_newᵢ|)), as
   * scipy and diffrax; a step is accepted when it is at most 1.
   */
  rtol: number;
  atol: number;
  /**
   * Fixed-step methods: the step (required); each interval of ts takes
   * max(1, ⌈|Δ|/dt0 − 1e-9⌉) equal steps. Adaptive and stiff methods: the first step
   * (default: Hairer's starting-step heuristic, as scipy's select_initial_step).
   * Its sign is ignored: the direction comes from ts.
   */
  dt0?: number;
  /** Budget of accepted + rejected steps; a positive integer or Infinity. */
  maxSteps: number;
  /**
   * Only the first `errorSize` components of y enter the error norm (default all): an
   * augmented system [y, tangents] or [y, adjoints] is stepped as y alone would be.
   */
  errorSize?: number;
}

export type OdeStatus = "success" | "maxSteps" | "stepUnderflow" | "nonFinite";

/** One accepted step from t to t + h (h < 0 when integrating backwards). */
export interface Step {
  t: number;
  h: number;
}

export interface IntegrateResult {
  /** [ts.length, n], float64: the states at ts (ys[0] = y0); rows a failed solve did not reach are NaN. */
  ys: Array;
  /** Every accepted step, in order: what `replay` needs to recompute ys. */
  steps: Step[];
  /**
   * nfev: calls of rhs made by the solver (the initial-step heuristic and the stiff
   * methods' finite difference in t included; those inside jacfwd not); njev: Jacobians
   * (jacfwd, one per point steps start from); accepted and rejected steps.
   */
  stats: { nfev: number; njev: number; accepted: number; rejected: number };
  status: OdeStatus;
  /** What happened, naming t and the step size on failure: "dopri5: step size 3.2e-16 underflowed at t = 0.5012". */
  message: string;
}
