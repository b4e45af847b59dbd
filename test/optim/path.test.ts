// minimize's recordPath keeps a bounded, evenly thinned path: a long run must not hold
// every iterate (10⁸ iterations grew the process by tens of MB a second until it was
// killed), and what it keeps must still say which iteration each point is.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minimize, np, optim, type Array as Tensor } from "nabla";
import { PathRecorder } from "../../packages/nabla/src/optim/path.js";
import { runs } from "../setup.js";

/** The iteration numbers kept after recording iterates 0..last with bound `limit`. */
function kept(limit: number, last: number): number[] {
  const path = new PathRecorder(limit);
  for (let k = 0; k <= last; k++) path.record(k, new Float64Array([k]), k, k);
  return path.points.map((p) => p.nit);
}

describe("PathRecorder", () => {
  it("keeps everything up to the bound", () => {
    expect(kept(10, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("thins to every 2^j-th iterate past the bound, always with the first and the last", () => {
    expect(kept(4, 10)).toEqual([0, 4, 8, 10]);
    expect(kept(2, 5)).toEqual([0, 5]);
    expect(kept(5, 16)).toEqual([0, 8, 16]);
  });

  it("property: at most `limit` points, first 0, last the latest, an even stride 2^j in between", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 0, max: 3000 }), (limit, last) => {
        const nits = kept(limit, last);
        expect(nits.length).toBeLessThanOrEqual(limit);
        expect(nits[0]).toBe(0);
        expect(nits[nits.length - 1]).toBe(last);
        if (nits.length < 3) return;
        // All but the last: 0, s, 2s, … for s = 2^j; the last comes at most s after them.
        const body = nits.slice(0, -1);
        const stride = body[1]! - body[0]!;
        expect(Math.log2(stride) % 1).toBe(0);
        body.forEach((k, i) => expect(k).toBe(i * stride));
        expect(last - body[body.length - 1]!).toBeGreaterThan(0);
        expect(last - body[body.length - 1]!).toBeLessThanOrEqual(stride);
        // Not thinned more than needed: the multiples of s/2 would not fit in limit − 1.
        if (stride > 1) expect(Math.floor(last / (stride / 2)) + 1).toBeGreaterThan(limit - 1);
      }),
      { numRuns: runs(300) },
    );
  });
});

describe("minimize's recordPath", () => {
  // GD with a tiny step on x²: x_k = (1 − 2η)^k, far from converged after 10⁵ steps.
  const f = (x: Tensor) => x.square().sum();

  it("a long run keeps at most the bound, with true iteration numbers and the last iterate", () => {
    const r = minimize(f, np.array([1]), { method: "gd", lr: 1e-7, maxIter: 100_000, recordPath: 100 });
    expect(r.status).toBe("maxIter");
    const path = r.path!;
    expect(path.length).toBeLessThanOrEqual(100);
    expect(path.length).toBeGreaterThan(50);
    expect(path[0]!.nit).toBe(0);
    expect(path[path.length - 1]!.nit).toBe(100_000);
    expect(path[path.length - 1]!.x).toEqual(Array.from(r.x.toFloat64Array()));
    // Each point is the iterate its nit says: x_k = (1 − 2·1e-7)^k.
    for (const p of path) expect(Math.abs(p.x[0]! / (1 - 2e-7) ** p.nit - 1)).toBeLessThan(1e-9);
  });

  it("true keeps every iterate of a short run (the default bound is 10,000)", () => {
    const r = minimize(f, np.array([1]), { method: "gd", lr: 0.1, recordPath: true });
    expect(r.path!.map((p) => p.nit)).toEqual(Array.from({ length: r.nit + 1 }, (_, k) => k));
    const long = minimize(f, np.array([1]), { method: "gd", lr: 1e-9, maxIter: 25_000, recordPath: true });
    expect(long.path!.length).toBeLessThanOrEqual(10_000);
    expect(long.path![long.path!.length - 1]!.nit).toBe(25_000);
  });

  it("convergenceRate reads a thinned path per iteration", () => {
    // ½(x₁² + 10x₂²) with η = 0.1: ‖x_k‖ shrinks by 0.9 per step once x₂ is gone.
    const quad = (x: Tensor) => x.square().mul(np.array([1, 10])).sum().mul(0.5);
    const r = minimize(quad, np.array([1, 1]), { method: "gd", lr: 0.1, recordPath: 8 });
    expect(r.path![1]!.nit).toBeGreaterThan(1);
    expect(optim.convergenceRate(r.path!, { xstar: [0, 0] }).rate).toBeCloseTo(0.9, 10);
  });

  it("a bound that is not an integer ≥ 2 is an error naming the option", () => {
    for (const bad of [1, 0, -5, 2.5, NaN, Infinity]) {
      expect(() => minimize(f, np.array([1]), { recordPath: bad })).toThrow(/^minimize: recordPath must be true, false or an integer ≥ 2/);
    }
  });
});
