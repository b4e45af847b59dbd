import { describe, expect, it } from "vitest";
import { grad, np, tree, type Array } from "nabla";

// A pytree or nested list that contains itself gets an error saying "cycle" and where,
// not a stack overflow (a RangeError from deep inside).

/** `{ w, inner: { b, back: <the inner object> } }`: a cycle one level down. */
function cyclicParams(): Record<string, unknown> {
  const inner: Record<string, unknown> = { b: np.array(1) };
  inner.back = inner;
  return { w: np.array([1, 2]), inner };
}

describe("cyclic pytrees", () => {
  it("flatten, leaves and map name the cycle and its path", () => {
    expect(() => tree.flatten(cyclicParams())).toThrow(new Error("tree.flatten: the pytree has a cycle: tree.inner.back is tree.inner again"));
    const list: unknown[] = [1, [2]];
    (list[1] as unknown[]).push(list);
    expect(() => tree.leaves(list)).toThrow(new Error("tree.leaves: the pytree has a cycle: tree[1][1] is tree again"));
    expect(() => tree.map((x: unknown) => x, cyclicParams())).toThrow(/^tree\.map: the pytree has a cycle/);
    expect(() => tree.map((x: unknown, y: unknown) => [x, y], { a: 1, b: list }, { a: 1, b: 2 })).toThrow(/^tree\.map: the pytree has a cycle/);
  });

  it("keys that are not identifiers are quoted in the path", () => {
    const t: Record<string, unknown> = {};
    t["my key"] = [t];
    expect(() => tree.flatten(t)).toThrow('tree.flatten: the pytree has a cycle: tree["my key"][0] is tree again');
  });

  it("a container shared by two branches is not a cycle: it is flattened twice", () => {
    const shared = { a: np.array(1) };
    const [leaves, def] = tree.flatten({ left: shared, right: [shared, shared] });
    expect(leaves).toHaveLength(3);
    expect(def.toString()).toBe('{"left": {"a": *}, "right": [{"a": *}, {"a": *}]}');
  });

  it("a transformation given cyclic parameters says cycle", () => {
    const loss = (p: Record<string, unknown>) => np.sum(p.w as Array);
    expect(() => grad(loss)(cyclicParams())).toThrow(/cycle/);
  });
});

describe("cyclic nested lists in np.array", () => {
  it("a list inside itself is a cycle, not a stack overflow", () => {
    const a: unknown[] = [];
    a.push(a);
    expect(() => np.array(a as never)).toThrow(new Error("array: the nested list contains a cycle (a list inside itself)"));
    const b: unknown[] = [[1, 2]];
    (b[0] as unknown[])[0] = b;
    expect(() => np.array(b as never)).toThrow("array: the nested list contains a cycle");
  });

  it("a list holding itself past the first position is ragged nesting", () => {
    const c: unknown[] = [1];
    c.push(c);
    expect(() => np.array(c as never)).toThrow("array: element[1] is a list (ragged nesting), expected a number");
  });
});
