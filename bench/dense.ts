// float64 matmul: the WebAssembly SIMD kernel against the JavaScript kernel (same process,
// interleaved) and numpy (one OpenBLAS thread, in a python3 child process); float32's
// f32x4 kernel against float64's and numpy's float32; then the
// blocked factorizations (eigh, cholesky, solve, qr) through the public linalg functions
// against numpy/LAPACK.
import { spawnSync } from "node:child_process";
import { linalg, np, type Array } from "nabla";
import { activeThreads, setThreads, setWasmEnabled } from "nabla-internal/array/index.js";
import { compileKernel } from "nabla-internal/array/wasm/index.js";
import { MR, NR, NR32 } from "nabla-internal/array/wasm/matmul.js";
import { mulberry32, print, timePair } from "./harness.js";
import { corePeakGflops } from "./peak.js";

const SIZES = [64, 128, 256, 512, 1024];
/** Timed runs per size (the JavaScript kernel takes about a second at 1024). */
const REPS: Record<number, number> = { 64: 31, 128: 31, 256: 15, 512: 7, 1024: 3 };

/** Runs a numpy script on one BLAS thread and reads the JSON it prints last, or why it could not. */
function runNumpy<T>(script: string): T | { missing: string } {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const r = spawnSync("python3", ["-c", script], { encoding: "utf8", env, timeout: 300_000 });
  if (r.error) return { missing: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { missing: `python3 has no numpy (${r.stderr.trim().split("\n").pop()})` };
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

function randomMatrix(n: number, seed: number, dtype: "float64" | "float32" = "float64"): Array {
  const next = mulberry32(seed);
  return np.array(Float64Array.from({ length: n * n }, () => next() - 0.5), { dtype }).reshape([n, n]);
}

/** numpy's `a @ b` GFLOP/s per size with one OpenBLAS thread, or why it cannot run here. */
function numpyGflops(sizes: number[], dtype: "float64" | "float32" = "float64"): { version: string; gflops: Record<number, number> } | { missing: string } {
  const script = [
    "import json, sys, time, numpy as np",
    "out = {}",
    `for n in ${JSON.stringify(sizes)}:`,
    `    rng = np.random.default_rng(0); a = rng.random((n, n)).astype(np.${dtype}); b = rng.random((n, n)).astype(np.${dtype})`,
    "    reps = max(3, int(3e8 / n**3)); a @ b",
    "    best = []",
    "    for _ in range(7):",
    "        t = time.perf_counter()",
    "        for _ in range(reps): a @ b",
    "        best.append((time.perf_counter() - t) / reps)",
    "    out[n] = 2 * n**3 / sorted(best)[3] / 1e9",
    "print(json.dumps({'version': np.__version__, 'gflops': out}))",
  ].join("\n");
  return runNumpy<{ version: string; gflops: Record<number, number> }>(script);
}

/** Building the module's bytes and compiling them, as the first WebAssembly matmul does. */
function compileMs(): number {
  const t = performance.now();
  if (compileKernel() === null) throw new Error("dense: WebAssembly SIMD is unavailable here");
  return performance.now() - t;
}

/** The matmul tables (one thread against the JavaScript kernel and numpy, then one thread against two), then the factorizations. */
export function benchDense(): void {
  setThreads(1);
  benchMatmul();
  benchFloat32();
  setThreads(2);
  benchThreads();
  benchFactorizations();
}

const THREAD_SIZES = [256, 512, 1024];

/** WebAssembly matmul on one thread against two (this thread plus one worker), interleaved. */
function benchThreads(): void {
  print("\n## Dense float64 matmul on two threads (n×n · n×n), GFLOP/s = 2n³ / time\n");
  print("Two threads: this one and a worker (worker_threads) on a shared WebAssembly memory, taking chunks of B's column panels from a shared counter until none are left; results bit-identical to one thread.");
  // The worker starts on the first large product and is used once it reports ready.
  const warm = randomMatrix(256, 1);
  const deadline = performance.now() + 5000;
  while (activeThreads() !== 2 && performance.now() < deadline) np.matmul(warm, warm);
  if (activeThreads() !== 2) return print("Skipped: no worker could start here (threads need Node's worker_threads and shared memory).");
  print();
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["n", "1 thread ms", "1 thread GFLOP/s", "2 threads ms", "2 threads GFLOP/s", "2 ÷ 1 speed"]);
  line(["---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const n of THREAD_SIZES) {
    const a = randomMatrix(n, n);
    const b = randomMatrix(n, n + 1);
    const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
    const one = () => (setThreads(1), np.matmul(a, b));
    const two = () => (setThreads(2), np.matmul(a, b));
    const [twoMs, oneMs] = timePair(two, one, { reps: Math.max(7, REPS[n]!), warmupMs: 200 });
    line([String(n), oneMs.toFixed(3), gflops(oneMs).toFixed(2), twoMs.toFixed(3), gflops(twoMs).toFixed(2), (oneMs / twoMs).toFixed(2) + "×"]);
  }
  setThreads(2);
}

function benchMatmul(): void {
  const numpy = numpyGflops(SIZES);
  print("\n## Dense float64 matmul (n×n · n×n), GFLOP/s = 2n³ / time\n");
  print(`WebAssembly on one thread: f64x2 SIMD, ${MR}×${NR} register tiles, packed panels, blocks of 256 over k; results bit-identical to the JavaScript kernel.`);
  print(`Module build + compile: ${compileMs().toFixed(2)} ms. "first call" is the first product of that size in this process (memory growth, code not yet tiered up).`);
  print("version" in numpy ? `numpy ${numpy.version}, one OpenBLAS thread, median of 7.` : `numpy column skipped: ${numpy.missing}.`);
  print("\"core peak\": this core's rate for the kernel's arithmetic, f64x2 multiplies and adds with no FMA (Node 20's WebAssembly has");
  print("none), measured right after each row by independent chains of them (bench/peak.ts): this machine's speed moves by up to 40%");
  print("from one run to the next, seconds apart, so the peak says what the row's absolute figures were up against.");
  print();
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["n", "WASM ms", "WASM GFLOP/s", "JS ms", "JS GFLOP/s", "WASM ÷ JS speed", "numpy GFLOP/s", "WASM ÷ numpy", "core peak GFLOP/s", "WASM ÷ peak", "first call ms", "goal"]);
  line(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]);
  for (const n of SIZES) {
    const a = randomMatrix(n, n);
    const b = randomMatrix(n, n + 1);
    const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
    setWasmEnabled(true);
    const t = performance.now();
    np.matmul(a, b);
    const first = performance.now() - t;
    const wasm = () => (setWasmEnabled(true), np.matmul(a, b));
    const js = () => (setWasmEnabled(false), np.matmul(a, b));
    const [wasmMs, jsMs] = timePair(wasm, js, { reps: REPS[n], warmupMs: 200 });
    setWasmEnabled(true);
    const peak = corePeakGflops();
    const py = "gflops" in numpy ? numpy.gflops[n] : undefined;
    line([
      String(n),
      wasmMs.toFixed(3),
      gflops(wasmMs).toFixed(2),
      jsMs.toFixed(3),
      gflops(jsMs).toFixed(2),
      (jsMs / wasmMs).toFixed(2) + "×",
      py === undefined ? "—" : py.toFixed(1),
      py === undefined ? "—" : (gflops(wasmMs) / py).toFixed(2) + "×",
      peak.toFixed(2),
      (gflops(wasmMs) / peak).toFixed(2) + "×",
      first.toFixed(2),
      n >= 256 ? "≥ 10 GFLOP/s" : "",
    ]);
  }
}

/** float32 products on one thread: the f32x4 kernel against float64's f64x2, interleaved, and numpy's float32. */
function benchFloat32(): void {
  const numpy = numpyGflops(THREAD_SIZES, "float32");
  print("\n## Dense float32 matmul (n×n · n×n) on one thread, GFLOP/s = 2n³ / time\n");
  print(`f32x4 SIMD, ${MR}×${NR32} register tiles (as many accumulators as float64's ${MR}×${NR}), every multiply and add in float32 as numpy's`);
  print("sgemm and TF.js do; bit-identical to the JavaScript kernel (Math.fround on each operation). Timed interleaved with the float64 product.");
  print("version" in numpy ? `numpy ${numpy.version} float32, one OpenBLAS thread, median of 7.` : `numpy column skipped: ${numpy.missing}.`);
  print();
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["n", "float32 ms", "float32 GFLOP/s", "float64 GFLOP/s", "float32 ÷ float64 speed", "numpy float32 GFLOP/s", "float32 ÷ numpy"]);
  line(["---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const n of THREAD_SIZES) {
    const [a32, b32] = [randomMatrix(n, n, "float32"), randomMatrix(n, n + 1, "float32")];
    const [a64, b64] = [randomMatrix(n, n), randomMatrix(n, n + 1)];
    const gflops = (ms: number) => (2 * n ** 3) / ms / 1e6;
    const [ms32, ms64] = timePair(() => np.matmul(a32, b32), () => np.matmul(a64, b64), { reps: Math.max(7, REPS[n]!), warmupMs: 200 });
    const py = "gflops" in numpy ? numpy.gflops[n] : undefined;
    const vsNumpy = py === undefined ? ["—", "—"] : [py.toFixed(1), (gflops(ms32) / py).toFixed(2) + "×"];
    line([String(n), ms32.toFixed(3), gflops(ms32).toFixed(2), gflops(ms64).toFixed(2), (ms64 / ms32).toFixed(2) + "×", ...vsNumpy]);
  }
}

const FACTOR_SIZES = [200, 500];
const FACTORIZATIONS = ["eigh", "cholesky", "solve", "qr"] as const;
type Factorization = (typeof FACTORIZATIONS)[number];

/**
 * Warm medians before blocking (scalar JavaScript kernels: commit 756e5cf, and for qr
 * commit 92bc36b), measured on this machine against the blocked kernels in one process,
 * interleaved, while other jobs shared its two cores: what matters is the ratio in the
 * last column. eigh's "after" is the blocked reduction with the QR iteration, before
 * divide and conquer.
 */
const UNBLOCKED: Record<Factorization, Record<number, { before: number; after: number }>> = {
  eigh: { 200: { before: 118.9, after: 86.8 }, 500: { before: 1944.6, after: 1275.9 } },
  cholesky: { 200: { before: 7.1, after: 3.0 }, 500: { before: 104.8, after: 21.9 } },
  solve: { 200: { before: 17.7, after: 4.8 }, 500: { before: 247.5, after: 37.8 } },
  qr: { 200: { before: 38.5, after: 8.4 }, 500: { before: 624.0, after: 88.5 } },
};

const GOALS: Partial<Record<`${Factorization} ${number}`, string>> = {
  "eigh 500": "≤ 100 ms",
  "solve 500": "≤ 10 ms",
  "cholesky 500": "≤ 7× numpy",
};

/** numpy's warm medians (ms) for the factorizations, one OpenBLAS thread, or why not. */
function numpyFactorizations(sizes: number[]): { version: string; ms: Record<string, number> } | { missing: string } {
  const script = [
    "import json, time, numpy as np",
    "out = {}",
    `for n in ${JSON.stringify(sizes)}:`,
    "    rng = np.random.default_rng(0); m = rng.random((n, n)) - 0.5",
    "    a = m + m.T; s = m @ m.T + n * np.eye(n); b = rng.random(n)",
    "    cases = {'eigh': lambda: np.linalg.eigh(a), 'cholesky': lambda: np.linalg.cholesky(s), 'solve': lambda: np.linalg.solve(m, b), 'qr': lambda: np.linalg.qr(m)}",
    "    for name, f in cases.items():",
    "        f(); ts = []",
    "        for _ in range(15):",
    "            t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)",
    "        out[f'{name} {n}'] = sorted(ts)[7] * 1e3",
    "print(json.dumps({'version': np.__version__, 'ms': out}))",
  ].join("\n");
  return runNumpy<{ version: string; ms: Record<string, number> }>(script);
}

/** The public call each row times, on the same kinds of matrices as the numpy script. */
function factorization(name: Factorization, n: number): () => unknown {
  const m = randomMatrix(n, 7 * n);
  const a = np.add(m, np.swapaxes(m, 0, 1));
  const s = np.add(np.matmul(m, np.swapaxes(m, 0, 1)), np.mul(n, np.eye(n)));
  const b = np.array(Float64Array.from({ length: n }, (_, i) => Math.sin(i)));
  const run = { eigh: () => linalg.eigh(a), cholesky: () => linalg.cholesky(s), solve: () => linalg.solve(m, b), qr: () => linalg.qr(m) }[name];
  return () => {
    const out = run();
    // Eager results are computed on return; reading one value keeps the work honest.
    return (globalThis.Array.isArray(out) ? out[0]! : out).toFloat64Array()[0];
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function benchFactorizations(): void {
  const numpy = numpyFactorizations(FACTOR_SIZES);
  print("\n## Dense factorizations (float64), blocked on the WebAssembly product\n");
  print("Through the public functions: `linalg.eigh` (values and vectors), `cholesky`, `solve` (one right-hand side), `qr` (reduced).");
  print("Blocked: LU recursive on halves of the columns (getrf2), triangular solves recursive, Cholesky left-looking by 32 columns (potrf),");
  print("QR by panels of 32 factored recursively, applied and accumulated in compact WY form (geqrf/larfb/orgqr),");
  print("the tridiagonal reduction of eigh by panels of 32 (sytrd/latrd) with its Q accumulated in compact WY blocks; then, from n = 208,");
  print("divide and conquer on the tridiagonal matrix (stedc: Gu–Eisenstat eigenvectors, merges as products), below it the QR iteration.");
  print("version" in numpy ? `numpy ${numpy.version}, one OpenBLAS thread, median of 15.` : `numpy column skipped: ${numpy.missing}.`);
  print("\"before\" and \"after (same run)\": the unblocked kernels against these, interleaved in one process on this machine (see UNBLOCKED in bench/dense.ts).");
  print();
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["case", "nabla ms", "first call ms", "numpy ms", "nabla ÷ numpy", "before ms", "after (same run) ms", "speed-up", "goal"]);
  line(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]);
  for (const name of FACTORIZATIONS) {
    for (const n of FACTOR_SIZES) {
      const run = factorization(name, n);
      let t = performance.now();
      run();
      const first = performance.now() - t;
      const reps = n >= 500 && name !== "cholesky" && name !== "solve" ? 9 : 21;
      const warmEnd = performance.now() + 300;
      while (performance.now() < warmEnd) run();
      const times: number[] = [];
      for (let i = 0; i < reps; i++) {
        t = performance.now();
        run();
        times.push(performance.now() - t);
      }
      const ms = median(times);
      const py = "ms" in numpy ? numpy.ms[`${name} ${n}`] : undefined;
      const old = UNBLOCKED[name][n]!;
      line([
        `${name} ${n}`,
        ms.toFixed(2),
        first.toFixed(1),
        py === undefined ? "—" : py.toFixed(2),
        py === undefined ? "—" : (ms / py).toFixed(1) + "×",
        old.before ? old.before.toFixed(1) : "—",
        old.after ? old.after.toFixed(1) : "—",
        old.before ? (old.before / old.after).toFixed(1) + "×" : "—",
        GOALS[`${name} ${n}`] ?? "",
      ]);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchDense();
