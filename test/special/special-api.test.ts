import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, hessian, jit, jvp, makeIR, np, special, vmap, type Array } from "nabla";
import { runs } from "../setup.js";
import { generated } from "../transforms/jit-corpus.js";

// The special functions' behaviour beyond their accuracy (special.test.ts): special values,
// dtypes and broadcasting, the derivative rules, the errors where a derivative is missing,
// their fusion by jit, and identities checked on random inputs.

const values = (a: Array) => [...a.toFloat64Array()];
const close = (a: number, b: number, rtol: number) => a === b || Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b));

describe("special values (as scipy)", () => {
  const I = Infinity;
  it.each([
    ["erf", special.erf, [0, -0, I, -I, NaN], [0, -0, 1, -1, NaN]],
    ["erfc", special.erfc, [I, -I, NaN, 30], [0, 2, NaN, 0]],
    ["erfinv", special.erfinv, [1, -1, 0, -0, 1.5, NaN], [I, -I, 0, -0, NaN, NaN]],
    ["ndtr", special.ndtr, [-I, I, 0, NaN], [0, 1, 0.5, NaN]],
    ["ndtri", special.ndtri, [0, 1, 0.5, -0.1, 1.1, NaN], [-I, I, 0, NaN, NaN, NaN]],
    ["logNdtr", special.logNdtr, [-I, I, 0], [-I, -0, -Math.LN2]],
    ["lgamma", special.lgamma, [0, -0, -1, -2, I, 1, 2], [I, I, I, I, I, 0, 0]],
    ["digamma", special.digamma, [0, -0, -1, -3, I, NaN], [-I, I, NaN, NaN, I, NaN]],
    ["logit", special.logit, [0, 1, 0.5, -0.1, 1.1], [-I, I, 0, NaN, NaN]],
    ["expit", special.expit, [-I, I, 0, -800], [0, 1, 0.5, 0]],
  ] as const)("%s", (_name, fn, xs, want) => {
    const got = values(fn(np.array([...xs])));
    got.forEach((g, i) => expect(Object.is(g, want[i]) || (g !== g && want[i] !== want[i]), `at ${xs[i]}: ${g}`).toBe(true));
  });

  it("polygamma: poles (the sign of (−1)ⁿ⁺¹), ∞, non-integer and negative orders", () => {
    expect(values(special.polygamma(np.array([1, 2, 1, 2, 1.5, -1]), np.array([0, 0, -1, -3, 2, 2])))).toEqual([I, -I, I, -I, NaN, NaN]);
    expect(values(special.polygamma(np.array([1, 2, 3]), I))).toEqual([0, -0, 0]);
    expect(special.polygamma(0, 2.5).item()).toBe(special.digamma(2.5).item());
    // Orders ±∞ and NaN are no integers either. n = ∞ once summed forever and crashed the
    // process (a JavaScript list grown past V8's limit), whatever x.
    expect(values(special.polygamma(np.array([I, -I, NaN, I]), np.array([1, 1, 1, 0.5])))).toEqual([NaN, NaN, NaN, NaN]);
  });

  it("betaln, gammainc, gammaincc at their edges", () => {
    expect(values(special.betaln(np.array([0, -1, 1, -0.5]), np.array([1, 2, I, 2])))).toEqual([I, I, -I, special.betaln(-0.5, 2).item()]);
    expect(special.betaln(-0.5, 2).item()).toBeCloseTo(Math.log(4), 14);
    const a = np.array([0, 0, 1, -1, 1, 1, I, I, NaN]);
    const x = np.array([0, 1, 0, 1, -1, I, 1, I, 1]);
    expect(values(special.gammainc(a, x))).toEqual([NaN, 1, 0, NaN, NaN, 1, 0, NaN, NaN]);
    expect(values(special.gammaincc(a, x))).toEqual([NaN, 0, 1, NaN, NaN, 0, 1, NaN, NaN]);
  });

  it("xlogy and xlog1py: 0 where x = 0 (unless y is NaN)", () => {
    expect(values(special.xlogy(np.array([0, 0, 0, 0, 1, 2]), np.array([0, -1, I, NaN, 0, Math.E])))).toEqual([0, 0, 0, NaN, -I, 2]);
    expect(values(special.xlog1py(np.array([0, 0, 0, 1]), np.array([-1, -2, NaN, -1])))).toEqual([0, 0, NaN, -I]);
  });
});

describe("dtypes, broadcasting, empty arrays", () => {
  it("integer and bool inputs promote to float64; float32 stays float32", () => {
    expect(special.erf(np.array([1, 2], { dtype: "int32" })).dtype).toBe("float64");
    expect(special.lgamma(np.array([true, false])).dtype).toBe("float64");
    expect(special.ndtr(np.array([0.5], { dtype: "float32" })).dtype).toBe("float32");
    expect(special.erf(np.array([1, 2], { dtype: "int32" })).toArray()).toEqual(special.erf(np.array([1, 2])).toArray());
    // A plain number is weak: it takes the Array's dtype.
    expect(special.gammainc(2, np.array([1], { dtype: "float32" })).dtype).toBe("float32");
    expect(special.betaln(np.array([1], { dtype: "float32" }), np.array([1])).dtype).toBe("float64");
  });

  it("polygamma's order takes no part in promotion: the result has x's float dtype", () => {
    expect(special.polygamma(np.array([1, 2], { dtype: "int32" }), np.array([1.5], { dtype: "float32" })).dtype).toBe("float32");
    expect(special.polygamma(np.array([1.0, 2.0]), np.array([1.5], { dtype: "float32" })).dtype).toBe("float32");
  });

  it("broadcasts as numpy; empty arrays give empty results", () => {
    const out = special.gammainc(np.array([[1], [2], [3]]), np.array([0.5, 1, 2, 4]));
    expect(out.shape).toEqual([3, 4]);
    expect(values(out)[6]).toBe(special.gammainc(2, 2).item());
    expect(special.polygamma(np.array([[1], [2]], { dtype: "int32" }), np.array([1, 2, 3])).shape).toEqual([2, 3]);
    expect(special.erf(np.zeros([0, 3])).shape).toEqual([0, 3]);
    expect(special.betaln(np.zeros([2, 0]), np.ones([1])).shape).toEqual([2, 0]);
  });

  it("bad arguments are one-line errors naming the function", () => {
    expect(() => special.erf("1" as never)).toThrow(/^special\.erf: x must be an Array/);
    expect(() => special.betaln(np.ones([2]), np.ones([3]))).toThrow("special.betaln: cannot broadcast (2,) with (3,)");
    expect(() => special.polygamma(np.ones([2]), np.ones([3]))).toThrow(/^special\.polygamma: cannot broadcast/);
    expect(() => special.gammainc(1, [1, 2] as never)).toThrow(/^special\.gammainc: x must be an Array.*np\.array/);
  });
});

describe("derivatives: closed forms, any order", () => {
  const x = np.array([0.3, 1.7, 4.2]);

  it("lgamma′ = digamma, digamma′ = polygamma(1, ·), polygamma(n)′ = polygamma(n + 1): bit for bit", () => {
    const g = (f: (a: Array) => Array) => grad((a: Array) => f(a).sum())(x);
    expect(values(g(special.lgamma))).toEqual(values(special.digamma(x)));
    expect(values(g(special.digamma))).toEqual(values(special.polygamma(1, x)));
    expect(values(g((a) => special.polygamma(2, a)))).toEqual(values(special.polygamma(3, x)));
    // Third derivative of lgamma by composition: polygamma(2, ·).
    const d3 = grad((b: Array) => grad((c: Array) => grad((d: Array) => special.lgamma(d))(c))(b))(np.array(2.5));
    expect(d3.item()).toBe(special.polygamma(2, 2.5).item());
  });

  it("the others match their closed forms", () => {
    const p = np.array([0.1, 0.5, 0.97]);
    const at = (f: (a: Array) => Array, v: Array) => values(grad((a: Array) => f(a).sum())(v));
    const xs = [0.3, 1.7, 4.2];
    at(special.erf, x).forEach((d, i) => expect(close(d, (2 / Math.sqrt(Math.PI)) * Math.exp(-(xs[i]! ** 2)), 1e-15)).toBe(true));
    at(special.ndtr, x).forEach((d, i) => expect(close(d, Math.exp(-(xs[i]! ** 2) / 2) / Math.sqrt(2 * Math.PI), 1e-15)).toBe(true));
    const q = values(special.ndtri(p));
    at(special.ndtri, p).forEach((d, i) => expect(close(d, Math.sqrt(2 * Math.PI) * Math.exp(q[i]! ** 2 / 2), 1e-15)).toBe(true));
    at(special.logit, p).forEach((d, i) => expect(close(d, 1 / ([0.1, 0.5, 0.97][i]! * (1 - [0.1, 0.5, 0.97][i]!)), 1e-15)).toBe(true));
    // log Φ has derivative φ/Φ → −x in the lower tail (Mills' ratio), finite where Φ underflows.
    expect(grad((v: Array) => special.logNdtr(v))(np.array(-50)).item()).toBeCloseTo(50.0199, 3);
  });

  it("gammainc: ∂/∂x is the gamma density (1 at a = 1, x = 0); ∂/∂a matches finite differences", () => {
    const dx = grad((v: Array) => special.gammainc(np.array([1, 2.5]), v).sum())(np.array([0, 3]));
    expect(values(dx)[0]).toBe(1);
    expect(close(values(dx)[1]!, (Math.pow(3, 1.5) * Math.exp(-3)) / 1.329340388179137, 1e-14)).toBe(true);
    checkGrads((a: Array) => special.gammainc(a, np.array([0.5, 2, 9])), [np.array([0.7, 2, 8])], { order: 1 });
    checkGrads((a: Array) => special.gammaincc(a, np.array([250, 300])), [np.array([260, 290])], { order: 1, rtol: 1e-5 });
  });

  it("the second derivative of gammainc in a is a clear error, not a silent zero (mixed and x ones work)", () => {
    const f = (a: Array) => special.gammainc(a, 2);
    expect(() => grad((a: Array) => grad(f)(a))(np.array(1.5))).toThrow(/^special\.gammainc: the second derivative with respect to a is not implemented/);
    expect(() => hessian((a: Array) => special.gammaincc(a, 2))(np.array(1.5))).toThrow(/second derivative with respect to a/);
    // ∂²P/∂a∂x and ∂²P/∂x² are closed forms.
    checkGrads((a: Array, v: Array) => grad((w: Array) => special.gammainc(a, w))(v), [np.array(1.5), np.array(2)], { order: 1 });
  });

  it("polygamma has no derivative in its order: asking is an error; an int32 order just carries none", () => {
    expect(() => grad((n: Array) => special.polygamma(n, 2))(np.array(1))).toThrow(/^special\.polygamma: there is no derivative with respect to the order n/);
    const [, t] = jvp((v: Array) => special.polygamma(np.array(1, { dtype: "int32" }), v), [np.array(2)], [np.array(1)]);
    expect(t.item()).toBe(special.polygamma(2, 2).item());
  });

  it("xlogy: ∂/∂x = log y at x = 0 (where the value is pinned to 0), and no NaN at y = 0", () => {
    const dx = grad((v: Array) => special.xlogy(v, np.array([2, 0])).sum())(np.array([0, 0]));
    expect(values(dx)).toEqual([Math.log(2), 0]);
    const dy = grad((w: Array) => special.xlogy(np.array([0, 3]), w).sum())(np.array([0, 2]));
    expect(values(dy)).toEqual([0, 1.5]);
    checkGrads((v: Array, w: Array) => special.xlog1py(v, w), [np.array([0.5, 2]), np.array([0.3, 4])], { order: 2 });
  });
});

describe("jit fuses them; vmap batches them", () => {
  it("one fused loop calls the scalar functions through S (no kernel call)", () => {
    const f = (x: Array) => [special.erf(x).mul(2).add(special.gammainc(x.abs(), 2))];
    const { source, run } = generated(f, [np.linspace(-3, 3, 40)]);
    expect(source).toContain("S.erf(");
    expect(source).toContain("S.gammainc(");
    expect(source).not.toContain("call(");
    expect(values(run()[0]!)).toEqual(values(f(np.linspace(-3, 3, 40))[0]!));
  });

  it("jit and vmap agree with eager evaluation", () => {
    const x = np.linspace(0.1, 5, 12).reshape([3, 4]);
    const f = (v: Array) => special.betaln(v, special.lgamma(v).add(1)).add(special.logNdtr(v.neg()));
    expect(values(jit(f)(x))).toEqual(values(f(x)));
    expect(values(vmap(f)(x))).toEqual(values(f(x)));
    expect(String(makeIR(f)(x))).toContain("betaln");
  });
});

describe("identities on random inputs", () => {
  const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });

  it("erf is odd, erf + erfc = 1, ndtri inverts ndtr, erfinv inverts erf, logit inverts expit", () => {
    fc.assert(
      fc.property(real(-5, 5), (v) => {
        const x = np.array(v);
        expect(special.erf(-v).item()).toBe(-special.erf(x).item());
        expect(close(special.erf(x).item() + special.erfc(x).item(), 1, 2e-16)).toBe(true);
        // Φ(x) for x > 0 is rounded near 1 (absolutely, by ~2⁻⁵³), which moves x by that over φ(x).
        const pdf = Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
        expect(Math.abs(special.ndtri(special.ndtr(x)).item() - v)).toBeLessThanOrEqual(1e-15 * (1 + Math.abs(v)) + (v > 0 ? 2.3e-16 / pdf : 0));
        // Subnormal results round absolutely (to 5e−324); expit rounds near ½ by ~2⁻⁵⁴, which
        // moves its logit by that over p(1 − p).
        if (Math.abs(v) < 3) expect(Math.abs(special.erfinv(special.erf(x)).item() - v)).toBeLessThanOrEqual(1e-13 * Math.abs(v) + 1e-320);
        const p = special.expit(x).item();
        expect(Math.abs(special.logit(p).item() - v)).toBeLessThanOrEqual(1e-13 * Math.abs(v) + 1.2e-16 / (p * (1 - p)));
      }),
      { numRuns: runs(100) },
    );
  });

  it("the recurrences: lgamma(x+1) − lgamma(x) = log x, ψ(x+1) − ψ(x) = 1/x, P + Q = 1, betaln symmetric", () => {
    fc.assert(
      fc.property(real(0.05, 50), real(0.05, 60), (v, w) => {
        expect(close(special.lgamma(v + 1).item() - special.lgamma(v).item(), Math.log(v), 1e-12) || Math.abs(Math.log(v)) < 1e-3).toBe(true);
        expect(close(special.digamma(v + 1).item() - special.digamma(v).item(), 1 / v, 1e-12)).toBe(true);
        expect(close(special.gammainc(v, w).item() + special.gammaincc(v, w).item(), 1, 1e-15)).toBe(true);
        expect(special.betaln(v, w).item()).toBe(special.betaln(w, v).item());
      }),
      { numRuns: runs(100) },
    );
  });
});
