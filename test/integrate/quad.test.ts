// Quadrature: Gauss–Legendre rules against 40-digit references, fixedQuad, and the
// adaptive quad against scipy.integrate.quad (test/fixtures/quad.json, from
// scripts/fixtures/quad.py) and closed forms: its values, error estimates, evaluation
// counts and statuses, vector-valued integrands, jit and vmap, and the errors a caller meets.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, integrate, jit, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/quad.json", import.meta.url), "utf8"));
const decode = (v: number | string) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const num = (x: Array) => x.item() as number;

describe("gaussLegendre", () => {
  it("gives the 3-point rule in closed form", () => {
    const { nodes, weights } = integrate.gaussLegendre(3);
    const r = Math.sqrt(0.6);
    (nodes.toArray() as number[]).forEach((x, i) => expect(Math.abs(x - [-r, 0, r][i]!)).toBeLessThanOrEqual(2e-16));
    (weights.toArray() as number[]).forEach((w, i) => expect(Math.abs(w - [5 / 9, 8 / 9, 5 / 9][i]!)).toBeLessThanOrEqual(3e-16));
  });

  it.each(Object.keys(fixture.gaussLegendre))("matches the 40-digit rule for n = %s", (n) => {
    const ref = fixture.gaussLegendre[n];
    const { nodes, weights } = integrate.gaussLegendre(Number(n));
    (nodes.toArray() as number[]).forEach((x, i) => expect(Math.abs(x - ref.nodes[i]), `node ${i}`).toBeLessThanOrEqual(2.3e-16));
    (weights.toArray() as number[]).forEach((w, i) => expect(Math.abs(w / ref.weights[i] - 1), `weight ${i}`).toBeLessThanOrEqual(3e-14));
  });

  it("integrates polynomials of degree 2n − 1 exactly", () => {
    const { nodes, weights } = integrate.gaussLegendre(20);
    for (const k of [0, 10, 38, 39]) {
      const exact = k % 2 === 0 ? 2 / (k + 1) : 0;
      expect(Math.abs(num(np.sum(np.mul(weights, np.pow(nodes, k)))) - exact), `x^${k}`).toBeLessThanOrEqual(1e-15);
    }
  });

  it("refuses an order that is not a positive integer", () => {
    for (const n of [0, -1, 2.5, NaN]) expect(errorOf(() => integrate.gaussLegendre(n))).toMatch(/gaussLegendre: n must be an integer ≥ 1/);
  });
});

describe("fixedQuad", () => {
  it("has error 6.5e-13 on ∫₀¹ eˣ with 5 nodes", () => {
    const error = num(integrate.fixedQuad((x) => np.exp(x), 0, 1)) - (Math.E - 1);
    expect(Math.abs(error + 6.535e-13)).toBeLessThan(0.01e-13);
  });

  it("integrates any output shape, with Array limits", () => {
    const v = integrate.fixedQuad((x) => np.stack([x, x.square()]), np.array(1), np.array(2), { n: 3 });
    expect(v.shape).toEqual([2]);
    expect(Math.abs((v.toArray() as number[])[0]! - 1.5)).toBeLessThan(1e-15);
    expect(Math.abs((v.toArray() as number[])[1]! - 7 / 3)).toBeLessThan(1e-15);
  });

  it("is differentiable by plain autodiff in the limits and in what f closes over", () => {
    // d/db ∫₀ᵇ x² = b², exact for the 2-point rule; d/dθ ∫₀¹ e^{θx} at θ = 0 is ½.
    expect(Math.abs(num(grad((b: Array) => integrate.fixedQuad((x) => x.square(), 0, b, { n: 2 }))(np.array(3))) - 9)).toBeLessThan(1e-14);
    expect(Math.abs(num(grad((t: Array) => integrate.fixedQuad((x) => np.exp(x.mul(t)), 0, 1))(np.array(0))) - 0.5)).toBeLessThan(1e-15);
  });

  it("refuses bad arguments by name", () => {
    expect(errorOf(() => integrate.fixedQuad((x) => x, 0, 1, { n: 0 }))).toMatch(/fixedQuad: n must be/);
    expect(errorOf(() => integrate.fixedQuad((x) => x, np.zeros([2]), 1))).toMatch(/fixedQuad: a must be a scalar/);
    expect(errorOf(() => integrate.fixedQuad((x) => x, 0, 1, { m: 3 } as never))).toMatch(/fixedQuad: unknown option/);
  });
});

// The integrands of the fixture's cases, by name, and their exact values.
const CASES: Record<string, [(x: Array) => Array, number | undefined]> = {
  exp: [(x) => np.exp(x), Math.E - 1],
  sin: [(x) => np.sin(x), 2],
  sqrt: [(x) => np.pow(x, -0.5), 2],
  sqrtTight: [(x) => np.pow(x, -0.5), 2],
  log: [(x) => np.log(x), -1],
  expInf: [(x) => np.exp(x.neg()), 1],
  gauss: [(x) => np.exp(x.square().neg()), Math.sqrt(Math.PI)],
  gaussTight: [(x) => np.exp(x.square().neg()), Math.sqrt(Math.PI)],
  cos20: [(x) => np.cos(x.mul(20)), Math.sin(200) / 20],
  sinInverse: [(x) => np.sin(np.div(1, x)), undefined],
  inverse: [(x) => np.div(1, x), undefined],
  sinc: [(x) => np.div(np.sin(x), x), undefined],
};

describe("quad against scipy.integrate.quad", () => {
  it.each(Object.keys(fixture.quad))("%s", (name) => {
    const ref = fixture.quad[name];
    const [f, exact] = CASES[name]!;
    const opts = ref.epsabs === undefined ? {} : { epsabs: ref.epsabs, epsrel: ref.epsrel };
    const r = integrate.quad(f, decode(ref.a), decode(ref.b), opts);
    const [value, error, nfev] = [num(r.value), num(r.error), num(r.nfev)];
    const report = `${name}: value ${value} (scipy ${ref.value}), error ${error} (scipy ${ref.abserr}), nfev ${nfev} (scipy ${ref.neval}), ${r.message}`;
    // Same algorithm, so the same answer to rounding, and nearly the same work.
    expect(Math.abs(value - ref.value), report).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.value)) + 1e-3 * ref.abserr);
    expect(error / ref.abserr, report).toBeGreaterThan(0.5);
    expect(error / ref.abserr, report).toBeLessThan(2);
    expect(nfev / ref.neval, report).toBeGreaterThanOrEqual(0.5);
    expect(nfev / ref.neval, report).toBeLessThanOrEqual(2);
    expect(num(r.status), report).toBe(ref.ier);
    expect(num(r.success), report).toBe(ref.ier === 0 ? 1 : 0);
    // Where the answer is known, the error estimate bounds the true error.
    if (exact !== undefined) expect(Math.abs(value - exact), report).toBeLessThanOrEqual(error);
  });

  it("reaches 1e-10 on ∫ e^{−x²} over ℝ and ∫₀¹ x^{−½} at tolerance 1e-12", () => {
    const tight = { epsabs: 1e-12, epsrel: 1e-12 };
    const gauss = integrate.quad((x) => np.exp(x.square().neg()), -Infinity, Infinity, tight);
    const sqrt = integrate.quad((x) => np.pow(x, -0.5), 0, 1, tight);
    expect(Math.abs(num(gauss.value) - Math.sqrt(Math.PI))).toBeLessThan(1e-10);
    expect(Math.abs(num(sqrt.value) - 2)).toBeLessThan(1e-10);
    // The singular one needs the ε-extrapolation: 231 evaluations, as scipy.
    expect(num(sqrt.nfev)).toBe(231);
    expect(gauss.message).toMatch(/converged with error estimate .* after 390 evaluations/);
  });
});

describe("quad's record", () => {
  it("reports the subdivision limit as a status and a message, not an exception", () => {
    const r = integrate.quad((x) => np.sin(np.div(1, x)), 0, 1);
    expect(integrate.STATUS[num(r.status)]).toBe("limit");
    expect(num(r.success)).toBe(0);
    expect(r.message).toMatch(/quad: the subdivision limit \(50\) was reached/);
    // An oscillatory integrand needs 16 subintervals: 5 are too few, the default 50 enough.
    const cos20 = (limit: number) => integrate.quad((x) => np.cos(x.mul(20)), 0, 10, { limit });
    expect(integrate.STATUS[num(cos20(5).status)]).toBe("limit");
    expect(num(cos20(5).nfev)).toBe(5 * 42 - 21);
    expect(num(cos20(50).status)).toBe(0);
  });

  it("never passes a NaN off as a value: status nonFinite names the point", () => {
    const r = integrate.quad((x) => np.log(x.sub(0.5)), 0, 1);
    expect(integrate.STATUS[num(r.status)]).toBe("nonFinite");
    expect(Number.isNaN(num(r.value))).toBe(true);
    expect(r.message).toMatch(/quad: the integrand is (-Infinity|NaN) at x = 0\.5/);
  });

  it("integrates vector- and matrix-valued integrands, the error the max over components", () => {
    const r = integrate.quad((x) => np.stack([np.exp(x), np.pow(x, -0.5)]), 0, 1);
    const [e, s] = r.value.toArray() as number[];
    // The exp component alone would stop at 21 evaluations; the singular one sets the pace.
    expect(num(r.status)).toBe(0);
    expect(num(r.nfev)).toBeGreaterThan(21);
    expect(Math.abs(e! - (Math.E - 1))).toBeLessThan(1e-13);
    expect(Math.abs(s! - 2)).toBeLessThanOrEqual(num(r.error));
    expect(num(r.error)).toBeLessThanOrEqual(1.49e-8 * 2);
    const m = integrate.quad((x) => np.reshape(np.stack([x, x.square(), np.onesLike(x), x.neg()]), [2, 2]), 0, 3);
    expect(m.value.shape).toEqual([2, 2]);
    (m.value.toArray() as number[][]).flat().forEach((v, i) => expect(Math.abs(v - [4.5, 9, 3, -4.5][i]!)).toBeLessThan(1e-13));
  });

  it("orients the range: ∫ₐᵇ = −∫ᵦᵃ, also to −∞, and ∫ₐᵃ = 0", () => {
    expect(Math.abs(num(integrate.quad((x) => np.exp(x), 1, 0).value) + (Math.E - 1))).toBeLessThan(1e-15);
    expect(Math.abs(num(integrate.quad((x) => np.exp(x), 0, -Infinity).value) + 1)).toBeLessThan(1e-12);
    expect(Math.abs(num(integrate.quad((x) => np.exp(x), -Infinity, 0).value) - 1)).toBeLessThan(1e-12);
    const empty = integrate.quad((x) => np.exp(x), 2, 2);
    expect([num(empty.value), num(empty.nfev), num(empty.status)]).toEqual([0, 0, 0]);
  });

  it("runs under jit (message empty there) and vmap, as eagerly", () => {
    const F = (t: Array) => {
      const r = integrate.quad((x) => np.exp(x.mul(t)), 0, 1);
      return [r.value, r.nfev, r.status] as const;
    };
    const eager = F(np.array(0.7));
    const jitted = jit(F)(np.array(0.7));
    eager.forEach((v, i) => expect(num(jitted[i]!)).toBe(num(v)));
    expect(jit((t: Array) => integrate.quad((x) => np.exp(x.mul(t)), 0, 1).message === "" ? t : t.neg())(np.array(1)).item()).toBe(1);
    const ts = [0.1, 0.7, -2];
    const batched = vmap((t: Array) => F(t)[0])(np.array(ts)).toArray() as number[];
    ts.forEach((t, i) => expect(batched[i]).toBe(num(F(np.array(t))[0])));
  });

  it("refuses bad input with an error naming quad and the argument", () => {
    const f = (x: Array) => x;
    expect(errorOf(() => integrate.quad(f, NaN, 1))).toMatch(/quad: a is NaN/);
    expect(errorOf(() => integrate.quad(f, 0, np.array([1, 2])))).toMatch(/quad: b must be a scalar/);
    expect(errorOf(() => integrate.quad(f, 0, "1" as never))).toMatch(/quad: b must be a number or a scalar Array/);
    expect(errorOf(() => integrate.quad(f, 0, 1, { epsabs: -1 }))).toMatch(/quad: epsabs must be a finite number ≥ 0/);
    expect(errorOf(() => integrate.quad(f, 0, 1, { epsabs: 0, epsrel: 1e-16 }))).toMatch(/quad: with epsabs = 0, epsrel must be at least/);
    expect(errorOf(() => integrate.quad(f, 0, 1, { limit: 0 }))).toMatch(/quad: limit must be an integer ≥ 1/);
    expect(errorOf(() => integrate.quad(f, 0, 1, { tol: 1 } as never))).toMatch(/quad: unknown option\(s\) tol/);
    expect(errorOf(() => integrate.quad((x) => np.greater(x, 0), 0, 1))).toMatch(/quad: f must return float64 values, got bool/);
    expect(errorOf(() => integrate.quad((() => "x") as never, 0, 1))).toMatch(/quad: f must return an Array or a number, got string/);
    expect(errorOf(() => integrate.quad(1 as never, 0, 1))).toMatch(/quad: f must be a function/);
    // A NaN limit that is only known when the compiled code runs is refused there.
    expect(errorOf(() => jit((b: Array) => integrate.quad(f, 0, b).value)(np.array(NaN)))).toMatch(/quad: the limits must be numbers or ±Infinity/);
  });
});
