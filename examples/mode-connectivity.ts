// Mode connectivity (Garipov et al. 2018; Draxler et al. 2018): two copies of the same
// small network, trained from different random seeds on the same task, end at minima that
// the straight segment between them joins only over a ridge of high loss, yet a simple
// curve joins them at nearly the loss of the ends. The task is "two moons" (binary
// classification of 2-D points); the network is 2 → 16 → 16 → 1 with tanh, trained with
// Adam on the logistic loss plus a small weight decay (which keeps the minima isolated
// instead of running off to infinity along separable directions). `landscape.connectModes`
// gives the segment ("linear") and trains a quadratic Bézier curve
// φ(t) = (1 − t)²a + 2t(1 − t)θ + t²b, its control point θ fitted by Adam on
// E_{t∼U(0,1)} loss(φ(t)). The loss along both is printed, and with NABLA_EXAMPLE_OUT set
// (a directory, or a path ending in .svg) drawn in an SVG.
// Run: npm run example -- mode-connectivity  (NABLA_EXAMPLE_SMALL=1: fewer points and steps.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { grad, jit, landscape, np, optim, random, type Array, type Tree } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const N = small ? 80 : 200; // training points
const HIDDEN = 16;
const TRAIN_STEPS = small ? 300 : 1500;
const CURVE_STEPS = small ? 200 : 800;
const DECAY = 1e-3;

/** Two interleaved half circles with noise: points [n, 2], labels ±1 [n]. */
function moons(key: Array, n: number): [Array, Array] {
  const [kAngle, kNoise] = random.split(key);
  const half = n / 2;
  const angle = random.uniform(kAngle!, [n], { minval: 0, maxval: Math.PI });
  const upper = np.stack([np.cos(angle), np.sin(angle)], { axis: 1 });
  const lower = np.stack([np.sub(1, np.cos(angle)), np.sub(0.5, np.sin(angle))], { axis: 1 });
  const top = np.arange(n).less(half).reshape([n, 1]);
  const points = np.where(top, upper, lower);
  const label = np.where(np.arange(n).less(half), 1, -1);
  return [np.add(points, np.mul(0.15, random.normal(kNoise!, [n, 2]))), label];
}

type Params = { W1: Array; b1: Array; W2: Array; b2: Array; w3: Array; b3: Array };

/** Glorot-scaled Gaussian weights ([out, in], so each row is one unit), zero biases. */
function init(key: Array): Params {
  const [k1, k2, k3] = random.split(key, 3);
  return {
    W1: np.mul(Math.sqrt(1 / 2), random.normal(k1!, [HIDDEN, 2])),
    b1: np.zeros([HIDDEN]),
    W2: np.mul(Math.sqrt(1 / HIDDEN), random.normal(k2!, [HIDDEN, HIDDEN])),
    b2: np.zeros([HIDDEN]),
    w3: np.mul(Math.sqrt(1 / HIDDEN), random.normal(k3!, [HIDDEN])),
    b3: np.array(0),
  };
}

const [X, y] = moons(random.key(0), N);

function logits(p: Params): Array {
  const h1 = np.tanh(np.add(np.matmul(X, p.W1.T), p.b1));
  const h2 = np.tanh(np.add(np.matmul(h1, p.W2.T), p.b2));
  return np.add(np.matmul(h2, p.w3), p.b3);
}

/** Mean logistic loss log(1 + e^(−y·logit)) plus DECAY·‖weights‖². */
function loss(p: Params): Array {
  const data = np.mean(np.softplus(np.neg(np.mul(y, logits(p)))));
  const weights = [p.W1, p.W2, p.w3].reduce((s, w) => np.add(s, np.sum(np.square(w))), np.array(0));
  return np.add(data, np.mul(DECAY, weights));
}
const accuracy = (p: Params) => np.mean(np.astype(np.greater(np.mul(y, logits(p)), 0), "float64")).item();

const opt = optim.adam(optim.cosineDecay(0.02, TRAIN_STEPS, 0.05));
// One compiled function for the gradient and the Adam update together, shared by both runs.
const step = jit((p: Params, state: Tree) => {
  const [updates, next] = opt.update(grad(loss)(p), state, p);
  return [optim.applyUpdates(p, updates), next] as [Params, Tree];
});

function train(seed: number): Params {
  let params = init(random.key(seed));
  let state = opt.init(params);
  for (let i = 0; i < TRAIN_STEPS; i++) [params, state] = step(params, state);
  return params;
}

const t0 = performance.now();
const a = train(1);
const b = train(2);
const trainSeconds = (performance.now() - t0) / 1000;
console.log(`two moons, ${N} points; network 2 → ${HIDDEN} → ${HIDDEN} → 1 (tanh), ${TRAIN_STEPS} Adam steps from seeds 1 and 2 in ${trainSeconds.toFixed(1)} s`);
console.log(`end a: loss ${loss(a).item().toFixed(4)}, accuracy ${accuracy(a).toFixed(3)};  end b: loss ${loss(b).item().toFixed(4)}, accuracy ${accuracy(b).toFixed(3)}`);

const t1 = performance.now();
const line = landscape.connectModes(loss, a, b, { curve: "linear", points: 41 });
const bezier = landscape.connectModes(loss, a, b, { curve: "bezier", steps: CURVE_STEPS, lr: optim.cosineDecay(0.02, CURVE_STEPS, 0.05), samplesPerStep: 4, key: random.key(3), points: 41 });
const curveSeconds = (performance.now() - t1) / 1000;
console.log(`Bézier curve: ${CURVE_STEPS} Adam steps, 4 values of t per step, in ${curveSeconds.toFixed(1)} s`);

const ts = line.ts.toArray() as number[];
const lineLoss = line.losses.toArray() as number[];
const curveLoss = bezier.losses.toArray() as number[];
console.log("\n    t   segment    Bézier");
for (let i = 0; i < ts.length; i += 4) console.log(`${ts[i]!.toFixed(2).padStart(5)} ${lineLoss[i]!.toFixed(4).padStart(9)} ${curveLoss[i]!.toFixed(4).padStart(9)}`);
const midAcc = { line: accuracy(line.curve(0.5)), curve: accuracy(bezier.curve(0.5)) };
console.log(`\nbarrier (highest loss on the path minus the higher end): segment ${line.barrier.toFixed(4)}, Bézier ${bezier.barrier.toFixed(4)}`);
console.log(`accuracy at t = 0.5: segment ${midAcc.line.toFixed(3)}, Bézier ${midAcc.curve.toFixed(3)}`);

const out = process.env.NABLA_EXAMPLE_OUT;
if (out) {
  const path = out.endsWith(".svg") ? out : join(out, "mode-connectivity.svg");
  const [W, H, pad] = [640, 360, 40];
  const top = Math.max(...lineLoss, ...curveLoss);
  const px = (t: number) => pad + t * (W - 2 * pad);
  const py = (v: number) => H - pad - (v / top) * (H - 2 * pad);
  const poly = (vs: number[], color: string) => `<polyline points="${vs.map((v, i) => `${px(ts[i]!).toFixed(1)},${py(v).toFixed(1)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>`,
    ...[0, 0.25, 0.5, 0.75, 1].map((t) => `<text x="${px(t).toFixed(1)}" y="${H - pad + 16}" text-anchor="middle">${t}</text>`),
    ...[0, 0.5, 1].map((f) => `<text x="${pad - 4}" y="${(py(f * top) + 4).toFixed(1)}" text-anchor="end">${(f * top).toFixed(2)}</text>`),
    poly(lineLoss, "#c0392b"),
    poly(curveLoss, "#2471a3"),
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">t</text>`,
    `<text x="${pad}" y="18">training loss along two paths from network a (t = 0) to network b (t = 1)</text>`,
    `<text x="${W - pad}" y="${pad + 4}" text-anchor="end" fill="#c0392b">segment: barrier ${line.barrier.toFixed(3)}</text>`,
    `<text x="${W - pad}" y="${pad + 20}" text-anchor="end" fill="#2471a3">Bézier curve: barrier ${bezier.barrier.toFixed(3)}</text>`,
    "</svg>",
  ].join("\n");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

// The claims: both ends are good minima, the segment crosses a real ridge, and the trained
// curve removes nearly all of it.
const endLoss = Math.max(loss(a).item(), loss(b).item());
if (!(accuracy(a) > 0.9 && accuracy(b) > 0.9)) throw new Error(`training failed: accuracies ${accuracy(a)}, ${accuracy(b)}`);
if (!(line.barrier > 0.5 * endLoss)) throw new Error(`the segment shows no barrier: ${line.barrier} (end loss ${endLoss})`);
if (!(bezier.barrier < 0.1 * line.barrier)) throw new Error(`the Bézier curve's barrier ${bezier.barrier} is not below a tenth of the segment's ${line.barrier}`);
console.log(`checks passed: the segment's barrier is ${(line.barrier / endLoss).toFixed(1)}× the end loss; the Bézier curve's is ${((100 * bezier.barrier) / line.barrier).toFixed(1)}% of the segment's`);
