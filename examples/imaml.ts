// iMAML (Rajeswaran et al., 2019): meta-learning with implicit gradients on sine-wave
// regression. Each task is y = a·sin(x + p) with a random amplitude and phase, seen through
// a few points. A linear model on random Fourier features adapts to a task by solving
//   φ*(θ) = argmin_φ L_train(φ) + (λ/2)‖φ − θ‖²      (implicit.argmin, vmapped over tasks)
// and the meta-gradient of L_test(φ*(θ)) in the shared start θ comes from the implicit
// function theorem, without differentiating through the inner solver. The meta-gradient is
// checked against backpropagating through an unrolled inner loop of gradient descent
// (a foriLoop run to convergence), then θ is meta-trained for a few steps with Adam.
// Run: npm run example -- imaml  (NABLA_EXAMPLE_SMALL=1 uses fewer tasks and steps.)
import { foriLoop, grad, implicit, np, optim, random, vmap, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const FEATURES = small ? 20 : 40;
const SHOTS = 10; // training (and test) points per task
const TASKS = small ? 4 : 16; // tasks per meta-batch
const META_STEPS = small ? 5 : 30;
const LAMBDA = 0.5; // the proximal term's strength
const UNROLL = 400; // inner gradient-descent steps of the unrolled reference (error ×(1 − λ/L) each)

const [kFeat, kPhase, kTheta, kCheck, kVal, kTrain] = random.split(random.key(11), 6);
const omega = random.normal(kFeat!, [FEATURES]);
const shift = random.uniform(kPhase!, [FEATURES], { minval: 0, maxval: 2 * Math.PI });
/** Random Fourier features of x [k] → [k, FEATURES]. */
const features = (x: Array) => np.mul(Math.sqrt(2 / FEATURES), np.cos(np.add(np.outer(x, omega), shift)));
const mse = (phi: Array, x: Array, y: Array) => np.mean(np.square(np.sub(np.matmul(features(x), phi), y)));

type Tasks = { xTrain: Array; yTrain: Array; xTest: Array; yTest: Array };

/** n sine tasks, amplitude in [0.1, 5], phase in [0, π], x in [−5, 5]. */
function tasks(key: Array, n: number): Tasks {
  const [kA, kP, kX1, kX2] = random.split(key, 4);
  const amp = np.reshape(random.uniform(kA!, [n], { minval: 0.1, maxval: 5 }), [n, 1]);
  const phase = np.reshape(random.uniform(kP!, [n], { minval: 0, maxval: Math.PI }), [n, 1]);
  const xs = (k: Array) => random.uniform(k, [n, SHOTS], { minval: -5, maxval: 5 });
  const [xTrain, xTest] = [xs(kX1!), xs(kX2!)];
  const f = (x: Array) => np.mul(amp, np.sin(np.add(x, phase)));
  return { xTrain, yTrain: f(xTrain), xTest, yTest: f(xTest) };
}

/** The inner objective of one task. */
const inner = (phi: Array, theta: Array, x: Array, y: Array) =>
  np.add(mse(phi, x, y), np.mul(LAMBDA / 2, np.sum(np.square(np.sub(phi, theta)))));
// The inner problem is quadratic: Newton's method solves it in one step to ‖∇‖ ≈ 1e-15.
const adapt = implicit.argmin(inner, { method: "newton" });

/** Meta-loss over a batch of tasks: the mean test loss after adapting from θ (the implicit way). */
function metaLoss(theta: Array, t: Tasks): Array {
  // The inner solve starts from θ; its answer's derivative flows through the argument θ.
  const one = (xTr: Array, yTr: Array, xTe: Array, yTe: Array) => mse(adapt(theta, theta, xTr, yTr).x, xTe, yTe);
  return np.mean(vmap(one)(t.xTrain, t.yTrain, t.xTest, t.yTest));
}

/** The same meta-loss with the inner problem solved by UNROLL steps of gradient descent, backpropagated through. */
function metaLossUnrolled(theta: Array, t: Tasks): Array {
  // Step 1/L with L ≥ the inner Hessian's largest eigenvalue: 2·max‖features‖² + λ ≤ 4 + λ.
  const lr = 1 / (4 + LAMBDA);
  const one = (xTr: Array, yTr: Array, xTe: Array, yTe: Array) => {
    const gInner = grad((phi: Array) => inner(phi, theta, xTr, yTr));
    const phi = foriLoop(0, UNROLL, (_i, phi: Array) => np.sub(phi, np.mul(lr, gInner(phi))), theta);
    return mse(phi, xTe, yTe);
  };
  return np.mean(vmap(one)(t.xTrain, t.yTrain, t.xTest, t.yTest));
}

// The meta-gradient two ways, at a random θ.
const theta0 = np.mul(0.5, random.normal(kTheta!, [FEATURES]));
const checkTasks = tasks(kCheck!, TASKS);
let t0 = performance.now();
const gImplicit = grad(metaLoss)(theta0, checkTasks);
const tImplicit = (performance.now() - t0) / 1000;
t0 = performance.now();
const gUnrolled = grad(metaLossUnrolled)(theta0, checkTasks);
const tUnrolled = (performance.now() - t0) / 1000;
const relErr = np.max(np.abs(np.sub(gImplicit, gUnrolled))).item() / np.max(np.abs(gUnrolled)).item();
const show = (g: Array) => [...g.slice([0, 3]).toFloat64Array()].map((v) => v.toFixed(9)).join(", ");
console.log(`meta-gradient over ${TASKS} tasks, ${FEATURES} parameters (first three):`);
console.log(`  implicit (one Hessian solve per task)  [${show(gImplicit)}, …]  ${tImplicit.toFixed(2)} s`);
console.log(`  unrolled (${UNROLL} inner GD steps)        [${show(gUnrolled)}, …]  ${tUnrolled.toFixed(2)} s`);
console.log(`  max |difference| / max |gradient| = ${relErr.toExponential(1)}`);

// Meta-training: Adam on θ over fresh task batches; the meta-test loss on held-out tasks falls.
const valTasks = tasks(kVal!, 2 * TASKS);
let theta = np.zeros([FEATURES]);
const opt = optim.adam(0.05);
let state = opt.init(theta);
const metaGrad = grad(metaLoss);
const losses: number[] = [metaLoss(theta, valTasks).item()];
const report = [0];
let key = kTrain!;
t0 = performance.now();
for (let i = 1; i <= META_STEPS; i++) {
  const [k, kBatch] = random.split(key);
  key = k!;
  const [updates, next] = opt.update(metaGrad(theta, tasks(kBatch!, TASKS)), state, theta);
  theta = optim.applyUpdates(theta, updates);
  state = next;
  if (i % Math.max(1, Math.floor(META_STEPS / 5)) === 0 || i === META_STEPS) {
    losses.push(metaLoss(theta, valTasks).item());
    report.push(i);
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(`meta-training (Adam, ${TASKS} tasks per step), held-out meta-test loss after adaptation:`);
console.log("  " + report.map((s, i) => `step ${s}: ${losses[i]!.toFixed(4)}`).join(", ") + `  (${seconds.toFixed(1)} s)`);

if (!(relErr < 1e-6)) throw new Error(`implicit and unrolled meta-gradients differ: ${relErr}`);
if (!(losses[losses.length - 1]! < losses[0]!)) throw new Error(`the meta-test loss did not fall: ${losses.join(", ")}`);
console.log("check passed: implicit = unrolled meta-gradient to 1e-6, and the meta-test loss fell");
