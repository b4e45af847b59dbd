// Every option is checked where it enters: a bad value is a programming error, so it
// throws one line naming the function and the option (before f is ever called), never a
// TypeError from inside or a NaN many steps later.
import { describe, expect, it } from "vitest";
import { minimize, np, optim, type Array, type MinimizeOptions } from "nabla";
import { errorOf } from "../helpers.js";
import { quad } from "./fixtures.js";

/** The error of minimize with `opts`, after checking that f was never evaluated. */
function minimizeError(opts: unknown): string {
  let calls = 0;
  const f = (x: Array) => {
    calls++;
    return quad(x);
  };
  const message = errorOf(() => minimize(f, np.array([1, 1]), opts as MinimizeOptions));
  expect(calls, message).toBe(0);
  expect(message).not.toContain("\n");
  return message;
}

describe("minimize's options", () => {
  it.each<[string, unknown, string]>([
    ["maxIter", 1.5, "maxIter must be a non-negative integer, got 1.5"],
    ["maxIter", -1, "maxIter must be a non-negative integer, got -1"],
    ["maxIter", Infinity, "maxIter must be a non-negative integer, got Infinity"],
    ["maxEval", NaN, "maxEval must be a non-negative integer, got NaN"],
    ["gtol", -1e-5, "gtol must be a non-negative number, got -0.00001"],
    ["gtol", NaN, "gtol must be a non-negative number, got NaN"],
    ["ftol", "1e-3", 'ftol must be a non-negative number, got "1e-3"'],
    ["xtol", -1, "xtol must be a non-negative number, got -1"],
    ["lr", 0, "lr must be a positive number, got 0"],
    ["lr", NaN, "lr must be a positive number, got NaN"],
    ["lr", Infinity, "lr must be a positive number, got Infinity"],
    ["m", 2.5, "m must be a positive integer, got 2.5"],
    ["m", 0, "m must be a positive integer, got 0"],
    ["b1", 1, "b1 must be a number in [0, 1), got 1"],
    ["b1", -0.1, "b1 must be a number in [0, 1), got -0.1"],
    ["b2", NaN, "b2 must be a number in [0, 1), got NaN"],
    ["eps", 0, "eps must be a positive number, got 0"],
    ["trustRadius", NaN, "trustRadius must be a positive number, got NaN"],
    ["trustRadius", -1, "trustRadius must be a positive number, got -1"],
    ["lineSearch", "wolfe", 'lineSearch must be one of strong-wolfe, backtracking, none, got "wolfe"'],
    ["schedule", 0.1, "schedule must be a function of the step count, got 0.1"],
    ["callback", "print", 'callback must be a function, got "print"'],
    ["jit", "yes", 'jit must be true or false, got "yes"'],
    ["checkCurvature", 1, "checkCurvature must be true or false, got 1"],
  ])("%s = %s", (name, value, message) => {
    expect(minimizeError({ [name]: value })).toBe(`minimize: ${message}`);
  });

  it("unknown methods and misspelt options are errors, not silently ignored", () => {
    expect(minimizeError({ method: "simplex" })).toMatch(/^minimize: unknown method "simplex"; use one of gd, momentum, .*trust-ncg, slsqp, augmented-lagrangian, interior-point$/);
    expect(minimizeError({ maxiter: 5 })).toMatch(/^minimize: unknown option "maxiter" \(options: method, gtol, .*checkCurvature, constraints, ctol\)$/);
    expect(minimizeError(null)).toBe("minimize: opts must be an object, got null");
    expect(minimizeError({ method: "adam", lineSearch: "strong-wolfe" })).toBe('minimize: method "adam" takes no line search (lineSearch "strong-wolfe")');
  });

  it("the edges of each range are accepted", () => {
    const r = minimize(quad, np.array([1, 1]), { method: "adam", maxIter: 0, gtol: 0, ftol: 0, xtol: 0, b1: 0, b2: 0.5, eps: 1e-300, lr: 1e-3 });
    expect([r.status, r.nit]).toEqual(["maxIter", 0]);
    expect(minimize(quad, np.array([1, 1]), { method: "trust-ncg", trustRadius: 1e-3, maxEval: 1000 }).status).toBe("converged");
    expect(minimize(quad, np.array([1, 1]), { method: "lbfgs", m: 1 }).status).toBe("converged");
  });

  it("a schedule's values are checked as they are used", () => {
    const falling = (k: number) => 0.1 - 0.2 * k; // negative from step 1
    const message = errorOf(() => minimize(quad, np.array([1, 1]), { method: "gd", schedule: falling as optim.Schedule }));
    expect(message).toBe("minimize: schedule(1) must be a non-negative number, got -0.1");
  });
});

describe("schedules", () => {
  it.each<[string, () => unknown, string]>([
    ["constantSchedule", () => optim.constantSchedule(-0.1), "constantSchedule: value must be a non-negative number, got -0.1"],
    ["constantSchedule", () => optim.constantSchedule(NaN), "constantSchedule: value must be a non-negative number, got NaN"],
    ["exponentialDecay", () => optim.exponentialDecay(-0.1, 10, 0.5), "exponentialDecay: initValue must be a non-negative number, got -0.1"],
    ["exponentialDecay", () => optim.exponentialDecay(0.1, 0, 0.5), "exponentialDecay: transitionSteps must be a positive number, got 0"],
    ["exponentialDecay", () => optim.exponentialDecay(0.1, 10, -0.5), "exponentialDecay: decayRate must be a non-negative number, got -0.5"],
    ["exponentialDecay", () => optim.exponentialDecay(0.1, 10, 0.5, { staircase: "yes" as unknown as boolean }), 'exponentialDecay: staircase must be true or false, got "yes"'],
    ["exponentialDecay", () => optim.exponentialDecay(0.1, 10, 0.5, { stairs: true } as object), 'exponentialDecay: unknown option "stairs" (options: staircase)'],
    ["cosineDecay", () => optim.cosineDecay(1, -100), "cosineDecay: decaySteps must be a positive number, got -100"],
    ["cosineDecay", () => optim.cosineDecay(1, 100, 2), "cosineDecay: alpha must be a number in [0, 1], got 2"],
    ["cosineDecay", () => optim.cosineDecay(Infinity, 100), "cosineDecay: initValue must be a non-negative number, got Infinity"],
    ["linearWarmup", () => optim.linearWarmup(-1, 0.1), "linearWarmup: warmupSteps must be a non-negative number, got -1"],
    ["linearWarmup", () => optim.linearWarmup(5, -0.1), "linearWarmup: after must be a schedule or a non-negative number, got -0.1"],
    ["linearWarmup", () => optim.linearWarmup(5, 0.1, { initValue: NaN }), "linearWarmup: initValue must be a non-negative number, got NaN"],
  ])("%s: %s", (_name, make, message) => {
    expect(errorOf(make)).toBe(message);
  });

  it("valid schedules still give their documented values", () => {
    expect(optim.constantSchedule(0)(3)).toBe(0);
    expect(optim.exponentialDecay(0.1, 10, 0.5)(20)).toBeCloseTo(0.025, 15);
    expect(optim.cosineDecay(1, 100, 0.1)(100)).toBeCloseTo(0.1, 15);
    expect(optim.linearWarmup(10, optim.cosineDecay(1, 100))(5)).toBeCloseTo(0.5, 15);
  });
});

describe("optax-style optimizers' hyperparameters", () => {
  it.each<[string, () => unknown, string]>([
    ["sgd", () => optim.sgd(-0.1), "sgd: lr must be a positive number or a schedule, got -0.1"],
    ["sgd", () => optim.sgd(NaN), "sgd: lr must be a positive number or a schedule, got NaN"],
    ["sgd", () => optim.sgd("0.1" as unknown as number), 'sgd: lr must be a positive number or a schedule, got "0.1"'],
    ["momentum", () => optim.momentum(0.1, 1), "momentum: beta must be a number in [0, 1), got 1"],
    ["momentum", () => optim.momentum(0.1, 0.9, { nesterov: 1 as unknown as boolean }), "momentum: nesterov must be true or false, got 1"],
    ["adam", () => optim.adam(0.1, { b1: 1 }), "adam: b1 must be a number in [0, 1), got 1"],
    ["adam", () => optim.adam(0.1, { b2: -0.5 }), "adam: b2 must be a number in [0, 1), got -0.5"],
    ["adam", () => optim.adam(0.1, { eps: 0 }), "adam: eps must be a positive number, got 0"],
    ["adam", () => optim.adam(0.1, { beta1: 0.9 } as object), 'adam: unknown option "beta1" (options: b1, b2, eps)'],
    ["adam", () => optim.adam(0), "adam: lr must be a positive number or a schedule, got 0"],
    ["adamw", () => optim.adamw(1e-3, { weightDecay: -1e-2 }), "adamw: weightDecay must be a non-negative number, got -0.01"],
    ["rmsprop", () => optim.rmsprop(1e-2, { decay: 1.5 }), "rmsprop: decay must be a number in [0, 1), got 1.5"],
    ["rmsprop", () => optim.rmsprop(1e-2, { eps: NaN }), "rmsprop: eps must be a positive number, got NaN"],
    ["clip", () => optim.clip(0), "clip: maxDelta must be a positive number, got 0"],
    ["clipByGlobalNorm", () => optim.clipByGlobalNorm(NaN), "clipByGlobalNorm: maxNorm must be a positive number, got NaN"],
  ])("%s: %s", (_name, make, message) => {
    expect(errorOf(make)).toBe(message);
  });

  it("a schedule is accepted wherever a learning rate is", () => {
    const opt = optim.adam(optim.exponentialDecay(0.1, 1, 0.5));
    const [updates] = opt.update(np.array([2]), opt.init(np.zeros([1])));
    // The first Adam step is lr·g/(|g| + eps) = lr(0) = 0.1 in size.
    expect((updates as Array).item()).toBeCloseTo(-0.1, 7);
  });
});
