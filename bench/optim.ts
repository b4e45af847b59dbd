// minimize() at scale against scipy's L-BFGS-B (run in a python3 child process), and every
// method on the Moré–Garbow–Hillstrom problems. Every figure printed comes from this run.
import { spawnSync } from "node:child_process";
import { grad, minimize, np, optim, type Array, type MinimizeResult } from "nabla";
import { print } from "./harness.js";
import { gc, liveBytes } from "./memory.js";

/** ‖∇f(x)‖∞ and f(x), recomputed here so every method and scipy are judged alike. */
function judge(f: (x: Array) => Array, x: Array): { f: number; gInf: number } {
  const g = grad(f)(x).toFloat64Array();
  let gInf = 0;
  for (const v of g) gInf = Math.max(gInf, Math.abs(v));
  return { f: f(x).item(), gInf };
}

interface NablaRun {
  ms: number;
  nit: number;
  nfev: number;
  f: number;
  gInf: number;
  /** Largest heapUsed + external seen in the callback, over its value before the call. */
  peakMB: number;
  /** The same, with a full collection before each sample: what the optimizer keeps alive. */
  liveMB: number;
}

/** One timed L-BFGS run with no callback, after a full collection. */
function timeNabla(p: optim.problems.Problem, x0: Array): { ms: number; res: MinimizeResult<Array> } {
  gc();
  const t = performance.now();
  const res = minimize(p.f, x0, { method: "lbfgs" });
  return { ms: performance.now() - t, res };
}

/**
 * Two untimed runs that sample memory in the callback (sampling costs ~0.1 ms, a lot
 * beside an iteration at n = 1e3): the peak, and the live figure with a collection before
 * each sample.
 */
function nablaMemory(p: optim.problems.Problem, x0: Array): { peakMB: number; liveMB: number } {
  const growth = (collect: boolean) => {
    gc();
    const base = liveBytes();
    let top = base;
    minimize(p.f, x0, {
      method: "lbfgs",
      callback: () => {
        if (collect) gc();
        top = Math.max(top, liveBytes());
      },
    });
    return (top - base) / 2 ** 20;
  };
  return { peakMB: growth(false), liveMB: growth(true) };
}

interface ScipyRun {
  ms: number;
  nit: number;
  nfev: number;
  fun: number;
  gInf: number;
  /** Peak allocation traced by tracemalloc in one untimed run (the one-thread call only). */
  peakTracedMB: number | null;
}

const scipyScript = new URL("./scipy_lbfgs.py", import.meta.url).pathname;

/** scipy's and numpy's versions, or why they cannot run here. */
function findScipy(): { versions: string } | { missing: string } {
  const r = spawnSync("python3", ["-c", "import sys, scipy, numpy; print(f'python {sys.version.split()[0]}, scipy {scipy.__version__}, numpy {numpy.__version__}')"], { encoding: "utf8" });
  if (r.error) return { missing: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { missing: `python3 has no scipy/numpy (${r.stderr.trim().split("\n").pop()})` };
  return { versions: r.stdout.trim() };
}

/** scipy in a child process; `oneThread` pins OpenBLAS (which numpy and L-BFGS-B call) to one thread. */
function runScipy(n: number, reps: number, oneThread: boolean, memory = false): ScipyRun | string {
  const env = oneThread ? { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" } : process.env;
  const r = spawnSync("python3", [scipyScript, String(n), String(reps), ...(memory ? ["--memory"] : [])], { encoding: "utf8", env, timeout: 600_000 });
  if (r.status !== 0) return `scipy run failed: ${r.error?.message ?? r.stderr.trim().split("\n").pop()}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ScipyRun;
}

const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * nabla and scipy (threaded, then one thread) run in turn, `reps` times, so that both
 * meet the machine in the same state: on this 2-core machine memory bandwidth can halve
 * for minutes, and L-BFGS at n ≥ 1e5 is bound by it. Medians; scipy's nit, nfev, f and ‖g‖
 * from its last run, its traced memory from one more (one thread).
 */
function alternate(n: number, reps: number, withScipy: boolean): { nabla: NablaRun; threaded: ScipyRun | string; single: ScipyRun | string } {
  const p = optim.problems.extendedRosenbrock(n);
  const x0 = np.array(Float64Array.from(p.x0));
  const ms: number[] = [];
  const scipyMs: [number[], number[]] = [[], []];
  let res!: MinimizeResult<Array>;
  let scipyRuns: (ScipyRun | string)[] = ["skipped", "skipped"];
  for (let r = 0; r < reps; r++) {
    const run = timeNabla(p, x0);
    ms.push(run.ms);
    res = run.res;
    if (!withScipy) continue;
    scipyRuns = [runScipy(n, 1, false), runScipy(n, 1, true)];
    scipyRuns.forEach((s, i) => typeof s !== "string" && scipyMs[i]!.push(s.ms));
  }
  const [threaded, single] = scipyRuns.map((s, i) => (typeof s === "string" ? s : { ...s, ms: medianOf(scipyMs[i]!) }));
  const traced = withScipy ? runScipy(n, 1, true, true) : "skipped";
  const singleRun = typeof single === "string" ? single : { ...single!, peakTracedMB: typeof traced === "string" ? null : traced.peakTracedMB };
  const { f, gInf } = judge(p.f, res.x);
  return { nabla: { ms: medianOf(ms), nit: res.nit, nfev: res.nfev, f, gInf, ...nablaMemory(p, x0) }, threaded: threaded!, single: singleRun };
}

const e = (v: number) => v.toExponential(2);
const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);

/** Table 1: L-BFGS on extended Rosenbrock at n = 1e3, 1e5, 1e6 against scipy's L-BFGS-B. */
function largeScale(): void {
  const sizes = [1e3, 1e5, 1e6];
  const reps = (n: number) => (n <= 1e3 ? 7 : n <= 1e5 ? 3 : 1);
  const found = findScipy();
  const missing = "missing" in found ? found.missing : undefined;
  // Warm-up, as the harness does: V8 needs a few dozen runs to optimize the kernels and
  // the optimizer loop, which would otherwise be billed to the n = 1e3 row.
  const warm = optim.problems.extendedRosenbrock(1000);
  const warmX0 = np.array(warm.x0);
  for (const end = performance.now() + 1500; performance.now() < end; ) minimize(warm.f, warmX0, { method: "lbfgs" });

  print("\n## L-BFGS on extended Rosenbrock (MGH pairs) from the standard start, against scipy L-BFGS-B\n");
  print('nabla `minimize(f, x0, { method: "lbfgs" })`, gradient by autodiff (jit); scipy `minimize(fg, x0, jac=True, method="L-BFGS-B")`,');
  print("default options (m = 10), a hand-written numpy gradient, in a python3 child process. Times are medians of 7 / 3 / 1 runs at");
  print("n = 1e3 / 1e5 / 1e6, nabla's and scipy's taken in turn (scipy's exclude interpreter start and imports), as memory bandwidth");
  print("drifts between minutes on this machine. scipy is run twice: with OpenBLAS's default threads,");
  print("and pinned to one thread (OPENBLAS_NUM_THREADS=1; nabla is single-threaded) — on a small, busy machine the threaded run");
  print("can be much slower, so the ratio is taken against the faster of the two. nit / nfev / f / ‖g‖∞ for scipy are from the");
  print("one-thread run; f and ‖g‖∞ are recomputed at the returned x on both sides. From n = 512 nabla keeps its pairs in a");
  print("WebAssembly memory of its own, where the two-loop passes run on f64x2 (the same iterates as its JavaScript loops).");
  print("versions" in found ? `\n${found.versions}.` : `\nscipy columns skipped: ${found.missing}.`);
  print();
  row(["n", "nabla ms", "nit", "nfev", "f", "‖g‖∞", "scipy ms", "scipy ms (1 thread)", "nit", "nfev", "f", "‖g‖∞", "nabla ÷ faster scipy", "goal"]);
  row(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]);
  const memory: string[][] = [];
  for (const n of sizes) {
    const { nabla: a, threaded, single } = alternate(n, reps(n), !missing);
    const ms = (r: ScipyRun | string) => (typeof r === "string" ? r : r.ms.toFixed(1));
    const sc = typeof single === "string" ? ["", "", "", ""] : [single.nit, single.nfev, e(single.fun), e(single.gInf)];
    const times = [threaded, single].flatMap((r) => (typeof r === "string" ? [] : [r.ms]));
    const ratio = times.length ? (a.ms / Math.min(...times)).toFixed(2) + "×" : "";
    row([n.toExponential(0), a.ms.toFixed(1), a.nit, a.nfev, e(a.f), e(a.gInf), ms(threaded), ms(single), ...sc, ratio, n === 1e5 ? "≤ 1×" : ""]);
    memory.push([
      n.toExponential(0),
      a.peakMB.toFixed(1),
      a.liveMB.toFixed(1),
      ((a.liveMB * 2 ** 20) / (8 * n)).toFixed(1),
      typeof single === "string" || single.peakTracedMB === null ? "" : single.peakTracedMB.toFixed(1),
      typeof single === "string" || single.peakTracedMB === null ? "" : ((single.peakTracedMB * 2 ** 20) / (8 * n)).toFixed(1),
    ]);
  }
  print("\nMemory. nabla: the largest heapUsed + external (process.memoryUsage: the heap, ArrayBuffers and WebAssembly memories) sampled in the per-iteration callback, less");
  print("its value just before the call, in an untimed run (\"peak\": garbage not yet collected included) and in one more that");
  print("forces a full collection before each sample (\"live\": what the optimizer and the current f and ∇f hold). O(m·n) means");
  print("the live figure counted in float64 vectors of length n stays flat as n grows (m = 10: 2m pairs plus a few work vectors).");
  print("scipy: the peak of memory allocated during one more untimed run, traced by tracemalloc (numpy buffers and the");
  print("L-BFGS-B workspace; the peak RSS is not used, as the kernel maps the zeroed workspace only when touched).\n");
  row(["n", "nabla peak MB", "nabla live MB", "live ÷ 8n bytes (vectors)", "scipy peak MB", "scipy ÷ 8n bytes (vectors)"]);
  row(["---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const m of memory) row(m);
}

type Method = "lbfgs" | "bfgs" | "newton" | "cg" | "newton-cg";
const methods: Method[] = ["lbfgs", "bfgs", "newton", "cg", "newton-cg"];

/** Why `method` is not run on `p`, if it is not. */
function unsuitable(method: Method, p: optim.problems.Problem): string | undefined {
  if (method === "newton" && p.n > 100) return "skipped: dense n×n Hessian and O(n³) solve per step";
  return undefined;
}

/** What the end value matches: the global minimum, a documented local one, or neither. */
function where(p: optim.problems.Problem, f: number): string {
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  if (near(f, p.fmin)) return "min";
  const local = p.localMinima?.find((m) => near(f, m.f));
  return local ? `local ${local.f.toPrecision(6)}` : "—";
}

/** Table 2: every method on every MGH problem from its standard start, default options. */
function mghTable(): void {
  const cases = [...optim.problems.all, optim.problems.extendedRosenbrock(100), optim.problems.extendedRosenbrock(1000)];
  print("\n## minimize() on the Moré–Garbow–Hillstrom problems, standard starts, default options\n");
  print("f and ‖g‖∞ are recomputed at the returned x. \"ends at\": \"min\" when |f − f*| ≤ 1e-6·max(1, |f*|) for the known minimum f*,");
  print("\"local …\" likewise for a documented local minimum, \"—\" otherwise. \"converged\" means ‖∇f‖∞ ≤ gtol = 1e-5 (the default).");
  print("ms is one run's wall time, including jit-compiling f's derivatives for that call.\n");
  row(["problem", "n", "method", "nit", "nfev", "f", "‖g‖∞", "status", "ends at", "ms"]);
  row(["---", "---:", "---", "---:", "---:", "---:", "---:", "---", "---", "---:"]);
  for (const p of cases) {
    const x0 = np.array(p.x0);
    for (const method of methods) {
      const skip = unsuitable(method, p);
      if (skip) {
        row([p.name, p.n, method, "", "", "", "", skip, "", ""]);
        continue;
      }
      try {
        const t = performance.now();
        const res = minimize(p.f, x0, { method });
        const ms = performance.now() - t;
        const { f, gInf } = judge(p.f, res.x);
        row([p.name, p.n, method, res.nit, res.nfev, e(f), e(gInf), res.status === "converged" ? "converged" : `${res.status}${res.success ? "" : " (fail)"}: ${res.message}`, where(p, f), ms.toFixed(1)]);
      } catch (err) {
        row([p.name, p.n, method, "", "", "", "", `threw: ${(err as Error).message.split("\n")[0]}`, "", ""]);
      }
    }
  }
}

/** Both optimizer tables (run by bench/run.ts, or alone, after `npm run build --workspace=nabla`, with `npx tsx --tsconfig bench/tsconfig.json bench/optim.ts`). */
export function benchOptim(): void {
  largeScale();
  mghTable();
}

if (import.meta.url === `file://${process.argv[1]}`) benchOptim();
