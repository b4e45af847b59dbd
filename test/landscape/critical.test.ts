// classifyPoint's extended record: the Morse index, the plateau and valley flags, the
// option names gradTol/eigTol beside gtol/eigtol, and the scales xScale, hScale, fScale.
// (classify.test.ts covers the kinds, tolerances and scale-freedom it had before.)
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyPoint, np, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { runs } from "../setup.js";

const x = (v: Array) => v.slice(0);
const y = (v: Array) => v.slice(1);
const z = (v: Array) => v.slice(2);
const at = (...p: number[]) => np.array(p);
/** x³ − 3x + y²: a minimum at (1, 0), a saddle at (−1, 0). */
const cubic = (v: Array) => x(v).pow(3).sub(x(v).mul(3)).add(y(v).square());
/** x² + y⁴: ∇f = 0 and H = diag(2, 0) at the origin, which second derivatives cannot call a minimum. */
const quartic = (v: Array) => x(v).square().add(y(v).pow(4));

describe("classifyPoint: kind and index", () => {
  it("x² + y⁴ at the origin is degenerate, not a minimum: H = diag(2, 0), a valley along y", () => {
    const r = classifyPoint(quartic, at(0, 0));
    expect(r).toMatchObject({ kind: "degenerate", critical: true, index: 0, eigenvalues: [0, 2], condition: Infinity, valley: true, plateau: false });
    expect(r.inertia).toEqual({ negative: 0, zero: 1, positive: 1 });
    expect(r.message).toMatch(/^a degenerate critical point: .*second-order information cannot tell/);
  });

  it("the index counts the negative eigenvalues: 0 at a minimum, 1 at a saddle, n at a maximum", () => {
    expect(classifyPoint(cubic, at(1, 0))).toMatchObject({ kind: "minimum", index: 0 });
    expect(classifyPoint(cubic, at(-1, 0))).toMatchObject({ kind: "saddle", index: 1 });
    const bowlDown = (v: Array) => v.square().sum().neg();
    expect(classifyPoint(bowlDown, at(0, 0, 0))).toMatchObject({ kind: "maximum", index: 3 });
    // x² − y² − z²: a saddle of index 2.
    expect(classifyPoint((v: Array) => x(v).square().sub(y(v).square()).sub(z(v).square()), at(0, 0, 0))).toMatchObject({ kind: "saddle", index: 2 });
    // Not critical: the kind keeps its spelling "notCritical", and the index is still the Hessian's.
    expect(classifyPoint(cubic, at(-1, 1))).toMatchObject({ kind: "notCritical", critical: false, index: 1 });
    // Not finite: no index.
    expect(classifyPoint((v: Array) => np.log(v).sum(), at(-1)).index).toBeNaN();
  });

  it("with Lanczos the index is known where the extremes settle it, NaN at a saddle", () => {
    const opts = { method: "lanczos" } as const;
    expect(classifyPoint((v: Array) => v.square().sum(), at(1e-3, 0, 0, 0), opts).kind).toBe("notCritical");
    expect(classifyPoint((v: Array) => v.square().sum(), at(0, 0, 0, 0), opts)).toMatchObject({ kind: "minimum", index: 0, valley: false });
    expect(classifyPoint((v: Array) => v.square().sum().neg(), at(0, 0, 0, 0), opts)).toMatchObject({ kind: "maximum", index: 4 });
    expect(classifyPoint(cubic, at(-1, 0), opts).index).toBeNaN();
  });
});

describe("classifyPoint: option names and scales", () => {
  it("gradTol and eigTol are gtol and eigtol under the issue's names; both names at once must agree", () => {
    const f = (v: Array) => x(v).square().add(y(v).square().mul(1e-9));
    expect(classifyPoint(f, at(0, 0), { eigTol: 1e-10 }).kind).toBe("minimum");
    expect(classifyPoint(f, at(0, 0), { eigtol: 1e-10 }).kind).toBe("minimum");
    expect(classifyPoint(f, at(0, 0), { eigTol: 1e-10, eigtol: 1e-10 }).kind).toBe("minimum");
    const near = (v: Array) => v.sub(1).square().sum();
    expect(classifyPoint(near, at(1 + 1e-7), { gradTol: 1e-6 })).toMatchObject({ kind: "minimum", tolerances: { gtol: 1e-6 } });
    expect(classifyPoint(near, at(1 + 1e-7), { gradTol: 1e-9 }).kind).toBe("notCritical");
    expect(errorOf(() => classifyPoint(near, at(1), { gtol: 1e-6, gradTol: 1e-7 }))).toBe("classifyPoint: gtol and gradTol are one option; got 0.000001 and 1e-7");
    expect(errorOf(() => classifyPoint(near, at(1), { eigTol: 2 }))).toBe("classifyPoint: eigTol must be a number in [0, 1), got 2");
    expect(errorOf(() => classifyPoint(near, at(1), { xScale: -1 }))).toBe("classifyPoint: xScale must be a finite number ≥ 0, got -1");
    expect(errorOf(() => classifyPoint(near, at(1), { fScale: Infinity }))).toBe("classifyPoint: fScale must be a finite number ≥ 0, got Infinity");
    expect(errorOf(() => classifyPoint(near, at(1), { plateauTol: 1 }))).toBe("classifyPoint: plateauTol must be a number in [0, 1), got 1");
  });

  it("xScale: a point 1e-17 from the saddle of x² − y² is that saddle to a problem of size 1, not to its own size", () => {
    const saddle = (v: Array) => x(v).square().sub(y(v).square());
    const p = at(1e-17, -1e-17);
    // ‖∇f‖ = 2√2·1e-17 against gtol·‖H‖·‖x‖ = 1e-8·2·√2·1e-17: a relative distance far from 0.
    expect(classifyPoint(saddle, p).kind).toBe("notCritical");
    const r = classifyPoint(saddle, p, { xScale: 1 });
    expect(r).toMatchObject({ kind: "saddle", index: 1 });
    expect(r.tolerances.grad).toBeCloseTo(2e-8, 20);
  });

  it("hScale: near the flat origin of x⁴ + y⁴ every eigenvalue is tiny, and only the region's Hessian scale calls them zero", () => {
    const f = (v: Array) => x(v).pow(4).add(y(v).pow(4));
    expect(classifyPoint(f, at(0, 0))).toMatchObject({ kind: "degenerate", plateau: true, valley: false });
    // At (1e-9, 1e-9): ‖∇f‖/‖H‖ = ‖x‖/3, critical to a problem of size 1; H = 1.2e-17·I is
    // well conditioned on its own scale.
    const p = at(1e-9, 1e-9);
    expect(classifyPoint(f, p, { xScale: 1 }).kind).toBe("minimum");
    // Against ‖H‖ ≈ 12 at distance 1 from the origin, 1.2e-17 is zero.
    expect(classifyPoint(f, p, { xScale: 1, hScale: 12 })).toMatchObject({ kind: "degenerate", inertia: { zero: 2 } });
  });
});

describe("classifyPoint: plateau and valley", () => {
  it("plateau: tanh far out is flat on f's scale, near 0 it is not; a tiny sigmoid tail is flat only on a given fScale", () => {
    const tanh = (v: Array) => np.tanh(v).sum();
    expect(classifyPoint(tanh, at(10))).toMatchObject({ kind: "notCritical", plateau: true });
    expect(classifyPoint(tanh, at(1)).plateau).toBe(false);
    // σ(x) at −20: f ≈ ∇f ≈ H ≈ 2e-9, all alike relative to |f|; against an f of scale 1, flat.
    const sigmoid = (v: Array) => np.div(1, np.add(1, np.exp(v.neg()))).sum();
    expect(classifyPoint(sigmoid, at(-20)).plateau).toBe(false);
    expect(classifyPoint(sigmoid, at(-20), { fScale: 1 }).plateau).toBe(true);
    // The test is ‖∇f‖·L + ½‖H‖·L² ≤ plateauTol·S: tanh at 5 passes at 1e-2, not at the default 1e-4.
    expect(classifyPoint(tanh, at(5)).plateau).toBe(false);
    expect(classifyPoint(tanh, at(5), { plateauTol: 1e-2 }).plateau).toBe(true);
    // A minimum with curvature is no plateau; x⁴ at 0 (f, ∇f and H all 0) is.
    expect(classifyPoint(quartic, at(0, 0)).plateau).toBe(false);
    expect(classifyPoint((v: Array) => v.pow(4).sum(), at(0)).plateau).toBe(true);
  });

  it("plateau is scale-free: c·tanh at 10 is a plateau for c from 1e-300 to 1e300", () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), (e) => {
        const c = Number(`1e${e}`);
        const r = classifyPoint((v: Array) => np.tanh(v).sum().mul(c), at(10));
        expect(r.plateau, `c = ${c}`).toBe(true);
        expect(classifyPoint((v: Array) => np.tanh(v).sum().mul(c), at(1)).plateau, `c = ${c}`).toBe(false);
      }),
      { numRuns: runs(40) },
    );
  });

  it("valley: one flat direction beside sharp upward ones; not when all are flat, or when some curve down", () => {
    expect(classifyPoint((v: Array) => x(v).square().add(y(v).square()).add(z(v).pow(4)), at(0, 0, 0))).toMatchObject({ kind: "degenerate", valley: true });
    // Two flat of three: more than half flat, no valley.
    expect(classifyPoint((v: Array) => x(v).square().add(y(v).pow(4)).add(z(v).pow(4)), at(0, 0, 0))).toMatchObject({ kind: "degenerate", valley: false });
    expect(classifyPoint((v: Array) => x(v).pow(4).add(y(v).pow(4)), at(0, 0)).valley).toBe(false);
    expect(classifyPoint((v: Array) => x(v).square().sub(y(v).square()).add(z(v).pow(4)), at(0, 0, 0))).toMatchObject({ kind: "saddle", valley: false });
    // −x² − y⁴: flat along y but curving down: a ridge, not a valley.
    expect(classifyPoint((v: Array) => quartic(v).neg(), at(0, 0))).toMatchObject({ kind: "degenerate", valley: false });
    // A valley floor away from the origin: x² + 0·y at (0, 3), ∇f = 0 and H = diag(2, 0).
    expect(classifyPoint((v: Array) => x(v).square().add(y(v).mul(0)), at(0, 3))).toMatchObject({ valley: true, kind: "degenerate" });
    expect(classifyPoint(quartic, at(0, 0), { method: "lanczos" }).valley).toBe(false);
  });
});
