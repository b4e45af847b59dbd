// quad's derivatives: in what the integrand closes over (∫ ∂f/∂θ) and in the limits
// (Leibniz), forward and reverse, of second order, against closed forms and central
// finite differences (checkGrads), and through dblquad.
import { describe, expect, it } from "vitest";
import { checkGrads, grad, hessian, integrate, jacrev, jit, jvp, np, vjp, vmap, type Array } from "nabla";

const num = (x: Array) => x.item() as number;
const close = (got: number, want: number, tol = 1e-10) => expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

// F(θ) = ∫₀¹ e^{θx} dx = (e^θ − 1)/θ; F' = ∫ x e^{θx}; F'' = ∫ x² e^{θx}.
const F = (t: Array) => integrate.quad((x) => np.exp(x.mul(t)), 0, 1).value;
const dF = (t: number) => (Math.exp(t) * (t - 1) + 1) / t ** 2;
const d2F = (t: number) => Math.exp(t) * (1 / t - 2 / t ** 2 + 2 / t ** 3) - 2 / t ** 3;
// G(b, θ) = ∫₀ᵇ sin(θx) dx = (1 − cos θb)/θ.
const G = (b: Array, t: Array) => integrate.quad((x) => np.sin(x.mul(t)), 0, b).value;

describe("quad's derivatives", () => {
  it("in a parameter, forward and reverse: d/dθ ∫₀¹ e^{θx} dx", () => {
    close(num(grad(F)(np.array(0.7))), dF(0.7));
    close(num(jvp(F, [np.array(0.7)], [np.array(1)])[1]), dF(0.7));
  });

  it("of second order, forward-over-reverse and reverse-over-reverse", () => {
    close(num(hessian(F)(np.array(0.7))), d2F(0.7));
    close(num(grad(grad(F))(np.array(-1.3))), d2F(-1.3));
  });

  it("in the limits (Leibniz) and a parameter at once", () => {
    const [b, t] = [2, 1.5];
    const [gb, gt] = grad(G, { argnums: [0, 1] })(np.array(b), np.array(t)).map(num);
    close(gb!, Math.sin(t * b));
    close(gt!, (b * Math.sin(t * b)) / t - (1 - Math.cos(t * b)) / t ** 2);
    const ga = grad((a: Array) => integrate.quad((x) => np.sin(x.mul(t)), a, b).value)(np.array(0.5));
    close(num(ga), -Math.sin(t * 0.5));
    // ∂²/∂b∂θ = b cos(θb).
    close(num(grad((tt: Array) => grad(G)(np.array(b), tt))(np.array(t))), b * Math.cos(t * b));
  });

  it("agree with finite differences (checkGrads, order 2, both modes)", () => {
    const H = (ab: Array, t: Array) => {
      const [a, b] = [np.slice(ab, 0), np.slice(ab, 1)];
      return integrate.quad((x) => np.stack([np.exp(x.mul(t).neg()), np.cos(x.mul(t)).mul(x)]), a, b, { epsabs: 1e-12, epsrel: 1e-12 }).value;
    };
    checkGrads(H, [np.array([0.2, 1.3]), np.array(0.8)], { order: 2, rtol: 1e-5, atol: 1e-7 });
  });

  it("over an infinite range; the derivative in an infinite limit is 0", () => {
    // ∫ e^{−x²/s²} dx = s√π over ℝ; and ∫ₐ^∞ e^{−x} = e^{−a}.
    const S = (s: Array) => integrate.quad((x) => np.exp(x.div(s).square().neg()), -Infinity, Infinity).value;
    close(num(grad(S)(np.array(1.3))), Math.sqrt(Math.PI), 1e-8);
    const E = (a: Array, b: Array) => integrate.quad((x) => np.exp(x.neg()), a, b).value;
    const [ga, gb] = grad(E, { argnums: [0, 1] })(np.array(0.4), np.array(Infinity)).map(num);
    close(ga!, -Math.exp(-0.4));
    expect(gb).toBe(0);
    expect(num(jvp((b: Array) => E(np.array(0), b), [np.array(Infinity)], [np.array(1)])[1])).toBe(0);
  });

  it("of a vector-valued integral, reverse mode by one vector integral", () => {
    const V = (t: Array) => integrate.quad((x) => np.stack([x.mul(t), np.exp(x.mul(t))]), 0, 1).value;
    const J = jacrev(V)(np.array(0.7)).toArray() as number[];
    close(J[0]!, 0.5);
    close(J[1]!, dF(0.7));
    const [, pullback] = vjp(V, np.array(0.7));
    close(num(pullback(np.array([2, -1]))[0] as Array), 1 - dF(0.7));
  });

  it("under jit and vmap, as eagerly", () => {
    const g = grad(F);
    close(num(jit(g)(np.array(0.7))), num(g(np.array(0.7))), 1e-15);
    const ts = [0.3, -0.5];
    const batched = vmap(g)(np.array(ts)).toArray() as number[];
    ts.forEach((t, i) => close(batched[i]!, dF(t)));
  });

  it("through dblquad: in a parameter and in a limit that depends on x", () => {
    // ∫₀¹ ∫₀ˣ e^{θxy} dy dx, by finite differences; ∂/∂c of ∫₀¹∫₀^c 1 = 1.
    const D = (t: Array) => integrate.dblquad((x, y) => np.exp(x.mul(y).mul(t)), 0, 1, 0, (x) => x).value;
    checkGrads(D, [np.array(0.6)], { order: 1, rtol: 1e-6 });
    close(num(grad((c: Array) => integrate.dblquad(() => 1, 0, 1, 0, (x) => x.mul(c)).value)(np.array(2))), 0.5);
  });
});
