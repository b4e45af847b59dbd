// A second thread for large products, in Node and on cross-origin-isolated web pages: one
// worker instantiates the same module against the same shared memory, and the two threads
// take chunks of B's column panels from a shared counter until none are left, so a
// thread that runs slower (a busy core, code not yet optimized) takes fewer. Every tile of
// C gets the same calls of the same `panel` kernel in the same order of k whichever
// thread runs it, so results are bit-identical to one thread.
//
// The worker is started on the first large product (host.ts: Node's worker_threads, or
// a Web Worker) and never keeps a process alive. Until it reports ready, and wherever it
// cannot start (no shared memory, as on a page that is not cross-origin isolated; code
// from strings forbidden; worker creation refused), products run on one thread. The two
// threads meet on a small shared Int32Array: the worker sleeps in Atomics.wait, and this
// thread waits only for the chunks the worker took, which it did not (in Atomics.wait,
// or polling on a browser's main thread, where blocking is not allowed). Chunks are
// claimed with the job's number in the same word, so a worker that wakes after this
// thread has done every chunk claims none, and is never waited for: waking takes 75 µs
// (median) to 235 µs (p90) here, the time of a whole mid-sized product. A worker that
// exits, or does not finish the chunks it took long after this thread finished the same
// amount of work, is given up: this thread redoes them, and products run on one thread
// from then on.
import { canGenerateCode } from "../codegen.js";
import { startWorker, waitWhile, type WorkerHandle } from "./host.js";
import type { Kernel, PanelFn } from "./runtime.js";

/**
 * Products with fewer multiply-adds than this stay on one thread: measured on this
 * project's 2-core machine, two threads break even near 80³ (waking the worker, the
 * serial copies and packing) and gain about 1.4× at 96³.
 */
const THREADED_MIN_WORK = 96 ** 3;
/** A worker's share is given up after this many ms, or 50 times this thread's own share. */
const PATIENCE_MS = 2000;

// Slots of the control block (int32).
const SEQ = 0; // job number, bumped by this thread to wake the worker
const FINISHED = 1; // chunks of this job finished (by either thread)
const READY = 2; // 1 once the worker has instantiated the module
const FAILED = 3; // 1 if the worker's share threw (this thread then redoes it)
const NEXT = 4; // the job's tag · 32 + the next chunk to take (compareExchange)
const ARGS = 5; // the job: sweepChunks's arguments after the kernels and the control block
const SLOTS = ARGS + 17;
/** Chunks a threaded product is cut into: enough that the two threads end close together (≤ 31: NEXT keeps 5 bits). */
const CHUNKS = 16;
/** A job's tag in NEXT: its number modulo 2²⁶, so that tag · 32 + chunk fits an int32. */
const TAG_MASK = 2 ** 26 - 1;
/** Added to FINISHED by a worker whose share threw: past any job's chunk count, so the wait ends. */
const FAILED_MARK = 64;

let threads: 1 | 2 = 2;

interface Pool {
  control: Int32Array;
  worker: WorkerHandle;
  seq: number;
  /** The kernel whose memory the worker shares: only its products can be split. */
  kern: Kernel;
}
/** The worker's control block; null where no worker can run; undefined before the first try. */
let pool: Pool | null | undefined;

/**
 * How many threads large float64 products may use (internal: tests and benchmarks
 * compare one with two, whose results are the same bits). 2 by default, where a worker
 * and shared WebAssembly memory are available; 1 elsewhere whatever is set.
 *
 * @example
 * setThreads(1); // every product now runs on the calling thread only
 */
export function setThreads(n: 1 | 2): void {
  if (n !== 1 && n !== 2) throw new Error(`setThreads: n must be 1 or 2, got ${String(n)}`);
  threads = n;
}

/**
 * The threads the next large product would use: 2 once the worker is running and
 * threads are on, else 1. The worker starts on the first large product, so right after
 * it this may still say 1.
 *
 * @example
 * if (activeThreads() === 2) console.log("matmul runs on two cores");
 */
export function activeThreads(): 1 | 2 {
  return threads === 2 && pool != null && Atomics.load(pool.control, READY) === 1 ? 2 : 1;
}

/** The kernels a product runs: float64's, and float32's (`…32`). */
export type Kernels = Pick<Kernel, "panel" | "packB" | "panel32" | "packB32">;

/**
 * The cache-blocking loops around the micro-kernel over B's column panels [jb0, jb1)
 * (GotoBLAS order): blocks of k, blocks of `mc` row panels of A (kept in L2), then each
 * column panel of B (kept in L1 while the kernel sweeps the block against it). Elements
 * of `eb` bytes; addresses in bytes. Self-contained on purpose: the worker runs this very
 * function's source.
 *
 * @example
 * sweep(kern.panel, k, mPanels, 0, nPanels, nPad, aBytes, bBytes, cBytes, 256, 32, 4, 4, 8);
 */
export function sweep(panel: PanelFn, k: number, mPanels: number, jb0: number, jb1: number, nPad: number, aBytes: number, bBytes: number, cBytes: number, kcMax: number, mc: number, mr: number, nr: number, eb: number): void {
  const ldc = nPad * eb;
  for (let pc = 0; pc < k; pc += kcMax) {
    const kc = Math.min(kcMax, k - pc);
    for (let ic = 0; ic < mPanels; ic += mc) {
      const tiles = Math.min(mc, mPanels - ic);
      const a = aBytes + (ic * k + pc) * mr * eb;
      const c = cBytes + ic * mr * ldc;
      for (let jb = jb0; jb < jb1; jb++) {
        panel(a, bBytes + (jb * k + pc) * nr * eb, c + jb * nr * eb, tiles, kc, k * mr * eb, mr * ldc, ldc, pc === 0 ? 1 : 0);
      }
    }
  }
}

/**
 * B not yet packed: where its first column panel starts and packB's strides (bytes), so
 * that each thread packs the panels it takes just before sweeping them. Packing then runs
 * on both threads, and a panel is still in cache when the kernel reads it.
 */
export interface UnpackedB {
  src: number;
  panelStride: number;
  stepStride: number;
  laneStride: number;
}

/**
 * A threaded product's arguments, as the control block carries them to the worker:
 * `sweep`'s, B's panels cut into chunks of `chunk`, B's source as `UnpackedB` (all 0
 * when B is packed already), and the element size (8: float64's kernels, 4: float32's).
 */
export type Job = readonly [chunk: number, k: number, mPanels: number, nPanels: number, nPad: number, aBytes: number, bBytes: number, cBytes: number, kcMax: number, mc: number, mr: number, nr: number, src: number, panelStride: number, stepStride: number, laneStride: number, eb: number];

/**
 * Chunk `i` of a job: packs its panels of B if they are not packed yet, then sweeps
 * them. Self-contained on purpose, as `sweep`: the worker runs its source.
 *
 * @example
 * sweepChunk(kern, sweep, 0, job);
 */
export function sweepChunk(kernels: Kernels, sweepFn: typeof sweep, i: number, job: Job): void {
  const [chunk, k, mPanels, nPanels, nPad, aBytes, bBytes, cBytes, kcMax, mc, mr, nr, src, panelStride, stepStride, laneStride, eb] = job;
  const [panel, packB] = eb === 4 ? [kernels.panel32, kernels.packB32] : [kernels.panel, kernels.packB];
  const jb0 = i * chunk;
  const jb1 = Math.min(nPanels, jb0 + chunk);
  if (panelStride !== 0) packB(src + jb0 * panelStride, bBytes + jb0 * k * nr * eb, jb1 - jb0, k, panelStride, stepStride, laneStride);
  sweepFn(panel, k, mPanels, jb0, jb1, nPad, aBytes, bBytes, cBytes, kcMax, mc, mr, nr, eb);
}

/**
 * The job's chunks, claimed one at a time from `control[next]` (tag · 32 + the next
 * chunk) while it holds this job's `tag` and chunks are left, each run by `chunkFn`
 * (`sweepChunk`) and counted in `control[finished]`; returns the chunks this thread took.
 * Self-contained on purpose, as `sweep`: the worker runs its source.
 *
 * @example
 * const mine = sweepChunks(kern, sweep, sweepChunk, control, 4, 1, tag, job);
 */
export function sweepChunks(kernels: Kernels, sweepFn: typeof sweep, chunkFn: typeof sweepChunk, control: Int32Array, next: number, finished: number, tag: number, job: Job): number[] {
  const chunks = Math.ceil(job[3] / job[0]);
  const taken: number[] = [];
  for (;;) {
    const claim = Atomics.load(control, next);
    const i = claim & 31;
    if (claim >> 5 !== tag || i >= chunks) return taken; // another job's, or none left
    if (Atomics.compareExchange(control, next, claim, claim + 1) !== claim) continue;
    taken.push(i);
    chunkFn(kernels, sweepFn, i, job);
    if (Atomics.add(control, finished, 1) + 1 === chunks) Atomics.notify(control, finished);
  }
}

/**
 * C = A·B from packed panels, over all `nPanels` column panels of B: split with the
 * worker when the product (m·k·n multiply-adds) is large and the worker is ready, else
 * swept here alone. Arguments as `sweep`'s, with m rows instead of row panels; with
 * `unpacked`, B's panels are packed to `bBytes` here first, by the thread that sweeps them.
 * `eb` 4 runs float32's kernels, 8 float64's.
 *
 * @example
 * sweepAll(kern, m, k, nPanels, nPad, aBytes, bBytes, cBytes, 256, 32, 4, 4);
 */
export function sweepAll(kern: Kernel, m: number, k: number, nPanels: number, nPad: number, aBytes: number, bBytes: number, cBytes: number, kcMax: number, mc: number, mr: number, nr: number, unpacked?: UnpackedB, eb: 8 | 4 = 8): void {
  const mPanels = Math.ceil(m / mr);
  const { src, panelStride, stepStride, laneStride } = unpacked ?? { src: 0, panelStride: 0, stepStride: 0, laneStride: 0 };
  const cutInto = (chunk: number): Job => [chunk, k, mPanels, nPanels, nPad, aBytes, bBytes, cBytes, kcMax, mc, mr, nr, src, panelStride, stepStride, laneStride, eb];
  const helper = threads === 2 && nPanels >= 2 && m * k * nPanels * nr >= THREADED_MIN_WORK ? workerFor(kern) : null;
  // One thread: the whole of B as one chunk.
  if (helper === null || helper.kern !== kern || Atomics.load(helper.control, READY) !== 1) return sweepChunk(kern, sweep, 0, cutInto(nPanels));
  const ctl = helper.control;
  const chunk = Math.ceil(nPanels / CHUNKS);
  const chunks = Math.ceil(nPanels / chunk);
  const job = cutInto(chunk);
  // The job is written before its tag opens the claims, and the tag before the wake-up.
  const seq = ++helper.seq;
  const tag = seq & TAG_MASK;
  ctl.set(job, ARGS);
  Atomics.store(ctl, FINISHED, 0);
  Atomics.store(ctl, FAILED, 0);
  Atomics.store(ctl, NEXT, tag * 32);
  Atomics.store(ctl, SEQ, seq);
  Atomics.notify(ctl, SEQ);
  const start = performance.now();
  const mine = sweepChunks(kern, sweep, sweepChunk, ctl, NEXT, FINISHED, tag, job);
  const deadline = performance.now() + Math.max(PATIENCE_MS, 50 * (performance.now() - start));
  let finished = true;
  for (let done = Atomics.load(ctl, FINISHED); done < chunks; done = Atomics.load(ctl, FINISHED)) {
    const left = deadline - performance.now();
    if (left <= 0) {
      finished = false;
      break;
    }
    waitWhile(ctl, FINISHED, done, left);
  }
  // Our fixed code should not throw there; if it did, or the worker is gone, the chunks
  // this thread did not take are redone here, packing included (a worker merely late
  // writes the same bits to the same places).
  if (!finished) giveUp(helper);
  if (!finished || Atomics.load(ctl, FAILED) === 1) {
    for (let i = 0; i < chunks; i++) if (!mine.includes(i)) sweepChunk(kern, sweep, i, job);
  } else byWorker += chunks - mine.length;
}

/** Chunks the worker has swept, over the process's life. */
let byWorker = 0;

/**
 * How many chunks of products the worker has swept so far (internal: tests check that
 * two threads really shared the work, not only that the results are right).
 *
 * @example
 * const before = workerChunks(); np.matmul(a, b); workerChunks() - before; // ≥ 0
 */
export function workerChunks(): number {
  return byWorker;
}

/** Products run on one thread from now on; the worker, if it still runs, is stopped. */
function giveUp(p: Pool): void {
  if (pool === p) pool = null;
  void p.worker.terminate().catch(() => undefined);
}

/**
 * Stops the worker as if it had died (internal: the tests check that products then
 * finish on one thread with the same bits). Resolves once it has exited.
 *
 * @example
 * await stopWorker(); // activeThreads() is 1 from now on
 */
export async function stopWorker(): Promise<void> {
  const p = pool;
  if (p == null) return;
  await p.worker.terminate();
}

/** The worker's control block, started on the first call; null where no worker can run. */
function workerFor(kern: Kernel): Pool | null {
  if (pool !== undefined) return pool;
  pool = null;
  // The worker runs from a source string (our fixed code): not where this process
  // forbids code from strings (node --disallow-code-generation-from-strings, a CSP).
  if (kern.sharedBytes === null || !canGenerateCode()) return pool;
  const control = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  // A worker that fails to start never sets READY, so it is never waited for; one that
  // exits between products is given up before the next (one that dies during a product,
  // when this thread cannot take events, is given up by the wait's deadline).
  let started: Pool | null = null;
  const worker = startWorker(workerSource(), { bytes: kern.sharedBytes, memory: kern.memory, control }, () => {
    if (started) giveUp(started);
  });
  if (worker !== null) pool = started = { control, worker, seq: 0, kern };
  return pool;
}

/**
 * The worker's program: instantiate, report ready, then run each job's share of `sweep`.
 * Node hands it the shared memory as workerData, a browser as its first message.
 */
function workerSource(): string {
  return `"use strict";
const sweep = ${sweep.toString()};
const sweepChunk = ${sweepChunk.toString()};
const sweepChunks = ${sweepChunks.toString()};
function run({ bytes, memory, control }) {
  const kernels = Object.assign({}, ...bytes.map((b) => new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports));
  Atomics.store(control, ${READY}, 1);
  // The job is read before claiming: if this thread is late and the job it read is
  // being replaced, its tag no longer matches, and nothing read is used.
  for (let seen = 0; ; ) {
    Atomics.wait(control, ${SEQ}, seen);
    seen = Atomics.load(control, ${SEQ});
    try {
      sweepChunks(kernels, sweep, sweepChunk, control, ${NEXT}, ${FINISHED}, seen & ${TAG_MASK}, control.slice(${ARGS}, ${SLOTS}));
    } catch {
      Atomics.store(control, ${FAILED}, 1);
      Atomics.add(control, ${FINISHED}, ${FAILED_MARK});
      Atomics.notify(control, ${FINISHED});
    }
  }
}
if (typeof process === "object" && typeof process.versions?.node === "string") {
  // A script, or a module under --input-type=module: getBuiltinModule serves both (Node ≥ 20.16).
  run((process.getBuiltinModule?.("node:worker_threads") ?? require("node:worker_threads")).workerData);
} else {
  self.onmessage = (e) => run(e.data);
}
`;
}
