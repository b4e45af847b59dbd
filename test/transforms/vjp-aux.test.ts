import { describe, expect, expectTypeOf, it } from "vitest";
import { grad, jit, np, vjp, vjpWithAux, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// vjpWithAux: JAX's vjp(f, *primals, has_aux=True). f returns [out, aux]; the result is
// [out, pullback, aux]. It is its own function because vjp's primals are rest arguments:
// a trailing { hasAux: true } could not be told from a primal. The types are checked by
// the compiler (npm test runs tsc over test/ first).

describe("vjpWithAux", () => {
  const f = (x: Array, w: { a: Array }) => [x.mul(w.a).sin().sum(), { pre: x.mul(w.a), count: 3 }] as const;
  const x = np.array([0.5, -1]);
  const w = { a: np.array([2, 3]) };

  it("returns f's output, the pullback of that output alone, and aux as f returned it", () => {
    const [out, pullback, aux] = vjpWithAux(f, x, w);
    const [gx, gw] = pullback(np.array(1));
    const cosines = [Math.cos(1), Math.cos(-3)];
    expect(out.item()).toBeCloseTo(Math.sin(1) + Math.sin(-3), 15);
    expect([...gx.toFloat64Array()]).toEqual([2 * cosines[0]!, 3 * cosines[1]!]);
    expect([...gw.a.toFloat64Array()]).toEqual([0.5 * cosines[0]!, -1 * cosines[1]!]);
    // aux's Arrays are plain values, usable after the transformation returned.
    expect(aux.pre.toArray()).toEqual([1, -3]);
    expect(aux.count).toBe(3);
    // The same as vjp of the first output.
    const [out2, pullback2] = vjp((a: Array, b: { a: Array }) => f(a, b)[0], x, w);
    expect(out2.item()).toBe(out.item());
    expect(pullback2(np.array(1))[0].toArray()).toEqual(gx.toArray());
  });

  it("is typed precisely: out and aux as f returns them, cotangents with the arguments' structure", () => {
    const [out, pullback, aux] = vjpWithAux(f, x, w);
    expectTypeOf(out).toEqualTypeOf<Array>();
    expectTypeOf(aux).toEqualTypeOf<{ readonly pre: Array; readonly count: 3 }>();
    expectTypeOf(pullback).parameter(0).toEqualTypeOf<Array>();
    expectTypeOf(pullback(np.array(1))).toEqualTypeOf<[Array, { a: Array }]>();
    // An array literal returned by f is read as the [out, aux] pair without `as const`.
    const [, , pairAux] = vjpWithAux((v: Array) => [v.square(), v.sum()], x);
    expectTypeOf(pairAux).toEqualTypeOf<Array>();
    // @ts-expect-error f must return a pair
    expect(() => vjpWithAux((v: Array) => v.square(), x)).toThrow("vjpWithAux: f must return [out, aux]");
  });

  it("composes: inside grad, jit and vmap", () => {
    // d/dx of the pullback's result (a gradient of a gradient), aux ignored.
    const g = grad((v: Array) => vjpWithAux((u: Array) => [u.pow(3), u], v)[1](np.array(1))[0]);
    expect(g(np.array(2)).item()).toBe(12);
    const jitted = jit((v: Array) => {
      const [out, pullback, aux] = vjpWithAux((u: Array) => [u.exp(), u.sum()], v);
      return [out, pullback(np.onesLike(out))[0], aux] as const;
    });
    const [out, ct, aux] = jitted(x);
    expect(ct.toArray()).toEqual(out.toArray());
    expect(aux.item()).toBe(-0.5);
    const batched = vmap((v: Array) => vjpWithAux((u: Array) => [u.sin(), u.cos()], v)[1](np.array(1))[0])(x);
    expect([...batched.toFloat64Array()]).toEqual([Math.cos(0.5), Math.cos(-1)]);
  });

  it("checks its arguments: a function, a pair, differentiable primals", () => {
    expect(errorOf(() => vjpWithAux(3 as never, x))).toBe("vjpWithAux: f must be a function, got number");
    expect(errorOf(() => vjpWithAux((v: Array) => [v, v, v] as never, x))).toBe("vjpWithAux: f must return [out, aux]");
    expect(errorOf(() => vjpWithAux((v: Array) => [v, 0], np.array([1], { dtype: "int32" })))).toMatch(/^vjpWithAux: /);
  });
});
