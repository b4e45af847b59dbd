// Integration and sampling, three ways:
//  1. `integrate.quad` against scipy.integrate.quad (QUADPACK) on the cases of
//     test/fixtures/quad.json: integrand evaluations, agreement, and the time of a call.
//  2. `integrate.monteCarlo` of ∫₀¹ x² with 10⁶ uniform samples against a plain loop.
//  3. `bayes.nuts` and `bayes.hmc` on the correlated 100-D Gaussian of
//     test/bayes/mcmc.test.ts: gradient evaluations and effective samples per second, and
//     the cost of one gradient evaluation inside the sampler against a hand-written gradient.
// First calls are timed in a fresh process (bench/memory.ts `firstCall`), since a user's
// first call pays V8's and the library's warm-up; warm figures are medians in this process.
import { readFileSync } from "node:fs";
import os from "node:os";
import { bayes, grad, integrate, jit, np, random, valueAndGrad, type Array } from "nabla";
import { mulberry32, print, timePair } from "./harness.js";
import { firstCall, median, printFirstCall } from "./memory.js";

/** The flag that runs this file as a child making one first call (see `child`). */
const CHILD = "--integrate-child";
const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);

// ---------------------------------------------------------------------------------------
// 1. quad. The integrands of scripts/fixtures/quad.py, by the fixture's names (the test's
// list lives in a vitest file, which a benchmark cannot import). ∞ is "inf" in the JSON.

interface Ref { a: number | string; b: number | string; epsabs?: number; epsrel?: number; value: number; abserr: number; neval: number; ier: number }
const fixture = JSON.parse(readFileSync(new URL("../test/fixtures/quad.json", import.meta.url), "utf8")) as { scipy: string; quad: Record<string, Ref> };
const decode = (v: number | string) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const gauss = (x: Array) => np.exp(x.square().neg());
const INTEGRANDS: Record<string, (x: Array) => Array> = {
  exp: (x) => np.exp(x),
  sin: (x) => np.sin(x),
  sqrt: (x) => np.pow(x, -0.5),
  sqrtTight: (x) => np.pow(x, -0.5),
  log: (x) => np.log(x),
  expInf: (x) => np.exp(x.neg()),
  gauss,
  gaussTight: gauss,
  cos20: (x) => np.cos(x.mul(20)),
  sinInverse: (x) => np.sin(np.div(1, x)),
  inverse: (x) => np.div(1, x),
  sinc: (x) => np.div(np.sin(x), x),
};

/** One call of a case: its value, error estimate, nfev and status (NaN where there is none). */
function quadCase(name: string): { value: number; error: number; nfev: number; status: string } {
  if (name === "grad") {
    // d/dθ ∫₀¹ e^{θx} dx at θ = 1: the derivative rule is a second quad, of x·e^{θx}.
    const g = grad((t: Array) => integrate.quad((x) => np.exp(x.mul(t)), 0, 1).value)(np.array(1));
    return { value: g.item() as number, error: NaN, nfev: NaN, status: "—" };
  }
  const ref = fixture.quad[name]!;
  const r =
    name === "dblquad"
      ? integrate.dblquad((x, y) => np.exp(x.square().add(y.square()).neg()), -Infinity, Infinity, -Infinity, Infinity)
      : integrate.quad(INTEGRANDS[name]!, decode(ref.a), decode(ref.b), ref.epsabs === undefined ? {} : { epsabs: ref.epsabs, epsrel: ref.epsrel });
  const num = (a: Array) => a.item() as number;
  return { value: num(r.value), error: num(r.error), nfev: num(r.nfev), status: integrate.STATUS[num(r.status)]! };
}

/** Median ms of a call after a warm-up of ≥ 5 calls and ~200 ms; fewer repeats for slow calls. */
function warmMs(fn: () => unknown): number {
  const end = performance.now() + 200;
  let last = 0;
  for (let i = 0; i < 5 || performance.now() < end; i++) {
    const t = performance.now();
    fn();
    last = performance.now() - t;
  }
  const times: number[] = [];
  for (let i = 0, reps = last > 50 ? 5 : 21; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

function benchQuad(): void {
  print(`\n## quad: evaluations against scipy.integrate.quad\n`);
  print(`scipy ${fixture.scipy}'s value, abserr and neval from test/fixtures/quad.json, with the same tolerances (scipy's defaults 1.49e-8`);
  print("unless the case is \"…Tight\", 1e-12) and limit 50. status: nabla's / scipy's ier. Two extra rows have no scipy figure and are");
  print("compared with the exact value: the gradient d/dθ ∫₀¹ e^{θx} dx at θ = 1 (= 1; its own quad's nfev is not reported) and");
  print("dblquad of e^{−x²−y²} over ℝ² (= π; nfev counts every inner evaluation). warm ms: median of repeated calls in this process;");
  print("first call ms: the case alone in a fresh process.\n");
  row(["integral", "status (scipy ier)", "nabla nfev", "scipy neval", "ratio", "\\|value − scipy\\|", "nabla error estimate", "warm ms", "first call ms"]);
  row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  const exact: Record<string, [string, number]> = { grad: ["d/dθ ∫₀¹ e^{θx} dx, θ = 1", 1], dblquad: ["dblquad e^{−x²−y²}, ℝ²", Math.PI] };
  for (const name of [...Object.keys(fixture.quad), "grad", "dblquad"]) {
    const first = firstCall(import.meta.url, CHILD, `quad:${name}`).ms;
    const ms = warmMs(() => quadCase(name));
    const r = quadCase(name);
    const ref = fixture.quad[name];
    const fmt = (x: number) => (Number.isNaN(x) ? "—" : x.toExponential(1));
    row([
      ref ? name : exact[name]![0],
      ref ? `${r.status} (${ref.ier})` : r.status,
      Number.isNaN(r.nfev) ? "—" : r.nfev,
      ref ? ref.neval : "—",
      ref ? (r.nfev / ref.neval).toFixed(2) : "—",
      ref ? fmt(Math.abs(r.value - ref.value)) : `${fmt(Math.abs(r.value - exact[name]![1]))} (exact)`,
      fmt(r.error),
      ms.toFixed(2),
      first.toFixed(0),
    ]);
  }
}

// ---------------------------------------------------------------------------------------
// 2. Monte Carlo.

const MC_N = 1_000_000;

const mc = {
  nabla: () => integrate.monteCarlo((x: Array) => x.square(), (key, m) => random.uniform(key, [m]), MC_N, { key: random.key(0) }).estimate.item(),
  /** Welford's running mean and Σ(x − mean)², as stable as monteCarlo's merged moments. */
  js: () => {
    const u = mulberry32(0);
    let mean = 0;
    let m2 = 0;
    for (let i = 1; i <= MC_N; i++) {
      const y = u() ** 2;
      const d = y - mean;
      mean += d / i;
      m2 += d * (y - mean);
    }
    return [mean, Math.sqrt(m2 / (MC_N - 1) / MC_N)];
  },
  // The generators alone: 10⁶ threefry uniforms (one key, one batch) against 10⁶ mulberry32 draws.
  uniform: () => random.uniform(random.key(0), [MC_N]).toFloat64Array(),
  jsUniform: () => {
    const u = mulberry32(0);
    const out = new Float64Array(MC_N);
    for (let i = 0; i < MC_N; i++) out[i] = u();
    return out;
  },
};

function benchMonteCarlo(): void {
  const first = (v: keyof typeof mc) => firstCall(import.meta.url, CHILD, `mc:${v}`).ms;
  const firsts = { nabla: first("nabla"), js: first("js"), uniform: first("uniform"), jsUniform: first("jsUniform") };
  const [nablaMs, jsMs] = timePair(mc.nabla, mc.js, { reps: 11 });
  const [uMs, jsUMs] = timePair(mc.uniform, mc.jsUniform, { reps: 11 });
  // The share of monteCarlo's time that is drawing: the two interleaved, so drift falls on both.
  const [mcMs, drawMs] = timePair(mc.nabla, mc.uniform, { reps: 11 });
  const r = integrate.monteCarlo((x: Array) => x.square(), (key, m) => random.uniform(key, [m]), MC_N, { key: random.key(0) });
  const [jsMean, jsErr] = mc.js();
  print(`\n## Monte Carlo: ∫₀¹ x² with N = 10⁶\n`);
  print("integrate.monteCarlo with random.uniform samples (threefry, the default batch size, vmapped x² compiled once) against a");
  print("JavaScript loop: mulberry32 and Welford's running mean and variance. The generators alone on the second row: one");
  print("random.uniform(key, [10⁶]) (read back as a Float64Array) against 10⁶ mulberry32 draws into a Float64Array. warm ms:");
  print("median of 11 interleaved runs (bench/harness.ts timePair); first call: a fresh process.\n");
  row(["case", "nabla warm ms", "JS warm ms", "ratio", "nabla first call ms", "JS first call ms"]);
  row(["---", "---:", "---:", "---:", "---:", "---:"]);
  row(["monteCarlo, 10⁶ samples", nablaMs.toFixed(1), jsMs.toFixed(1), (nablaMs / jsMs).toFixed(1) + "×", firsts.nabla.toFixed(0), firsts.js.toFixed(0)]);
  row(["uniform draws alone, 10⁶", uMs.toFixed(1), jsUMs.toFixed(1), (uMs / jsUMs).toFixed(1) + "×", firsts.uniform.toFixed(0), firsts.jsUniform.toFixed(0)]);
  print(`\nOne random.uniform of 10⁶ takes ${((100 * drawMs) / mcMs).toFixed(0)}% of monteCarlo's time (interleaved: ${drawMs.toFixed(1)} against ${mcMs.toFixed(1)} ms; monteCarlo draws in batches). Estimates (1/3 = 0.33333…): nabla ${(r.estimate.item() as number).toFixed(5)} ± ${(r.stderr.item() as number).toFixed(5)}, JS ${jsMean!.toFixed(5)} ± ${jsErr!.toFixed(5)}.`);
}

// ---------------------------------------------------------------------------------------
// 3. MCMC on the 100-D Gaussian of test/bayes/mcmc.test.ts: Σ = D·C·D, C the AR(1)
// correlation ρ^|i−j| (ρ = 0.5), scales D from 0.5 to 2; the precision is tridiagonal.

const D = 100;
const RHO = 0.5;
const scale = Float64Array.from({ length: D }, (_, i) => 0.5 * 4 ** (((i * 37) % D) / (D - 1)));
const mean = Float64Array.from({ length: D }, (_, i) => Math.sin(i));
const pDiag = Float64Array.from({ length: D }, (_, i) => (i === 0 || i === D - 1 ? 1 : 1 + RHO * RHO) / (1 - RHO * RHO) / scale[i]! ** 2);
const pOff = Float64Array.from({ length: D - 1 }, (_, i) => -RHO / (1 - RHO * RHO) / (scale[i]! * scale[i + 1]!));
const [pDiagA, pOffA, muA] = [np.array(pDiag), np.array(pOff), np.array(mean)];

/** −½ rᵀPr, r = x − μ, with the banded precision P (as the test writes it). */
function logDensity(x: Array): Array {
  const r = x.sub(muA);
  const off = np.sum(pOffA.mul(r.slice([0, -1])).mul(r.slice([1, null])));
  return np.sum(pDiagA.mul(r.square())).add(off.mul(2)).mul(-0.5);
}

/** The same log density and its gradient −P·r by hand, into `g`: what the sampler needs per step. */
function jsValueGrad(x: Float64Array, g: Float64Array): number {
  let v = 0;
  for (let i = 0; i < D; i++) {
    const r = x[i]! - mean[i]!;
    let pr = pDiag[i]! * r;
    if (i > 0) pr += pOff[i - 1]! * (x[i - 1]! - mean[i - 1]!);
    if (i < D - 1) pr += pOff[i]! * (x[i + 1]! - mean[i + 1]!);
    g[i] = -pr;
    v += r * pr;
  }
  return -0.5 * v;
}

function benchMcmc(): void {
  // The bare gradients, per call: 1,000 calls per timed run, at a fixed point near the mode.
  const x = Float64Array.from(mean, (m, i) => m + 0.3 * scale[i]! * Math.sin(7 * i));
  const g = new Float64Array(D);
  // nabla's gradient as the samplers stage it (bayes/target.ts): jit(valueAndGrad), a Float64Array in and out.
  const staged = jit(valueAndGrad(logDensity));
  const thousand = (call: () => unknown) => () => {
    for (let k = 0; k < 1000; k++) call();
  };
  // ms per 1,000 calls = µs per call.
  const [stagedUs, jsUs] = timePair(
    thousand(() => g.set(staged(np.array(x))[1].toFloat64Array())),
    thousand(() => jsValueGrad(x, g)),
  );
  print(`\n## NUTS on a correlated 100-D Gaussian\n`);
  print(`The target of test/bayes/mcmc.test.ts (AR(1) correlation ρ = ${RHO}, scales 0.5–2, log density from the tridiagonal precision);`);
  print("4 chains, 1,000 warm-up and 1,000 kept iterations each, key random.key(0), jit on (the default); HMC with its default");
  print("number of leapfrog steps. One run each in this process, after sections 1–2, so V8 is warm but the sampler's own staging is in the");
  print("wall time. grad evals: result.gradientEvaluations (warm-up included); µs / grad: wall time ÷ grad evals, the sampler's");
  print("whole cost per gradient. bare JS gradient: the same value and −P·r by hand on Float64Arrays, per call (median of 31 runs");
  print(`of 1,000 calls); ratio = µs / grad ÷ that. For scale, nabla's staged gradient alone (jit(valueAndGrad), a Float64Array in`);
  print(`and out, as the samplers call it) takes ${stagedUs.toFixed(2)} µs per call, ${(stagedUs / jsUs).toFixed(0)}× the bare JS gradient. ESS: bulk, min over coordinates (summary.minEss).\n`);
  row(["sampler", "wall s", "grad evals", "grad evals / s", "µs / grad", "bare JS gradient µs", "ratio", "min ESS", "min ESS / s", "max R̂"]);
  row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const sampler of ["nuts", "hmc"] as const) {
    const t = performance.now();
    const r = bayes[sampler](logDensity, np.zeros([D]), { key: random.key(0), chains: 4, samples: 1000, warmup: 1000 });
    const s = (performance.now() - t) / 1000;
    const perGrad = (s * 1e6) / r.gradientEvaluations;
    const perIter = `${(r.gradientEvaluations / (4 * 2000)).toFixed(1)} grads / iteration`; // 4 chains × (1,000 + 1,000)
    const name = sampler === "nuts" ? `NUTS (mean tree depth ${(r.treeDepth!.reduce((a, b) => a + b) / r.treeDepth!.length).toFixed(1)}, ${perIter})` : `HMC (${perIter})`;
    row([name + (r.status === "success" ? "" : `, ${r.status}`), s.toFixed(1), r.gradientEvaluations, (r.gradientEvaluations / s).toFixed(0), perGrad.toFixed(1), jsUs.toFixed(2), (perGrad / jsUs).toFixed(0) + "×", r.summary.minEss.toFixed(0), (r.summary.minEss / s).toFixed(0), r.summary.maxRhat.toFixed(3)]);
  }
  benchLockstep();
}

/**
 * Chains in lockstep (one run of 4 chains, their gradients evaluated in batches) against
 * the same work one chain at a time (4 runs of 1 chain), on a logistic regression's
 * posterior, whose gradient is matrix–vector products.
 */
function benchLockstep(): void {
  const [N, P] = [1000, 50];
  const X = random.normal(random.key(1), [N, P]);
  const y = np.sign(random.normal(random.key(2), [N]));
  const f = (w: Array) => np.sum(np.log1p(np.exp(np.neg(np.mul(y, np.matmul(X, w)))))).neg().sub(np.sum(np.square(w)).mul(0.5));
  const opts = { samples: 100, warmup: 100 };
  const together = () => [bayes.nuts(f, np.zeros([P]), { key: random.key(0), chains: 4, ...opts })];
  const apart = () => [0, 1, 2, 3].map((c) => bayes.nuts(f, np.zeros([P]), { key: random.key(c), chains: 1, ...opts }));
  const evals = (runs: bayes.McmcResult<Array>[]) => runs.reduce((sum, r) => sum + r.gradientEvaluations, 0);
  const [evalsTogether, evalsApart] = [evals(together()), evals(apart())]; // and the staging of every batch size
  const [msTogether, msApart] = timePair(together, apart, { reps: 3, warmupMs: 0 });
  const [a, b] = [(msTogether * 1000) / evalsTogether, (msApart * 1000) / evalsApart];
  print(`\nNUTS on a logistic regression's posterior (X ${N} × ${P}), 4 chains of ${opts.warmup} + ${opts.samples} iterations, time per gradient evaluation:`);
  print(`in lockstep (one run of 4 chains, gradients in batches) ${a.toFixed(1)} µs, one chain at a time (4 runs of 1 chain) ${b.toFixed(1)} µs: ${(b / a).toFixed(2)}× (medians of 3, interleaved).`);
}

// ---------------------------------------------------------------------------------------

/** Child mode: one first call of a variant ("quad:<case>" or "mc:<variant>") in a fresh process. */
function child(variant: string): void {
  const [part, name] = variant.split(":") as [string, string];
  printFirstCall(part === "quad" ? () => quadCase(name) : mc[name as keyof typeof mc]);
}

/** All three sections (run by bench/run.ts, or alone, after `npm run build --workspace=nabla`, with `npx tsx --tsconfig bench/tsconfig.json bench/integrate.ts`). */
export function benchIntegrate(): void {
  const start = performance.now();
  const loadBefore = os.loadavg()[0]!;
  benchQuad();
  benchMonteCarlo();
  benchMcmc();
  const total = (performance.now() - start) / 1000;
  print(`\n${total.toFixed(0)} s in all (the three integration sections); load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after, on ${os.cpus().length} cores: another process's load shows in every figure.`);
}

const argv = process.argv;
if (argv.includes(CHILD)) child(argv[argv.indexOf(CHILD) + 1]!);
else if (import.meta.url === `file://${argv[1]}`) benchIntegrate();
