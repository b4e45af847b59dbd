// Implicit differentiation against unrolled backpropagation, on a deep-equilibrium layer
// z* = tanh(z*·W + x·U + b) with a 1,000-dimensional state: the gradient of
// loss = Σ (z*·V)² with respect to W, U and b, through `implicit.fixedPoint` (one GMRES
// solve with Jᵀ from VJPs of the layer) and by backpropagation through the iterations
// unrolled by `scan`, at 100 and at 1,000 iterations. Wall time and memory.
//
// Memory is measured as bench/memory.ts explains: "peak live" and "peak RSS". The probe is
// wrapped around the layer's output and samples every 10th time the layer or its VJP is
// evaluated: in the forward iterations, in each step of the backward scan and in each of
// GMRES's products with Jᵀ. What the method holds at those points: the tape of stored
// states, the Krylov basis, gradient accumulators, the 8 MB gradient in W itself.
import os from "node:os";
import { grad, implicit, np, scan, type Array } from "nabla";
import { mulberry32, print } from "./harness.js";
import { firstCall, gc, makeProbe, median, printFirstCall, type First } from "./memory.js";

/** The flag that runs this file as a child making one first call (see `child`). */
const CHILD = "--child";

const N = 1000; // state
const D = 16; // input
const R = 10; // readout
const RHO = 0.85; // spectral norm of W: T is a contraction (tanh is 1-Lipschitz)
/** Chosen so that the "iterate" forward converges in about 100 iterations on this problem. */
const TOL_100 = 1e-10;

interface Params {
  W: Array;
  U: Array;
  b: Array;
}

interface Problem {
  params: Params;
  x: Array;
  V: Array;
  z0: Array;
}

/** Standard normals by Box–Muller from mulberry32, so every process builds the same problem. */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * W = ρ·S/‖S‖₂ with S = G + Gᵀ symmetric (G Gaussian), so the iteration's rate is close to
 * ‖W‖₂ (a random non-symmetric W of the same norm has about half its spectral radius and
 * would converge in a third of the iterations); ‖S‖₂ by 100 power iterations.
 */
function problem(): Problem {
  const normal = rng(20240611);
  const w = new Float64Array(N * N);
  for (let i = 0; i < N * N; i++) w[i] = normal();
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < i; j++) w[i * N + j] = w[j * N + i] = w[i * N + j]! + w[j * N + i]!;
    w[i * N + i]! *= 2;
  }
  let v = new Float64Array(N).fill(1 / Math.sqrt(N));
  let norm = 0;
  for (let it = 0; it < 100; it++) {
    const u = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += w[i * N + j]! * v[j]!;
      u[i] = s;
    }
    norm = Math.hypot(...u);
    v = u.map((ui) => ui / norm);
  }
  for (let i = 0; i < N * N; i++) w[i] = (w[i]! * RHO) / norm;
  const randn = (len: number, scale: number) => Float64Array.from({ length: len }, () => scale * normal());
  return {
    params: {
      W: np.reshape(np.array(w), [N, N]),
      // Small pre-activations keep tanh' near 1, so the contraction stays near ρ.
      U: np.reshape(np.array(randn(D * N, 0.1 / Math.sqrt(D))), [D, N]),
      b: np.array(randn(N, 0.1)),
    },
    x: np.array(randn(D, 1)),
    V: np.reshape(np.array(randn(N * R, 1 / Math.sqrt(N))), [N, R]),
    z0: np.zeros([N]),
  };
}

/** Counts the evaluations of the layer (kind "layer") and of its VJP (kind "vjp"). */
const probe = makeProbe("bench_memory_probe", ["layer"]);

type Variant = "implicit-100" | "implicit-1000" | "unrolled-100" | "unrolled-1000";
const VARIANTS: Variant[] = ["implicit-100", "unrolled-100", "implicit-1000", "unrolled-1000"];

/**
 * The gradient of the loss for a variant. The layer is written z·W (row vectors): nabla's
 * matmul(W, z) with a 1-D z takes a row-by-row path several times slower (W is symmetric,
 * so the two are the same map).
 */
function gradient(variant: Variant, p: Problem, probed: boolean): (params: Params) => Params {
  const layer = (z: Array, q: Params) => {
    const out = np.tanh(np.add(np.add(np.matmul(z, q.W), np.matmul(p.x, q.U)), q.b));
    return probed ? probe.tap(out, "layer") : out;
  };
  const readout = (z: Array) => np.sum(np.square(np.matmul(z, p.V)));
  const [kind, iters] = variant.split("-") as ["implicit" | "unrolled", string];
  const k = Number(iters);
  if (kind === "implicit") {
    // 100: converged to TOL_100 (about 100 iterations); 1000: exactly 1,000 iterations
    // (tol 0 cannot be met, so the solve ends at maxIter, hence allowUnconverged).
    const opts = k === 100 ? { tol: TOL_100, maxIter: 10_000 } : { tol: 0, maxIter: k, allowUnconverged: true };
    const solve = implicit.fixedPoint(layer, opts);
    return grad((q: Params) => readout(solve(p.z0, q).x));
  }
  return grad((q: Params) => readout(scan((z: Array, _: Array) => [layer(z, q), _] as [Array, Array], p.z0, np.zeros([k]))[0]));
}

interface Live {
  g: Params;
  liveMB: number;
  /** Evaluations of the layer (forward iterations, the backward scan's recomputation) and of its VJP (backward steps, GMRES's products with Jᵀ). */
  layer: number;
  vjp: number;
}

/** One probed call: the gradient and the peak live memory growth. */
function probedCall(variant: Variant, p: Problem): Live {
  const f = gradient(variant, p, true);
  const { value: g, liveMB, counts } = probe.measure(10, () => f(p.params));
  return { g, liveMB, ...counts };
}

/** Child mode: one first call of a variant in a fresh process. */
function child(variant: Variant): void {
  const p = problem();
  const f = gradient(variant, p, false);
  printFirstCall(() => f(p.params));
}

/** ‖a − b‖ / ‖b‖, leaf by leaf. */
function relDiff(a: Params, b: Params): Record<keyof Params, number> {
  const d = (u: Array, v: Array) => np.norm(np.sub(u, v)).item() / np.norm(v).item();
  return { W: d(a.W, b.W), U: d(a.U, b.U), b: d(a.b, b.b) };
}

/** The whole section (run by bench/run.ts, or alone, after `npm run build --workspace=nabla`, with `npx tsx --tsconfig bench/tsconfig.json bench/implicit.ts`). */
export function benchImplicit(): void {
  const start = performance.now();
  const loadBefore = os.loadavg()[0]!;
  const p = problem();
  // The forward solves alone, for their iteration counts and residuals.
  const layer = (z: Array, q: Params) => np.tanh(np.add(np.add(np.matmul(z, q.W), np.matmul(p.x, q.U)), q.b));
  const fwd100 = implicit.fixedPoint(layer, { tol: TOL_100, maxIter: 10_000 })(p.z0, p.params);
  const nit100 = fwd100.nit.item();

  const live: Partial<Record<Variant, Live>> = {};
  const warm: Partial<Record<Variant, number>> = {};
  const first: Partial<Record<Variant, First>> = {};
  for (const k of [100, 1000] as const) {
    const pair = [`implicit-${k}`, `unrolled-${k}`] as [Variant, Variant];
    for (const v of pair) first[v] = firstCall(import.meta.url, CHILD, v);
    // The probed calls double as the warm-up of the timed ones.
    for (const v of pair) live[v] = probedCall(v, p);
    const fns = pair.map((v) => gradient(v, p, false));
    const reps = k === 100 ? 5 : 1;
    const times: number[][] = [[], []];
    for (let r = 0; r < reps; r++) {
      for (const i of [0, 1]) {
        gc();
        const t = performance.now();
        fns[i]!(p.params);
        times[i]!.push(performance.now() - t);
      }
    }
    pair.forEach((v, i) => (warm[v] = median(times[i]!)));
  }
  const total = (performance.now() - start) / 1000;
  const loadAfter = os.loadavg()[0]!;
  print(`\n## Implicit differentiation: deep-equilibrium layer, n = ${N}, implicit.fixedPoint against backpropagation through scan\n`);
  print(`z* = tanh(z*·W + x·U + b), W ${N}×${N} symmetric with ‖W‖₂ = ${RHO}, x ∈ R^${D}; loss = Σ (z*·V)², V ${N}×${R}; eager \`grad\` in W, U, b.`);
  print(`implicit: fixedPoint "iterate" from z0 = 0 with tol ${TOL_100} (${nit100} iterations, residual ${fwd100.residual.item().toExponential(1)}), or with tol 0, maxIter 1000,`);
  print("allowUnconverged (exactly 1,000 iterations); the derivative is one GMRES solve with Jᵀ from VJPs. unrolled: `scan` over 100 or");
  print("1,000 steps of the same layer from the same z0, backpropagated. layer / VJP evals: evaluations of the layer and of its VJP");
  print("(backward steps; GMRES products) in one call. warm ms: median of 5 calls (100) or 1 call (1,000), implicit and unrolled");
  print("interleaved in one process. first call: a fresh process. peak live: heapUsed + external right after a forced full");
  print("collection, sampled at every 10th layer or VJP evaluation, less its value before the call — what the method keeps alive,");
  print("which includes the 8 MB gradient in W. peak RSS: resident-set high-water mark less RSS before the call, in the fresh");
  print("process — garbage awaiting collection included.\n");
  const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);
  row(["gradient", "iterations", "layer / VJP evals", "warm ms", "first call ms", "peak live MB", "peak RSS MB", "implicit ÷ unrolled (warm ms)"]);
  row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const v of VARIANTS) {
    const [kind, k] = v.split("-");
    const other = (kind === "implicit" ? `unrolled-${k}` : `implicit-${k}`) as Variant;
    const f = first[v]!;
    row([
      kind === "implicit" ? "implicit.fixedPoint" : "unrolled scan",
      k === "100" && kind === "implicit" ? nit100 : k!,
      `${live[v]!.layer} / ${live[v]!.vjp}`,
      warm[v]!.toFixed(0),
      f.ms.toFixed(0),
      live[v]!.liveMB.toFixed(1),
      (f.exact ? "" : "≤ ") + f.rssMB.toFixed(1),
      kind === "implicit" ? (warm[v]! / warm[other]!).toFixed(2) + "×" : "",
    ]);
  }
  const perStep = (v: "implicit" | "unrolled") => ((live[`${v}-1000`]!.liveMB - live[`${v}-100`]!.liveMB) * 1024) / 900;
  print(`\nPeak live memory per extra iteration, (1,000 − 100 iterations) ÷ 900: implicit ${perStep("implicit").toFixed(2)} KB, unrolled ${perStep("unrolled").toFixed(2)} KB`);
  print(`(one float64 state vector of ${N} is ${((N * 8) / 1024).toFixed(2)} KB).`);
  const d100 = relDiff(live["implicit-100"]!.g, live["unrolled-100"]!.g);
  const d1000 = relDiff(live["implicit-1000"]!.g, live["unrolled-1000"]!.g);
  const fmt = (d: Record<string, number>) => Object.entries(d).map(([k, x]) => `${k} ${x.toExponential(1)}`).join(", ");
  print(`Implicit against unrolled gradients, ‖g_implicit − g_unrolled‖ / ‖g_unrolled‖: ${fmt(d100)} at 100 iterations; ${fmt(d1000)} at 1,000.`);
  print(`${total.toFixed(0)} s in all; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${os.cpus().length} cores.`);
}

const argv = process.argv;
if (argv.includes(CHILD)) child(argv[argv.indexOf(CHILD) + 1] as Variant);
else if (import.meta.url === `file://${argv[1]}`) benchImplicit();
