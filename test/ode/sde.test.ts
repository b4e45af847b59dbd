// sdeint against closed forms: geometric Brownian motion's exact solution on the same
// Brownian path (strong orders ½ and 1, measured over paths batched by vmap over keys),
// its exactly known weak error, and the Ornstein–Uhlenbeck process's mean and variance
// within Monte Carlo error bars; the documented noise reproduced step by step; pathwise
// gradients against central differences with the same key; jit and vmap against eager.
import { describe, expect, it } from "vitest";
import { grad, jit, np, ode, random, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const METHODS: ode.SdeMethod[] = ["euler-maruyama", "milstein", "heun"];

/** The least-squares slope of log y against log x. */
function logSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  const sxy = lx.reduce((a, x, i) => a + (x - mx) * (ly[i]! - my), 0);
  const sxx = lx.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

const meanOf = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
const varOf = (x: Float64Array) => {
  const m = meanOf(x);
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
};

// Geometric Brownian motion dy = μy dt + σy dW: y(t) = y0·exp((μ − σ²/2)t + σW(t)) (Itô);
// read as Stratonovich (heun), y(t) = y0·exp(μt + σW(t)).
const MU = 1.5;
const SIGMA = 1;
const gbm = (method: ode.SdeMethod, dt: number) => ode.sdeint((y: Array) => y.mul(MU), (y: Array) => y.mul(SIGMA), { method, dt });
const gbmExact = (method: ode.SdeMethod, t: number | Array, w: Array) => np.exp(np.add(np.mul(method === "heun" ? MU : MU - SIGMA ** 2 / 2, t), np.mul(SIGMA, w)));

describe("the Brownian path", () => {
  it("is the documented one: random.split(key, N)[i] draws step i's increments, normal·√h cut into the leaves", () => {
    // Unequal intervals: 0.25/0.1 → 3 steps of 1/12, 0.75/0.1 → 8 steps of 0.09375.
    const ts = [0, 0.25, 1];
    const grid = [...globalThis.Array(3).fill(0.25 / 3), ...globalThis.Array(8).fill(0.75 / 8)] as number[];
    const key = random.key(42);
    const y0 = { a: np.array([1, 2]), b: np.array(0.5) };
    const f = (y: typeof y0, t: Array) => ({ a: y.a.mul(np.cos(t)), b: y.b.mul(-1) });
    const g = (y: typeof y0) => ({ a: y.a.mul(0.3), b: np.array(0.2) });
    const r = ode.sdeint(f, g, { dt: 0.1 })(y0, ts, key);
    expect(r.ys.a.shape).toEqual([3, 2]);
    expect(r.ys.b.shape).toEqual([3]);

    const keys = random.split(key, grid.length);
    let [a, b, t] = [y0.a, y0.b, 0];
    let [wa, wb] = [np.zeros([2]), np.array(0)];
    const saved: number[][] = [[...(a.toArray() as number[]), b.item()]];
    const savedW: number[][] = [[0, 0, 0]];
    grid.forEach((h, i) => {
      const z = random.normal(np.slice(keys, i), [3]).mul(Math.sqrt(h));
      const [da, db] = [np.slice(z, [0, 2]), np.slice(z, 2)];
      [a, b] = [a.add(a.mul(Math.cos(t) * h)).add(a.mul(0.3).mul(da)), b.sub(b.mul(h)).add(db.mul(0.2))];
      [wa, wb] = [wa.add(da), wb.add(db)];
      t += h;
      if (i === 2 || i === 10) {
        saved.push([...(a.toArray() as number[]), b.item()]);
        savedW.push([...(wa.toArray() as number[]), wb.item()]);
      }
    });
    const got = np.concatenate([r.ys.a, np.reshape(r.ys.b, [3, 1])], { axis: 1 }).toArray() as number[][];
    const gotW = np.concatenate([r.ws.a, np.reshape(r.ws.b, [3, 1])], { axis: 1 }).toArray() as number[][];
    got.forEach((row, k) => row.forEach((v, j) => expect(Math.abs(v - saved[k]![j]!)).toBeLessThan(1e-13)));
    gotW.forEach((row, k) => row.forEach((v, j) => expect(Math.abs(v - savedW[k]![j]!)).toBeLessThan(1e-13)));
  });

  it("the same key gives the same path, another key another; the path depends on dt", () => {
    const solve = gbm("euler-maruyama", 0.01);
    const a = solve(np.array(1), [0, 0.5, 1], random.key(1)).ys.toArray() as number[];
    const b = solve(np.array(1), [0, 0.5, 1], random.key(1)).ys.toArray() as number[];
    const c = solve(np.array(1), [0, 0.5, 1], random.key(2)).ys.toArray() as number[];
    expect(a).toEqual(b);
    expect(a[0]).toBe(1);
    expect(Math.abs(a[2]! - c[2]!)).toBeGreaterThan(1e-3);
    const finer = gbm("euler-maruyama", 0.005)(np.array(1), [0, 1], random.key(1)).ws.toArray() as number[];
    const coarse = gbm("euler-maruyama", 0.01)(np.array(1), [0, 1], random.key(1)).ws.toArray() as number[];
    expect(finer[1]).not.toBe(coarse[1]);
  });

  it("elements of y get independent increments: W(1) over 4000 elements is N(0, 1)", () => {
    const { ws } = gbm("euler-maruyama", 0.1)(np.ones([4000]), [0, 1], random.key(3));
    const w1 = np.slice(ws, 1).toFloat64Array();
    expect(Math.abs(meanOf(w1))).toBeLessThan(4 / Math.sqrt(4000));
    expect(Math.abs(varOf(w1) - 1)).toBeLessThan(4 * Math.sqrt(2 / 4000));
  });
});

describe("geometric Brownian motion", () => {
  // E|y_N − y(1)| over 400 paths (vmap over keys, jitted), at dt = 2⁻³ … 2⁻⁷.
  const DTS = [2 ** -3, 2 ** -4, 2 ** -5, 2 ** -6, 2 ** -7];
  const keys = random.split(random.key(7), 400);
  const strongErrors = (method: ode.SdeMethod) =>
    DTS.map((dt) => {
      const solve = gbm(method, dt);
      const paths = jit(vmap((k: Array) => {
        const r = solve(np.array(1), [0, 1], k);
        return [np.slice(r.ys, 1), np.slice(r.ws, 1)];
      }));
      const [y1, w1] = paths(keys) as [Array, Array];
      return np.mean(np.abs(np.sub(y1, gbmExact(method, 1, w1)))).item();
    });

  it.each([
    ["euler-maruyama", 0.5],
    ["milstein", 1],
    ["heun", 1],
  ] as const)("%s converges strongly with order %s", (method, order) => {
    const errors = strongErrors(method);
    const slope = logSlope(DTS, errors);
    // Measured: euler-maruyama 0.497, milstein 0.937, heun 0.941.
    expect(Math.abs(slope - order)).toBeLessThan(0.12);
    errors.slice(1).forEach((e, i) => expect(e).toBeLessThan(errors[i]!));
  }, 60000);

  it("Euler–Maruyama's weak error is (1 + μh)^N − e^μ, order 1, within Monte Carlo error bars", () => {
    // E[y_N] = (1 + μh)^N exactly (the factors are independent with mean 1 + μh); the
    // difference from the exact solution on the same path has a small variance.
    const P = 20000;
    const errors: number[] = [];
    for (const dt of [2 ** -2, 2 ** -3, 2 ** -4, 2 ** -5]) {
      const r = gbm("euler-maruyama", dt)(np.ones([P]), [0, 1], random.key(11));
      const diff = np.sub(np.slice(r.ys, 1), gbmExact("euler-maruyama", 1, np.slice(r.ws, 1))).toFloat64Array();
      const weak = meanOf(diff);
      const expected = (1 + MU * dt) ** (1 / dt) - Math.exp(MU);
      expect(Math.abs(weak - expected)).toBeLessThan(4 * Math.sqrt(varOf(diff) / P));
      errors.push(Math.abs(weak));
    }
    expect(Math.abs(logSlope([2 ** -2, 2 ** -3, 2 ** -4, 2 ** -5], errors) - 1)).toBeLessThan(0.15);
  });
});

describe("Ornstein–Uhlenbeck dy = θ(m − y) dt + s dW", () => {
  const [theta, m, s, y0] = [1.2, 0.5, 0.7, 2];
  const f = (y: Array) => np.mul(theta, np.sub(m, y));
  const g = (y: Array) => np.fullLike(y, s);
  const P = 20000;
  const ts = [0, 0.5, 1, 2];

  it.each(METHODS)("%s: mean and variance at t = 0.5, 1, 2 match the closed forms within 4 standard errors", (method) => {
    const dt = 0.01;
    const { ys } = ode.sdeint(f, g, { method, dt })(np.full([P], y0), ts, random.key(5));
    ts.forEach((t, k) => {
      const x = np.slice(ys, k).toFloat64Array();
      const mean = m + (y0 - m) * Math.exp(-theta * t);
      const variance = ((s * s) / (2 * theta)) * (1 - Math.exp(-2 * theta * t));
      const sd = Math.sqrt(variance);
      // The schemes' bias in mean and variance is O(dt): ≤ 0.5·θ·dt·(|y0 − m| + variance) here.
      const bias = 0.5 * theta * dt * (Math.abs(y0 - m) + variance);
      expect(Math.abs(meanOf(x) - mean)).toBeLessThanOrEqual(4 * (sd / Math.sqrt(P)) + bias);
      expect(Math.abs(varOf(x) - variance)).toBeLessThanOrEqual(4 * variance * Math.sqrt(2 / (P - 1)) + bias);
    });
  });

  it("Euler–Maruyama's moments equal those of its recursion, (1 − θh)^n, within 4 standard errors", () => {
    const h = 0.05;
    const { ys } = ode.sdeint(f, g, { dt: h })(np.full([P], y0), [0, 1], random.key(6));
    const x = np.slice(ys, 1).toFloat64Array();
    const a = 1 - theta * h;
    const n = 20;
    const mean = m + (y0 - m) * a ** n;
    const variance = (s * s * h * (1 - a ** (2 * n))) / (1 - a * a);
    expect(Math.abs(meanOf(x) - mean)).toBeLessThan(4 * Math.sqrt(variance / P));
    expect(Math.abs(varOf(x) - variance)).toBeLessThan(4 * variance * Math.sqrt(2 / (P - 1)));
  });
});

describe("transformations", () => {
  // A drift parameter θ and a noise scale c, passed as arguments (both functions get both).
  const f = (y: Array, t: Array, theta: Array, _c: Array) => np.mul(theta, np.sub(np.sin(t), y));
  const g = (y: Array, _t: Array, _theta: Array, c: Array) => np.mul(c, np.add(1, np.square(y)).sqrt());

  it.each(METHODS)("%s: grad in a drift parameter and in y0 equals a central difference with the same key", (method) => {
    const solve = ode.sdeint(f, g, { method, dt: 0.02 });
    const key = random.key(9);
    const loss = (theta: Array, y0: Array) => np.mean(np.square(solve(y0, [0, 0.5, 1], key, theta, np.array(0.4)).ys));
    const theta = np.array(0.8);
    const y0 = np.array([0.5, -1, 2]);
    const [gTheta, gY0] = grad(loss, { argnums: [0, 1] })(theta, y0);
    const h = 1e-5;
    const fd = (loss(np.array(0.8 + h), y0).item() - loss(np.array(0.8 - h), y0).item()) / (2 * h);
    expect(Math.abs(gTheta.item() - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    const e = np.array([0, 1, 0]);
    const fdY = (loss(theta, y0.add(e.mul(h))).item() - loss(theta, y0.sub(e.mul(h))).item()) / (2 * h);
    expect(Math.abs((gY0.toArray() as number[])[1]! - fdY)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fdY)));
  });

  it.each(METHODS)("%s: jit equals eager, and so does the jitted gradient", (method) => {
    const solve = ode.sdeint(f, g, { method, dt: 0.05 });
    const ts = [0, 0.3, 1];
    const run = (y0: Array, key: Array, theta: Array) => solve(y0, ts, key, theta, np.array(0.5)).ys;
    const args = [np.array([0.1, 1]), random.key(4), np.array(1.3)] as const;
    const eager = run(...args).toFloat64Array();
    const compiled = jit(run)(...args).toFloat64Array();
    eager.forEach((v, i) => expect(Math.abs(v - compiled[i]!)).toBeLessThan(1e-13));
    const loss = (theta: Array) => np.sum(run(args[0], args[1], theta));
    expect(Math.abs(jit(grad(loss))(args[2]).item() - grad(loss)(args[2]).item())).toBeLessThan(1e-12);
  });

  it("vmap over keys equals a loop over keys", () => {
    const solve = ode.sdeint(f, g, { method: "milstein", dt: 0.05 });
    const keys = random.split(random.key(8), 3);
    const run = (k: Array) => solve(np.array([0.2, -0.3]), [0, 0.5, 1], k, np.array(1), np.array(0.5)).ys;
    const batched = vmap(run)(keys).toArray() as number[][][];
    batched.forEach((b, i) => {
      const one = run(np.slice(keys, i)).toArray() as number[][];
      b.forEach((row, k) => row.forEach((v, j) => expect(Math.abs(v - one[k]![j]!)).toBeLessThan(1e-13)));
    });
  });

  it("ts of one time gives y0 back; ts may be a concrete Array", () => {
    const solve = ode.sdeint(f, g, { dt: 0.1 });
    const one = solve(np.array([1, 2]), [0.5], random.key(0), np.array(1), np.array(1));
    expect(one.ys.toArray()).toEqual([[1, 2]]);
    expect(one.ws.toArray()).toEqual([[0, 0]]);
    const a = solve(np.array(1), np.array([0, 1]), random.key(0), np.array(1), np.array(1)).ys.toArray();
    const b = solve(np.array(1), [0, 1], random.key(0), np.array(1), np.array(1)).ys.toArray();
    expect(a).toEqual(b);
  });

  it.each(METHODS)("%s: a float32 y stays float32, beside a float64 leaf", (method) => {
    const y0 = { a: np.array([1, 2], { dtype: "float32" }), b: np.array(1) };
    const r = ode.sdeint((y: typeof y0) => ({ a: y.a.mul(-1), b: y.b.mul(-1) }), (y: typeof y0) => ({ a: y.a.mul(0.2), b: y.b.mul(0.2) }), { method, dt: 0.1 })(y0, [0, 1], random.key(1));
    expect([r.ys.a.dtype, r.ws.a.dtype, r.ys.b.dtype]).toEqual(["float32", "float32", "float64"]);
  });

  it("Milstein's derivative of g is taken elementwise: with additive noise it is Euler–Maruyama", () => {
    const run = (method: ode.SdeMethod) => ode.sdeint((y: Array) => y.mul(-1), (y: Array) => np.fullLike(y, 0.3), { method, dt: 0.05 })(np.array([1, 2]), [0, 1], random.key(2)).ys.toFloat64Array();
    const [em, mil] = [run("euler-maruyama"), run("milstein")];
    em.forEach((v, i) => expect(Math.abs(v - mil[i]!)).toBeLessThan(1e-14));
  });
});

describe("errors", () => {
  const f = (y: Array) => y;
  it("options are checked and unknown ones refused", () => {
    expect(errorOf(() => ode.sdeint(f, f, { dt: 0.1, steps: 3 } as never))).toMatch(/^sdeint: unknown option "steps"/);
    expect(errorOf(() => ode.sdeint(f, f, { dt: 0.1, method: "rk4" as never }))).toMatch(/^sdeint: method "rk4" is not one of euler-maruyama, heun, milstein/);
    expect(errorOf(() => ode.sdeint(f, f, { dt: 0 }))).toMatch(/^sdeint: dt must be positive, got 0/);
    expect(errorOf(() => ode.sdeint(f, f, {} as never))).toMatch(/^sdeint: dt must be a finite number, got undefined/);
    expect(errorOf(() => ode.sdeint(f, 3 as never, { dt: 0.1 }))).toMatch(/^sdeint: g must be a function/);
  });

  it("bad calls name the argument", () => {
    const solve = ode.sdeint(f, f, { dt: 0.1 });
    expect(errorOf(() => solve(np.array(1), [0, 1, 1], random.key(0)))).toMatch(/^sdeint: ts must be strictly increasing, got ts\[1\] = 1 and ts\[2\] = 1/);
    expect(errorOf(() => solve(np.array(1), [], random.key(0)))).toMatch(/^sdeint: ts must hold at least one time/);
    expect(errorOf(() => solve(np.array(1), [0, 1], np.array([1, 2])))).toMatch(/^sdeint: key must be a PRNG key.*float64\(2,\)/);
    expect(errorOf(() => solve(np.array(1, { dtype: "int32" }), [0, 1], random.key(0)))).toMatch(/^sdeint: y0 must be floating point, got int32/);
    expect(errorOf(() => jit((ts: Array) => solve(np.array(1), ts, random.key(0)).ys)(np.array([0, 1])))).toMatch(/^sdeint: ts must be concrete/);
  });

  it("f or g of the wrong structure or shape is an error naming it", () => {
    const solve = ode.sdeint(f, (y: Array) => np.ones([3]).mul(y.sum()), { dt: 0.1 });
    expect(errorOf(() => solve(np.array([1, 2]), [0, 1], random.key(0)))).toMatch(/^sdeint: g returned shape \(3,\) for a leaf of y of shape \(2,\)/);
    const pair = ode.sdeint((y: Array) => [y, y], f, { dt: 0.1 });
    expect(errorOf(() => pair(np.array(1), [0, 1], random.key(0)))).toMatch(/^sdeint: f must return y's structure/);
    // A scalar g broadcasts (the same multiplier for every element).
    expect(ode.sdeint(f, () => 0.5, { dt: 0.1 })(np.array([1, 2]), [0, 1], random.key(0)).ys.shape).toEqual([2, 2]);
  });
});
