// findCriticalPoints: multi-start Newton on ∇f = 0 in a box, merged and classified, against
// closed forms and against the six-hump camel's 15 critical points (computed exactly
// beforehand: see the comment on CAMEL).
import { describe, expect, it } from "vitest";
import { landscape, np, random, type Array } from "nabla";
import { errorOf, expectClose } from "../helpers.js";

const { findCriticalPoints } = landscape;
const x = (v: Array) => v.slice(0);
const y = (v: Array) => v.slice(1);
/** x³ − 3x + y²: ∇f = (3x² − 3, 2y) vanishes at (±1, 0): a minimum (f = −2) and a saddle (f = 2). */
const cubic = (v: Array) => x(v).pow(3).sub(x(v).mul(3)).add(y(v).square());

/** The six-hump camel: (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y², on its standard box [−3, 3]×[−2, 2]. */
function camel(v: Array): Array {
  const [x2, y2] = [x(v).square(), y(v).square()];
  return np.add(np.add(np.mul(np.add(np.sub(4, np.mul(2.1, x2)), np.div(x2.square(), 3)), x2), np.mul(x(v), y(v))), np.mul(np.add(-4, np.mul(4, y2)), y2));
}
const CAMEL_BOX: [number, number][] = [[-3, 3], [-2, 2]];

/**
 * The camel's critical points: ∂f/∂y = 0 gives x = 8y − 16y³, and ∂f/∂x = 0 then a
 * polynomial of degree 15 in y, whose 15 roots are all real and all inside the box
 * (sympy's nroots at 40 digits; kinds from numpy's eigvalsh of the exact Hessian).
 * By value: [x, y, f, kind].
 */
const CAMEL: [number, number, number, string][] = [
  [-0.08984201310031806, 0.7126564030207396, -1.0316284534898774, "minimum"],
  [0.08984201310031806, -0.7126564030207396, -1.0316284534898774, "minimum"],
  [-1.703606714969981, 0.7960835686726251, -0.21546382438371764, "minimum"],
  [1.703606714969981, -0.7960835686726251, -0.21546382438371764, "minimum"],
  [0, 0, 0, "saddle"],
  [-1.1092053368047865, 0.7682680925095399, 0.5437186009781851, "saddle"],
  [1.1092053368047865, -0.7682680925095399, 0.5437186009781851, "saddle"],
  [-1.6071047529201972, -0.5686514548841314, 2.1042503103112584, "minimum"],
  [1.6071047529201972, 0.5686514548841314, 2.1042503103112584, "minimum"],
  [-1.6380679841897785, -0.22867406904439408, 2.2293571975307147, "saddle"],
  [1.6380679841897785, 0.22867406904439408, 2.2293571975307147, "saddle"],
  [-1.2960702671671092, -0.6050843880386585, 2.22947081802986, "saddle"],
  [1.2960702671671092, 0.6050843880386585, 2.22947081802986, "saddle"],
  [-1.2302298765166526, -0.16233458445899496, 2.496295351023577, "maximum"],
  [1.2302298765166526, 0.16233458445899496, 2.496295351023577, "maximum"],
];

describe("findCriticalPoints", () => {
  it("x³ − 3x + y²: the minimum (1, 0) and the saddle (−1, 0), with their values and Hessian spectra", () => {
    const r = findCriticalPoints(cubic, { box: [[-3, 3], [-3, 3]], starts: 40 });
    expect(r.points.map((p) => p.kind)).toEqual(["minimum", "saddle"]);
    const [min, sad] = r.points;
    expectClose(min!.x, [1, 0], 1e-12);
    expectClose(sad!.x, [-1, 0], 1e-12);
    expectClose([min!.value, sad!.value], [-2, 2], 1e-12);
    expectClose(min!.eigenvalues, [2, 6], 1e-12);
    expectClose(sad!.eigenvalues, [-6, 2], 1e-12);
    expect([min!.index, sad!.index]).toEqual([0, 1]);
    expect(r.counts).toEqual({ minimum: 1, maximum: 0, saddle: 1, degenerate: 0 });
    expect(r).toMatchObject({ starts: 40, converged: 40, outside: 0, failed: 0 });
    expect(min!.hits + sad!.hits).toBe(40);
    for (const p of r.points) expect(p.gradNorm).toBeLessThan(1e-10);
    expect(r.message).toMatch(/^2 critical points in the box \(1 minimum, 1 saddle\) from 40 starts: 40 converged/);
  });

  it("the six-hump camel: all 15 critical points in its standard box (6 minima, 2 maxima, 7 saddles), at the reference values", () => {
    const r = findCriticalPoints(camel, { box: CAMEL_BOX, starts: 150, key: random.key(1) });
    expect(r.counts).toEqual({ minimum: 6, maximum: 2, saddle: 7, degenerate: 0 });
    expect(r.points).toHaveLength(15);
    // Sorted by value, then by x: the symmetric pairs (x, y) ↔ (−x, −y) come out in the reference order.
    r.points.forEach((p, i) => {
      const [rx, ry, rf, kind] = CAMEL[i]!;
      expect(p.kind, `point ${i}`).toBe(kind);
      expectClose(p.x, [rx, ry], 1e-9, `point ${i}`);
      expectClose(p.value, rf, 1e-12, `value ${i}`);
      expect(p.index).toBe(kind === "minimum" ? 0 : kind === "saddle" ? 1 : 2);
    });
  });

  it("is reproducible with a key: the same key gives the same record; another key the same points", () => {
    const a = findCriticalPoints(camel, { box: CAMEL_BOX, starts: 60, key: random.key(7) });
    const b = findCriticalPoints(camel, { box: CAMEL_BOX, starts: 60, key: random.key(7) });
    expect(b).toEqual(a);
    // The default key is random.key(0).
    expect(findCriticalPoints(cubic, { box: [[-3, 3], [-3, 3]], starts: 10 })).toEqual(findCriticalPoints(cubic, { box: [[-3, 3], [-3, 3]], starts: 10, key: random.key(0) }));
    const c = findCriticalPoints(camel, { box: CAMEL_BOX, starts: 150, key: random.key(8) });
    expect(c.points).toHaveLength(15);
    c.points.forEach((p, i) => expectClose(p.x, CAMEL[i]!.slice(0, 2) as number[], 1e-9, `point ${i}`));
  });

  it("takes the box as { lo, hi } per coordinate and the starts as points; without jit it finds the same", () => {
    const starts = [[0.5, 0.5], [-2, 1], [2, -1]];
    const r = findCriticalPoints(cubic, { box: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3 }], starts });
    expect(r.starts).toBe(3);
    expect(r.points.map((p) => p.kind)).toEqual(["minimum", "saddle"]);
    const eager = findCriticalPoints(cubic, { box: [[-3, 3], [-3, 3]], starts, jit: false });
    expect(eager.points.map((p) => p.x.map((v) => Number(v.toFixed(10))))).toEqual(r.points.map((p) => p.x.map((v) => Number(v.toFixed(10)))));
  });

  it("x² + y⁴: the one critical point is degenerate (a valley along y), reached though Newton is only linear there", () => {
    const r = findCriticalPoints((v: Array) => x(v).square().add(y(v).pow(4)), { box: [[-2, 2], [-2, 2]], starts: 20 });
    expect(r.points).toHaveLength(1);
    expect(r.points[0]).toMatchObject({ kind: "degenerate", index: 0, valley: true, plateau: false, hits: 20 });
    expectClose(r.points[0]!.x, [0, 0], 1e-7);
    // x⁴ + y⁴: every direction flat (H → 0), so degenerate against the box's Hessian scale, and a plateau.
    const flat = findCriticalPoints((v: Array) => x(v).pow(4).add(y(v).pow(4)), { box: [[-2, 2], [-2, 2]], starts: 20 });
    expect(flat.points).toHaveLength(1);
    expect(flat.points[0]).toMatchObject({ kind: "degenerate", valley: false, plateau: true });
  });

  it("reports what it could not find: no critical point (x + y), and one outside the box", () => {
    const none = findCriticalPoints((v: Array) => x(v).add(y(v)), { box: [[-1, 1], [-1, 1]], starts: 8 });
    expect(none).toMatchObject({ points: [], starts: 8, converged: 0, failed: 8 });
    expect(none.message).toBe("0 critical points in the box from 8 starts: 0 converged (0 by Newton, 0 after the fallback), 0 outside the box, 8 failed");
    // (x − 1.5)² + y² from [−1, 1]²: Newton lands on (1.5, 0) in one step, outside.
    const out = findCriticalPoints((v: Array) => x(v).sub(1.5).square().add(y(v).square()), { box: [[-1, 1], [-1, 1]], starts: 8 });
    expect(out).toMatchObject({ points: [], converged: 8, outside: 8, failed: 0 });
  });

  it("the fallback: where Newton's step is useless (H singular at the start), minimizing ½‖∇f‖² from it finds the way", () => {
    // x³/3 − x + xy + y²/2: H = [[2x, 1], [1, 1]] is singular at x = 1/2, so from (1/2, 0)
    // Newton's step along H's null vector is enormous and no halving of it lowers ‖∇f‖.
    // The critical points: y = −x, x² − x − 1 = 0, x = (1 ± √5)/2.
    const f = (v: Array) => x(v).pow(3).div(3).sub(x(v)).add(x(v).mul(y(v))).add(y(v).square().div(2));
    const box: [number, number][] = [[-3, 3], [-3, 3]];
    expect(findCriticalPoints(f, { box, starts: [[0.5, 0]], fallback: false })).toMatchObject({ points: [], converged: 0, failed: 1 });
    const r = findCriticalPoints(f, { box, starts: [[0.5, 0]] });
    expect(r).toMatchObject({ converged: 1, byNewton: 0, byFallback: 1, failed: 0 });
    const phi = (1 + Math.sqrt(5)) / 2;
    expect(r.points[0]!.kind).toBe("minimum");
    expectClose(r.points[0]!.x, [phi, -phi], 1e-12);
  });

  it("rejects bad arguments with one line naming them", () => {
    expect(errorOf(() => findCriticalPoints(cubic, { box: [] }))).toBe("findCriticalPoints: box must be a non-empty list of [lo, hi] (or { lo, hi }) per coordinate");
    expect(errorOf(() => findCriticalPoints(cubic, { box: [[1, -1], [0, 1]] }))).toBe("findCriticalPoints: box[0] must be [lo, hi] with finite lo < hi, got [1,-1]");
    expect(errorOf(() => findCriticalPoints(cubic, { box: [[-1, 1], [0, 1]], starts: 0 }))).toBe("findCriticalPoints: starts must be an integer ≥ 1, got 0");
    expect(errorOf(() => findCriticalPoints(cubic, { box: [[-1, 1], [0, 1]], starts: [[1]] }))).toBe("findCriticalPoints: starts[0] must be 2 finite numbers (the box's dimension), got [1]");
    expect(errorOf(() => findCriticalPoints(cubic, { box: [[-1, 1], [0, 1]], tol: 0 }))).toBe("findCriticalPoints: tol must be a number in (0, 1), got 0");
    expect(errorOf(() => findCriticalPoints(cubic, undefined as never))).toBe("findCriticalPoints: options with a box are required, e.g. { box: [[-1, 1], [-1, 1]] }");
    expect(errorOf(() => findCriticalPoints(3 as never, { box: [[0, 1]] }))).toBe("findCriticalPoints: f must be a function, got number");
  });

  it("its TSDoc example holds", () => {
    const r = landscape.findCriticalPoints(cubic, { box: [[-3, 3], [-3, 3]], starts: 40 });
    expect(r.points.map((p) => [p.kind, p.x.map((v) => Math.round(v * 1e9) / 1e9 + 0)])).toEqual([["minimum", [1, 0]], ["saddle", [-1, 0]]]);
  });
});
