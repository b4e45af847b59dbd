import { describe, expect, it } from "vitest";
import { np, random, tree, type Array } from "nabla";

describe("tree.flatten / unflatten", () => {
  const A = np.array([1, 2]);
  const Z = np.zeros([2]);
  const nested = { a: A, b: [1, null, { c: 3, d: [Z, 4] }], e: null };

  it("leaves come out depth-first, keys in insertion order; null is not a leaf", () => {
    const [leaves, def] = tree.flatten(nested);
    expect(leaves).toHaveLength(5);
    expect(leaves[0]).toBe(A);
    expect(leaves.slice(1, 3)).toEqual([1, 3]);
    expect(leaves[3]).toBe(Z);
    expect(leaves[4]).toBe(4);
    expect(def.numLeaves).toBe(5);
    expect(def.toString()).toBe('{"a": *, "b": [*, null, {"c": *, "d": [*, *]}], "e": null}');
  });

  it("unflatten(flatten(x)) rebuilds x, with the very same leaf objects", () => {
    const [leaves, def] = tree.flatten(nested);
    const back = tree.unflatten(def, leaves) as typeof nested;
    expect(back === nested).toBe(false);
    expect(back.a).toBe(A);
    expect(back.e).toBeNull();
    expect(back.b[0]).toBe(1);
    expect(back.b[1]).toBeNull();
    const inner = back.b[2] as { c: number; d: [Array, number] };
    expect(inner.c).toBe(3);
    expect(inner.d[0]).toBe(Z);
    expect(inner.d[1]).toBe(4);
    expect(Object.keys(back)).toEqual(["a", "b", "e"]);
  });

  it("unflatten with new leaves puts them in the same places", () => {
    const [, def] = tree.flatten(nested);
    expect(tree.unflatten(def, ["p", "q", "r", "s", "t"])).toEqual({ a: "p", b: ["q", null, { c: "r", d: ["s", "t"] }], e: null });
  });

  it("a bare leaf, an empty list, undefined", () => {
    const [l1, d1] = tree.flatten(5);
    expect(l1).toEqual([5]);
    expect(d1.toString()).toBe("*");
    expect(tree.unflatten(d1, [7])).toBe(7);
    const [l2, d2] = tree.flatten({ x: [], y: undefined });
    expect(l2).toEqual([]);
    expect(tree.unflatten(d2, [])).toEqual({ x: [], y: undefined });
  });

  it("non-plain objects (class instances, Arrays) are leaves", () => {
    class Box {
      constructor(readonly v: number) {}
    }
    const box = new Box(3);
    const leaves = tree.leaves<unknown>([box, { k: A }]);
    // Compared by identity: toEqual would iterate the Arrays (they are iterable).
    expect(leaves).toHaveLength(2);
    expect(leaves[0]).toBe(box);
    expect(leaves[1]).toBe(A);
  });

  it("unflatten with the wrong number of leaves is an error", () => {
    const [, def] = tree.flatten(nested);
    expect(() => tree.unflatten(def, [1, 2, 3, 4])).toThrow(
      'tree.unflatten: structure {"a": *, "b": [*, null, {"c": *, "d": [*, *]}], "e": null} has 5 leaves, got 4',
    );
  });

  it("equal structures compare equal, different ones do not", () => {
    const d1 = tree.flatten({ w: 1, b: [2, 3] })[1];
    const d2 = tree.flatten({ w: A, b: [Z, "x"] })[1];
    const d3 = tree.flatten({ w: 1, b: [2] })[1];
    expect(d1.equals(d2)).toBe(true);
    expect(d1.equals(d3)).toBe(false);
  });
});

describe("tree.leaves and tree.map", () => {
  it("leaves lists them in order", () => {
    const a = np.ones([1]);
    const b = np.zeros([2]);
    const leaves = tree.leaves<unknown>([a, { b, n: [null, 7] }]);
    expect(leaves).toHaveLength(3);
    expect(leaves[0]).toBe(a);
    expect(leaves[1]).toBe(b);
    expect(leaves[2]).toBe(7);
  });

  it("map over one tree", () => {
    expect(tree.map((x: number) => x * 10, { a: 1, b: [2, { c: 3 }] })).toEqual({ a: 10, b: [20, { c: 30 }] });
  });

  it("map over two trees pairs the leaves (an SGD step)", () => {
    const params = { W: np.array([[1, 2], [3, 4]]), b: np.array([0.5, -0.5]) };
    const grads = { W: np.array([[10, 0], [0, -10]]), b: np.array([1, 2]) };
    const next = tree.map((p: Array, g: Array) => p.sub(g.mul(0.1)), params, grads);
    expect(next.W.toArray()).toEqual([[0, 2], [3, 5]]);
    expect(next.b.toArray()).toEqual([0.4, -0.7]);
    // The inputs are untouched.
    expect(params.W.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("map with three trees passes one leaf from each", () => {
    expect(tree.map((x: number, y: number, z: number) => x + 10 * y + 100 * z, [1, [2]], [3, [4]], [5, [6]])).toEqual([531, [642]]);
  });

  it("a structure mismatch is an error naming both structures", () => {
    expect(() => tree.map((a: number, b: number) => a + b, { a: 1, b: [2, 3] }, { a: 1, b: [2] })).toThrow(
      'tree.map: tree 1 has structure {"a": *, "b": [*]}, expected {"a": *, "b": [*, *]}',
    );
    expect(() => tree.map((a: number, b: number) => a + b, [1, 2], [1, null])).toThrow(/tree.map: tree 1 has structure \[\*, null\]/);
  });
});

describe("random: keys", () => {
  it("key(seed) is an int32 (2,) array of the seed's high and low words", () => {
    const k = random.key(0);
    expect(k.dtype).toBe("int32");
    expect(k.toArray()).toEqual([0, 0]);
    expect(random.key(2 ** 40 + 5).toArray()).toEqual([256, 5]);
    expect(random.key(123).toArray()).toEqual([0, 123]);
  });

  it("a non-integer seed is an error", () => {
    expect(() => random.key(1.5)).toThrow("random.key: seed must be a safe integer, got 1.5");
  });

  it("split gives n distinct keys, different from the parent, deterministically", () => {
    const k = random.key(42);
    const ks = random.split(k, 4);
    expect(ks.shape).toEqual([4, 2]);
    expect(ks.dtype).toBe("int32");
    const rows = (ks.toArray() as number[][]).map((r) => r.join(","));
    expect(new Set([...rows, (k.toArray() as number[]).join(",")]).size).toBe(5);
    expect(random.split(k, 4).toArray()).toEqual(ks.toArray());
    const [k1, k2] = random.split(k);
    expect(k1!.shape).toEqual([2]);
    expect(k1!.toArray()).not.toEqual(k2!.toArray());
  });

  it("split of a split: grandchildren differ too", () => {
    const [a, b] = random.split(random.key(0));
    const [a1, a2] = random.split(a!);
    const [b1] = random.split(b!);
    const all = [a, b, a1, a2, b1].map((x) => (x!.toArray() as number[]).join(","));
    expect(new Set(all).size).toBe(5);
  });

  it("split n must be a positive integer", () => {
    expect(() => random.split(random.key(0), 0)).toThrow("random.split: n must be a positive integer, got 0");
  });

  it("a bad key is a clear error", () => {
    const bad = np.zeros([3]);
    expect(() => random.uniform(bad, [2])).toThrow(
      "random.uniform: key must be a PRNG key, an int32 array of shape (2,) from random.key, got float64(3,)",
    );
    expect(() => random.normal(bad, [2])).toThrow(/random\.normal: key must be a PRNG key, an int32 array of shape \(2,\) from random\.key, got float64\(3,\)/);
    expect(() => random.split(bad)).toThrow(/random\.split: key must be a PRNG key, an int32 array of shape \(2,\) from random\.key/);
    expect(() => random.uniform(np.zeros([2]), [2])).toThrow(/got float64\(2,\)/);
    expect(() => random.bernoulli(np.zeros([2], { dtype: "int32" }).reshape([1, 2]), 0.5, [2])).toThrow(/got int32\(1,2\)/);
  });
});

describe("random: samplers", () => {
  const mean = (xs: Float64Array) => xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = (xs: Float64Array) => {
    const m = mean(xs);
    return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length);
  };

  it("the same key gives identical numbers", () => {
    const k = random.key(7);
    expect(random.uniform(k, [50]).toArray()).toEqual(random.uniform(random.key(7), [50]).toArray());
    expect(random.normal(k, [20]).toArray()).toEqual(random.normal(k, [20]).toArray());
  });

  it("different keys give different numbers", () => {
    const a = random.uniform(random.key(0), [20]).toFloat64Array();
    const b = random.uniform(random.key(1), [20]).toFloat64Array();
    const same = a.filter((v, i) => v === b[i]).length;
    expect(same).toBe(0);
    const [k1, k2] = random.split(random.key(0));
    expect(random.normal(k1!, [5]).toArray()).not.toEqual(random.normal(k2!, [5]).toArray());
  });

  it("uniform lies in [0, 1), spread over it", () => {
    const u = random.uniform(random.key(3), [20000]);
    expect(u.shape).toEqual([20000]);
    expect(u.dtype).toBe("float64");
    const xs = u.toFloat64Array();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.01);
    // Each tenth of [0, 1) gets about a tenth of the samples.
    const bins = new globalThis.Array<number>(10).fill(0);
    for (const v of xs) bins[Math.floor(v * 10)]!++;
    for (const c of bins) expect(Math.abs(c / xs.length - 0.1)).toBeLessThan(0.01);
  });

  it("uniform with minval and maxval lies in [minval, maxval)", () => {
    const xs = random.uniform(random.key(4), [20000], { minval: -3, maxval: 5 }).toFloat64Array();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(Math.min(...xs)).toBeLessThan(-2.9);
    expect(Math.max(...xs)).toBeGreaterThan(4.9);
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(0.08);
  });

  it("float32 uniform is float32 in [0, 1)", () => {
    const u = random.uniform(random.key(5), [1000], { dtype: "float32" });
    expect(u.dtype).toBe("float32");
    const xs = u.toFloat64Array();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(() => random.uniform(random.key(5), [2], { dtype: "int32" })).toThrow('random.uniform: dtype "int32" is not one of float64, float32');
  });

  it("shapes: a 0-d sample by default, any shape on request", () => {
    expect(random.uniform(random.key(0)).shape).toEqual([]);
    expect(random.normal(random.key(0), [2, 3, 4]).shape).toEqual([2, 3, 4]);
  });

  it("normal: 1e5 samples have mean ≈ 0 and std ≈ 1", () => {
    const xs = random.normal(random.key(11), [100000]).toFloat64Array();
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean(xs))).toBeLessThan(0.02);
    expect(Math.abs(std(xs) - 1)).toBeLessThan(0.02);
    // About 68.27% within one standard deviation, 95.45% within two.
    expect(Math.abs(xs.filter((v) => Math.abs(v) < 1).length / xs.length - 0.6827)).toBeLessThan(0.01);
    expect(Math.abs(xs.filter((v) => Math.abs(v) < 2).length / xs.length - 0.9545)).toBeLessThan(0.01);
  });

  it("bernoulli: bools with frequency ≈ p", () => {
    const b = random.bernoulli(random.key(12), 0.3, [100000]);
    expect(b.dtype).toBe("bool");
    const freq = np.sum(b).item() / 100000;
    expect(Math.abs(freq - 0.3)).toBeLessThan(0.01);
    expect(np.sum(random.bernoulli(random.key(1), 0, [1000])).item()).toBe(0);
    expect(np.sum(random.bernoulli(random.key(1), 1, [1000])).item()).toBe(1000);
  });

  it("bernoulli broadcasts an array of probabilities", () => {
    const p = np.array([0.1, 0.9]);
    const b = random.bernoulli(random.key(13), p, [50000, 2]);
    const cols = np.mean(b, { axis: 0 }).toArray() as number[];
    expect(Math.abs(cols[0]! - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(cols[1]! - 0.9)).toBeLessThan(0.01);
  });

  it("permutation of n is a shuffled 0..n-1", () => {
    const p = random.permutation(random.key(1), 10);
    expect(p.dtype).toBe("int32");
    const xs = p.toArray() as number[];
    expect([...xs].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(xs).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(random.permutation(random.key(1), 10).toArray()).toEqual(xs);
    expect(random.permutation(random.key(2), 10).toArray()).not.toEqual(xs);
  });

  it("permutation of an array reorders its rows", () => {
    const x = np.array([[0, 0], [1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]);
    const y = random.permutation(random.key(3), x).toArray() as number[][];
    expect(y).toHaveLength(6);
    for (const row of y) expect(row[1]).toBe(row[0]! * 10);
    expect(y.map((r) => r[0]).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => random.permutation(random.key(3), np.array(5))).toThrow("random.permutation: x must be a count or an Array of rank ≥ 1, got an Array of shape ()");
  });
});

describe("random: known answers", () => {
  it("threefry-2x32 (20 rounds) matches Random123's published test vector", () => {
    // Random123 kat_vectors: threefry2x32_20, key (0, 0), counter (0, 0) → 0x6b200159 0x99ba4efe.
    // random.key(0) is the key (0, 0); split(·, 1) returns the words for counter (0, 0).
    const words = random.split(random.key(0), 1).toArray() as number[][];
    expect(words[0]!.map((w) => w >>> 0)).toEqual([0x6b200159, 0x99ba4efe]);
  });

  it("uniform float64 takes 53 bits from the two words: 27 of the first, 26 of the second", () => {
    const expected = ((0x6b200159 >>> 5) * 2 ** 26 + (0x99ba4efe >>> 6)) / 2 ** 53;
    expect(random.uniform(random.key(0), [1]).toArray()).toEqual([expected]);
  });

  it("regression check: the first outputs of uniform(key(0), [3]) are pinned", () => {
    // Recorded from this implementation, not derived independently: a change here means the
    // generator or the float construction changed, and every seeded result downstream moves.
    expect(random.uniform(random.key(0), [3]).toArray()).toEqual([0.41845711022987275, 0.216295456917019, 0.9653214635925738]);
  });
});
