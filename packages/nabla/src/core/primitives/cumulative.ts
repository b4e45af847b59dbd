// Running reductions along one axis: cumsum, cumprod, cummax, cummin.
import { cumulativeStorage, normalizeAxis, type CumulativeOp } from "../../array/index.js";
import type { Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as np from "../np/index.js";
import { definePrimitive, type Primitive, type Tangent } from "../primitive.js";
import { scatterAddAlongAxis, takeAlongAxis } from "./gather.js";
import { pad, slice } from "./layout.js";

export interface CumulativeParams {
  axis: number;
  /** Accumulate from the last element back to the first. */
  reverse: boolean;
}

/** Elements [lo, hi) of `axis`. */
function window(x: Array, axis: number, lo: number, hi: number): Array {
  return bind1(slice, [x], {
    start: x.shape.map((_, d) => (d === axis ? lo : 0)),
    step: x.shape.map(() => 1),
    shape: x.shape.map((n, d) => (d === axis ? hi - lo : n)),
  });
}

/** x moved s places up `axis` (towards higher indices), zeros shifted in. */
function shiftUp(x: Array, axis: number, s: number): Array {
  const n = x.shape[axis]!;
  const kept = window(x, axis, 0, n - s);
  return bind1(pad, [kept], { start: x.shape.map((_, d) => (d === axis ? s : 0)), step: x.shape.map(() => 1), shape: kept.shape, outShape: x.shape });
}

/** x moved one place down `axis` (towards lower indices), a zero shifted in at the end. */
function shiftDown(x: Array, axis: number): Array {
  const n = x.shape[axis]!;
  const kept = window(x, axis, 1, n);
  return bind1(pad, [kept], { start: x.shape.map(() => 0), step: x.shape.map(() => 1), shape: kept.shape, outShape: x.shape });
}

/**
 * y with yᵢ = aᵢ·yᵢ₋₁ + bᵢ along `axis` (y₋₁ = 0), as a Hillis–Steele scan of the pairs
 * (a, b) under (a₁, b₁)∘(a₂, b₂) = (a₁a₂, a₂b₁ + b₂): ⌈log₂ n⌉ rounds of np ops. The
 * derivatives of cumprod are such recurrences; built of products and sums only, they
 * never divide, so they are exact at zeros and where a product underflows, and they
 * differentiate, batch and stage like any np code.
 */
function linearRecurrence(a: Array, b: Array, axis: number): Array {
  const n = a.shape[axis]!;
  let [A, B] = [a, b];
  for (let s = 1; s < n; s *= 2) {
    // Zeros shifted in (not the identity (1, 0)) suffice: elements below s are complete
    // prefixes, whose b they leave as it is; the a they zero only ever meets b's that
    // are shifted-in zeros too in later rounds (so no ∞·0 can arise from it either).
    B = np.add(np.mul(A, shiftUp(B, axis, s)), B);
    if (2 * s < n) A = np.mul(A, shiftUp(A, axis, s));
  }
  return B;
}

/** Forward-direction rules applied to a reversed accumulation: flip in, flip out. */
function flipped(x: Array, axis: number, reverse: boolean): Array {
  return reverse ? np.flip(x, { axis }) : x;
}

/** ∂ of cumprod along `axis` (forward direction): dyᵢ = xᵢ·dyᵢ₋₁ + yᵢ₋₁·tᵢ. */
function cumprodJvp(x: Array, y: Array, t: Array, axis: number): Array {
  const before = np.add(shiftUp(y, axis, 1), onesAtStart(x, axis));
  return linearRecurrence(x, np.mul(before, t), axis);
}

/** The cotangent of x: gⱼ = yⱼ₋₁·Rⱼ with Rⱼ = ctⱼ + xⱼ₊₁·Rⱼ₊₁, a recurrence run from the end. */
function cumprodVjp(x: Array, y: Array, ct: Array, axis: number): Array {
  const before = np.add(shiftUp(y, axis, 1), onesAtStart(x, axis));
  const rev = (z: Array) => np.flip(z, { axis });
  const r = rev(linearRecurrence(rev(shiftDown(x, axis)), rev(ct), axis));
  return np.mul(before, r);
}

/** 1 at index 0 of `axis`, 0 elsewhere, in x's shape and dtype. */
function onesAtStart(x: Array, axis: number): Array {
  const n = x.shape[axis]!;
  const e0 = np.reshape(np.equal(np.arange(n, { dtype: "int32" }), 0), x.shape.map((_, i) => (i === axis ? n : 1)));
  return np.broadcastTo(np.astype(e0, x.dtype), x.shape);
}

/**
 * For cummax/cummin: the index each output element was taken from. An input that equals
 * the running extreme (or is NaN, which wins) is where the extreme was last renewed; the
 * latest such index at or before i (after i when reversed) is found by the same running
 * reduction over positions.
 */
function sourceIndex(x: Array, y: Array, { axis, reverse }: CumulativeParams): Array {
  const n = x.shape[axis]!;
  const iota = np.reshape(np.arange(n, { dtype: "int32" }), x.shape.map((_, i) => (i === axis ? n : 1)));
  const renewed = np.logicalOr(np.equal(x, y), np.notEqual(x, x));
  const pos = np.where(renewed, iota, reverse ? n : -1);
  return bind1(reverse ? cummin : cummax, [pos], { axis, reverse });
}

function cumulativePrimitive(op: CumulativeOp): Primitive<CumulativeParams> {
  const name = `cum${op}`;
  const ax = (x: { shape: readonly number[] }, axis: number) => normalizeAxis(name, axis, x.shape.length);
  const prim: Primitive<CumulativeParams> = definePrimitive({
    name,
    shapeRule([x], { axis }) {
      ax(x!, axis);
      if (x!.dtype === "bool" && (op === "sum" || op === "prod")) throw new Error(`${name}: bool input is counted as int32 (convert it first)`);
      return [{ shape: x!.shape, dtype: x!.dtype }];
    },
    impl([x], { axis, reverse }) {
      return [cumulativeStorage(op, x!, ax(x!, axis), reverse)];
    },
    jvp([x], [t], params) {
      const y = bind1(prim, [x!], params);
      if (!t) return [[y], [null]];
      const axis = ax(x!, params.axis);
      if (op === "sum") return [[y], [bind1(prim, [t], params)]];
      if (op === "prod") {
        const f = (z: Array) => flipped(z, axis, params.reverse);
        return [[y], [f(cumprodJvp(f(x!), f(y), f(t), axis))]];
      }
      return [[y], [bind1(takeAlongAxis, [t, sourceIndex(x!, y, { axis, reverse: params.reverse })], { axis })]];
    },
    vjp([ct], [x], [y], params): Tangent[] {
      if (!ct) return [null];
      const axis = ax(x!, params.axis);
      if (op === "sum") return [bind1(prim, [ct], { axis, reverse: !params.reverse })];
      if (op === "prod") {
        const f = (z: Array) => flipped(z, axis, params.reverse);
        return [f(cumprodVjp(f(x!), f(y!), f(ct), axis))];
      }
      const idx = sourceIndex(x!, y!, { axis, reverse: params.reverse });
      return [bind1(scatterAddAlongAxis, [ct, idx], { axis, size: x!.shape[axis]! })];
    },
    batch: ([x], _b, { axis, reverse }) => [[bind1(prim, [x!], { axis: ax({ shape: x!.shape.slice(1) }, axis) + 1, reverse })], [true]],
  });
  return prim;
}

export const cumsum = cumulativePrimitive("sum");
export const cumprod = cumulativePrimitive("prod");
export const cummax = cumulativePrimitive("max");
export const cummin = cumulativePrimitive("min");
