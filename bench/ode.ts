// ODE solves with `ode.odeint`, two ways:
//  1. dopri5's speed on a 100-dimensional linear system y' = A·y (A = −I + 0.1·U, U uniform
//     in [−1, 1], so A's eigenvalues lie in about −1 ± 0.6), t ∈ [0, 10], rtol 1e-6 and
//     atol 1e-9: eager, and under `jit` (the solve inside a compiled function), against a
//     hand-written dopri5 on Float64Arrays in the same process, whose step-size control is
//     the library's (Hairer's starting step, the same PI controller and error norm), so the
//     two take the same steps.
//  2. The gradient of a neural ODE (vector field MLP 2 → 32 → 2 with tanh, on a 2-D state,
//     loss = Σ y(T)², with respect to the MLP's parameters) with each adjoint, "direct",
//     "checkpoint" and "backsolve": wall time and memory at 100 and 1,000 rk4 steps (dt0 =
//     T/100 and T/1000, so the step count is exact) and with adaptive dopri5.
//
// Memory is measured as bench/memory.ts explains: "peak live" and "peak RSS". The probe is
// wrapped around the vector field's output and samples every k-th time the field or its VJP
// is evaluated, k chosen for about 20 samples per forward solve's worth of evaluations.
import os from "node:os";
import { grad, jit, np, ode, type Array } from "nabla";
import { mulberry32, print } from "./harness.js";
import { firstCall, gc, makeProbe, median, printFirstCall, type First } from "./memory.js";

/** The flag that runs this file as a child making one first call (see `child`). */
const CHILD = "--ode-child";

/** Uniform in [−1, 1) from mulberry32: every process builds the same problems. */
function uniform(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() * 2 - 1;
}

// ---------------------------------------------------------------------------------------
// 1. dopri5 on y' = A·y.

const N = 100;
const T1 = 10;
const RTOL = 1e-6;
const ATOL = 1e-9;

function linearSystem(): { a: Float64Array; y0: Float64Array } {
  const u = uniform(20261202);
  const a = new Float64Array(N * N);
  for (let i = 0; i < N * N; i++) a[i] = 0.1 * u();
  for (let i = 0; i < N; i++) a[i * N + i]! -= 1;
  const y0 = Float64Array.from({ length: N }, () => u());
  return { a, y0 };
}

// Dormand–Prince 5(4) (Hairer's DOPRI5): stages 2–7, the last one at y_new (FSAL); E = b − b̂.
const DP_A = [
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const DP_E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

interface HandResult {
  y: Float64Array;
  accepted: number;
  rejected: number;
  nfev: number;
}

/**
 * dopri5 for y' = A·y on Float64Arrays, from t0 to t1 > t0: Hairer's starting step, the RMS
 * error norm with scale atol + rtol·max(|y|, |y_new|), and the PI controller of the
 * library's control.ts (β = 0.04, safety 0.9, factors in [0.2, 10], no growth right after a
 * rejection, the previous error floored at 1e-4), the last step cut to end on t1.
 */
function handDopri5(a: Float64Array, n: number, y0: Float64Array, t0: number, t1: number, rtol: number, atol: number): HandResult {
  let nfev = 0;
  const f = (y: Float64Array, out: Float64Array) => {
    nfev++;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += a[row + j]! * y[j]!;
      out[i] = s;
    }
  };
  const k: Float64Array[] = [];
  for (let s = 0; s < 7; s++) k.push(new Float64Array(n));
  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const u = new Float64Array(n);
  // Starting step.
  const span = t1 - t0;
  f(y, k[0]!);
  let d0 = 0;
  let d1 = 0;
  for (let i = 0; i < n; i++) {
    const sc = atol + Math.abs(y[i]!) * rtol;
    d0 += (y[i]! / sc) ** 2;
    d1 += (k[0]![i]! / sc) ** 2;
  }
  d0 = Math.sqrt(d0 / n);
  d1 = Math.sqrt(d1 / n);
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, span);
  for (let i = 0; i < n; i++) u[i] = y[i]! + h0 * k[0]![i]!;
  f(u, k[1]!);
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += ((k[1]![i]! - k[0]![i]!) / (atol + Math.abs(y[i]!) * rtol)) ** 2;
  d2 = Math.sqrt(d2 / n) / h0;
  const dmax = Math.max(d1, d2);
  let h = Math.min(100 * h0, dmax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / dmax) ** (1 / 5), span);
  // Steps.
  let t = t0;
  let accepted = 0;
  let rejected = 0;
  let prevErr = 1;
  let rejectedLast = false;
  while (t < t1) {
    if (t + 1.01 * h - t1 > 0) h = t1 - t;
    for (let s = 0; s < 6; s++) {
      const row = DP_A[s]!;
      const out = s === 5 ? yNew : u;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < row.length; j++) acc += row[j]! * k[j]![i]!;
        out[i] = y[i]! + h * acc;
      }
      f(out, k[s + 1]!);
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < 7; j++) e += DP_E[j]! * k[j]![i]!;
      sum += ((h * e) / (atol + rtol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!)))) ** 2;
    }
    const err = Math.sqrt(sum / n);
    if (err > 1) {
      rejected++;
      rejectedLast = true;
      h *= Math.max(0.2, 0.9 * err ** -0.2);
      continue;
    }
    const raw = err === 0 ? 10 : 0.9 * err ** -(0.2 - 0.75 * 0.04) * prevErr ** 0.04;
    const factor = Math.min(Math.max(raw, 0.2), rejectedLast ? 1 : 10);
    prevErr = Math.max(err, 1e-4);
    rejectedLast = false;
    accepted++;
    t += h;
    h *= factor;
    [y, yNew] = [yNew, y];
    [k[0], k[6]] = [k[6]!, k[0]!]; // FSAL: the last stage is f(y_new)
  }
  return { y, accepted, rejected, nfev };
}

function linearSolvers() {
  const { a, y0 } = linearSystem();
  const At = np.transpose(np.reshape(np.array(a), [N, N]));
  const y = np.array(y0);
  // y·Aᵀ: nabla's matmul of a matrix with a 1-D vector on the right takes a slower path (bench/implicit.ts).
  const solve = ode.odeint((v: Array, _t: Array, M: Array) => np.matmul(v, M), { method: "dopri5", rtol: RTOL, atol: ATOL });
  const eager = () => {
    const r = solve(y, [0, T1], At);
    return { y: np.slice(r.ys, -1), accepted: r.accepted, rejected: r.rejected, nfev: r.nfev };
  };
  const compiled = jit((v: Array, M: Array) => {
    const r = solve(v, [0, T1], M);
    return [np.slice(r.ys, -1), r.accepted, r.rejected, r.nfev];
  });
  const jitted = () => {
    const [yEnd, accepted, rejected, nfev] = compiled(y, At) as Array[];
    return { y: yEnd!, accepted: accepted!, rejected: rejected!, nfev: nfev! };
  };
  const hand = () => handDopri5(a, N, y0, 0, T1, RTOL, ATOL);
  return { eager, jitted, hand };
}

type LinearVariant = "eager" | "jit" | "hand";

function benchLinear(): void {
  const first = Object.fromEntries((["hand", "eager", "jit"] as const).map((v) => [v, firstCall(import.meta.url, CHILD, `linear:${v}`).ms])) as Record<LinearVariant, number>;
  const { eager, jitted, hand } = linearSolvers();
  const fns: Record<LinearVariant, () => unknown> = { hand, eager, jit: jitted };
  const order: LinearVariant[] = ["hand", "eager", "jit"];
  const warmEnd = performance.now() + 1500;
  for (let i = 0; i < 5 || performance.now() < warmEnd; i++) for (const v of order) fns[v]();
  const times: Record<LinearVariant, number[]> = { hand: [], eager: [], jit: [] };
  for (let r = 0; r < 21; r++) {
    for (const v of order) {
      const t = performance.now();
      fns[v]();
      times[v].push(performance.now() - t);
    }
  }
  const h = hand();
  const e = eager();
  const j = jitted();
  const stats: Record<LinearVariant, { accepted: number; rejected: number; nfev: number }> = {
    hand: h,
    eager: { accepted: e.accepted.item(), rejected: e.rejected.item(), nfev: e.nfev.item() },
    jit: { accepted: j.accepted.item(), rejected: j.rejected.item(), nfev: j.nfev.item() },
  };
  const warm = Object.fromEntries(order.map((v) => [v, median(times[v])])) as Record<LinearVariant, number>;
  const perStep = (v: LinearVariant, ms: number) => ms / stats[v].accepted;
  const yHand = np.array(h.y);
  const diff = (y: Array) => np.max(np.abs(np.sub(y, yHand))).item() / np.max(np.abs(yHand)).item();

  print(`\n## ODE solve: dopri5 on y' = A·y, n = ${N}, t ∈ [0, ${T1}], rtol ${RTOL.toExponential()}, atol ${ATOL.toExponential()}, against a hand-written dopri5\n`);
  print(`A = −I + 0.1·U, U uniform in [−1, 1] (eigenvalues in about −1 ± 0.6), y0 uniform in [−1, 1]; f(y) = y·Aᵀ. eager: \`ode.odeint\`;`);
  print("jit: `jit` of a function calling odeint (the solve runs inside the compiled function). hand-written: dopri5 on Float64Arrays");
  print("with the library's step-size control (Hairer's starting step, the same PI controller and error norm). warm ms: median of");
  print("21 calls, the three interleaved, after 1.5 s of warm-up; first call: a fresh process (jit: tracing and compiling included).");
  print("ratio: time per accepted step ÷ the hand-written one's.\n");
  const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);
  row(["solver", "accepted / rejected steps", "f evals", "warm ms", "steps / s", "µs / step", "ratio (warm)", "first call ms", "ratio (first call)"]);
  row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  const names: Record<LinearVariant, string> = { hand: "hand-written JS", eager: "nabla eager", jit: "nabla jit" };
  for (const v of order) {
    const s = stats[v];
    row([
      names[v],
      `${s.accepted} / ${s.rejected}`,
      s.nfev,
      warm[v].toFixed(2),
      Math.round(s.accepted / (warm[v] / 1000)),
      (perStep(v, warm[v]) * 1000).toFixed(1),
      v === "hand" ? "" : (perStep(v, warm[v]) / perStep("hand", warm.hand)).toFixed(1) + "×",
      first[v].toFixed(0),
      v === "hand" ? "" : (perStep(v, first[v]) / perStep("hand", first.hand)).toFixed(1) + "×",
    ]);
  }
  print(`\ny(10) against the hand-written solver's, max |Δ| ÷ max |y|: eager ${diff(e.y).toExponential(1)}, jit ${diff(j.y).toExponential(1)}.`);
}

// ---------------------------------------------------------------------------------------
// 2. Neural-ODE gradients with the three adjoints.

const H = 32;
const T2 = 10;
const ADJOINTS = ["direct", "checkpoint", "backsolve"] as const;
type Adjoint = (typeof ADJOINTS)[number];
const CONFIGS = ["rk4-100", "rk4-1000", "dopri5"] as const;
type Config = (typeof CONFIGS)[number];
const ADAPTIVE = { rtol: 1e-8, atol: 1e-10 };

interface Params {
  W1: Array;
  b1: Array;
  W2: Array;
  b2: Array;
}

function mlpParams(): Params {
  const u = uniform(7);
  const arr = (shape: number[], scale: number) => np.reshape(np.array(Float64Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => scale * u())), shape);
  return { W1: arr([2, H], 1), b1: arr([H], 0.5), W2: arr([H, 2], 1 / Math.sqrt(H)), b2: arr([2], 0.1) };
}

const Y0 = () => np.array([1, 0]);

const optionsOf = (config: Config) =>
  config === "dopri5" ? { method: "dopri5" as const, ...ADAPTIVE } : { method: "rk4" as const, dt0: T2 / Number(config.split("-")[1]) };

/** Counts the evaluations of the field (kind "f") and of its VJP (kind "vjp"). */
const probe = makeProbe("bench_ode_memory_probe", ["f"]);

function field(probed: boolean) {
  return (y: Array, _t: Array, p: Params) => {
    const out = np.add(np.matmul(np.tanh(np.add(np.matmul(y, p.W1), p.b1)), p.W2), p.b2);
    return probed ? probe.tap(out, "f") : out;
  };
}

function gradient(adjoint: Adjoint, config: Config, probed: boolean): (p: Params) => Params {
  const solve = ode.odeint(field(probed), { ...optionsOf(config), adjoint });
  const y0 = Y0();
  return grad((p: Params) => np.sum(np.square(np.slice(solve(y0, [0, T2], p).ys, -1))));
}

interface Live {
  g: Params;
  liveMB: number;
  f: number;
  vjp: number;
}

function probedCall(adjoint: Adjoint, config: Config, params: Params, every: number): Live {
  const fn = gradient(adjoint, config, true);
  const { value: g, liveMB, counts } = probe.measure(every, () => fn(params));
  return { g, liveMB, ...counts };
}

/** ‖a − b‖ / ‖b‖ over all the leaves. */
function relDiff(a: Params, b: Params): number {
  let num = 0;
  let den = 0;
  for (const k of ["W1", "b1", "W2", "b2"] as const) {
    num += np.sum(np.square(np.sub(a[k], b[k]))).item();
    den += np.sum(np.square(b[k])).item();
  }
  return Math.sqrt(num / den);
}

function benchAdjoints(): void {
  const params = mlpParams();
  const y0 = Y0();
  const live = {} as Record<string, Live>;
  const warm = {} as Record<string, number>;
  const first = {} as Record<string, First>;
  const steps = {} as Record<Config, { accepted: number; nfev: number }>;
  for (const config of CONFIGS) {
    const r = ode.odeint(field(false), optionsOf(config))(y0, [0, T2], params);
    steps[config] = { accepted: r.accepted.item(), nfev: r.nfev.item() };
    for (const adjoint of ADJOINTS) first[`${adjoint}:${config}`] = firstCall(import.meta.url, CHILD, `grad:${adjoint}:${config}`);
    // About 20 samples per forward solve's worth of evaluations of the field.
    const every = Math.max(1, Math.round(steps[config].nfev / 20));
    // The probed calls double as the warm-up of the timed ones.
    for (const adjoint of ADJOINTS) live[`${adjoint}:${config}`] = probedCall(adjoint, config, params, every);
    const fns = ADJOINTS.map((adjoint) => gradient(adjoint, config, false));
    const reps = config === "rk4-1000" ? 3 : 5;
    const times: number[][] = ADJOINTS.map(() => []);
    for (let r = 0; r < reps; r++) {
      fns.forEach((fn, i) => {
        gc();
        const t = performance.now();
        fn(params);
        times[i]!.push(performance.now() - t);
      });
    }
    ADJOINTS.forEach((adjoint, i) => (warm[`${adjoint}:${config}`] = median(times[i]!)));
  }

  print(`\n## Neural-ODE gradient: MLP 2 → ${H} → 2 (tanh) vector field, 2-D state, t ∈ [0, ${T2}], the three adjoints\n`);
  print(`f(y) = tanh(y·W1 + b1)·W2 + b2; loss = Σ y(${T2})², eager \`grad\` in W1, b1, W2, b2 (${2 * H + H + 2 * H + 2} parameters). rk4 with dt0 = T/100 and T/1000`);
  print(`(exactly 100 and 1,000 steps), and adaptive dopri5 at rtol ${ADAPTIVE.rtol.toExponential()}, atol ${ADAPTIVE.atol.toExponential()}. f / VJP evals: evaluations of the field`);
  print("and of its VJP in one gradient call, forward solve included. warm ms: median of 5 calls (3 at 1,000 steps), the adjoints");
  print("interleaved; first call: a fresh process. peak live: heapUsed + external right after a forced full collection, sampled");
  print("at every k-th evaluation of the field or its VJP (k = f evals of one forward solve ÷ 20), less its value before the call —");
  print("what the adjoint keeps alive. peak RSS: resident-set high-water mark less RSS before the call, in the fresh process.\n");
  const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);
  row(["adjoint", "method", "steps", "f / VJP evals", "warm ms", "first call ms", "peak live MB", "peak RSS MB"]);
  row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const config of CONFIGS) {
    for (const adjoint of ADJOINTS) {
      const key = `${adjoint}:${config}`;
      const f = first[key]!;
      row([
        adjoint,
        config === "dopri5" ? "dopri5" : "rk4",
        steps[config].accepted,
        `${live[key]!.f} / ${live[key]!.vjp}`,
        warm[key]!.toFixed(0),
        f.ms.toFixed(0),
        live[key]!.liveMB.toFixed(2),
        (f.exact ? "" : "≤ ") + f.rssMB.toFixed(1),
      ]);
    }
  }
  const perStep = (a: Adjoint) => ((live[`${a}:rk4-1000`]!.liveMB - live[`${a}:rk4-100`]!.liveMB) * 1024) / 900;
  const growth = (a: Adjoint) => live[`${a}:rk4-1000`]!.liveMB / live[`${a}:rk4-100`]!.liveMB;
  print(`\nPeak live memory, 1,000 steps ÷ 100 steps (linear would be 10, √steps ${Math.sqrt(10).toFixed(2)}, flat 1): ${ADJOINTS.map((a) => `${a} ${growth(a).toFixed(2)}`).join(", ")};`);
  print(`per extra step, (1,000 − 100 steps) ÷ 900: ${ADJOINTS.map((a) => `${a} ${perStep(a).toFixed(2)} KB`).join(", ")}.`);
  const agree = (config: Config) => {
    const d = live[`direct:${config}`]!.g;
    return `checkpoint ${relDiff(live[`checkpoint:${config}`]!.g, d).toExponential(1)}, backsolve ${relDiff(live[`backsolve:${config}`]!.g, d).toExponential(1)}`;
  };
  print(`Gradients against direct's, ‖g − g_direct‖ / ‖g_direct‖: rk4 100 steps: ${agree("rk4-100")}; rk4 1,000 steps: ${agree("rk4-1000")}; dopri5: ${agree("dopri5")}.`);
  print(`Across the methods, direct's: rk4 100 against 1,000 steps ${relDiff(live["direct:rk4-100"]!.g, live["direct:rk4-1000"]!.g).toExponential(1)}, dopri5 against rk4 1,000 steps ${relDiff(live["direct:dopri5"]!.g, live["direct:rk4-1000"]!.g).toExponential(1)}.`);
}

// ---------------------------------------------------------------------------------------
// First calls, each in a fresh process.

/** Child mode: one first call of a variant ("linear:<solver>" or "grad:<adjoint>:<config>") in a fresh process. */
function child(variant: string): void {
  const [part, a, b] = variant.split(":");
  let call: () => unknown;
  if (part === "linear") {
    const s = linearSolvers();
    call = { eager: s.eager, jit: s.jitted, hand: s.hand }[a as LinearVariant];
  } else {
    const params = mlpParams();
    const fn = gradient(a as Adjoint, b as Config, false);
    call = () => fn(params);
  }
  printFirstCall(call);
}

/** Both sections (run by bench/run.ts, or alone, after `npm run build --workspace=nabla`, with `npx tsx --tsconfig bench/tsconfig.json bench/ode.ts`). */
export function benchOde(): void {
  const start = performance.now();
  const loadBefore = os.loadavg()[0]!;
  benchLinear();
  benchAdjoints();
  const total = (performance.now() - start) / 1000;
  print(`${total.toFixed(0)} s in all (both ODE sections); load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after, on ${os.cpus().length} cores.`);
}

const argv = process.argv;
if (argv.includes(CHILD)) child(argv[argv.indexOf(CHILD) + 1]!);
else if (import.meta.url === `file://${argv[1]}`) benchOde();
