// jit against eager nabla, hand-written JavaScript and TensorFlow.js, in one process.
import { np, grad, hessian, jit, random, valueAndGrad, type Array } from "nabla";
import { extendedRosenbrock, extendedRosenbrockByHand } from "./grad.js";
import { print, report, timePair } from "./harness.js";
import { tf, useBackend } from "./tfjs.js";

function tfExtendedRosenbrock(x: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const n = x.shape[0];
    const pairs = x.reshape([n / 2, 2]);
    const odd = pairs.slice([0, 0], [n / 2, 1]);
    const even = pairs.slice([0, 1], [n / 2, 1]);
    return tf.add(tf.mul(100, tf.square(tf.sub(even, tf.square(odd)))), tf.square(tf.sub(1, odd))).sum() as tf.Scalar;
  });
}

/** 1. Extended Rosenbrock, n = 1e6: f and value+grad. */
async function rosenbrockLarge(backends: string[]): Promise<void> {
  const n = 1_000_000;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = i % 2 === 0 ? -1.2 : 1;
  const x = np.array(data);
  const f = jit(extendedRosenbrock);
  const vg = jit(valueAndGrad(extendedRosenbrock));
  const eagerVg = valueAndGrad(extendedRosenbrock);
  const hand = () => extendedRosenbrockByHand(data, new Float64Array(n));
  const cases = [
    { name: "jit f", run: () => f(x), baseline: "hand f + ∇f", runBaseline: hand, reps: 11 },
    { name: "jit value+grad", run: () => vg(x), baseline: "hand f + ∇f", runBaseline: hand, goal: "≤ 1.3×", reps: 11 },
    { name: "jit value+grad", run: () => vg(x), baseline: "jit f", runBaseline: () => f(x), goal: "≤ 3×", reps: 11 },
    { name: "eager value+grad", run: () => eagerVg(x), baseline: "hand f + ∇f", runBaseline: hand, reps: 7 },
  ];
  const tfVg = tf.valueAndGrad((v: tf.Tensor) => tfExtendedRosenbrock(v as tf.Tensor1D));
  report("1. Extended Rosenbrock, n = 1e6", cases);
  for (const b of backends) {
    await useBackend(b as "cpu");
    const t = tf.tensor1d(Float32Array.from(data));
    report(`1b. … against TF.js (${b} backend, float32)`, [
      { name: "jit value+grad", run: () => vg(x), baseline: `TF.js ${b} value+grad`, reps: 7, runBaseline: () => tf.tidy(() => { const r = tfVg(t); r.value.dataSync(); r.grad.dataSync(); }) },
      { name: "jit f", run: () => f(x), baseline: `TF.js ${b} f`, reps: 7, runBaseline: () => tf.tidy(() => tfExtendedRosenbrock(t).dataSync()) },
    ]);
    t.dispose();
  }
}

/** 2. Per-call overhead: the 2-D Rosenbrock gradient, 1e5 calls. */
async function perCall(backends: string[]): Promise<void> {
  const rosen2 = (x: Array) => np.add(np.mul(100, np.square(np.sub(x.slice(1), np.square(x.slice(0))))), np.square(np.sub(1, x.slice(0))));
  const g = jit(grad(rosen2));
  const eager = grad(rosen2);
  const p = np.array([-1.2, 1]);
  const d = new Float64Array([-1.2, 1]);
  const hand = () => {
    const out = new Float64Array(2);
    extendedRosenbrockByHand(d, out);
    return out;
  };
  const calls = 100_000;
  const loop = (fn: () => unknown, n = calls) => () => {
    for (let i = 0; i < n; i++) fn();
  };
  const [jitMs, handMs] = timePair(loop(() => g(p)), loop(hand), { reps: 7 });
  const [eagerMs] = timePair(loop(() => eager(p), 1000), () => 0, { reps: 3 });
  const rows: [string, number][] = [
    ["hand-written JS", calls / (handMs / 1000)],
    ["nabla jit(grad)", calls / (jitMs / 1000)],
    ["nabla eager grad", 1000 / (eagerMs / 1000)],
  ];
  for (const b of backends) {
    await useBackend(b as "cpu");
    const tfGrad = tf.grad((v: tf.Tensor) => tf.tidy(() => {
      const a = v.slice([0], [1]);
      const c = v.slice([1], [1]);
      return tf.add(tf.mul(100, tf.square(tf.sub(c, tf.square(a)))), tf.square(tf.sub(1, a))).sum() as tf.Scalar;
    }));
    const tp = tf.tensor1d([-1.2, 1]);
    const [tfMs] = timePair(loop(() => tf.tidy(() => tfGrad(tp).dataSync()), 2000), () => 0, { reps: 3 });
    rows.push([`TF.js ${b}`, 2000 / (tfMs / 1000)]);
    tp.dispose();
  }
  print("\n## 2. 2-D Rosenbrock gradient: calls per second\n");
  print("| implementation | calls/s | vs hand-written |");
  print("| --- | ---: | ---: |");
  for (const [name, rate] of rows) print(`| ${name} | ${rate.toExponential(2)} | ${(rows[0]![1] / rate).toFixed(1)}× slower |`);
  print("\nGoal: jit(grad) within 3× of hand-written.");
}

/** 3. MLP 784-256-10, tanh, softmax cross-entropy, batch 128. */
async function mlp(backends: string[]): Promise<void> {
  const [k1, k2, k3, k4] = random.split(random.key(0), 4);
  const make = (dtype: "float64" | "float32") => ({
    W1: random.normal(k1!, [784, 256], { dtype }).mul(0.05),
    b1: np.zeros([256], { dtype }),
    W2: random.normal(k2!, [256, 10], { dtype }).mul(0.05),
    b2: np.zeros([10], { dtype }),
  });
  const inputs = (dtype: "float64" | "float32") => random.normal(k3!, [128, 784], { dtype });
  const labels = np.astype(np.floor(random.uniform(k4!, [128], { minval: 0, maxval: 10 })), "int32");
  const onehot = (dtype: "float64" | "float32") => np.astype(np.equal(np.expandDims(labels, 1), np.arange(10, { dtype: "int32" })), dtype);
  type Params = ReturnType<typeof make>;
  const loss = (p: Params, x: Array, y: Array) => {
    const h = np.tanh(np.add(np.matmul(x, p.W1), p.b1));
    const logits = np.add(np.matmul(h, p.W2), p.b2);
    const logp = np.sub(logits, np.logsumexp(logits, { axis: 1, keepdims: true }));
    return np.neg(np.mean(np.sum(np.mul(y, logp), { axis: 1 })));
  };
  const cases = [];
  for (const dtype of ["float64", "float32"] as const) {
    const p = make(dtype);
    const x = inputs(dtype);
    const y = onehot(dtype);
    const fwd = jit(loss);
    const both = jit(valueAndGrad(loss));
    cases.push({ dtype, fwd: () => fwd(p, x, y), both: () => both(p, x, y), eagerFwd: () => loss(p, x, y), eagerBoth: () => valueAndGrad(loss)(p, x, y) });
  }
  for (const b of backends) {
    await useBackend(b as "cpu");
    const tp = { W1: tf.tensor2d(Float32Array.from(make("float32").W1.toFloat64Array()), [784, 256]), b1: tf.zeros([256]), W2: tf.tensor2d(Float32Array.from(make("float32").W2.toFloat64Array()), [256, 10]), b2: tf.zeros([10]) };
    const tx = tf.tensor2d(Float32Array.from(inputs("float32").toFloat64Array()), [128, 784]);
    const ty = tf.tensor2d(Float32Array.from(onehot("float32").toFloat64Array()), [128, 10]);
    const tfLoss = (W1: tf.Tensor, b1: tf.Tensor, W2: tf.Tensor, b2: tf.Tensor) => {
      const h = tf.tanh(tf.add(tf.matMul(tx, W1 as tf.Tensor2D), b1));
      const logits = tf.add(tf.matMul(h, W2 as tf.Tensor2D), b2);
      return tf.losses.softmaxCrossEntropy(ty, logits) as tf.Scalar;
    };
    const tfBoth = tf.valueAndGrads(tfLoss as never);
    const tfFwd = () => tf.tidy(() => tfLoss(tp.W1, tp.b1, tp.W2, tp.b2).dataSync());
    const tfBwd = () => tf.tidy(() => { const r = tfBoth([tp.W1, tp.b1, tp.W2, tp.b2]); r.value.dataSync(); for (const g of r.grads) g.dataSync(); });
    const rows = cases.flatMap((c) => [
      { name: `jit forward (${c.dtype})`, run: c.fwd, baseline: `TF.js ${b} forward`, runBaseline: tfFwd, goal: "faster (< 1×)", reps: 11 },
      { name: `jit forward+backward (${c.dtype})`, run: c.both, baseline: `TF.js ${b} forward+backward`, runBaseline: tfBwd, goal: "faster (< 1×)", reps: 11 },
      { name: `eager forward+backward (${c.dtype})`, run: c.eagerBoth, baseline: `TF.js ${b} forward+backward`, runBaseline: tfBwd, reps: 5 },
    ]);
    report(`3. MLP 784-256-10, batch 128 (TF.js ${b} backend, float32)`, rows);
  }
}

/** 4. Hessian of sum(exp(A x)), A 200×200. */
function hessianBench(): void {
  const n = 200;
  const A = random.normal(random.key(1), [n, n]).mul(0.05);
  const x = random.normal(random.key(2), [n]);
  const f = (v: Array) => np.sum(np.exp(np.matmul(A, v)));
  const H = jit(hessian(f));
  const a = A.toFloat64Array();
  const xs = x.toFloat64Array();
  // Aᵀ diag(exp(Ax)) A, by hand.
  const analytic = () => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * xs[j]!;
      w[i] = Math.exp(s);
    }
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const wa = w[k]! * a[k * n + i]!;
        for (let j = 0; j < n; j++) out[i * n + j]! += wa * a[k * n + j]!;
      }
    }
    return out;
  };
  const h = H(x).toFloat64Array();
  const ref = analytic();
  let err = 0;
  for (let i = 0; i < h.length; i++) err = Math.max(err, Math.abs(h[i]! - ref[i]!));
  // Its floor: the one product of A's size that the Hessian's flops are (Aᵀ·(A ∘ e^{Ax})).
  const B = random.normal(random.key(3), [n, n]);
  report(`4. Hessian of sum(exp(Ax)), A ${n}×${n} (max |jit − analytic| = ${err.toExponential(1)})`, [
    { name: "jit(hessian(f))", run: () => H(x), baseline: "analytic Aᵀdiag(e^{Ax})A, hand loops", runBaseline: analytic, goal: "≤ 2 ms (nabla ms)", reps: 7 },
    { name: "jit(hessian(f))", run: () => H(x), baseline: `one ${n}×${n} matmul (nabla)`, runBaseline: () => np.matmul(B, B), reps: 31 },
  ]);
}

/**
 * 5. jit as a primitive: a jitted function transformed from outside (grad(jit(f)): the
 * compiled f, then a staged, compiled VJP program that recomputes the intermediates its
 * backward pass reads) against the transformation compiled whole (jit(grad(f))).
 */
function jitPrimitive(): void {
  const cases = [1e4, 1e6].flatMap((n) => {
    const x = np.array(Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1)));
    const outside = grad(jit(extendedRosenbrock));
    const whole = jit(grad(extendedRosenbrock));
    const reps = n > 1e5 ? 11 : 31;
    return [{ name: `grad(jit(f)), n = ${n === 1e4 ? "10⁴" : "10⁶"}`, run: () => outside(x), baseline: "jit(grad(f))", runBaseline: () => whole(x), goal: "≤ 1.5×", reps }];
  });
  const x = random.normal(random.key(3), [30]);
  const f = (v: Array) => np.sum(np.exp(np.sin(v).mul(v.slice([null, null, -1]))));
  const outside = hessian(jit(f));
  const whole = jit(hessian(f));
  cases.push({ name: "hessian(jit(f)), n = 30", run: () => outside(x), baseline: "jit(hessian(f))", runBaseline: () => whole(x), goal: "", reps: 31 });
  report("5. A jitted function transformed from outside against the transformation jitted (extended Rosenbrock; a small Hessian)", cases);
}

export async function benchJit(): Promise<void> {
  const backends: string[] = [];
  for (const b of ["cpu", "wasm"] as const) if (await useBackend(b)) backends.push(b);
  if (!backends.includes("wasm")) print("(TF.js wasm backend did not load; skipped)");
  await rosenbrockLarge(backends);
  await perCall(backends);
  await mlp(backends);
  hessianBench();
  jitPrimitive();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchJit();
