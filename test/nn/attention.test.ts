import { describe, expect, it } from "vitest";
import { checkGrads, grad, jit, nn, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";
import { FIXTURES, dec, expectArrayClose, type Enc } from "./fixtures.js";

interface AttentionFixture {
  name: string;
  q: Enc;
  k: Enc;
  v: Enc;
  opts: { bias?: Enc; mask?: Enc; scale?: number; isCausal?: boolean };
  out: Enc;
}

const CASES: AttentionFixture[] = FIXTURES.attention;
const optsOf = ({ opts: { bias, mask, ...rest } }: AttentionFixture): nn.AttentionOptions => ({
  ...rest,
  ...(bias ? { bias: dec(bias) } : {}),
  ...(mask ? { mask: dec(mask) } : {}),
});

describe("nn.dotProductAttention against numpy (jax.nn.dot_product_attention's XLA path)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const tol = c.q.dtype === "float32" ? 2e-6 : 1e-13;
    expectArrayClose(nn.dotProductAttention(dec(c.q), dec(c.k), dec(c.v), optsOf(c)), c.out, tol, tol);
  });

  it("a query with every key masked attends uniformly: the mean of the values, with finite gradients", () => {
    const q = np.reshape(np.sin(np.arange(2 * 3 * 2 * 4)), [2, 3, 2, 4]);
    const k = np.reshape(np.cos(np.arange(2 * 5 * 2 * 4)), [2, 5, 2, 4]);
    const v = np.reshape(np.sin(np.arange(2 * 5 * 2 * 4).mul(0.3)), [2, 5, 2, 4]);
    const mask = np.less(np.reshape(np.arange(3), [1, 1, 3, 1]), 2); // query 2 sees no key
    const out = nn.dotProductAttention(q, k, v, { mask: np.broadcastTo(mask, [2, 2, 3, 5]) });
    expectArrayClose(out.slice(null, 2), np.mean(v, { axis: 1 }), 1e-14, 1e-14);
    const g = grad((a: Array, b: Array, c: Array) => nn.dotProductAttention(a, b, c, { mask }).square().sum(), { argnums: [0, 1, 2] })(q, k, v);
    for (const gi of g) for (const e of gi.toFloat64Array()) expect(Number.isFinite(e)).toBe(true);
  });

  it("derivatives of order 2 in both modes w.r.t. query, key, value and bias (grouped heads, causal, masked)", () => {
    const q = np.reshape(np.sin(np.arange(1 * 3 * 4 * 2).mul(0.7)), [1, 3, 4, 2]);
    const k = np.reshape(np.cos(np.arange(1 * 4 * 2 * 2).mul(0.9)), [1, 4, 2, 2]);
    const v = np.reshape(np.sin(np.arange(1 * 4 * 2 * 2).mul(1.3)), [1, 4, 2, 2]);
    const bias = np.reshape(np.cos(np.arange(12).mul(0.4)), [3, 4]);
    const mask = np.array([[true, false, true, true], [true, true, false, true], [false, true, true, true]]);
    checkGrads((a: Array, b: Array, c: Array, d: Array) => nn.dotProductAttention(a, b, c, { bias: d, mask, isCausal: true, scale: 0.8 }), [q, k, v, bias], { order: 2 });
  });

  it("3-D inputs are one example of 4-D ones; vmap over examples and jit agree", () => {
    const q = np.reshape(np.sin(np.arange(2 * 3 * 2 * 4)), [2, 3, 2, 4]);
    const kv = np.reshape(np.cos(np.arange(2 * 4 * 1 * 4)), [2, 4, 1, 4]);
    const f = (a: Array, b: Array) => nn.dotProductAttention(a, b, b, { isCausal: true });
    const batched = f(q, kv);
    expectArrayClose(f(q.slice(1), kv.slice(1)), batched.slice(1), 1e-15, 1e-15);
    expectArrayClose(vmap(f)(q, kv), batched, 1e-15, 1e-15);
    expect([...jit(f)(q, kv).toFloat64Array()]).toEqual([...batched.toFloat64Array()]);
  });

  it("empty batches and zero keys give empty or zero results", () => {
    expect(nn.dotProductAttention(np.ones([0, 2, 2, 3]), np.ones([0, 4, 2, 3]), np.ones([0, 4, 2, 3])).shape).toEqual([0, 2, 2, 3]);
    expect(nn.dotProductAttention(np.ones([1, 2, 2, 3]), np.ones([1, 0, 2, 3]), np.ones([1, 0, 2, 3])).toArray()).toEqual(np.zeros([1, 2, 2, 3]).toArray());
  });

  it.each([
    [() => nn.dotProductAttention(np.ones([2, 3]), np.ones([2, 3]), np.ones([2, 3])), /^nn\.dotProductAttention: query, key and value must all be \[B, T, N, H\] or all \[T, N, H\]/],
    [() => nn.dotProductAttention(np.ones([1, 2, 3, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4])), /N a multiple of K/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 6, 2, 4])), /key and value must be \[B, S, K, H\]/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4]), { mask: np.ones([2, 5]) }), /^nn\.dotProductAttention: mask must be a bool Array, got an Array of shape \(2,5\) of float64$/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4]), { bias: np.ones([3, 5]) }), /^nn\.dotProductAttention: cannot broadcast \(3,5\) with \(1,2,2,5\)$/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4]), { bias: np.ones([1, 1, 1, 2, 5]) }), /bias of shape \(1,1,1,2,5\) does not broadcast to \(1,2,2,5\)/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4]), { scale: Infinity }), /scale must be a finite number/],
    [() => nn.dotProductAttention(np.ones([1, 2, 2, 4]), np.ones([1, 5, 2, 4]), np.ones([1, 5, 2, 4]), { causal: true } as nn.AttentionOptions), /^nn\.dotProductAttention: unknown option "causal"/],
  ])("%#: one-line errors naming the function", (call, message) => {
    expect(errorOf(call)).toMatch(message);
  });
});
