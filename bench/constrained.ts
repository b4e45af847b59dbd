// minimize(…, { method: "lbfgsb", bounds }) at scale against scipy's L-BFGS-B (run in a
// python3 child process, bench/scipy_lbfgs.py --box) on the same box. Every figure printed
// comes from this run.
import { spawnSync } from "node:child_process";
import { grad, minimize, np, optim, type Array, type MinimizeResult } from "nabla";
import { print } from "./harness.js";

const N = 1e5;

/**
 * The box: x₂ᵢ₋₁ ≤ 0.5 on the first variable of every MGH pair (0-based: the even
 * indices), all else unbounded. Each pair is then Rosenbrock with x₁ ≤ 0.5, solved at
 * (0.5, 0.25) with x₁ on its bound: n/2 of the n variables are active at the solution.
 */
function box(n: number): { lo: Float64Array; hi: Float64Array } {
  const hi = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i += 2) hi[i] = 0.5;
  return { lo: new Float64Array(n).fill(-Infinity), hi };
}

/** f, the projected gradient's ‖P(x − ∇f) − x‖∞ and the count of x at hi, recomputed here. */
function judge(f: (x: Array) => Array, x: Array, lo: Float64Array, hi: Float64Array): { f: number; pgInf: number; active: number } {
  const g = grad(f)(x).toFloat64Array();
  const xs = x.toFloat64Array();
  let pgInf = 0, active = 0;
  for (let i = 0; i < xs.length; i++) {
    pgInf = Math.max(pgInf, Math.abs(Math.min(Math.max(xs[i]! - g[i]!, lo[i]!), hi[i]!) - xs[i]!));
    if (xs[i] === hi[i]) active++;
  }
  return { f: f(x).item(), pgInf, active };
}

interface Run {
  ms: number;
  nit: number;
  nfev: number;
  fun: number;
  pgInf: number;
  active: number;
}

/** The median wall time of `reps` nabla runs, with the last run's figures. */
function runNabla(n: number, reps: number): Run {
  const p = optim.problems.extendedRosenbrock(n);
  const x0 = np.array(Float64Array.from(p.x0));
  const { lo, hi } = box(n);
  const bounds = [np.array(lo), np.array(hi)] as const;
  const times: number[] = [];
  let res!: MinimizeResult<Array>;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    res = minimize(p.f, x0, { method: "lbfgsb", bounds });
    times.push(performance.now() - t);
  }
  if (!res.success) print(`nabla did not converge: ${res.status}: ${res.message}`);
  const { f, pgInf, active } = judge(p.f, res.x, lo, hi);
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(reps / 2)]!, nit: res.nit, nfev: res.nfev, fun: f, pgInf, active };
}

const script = new URL("./scipy_lbfgs.py", import.meta.url).pathname;

/** scipy in a child process; `oneThread` pins OpenBLAS to one thread (nabla is single-threaded). */
function runScipy(n: number, reps: number, oneThread: boolean): (Run & { scipy: string }) | string {
  const env = oneThread ? { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" } : process.env;
  const r = spawnSync("python3", [script, String(n), String(reps), "--box"], { encoding: "utf8", env, timeout: 600_000 });
  if (r.error) return `python3 did not run (${r.error.message})`;
  if (r.status !== 0) return `scipy run failed: ${r.stderr.trim().split("\n").pop()}`;
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run & { scipy: string };
}

const e = (v: number) => v.toExponential(2);
const row = (cells: (string | number)[]) => print(`| ${cells.join(" | ")} |`);

/**
 * L-BFGS-B at n = 1e5 on extended Rosenbrock in a box with half the variables active at the
 * solution, against scipy's L-BFGS-B in the same run (run by bench/run.ts, or alone, after a
 * build of the library, with `npx tsx --tsconfig bench/tsconfig.json bench/constrained.ts`).
 */
export function benchConstrained(): void {
  const reps = 3;
  // Warm-up, as the harness does, so that V8's compile time is not billed to the timed runs.
  const warm = optim.problems.extendedRosenbrock(1000);
  const warmBox = box(1000);
  const warmBounds = [np.array(warmBox.lo), np.array(warmBox.hi)] as const;
  const warmX0 = np.array(warm.x0);
  for (const end = performance.now() + 1500; performance.now() < end; ) minimize(warm.f, warmX0, { method: "lbfgsb", bounds: warmBounds });

  print("\n## L-BFGS-B on extended Rosenbrock in a box, against scipy L-BFGS-B\n");
  print(`n = ${N}, from the standard start (−1.2, 1, −1.2, 1, …), with x₂ᵢ₋₁ ≤ 0.5 on the first variable of every MGH pair and`);
  print("no other bound: every pair ends at (0.5, 0.25) with its first variable on the bound, so n/2 variables are active.");
  print('nabla `minimize(f, x0, { method: "lbfgsb", bounds })`, gradient by autodiff (jit); scipy `minimize(fg, x0, jac=True,');
  print('method="L-BFGS-B", bounds=Bounds(lo, hi))` with a numpy gradient, in a python3 child process. Default options on both');
  print(`sides (m = 10, gtol = 1e-5; scipy's ftol = 2.2e-9, nabla's off). Times are medians of ${reps} runs of minimize() alone; scipy`);
  print("runs with OpenBLAS's default threads and pinned to one, and the ratio is against the faster. f, the projected gradient");
  print("‖P(x − ∇f) − x‖∞ and the active count are recomputed at the returned x.\n");
  row(["side", "ms", "nit", "nfev", "f", "‖P(x − ∇f) − x‖∞", "active"]);
  row(["---", "---", "---", "---", "---", "---", "---"]);
  const nabla = runNabla(N, reps);
  row(["nabla", nabla.ms.toFixed(0), nabla.nit, nabla.nfev, e(nabla.fun), e(nabla.pgInf), nabla.active]);
  const runs = [runScipy(N, reps, false), runScipy(N, reps, true)];
  runs.forEach((s, k) => {
    const label = k === 0 ? "scipy" : "scipy (1 thread)";
    if (typeof s === "string") row([label, s, "", "", "", "", ""]);
    else row([`${label} ${s.scipy}`, s.ms.toFixed(0), s.nit, s.nfev, e(s.fun), e(s.pgInf), s.active]);
  });
  const ok = runs.filter((s): s is Run & { scipy: string } => typeof s !== "string");
  if (ok.length > 0) {
    const fastest = Math.min(...ok.map((s) => s.ms));
    print(`\nnabla ÷ faster scipy: ${(nabla.ms / fastest).toFixed(2)} (nabla ${nabla.ms.toFixed(0)} ms, scipy ${fastest.toFixed(0)} ms)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchConstrained();
