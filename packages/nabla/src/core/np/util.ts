// Helpers shared by np functions that work along one axis or need concrete values.
// Internal: not part of the np namespace.
import { describe, type Storage } from "../../array/index.js";
import { ConcreteArray, Tracer, type Array } from "../array.js";
import { bind1 } from "../interpreter.js";
import * as P from "../primitives/index.js";
import { arrayArg } from "./args.js";
import { array } from "./fromdata.js";

/** A plain object (an options argument), as opposed to an Array, a list or a number. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Elements [lo, hi) of `axis` (0 ≤ lo ≤ hi ≤ n), as one slice. */
export function sliceAlong(x: Array, axis: number, lo: number, hi: number): Array {
  if (lo === 0 && hi === x.shape[axis]) return x;
  return bind1(P.slice, [x], {
    start: x.shape.map((_, d) => (d === axis && hi > lo ? lo : 0)),
    step: x.shape.map(() => 1),
    shape: x.shape.map((n, d) => (d === axis ? hi - lo : n)),
  });
}

/** `shape` with `axis` set to `n`. */
export function withAxis(shape: readonly number[], axis: number, n: number): number[] {
  return shape.map((d, i) => (i === axis ? n : d));
}

/**
 * The concrete data of `x` for a function whose result's shape depends on the values
 * (unique, nonzero, a repeat count given as an Array). Under a derivative the primal
 * values are known and used: the results such functions compute from them are integer
 * positions or counts, which carry no derivative. Under jit or vmap the values are not
 * known at all, which is an error naming `op`.
 */
export function concreteStorage(op: string, name: string, x: Array): Storage {
  let v: unknown = x;
  // JVP and reverse-mode tracers carry their primal value; batch and staging tracers do not.
  while (v instanceof Tracer && (v as { primal?: unknown }).primal !== undefined) v = (v as unknown as { primal: unknown }).primal;
  if (v instanceof ConcreteArray) return v.storage;
  const owner = x instanceof Tracer ? x.owner.name : "";
  const by = owner === "stage" ? "jit (tracing without values)" : owner === "vmap" ? "vmap (batching without per-example values)" : `${owner || "a transformation"}`;
  throw new Error(`${op}: the shape of the result depends on the values of ${name}, which are not known under ${by}; call ${op} outside jit and vmap`);
}

/** An index argument (an int32 Array or a list of integers), checked. */
export function indexArg(op: string, name: string, x: unknown): Array {
  const a = globalThis.Array.isArray(x) ? listArg(op, name, x) : arrayArg(op, name, x);
  if (a.dtype !== "int32") throw new Error(`${op}: ${name} must be int32 integers, got ${a.dtype}`);
  return a;
}

/** A flat list of integers as an int32 Array. */
function listArg(op: string, name: string, xs: readonly unknown[]): Array {
  for (const v of xs) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new Error(`${op}: ${name} holds ${describe(v)}, not an int32 integer`);
    }
  }
  return array(xs as number[], { dtype: "int32" });
}
