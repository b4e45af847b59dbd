// The public types of the transformations, checked by the compiler: `npm test` runs
// `tsc --noEmit` over test/ before vitest, so every expectTypeOf below is a compile-time
// assertion, and every `// @ts-expect-error` must meet an error (an unused one is itself
// an error). Each test also runs, and checks the values the types describe.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  cond,
  customJvp,
  customVjp,
  directionalDerivative,
  foriLoop,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacobian,
  jacrev,
  jit,
  jvp,
  linearize,
  makeIR,
  minimize,
  np,
  ravelPytree,
  scan,
  steepestDescentDirection,
  taylor,
  totalDerivative,
  tree,
  valueAndGrad,
  vjp,
  vmap,
  whileLoop,
  type Array,
  type GradOf,
  type IR,
  type JacobianOf,
  type MinimizeResult,
} from "nabla";
import { expectClose } from "../helpers.js";

type Params = { w: Array; b: Array };
/** A linear model's squared error: the example of the issue, (params, x, y) ↦ scalar. */
const loss = (params: Params, x: Array, y: Array) => np.sum(np.square(np.sub(np.add(np.mul(params.w, x), params.b), y)));
const params: Params = { w: np.array([1, 2]), b: np.array(0.5) };
const x = np.array([1, -1]);
const y = np.array([0, 1]);

describe("the public type machinery", () => {
  it("GradOf, JacobianOf and tree.map's result type follow the pytree", () => {
    expectTypeOf<GradOf<{ w: Array; b: number; tag: null; layers: [Array, { s: number }] }>>().toEqualTypeOf<{
      w: Array;
      b: Array;
      tag: null;
      layers: [Array, { s: Array }];
    }>();
    expectTypeOf<GradOf<number[]>>().toEqualTypeOf<Array[]>();
    // A pair of outputs, each with the input's structure. (Checked item by item: the strict
    // equality of expect-type does not see this mapped tuple as the literal one, though
    // the compiler does.)
    type J = JacobianOf<[Array, Array], { a: Array }>;
    expectTypeOf<J[0]>().toEqualTypeOf<{ a: Array }>();
    expectTypeOf<J["length"]>().toEqualTypeOf<2>();
    expectTypeOf<J>().toExtend<[{ a: Array }, { a: Array }]>();
    // An SGD step keeps the parameters' type.
    const next = tree.map((p: Array, g: Array) => p.sub(g.mul(0.5)), params, grad(loss)(params, x, y));
    expectTypeOf(next).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(next.b.item()).toBe(1.5); // 0.5 − 0.5·(−2)
  });
});

describe("grad and valueAndGrad", () => {
  it("the gradient has the parameters' type, so a typo is a compile error", () => {
    const g = grad(loss)(params, x, y);
    expectTypeOf(g).toEqualTypeOf<{ w: Array; b: Array }>();
    // @ts-expect-error: there is no ww
    void g.ww;
    // r = w∘x + b − y = (1.5, −2.5); ∂/∂w = 2r∘x = (3, 5), ∂/∂b = Σ 2r = −2.
    expect(g.w.toArray()).toEqual([3, 5]);
    expect(g.b.item()).toBe(-2);
  });

  it("argnums [0, 1] gives a typed tuple, a single position one gradient", () => {
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(params, x, y);
    expectTypeOf(gp).toEqualTypeOf<{ w: Array; b: Array }>();
    expectTypeOf(gx).toEqualTypeOf<Array>();
    const gy = grad(loss, { argnums: 2 })(params, x, y);
    expectTypeOf(gy).toEqualTypeOf<Array>();
    expect(gx.toArray()).toEqual([3, -10]); // 2r∘w
    expect(gy.toArray()).toEqual([-3, 5]); // −2r
    const both = grad(loss, { argnums: [2, 0] })(params, x, y);
    expectTypeOf(both).toEqualTypeOf<[Array, { w: Array; b: Array }]>();
  });

  it("number arguments and leaves get Array gradients", () => {
    const g = grad((p: { a: number; v: Array[] }) => np.mul(p.a, p.v[0]!.sum()))({ a: 2, v: [np.array([1, 2])] });
    expectTypeOf(g).toEqualTypeOf<{ a: Array; v: Array[] }>();
    expect(g.a.item()).toBe(3);
    const d = grad((t: number) => np.mul(t, t))(3);
    expectTypeOf(d).toEqualTypeOf<Array>();
    expect(d.item()).toBe(6);
  });

  it("an unannotated parameter takes the type of what is passed", () => {
    const g = grad((v) => v.sin())(np.array(0.3));
    expectTypeOf(g).toEqualTypeOf<Array>();
    expect(g.item()).toBeCloseTo(Math.cos(0.3), 15);
    const g3 = grad(grad(grad(np.sin)))(np.array(0.3));
    expectTypeOf(g3).toEqualTypeOf<Array>();
    expect(g3.item()).toBeCloseTo(-Math.cos(0.3), 15);
  });

  it("hasAux: grad gives [grad, aux], valueAndGrad [[value, aux], grad]", () => {
    // A named function says it returns a pair (a literal written inline is read as one).
    const withAux = (p: Params): [Array, { residual: Array; n: number }] => [loss(p, x, y), { residual: np.sub(np.add(np.mul(p.w, x), p.b), y), n: 2 }];
    const [g, aux] = grad(withAux, { hasAux: true })(params);
    expectTypeOf(g).toEqualTypeOf<{ w: Array; b: Array }>();
    expectTypeOf(aux).toEqualTypeOf<{ residual: Array; n: number }>();
    expect(aux.residual.toArray()).toEqual([1.5, -2.5]);
    const [[value, aux2], g2] = valueAndGrad(withAux, { hasAux: true })(params);
    expectTypeOf(value).toEqualTypeOf<Array>();
    expectTypeOf(aux2).toEqualTypeOf<{ residual: Array; n: number }>();
    expectTypeOf(g2).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(value.item()).toBe(8.5);
    expect(aux2.n).toBe(2);
    expect(g2.w.toArray()).toEqual([3, 5]);
    const [, inline] = grad((p: Params) => [loss(p, x, y), p.w.sum()], { hasAux: true })(params);
    expectTypeOf(inline).toEqualTypeOf<Array>();
    expect(inline.item()).toBe(3);
    const [[, a], [gp, gy]] = valueAndGrad((p: Params, t: Array) => [loss(p, x, t), t.sum()], { hasAux: true, argnums: [0, 1] })(params, y);
    expectTypeOf(a).toEqualTypeOf<Array>();
    expectTypeOf(gp.b).toEqualTypeOf<Array>();
    expectTypeOf(gy).toEqualTypeOf<Array>();
  });

  it("valueAndGrad's value is an Array, its gradient typed as grad's", () => {
    const [v, g] = valueAndGrad(loss)(params, x, y);
    expectTypeOf(v).toEqualTypeOf<Array>();
    expectTypeOf(g).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(v.item()).toBe(8.5); // 1.5² + 2.5²
  });

  it("wrong arguments to a transformed function are compile errors", () => {
    const g = grad(loss);
    // @ts-expect-error: params must be { w, b }
    expect(() => g(x, x, y)).toThrow();
    // @ts-expect-error: a missing argument
    expect(() => g(params, x)).toThrow();
    const vg = valueAndGrad(loss);
    // @ts-expect-error: a string is no Array
    expect(() => vg(params, "x", y)).toThrow();
  });

  it("the result may be assigned to a plain function type", () => {
    const f = (v: Array) => v.square().sum();
    const df: (v: Array) => Array = grad(f);
    const vdf: (v: Array) => [Array, Array] = valueAndGrad(f);
    const H: (v: Array) => Array = hessian(f);
    expect(df(x).toArray()).toEqual([2, -2]);
    expect(vdf(x)[0].item()).toBe(2);
    expect(H(x).toArray()).toEqual([
      [2, 0],
      [0, 2],
    ]);
  });
});

describe("composition keeps the types", () => {
  it("vmap(grad(loss)) over a batch: per-example gradients of the parameters' type", () => {
    const xs = np.array([
      [1, -1],
      [0, 2],
      [3, 1],
    ]);
    const ys = np.zeros([3, 2]);
    const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(params, xs, ys);
    expectTypeOf(perExample).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(perExample.w.shape).toEqual([3, 2]);
    expect(perExample.b.shape).toEqual([3]);
    // @ts-expect-error: vmap keeps the parameter types
    expect(() => vmap(grad(loss))(x, xs, ys)).toThrow();
  });

  it("jit(valueAndGrad(loss)) keeps value and gradient types", () => {
    const step = jit(valueAndGrad(loss));
    const [v, g] = step(params, x, y);
    expectTypeOf(v).toEqualTypeOf<Array>();
    expectTypeOf(g).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(v.item()).toBe(8.5);
    expect(step.cacheSize()).toBe(1);
    const compiled = jit((a: Array, s: number) => a.mul(s));
    expectTypeOf(compiled).parameters.toEqualTypeOf<[a: Array, s: number]>();
    expectTypeOf(compiled).returns.toEqualTypeOf<Array>();
    // @ts-expect-error: jit keeps the parameter types
    expect(() => compiled(x, "2")).toThrow();
  });

  it("grad of grad, and the Jacobian family over one another", () => {
    const cube = (v: Array) => v.mul(v).mul(v).sum();
    expectTypeOf(grad(grad((t: Array) => t.sin()))).returns.toEqualTypeOf<Array>();
    const H = jacfwd(jacrev(cube))(x);
    expectTypeOf(H).toEqualTypeOf<Array>();
    expectClose(H.toArray(), [
      [6, 0],
      [0, -6],
    ]);
    expectTypeOf(hessian(cube)(x)).toEqualTypeOf<Array>();
    const IR0 = makeIR(cube)(x);
    expectTypeOf(IR0).toEqualTypeOf<IR>();
    // @ts-expect-error: makeIR keeps the parameter types
    expect(() => makeIR(cube)({ v: x })).toThrow();
  });
});

describe("Jacobians and Hessians", () => {
  it("an Array to Array function: an Array, shaped out.shape ++ in.shape", () => {
    const J = jacrev((v: Array) => v.square())(x);
    expectTypeOf(J).toEqualTypeOf<Array>();
    expectTypeOf(jacobian((v: Array) => v.square())(x)).toEqualTypeOf<Array>();
    expect(J.shape).toEqual([2, 2]);
  });

  it("pytrees: the output's structure, each leaf holding the input's", () => {
    const f = (p: { a: Array; b: Array }) => ({ u: p.a.mul(p.b), v: p.a.sum() });
    const p = { a: np.array([1, 2]), b: np.array([3, 4]) };
    const J = jacfwd(f)(p);
    expectTypeOf(J).toEqualTypeOf<{ u: { a: Array; b: Array }; v: { a: Array; b: Array } }>();
    expectTypeOf(J).toEqualTypeOf<JacobianOf<{ u: Array; v: Array }, { a: Array; b: Array }>>();
    expect(J.u.b.shape).toEqual([2, 2]); // ∂u/∂b = diag(a)
    expect(J.u.b.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    expect(J.v.a.shape).toEqual([2]);
    // @ts-expect-error: the output has no w
    void J.w;
  });

  it("argnums [0, 1] with a pytree output: the tuple sits at each output leaf (JAX's order)", () => {
    const f = (a: Array, s: Array) => ({ u: a.mul(s), v: a.sum() });
    const s = np.array(3);
    const J = jacrev(f, { argnums: [0, 1] })(x, s);
    expectTypeOf(J).toEqualTypeOf<{ u: [Array, Array]; v: [Array, Array] }>();
    const [duda, duds] = J.u;
    expect(duda.toArray()).toEqual([
      [3, 0],
      [0, 3],
    ]);
    expect(duds.toArray()).toEqual([1, -1]); // shape u.shape ++ s.shape = [2]
    expect(J.v[1].shape).toEqual([]);
    const Jf = jacfwd(f, { argnums: [0, 1] })(x, s);
    expectTypeOf(Jf).toEqualTypeOf<{ u: [Array, Array]; v: [Array, Array] }>();
    expect(Jf.u[1].toArray()).toEqual([1, -1]);
  });

  it("hessian with argnums [0, 1]: a 2×2 tuple of blocks, H[i][j] of shape xᵢ.shape ++ xⱼ.shape", () => {
    // The values against a closed form: test/transforms/derivatives.test.ts.
    const f = (a: Array, B: Array) => np.dot(a, np.matmul(B, a));
    const H = hessian(f, { argnums: [0, 1] })(np.array([1, 2]), np.eye(2));
    expectTypeOf(H).toEqualTypeOf<[[Array, Array], [Array, Array]]>();
    expect(H.map((row) => row.map((block) => block.shape))).toEqual([
      [[2, 2], [2, 2, 2]],
      [[2, 2, 2], [2, 2, 2, 2]],
    ]);
    const Haa = hessian(f)(np.array([1, 2]), np.eye(2));
    expectTypeOf(Haa).toEqualTypeOf<Array>();
    expect(Haa.toArray()).toEqual([
      [2, 0],
      [0, 2],
    ]);
  });

  it("hessian of a pytree argument nests its structure in itself; hvp keeps x's type", () => {
    const f = (p: { a: Array; b: Array }) => p.a.mul(p.b).sum();
    const p = { a: np.array([1, 2]), b: np.array([3, 4]) };
    const H = hessian(f)(p);
    expectTypeOf(H).toEqualTypeOf<{ a: { a: Array; b: Array }; b: { a: Array; b: Array } }>();
    expect(H.a.b.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    const Hv = hvp(f, p, { a: np.array([1, 0]), b: np.array([0, 0]) });
    expectTypeOf(Hv).toEqualTypeOf<{ a: Array; b: Array }>();
    expect(Hv.b.toArray()).toEqual([1, 0]);
    // @ts-expect-error: v must have x's structure
    expect(() => hvp(f, p, { a: np.array([1, 0]) })).toThrow();
  });
});

describe("jvp, vjp, linearize", () => {
  it("keep the function's types; tangents and cotangents have the arguments' structure", () => {
    const f = (p: Params, t: Array) => ({ out: np.add(np.mul(p.w, t), p.b) });
    const [out, tangent] = jvp(f, [params, x], [{ w: np.ones([2]), b: np.array(0) }, np.zeros([2])]);
    expectTypeOf(out).toEqualTypeOf<{ out: Array }>();
    expectTypeOf(tangent).toEqualTypeOf<{ out: Array }>();
    expect(tangent.out.toArray()).toEqual([1, -1]);
    // @ts-expect-error: a tangent of the wrong structure
    expect(() => jvp(f, [params, x], [x, x])).toThrow();

    const [y0, pullback] = vjp(f, params, x);
    expectTypeOf(y0).toEqualTypeOf<{ out: Array }>();
    const [gp, gx] = pullback({ out: np.ones([2]) });
    expectTypeOf(gp).toEqualTypeOf<{ w: Array; b: Array }>();
    expectTypeOf(gx).toEqualTypeOf<Array>();
    expect(gp.b.item()).toBe(2);

    const [y1, fJvp] = linearize((v: Array) => v.sin(), np.array(0.3));
    expectTypeOf(y1).toEqualTypeOf<Array>();
    expectTypeOf(fJvp).parameters.toEqualTypeOf<[Array]>();
    expect(fJvp(np.array(2)).item()).toBeCloseTo(2 * Math.cos(0.3), 15);
  });

  it("an unannotated function takes its primals' types", () => {
    const [y0, dy] = jvp((v) => v.sin(), [np.array(0.3)], [np.array(1)]);
    expectTypeOf(y0).toEqualTypeOf<Array>();
    expectTypeOf(dy).toEqualTypeOf<Array>();
    const [, pullback] = vjp((v) => v.mul(v).sum(), np.array([1, 2]));
    expectTypeOf(pullback(np.array(1))).toEqualTypeOf<[Array]>();
    expect(pullback(np.array(1))[0].toArray()).toEqual([2, 4]);
  });
});

describe("control flow and custom rules keep their function's types", () => {
  it("cond: the operands' types in, the branches' type out", () => {
    const r = cond(np.greater(x.sum(), 0), (v, s) => v.mul(s), (v, s) => v.add(s), x, np.array(2));
    expectTypeOf(r).toEqualTypeOf<Array>();
    expect(r.toArray()).toEqual([3, 1]);
    const pair = cond(true, (p: Params) => ({ w: p.w, b: p.b }), (p: Params) => p, params);
    expectTypeOf(pair).toEqualTypeOf<{ w: Array; b: Array }>();
    // @ts-expect-error: the branches take the operands' types
    const wrong = () => cond(true, (p: Params) => p.w, (p: Params) => p.b, x);
    expect(typeof wrong).toBe("function"); // not run: p.w of an Array is undefined, no error
  });

  it("whileLoop and foriLoop: the carry keeps its type, tuples included", () => {
    const [i, v] = whileLoop(([k]) => np.less(k, 3), ([k, c]) => [k.add(1), c.mul(2)], [np.array(0), x]);
    expectTypeOf(i).toEqualTypeOf<Array>();
    expectTypeOf(v).toEqualTypeOf<Array>();
    expect(v.toArray()).toEqual([8, -8]);
    const acc = foriLoop(0, 4, (k, c) => ({ s: c.s.add(k) }), { s: np.array(0) });
    expectTypeOf(acc).toEqualTypeOf<{ s: Array }>();
    expect(acc.s.item()).toBe(6);
    // @ts-expect-error: the body must return the carry's type
    expect(() => whileLoop((c: Array) => np.less(c.sum(), 3), (c: Array) => [c], x)).toThrow();
  });

  it("scan: [carry, ys] with the carry's and the step output's types", () => {
    const xs = np.array([1, 2, 3]);
    const [total, running] = scan((c, xi) => [c.add(xi), { sum: c.add(xi), x: xi }], np.array(0), xs);
    expectTypeOf(total).toEqualTypeOf<Array>();
    expectTypeOf(running).toEqualTypeOf<{ sum: Array; x: Array }>();
    expect(running.sum.toArray()).toEqual([1, 3, 6]);
    const [[a, b]] = scan(([p, q], xi: Array) => [[p.add(xi), q.mul(xi)], null], [np.array(0), np.array(1)], xs);
    expectTypeOf(a).toEqualTypeOf<Array>();
    expect(b.item()).toBe(6);
  });

  it("customJvp and customVjp return the function as it was typed", () => {
    const softplus = customJvp(
      (v: Array) => np.log1p(np.exp(v)),
      ([v], [t]) => [np.softplus(v), t.mul(np.sigmoid(v))],
    );
    expectTypeOf(softplus).toEqualTypeOf<(v: Array) => Array>();
    expect(grad(softplus)(np.array(0)).item()).toBe(0.5);
    const mulSin = customVjp(
      (u: Array, w: Array) => np.mul(np.sin(u), w),
      (u, w) => [np.mul(np.sin(u), w), [u, w]],
      ([u, w], g) => [np.mul(np.mul(np.cos(u), w), g), np.mul(np.sin(u), g)],
    );
    expectTypeOf(mulSin).toEqualTypeOf<(u: Array, w: Array) => Array>();
    expect(grad(mulSin, { argnums: 1 })(np.array(0.3), np.array(2)).item()).toBeCloseTo(Math.sin(0.3), 15);
    // @ts-expect-error: bwd returns one cotangent per argument
    customVjp((u: Array) => u, (u) => [u, null], (_r, g) => [g, g]);
  });
});

describe("optimizers and helpers", () => {
  it("minimize<T>: f takes x0's type, result.x and result.grad have it", () => {
    const r = minimize((p) => loss(p, x, y), params);
    expectTypeOf(r).toEqualTypeOf<MinimizeResult<Params>>();
    expectTypeOf(r.x).toEqualTypeOf<{ w: Array; b: Array }>();
    expectTypeOf(r.grad).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(r.success).toBe(true);
    expect(Math.abs(np.add(np.mul(r.x.w, x), r.x.b).sub(y).abs().max().item())).toBeLessThan(1e-5);
    // @ts-expect-error: there is no ww
    void r.x.ww;
    // A number leaf of x0 comes back as an Array, and the callback sees the same type.
    const seen: number[] = [];
    const r2 = minimize((p) => np.square(np.sub(p.s, 2)), { s: 0 }, { callback: (info) => void seen.push(info.x.s.item()) });
    expectTypeOf(r2.x).toEqualTypeOf<{ s: Array }>();
    expect(r2.x.s.item()).toBeCloseTo(2, 6);
    expect(seen.length).toBeGreaterThan(0);
    // @ts-expect-error: f's parameter must match x0
    expect(() => minimize((p: Params) => p.b, x)).toThrow(/scalar/);
  });

  it("ravelPytree, steepestDescentDirection, directionalDerivative, taylor, totalDerivative", () => {
    const [flat, unravel] = ravelPytree({ w: np.ones([2]), b: 3 });
    expectTypeOf(unravel(flat)).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(unravel(flat).b.item()).toBe(3);
    const f = (p: Params) => p.w.square().sum().add(p.b.square());
    const d = steepestDescentDirection(f, params);
    expectTypeOf(d).toEqualTypeOf<GradOf<Params>>();
    expect(d.b.shape).toEqual([]);
    expectTypeOf(directionalDerivative(f, params, { w: np.array([1, 0]), b: np.array(0) })).toEqualTypeOf<Array>();
    const t = taylor(f, params);
    expectTypeOf(t.grad).toEqualTypeOf<{ w: Array; b: Array }>();
    expect(t.grad.w.toArray()).toEqual([2, 4]);
    expect(t.model(params).item()).toBeCloseTo(5.25, 14);
    const total = totalDerivative((s, p: Array) => s.mul(p), (s) => s.square());
    expect(total(2).item()).toBe(12); // d/dt t³ = 3t²
    // Unannotated, the path's type is not known when f is read: it is any, as before.
    expect(totalDerivative((s, p) => s.mul(p), (s) => s.square())(np.array(2)).item()).toBe(12);
  });
});
