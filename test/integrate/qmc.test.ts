// Quasi-Monte Carlo: unscrambled Sobol' and Halton points against scipy.stats.qmc bit for
// bit (test/fixtures/qmc.json, from scripts/fixtures/qmc.py), the stratification that
// scrambling must keep, randomized QMC's error falling faster than Monte Carlo's, its
// error bars, its gradient, and the errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { grad, integrate, np, random, type Array } from "nabla";
import { errorOf } from "../helpers.js";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/qmc.json", import.meta.url), "utf8"));
const rows = (a: Array) => a.toArray() as number[][];

/** Whether every box [i/2^a, (i+1)/2^a) × [j/2^b, (j+1)/2^b) holds exactly `per` points. */
function balanced(points: number[][], dims: [number, number], a: number, b: number, per: number): boolean {
  const counts = new Map<number, number>();
  for (const p of points) {
    const cell = Math.floor(p[dims[0]]! * 2 ** a) * 2 ** b + Math.floor(p[dims[1]]! * 2 ** b);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts.size === 2 ** (a + b) && [...counts.values()].every((c) => c === per);
}

/** Least-squares slope of log y against log x. */
function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length, my = ly.reduce((s, v) => s + v, 0) / ly.length;
  return lx.reduce((s, v, i) => s + (v - mx) * (ly[i]! - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
}

// A smooth product of 1-D factors on [0, 1]^4 whose integral is 1.
const bump = (p: Array) => np.prod(np.sin(p.mul(Math.PI)).mul(Math.PI / 2));

describe("sobol", () => {
  it("matches scipy's Sobol(scramble=False) exactly: the first points, a skip, every direction number of 1024 dimensions", () => {
    expect(rows(integrate.sobol(10, 256, { scramble: false }))).toEqual(fixture.sobol.first);
    expect(rows(integrate.sobol(3, 24, { scramble: false, skip: 1000 }))).toEqual(fixture.sobol.skip1000);
    // The point with index 2^j − 1 is the j-th direction number: sums over j = 1..20 pin them all.
    const sums = new Float64Array(1024);
    for (let j = 1; j <= 20; j++) integrate.sobol(1024, 1, { scramble: false, skip: 2 ** j - 1 }).toFloat64Array().forEach((v, d) => (sums[d] = sums[d]! + v));
    expect([...sums]).toEqual(fixture.sobol_direction_sums);
  });

  it("scrambled: uniform in [0, 1), balanced in powers of two in 1-D and (dims 0, 1) in 2-D, fixed by the key", () => {
    const n = 1024;
    const pts = integrate.sobol(6, n, { key: random.key(7) });
    const p = rows(pts);
    expect(p.flat().every((v) => v >= 0 && v < 1)).toBe(true);
    for (let d = 0; d < 6; d++) expect(balanced(p, [d, d], 10, 0, 1), `dimension ${d}`).toBe(true);
    // The first two dimensions form a (0, 2)-sequence: every elementary box of area 1/n holds one point.
    for (let a = 0; a <= 10; a++) expect(balanced(p, [0, 1], a, 10 - a, 1), `boxes 2^-${a} × 2^-${10 - a}`).toBe(true);
    expect(rows(integrate.sobol(6, n, { key: random.key(7) }))).toEqual(p);
    expect(rows(integrate.sobol(6, n, { key: random.key(8) }))[0]).not.toEqual(p[0]);
    // Scrambled points are uniform: each one's mean over keys is 1/2 (sd 1/√12/√keys).
    const firsts = globalThis.Array.from({ length: 64 }, (_, k) => integrate.sobol(1, 1, { key: random.key(k) }).item());
    expect(Math.abs(firsts.reduce((s, v) => s + v, 0) / 64 - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 64));
  });

  it("refuses bad arguments with the op and the argument named", () => {
    expect(errorOf(() => integrate.sobol(1025, 4, { scramble: false }))).toBe("sobol: dim must be at most 1024 (the direction numbers nabla ships), got 1025");
    expect(errorOf(() => integrate.sobol(0, 4, { scramble: false }))).toBe("sobol: dim must be a positive integer, got 0");
    expect(errorOf(() => integrate.sobol(2, 4))).toBe("sobol: scrambling needs a key (random.key(seed)), or pass scramble: false");
    expect(errorOf(() => integrate.sobol(2, 4, { scramble: false, skip: 2 ** 32 }))).toBe("sobol: skip + n must be at most 2^32 (32-bit points), got 4294967300");
    expect(errorOf(() => integrate.sobol(2, 4, { seed: 1 } as never))).toMatch(/^sobol: unknown option "seed"/);
  });
});

describe("halton", () => {
  it("matches scipy's Halton(scramble=False) exactly", () => {
    expect(rows(integrate.halton(8, 100, { scramble: false }))).toEqual(fixture.halton.first);
    expect(rows(integrate.halton(50, 20, { scramble: false }))).toEqual(fixture.halton.dim50);
  });

  it("scrambled: in [0, 1), and the first b^k points still put one point in each [i/b^k, (i+1)/b^k)", () => {
    const p = rows(integrate.halton(3, 1024, { key: random.key(1) }));
    expect(p.flat().every((v) => v >= 0 && v < 1)).toBe(true);
    for (const [d, base, k] of [[0, 2, 10], [1, 3, 6], [2, 5, 4]] as const) {
      const cells = new Set(p.slice(0, base ** k).map((x) => Math.floor(x[d]! * base ** k)));
      expect(cells.size, `base ${base}`).toBe(base ** k);
    }
    expect(rows(integrate.halton(3, 1024, { key: random.key(1) }))).toEqual(p);
    expect(errorOf(() => integrate.halton(2, 4))).toBe("halton: scrambling needs a key (random.key(seed)), or pass scramble: false");
  });
});

describe("qmcEstimate", () => {
  // |error| averaged over 16 keys (2 replicates each) at N = 2^8..2^14 on the 4-D bump; Monte
  // Carlo's slope is −0.5. Measured: Sobol' −1.05 to −1.28, Halton −0.96 to −1.11 over three
  // seed offsets; the average over 16 keys keeps the fitted slope's noise near ±0.05.
  for (const sequence of ["sobol", "halton"] as const) {
    it(`${sequence}: the error falls faster than 1/√N (log-log slope < −0.75)`, () => {
      const Ns = [8, 9, 10, 11, 12, 13, 14].map((k) => 2 ** k);
      const errors = Ns.map((n) => {
        let total = 0;
        for (let s = 0; s < 16; s++) total += Math.abs(integrate.qmcEstimate(bump, 4, n, { key: random.key(1000 * s + n), replicates: 2, sequence }).estimate.item() - 1);
        return total / 16;
      });
      const slope = logLogSlope(Ns, errors);
      expect(slope, `seeds 1000·s + N: errors ${errors.map((e) => e.toExponential(2)).join(", ")}, slope ${slope}`).toBeLessThan(-0.75);
    });
  }

  it("reports an honest error bar: over 40 keys the errors are about one stderr (Student's t, 15 dof)", () => {
    const z = globalThis.Array.from({ length: 40 }, (_, k) => {
      const r = integrate.qmcEstimate(bump, 4, 256, { key: random.key(k) });
      expect(r.n).toBe(256);
      expect(r.replicates).toBe(16);
      return (r.estimate.item() - 1) / r.stderr.item();
    });
    const rms = Math.sqrt(z.reduce((s, v) => s + v * v, 0) / z.length);
    const figures = `keys 0..39: z ${z.map((v) => v.toFixed(2)).join(" ")}`;
    // t₁₅ has sd 1.07; the rms of 40 draws lies in [0.8, 1.35] with probability > 0.99.
    expect(rms, figures).toBeGreaterThan(0.7);
    expect(rms, figures).toBeLessThan(1.5);
    expect(Math.max(...z.map(Math.abs)), figures).toBeLessThan(5);
  });

  it("is differentiable in what f closes over: d/dθ ∫∫ e^{θ(x+y)} = d/dθ ((e^θ − 1)/θ)²", () => {
    const theta = 0.5, key = random.key(3);
    const g = grad((t: Array) => integrate.qmcEstimate((p: Array) => np.exp(np.sum(p).mul(t)), 2, 512, { key }).estimate)(np.array(theta)).item();
    const dr = integrate.qmcEstimate((p: Array) => np.sum(p).mul(np.exp(np.sum(p).mul(theta))), 2, 512, { key });
    expect(Math.abs(g - dr.estimate.item())).toBeLessThan(1e-12);
    const one = (Math.exp(theta) - 1) / theta, dOne = (theta * Math.exp(theta) - Math.exp(theta) + 1) / theta ** 2;
    expect(Math.abs(g - 2 * one * dOne), `gradient ${g}, stderr ${dr.stderr.item()}`).toBeLessThan(5 * dr.stderr.item());
    expect(dr.stderr.item()).toBeLessThan(1e-4);
  });

  it("refuses bad arguments with the op and the argument named", () => {
    const key = random.key(0);
    expect(errorOf(() => integrate.qmcEstimate(bump, 4, 64, { key, replicates: 1 }))).toBe("qmcEstimate: replicates must be at least 2 (a standard error needs two samples), got 1");
    expect(errorOf(() => integrate.qmcEstimate(bump, 4, 64, { key, sequence: "lattice" as never }))).toBe('qmcEstimate: sequence must be "sobol" or "halton", got "lattice"');
    expect(errorOf(() => integrate.qmcEstimate(bump, 4, 64, {} as never))).toMatch(/^qmcEstimate: key must be a PRNG key/);
  });
});
