import { describe, expect, it } from "vitest";
import { directionalDerivative, np, steepestDescentDirection, taylor, totalDerivative, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// The worked function of this file:
//   f(x, y) = x²y + sin y
//   ∇f = (2xy, x² + cos y)
//   H  = [[2y, 2x], [2x, −sin y]]
// At (1, 2): f = 2 + sin 2, ∇f = (4, 1 + cos 2), H = [[4, 2], [2, −sin 2]].

const fNum = (x: number, y: number) => x * x * y + Math.sin(y);
const f = (p: Array) => {
  const x = p.slice(0);
  const y = p.slice(1);
  return np.add(np.mul(np.square(x), y), np.sin(y));
};
const P0 = [1, 2] as const;
const x0 = np.array([...P0]);
const G = [2 * P0[0] * P0[1], P0[0] * P0[0] + Math.cos(P0[1])]; // (4, 1 + cos 2)
const GNORM = Math.hypot(G[0]!, G[1]!);
const GHAT = [G[0]! / GNORM, G[1]! / GNORM];

/** The unit vector at angle θ (counter-clockwise) from the gradient direction. */
const rotated = (theta: number) => [Math.cos(theta) * GHAT[0]! - Math.sin(theta) * GHAT[1]!, Math.sin(theta) * GHAT[0]! + Math.cos(theta) * GHAT[1]!];

describe("directional derivatives", () => {
  it("the gradient of the worked function is (4, 1 + cos 2)", () => {
    // Guards the closed forms the rest of this file relies on, against a central difference.
    const h = 1e-6;
    expect((fNum(1 + h, 2) - fNum(1 - h, 2)) / (2 * h)).toBeCloseTo(G[0]!, 8);
    expect((fNum(1, 2 + h) - fNum(1, 2 - h)) / (2 * h)).toBeCloseTo(G[1]!, 8);
  });

  it("D_u f = ‖∇f‖ cos θ for unit vectors at several angles θ to ∇f", () => {
    for (const theta of [0, Math.PI / 6, Math.PI / 4, Math.PI / 3, Math.PI / 2, (2 * Math.PI) / 3, Math.PI, (5 * Math.PI) / 4, -Math.PI / 3]) {
      const u = rotated(theta);
      expect(Math.hypot(u[0]!, u[1]!)).toBeCloseTo(1, 14);
      const d = directionalDerivative(f, x0, np.array(u)).item();
      expect(d, `θ = ${theta}`).toBeCloseTo(GNORM * Math.cos(theta), 12);
    }
  });

  it("D_u f agrees with a central difference of f along u", () => {
    const h = 1e-6;
    for (const u of [
      [1, 0],
      [0, 1],
      [0.6, -0.8],
      [-Math.SQRT1_2, Math.SQRT1_2],
    ]) {
      const fd = (fNum(1 + h * u[0]!, 2 + h * u[1]!) - fNum(1 - h * u[0]!, 2 - h * u[1]!)) / (2 * h);
      expect(directionalDerivative(f, x0, np.array(u)).item()).toBeCloseTo(fd, 8);
    }
  });

  it("is maximal along ∇f/‖∇f‖ (= ‖∇f‖), minimal against it (= −‖∇f‖), zero orthogonal to it", () => {
    expect(directionalDerivative(f, x0, np.array(GHAT)).item()).toBeCloseTo(GNORM, 12);
    expect(directionalDerivative(f, x0, np.array([-GHAT[0]!, -GHAT[1]!])).item()).toBeCloseTo(-GNORM, 12);
    expect(directionalDerivative(f, x0, np.array([-GHAT[1]!, GHAT[0]!])).item()).toBeCloseTo(0, 12);
    expect(directionalDerivative(f, x0, np.array([GHAT[1]!, -GHAT[0]!])).item()).toBeCloseTo(0, 12);

    // Sweep the unit circle: the best and worst sampled directions sit at θ = 0 and θ = π.
    const n = 360;
    const values = globalThis.Array.from({ length: n }, (_, k) => directionalDerivative(f, x0, np.array(rotated((2 * Math.PI * k) / n))).item());
    const best = values.indexOf(Math.max(...values));
    const worst = values.indexOf(Math.min(...values));
    expect(best).toBe(0);
    expect(worst).toBe(n / 2);
    for (const v of values) {
      expect(v).toBeLessThanOrEqual(GNORM + 1e-12);
      expect(v).toBeGreaterThanOrEqual(-GNORM - 1e-12);
    }
  });

  it("is linear in u (a non-unit u scales the rate)", () => {
    const u = np.array([0.3, -1.7]);
    const d = directionalDerivative(f, x0, u).item();
    expect(d).toBeCloseTo(G[0]! * 0.3 + G[1]! * -1.7, 12);
    expect(directionalDerivative(f, x0, np.mul(u, 3)).item()).toBeCloseTo(3 * d, 12);
  });
});

describe("steepestDescentDirection", () => {
  it("is −∇f/‖∇f‖ and has unit length", () => {
    const d = steepestDescentDirection(f, x0);
    const v = d.toArray() as number[];
    expect(v.length).toBe(2);
    expect(v[0]!).toBeCloseTo(-GHAT[0]!, 13);
    expect(v[1]!).toBeCloseTo(-GHAT[1]!, 13);
    expect(Math.hypot(v[0]!, v[1]!)).toBeCloseTo(1, 13);
    // Moving along it decreases f at the fastest rate, −‖∇f‖.
    expect(directionalDerivative(f, x0, d).item()).toBeCloseTo(-GNORM, 12);
  });

  it("keeps the structure of a pytree input", () => {
    // g({a, b}) = Σ (aᵢbᵢ² + 3aᵢ): ∂g/∂aᵢ = bᵢ² + 3, ∂g/∂bᵢ = 2aᵢbᵢ.
    // At a = [1, 0.5], b = [1, −2]: ∇a = [4, 7], ∇b = [2, −2], ‖∇g‖ = √(16 + 49 + 4 + 4) = √73.
    const g = (p: { a: Array; b: Array }) => np.sum(np.add(np.mul(p.a, np.square(p.b)), np.mul(3, p.a)));
    const d = steepestDescentDirection(g, { a: np.array([1, 0.5]), b: np.array([1, -2]) });
    const n = Math.sqrt(73);
    const da = d.a.toArray() as number[];
    const db = d.b.toArray() as number[];
    [-4 / n, -7 / n].forEach((e, i) => expect(da[i]!).toBeCloseTo(e, 13));
    [-2 / n, 2 / n].forEach((e, i) => expect(db[i]!).toBeCloseTo(e, 13));
  });

  it("is an error at a critical point", () => {
    // (x − 1)² + (y + 2)² has ∇ = 0 at (1, −2).
    const bowl = (p: Array) => np.add(np.square(np.sub(p.slice(0), 1)), np.square(np.add(p.slice(1), 2)));
    const msg = errorOf(() => steepestDescentDirection(bowl, np.array([1, -2])));
    expect(msg).toMatch(/critical point/);
    // Next to it there is a direction again: from (2, −2) it points back along −x.
    const v = steepestDescentDirection(bowl, np.array([2, -2])).toArray() as number[];
    expect(v[0]!).toBeCloseTo(-1, 14);
    expect(v[1]!).toBeCloseTo(0, 14);
  });

  it("any nonzero finite gradient has a unit direction: ∇f = 1e-300, or one whose norm overflows", () => {
    // f = 1e-300·x: ∇f = 1e-300, so the direction is −1 (its square underflows to 0).
    expect(steepestDescentDirection((x: Array) => np.sum(np.mul(1e-300, x)), np.array([1])).toArray()).toEqual([-1]);
    // f = c·(3x + 4y) at c = 1e-300 and 1e300 (‖∇f‖ = 5e300 overflows when squared): −(0.6, 0.8).
    for (const c of [1e-300, 1e300]) {
      const d = steepestDescentDirection((p: Array) => np.sum(np.mul(np.array([3 * c, 4 * c]), p)), np.array([1, 1])).toArray() as number[];
      expect(d[0]!).toBeCloseTo(-0.6, 15);
      expect(d[1]!).toBeCloseTo(-0.8, 15);
    }
    // ‖∇f‖ = √2·1.5e308 is beyond the float range, yet the direction is −(1, 1)/√2.
    const big = steepestDescentDirection((p: Array) => np.sum(np.mul(1.5e308, p)), np.array([1, 1])).toArray() as number[];
    big.forEach((v) => expect(v).toBeCloseTo(-Math.SQRT1_2, 15));
    expect(errorOf(() => steepestDescentDirection((x: Array) => np.sum(np.log(x)), np.array([0])))).toMatch(/not finite/);
  });
});

describe("taylor", () => {
  const F0 = fNum(1, 2); // 2 + sin 2
  const H = [
    [4, 2],
    [2, -Math.sin(2)],
  ];
  const d = [0.6, 0.8];
  const at = (h: number) => [1 + h * d[0]!, 2 + h * d[1]!];

  it("order 1: value and gradient match the closed forms; no Hessian", () => {
    const t = taylor(f, x0, { order: 1 });
    expect(t.value.item()).toBeCloseTo(F0, 14);
    const g = t.grad.toArray() as number[];
    expect(g[0]!).toBeCloseTo(G[0]!, 13);
    expect(g[1]!).toBeCloseTo(G[1]!, 13);
    expect(t.hessian).toBeUndefined();
    expect(t.model(x0).item()).toBeCloseTo(F0, 14);
  });

  it("order 2: value, gradient and Hessian match the closed forms", () => {
    const t = taylor(f, x0, { order: 2 });
    expect(t.value.item()).toBeCloseTo(F0, 14);
    const g = t.grad.toArray() as number[];
    expect(g[0]!).toBeCloseTo(G[0]!, 13);
    expect(g[1]!).toBeCloseTo(G[1]!, 13);
    const Hm = t.hessian!.toArray() as number[][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(Hm[i]![j]!).toBeCloseTo(H[i]![j]!, 13);
    expect(t.model(x0).item()).toBeCloseTo(F0, 14);
  });

  it("the models are the hand-written polynomials", () => {
    // m₁(x0 + δ) = f + ∇f·δ;  m₂ = m₁ + ½ δᵀHδ.
    const t1 = taylor(f, x0, { order: 1 });
    const t2 = taylor(f, x0, { order: 2 });
    const delta = [0.3, -0.2];
    const lin = F0 + G[0]! * delta[0]! + G[1]! * delta[1]!;
    const quad = lin + 0.5 * (H[0]![0]! * delta[0]! ** 2 + 2 * H[0]![1]! * delta[0]! * delta[1]! + H[1]![1]! * delta[1]! ** 2);
    const x = np.array([1 + delta[0]!, 2 + delta[1]!]);
    expect(t1.model(x).item()).toBeCloseTo(lin, 13);
    expect(t2.model(x).item()).toBeCloseTo(quad, 13);
  });

  it("the order-1 error along x0 + h·d shrinks like h² (halving h divides it by ≈ 4)", () => {
    const t = taylor(f, x0, { order: 1 });
    const err = (h: number) => Math.abs(fNum(...(at(h) as [number, number])) - t.model(np.array(at(h))).item());
    for (const h of [0.05, 0.0125, 0.003125]) {
      expect(err(h) / err(h / 2), `h = ${h}`).toBeCloseTo(4, 1);
    }
    // The constant is the quadratic term: err/h² → ½ dᵀHd.
    const c2 = 0.5 * (H[0]![0]! * d[0]! ** 2 + 2 * H[0]![1]! * d[0]! * d[1]! + H[1]![1]! * d[1]! ** 2);
    expect(err(1e-3) / 1e-6).toBeCloseTo(c2, 2);
  });

  it("the order-2 error along x0 + h·d shrinks like h³ (halving h divides it by ≈ 8)", () => {
    const t = taylor(f, x0, { order: 2 });
    const err = (h: number) => Math.abs(fNum(...(at(h) as [number, number])) - t.model(np.array(at(h))).item());
    for (const h of [0.05, 0.0125, 0.003125]) {
      expect(err(h) / err(h / 2), `h = ${h}`).toBeCloseTo(8, 1);
    }
    // The constant is the cubic term: (1/6) Σ f_ijk d_i d_j d_k with f_xxy = 2, f_yyy = −cos y
    // (the others vanish), i.e. (1/6)(3·2·dx²dy − cos 2·dy³).
    const c3 = (6 * d[0]! ** 2 * d[1]! - Math.cos(2) * d[1]! ** 3) / 6;
    expect(err(2e-3) / 8e-9).toBeCloseTo(c3, 2);
  });

  it("an order other than 1 or 2 is an error", () => {
    expect(errorOf(() => taylor(f, x0, { order: 3 as unknown as 1 }))).toMatch(/order/);
  });
});

describe("totalDerivative", () => {
  // f(t, x) = t·x₁² + sin(x₂)·eᵗ along the path x(t) = (cos t, t²):
  //   ∂f/∂t = x₁² + sin(x₂) eᵗ,  ∇ₓf = (2t x₁, cos(x₂) eᵗ),  dx/dt = (−sin t, 2t),
  //   df/dt = x₁² + sin(x₂) eᵗ − 2t x₁ sin t + 2t cos(x₂) eᵗ.
  const byHand = (t: number) => {
    const x1 = Math.cos(t);
    const x2 = t * t;
    return x1 * x1 + Math.sin(x2) * Math.exp(t) - 2 * t * x1 * Math.sin(t) + 2 * t * Math.cos(x2) * Math.exp(t);
  };
  const composite = (t: number) => t * Math.cos(t) ** 2 + Math.sin(t * t) * Math.exp(t);

  it("equals ∂f/∂t + ∇ₓf·dx/dt for a 2-D path", () => {
    const fTX = (t: Array, x: Array) => np.add(np.mul(t, np.square(x.slice(0))), np.mul(np.sin(x.slice(1)), np.exp(t)));
    const path = (t: Array) => np.stack([np.cos(t), np.square(t)]);
    const dfdt = totalDerivative(fTX, path);
    for (const t of [0, 0.4, 1.1, -0.8]) {
      expect(dfdt(np.array(t)).item(), `t = ${t}`).toBeCloseTo(byHand(t), 12);
      expect(dfdt(t).item(), `t = ${t} (number)`).toBeCloseTo(byHand(t), 12);
    }
  });

  it("agrees with a central difference of t ↦ f(t, x(t)), for a pytree path too", () => {
    const fTX = (t: Array, x: { a: Array; b: Array }) => np.add(np.mul(t, np.square(x.a)), np.mul(np.sin(x.b), np.exp(t)));
    const path = (t: Array) => ({ a: np.cos(t), b: np.square(t) });
    const dfdt = totalDerivative(fTX, path);
    const h = 1e-6;
    for (const t of [0.3, 0.9]) {
      const fd = (composite(t + h) - composite(t - h)) / (2 * h);
      expect(dfdt(t).item()).toBeCloseTo(fd, 7);
      expect(dfdt(t).item()).toBeCloseTo(byHand(t), 12);
    }
  });

  it("a path that does not move leaves only ∂f/∂t", () => {
    // x(t) = (2, 3) constant: df/dt = ∂f/∂t = x₁² + sin(x₂)eᵗ = 4 + sin 3·eᵗ.
    const fTX = (t: Array, x: Array) => np.add(np.mul(t, np.square(x.slice(0))), np.mul(np.sin(x.slice(1)), np.exp(t)));
    const dfdt = totalDerivative(fTX, () => np.array([2, 3]));
    expect(dfdt(0.5).item()).toBeCloseTo(4 + Math.sin(3) * Math.exp(0.5), 12);
  });
});
