// Hessian spectra from Hessian-vector products: Lanczos eigenvalues on closed forms and
// against the dense Hessian, Hutchinson's trace, stochastic Lanczos quadrature's density.
import { describe, expect, it } from "vitest";
import { hessian, landscape, np, random, tree, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { dot, hessianOperator, keysFrom, rademacher } from "../../packages/nabla/src/landscape/spectra-operator.js";

/** ½xᵀTx with T = tridiag(−1, 2, −1) of size n, without forming T. */
const tridiagonal = (n: number) => (x: Array) => x.square().sum().sub(np.sum(np.mul(np.slice(x, [0, n - 1]), np.slice(x, [1, n]))));
/** ½xᵀ·diag(d)·x */
const diagonal = (d: number[]) => (x: Array) => x.mul(np.array(d)).mul(x).sum().mul(0.5);

type Mlp = { W1: Array; b1: Array; W2: Array; b2: Array };
/** A 3 → 8 → 2 tanh network's squared error on 12 points: 50 parameters, a generic point. */
function mlp(): { params: Mlp; loss: (p: Mlp) => Array } {
  const [k1, k2, k3, k4, k5] = random.split(random.key(7), 5);
  const params = { W1: random.normal(k1!, [3, 8]), b1: np.mul(0.1, random.normal(k2!, [8])), W2: np.mul(0.5, random.normal(k3!, [8, 2])), b2: np.zeros([2]) };
  const X = random.normal(k4!, [12, 3]);
  const Y = random.normal(k5!, [12, 2]);
  const loss = (p: Mlp) => np.mean(np.square(np.sub(np.add(np.matmul(np.tanh(np.add(np.matmul(X, p.W1), p.b1)), p.W2), p.b2), Y)));
  return { params, loss };
}

/** The dense Hessian of the MLP's loss over its flattened parameters, and its eigenvalues (ascending). */
function denseSpectrum(loss: (p: Mlp) => Array, params: Mlp): { H: Float64Array; n: number; eig: number[] } {
  const [leaves, def] = tree.flatten(params);
  const shapes = (leaves as Array[]).map((l) => l.shape);
  const sizes = (leaves as Array[]).map((l) => l.size);
  const flat = np.concatenate((leaves as Array[]).map((l) => np.reshape(l, [-1])));
  const n = flat.size;
  const fFlat = (v: Array) => {
    let o = 0;
    return loss(tree.unflatten(def, shapes.map((s, i) => np.reshape(np.slice(v, [o, (o += sizes[i]!)]), s))) as Mlp);
  };
  const H = (hessian(fFlat)(flat) as Array).toFloat64Array();
  const eig = landscape.hessianEigs(fFlat, flat, { method: "dense", k: n, which: "smallest" }).values;
  return { H, n, eig };
}

const flatOf = (t: unknown) => Float64Array.from((tree.leaves(t) as Array[]).flatMap((l) => [...l.toFloat64Array()]));
const trapezoid = (x: number[], y: number[]) => y.slice(1).reduce((s, yi, i) => s + ((yi + y[i]!) / 2) * (x[i + 1]! - x[i]!), 0);

describe("hessianEigs", () => {
  it("tridiag(−1, 2, −1), n = 100: λmax = 2 + 2cos(π/101) to 1e-8 within 100 Hessian-vector products", () => {
    const r = landscape.hessianEigs(tridiagonal(100), np.zeros([100]));
    expect(Math.abs(r.values[0]! - 3.999032564583976)).toBeLessThan(1e-8);
    expect(r.nhvp).toBeLessThanOrEqual(100);
    expect(r.converged).toBe(true);
    expect(r.method).toBe("lanczos");
    // The eigenvector is sin(100·jπ/101), j = 1…100, up to sign.
    const v = r.vectors[0]!.toFloat64Array();
    const exact = Float64Array.from({ length: 100 }, (_, j) => Math.sin((100 * (j + 1) * Math.PI) / 101));
    const cos = Math.abs(v.reduce((s, x, j) => s + x * exact[j]!, 0)) / Math.hypot(...exact);
    expect(cos).toBeGreaterThan(1 - 1e-10);
    const low = landscape.hessianEigs(tridiagonal(100), np.zeros([100]), { which: "smallest" });
    expect(Math.abs(low.values[0]! - (2 - 2 * Math.cos(Math.PI / 101)))).toBeLessThan(1e-8);
  });

  it("diag(−5, 1, 2): largest is algebraic (2), largest-magnitude is −5, smallest −5; k orders them as which says", () => {
    const f = diagonal([-5, 1, 2]);
    const x = np.zeros([3]);
    for (const method of ["lanczos", "dense"] as const) {
      const values = (which: landscape.HessianEigsWhich, k = 1) => landscape.hessianEigs(f, x, { which, k, method }).values;
      expect(values("largest")[0]).toBeCloseTo(2, 12);
      expect(values("largest-magnitude")[0]).toBeCloseTo(-5, 12);
      expect(values("smallest")[0]).toBeCloseTo(-5, 12);
      expect(values("largest", 2).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2, 1]);
      expect(values("smallest", 2).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([-5, 1]);
      expect(values("largest-magnitude", 2).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([-5, 2]);
    }
    const r = landscape.hessianEigs(f, x, { which: "largest-magnitude" });
    expect(Math.abs(r.vectors[0]!.toFloat64Array()[0]!)).toBeCloseTo(1, 12); // e₁
    expect(r.residuals[0]).toBeLessThan(1e-12);
  });

  it("an MLP: Lanczos's top 5 (and bottom 2) within 1e-6 of the dense Hessian's eigh, eigenvectors shaped like params", () => {
    const { params, loss } = mlp();
    const { H, n, eig } = denseSpectrum(loss, params);
    expect(n).toBe(50);
    const top = landscape.hessianEigs(loss, params, { k: 5 });
    expect(top.converged).toBe(true);
    top.values.forEach((v, i) => expect(Math.abs(v - eig[n - 1 - i]!)).toBeLessThan(1e-6));
    const dense = landscape.hessianEigs(loss, params, { k: 5, method: "dense" });
    expect(dense.nhvp).toBe(n);
    dense.values.forEach((v, i) => expect(Math.abs(v - eig[n - 1 - i]!)).toBeLessThan(1e-12));
    // Each vector is a pytree like params, a unit eigenvector of H: ‖Hv − λv‖ small.
    top.vectors.forEach((vec, i) => {
      expect(Object.keys(vec).sort()).toEqual(["W1", "W2", "b1", "b2"]);
      expect(vec.W1.shape).toEqual([3, 8]);
      const v = flatOf(vec);
      expect(Math.hypot(...v)).toBeCloseTo(1, 12);
      const r = Float64Array.from({ length: n }, (_, a) => v.reduce((s, vb, b) => s + H[a * n + b]! * vb, 0) - top.values[i]! * v[a]!);
      expect(Math.hypot(...r)).toBeLessThan(1e-6);
      // The same direction as the dense method's (up to sign).
      const w = flatOf(dense.vectors[i]);
      expect(Math.abs(v.reduce((s, x, j) => s + x * w[j]!, 0))).toBeGreaterThan(1 - 1e-8);
    });
    const bottom = landscape.hessianEigs(loss, params, { k: 2, which: "smallest" });
    bottom.values.forEach((v, i) => expect(Math.abs(v - eig[i]!)).toBeLessThan(1e-6));
    // largest-magnitude picks from both ends.
    const mag = landscape.hessianEigs(loss, params, { k: 3, which: "largest-magnitude" });
    const byMagnitude = [...eig].sort((a, b) => Math.abs(b) - Math.abs(a)).slice(0, 3);
    mag.values.forEach((v, i) => expect(Math.abs(v - byMagnitude[i]!)).toBeLessThan(1e-6));
  });

  it("is reproducible from its key, and maxIter bounds the products (converged false when short)", () => {
    const f = tridiagonal(100);
    const a = landscape.hessianEigs(f, np.zeros([100]), { key: random.key(3), maxIter: 20 });
    const b = landscape.hessianEigs(f, np.zeros([100]), { key: random.key(3), maxIter: 20 });
    expect(a.values).toEqual(b.values);
    expect(a.nhvp).toBe(20);
    expect(a.converged).toBe(false);
    expect(a.residuals[0]).toBeGreaterThan(1e-8);
  });
});

describe("hessianTrace", () => {
  it("Hutchinson with Rademacher probes is exact per sample on a diagonal Hessian", () => {
    // Σ dᵢxᵢ²/2 + Σ xᵢ⁴ at x ≠ 0: H = diag(dᵢ + 12xᵢ²), not constant.
    const d = [3, -1, 0.5, 7, 2, -4];
    const f = (x: Array) => diagonal(d)(x).add(x.pow(4).sum());
    const x = np.array([0.1, -0.3, 0.5, 0, 1, -0.2]);
    const exact = d.reduce((s, di, i) => s + di + 12 * [0.1, -0.3, 0.5, 0, 1, -0.2][i]! ** 2, 0);
    const r = landscape.hessianTrace(f, x, { samples: 8 });
    expect(r.samples).toHaveLength(8);
    for (const s of r.samples) expect(Math.abs(s - exact)).toBeLessThan(1e-12);
    expect(Math.abs(r.trace - exact)).toBeLessThan(1e-12);
    expect(r.stderr).toBeLessThan(1e-12);
    expect(r.nhvp).toBe(8);
  });

  it("on an MLP: unbiased, within 3 standard errors of the dense trace; one sample has no standard error", () => {
    const { params, loss } = mlp();
    const { H, n } = denseSpectrum(loss, params);
    let exact = 0;
    for (let i = 0; i < n; i++) exact += H[i * n + i]!;
    const r = landscape.hessianTrace(loss, params, { samples: 200, key: random.key(11) });
    expect(Math.abs(r.trace - exact)).toBeLessThan(3 * r.stderr);
    expect(r.stderr).toBeGreaterThan(0);
    expect(r.trace).toBeCloseTo(r.samples.reduce((s, v) => s + v, 0) / 200, 12);
    expect(landscape.hessianTrace(loss, params, { samples: 1 }).stderr).toBeNaN();
  });
});

describe("Hessian-vector products in batches", () => {
  it("products (vmap) gives what product gives one vector at a time, on a pytree with a number leaf", () => {
    const { params, loss } = mlp();
    const withScale = { ...params, scale: 1.5 };
    const f = (p: Mlp & { scale: Array | number }) => np.mul(p.scale, loss(p)).add(np.mul(p.scale, p.scale));
    const H = hessianOperator("test", f, withScale);
    expect(H.n).toBe(51);
    const vs = keysFrom("test", random.key(3), 5).map((k) => rademacher(k, H.n));
    const batched = H.products(vs);
    vs.forEach((v, b) => {
      const one = H.product(v);
      for (let i = 0; i < H.n; i++) expect(Math.abs(batched[b]![i]! - one[i]!), `vector ${b}, element ${i}`).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(one[i]!)));
    });
    expect(H.count()).toBe(10);
  });

  it("hessianTrace's samples are each probe's zᵀHz, in order, across a short last batch", () => {
    const { params, loss } = mlp(); // 50 parameters: batches of 16, so 21 samples are 16 + 5
    const r = landscape.hessianTrace(loss, params, { samples: 21, key: random.key(5) });
    const H = hessianOperator("test", loss, params);
    const expected = keysFrom("test", random.key(5), 21).map((k) => {
      const z = rademacher(k, H.n);
      return dot(z, H.product(z));
    });
    expect(r.samples).toHaveLength(21);
    r.samples.forEach((s, i) => expect(Math.abs(s - expected[i]!), `sample ${i}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected[i]!))));
    expect(r.nhvp).toBe(21);
  });

  it("a non-finite product in a batch is an error naming the op", () => {
    expect(() => landscape.hessianTrace((v: Array) => v.sqrt().sum(), np.array([0, 1, 2]), { samples: 4 })).toThrow(/^landscape\.hessianTrace: a Hessian-vector product is NaN or infinite/);
  });
});

describe("hessianDensity", () => {
  it("two clusters of eigenvalues: exact nodes and weights, the Krylov space closes after 2 products per probe", () => {
    // diag(1 ×50, 10 ×50): z/√n puts weight exactly ½ on each eigenspace for any Rademacher z.
    const d = [...globalThis.Array(50).fill(1), ...globalThis.Array(50).fill(10)];
    const r = landscape.hessianDensity(diagonal(d), np.zeros([100]), { probes: 3, steps: 20 });
    expect(r.nhvp).toBe(6);
    for (const [p, nodes] of r.nodes.entries()) {
      expect(nodes[0]).toBeCloseTo(1, 10);
      expect(nodes[1]).toBeCloseTo(10, 10);
      expect(r.weights[p]![0]).toBeCloseTo(0.5, 12);
    }
    expect(r.trace).toBeCloseTo(550, 9);
    expect(r.width).toBeCloseTo(0.09, 12); // sigma 0.01 of the spread 9
    // Half the mass within 1 ± 5 widths.
    const near1 = r.grid.map((g, i) => (Math.abs(g - 1) < 5 * r.width ? r.density[i]! : 0));
    expect(trapezoid(r.grid, near1)).toBeCloseTo(0.5, 3);
  });

  it("on an MLP: the density integrates to 1 on its grid and n·∫λρ equals the trace within its standard error", () => {
    const { params, loss } = mlp();
    const { H, n, eig } = denseSpectrum(loss, params);
    let exact = 0;
    for (let i = 0; i < n; i++) exact += H[i * n + i]!;
    const r = landscape.hessianDensity(loss, params, { steps: 20, probes: 30, key: random.key(5) });
    expect(r.nhvp).toBe(20 * 30);
    expect(r.nodes).toHaveLength(30);
    expect(trapezoid(r.grid, r.density)).toBeCloseTo(1, 12);
    const mean = n * trapezoid(r.grid, r.grid.map((g, i) => g * r.density[i]!));
    expect(Math.abs(mean - r.trace)).toBeLessThan(r.stderr);
    expect(Math.abs(mean - r.trace)).toBeLessThan(1e-6 * Math.abs(r.trace));
    // And the trace estimate is within 3 standard errors of the exact trace.
    expect(Math.abs(r.trace - exact)).toBeLessThan(3 * r.stderr);
    // Each probe's weights sum to 1, and its extreme Ritz values sit inside the spectrum, near its ends.
    for (const [p, w] of r.weights.entries()) {
      expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      expect(r.nodes[p]![r.nodes[p]!.length - 1]!).toBeLessThanOrEqual(eig[n - 1]! + 1e-9);
      expect(r.nodes[p]![r.nodes[p]!.length - 1]!).toBeGreaterThan(eig[n - 1]! - 1e-6 * Math.abs(eig[n - 1]!));
    }
  });

  it("takes a grid: a count of points, or the points themselves (the density is normalized on them)", () => {
    const f = diagonal([1, 2, 3, 4]);
    expect(landscape.hessianDensity(f, np.zeros([4]), { grid: 50 }).grid).toHaveLength(50);
    const points = globalThis.Array.from({ length: 201 }, (_, i) => i * 0.025);
    const r = landscape.hessianDensity(f, np.zeros([4]), { grid: points, sigma: 0.05 });
    expect(r.grid).toEqual(points);
    expect(trapezoid(r.grid, r.density)).toBeCloseTo(1, 12);
    expect(r.trace).toBeCloseTo(10, 10); // steps ≥ n: exact
  });
});

describe("pytree params", () => {
  it("nested objects, lists, numbers and float32 leaves: the same spectrum as the flat function", () => {
    const params = { a: np.array([[1, 2], [3, 4]]), rest: [np.array([0.5, -1], { dtype: "float32" }), 0.3] as [Array, number] };
    const f = (p: typeof params) => {
      const [b, c] = p.rest;
      const v = np.concatenate([np.reshape(p.a, [-1]), b, np.reshape(np.asArray(c), [1])]);
      return np.sum(np.sin(np.mul(v, np.array([1, 2, 3, 4, 5, 6, 7])))).add(np.sum(np.mul(np.outer(v, v), np.reshape(np.arange(49), [7, 7]))).mul(0.01));
    };
    const eigs = landscape.hessianEigs(f, params, { k: 7, which: "smallest" });
    const dense = landscape.hessianEigs(f, params, { k: 7, which: "smallest", method: "dense" });
    eigs.values.forEach((v, i) => expect(Math.abs(v - dense.values[i]!)).toBeLessThan(1e-9));
    const vec = eigs.vectors[0]!;
    expect(vec.a.shape).toEqual([2, 2]);
    expect(vec.rest[0].shape).toEqual([2]);
    expect(vec.rest[1].shape).toEqual([]);
    const exact = dense.values.reduce((s, v) => s + v, 0);
    const t = landscape.hessianTrace(f, params, { samples: 400 });
    expect(Math.abs(t.trace - exact)).toBeLessThan(4 * t.stderr);
    const d = landscape.hessianDensity(f, params, { steps: 7, probes: 4 });
    expect(d.nodes[0]).toHaveLength(7);
  });
});

describe("errors", () => {
  const f = diagonal([1, 2, 3]);
  const x = np.zeros([3]);
  it("bad options are one-line errors naming the function and the option", () => {
    const cases: [() => unknown, RegExp][] = [
      [() => landscape.hessianEigs(f, x, { kk: 2 } as never), /^landscape\.hessianEigs: unknown option "kk"/],
      [() => landscape.hessianEigs(f, x, { k: 0 }), /^landscape\.hessianEigs: k must be a positive integer, got 0$/],
      [() => landscape.hessianEigs(f, x, { k: 4 }), /^landscape\.hessianEigs: k = 4 is more than the 3 parameters$/],
      [() => landscape.hessianEigs(f, x, { which: "biggest" as never }), /^landscape\.hessianEigs: which must be "largest", "smallest" or "largest-magnitude", got "biggest"$/],
      [() => landscape.hessianEigs(f, x, { method: "qr" as never }), /^landscape\.hessianEigs: method must be "lanczos" or "dense", got "qr"$/],
      [() => landscape.hessianEigs(f, x, { tol: -1 }), /^landscape\.hessianEigs: tol must be a finite number ≥ 0, got -1$/],
      [() => landscape.hessianEigs(f, x, { maxIter: 2.5 }), /^landscape\.hessianEigs: maxIter must be a positive integer, got 2.5$/],
      [() => landscape.hessianEigs(f, x, { key: 3 as never }), /^landscape\.hessianEigs: key must be a PRNG key, an int32 array of shape \(2,\) from random\.key, got 3$/],
      [() => landscape.hessianEigs(f, x, 5 as never), /^landscape\.hessianEigs: options must be an object/],
      [() => landscape.hessianTrace(f, x, { samples: 0 }), /^landscape\.hessianTrace: samples must be a positive integer, got 0$/],
      [() => landscape.hessianTrace(f, x, { probes: 3 } as never), /^landscape\.hessianTrace: unknown option "probes"/],
      [() => landscape.hessianDensity(f, x, { steps: -1 }), /^landscape\.hessianDensity: steps must be a positive integer, got -1$/],
      [() => landscape.hessianDensity(f, x, { probes: NaN }), /^landscape\.hessianDensity: probes must be a positive integer, got NaN$/],
      [() => landscape.hessianDensity(f, x, { sigma: 0 }), /^landscape\.hessianDensity: sigma must be a finite number > 0, got 0$/],
      [() => landscape.hessianDensity(f, x, { grid: 1 }), /^landscape\.hessianDensity: grid must be a number of points ≥ 2 or a list of increasing numbers, got 1$/],
      [() => landscape.hessianDensity(f, x, { grid: [0, 2, 1] }), /^landscape\.hessianDensity: grid must be strictly increasing, got grid\[1\] = 2 then grid\[2\] = 1$/],
      [() => landscape.hessianDensity(f, x, { grid: [100, 101] }), /^landscape\.hessianDensity: the grid \[100, 101\] misses the spectrum/],
      [() => landscape.hessianDensity(f, x, { grid: "fine" as never }), /^landscape\.hessianDensity: grid must be a number of points or a list of increasing numbers, got "fine"$/],
    ];
    for (const [call, message] of cases) expect(errorOf(call)).toMatch(message);
  });

  it("bad f and params, a non-finite Hessian, a dense Hessian too large to form", () => {
    expect(errorOf(() => landscape.hessianTrace(3 as never, x))).toMatch(/^landscape\.hessianTrace: f must be a function/);
    expect(errorOf(() => landscape.hessianTrace((v: Array) => v.square(), x))).toBe("landscape.hessianTrace: f must return a scalar, got an array of shape (3)");
    expect(errorOf(() => landscape.hessianEigs((v: Array) => v.square(), x, { method: "dense" }))).toBe("landscape.hessianEigs: f must return a scalar, got an array of shape (3)");
    expect(errorOf(() => landscape.hessianEigs(f, np.array([1, 2, 3], { dtype: "int32" })))).toBe("landscape.hessianEigs: params leaf 0 has dtype int32; the Hessian needs float leaves");
    expect(errorOf(() => landscape.hessianEigs(f, { a: "x" } as never))).toMatch(/^landscape\.hessianEigs: params must be a pytree of Arrays and numbers, but leaf 0 is "x"$/);
    expect(errorOf(() => landscape.hessianDensity((_: object) => np.array(0), {}))).toBe("landscape.hessianDensity: params has no elements");
    expect(errorOf(() => landscape.hessianEigs((v: Array) => v.sqrt().sum(), np.array([0, 1, 2])))).toMatch(/^landscape\.hessianEigs: a Hessian-vector product is NaN or infinite/);
    expect(errorOf(() => landscape.hessianEigs((v: Array) => v.sum(), np.zeros([5000]), { method: "dense" }))).toMatch(/^landscape\.hessianEigs: method "dense" forms the 5000×5000 Hessian; use "lanczos" above 4096 parameters$/);
  });
});
