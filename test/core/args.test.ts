import { describe, expect, it } from "vitest";
import { np, random, type DType } from "nabla";

// Every argument is checked where it enters (array/check.ts, core/np/args.ts): bad input
// gets a plain Error whose one line names the function and the argument, never a
// TypeError or RangeError from inside, and never a silently ignored argument.

const X = np.array([[1, 2, 3], [4, 5, 6]]);

/** The error `f` throws: checked to be a plain Error (not a TypeError or RangeError). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).constructor).toBe(Error);
    return e as Error;
  }
  throw new Error("expected an error, got a result");
}

/** Lets a test pass what the types forbid, as JavaScript callers can. */
const untyped = <T>(x: unknown) => x as T;

describe("dtype strings", () => {
  it("every function taking a dtype refuses an unknown one, naming itself and the value", () => {
    const bad = untyped<DType>("float");
    const list = 'dtype "float" is not one of float64, float32, int32, bool';
    expect(errorOf(() => np.zeros([2], { dtype: bad })).message).toBe(`zeros: ${list}`);
    expect(errorOf(() => np.ones([2], { dtype: bad })).message).toBe(`ones: ${list}`);
    expect(errorOf(() => np.full([2], 1, { dtype: bad })).message).toBe(`full: ${list}`);
    expect(errorOf(() => np.eye(2, { dtype: bad })).message).toBe(`eye: ${list}`);
    expect(errorOf(() => np.eye(2, 3, { dtype: bad })).message).toBe(`eye: ${list}`);
    expect(errorOf(() => np.arange(3, { dtype: bad })).message).toBe(`arange: ${list}`);
    expect(errorOf(() => np.linspace(0, 1, 3, { dtype: bad })).message).toBe(`linspace: ${list}`);
    expect(errorOf(() => np.astype(X, bad)).message).toBe(`astype: ${list}`);
    expect(errorOf(() => X.astype(bad)).message).toBe(`astype: ${list}`);
    expect(errorOf(() => np.asArray(1, bad)).message).toBe(`asArray: ${list}`);
    expect(errorOf(() => np.array([1], { dtype: bad })).message).toBe(`array: ${list}`);
    expect(errorOf(() => np.zerosLike(X, { dtype: bad })).message).toBe(`zerosLike: ${list}`);
  });

  it("a non-string dtype is described, not stringified", () => {
    expect(errorOf(() => np.zeros([2], { dtype: untyped(Symbol("f")) })).message).toBe(
      "zeros: dtype a symbol is not one of float64, float32, int32, bool",
    );
    expect(errorOf(() => np.astype(X, untyped(null))).message).toBe("astype: dtype null is not one of float64, float32, int32, bool");
  });

  it("samplers take only float dtypes", () => {
    expect(errorOf(() => random.normal(random.key(0), [2], { dtype: "int32" })).message).toBe(
      'random.normal: dtype "int32" is not one of float64, float32',
    );
  });
});

describe("shapes", () => {
  it("non-integer, negative and non-list shapes are refused by name", () => {
    expect(errorOf(() => np.zeros([2, 0.5])).message).toBe("zeros: shape (2,0.5) has 0.5 at axis 1, not a non-negative integer");
    expect(errorOf(() => np.ones(-3)).message).toBe("ones: shape (-3,) has -3 at axis 0, not a non-negative integer");
    expect(errorOf(() => np.full(untyped("3"), 1)).message).toBe('full: shape must be a list of non-negative integers (or one integer), got "3"');
    expect(errorOf(() => np.zeros(untyped([2, "3"]))).message).toBe('zeros: shape has "3" at axis 1, not a non-negative integer');
    expect(errorOf(() => np.zeros(untyped([NaN]))).message).toBe("zeros: shape (NaN,) has NaN at axis 0, not a non-negative integer");
    expect(errorOf(() => np.broadcastTo(1, untyped({ length: 2 }))).message).toBe(
      "broadcastTo: shape must be a list of non-negative integers (or one integer), got an object",
    );
    expect(errorOf(() => random.uniform(random.key(0), [2, -1])).message).toBe(
      "random.uniform: shape (2,-1) has -1 at axis 1, not a non-negative integer",
    );
  });

  it("lengths beyond 2^53 are refused: sizes must be exact", () => {
    expect(errorOf(() => np.zeros([1e300])).message).toBe("zeros: shape (1e+300,) has length 1e+300 at axis 0, more than 2^53");
    expect(errorOf(() => np.zeros([2 ** 30, 2 ** 30, 2 ** 30])).message).toBe(
      "zeros: shape (1073741824,1073741824,1073741824) has more than 2^53 elements",
    );
  });

  it("reshape allows one -1, and nothing else negative", () => {
    expect(np.reshape(X, [-1]).shape).toEqual([6]);
    expect(np.reshape(X, 6).shape).toEqual([6]);
    expect(errorOf(() => np.reshape(X, [2, -3])).message).toBe("reshape: shape [2, -3] has -3 at axis 1, not a non-negative integer or -1");
    expect(errorOf(() => np.reshape(X, untyped("6"))).message).toBe('reshape: shape must be a list of integers, got "6"');
  });

  it("counts: eye, linspace, split, random.split", () => {
    expect(errorOf(() => np.eye(2.5)).message).toBe("eye: n must be a non-negative integer, got 2.5");
    expect(errorOf(() => np.eye(2, untyped("3"))).message).toBe('eye: m must be a non-negative integer, got "3"');
    expect(errorOf(() => np.linspace(0, 1, -1)).message).toBe("linspace: num must be a non-negative integer, got -1");
    expect(errorOf(() => np.split(np.arange(6), untyped("ab"))).message).toBe(
      'split: sections must be a positive integer or a list of indices, got "ab"',
    );
    expect(errorOf(() => random.split(random.key(0), 1.5)).message).toBe("random.split: n must be a positive integer, got 1.5");
  });
});

describe("typed arrays", () => {
  it("the four storage kinds keep their dtype; other integer kinds become int32 (Uint32 float64)", () => {
    expect(np.array(new Float32Array([0.5])).dtype).toBe("float32");
    expect(np.array(new Uint8Array([0, 3])).toArray()).toEqual([false, true]);
    const small = np.array(new Int8Array([-1, 2]));
    expect([small.dtype, small.toArray()]).toEqual(["int32", [-1, 2]]);
    expect(np.array(new Uint16Array([65535])).toArray()).toEqual([65535]);
    const big = np.array(new Uint32Array([2 ** 32 - 1]));
    expect([big.dtype, big.item()]).toEqual(["float64", 2 ** 32 - 1]);
    expect(np.array(new Int16Array([5]), { dtype: "float32" }).dtype).toBe("float32");
  });

  it("BigInt64Array and DataView are refused with the way out", () => {
    expect(errorOf(() => np.array(untyped(new BigInt64Array(2)))).message).toBe(
      "array: a BigInt64Array holds BigInts, which nabla does not store; convert them first, e.g. Float64Array.from(x, Number)",
    );
    expect(errorOf(() => np.array(untyped(new BigUint64Array(2)))).message).toMatch(/^array: a BigUint64Array holds BigInts/);
    expect(errorOf(() => np.array(untyped(new DataView(new ArrayBuffer(8))))).message).toBe(
      "array: a DataView has no element type; view its buffer as a typed array, e.g. new Float64Array(view.buffer)",
    );
  });

  it("where an Array is expected, a typed array gets a hint to wrap it", () => {
    expect(errorOf(() => np.sum(untyped(new Float64Array(2)))).message).toBe(
      "sum: x must be an Array, a number or a boolean, got a Float64Array (wrap it with np.array)",
    );
  });
});

describe("axes", () => {
  it("an axis given as a string is refused, not spread into characters", () => {
    expect(errorOf(() => np.sum(X, { axis: untyped("0") })).message).toBe('sum: axis must be an integer or a list of integers, got "0"');
    expect(errorOf(() => np.sum(X, { axis: untyped(["0"]) })).message).toBe('sum: axis "0" is not an integer');
    expect(errorOf(() => np.argmax(X, { axis: untyped("1") })).message).toBe('argmax: axis "1" is not an integer');
    expect(errorOf(() => np.swapaxes(X, untyped("0"), 1)).message).toBe('swapaxes: axis "0" is not an integer');
    expect(errorOf(() => np.transpose(X, untyped("10"))).message).toBe('transpose: axis must be an integer or a list of integers, got "10"');
    expect(errorOf(() => np.expandDims(X, untyped({}))).message).toBe("expandDims: axis must be an integer or a list of integers, got an object");
    expect(errorOf(() => np.norm(X, { axis: untyped([0, 1, 0]) })).message).toBe(
      "norm: axis must be one axis (vector norms) or two (matrix norms), got [0, 1, 0]",
    );
  });

  it("axes out of bounds or repeated are refused as before", () => {
    expect(errorOf(() => np.mean(X, { axis: 2 })).message).toBe("mean: axis 2 is out of bounds for an array of rank 2");
    expect(errorOf(() => np.sum(X, { axis: [0, -2] })).message).toBe("sum: repeated axis 0 in [0,-2]");
  });
});

describe("slice specs", () => {
  it("a spec that is not an integer, null or [start, stop, step?] is refused, naming the axis", () => {
    const what = "is not an integer, null or [start, stop, step?] of integers or nulls";
    expect(errorOf(() => np.slice(X, untyped("0:1"))).message).toBe(`slice: index spec "0:1" for axis 0 ${what}`);
    expect(errorOf(() => np.slice(X, null, untyped([0, 1, 2, 3]))).message).toBe(`slice: index spec [0, 1, 2, 3] for axis 1 ${what}`);
    expect(errorOf(() => np.slice(X, untyped([0.5, 1]))).message).toBe(`slice: index spec [0.5, 1] for axis 0 ${what}`);
    expect(errorOf(() => X.at(untyped({})).set(0)).message).toBe(`at: index spec an object for axis 0 ${what}`);
    expect(errorOf(() => np.take(X, untyped(["a"]))).message).toBe('take: index "a" is not an integer');
  });

  it("at's value must fit its window", () => {
    expect(errorOf(() => np.at(X, 0).set(np.ones([4]))).message).toBe("at: cannot broadcast (4,) with (3,)");
    expect(np.at(X, 0).set(np.ones([3])).toArray()).toEqual([[1, 1, 1], [4, 5, 6]]);
  });
});

describe("option objects and their values", () => {
  it("a misspelled option is an error, not ignored", () => {
    expect(errorOf(() => np.sum(X, untyped({ axes: 0 }))).message).toBe('sum: unknown option "axes" (sum takes axis, keepdims)');
    expect(errorOf(() => np.var(X, untyped({ dof: 1 }))).message).toBe('var: unknown option "dof" (var takes axis, keepdims, ddof)');
    expect(errorOf(() => np.zeros([2], untyped({ type: "int32" }))).message).toBe('zeros: unknown option "type" (zeros takes dtype)');
  });

  it("options that are not an object are refused (np.sum(x, 0) is not np.sum(x, { axis: 0 }))", () => {
    expect(errorOf(() => np.sum(X, untyped(0))).message).toBe("sum: options must be an object such as { axis: … }, got 0");
    expect(errorOf(() => np.zeros([2], untyped("int32"))).message).toBe('zeros: options must be an object such as { dtype: … }, got "int32"');
  });

  it("each option value is checked by kind", () => {
    expect(errorOf(() => np.sum(X, { keepdims: untyped(1) })).message).toBe("sum: keepdims must be true or false, got 1");
    expect(errorOf(() => np.var(X, { ddof: NaN })).message).toBe("var: ddof must be a finite number, got NaN");
    expect(errorOf(() => np.diag(X, { k: 0.5 })).message).toBe("diag: k must be an integer, got 0.5");
    expect(errorOf(() => np.trace(X.slice(null, [0, 2]), { offset: untyped("1") })).message).toBe('trace: offset must be an integer, got "1"');
    expect(errorOf(() => np.norm(X, { ord: untyped("nuc") })).message).toBe('norm: ord must be a number or "fro", got "nuc"');
    expect(errorOf(() => np.linspace(0, 1, 3, { endpoint: untyped("no") })).message).toBe('linspace: endpoint must be true or false, got "no"');
    expect(errorOf(() => random.uniform(random.key(0), [2], { minval: untyped("0") })).message).toBe(
      'random.uniform: minval must be an Array, a number or a boolean, got "0"',
    );
  });
});

describe("numbers and arrays", () => {
  it("arange and linspace take finite numbers, arange at most three", () => {
    expect(errorOf(() => np.arange(untyped("5"))).message).toBe('arange: stop must be a finite number, got "5"');
    expect(errorOf(() => np.arange(0, 1, 0)).message).toBe("arange: step must not be 0");
    expect(errorOf(() => np.arange(untyped(1), untyped(2), untyped(3), untyped(4))).message).toBe(
      "arange: takes stop, or start and stop, or start, stop and step (then options), got 4 arguments",
    );
    expect(np.arange(0, 3, undefined, { dtype: "int32" }).toArray()).toEqual([0, 1, 2]);
    expect(errorOf(() => np.linspace(0, Infinity)).message).toBe("linspace: stop must be a finite number, got Infinity");
  });

  it("full takes a number or a boolean, and int32 cannot hold NaN", () => {
    expect(errorOf(() => np.full([2], untyped("1"))).message).toBe('full: value must be a number or a boolean, got "1"');
    expect(errorOf(() => np.full([2], NaN, { dtype: "int32" })).message).toBe("full: value NaN cannot be stored as int32");
  });

  it("array operands name the function and the argument", () => {
    expect(errorOf(() => np.add(X, untyped("1"))).message).toBe('add: y must be an Array, a number or a boolean, got "1"');
    expect(errorOf(() => np.arctan2(untyped(null), 1)).message).toBe("arctan2: y must be an Array, a number or a boolean, got null");
    expect(errorOf(() => np.where(untyped(undefined), 1, 2)).message).toBe("where: cond must be an Array, a number or a boolean, got undefined");
    expect(errorOf(() => np.concatenate(untyped(X))).message).toBe("concatenate: xs must be a list of arrays, got an Array of shape (2,3)");
    expect(errorOf(() => np.stack([X, untyped("a")])).message).toBe('stack: xs[1] must be an Array, a number or a boolean, got "a"');
    expect(errorOf(() => np.einsum(untyped(3), X)).message).toBe('einsum: subscripts must be a string such as "ij,jk->ik", got 3');
    expect(errorOf(() => np.clip(X, untyped(undefined), 1)).message).toBe(
      "clip: lo (or null) must be an Array, a number or a boolean, got undefined",
    );
  });

  it("composite functions report shape errors under their own name", () => {
    expect(errorOf(() => np.dot(X, X)).message).toBe("dot: shapes (2,3) and (2,3) are not aligned");
    expect(errorOf(() => np.clip(X, np.zeros([2]), null)).message).toBe("clip: cannot broadcast (2,3) with (2,)");
    expect(errorOf(() => random.bernoulli(random.key(0), np.ones([3]), [2])).message).toBe("random.bernoulli: cannot broadcast (2,) with (3,)");
  });

  it("numbers in messages are shown as written, symbols without a TypeError", () => {
    expect(errorOf(() => random.key(untyped(Symbol("s")))).message).toBe("random.key: seed must be a safe integer, got a symbol");
    expect(errorOf(() => np.diag(X, { k: -0.5 })).message).toBe("diag: k must be an integer, got -0.5");
  });
});
