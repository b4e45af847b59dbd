import { describe, expect, it } from "vitest";
import { grad, hessian, jacfwd, jacrev, jit, np, vmap, type Array } from "nabla";

// ∂/∂xᵢ Πx = Π_{j≠i} xⱼ and ∂²/∂xᵢ∂xⱼ Πx = Π_{k≠i,j} xₖ (0 on the diagonal), computed
// here by plain loops: the closed forms the rule must reproduce, also where the whole
// product underflows or has zeros (where dividing the product by xᵢ goes wrong).

function othersProduct(xs: readonly number[], skip: readonly number[]): number {
  return xs.reduce((p, v, k) => (skip.includes(k) ? p : p * v), 1);
}
const gradient = (xs: number[]) => xs.map((_, i) => othersProduct(xs, [i]));
const hessianOf = (xs: number[]) => xs.map((_, i) => xs.map((_, j) => (i === j ? 0 : othersProduct(xs, [i, j]))));
const prod = (x: Array) => np.prod(x);
/** The values, with −0 read as 0 (a product with a zero factor may carry either sign). */
const values = (a: Array) => a.add(0).toArray();

const UNDERFLOWING = [
  [-1.39e-6, 5e-324], // the fuzzer's case: Πx rounds to −0, and −0 / 5e-324 = 0
  [1e-200, 1e-200, 3], // Πx = 0 in float64; the others' products are 3e-200 and 1e-400·… = 0
  [1e-160, 2, 1e-160, 0.5],
  [0, 1e-300, 1e-300], // a zero and an underflow together
];
const ZEROS = [[0, 2, 3], [0, 0, 3], [0, 0, 0], [2, 0, 3, 0, 5], [1.5, -2, 0.25, 3, -1, 7, 0.5]];

describe("prod's derivative is the product of the other elements", () => {
  it("where the whole product underflows (reverse, forward, jit)", () => {
    for (const xs of UNDERFLOWING) {
      const x = np.array(xs);
      expect(grad(prod)(x).toArray(), String(xs)).toEqual(gradient(xs));
      expect(jacfwd(prod)(x).toArray(), String(xs)).toEqual(gradient(xs));
      expect(jit(grad(prod))(x).toArray(), String(xs)).toEqual(gradient(xs));
    }
  });

  it("at zeros and at smooth points, to second order (reverse-over-reverse, forward-over-reverse)", () => {
    for (const xs of [...ZEROS, ...UNDERFLOWING]) {
      const x = np.array(xs);
      expect(grad(prod)(x).toArray(), String(xs)).toEqual(gradient(xs));
      expect(values(hessian(prod)(x)), String(xs)).toEqual(hessianOf(xs));
      expect(values(jacrev(grad(prod))(x)), String(xs)).toEqual(hessianOf(xs));
    }
  });

  it("along several axes at once, in any order, with keepdims", () => {
    const data = np.array([1e-170, 2, -3, 1e-170, 0, 5, 7, -1, 1e-170, 4, 0.5, 3]).reshape([2, 3, 2]);
    const flat = data.toArray() as number[][][];
    for (const axis of [[0, 2], [2, 0], [1], [0, 1, 2]]) {
      const g = grad((x: Array) => np.prod(x, { axis, keepdims: true }).sum())(data).toArray() as number[][][];
      flat.forEach((plane, i) =>
        plane.forEach((row, j) =>
          row.forEach((_, k) => {
            // The elements sharing (i, j, k)'s coordinates off the reduced axes.
            const group: number[] = [];
            let self = -1;
            flat.forEach((p2, i2) =>
              p2.forEach((r2, j2) =>
                r2.forEach((v, k2) => {
                  const same = [i2 === i, j2 === j, k2 === k].every((eq, d) => axis.includes(d) || eq);
                  if (!same) return;
                  if (i2 === i && j2 === j && k2 === k) self = group.length;
                  group.push(v);
                }),
              ),
            );
            expect(g[i]![j]![k], `axis ${axis} at ${[i, j, k]}`).toBe(othersProduct(group, [self]));
          }),
        ),
      );
    }
  });

  it("batches under vmap, also inside jit", () => {
    const rowsOf = [[-1.39e-6, 5e-324, 2], [0, 4, 5], [1, 2, 3]];
    const expected = rowsOf.map(gradient);
    expect(vmap(grad(prod))(np.array(rowsOf)).toArray()).toEqual(expected);
    expect(jit(vmap(grad(prod)))(np.array(rowsOf)).toArray()).toEqual(expected);
    expect(values(vmap(hessian(prod))(np.array(rowsOf)))).toEqual(rowsOf.map(hessianOf));
  });

  it("is zero for an empty reduction and one for a single element", () => {
    expect(grad((x: Array) => np.prod(x, { axis: 1 }).sum())(np.zeros([3, 0])).shape).toEqual([3, 0]);
    expect(grad((x: Array) => np.prod(x, { axis: 1 }).sum())(np.array([[5e-324], [-2]])).toArray()).toEqual([[1], [1]]);
  });
});
