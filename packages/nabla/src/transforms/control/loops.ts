import { allocate, isFloat, sizeOf } from "../../array/index.js";
import { bind, definePrimitive, np, tree, type Array, type IR, type Primitive, materializeBatch } from "../../core/index.js";
import { avalsOf, concrete, describeAvals, jvpIR, runIR, sameAvals, storages, traceFn, vjpIR, vmapIR } from "./traced.js";
import { outputLeaves } from "../args.js";
import type { Carry } from "../types.js";

interface WhileParams {
  condIR: IR;
  bodyIR: IR;
  /** Inputs are [...condConsts, ...bodyConsts, ...carry]. */
  nCondConsts: number;
  nBodyConsts: number;
}

function splitWhile<T>(xs: readonly T[], p: WhileParams): [T[], T[], T[]] {
  const a = p.nCondConsts;
  const b = a + p.nBodyConsts;
  return [xs.slice(0, a), xs.slice(a, b), xs.slice(b)];
}

export const whilePrimitive: Primitive<WhileParams> = definePrimitive({
  name: "while",
  shapeRule(inputs, p) {
    return splitWhile(inputs, p)[2].map((x) => ({ shape: x.shape, dtype: x.dtype }));
  },
  impl(inputs, p) {
    const [cc, bc, init] = splitWhile(concrete(inputs), p);
    let carry = init;
    while (runIR(p.condIR, [...cc, ...carry])[0]!.item()) carry = runIR(p.bodyIR, [...bc, ...carry]);
    return storages(carry);
  },
  jvp(primals, tangents, p) {
    const [cc, bc, init] = splitWhile(primals, p);
    const [, tbc, tinit] = splitWhile(tangents, p);
    const n = init.length;
    // Carry the tangents beside the values; the loop condition reads the values only.
    const out = whileLoop(
      (c: Array[]) => runIR(p.condIR, [...cc, ...c.slice(0, n)])[0]!,
      (c: Array[]) => {
        const [outs, touts] = jvpIR(p.bodyIR, [...bc, ...c.slice(0, n)], [...tbc, ...c.slice(n)]);
        return [...outs, ...touts.map((t, i) => t ?? np.zerosLike(c[n + i]!))];
      },
      [...init, ...init.map((x, i) => tinit[i] ?? np.zerosLike(x))],
    );
    return [out.slice(0, n), out.slice(n).map((t, i) => (isFloat(init[i]!.dtype) ? t : null))];
  },
  vjp() {
    throw new Error(
      "whileLoop: reverse-mode differentiation is not supported, because the number of steps is only known " +
        "at run time; use scan, or foriLoop with numeric bounds, or forward mode (jvp, jacfwd); for a loop that " +
        "solves an equation, implicit.fixedPoint or implicit.rootFind differentiate its answer without unrolling it",
    );
  },
  batch(args, batched, p, size) {
    const [cc, bc, init] = splitWhile(args, p);
    const [bcc, bbc] = splitWhile(batched, p);
    const carryFlags = init.map(() => true);
    // Every carry is batched; each example stops when its own predicate turns false.
    const alive = (c: Array[]) => vmapIR(p.condIR, [...cc, ...c], [...bcc, ...carryFlags], size)[0]!;
    const out = whileLoop(
      (c: Array[]) => np.greater(np.sum(np.astype(alive(c), "int32")), 0),
      (c: Array[]) => {
        const keep = alive(c);
        const next = vmapIR(p.bodyIR, [...bc, ...c], [...bbc, ...carryFlags], size);
        return next.map((x, i) => np.where(np.reshape(keep, [size, ...x.shape.slice(1).map(() => 1)]), x, c[i]!));
      },
      init.map((x, i) => materializeBatch(x, batched[p.nCondConsts + p.nBodyConsts + i]!, size)),
    );
    return [out, out.map(() => true)];
  },
  // Under jit: the same loop, on buffers, with the bodies compiled.
  lower: {
    kind: "runner",
    runner(p, compile) {
      const cond = compile(p.condIR);
      const body = compile(p.bodyIR);
      return (inputs) => {
        const [cc, bc, init] = splitWhile(inputs, p);
        let carry = init;
        while (cond([...cc, ...carry])[0]![0]) carry = body([...bc, ...carry]);
        return carry;
      };
    },
  },
});

/**
 * Repeats `carry = bodyFn(carry)` while `condFn(carry)` is true, as one primitive (a
 * loop in staged code). Forward-mode differentiable and batchable; for reverse mode use
 * `scan` or `foriLoop` with numeric bounds. The carry keeps its type `T` throughout.
 *
 * @example
 * whileLoop((x) => np.less(x, 100), (x) => x.mul(2), np.array(1)).item(); // 128
 * const [i, y] = whileLoop(([i]) => np.less(i, 3), ([i, v]) => [i.add(1), v.mul(2)], [np.array(0), x]);
 */
export function whileLoop<T extends Carry>(condFn: (carry: T) => Array | boolean, bodyFn: (carry: T) => T, init: T): T {
  const [leaves, def] = outputLeaves(init);
  const avals = avalsOf(leaves);
  const c = traceFn(condFn, [def], avals);
  if (c.outAvals.length !== 1 || c.outAvals[0]!.shape.length !== 0 || c.outAvals[0]!.dtype !== "bool") {
    throw new Error(`whileLoop: condFn must return a 0-d bool, got ${describeAvals(c.outAvals)}`);
  }
  const b = traceFn(bodyFn, [def], avals);
  if (!b.outDef.equals(def) || !sameAvals(b.outAvals, avals)) {
    throw new Error(`whileLoop: bodyFn must return the carry's type ${def} ${describeAvals(avals)}, got ${b.outDef} ${describeAvals(b.outAvals)}`);
  }
  const outs = bind(whilePrimitive, [...c.consts, ...b.consts, ...leaves], {
    condIR: c.ir,
    bodyIR: b.ir,
    nCondConsts: c.consts.length,
    nBodyConsts: b.consts.length,
  });
  return tree.unflatten(def, outs) as T;
}

interface ScanParams {
  /** Takes [...consts, ...carry, ...x] and returns [...carry, ...y]. */
  bodyIR: IR;
  nConsts: number;
  nCarry: number;
  length: number;
  reverse: boolean;
}

function splitScan<T>(xs: readonly T[], p: ScanParams): [T[], T[], T[]] {
  return [xs.slice(0, p.nConsts), xs.slice(p.nConsts, p.nConsts + p.nCarry), xs.slice(p.nConsts + p.nCarry)];
}

export const scanPrimitive: Primitive<ScanParams> = definePrimitive({
  name: "scan",
  shapeRule(inputs, p) {
    const outs = p.bodyIR.outputs.map((v) => v.aval);
    const ys = outs.slice(p.nCarry).map((a) => ({ shape: [p.length, ...a.shape], dtype: a.dtype }));
    return [...splitScan(inputs, p)[1].map((x) => ({ shape: x.shape, dtype: x.dtype })), ...ys];
  },
  impl(inputs, p) {
    const [consts, init, xs] = splitScan(concrete(inputs), p);
    let carry = init;
    const ys: Array[][] = new globalThis.Array(p.length);
    for (let step = 0; step < p.length; step++) {
      const i = p.reverse ? p.length - 1 - step : step;
      const out = runIR(p.bodyIR, [...consts, ...carry, ...xs.map((x) => np.slice(x, i))]);
      carry = out.slice(0, p.nCarry);
      ys[i] = out.slice(p.nCarry);
    }
    const yAvals = p.bodyIR.outputs.slice(p.nCarry).map((v) => v.aval);
    const stacked = yAvals.map((a, k) => (p.length === 0 ? np.zeros([0, ...a.shape], { dtype: a.dtype }) : np.stack(ys.map((y) => y[k]!))));
    return storages([...carry, ...stacked]);
  },
  jvp(primals, tangents, p) {
    const [consts, init, xs] = splitScan(primals, p);
    const [tconsts, tinit, txs] = splitScan(tangents, p);
    const n = init.length;
    const zeros = (vs: readonly Array[], ts: readonly (Array | null)[]) => vs.map((v, i) => ts[i] ?? np.zerosLike(v));
    const [carry, ys] = scan(
      (c: Array[], x: Array[]) => {
        const m = xs.length;
        const [outs, touts] = jvpIR(p.bodyIR, [...consts, ...c.slice(0, n), ...x.slice(0, m)], [...tconsts, ...c.slice(n), ...x.slice(m)]);
        const filled = zeros(outs, touts);
        return [[...outs.slice(0, n), ...filled.slice(0, n)], [...outs.slice(n), ...filled.slice(n)]];
      },
      [...init, ...zeros(init, tinit)],
      [...xs, ...zeros(xs, txs)],
      { length: p.length, reverse: p.reverse },
    );
    const ny = ys.length / 2;
    const outs = [...carry.slice(0, n), ...ys.slice(0, ny)];
    const touts = [...carry.slice(n), ...ys.slice(ny)];
    return [outs, touts.map((t, i) => (isFloat(outs[i]!.dtype) ? t : null))];
  },
  vjp(cts, inputs, outputs, p) {
    const [consts, init, xs] = splitScan(inputs, p);
    const n = init.length;
    // Forward again, keeping the carry that enters each step (the residuals).
    const [, carriesIn] = scan(
      (c: Array[], x: Array[]) => {
        const out = runIR(p.bodyIR, [...consts, ...c, ...x]);
        return [out.slice(0, n), c];
      },
      init,
      xs,
      { length: p.length, reverse: p.reverse },
    );
    const seeds = outputs.map((o, i) => cts[i] ?? np.zerosLike(o));
    // Backward: cotangents flow against the direction of the loop.
    const [[ctInit, ctConsts], ctXs] = scan(
      ([ctCarry, acc]: [Array[], Array[]], [x, c, ctY]: [Array[], Array[], Array[]]) => {
        const grads = vjpIR(p.bodyIR, [...consts, ...c, ...x], [...ctCarry, ...ctY]);
        const gConsts = grads.slice(0, consts.length);
        const gCarry = grads.slice(consts.length, consts.length + n).map((g, i) => g ?? np.zerosLike(c[i]!));
        const gX = grads.slice(consts.length + n).map((g, i) => g ?? np.zerosLike(x[i]!));
        const nextAcc = acc.map((a, i) => (gConsts[i] ? np.add(a, gConsts[i]!) : a));
        return [[gCarry, nextAcc], gX];
      },
      [seeds.slice(0, n), consts.map((c) => np.zerosLike(c))],
      [xs, carriesIn, seeds.slice(n)],
      { length: p.length, reverse: !p.reverse },
    );
    const keepFloat = (gs: readonly Array[], vs: readonly Array[]) => gs.map((g, i) => (isFloat(vs[i]!.dtype) ? g : null));
    return [...keepFloat(ctConsts, consts), ...keepFloat(ctInit, init), ...keepFloat(ctXs, xs)];
  },
  batch(args, batched, p, size) {
    const [consts, init, xs] = splitScan(args, p);
    const [bConsts, , bXs] = splitScan(batched, p);
    const n = init.length;
    // Every carry is batched; batched xs are scanned over axis 0, so their batch axis goes to 1.
    const carry0 = init.map((x, i) => materializeBatch(x, batched[p.nConsts + i]!, size));
    const xsMoved = xs.map((x, i) => (bXs[i] ? np.moveaxis(x, 0, 1) : x));
    const [carry, ys] = scan(
      (c: Array[], x: Array[]) => {
        const out = vmapIR(p.bodyIR, [...consts, ...c, ...x], [...bConsts, ...c.map(() => true), ...bXs], size);
        return [out.slice(0, n), out.slice(n)];
      },
      carry0,
      xsMoved,
      { length: p.length, reverse: p.reverse },
    );
    const outs = [...carry, ...ys.map((y) => np.moveaxis(y, 1, 0))];
    return [outs, outs.map(() => true)];
  },
  // Under jit: the same loop, on buffers, with the body compiled.
  lower: {
    kind: "runner",
    runner(p, compile) {
      const body = compile(p.bodyIR);
      const xSizes = p.bodyIR.inputs.slice(p.nConsts + p.nCarry).map((v) => sizeOf(v.aval.shape));
      const yAvals = p.bodyIR.outputs.slice(p.nCarry).map((v) => v.aval);
      return (inputs) => {
        const [consts, init, xs] = splitScan(inputs, p);
        let carry = init;
        const ys = yAvals.map((a) => allocate(a.dtype, sizeOf(a.shape) * p.length));
        for (let step = 0; step < p.length; step++) {
          const i = p.reverse ? p.length - 1 - step : step;
          // Slices along the leading axis are contiguous: views, not copies.
          const out = body([...consts, ...carry, ...xs.map((x, k) => x.subarray(i * xSizes[k]!, (i + 1) * xSizes[k]!))]);
          carry = out.slice(0, p.nCarry);
          out.slice(p.nCarry).forEach((y, k) => ys[k]!.set(y, i * y.length));
        }
        return [...carry, ...ys];
      };
    },
  },
});

export interface ScanOptions {
  /** The number of steps; required when xs has no leaves. */
  length?: number;
  /** Scan from the last element to the first. */
  reverse?: boolean;
}

/**
 * A loop that carries state and stacks per-step outputs, as JAX's `lax.scan`:
 * `fn(carry, x)` returns `[carry, y]`, and `scan` returns `[carry, ys]` with each y
 * stacked along a new leading axis. Differentiable in both modes and batchable. Types:
 * the carry keeps its type `C`; a step sees a slice of `xs` and the stacked ys have the
 * per-step y's structure, which for pytrees of Arrays are the same types `X` and `Y`.
 *
 * @example
 * // cumulative sum
 * scan((c, x) => [c.add(x), c.add(x)], np.array(0), np.array([1, 2, 3]))[1].toArray(); // [1, 3, 6]
 */
export function scan<C extends Carry, X, Y>(fn: (carry: C, x: X) => [C, Y], init: C, xs: X, opts: ScanOptions = {}): [C, Y] {
  const [carryLeaves, carryDef] = outputLeaves(init);
  const [xLeaves, xDef] = outputLeaves(xs);
  let length = opts.length;
  for (const x of xLeaves) {
    if (x.ndim === 0) throw new Error("scan: every leaf of xs needs a leading axis to scan over, got a 0-d array");
    if (length !== undefined && x.shape[0] !== length) {
      throw new Error(`scan: xs leaves have leading axes of different lengths (${length} and ${x.shape[0]})`);
    }
    length = x.shape[0];
  }
  if (length === undefined) throw new Error("scan: with no xs, pass { length }");
  const carryAvals = avalsOf(carryLeaves);
  const xAvals = xLeaves.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }));
  let yDef: ReturnType<typeof outputLeaves>[1] | undefined;
  const body = traceFn(
    (c: C, x: X) => {
      const result = fn(c, x);
      if (!globalThis.Array.isArray(result) || result.length !== 2) throw new Error("scan: fn must return [carry, y]");
      const [carryOut, y] = result;
      const [cl, cdef] = outputLeaves(carryOut);
      const [yl, ydef] = outputLeaves(y);
      if (!cdef.equals(carryDef) || !sameAvals(avalsOf(cl), carryAvals)) {
        throw new Error(`scan: fn must return a carry of type ${carryDef} ${describeAvals(carryAvals)}, got ${cdef} ${describeAvals(avalsOf(cl))}`);
      }
      yDef = ydef;
      return [...cl, ...yl];
    },
    [carryDef, xDef],
    [...carryAvals, ...xAvals],
  );
  const outs = bind(scanPrimitive, [...body.consts, ...carryLeaves, ...xLeaves], {
    bodyIR: body.ir,
    nConsts: body.consts.length,
    nCarry: carryLeaves.length,
    length,
    reverse: opts.reverse ?? false,
  });
  const n = carryLeaves.length;
  return [tree.unflatten(carryDef, outs.slice(0, n)) as C, tree.unflatten(yDef!, outs.slice(n)) as Y];
}

/**
 * `for (i = lo; i < hi; i++) carry = body(i, carry)`. With numeric bounds it is a `scan`
 * (differentiable in both modes); with traced bounds a `whileLoop` (forward mode).
 *
 * @example
 * foriLoop(0, 5, (i, x) => x.add(i), np.array(0)).item(); // 10
 */
export function foriLoop<T extends Carry>(lo: number | Array, hi: number | Array, body: (i: Array, carry: T) => T, init: T): T {
  if (typeof lo === "number" && typeof hi === "number") {
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new Error(`foriLoop: bounds must be integers, got ${lo}, ${hi}`);
    const steps = np.arange(lo, Math.max(lo, hi), { dtype: "int32" });
    return scan((c: T, i: Array) => [body(i, c), null], init, steps)[0];
  }
  const [, out] = whileLoop(
    ([i]: [Array, T]) => np.less(i, hi),
    ([i, c]: [Array, T]) => [np.add(i, 1), body(i, c)],
    [np.astype(lo, "int32"), init],
  );
  return out;
}
