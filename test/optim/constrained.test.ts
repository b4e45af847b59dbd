// minimize's constrained methods on the Hock–Schittkowski problems: the published optima,
// and the KKT conditions checked here with ∇f and the constraints' Jacobians computed by
// the library's grad and jacobian (not read from the optimizer), with the returned
// multipliers. scipy's SLSQP and trust-constr figures are printed beside nabla's.
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { grad, jacobian, minimize, np, type Array, type MinimizeResult } from "nabla";
import { hsProblems, type HSProblem } from "./hock-schittkowski.js";

interface ScipyRun { nit: number; nfev: number; njev: number; fun: number; success: boolean }
const scipy = JSON.parse(readFileSync(new URL("../fixtures/hs-scipy.json", import.meta.url), "utf8")) as {
  scipy: string;
  problems: Record<string, { slsqp: ScipyRun; trustConstr: ScipyRun }>;
};

const methods = ["slsqp", "augmented-lagrangian", "interior-point"] as const;
const vec = (a: Array) => globalThis.Array.from(np.astype(a, "float64").toFloat64Array());
const key = (p: HSProblem) => p.name.replace(" ", "").toLowerCase();

function run(p: HSProblem, method: (typeof methods)[number]): MinimizeResult<Array> {
  return minimize(p.f, np.array(p.x0), { method, constraints: p.constraints, ...(p.bounds ? { bounds: p.bounds } : {}) });
}

/**
 * The KKT residuals at x with multipliers λ, computed independently: stationarity as
 * the projected gradient of L = f − Σλᵢcᵢ on the box, feasibility, complementarity, and
 * the most negative inequality multiplier.
 */
function kktHere(p: HSProblem, x: Array, lambdas: Array[]) {
  const xs = vec(x);
  const gL = vec(grad(p.f)(x));
  let feasibility = 0, complementarity = 0, negative = 0;
  p.constraints.forEach((c, k) => {
    const value = vec(np.reshape(np.asArray(c.fun(x)), [-1]));
    const J = vec(np.reshape(jacobian((v: Array) => np.reshape(np.asArray(c.fun(v)), [-1]))(x), [-1]));
    const lam = vec(np.reshape(lambdas[k]!, [-1]));
    expect(lam.length).toBe(value.length);
    value.forEach((ci, i) => {
      for (let j = 0; j < xs.length; j++) gL[j]! -= lam[i]! * J[i * xs.length + j]!;
      if (c.type === "eq") feasibility = Math.max(feasibility, Math.abs(ci));
      else {
        feasibility = Math.max(feasibility, -ci);
        complementarity = Math.max(complementarity, Math.abs(lam[i]! * ci));
        negative = Math.min(negative, lam[i]!);
      }
    });
  });
  const lo = p.bounds ? vec(p.bounds[0]) : xs.map(() => -Infinity);
  const hi = p.bounds ? vec(p.bounds[1]) : xs.map(() => Infinity);
  let stationarity = 0;
  xs.forEach((xj, j) => {
    expect(xj).toBeGreaterThanOrEqual(lo[j]!);
    expect(xj).toBeLessThanOrEqual(hi[j]!);
    stationarity = Math.max(stationarity, Math.abs(Math.min(Math.max(xj - gL[j]!, lo[j]!), hi[j]!) - xj));
  });
  return { stationarity, feasibility, complementarity, negative };
}

const table: string[] = [];

describe.each(hsProblems)("$name ($kinds)", (p) => {
  const runs = new Map<string, MinimizeResult<Array>>();
  it.each(methods)("%s reaches the published optimum with the KKT conditions holding", (method) => {
    const r = run(p, method);
    runs.set(method, r);
    expect(r.status, r.message).toBe("converged");
    expect(r.success).toBe(true);
    expect(Math.abs(r.fun - p.fStar)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(p.fStar)));
    vec(r.x).forEach((xj, j) => expect(Math.abs(xj - p.xStar[j]!), `x[${j}] = ${xj}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(p.xStar[j]!))));
    expect(vec(r.grad)).toEqual(vec(grad(p.f)(r.x)).map((v, j) => expect.closeTo(v, 1e-9 * Math.max(1, Math.abs(v))) as unknown as number));
    // One multiplier Array per constraint, shaped like its value.
    expect(r.multipliers!.map((m) => m.shape)).toEqual(p.constraints.map((c) => np.asArray(c.fun(r.x)).shape));
    const here = kktHere(p, r.x, r.multipliers!);
    expect(here.stationarity).toBeLessThanOrEqual(1e-5);
    expect(here.feasibility).toBeLessThanOrEqual(1e-8);
    expect(here.complementarity).toBeLessThanOrEqual(1e-6);
    expect(here.negative).toBe(0);
    // The reported residuals are these (same definitions, the optimizer's own derivatives).
    expect(r.kkt!.stationarity).toBeCloseTo(here.stationarity, 8);
    expect(r.kkt!.feasibility).toBeCloseTo(here.feasibility, 10);
    expect(r.kkt!.complementarity).toBeCloseTo(here.complementarity, 10);
    const s = scipy.problems[key(p)]!;
    table.push(`${p.name.padEnd(6)} ${method.padEnd(21)} nit ${String(r.nit).padStart(4)} nfev ${String(r.nfev).padStart(4)} | scipy SLSQP nit ${String(s.slsqp.nit).padStart(3)} nfev ${String(s.slsqp.nfev).padStart(3)} | trust-constr nit ${String(s.trustConstr.nit).padStart(3)} nfev ${String(s.trustConstr.nfev).padStart(3)}`);
  });

  it("every method finds the same multipliers (unique at these optima)", () => {
    const all = methods.map((m) => (runs.get(m) ?? run(p, m)).multipliers!.flatMap((a) => vec(np.reshape(a, [-1]))));
    for (const other of all.slice(1)) other.forEach((l, i) => expect(Math.abs(l - all[0]![i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(all[0]![i]!))));
  });
});

it("scipy's SLSQP reached the same optima (the fixture is sound)", () => {
  for (const p of hsProblems) {
    const s = scipy.problems[key(p)]!.slsqp;
    expect(s.success).toBe(true);
    expect(Math.abs(s.fun - p.fStar)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(p.fStar)));
  }
});

afterAll(() => {
  if (table.length > 0) console.log(`Hock–Schittkowski problems, nabla beside scipy ${scipy.scipy} (trust-constr with BFGS, as recorded):\n${table.join("\n")}`);
});
