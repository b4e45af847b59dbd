// odeint's values and derivatives: closed forms, central differences, the three adjoints
// against each other, forward mode, pytrees, vmap, jit, and failures.
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jacfwd, jit, jvp, np, ode, vmap, type Array } from "nabla";
import { errorOf, expectClose } from "../helpers.js";

// The logistic equation y' = r·y·(1 − y) has y(t) = 1 / (1 + (1/y₀ − 1)·e^(−r·(t − t₀))).
const logistic = (y: Array, _t: Array, r: Array) => y.mul(r).mul(np.sub(1, y));
const exact = (y0: number, r: number, t: number, t0 = 0) => 1 / (1 + (1 / y0 - 1) * Math.exp(-r * (t - t0)));
const central = (f: (h: number) => number, h = 1e-5) => (f(h) - f(-h)) / (2 * h);

describe("values", () => {
  it("the logistic equation to its closed form at several times (dopri5, tsit5, bosh3, rodas5p)", () => {
    for (const method of ["dopri5", "tsit5", "bosh3", "rodas5p"] as const) {
      const solve = ode.odeint(logistic, { method, rtol: 1e-10, atol: 1e-12 });
      const r = solve(np.array(0.1), np.array([0, 0.5, 2, 5]), np.array(1.3));
      expect(r.status.item()).toBe(0);
      expectClose(r.ys.toArray(), [0, 0.5, 2, 5].map((t) => exact(0.1, 1.3, t)), 1e-8);
    }
  });

  it("fixed-step RK4 with dt0", () => {
    const r = ode.odeint((y: Array) => y.neg(), { method: "rk4", dt0: 0.1 })(np.array(1), [0, 1]);
    expect(r.ys.slice(1).item()).toBeCloseTo(0.3678797744124984, 14);
    expect(r.accepted.item()).toBe(10);
  });

  it("a pytree state: the harmonic oscillator {x, v}", () => {
    const f = (s: { x: Array; v: Array }, _t: Array, w: Array) => ({ x: s.v, v: s.x.mul(w.mul(w)).neg() });
    const r = ode.odeint(f, { rtol: 1e-10, atol: 1e-12 })({ x: np.array(1), v: np.array(0) }, np.linspace(0, 3, 4), np.array(2));
    expectClose(r.ys.x.toArray(), [0, 1, 2, 3].map((t) => Math.cos(2 * t)), 1e-8);
    expectClose(r.ys.v.toArray(), [0, 1, 2, 3].map((t) => -2 * Math.sin(2 * t)), 1e-8);
  });

  it("integrates backwards when ts decrease", () => {
    const r = ode.odeint(logistic, { rtol: 1e-10, atol: 1e-12 })(np.array(exact(0.1, 1, 2)), [2, 0], np.array(1));
    expect(r.ys.slice(1).item()).toBeCloseTo(0.1, 9);
  });
});

describe("derivatives of the logistic solution in y₀, r and the times", () => {
  const y0 = 0.2;
  const r = 0.9;
  const times = [0, 0.7, 2];
  // L = Σ_i w_i·y(t_i): every output time counts.
  const weights = np.array([0.5, -1, 2]);
  const closed = (y0: number, r: number, ts: number[]) => ts.reduce((s, t, i) => s + [0.5, -1, 2][i]! * exact(y0, r, t, ts[0]), 0);
  const fd = {
    y0: central((h) => closed(y0 + h, r, times)),
    r: central((h) => closed(y0, r + h, times)),
    ts: times.map((_, i) => central((h) => closed(y0, r, times.map((t, j) => (j === i ? t + h : t))))),
  };

  for (const adjoint of ["direct", "checkpoint", "backsolve"] as const) {
    it(`adjoint "${adjoint}" matches central differences of the closed form (1e-6)`, () => {
      const solve = ode.odeint(logistic, { rtol: 1e-10, atol: 1e-12, adjoint });
      const L = (y0: Array, ts: Array, r: Array) => solve(y0, ts, r).ys.mul(weights).sum();
      const [gy0, gts, gr] = grad(L, { argnums: [0, 1, 2] })(np.array(y0), np.array(times), np.array(r));
      expect(Math.abs(gy0.item() - fd.y0)).toBeLessThan(1e-6);
      expect(Math.abs(gr.item() - fd.r)).toBeLessThan(1e-6);
      expectClose(gts.toArray(), fd.ts, 1e-6);
    });
  }

  it('"checkpoint" equals "direct" to rounding (both differentiate the numerical solution)', () => {
    const grads = (["direct", "checkpoint"] as const).map((adjoint) => {
      const solve = ode.odeint(logistic, { rtol: 1e-5, atol: 1e-8, adjoint });
      return grad((r: Array) => solve(np.array(y0), np.linspace(0, 8, 5), r).ys.sum())(np.array(r)).item();
    });
    expect(Math.abs(grads[0]! - grads[1]!)).toBeLessThan(1e-12 * Math.abs(grads[0]!));
  });

  it("forward mode matches the closed form's derivatives", () => {
    const solve = ode.odeint(logistic, { rtol: 1e-10, atol: 1e-12 });
    const L = (y0: Array, ts: Array, r: Array) => solve(y0, ts, r).ys.mul(weights).sum();
    const [, dL] = jvp(L, [np.array(y0), np.array(times), np.array(r)], [np.array(1), np.array([0.3, -0.2, 0.5]), np.array(-2)]);
    const expected = fd.y0 + fd.ts[0]! * 0.3 - fd.ts[1]! * 0.2 + fd.ts[2]! * 0.5 - 2 * fd.r;
    expect(Math.abs(dL.item() - expected)).toBeLessThan(1e-6);
  });

  it("checkGrads at order 2 with adjoint direct (and forward mode), and with backsolve", () => {
    for (const adjoint of ["direct", "backsolve"] as const) {
      const solve = ode.odeint(logistic, { rtol: 1e-11, atol: 1e-13, adjoint });
      checkGrads((y0: Array, r: Array) => solve(y0, [0, 1.5], r).ys.slice(1), [np.array(y0), np.array(r)], { order: 2, rtol: 1e-4, atol: 1e-6 });
    }
  });

  it('adjoint "checkpoint" refuses second derivatives with a pointer to the others', () => {
    const solve = ode.odeint(logistic);
    const g = grad((r: Array) => solve(np.array(y0), [0, 1], r).ys.sum());
    expect(errorOf(() => grad(g)(np.array(r)))).toMatch(/adjoint "checkpoint" gives first derivatives; for higher ones use adjoint "direct" \(eager\) or "backsolve"/);
  });
});

describe("transformations", () => {
  const solve = ode.odeint(logistic, { rtol: 1e-9, atol: 1e-12 });

  it("vmap over y₀ and r equals a loop, values and gradients", () => {
    const y0s = [0.1, 0.3, 0.6];
    const rs = [0.5, 1, 2];
    const batched = vmap((y0: Array, r: Array) => solve(y0, [0, 1, 3], r).ys)(np.array(y0s), np.array(rs));
    y0s.forEach((y0, i) => expectClose((batched.toArray() as number[][])[i]!, solve(np.array(y0), [0, 1, 3], np.array(rs[i]!)).ys.toArray() as number[], 1e-15));
    for (const adjoint of ["checkpoint", "backsolve"] as const) {
      const s = ode.odeint(logistic, { rtol: 1e-9, atol: 1e-12, adjoint });
      const g = (r: Array) => grad((r: Array) => s(np.array(0.2), [0, 1], r).ys.sum())(r);
      expectClose(vmap(g)(np.array(rs)).toArray(), rs.map((r) => g(np.array(r)).item()), 1e-14);
    }
  });

  it("jit equals eager, values and gradients (checkpoint and backsolve)", () => {
    const f = (r: Array) => solve(np.array(0.2), [0, 1, 2], r).ys.sum();
    expect(jit(f)(np.array(1.1)).item()).toBe(f(np.array(1.1)).item());
    for (const adjoint of ["checkpoint", "backsolve"] as const) {
      const s = ode.odeint(logistic, { rtol: 1e-9, atol: 1e-12, adjoint });
      const L = (r: Array) => s(np.array(0.2), [0, 1, 2], r).ys.sum();
      expect(jit(grad(L))(np.array(1.1)).item()).toBe(grad(L)(np.array(1.1)).item());
    }
    expect(jit(jacfwd(f))(np.array(1.1)).item()).toBe(jacfwd(f)(np.array(1.1)).item());
  });

  it('adjoint "direct" under jit is a clear error naming the alternatives', () => {
    const s = ode.odeint(logistic, { adjoint: "direct" });
    expect(errorOf(() => jit(grad((r: Array) => s(np.array(0.2), [0, 1], r).ys.sum()))(np.array(1)))).toMatch(
      /adjoint "direct" replays the solver's steps, so it needs concrete values; under jit or vmap use adjoint "checkpoint" or "backsolve"/,
    );
  });
});

describe("failures and bad input", () => {
  it("an exhausted step budget is a status and a message naming t and the step size, and refuses derivatives", () => {
    const solve = ode.odeint(logistic, { maxSteps: 3, rtol: 1e-10 });
    const r = solve(np.array(0.1), [0, 10], np.array(1));
    expect(ode.STATUS[r.status.item()]).toBe("maxSteps");
    expect(r.success.item()).toBe(0);
    expect(r.message).toMatch(/t = .*step/);
    expect(Number.isNaN(r.ys.slice(1).item())).toBe(true);
    expect(errorOf(() => grad((k: Array) => solve(np.array(0.1), [0, 10], k).ys.sum())(np.array(1)))).toMatch(/odeint\(logistic\): the solve ended with status "maxSteps"/);
  });

  it("NaN in f is status nonFinite", () => {
    const r = ode.odeint((y: Array) => np.sqrt(y.neg()))(np.array(1), [0, 1]);
    expect(ode.STATUS[r.status.item()]).toBe("nonFinite");
  });

  it("bad options and shapes are one-line errors naming odeint", () => {
    expect(errorOf(() => ode.odeint(logistic, { method: "rk45" as "dopri5" }))).toMatch(/odeint\(logistic\): method "rk45" is not one of/);
    expect(errorOf(() => ode.odeint(logistic, { method: "rk4" }))).toMatch(/method "rk4" takes fixed steps: give dt0/);
    expect(errorOf(() => ode.odeint(logistic, { rtol: 0 }))).toMatch(/rtol must be a finite number > 0/);
    expect(errorOf(() => ode.odeint(logistic, { adjoint: "adjoint" as "direct" }))).toMatch(/adjoint "adjoint" is not one of checkpoint, direct, backsolve/);
    expect(errorOf(() => ode.odeint((y: Array) => y.sum())(np.zeros([2]), [0, 1]))).toMatch(/f must return y's structure, shapes and dtypes/);
  });
});
