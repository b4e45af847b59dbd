// Slices of a loss through parameter space (Li et al. 2018): random directions with filter
// normalization, f along a line and over a plane (vmap in chunks), and along a segment.
import { describe, expect, it } from "vitest";
import { landscape, np, random, tree, type Array } from "nabla";
import { errorOf } from "../helpers.js";

/** ½xᵀdiag(1, 10)x. */
const quad = (x: Array) => np.sum(np.mul(np.array([0.5, 5]), np.square(x)));
const u = np.array([Math.SQRT1_2, Math.SQRT1_2]);

type Net = { W: Array; b: Array; v: Array };
/** A one-hidden-layer regression loss over a pytree, on fixed data. */
const X = np.reshape(np.linspace(-1, 1, 12), [6, 2]);
const Y = np.sin(np.sum(X, { axis: 1 }));
const net = (p: Net) => np.mean(np.square(np.sub(np.matmul(np.tanh(np.add(np.matmul(X, p.W.T), p.b)), p.v), Y)));
const params: Net = {
  W: random.normal(random.key(1), [4, 2]),
  b: random.normal(random.key(2), [4]),
  v: random.normal(random.key(3), [4]),
};
const axpy = (p: Net, ...terms: [number, Net][]): Net =>
  tree.map((x: Array, ...ds: Array[]) => ds.reduce((s, d, k) => np.add(s, np.mul(terms[k]![0], d)), x), p, ...terms.map((t) => t[1])) as Net;

describe("slice1d", () => {
  it("½xᵀdiag(1, 10)x along (1, 1)/√2 from 0 is 2.75α² at every α", () => {
    const { alphas, values } = landscape.slice1d(quad, np.zeros([2]), u, { range: [-3, 2], points: 41 });
    const a = alphas.toArray() as number[];
    expect(a.length).toBe(41);
    expect([a[0], a[40]]).toEqual([-3, 2]);
    (values.toArray() as number[]).forEach((v, i) => {
      // ½(α/√2)² + 5(α/√2)² = 2.75α², to rounding in 1/√2.
      expect(Math.abs(v - 2.75 * a[i]! ** 2)).toBeLessThanOrEqual(1e-15 * Math.max(1, 2.75 * a[i]! ** 2));
    });
  });

  it("from another point: f(x₀ + αu) = f(x₀) + α·∇f(x₀)·u + 2.75α²", () => {
    const x0 = np.array([1, -2]);
    const { alphas, values } = landscape.slice1d(quad, x0, u, { points: 9 });
    // f(x₀) = 0.5 + 20, ∇f(x₀) = (1, −20), ∇f·u = −19/√2.
    (values.toArray() as number[]).forEach((v, i) => {
      const a = (alphas.toArray() as number[])[i]!;
      expect(v).toBeCloseTo(20.5 - (19 / Math.SQRT2) * a + 2.75 * a * a, 12);
    });
  });

  it("over a pytree of parameters equals f at each point, whatever the batch size", () => {
    const dir = landscape.randomDirection(random.key(4), params);
    const loop = (landscape.slice1d(net, params, dir, { points: 11 }).alphas.toArray() as number[]).map((a) => net(axpy(params, [a, dir])).item());
    for (const batchSize of [1, 4, 64]) {
      const { values } = landscape.slice1d(net, params, dir, { points: 11, batchSize });
      (values.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(loop[i]!, 13));
    }
  });
});

describe("randomDirection", () => {
  const big = {
    W: np.array([[3, 4, 0], [0, 0, 0], [1e-3, 2e-3, 2e-3], [1e200, 0, 1e200]]), // dense [out, in], one zero row
    K: random.normal(random.key(5), [3, 2, 2, 2]), // a conv kernel [O, I, kh, kw]
    b: np.array([1, 2, 3, 4]),
    s: np.array(7),
  };
  const d = landscape.randomDirection(random.key(6), big, { filterNormalize: true });

  it("with filterNormalize each filter (axis 0) of the direction has the norm of the weights' filter", () => {
    const rowNorms = (w: Array) => (np.norm(np.reshape(w, [w.shape[0]!, -1]), { axis: 1 }).toArray() as number[]);
    const want = rowNorms(big.W);
    expect(want).toEqual([5, 0, 3e-3, Math.SQRT2 * 1e200]);
    rowNorms(d.W).forEach((n, i) => expect(Math.abs(n - want[i]!)).toBeLessThanOrEqual(4e-16 * want[i]!));
    expect((d.W.toArray() as number[][])[1]!.every((v) => v === 0)).toBe(true);
    const kernel = rowNorms(big.K);
    rowNorms(d.K).forEach((n, i) => expect(n).toBeCloseTo(kernel[i]!, 14));
    // The direction inside a filter is still random: not a copy of the weights.
    expect(np.max(np.abs(np.sub(d.K, big.K))).item()).toBeGreaterThan(0.1);
  });

  it("with filterNormalize biases and scalars get a zero direction", () => {
    expect(d.b.toArray()).toEqual([0, 0, 0, 0]);
    expect(d.s.toArray()).toEqual(0);
    expect(d.s.shape).toEqual([]);
  });

  it("without it: a standard Gaussian per element, reproducible from the key, in each leaf's dtype", () => {
    const p = { w: np.zeros([100, 100]), h: np.zeros([3], { dtype: "float32" }) };
    const g = landscape.randomDirection(random.key(7), p);
    const x = g.w.toFloat64Array();
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.04); // 4 standard errors of 1/√10⁴
    expect(Math.abs(variance - 1)).toBeLessThan(0.06);
    expect(g.h.dtype).toBe("float32");
    expect(landscape.randomDirection(random.key(7), p).w.toArray()).toEqual(g.w.toArray());
    expect(landscape.randomDirection(random.key(8), p).w.toArray()).not.toEqual(g.w.toArray());
    // Leaves get independent keys: two equal-shaped leaves do not share their numbers.
    const two = landscape.randomDirection(random.key(7), [np.zeros([5]), np.zeros([5])]);
    expect(two[0]!.toArray()).not.toEqual(two[1]!.toArray());
  });
});

describe("slice2d", () => {
  it("equals a loop of f over the grid: values[i, j] = f(params + αᵢ·d1 + βⱼ·d2)", () => {
    const d1 = landscape.randomDirection(random.key(9), params, { filterNormalize: true });
    const d2 = landscape.randomDirection(random.key(10), params, { filterNormalize: true });
    const r = landscape.slice2d(net, params, d1, d2, { range: [-0.5, 1], points: 7, batchSize: 5 });
    expect(r.values.shape).toEqual([7, 7]);
    const as = r.alphas.toArray() as number[];
    const bs = r.betas.toArray() as number[];
    expect([as[0], as[6], bs[0], bs[6]]).toEqual([-0.5, 1, -0.5, 1]);
    const values = r.values.toArray() as number[][];
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) expect(values[i]![j]).toBeCloseTo(net(axpy(params, [as[i]!, d1], [bs[j]!, d2])).item(), 13);
    }
  });

  it("½(x² + 10y²) over the axes is ½α² + 5β², exactly", () => {
    const { alphas, values } = landscape.slice2d(quad, np.zeros([2]), np.array([1, 0]), np.array([0, 1]), { range: [-2, 2], points: 5 });
    const a = alphas.toArray() as number[];
    expect(values.toArray()).toEqual(a.map((x) => a.map((y) => 0.5 * x * x + 5 * y * y)));
  });
});

describe("interpolate", () => {
  const a = params;
  const b = axpy(params, [1, landscape.randomDirection(random.key(11), params)]);

  it("its ends are f(a) and f(b) exactly, and it is f((1 − t)·a + t·b) between", () => {
    const { ts, values } = landscape.interpolate(net, a, b, { points: 5 });
    expect(ts.toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const v = values.toArray() as number[];
    expect(v[0]).toBe(net(a).item());
    expect(v[4]).toBe(net(b).item());
    expect(v[2]).toBeCloseTo(net(axpy(a, [-0.5, a], [0.5, b])).item(), 13);
  });

  it("a wider range looks past the two points", () => {
    const { ts, values } = landscape.interpolate(quad, np.array([0, 0]), np.array([1, 1]), { range: [-1, 2], points: 4 });
    expect(ts.toArray()).toEqual([-1, 0, 1, 2]);
    expect(values.toArray()).toEqual([5.5, 0, 5.5, 22]);
  });
});

describe("options and arguments", () => {
  const x0 = np.zeros([2]);
  it("one-line errors naming the function and the option", () => {
    expect(errorOf(() => landscape.slice1d(quad, x0, u, { range: [1, -1] }))).toBe("landscape.slice1d: range must be [a, b] with finite a < b, got [1, -1]");
    expect(errorOf(() => landscape.slice1d(quad, x0, u, { range: [0, Infinity] }))).toMatch(/^landscape.slice1d: range must be \[a, b\] with finite a < b/);
    expect(errorOf(() => landscape.slice1d(quad, x0, u, { points: 1 }))).toBe("landscape.slice1d: points must be an integer ≥ 2, got 1");
    expect(errorOf(() => landscape.slice2d(quad, x0, u, u, { batchSize: 0 }))).toBe("landscape.slice2d: batchSize must be a positive integer, got 0");
    expect(errorOf(() => landscape.interpolate(quad, x0, u, { points: 2.5 }))).toBe("landscape.interpolate: points must be an integer ≥ 2, got 2.5");
    expect(errorOf(() => landscape.randomDirection(random.key(0), x0, { filterNormalize: 1 } as never))).toBe("landscape.randomDirection: filterNormalize must be true or false, got 1");
    expect(errorOf(() => landscape.randomDirection(np.zeros([2]), x0))).toBe("landscape.randomDirection: key must be a PRNG key, an int32 array of shape (2,) from random.key, got float64(2,)");
  });

  it("unknown options are rejected", () => {
    expect(errorOf(() => landscape.slice1d(quad, x0, u, { point: 5 } as never))).toMatch(/^landscape.slice1d: unknown option "point"/);
    expect(errorOf(() => landscape.slice2d(quad, x0, u, u, { normalize: true } as never))).toMatch(/^landscape.slice2d: unknown option "normalize"/);
    expect(errorOf(() => landscape.randomDirection(random.key(0), x0, { filterNormalise: true } as never))).toMatch(/^landscape.randomDirection: unknown option "filterNormalise"/);
  });

  it("directions must match the parameters, and f must be a scalar function", () => {
    expect(errorOf(() => landscape.slice1d(quad, x0, np.zeros([3])))).toBe("landscape.slice1d: dir leaf 0 has shape (3,), params leaf 0 has (2,)");
    expect(errorOf(() => landscape.slice2d(net, params, { W: params.W }, params))).toMatch(/^landscape.slice2d: d1 must have the structure of params/);
    expect(errorOf(() => landscape.interpolate(quad, x0, [x0]))).toMatch(/^landscape.interpolate: b must have the structure of a/);
    expect(errorOf(() => landscape.slice1d((x: Array) => x, x0, u))).toBe("landscape.slice1d: f must return a scalar, got shape (2,)");
    expect(errorOf(() => landscape.slice1d(3 as never, x0, u))).toBe("landscape.slice1d: f must be a function, got 3");
    expect(errorOf(() => landscape.randomDirection(random.key(0), np.zeros([2], { dtype: "int32" })))).toBe("landscape.randomDirection: params leaf 0 has dtype int32; the parameters must be float arrays");
  });
});
