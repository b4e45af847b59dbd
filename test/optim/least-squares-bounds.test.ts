import { afterAll, describe, expect, it } from "vitest";
import { np, optim, type Array } from "nabla";
import scipy from "../fixtures/least-squares-scipy.json" with { type: "json" };
import robust from "../fixtures/least-squares-robust.json" with { type: "json" };

const { leastSquares, problems } = optim;
const METHODS = ["trf", "dogbox"] as const;
const flat = (a: Array): number[] => [...a.toFloat64Array()];
/** The fixture writes ±inf as strings (JSON has no Infinity). */
const bound = (v: number | string) => (typeof v === "number" ? v : v.startsWith("-") ? -Infinity : Infinity);
const rows: string[] = [];
afterAll(() => console.log(rows.join("\n")));

/** |a − b| ≤ tol·max(1, |b|). */
function close(a: number, b: number, tol: number, what: string) {
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
}

/**
 * The first-order (KKT) conditions of min cost(x) over lo ≤ x ≤ hi at the result,
 * computed here from its residuals and Jacobian: the gradient Jᵀr vanishes on free
 * variables and points out of the box (g ≥ 0 at lo, g ≤ 0 at hi) on active ones.
 */
function expectKkt(r: { fun: Array; jac: Array; x: Array; activeMask: Array }, lo: number[], hi: number[], tol: number) {
  const g = flat(np.matmul(np.transpose(r.jac), r.fun));
  const x = flat(r.x);
  const mask = flat(r.activeMask);
  const scale = Math.max(1, ...g.map(Math.abs));
  x.forEach((xi, i) => {
    expect(xi).toBeGreaterThanOrEqual(lo[i]!);
    expect(xi).toBeLessThanOrEqual(hi[i]!);
    if (mask[i] === -1) expect(g[i]!, `g[${i}] at lo`).toBeGreaterThanOrEqual(-tol * scale);
    else if (mask[i] === 1) expect(g[i]!, `g[${i}] at hi`).toBeLessThanOrEqual(tol * scale);
    else expect(Math.abs(g[i]!), `g[${i}] free`).toBeLessThanOrEqual(tol * scale);
  });
}

describe("leastSquares trf and dogbox on the Moré–Garbow–Hillstrom problems", () => {
  for (const method of METHODS) {
    for (const p of problems.all) {
      const ref = scipy.problems.find((q) => q.name === p.name)![method];
      it(`${method}, ${p.name}: the known minimum (scipy: nfev ${ref.nfev})`, () => {
        const r = leastSquares(p.residuals, np.array(p.x0), { method });
        rows.push(`${method} ${p.name}: nfev ${r.nfev} (scipy ${ref.nfev}), cost ${r.cost.toExponential(2)}, ${r.status}`);
        expect(r.success, r.message).toBe(true);
        // Freudenstein–Roth ends, as scipy does, at the local minimum the paper lists.
        const fmin = p.name === "Freudenstein-Roth" ? p.localMinima![0]!.f : p.fmin;
        expect(Math.abs(2 * r.cost - fmin)).toBeLessThanOrEqual(1e-8 * Math.max(1, fmin));
        close(r.cost, ref.cost, 1e-8, "cost against scipy");
        if (p.xmin && p.name !== "Freudenstein-Roth") {
          // Powell singular's minimum is reached only linearly (J is singular there):
          // scipy stops at 6e-4 from it too.
          const tol = p.name === "Powell singular" ? 1e-3 : 1e-6;
          flat(r.x).forEach((v, i) => close(v, p.xmin![i]!, tol, `x[${i}]`));
        }
        expect(r.nfev).toBeLessThanOrEqual(5 * ref.nfev + 10);
        expect(flat(r.activeMask).every((v) => v === 0)).toBe(true);
      });
    }
  }
});

/** The residuals of a bounded fixture problem: an MGH problem by name, or the linear one. */
function boundedResiduals(name: string): (x: Array) => Array {
  if (name.startsWith("Linear")) {
    const A = np.array(scipy.linear.A), b = np.array(scipy.linear.b);
    return (x) => np.sub(np.matmul(A, x), b);
  }
  return problems.all.find((q) => name.startsWith(q.name.split(" ")[0]!))!.residuals;
}

describe("leastSquares with bounds: solutions, active sets and KKT conditions", () => {
  const known: Record<string, number[]> = {
    "Rosenbrock x1<=0.5": [0.5, 0.25],
    "Rosenbrock x1>=1.5": [1.5, 2.25],
    "Linear in [-0.1,0.1]": scipy.linear.x, // lsq_linear's BVLS: exact
  };
  for (const method of METHODS) {
    for (const b of scipy.bounded) {
      const ref = b[method];
      it(`${method}, ${b.name} (scipy: nfev ${ref.nfev})`, () => {
        const [lo, hi] = [b.lo.map(bound), b.hi.map(bound)];
        const r = leastSquares(boundedResiduals(b.name), np.array(b.x0), { method, bounds: [np.array(lo), np.array(hi)] });
        rows.push(`${method} ${b.name}: nfev ${r.nfev} (scipy ${ref.nfev}), cost ${r.cost.toPrecision(12)}, ${r.status}`);
        expect(r.success, r.message).toBe(true);
        expect(flat(r.activeMask)).toEqual(ref.activeMask);
        close(r.cost, ref.cost, 1e-9, "cost against scipy");
        flat(r.x).forEach((v, i) => close(v, ref.x[i]!, 1e-6, `x[${i}] against scipy`));
        if (known[b.name]) flat(r.x).forEach((v, i) => close(v, known[b.name]![i]!, 1e-8, `x[${i}] against the solution`));
        // Runs that stop on ftol (Beale, Wood), as scipy's do, leave a gradient of up to 1e-4 relative.
        expectKkt(r, lo, hi, ref.status === 2 ? 1e-3 : 1e-6);
        expect(r.nfev).toBeLessThanOrEqual(5 * ref.nfev + 10);
      });
    }
  }

  it("trf keeps its iterates strictly inside; dogbox puts active variables on the bound", () => {
    const p = problems.rosenbrock;
    const bounds = [np.array([-Infinity, -Infinity]), np.array([0.5, Infinity])] as const;
    // x0 on the bound: trf starts 1e-10 inside it.
    const t = leastSquares(p.residuals, np.array([0.5, 1]), { method: "trf", bounds });
    const d = leastSquares(p.residuals, np.array([0.5, 1]), { method: "dogbox", bounds });
    expect(t.success && d.success).toBe(true);
    const [xt, xd] = [flat(t.x), flat(d.x)];
    expect(xt[0]).toBeLessThan(0.5);
    expect(xt[0]).toBeGreaterThan(0.5 - 1e-8);
    expect(xd[0]).toBe(0.5);
    expect(flat(t.activeMask)).toEqual([1, 0]);
    expect(flat(d.activeMask)).toEqual([1, 0]);
  });

  it("optimality is scipy's: ‖v∘g‖∞ for trf (0 at a KKT point even where g is not)", () => {
    const b = scipy.bounded.find((q) => q.name === "Rosenbrock x1>=1.5")!;
    const r = leastSquares(boundedResiduals(b.name), np.array(b.x0), { bounds: [np.array([1.5, -Infinity]), np.array([Infinity, Infinity])] });
    expect(Math.abs(flat(r.grad)[0]!)).toBeCloseTo(0.5, 6); // −(1 − x1): the bound holds x1 back
    expect(r.optimality).toBeLessThan(1e-8);
    close(r.optimality, b.trf.optimality, 1e-3, "optimality against scipy");
  });

  it("the default method is trf with bounds (and lm without)", () => {
    const p = problems.rosenbrock;
    const bounds = [np.array([-Infinity, -Infinity]), np.array([0.5, Infinity])] as const;
    expect(leastSquares(p.residuals, np.array(p.x0), { bounds }).nfev).toBe(leastSquares(p.residuals, np.array(p.x0), { bounds, method: "trf" }).nfev);
    expect(leastSquares(p.residuals, np.array(p.x0)).nfev).toBe(leastSquares(p.residuals, np.array(p.x0), { method: "lm" }).nfev);
  });

  it("bounds follow x0's pytree; activeMask is in its flat order", () => {
    // min (a − 2)² + Σ(bᵢ − i)² with a ≤ 1 and b ≥ [0.5, 1.5, 0]: a = 1, b = [0.5, 1.5, 2].
    const f = (x: { a: Array; b: Array }) => np.concatenate([np.reshape(np.sub(x.a, 2), [1]), np.sub(x.b, np.array([0, 1, 2]))]);
    for (const method of METHODS) {
      const r = leastSquares(f, { a: np.array(0), b: np.array([1, 2, 3]) }, { method, bounds: { a: [-Infinity, 1], b: [np.array([0.5, 1.5, 0]), Infinity] } });
      expect(r.success, r.message).toBe(true);
      close(r.x.a.item() as number, 1, 1e-8, "a");
      flat(r.x.b).forEach((v, i) => close(v, [0.5, 1.5, 2][i]!, 1e-8, `b[${i}]`));
      expect(flat(r.activeMask)).toEqual([1, -1, -1, 0]);
    }
  });

  it("the TSDoc example: a bounded exponential fit with a Huber loss", () => {
    const t = np.array([0, 1, 2, 3]), y = np.array([2, 2.7, 3.7, 5]);
    const fit = (p: { a: Array; b: Array }) => np.sub(np.mul(p.a, np.exp(np.mul(p.b, t))), y);
    const free = leastSquares(fit, { a: np.array(1), b: np.array(0) });
    close(free.x.a.item() as number, 2, 0.05, "a");
    const s = leastSquares(fit, { a: np.array(1), b: np.array(0) }, { bounds: { a: [-Infinity, Infinity], b: [-Infinity, 0.25] }, loss: "huber", fScale: 0.1 });
    expect(s.success, s.message).toBe(true);
    close(s.x.b.item() as number, 0.25, 1e-10, "b");
    expect(flat(s.activeMask)).toEqual([0, 1]);
  });
});
