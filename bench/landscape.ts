// Hessian spectra from Hessian-vector products at 10⁵ and 10⁶ parameters: the top
// eigenvalue and the top 10 (landscape.hessianEigs, Lanczos with full reorthogonalization)
// and the trace (landscape.hessianTrace, 20 Rademacher probes) of a tanh MLP's loss on a
// small batch; and what one Hessian-vector product costs against one gradient.
//
// Memory is "peak live" as bench/memory.ts explains (heapUsed + external right after a
// forced full collection, less its value before the call), but sampled by a probe of its
// own: the spectra linearize grad(f) once and then replay only its tangent program, where
// memory.ts's probe (which passes tangents through untouched) never runs. This one taps the
// tangent too, so it samples during every product (and once more when the call returns,
// while the result is alive): the Krylov basis, the linearization's residuals, the result.
import os from "node:os";
import { grad, landscape, linearize, np, random, type Array } from "nabla";
// A primitive, as in bench/memory.ts: the public API does not let one define one.
import { bind, definePrimitive, type Primitive } from "nabla-internal/core/index.js";
import { hessianOperator, keysFrom, rademacher } from "nabla-internal/landscape/spectra-operator.js";
import { print, timePair } from "./harness.js";
import { firstCall, gc, liveBytes, printFirstCall, type First } from "./memory.js";

/** The flag that runs this file as a child making one first call (see `child`). */
const CHILD = "--child";

type Size = "1e5" | "1e6";
/** d → h → h → 10 tanh MLP, batch 32: 103,210 and 1,076,010 parameters. */
const SIZES: Record<Size, { d: number; h: number }> = { "1e5": { d: 32, h: 300 }, "1e6": { d: 64, h: 1000 } };
const CLASSES = 10;
const BATCH = 32;
const TRACE_SAMPLES = 20;
/**
 * Lanczos budgets: at 10⁵ the defaults (tol 1e-8, maxIter up to 100 and 200), which
 * converge; at 10⁶ a fixed 20 and 30 products (not converged; residuals are printed), to
 * keep the whole benchmark under three minutes on a loaded 2-core machine.
 */
const EIGS: Record<Size, { top1: landscape.HessianEigsOptions; top10: landscape.HessianEigsOptions }> = {
  "1e5": { top1: { k: 1 }, top10: { k: 10 } },
  "1e6": { top1: { k: 1, maxIter: 20 }, top10: { k: 10, maxIter: 30 } },
};

type Params = { W1: Array; b1: Array; W2: Array; b2: Array; W3: Array; b3: Array };

interface Model {
  params: Params;
  loss: (p: Params) => Array;
  /** The same loss with the memory probe on W2 (the largest leaf). */
  probed: (p: Params) => Array;
  n: number;
}

/** The sampler's state: while `on`, every evaluation of the tap samples live memory; `ms` is the time spent sampling. */
const sampler = { on: false, peak: 0, taps: 0, ms: 0 };
function sample(): void {
  const t = performance.now();
  gc();
  sampler.peak = Math.max(sampler.peak, liveBytes());
  sampler.ms += performance.now() - t;
}

/** The identity, sampling when evaluated; its JVP taps the tangent and its VJP the cotangent, so products sample too. */
const tap: Primitive<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: "bench_landscape_tap",
  shapeRule: (inputs) => inputs.map((a) => ({ shape: a.shape, dtype: a.dtype })),
  impl(inputs) {
    if (sampler.on) {
      sampler.taps++;
      sample();
    }
    return [...inputs];
  },
  jvp: (primals, tangents, p) => [bind(tap, primals, p), tangents.map((t) => (t ? bind(tap, [t], p)[0]! : null))],
  vjp: (cts, _inputs, _outputs, p) => cts.map((c) => (c ? bind(tap, [c], p)[0]! : null)),
  batch: (args, batched, p) => [bind(tap, args, p), [...batched]],
});

/**
 * One probed call: its value, the peak live memory growth in MB, and its wall time less the
 * time spent sampling (so that one call gives both figures: at 10⁶ a second call would
 * not fit in the time budget; at 10⁵ an unprobed call checks the correction).
 */
function measure<T>(call: () => T): { value: T; liveMB: number; seconds: number } {
  gc();
  const base = liveBytes();
  Object.assign(sampler, { on: true, peak: base, taps: 0, ms: 0 });
  const t = performance.now();
  const value = call();
  const ms = performance.now() - t - sampler.ms;
  sample(); // with the result alive
  sampler.on = false;
  return { value, liveMB: (sampler.peak - base) / 2 ** 20, seconds: ms / 1000 };
}

/** The model at a size, from fixed keys, so that every process builds the same one. */
function model(size: Size): Model {
  const { d, h } = SIZES[size];
  const [k1, k2, k3, kx, ky] = random.split(random.key(2024), 5);
  const layer = (key: Array, fanIn: number, fanOut: number) => np.mul(1 / Math.sqrt(fanIn), random.normal(key, [fanIn, fanOut]));
  const params = { W1: layer(k1!, d, h), b1: np.zeros([h]), W2: layer(k2!, h, h), b2: np.zeros([h]), W3: layer(k3!, h, CLASSES), b3: np.zeros([CLASSES]) };
  const X = random.normal(kx!, [BATCH, d]);
  const Y = random.normal(ky!, [BATCH, CLASSES]);
  const loss = (p: Params) => {
    const h1 = np.tanh(np.add(np.matmul(X, p.W1), p.b1));
    const h2 = np.tanh(np.add(np.matmul(h1, p.W2), p.b2));
    return np.mean(np.square(np.sub(np.add(np.matmul(h2, p.W3), p.b3), Y)));
  };
  const probed = (p: Params) => loss({ ...p, W2: bind(tap, [p.W2], {})[0]! });
  const n = Object.values(params).reduce((s, l) => s + l.size, 0);
  return { params, loss, probed, n };
}

/** A random tangent shaped like the parameters. */
function direction(params: Params): Params {
  const keys = [...random.split(random.key(7), 6)];
  return Object.fromEntries(Object.entries(params).map(([name, l], i) => [name, random.normal(keys[i]!, l.shape)])) as Params;
}

type Variant = `${"grad" | "hvp"}-${Size}`;

/** Child mode: one first call in a fresh process: a gradient, or linearize + one product. */
function child(variant: Variant): void {
  const [kind, size] = variant.split("-") as ["grad" | "hvp", Size];
  const { params, loss } = model(size);
  const v = direction(params);
  printFirstCall(() => (kind === "grad" ? grad(loss)(params) : linearize(grad(loss), params)[1](v)));
}

type Task = "top-1" | "top-10" | "trace";
const TASKS: Task[] = ["top-1", "top-10", "trace"];

function run(task: Task, size: Size, f: (p: Params) => Array, params: Params) {
  if (task === "trace") return landscape.hessianTrace(f, params, { samples: TRACE_SAMPLES, key: random.key(1) });
  return landscape.hessianEigs(f, params, task === "top-1" ? EIGS[size].top1 : EIGS[size].top10);
}

function describeResult(r: ReturnType<typeof run>): string {
  if ("trace" in r) return `tr H = ${r.trace.toFixed(1)} ± ${r.stderr.toFixed(1)}`;
  const vals = r.values.length === 1 ? `λ₁ = ${r.values[0]!.toFixed(6)}` : `λ₁ … λ₁₀ = ${r.values[0]!.toFixed(4)} … ${r.values[r.values.length - 1]!.toFixed(4)}`;
  const res = Math.max(...r.residuals);
  return `${vals}; max residual ${res.toExponential(1)} (${(res / Math.abs(r.values[0]!)).toExponential(1)} relative), ${r.converged ? "converged" : "not converged"}`;
}

/** The whole section (run by bench/run.ts, or alone, after `npm run build --workspace=nabla`, with `npx tsx --tsconfig bench/tsconfig.json bench/landscape.ts`). */
export function benchLandscape(): void {
  const start = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const sizes: Size[] = ["1e5", "1e6"];
  const first: Partial<Record<Variant, First>> = {};
  for (const s of sizes) for (const k of ["grad", "hvp"] as const) first[`${k}-${s}`] = firstCall(import.meta.url, CHILD, `${k}-${s}`);
  const ratioRows: string[][] = [];
  const taskRows: string[][] = [];
  const unprobed: string[] = [];
  const worst = { warm: 0 };
  for (const size of sizes) {
    const m = model(size);
    const g = grad(m.loss);
    const [, product] = linearize(g, m.params);
    const v = direction(m.params);
    // Interleaved, medians: 5 warm-up pairs and then 15 (10⁵) or 5 (10⁶) timed ones.
    const [hvpMs, gradMs] = timePair(() => product(v), () => g(m.params), { reps: size === "1e5" ? 15 : 5, warmupMs: size === "1e5" ? 500 : 0 });
    worst.warm = Math.max(worst.warm, hvpMs / gradMs);
    const fg = first[`grad-${size}`]!;
    const fh = first[`hvp-${size}`]!;
    ratioRows.push([m.n.toLocaleString("en-US"), gradMs.toFixed(1), hvpMs.toFixed(1), `${(hvpMs / gradMs).toFixed(2)}×`, fg.ms.toFixed(0), fh.ms.toFixed(0), `${(fh.ms / fg.ms).toFixed(2)}×`]);
    for (const task of TASKS) {
      const { value: r, liveMB, seconds } = measure(() => run(task, size, m.probed, m.params));
      if (size === "1e5") {
        gc();
        const t = performance.now();
        run(task, size, m.loss, m.params);
        unprobed.push(`${task} ${((performance.now() - t) / 1000).toFixed(2)} s (probed, corrected: ${seconds.toFixed(2)} s)`);
      }
      const settings = task === "trace" ? `${TRACE_SAMPLES} probes` : size === "1e6" ? `maxIter ${EIGS[size][task === "top-1" ? "top1" : "top10"].maxIter}` : "defaults (tol 1e-8)";
      taskRows.push([m.n.toLocaleString("en-US"), task, settings, String(r.nhvp), seconds.toFixed(2), ((seconds * 1000) / r.nhvp).toFixed(0), liveMB.toFixed(0), describeResult(r)]);
    }
  }
  const total = (performance.now() - start) / 1000;
  const row = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  print("\n## Hessian spectra: Lanczos top eigenvalues and Hutchinson's trace at 10⁵ and 10⁶ parameters\n");
  print(`Loss: mean squared error of a d → h → h → ${CLASSES} tanh MLP on a fixed batch of ${BATCH} random inputs and targets, at its random`);
  print(`initialization; d = ${SIZES["1e5"].d}, h = ${SIZES["1e5"].h} (10⁵) and d = ${SIZES["1e6"].d}, h = ${SIZES["1e6"].h} (10⁶). HVP: one product of grad(loss) linearized once`);
  print("(`linearize`, what the spectra use), over the parameter pytree. warm: medians of interleaved calls (15 at 10⁵, 5 at 10⁶).");
  print("first call: a fresh process making that one call (the HVP's includes linearizing).\n");
  row(["parameters", "gradient warm ms", "HVP warm ms", "HVP ÷ gradient (warm)", "gradient first call ms", "HVP first call ms", "HVP ÷ gradient (first)"]);
  row(["---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  ratioRows.forEach(row);
  print(`\nGoal: one HVP ≤ 4× one gradient (warm): ${worst.warm <= 4 ? "met" : "NOT met"}, worst ${worst.warm.toFixed(2)}×.\n`);
  print("The estimators: `landscape.hessianEigs` (k = 1 and k = 10, which \"largest\") and `landscape.hessianTrace`, one call each,");
  print("after the rows above warmed the code. peak live: heapUsed + external after a forced full collection, sampled at every");
  print("product and when the call returns, less its value before the call: the linearization's residuals, the Krylov basis (8.6 MB");
  print("per vector at 10⁶), the eigenvectors returned. wall: that call's time less the time spent sampling. ms per HVP: wall ÷ HVPs,");
  print("linearization, reorthogonalization and eigenvectors included.\n");
  row(["parameters", "estimate", "settings", "HVPs", "wall s", "ms per HVP", "peak live MB", "result"]);
  row(["---:", "---", "---", "---:", "---:", "---:", "---:", "---"]);
  taskRows.forEach(row);
  print(`\nUnprobed calls at 10⁵, against the probed call's corrected time: ${unprobed.join("; ")}.`);
  benchProbeBatches();
  print(`\n${total.toFixed(0)} s in all; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after, on ${os.cpus().length} cores.`);
}

/**
 * hessianTrace's probes in batches (vmap, up to 16 at a time) against one product per
 * probe, on a model whose products are matrix–vector ones: logistic regression.
 */
function benchProbeBatches(): void {
  const [N, D, PROBES] = [4000, 500, 32];
  const X = random.normal(random.key(1), [N, D]);
  const y = np.sign(random.normal(random.key(2), [N]));
  const f = (w: Array) => np.mean(np.log1p(np.exp(np.neg(np.mul(y, np.matmul(X, w))))));
  const w = np.mul(0.01, random.normal(random.key(3), [D]));
  const batched = () => landscape.hessianTrace(f, w, { samples: PROBES, key: random.key(4) }).trace;
  const oneByOne = () => {
    const H = hessianOperator("bench", f, w);
    return keysFrom("bench", random.key(4), PROBES).reduce((s, k) => {
      const z = rademacher(k, H.n);
      return s + H.product(z).reduce((t, hz, i) => t + hz * z[i]!, 0) / PROBES;
    }, 0);
  };
  const [batchMs, oneMs] = timePair(batched, oneByOne, { reps: 7, warmupMs: 300 });
  print(`\nHutchinson's trace, ${PROBES} probes, of a logistic regression's loss (X ${N} × ${D}, ${D} parameters), whose Hessian-vector`);
  print(`products are matrix–vector ones: probes in batches of 16 through vmap (hessianTrace) ${batchMs.toFixed(1)} ms, one product per`);
  print(`probe ${oneMs.toFixed(1)} ms: ${(oneMs / batchMs).toFixed(1)}× faster (medians of 7, interleaved; the estimates agree to ${Math.abs(batched() - oneByOne()).toExponential(1)}).`);
}

const argv = process.argv;
if (argv.includes(CHILD)) child(argv[argv.indexOf(CHILD) + 1] as Variant);
else if (import.meta.url === `file://${argv[1]}`) benchLandscape();
