import { describe, expect, it } from "vitest";
import { grad, jit, np, optim, tree, type Array, type Tree } from "nabla";

const { adam, adamw, applyUpdates, chain, clip, clipByGlobalNorm, constantSchedule, cosineDecay, exponentialDecay, globalNorm, linearWarmup, momentum, rmsprop, sgd } = optim;

// Least squares with an exact fit: y = A·w* + b* with w* = (2, −1), b* = 0.5.
const A = np.array([[2, 0], [0, 1], [-2, 0], [0, -1], [1, 1]]); // Hessian κ ≈ 3.7
const wStar = [2, -1];
const bStar = 0.5;
const y = np.add(np.matmul(A, np.array(wStar)), bStar);
type Params = { w: Array; b: Array };
const loss = (p: Params) => np.mean(np.square(np.sub(np.add(np.matmul(A, p.w), p.b), y)));
const start = (): Params => ({ w: np.zeros([2]), b: np.zeros([]) });

function train(opt: optim.GradientTransformation, steps: number, compiled = true): Params {
  const step = (params: Params, state: Tree): [Params, Tree] => {
    const [updates, next] = opt.update(grad(loss)(params), state, params);
    return [applyUpdates(params, updates), next];
  };
  const run = compiled ? jit(step) : step;
  let params = start();
  let state = opt.init(params);
  for (let k = 0; k < steps; k++) [params, state] = run(params, state);
  return params;
}

function expectSolution(p: Params, tol: number): void {
  const w = p.w.toArray() as number[];
  expect(Math.abs(w[0]! - wStar[0]!)).toBeLessThan(tol);
  expect(Math.abs(w[1]! - wStar[1]!)).toBeLessThan(tol);
  expect(Math.abs(p.b.item() - bStar)).toBeLessThan(tol);
}

describe("optimizers on least squares", () => {
  it("sgd reaches the least-squares solution", () => {
    expectSolution(train(sgd(0.2), 300), 1e-10);
  });

  it("adam reaches the least-squares solution", () => {
    expectSolution(train(adam(0.05), 1000), 1e-10);
  });

  it("momentum, nesterov and rmsprop reach it too", () => {
    expectSolution(train(momentum(0.05, 0.9), 600), 1e-10);
    expectSolution(train(momentum(0.05, 0.9, { nesterov: true }), 600), 1e-10);
    expectSolution(train(rmsprop(exponentialDecay(0.02, 200, 0.5)), 2000), 1e-10);
  });

  it("sgd's update is −lr·g", () => {
    const opt = sgd(0.1);
    const [updates] = opt.update({ w: np.array([1, 2]) }, opt.init({ w: np.zeros([2]) }));
    expect(((updates as { w: Array }).w.toArray() as number[])).toEqual([-0.1, -0.2]);
  });

  it("momentum's first two updates follow trace ← g + β·trace", () => {
    const opt = momentum(0.1, 0.9);
    let state = opt.init(np.zeros([1]));
    let u: Tree;
    [u, state] = opt.update(np.array([1]), state);
    expect((u as Array).item()).toBeCloseTo(-0.1, 15);
    [u, state] = opt.update(np.array([1]), state);
    expect((u as Array).item()).toBeCloseTo(-0.19, 15);
  });

  it("adam's and adamw's first updates are −lr·(g/(|g| + eps) + wd·p)", () => {
    const p = np.array([1, -2]);
    const g = np.array([0.5, -4]);
    const [ua] = adam(0.1).update(g, adam(0.1).init(p));
    const expected = [0.5 / (0.5 + 1e-8), -4 / (4 + 1e-8)];
    ((ua as Array).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(-0.1 * expected[i]!, 14));
    const opt = adamw(0.1, { weightDecay: 0.01 });
    const [uw] = opt.update(g, opt.init(p), p);
    ((uw as Array).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(-0.1 * (expected[i]! + 0.01 * [1, -2][i]!), 14));
    expect(() => opt.update(g, opt.init(p))).toThrow(/needs the parameters/);
  });

  it("rmsprop's first update is −lr·g/√((1 − decay)·g² + eps)", () => {
    const opt = rmsprop(0.01, { decay: 0.9 });
    const [u] = opt.update(np.array([2]), opt.init(np.zeros([1])));
    expect((u as Array).item()).toBeCloseTo((-0.01 * 2) / Math.sqrt(0.1 * 4 + 1e-8), 15);
  });
});

describe("schedules", () => {
  it("return the documented values", () => {
    expect(constantSchedule(0.1)(7)).toBe(0.1);
    expect(exponentialDecay(0.1, 10, 0.5)(20)).toBeCloseTo(0.025, 16);
    expect(exponentialDecay(0.1, 10, 0.5)(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 16);
    expect(exponentialDecay(0.1, 10, 0.5, { staircase: true })(15)).toBeCloseTo(0.05, 16);
    const cosine = cosineDecay(1, 100);
    expect([cosine(0), cosine(100), cosine(250)]).toEqual([1, 0, 0]);
    expect(cosine(50)).toBeCloseTo(0.5, 15);
    expect(cosine(25)).toBeCloseTo((1 + Math.SQRT1_2) / 2, 15);
    expect(cosineDecay(1, 100, 0.1)(100)).toBeCloseTo(0.1, 15);
    const warm = linearWarmup(10, cosineDecay(1, 100));
    expect([warm(0), warm(5), warm(10)]).toEqual([0, 0.5, 1]);
    expect(warm(60)).toBeCloseTo(0.5, 15);
    expect(linearWarmup(4, 2, { initValue: 1 })(1)).toBe(1.25);
  });

  it("accept a step count as an Array, also inside jit", () => {
    const s = linearWarmup(10, exponentialDecay(1, 10, 0.5));
    const at = jit((k: Array) => s(k));
    for (const k of [0, 3, 10, 17, 40]) {
      expect(s(np.array(k)).item()).toBeCloseTo(s(k), 15);
      expect(at(np.array(k)).item()).toBeCloseTo(s(k), 15);
    }
  });
});

describe("gradient clipping", () => {
  it("clipByGlobalNorm bounds the global norm and keeps the direction", () => {
    const grads = { a: np.array([3, 4]), b: np.array([12]) }; // global norm 13
    expect(globalNorm(grads).item()).toBeCloseTo(13, 14);
    const [clipped] = clipByGlobalNorm(1).update(grads, {});
    expect(globalNorm(clipped).item()).toBeCloseTo(1, 14);
    const c = clipped as { a: Array; b: Array };
    expect(c.a.toArray()).toEqual([3 / 13, 4 / 13].map((v) => expect.closeTo(v, 14)));
    expect(c.b.item()).toBeCloseTo(12 / 13, 14);
    // Gradients inside the bound pass through unchanged.
    const [same] = clipByGlobalNorm(100).update(grads, {});
    expect((same as { b: Array }).b.item()).toBe(12);
    const [zero] = clipByGlobalNorm(1).update({ a: np.zeros([2]) }, {});
    expect((zero as { a: Array }).a.toArray()).toEqual([0, 0]);
  });

  it("globalNorm is scale-safe: exploding gradients of size 1e200 are clipped, not zeroed", () => {
    const grads = { a: np.array([3e200, 4e200]), b: np.array([12e200]) }; // global norm 1.3e201
    expect(globalNorm(grads).item() / 1.3e201).toBeCloseTo(1, 14);
    expect(globalNorm({ a: np.array([3e-200]), b: np.array([4e-200]) }).item() / 5e-200).toBeCloseTo(1, 14);
    const [clipped] = clipByGlobalNorm(1).update(grads, {});
    const c = clipped as { a: Array; b: Array };
    expect(c.a.toArray()).toEqual([3 / 13, 4 / 13].map((v) => expect.closeTo(v, 14)));
    expect(c.b.item()).toBeCloseTo(12 / 13, 14);
    expect(globalNorm({}).item()).toBe(0);
  });

  it("clip bounds each element; chain applies transformations in order", () => {
    const [u] = clip(1).update({ w: np.array([-3, 0.5]) }, {});
    expect((u as { w: Array }).w.toArray()).toEqual([-1, 0.5]);
    const opt = chain(clipByGlobalNorm(1), sgd(0.1));
    const [step] = opt.update(np.array([3, 4]), opt.init(np.zeros([2])));
    ((step as Array).toArray() as number[]).forEach((v, i) => expect(v).toBeCloseTo(-0.1 * [0.6, 0.8][i]!, 15));
  });
});

describe("jit", () => {
  it("an optax training step runs inside jit and matches eager", () => {
    const opt = chain(clipByGlobalNorm(0.5), adam(linearWarmup(5, cosineDecay(0.05, 50))));
    const compiled = train(opt, 30, true);
    const eager = train(opt, 30, false);
    const a = tree.leaves(compiled);
    const b = tree.leaves(eager);
    a.forEach((leaf, i) => {
      const x = leaf.toFloat64Array();
      const z = b[i]!.toFloat64Array();
      x.forEach((v, j) => expect(v).toBeCloseTo(z[j]!, 13));
    });
    // The loss went down, so the comparison is of a real trajectory.
    expect(loss(compiled).item()).toBeLessThan(loss(start()).item() / 2);
  });

  it("applyUpdates adds leaf by leaf", () => {
    const out = applyUpdates({ w: np.array([1, 2]), b: 1 }, { w: np.array([0.5, -1]), b: 2 });
    expect(out.w.toArray()).toEqual([1.5, 1]);
    expect(out.b.item()).toBe(3);
  });
});
