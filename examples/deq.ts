// A deep equilibrium (DEQ) layer: the hidden state is the fixed point
// z* = tanh(W·z* + U·x + b), found by Anderson acceleration (`implicit.fixedPoint`), and a
// linear readout of z* classifies points from two concentric rings (not linearly
// separable). Training backpropagates through z* by the implicit function theorem (one
// linear solve with I − ∂T/∂z per gradient), never through the solver's iterations; the
// whole batch is one fixed point of a [batch, hidden] matrix. W is kept contractive
// (‖W‖_F < 0.9, so T is a contraction and z* is unique). The implicit gradient is checked
// against a central finite difference of the loss and against backpropagation through
// 100 unrolled iterations (a foriLoop).
// Run: npm run example -- deq  (NABLA_EXAMPLE_SMALL=1 runs a small batch for a few steps.)
import { foriLoop, grad, implicit, np, optim, random, tree, valueAndGrad, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const N = small ? 40 : 128; // training points
const HIDDEN = small ? 8 : 16;
const STEPS = small ? 20 : 150;

/** Two concentric rings (radius 0.5: label +1, radius 1: label −1) with noise: points [n, 2], labels [n]. */
function rings(key: Array, n: number): [Array, Array] {
  const [kAngle, kNoise] = random.split(key);
  const half = n / 2;
  const angle = random.uniform(kAngle!, [n], { minval: 0, maxval: 2 * Math.PI });
  const label = np.concatenate([np.ones([half]), np.full([half], -1)]);
  const radius = np.concatenate([np.full([half], 0.5), np.ones([half])]);
  const points = np.mul(np.reshape(radius, [n, 1]), np.stack([np.cos(angle), np.sin(angle)], { axis: 1 }));
  return [np.add(points, np.mul(0.1, random.normal(kNoise!, [n, 2]))), label];
}

type Params = { V: Array; U: Array; b: Array; r: Array; c: Array };

function init(key: Array): Params {
  const [kV, kU, kR] = random.split(key, 3);
  return {
    V: np.mul(0.1, random.normal(kV!, [HIDDEN, HIDDEN])),
    U: np.mul(1.5, random.normal(kU!, [HIDDEN, 2])),
    b: np.zeros([HIDDEN]),
    r: np.mul(0.1, random.normal(kR!, [HIDDEN])),
    c: np.array(0),
  };
}

/** W = 0.9·V/√(0.81 + ‖V‖²_F): ‖W‖₂ ≤ ‖W‖_F < 0.9 and |tanh′| ≤ 1, so T contracts. */
const contractive = (V: Array) => np.div(np.mul(0.9, V), np.sqrt(np.add(0.81, np.sum(np.square(V)))));

/** The layer's map on the whole batch: Z [n, hidden] ↦ tanh(Z·Wᵀ + X·Uᵀ + b). */
const T = (Z: Array, p: Params, X: Array) => np.tanh(np.add(np.add(np.matmul(Z, contractive(p.V).T), np.matmul(X, p.U.T)), p.b));
const equilibrium = implicit.fixedPoint(T, { method: "anderson", tol: 1e-12, memory: 6 });

function logits(p: Params, X: Array): Array {
  const Z = equilibrium(np.zeros([X.shape[0]!, HIDDEN]), p, X).x;
  return np.add(np.matmul(Z, p.r), p.c);
}

/** Logistic loss with labels ±1: mean log(1 + e^(−y·logit)). */
const loss = (p: Params, X: Array, y: Array) => np.mean(np.softplus(np.neg(np.mul(y, logits(p, X)))));
const accuracy = (p: Params, X: Array, y: Array) => np.mean(np.astype(np.greater(np.mul(y, logits(p, X)), 0), "float64")).item();

const [kData, kTest, kInit, kDir] = random.split(random.key(3), 4);
const [X, y] = rings(kData!, N);
const [Xtest, ytest] = rings(kTest!, N);
let params = init(kInit!);
const lossAndGrad = valueAndGrad(loss);

// One implicit gradient against a central finite difference along a random direction.
const [l0, g0] = lossAndGrad(params, X, y);
const leaves = tree.leaves(params) as Array[];
const dirKeys = [...random.split(kDir!, leaves.length)];
const dir = tree.unflatten(tree.flatten(params)[1], leaves.map((l, i) => random.normal(dirKeys[i]!, l.shape))) as Params;
const dot = (a: Params, b: Params) => (tree.leaves(a) as Array[]).reduce((s, l, i) => s + np.sum(np.mul(l, (tree.leaves(b) as Array[])[i]!)).item(), 0);
const h = 1e-5;
const shifted = (s: number) => loss(tree.map((p: Array, d: Array) => np.add(p, np.mul(s, d)), params, dir) as Params, X, y).item();
const fd = (shifted(h) - shifted(-h)) / (2 * h);
const implicitDir = dot(g0, dir);
const gradErr = Math.abs(implicitDir - fd) / Math.abs(fd);
console.log(`directional derivative of the loss: implicit ${implicitDir.toExponential(9)}, central difference ${fd.toExponential(9)} (rel. error ${gradErr.toExponential(1)})`);

// The same gradient through 100 plain iterations z ← T(z), differentiated step by step.
const unrolledLoss = (p: Params, X: Array, y: Array) => {
  const Z = foriLoop(0, 100, (_i, Z: Array) => T(Z, p, X), np.zeros([X.shape[0]!, HIDDEN]));
  return np.mean(np.softplus(np.neg(np.mul(y, np.add(np.matmul(Z, p.r), p.c)))));
};
const gUnrolled = grad(unrolledLoss)(params, X, y);
const unrolledErr = Math.max(...(tree.leaves(g0) as Array[]).map((l, i) => {
  const u = (tree.leaves(gUnrolled) as Array[])[i]!;
  return np.max(np.abs(np.sub(l, u))).item() / Math.max(np.max(np.abs(u)).item(), 1e-300);
}));
console.log(`gradient vs backpropagation through 100 unrolled iterations: max relative difference ${unrolledErr.toExponential(1)} (over all ${leaves.reduce((s, l) => s + l.size, 0)} parameters)`);

const before = { loss: l0.item(), acc: accuracy(params, X, y), test: accuracy(params, Xtest, ytest) };
const opt = optim.adam(0.05);
let state = opt.init(params);
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) {
  const [, grads] = lossAndGrad(params, X, y);
  const [updates, next] = opt.update(grads, state, params);
  params = optim.applyUpdates(params, updates);
  state = next;
}
const seconds = (performance.now() - t0) / 1000;
const after = { loss: loss(params, X, y).item(), acc: accuracy(params, X, y), test: accuracy(params, Xtest, ytest) };
const final = equilibrium(np.zeros([N, HIDDEN]), params, X);
const Wnorm = np.norm(contractive(params.V)).item();
console.log(`${STEPS} Adam steps on ${N} points (two rings), hidden size ${HIDDEN}, in ${seconds.toFixed(1)} s`);
console.log(`loss ${before.loss.toFixed(4)} → ${after.loss.toFixed(4)}, train accuracy ${before.acc.toFixed(3)} → ${after.acc.toFixed(3)}, test accuracy ${before.test.toFixed(3)} → ${after.test.toFixed(3)}`);
console.log(`final equilibrium: ${final.nit.item()} Anderson iterations, residual max|T(z) − z| = ${final.residual.item().toExponential(1)}, ‖W‖_F = ${Wnorm.toFixed(3)}`);

if (!(gradErr < 1e-6)) throw new Error(`implicit gradient differs from the finite difference: relative error ${gradErr}`);
if (!(unrolledErr < 1e-6)) throw new Error(`implicit gradient differs from the unrolled one: relative error ${unrolledErr}`);
const target = small ? 0.6 : 0.9;
if (!(after.acc > target && after.loss < before.loss)) throw new Error(`training did not work: accuracy ${after.acc}, loss ${before.loss} → ${after.loss}`);
console.log(`check passed: train accuracy > ${target}, gradient within 1e-6 of the finite difference and of the unrolled gradient`);
