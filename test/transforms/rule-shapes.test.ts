import { describe, expect, it } from "vitest";
import { customJvp, customVjp, grad, jvp, linearize, np, vjp, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// Tangents and cotangents that user code returns (customJvp rules, customVjp's fwd and
// bwd) or passes in (linearize's and vjp's functions, jvp) must have their value's shape
// and dtype. A mismatch is one error naming the function, the rule, the argument and
// both shapes; before, a wrong shape broadcast or a leaf shifted to the next argument
// and the derivative came out silently wrong.

const x = np.array([1, 2]);
const y = np.array([3, 4]);
const sumOf = (f: (x: Array) => Array) => (v: Array) => f(v).sum();
const mismatch = (what: string, got: string, whose: string, want: string) => `${what} has shape ${got}, not ${whose} shape ${want}`;

describe("customVjp: fwd and bwd are checked against f's output and arguments", () => {
  function double(v: Array) {
    return v.mul(2);
  }
  const withBwd = (bwd: (r: unknown, g: Array) => unknown) => customVjp(double, (v: Array) => [v.mul(2), null], bwd as never);

  it("a cotangent of the wrong shape or dtype names the function, the argument and both shapes", () => {
    const cases: [(r: unknown, g: Array) => unknown, string][] = [
      [(_r, g) => [g.sum()], mismatch("customVjp(double): bwd's cotangent for argument 0", "() and dtype float64", "argument 0's", "(2,) and dtype float64")],
      [(_r, g) => [np.concatenate([g, g])], mismatch("customVjp(double): bwd's cotangent for argument 0", "(4,) and dtype float64", "argument 0's", "(2,) and dtype float64")],
      [(_r, g) => [g.slice([0, 1])], mismatch("customVjp(double): bwd's cotangent for argument 0", "(1,) and dtype float64", "argument 0's", "(2,) and dtype float64")],
      [(_r, g) => [g.astype("float32")], mismatch("customVjp(double): bwd's cotangent for argument 0", "(2,) and dtype float32", "argument 0's", "(2,) and dtype float64")],
      [(_r, g) => [g.astype("int32")], mismatch("customVjp(double): bwd's cotangent for argument 0", "(2,) and dtype int32", "argument 0's", "(2,) and dtype float64")],
      [(_r, g) => [[g]], "customVjp(double): bwd's cotangent for argument 0 has structure [*], not argument 0's structure *"],
      [(_r, g) => [g, g], "customVjp(double): bwd must return one cotangent per argument (1), got 2"],
    ];
    for (const [bwd, message] of cases) {
      const f = withBwd(bwd);
      expect(errorOf(() => grad(sumOf(f))(x))).toBe(message);
      expect(errorOf(() => vmap(grad(sumOf(f)))(np.ones([3, 2])))).toBe(message); // per example, also batched
    }
  });

  it("fwd's output is checked against f's", () => {
    const f = customVjp(double, (v: Array) => [v.sum(), null] as never, (_r, g: Array) => [g.mul(2)]);
    expect(errorOf(() => grad(sumOf(f))(x))).toBe(mismatch("customVjp(double): fwd's output", "() and dtype float64", "the function's output", "(2,) and dtype float64"));
    const g = customVjp(double, ((v: Array) => v.mul(2)) as never, (_r, c: Array) => [c]);
    expect(errorOf(() => grad(sumOf(g))(x))).toBe("customVjp(double): fwd must return a pair [output, residuals], got an Array");
  });

  it("null is a zero cotangent for its argument, and the others keep their places", () => {
    // f(a, b) = a·b with bwd claiming ∂/∂a = 0: the gradient in b is a, the one in a is 0.
    const f = customVjp(
      (a: Array, b: Array) => a.mul(b),
      (a: Array, b: Array) => [a.mul(b), a] as [Array, Array],
      (a, g) => [null as unknown as Array, g.mul(a)],
    );
    const [ga, gb] = grad((a: Array, b: Array) => f(a, b).sum(), { argnums: [0, 1] })(x, y);
    expect([ga.toArray(), gb.toArray()]).toEqual([[0, 0], [1, 2]]);
    const [va, vb] = vmap(grad((a: Array, b: Array) => f(a, b).sum(), { argnums: [0, 1] }))(np.array([[1, 2], [5, 6]]), np.ones([2, 2]));
    expect([va.toArray(), vb.toArray()]).toEqual([[[0, 0], [0, 0]], [[1, 2], [5, 6]]]);
  });

  it("a right rule is unaffected: a plain number for a 0-d argument takes its dtype", () => {
    const cube = customVjp((v: Array) => v.mul(v).mul(v), (v: Array) => [v.mul(v).mul(v), v], (v, g: Array) => [g.mul(v.square()).mul(3)]);
    expect(grad(sumOf(cube))(x).toArray()).toEqual([3, 12]);
    const constant = customVjp((v: Array) => v.mul(0), (v: Array) => [v.mul(0), null], () => [0 as unknown as Array]);
    expect(grad(constant)(np.array(2, { dtype: "float32" })).dtype).toBe("float32");
  });
});

describe("customJvp: the rule's outputs are checked against f's output", () => {
  function twice(v: Array) {
    return v.mul(2);
  }
  const withRule = (rule: (p: Array[], t: Array[]) => unknown) => customJvp(twice, rule as never);

  it("in forward mode, reverse mode (the rule transposed) and under vmap", () => {
    const cases: [(p: Array[], t: Array[]) => unknown, string][] = [
      [([v], [t]) => [v!.mul(2), t!.sum()], mismatch("customJvp(twice): the rule's tangent output", "() and dtype float64", "the function's output", "(2,) and dtype float64")],
      [([v], [t]) => [v!.mul(2), t!.mul(2).astype("int32")], mismatch("customJvp(twice): the rule's tangent output", "(2,) and dtype int32", "the function's output", "(2,) and dtype float64")],
      [([v], [t]) => [v!.sum(), t!.mul(2)], mismatch("customJvp(twice): the rule's primal output", "() and dtype float64", "the function's output", "(2,) and dtype float64")],
      [([v], [t]) => [v!.mul(2), [t!.mul(2)]], "customJvp(twice): the rule's tangent output has structure [*], not the function's output structure *"],
      [([v]) => v!.mul(2), "customJvp(twice): the rule must return a pair [primalOut, tangentOut], got an Array"],
    ];
    for (const [rule, message] of cases) {
      const f = withRule(rule);
      expect(errorOf(() => jvp(f, [x], [np.ones([2])])), "forward").toBe(message);
      expect(errorOf(() => grad(sumOf(f))(x)), "reverse").toBe(message);
      expect(errorOf(() => vmap(grad(sumOf(f)))(np.ones([3, 2]))), "vmap").toBe(message);
    }
  });

  it("a null tangent output is zero", () => {
    const flat = withRule(([v]) => [v!.mul(2), null]);
    expect(jvp(flat, [x], [np.ones([2])])[1].toArray()).toEqual([0, 0]);
    expect(grad(sumOf(flat))(x).toArray()).toEqual([0, 0]);
  });
});

describe("functions that receive tangents or cotangents check them", () => {
  function wave(v: Array) {
    return v.sin();
  }

  it("linearize's function: shape, dtype and structure, naming the function and the argument", () => {
    const [, fJvp] = linearize(wave, x);
    const tangentOf = (got: string) => mismatch("linearize(wave): the tangent of argument 0", got, "argument 0's", "(2,) and dtype float64");
    expect(errorOf(() => fJvp(np.ones([3])))).toBe(tangentOf("(3,) and dtype float64"));
    expect(errorOf(() => fJvp(np.ones([1])))).toBe(tangentOf("(1,) and dtype float64")); // would broadcast
    expect(errorOf(() => fJvp(np.ones([2], { dtype: "int32" })))).toBe(tangentOf("(2,) and dtype int32"));
    expect(errorOf(() => fJvp(1 as unknown as Array))).toBe(tangentOf("() and dtype float64"));
    expect(errorOf(() => fJvp([x] as unknown as Array))).toBe("linearize(wave): the tangent of argument 0 has structure [*], not argument 0's structure *");
    expect(fJvp(np.array([1, 0])).toArray()).toEqual([Math.cos(1), Math.cos(2) * 0]);
  });

  it("vjp's pullback and jvp's tangents", () => {
    const [, pullback] = vjp(wave, x);
    expect(errorOf(() => pullback(np.ones([3])))).toBe(mismatch("vjp: the cotangent", "(3,) and dtype float64", "the output's", "(2,) and dtype float64"));
    expect(errorOf(() => pullback(np.ones([2], { dtype: "float32" })))).toBe(mismatch("vjp: the cotangent", "(2,) and dtype float32", "the output's", "(2,) and dtype float64"));
    expect(errorOf(() => jvp(wave, [x], [np.ones([2, 1])]))).toBe(mismatch("jvp: the tangent of argument 0", "(2,1) and dtype float64", "argument 0's", "(2,) and dtype float64"));
    expect(jvp(wave, [np.array(1)], [1 as unknown as Array])[1].item()).toBe(Math.cos(1));
  });
});
