import { describe, expect, it } from "vitest";
import { checkGrads, cond, customJvp, customVjp, foriLoop, grad, jvp, np, scan, vmap, whileLoop, hessian, type Array } from "nabla";
import { expectClose, errorOf } from "../helpers.js";

// Expected values are closed forms derived by hand (in the comments), central finite
// differences written here, or plain JavaScript loops.

const int32 = (x: number | number[]) => np.array(x, { dtype: "int32" });

describe("cond", () => {
  // piece(x) = x³ if x > 0 else 2 sin x;  piece'(x) = 3x² or 2 cos x.
  const piece = (x: Array) => cond(np.greater(x, 0), (v: Array) => np.pow(v, 3), (v: Array) => np.mul(2, np.sin(v)), x);

  it("takes the true branch and the false branch", () => {
    expect(piece(np.array(1.5)).item()).toBeCloseTo(3.375, 14);
    expect(piece(np.array(-0.5)).item()).toBeCloseTo(2 * Math.sin(-0.5), 14);
    // Plain booleans and numbers are predicates too.
    expect(cond(true, (v: Array) => v.add(1), (v: Array) => v.sub(1), np.array(5)).item()).toBe(6);
    expect(cond(false, (v: Array) => v.add(1), (v: Array) => v.sub(1), np.array(5)).item()).toBe(4);
    expect(cond(0, (v: Array) => v.add(1), (v: Array) => v.sub(1), np.array(5)).item()).toBe(4);
  });

  it("takes pytree operands and returns pytrees", () => {
    const run = (pred: boolean) =>
      cond(
        pred,
        (o: { a: Array; b: Array }, [u, v]: Array[]) => ({ s: o.a.add(u!), p: [o.b.mul(v!)] }),
        (o: { a: Array; b: Array }, [u, v]: Array[]) => ({ s: o.a.sub(u!), p: [o.b.div(v!)] }),
        { a: np.array([1, 2]), b: np.array(3) },
        [np.array(1), np.array(2)],
      );
    const t = run(true);
    expectClose(t.s.toArray(), [2, 3]);
    expect(t.p.length).toBe(1);
    expect(t.p[0]!.item()).toBe(6);
    const f = run(false);
    expectClose(f.s.toArray(), [0, 1]);
    expect(f.p[0]!.item()).toBe(1.5);
  });

  it("grad through each branch is the derivative of that branch", () => {
    expect(grad(piece)(np.array(1.5)).item()).toBeCloseTo(3 * 1.5 ** 2, 12);
    expect(grad(piece)(np.array(-0.5)).item()).toBeCloseTo(2 * Math.cos(-0.5), 12);
  });

  it("jvp through each branch scales the branch derivative by the tangent", () => {
    const [y1, t1] = jvp(piece, [np.array(1.5)], [np.array(2)]);
    expect(y1.item()).toBeCloseTo(3.375, 14);
    expect(t1.item()).toBeCloseTo(2 * 3 * 1.5 ** 2, 12);
    const [y0, t0] = jvp(piece, [np.array(-0.5)], [np.array(2)]);
    expect(y0.item()).toBeCloseTo(2 * Math.sin(-0.5), 14);
    expect(t0.item()).toBeCloseTo(2 * 2 * Math.cos(-0.5), 12);
  });

  it("differentiates values the branches close over", () => {
    // g(w) = cond(p, v ↦ v·w², v ↦ v + w, 2): p true ⇒ 2w² (g' = 4w); false ⇒ 2 + w (g' = 1).
    const g = (pred: boolean) => (w: Array) => cond(pred, (v: Array) => v.mul(w).mul(w), (v: Array) => v.add(w), np.array(2));
    expect(grad(g(true))(np.array(5)).item()).toBeCloseTo(20, 12);
    expect(grad(g(false))(np.array(5)).item()).toBeCloseTo(1, 12);
  });

  it("vmap with a batched predicate selects per example", () => {
    const xs = [-2, -1, 0, 0.5, 3];
    const batched = vmap(piece)(np.array(xs));
    expectClose(batched.toArray(), xs.map((x) => (x > 0 ? x ** 3 : 2 * Math.sin(x))), 1e-14);
    // And the per-example derivatives.
    expectClose(vmap(grad(piece))(np.array(xs)).toArray(), xs.map((x) => (x > 0 ? 3 * x * x : 2 * Math.cos(x))), 1e-12);
  });

  it("vmap with a batched predicate and a batched value closed over by the branches", () => {
    // (x, y) ↦ x > 0 ? x·y : x − y, per example.
    const xs = [1, -1, 2];
    const ys = [10, 20, 30];
    const out = vmap((x: Array, y: Array) => cond(np.greater(x, 0), (v: Array) => v.mul(y), (v: Array) => v.sub(y), x))(np.array(xs), np.array(ys));
    expectClose(out.toArray(), xs.map((x, i) => (x > 0 ? x * ys[i]! : x - ys[i]!)));
  });

  it("vmap with an unbatched predicate runs one branch for the whole batch", () => {
    const xs = [-2, -1, 0.5, 3];
    const f = (x: Array, flag: Array) => cond(flag, (v: Array) => v.mul(v), (v: Array) => v.neg(), x);
    expectClose(vmap(f, { inAxes: [0, null] })(np.array(xs), np.array(true)).toArray(), xs.map((x) => x * x));
    expectClose(vmap(f, { inAxes: [0, null] })(np.array(xs), np.array(false)).toArray(), xs.map((x) => -x));
    // The derivative of the whole batch: d/dxᵢ Σ xⱼ² = 2xᵢ.
    const total = (v: Array) => np.sum(vmap(f, { inAxes: [0, null] })(v, np.array(true)));
    expectClose(grad(total)(np.array(xs)).toArray(), xs.map((x) => 2 * x));
  });

  it("branches that return different types are an error naming both", () => {
    const msg = errorOf(() => cond(true, (v: Array) => v, (v: Array) => v.sum(), np.ones([3])));
    expect(msg).toMatch(/different types/);
    expect(msg).toMatch(/float64\(3,?\)/);
    expect(msg).toMatch(/float64\(\)/);
    // Different structures.
    expect(errorOf(() => cond<[Array], unknown>(true, (v: Array) => [v, v], (v: Array) => v, np.ones([3])))).toMatch(/different types/);
    // Different dtypes.
    expect(errorOf(() => cond(true, (v: Array) => v, (v: Array) => v.astype("int32"), np.ones([3])))).toMatch(/int32/);
  });

  it("a non-scalar predicate is an error", () => {
    expect(errorOf(() => cond(np.array([true, false]), (v: Array) => v, (v: Array) => v, np.array(1)))).toMatch(/predicate must be a scalar/);
  });
});

describe("whileLoop", () => {
  it("repeats the body while the condition holds", () => {
    expect(whileLoop((x: Array) => np.less(x, 100), (x: Array) => x.mul(2), np.array(1)).item()).toBe(128);
    // A pytree carry: count the steps beside the value.
    type S = { i: Array; v: Array[] };
    const out = whileLoop(
      (s: S) => np.less(s.i, 4),
      (s: S) => ({ i: s.i.add(1), v: [s.v[0]!.mul(2)] }),
      { i: int32(0), v: [np.array([1, 3])] },
    );
    expect(out.i.item()).toBe(4);
    expect(out.i.dtype).toBe("int32");
    expectClose(out.v[0]!.toArray(), [16, 48]);
    // A condition false at the start leaves the carry as it was.
    expect(whileLoop((x: Array) => np.less(x, 0), (x: Array) => x.mul(2), np.array(7)).item()).toBe(7);
  });

  it("jvp follows the iterations actually taken", () => {
    // Squaring until ≥ 100 from 1.5: 1.5 → 2.25 → 5.06 → 25.6 → 656.8, four squarings,
    // so near 1.5 the loop is x ↦ x¹⁶ and its derivative 16x¹⁵.
    const sq = (x: Array) => whileLoop((c: Array) => np.less(c, 100), (c: Array) => c.mul(c), x);
    const [y, dy] = jvp(sq, [np.array(1.5)], [np.array(1)]);
    expect(y.item()).toBeCloseTo(1.5 ** 16, 9);
    expect(dy.item()).toBeCloseTo(16 * 1.5 ** 15, 8);
    // From 20 one squaring suffices: derivative 2x = 40.
    expect(jvp(sq, [np.array(20)], [np.array(1)])[1].item()).toBeCloseTo(40, 12);
  });

  it("jvp with respect to a value the body closes over matches a hand-written forward-mode loop", () => {
    // c ← sin c + x, five times from c = 0.  dc ← cos(c)·dc + 1 (dx = 1).
    const f = (x: Array) =>
      whileLoop(
        ([i]: Array[]) => np.less(i!, 5),
        ([i, c]: Array[]) => [i!.add(1), np.sin(c!).add(x)],
        [int32(0), np.array(0)],
      )[1]!;
    for (const x of [0.5, -1.2]) {
      let c = 0;
      let dc = 0;
      for (let k = 0; k < 5; k++) {
        dc = Math.cos(c) * dc + 1;
        c = Math.sin(c) + x;
      }
      const [y, dy] = jvp(f, [np.array(x)], [np.array(1)]);
      expect(y.item()).toBeCloseTo(c, 13);
      expect(dy.item()).toBeCloseTo(dc, 12);
    }
  });

  it("vmap runs each example for its own number of trips", () => {
    // Doubling while < 100, counting the trips.
    const starts = [1, 3, 50, 200, 0.7];
    const f = (x: Array) =>
      whileLoop(
        ([, c]: Array[]) => np.less(c!, 100),
        ([n, c]: Array[]) => [n!.add(1), c!.mul(2)],
        [int32(0), x],
      );
    const [trips, values] = vmap(f)(np.array(starts));
    const expected = starts.map((s) => {
      let n = 0;
      let c = s;
      while (c < 100) {
        n++;
        c *= 2;
      }
      return [n, c] as const;
    });
    expectClose(trips!.toArray(), expected.map(([n]) => n));
    expectClose(values!.toArray(), expected.map(([, c]) => c));
    // Distinct trip counts really occur in this batch.
    expect(new Set(expected.map(([n]) => n)).size).toBeGreaterThan(2);
  });

  it("vmap over a batched bound the condition closes over", () => {
    // Double from 1 while < lim.
    const lims = [5, 100, 0.5];
    const out = vmap((lim: Array) => whileLoop((c: Array) => np.less(c, lim), (c: Array) => c.mul(2), np.array(1)))(np.array(lims));
    expectClose(
      out.toArray(),
      lims.map((lim) => {
        let c = 1;
        while (c < lim) c *= 2;
        return c;
      }),
    );
  });

  it("reverse mode is an error that points to scan and foriLoop", () => {
    const msg = errorOf(() => grad((x: Array) => whileLoop((c: Array) => np.less(c, 10), (c: Array) => c.mul(2), x))(np.array(1)));
    expect(msg).toMatch(/reverse-mode/);
    expect(msg).toMatch(/scan/);
    expect(msg).toMatch(/foriLoop/);
  });

  it("a condition that is not a 0-d bool is an error", () => {
    expect(errorOf(() => whileLoop((c: Array) => c, (c: Array) => c.mul(2), np.array(1)))).toMatch(/0-d bool/);
    expect(errorOf(() => whileLoop((c: Array) => np.less(c, 3), (c: Array) => c.mul(2), np.array([1, 2])))).toMatch(/0-d bool/);
  });

  it("a body that changes the carry's type is an error", () => {
    expect(errorOf(() => whileLoop((c: Array) => np.less(c.sum(), 4), (c: Array) => c.sum(), np.array([1, 3])))).toMatch(/carry's type/);
  });
});

describe("scan", () => {
  const cumsum = (c: Array, x: Array): [Array, Array] => [c.add(x), c.add(x)];

  it("computes a cumulative sum", () => {
    const [total, ys] = scan(cumsum, np.array(0), np.array([1, 2, 3, 4]));
    expect(total.item()).toBe(10);
    expectClose(ys.toArray(), [1, 3, 6, 10]);
  });

  it("reverse: scans from the end, with ys at their original positions", () => {
    const [total, ys] = scan(cumsum, np.array(0), np.array([1, 2, 3, 4]), { reverse: true });
    expect(total.item()).toBe(10);
    expectClose(ys.toArray(), [10, 9, 7, 4]);
    // Order matters for a non-commutative step: c ← 10c + x reads the digits.
    expect(scan((c: Array, x: Array) => [c.mul(10).add(x), null], np.array(0), np.array([1, 2, 3]))[0].item()).toBe(123);
    expect(scan((c: Array, x: Array) => [c.mul(10).add(x), null], np.array(0), np.array([1, 2, 3]), { reverse: true })[0].item()).toBe(321);
  });

  it("carries pytrees and scans over pytrees of xs", () => {
    // Carry {s: running sum of a, p: running product of rows of b (elementwise)}; y = [s·2, rowsum(b)].
    type C = { s: Array; p: Array };
    type X = { a: Array; b: Array };
    const a = [1, 2, 3];
    const b = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const [carry, ys] = scan(
      (c: C, x: X): [C, Array[]] => {
        const next = { s: c.s.add(x.a), p: c.p.mul(x.b) };
        return [next, [next.s.mul(2), x.b.sum()]];
      },
      { s: np.array(0), p: np.ones([2]) },
      { a: np.array(a), b: np.array(b) },
    );
    expect(carry.s.item()).toBe(6);
    expectClose(carry.p.toArray(), [15, 48]);
    expectClose(ys[0]!.toArray(), [2, 6, 12]);
    expectClose(ys[1]!.toArray(), [3, 7, 11]);
  });

  it("length runs a scan with no xs", () => {
    const [c, ys] = scan((c: Array, _: null): [Array, Array] => [c.mul(2), c], np.array(1), null, { length: 5 });
    expect(c.item()).toBe(32);
    expectClose(ys.toArray(), [1, 2, 4, 8, 16]);
    expect(errorOf(() => scan((c: Array, _: null): [Array, null] => [c, null], np.array(0), null))).toMatch(/length/);
  });

  it("leaves of xs with different lengths are an error", () => {
    expect(errorOf(() => scan((c: Array, _: Array[]): [Array, null] => [c, null], np.array(0), [np.array([1, 2]), np.array([1, 2, 3])]))).toMatch(/different lengths/);
  });

  // L(c0, xs, w) = c_n + Σ yₖ with cₖ = tanh(w·cₖ₋₁ + xₖ), yₖ = cₖ².
  const L = (c0: Array, xs: Array, w: Array) => {
    const [c, ys] = scan(
      (c: Array, x: Array): [Array, Array] => {
        const next = np.tanh(np.add(np.mul(w, c), x));
        return [next, np.square(next)];
      },
      c0,
      xs,
    );
    return np.add(c, np.sum(ys));
  };
  const Lnum = (c0: number, xs: number[], w: number) => {
    let c = c0;
    let s = 0;
    for (const x of xs) {
      c = Math.tanh(w * c + x);
      s += c * c;
    }
    return c + s;
  };

  it("grad with respect to init, xs and a closed-over parameter matches central differences", () => {
    const c0 = 0.5;
    const xs = [0.1, -0.4, 0.3, 0.8];
    const w = 0.7;
    const [gc, gx, gw] = grad(L, { argnums: [0, 1, 2] })(np.array(c0), np.array(xs), np.array(w));
    const h = 1e-6;
    const fd = (f: (d: number) => number) => (f(h) - f(-h)) / (2 * h);
    expect(gc.item()).toBeCloseTo(fd((d) => Lnum(c0 + d, xs, w)), 8);
    expect(gw.item()).toBeCloseTo(fd((d) => Lnum(c0, xs, w + d)), 8);
    const gxs = gx.toArray() as number[];
    expect(gxs.length).toBe(xs.length);
    xs.forEach((_, k) => expect(gxs[k]!).toBeCloseTo(fd((d) => Lnum(c0, xs.map((x, j) => (j === k ? x + d : x)), w)), 8));
    // The closed-over form (w captured rather than passed) gives the same gradient.
    const gw2 = grad((ww: Array) => scan((c: Array, x: Array): [Array, null] => [np.tanh(np.add(np.mul(ww, c), x)), null], np.array(c0), np.array(xs))[0])(np.array(w));
    expect(gw2.item()).toBeCloseTo(fd((d) => {
      let c = c0;
      for (const x of xs) c = Math.tanh((w + d) * c + x);
      return c;
    }), 8);
  });

  it("grad through a reverse scan", () => {
    // Reverse over xs = (x₁, x₂, x₃) with c ← c·x + 1 from 1: c = ((x₃ + 1)x₂ + 1)x₁ + 1,
    // so ∂/∂x₁ = (x₃ + 1)x₂ + 1, ∂/∂x₂ = (x₃ + 1)x₁, ∂/∂x₃ = x₂x₁. At (1, 2, 3): (9, 4, 2).
    const f = (xs: Array) => scan((c: Array, x: Array): [Array, null] => [c.mul(x).add(1), null], np.array(1), xs, { reverse: true })[0];
    expect(f(np.array([1, 2, 3])).item()).toBe(10);
    expectClose(grad(f)(np.array([1, 2, 3])).toArray(), [9, 4, 2]);
  });

  it("jvp through a scan matches a hand-written forward-mode loop", () => {
    // Per-step outputs yₖ = cₖ with cₖ = tanh(w·cₖ₋₁ + xₖ); tangent along xs only.
    const xs = [0.1, -0.4, 0.3];
    const tx = [1, -2, 0.5];
    const w = 0.7;
    const f = (v: Array) => scan((c: Array, x: Array): [Array, Array] => {
      const next = np.tanh(np.add(np.mul(w, c), x));
      return [next, next];
    }, np.array(0.2), v)[1];
    let c = 0.2;
    let dc = 0;
    const ys: number[] = [];
    const dys: number[] = [];
    xs.forEach((x, k) => {
      c = Math.tanh(w * c + x);
      dc = (1 - c * c) * (w * dc + tx[k]!);
      ys.push(c);
      dys.push(dc);
    });
    const [y, dy] = jvp(f, [np.array(xs)], [np.array(tx)]);
    expectClose(y.toArray(), ys, 1e-14);
    expectClose(dy.toArray(), dys, 1e-12);
  });

  it("vmap over xs equals a loop of scans", () => {
    const X = [
      [1, 2, 3],
      [4, 5, 6],
      [-1, 0.5, 2],
    ];
    const batched = vmap((xs: Array) => scan(cumsum, np.array(0), xs)[1])(np.array(X));
    const looped = X.map((row) => scan(cumsum, np.array(0), np.array(row))[1].toArray() as number[]);
    expectClose(batched.toArray(), looped);
    expectClose(looped, [
      [1, 3, 6],
      [4, 9, 15],
      [-1, -0.5, 1.5],
    ]);
    // A batched initial carry with unbatched xs: yₖ = c₀·Π_{j<k} xⱼ.
    const byInit = vmap((c0: Array) => scan((c: Array, x: Array): [Array, Array] => [c.mul(x), c], c0, np.array([1, 2, 3]))[1])(np.array([1, 2]));
    expectClose(byInit.toArray(), [
      [1, 1, 2],
      [2, 2, 4],
    ]);
  });

  it("second derivatives through scan", () => {
    // p(x) = Π (x + xᵢ) over xᵢ = 1, 2, 3 = x³ + 6x² + 11x + 6; p''(x) = 6x + 12.
    const p = (x: Array) => scan((c: Array, xi: Array): [Array, null] => [c.mul(np.add(x, xi)), null], np.array(1), np.array([1, 2, 3]))[0];
    expect(p(np.array(0.5)).item()).toBeCloseTo(0.125 + 1.5 + 5.5 + 6, 12);
    expect(grad(grad(p))(np.array(0.5)).item()).toBeCloseTo(15, 12);
    // q(xs) = Π xs: ∂²q/∂xᵢ∂xⱼ = Π_{k≠i,j} xₖ for i ≠ j, 0 on the diagonal.
    const xs = [1.5, -2, 0.5, 3];
    const q = (v: Array) => scan((c: Array, x: Array): [Array, null] => [c.mul(x), null], np.array(1), v)[0];
    const H = hessian(q)(np.array(xs)).toArray();
    const expected = xs.map((_, i) => xs.map((_, j) => (i === j ? 0 : xs.reduce((s, x, k) => (k === i || k === j ? s : s * x), 1))));
    expectClose(H, expected, 1e-12);
  });
});

describe("foriLoop", () => {
  // c ← c·x + i for i = 0, 1, 2 from c = 1: c = x, x² + 1, x³ + x + 2.
  // d/dx (x³ + x + 2) = 3x² + 1; at x = 2: value 12, derivative 13.
  const body = (x: Array) => (i: Array, c: Array) => c.mul(x).add(i);

  it("numeric bounds: value and grad", () => {
    const f = (x: Array) => foriLoop(0, 3, body(x), np.array(1));
    expect(f(np.array(2)).item()).toBe(12);
    expect(grad(f)(np.array(2)).item()).toBeCloseTo(13, 12);
    // The index as a value: Σ_{i=1}^{3} x·i = 6x.
    expect(grad((x: Array) => foriLoop(1, 4, (i: Array, c: Array) => c.add(x.mul(i)), np.array(0)))(np.array(2)).item()).toBeCloseTo(6, 12);
    // An empty range returns the initial carry.
    expect(foriLoop(3, 3, body(np.array(2)), np.array(1)).item()).toBe(1);
  });

  it("an Array bound takes the whileLoop path: same value, forward mode works", () => {
    const f = (x: Array) => foriLoop(0, int32(3), body(x), np.array(1));
    expect(f(np.array(2)).item()).toBe(12);
    expect(jvp(f, [np.array(2)], [np.array(1)])[1].item()).toBeCloseTo(13, 12);
    // ...and reverse mode reports the whileLoop limitation.
    expect(errorOf(() => grad(f)(np.array(2)))).toMatch(/foriLoop with numeric bounds/);
    expect(errorOf(() => grad(f)(np.array(2)))).toMatch(/implicit\.fixedPoint or implicit\.rootFind/);
  });

  it("vmap over an Array bound gives each example its own trip count", () => {
    // Σ_{i<n} i for n = 0, 1, 3, 6.
    const ns = [0, 1, 3, 6];
    const out = vmap((n: Array) => foriLoop(0, n, (i: Array, c: Array) => c.add(i), np.array(0)))(int32(ns));
    expectClose(out.toArray(), ns.map((n) => (n * (n - 1)) / 2));
  });
});

describe("customJvp", () => {
  it("its rule is what grad and jvp use (a deliberately scaled rule shows up)", () => {
    // Primal sin, rule 3·cos: every derivative comes out three times the true one.
    const f = customJvp((x: Array) => np.sin(x), ([x]: [Array], [t]: [Array]) => [np.sin(x), t.mul(np.cos(x)).mul(3)]);
    expect(f(np.array(0.4)).item()).toBeCloseTo(Math.sin(0.4), 14);
    expect(grad(f)(np.array(0.4)).item()).toBeCloseTo(3 * Math.cos(0.4), 12);
    const [y, dy] = jvp(f, [np.array(0.4)], [np.array(2)]);
    expect(y.item()).toBeCloseTo(Math.sin(0.4), 14);
    expect(dy.item()).toBeCloseTo(6 * Math.cos(0.4), 12);
  });

  it("a rule of several arguments, with argnums", () => {
    // f(x, y) = x·y with the product rule scaled by 10: ∂/∂x = 10y, ∂/∂y = 10x.
    const f = customJvp(
      (x: Array, y: Array) => x.mul(y),
      ([x, y]: [Array, Array], [tx, ty]: [Array, Array]) => [x.mul(y), tx.mul(y).add(ty.mul(x)).mul(10)],
    );
    const [gx, gy] = grad(f, { argnums: [0, 1] })(np.array(2), np.array(3));
    expect(gx.item()).toBeCloseTo(30, 12);
    expect(gy.item()).toBeCloseTo(20, 12);
  });

  // softplus(x) = log(1 + eˣ), written stably as max(x, 0) + log1p(e^−|x|), with the
  // derivative σ(x) = 1/(1 + e^−x) as its rule.
  const softplus = customJvp(
    (x: Array) => np.add(np.maximum(x, 0), np.log1p(np.exp(np.neg(np.abs(x))))),
    ([x]: [Array], [t]: [Array]) => [np.add(np.maximum(x, 0), np.log1p(np.exp(np.neg(np.abs(x))))), t.mul(np.sigmoid(x))],
  );
  const sigma = (x: number) => 1 / (1 + Math.exp(-x));

  it("a stable softplus has gradient 1 at x = 1000 where the naive formula gives NaN", () => {
    const naive = (x: Array) => np.log(np.add(1, np.exp(x)));
    // d/dx log(1 + eˣ) = eˣ/(1 + eˣ): at 1000 both overflow, ∞/∞ = NaN.
    expect(grad(naive)(np.array(1000)).item()).toBeNaN();
    expect(softplus(np.array(1000)).item()).toBe(1000);
    expect(grad(softplus)(np.array(1000)).item()).toBe(1);
    // Elsewhere the rule is the true derivative.
    expect(grad(softplus)(np.array(0.3)).item()).toBeCloseTo(sigma(0.3), 14);
  });

  it("vmap of grad through it", () => {
    const xs = [-1000, -1, 0, 1, 1000];
    expectClose(vmap(grad(softplus))(np.array(xs)).toArray(), xs.map(sigma), 1e-14);
    expectClose(vmap(softplus)(np.array([-1, 0, 1])).toArray(), [-1, 0, 1].map((x) => Math.log(1 + Math.exp(x))), 1e-14);
  });

  it("higher derivatives differentiate the rule", () => {
    // d/dx σ(x) = σ(x)(1 − σ(x)).
    const s = sigma(0.5);
    expect(grad(grad(softplus))(np.array(0.5)).item()).toBeCloseTo(s * (1 - s), 12);
  });

  it("inside a scan", () => {
    // Σ softplus(xₖ) through scan: gradient σ(xₖ) per element.
    const xs = [-2, 0.5, 1000];
    const f = (v: Array) => scan((c: Array, x: Array): [Array, null] => [c.add(softplus(x)), null], np.array(0), v)[0];
    expectClose(grad(f)(np.array(xs)).toArray(), xs.map(sigma), 1e-14);
  });
});

describe("customVjp", () => {
  it("its bwd is what grad uses", () => {
    // Identity forward, gradient clipped to [−1, 1] backward.
    const clipGrad = customVjp((x: Array) => x, (x: Array) => [x, null], (_r: unknown, g: Array) => [np.clip(g, -1, 1)]);
    const w = np.array([0.5, 3, -4]);
    const f = (x: Array) => np.sum(np.mul(clipGrad(x), w));
    expect(f(np.array([1, 2, 3])).item()).toBeCloseTo(0.5 + 6 - 12, 14);
    expectClose(grad(f)(np.array([1, 2, 3])).toArray(), [0.5, 1, -1]);
  });

  it("residuals pass from fwd to bwd", () => {
    // sin with a backward pass of 2·g·cos x (the residual): twice the true derivative.
    const f = customVjp(
      (x: Array) => np.sin(x),
      (x: Array) => [np.sin(x), np.cos(x)],
      (cosx: Array, g: Array) => [g.mul(cosx).mul(2)],
    );
    expect(f(np.array(0.5)).item()).toBeCloseTo(Math.sin(0.5), 14);
    expect(grad(f)(np.array(0.5)).item()).toBeCloseTo(2 * Math.cos(0.5), 13);
  });

  it("jvp through it is a clear error", () => {
    const f = customVjp((x: Array) => np.sin(x), (x: Array) => [np.sin(x), np.cos(x)], (c: Array, g: Array) => [g.mul(c)]);
    const msg = errorOf(() => jvp(f, [np.array(0.5)], [np.array(1)]));
    expect(msg).toMatch(/customVjp/);
    expect(msg).toMatch(/reverse mode only/);
    expect(msg).toMatch(/customJvp/);
  });

  it("vmap(grad) works, with several arguments", () => {
    // f(x, y) = x·y with bwd (2gy, 3gx): ∂/∂x = 2y, ∂/∂y = 3x.
    const f = customVjp(
      (x: Array, y: Array) => x.mul(y),
      (x: Array, y: Array) => [x.mul(y), [x, y]],
      ([x, y]: Array[], g: Array) => [g.mul(y!).mul(2), g.mul(x!).mul(3)],
    );
    const xs = [2, 4, -1];
    const ys = [5, 6, 0.5];
    const [gx, gy] = vmap(grad(f, { argnums: [0, 1] }))(np.array(xs), np.array(ys));
    expectClose(gx.toArray(), ys.map((y) => 2 * y));
    expectClose(gy.toArray(), xs.map((x) => 3 * x));
    expectClose(vmap(grad(f), { inAxes: [0, null] })(np.array(xs), np.array(5)).toArray(), [10, 10, 10]);
    expectClose(vmap(f)(np.array(xs), np.array(ys)).toArray(), xs.map((x, i) => x * ys[i]!));
  });
});

describe("checkGrads", () => {
  it("passes on correct functions, including control flow and a correct custom rule", () => {
    expect(() => checkGrads((x: Array) => np.sum(np.sin(x)), [np.array([0.1, 0.2])], { order: 2 })).not.toThrow();
    expect(() =>
      checkGrads((x: Array, w: Array) => scan((c: Array, xi: Array): [Array, Array] => [np.tanh(c.mul(w).add(xi)), c], np.array(0.3), x)[0], [np.array([0.1, -0.5, 0.7]), np.array(0.8)]),
    ).not.toThrow();
    expect(() => checkGrads((x: Array) => cond(np.greater(x.sum(), 0), (v: Array) => v.mul(v).sum(), (v: Array) => v.sin().sum(), x), [np.array([0.4, 0.3])])).not.toThrow();
    const softplus = customJvp((x: Array) => np.softplus(x), ([x]: [Array], [t]: [Array]) => [np.softplus(x), t.mul(np.sigmoid(x))]);
    expect(() => checkGrads(softplus, [np.array([0.3, -0.4, 2])])).not.toThrow();
  });

  it("throws a report containing \"disagrees\" on a customJvp with a wrong rule", () => {
    const wrong = customJvp((x: Array) => np.sin(x), ([x]: [Array], [t]: [Array]) => [np.sin(x), t.mul(np.cos(x)).mul(3)]);
    const msg = errorOf(() => checkGrads(wrong, [np.array([0.3, 0.4])]));
    expect(msg).toMatch(/disagrees/);
    expect(msg).toMatch(/forward mode/);
    // Reverse mode transposes the same wrong rule, and is caught too.
    const rev = errorOf(() => checkGrads(wrong, [np.array([0.3, 0.4])], { modes: ["rev"] }));
    expect(rev).toMatch(/disagrees/);
    expect(rev).toMatch(/reverse mode/);
  });

  it("catches a wrong customVjp bwd in reverse mode, and passes a right one", () => {
    const make = (scale: number) =>
      customVjp((x: Array) => np.sin(x), (x: Array) => [np.sin(x), np.cos(x)], (c: Array, g: Array) => [g.mul(c).mul(scale)]);
    expect(() => checkGrads(make(1), [np.array([0.3, 0.4])], { modes: ["rev"], order: 1 })).not.toThrow();
    expect(errorOf(() => checkGrads(make(2), [np.array([0.3, 0.4])], { modes: ["rev"], order: 1 }))).toMatch(/disagrees/);
  });
});
