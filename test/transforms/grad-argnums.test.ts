import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, np, valueAndGrad, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// A position listed twice in argnums has no meaning in JAX (old versions gave zero for
// every copy but the last, current ones fail inside the call), so nabla refuses it with
// an error naming the function and the position, in every transformation taking argnums.

const f = (x: Array, y: Array) => x.mul(y).sum();
const x = np.array([1, 2]);
const y = np.array([3, 4]);

describe("argnums listing an argument twice", () => {
  const transforms = { grad, valueAndGrad, jacfwd, jacrev, hessian } as const;

  it("is an error naming the function and the repeated position", () => {
    for (const [name, t] of Object.entries(transforms)) {
      for (const [argnums, repeated] of [[[0, 0], 0], [[1, 0, 1], 1]] as const) {
        const call = () => (t as (g: typeof f, o: { argnums: readonly number[] }) => (...a: Array[]) => unknown)(f, { argnums })(x, y);
        expect(errorOf(call), `${name} ${argnums}`).toBe(`${name}: argnums ${JSON.stringify(argnums)} lists argument ${repeated} twice; list each argument once`);
      }
    }
  });

  it("argnums that is neither a position nor a list is an error, not a TypeError", () => {
    for (const bad of ["0", { 0: 0 }, true]) {
      expect(errorOf(() => grad(f, { argnums: bad as unknown as number })(x, y))).toBe(`grad: argnums must be an argument position or a list of them, got ${String(bad)}`);
    }
  });

  it("distinct positions in any order still give one gradient each", () => {
    const [gy, gx] = grad(f, { argnums: [1, 0] })(x, y);
    expect(gy.toArray()).toEqual([1, 2]);
    expect(gx.toArray()).toEqual([3, 4]);
  });
});
