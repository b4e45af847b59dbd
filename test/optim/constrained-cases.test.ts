// minimize's constrained methods beyond the Hock–Schittkowski optima: infeasible and
// unbounded problems, pytree parameters, runs without constraints, and bad arguments.
import { describe, expect, it } from "vitest";
import { grad, minimize, np, type Array, type MinimizeOptions } from "nabla";
import { errorOf } from "../helpers.js";
import { rosen } from "./fixtures.js";

const methods = ["slsqp", "augmented-lagrangian", "interior-point"] as const;
const vec = (a: Array) => globalThis.Array.from(np.astype(a, "float64").toFloat64Array());
const sumSquares = (x: Array) => np.sum(np.square(x));
const first = (x: Array) => np.take(x, 0);
const second = (x: Array) => np.take(x, 1);

const infeasible: { name: string; x0: number[]; opts: MinimizeOptions<Array> }[] = [
  { name: "x ≥ 1 and x ≤ 0", x0: [3], opts: { constraints: [{ type: "ineq", fun: (x) => np.sub(np.sum(x), 1) }, { type: "ineq", fun: (x) => np.neg(np.sum(x)) }] } },
  { name: "‖x‖² = −1", x0: [3, 1], opts: { constraints: [{ type: "eq", fun: (x) => np.add(sumSquares(x), 1) }] } },
  { name: "x ≥ 2 in the box [0, 1]", x0: [0.5], opts: { bounds: [np.array([0]), np.array([1])], constraints: [{ type: "ineq", fun: (x) => np.sub(np.sum(x), 2) }] } },
];

const unbounded: { name: string; f: (x: Array) => Array; x0: number[]; opts: MinimizeOptions<Array> }[] = [
  { name: "f = x₁ subject to x₁ ≤ x₂", f: first, x0: [0, 1], opts: { constraints: [{ type: "ineq", fun: (x) => np.sub(second(x), first(x)) }] } },
  { name: "f = x₁ + x₂ subject to x₁ = x₂", f: (x) => np.sum(x), x0: [0, 1], opts: { constraints: [{ type: "eq", fun: (x) => np.sub(second(x), first(x)) }] } },
];

describe.each(methods)("%s", (method) => {
  it.each(infeasible)("ends $name with status infeasible, never a success", ({ x0, opts }) => {
    const r = minimize(sumSquares, np.array(x0), { ...opts, method });
    expect(r.status, r.message).toBe("infeasible");
    expect(r.success).toBe(false);
    expect(r.message).toContain("cannot be satisfied");
    expect(r.kkt!.feasibility).toBeGreaterThan(0.1);
  });

  it.each(unbounded)("ends $name with status unbounded, never a success", ({ f, x0, opts }) => {
    const r = minimize(f, np.array(x0), { ...opts, method });
    expect(r.status, r.message).toBe("unbounded");
    expect(r.success).toBe(false);
    expect(r.message).toContain("without bound");
    expect(r.kkt!.feasibility).toBeLessThanOrEqual(1e-6 * Math.max(1, ...vec(r.x).map(Math.abs)));
  });

  it("ends |x₁| + |x₂| (a kink at the minimum, where ∇f never vanishes) with a failure status, never an exception", () => {
    // SLSQP's BFGS matrix grew as 1/step there (∇f jumps by 2 over ever shorter steps)
    // until it overflowed, and the QP refused a NaN matrix by throwing (npm run fuzz).
    const r = minimize((x) => np.sum(np.abs(x)), np.array([1, 2]), { method });
    expect(r.success, r.message).toBe(false);
    expect(["maxIter", "lineSearchFailed"]).toContain(r.status);
    expect(r.fun).toBeLessThan(3); // below f(x0), however far each method gets
    if (method === "slsqp") expect(r.fun).toBeLessThan(1e-300);
  });

  it("takes a pytree x0: HS 71 with x = { head: [x₁, x₂], tail: { c: x₃, d: x₄ } }", () => {
    type P = { head: Array; tail: { c: number; d: number } };
    const x0: P = { head: np.array([1, 5]), tail: { c: 5, d: 1 } };
    const all = (x: { head: Array; tail: { c: Array; d: Array } }) => np.concatenate([x.head, np.stack([x.tail.c, x.tail.d])]);
    const r = minimize(
      (x) => { const v = all(x); const [a, b, c, d] = [0, 1, 2, 3].map((i) => np.take(v, i)); return np.add(np.mul(np.mul(a!, d!), np.add(np.add(a!, b!), c!)), c!); },
      x0,
      {
        method,
        constraints: [{ type: "ineq", fun: (x) => np.sub(np.prod(all(x)), 25) }, { type: "eq", fun: (x) => np.sub(sumSquares(all(x)), 40) }],
        bounds: { head: [1, 5], tail: { c: [1, 5], d: [1, 5] } },
      },
    );
    expect(r.status, r.message).toBe("converged");
    expect(Math.abs(r.fun - 17.0140173)).toBeLessThanOrEqual(1e-6 * 17.0140173);
    expect(r.x.tail.c.shape).toEqual([]);
    expect(vec(r.x.head)[1]).toBeCloseTo(4.7429994, 5);
    expect(r.x.tail.c.item()).toBeCloseTo(3.8211503, 5);
    expect(r.multipliers!.map((m) => m.shape)).toEqual([[], []]);
  });

  it("works without constraints: Rosenbrock to (1, 1), and with x₁ ≤ 0.5 to (0.5, 0.25)", () => {
    const free = minimize(rosen, np.array([-1.2, 1]), { method });
    expect(free.status, free.message).toBe("converged");
    vec(free.x).forEach((v) => expect(v).toBeCloseTo(1, 5));
    expect(free.multipliers).toEqual([]);
    expect(free.kkt!.stationarity).toBeLessThanOrEqual(1e-6);
    const boxed = minimize(rosen, np.array([-1.2, 1]), { method, bounds: [np.array([-Infinity, -Infinity]), np.array([0.5, Infinity])] });
    expect(boxed.status, boxed.message).toBe("converged");
    expect(vec(boxed.x)[0]).toBeCloseTo(0.5, 6);
    expect(vec(boxed.x)[1]).toBeCloseTo(0.25, 5);
    // At the active bound ∂f/∂x₁ < 0 (f would fall past it): the projected gradient is what vanishes.
    expect(vec(grad(rosen)(boxed.x))[0]).toBeLessThan(0);
  });

  it("gives the same run without jit, and stops at maxIter without success", () => {
    const opts: MinimizeOptions<Array> = { method, constraints: [{ type: "ineq", fun: (x) => np.sub(1, sumSquares(x)) }] };
    const compiled = minimize(rosen, np.array([-1.2, 1]), opts);
    const eager = minimize(rosen, np.array([-1.2, 1]), { ...opts, jit: false });
    expect(compiled.status, compiled.message).toBe("converged");
    expect(eager.nit).toBe(compiled.nit);
    vec(eager.x).forEach((v, j) => expect(v).toBeCloseTo(vec(compiled.x)[j]!, 10));
    // On the unit disk, Rosenbrock's minimum is at (0.7864, 0.6177) (the constraint active).
    expect(vec(compiled.x)[0]).toBeCloseTo(0.78641516, 5);
    expect(vec(compiled.multipliers![0]!)[0]).toBeGreaterThan(0);
    const short = minimize(rosen, np.array([-1.2, 1]), { ...opts, maxIter: 2 });
    expect(short.status).toBe("maxIter");
    expect(short.success).toBe(false);
  });

  it("holds a variable fixed by lo = hi: min ‖x − (1, 2, 3)‖² with x₂ = 0.5, Σx ≤ 4 is (0.75, 0.5, 2.75), λ = 0.5", () => {
    const r = minimize((x: Array) => sumSquares(np.sub(x, np.array([1, 2, 3]))), np.array([0, 0, 0]), {
      method,
      bounds: [np.array([0, 0.5, -5]), np.array([5, 0.5, 5])],
      constraints: [{ type: "ineq", fun: (x) => np.sub(4, np.sum(x)) }],
    });
    expect(r.status, r.message).toBe("converged");
    expect(vec(r.x)[1]).toBe(0.5);
    [0.75, 0.5, 2.75].forEach((v, j) => expect(Math.abs(vec(r.x)[j]! - v)).toBeLessThanOrEqual(1e-7));
    expect(Math.abs(r.multipliers![0]!.item() - 0.5)).toBeLessThanOrEqual(1e-6);
  });

  it("stops when the callback asks, with status stopped", () => {
    let calls = 0;
    const r = minimize(rosen, np.array([-1.2, 1]), { method, constraints: [{ type: "ineq", fun: (x) => np.sub(1, sumSquares(x)) }], callback: () => ++calls >= 2 });
    expect(r.status).toBe("stopped");
    expect(r.success).toBe(false);
    expect(calls).toBe(2);
  });

  it("recordPath keeps x0, the iterates the callback sees, and the last; every one with its nit", () => {
    const seen: number[] = [];
    const r = minimize(rosen, np.array([-1.2, 1]), {
      method,
      constraints: [{ type: "ineq", fun: (x) => np.sub(1, sumSquares(x)) }],
      recordPath: true,
      callback: ({ nit }) => void seen.push(nit),
    });
    expect(r.status, r.message).toBe("converged");
    const path = r.path!;
    expect(path[0]!.x).toEqual([-1.2, 1]);
    expect(path[0]!.nit).toBe(0);
    expect(path.slice(1).map((q) => q.nit)).toEqual(seen);
    expect(path[path.length - 1]!.x).toEqual(vec(r.x));
    expect(path[path.length - 1]!.f).toBe(r.fun);
  });
});

describe("augmented-lagrangian asked for more than float64 allows", () => {
  it("ends stalled at the floating-point floor of L_ρ, near the solution, not after 100 outer iterations of drifting λ", () => {
    // The least-metal can of 330 cm³ no taller than 6: r = √(330/6π), h = 6.
    const area = (c: { r: Array; h: Array }) => c.r.square().add(c.r.mul(c.h)).mul(2 * Math.PI);
    const r = minimize(area, { r: np.array(3), h: np.array(3) }, {
      method: "augmented-lagrangian",
      constraints: [{ type: "eq", fun: (c) => c.r.square().mul(c.h).mul(Math.PI).sub(330) }],
      bounds: { r: [0.5, 20], h: [0.5, 6] },
      gtol: 1e-12,
    });
    expect(r.status, r.message).toBe("stalled");
    expect(r.success).toBe(false);
    expect(r.message).toContain("out of reach");
    expect(r.nfev).toBeLessThan(1000);
    expect(Math.abs(r.x.r.item() - Math.sqrt(330 / (6 * Math.PI)))).toBeLessThan(1e-6);
    expect(r.x.h.item()).toBe(6);
    expect(r.kkt!.stationarity).toBeLessThan(1e-6);
  });
});

describe("bad constrained arguments throw one line naming minimize and the option", () => {
  const x0 = np.array([1, 2]);
  const ok = { type: "eq", fun: (x: Array) => np.sum(x) } as const;
  it.each([
    [{ method: "slsqp", constraints: [{ type: "le", fun: ok.fun }] }, 'minimize: constraints[0].type must be "eq" or "ineq", got "le"'],
    [{ method: "slsqp", constraints: [ok, { type: "ineq", fun: 3 }] }, "minimize: constraints[1].fun must be a function of x, got 3"],
    [{ method: "interior-point", constraints: ok }, "minimize: constraints must be a list of { type, fun }, got object"],
    [{ method: "slsqp", constraints: [{ type: "eq", fun: ok.fun, jac: ok.fun }] }, 'minimize: unknown option "jac" (options: type, fun)'],
    [{ method: "lbfgs", constraints: [ok] }, 'minimize: constraints apply to slsqp, augmented-lagrangian, interior-point, not to "lbfgs"'],
    [{ method: "lbfgsb", ctol: 1e-6 }, 'minimize: ctol applies to slsqp, augmented-lagrangian, interior-point, not to "lbfgsb"'],
    [{ method: "augmented-lagrangian", lr: 0.1 }, 'minimize: option "lr" does not apply to method "augmented-lagrangian"'],
    [{ method: "slsqp", ctol: -1 }, "minimize: ctol must be a non-negative number, got -1"],
    [{ method: "slsqp", constraints: [{ type: "ineq", fun: () => np.ones([2, 2]) }] }, "minimize: constraints[0].fun must return a number, a 0-d or a 1-d Array, got shape [2, 2]"],
  ])("%o", (opts, message) => {
    expect(errorOf(() => minimize(sumSquares, x0, opts as MinimizeOptions<Array>))).toContain(message);
  });

  it("a scalar number from fun is one constraint", () => {
    const r = minimize(sumSquares, x0, { method: "slsqp", constraints: [{ type: "ineq", fun: () => 1 }] });
    expect(r.status, r.message).toBe("converged");
    expect(r.multipliers!.map((m) => m.shape)).toEqual([[]]);
  });
});
