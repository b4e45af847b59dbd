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
  abstract readonly shape: Shape;
  abstract readonly dtype: DType;

  /** The concrete data, or a clear error when this Array is a tracer. */
  protected abstract concrete(op: string): Storage;

  /** "int" or "float" for a JavaScript number made into an Array (it promotes weakly). */
  get weak(): Weak | undefined {
    return undefined;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
  }
  /** The transpose (all axes reversed), as numpy's `x.T`. */
  get T(): Array {
    return np.transpose(this);
  }

  /** Nested JavaScript arrays of numbers (booleans for `bool`); a number for 0-d. */
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
  /** The single element as a number; an error unless `size === 1`. */
  item(): number {
    const s = this.concrete("item");
    if (s.size !== 1) throw new Error(`item: needs an array of size 1, got shape ${shapeString(s.shape)}`);
    return s.data[0]!;
  }
  /** A flat float64 copy of the elements, row-major. */
  toFloat64Array(): Float64Array {
    return Float64Array.from(this.concrete("toFloat64Array").data);
  }
  toString(): string {
    return formatStorage(this.concrete("toString"));
  }
  /** Lets 0-d and 1-element arrays compare as numbers (`x > 0`) in eager code. */
  valueOf(): number {
    const s = this.concrete("valueOf");
    if (s.size !== 1) throw new Error(`valueOf: an array of shape ${shapeString(s.shape)} is not one number; use np comparisons or item()`);
    return s.data[0]!;
  }
  /** Iterates over the first axis, so `const [k1, k2] = random.split(key)` works. */
  *[Symbol.iterator](): Iterator<Array> {
    if (this.ndim === 0) throw new Error("iteration over a 0-d array");
    for (let i = 0; i < this.shape[0]!; i++) yield np.slice(this, i);
  }

  // Elementwise.
  add(y: ArrayLike): Array { return np.add(this, y); }
  sub(y: ArrayLike): Array { return np.sub(this, y); }
  mul(y: ArrayLike): Array { return np.mul(this, y); }
  div(y: ArrayLike): Array { return np.div(this, y); }
  pow(y: ArrayLike): Array { return np.pow(this, y); }
  maximum(y: ArrayLike): Array { return np.maximum(this, y); }
  minimum(y: ArrayLike): Array { return np.minimum(this, y); }
  arctan2(y: ArrayLike): Array { return np.arctan2(this, y); }
  equal(y: ArrayLike): Array { return np.equal(this, y); }
  notEqual(y: ArrayLike): Array { return np.notEqual(this, y); }
  less(y: ArrayLike): Array { return np.less(this, y); }
  lessEqual(y: ArrayLike): Array { return np.lessEqual(this, y); }
  greater(y: ArrayLike): Array { return np.greater(this, y); }
  greaterEqual(y: ArrayLike): Array { return np.greaterEqual(this, y); }
  logicalAnd(y: ArrayLike): Array { return np.logicalAnd(this, y); }
  logicalOr(y: ArrayLike): Array { return np.logicalOr(this, y); }
  logicalNot(): Array { return np.logicalNot(this); }
  neg(): Array { return np.neg(this); }
  square(): Array { return np.square(this); }
  sqrt(): Array { return np.sqrt(this); }
  exp(): Array { return np.exp(this); }
  log(): Array { return np.log(this); }
  log1p(): Array { return np.log1p(this); }
  expm1(): Array { return np.expm1(this); }
  sin(): Array { return np.sin(this); }
  cos(): Array { return np.cos(this); }
  tan(): Array { return np.tan(this); }
  tanh(): Array { return np.tanh(this); }
  sinh(): Array { return np.sinh(this); }
  cosh(): Array { return np.cosh(this); }
  arcsin(): Array { return np.arcsin(this); }
  arccos(): Array { return np.arccos(this); }
  arctan(): Array { return np.arctan(this); }
  abs(): Array { return np.abs(this); }
  sign(): Array { return np.sign(this); }
  floor(): Array { return np.floor(this); }
  sigmoid(): Array { return np.sigmoid(this); }
  softplus(): Array { return np.softplus(this); }
  clip(lo: ArrayLike | null, hi: ArrayLike | null): Array { return np.clip(this, lo, hi); }
  astype(dtype: DType): Array { return np.astype(this, dtype); }

  // Reductions.
  sum(opts?: AxisOptions): Array { return np.sum(this, opts); }
  mean(opts?: AxisOptions): Array { return np.mean(this, opts); }
  prod(opts?: AxisOptions): Array { return np.prod(this, opts); }
  max(opts?: AxisOptions): Array { return np.max(this, opts); }
  min(opts?: AxisOptions): Array { return np.min(this, opts); }
  argmax(opts?: { axis?: number }): Array { return np.argmax(this, opts); }
  argmin(opts?: { axis?: number }): Array { return np.argmin(this, opts); }
  logsumexp(opts?: AxisOptions): Array { return np.logsumexp(this, opts); }
  var(opts?: AxisOptions & { ddof?: number }): Array { return np.var(this, opts); }
  std(opts?: AxisOptions & { ddof?: number }): Array { return np.std(this, opts); }
  norm(opts?: NormOptions): Array { return np.norm(this, opts); }

  // Shapes.
  reshape(shape: readonly number[]): Array { return np.reshape(this, shape); }
  transpose(axes?: readonly number[]): Array { return np.transpose(this, axes); }
  swapaxes(a: number, b: number): Array { return np.swapaxes(this, a, b); }
  expandDims(axis: number | readonly number[]): Array { return np.expandDims(this, axis); }
  squeeze(axis?: number | readonly number[]): Array { return np.squeeze(this, axis); }
  broadcastTo(shape: readonly number[]): Array { return np.broadcastTo(this, shape); }
  flip(opts?: { axis?: number | readonly number[] }): Array { return np.flip(this, opts); }
  ravel(): Array { return np.reshape(this, [-1]); }
  /** numpy basic indexing, one spec per leading axis: see {@link np.slice}. */
  slice(...specs: SliceSpec[]): Array { return np.slice(this, ...specs); }
  take(indices: ArrayLike | readonly number[], opts?: { axis?: number }): Array { return np.take(this, indices, opts); }
  /** A functional update: `x.at(0, [1, 3]).set(v)` returns a new Array. */
  at(...specs: SliceSpec[]): np.IndexUpdate { return np.at(this, ...specs); }

  // Linear algebra.
  matmul(y: ArrayLike): Array { return np.matmul(this, y); }
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
