import { afterAll, describe, expect, it } from "vitest";
import { linalg, np, optim, type Array } from "nabla";
import robust from "../fixtures/least-squares-robust.json" with { type: "json" };

const { leastSquares, problems } = optim;
const flat = (a: Array): number[] => [...a.toFloat64Array()];
const STATUS = ["maxNfev", "gtol", "ftol", "xtol", "ftol+xtol"];

// ρ(z), ρ′(z), ρ″(z) as scipy documents them, written out here to check the library's.
const RHO: Record<string, (z: number) => [number, number, number]> = {
  linear: (z) => [z, 1, 0],
  huber: (z) => (z <= 1 ? [z, 1, 0] : [2 * Math.sqrt(z) - 1, 1 / Math.sqrt(z), -0.5 / z ** 1.5]),
  soft_l1: (z) => [2 * (Math.sqrt(1 + z) - 1), 1 / Math.sqrt(1 + z), -0.5 / (1 + z) ** 1.5],
  cauchy: (z) => [Math.log(1 + z), 1 / (1 + z), -1 / (1 + z) ** 2],
  arctan: (z) => [Math.atan(z), 1 / (1 + z * z), (-2 * z) / (1 + z * z) ** 2],
};

// y = a + b·exp(c·t) with four outliers (scipy's robust-fit example), fitted with each loss
// by trf and dogbox, free and with c ∈ [−0.9, −0.2], beside scipy's runs on the same data.
describe("leastSquares with robust losses against scipy", () => {
  const t = np.array(robust.t), y = np.array(robust.y);
  const fit = (x: Array) => np.sub(np.add(x.slice(0), np.mul(x.slice(1), np.exp(np.mul(x.slice(2), t)))), y);
  const C = robust.fScale;
  const rows: string[] = [];
  afterAll(() => console.log(rows.join("\n")));
  for (const run of robust.runs) {
    it(`${run.method}, ${run.loss}, ${run.bounds} (scipy: nfev ${run.nfev}, cost ${run.cost.toPrecision(6)})`, () => {
      const bounds = run.bounds === "free" ? undefined : [np.array([-Infinity, -Infinity, -0.9]), np.array([Infinity, Infinity, -0.2])] as const;
      const r = leastSquares(fit, np.array(robust.x0), { method: run.method as "trf" | "dogbox", loss: run.loss as "huber", fScale: C, bounds });
      rows.push(`${run.method} ${run.loss} ${run.bounds}: nfev ${r.nfev} (scipy ${run.nfev}), cost ${r.cost.toPrecision(10)} (scipy ${run.cost.toPrecision(10)})`);
      expect(r.success, r.message).toBe(true);
      expect(r.status).toBe(STATUS[run.status]);
      flat(r.x).forEach((v, i) => expect(Math.abs(v - run.x[i]!), `x[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(run.x[i]!))));
      expect(Math.abs(r.cost - run.cost)).toBeLessThanOrEqual(1e-9 * run.cost);
      expect(flat(r.activeMask)).toEqual(run.activeMask);
      expect(r.nfev).toBeLessThanOrEqual(5 * run.nfev + 10);
      // cost = ½C²Σρ((rᵢ/C)²) and grad = Σρ′·rᵢ·∇rᵢ, from the returned residuals and Jacobian.
      const res = flat(r.fun);
      const rho = res.map((ri) => RHO[run.loss]!((ri / C) ** 2));
      expect(Math.abs(r.cost - 0.5 * C * C * rho.reduce((s, [p]) => s + p, 0))).toBeLessThanOrEqual(1e-12 * r.cost);
      const g = flat(np.matmul(np.transpose(r.jac), np.array(res.map((ri, i) => rho[i]![1] * ri))));
      flat(r.grad).forEach((v, i) => expect(Math.abs(v - g[i]!)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(g[i]!))));
      // covariance = s²·(J̃ᵀJ̃)⁻¹, J̃ = diag(√(ρ′ + 2zρ″))·J (floored at ε, as scipy), s² = 2·cost/(m − n).
      const w = res.map((ri) => {
        const z = (ri / C) ** 2;
        const [, d1, d2] = RHO[run.loss]!(z);
        return Math.sqrt(Math.max(d1 + 2 * z * d2, Number.EPSILON));
      });
      const Jw = np.mul(np.reshape(np.array(w), [-1, 1]), r.jac);
      const expected = np.mul((2 * r.cost) / (res.length - 3), linalg.inv(np.matmul(np.transpose(Jw), Jw)));
      const big = np.max(np.abs(expected)).item() as number;
      expect(np.max(np.abs(np.sub(r.covariance, expected))).item()).toBeLessThanOrEqual(1e-8 * big);
    });
  }

  it("a robust loss recovers the curve the outliers pull a plain fit away from", () => {
    const plain = flat(leastSquares(fit, np.array(robust.x0), { method: "trf" }).x);
    const soft = flat(leastSquares(fit, np.array(robust.x0), { loss: "soft_l1", fScale: C }).x);
    // The data were drawn around (0.5, 2, −1).
    expect(Math.abs(plain[2]! + 1)).toBeGreaterThan(0.5);
    expect(Math.abs(soft[2]! + 1)).toBeLessThan(0.1);
    expect(Math.abs(soft[0]! - 0.5)).toBeLessThan(0.15);
  });

  it("a scale far beyond every residual makes each loss plain least squares", () => {
    const plain = leastSquares(fit, np.array(robust.x0), { method: "trf" });
    for (const loss of ["huber", "soft_l1", "cauchy", "arctan"] as const) {
      const r = leastSquares(fit, np.array(robust.x0), { loss, fScale: 1e4 });
      flat(r.x).forEach((v, i) => expect(Math.abs(v - flat(plain.x)[i]!)).toBeLessThan(1e-4));
      // ρ(z) = z + O(z²) (huber exactly): the cost is ½‖r‖² to within the tail.
      expect(Math.abs(r.cost - plain.cost)).toBeLessThan(1e-6 * plain.cost);
    }
  });
});

describe("leastSquares trf and dogbox: failure is a status, bad input an error", () => {
  it("the evaluation budget", () => {
    for (const method of ["trf", "dogbox"] as const) {
      const r = leastSquares(problems.wood.residuals, np.array(problems.wood.x0), { method, maxNfev: 5 });
      expect(r.status).toBe("maxNfev");
      expect(r.success).toBe(false);
      expect(r.nfev).toBeLessThanOrEqual(5);
    }
  });

  it("steps into a non-finite region shrink instead", () => {
    // log(x) − 1 = 0 at e; a long first step lands at x < 0, where log is NaN.
    for (const method of ["trf", "dogbox"] as const) {
      const r = leastSquares((x: Array) => np.sub(np.log(x), 1), np.array([0.01]), { method });
      expect(r.success, r.message).toBe(true);
      expect(r.x.item()).toBeCloseTo(Math.E, 7);
    }
  });

  it("forward and reverse Jacobians give the same run", () => {
    const p = problems.bard;
    for (const method of ["trf", "dogbox"] as const) {
      const f = leastSquares(p.residuals, np.array(p.x0), { method, jacobian: "forward" });
      const b = leastSquares(p.residuals, np.array(p.x0), { method, jacobian: "reverse" });
      expect(b.nfev).toBe(f.nfev);
      expect(Math.abs(b.cost - f.cost)).toBeLessThan(1e-15);
    }
  });

  it("non-finite residuals at the start", () => {
    const r = leastSquares((x: Array) => np.log(x), np.array([-1, 2]), { method: "trf" });
    expect(r.status).toBe("nonFinite");
    expect(r.success).toBe(false);
  });

  it("names the option", () => {
    const f = (x: Array) => x;
    const box = [np.array([0]), np.array([1])] as const;
    expect(() => leastSquares(f, np.array([0.5]), { method: "lm", bounds: box })).toThrow(/^leastSquares: method "lm" does not take bounds/);
    expect(() => leastSquares(f, np.array([0.5]), { method: "lm", loss: "huber" })).toThrow(/^leastSquares: method "lm" takes only loss "linear"/);
    // @ts-expect-error: an unknown loss
    expect(() => leastSquares(f, np.array([0.5]), { loss: "tukey" })).toThrow(/^leastSquares: unknown loss "tukey"/);
    expect(() => leastSquares(f, np.array([0.5]), { loss: "huber", fScale: 0 })).toThrow(/^leastSquares: fScale must be a positive number, got 0/);
    expect(() => leastSquares(f, np.array([0.5]), { loss: "huber", fScale: -1 })).toThrow(/^leastSquares: fScale must be a positive number/);
    expect(() => leastSquares(f, np.array([0.5]), { loss: "cauchy", fScale: NaN })).toThrow(/^leastSquares: fScale/);
    expect(() => leastSquares(f, np.array([2]), { bounds: box })).toThrow(/^leastSquares: x0 element 0 = 2 is outside its bounds \[0, 1\]/);
    expect(() => leastSquares(f, np.array([0]), { bounds: [0, 0] })).toThrow(/^leastSquares: bounds element 0 must have lo < hi/);
    expect(() => leastSquares(f, np.array([0]), { bounds: [1, 0] })).toThrow(/^leastSquares: bounds element 0 is infeasible/);
    expect(() => leastSquares(f, np.array([0, 0]), { bounds: [np.array([0]), 1] })).toThrow(/^leastSquares: bounds\[0\] \(lo\) has shape \[1\]/);
  });
});
