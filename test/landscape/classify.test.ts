// classifyPoint: critical points and their kind on closed forms, judged relative to the
// function's own scale (the same answer for c·f at any c, and for f(x/s) at s·x).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyPoint, landscape, np, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";

const x = (v: Array) => v.slice(0);
const y = (v: Array) => v.slice(1);
/** x³ − 3x + y²: ∇f = (3x² − 3, 2y) vanishes at (±1, 0); H = diag(6x, 2). */
const cubic = (v: Array) => x(v).pow(3).sub(x(v).mul(3)).add(y(v).square());
/** x² − y²: a saddle at 0 with H = diag(2, −2). */
const saddle = (v: Array) => x(v).square().sub(y(v).square());
/** (x − 3)² + (y − 3)²: a minimum at (3, 3), H = 2I. */
const bowl = (v: Array) => x(v).sub(3).square().add(y(v).sub(3).square());
const scaled = (c: number, f: (v: Array) => Array) => (v: Array) => f(v).mul(c);
const at = (...p: number[]) => np.array(p);

describe("classifyPoint on closed forms", () => {
  it("x³ − 3x + y²: a minimum at (1, 0), a saddle at (−1, 0), with the exact Hessian spectrum", () => {
    const min = classifyPoint(cubic, at(1, 0));
    expect(min).toMatchObject({ kind: "minimum", critical: true, value: -2, gradNorm: 0, eigenvalues: [2, 6], condition: 3 });
    expect(min.inertia).toEqual({ negative: 0, zero: 0, positive: 2 });
    const sad = classifyPoint(cubic, at(-1, 0));
    expect(sad).toMatchObject({ kind: "saddle", critical: true, value: 2, eigenvalues: [-6, 2], hessianNorm: 6, xNorm: 1 });
    expect(sad.inertia).toEqual({ negative: 1, zero: 0, positive: 1 });
    // gtol·‖H‖·‖x‖ = 1e-8·6·1 and eigtol·max|λ| = 1e-8·6.
    expect(sad.tolerances.grad).toBeCloseTo(6e-8, 20);
    expect(sad.tolerances.eigenvalue).toBeCloseTo(6e-8, 20);
    expect(sad.hessian!.toArray()).toEqual([[-6, 0], [0, 2]]);
    expect(sad.message).toMatch(/^a saddle point: .*both signs/);
  });

  it("a maximum, degenerate points, and points that are not critical", () => {
    expect(classifyPoint((v: Array) => v.square().sum().neg(), at(0, 0))).toMatchObject({ kind: "maximum", eigenvalues: [-2, -2] });
    // x⁴ + y²: H = diag(0, 2), one zero eigenvalue; x⁴ + y⁴, x³ + y³ and −x⁴ − y⁴: H = 0.
    const flat = classifyPoint((v: Array) => x(v).pow(4).add(y(v).square()), at(0, 0));
    expect(flat).toMatchObject({ kind: "degenerate", condition: Infinity, inertia: { negative: 0, zero: 1, positive: 1 } });
    for (const p of [4, 3]) {
      expect(classifyPoint((v: Array) => v.pow(p).sum(), at(0, 0)).kind, `power ${p}`).toBe("degenerate");
      expect(classifyPoint((v: Array) => v.pow(p).sum().neg(), at(0, 0)).kind, `−power ${p}`).toBe("degenerate");
    }
    // A zero eigenvalue beside both signs is still a saddle: x² − y² + z⁴.
    const three = classifyPoint((v: Array) => saddle(v).add(v.slice(2).pow(4)), at(0, 0, 0));
    expect(three).toMatchObject({ kind: "saddle", inertia: { negative: 1, zero: 1, positive: 1 } });
    // ½(x² + 10y²) at (1, 1): ∇f = (1, 10).
    const slope = classifyPoint((v: Array) => x(v).square().add(y(v).square().mul(10)).mul(0.5), at(1, 1));
    expect(slope).toMatchObject({ kind: "notCritical", critical: false });
    expect(slope.message).toMatch(/^not a critical point: ‖∇f‖ = 10.0 > /);
  });

  it("the issue's cases: 1e-10·((x−3)² + (y−3)²) at (1, 1) is not critical, 1e-9·(x² − y²) at 0 is a saddle", () => {
    // ∇f = −4e-10·(1, 1) is the whole slope of a tiny function, not rounding noise.
    expect(classifyPoint(scaled(1e-10, bowl), at(1, 1))).toMatchObject({ kind: "notCritical", critical: false });
    expect(classifyPoint(scaled(1e-10, bowl), at(3, 3))).toMatchObject({ kind: "minimum", eigenvalues: [2e-10, 2e-10] });
    // ±2e-9 are the curvatures of a saddle, not zeros.
    expect(classifyPoint(scaled(1e-9, saddle), at(0, 0))).toMatchObject({ kind: "saddle", eigenvalues: [-2e-9, 2e-9] });
  });

  it("is scale-free: c·f has f's kind for c from 1e-300 to 1e300 (Hessians scaled before eigh)", () => {
    const cases: [string, (v: Array) => Array, Array, string][] = [
      ["bowl at (1, 1)", bowl, at(1, 1), "notCritical"],
      ["bowl at (3, 3)", bowl, at(3, 3), "minimum"],
      ["saddle at 0", saddle, at(0, 0), "saddle"],
      ["cubic at (−1, 0)", cubic, at(-1, 0), "saddle"],
      ["−bowl at (3, 3)", (v) => bowl(v).neg(), at(3, 3), "maximum"],
    ];
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), fc.constantFrom(...cases), (e, [name, f, p, kind]) => {
        const c = Number(`1e${e}`);
        const r = classifyPoint(scaled(c, f), p);
        expect(r.kind, `${c}·${name}`).toBe(kind);
        if (r.critical) for (const l of r.eigenvalues) expect(Math.abs(l) / c).toBeGreaterThan(1);
      }),
      { numRuns: runs(60) },
    );
  });

  it("is unchanged when x is rescaled: f(x/s) at s·x has f's kind at x", () => {
    fc.assert(
      fc.property(fc.integer({ min: -150, max: 150 }), (e) => {
        const s = Number(`1e${e}`);
        const g = (v: Array) => bowl(v.div(s));
        expect(classifyPoint(g, at(s, s)).kind, `s = ${s}`).toBe("notCritical");
        expect(classifyPoint(g, at(3 * s, 3 * s)).kind, `s = ${s}`).toBe("minimum");
      }),
      { numRuns: runs(40) },
    );
  });

  it("tolerances are relative and can be set: a curvature 1e-9 of the largest is zero at 1e-8, not at 1e-10", () => {
    const f = (v: Array) => x(v).square().add(y(v).square().mul(1e-9));
    expect(classifyPoint(f, at(0, 0)).kind).toBe("degenerate");
    expect(classifyPoint(f, at(0, 0), { eigtol: 1e-10 }).kind).toBe("minimum");
    // (x − 1)² at x = 1 + 1e-7: ‖∇f‖ = 2e-7 against gtol·‖H‖·‖x‖ ≈ gtol·2: too large for
    // gtol = 1e-8, small enough for 1e-6; at 1 + 1e-9 (‖∇f‖ = 2e-9) already for 1e-8.
    const near = (v: Array) => v.sub(1).square().sum();
    expect(classifyPoint(near, at(1 + 1e-7)).kind).toBe("notCritical");
    expect(classifyPoint(near, at(1 + 1e-7), { gtol: 1e-6 }).kind).toBe("minimum");
    expect(classifyPoint(near, at(1 + 1e-9)).kind).toBe("minimum");
  });

  it("takes any pytree, and Lanczos on Hessian-vector products agrees with the dense spectrum", () => {
    const f = (p: { a: Array; b: Array }) => x(p.a).square().sub(y(p.a).square()).add(p.b.sub(1).square().mul(3));
    const p = { a: np.array([0, 0]), b: np.array(1) };
    const dense = classifyPoint(f, p);
    expect(dense).toMatchObject({ kind: "saddle", eigenvalues: [-2, 2, 6] });
    expect(dense.grad.b.shape).toEqual([]);
    const lanczos = classifyPoint(f, p, { method: "lanczos" });
    expect(lanczos).toMatchObject({ kind: "saddle", method: "lanczos", hessian: null, inertia: null, condition: NaN });
    expect(lanczos.eigenvalues[0]).toBeCloseTo(-2, 10);
    expect(lanczos.eigenvalues[1]).toBeCloseTo(6, 10);
    const min = classifyPoint(bowl, at(3, 3), { method: "lanczos" });
    expect(min.kind).toBe("minimum");
    expect(min.condition).toBeCloseTo(1, 10);
    expect(classifyPoint((v: Array) => v.square().sum(), at(0), { method: "lanczos" }).kind).toBe("minimum");
  });

  it("reports a non-finite point, and rejects bad arguments with one line naming them", () => {
    const r = classifyPoint((v: Array) => np.log(v).sum(), at(-1));
    expect(r).toMatchObject({ kind: "nonFinite", critical: false, eigenvalues: [] });
    expect(r.hessian).not.toBeNull();
    expect(errorOf(() => classifyPoint(bowl, at(1, 1), { gtol: -1 }))).toBe("classifyPoint: gtol must be a number in [0, 1), got -1");
    expect(errorOf(() => classifyPoint(bowl, at(1, 1), { eigtol: NaN }))).toBe("classifyPoint: eigtol must be a number in [0, 1), got NaN");
    expect(errorOf(() => classifyPoint(bowl, at(1, 1), { method: "qr" as "dense" }))).toBe('classifyPoint: method must be "dense" or "lanczos", got "qr"');
    expect(errorOf(() => classifyPoint(bowl, np.array([], { dtype: "float64" })))).toBe("classifyPoint: x has no elements");
    expect(errorOf(() => classifyPoint(3 as unknown as typeof bowl, at(1)))).toBe("classifyPoint: f must be a function, got number");
  });

  it("is public as landscape.classifyPoint too, and its TSDoc example holds", () => {
    expect(landscape.classifyPoint).toBe(classifyPoint);
    expect(classifyPoint(cubic, np.array([-1, 0])).kind).toBe("saddle");
    expect(classifyPoint((v: Array) => cubic(v).mul(1e-10), np.array([1, 0])).kind).toBe("minimum");
  });
});
