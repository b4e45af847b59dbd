import { formatStorage, shapeString, sizeOf, type DType, type Shape, Storage } from "../array/index.js";
import * as np from "./np/index.js";
import type { AxisOptions, NormOptions, SliceSpec, ArrayLike } from "./np/index.js";
import type { Weak } from "./primitive.js";

/**
 * An immutable n-d array: row-major, float64 by default. Every method is a thin
 * wrapper over an `np` function, which applies primitives through `bind`; under a
 * transformation the same methods run on tracers.
 *
 * @example
 * const x = np.array([[1, 2], [3, 4]]);
 * x.mul(2).sum().item(); // 20
 */
export abstract class Array {
  /** The length of each axis. @example np.zeros([2, 3]).shape // [2, 3] */
  abstract readonly shape: Shape;
  /** The element type: "float64" (the default), "float32", "int32" or "bool". @example np.array([1]).dtype // "float64" */
  abstract readonly dtype: DType;

  /** The concrete data, or a clear error when this Array is a tracer. */
  protected abstract concrete(op: string): Storage;

  /**
   * "int" or "float" for a JavaScript number made into an Array (it promotes weakly, as
   * in JAX), undefined otherwise. @example np.asArray(2).weak // "int"
   */
  get weak(): Weak | undefined {
    return undefined;
  }
  /** The number of axes. @example np.zeros([2, 3]).ndim // 2 */
  get ndim(): number {
    return this.shape.length;
  }
  /** The number of elements. @example np.zeros([2, 3]).size // 6 */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** The transpose (all axes reversed), as numpy's `x.T`. @example np.zeros([2, 3]).T.shape // [3, 2] */
  get T(): Array {
    return np.transpose(this);
  }

  /** Nested JavaScript arrays of numbers (booleans for `bool`); a number for 0-d. @example np.eye(2).toArray() // [[1, 0], [0, 1]] */
  toArray(): unknown {
    const s = this.concrete("toArray");
    const values = s.dtype === "bool" ? globalThis.Array.from(s.data, (v) => v !== 0) : globalThis.Array.from(s.data);
    const build = (axis: number, offset: number): unknown => {
      if (axis === s.shape.length) return values[offset];
      const n = s.shape[axis]!;
      const inner = sizeOf(s.shape.slice(axis + 1));
      return globalThis.Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * inner));
    };
    return build(0, 0);
  }
  /** The single element as a number; an error unless `size === 1`. @example np.array([[7]]).item() // 7 */
  item(): number {
    const s = this.concrete("item");
    if (s.size !== 1) throw new Error(`item: needs an array of size 1, got shape ${shapeString(s.shape)}`);
    return s.data[0]!;
  }
  /** A flat float64 copy of the elements, row-major. @example np.eye(2).toFloat64Array() // Float64Array [1, 0, 0, 1] */
  toFloat64Array(): Float64Array {
    return Float64Array.from(this.concrete("toFloat64Array").data);
  }
  /**
   * numpy-like text (large arrays show only their edges, as numpy does).
   * @example String(np.array([1, 2])) // "array([1., 2.])"
   */
  toString(): string {
    return formatStorage(this.concrete("toString"));
  }
  /**
   * What `JSON.stringify` writes: the nested numbers of {@link toArray} (JSON has no NaN or
   * ±Infinity: those become null, as for any number), so a pytree of Arrays serializes.
   * @example JSON.stringify({ w: np.array([1, 2]) }) // '{"w":[1,2]}'
   */
  toJSON(): unknown {
    return this.toArray();
  }
  /**
   * What `console.log` and `util.inspect` show: the values, as {@link toString}; a traced
   * value shows its shape, dtype and transformation instead (it has no values).
   * @example console.log(np.array([1, 2])) // array([1., 2.])
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this instanceof Tracer ? `Traced<${this.dtype}[${this.shape.join(",")}]> by ${this.owner.name}` : this.toString();
  }
  /** Lets 0-d and 1-element arrays compare as numbers (`x > 0`) in eager code. @example np.array(2) > 1 // true */
  valueOf(): number {
    const s = this.concrete("valueOf");
    if (s.size !== 1) throw new Error(`valueOf: an array of shape ${shapeString(s.shape)} is not one number; use np comparisons or item()`);
    return s.data[0]!;
  }
  /** Iterates over the first axis, so `const [k1, k2] = random.split(key)` works. @example const [row0, row1] = np.eye(2); */
  *[Symbol.iterator](): Iterator<Array> {
    if (this.ndim === 0) throw new Error("iteration over a 0-d array");
    for (let i = 0; i < this.shape[0]!; i++) yield np.slice(this, i);
  }

  // Elementwise.
  /** Elementwise `this + y`, broadcasting as numpy. @example np.array([1, 2]).add(10) // array([11., 12.]) */
  add(y: ArrayLike): Array { return np.add(this, y); }
  /** Elementwise `this − y`, broadcasting as numpy. @example np.array([1, 2]).sub(1) // array([0., 1.]) */
  sub(y: ArrayLike): Array { return np.sub(this, y); }
  /** Elementwise `this · y`, broadcasting as numpy. @example np.array([1, 2]).mul(3) // array([3., 6.]) */
  mul(y: ArrayLike): Array { return np.mul(this, y); }
  /** Elementwise `this / y` (true division: ints give floats). @example np.array([1, 2]).div(4) // array([0.25, 0.5]) */
  div(y: ArrayLike): Array { return np.div(this, y); }
  /** Elementwise `this ** y`. @example np.array([2, 3]).pow(2) // array([4., 9.]) */
  pow(y: ArrayLike): Array { return np.pow(this, y); }
  /** Elementwise maximum; NaN propagates, as numpy's. @example np.array([1, 5]).maximum(3) // array([3., 5.]) */
  maximum(y: ArrayLike): Array { return np.maximum(this, y); }
  /** Elementwise minimum; NaN propagates, as numpy's. @example np.array([1, 5]).minimum(3) // array([1., 3.]) */
  minimum(y: ArrayLike): Array { return np.minimum(this, y); }
  /** Elementwise atan2(this, y), the angle of the point (y, this), as numpy's arctan2. @example np.array(1).arctan2(1).item() // π/4 */
  arctan2(y: ArrayLike): Array { return np.arctan2(this, y); }
  /** Elementwise `this == y`, a bool Array. @example np.array([1, 2]).equal(2) // [false, true] */
  equal(y: ArrayLike): Array { return np.equal(this, y); }
  /** Elementwise `this != y`, a bool Array. @example np.array([1, 2]).notEqual(2) // [true, false] */
  notEqual(y: ArrayLike): Array { return np.notEqual(this, y); }
  /** Elementwise `this < y`, a bool Array. @example np.array([1, 2]).less(2) // [true, false] */
  less(y: ArrayLike): Array { return np.less(this, y); }
  /** Elementwise `this <= y`, a bool Array. @example np.array([1, 2]).lessEqual(1) // [true, false] */
  lessEqual(y: ArrayLike): Array { return np.lessEqual(this, y); }
  /** Elementwise `this > y`, a bool Array. @example np.array([1, 2]).greater(1) // [false, true] */
  greater(y: ArrayLike): Array { return np.greater(this, y); }
  /** Elementwise `this >= y`, a bool Array. @example np.array([1, 2]).greaterEqual(2) // [false, true] */
  greaterEqual(y: ArrayLike): Array { return np.greaterEqual(this, y); }
  /** Elementwise logical and (nonzero is true), a bool Array. @example np.array([1, 0]).logicalAnd(1) // [true, false] */
  logicalAnd(y: ArrayLike): Array { return np.logicalAnd(this, y); }
  /** Elementwise logical or (nonzero is true), a bool Array. @example np.array([1, 0]).logicalOr(0) // [true, false] */
  logicalOr(y: ArrayLike): Array { return np.logicalOr(this, y); }
  /** Elementwise logical not (nonzero is true), a bool Array. @example np.array([1, 0]).logicalNot() // [false, true] */
  logicalNot(): Array { return np.logicalNot(this); }
  /** Elementwise −this. @example np.array([1, -2]).neg() // array([-1., 2.]) */
  neg(): Array { return np.neg(this); }
  /** Elementwise this². @example np.array([3]).square() // array([9.]) */
  square(): Array { return np.square(this); }
  /** Elementwise square root (NaN below 0). @example np.array([4]).sqrt() // array([2.]) */
  sqrt(): Array { return np.sqrt(this); }
  /** Elementwise eˣ. @example np.array(0).exp().item() // 1 */
  exp(): Array { return np.exp(this); }
  /** Elementwise natural logarithm. @example np.array(Math.E).log().item() // 1 */
  log(): Array { return np.log(this); }
  /** Elementwise log(1 + x), accurate for small x. @example np.array(1e-20).log1p().item() // 1e-20 */
  log1p(): Array { return np.log1p(this); }
  /** Elementwise eˣ − 1, accurate for small x. @example np.array(1e-20).expm1().item() // 1e-20 */
  expm1(): Array { return np.expm1(this); }
  /** Elementwise sine (radians). @example np.array(0).sin().item() // 0 */
  sin(): Array { return np.sin(this); }
  /** Elementwise cosine (radians). @example np.array(0).cos().item() // 1 */
  cos(): Array { return np.cos(this); }
  /** Elementwise tangent (radians). @example np.array(0).tan().item() // 0 */
  tan(): Array { return np.tan(this); }
  /** Elementwise hyperbolic tangent. @example np.array(0).tanh().item() // 0 */
  tanh(): Array { return np.tanh(this); }
  /** Elementwise hyperbolic sine. @example np.array(0).sinh().item() // 0 */
  sinh(): Array { return np.sinh(this); }
  /** Elementwise hyperbolic cosine. @example np.array(0).cosh().item() // 1 */
  cosh(): Array { return np.cosh(this); }
  /** Elementwise inverse sine. @example np.array(1).arcsin().item() // π/2 */
  arcsin(): Array { return np.arcsin(this); }
  /** Elementwise inverse cosine. @example np.array(1).arccos().item() // 0 */
  arccos(): Array { return np.arccos(this); }
  /** Elementwise inverse tangent. @example np.array(1).arctan().item() // π/4 */
  arctan(): Array { return np.arctan(this); }
  /** Elementwise absolute value. @example np.array([-2, 3]).abs() // array([2., 3.]) */
  abs(): Array { return np.abs(this); }
  /** Elementwise sign: −1, 0 or 1 (NaN stays NaN). @example np.array([-2, 0, 3]).sign() // array([-1., 0., 1.]) */
  sign(): Array { return np.sign(this); }
  /** Elementwise floor. @example np.array([1.5, -1.5]).floor() // array([1., -2.]) */
  floor(): Array { return np.floor(this); }
  /** Elementwise logistic 1/(1 + e⁻ˣ), without overflow for large |x|. @example np.array(0).sigmoid().item() // 0.5 */
  sigmoid(): Array { return np.sigmoid(this); }
  /** Elementwise log(1 + eˣ), without overflow for large x. @example np.array(0).softplus().item() // log 2 */
  softplus(): Array { return np.softplus(this); }
  /** Elementwise clamp to [lo, hi]; `null` leaves that side open. @example np.array([-2, 5]).clip(0, 1) // array([0., 1.]) */
  clip(lo: ArrayLike | null, hi: ArrayLike | null): Array { return np.clip(this, lo, hi); }
  /** A copy with another dtype (floats to ints truncate toward zero and saturate: NaN → 0, ±∞ → the int32 bounds, as JAX). @example np.array([1.7]).astype("int32") // array([1], dtype=int32) */
  astype(dtype: DType): Array { return np.astype(this, dtype); }

  // Reductions.
  /** The sum over `axis` (all axes by default), as numpy's. @example np.array([[1, 2], [3, 4]]).sum({ axis: 0 }) // array([4., 6.]) */
  sum(opts?: AxisOptions): Array { return np.sum(this, opts); }
  /** The mean over `axis` (all axes by default). @example np.array([1, 2, 3]).mean().item() // 2 */
  mean(opts?: AxisOptions): Array { return np.mean(this, opts); }
  /** The product over `axis` (all axes by default). @example np.array([1, 2, 3]).prod().item() // 6 */
  prod(opts?: AxisOptions): Array { return np.prod(this, opts); }
  /** The maximum over `axis` (all axes by default); NaN wins. @example np.array([1, 3, 2]).max().item() // 3 */
  max(opts?: AxisOptions): Array { return np.max(this, opts); }
  /** The minimum over `axis` (all axes by default); NaN wins. @example np.array([1, 3, 2]).min().item() // 1 */
  min(opts?: AxisOptions): Array { return np.min(this, opts); }
  /** The index of the maximum (of the flattened array, or along `axis`), int32. @example np.array([1, 3, 2]).argmax().item() // 1 */
  argmax(opts?: { axis?: number }): Array { return np.argmax(this, opts); }
  /** The index of the minimum (of the flattened array, or along `axis`), int32. @example np.array([1, 3, 2]).argmin().item() // 0 */
  argmin(opts?: { axis?: number }): Array { return np.argmin(this, opts); }
  /** log Σ eˣ over `axis`, without overflow. @example np.array([1000, 1000]).logsumexp().item() // 1000 + log 2 */
  logsumexp(opts?: AxisOptions): Array { return np.logsumexp(this, opts); }
  /** The variance over `axis` (`ddof` 0 by default, as numpy). @example np.array([1, 2, 3, 4]).var().item() // 1.25 */
  var(opts?: AxisOptions & { ddof?: number }): Array { return np.var(this, opts); }
  /** The standard deviation over `axis` (`ddof` 0 by default). @example np.array([1, 3]).std().item() // 1 */
  std(opts?: AxisOptions & { ddof?: number }): Array { return np.std(this, opts); }
  /** The vector norm (2-norm by default; see {@link np.norm} for `ord` and `axis`). @example np.array([3, 4]).norm().item() // 5 */
  norm(opts?: NormOptions): Array { return np.norm(this, opts); }

  // Shapes.
  /** The same elements in a new shape; one dimension may be −1 (inferred). @example np.arange(6).reshape([2, 3]).shape // [2, 3] */
  reshape(shape: readonly number[]): Array { return np.reshape(this, shape); }
  /** Axes permuted by `axes` (reversed by default). @example np.zeros([2, 3]).transpose().shape // [3, 2] */
  transpose(axes?: readonly number[]): Array { return np.transpose(this, axes); }
  /** Axes `a` and `b` exchanged. @example np.zeros([2, 3, 4]).swapaxes(0, 2).shape // [4, 3, 2] */
  swapaxes(a: number, b: number): Array { return np.swapaxes(this, a, b); }
  /** New axes of length 1 at the given positions. @example np.zeros([3]).expandDims(0).shape // [1, 3] */
  expandDims(axis: number | readonly number[]): Array { return np.expandDims(this, axis); }
  /** Axes of length 1 removed (all of them, or those named). @example np.zeros([1, 3, 1]).squeeze().shape // [3] */
  squeeze(axis?: number | readonly number[]): Array { return np.squeeze(this, axis); }
  /** A broadcast view at `shape`, numpy rules. @example np.array([1, 2]).broadcastTo([3, 2]).shape // [3, 2] */
  broadcastTo(shape: readonly number[]): Array { return np.broadcastTo(this, shape); }
  /** The elements in reverse order along `axis` (all axes by default). @example np.array([1, 2, 3]).flip() // array([3., 2., 1.]) */
  flip(opts?: { axis?: number | readonly number[] }): Array { return np.flip(this, opts); }
  /** The elements as a 1-d array, row-major. @example np.zeros([2, 3]).ravel().shape // [6] */
  ravel(): Array { return np.reshape(this, [-1]); }
  /** numpy basic indexing, one spec per leading axis: see {@link np.slice}. */
  /** numpy basic indexing, one spec per leading axis (see {@link np.slice}). @example np.arange(6).reshape([2, 3]).slice(null, 1) // numpy's x[:, 1] */
  slice(...specs: SliceSpec[]): Array { return np.slice(this, ...specs); }
  /** Elements at `indices` along `axis` (of the flattened array by default). @example np.array([10, 20, 30]).take([2, 0]) // array([30., 10.]) */
  take(indices: ArrayLike | readonly number[], opts?: { axis?: number }): Array { return np.take(this, indices, opts); }
  /** A functional update: `x.at(0, [1, 3]).set(v)` returns a new Array. */
  /** A functional update of a window: `x.at(0, [1, 3]).set(v)` returns a new Array. @example np.zeros([3]).at(1).set(5) // array([0., 5., 0.]) */
  at(...specs: SliceSpec[]): np.IndexUpdate { return np.at(this, ...specs); }

  // Linear algebra.
  /** The matrix product, batched with numpy's broadcasting of leading axes. @example np.eye(2).matmul(np.array([1, 2])) // array([1., 2.]) */
  matmul(y: ArrayLike): Array { return np.matmul(this, y); }
  /** numpy's dot: inner product of vectors, matrix product of matrices. @example np.array([1, 2]).dot(np.array([3, 4])).item() // 11 */
  dot(y: ArrayLike): Array { return np.dot(this, y); }
}

/** An Array with its data at hand: what eager code and `np.array` produce. */
export class ConcreteArray extends Array {
  constructor(
    readonly storage: Storage,
    private readonly weakKind?: Weak,
  ) {
    super();
  }
  override get weak(): Weak | undefined {
    return this.weakKind;
  }
  get shape(): Shape {
    return this.storage.shape;
  }
  get dtype(): DType {
    return this.storage.dtype;
  }
  protected concrete(): Storage {
    return this.storage;
  }
}

/**
 * A value standing for an Array while a transformation traces a function. Its data is
 * not known, so reading it (`item`, `toArray`, a JS `if` on it) is an error.
 */
export abstract class Tracer extends Array {
  /** Says which transformation owns this tracer, for error messages. */
  abstract readonly owner: { readonly name: string };
  protected concrete(op: string): Storage {
    throw new Error(
      `${op}: this Array is being traced by ${this.owner.name} and has no concrete value; ` +
        "for value-dependent control flow use cond, whileLoop or scan",
    );
  }
}
