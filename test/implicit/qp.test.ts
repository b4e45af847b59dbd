import { describe, expect, test } from "vitest";
import { grad, implicit, jit, jvp, linalg, np, vmap, type Array } from "nabla";
import fixture from "../fixtures/qp-scipy.json" with { type: "json" };
import { errorOf, uniformFrom } from "../helpers.js";

type Data = { Q: Array; q: Array; A?: Array; b?: Array; G?: Array; h?: Array; lo?: Array; hi?: Array };

/** x of the QP as a function of the data (bounds as Arrays so they can carry tangents). */
const solveX = (d: Data) =>
  implicit.qp(d.Q, d.q, {
    ...(d.A ? { A: d.A, b: d.b } : {}),
    ...(d.G ? { G: d.G, h: d.h } : {}),
    ...(d.lo || d.hi ? { bounds: [d.lo ?? -Infinity, d.hi ?? Infinity] as const } : {}),
  }).x;

const vec = (a: Array): number[] => globalThis.Array.from(a.toFloat64Array());
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** A seeded direction with a's shape (symmetric for the square Q, which the QP only sees through ½(Q + Qᵀ)). */
function direction(a: Array, u: () => number, symmetric: boolean): Array {
  const v = np.array(Float64Array.from({ length: a.size }, () => 2 * u() - 1)).reshape(a.shape);
  return symmetric ? np.add(v, np.transpose(v)).mul(0.5) : v;
}

/**
 * For each datum: the JVP of x against a central difference (h = 1e-6) along a seeded
 * direction, and the reverse-mode gradient of wᵀx paired with that direction against wᵀ·JVP.
 */
function checkDerivatives(d: Data, seed: number, tol = 1e-6): void {
  const u = uniformFrom(seed);
  const x0 = vec(solveX(d));
  const w = np.array(Float64Array.from(x0, () => 2 * u() - 1));
  for (const key of Object.keys(d) as (keyof Data)[]) {
    const a = d[key]!;
    const v = direction(a, u, key === "Q");
    const at = (t: Array) => solveX({ ...d, [key]: t });
    const [, dx] = jvp(at, [a], [v]);
    const eps = 1e-6;
    const minus = vec(at(a.sub(v.mul(eps))));
    const fd = vec(at(a.add(v.mul(eps)))).map((p, i) => (p - minus[i]!) / (2 * eps));
    expect(maxDiff(vec(dx), fd), `∂x/∂${key}: jvp ${vec(dx)} vs finite differences ${fd}`).toBeLessThan(tol * Math.max(1, ...fd.map(Math.abs)));
    const g = grad((t: Array) => np.sum(np.mul(w, at(t))))(a);
    const paired = np.sum(np.mul(g, v)).item() as number;
    const expected = np.sum(np.mul(w, dx)).item() as number;
    expect(Math.abs(paired - expected), `∂(wᵀx)/∂${key}: vjp ${paired} vs jvp ${expected}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
  }
}

const fromJson = (v: (number | null)[], inf: number) => Float64Array.from(v, (t) => (t === null ? inf : t));

function fixtureData(c: (typeof fixture.cases)[number]): Data {
  const m = (v: (number | null)[], cols: number) => np.array(fromJson(v, 0)).reshape([v.length / cols, cols]);
  const d: Data = { Q: m(c.Q, c.n), q: np.array(fromJson(c.q, 0)) };
  if (c.b.length) Object.assign(d, { A: m(c.A, c.n), b: np.array(fromJson(c.b, 0)) });
  if (c.h.length) Object.assign(d, { G: m(c.G, c.n), h: np.array(fromJson(c.h, 0)) });
  // The fixtures' bounds are finite on alternate entries: ±Infinity elsewhere exercises the free sides.
  if (c.lo.some((t) => t !== null)) d.lo = np.array(fromJson(c.lo, -Infinity));
  if (c.hi.some((t) => t !== null)) d.hi = np.array(fromJson(c.hi, Infinity));
  return d;
}

describe("implicit.qp: values", () => {
  test("the TSDoc example: x = [h/2, h/2] for h < 2, so ∂(x₀ + x₁)/∂h = 1 (closed form)", () => {
    const r = implicit.qp(np.eye(2), np.array([-1, -1]), { G: np.array([[1, 1]]), h: np.array([1]) });
    expect(r).toMatchObject({ status: "optimal", success: true, message: "optimal" });
    expect(vec(r.x)).toEqual([0.5, 0.5]);
    expect(vec(r.z)).toEqual([0.5]);
    const g = grad((h: Array) => implicit.qp(np.eye(2), np.array([-1, -1]), { G: np.array([[1, 1]]), h }).x.sum())(np.array([1]));
    expect(Math.abs(g.toFloat64Array()[0]! - 1)).toBeLessThan(1e-12);
  });

  test("bounds as numbers: x = clip(−q, −1, 1), ∂x/∂q = −1 on the free entries and 0 on the clipped one", () => {
    const r = implicit.qp(np.eye(3), np.array([-2, 0.5, 0]), { bounds: [-1, 1] });
    expect(vec(r.x)).toEqual([1, -0.5, 0]);
    expect(vec(r.zHi)).toEqual([1, 0, 0]);
    const g = grad((q: Array) => implicit.qp(np.eye(3), q, { bounds: [-1, 1] }).x.sum())(np.array([-2, 0.5, 0]));
    expect(maxDiff(vec(g), [0, -1, -1])).toBeLessThan(1e-12);
  });

  for (const c of fixture.cases) {
    test(`scipy ${c.name}: x, and the derivatives in every datum against finite differences (${c.active} active)`, () => {
      const d = fixtureData(c);
      expect(maxDiff(vec(solveX(d)), globalThis.Array.from(fromJson(c.x, 0)))).toBeLessThan(1e-10);
      checkDerivatives(d, c.n);
    });
  }
});

describe("implicit.qp: derivatives on random QPs (fixed seeds), some inequalities active and some not", () => {
  for (const seed of [101, 102, 103]) {
    test(`seed ${seed}`, () => {
      const u = uniformFrom(seed);
      const n = 4 + (seed % 3), mi = 2 * n, me = 1;
      const rand = (...shape: number[]) => np.array(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * u() - 1)).reshape(shape);
      const M = rand(n, n), x0 = rand(n), A = rand(me, n), G = rand(mi, n);
      const Q = np.add(np.matmul(M, np.transpose(M)), np.eye(n).mul(0.1));
      const h = np.add(np.matmul(G, x0), rand(mi).mul(0.25).add(0.25));
      const d: Data = { Q, q: rand(n).mul(3), A, b: np.matmul(A, x0), G, h, lo: np.full([n], -1.5), hi: np.full([n], 1.5) };
      const r = implicit.qp(d.Q, d.q, { A: d.A, b: d.b, G: d.G, h: d.h, bounds: [d.lo!, d.hi!] });
      const active = vec(r.z).filter((z) => z > 1e-8).length;
      expect(active).toBeGreaterThan(0);
      expect(active).toBeLessThan(mi);
      checkDerivatives(d, seed);
    });
  }
});

describe("implicit.qp against other routes to the same derivative", () => {
  const Q = np.array([[3, 1, 0], [1, 2, 0.5], [0, 0.5, 1]]);
  const q = np.array([-1, 0.5, 2]);
  const A = np.array([[1, 1, 1]]);
  const b = np.array([0.3]);

  test("no inequality active: implicit.argmin of the same objective gives the same x and the same gradients in Q and q", () => {
    const G = np.array([[1, 0, 0], [0, -1, 1]]);
    const h = np.array([10, 10]);
    const viaQP = (Qm: Array, qv: Array) => implicit.qp(Qm, qv, { G, h, bounds: [-100, 100] }).x;
    const objective = (x: Array, Qm: Array, qv: Array) => np.sum(np.mul(x, np.matmul(Qm, x))).mul(0.5).add(np.sum(np.mul(qv, x)));
    const viaArgmin = (Qm: Array, qv: Array) => implicit.argmin(objective)(np.zeros([3]), Qm, qv).x;
    expect(maxDiff(vec(viaQP(Q, q)), vec(viaArgmin(Q, q)))).toBeLessThan(1e-9);
    const w = np.array([0.7, -0.2, 1.1]);
    for (const arg of [0, 1] as const) {
      const gq = grad((Qm: Array, qv: Array) => np.sum(np.mul(w, viaQP(Qm, qv))), { argnums: arg })(Q, q) as Array;
      const ga = grad((Qm: Array, qv: Array) => np.sum(np.mul(w, viaArgmin(Qm, qv))), { argnums: arg })(Q, q) as Array;
      // ∂/∂Q: argmin's objective sees Q itself, the QP its symmetric part; compare the symmetric parts.
      const sym = (g: Array) => (arg === 0 ? vec(np.add(g, np.transpose(g)).mul(0.5)) : vec(g));
      expect(maxDiff(sym(gq), sym(ga))).toBeLessThan(1e-8);
    }
  });

  test("equality constraints only: the closed-form KKT solve [Q Aᵀ; A 0]⁻¹[−q; b], differentiated by autodiff, agrees", () => {
    const closed = (Qm: Array, qv: Array, Am: Array, bv: Array) => {
      const K = np.concatenate([np.concatenate([Qm, np.transpose(Am)], { axis: 1 }), np.concatenate([Am, np.zeros([1, 1])], { axis: 1 })], { axis: 0 });
      return np.take(linalg.solve(K, np.concatenate([np.neg(qv), bv])), [0, 1, 2]);
    };
    const viaQP = (Qm: Array, qv: Array, Am: Array, bv: Array) => implicit.qp(Qm, qv, { A: Am, b: bv }).x;
    expect(maxDiff(vec(viaQP(Q, q, A, b)), vec(closed(Q, q, A, b)))).toBeLessThan(1e-13);
    const w = np.array([1, -2, 0.5]);
    for (const arg of [0, 1, 2, 3]) {
      const g1 = grad((...a: Array[]) => np.sum(np.mul(w, viaQP(a[0]!, a[1]!, a[2]!, a[3]!))), { argnums: arg })(Q, q, A, b) as Array;
      const g2 = grad((...a: Array[]) => np.sum(np.mul(w, closed(a[0]!, a[1]!, a[2]!, a[3]!))), { argnums: arg })(Q, q, A, b) as Array;
      const sym = (g: Array) => (arg === 0 ? vec(np.add(g, np.transpose(g)).mul(0.5)) : vec(g));
      expect(maxDiff(sym(g1), sym(g2)), `argument ${arg}`).toBeLessThan(1e-12);
    }
  });
});

describe("implicit.qp under jit and vmap", () => {
  test("x as eager (h/2 per entry); the record's status is \"unknown\" inside the trace", () => {
    const statuses: string[] = [];
    const f = (h: Array) => {
      const r = implicit.qp(np.eye(2), np.array([-1, -1]), { G: np.array([[1, 1]]), h });
      statuses.push(r.status);
      return r.x;
    };
    expect(vec(jit(f)(np.array([1])))).toEqual([0.5, 0.5]);
    expect(vec(vmap(f)(np.array([[1], [0.5]])))).toEqual([0.5, 0.5, 0.25, 0.25]);
    expect(vec(jit(grad((h: Array) => f(h).sum()))(np.array([0.5])))).toEqual([1]);
    expect(statuses).toContain("unknown");
  });
});

describe("implicit.qp without a solution", () => {
  test("infeasible (x ≤ 0 and x ≥ 1): status, success false, x NaN, and a derivative is refused", () => {
    const run = (h: Array) => implicit.qp(np.eye(1), np.array([0]), { G: np.array([[1], [-1]]), h });
    const r = run(np.array([0, -1]));
    expect(r).toMatchObject({ status: "infeasible", success: false });
    expect(r.message).toMatch(/infeasible/);
    expect(Number.isNaN(vec(r.x)[0])).toBe(true);
    expect(errorOf(() => grad((h: Array) => run(h).x.sum())(np.array([0, -1])))).toMatch(/implicit\.customRoot/);
  });

  test("unbounded (zero curvature along x₁, q descending along it, no constraint)", () => {
    const r = implicit.qp(np.array([[1, 0], [0, 0]]), np.array([0, -1]));
    expect(r).toMatchObject({ status: "unbounded", success: false });
    expect(r.message).toMatch(/unbounded/);
  });
});

describe("implicit.qp: bad input", () => {
  const Q = np.eye(2), q = np.array([1, 1]);
  test.each([
    [() => implicit.qp(np.eye(3), q), "implicit.qp: Q must have shape [2, 2], got [3, 3]"],
    [() => implicit.qp(Q, q, { A: np.array([[1, 1]]) }), "implicit.qp: A and b must be given together"],
    [() => implicit.qp(Q, q, { G: np.array([[1, 1, 1]]), h: np.array([1]) }), "implicit.qp: G must have shape [1, 2], got [1, 3]"],
    [() => implicit.qp(Q, q, { bounds: [0, np.array([1, 2, 3])] }), "implicit.qp: bounds[1] must have shape [2], got [3]"],
    [() => implicit.qp(np.array([[1, 2], [0, 1]]), q), "implicit.qp: Q must be symmetric, got Q[0,1] = 2 and Q[1,0] = 0"],
    [() => implicit.qp(Q, np.array([1, NaN])), "implicit.qp: q[1] must be finite, got NaN"],
    [() => implicit.qp(Q, q, { C: Q } as never), 'implicit.qp: unknown constraint "C" (constraints: A, b, G, h, bounds)'],
    [() => implicit.qp(Q, q, {}, { tolerance: 1 } as never), 'implicit.qp: unknown option "tolerance" (options: tol, maxIter, ridge)'],
  ])("%#", (call, message) => {
    expect(errorOf(call)).toBe(message);
  });
});
