import { describe, expect, test } from "vitest";
import { optim } from "nabla";
import fixture from "../fixtures/qp-scipy.json" with { type: "json" };
import { errorOf, uniformFrom } from "../helpers.js";

type DenseQP = optim.DenseQP;
type QPSolution = optim.QPSolution;

const F = (...a: number[]) => Float64Array.from(a);
const close = (a: ArrayLike<number>, e: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(e.length);
  for (let i = 0; i < e.length; i++) expect(Math.abs(a[i]! - e[i]!), `[${i}]: ${a[i]} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!)));
};

/** The worst violation of the KKT conditions the solution's multipliers claim. */
function kktViolation(p: DenseQP, s: QPSolution): number {
  const { n } = p;
  const me = p.b?.length ?? 0, mi = p.h?.length ?? 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let g = p.q[i]! - s.zLo[i]! + s.zHi[i]!;
    for (let j = 0; j < n; j++) g += p.Q[i * n + j]! * s.x[j]!;
    for (let r = 0; r < me; r++) g += p.A![r * n + i]! * s.y[r]!;
    for (let r = 0; r < mi; r++) g += p.G![r * n + i]! * s.z[r]!;
    worst = Math.max(worst, Math.abs(g));
    const lo = p.lo?.[i] ?? -Infinity, hi = p.hi?.[i] ?? Infinity;
    worst = Math.max(worst, lo - s.x[i]!, s.x[i]! - hi, -s.zLo[i]!, -s.zHi[i]!);
    if (lo > -Infinity) worst = Math.max(worst, Math.abs(s.zLo[i]! * (s.x[i]! - lo)));
    if (hi < Infinity) worst = Math.max(worst, Math.abs(s.zHi[i]! * (hi - s.x[i]!)));
  }
  const rowDot = (M: Float64Array, r: number) => s.x.reduce((a, xj, j) => a + M[r * n + j]! * xj, 0);
  for (let r = 0; r < me; r++) worst = Math.max(worst, Math.abs(rowDot(p.A!, r) - p.b![r]!));
  for (let r = 0; r < mi; r++) {
    const slack = p.h![r]! - rowDot(p.G!, r);
    worst = Math.max(worst, -slack, -s.z[r]!, Math.abs(s.z[r]! * slack));
  }
  return worst;
}

const fromJson = (v: (number | null)[], inf: number) => Float64Array.from(v, (t) => (t === null ? inf : t));

describe("solveQP: known optima", () => {
  test("the TSDoc example: x = [½, ½], multiplier ½ (closed form)", () => {
    const r = optim.solveQP({ n: 2, Q: F(1, 0, 0, 1), q: F(-1, -1), G: F(1, 1), h: F(1) });
    expect(r).toMatchObject({ status: "optimal", success: true, message: "optimal" });
    close(r.x, [0.5, 0.5], 1e-14);
    close(r.z, [0.5], 1e-14);
  });

  test("no constraints, Q positive definite: x = −Q⁻¹q in one Newton step", () => {
    const r = optim.solveQP({ n: 2, Q: F(2, 1, 1, 2), q: F(-1, -1) });
    expect(r.status).toBe("optimal");
    close(r.x, [1 / 3, 1 / 3], 1e-15);
    expect(r.iterations).toBeLessThanOrEqual(1);
  });

  test("equality constraints only: the KKT system's closed form, redundant rows allowed", () => {
    // [2 1 1; 1 2 −1; 1 −1 0] [x; y] = [1; 1; 0.3] gives x = (0.48333…, 0.18333…), y = −0.15.
    const r = optim.solveQP({ n: 2, Q: F(2, 1, 1, 2), q: F(-1, -1), A: F(1, -1), b: F(0.3) });
    close(r.x, [29 / 60, 11 / 60], 1e-14);
    close(r.y, [-0.15], 1e-13);
    const twice = optim.solveQP({ n: 2, Q: F(2, 1, 1, 2), q: F(-1, -1), A: F(1, -1, 2, -2), b: F(0.3, 0.6) });
    expect(twice.status).toBe("optimal");
    close(twice.x, [29 / 60, 11 / 60], 1e-12);
  });

  test("a box: the clipped unconstrained minimum of a separable quadratic, multipliers = |gradient| on the active bounds", () => {
    const r = optim.solveQP({ n: 3, Q: F(1, 0, 0, 0, 1, 0, 0, 0, 1), q: F(-2, 0.5, 0), lo: F(-1, -1, -1), hi: F(1, 1, 1) });
    close(r.x, [1, -0.5, 0], 1e-14);
    close(r.zHi, [1, 0, 0], 1e-13);
    close(r.zLo, [0, 0, 0], 1e-13);
  });

  test("a linear program (Q = 0) in a box ends at the vertex", () => {
    const r = optim.solveQP({ n: 2, Q: F(0, 0, 0, 0), q: F(1, -1), lo: F(0, 0), hi: F(1, 2) });
    close(r.x, [0, 2], 1e-14);
    expect(r.success).toBe(true);
  });

  test("degenerate: duplicated inequality rows, a fixed variable (lo = hi)", () => {
    const dup = optim.solveQP({ n: 2, Q: F(1, 0, 0, 1), q: F(-1, -1), G: F(1, 1, 1, 1, 2, 2), h: F(1, 1, 2) });
    expect(dup.status).toBe("optimal");
    close(dup.x, [0.5, 0.5], 1e-9);
    close([dup.z[0]! + dup.z[1]! + 2 * dup.z[2]!], [0.5], 1e-9);
    const fixed = optim.solveQP({ n: 2, Q: F(1, 0, 0, 1), q: F(-1, -1), lo: F(0.25, -Infinity), hi: F(0.25, Infinity) });
    close(fixed.x, [0.25, 1], 1e-9);
    expect(kktViolation({ n: 2, Q: F(1, 0, 0, 1), q: F(-1, -1), lo: F(0.25, -Infinity), hi: F(0.25, Infinity) }, fixed)).toBeLessThan(1e-9);
  });
});

describe("solveQP against scipy (trust-constr, then an exact KKT solve on its active set)", () => {
  for (const c of fixture.cases) {
    test(`${c.name}: ${c.active} active`, () => {
      const p: DenseQP = { n: c.n, Q: fromJson(c.Q, 0), q: fromJson(c.q, 0), lo: fromJson(c.lo, -Infinity), hi: fromJson(c.hi, Infinity) };
      if (c.b.length) Object.assign(p, { A: fromJson(c.A, 0), b: fromJson(c.b, 0) });
      if (c.h.length) Object.assign(p, { G: fromJson(c.G, 0), h: fromJson(c.h, 0) });
      const r = optim.solveQP(p);
      expect(r.status).toBe("optimal");
      close(r.x, fromJson(c.x, 0), 1e-11);
      expect(kktViolation(p, r)).toBeLessThan(1e-12);
      expect(r.iterations).toBeLessThan(30);
    });
  }
});

/** A random QP feasible at a random x₀ in the box; Q = MMᵀ of rank `rank`. */
function randomQP(seed: number, rank: (n: number) => number): DenseQP {
  const u = uniformFrom(seed);
  const n = 2 + Math.floor(u() * 12), me = Math.floor(u() * Math.min(3, n)), mi = Math.floor(u() * 2 * n);
  const rand = (k: number) => Float64Array.from({ length: k }, () => 2 * u() - 1);
  const M = rand(n * n), x0 = rand(n);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < rank(n); k++) Q[i * n + j] = Q[i * n + j]! + M[i * n + k]! * M[j * n + k]!;
  const A = rand(me * n), G = rand(mi * n);
  const at = (Mx: Float64Array, r: number) => x0.reduce((a, v, j) => a + Mx[r * n + j]! * v, 0);
  return {
    n, Q, q: rand(n), lo: new Float64Array(n).fill(-2), hi: new Float64Array(n).fill(2),
    ...(me ? { A, b: Float64Array.from({ length: me }, (_, r) => at(A, r)) } : {}),
    ...(mi ? { G, h: Float64Array.from({ length: mi }, (_, r) => at(G, r) + 0.3 * u()) } : {}),
  };
}

describe("solveQP on random feasible QPs (fixed seeds): the KKT conditions hold", () => {
  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
    test(`seed ${seed}${seed % 2 ? ", Q rank-deficient" : ""}`, () => {
      const p = randomQP(seed, (n) => (seed % 2 ? Math.max(1, n - 2) : n));
      const r = optim.solveQP(p);
      expect(r.status).toBe("optimal");
      expect(kktViolation(p, r)).toBeLessThan(1e-9);
    });
  }

  test("300 seeds, Q of full and of half rank: every one optimal within 20 iterations", () => {
    let worst = 0, most = 0;
    for (let seed = 1000; seed < 1300; seed++) {
      const p = randomQP(seed, (n) => (seed % 2 ? n : Math.ceil(n / 2)));
      const r = optim.solveQP(p);
      expect(r.status, `seed ${seed}: ${r.message}`).toBe("optimal");
      worst = Math.max(worst, kktViolation(p, r));
      most = Math.max(most, r.iterations);
    }
    expect(worst).toBeLessThan(1e-9);
    expect(most).toBeLessThanOrEqual(20);
  });
});

describe("solveQP without a solution: a status and a message, never success", () => {
  test("infeasible: x ≤ 0 and x ≥ 1 (as rows of G, and as a row and a bound)", () => {
    for (const p of [
      { n: 1, Q: F(1), q: F(0), G: F(1, -1), h: F(0, -1) },
      { n: 1, Q: F(1), q: F(0), G: F(1), h: F(0), lo: F(1) },
    ]) {
      const r = optim.solveQP(p);
      expect(r).toMatchObject({ status: "infeasible", success: false });
      expect(r.message).toMatch(/infeasible/);
    }
  });

  test("infeasible: inconsistent equalities (x₀ − x₁ = 0.3 and 2x₀ − 2x₁ = 0.7)", () => {
    const r = optim.solveQP({ n: 2, Q: F(2, 1, 1, 2), q: F(-1, -1), A: F(1, -1, 2, -2), b: F(0.3, 0.7) });
    expect(r).toMatchObject({ status: "infeasible", success: false });
  });

  test("unbounded: a direction of zero curvature along which q descends, with and without constraints", () => {
    const free = optim.solveQP({ n: 2, Q: F(1, 0, 0, 0), q: F(0, -1) });
    expect(free).toMatchObject({ status: "unbounded", success: false });
    expect(free.message).toMatch(/unbounded/);
    const boxed = optim.solveQP({ n: 2, Q: F(1, 0, 0, 0), q: F(0, -1), G: F(1, 0), h: F(3), lo: F(-1, 0) });
    expect(boxed).toMatchObject({ status: "unbounded", success: false });
    // The same ray closed off by an upper bound: a solution again.
    const closed = optim.solveQP({ n: 2, Q: F(1, 0, 0, 0), q: F(0, -1), G: F(1, 0), h: F(3), lo: F(-1, 0), hi: F(Infinity, 5) });
    expect(closed.status).toBe("optimal");
    close(closed.x, [0, 5], 1e-12);
  });

  test("maxIter: the budget ends the run with that status", () => {
    const r = optim.solveQP({ n: 2, Q: F(1, 0, 0, 1), q: F(-1, -1), G: F(1, 1), h: F(1) }, { maxIter: 1 });
    expect(r).toMatchObject({ status: "maxIter", success: false, iterations: 1 });
  });
});

type Regression = (typeof fixture.regressions)[number];

/** The KKT violation relative to the size of the solution's terms (x may be ~1e7 here). */
const relativeKKT = (p: DenseQP, r: QPSolution) => kktViolation(p, r) / (1 + Math.max(...r.x.map(Math.abs)));

describe("solveQP regressions from minimize's slsqp (nearly singular, badly scaled subproblems)", () => {
  test("a positive definite Q is never 'unbounded': Q = diag(6.4e-5, 1), a far inactive row; x = −q/Q₀₀ = (−15625, 0)", () => {
    const p: DenseQP = { n: 2, Q: F(6.4e-5, 0, 0, 1), q: F(1, 0), G: F(1, -1), h: F(3907) };
    // Was "unbounded" at iteration 0: the step (−1, 0) has curvature 6.4e-5, below 1e-7·3907.
    for (const problem of [p, { ...p, lo: F(-3.9e6, -3.9e6), hi: F(3.9e6, 3.9e6) }]) {
      const r = optim.solveQP(problem);
      expect(r.status, r.message).toBe("optimal");
      close(r.x, [-15625, 0], 1e-12);
      close(r.z, [0], 1e-12);
      expect(kktViolation(problem, r)).toBeLessThan(1e-9);
      expect(r.iterations).toBeLessThan(20);
    }
  });

  test("a zero-curvature descent ray is still 'unbounded' when Q is only semidefinite", () => {
    const r = optim.solveQP({ n: 2, Q: F(0, 0, 0, 1), q: F(1, 0), G: F(1, -1), h: F(3907) });
    expect(r.status).toBe("unbounded");
  });

  const [stall, flat] = fixture.regressions as [Regression, Regression];
  const qpOf = (c: Regression): DenseQP => ({ n: c.n, Q: F(...c.Q), q: F(...c.q), A: F(...c.A), b: F(...c.b) });

  test("tol 1e-12 is reached when x is large along a row of A that cancels (was maxIter at 9e-12); tol below 1e-14 is raised to it", () => {
    const p = qpOf(stall);
    for (const tol of [1e-12, 1e-16]) {
      const r = optim.solveQP(p, { tol });
      expect(r.status, r.message).toBe("optimal");
      // Against the exact rational solution of the KKT system (test/fixtures/qp-scipy.py).
      close(r.x.map((v) => v / 22876.96), stall.x.map((v) => v / 22876.96), 1e-12);
      close(r.y, stall.y, 1e-11);
      expect(relativeKKT(p, r)).toBeLessThan(1e-14);
    }
  });

  test("a nearly flat feasible line (curvature 5e-8 along A's null space) is solved, boxed or not (was 'unbounded', then 'nonFinite')", () => {
    const p = qpOf(flat);
    const box = 17871306924.287426;
    for (const problem of [p, { ...p, lo: F(-box, -box), hi: F(box, box) }]) {
      const r = optim.solveQP(problem);
      expect(r.status, r.message).toBe("optimal");
      // The KKT matrix's condition number is ~4e7: x to ~1e-8 relative is what float64 allows.
      close(r.x.map((v) => v / 7.15e7), flat.x.map((v) => v / 7.15e7), 1e-8);
      close(r.y, flat.y, 1e-8);
      expect(relativeKKT(problem, r)).toBeLessThan(1e-12);
    }
  });

  test("B = 0.28·[[1, −1], [−1, 1]] + ε·I with x₀ = x₁: the objective on the line is εt² + (q₀ + q₁)t, t* = 5", () => {
    // The δ = 1e-10 regularization of the KKT matrix used to swamp ε (x came out 0.195 at ε = 1e-12).
    for (const [eps, accuracy] of [[1e-12, 1e-3], [1e-9, 1e-6]] as const) {
      const p: DenseQP = { n: 2, Q: F(0.28 + eps, -0.28, -0.28, 0.28 + eps), q: F(1 - 10 * eps, -1), A: F(1, -1), b: F(0) };
      // Both sums below are exact in float64 (Sterbenz), so t* is the data's own minimizer.
      const t = -(p.q[0]! + p.q[1]!) / (2 * (p.Q[0]! + p.Q[1]!));
      const r = optim.solveQP(p);
      expect(r.status, r.message).toBe("optimal");
      close(r.x, [t, t], accuracy);
      expect(kktViolation(p, r)).toBeLessThan(1e-12);
      // q along the null direction (1, −1), removed by the constraint: x = 0, y = −1.
      const level = optim.solveQP({ ...p, q: F(1, -1) });
      expect(level.status).toBe("optimal");
      close(level.x, [0, 0], 1e-9);
      close(level.y, [-1], 1e-9);
    }
  });
});

describe("solveQP: bad input throws one line naming the argument", () => {
  const base = { n: 2, Q: F(1, 0, 0, 1), q: F(1, 1) };
  test.each([
    [{ ...base, Q: F(1, 0, 0) }, "solveQP: Q must have 4 entries, got 3"],
    [{ ...base, q: F(1, NaN) }, "solveQP: q[1] must be finite, got NaN"],
    [{ ...base, Q: F(1, 0.5, 0, 1) }, "solveQP: Q must be symmetric, got Q[0,1] = 0.5 and Q[1,0] = 0"],
    [{ ...base, A: F(1, 1) }, "solveQP: A and b must be given together, got only A"],
    [{ ...base, G: F(1, 1, 1), h: F(1, 2) }, "solveQP: G must have 4 entries, got 3"],
    [{ ...base, lo: F(1, 0), hi: F(0, 1) }, "solveQP: bounds must have lo ≤ hi with lo < ∞ and hi > −∞, got lo[0] = 1, hi[0] = 0"],
    [{ ...base, n: 0 }, "solveQP: n must be a positive integer, got 0"],
    [{ ...base, c: F(1) }, 'solveQP: unknown option "c" (options: n, Q, q, A, b, G, h, lo, hi)'],
  ])("%#", (p, message) => {
    expect(errorOf(() => optim.solveQP(p as DenseQP))).toBe(message);
  });

  test("options", () => {
    expect(errorOf(() => optim.solveQP(base, { tol: -1 }))).toBe("solveQP: tol must be a positive number, got -1");
    expect(errorOf(() => optim.solveQP(base, { maxiter: 5 } as never))).toBe('solveQP: unknown option "maxiter" (options: tol, maxIter)');
  });
});
