import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, jit, jvp, np, vmap, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// The fixes of issue 11: pow's derivative at 0 (to any order, both modes), pow's C special
// values, integer pow, saturating float-to-int32 casts, and rounding that keeps integer
// dtypes. Reference values are hand-worked (n!/(n−k)! for derivatives of xⁿ) or numpy's.

const values = (x: Array): number[] => [...x.toFloat64Array()];
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

/** The k-th derivative of f, by nesting grad (reverse) or jvp (forward). */
function nth(f: (x: Array) => Array, k: number, mode: "rev" | "fwd"): (x: Array) => Array {
  let g = f;
  for (let i = 0; i < k; i++) {
    const h = g;
    g = mode === "rev" ? grad(h) : (x: Array) => jvp(h, [x], [np.onesLike(x)])[1];
  }
  return g;
}

describe("pow's derivatives at x = 0", () => {
  it("d/dx x⁰ is 0 at 0 (not 0·∞ = NaN), in both modes", () => {
    expect(grad((x: Array) => np.pow(x, 0))(np.array(0)).item()).toBe(0);
    expect(jvp((x: Array) => np.pow(x, 0), [np.array(0)], [np.array(1)])[1].item()).toBe(0);
    expect(values(jacrev((x: Array) => np.pow(x, 0))(np.zeros([3])))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("the k-th derivative of xⁿ at 0 is n! for k = n and 0 otherwise, n ≤ 5, k ≤ 6, both modes", () => {
    for (const mode of ["rev", "fwd"] as const) {
      for (let n = 0; n <= 5; n++) {
        for (let k = 1; k <= 6; k++) {
          const d = nth((x: Array) => np.pow(x, n), k, mode)(np.array(0)).item();
          expect(d, `d^${k}/dx^${k} x^${n} at 0 (${mode})`).toBe(k === n ? fact(n) : 0);
        }
      }
    }
  });

  it("the rule holds away from 0 too: d³/dx³ x³ = 6 and d⁴/dx⁴ x³ = 0 at x = 1.5, mixed modes", () => {
    const f = (x: Array) => np.pow(x, 3);
    const fwdOverRev = (x: Array) => jvp(grad(grad(f)), [x], [np.onesLike(x)])[1];
    expect(fwdOverRev(np.array(1.5)).item()).toBeCloseTo(6, 12);
    expect(nth(f, 4, "rev")(np.array(1.5)).item()).toBe(0);
    expect(nth(f, 2, "fwd")(np.array(0)).item()).toBe(0);
  });

  it("polynomial features x^[0, 1, 2, 3] at 0: Jacobians [0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 6]", () => {
    const features = (x: Array) => np.pow(x, np.arange(4));
    for (const jac of [jacfwd, jacrev]) {
      expect(values(jac(features)(np.array(0)))).toEqual([0, 1, 0, 0]);
      expect(values(jac(jac(features))(np.array(0)))).toEqual([0, 0, 2, 0]);
      expect(values(jac(jac(jac(features)))(np.array(0)))).toEqual([0, 0, 0, 6]);
    }
    // A polynomial model at a batch of points including 0: the Hessian is finite.
    const model = (x: Array) => np.sum(np.mul(np.pow(np.expandDims(x, -1), np.arange(5)), np.array([1, -2, 3, -4, 5])));
    const h = hessian(model)(np.array([0, 0.5, -1]));
    expect(values(h).every(Number.isFinite)).toBe(true);
    expect(values(h)[0]).toBe(2 * 3); // d²/dx² of 3x² at 0; the other terms vanish there
  });

  it("the mixed derivative ∂²xʸ/∂x∂y at y = 0 is 1/x, whichever variable is taken first, both modes", () => {
    // xʸ at (x, y) = (0.5, 0): Hessian [[y(y−1)x^(y−2), x^(y−1)(1 + y·log x)], [·, xʸ·log²x]].
    const f = (v: Array) => np.pow(v.slice(0), v.slice(1));
    const expected = [0, 2, 2, Math.log(0.5) ** 2];
    for (const h of [hessian(f), jacfwd(jacrev(f)), jacrev(jacfwd(f)), jacfwd(jacfwd(f)), jacrev(jacrev(f))]) {
      values(h(np.array([0.5, 0]))).forEach((d, i) => expect(d).toBeCloseTo(expected[i]!, 14));
    }
    // And at another x, and in float32 (for x < 0, xʸ has no derivative in y: NaN, as log x).
    const dxdy = (x: number, dtype: "float64" | "float32") =>
      grad((y: Array) => grad((u: Array) => np.pow(u, y))(np.array(x, { dtype })))(np.array(0, { dtype })).item();
    expect(dxdy(4, "float64")).toBe(0.25);
    expect(dxdy(-4, "float64")).toBeNaN();
    expect(dxdy(0.5, "float32")).toBe(2);
  });

  it("d/dx x⁰ stays 0 where x⁻¹ overflows (subnormal x), in float64 and float32, y traced or not", () => {
    for (const [x, dtype] of [[5e-324, "float64"], [-1e-310, "float64"], [1e-45, "float32"]] as const) {
      expect(grad((u: Array) => np.pow(u, 0))(np.array(x, { dtype })).item()).toBe(0);
      expect(jvp((u: Array) => np.pow(u, 0), [np.array(x, { dtype })], [np.array(1, { dtype })])[1].item()).toBe(0);
      // With y traced too (the y = 0 form's branch): ∂/∂x is still 0, ∂/∂y is log x.
      const [dx, dy] = grad((u: Array, v: Array) => np.pow(u, v), { argnums: [0, 1] })(np.array(x, { dtype }), np.array(0, { dtype }));
      expect(dx.item()).toBe(0);
      if (x > 0) expect(dy.item()).toBeCloseTo(Math.log(dtype === "float32" ? Math.fround(x) : x), dtype === "float32" ? 4 : 12);
    }
  });

  it("d/dy xʸ is finite at x = 0 (0ʸ is flat in y for y > 0), both modes, second order too", () => {
    const f = (y: Array) => np.sum(np.pow(np.array([0, 0, 2]), y));
    const y0 = np.array([1, 2.5, 3]);
    expect(values(grad(f)(y0))).toEqual([0, 0, 8 * Math.log(2)]);
    expect(values(hessian(f)(y0)).every(Number.isFinite)).toBe(true);
    const [, t] = jvp(f, [y0], [np.ones([3])]);
    expect(t.item()).toBeCloseTo(8 * Math.log(2), 12);
  });
});

describe("pow's special values follow C (IEEE 754), eager, jitted, float32", () => {
  // [x, y, C's pow(x, y)]; Math.pow gives NaN for the first five.
  const CASES: [number, number, number][] = [
    [1, NaN, 1], [1, Infinity, 1], [1, -Infinity, 1], [-1, Infinity, 1], [-1, -Infinity, 1],
    [NaN, 0, 1], [NaN, -0, 1], [Infinity, 0, 1], [0, 0, 1], [-0, -1, -Infinity], [0, -1, Infinity], [-8, 1 / 3, NaN],
    [2, NaN, NaN], [NaN, 1, NaN], [-0.5, Infinity, 0], [-2, -Infinity, 0],
  ];
  const x = CASES.map((c) => c[0]);
  const y = CASES.map((c) => c[1]);
  const want = CASES.map((c) => c[2]);

  it.each(["float64", "float32"] as const)("%s", (dtype) => {
    const [a, b] = [np.array(x, { dtype }), np.array(y, { dtype })];
    expect(values(np.pow(a, b))).toEqual(want);
    expect(values(jit(np.pow)(a, b))).toEqual(want);
    expect(values(vmap(np.pow)(a, b))).toEqual(want);
  });
});

describe("integer pow (numpy 2: int32 ** int32 is int32)", () => {
  const i32 = (v: number[]) => np.array(v, { dtype: "int32" });

  it("is exact modulo 2³², as numpy (3⁴⁰ wraps to 689956897)", () => {
    const out = np.pow(i32([3, 2, -3, 7, 0, -1]), i32([40, 31, 3, 0, 0, 7]));
    expect(out.dtype).toBe("int32");
    expect(out.toArray()).toEqual([689956897, -2147483648, -27, 1, 1, -1]);
    expect(jit(np.pow)(i32([3, 2]), i32([40, 31])).toArray()).toEqual([689956897, -2147483648]);
  });

  it("keeps int32 with a plain integer, goes float64 with a fraction; bool counts as int32", () => {
    expect(np.pow(i32([2, 3]), 2).dtype).toBe("int32");
    expect(np.pow(2, i32([3])).toArray()).toEqual([8]);
    expect(np.pow(i32([4]), 0.5).dtype).toBe("float64");
    expect(np.pow(np.array([true, false]), np.array([true, true])).dtype).toBe("int32");
  });

  it("refuses a known negative exponent (numpy's error); traced, it gives the truncated 1/x^|y|", () => {
    expect(errorOf(() => np.pow(i32([2]), -1))).toMatch(/^pow: integers to negative integer powers are not allowed/);
    expect(errorOf(() => np.pow(i32([2]), i32([1, -2])))).toMatch(/^pow: integers to negative/);
    expect(jit(np.pow)(i32([2, 1, -1, -1, 0]), i32([-1, -5, -3, -2, -1])).toArray()).toEqual([0, 1, -1, 1, 0]);
  });
});

describe("float-to-int32 casts saturate (as JAX): NaN → 0, ±∞ and out of range → the bounds", () => {
  const input = [NaN, Infinity, -Infinity, 3e9, -3e9, 2147483647.9, -2147483648.9, -0.5, 2.7, -2.7, 1e300];
  const want = [0, 2147483647, -2147483648, 2147483647, -2147483648, 2147483647, -2147483648, 0, 2, -2, 2147483647];

  it.each(["float64", "float32"] as const)("astype from %s, eager, jitted (fused) and batched", (dtype) => {
    const x = np.array(input, { dtype });
    // float32 rounds 2147483647.9 up to 2³¹ and −2147483648.9 to −2³¹: the same bounds.
    expect(x.astype("int32").toArray()).toEqual(want);
    expect(jit((v: Array) => np.astype(np.mul(v, 1), "int32"))(x).toArray()).toEqual(want);
    expect(vmap((v: Array) => np.astype(v, "int32"))(x).toArray()).toEqual(want);
  });

  it("np.array (from lists and typed arrays) and np.full with dtype int32 saturate too", () => {
    expect(np.array(input, { dtype: "int32" }).toArray()).toEqual(want);
    expect(np.array(new Float64Array(input), { dtype: "int32" }).toArray()).toEqual(want);
    expect(np.full([1], -1e10, { dtype: "int32" }).toArray()).toEqual([-2147483648]);
  });

  it("integer arithmetic still wraps as numpy's does (only casts from float saturate)", () => {
    expect(np.add(np.array([2147483647], { dtype: "int32" }), 1).toArray()).toEqual([-2147483648]);
  });
});

describe("rounding keeps integer dtypes (numpy 2)", () => {
  const ints = np.array([3, -2, 2147483647], { dtype: "int32" });
  it.each([["floor", np.floor], ["ceil", np.ceil], ["trunc", np.trunc], ["round", (x: Array) => np.round(x)]] as const)("%s", (_name, fn) => {
    expect(fn(ints).dtype).toBe("int32");
    expect(fn(ints).toArray()).toEqual([3, -2, 2147483647]);
    expect(fn(np.array([true, false])).dtype).toBe("bool");
    expect(fn(np.array([1.5], { dtype: "float32" })).dtype).toBe("float32");
  });

  it("round of int32 with negative decimals rounds halves to even, in int32 (saturating past the bounds)", () => {
    const x = np.array([15, 25, -15, -25, 149, 2147483647], { dtype: "int32" });
    const out = np.round(x, { decimals: -1 });
    expect(out.dtype).toBe("int32");
    // numpy gives −2147483648 for the last (C's undefined cast of 2147483650.0); JAX saturates.
    expect(out.toArray()).toEqual([20, 20, -20, -20, 150, 2147483647]);
  });
});
