// float64 matmul: the WebAssembly SIMD kernel against the JavaScript kernel (same process,
// interleaved) and numpy (one OpenBLAS thread, in a python3 child process).
import { spawnSync } from "node:child_process";
import { np, type Array } from "nabla";
import { setWasmEnabled } from "../packages/nabla/src/array/index.js";
import { compileKernel } from "../packages/nabla/src/array/wasm/index.js";
import { MR, NR } from "../packages/nabla/src/array/wasm/matmul.js";
import { mulberry32, print, timePair } from "./harness.js";

const SIZES = [64, 128, 256, 512, 1024];
/** Timed runs per size (the JavaScript kernel takes about a second at 1024). */
const REPS: Record<number, number> = { 64: 31, 128: 31, 256: 15, 512: 7, 1024: 3 };

function randomMatrix(n: number, seed: number): Array {
  const next = mulberry32(seed);
  return np.array(Float64Array.from({ length: n * n }, () => next() - 0.5)).reshape([n, n]);
}

/** numpy's `a @ b` GFLOP/s per size with one OpenBLAS thread, or why it cannot run here. */
function numpyGflops(sizes: number[]): { version: string; gflops: Record<number, number> } | { missing: string } {
  const script = [
    "import json, sys, time, numpy as np",
    "out = {}",
    `for n in ${JSON.stringify(sizes)}:`,
    "    rng = np.random.default_rng(0); a = rng.random((n, n)); b = rng.random((n, n))",
    "    reps = max(3, int(3e8 / n**3)); a @ b",
    "    best = []",
    "    for _ in range(7):",
    "        t = time.perf_counter()",
    "        for _ in range(reps): a @ b",
    "        best.append((time.perf_counter() - t) / reps)",
    "    out[n] = 2 * n**3 / sorted(best)[3] / 1e9",
    "print(json.dumps({'version': np.__version__, 'gflops': out}))",
  ].join("\n");
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const r = spawnSync("python3", ["-c", script], { encoding: "utf8", env, timeout: 300_000 });
  if (r.error) return { missing: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { missing: `python3 has no numpy (${r.stderr.trim().split("\n").pop()})` };
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { version: string; gflops: Record<number, number> };
}

/** Building the module's bytes and compiling them, as the first WebAssembly matmul does. */
function compileMs(): number {
  const t = performance.now();
  if (compileKernel() === null) throw new Error("dense: WebAssembly SIMD is unavailable here");
  return performance.now() - t;
}

export function benchDense(): void {
  const numpy = numpyGflops(SIZES);
  print("\n## Dense float64 matmul (n×n · n×n), GFLOP/s = 2n³ / time\n");
  print(`WebAssembly: f64x2 SIMD, ${MR}×${NR} register tiles, packed panels, blocks of 256 over k; results bit-identical to the JavaScript kernel.`);
  print(`Module build + compile: ${compileMs().toFixed(2)} ms. "first call" is the first product of that size in this process (memory growth, code not yet tiered up).`);
  print("version" in numpy ? `numpy ${numpy.version}, one OpenBLAS thread, median of 7.` : `numpy column skipped: ${numpy.missing}.`);
  print();
  const line = (cells: string[]) => print(`| ${cells.join(" | ")} |`);
  line(["n", "WASM ms", "WASM GFLOP/s", "JS ms", "JS GFLOP/s", "WASM ÷ JS speed", "numpy GFLOP/s", "WASM ÷ numpy", "first call ms", "goal"]);
  line(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---"]);
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
      first.toFixed(2),
      n >= 256 ? "≥ 10 GFLOP/s" : "",
    ]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchDense();
