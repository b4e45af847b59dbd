// A tiny convolutional network learns to tell vertical bars from horizontal ones in noisy
// 12×12 images: conv → relu → max-pool → conv → relu → global average → dense, trained
// with a jitted value-and-gradient and Adam. Run: npm run example -- cnn
// (NABLA_EXAMPLE_SMALL=1 runs a few steps on a small batch, as the test suite does.)
import { jit, nn, np, optim, random, valueAndGrad, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const SIZE = 12;
const BATCH = small ? 8 : 64;
const STEPS = small ? 3 : 60;

/** Images [n, 1, 12, 12] with one bright bar (vertical for class 1, horizontal for 0) plus noise. */
function data(key: Array, n: number): [Array, Array] {
  const [kClass, kPos, kNoise] = random.split(key, 3);
  const labels = np.astype(random.bernoulli(kClass!, 0.5, [n]), "int32");
  const pos = np.floor(random.uniform(kPos!, [n], { minval: 1, maxval: SIZE - 1 }));
  const grid = np.arange(SIZE);
  const rows = np.equal(np.reshape(grid, [1, SIZE, 1]), np.reshape(pos, [n, 1, 1])); // bar along a row
  const cols = np.equal(np.reshape(grid, [1, 1, SIZE]), np.reshape(pos, [n, 1, 1])); // bar along a column
  const vertical = np.reshape(np.astype(labels, "bool"), [n, 1, 1]);
  const bars = np.astype(np.where(vertical, cols, rows), "float64");
  const images = np.add(bars, np.mul(0.3, random.normal(kNoise!, [n, SIZE, SIZE])));
  return [np.reshape(images, [n, 1, SIZE, SIZE]), labels];
}

type Params = { w1: Array; b1: Array; w2: Array; b2: Array; w3: Array; b3: Array };

function init(key: Array): Params {
  const [k1, k2, k3] = random.split(key, 3);
  // He initialization: variance 2 / fan-in.
  const he = (k: Array, shape: number[], fanIn: number) => np.mul(random.normal(k, shape), Math.sqrt(2 / fanIn));
  return {
    w1: he(k1!, [8, 1, 3, 3], 9), b1: np.zeros([8]),
    w2: he(k2!, [16, 8, 3, 3], 72), b2: np.zeros([16]),
    w3: he(k3!, [16, 2], 16), b3: np.zeros([2]),
  };
}

/** Logits [n, 2]. */
function model(p: Params, x: Array): Array {
  const bias = (b: Array) => np.reshape(b, [1, -1, 1, 1]);
  let h = nn.relu(np.add(nn.conv(x, p.w1, { padding: "SAME" }), bias(p.b1))); // [n, 8, 12, 12]
  h = nn.maxPool(h, [2, 2], { strides: 2 }); // [n, 8, 6, 6]
  h = nn.relu(np.add(nn.conv(h, p.w2, { padding: "SAME" }), bias(p.b2))); // [n, 16, 6, 6]
  const features = np.mean(h, { axis: [2, 3] }); // [n, 16]
  return np.add(np.matmul(features, p.w3), p.b3);
}

function loss(p: Params, x: Array, y: Array): Array {
  const logp = nn.logSoftmax(model(p, x));
  return np.neg(np.mean(np.sum(np.mul(logp, nn.oneHot(y, 2)), { axis: -1 })));
}

const accuracy = (p: Params, x: Array, y: Array) => np.mean(np.astype(np.equal(np.argmax(model(p, x), { axis: -1 }), y), "float64")).item();

const [kInit, kTest, kTrain] = random.split(random.key(0), 3);
let params = init(kInit!);
const opt = optim.adam(0.02);
let state = opt.init(params);
const step = jit(valueAndGrad(loss));
const [testX, testY] = data(kTest!, BATCH);
console.log(`step   loss     test accuracy   (batch ${BATCH}, ${SIZE}×${SIZE} images)`);
let key = kTrain!;
const t0 = performance.now();
for (let i = 0; i <= STEPS; i++) {
  const [k, kBatch] = random.split(key);
  key = k!;
  const [x, y] = data(kBatch!, BATCH);
  const [value, grads] = step(params, x, y);
  if (i % Math.max(1, Math.floor(STEPS / 6)) === 0 || i === STEPS) {
    console.log(`${String(i).padStart(4)}   ${value.item().toFixed(4)}   ${accuracy(params, testX, testY).toFixed(3)}`);
  }
  const [updates, next] = opt.update(grads, state, params);
  params = optim.applyUpdates(params, updates);
  state = next;
}
console.log(`${STEPS + 1} steps in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
