import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, nn, np, vjp, vmap, type Array } from "nabla";
import { errorOf, firstDifference, uniformFrom } from "../helpers.js";
import { runs } from "../setup.js";
import { FIXTURES, dec, expectArrayClose, type Enc } from "./fixtures.js";

interface ConvFixture {
  name: string;
  opts: nn.ConvOptions;
  x: Enc;
  w: Enc;
  out: Enc;
  ct?: Enc;
  grad_x?: Enc;
  grad_w?: Enc;
}

const CONV: ConvFixture[] = FIXTURES.conv;
const TRANSPOSE: { name: string; opts: nn.ConvTransposeOptions; x: Enc; w: Enc; out: Enc }[] = FIXTURES.convTranspose;

describe("nn.conv against numpy (explicit dilation, padding and window loops)", () => {
  it.each(CONV.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const [x, w] = [dec(c.x), dec(c.w)];
    const tol = c.x.dtype === "float32" ? 2e-6 : 1e-12;
    expectArrayClose(nn.conv(x, w, c.opts), c.out, tol, tol);
    if (c.ct) {
      // The transposed Jacobian built column by column in numpy, against the VJP rules.
      const [, pullback] = vjp((a: Array, b: Array) => nn.conv(a, b, c.opts), x, w);
      const [gx, gw] = pullback(dec(c.ct));
      expectArrayClose(gx, c.grad_x!, 1e-12, 1e-12, "cotangent of x");
      expectArrayClose(gw, c.grad_w!, 1e-12, 1e-12, "cotangent of w");
    }
  });

  it.each(CONV.filter((c) => c.x.dtype === "float64" && c.out.data.length > 0).map((c) => [c.name, c] as const))(
    "derivatives w.r.t. input and kernel, order 2, both modes: %s",
    (_name, c) => checkGrads((x: Array, w: Array) => nn.conv(x, w, c.opts), [dec(c.x), dec(c.w)], { order: 2 }),
  );

  it("float32 derivatives, both modes", () => {
    const c = CONV.find((f) => f.x.dtype === "float32")!;
    checkGrads((x: Array, w: Array) => nn.conv(x, w, c.opts), [dec(c.x), dec(c.w)], { order: 1 });
  });

  it("float32 computes in float32, as float32 matmul: every multiply and add rounded, over (channel, tap) in order", () => {
    const SEED = 20261203;
    const uniform = uniformFrom(SEED);
    const value = () => Math.fround((uniform() - 0.5) * 2 ** Math.round(30 * uniform() - 15));
    const [N, I, O, L, KW] = [2, 40, 3, 30, 5]; // 200 terms per output, values over 30 binades
    const x = Float32Array.from({ length: N * I * L }, value);
    const w = Float32Array.from({ length: O * I * KW }, value);
    const out = nn.conv(np.array(x).reshape([N, I, L]), np.array(w).reshape([O, I, KW]));
    expect(out.dtype).toBe("float32");
    const reference = (single: boolean) => {
      const r = new Float32Array(N * O * (L - KW + 1));
      for (let n = 0, at = 0; n < N; n++) {
        for (let o = 0; o < O; o++) {
          for (let y = 0; y <= L - KW; y++, at++) {
            let acc = 0;
            for (let i = 0; i < I; i++) {
              for (let k = 0; k < KW; k++) {
                const t = x[(n * I + i) * L + y + k]! * w[(o * I + i) * KW + k]!;
                acc = single ? Math.fround(acc + Math.fround(t)) : acc + t;
              }
            }
            r[at] = acc;
          }
        }
      }
      return r;
    };
    const got = out.toFloat64Array();
    const i = firstDifference(got, reference(true));
    expect(i, `seed ${SEED}: element ${i} differs`).toBe(-1);
    expect(firstDifference(got, reference(false)), "the data tell float32 sums from float64 ones").not.toBe(-1);
  });

  it("an empty batch gives an empty result and zero derivatives", () => {
    const x = np.zeros([0, 2, 5, 5]);
    const w = np.ones([3, 2, 3, 3]);
    expect(nn.conv(x, w, { padding: "SAME" }).shape).toEqual([0, 3, 5, 5]);
    const g = grad((b: Array) => nn.conv(x, b).sum())(w);
    expect(g.toArray()).toEqual(np.zeros([3, 2, 3, 3]).toArray());
  });
});

describe("nn.convTranspose against numpy (lax.conv_transpose; PyTorch's scatter for transposeKernel)", () => {
  it.each(TRANSPOSE.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const [x, w] = [dec(c.x), dec(c.w)];
    expectArrayClose(nn.convTranspose(x, w, c.opts), c.out);
    checkGrads((a: Array, b: Array) => nn.convTranspose(a, b, c.opts), [x, w], { order: 2 });
  });

  it("with transposeKernel it is the input gradient of conv (strides 2, VALID, 2 × k ≥ s)", () => {
    const x = np.sin(np.arange(2 * 3 * 9 * 7).reshape([2, 3, 9, 7]));
    const w = np.cos(np.arange(4 * 3 * 3 * 3).reshape([4, 3, 3, 3]));
    const [y, pullback] = vjp((a: Array) => nn.conv(a, w, { windowStrides: 2 }), x);
    const ct = np.sin(np.arange(y.size).reshape(y.shape).mul(0.3));
    expectArrayClose(nn.convTranspose(ct, w, { strides: 2, transposeKernel: true }), pullback(ct)[0]);
  });
});

// ---------------------------------------------------------------------------------------
// The im2col kernel against the definition, as direct loops, on random configurations.

interface Config {
  x: number[];
  w: number[];
  opts: Required<Omit<nn.ConvOptions, "padding">> & { padding: [number, number][] };
}

const dilated = (n: number, d: number) => (n === 0 ? 0 : 1 + d * (n - 1));

/** The convolution by its definition: out[n, o, y] = Σ x[n', g·I + i, (y·s + k·r − lo)/l]·w[o, i, k]. */
function direct(x: Array, w: Array, { opts: p }: Config): Array {
  const [N, C, ...inSp] = x.shape as number[];
  const [O, I, ...kSp] = w.shape as number[];
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  const s = p.windowStrides as number[];
  const l = p.lhsDilation as number[];
  const r = p.rhsDilation as number[];
  const outSp = inSp.map((n, d) => Math.max(0, Math.floor((dilated(n, l[d]!) + p.padding[d]![0] + p.padding[d]![1] - dilated(kSp[d]!, r[d]!)) / s[d]!) + 1));
  const xs = x.toFloat64Array();
  const ws = w.toFloat64Array();
  const flat = (idx: number[], shape: number[]) => idx.reduce((acc, v, i) => acc * shape[i]! + v, 0);
  const grid = (shape: number[]): number[][] => shape.reduce<number[][]>((acc, n) => acc.flatMap((pre) => [...globalThis.Array(n).keys()].map((v) => [...pre, v])), [[]]);
  const out: number[] = [];
  for (let n = 0; n < N! / B; n++) {
    for (let o = 0; o < O!; o++) {
      const g = G > 1 ? Math.floor(o / (O! / G)) : 0;
      const example = B > 1 ? Math.floor(o / (O! / B)) * (N! / B) + n : n;
      for (const y of grid(outSp)) {
        let sum = 0;
        for (let i = 0; i < I!; i++) {
          for (const k of grid(kSp)) {
            const pos = y.map((yd, d) => yd * s[d]! + k[d]! * r[d]! - p.padding[d]![0]);
            if (pos.some((q, d) => q < 0 || q % l[d]! !== 0 || q / l[d]! >= inSp[d]!)) continue;
            sum += xs[flat([example, g * I! + i, ...pos.map((q, d) => q / l[d]!)], [N!, C!, ...inSp])]! * ws[flat([o, i, ...k], [O!, I!, ...kSp])]!;
          }
        }
        out.push(sum);
      }
    }
  }
  return np.reshape(np.array(out), [N! / B, O!, ...outSp]);
}

const configs: fc.Arbitrary<Config> = fc
  .record({
    nd: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    byBatch: fc.boolean(),
    perGroupOut: fc.integer({ min: 1, max: 2 }),
    I: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 0, max: 2 }),
  })
  .chain(({ nd, groups, byBatch, perGroupOut, I, n }) => {
    const axis = fc.record({
      size: fc.integer({ min: 1, max: 6 }),
      k: fc.integer({ min: 1, max: 3 }),
      s: fc.integer({ min: 1, max: 3 }),
      l: fc.integer({ min: 1, max: 3 }),
      r: fc.integer({ min: 1, max: 2 }),
      lo: fc.integer({ min: -1, max: 3 }),
      hi: fc.integer({ min: -1, max: 3 }),
    });
    return fc.array(axis, { minLength: nd, maxLength: nd }).map((axes): Config => {
      const G = byBatch ? 1 : groups;
      const B = byBatch ? groups : 1;
      const O = groups * perGroupOut;
      return {
        x: [n * B, I * G, ...axes.map((a) => a.size)],
        w: [O, I, ...axes.map((a) => a.k)],
        opts: {
          windowStrides: axes.map((a) => a.s), lhsDilation: axes.map((a) => a.l), rhsDilation: axes.map((a) => a.r),
          padding: axes.map((a) => [a.lo, a.hi]), featureGroupCount: G, batchGroupCount: B,
        },
      };
    });
  });

const filled = (shape: number[], phase: number) => np.reshape(np.sin(np.add(np.mul(np.arange(shape.reduce((a, b) => a * b, 1)), 0.77), phase)), shape);

describe("nn.conv: the im2col kernel equals direct loops over the definition", () => {
  it("random shapes, strides, paddings (crops too), dilations, feature and batch groups", () => {
    fc.assert(
      fc.property(configs, (c) => {
        const x = filled(c.x, 0.1);
        const w = filled(c.w, 0.7);
        expectArrayClose(nn.conv(x, w, c.opts), direct(x, w, c), 1e-12, 1e-12);
      }),
      { numRuns: runs(150) },
    );
  });

  it("jit and vmap give the eager result", () => {
    fc.assert(
      fc.property(configs, (c) => {
        const x = filled(c.x, 0.3);
        const w = filled(c.w, 0.9);
        const f = (a: Array, b: Array) => nn.conv(a, b, c.opts);
        const eager = f(x, w);
        expect([...jit(f)(x, w).toFloat64Array()]).toEqual([...eager.toFloat64Array()]);
        const twice = vmap(f, { inAxes: [null, 0] })(x, np.stack([w, w.mul(2)]));
        expectArrayClose(twice, np.stack([eager, eager.mul(2)]), 1e-13, 1e-13);
      }),
      { numRuns: runs(30) },
    );
  });
});

describe("nn.conv and nn.convTranspose: arguments", () => {
  const x = np.ones([2, 4, 5, 5]);
  const w = np.ones([6, 2, 3, 3]);
  it.each([
    [() => nn.conv(np.ones([2, 5]), np.ones([3, 5])), /^nn\.conv: x must be \[N, C, \.\.\.spatial\]/],
    [() => nn.conv(x, np.ones([6, 4, 3])), /^nn\.conv: w must be \[O, I, \.\.\.window\] of x's rank 4/],
    [() => nn.conv(x, w), /^nn\.conv: x has 4 channels \(axis 1\) but w of shape \(6,2,3,3\) takes 2·1/],
    [() => nn.conv(x, w, { featureGroupCount: 2, batchGroupCount: 2 }), /cannot both exceed 1/],
    [() => nn.conv(x, np.ones([5, 2, 3, 3]), { featureGroupCount: 2 }), /5 output channels do not split into 2 feature groups/],
    [() => nn.conv(x, w, { featureGroupCount: 2, padding: "FULL" as "SAME" }), /^nn\.conv: padding must be "VALID", "SAME", "SAME_LOWER" or 2 \[before, after\] pairs/],
    [() => nn.conv(x, w, { featureGroupCount: 2, padding: [[1, 1]] }), /padding must be/],
    [() => nn.conv(x, w, { featureGroupCount: 2, windowStrides: 0 }), /^nn\.conv: windowStrides must be a positive integer, got 0/],
    [() => nn.conv(x, w, { featureGroupCount: 2, rhsDilation: [1, 2, 3] }), /^nn\.conv: rhsDilation must be a positive integer or a list of 2/],
    [() => nn.conv(x, w, { featureGroupCount: 2, stride: 2 } as nn.ConvOptions), /^nn\.conv: unknown option "stride"/],
    [() => nn.conv(x, np.ones([6, 2, 0, 3]), { featureGroupCount: 2 }), /the window \(w's spatial axes\) must not be empty/],
    [() => nn.conv([1, 2, 3] as unknown as Array, w), /^nn\.conv: x must be an Array, a number or a boolean, got \[1, 2, 3\] \(wrap it with np\.array\)/],
    [() => nn.convTranspose(x, w), /^nn\.convTranspose: x has 4 channels \(axis 1\) but w of shape \(6,2,3,3\) takes 2/],
    [() => nn.convTranspose(x, np.ones([6, 4, 3, 3]), { padding: "SAME_LOWER" }), /^nn\.convTranspose: padding must be "VALID", "SAME" or 2/],
  ])("%#: one line naming the function", (call, message) => {
    const m = errorOf(call);
    expect(m).toMatch(message);
    expect(m).not.toContain("\n");
  });

  it("int32 and bool inputs are converted to float64; float32 stays float32", () => {
    const xi = np.ones([1, 1, 4], { dtype: "int32" });
    expect(nn.conv(xi, np.ones([1, 1, 2], { dtype: "bool" })).dtype).toBe("float64");
    expect(nn.conv(np.ones([1, 1, 4], { dtype: "float32" }), np.ones([1, 1, 2], { dtype: "float32" })).dtype).toBe("float32");
    expect(nn.conv(np.ones([1, 1, 4], { dtype: "float32" }), np.ones([1, 1, 2])).dtype).toBe("float64");
  });

  it("padding names are case-insensitive, as JAX's", () => {
    expect(nn.conv(np.ones([1, 1, 5]), np.ones([1, 1, 3]), { padding: "same" as "SAME" }).shape).toEqual([1, 1, 5]);
  });
});

describe("nn.conv under vmap over an empty axis", () => {
  it("gives an empty batch of results", () => {
    const f = (x: Array, w: Array) => nn.conv(x, w, { featureGroupCount: 2 });
    expect(vmap(f)(np.zeros([0, 1, 4, 5]), np.zeros([0, 2, 2, 2])).shape).toEqual([0, 1, 2, 4]);
    expect(vmap(f, { inAxes: [0, null] })(np.zeros([0, 1, 4, 5]), np.zeros([2, 2, 2])).shape).toEqual([0, 1, 2, 4]);
  });
});
