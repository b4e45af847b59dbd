// The table of methods: each name's kind, error order, step and dense output.
import type { Array } from "../core/index.js";
import { hermite } from "./dense.js";
import { rosenbrockInterpolate, rosenbrockStep } from "./stiff.js";
import { combine, explicitStep, type Attempt, type Evaluator, type Point } from "./steps.js";
import { EXPLICIT, RODAS5, RODAS5P, type ExplicitTableau, type RosenbrockTableau } from "./tableaus.js";
import type { AdaptiveMethod, FixedMethod, OdeMethod } from "./types.js";

export interface MethodSpec {
  kind: "fixed" | "adaptive" | "stiff";
  /** The error estimate's order in h (0 for fixed-step methods, which have none). */
  errorOrder: number;
  step(ev: Evaluator, p: Point, h: number, wantError: boolean): Attempt;
  /** y at p0.t + θ·h inside the accepted step `a` of h from p0 to p1. */
  interpolate(ev: Evaluator, p0: Point, p1: Point, a: Attempt, h: number, theta: number): Array;
}

const explicit = (kind: "fixed" | "adaptive", tab: ExplicitTableau): MethodSpec => ({
  kind,
  errorOrder: tab.errorOrder,
  step: (ev, p, h, wantError) => explicitStep(ev, tab, p, h, wantError),
  interpolate: (ev, p0, p1, a, h, theta) =>
    tab.dense ? combine(p0.y, h, tab.dense(theta), a.ks!) : hermite(p0.y, ev.slope(p0), p1.y, ev.slope(p1), h, theta),
});

const rosenbrock = (tab: RosenbrockTableau): MethodSpec => ({
  kind: "stiff",
  errorOrder: tab.errorOrder,
  step: (ev, p, h, wantError) => rosenbrockStep(ev, tab, p, h, wantError),
  interpolate: (_ev, p0, p1, a, _h, theta) => rosenbrockInterpolate(tab, p0.y, p1.y, a.ks!, theta),
});

const FIXED: readonly FixedMethod[] = ["euler", "midpoint", "heun", "rk4"];
const ADAPTIVE: readonly AdaptiveMethod[] = ["bosh3", "dopri5", "tsit5"];

export const METHODS: Readonly<Record<OdeMethod, MethodSpec>> = {
  ...(Object.fromEntries(FIXED.map((m) => [m, explicit("fixed", EXPLICIT[m])])) as Record<FixedMethod, MethodSpec>),
  ...(Object.fromEntries(ADAPTIVE.map((m) => [m, explicit("adaptive", EXPLICIT[m])])) as Record<AdaptiveMethod, MethodSpec>),
  rodas5: rosenbrock(RODAS5),
  rodas5p: rosenbrock(RODAS5P),
};

/** Every method's name, in the order errors list them. */
export const METHOD_NAMES = Object.keys(METHODS) as OdeMethod[];
