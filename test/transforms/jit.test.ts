import { describe, expect, it } from "vitest";
import {
  IR, cond, customJvp, customVjp, evalIR, foriLoop, grad, hessian, jit, linalg, makeIR, np, random, scan, stage, stopGradient, tree,
  valueAndGrad, vmap, whileLoop, type Array as NdArray, type DType, type Tree,
} from "nabla";
import { ConcreteArray, primitives } from "../../packages/nabla/src/core/index.js";
import { compile } from "../../packages/nabla/src/transforms/jit/codegen.js";
import { eliminateCommonSubexpressions, eliminateDeadCode, simplify } from "../../packages/nabla/src/transforms/jit/simplify.js";
import {
  numbers, arr, F64, I32, FLOATS, bitMismatches, expectSameBits, expectJitMatches, primNames, countPrims, generated, CORPUS,
} from "./jit-cases.js";


// jit is checked against eager evaluation, which needs no compiler: every jitted result
// must equal the eager one to the last bit (Object.is per element, so NaN matches NaN and
// -0 differs from 0). The corpus below reaches every registered primitive (a coverage
// test fails when one is missing), in each dtype the op accepts, on shapes that take the
// unrolled path (≤ 16 elements), the loop path (10⁴ elements) and 0-d values. Further
// sections: composition with the other transformations, the trace cache, the IR
// simplifications, errors, and that user text never reaches generated code.


describe("jit: bit-exact against eager evaluation, every primitive", () => {
  it("the comparison can fail: -0 is not 0, NaN is NaN, dtypes and shapes count", () => {
    expect(bitMismatches(np.array([-0]), np.array([0]))).not.toEqual([]);
    expect(bitMismatches(np.array([NaN, 1]), np.array([NaN, 1]))).toEqual([]);
    expect(bitMismatches(np.array([1]), np.array([1], { dtype: "float32" }))).not.toEqual([]);
    expect(bitMismatches(np.array([1, 2]), np.array([[1, 2]]))).not.toEqual([]);
    expect(bitMismatches([np.array(1)], { a: np.array(1) })).not.toEqual([]);
    expect(bitMismatches(np.array([1 + 2 ** -52]), np.array([1]))).not.toEqual([]);
  });

  it("the corpus stages every registered primitive, and each case stages what it claims", () => {
    const staged = new Set<string>();
    for (const c of CORPUS) {
      const names = primNames(simplify(makeIR(c.f)(...c.inputs[0]!)));
      for (const p of c.covers) expect(names.has(p), `${c.name} stages ${p} (it stages ${[...names].join(", ")})`).toBe(true);
      for (const n of names) staged.add(n);
    }
    const missing = [...primitives().keys()].filter((p) => !staged.has(p));
    expect(missing, "registered primitives no corpus case stages").toEqual([]);
  });

  it.each(CORPUS.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expectJitMatches(c.f, c.inputs);
  });
});

// ---------------------------------------------------------------------------------------
// Program shapes the code generator treats specially.

describe("jit: fused loops", () => {
  it("fuses elementwise chains with broadcasting: scalar, (3,1)+(1,4), (2,3,4)+(4,), and large", () => {
    const chain = (x: NdArray, y: NdArray, z: NdArray) =>
      x.mul(y).add(z.sin()).sub(x.div(y.add(2))).tanh().mul(np.where(np.greater(z, 0), x, y)).add(0.25);
    for (const dt of FLOATS) {
      expectJitMatches(chain, [
        [arr([], dt, 1), arr([3], dt, 2), arr([], dt, 3)],
        [arr([3, 1], dt, 1), arr([1, 4], dt, 2), arr([4], dt, 3)],
        [arr([2, 3, 4], dt, 1), arr([4], dt, 2), arr([3, 1], dt, 3)],
        [arr([100, 1], dt, 1), arr([1, 100], dt, 2), arr([100], dt, 3)],
      ]);
    }
    const ints = (x: NdArray, y: NdArray) => x.mul(y).add(x.abs()).sub(np.maximum(x, y).mul(3)).mul(x.sign());
    expectJitMatches(ints, [
      [arr([3, 1], I32, 1), arr([1, 4], I32, 2)],
      [arr([100, 1], I32, 1), arr([1, 100], I32, 2)],
    ]);
  });

  it("reads views in place: slices with steps and negative steps, transposes, broadcastTo, reshapes", () => {
    const views = (x: NdArray, y: NdArray) => {
      const [r, c] = x.shape as [number, number];
      return [
        x.slice([null, null, 2], [1, null, 3]).sin().add(x.slice([null, null, -2], [c - 1, 0, -3]).cos()),
        x.T.mul(y.T).add(x.T.slice([null, null, -1])),
        np.broadcastTo(y.slice(0), [4, r, c]).mul(x),
        x.reshape([1, r, 1, c]).exp().reshape([r, c, 1]).squeeze().add(y), // size-1 axes added, then removed
        x.reshape([c, r]).add(y.T).reshape([r * c]).mul(2), // reshapes that move data
        x.add(y).T.reshape([c, 1, r]).slice(null, 0, [null, null, -1]).tanh(),
      ];
    };
    for (const dt of FLOATS) expectJitMatches(views, [[arr([4, 6], dt, 1), arr([4, 6], dt, 2)], [arr([60, 170], dt, 1), arr([60, 170], dt, 2)]]);
    expectJitMatches(views, [[arr([60, 170], I32, 1), arr([60, 170], I32, 2)]]);
  });

  it("writes pads in place: x.at(...).set/add, np.diag, the gradient of strided slices, on the last and other axes", () => {
    const pads = (x: NdArray, v: NdArray) => {
      const [, c] = x.shape as [number, number];
      return [
        x.at([1, null, 2], [null, null, 3]).set(v.slice([null, null, 3])).sin(),
        x.at(null, [c - 1, 0, -2]).add(1).mul(x),
        x.at(0).set(v).add(x.at(-1, [null, null, 4]).set(0)),
        np.diag(v, { k: 3 }).slice([0, c + 2], [0, c + 2]).add(np.diag(v, { k: -2 })),
        grad((u: NdArray) => u.slice(null, [1, null, 2]).square().sum().add(u.slice(null, [0, null, 3]).sin().sum()))(x),
        grad((u: NdArray) => u.slice([null, null, 2], [2, null, 4]).exp().sum())(x).mul(x.cos()).sum({ axis: -1 }),
      ];
    };
    for (const dt of FLOATS) {
      expectJitMatches(pads, [
        [arr([4, 6], dt, 1, "plain"), arr([6], dt, 2, "plain")],
        [arr([24, 60], dt, 1, "plain"), arr([60], dt, 2, "plain")],
        [arr([25, 61], dt, 1, "plain"), arr([61], dt, 2, "plain")],
      ]);
    }
    // Every step and offset of a strided-slice gradient on a long axis (the phased loops).
    for (const step of [2, 3, 4, 5, 7, 8, 9]) {
      for (const start of [0, 1, 4]) {
        const g = grad((u: NdArray) => u.slice([start, null, step]).sin().sum());
        expectJitMatches((u: NdArray) => g(u).mul(u.cos()), [[arr([120], F64, step, "plain")], [arr([121], F64, step, "plain")]]);
      }
    }
    // Two strided pads along the last axis in one loop (its phases: the lcm of the steps),
    // with windows that start beyond the first phase or stop before the end.
    const pairs = [[2, 2, null, 3, 3, null], [2, 4, 41, 3, 1, null], [4, 2, null, 2, 5, 30], [3, 5, 50, 2, 2, 17], [2, 7, null, 4, 6, 55]] as const;
    for (const [s1, o1, e1, s2, o2, e2] of pairs) {
      const g = grad((u: NdArray) => u.slice(null, [o1, e1, s1]).sin().sum().add(u.slice(null, [o2, e2, s2]).square().sum()));
      expectJitMatches((u: NdArray) => g(u).mul(u), [[arr([3, 60], F64, s1, "plain")], [arr([2, 61], F64, s2, "plain")]]);
    }
  });

  it("reduces over trailing axes in the fused loop, and over leading, middle and all axes", () => {
    const reductions = (x: NdArray, y: NdArray) => {
      const t = x.sin().mul(y).add(1);
      return [
        t.sum({ axis: -1 }),
        t.max({ axis: [1, 2] }),
        t.prod({ axis: [1, 2] }).abs().sqrt(),
        t.sum({ axis: 0 }),
        t.min({ axis: 1 }),
        t.sum({ axis: [0, 2] }),
        t.sum(),
        t.max(),
        np.transpose(t, [2, 0, 1]).sum({ axis: -1 }),
        t.sub(t.max({ axis: -1, keepdims: true })).exp().sum({ axis: -1 }).log(),
        x.reshape([x.shape[0]!, 1, -1]).sum({ axis: -1 }),
      ];
    };
    for (const dt of FLOATS) {
      expectJitMatches(reductions, [
        [arr([2, 2, 3], dt, 1, "plain"), arr([3], dt, 2, "plain")],
        [arr([20, 25, 20], dt, 1, "plain"), arr([25, 1], dt, 2, "plain")],
        [arr([20, 25, 20], dt, 1, "special"), arr([20], dt, 2, "special")],
      ]);
    }
  });

  it("a value used twice: cheap ones recomputed, costly ones stored, both exact", () => {
    const twice = (x: NdArray) => {
      const cheap = x.mul(3).add(1);
      const costly = x.sin().exp().mul(3).add(1).tanh().abs().sqrt().log1p().cos();
      return [cheap.mul(cheap.T.T), costly.add(costly.slice([null, null, -1])), costly.sum({ axis: -1 }), cheap.max()];
    };
    for (const dt of FLOATS) expectJitMatches(twice, [[arr([4], dt, 1)], [arr([10000], dt, 2)], [arr([100, 100], dt, 3)]]);
  });

  it("size-1 and 0-d values: inputs, intermediates kept in locals, outputs", () => {
    const small = (x: NdArray, s: NdArray, one: NdArray) => {
      const m = s.sin().mul(2).add(one.sum()); // 0-d intermediate
      return [m, x.mul(m).add(m.square()), one.reshape([1, 1, 1]).mul(s), x.sum().mul(m), s, one.add(x.reshape([-1]).slice([0, 1]))];
    };
    for (const dt of FLOATS) {
      expectJitMatches(small, [
        [arr([], dt, 1), arr([], dt, 2), arr([1], dt, 3)],
        [arr([1], dt, 1), arr([], dt, 2), arr([1], dt, 3)],
        [arr([10000], dt, 1), arr([], dt, 2), arr([1], dt, 3)],
      ]);
    }
    // Constants with special values (size 1: written into the code as literals).
    const specials = (x: NdArray) => [x.mul(-0), x.add(NaN), x.mul(Infinity), x.sub(-Infinity), np.maximum(x, -0), x.mul(5e-324), x.add(0.1)];
    for (const dt of FLOATS) expectJitMatches(specials, [[arr([5], dt, 1)], [arr([1000], dt, 2)]]);
    expectJitMatches((x: NdArray) => [x.mul(-7), x.add(2147483647), np.where(x.greater(0), x, -2147483648)], [[arr([6], I32, 1)]]);
    // Constants and plain numbers as outputs, and the same input returned twice.
    expectJitMatches((x: NdArray) => [x, x, np.array([1, 2]), np.array(-0)], [[arr([3])]]);
    // Zero-size arrays.
    expectJitMatches((x: NdArray) => [x.sin(), x.sum({ axis: 0 }), x.sum({ axis: 1 }), x.prod(), x.T.add(1)], [[np.zeros([0, 3])]]);
  });

  it("large arrays run the loop path and tiny ones the unrolled path, with the same bits", () => {
    const f = (x: NdArray, y: NdArray) => [x.mul(y).sin().add(x.slice([null, null, -1])), x.sub(y).square().sum()];
    for (const n of [16, 10000]) {
      const args = [arr([n], F64, 1), arr([n], F64, 2)];
      const { source, run } = generated(f, args);
      // Beyond 16 elements the generator writes loops; up to 16 it writes each element out.
      expect(source.includes("for (let"), `size ${n}`).toBe(n > 16);
      expectSameBits(run(), f(args[0]!, args[1]!));
      expectJitMatches(f, [args]);
    }
  });
  it("a computed value that is broadcast is stored once, not recomputed for every copy", () => {
    // exp(v) (200 values) times a 200×200 matrix: 200 exponentials, not 40,000.
    const f = (m: NdArray, v: NdArray) => [m.mul(v.exp())];
    const args = [arr([200, 200], F64, 1), arr([200], F64, 2)];
    const { source, run } = generated(f, args);
    const loops = source.split("for (let").length - 1;
    expect(source.includes("new Float64Array(200)"), source).toBe(true); // exp(v) stored
    expect(loops).toBe(3); // its loop, then the 200×200 product's two
    expectSameBits(run(), f(args[0]!, args[1]!));
  });
});

// ---------------------------------------------------------------------------------------
// Derivatives, control flow and pytrees, compiled.

/** Extended Rosenbrock: Σ 100 (x₂ᵢ₊₁ − x₂ᵢ²)² + (1 − x₂ᵢ)². */
const rosenbrock = (x: NdArray) => {
  const odd = x.slice([0, null, 2]);
  const even = x.slice([1, null, 2]);
  return even.sub(odd.square()).square().mul(100).add(np.sub(1, odd).square()).sum();
};

interface Mlp {
  W1: NdArray;
  b1: NdArray;
  W2: NdArray;
  b2: NdArray;
}

const mlpLoss = (p: Mlp, x: NdArray, y: NdArray) => {
  const h = x.matmul(p.W1).add(p.b1).tanh();
  return h.matmul(p.W2).add(p.b2).sub(y).square().mean();
};

const mlpParams = (dt: DType = F64): Mlp => ({
  W1: arr([3, 8], dt, 1, "plain").mul(0.5),
  b1: arr([8], dt, 2, "plain").mul(0.1),
  W2: arr([8, 2], dt, 3, "plain").mul(0.5),
  b2: arr([2], dt, 4, "plain").mul(0.1),
});

describe("jit: derivatives, control flow and pytrees", () => {
  it("jit of grad, valueAndGrad and hessian of the extended Rosenbrock function", () => {
    for (const dt of FLOATS) {
      const small = [arr([6], dt, 1, "plain")];
      const large = [arr([10000], dt, 2, "plain").mul(0.3)];
      expectJitMatches(grad(rosenbrock), [small, large]);
      expectJitMatches(valueAndGrad(rosenbrock), [small, large]);
      expectJitMatches(hessian(rosenbrock), [small, [arr([12], dt, 3, "plain")]]);
    }
    // And a closed form, so the derivative itself is right: at x = 1 the gradient is 0.
    const atOne = jit(grad(rosenbrock))(np.ones([10]));
    expect([...atOne.toFloat64Array()].every((v) => v === 0)).toBe(true);
  });

  it("jit of the value and gradient of an MLP loss over {W1, b1, W2, b2}", () => {
    for (const dt of FLOATS) {
      const x = arr([16, 3], dt, 5, "plain");
      const y = arr([16, 2], dt, 6, "plain");
      expectJitMatches(valueAndGrad(mlpLoss), [[mlpParams(dt), x, y], [mlpParams(dt), arr([300, 3], dt, 7, "plain"), arr([300, 2], dt, 8, "plain")]]);
    }
  });

  it("control flow inside jit: cond, whileLoop, scan forward and reverse, foriLoop", () => {
    const program = (x: NdArray, xs: NdArray) => {
      const branch = cond(x.sum().greater(0), (v: NdArray) => v.sin(), (v: NdArray) => v.exp().neg(), x);
      const loop = whileLoop((v: NdArray) => v.abs().sum().less(100), (v: NdArray) => v.mul(2).add(1), x.abs().add(0.1));
      const [last, forward] = scan((c: NdArray, r: NdArray) => [c.mul(0.5).add(r), c.sin()], x, xs);
      const [first, backward] = scan((c: NdArray, r: NdArray) => [c.mul(0.5).add(r), c.sin()], x, xs, { reverse: true });
      const fori = foriLoop(0, 4, (i: NdArray, v: NdArray) => v.mul(np.astype(i, "float64").add(1)), x);
      const foriTraced = foriLoop(np.array(1, { dtype: "int32" }), np.astype(x.abs().sum().add(2), "int32"), (i: NdArray, v: NdArray) => v.add(np.astype(i, "float64")), x);
      return { branch, loop, last, forward, first, backward, fori, foriTraced };
    };
    expectJitMatches(program, [
      [arr([3], F64, 1, "plain"), arr([5, 3], F64, 2, "plain")],
      [arr([3], F64, 1, "plain").neg(), arr([5, 3], F64, 2, "plain")],
      [arr([1000], F64, 3, "plain").mul(0.001), arr([12, 1000], F64, 4, "plain")],
    ]);
    // A closed form: the reverse scan's first carry of a cumulative sum is the total.
    const cumsum = jit((xs: NdArray) => scan((c: NdArray, r: NdArray) => [c.add(r), c.add(r)], np.array(0), xs, { reverse: true }));
    const [total, sums] = cumsum(np.array([1, 2, 3, 4]));
    expect(total.item()).toBe(10);
    expect(sums.toArray()).toEqual([10, 9, 7, 4]);
  });

  it("pytree inputs and outputs: objects, lists, nested, with numbers and bools as leaves", () => {
    const f = (p: { W: NdArray; b: NdArray }, [u, v]: [NdArray, NdArray], s: number, flag: boolean) => ({
      y: u.matmul(p.W).add(p.b).mul(s),
      parts: [v.sum(), { z: np.where(flag, u, v.neg()) }],
      none: null,
    });
    const p = { W: arr([3, 2], F64, 1), b: arr([2], F64, 2) };
    const uv: [NdArray, NdArray] = [arr([4, 3], F64, 3), arr([4, 3], F64, 4)];
    const jf = jit(f);
    const out = jf(p, uv, 2.5, true);
    expectSameBits(out, f(p, uv, 2.5, true));
    expect(out.none).toBeNull();
    expect(Object.keys(out).sort()).toEqual(["none", "parts", "y"]);
    // Numbers and bools are traced leaves: new values, same trace, right answers (a
    // number's weak kind, integer or not, is part of the signature, so −1.5 keeps it).
    expectSameBits(jf(p, uv, -1.5, false), f(p, uv, -1.5, false));
    expect(jf.cacheSize()).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------
// Composition with the other transformations.

describe("jit composes with grad, vmap and hessian", () => {
  const f = (x: NdArray) => x.sin().mul(x.slice([null, null, -1])).sum().add(rosenbrock(x).mul(0.01));
  const xs = [arr([6], F64, 1, "plain"), arr([2000], F64, 2, "plain")];

  it("jit(grad(f)) and grad(jit(f)) equal grad(f)", () => {
    for (const x of xs) {
      const expected = grad(f)(x);
      expectSameBits(jit(grad(f))(x), expected, "jit(grad(f))");
      expectSameBits(grad(jit(f))(x), expected, "grad(jit(f))");
      expectSameBits(valueAndGrad(jit(f))(x), valueAndGrad(f)(x), "valueAndGrad(jit(f))");
    }
    const loss = (p: Mlp) => mlpLoss(p, arr([16, 3], F64, 5, "plain"), arr([16, 2], F64, 6, "plain"));
    expectSameBits(grad(jit(loss))(mlpParams()), grad(loss)(mlpParams()), "grad(jit(mlp))");
  });

  it("vmap(jit(f)) and jit(vmap(f)) equal vmap(f)", () => {
    const g = (x: NdArray, w: NdArray) => [f(x), x.mul(w).sin(), x.sum().mul(w)];
    const batch = arr([5, 8], F64, 3, "plain");
    const w = arr([8], F64, 4, "plain");
    const expected = vmap(g, { inAxes: [0, null] })(batch, w);
    expectSameBits(vmap(jit(g), { inAxes: [0, null] })(batch, w), expected, "vmap(jit(g))");
    expectSameBits(jit(vmap(g, { inAxes: [0, null] }))(batch, w), expected, "jit(vmap(g))");
    // Per-example gradients, compiled.
    expectSameBits(jit(vmap(grad(f)))(batch), vmap(grad(f))(batch), "jit(vmap(grad(f)))");
  });

  it("jit(hessian(f)) equals hessian(f), and is symmetric", () => {
    const x = arr([6], F64, 5, "plain");
    const h = jit(hessian(f))(x);
    expectSameBits(h, hessian(f)(x));
    const m = h.toArray() as number[][];
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(m[i]![j]).toBeCloseTo(m[j]![i]!, 10);
  });

  it("jit inside jit, and jit of a function closing over a traced value", () => {
    const inner = jit((y: NdArray) => y.sin().mul(2));
    const outer = (x: NdArray) => inner(x.add(1)).sum().add(inner(x).max());
    expectJitMatches(outer, [[arr([5])], [arr([3000])]]);
    // One jitted function closing over w, a value traced by grad: each trace of grad sees
    // its own w (a program that closed over a tracer is not reused).
    let w: NdArray = np.array(0);
    const closure = jit((x: NdArray) => x.mul(w).sin().sum());
    const x = np.array([1, 2, 3]);
    const dLoss = grad((v: NdArray) => {
      w = v;
      return closure(x);
    });
    for (const at of [0.5, 0.7, -1.25]) {
      // d/dw Σ sin(x w) = Σ x cos(x w)
      const expected = [1, 2, 3].reduce((s, xi) => s + xi * Math.cos(xi * at), 0);
      expect(dLoss(np.array(at)).item()).toBeCloseTo(expected, 12);
    }
  });
});

// ---------------------------------------------------------------------------------------
// The trace cache.

describe("jit: the cache", () => {
  it("hits on a repeated signature, retraces on a new shape or dtype", () => {
    let traces = 0;
    // Summing over axis 0 only: the result's shape tells which trace ran.
    const f = jit((x: NdArray, y: NdArray) => {
      traces++;
      return x.mul(y).sum({ axis: 0 });
    });
    const a = np.array([1, 2, 3]);
    expect(f(a, a).item()).toBe(14);
    expect(traces).toBe(1);
    // Same shapes and dtypes, new values: no trace, and the new values are used.
    expect(f(np.array([1, 1, 1]), np.array([4, 5, 6])).item()).toBe(15);
    expect(traces).toBe(1);
    expect(f.cacheSize()).toBe(1);
    const a32 = np.array([1, 2, 3], { dtype: "float32" });
    const r32 = f(a32, a32); // new dtype, same shapes as the last call
    expect(r32.dtype).toBe("float32");
    expect(r32.item()).toBe(14);
    expect(traces).toBe(2);
    const column = a32.reshape([3, 1]);
    const c = f(column, column); // new rank
    expect(c.shape).toEqual([1]);
    expect(c.item()).toBe(14);
    expect(traces).toBe(3);
    const back = f(a32, a32); // a lower rank, same dtype and leading axis as the last call
    expect(back.shape).toEqual([]);
    expect(back.item()).toBe(14);
    expect(traces).toBe(3);
    expect(f(np.array([1, 2]), np.array([3, 4])).item()).toBe(11); // new shape
    expect(traces).toBe(4);
    // Back to the earlier signatures (not the last one called): cache hits.
    expect(f(np.array([2, 2, 2]), a).item()).toBe(12);
    expect(f(np.array([1, 2]), np.array([1, 1])).item()).toBe(3);
    expect(f(a32, a32).item()).toBe(14);
    expect(traces).toBe(4);
    expect(f.cacheSize()).toBe(4);
  });

  it("retraces on a new pytree structure", () => {
    let traces = 0;
    const g = jit((p: Tree) => {
      traces++;
      return tree.leaves(p).reduce<NdArray>((s, l) => s.add((l as NdArray).sum()), np.array(0));
    });
    const W = np.array([[1, 2], [3, 4]]);
    const b = np.array([5, 6]);
    expect(g({ W, b }).item()).toBe(21);
    expect(g({ b: b.mul(2), W }).item()).toBe(32); // same structure: keys are sorted
    expect(traces).toBe(1);
    expect(g({ W, b, c: np.array(1) }).item()).toBe(22);
    expect(traces).toBe(2);
    expect(g([W, b]).item()).toBe(21);
    expect(traces).toBe(3);
    expect(g({ W, b: [b] }).item()).toBe(21);
    expect(traces).toBe(4);
    expect(g({ W, b: [b] }).item()).toBe(21);
    expect(traces).toBe(4);
    expect(g.cacheSize()).toBe(4);
  });

  it("retraces on a new value of a static argument (staticArgnums), and hits on a repeated one", () => {
    let traces = 0;
    const h = jit(
      (x: NdArray, mode: string, k: number, opts: { scale: number }) => {
        traces++;
        const y = mode === "sin" ? x.sin() : x.cos();
        let acc = y;
        for (let i = 1; i < k; i++) acc = acc.add(y); // a JavaScript loop on a static value
        return acc.mul(opts.scale);
      },
      { staticArgnums: [1, 2, 3] },
    );
    const x = np.array([0.5, 1.5]);
    const expected = (mode: string, k: number, scale: number) => (mode === "sin" ? x.sin() : x.cos()).mul(k).mul(scale);
    const check = (mode: string, k: number, scale: number, tracesAfter: number) => {
      expect([...h(x, mode, k, { scale }).toFloat64Array()]).toEqual(
        [...expected(mode, k, scale).toFloat64Array()].map((v) => expect.closeTo(v, 12)),
      );
      expect(traces).toBe(tracesAfter);
    };
    check("sin", 2, 1, 1);
    check("sin", 2, 1, 1);
    check("cos", 2, 1, 2);
    check("sin", 3, 1, 3);
    check("sin", 3, 10, 4);
    check("sin", 2, 1, 4);
    check("cos", 2, 1, 4);
    expect(h.cacheSize()).toBe(4);
  });

  it("numbers passed as traced arguments do not retrace", () => {
    let traces = 0;
    const f = jit((x: NdArray, s: NdArray | number) => {
      traces++;
      return x.mul(s);
    });
    expect(f(np.array([1, 2]), 2).toArray()).toEqual([2, 4]);
    expect(f(np.array([1, 2]), 3).toArray()).toEqual([3, 6]);
    expect(traces).toBe(1);
    expect(f.cacheSize()).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------
// The IR and its simplifications.

describe("makeIR and the simplifications jit applies", () => {
  // `unused` (and its constant 3) is computed and dropped; x·x appears twice.
  const f = (x: NdArray) => {
    const unused = x.sin().mul(3);
    void unused;
    return { y: x.mul(x).add(x.mul(x)), z: x.cos() };
  };
  const x = np.array([0.5, -1, 2]);

  it("prints readable IR: primitive names and typed variables", () => {
    const text = String(makeIR(f)(x));
    expect(text).toContain("a:float64[3]");
    for (const name of ["sin", "mul", "add", "cos"]) expect(text).toMatch(new RegExp(`= ${name} `));
    expect(text).toMatch(/^\{ lambda/);
    const typed = String(makeIR((i: NdArray, b: NdArray) => np.where(b, i.astype("float32"), 0))(np.array([1, 2], { dtype: "int32" }), np.array(true)));
    expect(typed).toContain("a:int32[2]");
    expect(typed).toContain("b:bool[]");
    expect(typed).toMatch(/:float32\[2\] = convert\[dtype="float32"\] a/);
  });

  it("removes dead code and merges repeated subexpressions, computing the same values", () => {
    const ir = makeIR(f)(x);
    expect(countPrims(ir)).toEqual({ sin: 1, mul: 3, add: 1, cos: 1 });
    expect(ir.constVars.length).toBe(1); // the 3
    expect(countPrims(eliminateDeadCode(ir))).toEqual({ mul: 2, add: 1, cos: 1 });
    expect(countPrims(eliminateCommonSubexpressions(ir))).toEqual({ sin: 1, mul: 2, add: 1, cos: 1 });
    const simple = simplify(ir);
    expect(countPrims(simple)).toEqual({ mul: 1, add: 1, cos: 1 });
    expect(simple.constVars.length).toBe(0); // dead with the code that read it
    // The merged add reads the one product twice.
    const addEq = simple.equations.find((e) => e.prim.name === "add")!;
    expect(addEq.inputs[0]).toBe(addEq.inputs[1]);
    // Replaying the simplified IR gives f's values (bit for bit).
    const [y, z] = evalIR({ ir: simple, consts: [] }, [x]);
    expectSameBits({ y, z }, f(x));
    expectSameBits(jit(f)(x), f(x));
  });

  it("keeps computations that are outputs, and keeps apart what only looks alike", () => {
    const two = np.array(2); // one constant, read twice
    const g = (x: NdArray) => ({
      unused: x.sin(), // an output: live
      y: x.mul(two).add(x.mul(two)),
      a: x.sum({ axis: 0 }).add(x.sum({ axis: 1 }).sum()),
      b: x.astype("float32").astype("float64").add(x.astype("int32").astype("float64")),
      c: x.slice([null, null, 2]).sum().add(x.slice([null, null, -2]).sum()),
    });
    const m = np.array([[1.5, -2.25, 3], [4.75, 5, -6.5]]);
    const closed = stage((v) => tree.leaves(g(v)), [{ shape: m.shape, dtype: m.dtype }]);
    const simple = simplify(closed.ir);
    const counts = countPrims(simple);
    expect(counts.sin).toBe(1);
    expect(counts.mul).toBe(1); // x·two merged
    expect(counts.reduce_sum).toBe(5); // axes 0, 1, then three full sums: none merged
    expect(counts.convert).toBe(4); // to float32, int32, and back from each
    expect(counts.slice).toBe(2);
    // The constant 2 is kept by the simplified IR, and the values are g's.
    const index = new Map(closed.ir.constVars.map((v, i) => [v, i]));
    const consts = simple.constVars.map((v) => closed.consts[index.get(v)!]!);
    expectSameBits(evalIR({ ir: simple, consts }, [m]), tree.leaves(g(m)));
  });
});

// ---------------------------------------------------------------------------------------
// Errors.

describe("jit: errors", () => {
  const messageOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected an error");
  };

  it("a JavaScript branch on a traced value points to cond and whileLoop", () => {
    const branch = jit((x: NdArray) => {
      if ((x.sum() as unknown as number) > 0) return x;
      return x.neg();
    });
    const m1 = messageOf(() => branch(np.array([1, 2])));
    expect(m1).toMatch(/cond/);
    expect(m1).toMatch(/whileLoop/);
    const item = jit((x: NdArray) => x.mul(x.sum().item()));
    const m2 = messageOf(() => item(np.array([1, 2])));
    expect(m2).toMatch(/item/);
    expect(m2).toMatch(/cond/);
    expect(m2).toMatch(/whileLoop/);
    // The same functions run eagerly.
    expect(((x: NdArray) => x.mul(x.sum().item()))(np.array([1, 2])).toArray()).toEqual([3, 6]);
  });

  it("a string leaf in a traced argument is an error that mentions staticArgnums", () => {
    const f = jit((x: NdArray, s: string) => x.mul(s.length));
    expect(messageOf(() => f(np.array([1]), "abc"))).toMatch(/staticArgnums/);
    expect(messageOf(() => f({ a: np.array([1]), b: "x" } as unknown as NdArray, "abc"))).toMatch(/staticArgnums/);
    // Marked static, it works.
    expect(jit((x: NdArray, s: string) => x.mul(s.length), { staticArgnums: [1] })(np.array([1]), "abc").toArray()).toEqual([3]);
  });
});

// ---------------------------------------------------------------------------------------
// Security: generated code is built from the IR only.

describe("jit: user text never reaches generated code", () => {
  const pwned = () => (globalThis as { __pwned?: unknown }).__pwned;
  const HOSTILE = [
    'x"]); globalThis.__pwned = 1; ("',
    "x']); globalThis.__pwned = 2; ('",
    "`); globalThis.__pwned = 3; //",
    "*/ globalThis.__pwned = 4; /*",
    "\n globalThis.__pwned = 5;\n",
    "${globalThis.__pwned = 6}",
  ];

  it("hostile pytree keys in arguments and results", () => {
    for (const key of HOSTILE) {
      const f = (p: Record<string, NdArray | Record<string, NdArray>[]>) => {
        const inner = (p.list as Record<string, NdArray>[])[0]![key]!;
        return { [key]: (p[key] as NdArray).mul(2).add(inner), [`${key}2`]: [inner.sin()] };
      };
      const arg = { [key]: np.array([1, 2]), list: [{ [key]: np.array(0.5) }] };
      const out = jit(f)(arg);
      expect(pwned()).toBeUndefined();
      expectSameBits(out, f(arg));
      expect((out[key] as NdArray).toArray()).toEqual([2.5, 4.5]);
    }
  });

  it("hostile strings as static arguments", () => {
    for (const s of HOSTILE) {
      const f = jit((x: NdArray, text: string, o: { label: string }) => x.add(text.length + o.label.length), { staticArgnums: [1, 2] });
      const out = f(np.array([1, 2]), s, { label: s });
      expect(pwned()).toBeUndefined();
      expect(out.toArray()).toEqual([1 + 2 * s.length, 2 + 2 * s.length]);
    }
  });

  it("a hostile string as a traced argument is refused, not run", () => {
    for (const s of HOSTILE) {
      const f = jit((x: NdArray, t: unknown) => x.add(1).mul(t as NdArray));
      expect(() => f(np.array([1]), s)).toThrow(/staticArgnums/);
      expect(() => f(np.array([1]), { [s]: s })).toThrow(/staticArgnums/);
      expect(pwned()).toBeUndefined();
    }
  });
});

describe("numbers and static arguments keep their meaning under jit", () => {
  it("a number argument promotes weakly, as in eager code", () => {
    const f = (x: NdArray, s: number) => x.mul(s);
    const x32 = np.array([1.5, 2.25], { dtype: "float32" });
    const xi = np.array([1, 2], { dtype: "int32" });
    const cases: [NdArray, number][] = [[x32, 0.1], [xi, 3], [xi, 1.5]];
    for (const [x, s] of cases) {
      const eager = f(x, s);
      const jitted = jit(f)(x, s);
      expect(jitted.dtype).toBe(eager.dtype);
      expect(jitted.toArray()).toEqual(eager.toArray());
    }
  });

  it("static numbers are keyed exactly (NaN, ±Infinity, −0) and functions by identity", () => {
    const g = jit((x: NdArray, s: number) => x.mul(s), { staticArgnums: [1] });
    const x = np.array([1, 2]);
    expect(g(x, Infinity).toArray()).toEqual([Infinity, Infinity]);
    expect(g(x, NaN).toArray()).toEqual([NaN, NaN]);
    expect((g(x, 0).toArray() as number[]).map((v: number) => Object.is(v, 0))).toEqual([true, true]);
    expect((g(x, -0).toArray() as number[]).map((v: number) => Object.is(v, -0))).toEqual([true, true]);
    const h = jit((x: NdArray, op: (v: NdArray) => NdArray): NdArray => op(x), { staticArgnums: [1] });
    expect(h(x, (v) => v.sin()).toArray()).toEqual([Math.sin(1), Math.sin(2)]);
    expect(h(x, (v) => v.cos()).toArray()).toEqual([Math.cos(1), Math.cos(2)]);
  });

  it("repeated literal constants are one constant, so repeated work merges", () => {
    const ir = simplify(makeIR((x: NdArray) => x.mul(2).add(x.mul(2)))(np.array([1, 2, 3])));
    expect(ir.equations.filter((e) => e.prim.name === "mul")).toHaveLength(1);
  });
});
