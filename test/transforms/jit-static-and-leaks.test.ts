import { describe, expect, it } from "vitest";
import { grad, jacfwd, jit, makeIR, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// jit keys static arguments by their contents, which a cyclic value does not have: that
// is an error saying "cycle" and where, not a stack overflow. A tracer that outlived its
// transformation gets the one "escaped its transformation" message wherever jit meets
// it: as an argument, closed over, or as a static argument.

const addStatic = jit((x: Array, s: unknown) => x.add(JSON.stringify(s, (_k, v) => v ?? null).length), { staticArgnums: [1] });

describe("jit: cyclic static arguments", () => {
  it("a list or object that contains itself is an error naming the cycle", () => {
    const list: unknown[] = [1, 2];
    list.push(list);
    const obj: Record<string, unknown> = { a: 1 };
    obj.self = { inner: obj };
    const deep: Record<string, unknown> = { k: [] };
    (deep.k as unknown[]).push({ back: deep.k });
    const cases: [unknown, string][] = [
      [list, "argument 1[2] is argument 1 itself"],
      [obj, "argument 1.self.inner is argument 1 itself"],
      [deep, "argument 1.k[0].back is argument 1.k itself"],
    ];
    for (const [value, where] of cases) {
      const message = errorOf(() => addStatic(np.array([1]), value));
      expect(message).toBe(
        `jit: static argument 1 contains a cycle: ${where}; static arguments are keyed by their contents, ` +
          "so pass an acyclic value, or a class instance (keyed by identity)",
      );
    }
    expect(errorOf(() => makeIR((x: Array, _s: unknown) => x, { staticArgnums: [1] })(np.array(1), obj))).toMatch(/^makeIR: static argument 1 contains a cycle/);
  });

  it("a value shared without a cycle is keyed by its contents, as before", () => {
    let traces = 0;
    const f = jit(
      (x: Array, s: { a: { v: number }; b: { v: number } }) => {
        traces++;
        return x.add(s.a.v + s.b.v);
      },
      { staticArgnums: [1] },
    );
    const shared = { v: 2 };
    expect(f(np.array([1]), { a: shared, b: shared }).toArray()).toEqual([5]);
    expect(f(np.array([1]), { a: { v: 2 }, b: { v: 2 } }).toArray()).toEqual([5]); // equal contents: a hit
    expect(traces).toBe(1);
    // A class instance is keyed by identity, so a cyclic one is fine.
    class Node {
      next: Node = this;
    }
    expect(jit((x: Array, _n: Node) => x.mul(3), { staticArgnums: [1] })(np.array([1]), new Node()).toArray()).toEqual([3]);
  });
});

describe("jit: a tracer that escaped its transformation", () => {
  const escaped = /^a tracer of (vjp|jvp|vmap|stage) escaped its transformation: a traced value was kept \(in a closure or outer variable\) and used after the transformed function returned$/;

  function leakFrom(transform: "grad" | "jacfwd" | "vmap" | "jit"): Array {
    let leaked: Array | undefined;
    const keep = (x: Array) => {
      leaked = x;
      return x.sum();
    };
    const x = np.array([1, 2]);
    if (transform === "grad") grad(keep)(x);
    else if (transform === "jacfwd") jacfwd(keep)(x);
    else if (transform === "vmap") vmap(keep)(np.array([[1, 2]]));
    else jit(keep)(x);
    return leaked!;
  }

  it("gets the same message as in eager code, wherever jit meets it", () => {
    for (const transform of ["grad", "jacfwd", "vmap", "jit"] as const) {
      const leaked = leakFrom(transform);
      const eager = errorOf(() => np.add(leaked, 1));
      expect(eager, transform).toMatch(escaped);
      const closedOver = jit((x: Array) => x.add(leaked));
      expect(errorOf(() => closedOver(np.array([1, 2]))), `${transform}, closed over`).toBe(eager);
      expect(errorOf(() => closedOver(np.array([1, 2]))), `${transform}, closed over, second call`).toBe(eager);
      expect(errorOf(() => jit((x: Array) => x.mul(2))(leaked)), `${transform}, as the argument`).toBe(eager);
      expect(errorOf(() => jit((p: { w: Array }) => p.w.mul(2))({ w: leaked })), `${transform}, inside a pytree`).toBe(eager);
      expect(errorOf(() => addStatic(np.array([1]), leaked)), `${transform}, as a static argument`).toBe(eager);
      expect(errorOf(() => grad((y: Array) => jit((x: Array) => x.add(leaked).sum())(y))(np.array([1, 2]))), `${transform}, jit under grad`).toBe(eager);
    }
  });

  it("a live tracer of an outer transformation is still used, closed over or as an argument", () => {
    // d/dy Σ (y·y) = 2y, with y closed over by the jitted function.
    expect(grad((y: Array) => jit((x: Array) => x.mul(y).sum())(y))(np.array([1, 2])).toArray()).toEqual([2, 4]);
    expect(vmap((y: Array) => jit((x: Array) => x.add(y))(np.array(10)))(np.array([1, 2])).toArray()).toEqual([11, 12]);
  });
});
