import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jit, jvp, makeIR, np, valueAndGrad, vjp, vmap, type Array as NdArray } from "nabla";
import { bind, currentInterpreter, withInterpreter, type Interpreter, type Primitive } from "../../packages/nabla/src/core/index.js";
import { Program } from "../../packages/nabla/src/transforms/jit/call.js";
import { arr, countPrims, expectSameBits, F32, F64 } from "./jit-cases.js";

// jit as a primitive (issue 16): under a transformation a jitted function binds jit_call,
// whose rules stage the transformed program and bind jit_call on it. Shown here: the
// transformed jitted function equals the transformed plain one bit for bit (and closed
// forms); below the transformation only jit_call reaches the kernels, so the derivative
// runs compiled code; derived programs are cached; a nested call stays one equation; a
// closed-over traced value is an input of the call; unseeded outputs send nothing back.

/** Runs fn under an interpreter at the bottom that notes every primitive bound there, with its params. */
function bottom(fn: () => unknown): { prim: Primitive; params: unknown }[] {
  const seen: { prim: Primitive; params: unknown }[] = [];
  const below = currentInterpreter();
  const recorder: Interpreter = {
    name: "record",
    process(prim, args, params) {
      seen.push({ prim, params });
      return withInterpreter(below, () => bind(prim, args, params));
    },
  };
  withInterpreter(recorder, fn);
  return seen;
}

const f = (x: NdArray, w: NdArray) => x.sin().mul(w).add(x.mul(x).mul(0.5)).sum().add(w.mul(x.slice([null, null, -1])).tanh().sum());

describe("transformations of a jitted function equal those of the plain function", () => {
  const jf = jit(f);
  it.each([F64, F32])("grad, valueAndGrad, vjp, jvp, jacfwd, hessian and vmap, %s, bit for bit", (dt) => {
    const x = arr([6], dt, 1, "plain");
    const w = arr([6], dt, 2, "plain");
    const both = { argnums: [0, 1] as [0, 1] };
    expectSameBits(grad(jf, both)(x, w), grad(f, both)(x, w), "grad");
    expectSameBits(valueAndGrad(jf)(x, w), valueAndGrad(f)(x, w), "valueAndGrad");
    expectSameBits(vjp(jf, x, w)[1](np.array(0.75, { dtype: dt })), vjp(f, x, w)[1](np.array(0.75, { dtype: dt })), "vjp");
    expectSameBits(jvp(jf, [x, w], [w, x]), jvp(f, [x, w], [w, x]), "jvp");
    expectSameBits(jacfwd(jf)(x, w), jacfwd(f)(x, w), "jacfwd");
    expectSameBits(hessian(jf)(x, w), hessian(f)(x, w), "hessian");
    const xs = arr([4, 6], dt, 3, "plain");
    const axes = { inAxes: [0, null] as [0, null] };
    expectSameBits(vmap(jf, axes)(xs, w), vmap(f, axes)(xs, w), "vmap");
    expectSameBits(vmap(grad(jf), axes)(xs, w), vmap(grad(f), axes)(xs, w), "vmap(grad)");
    expectSameBits(grad((u: NdArray) => vmap(jf, axes)(u, w).sum())(xs), grad((u: NdArray) => vmap(f, axes)(u, w).sum())(xs), "grad(vmap)");
  });

  it("closed forms: ∇Σ sin(x)·w = cos(x)·w, and the Hessian of Σ c·exp(x) is diag(c·exp(x))", () => {
    const x = np.array([0.3, -1.2, 2]);
    const w = np.array([1.5, -0.5, 2]);
    const g = grad(jit((u: NdArray) => u.sin().mul(w).sum()))(x).toArray() as number[];
    g.forEach((v, i) => expect(v).toBeCloseTo(Math.cos([0.3, -1.2, 2][i]!) * [1.5, -0.5, 2][i]!, 14));
    const h = hessian(jit((u: NdArray) => u.exp().mul(w).sum()))(x).toArray() as number[][];
    h.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? [1.5, -0.5, 2][i]! * Math.exp([0.3, -1.2, 2][i]!) : 0, 13)));
  });
});

describe("jit_call runs compiled code under transformations", () => {
  const x = arr([6], F64, 1, "plain");
  const w = arr([6], F64, 2, "plain");

  it("below grad, jvp and vmap only jit_call reaches the kernels, and derived programs are cached", () => {
    let traces = 0;
    const jf = jit((u: NdArray, v: NdArray) => {
      traces++;
      return f(u, v);
    });
    const runs: [string, () => unknown][] = [
      ["grad", () => grad(jf)(x, w)],
      ["jvp", () => jvp(jf, [x, w], [w, x])],
      ["vmap", () => vmap(jf, { inAxes: [0, null] })(arr([3, 6], F64, 4, "plain"), w)],
    ];
    const programs = (seen: { prim: Primitive; params: unknown }[]) =>
      seen.filter((e) => e.prim.name === "jit_call").map((e) => (e.params as { program: object }).program);
    for (const [name, run] of runs) {
      run(); // the first call stages the derived program
      const first = programs(bottom(run));
      const again = bottom(run);
      // Each jit_call runs the same program object on a repeated call: nothing was re-staged.
      expect(first.length, name).toBeGreaterThan(0);
      expect(programs(again).every((p, i) => p === first[i]) && programs(again).length === first.length, name).toBe(true);
      // f's own primitives never run op by op.
      const eager = again.map((e) => e.prim.name).filter((n) => ["sin", "tanh", "mul", "slice", "reduce_sum"].includes(n));
      expect(eager, `${name}: primitives evaluated outside compiled code`).toEqual([]);
    }
    // The user function was traced once: the derived programs transform its program.
    expect(traces).toBe(1);
  });

  it("under an outer jit a jitted call stays one equation", () => {
    const inner = jit((u: NdArray) => u.sin().mul(u.exp()));
    const ir = makeIR((u: NdArray) => inner(u.add(1)).mul(2))(x);
    expect(countPrims(ir)).toEqual({ add: 1, jit_call: 1, mul: 1 });
    expect(String(ir)).toMatch(/jit_call\[program="program#\d+"\]/);
  });
});

describe("grad of a jitted scalar function", () => {
  /** How many compiled programs `fn` runs. */
  function runs(fn: () => unknown): number {
    const run = Program.prototype.run;
    let count = 0;
    Program.prototype.run = function (this: Program, args) {
      count++;
      return run.call(this, args);
    };
    try {
      fn();
    } finally {
      Program.prototype.run = run;
    }
    return count;
  }

  it("computes the gradient with the value, in one compiled pass, for grad's unit cotangent", () => {
    const x = arr([6], F64, 1, "plain");
    const w = arr([6], F64, 2, "plain");
    const jf = jit(f);
    grad(jf)(x, w); // stages and compiles the derived programs
    expect(runs(() => grad(jf)(x, w))).toBe(1);
    expect(runs(() => valueAndGrad(jf, { argnums: [0, 1] })(x, w))).toBe(1);
    // Any other cotangent goes back through the program's VJP: a second pass, same bits as eager.
    expect(runs(() => vjp(jf, x, w)[1](np.array(3)))).toBe(2);
    const scaled = (u: NdArray) => jf(u, w).mul(3);
    expectSameBits(grad(scaled)(x), grad((u: NdArray) => f(u, w).mul(3))(x), "grad of 3·f");
  });
});

describe("jit_call's operands and outputs", () => {
  it("a value closed over from vmap or jvp is an input of the call", () => {
    const x = arr([5], F64, 1, "plain");
    const ws = arr([3, 5], F64, 2, "plain");
    const plain = (w: NdArray) => x.mul(w).sin().sum();
    const closing = (w: NdArray) => jit((u: NdArray) => u.mul(w).sin().sum())(x);
    expectSameBits(vmap(closing)(ws), vmap(plain)(ws), "vmap");
    expectSameBits(jvp(closing, [ws], [ws.cos()]), jvp(plain, [ws], [ws.cos()]), "jvp");
  });

  it("an output without a cotangent sends nothing back: no 0·∞ = NaN from √x at 0", () => {
    const h = jit((u: NdArray): [NdArray, NdArray] => [u.sin(), u.sqrt()]);
    const x = np.array([0, 0.5, 2]);
    const g = grad((u: NdArray) => h(u)[0].sum())(x);
    expect(g.toArray()).toEqual([Math.cos(0), Math.cos(0.5), Math.cos(2)]);
  });

  it("integer outputs and inputs carry no derivative", () => {
    const h = jit((u: NdArray, k: NdArray): [NdArray, NdArray] => [u.sin().mul(np.astype(k, "float64")), np.argmax(u)]);
    const x = np.array([0.5, 2, -1]);
    const k = np.array([1, 2, 3], { dtype: "int32" });
    const [[y, i], [dy, di]] = jvp((u: NdArray) => h(u, k), [x], [np.ones([3])]);
    expectSameBits([y, i], h(x, k));
    expect(dy.toArray()).toEqual([0.5, 2, -1].map((v, j) => Math.cos(v) * (j + 1)));
    expect(di.dtype).toBe("int32");
    expect(di.toArray()).toEqual(0);
    expect(grad((u: NdArray) => h(u, k)[0].sum())(x).toArray()).toEqual([0.5, 2, -1].map((v, j) => Math.cos(v) * (j + 1)));
  });

  it("binding jit_call on inputs the program does not take is an error naming both", () => {
    const jf = jit((u: NdArray) => u.sin());
    const [call] = bottom(() => jvp(jf, [np.ones([3])], [np.ones([3])])).filter((e) => e.prim.name === "jit_call");
    expect(() => bind(call!.prim, [np.ones([4]), np.ones([4])], call!.params)).toThrow(
      /jit_call: the program takes \[float64\(3,\), float64\(3,\)\], got \[float64\(4,\), float64\(4,\)\]/,
    );
  });
});
