// connectModes (Garipov et al. 2018): two minima joined by the segment over a ridge, and by
// a trained Bézier curve or polygonal chain through a curved valley of low loss.
import { describe, expect, it } from "vitest";
import { landscape, np, optim, random, type Array } from "nabla";
import { errorOf } from "../helpers.js";

/**
 * f(x, y) = 4(y − 1 + x²)² + ε(x² − 1)², ε = 0.05: minima at (±1, 0) with f = 0, a valley
 * along the parabola y = 1 − x² whose only bump is ε at its apex (0, 1) (a saddle). The
 * segment y = 0 climbs to f(0, 0) = 4 + ε. The quadratic Bézier curve with control point
 * θ = (0, 2) is (2t − 1, 4t(1 − t)): it lies in the valley exactly. Every curve from x = −1
 * to x = 1 crosses x = 0, where f ≥ ε: ε is the lowest barrier there is.
 */
const EPS = 0.05;
const ridge = (x: Array, y: Array) => y.sub(1).add(x.square()).square().mul(4).add(x.square().sub(1).square().mul(EPS));
const f = (p: Array) => ridge(p.slice(0), p.slice(1));
const a = np.array([-1, 0]);
const b = np.array([1, 0]);
const trained = { steps: 300, lr: 0.05, samplesPerStep: 4, key: random.key(1) };

describe("connectModes on two minima behind a ridge", () => {
  const linear = landscape.connectModes(f, a, b, { curve: "linear" });
  const bezier = landscape.connectModes(f, a, b, trained);

  it("the segment climbs the ridge: barrier 4 + ε at t = ½, and trains nothing", () => {
    expect(linear.ts.shape).toEqual([51]);
    expect((linear.ts.toArray() as number[])[25]).toBe(0.5);
    expect(Math.abs(linear.barrier - (4 + EPS))).toBeLessThan(1e-14);
    const ts = linear.ts.toArray() as number[];
    (linear.losses.toArray() as number[]).forEach((l, i) => expect(l).toBeCloseTo(f(np.array([2 * ts[i]! - 1, 0])).item(), 14));
    expect(linear.controlPoints.map((p) => p.toArray())).toEqual([[-1, 0], [1, 0]]);
    expect(linear.trainLosses.shape).toEqual([0]);
    expect(linear.success).toBe(true);
  });

  it("the trained quadratic Bézier curve finds the valley: barrier ≈ ε, control point ≈ (0, 2)", () => {
    expect(bezier.success).toBe(true);
    expect(bezier.barrier).toBeGreaterThan(EPS - 1e-3); // ε is the least possible (up to the grid of t)
    expect(bezier.barrier).toBeLessThan(EPS + 0.01);
    expect(bezier.barrier).toBeLessThan(linear.barrier / 50);
    expect(bezier.controlPoints).toHaveLength(3);
    const [tx, ty] = bezier.controlPoints[1]!.toArray() as number[];
    expect(Math.abs(tx!)).toBeLessThan(0.03);
    expect(Math.abs(ty! - 2)).toBeLessThan(0.03);
    // The curve is (1 − t)²a + 2t(1 − t)θ + t²b, with its ends fixed exactly.
    expect(bezier.curve(0).toArray()).toEqual([-1, 0]);
    expect(bezier.curve(1).toArray()).toEqual([1, 0]);
    const mid = bezier.curve(0.5).toArray() as number[];
    expect(mid[0]).toBeCloseTo(0.5 * tx!, 14);
    expect(mid[1]).toBeCloseTo(0.5 * ty!, 14);
  });

  it("the losses it reports are f along the curve, and training lowered the sampled loss", () => {
    const ts = bezier.ts.toArray() as number[];
    (bezier.losses.toArray() as number[]).forEach((l, i) => expect(l).toBeCloseTo(f(bezier.curve(ts[i]!)).item(), 13));
    const train = bezier.trainLosses.toArray() as number[];
    expect(train).toHaveLength(300);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(train.slice(-30))).toBeLessThan(mean(train.slice(0, 30)) / 20);
  });

  it("a polygonal chain through three bends also finds the valley; one bend cuts a corner", () => {
    const three = landscape.connectModes(f, a, b, { ...trained, curve: "polychain", bends: 3 });
    expect(three.controlPoints).toHaveLength(5);
    // Constant-rate Adam leaves the bends jittering about the valley: barriers 0.07 to 0.11 over keys.
    expect(three.barrier).toBeLessThan(0.15);
    // With one bend at (0, y), the pieces leave the parabola: the best chain still exceeds ε.
    const one = landscape.connectModes(f, a, b, { ...trained, curve: "polychain" });
    expect(one.barrier).toBeGreaterThan(three.barrier);
    expect(one.barrier).toBeLessThan(linear.barrier / 10);
    // A polychain is straight between its points: at t = ½ it is the middle point.
    expect(one.curve(0.5).toArray()).toEqual(one.controlPoints[1]!.toArray());
  });

  it("a cubic Bézier (bends: 2) starts on the segment and finds the valley too", () => {
    const cubic = landscape.connectModes(f, a, b, { ...trained, bends: 2 });
    expect(cubic.controlPoints).toHaveLength(4);
    expect(cubic.barrier).toBeLessThan(EPS + 0.01);
    const untrained = landscape.connectModes(f, a, b, { bends: 2, steps: 0 });
    const start = untrained.controlPoints.map((p) => p.toArray() as number[]);
    [[-1, 0], [-1 / 3, 0], [1 / 3, 0], [1, 0]].forEach((p, j) => p.forEach((v, k) => expect(start[j]![k]).toBeCloseTo(v, 15)));
    expect(untrained.barrier).toBeCloseTo(linear.barrier, 13);
  });
});

describe("connectModes over pytrees, reproducibly", () => {
  type P = { x: Array; y: Array };
  const g = (p: P) => ridge(p.x, p.y);
  const pa: P = { x: np.array(-1), y: np.array(0) };
  const pb: P = { x: np.array(1), y: np.array(0) };

  it("keeps the parameters' structure, and gives what the flat problem gives", () => {
    const r = landscape.connectModes(g, pa, pb, trained);
    const flat = landscape.connectModes(f, a, b, trained);
    expect(Object.keys(r.curve(0.3))).toEqual(["x", "y"]);
    expect(r.curve(0).x.item()).toBe(-1);
    expect(r.controlPoints[1]!.x.item()).toBeCloseTo((flat.controlPoints[1]!.toArray() as number[])[0]!, 12);
    expect(r.barrier).toBeCloseTo(flat.barrier, 12);
  });

  it("the same key gives the same curve; another key another; jit or not, the same numbers", () => {
    const again = landscape.connectModes(f, a, b, trained);
    const first = landscape.connectModes(f, a, b, trained);
    expect(again.controlPoints[1]!.toArray()).toEqual(first.controlPoints[1]!.toArray());
    const other = landscape.connectModes(f, a, b, { ...trained, key: random.key(2) });
    expect(other.controlPoints[1]!.toArray()).not.toEqual(first.controlPoints[1]!.toArray());
    const eager = landscape.connectModes(f, a, b, { ...trained, steps: 20, jit: false });
    const compiled = landscape.connectModes(f, a, b, { ...trained, steps: 20 });
    (eager.controlPoints[1]!.toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo((compiled.controlPoints[1]!.toArray() as number[])[i]!, 12));
  });

  it("takes an optim schedule as its learning rate", () => {
    const r = landscape.connectModes(f, a, b, { ...trained, lr: optim.cosineDecay(0.1, 300) });
    expect(r.barrier).toBeLessThan(EPS + 0.01);
  });

  it("stops at a non-finite loss without throwing, keeping the last finite curve", () => {
    // √(y − ½) is NaN wherever y < ½, as everywhere on the starting segment.
    const r = landscape.connectModes((p: Array) => np.sqrt(p.slice(1).sub(0.5)), a, b, { steps: 10 });
    expect(r.success).toBe(false);
    expect(r.message).toBe("training stopped at step 0: the sampled loss or its gradient is NaN");
    expect(r.trainLosses.shape).toEqual([0]);
    expect(r.controlPoints[1]!.toArray()).toEqual([0, 0]);
  });
});

describe("connectModes options", () => {
  const err = (opts: object, fn: unknown = f, bb: unknown = b) => errorOf(() => landscape.connectModes(fn as typeof f, a, bb, opts as never));
  it("one-line errors naming the option", () => {
    expect(err({ curve: "spline" })).toBe('landscape.connectModes: curve must be "linear", "bezier" or "polychain", got "spline"');
    expect(err({ bends: 0 })).toBe("landscape.connectModes: bends must be a positive integer, got 0");
    expect(err({ steps: -1 })).toBe("landscape.connectModes: steps must be a non-negative integer, got -1");
    expect(err({ lr: 0 })).toBe("landscape.connectModes: lr must be a positive number or a schedule, got 0");
    expect(err({ samplesPerStep: 1.5 })).toBe("landscape.connectModes: samplesPerStep must be a positive integer, got 1.5");
    expect(err({ points: 1 })).toBe("landscape.connectModes: points must be an integer ≥ 2, got 1");
    expect(err({ key: 3 })).toBe("landscape.connectModes: key must be a PRNG key, an int32 array of shape (2,) from random.key, got 3");
    expect(err({ jit: "yes" })).toBe('landscape.connectModes: jit must be true or false, got "yes"');
    // Training options are checked even where "linear" ignores them.
    expect(err({ curve: "linear", steps: -1 })).toBe("landscape.connectModes: steps must be a non-negative integer, got -1");
  });

  it("unknown options, mismatched ends, a bad f or t", () => {
    expect(err({ bend: 2 })).toMatch(/^landscape.connectModes: unknown option "bend"/);
    expect(err({ range: [0, 1] })).toMatch(/^landscape.connectModes: unknown option "range"/);
    expect(err({}, f, np.zeros([3]))).toBe("landscape.connectModes: b leaf 0 has shape (3,), a leaf 0 has (2,)");
    expect(err({}, f, [b])).toMatch(/^landscape.connectModes: b must have the structure of a/);
    expect(err({}, "f")).toBe('landscape.connectModes: f must be a function, got "f"');
    const r = landscape.connectModes(f, a, b, { curve: "linear" });
    expect(errorOf(() => r.curve(1.5))).toBe("landscape.connectModes: the curve takes t in [0, 1], got 1.5");
  });
});
