import { afterAll, describe, expect, it } from "vitest";
import { jacfwd, linalg, np, optim, random, type Array } from "nabla";
import scipy from "../fixtures/least-squares-scipy.json" with { type: "json" };

const { leastSquares, problems } = optim;

// Moré–Garbow–Hillstrom problems solved as least squares, beside scipy's
// least_squares(method="lm") on the same residuals (test/fixtures/least-squares-scipy.py).
describe("leastSquares on the Moré–Garbow–Hillstrom problems", () => {
  const rows: string[] = [];
  for (const p of problems.all) {
    const ref = scipy.problems.find((q) => q.name === p.name)!;
    it(`${p.name}: the known minimum (scipy: nfev ${ref.nfev})`, () => {
      const r = leastSquares(p.residuals, np.array(p.x0));
      rows.push(`${p.name}: nfev ${r.nfev} (scipy ${ref.nfev}), cost ${r.cost.toExponential(2)}, ${r.status}`);
      expect(r.success, r.message).toBe(true);
      // Freudenstein–Roth and Bard end, as scipy does, at the local minimum the paper lists.
      const fmin = p.name === "Freudenstein-Roth" ? p.localMinima![0]!.f : p.fmin;
      expect(Math.abs(2 * r.cost - fmin)).toBeLessThanOrEqual(1e-8 * Math.max(1, fmin));
      expect(Math.abs(2 * r.cost - 2 * ref.cost)).toBeLessThanOrEqual(1e-8 * Math.max(1, 2 * ref.cost));
      if (p.xmin && p.name !== "Freudenstein-Roth" && p.name !== "Box 3-D") {
        // Powell singular's minimum is reached only linearly (a singular Jacobian there).
        const tol = p.name === "Powell singular" ? 1e-4 : 1e-6;
        r.x.toFloat64Array().forEach((v, i) => expect(Math.abs(v - p.xmin![i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(p.xmin![i]!))));
      }
      // A run within a small factor of MINPACK's evaluations.
      expect(r.nfev).toBeLessThanOrEqual(3 * ref.nfev + 10);
    });
  }
  afterAll(() => console.log(rows.join("\n")));
});

describe("leastSquares: the result record", () => {
  // y = a·e^(b·t) + noise, fitted: the covariance agrees with the textbook formula.
  const t = np.linspace(0, 2, 20);
  const noise = random.normal(random.key(7), [20]).mul(0.01);
  const y = np.add(np.mul(2, np.exp(np.mul(0.5, t))), noise);
  const residuals = (p: { a: Array; b: Array }) => np.sub(np.mul(p.a, np.exp(np.mul(p.b, t))), y);

  it("fits the parameters, shaped like x0, with residuals, Jacobian and gradient at the answer", () => {
    const r = leastSquares(residuals, { a: np.array(1), b: np.array(0) });
    expect(r.success, r.message).toBe(true);
    expect(r.x.a.item()).toBeCloseTo(2, 1);
    expect(r.x.b.item()).toBeCloseTo(0.5, 1);
    expect(r.fun.shape).toEqual([20]);
    expect(r.jac.shape).toEqual([20, 2]);
    // The Jacobian is the exact one at x, and grad = Jᵀr.
    const J = jacfwd((v: Array) => residuals({ a: v.slice(0), b: v.slice(1) }))(np.array([r.x.a.item(), r.x.b.item()]));
    expect(np.max(np.abs(np.sub(J, r.jac))).item()).toBeLessThan(1e-12);
    expect(np.max(np.abs(np.sub(np.matmul(np.transpose(r.jac), r.fun), r.grad))).item()).toBeLessThan(1e-12);
    expect(r.optimality).toBeLessThan(1e-6);
    expect(r.cost).toBeCloseTo(0.5 * (np.sum(np.square(r.fun)).item() as number), 15);
  });

  it("covariance = s²(JᵀJ)⁻¹ with s² = 2·cost/(m − n)", () => {
    const r = leastSquares(residuals, { a: np.array(1), b: np.array(0) });
    const JtJ = np.matmul(np.transpose(r.jac), r.jac);
    const expected = np.mul((2 * r.cost) / (20 - 2), linalg.inv(JtJ));
    expect(np.max(np.abs(np.sub(r.covariance, expected))).item()).toBeLessThan(1e-10 * (np.max(np.abs(expected)).item() as number));
    // Positive variances, symmetric.
    const c = r.covariance.toArray() as number[][];
    expect(c[0]![0]).toBeGreaterThan(0);
    expect(c[0]![1]).toBeCloseTo(c[1]![0]!, 15);
  });

  it("an undetermined parameter has infinite variance", () => {
    // x₂ never enters the residuals.
    const r = leastSquares((x: Array) => np.sub(x.slice(0), np.array([1, 2, 3])), np.array([0, 5]));
    expect(r.success).toBe(true);
    expect(r.covariance.toFloat64Array().every((v) => v === Infinity)).toBe(true);
  });

  it("a linear problem is solved in one step (the Gauss–Newton step fits the region)", () => {
    const A = random.normal(random.key(3), [30, 5]);
    const b = random.normal(random.key(4), [30]);
    const r = leastSquares((x: Array) => np.sub(np.matmul(A, x), b), np.zeros([5]));
    const exact = linalg.lstsq(A, b);
    expect(np.max(np.abs(np.sub(r.x, exact))).item()).toBeLessThan(1e-10);
    expect(r.njev).toBeLessThanOrEqual(3);
  });

  it("forward and reverse Jacobians give the same run", () => {
    const p = problems.bard;
    const f = leastSquares(p.residuals, np.array(p.x0), { jacobian: "forward" });
    const b = leastSquares(p.residuals, np.array(p.x0), { jacobian: "reverse" });
    expect(b.nfev).toBe(f.nfev);
    expect(Math.abs(b.cost - f.cost)).toBeLessThan(1e-15);
  });

  it("more parameters than residuals: a minimum-norm-like exact fit", () => {
    const r = leastSquares((x: Array) => np.stack([np.sub(np.sum(x), 3), np.sub(x.slice(0), x.slice(1))]), np.zeros([4]));
    expect(r.success).toBe(true);
    expect(r.cost).toBeLessThan(1e-20);
  });
});

describe("leastSquares: failure is a status, bad input an error", () => {
  it("the evaluation budget", () => {
    const p = problems.wood;
    const r = leastSquares(p.residuals, np.array(p.x0), { maxNfev: 5 });
    expect(r.status).toBe("maxNfev");
    expect(r.success).toBe(false);
    expect(r.nfev).toBeLessThanOrEqual(5);
  });

  it("non-finite residuals at the start", () => {
    const r = leastSquares((x: Array) => np.log(x), np.array([-1, 2]));
    expect(r.status).toBe("nonFinite");
    expect(r.success).toBe(false);
  });

  it("steps into a non-finite region shrink instead", () => {
    // log(x) − 1 = 0 at e; a long first step lands at x < 0, where log is NaN.
    const r = leastSquares((x: Array) => np.sub(np.log(x), 1), np.array([0.01]));
    expect(r.success, r.message).toBe(true);
    expect(r.x.item()).toBeCloseTo(Math.E, 7);
  });

  it("names the option", () => {
    const f = (x: Array) => x;
    // @ts-expect-error: an unknown method
    expect(() => leastSquares(f, np.array([1]), { method: "trust" })).toThrow(/leastSquares: unknown method "trust"/);
    // @ts-expect-error: an unknown option
    expect(() => leastSquares(f, np.array([1]), { tol: 1 })).toThrow(/leastSquares.*tol/);
    expect(() => leastSquares(f, np.array([1]), { maxNfev: 0 })).toThrow(/leastSquares.*maxNfev/);
    expect(() => leastSquares(() => 3 as unknown as Array, np.array([1]))).toThrow(/leastSquares: residuals must return a float Array/);
  });
});
