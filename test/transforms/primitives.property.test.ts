import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  checkGrads, customJvp, customVjp, grad, jvp, np, random, stopGradient, tree, vjp, vmap,
  type Array, type DType, type Tree,
} from "nabla";
import { primitives } from "../../packages/nabla/src/core/index.js";
import { runs } from "../setup.js";
import {
  sizeOf, toArray, floats, nonzero, gapped, dims, recordPrims, CASES, sin,
  type Raw, type GradConfig, type BatchConfig, type Case, type CompareName,
} from "./cases.js";

// Every registered primitive, reached through the public `np` op (or function) that binds
// it, is checked two ways on random inputs of random shapes:
//   1. derivatives: forward and reverse mode, to second order, against central finite
//      differences (`checkGrads`); primitives with integer or boolean outputs instead show
//      that no derivative flows through them, while derivatives around them are right;
//   2. batching: `vmap(f)` equals stacking `f` applied to each example in a loop, with
//      random in-axes (some arguments unbatched, non-zero axes).
// The cases live in corpus.ts. Each names the primitives it covers, and checks on every
// run that evaluating the function really binds them (a recording interpreter watches
// every `bind`). The coverage test at the end fails when a registered primitive has no case.

// The seed is test/setup.ts's (fixed under npm test, fresh under npm run fuzz).
const RUNS = 15;

// ---------------------------------------------------------------------------------------
// Checking which primitives a computation binds (recorded by `recordPrims`).

function expectBinds(seen: ReadonlySet<string>, names: readonly string[], what: string): void {
  for (const name of names) {
    if (!seen.has(name)) throw new Error(`${what} does not bind ${name} (it binds ${[...seen].join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------
// Runners.

const isFloat = (dtype: DType) => dtype === "float64" || dtype === "float32";

function describeRaws(raws: readonly Raw[]): string {
  return raws.map((r) => `${r.dtype}(${r.shape.join(",")}) [${r.data.join(", ")}]`).join("; ");
}

function gradProperty<S>(c: Case<S>, g: GradConfig<S>): void {
  const arb = c.spec.chain((s) => fc.tuple(...c.args(s)).map((raws) => ({ s, raws })));
  fc.assert(
    fc.property(arb, ({ s, raws }) => {
      const args = raws.map(toArray);
      const f = c.f(s);
      const differentiated = args.map((a) => isFloat(a.dtype));
      const withFixed = (xs: Array[]) => {
        let k = 0;
        return args.map((a, i) => (differentiated[i] ? xs[k++]! : a));
      };
      checkGrads((...xs: Array[]) => f(...withFixed(xs)), args.filter((_, i) => differentiated[i]), {
        order: g.order ?? 2,
        modes: g.modes ?? ["fwd", "rev"],
        ...(g.eps === undefined ? {} : { eps: g.eps }),
        ...(g.rtol === undefined ? {} : { rtol: g.rtol }),
        ...(g.atol === undefined ? {} : { atol: g.atol }),
      });
      const seen = recordPrims(() => (g.probe ?? c.f)(s)(...args));
      expectBinds(seen, g.covers ?? c.covers, c.title);
    }),
    { numRuns: runs(c.runs ?? RUNS) },
  );
}

/** numpy's stack of equal-shaped examples along a new axis, on plain data. */
function stackRaws(rs: readonly Raw[], axis: number): Raw {
  const first = rs[0]!;
  const outer = sizeOf(first.shape.slice(0, axis));
  const inner = sizeOf(first.shape.slice(axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) for (const r of rs) data.push(...r.data.slice(o * inner, (o + 1) * inner));
  return { shape: [...first.shape.slice(0, axis), rs.length, ...first.shape.slice(axis)], data, dtype: first.dtype };
}

function leaves(t: Tree): Array[] {
  return tree.flatten(t)[0].map((l) => np.asArray(l as np.ArrayLike));
}

function closeEnough(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

interface BatchRun<S> {
  s: S;
  size: number;
  axes: (number | null)[];
  examples: Raw[][];
}

function batchProperty<S>(c: Case<S>, b: BatchConfig<S>): void {
  const arb: fc.Arbitrary<BatchRun<S>> = c.spec.chain((s) =>
    fc.tuple(...c.args(s)).chain((first) =>
      fc
        .record({
          size: fc.integer({ min: 1, max: 3 }),
          // Any axis of the batched argument, negative ones too; null: not batched.
          axes: fc.tuple(...first.map((r) => fc.option(fc.integer({ min: -r.shape.length - 1, max: r.shape.length }), { nil: null, freq: 3 }))),
          more: fc.array(fc.tuple(...c.args(s)), { minLength: 2, maxLength: 2 }),
        })
        .map(({ size, axes, more }) => ({
          s,
          size,
          axes: axes.every((a) => a === null) ? axes.map((a, i) => (i === 0 ? 0 : a)) : axes,
          examples: [first, ...more].slice(0, size),
        })),
    ),
  );
  let nonZeroAxis = false;
  let someUnbatched = false;
  let nArgs = 0;
  fc.assert(
    fc.property(arb, ({ s, size, axes, examples }) => {
      const f = (b.f ?? c.f)(s);
      nArgs = axes.length;
      const batchedArgs = axes.map((ax, i) => {
        const r = examples[0]![i]!;
        const axis = ax === null ? null : ax < 0 ? ax + r.shape.length + 1 : ax;
        if (axis === null) someUnbatched = true;
        else if (axis !== 0) nonZeroAxis = true;
        return toArray(axis === null ? r : stackRaws(examples.map((e) => e[i]!), axis));
      });
      // One number for all arguments when they agree (the `inAxes: 1` form), else a list.
      const inAxes = axes.every((a) => a !== null && a === axes[0]) ? axes[0]! : axes;
      const got = leaves(vmap(f, { inAxes })(...batchedArgs));
      let seen = new Set<string>();
      const want = examples.map((_, k) => {
        const args = axes.map((ax, i) => toArray(examples[ax === null ? 0 : k]![i]!));
        let out: Tree;
        const rec = recordPrims(() => (out = f(...args)));
        if (k === 0) seen = rec;
        return leaves(out);
      });
      expectBinds(seen, b.covers ?? c.covers, c.title);
      expect(got.length).toBe(want[0]!.length);
      got.forEach((leaf, j) => {
        const per = want.map((w) => w[j]!);
        expect(leaf.dtype, `dtype of output ${j}`).toBe(per[0]!.dtype);
        expect(leaf.shape, `shape of output ${j}`).toEqual([size, ...per[0]!.shape]);
        const data = leaf.toFloat64Array();
        const n = per[0]!.size;
        per.forEach((w, k) => {
          const ref = w.toFloat64Array();
          for (let e = 0; e < n; e++) {
            if (!closeEnough(data[k * n + e]!, ref[e]!)) {
              throw new Error(`output ${j}, example ${k}, element ${e}: vmap gives ${data[k * n + e]}, the loop ${ref[e]}`);
            }
          }
        });
      });
    }),
    { numRuns: runs(c.runs ?? RUNS) },
  );
  // The runs did batch along a non-leading axis, and (with several arguments) left some
  // argument unbatched.
  expect(nonZeroAxis, "some run used a non-zero in-axis").toBe(true);
  if (nArgs > 1) expect(someUnbatched, "some run left an argument unbatched").toBe(true);
}

/** A fixed, nonzero pattern of the given shape and dtype (tangents and cotangents). */
function pattern(shape: readonly number[], dtype: DType, phase = 0): Array {
  const n = sizeOf(shape);
  const data = globalThis.Array.from({ length: n }, (_, i) => (dtype === "bool" ? 0 : Math.sin(1 + 0.7 * i + phase)));
  return np.reshape(np.array(data, { dtype: isFloat(dtype) ? dtype : dtype === "bool" ? "bool" : dtype }), shape);
}

/** Row k (along axis 0) of a concrete array, as numbers. */
function row(a: Array, k: number): number[] {
  const n = sizeOf(a.shape.slice(1));
  return [...a.toFloat64Array().slice(k * n, (k + 1) * n)];
}

function expectRowsMatch(what: string, batched: Array[], perExample: Array[][], rtol: number): void {
  batched.forEach((leaf, j) => {
    perExample.forEach((w, k) => {
      const got = row(leaf, k);
      const want = [...w[j]!.toFloat64Array()];
      expect(got.length, `${what}: size of output ${j}`).toBe(want.length);
      got.forEach((v, e) => {
        const u = want[e]!;
        if (!(v === u || Math.abs(v - u) <= rtol * Math.max(Math.abs(v), Math.abs(u)) + 1e-13)) {
          throw new Error(`${what}: output ${j}, example ${k}, element ${e}: batched gives ${v}, the loop ${u}`);
        }
      });
    });
  });
}

/**
 * Transformations compose with batching: forward and reverse derivatives of `vmap(f)`
 * (all arguments batched on axis 0; only float ones differentiated) equal, row by row,
 * the derivatives of f at each example. This runs the batching rules under jvp/vjp,
 * and the JVP/VJP rules of what the batching rules emit (for control flow: new cond,
 * while and scan calls).
 */
function adOverBatchProperty<S>(c: Case<S>, g: GradConfig<S>): void {
  const arb = c.spec.chain((s) =>
    fc.integer({ min: 1, max: 3 }).chain((size) =>
      fc.array(fc.tuple(...c.args(s)), { minLength: size, maxLength: size }).map((examples) => ({ s, examples })),
    ),
  );
  const modes = g.modes ?? ["fwd", "rev"];
  fc.assert(
    fc.property(arb, ({ s, examples }) => {
      const f = c.f(s);
      const nArgs = examples[0]!.length;
      const diff = examples[0]!.map((r) => isFloat(r.dtype));
      const split = (args: Array[]) => [args.filter((_, i) => diff[i]), args.filter((_, i) => !diff[i])] as const;
      const join = (xs: readonly Array[], fixed: readonly Array[]) => {
        let a = 0;
        let b = 0;
        return diff.map((d) => (d ? xs[a++]! : fixed[b++]!));
      };
      const batched = globalThis.Array.from({ length: nArgs }, (_, i) => toArray(stackRaws(examples.map((e) => e[i]!), 0)));
      const [bx, bFixed] = split(batched);
      const fb = (...xs: Array[]) => vmap(f)(...join(xs, bFixed));
      const perExample = examples.map((e) => split(e.map(toArray)));
      const fk = (k: number) => (...xs: Array[]) => f(...join(xs, perExample[k]![1]));
      if (modes.includes("fwd")) {
        const tangents = bx.map((x, i) => pattern(x.shape, x.dtype, i));
        const [, tb] = jvp(fb, bx, tangents);
        const loop = perExample.map(([xs], k) => leaves(jvp(fk(k), xs, xs.map((x, i) => np.reshape(np.array(row(tangents[i]!, k), { dtype: x.dtype }), x.shape)))[1]));
        expectRowsMatch(`jvp of vmap(${c.title})`, leaves(tb), loop, 1e-10);
      }
      if (modes.includes("rev")) {
        const [outB, pullback] = vjp(fb, ...bx);
        const [outLeaves, outDef] = tree.flatten(outB);
        const cts = (outLeaves as Array[]).map((o, j) => pattern(o.shape, o.dtype, 10 + j));
        const gb = pullback(tree.unflatten(outDef, cts));
        const loop = perExample.map(([xs], k) => {
          const [out, pb] = vjp(fk(k), ...xs);
          const [ls, def] = tree.flatten(out);
          const ctk = (ls as Array[]).map((o, j) => np.reshape(np.array(row(cts[j]!, k), { dtype: o.dtype }), o.shape));
          return pb(tree.unflatten(def, ctk));
        });
        expectRowsMatch(`vjp of vmap(${c.title})`, gb, loop, 1e-10);
      }
    }),
    { numRuns: runs(Math.ceil((c.runs ?? RUNS) / 2)) },
  );
}

// ---------------------------------------------------------------------------------------
// Tests.

describe("derivatives of every primitive (checkGrads, order 2, forward and reverse)", () => {
  for (const c of CASES) {
    if (c.grad === false) continue;
    const g = c.grad ?? {};
    const label = `${(g.modes ?? ["fwd", "rev"]).join("+")}, order ${g.order ?? 2}`;
    it(`${c.title} [${label}]`, () => gradProperty(c, g));
  }

  it("stop_gradient: the gradient treats stopGradient(g(x)) as a constant, to second order", () => {
    fc.assert(
      fc.property(dims().chain((s) => floats(s)), (r) => {
        const x = toArray(r);
        // f(x) = Σ sin(x)·stop(cos x): df/dx = cos²x, and the second derivative is −sin·cos.
        const f = (y: Array) => np.sum(np.mul(sin(y), stopGradient(np.cos(y))));
        const g = grad(f)(x);
        const [, h] = jvp((y: Array) => grad(f)(y), [x], [np.onesLike(x)]);
        const gd = g.toFloat64Array();
        const hd = h.toFloat64Array();
        r.data.forEach((v, i) => {
          expect(Math.abs(gd[i]! - Math.cos(v) * Math.cos(v))).toBeLessThanOrEqual(1e-15);
          expect(Math.abs(hd[i]! + Math.sin(v) * Math.cos(v))).toBeLessThan(1e-14);
        });
        // Forward mode sees no tangent through it, and it binds stop_gradient.
        const [, t] = jvp((y: Array) => stopGradient(np.exp(y)), [x], [np.onesLike(x)]);
        expect([...t.toFloat64Array()].every((v) => v === 0)).toBe(true);
        expectBinds(recordPrims(() => f(x)), ["stop_gradient"], "stopGradient");
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

// Primitives whose rules are called directly below, to show they give no derivative.
const BOOL_BINARY = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr"];
const ZERO_UNARY: [string, Record<string, unknown>][] = [
  ["sign", {}], ["floor", {}], ["logicalNot", {}], ["argsort", {}], ["stop_gradient", {}],
  ["argmax", { axis: 1 }], ["argmin", { axis: 0 }], ["convert", { dtype: "int32" }],
];
const ZERO_RANDOM = [["random_bits", { shape: [2, 3] }], ["random_uniform", { shape: [2, 3], dtype: "float64" }]] as const;

describe("integer and boolean outputs carry no derivative", () => {
  const x = np.array([[0.3, -1.2, 2.5], [0.7, 0.1, -0.4]]);
  const y = np.array([[0.2, -1.2, 3.5], [-0.7, 0.5, -0.4]]);
  const t = np.ones([2, 3]);
  const reg = primitives();
  const rule = (name: string) => {
    const p = reg.get(name);
    if (!p) throw new Error(`no primitive ${name}`);
    return p;
  };

  it.each(BOOL_BINARY)("%s: the JVP rule gives no tangent, the VJP rule no cotangent", (name) => {
    const p = rule(name);
    const [[out], [tan]] = p.jvp([x, y], [t, t], {});
    expect(out!.dtype).toBe("bool");
    expect(tan).toBeNull();
    expect(p.vjp([null], [x, y], [out!], {}, [true, true])).toEqual([null, null]);
    // Through the public ops: the tangent of a comparison is a zero (false) array.
    const [, pub] = jvp((a: Array) => np[name as CompareName](a, y), [x], [t]);
    expect(pub.toArray()).toEqual([[false, false, false], [false, false, false]]);
  });

  it.each(ZERO_UNARY)("%s: the JVP rule gives no tangent, the VJP rule no cotangent", (name, params) => {
    const p = rule(name);
    const [[out], [tan]] = p.jvp([x], [t], params);
    expect(tan).toBeNull();
    const ct = isFloat(out!.dtype) ? np.onesLike(out!) : null;
    expect(p.vjp([ct], [x], [out!], params, [true])).toEqual([null]);
  });

  it.each(ZERO_RANDOM)(
    "%s: the JVP rule gives no tangent, the VJP rule no cotangent",
    (name, params) => {
      const p = rule(name);
      const key = random.key(7);
      const [[out], [tan]] = p.jvp([key], [null], params);
      expect(out!.shape).toEqual([2, 3]);
      expect(tan).toBeNull();
      expect(p.vjp([isFloat(out!.dtype) ? np.onesLike(out!) : null], [key], [out!], params, [true])).toEqual([null]);
    },
  );

  it("grad of sum(where(x > 0, x, 0)) is the indicator, and comparisons pass no cotangent", () => {
    fc.assert(
      fc.property(dims().chain((s) => gapped(s)), (r) => {
        const x0 = toArray(r);
        const g = grad((a: Array) => np.sum(np.where(np.greater(a, 0), a, 0)))(x0);
        expect([...g.toFloat64Array()]).toEqual(r.data.map((v) => (v > 0 ? 1 : 0)));
        // A float mask made from a comparison: its cotangent stops at the comparison.
        const [, pullback] = vjp((a: Array) => np.mul(np.astype(np.lessEqual(a, 0), "float64"), a), x0);
        const [ct] = pullback(np.onesLike(x0));
        expect([...ct.toFloat64Array()]).toEqual(r.data.map((v) => (v <= 0 ? 1 : 0)));
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

describe("batching of every primitive (vmap equals a loop over the batch)", () => {
  for (const c of CASES) {
    if (c.batch === false) continue;
    const b = c.batch ?? {};
    it(c.title, () => batchProperty(c, b));
  }

  it.each(CASES.filter((c) => c.grad !== false).map((c) => [c.title, c] as const))(
    "derivatives of the batched function: %s",
    (_title, c) => adOverBatchProperty(c, c.grad || {}),
  );

  // The batching rules of custom-rule primitives build new custom-rule calls. With rules
  // that are deliberately not the derivative (surrogates), transforming the batched
  // function shows the custom rule survived batching: plain AD would give other numbers.
  const straightThrough = customJvp((x: Array) => np.floor(x), ([x], [t]) => [np.floor(x), t]);
  const clippedGrad = customVjp(
    (x: Array) => np.mul(x, 3),
    (x: Array) => [np.mul(x, 3), null],
    (_r: null, g: Array) => [np.clip(g, -1, 1)],
  );
  const batchOf = fc.tuple(dims(0, 2), fc.integer({ min: 1, max: 3 })).chain(([s, n]) => fc.tuple(floats([n, ...s], -3, 3), floats([n, ...s], -3, 3)));

  it("custom_jvp_call: jvp and grad over vmap use the batched custom rule (straight-through floor)", () => {
    fc.assert(
      fc.property(batchOf, ([xr, tr]) => {
        const [x, t] = [toArray(xr), toArray(tr)];
        const batched = (a: Array) => vmap(straightThrough)(a);
        const [out, tout] = jvp(batched, [x], [t]);
        // +0 for −0 on both sides: toEqual tells them apart.
        const values = (a: Array) => [...a.toFloat64Array()].map((v) => v + 0);
        expect(values(out)).toEqual(xr.data.map((v) => Math.floor(v) + 0));
        expect(values(tout)).toEqual(tr.data.map((v) => v + 0)); // the rule's tangent, not floor's zero
        const g = grad((a: Array) => np.sum(np.mul(batched(a), t)))(x);
        expect(values(g)).toEqual(tr.data.map((v) => v + 0));
        expectBinds(recordPrims(() => vmap(straightThrough)(x)), ["custom_jvp_call"], "vmap of customJvp");
      }),
      { numRuns: runs(RUNS) },
    );
  });

  it("custom_vjp_call: grad over vmap uses the batched fwd and bwd (clipped gradient)", () => {
    fc.assert(
      fc.property(batchOf, ([xr, wr]) => {
        const [x, w] = [toArray(xr), toArray(wr)];
        const g = grad((a: Array) => np.sum(np.mul(vmap(clippedGrad)(a), w)))(x);
        // d/dx of 3x·w would be 3w; the custom bwd clips the cotangent w instead.
        expect([...g.toFloat64Array()]).toEqual(wr.data.map((v) => Math.min(Math.max(v, -1), 1)));
        expectBinds(recordPrims(() => grad((a: Array) => np.sum(vmap(clippedGrad)(a)))(x)), ["custom_vjp_call"], "grad of vmap of customVjp");
      }),
      { numRuns: runs(RUNS) },
    );
  });
});

describe("coverage", () => {
  // Derivative checks besides the checkGrads cases: the rule-level tests above, and the
  // dedicated stop_gradient test (AD and finite differences differ there by design).
  const SPECIAL_GRAD = new Set([
    ...BOOL_BINARY, ...ZERO_UNARY.map(([n]) => n), ...ZERO_RANDOM.map(([n]) => n), "stop_gradient",
  ]);
  const gradCovered = new Set([
    ...CASES.filter((c) => c.grad !== false).flatMap((c) => (c.grad && c.grad.covers) || c.covers),
    ...SPECIAL_GRAD,
  ]);
  const batchCovered = new Set(
    CASES.filter((c) => c.batch !== false).flatMap((c) => (c.batch && c.batch.covers) || c.covers),
  );

  it("every registered primitive has a derivative test and a batching test", () => {
    const names = [...primitives().keys()];
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !gradCovered.has(n)), "primitives without a derivative test").toEqual([]);
    expect(names.filter((n) => !batchCovered.has(n)), "primitives without a batching test").toEqual([]);
  });

  it("the file names no primitive that is not registered", () => {
    const names = new Set(primitives().keys());
    expect([...gradCovered, ...batchCovered].filter((n) => !names.has(n))).toEqual([]);
  });
});
