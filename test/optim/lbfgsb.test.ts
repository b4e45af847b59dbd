import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, minimize, np, optim, type Array, type MinimizeOptions } from "nabla";
import { errorOf, uniformFrom } from "../helpers.js";
import { kktViolation, rosen, separableInBox } from "./fixtures.js";

/** scipy's L-BFGS-B on the same problem, recorded by python3 (see the fixture's "source"). */
const scipy = JSON.parse(readFileSync(new URL("../fixtures/lbfgsb-scipy.json", import.meta.url), "utf8")) as {
  scipy: string;
  boundedRosenbrock: { nit: number; nfev: number; fun: number; jac: number[] };
};

/** scipy's L-BFGS-B on extended Rosenbrock in random boxes (see lbfgsb-random-boxes.py beside it). */
const boxes = JSON.parse(readFileSync(new URL("../fixtures/lbfgsb-random-boxes.json", import.meta.url), "utf8")) as {
  scipy: string;
  runs: { seed: number; lo: number[]; hi: number[]; nit: number; nfev: number; fun: number; x: number[]; projectedGradient: number }[];
};

const vec = (a: Array) => globalThis.Array.from(a.toFloat64Array());
const inf = Infinity;

describe("bounded Rosenbrock from (−1.2, 1) with x₁ ≤ 0.5", () => {
  const fixture = scipy.boundedRosenbrock;
  const bounds = [np.array([-inf, -inf]), np.array([0.5, inf])] as const;

  it(`reaches the active-bound solution (0.5, 0.25) within 1.5× scipy's ${fixture.nit} iterations / ${fixture.nfev} evaluations`, () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds });
    console.log(`bounded Rosenbrock: nabla nit ${r.nit}, nfev ${r.nfev}; scipy ${scipy.scipy} nit ${fixture.nit}, nfev ${fixture.nfev}`);
    expect(r.status, r.message).toBe("converged");
    expect(r.success).toBe(true);
    const [x1, x2] = vec(r.x);
    expect(x1).toBe(0.5);
    expect(Math.abs(x2! - 0.25)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(r.fun - fixture.fun)).toBeLessThanOrEqual(1e-10);
    expect(r.nit).toBeLessThanOrEqual(1.5 * fixture.nit);
    expect(r.nfev).toBeLessThanOrEqual(1.5 * fixture.nfev);
    expect(r.ngev).toBe(r.nfev);
    // The gradient there points out of the box (∂f/∂x₁ = −1 at the upper bound), as scipy's jac.
    expect(vec(r.grad)[0]).toBeCloseTo(fixture.jac[0]!, 8);
    expect(kktViolation(rosen, r.x, [-inf, -inf], [0.5, inf], 1e-5)).toBe("");
    // A minimum on the edge of the box is not a critical point: no curvature check.
    expect(r.curvature).toBeUndefined();
    expect(r.message).toContain("projected gradient");
  });

  it("every iterate stays in the box, and the recorded gradNorm is the projected gradient", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds, recordPath: true });
    for (const p of r.path!) expect(p.x[0]).toBeLessThanOrEqual(0.5);
    expect(r.path!.at(-1)!.gradNorm).toBeLessThanOrEqual(1e-5);
  });
});

describe("without active bounds it is L-BFGS", () => {
  it("no bounds: Rosenbrock's minimum (1, 1) as lbfgs, with lbfgs's ‖∇f‖∞ test and curvature check", () => {
    const b = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb" });
    const l = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgs" });
    console.log(`Rosenbrock unbounded: lbfgsb nit ${b.nit}, nfev ${b.nfev}; lbfgs nit ${l.nit}, nfev ${l.nfev}`);
    expect(b.status).toBe("converged");
    for (const [u, v] of vec(b.x).map((u, i) => [u, vec(l.x)[i]!])) expect(Math.abs(u! - v!)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(vec(b.x)[0]! - 1)).toBeLessThanOrEqual(1e-5);
    expect(b.nit).toBeLessThanOrEqual(1.5 * l.nit);
    expect(b.curvature?.kind).toBe("minimum");
    expect(b.message).toContain("‖∇f‖∞");
  });

  it("all bounds infinite: the same run as no bounds", () => {
    const a = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds: [-inf, inf] });
    const b = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb" });
    expect(vec(a.x)).toEqual(vec(b.x));
    expect([a.nit, a.nfev]).toEqual([b.nit, b.nfev]);
  });

  it("a box around the unconstrained minimum: the same answer as lbfgs", () => {
    const b = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds: [-2, 2], gtol: 1e-8 });
    const l = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgs", gtol: 1e-8 });
    expect(b.status, b.message).toBe("converged");
    for (let i = 0; i < 2; i++) expect(Math.abs(vec(b.x)[i]! - vec(l.x)[i]!)).toBeLessThanOrEqual(1e-7);
  });

  it("extended Rosenbrock at n = 100, unbounded: the same minimum as lbfgs", () => {
    const p = optim.problems.extendedRosenbrock(100);
    const b = minimize(p.f, np.array(p.x0), { method: "lbfgsb" });
    expect(b.status, b.message).toBe("converged");
    for (const v of vec(b.x)) expect(Math.abs(v - 1)).toBeLessThanOrEqual(1e-4);
  });
});

describe("bounds that decide the answer", () => {
  const sq = (c: number) => (x: Array) => np.sum(np.square(np.sub(x, c)));

  it("all variables at their upper bounds, then at their lower bounds", () => {
    const up = minimize(sq(3), np.zeros([4]), { method: "lbfgsb", bounds: [-1, np.array([1, 0.5, 0, -0.5])] });
    expect(up.status, up.message).toBe("converged");
    expect(vec(up.x)).toEqual([1, 0.5, 0, -0.5]);
    const down = minimize(sq(-3), np.zeros([4]), { method: "lbfgsb", bounds: [np.array([-1, -0.5, 0, 0.5]), 2] });
    expect(vec(down.x)).toEqual([-1, -0.5, 0, 0.5]);
    expect(down.nit).toBeLessThanOrEqual(2);
  });

  it("a separable quadratic in n = 50 with random bounds (seed 19): x = clip(c, lo, hi)", () => {
    const seed = 19;
    const n = 50;
    const { f, c, lo, hi } = separableInBox(seed, n);
    const r = minimize(f, np.zeros([n]), { method: "lbfgsb", bounds: [np.array(lo), np.array(hi)], gtol: 1e-7 });
    const x = vec(r.x);
    const where = `seed ${seed}, n ${n}`;
    expect(r.status, `${where}: ${r.message}`).toBe("converged");
    for (let i = 0; i < n; i++) expect(Math.abs(x[i]! - Math.min(Math.max(c[i]!, lo[i]!), hi[i]!)), `${where}, element ${i}`).toBeLessThanOrEqual(1e-6);
    expect(kktViolation(f, r.x, lo, hi, 1e-6), where).toBe("");
  });

  it("coupled convex quadratics ½xᵀAx − bᵀx with random boxes meet the KKT conditions (seeds 1–5, n = 40)", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const u = uniformFrom(seed);
      const n = 40;
      const q = globalThis.Array.from({ length: n * n }, () => u() - 0.5);
      const Q = np.reshape(np.array(q), [n, n]);
      // A = QᵀQ + 0.1·I: positive definite and far from diagonal, so the box step is no clip.
      const A = np.add(np.matmul(np.transpose(Q), Q), np.mul(0.1, np.eye(n)));
      const b = np.array(globalThis.Array.from({ length: n }, () => 4 * (u() - 0.5)));
      const lo = globalThis.Array.from({ length: n }, (_, i) => (i % 5 === 0 ? -inf : -0.5 * u()));
      const hi = globalThis.Array.from({ length: n }, (_, i) => (i % 6 === 0 ? inf : 0.5 * u()));
      const f = (x: Array) => np.sub(np.mul(0.5, np.dot(x, np.matmul(A, x))), np.dot(b, x));
      const r = minimize(f, np.zeros([n]), { method: "lbfgsb", bounds: [np.array(lo), np.array(hi)], gtol: 1e-7, maxIter: 5000 });
      const where = `seed ${seed}, n ${n}`;
      expect(r.status, `${where}: ${r.message}`).toBe("converged");
      expect(kktViolation(f, r.x, lo, hi, 1e-6), where).toBe("");
    }
  });

  it("extended Rosenbrock at n = 200 with every odd-indexed variable ≤ 0.5 meets the KKT conditions", () => {
    const n = 200;
    const p = optim.problems.extendedRosenbrock(n);
    const hi = globalThis.Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.5 : inf));
    const lo = globalThis.Array.from({ length: n }, () => -inf);
    const r = minimize(p.f, np.array(p.x0), { method: "lbfgsb", bounds: [-inf, np.array(hi)], gtol: 1e-8 });
    expect(r.status, r.message).toBe("converged");
    expect(kktViolation(p.f, r.x, lo, hi, 1e-7)).toBe("");
    const x = vec(r.x);
    // Each pair (x₂ᵢ₋₁, x₂ᵢ) is Rosenbrock with x₂ᵢ₋₁ ≤ 0.5: (0.5, 0.25).
    for (let i = 0; i < n; i += 2) {
      expect(x[i]).toBe(0.5);
      expect(Math.abs(x[i + 1]! - 0.25)).toBeLessThanOrEqual(1e-7);
    }
  });

  it("one-sided bounds: x ≥ 2 on one variable and x ≤ −1 on another, the third free", () => {
    const r = minimize((x: Array) => np.sum(np.square(x)), np.array([5, -5, 3]), { method: "lbfgsb", bounds: [np.array([2, -inf, -inf]), np.array([inf, -1, inf])] });
    const [a, b, c] = vec(r.x);
    expect([a, b]).toEqual([2, -1]);
    expect(Math.abs(c!)).toBeLessThanOrEqual(1e-6);
  });

  it("lo = hi fixes a variable: Rosenbrock with x₁ = 0.3 gives x₂ = 0.09", () => {
    const r = minimize(rosen, np.array([-1.2, 1]), { method: "lbfgsb", bounds: [np.array([0.3, -inf]), np.array([0.3, inf])] });
    expect(r.status, r.message).toBe("converged");
    const [x1, x2] = vec(r.x);
    expect(x1).toBe(0.3);
    expect(Math.abs(x2! - 0.09)).toBeLessThanOrEqual(1e-6);
  });

  it("x0 outside the box is projected onto it first, as scipy does", () => {
    const r = minimize((x: Array) => np.sum(np.square(np.sub(x, 0.2))), np.array([5, -7]), { method: "lbfgsb", bounds: [0, 1], recordPath: true });
    expect(r.path![0]!.x).toEqual([1, 0]);
    for (const v of vec(r.x)) expect(Math.abs(v - 0.2)).toBeLessThanOrEqual(1e-6);
  });

  it("a pytree x0 (an object of Arrays and a number) with bounds of the same structure", () => {
    const x0 = { w: np.array([3, 3, 3]), b: 4 };
    const f = (p: { w: Array; b: Array }) => np.add(np.sum(np.square(np.sub(p.w, np.array([1, -2, 5])))), np.square(p.b));
    const seen: number[] = [];
    const r = minimize(f, x0, {
      method: "lbfgsb",
      bounds: { w: [np.array([0, 0, 0]), 2], b: [1, inf] },
      callback: (info) => {
        seen.push(info.x.w.shape[0]!);
      },
    });
    expect(r.status, r.message).toBe("converged");
    // w₀ = 1 is inside its box; w₁ = 0 and w₂ = 2 are on their bounds, exactly.
    const [w0, w1, w2] = vec(r.x.w);
    expect(Math.abs(w0! - 1)).toBeLessThanOrEqual(1e-6);
    expect([w1, w2]).toEqual([0, 2]);
    expect(r.x.b.item()).toBe(1);
    expect(seen.every((s) => s === 3)).toBe(true);
  });

  it("options typed for any x0 still fit, and typed ones carry bounds", () => {
    const untyped: MinimizeOptions = { method: "lbfgsb", gtol: 1e-6 };
    const typed: MinimizeOptions<Array> = { method: "lbfgsb", bounds: [0, 1] };
    // @ts-expect-error: bounds must have x0's structure (an object here, not one pair).
    const wrong: MinimizeOptions<{ w: Array }> = { method: "lbfgsb", bounds: [0, 1] };
    expect(wrong.method).toBe("lbfgsb");
    expect(minimize(rosen, np.array([0.5, 0.5]), untyped).status).toBe("converged");
    expect(vec(minimize(rosen, np.array([0.5, 0.5]), typed).x).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 1]);
  });
});

describe("bad bounds are errors naming bounds", () => {
  const x0 = np.array([0, 0]);
  const f = (x: Array) => np.sum(np.square(x));
  const run = (bounds: unknown, opts: object = {}) => errorOf(() => minimize(f, x0, { method: "lbfgsb", bounds: bounds as [number, number], ...opts }));

  it("lo > hi names the element", () => {
    expect(run([np.array([0, 2]), 1])).toBe("minimize: bounds element 1 is infeasible: lo = 2 > hi = 1");
  });

  it("a NaN bound", () => {
    expect(run([NaN, 1])).toBe("minimize: bounds element 0 has a NaN bound (lo = NaN, hi = 1)");
  });

  it("+Infinity as a lower bound", () => {
    expect(run([inf, inf])).toContain("leaves no finite value");
  });

  it("the wrong structure or shape", () => {
    expect(run(1)).toBe("minimize: bounds must be a [lo, hi] pair for the leaf of x0 there, got 1");
    expect(run([0, 1, 2])).toContain("must be a [lo, hi] pair");
    expect(run([np.array([0, 0, 0]), 1])).toBe("minimize: bounds[0] (lo) has shape [3], but its leaf of x0 has shape [2]");
    expect(run(["a", 1])).toBe('minimize: bounds[0] (lo) must be a number or an Array, got "a"');
    const tree = errorOf(() => minimize((p: { a: Array }) => np.sum(p.a), { a: np.zeros([2]) }, { method: "lbfgsb", bounds: { b: [0, 1] } as unknown as { a: [number, number] } }));
    expect(tree).toBe("minimize: bounds has keys {b}, but x0 has {a} there");
    const leaf = errorOf(() => minimize((p: { a: Array; c: Array }) => np.sum(p.a), { a: np.zeros([2]), c: np.zeros([1]) }, { method: "lbfgsb", bounds: { a: [0, 1], c: [np.array([2]), 1] } }));
    expect(leaf).toBe("minimize: bounds.c element 0 is infeasible: lo = 2 > hi = 1");
  });

  it("bounds with another method, a line search other than strong Wolfe, or a curvature check in a box", () => {
    expect(errorOf(() => minimize(f, x0, { method: "lbfgs", bounds: [0, 1] }))).toBe('minimize: bounds apply to "lbfgsb", "trust-ncg", and as a projection to gd, momentum, nesterov and adam, not to "lbfgs"');
    expect(run([0, 1], { lineSearch: "backtracking" })).toContain('method "lbfgsb" searches with its own strong Wolfe line search');
    expect(run([0, 1], { checkCurvature: true })).toContain("checkCurvature applies only without finite bounds");
  });
});

describe("the strong Wolfe search capped by the box (acceptAtMax)", () => {
  // φ(α) = (α − 2)²: still falling at α = 1, where the box ends.
  const phi = (a: number) => [(a - 2) ** 2, 2 * (a - 2)] as const;

  it("takes the edge when it decreases φ enough, and fails there without the option", () => {
    const capped = optim.lineSearchStrongWolfe(phi, 4, -4, { alpha0: 0.5, alphaMax: 1, c2: 0.1, acceptAtMax: true });
    expect([capped.status, capped.alpha, capped.value]).toEqual(["converged", 1, 1]);
    const plain = optim.lineSearchStrongWolfe(phi, 4, -4, { alpha0: 0.5, alphaMax: 1, c2: 0.1 });
    expect(plain.status).toBe("stillDecreasing");
  });
});

describe("non-finite values in a box", () => {
  it("an infinite gradient at x0 is nonFinite, not hidden by the projection", () => {
    const r = minimize((x: Array) => np.sum(np.sqrt(x)), np.array([0, 1]), { method: "lbfgsb", bounds: [0, 2] });
    expect(r.status).toBe("nonFinite");
    expect(r.success).toBe(false);
  });
});

describe("near the solution, where f's changes fall below its rounding", () => {
  // Extended Rosenbrock (n = 20) in the boxes trustncg-bounds.test.ts draws. Near the
  // solution a step's decrease (|∇fᵀd| ~ 1e-17) is far below f's rounding (~1e-14): the
  // search used to reject every step on rounding, twice, and end "lineSearchFailed" at
  // the minimum; scipy ends there with success.
  const n = 20;
  const p = optim.problems.extendedRosenbrock(n);
  const draw = (seed: number) => {
    const u = uniformFrom(seed);
    const lo = globalThis.Array.from({ length: n }, () => -1.5 + u());
    return { lo, hi: lo.map((l) => l + 0.5 + 2 * u()) };
  };

  it(`extended Rosenbrock (n = 20) in random boxes (seeds 7–9) converges to gtol = 1e-8, at scipy ${boxes.scipy}'s minimum`, () => {
    for (const run of boxes.runs) {
      const { lo, hi } = draw(run.seed);
      // The fixture's script draws the same boxes bit for bit.
      expect([lo, hi]).toEqual([run.lo, run.hi]);
      const r = minimize(p.f, np.array(p.x0), { method: "lbfgsb", bounds: [np.array(lo), np.array(hi)], gtol: 1e-8 });
      const where = `seed ${run.seed}`;
      console.log(`${where}: nabla nit ${r.nit}, nfev ${r.nfev}; scipy nit ${run.nit}, nfev ${run.nfev} (its projected gradient ${run.projectedGradient.toExponential(1)})`);
      expect(r.status, `${where}: ${r.message}`).toBe("converged");
      expect(r.success).toBe(true);
      expect(kktViolation(p.f, r.x, lo, hi, 1e-7), where).toBe("");
      expect(Math.abs(r.fun - run.fun), where).toBeLessThanOrEqual(1e-12 * run.fun);
      vec(r.x).forEach((v, i) => expect(Math.abs(v - run.x[i]!), `${where}, element ${i}`).toBeLessThanOrEqual(1e-6));
      expect(r.nfev, where).toBeLessThanOrEqual(1.5 * run.nfev);
    }
  });

  it("with gtol = 0 (out of reach) the run ends \"stalled\" with success at f's floor, as scipy's does", () => {
    for (const seed of [7, 8, 9]) {
      const { lo, hi } = draw(seed);
      const r = minimize(p.f, np.array(p.x0), { method: "lbfgsb", bounds: [np.array(lo), np.array(hi)], gtol: 0 });
      const where = `seed ${seed}`;
      expect(r.status, `${where}: ${r.message}`).toBe("stalled");
      expect(r.success).toBe(true);
      expect(r.message).toContain("floating-point floor");
      expect(kktViolation(p.f, r.x, lo, hi, 1e-9), where).toBe("");
      expect(Math.abs(r.fun - boxes.runs.find((b) => b.seed === seed)!.fun), where).toBeLessThanOrEqual(1e-12 * r.fun);
    }
  });

  it("the strong Wolfe search with fNoise judges decrease by φ′ where φ only shows rounding", () => {
    // φ is 1 + ½(α − 1)²·1e-20 in exact arithmetic, minimum at α = 1; its computed values
    // are 1 at α = 0 and one ulp above elsewhere. φ′ is exact.
    const phi = (a: number) => [a === 0 ? 1 : 1 + Number.EPSILON, (a - 1) * 1e-20] as const;
    const noisy = optim.lineSearchStrongWolfe(phi, 1, -1e-20, { c1: 1e-3, fNoise: 10 * Number.EPSILON });
    expect([noisy.status, noisy.alpha, noisy.nfev]).toEqual(["converged", 1, 1]);
    const plain = optim.lineSearchStrongWolfe(phi, 1, -1e-20, { c1: 1e-3 });
    expect(plain.success).toBe(false);
    // A step whose first-order change is above fNoise is still judged by φ: α = 1 has
    // φ′ = 0 but φ rose, and the decrease α·|φ′(0)| = 1e-13 would have been visible.
    const visible = (a: number) => [a === 0 ? 1 : 1 + Number.EPSILON, (a - 1) * 1e-13] as const;
    expect(optim.lineSearchStrongWolfe(visible, 1, -1e-13, { c1: 1e-3, fNoise: 10 * Number.EPSILON }).success).toBe(false);
  });
});
