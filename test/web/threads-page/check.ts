// What test/web/threads.test.ts checks in the browser: float64 and float32 products
// through the WebAssembly kernels on one thread and on two, compared bit for bit, and the
// optimizers' vector passes in a vector arena against plain arrays; run on the page's
// main thread (main.ts) or inside a Web Worker (worker.ts). Typechecked without the DOM's types.
import { activeThreads, setThreads, vectorArena, vectorKernels } from "../../../packages/nabla/src/array/index.js";
import { wasmMatmulInto, workerChunks } from "../../../packages/nabla/src/array/wasm/index.js";
import { copyAndDot, dot, negatedUpdateAndDot, updateAndDot } from "../../../packages/nabla/src/optim/vec.js";

/** What the page reports. */
export interface ThreadCheck {
  isolated: boolean;
  /** activeThreads() once the worker had time to start. */
  threads: 1 | 2;
  /** Chunks the worker swept during the compared products. */
  workerChunks: number;
  /** Runs (two per compared product) that took the WebAssembly kernel. */
  wasmRuns: number;
  /** "m×k×n: element i differs" for each product whose two-thread bits differ from one thread's. */
  mismatches: string[];
  /** Products compared. */
  compared: number;
  /** Whether a vector arena was made and its vectors reach the WebAssembly kernels. */
  arenaKernels: boolean;
  /** Each vector pass whose result in an arena differs from plain arrays'. */
  arenaMismatches: string[];
}

/** Values across many binades, so that any change of summation order would show. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => (uniform() - 0.5) * 2 ** Math.round(40 * uniform() - 20);
}

const pause = () => new Promise((done) => setTimeout(done, 10));

/** Runs the check, waiting at most `waitMs` for the worker to start (and again for it to take a chunk). */
export async function threadCheck(waitMs: number): Promise<ThreadCheck> {
  setThreads(2);
  const ones = new Float64Array(200 * 200).fill(1);
  const large = () => wasmMatmulInto(ones, 0, ones, 0, new Float64Array(200 * 200), 0, 200, 200, 200);
  // The worker starts on the first large product and loads while this thread yields.
  for (const deadline = performance.now() + waitMs; ; await pause()) {
    large();
    if (activeThreads() === 2 || performance.now() > deadline) break;
  }
  const threads = activeThreads();
  const seed = 20261203;
  const next = generator(seed);
  const before = workerChunks();
  const mismatches: string[] = [];
  let wasmRuns = 0;
  const shapes: [number, number, number][] = [[129, 300, 131], [256, 256, 256], [67, 1000, 160], [300, 40, 9]];
  const precisions = [Float64Array, Float32Array] as const;
  for (const [m, k, n] of shapes) {
    for (const Data of precisions) {
      const a = new Data(Array.from({ length: m * k }, next));
      const b = new Data(Array.from({ length: k * n }, next));
      const product = (t: 1 | 2) => {
        setThreads(t);
        const c = new Data(m * n).fill(NaN);
        if (wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n, false, Data === Float32Array)) wasmRuns++;
        return c;
      };
      const one = product(1);
      const two = product(2);
      const i = one.findIndex((v, j) => !Object.is(v, two[j]) || Number.isNaN(v));
      if (i >= 0) mismatches.push(`seed ${seed}, ${Data.name} ${m}×${k}×${n}: element ${i} is ${two[i]} on two threads, ${one[i]} on one`);
    }
  }
  setThreads(2);
  // A worker that happened to wake too late for every product above is given more.
  for (const deadline = performance.now() + waitMs; threads === 2 && workerChunks() === before && performance.now() < deadline; await pause()) large();
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  return { isolated, threads, workerChunks: workerChunks() - before, wasmRuns, mismatches, compared: shapes.length * precisions.length, ...arenaCheck(next) };
}

/** L-BFGS's passes (optim/vec.ts) on vectors in an arena and on plain copies, n = 1001. */
function arenaCheck(next: () => number): { arenaKernels: boolean; arenaMismatches: string[] } {
  const n = 1001;
  const plain = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, next));
  const arena = vectorArena(n, 4);
  if (arena === null) return { arenaKernels: false, arenaMismatches: [] };
  arena.forEach((v, k) => v.set(plain[k]!));
  const [q, u, w, g] = arena as [Float64Array, Float64Array, Float64Array, Float64Array];
  const [pq, pu, pw, pg] = plain as [Float64Array, Float64Array, Float64Array, Float64Array];
  const arenaMismatches: string[] = [];
  const same = (name: string, x: number, y: number) => {
    const i = q.findIndex((v, j) => !Object.is(v, pq[j]));
    if (!Object.is(x, y) || i >= 0) arenaMismatches.push(`${name}: ${x} in the arena, ${y} on plain arrays${i >= 0 ? `; q[${i}] differs` : ""}`);
  };
  same("dot", dot(u, w), dot(pu, pw));
  same("copyAndDot", copyAndDot(q, g, w), copyAndDot(pq, pg, pw));
  same("updateAndDot", updateAndDot(q, -0.3, u, 0.75, w), updateAndDot(pq, -0.3, pu, 0.75, pw));
  same("negatedUpdateAndDot", negatedUpdateAndDot(q, 0.6, u, g), negatedUpdateAndDot(pq, 0.6, pu, pg));
  return { arenaKernels: vectorKernels(q, u, w) !== undefined, arenaMismatches };
}

