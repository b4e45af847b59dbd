// The optimizers' fused vector loops: each must give the bits of the separate passes it
// replaces (so L-BFGS's iterates are unchanged), at lengths that exercise every remainder.
import { describe, expect, it } from "vitest";
import { minimize, np, optim } from "nabla";
import { arenasMade, setWasmEnabled, vectorArena, vectorKernels } from "../../packages/nabla/src/array/index.js";
import { addScaled, allFinite, copyAndDot, distInf, dot, negatedUpdateAndDot, normInf, pairAndProducts, sub, updateAndDot } from "../../packages/nabla/src/optim/vec.js";

// A fixed, irregular sequence (no RNG needed): sums of these round differently in each order.
const vector = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 1e3 + 1 / (i + seed));

/** wᵀ(scale·(q + c·u)) summed as two chains, even and odd terms: the order updateAndDot promises. */
function evenOddDot(w: Float64Array, v: Float64Array): number {
  let even = 0, odd = 0;
  for (let i = 0; i < v.length; i++) (i % 2 === 0 ? (even += w[i]! * v[i]!) : (odd += w[i]! * v[i]!));
  return even + odd;
}

describe("optim vector loops", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 1001]) {
    it(`match the separate passes bit for bit at n = ${n}`, () => {
      const [g, w, u, x1, x0] = [1, 2, 3, 4, 5].map((seed) => vector(n, seed)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      const q = new Float64Array(n);
      expect(copyAndDot(q, g, w)).toBe(dot(w, g));
      expect(q).toEqual(g);

      const expected = q.map((qi, i) => 0.75 * (qi + -0.3 * u[i]!));
      expect(updateAndDot(q, -0.3, u, 0.75, w)).toBe(evenOddDot(w, expected));
      expect(q).toEqual(expected);

      // The two-loop recursion's last pass: q ← −(q + c·u) and the slope gᵀq, as dot forms it.
      const negated = q.map((qi, i) => -(qi + 0.6 * u[i]!));
      expect(negatedUpdateAndDot(q, 0.6, u, g)).toBe(dot(g, negated));
      expect(q).toEqual(negated);

      // x + α·d into a given buffer: the same bits as into a fresh one, and every element written.
      const out = new Float64Array(n).fill(NaN);
      expect(addScaled(x1, -0.37, x0, out)).toBe(out);
      expect(out).toEqual(addScaled(x1, -0.37, x0));
      expect(out).toEqual(x1.map((v, i) => v + -0.37 * x0[i]!));

      const s = new Float64Array(n);
      const y = new Float64Array(n);
      const [sy, yy] = pairAndProducts(x1, x0, w, g, s, y);
      expect(s).toEqual(x1.map((v, i) => v - x0[i]!));
      expect(y).toEqual(w.map((v, i) => v - g[i]!));
      expect([sy, yy]).toEqual([dot(s, y), dot(y, y)]);
    });
  }

  it("reject vectors of different lengths, naming the op", () => {
    expect(() => updateAndDot(new Float64Array(3), 1, new Float64Array(2), 1, new Float64Array(3))).toThrow(/updateAndDot: lengths 3, 2, 3/);
    expect(() => copyAndDot(new Float64Array(3), new Float64Array(3), new Float64Array(4))).toThrow(/copyAndDot/);
    expect(() => negatedUpdateAndDot(new Float64Array(3), 1, new Float64Array(3), new Float64Array(2))).toThrow(/negatedUpdateAndDot: lengths 3, 3, 2/);
    expect(() => addScaled(new Float64Array(3), 1, new Float64Array(3), new Float64Array(4))).toThrow(/addScaled: lengths 3, 3, 4/);
  });

  it("normInf lets NaN win wherever it is, and allFinite sees every non-finite value", () => {
    expect(normInf(Float64Array.of(1, -7, 3))).toBe(7);
    expect(normInf(Float64Array.of(1, NaN, 3))).toBeNaN();
    expect(normInf(Float64Array.of(9, 1, NaN))).toBeNaN();
    expect(normInf(Float64Array.of(-Infinity, 1))).toBe(Infinity);
    // A finite ‖a‖∞ is what minimize's finiteness test reads now: it must agree with allFinite.
    for (const bad of [NaN, Infinity, -Infinity]) for (let at = 0; at < 5; at++) {
      const a = Float64Array.of(1, -2, 3, -4, 5);
      a[at] = bad;
      expect(Number.isFinite(normInf(a))).toBe(allFinite(a));
    }
    expect(allFinite(Float64Array.of(1e308, -1e308, 0))).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity]) expect(allFinite(Float64Array.of(1, bad, 2))).toBe(false);
    expect(allFinite(new Float64Array(0))).toBe(true);
  });

  it("distInf is normInf of the difference, bit for bit, NaN included", () => {
    const a = Float64Array.of(1, -7.25, 3, 0.1, -0);
    const b = Float64Array.of(0.5, 2, 3, 0.3, 0);
    expect(distInf(a, b)).toBe(normInf(sub(a, b)));
    expect(distInf(a, b)).toBe(9.25);
    expect(distInf(Float64Array.of(1, Infinity), Float64Array.of(1, Infinity))).toBeNaN();
    expect(distInf(Float64Array.of(NaN, 5), Float64Array.of(0, 0))).toBeNaN();
  });
});

// In a vector arena the long passes (from 64 elements) run their main loop in
// WebAssembly (f64x2 lanes holding vec.ts's running sums): the results must be the plain
// arrays' bits, at every remainder of four. Reordering a kernel's sums (both halves into
// one accumulator) makes these fail: 8 of the 9 lengths from 64 on, and the L-BFGS
// iterates (checked).
describe("optim vector loops in a vector arena (WebAssembly)", () => {
  it("route an arena's vectors of 64 or more elements to the kernels, and nothing else", () => {
    const [a, b] = vectorArena(64, 2)!;
    expect(vectorKernels(a!, b!)).toBeDefined();
    expect(vectorKernels(a!, new Float64Array(64))).toBeUndefined();
    const [c] = vectorArena(64, 1)!;
    expect(vectorKernels(a!, c!)).toBeUndefined(); // another arena: another memory
    const [d, e] = vectorArena(63, 2)!;
    expect(vectorKernels(d!, e!)).toBeUndefined(); // short: the loop is cheaper than the call
  });

  it("leave a short vector's buffer unread (reading it moves V8's in-object data out: 20× slower)", () => {
    let reads = 0;
    class Watched extends Float64Array {
      override get buffer(): ArrayBuffer {
        reads++;
        return super.buffer as ArrayBuffer;
      }
    }
    const a = new Watched(2).fill(1);
    expect(dot(a, a)).toBe(2);
    expect(updateAndDot(a, 1, a, 1, a)).toBe(8);
    expect(reads).toBe(0);
  });

  for (const n of [0, 3, 17, 64, 65, 66, 67, 68, 69, 70, 71, 1001]) {
    it(`give the plain arrays' bits at n = ${n}`, () => {
      const plain = [1, 2, 3, 4].map((seed) => vector(n, seed)) as [Float64Array, Float64Array, Float64Array, Float64Array];
      const arena = vectorArena(n, 4)! as [Float64Array, Float64Array, Float64Array, Float64Array];
      arena.forEach((v, k) => v.set(plain[k]!));
      const [q, u, w, g] = arena;
      const [pq, pu, pw, pg] = plain;
      expect(dot(u, w)).toBe(dot(pu, pw));
      expect(copyAndDot(q, g, w)).toBe(copyAndDot(pq, pg, pw));
      expect(q).toEqual(pq);
      expect(updateAndDot(q, -0.3, u, 0.75, w)).toBe(updateAndDot(pq, -0.3, pu, 0.75, pw));
      expect(q).toEqual(pq);
      expect(negatedUpdateAndDot(q, 0.6, u, g)).toBe(negatedUpdateAndDot(pq, 0.6, pu, pg));
      expect(q).toEqual(pq);
    });
  }

  it("a vector of another length is not passed to the kernels", () => {
    const [a, b] = vectorArena(80, 2)!;
    expect(dot(a!.fill(1), b!.subarray(0, 70).fill(1))).toBeNaN(); // as plain arrays: a[70]·undefined
  });

  it("L-BFGS keeps its pairs in an arena from 512 variables on, with the same iterates as without", () => {
    const n = 514; // n mod 4 = 2: the passes' tails run too
    const p = optim.problems.extendedRosenbrock(n);
    const x0 = np.array(Float64Array.from(p.x0));
    const before = arenasMade();
    const fast = minimize(p.f, x0, { method: "lbfgs" });
    expect(arenasMade()).toBe(before + 1);
    setWasmEnabled(false);
    let plain;
    try {
      plain = minimize(p.f, x0, { method: "lbfgs" });
    } finally {
      setWasmEnabled(true);
    }
    expect(fast.status).toBe("converged");
    expect([fast.nit, fast.nfev, fast.fun]).toEqual([plain.nit, plain.nfev, plain.fun]);
    expect(fast.x.toFloat64Array()).toEqual(plain.x.toFloat64Array());
    const small = optim.problems.extendedRosenbrock(510);
    minimize(small.f, np.array(Float64Array.from(small.x0)), { method: "lbfgs" });
    expect(arenasMade()).toBe(before + 1); // below 512 the loops run in JavaScript
  });
});
