// jit corpus cases of jit_call (issue 16): a jitted function transformed (grad, vmap,
// hessian) and called inside a scan, each staged again by an outer jit, bit for bit
// against the same function run eagerly. That the transformed jitted function equals the
// transformed plain one is test/transforms/jit-primitive.test.ts's.
import { grad, hessian, jit, scan, vmap, type Array as NdArray } from "nabla";
import { addCase, arr, FLOATS, LARGE, TINY } from "../jit-corpus.js";

const g = (x: NdArray, w: NdArray) => x.sin().mul(w).add(x.mul(x).mul(0.5)).sum().add(w.mul(x.slice([null, null, -1])).tanh().sum());
const jg = jit(g);

for (const dt of FLOATS) {
  addCase({
    name: `jit_call ${dt}: grad(jit(f)) in both arguments, valueAndGrad-like pairs`,
    covers: ["jit_call"],
    f: (x: NdArray, w: NdArray) => [grad(jg, { argnums: [0, 1] })(x, w), jg(x, w)],
    inputs: [[arr([6], dt, 1, "plain"), arr([6], dt, 2, "plain")], [arr([3000], dt, 3, "plain"), arr([3000], dt, 4, "plain")]],
  });

  addCase({
    name: `jit_call ${dt}: vmap(jit(f)) with a batched and an unbatched argument`,
    covers: ["jit_call"],
    f: (xs: NdArray, w: NdArray) => vmap(jg, { inAxes: [0, null] })(xs, w),
    inputs: [[arr([4, 5], dt, 1, "plain"), arr([5], dt, 2, "plain")], [arr(LARGE, dt, 3, "plain"), arr([100], dt, 4, "plain")]],
  });

  addCase({
    name: `jit_call ${dt}: a jitted step inside scan, and its gradient`,
    covers: ["jit_call", "scan"],
    f: (c0: NdArray, xs: NdArray) => {
      const step = jit((c: NdArray, x: NdArray): [NdArray, NdArray] => [c.mul(x.cos()).add(c.sin().mul(0.5)), c.mul(x).sum()]);
      const run = (c: NdArray) => scan((carry: NdArray, x: NdArray) => step(carry, x), c, xs);
      return [run(c0), grad((c: NdArray) => run(c)[0].sum())(c0)];
    },
    inputs: [[arr(TINY.slice(1), dt, 1, "plain"), arr([4, 3], dt, 2, "plain")], [arr([100], dt, 3, "plain"), arr([20, 100], dt, 4, "plain")]],
  });

  addCase({
    name: `jit_call ${dt}: hessian(jit(f))`,
    covers: ["jit_call"],
    f: (x: NdArray, w: NdArray) => hessian((u: NdArray) => jg(u, w))(x),
    inputs: [[arr([5], dt, 1, "plain"), arr([5], dt, 2, "plain")], [arr([30], dt, 3, "plain"), arr([30], dt, 4, "plain")]],
  });
}

// The jitted function closes over the traced weights of an outer transformation.
addCase({
  name: "jit_call: grad in a value a jitted function closes over",
  covers: ["jit_call"],
  f: (x: NdArray, w: NdArray) => grad((v: NdArray) => jit((u: NdArray) => u.mul(v).sin().sum())(x))(w),
  inputs: [[arr([7], FLOATS[0], 1, "plain"), arr([7], FLOATS[0], 2, "plain")], [arr(LARGE, FLOATS[0], 3, "plain"), arr([100], FLOATS[0], 4, "plain")]],
});
