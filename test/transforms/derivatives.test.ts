import { describe, expect, it } from "vitest";
import {
  checkGrads,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jvp,
  linearize,
  np,
  random,
  scan,
  cond,
  stopGradient,
  valueAndGrad,
  vjp,
  vmap,
  type Array,
} from "nabla";
import { errorOf, expectClose, type Nested } from "../helpers.js";

// Every expected value here is a closed form worked out by hand (the derivation sits in
// a comment next to it), a central finite difference written in the test, or a loop of
// the untransformed computation.

describe("gradients and Hessians in closed form", () => {
  // f(x) = ½(x₁² + 10x₂²): ∂f/∂x₁ = x₁, ∂f/∂x₂ = 10x₂, so ∇f(1,1) = (1, 10);
  // the second derivatives are constant: ∂²f/∂x₁² = 1, ∂²f/∂x₂² = 10, mixed 0.
  const quad = (x: Array) => np.mul(0.5, np.add(np.square(x.slice(0)), np.mul(10, np.square(x.slice(1)))));
  const x11 = np.array([1, 1]);

  it("∇ of ½(x₁² + 10x₂²) at (1,1) is (1, 10)", () => {
    expectClose(grad(quad)(x11).toArray(), [1, 10]);
  });

  it("the Hessian of ½(x₁² + 10x₂²) is diag(1, 10)", () => {
    const H = hessian(quad)(x11);
    expect(H.shape).toEqual([2, 2]);
    expectClose(H.toArray(), [
      [1, 0],
      [0, 10],
    ]);
    // Away from (1,1) as well: the Hessian of a quadratic does not depend on x.
    expectClose(hessian(quad)(np.array([-3, 0.25])).toArray(), [
      [1, 0],
      [0, 10],
    ]);
  });

  // g(x, y) = x³ − 3xy²: ∇g = (3x² − 3y², −6xy); Hessian [[6x, −6y], [−6y, −6x]].
  // At (1, 2): ∇g = (3 − 12, −12) = (−9, −12); H = [[6, −12], [−12, −6]].
  const cubic = (p: Array) => {
    const x = p.slice(0);
    const y = p.slice(1);
    return np.sub(np.pow(x, 3), np.mul(3, np.mul(x, np.square(y))));
  };

  it("∇ and Hessian of x³ − 3xy² at (1, 2)", () => {
    const p = np.array([1, 2]);
    expectClose(grad(cubic)(p).toArray(), [-9, -12]);
    expectClose(hessian(cubic)(p).toArray(), [
      [6, -12],
      [-12, -6],
    ]);
  });

  it("the Hessian of x³ − 3xy² follows [[6x, −6y], [−6y, −6x]] at other points", () => {
    for (const [x, y] of [
      [-0.5, 0.75],
      [2, -1],
      [0.3, 0],
    ] as const) {
      expectClose(hessian(cubic)(np.array([x, y])).toArray(), [
        [6 * x, -6 * y],
        [-6 * y, -6 * x],
      ]);
    }
  });

  // d/dx sin = cos, d²/dx² sin = −sin, d³/dx³ sin = −cos.
  it("the third derivative of sin at 0.3 is −cos(0.3), by grad∘grad∘grad", () => {
    const d3 = grad(grad(grad((x: Array) => np.sin(x))));
    expect(d3(np.array(0.3)).item()).toBeCloseTo(-Math.cos(0.3), 12);
    // The intermediate orders too.
    expect(grad((x: Array) => np.sin(x))(np.array(0.3)).item()).toBeCloseTo(Math.cos(0.3), 12);
    expect(grad(grad((x: Array) => np.sin(x)))(np.array(0.3)).item()).toBeCloseTo(-Math.sin(0.3), 12);
  });

  it("the third derivative of sin at 0.3 is −cos(0.3), by nested jvp", () => {
    const d = (g: (x: Array) => Array) => (x: Array) => jvp(g, [x], [np.onesLike(x)])[1];
    const d3 = d(d(d((x: Array) => np.sin(x))));
    expect(d3(np.array(0.3)).item()).toBeCloseTo(-Math.cos(0.3), 12);
    // Mixed: forward over reverse over reverse.
    const mixed = d(grad(grad((x: Array) => np.sin(x))));
    expect(mixed(np.array(0.3)).item()).toBeCloseTo(-Math.cos(0.3), 12);
  });

  it("the fourth derivative of x⁵ is 120x (nested grad on a polynomial)", () => {
    // x⁵ → 5x⁴ → 20x³ → 60x² → 120x; at x = 0.7: 84.
    const d4 = grad(grad(grad(grad((x: Array) => np.pow(x, 5)))));
    expect(d4(np.array(0.7)).item()).toBeCloseTo(84, 9);
  });
});

describe("Jacobians", () => {
  // F(x, y, z) = (x·y·z, sin x + y²):
  //   ∂F₁ = (yz, xz, xy),  ∂F₂ = (cos x, 2y, 0).
  const F = (v: Array) => {
    const x = v.slice(0);
    const y = v.slice(1);
    const z = v.slice(2);
    return np.stack([np.mul(np.mul(x, y), z), np.add(np.sin(x), np.square(y))]);
  };
  const handJacobian = (x: number, y: number, z: number): number[][] => [
    [y * z, x * z, x * y],
    [Math.cos(x), 2 * y, 0],
  ];

  it("jacfwd and jacrev of a 3 → 2 map equal the hand-derived matrix", () => {
    for (const [x, y, z] of [
      [0.5, -1.5, 2],
      [1, 2, 3],
      [-0.3, 0.1, -4],
    ] as const) {
      const v = np.array([x, y, z]);
      const expected = handJacobian(x, y, z);
      const Jf = jacfwd(F)(v);
      const Jr = jacrev(F)(v);
      expect(Jf.shape).toEqual([2, 3]);
      expect(Jr.shape).toEqual([2, 3]);
      expectClose(Jf.toArray(), expected, 1e-12);
      expectClose(Jr.toArray(), expected, 1e-12);
      expectClose(jacobian(F)(v).toArray(), expected, 1e-12);
    }
  });

  // G(X) = sin(X) @ A with X: 2×3, A: 3×4, so G(X)ᵢⱼ = Σₗ sin(Xᵢₗ) Aₗⱼ and
  // ∂G(X)ᵢⱼ / ∂Xₖₗ = δᵢₖ cos(Xₖₗ) Aₗⱼ. The Jacobian has shape (2, 4) ++ (2, 3).
  const A = [
    [1, -2, 0.5, 3],
    [0, 1, -1, 2],
    [4, 0.25, 1, -1],
  ];
  const Xv = [
    [0.1, -0.7, 1.2],
    [2.0, 0.4, -1.5],
  ];
  const G = (X: Array) => np.matmul(np.sin(X), np.array(A));
  const expected2d: number[][][][] = [0, 1].map((i) =>
    [0, 1, 2, 3].map((j) => [0, 1].map((k) => [0, 1, 2].map((l) => (i === k ? Math.cos(Xv[k]![l]!) * A[l]![j]! : 0)))),
  );

  it("a Jacobian of 2-D → 2-D has shape out.shape ++ in.shape, with δᵢₖ cos(Xₖₗ) Aₗⱼ entries", () => {
    const X = np.array(Xv);
    const Jf = jacfwd(G)(X);
    const Jr = jacrev(G)(X);
    expect(Jf.shape).toEqual([2, 4, 2, 3]);
    expect(Jr.shape).toEqual([2, 4, 2, 3]);
    expectClose(Jf.toArray(), expected2d, 1e-12);
    expectClose(Jr.toArray(), expected2d, 1e-12);
  });

  it("the Hessian of a function of a matrix has shape in.shape ++ in.shape", () => {
    // h(X) = Σ Xᵢⱼ³: ∂²h/∂Xᵢⱼ∂Xₖₗ = 6Xᵢⱼ δᵢₖ δⱼₗ.
    const X = np.array(Xv);
    const H = hessian((m: Array) => np.sum(np.pow(m, 3)))(X);
    expect(H.shape).toEqual([2, 3, 2, 3]);
    const exp: Nested = [0, 1].map((i) => [0, 1, 2].map((j) => [0, 1].map((k) => [0, 1, 2].map((l) => (i === k && j === l ? 6 * Xv[i]![j]! : 0)))));
    expectClose(H.toArray(), exp, 1e-12);
  });

  it("Jacobians with respect to a pytree input are nested like the input", () => {
    // f({a, b}) = a · Σ b²  (a: 2, b: 3), S = Σ b²:
    //   ∂fᵢ/∂aⱼ = δᵢⱼ S,  ∂fᵢ/∂bₖ = 2 aᵢ bₖ.
    // a = (1, −2), b = (0.5, 1, 1.5): S = 0.25 + 1 + 2.25 = 3.5.
    const f = (p: { a: Array; b: Array }) => np.mul(p.a, np.sum(np.square(p.b)));
    const p = { a: np.array([1, -2]), b: np.array([0.5, 1, 1.5]) };
    for (const jac of [jacfwd, jacrev]) {
      const J = jac(f)(p);
      expect(Object.keys(J).sort()).toEqual(["a", "b"]);
      expect(J.a.shape).toEqual([2, 2]);
      expect(J.b.shape).toEqual([2, 3]);
      expectClose(J.a.toArray(), [
        [3.5, 0],
        [0, 3.5],
      ]);
      expectClose(J.b.toArray(), [
        [1, 2, 3],
        [-2, -4, -6],
      ]);
    }
  });

  it("Jacobians of a pytree output with respect to a pytree input nest output-then-input", () => {
    // g({a, b}) = {u: Σ a, v: a₀ · b}:
    //   ∂u/∂a = (1, 1), ∂u/∂b = (0, 0, 0),
    //   ∂vₖ/∂aⱼ = bₖ δⱼ₀, ∂vₖ/∂bₘ = a₀ δₖₘ.
    const g = (p: { a: Array; b: Array }) => ({ u: np.sum(p.a), v: np.mul(p.a.slice(0), p.b) });
    const p = { a: np.array([1.5, -2]), b: np.array([0.5, 1, 1.5]) };
    for (const jac of [jacfwd, jacrev]) {
      const J = jac(g)(p);
      expect(J.u.a.shape).toEqual([2]);
      expect(J.u.b.shape).toEqual([3]);
      expect(J.v.a.shape).toEqual([3, 2]);
      expect(J.v.b.shape).toEqual([3, 3]);
      expectClose(J.u.a.toArray(), [1, 1]);
      expectClose(J.u.b.toArray(), [0, 0, 0]);
      expectClose(J.v.a.toArray(), [
        [0.5, 0],
        [1, 0],
        [1.5, 0],
      ]);
      expectClose(J.v.b.toArray(), [
        [1.5, 0, 0],
        [0, 1.5, 0],
        [0, 0, 1.5],
      ]);
    }
  });

  it("argnums picks which argument the Jacobian is taken with respect to", () => {
    // f(x, y) = x · y (elementwise, both of length 2): ∂f/∂x = diag(y), ∂f/∂y = diag(x).
    const f = (x: Array, y: Array) => np.mul(x, y);
    const x = np.array([2, 3]);
    const y = np.array([-1, 5]);
    expectClose(jacrev(f, { argnums: 1 })(x, y).toArray(), [
      [2, 0],
      [0, 3],
    ]);
    const [Jx, Jy] = jacfwd(f, { argnums: [0, 1] })(x, y);
    expectClose(Jx.toArray(), [
      [-1, 0],
      [0, 5],
    ]);
    expectClose(Jy.toArray(), [
      [2, 0],
      [0, 3],
    ]);
  });

  it("a list of argnums with a pytree output: the tuple sits at each output leaf (JAX's order)", () => {
    // g(a, s) = {u: s·a, v: Σ a} with a = (2, 3), s = −1 (0-d):
    //   ∂u/∂a = s·I, ∂u/∂s = a (shape u.shape ++ s.shape = (2,)), ∂v/∂a = (1, 1), ∂v/∂s = 0.
    const g = (a: Array, s: Array) => ({ u: np.mul(s, a), v: np.sum(a) });
    for (const jac of [jacfwd, jacrev]) {
      const J = jac(g, { argnums: [0, 1] })(np.array([2, 3]), np.array(-1));
      expect(Object.keys(J).sort()).toEqual(["u", "v"]);
      expectClose(J.u[0].toArray(), [
        [-1, 0],
        [0, -1],
      ]);
      expectClose(J.u[1].toArray(), [2, 3]);
      expectClose(J.v[0].toArray(), [1, 1]);
      expectClose(J.v[1].item(), 0);
    }
  });

  it("hessian with argnums [0, 1]: H[i][j] = ∂²f/∂xᵢ∂xⱼ, of shape xᵢ.shape ++ xⱼ.shape (as JAX)", () => {
    // f(a, B) = aᵀBa with a: (2,), B: (2, 2), a = (1, 2), B = [[1, 2], [3, 4]]:
    //   ∂²f/∂aᵢ∂aⱼ = Bᵢⱼ + Bⱼᵢ,
    //   ∂²f/∂aᵢ∂Bⱼₖ = δᵢⱼ aₖ + aⱼ δᵢₖ (so ∂²f/∂Bⱼₖ∂aᵢ is the same number),
    //   ∂²f/∂B² = 0 (f is linear in B).
    const f = (a: Array, B: Array) => np.dot(a, np.matmul(B, a));
    const a = [1, 2];
    const B = [
      [1, 2],
      [3, 4],
    ];
    const [[Haa, HaB], [HBa, HBB]] = hessian(f, { argnums: [0, 1] })(np.array(a), np.array(B));
    expect([Haa.shape, HaB.shape, HBa.shape, HBB.shape]).toEqual([[2, 2], [2, 2, 2], [2, 2, 2], [2, 2, 2, 2]]);
    expectClose(Haa.toArray(), [0, 1].map((i) => [0, 1].map((j) => B[i]![j]! + B[j]![i]!)));
    const mixed = (i: number, j: number, k: number) => (i === j ? a[k]! : 0) + (i === k ? a[j]! : 0);
    expectClose(HaB.toArray(), [0, 1].map((i) => [0, 1].map((j) => [0, 1].map((k) => mixed(i, j, k)))));
    expectClose(HBa.toArray(), [0, 1].map((j) => [0, 1].map((k) => [0, 1].map((i) => mixed(i, j, k)))));
    expectClose(HBB.toArray(), [0, 1].map(() => [0, 1].map(() => [[0, 0], [0, 0]])));
  });
});

describe("Hessian-vector products and linearize", () => {
  // A function of 5 variables with every kind of coupling: neighbours, a global norm,
  // and a transcendental term.
  const w = [0.3, -1.2, 0.8, 2.0, -0.5];
  const f5 = (x: Array) => {
    const neighbours = np.sum(np.mul(np.sin(x.slice([0, 4])), np.cos(x.slice([1, 5]))));
    const norm2 = np.sum(np.square(x));
    return np.add(np.add(neighbours, np.mul(0.25, np.square(norm2))), np.exp(np.dot(np.array(w), x)).mul(0.1));
  };
  const x5 = np.array([0.2, -0.4, 1.1, 0.05, -0.9]);
  const vs = [np.array([1, 0, 0, 0, 0]), np.array([0.3, -0.7, 0.2, 1.5, -1.0]), np.array([-2, 1, 0.5, 0, 3])];

  it("hvp equals hessian(f)(x) @ v", () => {
    const H = hessian(f5)(x5);
    expect(H.shape).toEqual([5, 5]);
    for (const v of vs) {
      const expected = np.matmul(H, v).toArray() as number[];
      expectClose(hvp(f5, x5, v).toArray(), expected, 1e-10);
    }
  });

  it("hvp agrees with a central difference of the gradient along v", () => {
    // H v ≈ (∇f(x + εv) − ∇f(x − εv)) / 2ε, error O(ε²).
    const eps = 1e-5;
    const g = grad(f5);
    for (const v of vs) {
      const plus: Float64Array = g(np.add(x5, np.mul(eps, v))).toFloat64Array();
      const minus: Float64Array = g(np.sub(x5, np.mul(eps, v))).toFloat64Array();
      const fd = globalThis.Array.from(plus, (p: number, i: number) => (p - minus[i]!) / (2 * eps));
      expectClose(hvp(f5, x5, v).toArray(), fd, 1e-7);
    }
  });

  it("the Hessian is symmetric", () => {
    const H = hessian(f5)(x5).toArray() as number[][];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) expect(H[i]![j]!).toBeCloseTo(H[j]![i]!, 12);
  });

  // R³ → R²: F(x) = (x₀ x₁ + sin x₂, exp(x₀) − x₁ x₂²).
  const F = (x: Array) =>
    np.stack([np.add(np.mul(x.slice(0), x.slice(1)), np.sin(x.slice(2))), np.sub(np.exp(x.slice(0)), np.mul(x.slice(1), np.square(x.slice(2))))]);

  it("linearize gives f(x) and an fJvp that equals jvp for several tangents", () => {
    const x = np.array([0.4, -1.3, 2.2]);
    const [y, fJvp] = linearize(F, x);
    expectClose(y.toArray(), F(x).toArray() as number[], 1e-14);
    const tangents = [np.array([1, 0, 0]), np.array([0, 1, 0]), np.array([0, 0, 1]), np.array([0.5, -2, 3.5])];
    for (const t of tangents) {
      const [, expected] = jvp(F, [x], [t]);
      expectClose(fJvp(t).toArray(), expected.toArray() as number[], 1e-13);
    }
    // And the hand-derived Jacobian-vector product for the last tangent:
    // J = [[x₁, x₀, cos x₂], [eˣ⁰, −x₂², −2x₁x₂]].
    const [a, b, c] = [0.4, -1.3, 2.2];
    const J = [
      [b, a, Math.cos(c)],
      [Math.exp(a), -c * c, -2 * b * c],
    ];
    const t = [0.5, -2, 3.5];
    expectClose(fJvp(np.array(t)).toArray(), J.map((row) => row.reduce((s, r, k) => s + r * t[k]!, 0)), 1e-12);
  });

  it("linearize's fJvp is linear: fJvp(αu + v) = α fJvp(u) + fJvp(v)", () => {
    const x = np.array([1.0, 0.5, -0.3]);
    const [, fJvp] = linearize(F, x);
    const u = np.array([0.2, 1, -1]);
    const v = np.array([3, -0.5, 0.25]);
    const lhs = fJvp(np.add(np.mul(2.5, u), v)).toArray() as number[];
    const rhs = np.add(np.mul(2.5, fJvp(u)), fJvp(v)).toArray() as number[];
    expectClose(lhs, rhs, 1e-13);
  });
});

describe("per-example gradients with vmap", () => {
  // loss(w, x, y) = (tanh(x·w) − y)²: ∇_w = 2 (tanh(x·w) − y)(1 − tanh²(x·w)) x.
  const loss = (w: Array, x: Array, y: Array) => np.square(np.sub(np.tanh(np.dot(x, w)), y));
  const W = np.array([0.5, -0.25, 1.0]);
  const Xs = [
    [1, 2, 3],
    [-1, 0.5, 0],
    [0.2, -0.3, 0.9],
    [2, 2, -1],
  ];
  const Ys = [0.5, -1, 0.25, 0];

  it("vmap(grad(loss), {inAxes: [null, 0, 0]}) equals a loop of grad(loss)", () => {
    const batched = vmap(grad(loss), { inAxes: [null, 0, 0] })(W, np.array(Xs), np.array(Ys));
    expect(batched.shape).toEqual([4, 3]);
    const looped = Xs.map((x, i) => grad(loss)(W, np.array(x), np.array(Ys[i]!)).toArray() as number[]);
    expectClose(batched.toArray(), looped, 1e-13);
  });

  it("the per-example gradients match the hand-derived formula", () => {
    const batched = vmap(grad(loss), { inAxes: [null, 0, 0] })(W, np.array(Xs), np.array(Ys)).toArray();
    const w = [0.5, -0.25, 1.0];
    const expected = Xs.map((x, i) => {
      const t = Math.tanh(x.reduce((s, xi, k) => s + xi * w[k]!, 0));
      return x.map((xi) => 2 * (t - Ys[i]!) * (1 - t * t) * xi);
    });
    expectClose(batched, expected, 1e-12);
  });

  it("inAxes and outAxes move the batch axis", () => {
    // The examples as columns (inAxes 1) and the gradients as columns (outAxes 1).
    const XsT = np.transpose(np.array(Xs));
    const batched = vmap(grad(loss), { inAxes: [null, 1, 0], outAxes: 1 })(W, XsT, np.array(Ys));
    expect(batched.shape).toEqual([3, 4]);
    const looped = Xs.map((x, i) => grad(loss)(W, np.array(x), np.array(Ys[i]!)).toArray() as number[]);
    const transposed = [0, 1, 2].map((k) => looped.map((row) => row[k]!));
    expectClose(batched.toArray(), transposed, 1e-13);
  });
});

describe("a two-layer MLP", () => {
  interface Params {
    W1: Array;
    b1: Array;
    W2: Array;
    b2: Array;
  }
  // tanh hidden layer, softmax cross-entropy written with logsumexp:
  // loss = mean over examples of logsumexp(logits) − ⟨onehot, logits⟩.
  const mlpLoss = (p: Params, X: Array, Y: Array) => {
    const h = np.tanh(np.add(np.matmul(X, p.W1), p.b1));
    const logits = np.add(np.matmul(h, p.W2), p.b2);
    return np.mean(np.sub(np.logsumexp(logits, { axis: 1 }), np.sum(np.mul(Y, logits), { axis: 1 })));
  };
  const [k1, k2, k3, k4, k5] = random.split(random.key(7), 5);
  const params: Params = {
    W1: random.normal(k1!, [3, 4]).mul(0.8),
    b1: random.normal(k2!, [4]).mul(0.1),
    W2: random.normal(k3!, [4, 3]).mul(0.8),
    b2: random.normal(k4!, [3]).mul(0.1),
  };
  const X = random.normal(k5!, [5, 3]);
  const labels = [0, 2, 1, 1, 0];
  const Y = np.array(labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));

  it("the gradient over {W1, b1, W2, b2} matches central finite differences leaf by leaf", () => {
    const g = grad(mlpLoss)(params, X, Y);
    expect(Object.keys(g).sort()).toEqual(["W1", "W2", "b1", "b2"]);
    const eps = 1e-6;
    for (const name of ["W1", "b1", "W2", "b2"] as const) {
      const leaf = params[name];
      expect(g[name].shape).toEqual(leaf.shape);
      const base = leaf.toFloat64Array();
      const ad = g[name].toFloat64Array();
      const at = (k: number, delta: number) => {
        const data = Float64Array.from(base);
        data[k] = data[k]! + delta;
        const p = { ...params, [name]: np.reshape(np.array(data), leaf.shape) };
        return mlpLoss(p, X, Y).item();
      };
      for (let k = 0; k < base.length; k++) {
        const fd = (at(k, eps) - at(k, -eps)) / (2 * eps);
        expect(Math.abs(ad[k]! - fd), `${name}[${k}]: AD ${ad[k]} vs FD ${fd}`).toBeLessThan(1e-8);
      }
    }
  });

  it("checkGrads passes on the MLP loss (both modes, up to second order)", () => {
    expect(() => checkGrads((p: Params) => mlpLoss(p, X, Y), [params], { order: 2 })).not.toThrow();
  });

  it("the b2 gradient is the mean of softmax − onehot (closed form)", () => {
    // ∂loss/∂logits = (softmax(logits) − onehot)/N, and logits depend on b2 additively.
    const h = np.tanh(np.add(np.matmul(X, params.W1), params.b1));
    const logits = np.add(np.matmul(h, params.W2), params.b2).toArray() as number[][];
    const expected = [0, 1, 2].map((k) =>
      logits.reduce((s, row, n) => {
        const z = row.reduce((acc, v) => acc + Math.exp(v), 0);
        return s + (Math.exp(row[k]!) / z - (labels[n] === k ? 1 : 0)) / logits.length;
      }, 0),
    );
    expectClose(grad(mlpLoss)(params, X, Y).b2.toArray(), expected, 1e-12);
  });
});

describe("grad options", () => {
  // f(x, y, z) = x·y² + sin z: ∂f/∂x = y², ∂f/∂y = 2xy, ∂f/∂z = cos z.
  const f = (x: Array, y: Array, z: Array) => np.add(np.mul(x, np.square(y)), np.sin(z));
  const [x, y, z] = [np.array(1.5), np.array(-2), np.array(0.4)];

  it("argnums as a number differentiates that argument only", () => {
    expect(grad(f)(x, y, z).item()).toBeCloseTo(4, 12);
    expect(grad(f, { argnums: 1 })(x, y, z).item()).toBeCloseTo(-6, 12);
    expect(grad(f, { argnums: 2 })(x, y, z).item()).toBeCloseTo(Math.cos(0.4), 12);
  });

  it("argnums as a list gives a tuple of gradients", () => {
    const gs = grad(f, { argnums: [0, 2] })(x, y, z);
    expect(globalThis.Array.isArray(gs)).toBe(true);
    expect(gs.length).toBe(2);
    expect(gs[0].item()).toBeCloseTo(4, 12);
    expect(gs[1].item()).toBeCloseTo(Math.cos(0.4), 12);
    // A one-element list is still a tuple.
    const single = grad(f, { argnums: [1] })(x, y, z);
    expect(globalThis.Array.isArray(single)).toBe(true);
    expect(single[0].item()).toBeCloseTo(-6, 12);
  });

  it("an argnums that does not fit the call is an error", () => {
    expect(errorOf(() => grad(f, { argnums: 3 })(x, y, z))).toMatch(/argnums/);
  });

  it("hasAux passes the auxiliary value through untouched", () => {
    // value = x², aux = {label, table} (not computed from x): ∇ = 2x.
    // (An aux computed from x comes back as a live tracer; see the report.)
    const table = np.array([1, 2, 3]);
    const withAux = (v: Array): [Array, { label: string; table: Array }] => [np.square(v), { label: "sq", table }];
    const [g, aux] = grad(withAux, { hasAux: true })(np.array(3));
    expect(g.item()).toBeCloseTo(6, 12);
    expect(aux.label).toBe("sq");
    expect(aux.table).toBe(table);
    const [[value, aux2], g2] = valueAndGrad(withAux, { hasAux: true })(np.array(3));
    expect(value.item()).toBeCloseTo(9, 12);
    expect(aux2.label).toBe("sq");
    expect(g2.item()).toBeCloseTo(6, 12);
  });

  it("hasAux requires f to return [value, aux]", () => {
    expect(errorOf(() => grad((v: Array) => np.square(v), { hasAux: true })(np.array(3)))).toMatch(/\[value, aux\]/);
  });

  it("valueAndGrad returns f(x) and ∇f(x)", () => {
    // f(v) = Σ exp(vᵢ)·vᵢ: ∂f/∂vᵢ = exp(vᵢ)(1 + vᵢ).
    const [value, g] = valueAndGrad((v: Array) => np.sum(np.mul(np.exp(v), v)))(np.array([0, 1, -2]));
    expect(value.item()).toBeCloseTo(0 + Math.E - 2 * Math.exp(-2), 12);
    expectClose(g.toArray(), [1, 2 * Math.E, -Math.exp(-2)], 1e-12);
  });

  it("gradients of pytree arguments have the argument's structure", () => {
    // f({w: [a, b], c}) = a·b + c²: ∂/∂a = b, ∂/∂b = a, ∂/∂c = 2c.
    const g = grad((p: { w: Array[]; c: Array }) => np.add(np.mul(p.w[0]!, p.w[1]!), np.square(p.c)))({
      w: [np.array(2), np.array(-3)],
      c: np.array(0.5),
    });
    expect(g.w.length).toBe(2);
    expect(g.w[0]!.item()).toBeCloseTo(-3, 12);
    expect(g.w[1]!.item()).toBeCloseTo(2, 12);
    expect(g.c.item()).toBeCloseTo(1, 12);
  });

  it("stopGradient blocks the gradient but not the value", () => {
    // x · sg(x): value x², gradient sg(x) = x (not 2x).
    const [value, g] = valueAndGrad((v: Array) => np.mul(v, stopGradient(v)))(np.array(3));
    expect(value.item()).toBeCloseTo(9, 12);
    expect(g.item()).toBeCloseTo(3, 12);
    // Entirely stopped: zero gradient.
    expect(grad((v: Array) => stopGradient(np.square(v)))(np.array(3)).item()).toBe(0);
    // And forward mode agrees.
    expect(jvp((v: Array) => np.mul(v, stopGradient(v)), [np.array(3)], [np.array(1)])[1].item()).toBeCloseTo(3, 12);
  });

  it("vjp's pullback gives one cotangent per argument", () => {
    // f(A, b) = A @ b with A 2×2, b 2: pullback(u) = (u bᵀ, Aᵀ u).
    const [out, pullback] = vjp((A: Array, b: Array) => np.matmul(A, b), np.array([[1, 2], [3, 4]]), np.array([5, -1]));
    expectClose(out.toArray(), [3, 11]);
    const [gA, gb] = pullback(np.array([1, 2]));
    expectClose(gA.toArray(), [
      [5, -1],
      [10, -2],
    ]);
    expectClose(gb.toArray(), [7, 10]);
  });
});

describe("higher derivatives through control flow", () => {
  it("grad∘grad∘grad through cond follows the branch taken", () => {
    // x > 0: x⁴ → 4x³ → 12x² → 24x;  x ≤ 0: sin x → cos x → −sin x → −cos x.
    const f = (x: Array) => cond(np.greater(x, 0), (v: Array) => np.pow(v, 4), (v: Array) => np.sin(v), x);
    const d3 = grad(grad(grad(f)));
    expect(d3(np.array(0.7)).item()).toBeCloseTo(24 * 0.7, 10);
    expect(d3(np.array(-0.4)).item()).toBeCloseTo(-Math.cos(-0.4), 10);
  });

  it("grad∘grad∘grad through scan, with x as the initial carry", () => {
    // Two squarings of the carry: x → x² → x⁴; third derivative 24x.
    const f = (x: Array) => scan((c: Array, _: null) => [np.square(c), null], x, null, { length: 2 })[0];
    expect(f(np.array(1.3)).item()).toBeCloseTo(1.3 ** 4, 12);
    expect(grad(grad(grad(f)))(np.array(1.3)).item()).toBeCloseTo(24 * 1.3, 10);
  });

  it("grad∘grad∘grad through scan, with x closed over by the body", () => {
    // c ← c + sin(k·x) for k = 1, 2, 3: f(x) = Σ sin(kx), f'''(x) = −Σ k³ cos(kx).
    const f = (x: Array) => scan((c: Array, k: Array) => [np.add(c, np.sin(np.mul(k, x))), null], np.array(0), np.array([1, 2, 3]))[0];
    const x = 0.45;
    const expected = -[1, 2, 3].reduce((s, k) => s + k ** 3 * Math.cos(k * x), 0);
    expect(grad(grad(grad(f)))(np.array(x)).item()).toBeCloseTo(expected, 9);
  });
});

describe("errors name what went wrong", () => {
  it("grad of a non-scalar output", () => {
    const msg = errorOf(() => grad((x: Array) => np.mul(x, 2))(np.array([1, 2])));
    expect(msg).toMatch(/scalar/);
    expect(msg).toMatch(/\(2\)/);
  });

  it("grad with respect to an int32 argument names the argument and the dtype", () => {
    const msg = errorOf(() => grad((x: Array) => np.sum(x))(np.array([1, 2], { dtype: "int32" })));
    expect(msg).toMatch(/argument 0/);
    expect(msg).toMatch(/int32/);
    // jacrev reports the position in the call (grad with argnums does not; see the report).
    const msg1 = errorOf(() => jacrev((x: Array, n: Array) => np.mul(x, n), { argnums: 1 })(np.array([1.5]), np.array([2], { dtype: "int32" })));
    expect(msg1).toMatch(/argument 1/);
    expect(msg1).toMatch(/int32/);
  });

  it("a tracer that escapes its transformation and is used afterwards", () => {
    let leaked: Array | undefined;
    grad((x: Array) => {
      leaked = np.mul(x, 2);
      return np.sum(x);
    })(np.array([1, 2]));
    expect(leaked).toBeDefined();
    expect(errorOf(() => np.add(leaked!, 1))).toMatch(/escaped/);
  });

  it("x.item() inside grad points to cond and whileLoop", () => {
    const msg = errorOf(() => grad((x: Array) => (x.item() > 0 ? x : np.neg(x)))(np.array(1)));
    expect(msg).toMatch(/item/);
    expect(msg).toMatch(/cond/);
    expect(msg).toMatch(/whileLoop/);
  });

  it("vmap with mismatched batch sizes names both sizes", () => {
    const msg = errorOf(() => vmap((a: Array, b: Array) => np.add(a, b))(np.ones([3]), np.ones([4])));
    expect(msg).toMatch(/size/);
    expect(msg).toMatch(/3/);
    expect(msg).toMatch(/4/);
  });

  it("jvp with a tangent of the wrong shape names both shapes", () => {
    const msg = errorOf(() => jvp((x: Array) => np.sin(x), [np.ones([3])], [np.ones([2])]));
    expect(msg).toMatch(/tangent/);
    expect(msg).toMatch(/\(2,?\)/);
    expect(msg).toMatch(/\(3,?\)/);
  });
});

describe("aux outputs and argument positions", () => {
  it("returns an aux computed from the input as a plain value", () => {
    // f(v) = v², aux = 2v: at v = 3 the gradient is 6 and aux is 6, usable afterwards.
    const [g, aux] = grad((v: Array) => [np.square(v), np.mul(2, v)], { hasAux: true })(np.array(3));
    expect(g.item()).toBe(6);
    expect(aux.item()).toBe(6);
    expect(np.add(aux, 1).item()).toBe(7);
  });

  it("names the real argument position of an int input under argnums", () => {
    const f = (x: Array, n: Array) => np.sum(np.mul(x, n));
    expect(() => grad(f, { argnums: 1 })(np.array([1.5]), np.array([2], { dtype: "int32" }))).toThrow(/argument 1 has dtype int32/);
  });
});

describe("prod where inputs are zero", () => {
  it("has the exact Hessian: ∂²Πx/∂xᵢ∂xⱼ = Π over the others (i ≠ j)", () => {
    // [0, 2, 3]: H01 = 3, H02 = 2, H12 = 0·… = 0; [0, 0, 3]: only H01 = 3 survives.
    expect(hessian((x: Array) => np.prod(x))(np.array([0, 2, 3])).toArray()).toEqual([[0, 3, 2], [3, 0, 0], [2, 0, 0]]);
    expect(hessian((x: Array) => np.prod(x))(np.array([0, 0, 3])).toArray()).toEqual([[0, 3, 0], [3, 0, 0], [0, 0, 0]]);
    checkGrads((x: Array) => np.prod(x, { axis: 1 }), [np.array([[0, 2], [3, 4]])], { order: 2 });
  });
});
