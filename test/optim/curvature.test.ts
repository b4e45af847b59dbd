// minimize never reports success where its own curvature information says the point is
// not a minimum: methods that use the Hessian step off saddles and maxima along negative
// curvature; the others end with status "saddle". On problems that end at minima the
// check costs only Hessian products (nhev), never iterations.
import { describe, expect, it } from "vitest";
import { customVjp, grad, minimize, np, optim, type Array, type MinimizeMethod } from "nabla";
import { gradInfNorm } from "./fixtures.js";

const x = (v: Array) => v.slice(0);
const y = (v: Array) => v.slice(1);
/** x² − y²: a saddle at 0 (H = diag(2, −2)), unbounded below along y. */
const saddle = (v: Array) => x(v).square().sub(y(v).square());
/** x⁴ − x² + y²: a saddle at 0 (H = diag(−2, 2)); minima −1/4 at (±1/√2, 0), H = diag(4, 2). */
const doubleWell = (v: Array) => x(v).pow(4).sub(x(v).square()).add(y(v).square());
/** (x² − 1)² + (y² − 1)²: a maximum at 0 (H = −4I); minima 0 at (±1, ±1), H = 8I. */
const eggCrate = (v: Array) => x(v).square().sub(1).square().add(y(v).square().sub(1).square());

const gradientOnly: MinimizeMethod[] = ["gd", "momentum", "nesterov", "adam", "bfgs", "lbfgs", "cg"];
const hessianMethods: MinimizeMethod[] = ["newton", "newton-cg", "trust-ncg"];
const origin = () => np.array([0, 0]);

describe("gradient-only methods at a saddle or maximum: status 'saddle', not success", () => {
  it.each(gradientOnly)("%s started exactly at the saddle of x² − y²", (method) => {
    const r = minimize(saddle, origin(), { method });
    expect(r.status).toBe("saddle");
    expect(r.success).toBe(false);
    expect(r.nit).toBe(0);
    expect(r.message).toMatch(new RegExp(`^‖∇f‖∞ = 0.00e\\+0 ≤ gtol = 0.00001 at a saddle point, not a minimum \\(Hessian eigenvalues from -2.00 to 2.00\\); ${method} follows gradients only`));
    // n = 2: Lanczos spans the whole space in two Hessian-vector products, so it is exact.
    expect(r.curvature).toMatchObject({ kind: "saddle", method: "lanczos", converged: true, nhev: 2 });
    expect(r.curvature!.minEigenvalue).toBeCloseTo(-2, 12);
    expect(r.curvature!.maxEigenvalue).toBeCloseTo(2, 12);
    expect(r.nhev).toBe(2);
  });

  it("a maximum is named as one", () => {
    const r = minimize(eggCrate, origin(), { method: "lbfgs" });
    expect([r.status, r.success, r.curvature!.kind]).toEqual(["saddle", false, "maximum"]);
    expect(r.message).toMatch(/at a maximum, not a minimum \(Hessian eigenvalues from -4.00 to -4.00\)/);
  });

  it("gd converging onto a saddle from its stable manifold is caught too", () => {
    // From (1, 0) gradient descent never leaves y = 0 and creeps to the saddle at 0.
    const r = minimize(saddle, np.array([1, 0]), { method: "gd", lr: 0.1 });
    expect(r.nit).toBeGreaterThan(0);
    expect(gradInfNorm(grad(saddle)(r.x))).toBeLessThanOrEqual(1e-5);
    expect([r.status, r.success, r.curvature!.kind]).toEqual(["saddle", false, "saddle"]);
  });

  it("checkCurvature: false turns the check off (the old, unqualified 'converged')", () => {
    const r = minimize(saddle, origin(), { method: "lbfgs", checkCurvature: false });
    expect([r.status, r.success, r.nhev, r.curvature]).toEqual(["converged", true, 0, undefined]);
  });

  it("is on by default up to 100 parameters for gradient-only methods, off above", () => {
    const bowl = (v: Array) => v.sub(1).square().sum();
    expect(minimize(bowl, np.zeros([100]), { method: "lbfgs" }).curvature).toMatchObject({ kind: "minimum" });
    expect(minimize(bowl, np.zeros([101]), { method: "lbfgs" }).curvature).toBeUndefined();
    expect(minimize(bowl, np.zeros([101]), { method: "lbfgs", checkCurvature: true }).curvature).toMatchObject({ kind: "minimum" });
    expect(minimize(bowl, np.zeros([101]), { method: "newton-cg" }).curvature).toMatchObject({ kind: "minimum" });
  });
});

describe("methods that use the Hessian step off saddles and maxima", () => {
  it.each(hessianMethods)("%s from the saddle of x⁴ − x² + y² reaches a minimum (−1/4 at (±1/√2, 0))", (method) => {
    const r = minimize(doubleWell, origin(), { method });
    expect(r.status).toBe("converged");
    expect(r.success).toBe(true);
    expect(r.fun).toBeCloseTo(-0.25, 9);
    expect(Math.abs((r.x.toArray() as number[])[0]!)).toBeCloseTo(Math.SQRT1_2, 5);
    expect(r.curvature!.kind).toBe("minimum");
    expect(r.curvature!.minEigenvalue).toBeCloseTo(2, 4);
    expect(r.curvature!.maxEigenvalue).toBeCloseTo(4, 4);
    expect(r.message).toMatch(/; left a saddle point at iteration 0 along negative curvature$/);
  });

  it.each(hessianMethods)("%s from the maximum of (x² − 1)² + (y² − 1)² reaches a minimum (0 at (±1, ±1))", (method) => {
    const r = minimize(eggCrate, origin(), { method, gtol: 1e-8 });
    expect([r.status, r.curvature!.kind]).toEqual(["converged", "minimum"]);
    expect(r.fun).toBeLessThan(1e-12);
    for (const v of r.x.toArray() as number[]) expect(Math.abs(v)).toBeCloseTo(1, 6);
    // H = −4I: every direction is an eigenvector. newton's (from eigh) is an axis, and its
    // step lands on the saddle (1, 0) first; Lanczos's random one leads straight down.
    expect(r.message).toMatch(/; left a maximum at iteration 0( and a saddle point at iteration 1)? along negative curvature$/);
  });

  it.each(hessianMethods)("%s from the saddle of x² − y² leaves it and reports honestly that f falls without bound", (method) => {
    const r = minimize(saddle, origin(), { method });
    expect(r.success).toBe(false);
    expect(r.nit).toBeGreaterThanOrEqual(1);
    expect(r.fun).toBeLessThanOrEqual(-1);
    expect(Math.abs((r.x.toArray() as number[])[1]!)).toBeGreaterThanOrEqual(1);
    expect(r.message).toMatch(/left a saddle point at iteration 0 along negative curvature/);
    // newton and newton-cg: the line search doubles its step 30 times and f keeps falling;
    // trust-ncg: the trust region grows to its cap while f falls, until maxIter.
    if (method === "trust-ncg") expect(r.status).toBe("maxIter");
    else {
      expect(r.status).toBe("lineSearchFailed");
      expect(r.message).toMatch(/^f kept falling at each of the 30 trial steps of the line search in iteration 2 as the step doubled: f may be unbounded below/);
    }
  });

  it("an escape step is an iteration: with no iteration left, the saddle is reported instead", () => {
    const r = minimize(doubleWell, origin(), { method: "newton", maxIter: 0 });
    expect([r.status, r.success, r.nit]).toEqual(["saddle", false, 0]);
    expect(r.message).toMatch(/maxIter = 0 leaves no iteration to step off it/);
    const path = minimize(doubleWell, origin(), { method: "newton", recordPath: true }).path!;
    expect(path[1]!.f).toBeLessThan(path[0]!.f);
  });

  it("works over pytrees", () => {
    const f = (p: { a: Array; b: Array }) => doubleWell(p.a).add(p.b.sub(2).square());
    const r = minimize(f, { a: origin(), b: np.array(2) }, { method: "newton-cg" });
    expect([r.status, r.curvature!.kind]).toEqual(["converged", "minimum"]);
    expect(r.fun).toBeCloseTo(-0.25, 9);
    expect(r.x.b.item()).toBeCloseTo(2, 9);
  });
});

describe("when the curvature cannot be probed", () => {
  it("an f with a reverse-mode-only rule converges as before, and the message says the check was not made", () => {
    const f = customVjp((v: Array) => v.square().sum(), (v: Array) => [v.square().sum(), v], (v: Array, ct: Array) => [v.mul(2).mul(ct)]);
    const r = minimize(f, np.array([1, -2]), { method: "lbfgs" });
    expect([r.status, r.success, r.nhev, r.curvature]).toEqual(["converged", true, 0, undefined]);
    expect(r.message).toMatch(/; the curvature there was not checked \(Hessian-vector products failed: customVjp: .*reverse mode only/);
  });
});

describe("degenerate points: the second-order test cannot tell", () => {
  it("x⁴ + y² and x³ + y² at 0 stay 'converged', with a note and kind 'degenerate'", () => {
    for (const f of [(v: Array) => x(v).pow(4).add(y(v).square()), (v: Array) => x(v).pow(3).add(y(v).square())]) {
      for (const method of ["lbfgs", "newton"] as const) {
        const r = minimize(f, origin(), { method });
        expect([r.status, r.success, r.curvature!.kind], method).toEqual(["converged", true, "degenerate"]);
        // Lanczos's estimate of the zero eigenvalue is rounding, e.g. 1.1e-16.
        expect(r.message).toMatch(/the Hessian there is singular to within 1e-8 relative \(Hessian eigenvalues from \S+ to 2.00\), so second-order information cannot confirm a minimum$/);
        expect(Math.abs(r.curvature!.minEigenvalue)).toBeLessThan(1e-15);
      }
    }
  });
});

describe("problems that end at minima: the check costs no iteration, only Hessian products", () => {
  const methods: MinimizeMethod[] = ["lbfgs", "bfgs", "cg", "newton", "newton-cg", "trust-ncg"];
  it.each(optim.problems.all.map((p) => [p.name, p] as const))("%s: the same run with and without the check", (_name, problem) => {
    for (const method of methods) {
      const x0 = np.array(problem.x0);
      const off = minimize(problem.f, x0, { method, checkCurvature: false });
      const on = minimize(problem.f, x0, { method });
      const where = `${problem.name} / ${method}`;
      expect([on.status, on.nit, on.nfev, on.ngev], where).toEqual([off.status, off.nit, off.nfev, off.ngev]);
      expect(on.x.toArray(), where).toEqual(off.x.toArray());
      if (on.status !== "converged") continue;
      // newton: one more Hessian; the others: Lanczos, at most one product per dimension.
      const c = on.curvature!;
      expect(c.kind, where).not.toBe("saddle");
      expect(c.kind, where).not.toBe("maximum");
      expect(on.nhev - off.nhev, where).toBe(c.nhev);
      expect(c.nhev, where).toBeLessThanOrEqual(method === "newton" ? 1 : problem.n);
    }
  });
});
