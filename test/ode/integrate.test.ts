// The eager ODE core: fixed-step values and orders of convergence, the adaptive pairs'
// cost against scipy's, the stiff methods on Robertson's kinetics against a scipy Radau
// fixture (test/fixtures/ode.json, from scripts/fixtures/ode.py), replay bit for bit and
// its derivatives, and the statuses and errors a caller meets.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, jvp, np, vjp, type Array } from "nabla";
import { integrate, replay, type IntegrateOptions, type OdeMethod, type Rhs } from "../../packages/nabla/src/ode/integrate.js";
import { METHODS } from "../../packages/nabla/src/ode/methods.js";
import { Evaluator } from "../../packages/nabla/src/ode/steps.js";
import { EXPLICIT } from "../../packages/nabla/src/ode/tableaus.js";
import { errorOf } from "../helpers.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/ode.json", import.meta.url), "utf8"));

const FIXED = ["euler", "midpoint", "heun", "rk4"] as const;
const ADAPTIVE = ["bosh3", "dopri5", "tsit5"] as const;
const STIFF = ["rodas5", "rodas5p"] as const;
const ALL: readonly OdeMethod[] = [...FIXED, ...ADAPTIVE, ...STIFF];
const ORDER: Record<OdeMethod, number> = { euler: 1, midpoint: 2, heun: 2, rk4: 4, bosh3: 3, dopri5: 5, tsit5: 5, rodas5: 5, rodas5p: 5 };
const STAGES = { euler: 1, midpoint: 2, heun: 2, rk4: 4, bosh3: 4, dopri5: 7, tsit5: 7 } as const;

const decay: Rhs = (y) => y.neg();
// The logistic equation y' = y(1 − y) + 0.1·sin t: nonlinear and non-autonomous.
const logistic: Rhs = (y, t) => y.mul(np.sub(1, y)).add(0.1 * Math.sin(t));
// A damped, forced oscillator whose stiffness k the gradient tests vary.
const oscillator = (k: Array | number): Rhs => (y, t) => {
  const [x, v] = [np.slice(y, 0), np.slice(y, 1)];
  return np.stack([v, np.mul(x, k).neg().sub(v.mul(0.1)).add(Math.sin(t))]);
};
const robertson: Rhs = (y) => {
  const [k1, k2, k3] = fixture.robertson.k as number[];
  const [a, b, c] = [np.slice(y, 0), np.slice(y, 1), np.slice(y, 2)];
  const r1 = a.mul(k1!), r2 = b.mul(c).mul(k3!), r3 = b.square().mul(k2!);
  return np.stack([r2.sub(r1), r1.sub(r2).sub(r3), r3]);
};

const opts = (method: OdeMethod, more: Partial<IntegrateOptions> = {}): IntegrateOptions => ({ method, rtol: 1e-8, atol: 1e-10, maxSteps: 100000, ...more });
const rows = (ys: Array) => ys.toArray() as number[][];
const last = (ys: Array) => rows(ys)[ys.shape[0]! - 1]!;
const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe("fixed steps", () => {
  it("y' = −y, h = 0.1 to t = 1: Euler 0.9¹⁰, Heun and midpoint 0.905¹⁰, RK4 (1 − h + h²/2 − h³/6 + h⁴/24)¹⁰", () => {
    const expected = { euler: 0.3486784401, midpoint: 0.36854098483355185, heun: 0.36854098483355185, rk4: 0.3678797744124984 };
    for (const m of FIXED) {
      const r = integrate(decay, np.array([1]), [0, 1], opts(m, { dt0: 0.1 }));
      expect(Math.abs(last(r.ys)[0]! - expected[m])).toBeLessThan(1e-14);
      expect(r.steps.length).toBe(10);
      r.steps.forEach((s, i) => expect(Math.abs(s.h - 0.1) + Math.abs(s.t - i / 10)).toBeLessThan(1e-15));
      // Each step's stages; f at the end of the last step is never needed.
      expect(r.stats).toEqual({ nfev: 10 * STAGES[m], njev: 0, accepted: 10, rejected: 0 });
      expect(r.status).toBe("success");
    }
  });

  it("each interval of ts takes ⌈|Δ|/dt0 − 1e-9⌉ equal steps, landing on ts exactly", () => {
    const r = integrate(decay, np.array([1]), [0, 0.25, 1], opts("rk4", { dt0: 0.1 }));
    expect(r.steps.map((s) => s.h.toFixed(12))).toEqual([...repeat(3, "0.083333333333"), ...repeat(8, "0.093750000000")]);
    expect([r.steps[3]!.t, r.steps[10]!.t + r.steps[10]!.h]).toEqual([0.25, 1]);
    expect(rows(r.ys)[1]![0]).toBeCloseTo(Math.exp(-0.25), 6);
  });

  it.each(FIXED)("%s converges at its order (error ratio ≈ 2^p when h halves)", (m) => {
    const exact = logisticAt2();
    const err = (h: number) => Math.abs(last(integrate(logistic, np.array([0.2]), [0, 2], opts(m, { dt0: h })).ys)[0]! - exact);
    const p = Math.log2(err(0.02) / err(0.01));
    expect(Math.abs(p - ORDER[m])).toBeLessThan(0.1);
  });
});

const repeat = (n: number, v: string) => globalThis.Array.from({ length: n }, () => v);

let logisticExact: number | undefined;
/** The logistic problem's y(2) from y(0) = 0.2, by dopri5 at rtol 1e-14. */
function logisticAt2(): number {
  return (logisticExact ??= last(integrate(logistic, np.array([0.2]), [0, 2], opts("dopri5", { rtol: 1e-14, atol: 1e-16 })).ys)[0]!);
}

describe("every tableau's order", () => {
  // Uniform steps through replay: the method's own convergence, without the controller,
  // on y' = −(1 + t²)·y + cos 2t. The slope from 10 to 80 steps; fifth-order methods
  // approach theirs from above or below (measured: bosh3 3.23, dopri5 5.50, tsit5 5.82,
  // rodas5 4.57, rodas5p 4.85), while a wrong coefficient drops the order to 2 or less.
  it.each([...ADAPTIVE, ...STIFF])("%s converges at its order with uniform steps", (m) => {
    const rhs: Rhs = (y, t) => y.mul(-(1 + t * t)).add(Math.cos(2 * t));
    const exact = last(integrate(rhs, np.array([0.2]), [0, 2], opts("dopri5", { rtol: 1e-14, atol: 1e-16 })).ys)[0]!;
    const err = (n: number) => {
      const steps = globalThis.Array.from({ length: n }, (_, i) => ({ t: (2 * i) / n, h: 2 / n }));
      return Math.abs(last(replay(rhs, np.array([0.2]), [0, 2], steps, m))[0]! - exact);
    };
    const p = Math.log2(err(10) / err(80)) / 3;
    expect(p).toBeGreaterThan(ORDER[m] - 0.5);
    expect(p).toBeLessThan(ORDER[m] + 1);
  });

  // One step of h from 0, read at h/2: the local error of the dense output (measured
  // log₂ ratios from h = 0.05 to 0.025: bosh3's cubic Hermite 3.96, dopri5 5.03, tsit5
  // 4.77, rodas5 5.19, rodas5p 4.97: the order-4 interpolants' h⁵).
  it.each([...ADAPTIVE, ...STIFF])("%s's dense output has its order inside a step", (m) => {
    const rhs: Rhs = (y, t) => y.mul(-(1 + t * t)).add(Math.cos(2 * t));
    const err = (h: number) => {
      const exact = last(integrate(rhs, np.array([0.2]), [0, h / 2], opts("dopri5", { rtol: 1e-14, atol: 1e-16 })).ys)[0]!;
      return Math.abs(rows(replay(rhs, np.array([0.2]), [0, h / 2, h], [{ t: 0, h }], m))[1]![0]! - exact);
    };
    expect(Math.log2(err(0.05) / err(0.025))).toBeGreaterThan(m === "bosh3" ? 3.7 : 4.5);
    const tab = EXPLICIT[m as (typeof ADAPTIVE)[number]];
    if (tab?.dense) {
      // The weights run from 0 at θ = 0 to the solution's b at θ = 1.
      expect(tab.dense(0).every((w) => w === 0)).toBe(true);
      tab.dense(1).forEach((w, j) => expect(Math.abs(w - tab.b[j]!)).toBeLessThan(1e-14));
    }
  });

  it.each([...ADAPTIVE, ...STIFF])("%s's error estimate shrinks as h^errorOrder", (m) => {
    const spec = METHODS[m];
    const estimate = (h: number) => {
      const e = spec.step(new Evaluator(logistic, 1), { t: 0, y: np.array([0.2]) }, h, true).err!;
      return Math.abs(e[0]!);
    };
    const k = Math.log2(estimate(0.1) / estimate(0.05));
    expect(Math.abs(k - spec.errorOrder)).toBeLessThan(0.5);
  });
});

describe("adaptive steps", () => {
  const { RK45 } = fixture.decay;

  it("y' = −y on [0, 1] at rtol 1e-8, atol 1e-10: error and cost against scipy's RK45 (74 evaluations, error 8.0e-10)", () => {
    expect(RK45.nfev).toBe(74);
    // Measured: bosh3 458 evaluations, error 4.6e-9; dopri5 86, 5.0e-10; tsit5 74, 1.8e-10.
    const bounds = { bosh3: [600, 1e-8], dopri5: [100, 1e-9], tsit5: [90, 5e-10] } as const;
    for (const m of ADAPTIVE) {
      const r = integrate(decay, np.array([1]), [0, 1], opts(m));
      const [nfev, error] = bounds[m];
      expect(r.stats.nfev, m).toBeLessThanOrEqual(nfev);
      expect(Math.abs(last(r.ys)[0]! - Math.exp(-1)), m).toBeLessThan(error);
      // FSAL: f at y0, the starting-step heuristic's one call, then stages − 1 per attempt.
      expect(r.stats.nfev).toBe(2 + (STAGES[m] - 1) * (r.stats.accepted + r.stats.rejected));
    }
  });

  it("times inside steps leave the steps alone, and their dense output is as accurate as the steps' ends", () => {
    const ts = globalThis.Array.from({ length: 21 }, (_, i) => i / 2);
    const osc = oscillator(1);
    const worstError = (m: OdeMethod, times: number[]) => {
      const got = rows(integrate(osc, np.array([1, 0]), times, opts(m)).ys);
      const ref = rows(integrate(osc, np.array([1, 0]), times, opts("dopri5", { rtol: 1e-13, atol: 1e-15 })).ys);
      return Math.max(...got.flatMap((row, i) => row.map((v, j) => Math.abs(v - ref[i]![j]!))));
    };
    for (const m of ADAPTIVE) {
      const dense = integrate(osc, np.array([1, 0]), ts, opts(m));
      const plain = integrate(osc, np.array([1, 0]), [0, 10], opts(m));
      expect(dense.steps).toEqual(plain.steps);
      expect(last(dense.ys)).toEqual(last(plain.ys));
      // At rtol 1e-8, measured inside steps / at the steps' ends: bosh3 (cubic Hermite)
      // 8.50e-8 / 8.51e-8, dopri5 1.07e-8 / 1.08e-8, tsit5 3.38e-9 / 3.38e-9. (The cubic
      // Hermite in place of dopri5's and tsit5's own interpolants: 1.4e-7 and 7.3e-7.)
      const ends = [0, ...plain.steps.map((s) => s.t + s.h)];
      expect(worstError(m, ts), m).toBeLessThan(1.5 * worstError(m, ends));
    }
  });

  it("integrates backwards when ts decrease", () => {
    for (const m of [...ADAPTIVE, ...STIFF, "rk4"] as const) {
      const r = integrate(decay, np.array([Math.exp(-2)]), [2, 1, 0], opts(m, { dt0: 0.01 }));
      expect(r.steps.every((s) => s.h < 0)).toBe(true);
      // t = 1 falls inside a step, t = 0 ends one.
      expect(Math.abs(rows(r.ys)[1]![0]! - Math.exp(-1)), m).toBeLessThan(1e-7);
      expect(Math.abs(last(r.ys)[0]! - 1), m).toBeLessThan(1e-7);
    }
  });

  it("errorSize: the extra components of an augmented state do not steer the steps", () => {
    const y = integrate(logistic, np.array([0.2]), [0, 3], opts("dopri5"));
    // z' = 1e6·sin(1e3·y): wild, but only y enters the error norm.
    const augmented: Rhs = (v, t) => {
      const yv = np.slice(v, [0, 1]);
      return np.concatenate([logistic(yv, t), np.sin(yv.mul(1e3)).mul(1e6)]);
    };
    const both = integrate(augmented, np.array([0.2, 0]), [0, 3], opts("dopri5", { errorSize: 1 }));
    expect(both.steps).toEqual(y.steps);
    expect(last(both.ys)[0]).toBe(last(y.ys)[0]);
    expect(integrate(augmented, np.array([0.2, 0]), [0, 3], opts("dopri5")).steps.length).toBeGreaterThan(y.steps.length);
  });
});

describe("stiff problems", () => {
  const rob = fixture.robertson;

  it.each(STIFF)("Robertson's kinetics on [0, 1e5] at rtol 1e-6, atol 1e-10 (%s) against scipy's Radau", (m) => {
    const r = integrate(robertson, np.array(rob.y0), rob.ts, { method: m, rtol: 1e-6, atol: 1e-10, maxSteps: 10000 });
    expect(r.status).toBe("success");
    // Measured: rodas5 109 steps (2 rejected), rodas5p 108 (3 rejected); scipy's Radau
    // takes 188 at these tolerances, BDF 327 and LSODA 508 (the fixture's counts).
    expect(rob.scipy.Radau.steps).toBe(188);
    expect(r.stats.accepted).toBeLessThanOrEqual(130);
    expect(r.stats.rejected).toBeLessThanOrEqual(10);
    // One Jacobian per point steps start from, shared by the attempts rejected there.
    expect(r.stats.njev).toBe(r.stats.accepted);
    // Every state, inside steps too, within 2 units of the tolerance of the rtol 1e-10
    // reference (measured at most 0.75).
    rows(r.ys).forEach((row, i) =>
      row.forEach((v, j) => {
        const ref = rob.ys[i][j] as number;
        expect(Math.abs(v - ref) / (1e-10 + 1e-6 * Math.abs(ref)), `ys[${i}][${j}]`).toBeLessThan(2);
      }),
    );
    // Rosenbrock steps keep the linear invariant y1 + y2 + y3 = 1.
    rows(r.ys).forEach((row) => expect(Math.abs(row[0]! + row[1]! + row[2]! - 1)).toBeLessThan(1e-13));
  });

  it("y' = −1000(y − cos t) on [0, 10]: dopri5 needs thousands of steps, rodas5p dozens", () => {
    const forced: Rhs = (y, t) => y.sub(Math.cos(t)).mul(-1000);
    const exact = (1e6 * Math.cos(10) + 1e3 * Math.sin(10)) / (1e6 + 1);
    const run = (m: OdeMethod) => integrate(forced, np.array([0]), [0, 10], { method: m, rtol: 1e-6, atol: 1e-9, maxSteps: 100000 });
    const explicit = run("dopri5");
    const stiff = run("rodas5p");
    // Measured: dopri5 3704 steps, rodas5p 63 (rodas5 313: its error estimate suffers order
    // reduction here). scipy: RK45 3587, Radau 80.
    expect(fixture.stiff_linear.RK45.steps).toBe(3587);
    expect(explicit.stats.accepted).toBeGreaterThan(3000);
    expect(stiff.stats.accepted).toBeLessThan(80);
    for (const r of [explicit, stiff]) expect(Math.abs(last(r.ys)[0]! - exact)).toBeLessThan(1e-6);
  });
});

describe("replay", () => {
  const ts = [0, 0.35, 1.2, 2.5, 3];

  it.each(ALL)("%s: replay gives integrate's ys bit for bit (outputs inside steps, forwards and backwards)", (m) => {
    for (const times of [ts, [...ts].reverse()]) {
      const y0 = np.array([1, -0.5]);
      const r = integrate(oscillator(2), y0, times, opts(m, { rtol: 1e-6, atol: 1e-9, dt0: 0.3 }));
      expect(r.status).toBe("success");
      expect(sameBits(replay(oscillator(2), y0, times, r.steps, m).toFloat64Array(), r.ys.toFloat64Array())).toBe(true);
    }
  });

  it.each(["dopri5", "rodas5p", "rk4"] as const)("%s: each step starts where the last ended, so a run of steps replays from its first state alone", (m) => {
    const y0 = np.array([1, -0.5]);
    const r = integrate(oscillator(2), y0, ts, opts(m, { rtol: 1e-6, atol: 1e-9, dt0: 0.1 }));
    r.steps.slice(1).forEach((s, j) => expect(s.t).toBe(r.steps[j]!.t + r.steps[j]!.h));
    // The state at the start of step j, then the steps from j on, with ts past that point.
    const j = Math.floor(r.steps.length / 2);
    const tj = r.steps[j]!.t;
    const yj = np.slice(replay(oscillator(2), y0, [0, tj], r.steps.slice(0, j), m), 1);
    const later = ts.filter((t) => t > tj);
    const tail = replay(oscillator(2), yj, [tj, ...later], r.steps.slice(j), m);
    const full = rows(r.ys).slice(ts.length - later.length);
    expect(sameBits(np.slice(tail, [1, later.length + 1]).toFloat64Array(), Float64Array.from(full.flat()))).toBe(true);
  });

  it("after a failure, replay gives the same rows, NaN where integrate stopped", () => {
    const r = integrate(decay, np.array([1]), [0, 1, 50], { method: "dopri5", rtol: 1e-6, atol: 1e-9, maxSteps: 12 });
    expect(r.status).toBe("maxSteps");
    expect(sameBits(replay(decay, np.array([1]), [0, 1, 50], r.steps, "dopri5").toFloat64Array(), r.ys.toFloat64Array())).toBe(true);
  });

  it.each(["dopri5", "rodas5p"] as const)("%s: grad and jvp through replay match central differences of the solve with the same steps", (m) => {
    const y0 = np.array([1, 0]);
    const r = integrate(oscillator(2), y0, ts, opts(m));
    const solve = (k: Array) => replay(oscillator(k), y0, ts, r.steps, m);
    // Traced by vjp and jvp, replay still computes integrate's ys bit for bit.
    const [traced] = vjp(solve, np.array(2));
    expect(sameBits((traced as Array).toFloat64Array(), r.ys.toFloat64Array())).toBe(true);
    expect(sameBits(jvp(solve, [np.array(2)], [np.array(1)])[0].toFloat64Array(), r.ys.toFloat64Array())).toBe(true);
    const loss = (k: Array) => np.sum(np.mul(solve(k), np.array([[1, 2]])));
    const g = grad(loss)(np.array(2)).item();
    expect(Math.abs(jvp(loss, [np.array(2)], [np.array(1)])[1].item() - g)).toBeLessThan(1e-12);
    // Eager replay with the frozen steps is integrate's arithmetic. The step 1e-4 keeps
    // the difference above the rounding noise of rodas5p's finite difference in t.
    const eps = 1e-4;
    const fd = (loss(np.array(2 + eps)).item() - loss(np.array(2 - eps)).item()) / (2 * eps);
    expect(Math.abs(g - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(g)));
    // And in y0.
    const fromY0 = (v: Array) => np.sum(replay(oscillator(2), v, ts, r.steps, m));
    const gy = grad(fromY0)(y0).toArray() as number[];
    const fdy = (fromY0(np.array([1 + eps, 0])).item() - fromY0(np.array([1 - eps, 0])).item()) / (2 * eps);
    expect(Math.abs(gy[0]! - fdy)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fdy)));
  });
});

describe("failures are statuses, not exceptions", () => {
  it("maxSteps: the rows not reached are NaN, the message names t and the step size", () => {
    const r = integrate(decay, np.array([1]), [0, 0.5, 100], { method: "dopri5", rtol: 1e-6, atol: 1e-9, maxSteps: 10 });
    expect(r.status).toBe("maxSteps");
    expect(r.message).toMatch(/^dopri5: reached maxSteps = 10 at t = [\d.]+ with step size [\d.e-]+$/);
    expect(r.stats.accepted + r.stats.rejected).toBe(10);
    expect(rows(r.ys)[1]![0]).toBeCloseTo(Math.exp(-0.5), 5);
    expect(rows(r.ys)[2]![0]).toBeNaN();
    const fixed = integrate(decay, np.array([1]), [0, 1], opts("euler", { dt0: 0.01, maxSteps: 50 }));
    expect([fixed.status, fixed.steps.length, last(fixed.ys)[0]]).toEqual(["maxSteps", 50, NaN]);
  });

  it.each(["dopri5", "rodas5p", "bosh3"] as const)("stepUnderflow at a blow-up (y' = y², y(0) = 1, at t = 1) with %s", (m) => {
    const r = integrate((y) => y.square(), np.array([1]), [0, 0.5, 2], opts(m, { rtol: 1e-6, atol: 1e-9 }));
    expect(r.status).toBe("stepUnderflow");
    expect(r.message).toMatch(new RegExp(`^${m}: step size [\\d.e-]+ underflowed at t = 1$`));
    expect(rows(r.ys)[1]![0]).toBeCloseTo(2, 5);
    expect(last(r.ys)[0]).toBeNaN();
  });

  it("nonFinite: NaN in f stops fixed steps at once, and adaptive ones where shrinking cannot avoid it", () => {
    const rootOfOneMinusT: Rhs = (y, t) => y.mul(Math.sqrt(1 - t)); // NaN past t = 1
    const euler = integrate(rootOfOneMinusT, np.array([1]), [0, 2], opts("euler", { dt0: 0.1 }));
    expect([euler.status, euler.message]).toEqual(["nonFinite", "euler: non-finite values in f or y at t = 1.1 with step size 0.1"]);
    for (const m of ["dopri5", "rodas5p"] as const) {
      const r = integrate(rootOfOneMinusT, np.array([1]), [0, 0.5, 2], opts(m, { rtol: 1e-6, atol: 1e-9 }));
      expect(r.status).toBe("nonFinite");
      expect(r.message).toMatch(new RegExp(`^${m}: non-finite values in f or y at t = 1 with step size`));
      expect(rows(r.ys)[1]![0]).toBeCloseTo(Math.exp((2 / 3) * (1 - 0.5 ** 1.5)), 4);
    }
    const nanStart = integrate(decay, np.array([NaN]), [0, 1], opts("dopri5"));
    expect([nanStart.status, nanStart.steps.length]).toEqual(["nonFinite", 0]);
  });
});

describe("edge cases and bad input", () => {
  it("one time: ys = [y0], no steps; a float32 y0 is widened to float64", () => {
    const r = integrate(decay, np.array([1, 2]), [3], opts("dopri5"));
    expect([rows(r.ys), r.steps, r.status, r.stats.nfev]).toEqual([[[1, 2]], [], "success", 0]);
    expect(integrate(decay, np.array([1], { dtype: "float32" }), [0, 1], opts("rk4", { dt0: 0.5 })).ys.dtype).toBe("float64");
  });

  it("atol = 0 with a component at exactly 0 (a zero scale) still steps", () => {
    const r = integrate((y) => np.mul(y, np.array([-1, 0])), np.array([1, 0]), [0, 1], opts("dopri5", { rtol: 1e-6, atol: 0 }));
    expect(r.status).toBe("success");
    expect(rows(r.ys)[1]![0]).toBeCloseTo(Math.exp(-1), 6);
  });

  it("bad arguments are one-line errors naming the argument", () => {
    const y0 = np.array([1]);
    expect(errorOf(() => integrate(decay, y0, [0, 1, 1], opts("dopri5")))).toBe("odeint: ts must be strictly increasing or strictly decreasing, got ts[1] = 1 then ts[2] = 1");
    expect(errorOf(() => integrate(decay, y0, [0, 2, 1], opts("dopri5")))).toMatch(/^odeint: ts must be strictly increasing or strictly decreasing/);
    expect(errorOf(() => integrate(decay, y0, [], opts("dopri5")))).toMatch(/^odeint: ts must be a non-empty list/);
    expect(errorOf(() => integrate(decay, y0, [0, NaN], opts("dopri5")))).toBe("odeint: ts[1] must be a finite number, got NaN");
    expect(errorOf(() => integrate(decay, np.array([[1]]), [0, 1], opts("dopri5")))).toBe("odeint: y0 must be a 1-D float Array, got float64 of shape (1,1)");
    expect(errorOf(() => integrate(decay, np.array([1], { dtype: "int32" }), [0, 1], opts("dopri5")))).toBe("odeint: y0 must be a 1-D float Array, got int32 of shape (1,)");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("rk45" as OdeMethod)))).toMatch(/^odeint: method "rk45" is not one of euler, midpoint, heun, rk4, bosh3, dopri5, tsit5, rodas5, rodas5p$/);
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("rk4")))).toBe("odeint: dt0 (the step) is required for the fixed-step method rk4");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("dopri5", { rtol: 0 })))).toBe("odeint: rtol must be a positive finite number, got 0");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("dopri5", { atol: -1 })))).toBe("odeint: atol must be a non-negative finite number, got -1");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("dopri5", { maxSteps: 0 })))).toBe("odeint: maxSteps must be a positive integer or Infinity, got 0");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("dopri5", { errorSize: 2 })))).toBe("odeint: errorSize must be an integer from 0 to y0's length 1, got 2");
    expect(errorOf(() => integrate(decay, y0, [0, 1], opts("dopri5", { dt0: 0 })))).toBe("odeint: dt0 must be a nonzero finite number, got 0");
    expect(errorOf(() => integrate((y) => np.concatenate([y, y]), y0, [0, 1], opts("dopri5")))).toBe("odeint: rhs must return an Array of shape (1,) (y's), got shape (2,)");
    expect(errorOf(() => integrate(3 as unknown as Rhs, y0, [0, 1], opts("dopri5")))).toMatch(/^odeint: rhs must be a function/);
    expect(errorOf(() => integrate(decay, y0, [0, 1], undefined as unknown as IntegrateOptions))).toBe("odeint: options must be an object, got undefined");
    expect(errorOf(() => replay(decay, y0, [0, 1], [], "nope" as OdeMethod))).toMatch(/^odeint: method "nope"/);
  });
});
