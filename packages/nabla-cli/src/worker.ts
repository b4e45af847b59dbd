// Ctrl-C during `nabla minimize`. An optimizer run is one synchronous loop, and Node runs a
// SIGINT handler only between tasks, so a handler in the run's own thread would fire after
// the run ended. The process's runs therefore go to a worker thread: this thread waits,
// handles SIGINT, and sets a flag in shared memory that the run's callback reads after
// every iteration, so minimize returns its result with status "stopped".
import { parentPort, Worker, workerData } from "node:worker_threads";
import { parseExpr } from "./expr.js";
import { runJob, type MinimizeJob, type Optimizer, type RunRecord } from "./optimize.js";

/** The command's launcher, which in a worker thread calls runWorker (from src/ under tsx, or from dist/). */
const LAUNCHER = new URL("../bin/nabla.js", import.meta.url);

/** How often the worker reports progress (the bar redraws at most ten times a second). */
const PROGRESS_MS = 50;

type FromWorker = { type: "progress"; nit: number; fun: number } | { type: "done"; record: RunRecord } | { type: "error"; message: string };

interface Pending {
  resolve(record: RunRecord): void;
  reject(error: Error): void;
  progress: ((nit: number, fun: number) => void) | undefined;
}

/**
 * Runs jobs in one worker thread (started on the first job, reused by --compare's next
 * ones, and never keeping the process alive when idle) while this thread listens for
 * SIGINT: the first Ctrl-C calls `onInterrupt` (to clear the progress bar) and stops the
 * run, which then resolves with status "stopped"; a second one exits at once with 130.
 *
 * @example
 * const optimizer = workerOptimizer(() => bar.done());
 * const record = await optimizer.run(job, f);
 */
export function workerOptimizer(onInterrupt: () => void): Optimizer {
  let interrupted = false;
  const stop = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | undefined;
  let pending: Pending | undefined;

  const start = (): Worker => {
    const w = new Worker(LAUNCHER, { workerData: { stop } });
    w.on("message", (m: FromWorker) => {
      if (m.type === "progress") pending?.progress?.(m.nit, m.fun);
      else if (m.type === "done") pending?.resolve(m.record);
      else pending?.reject(new Error(m.message));
    });
    w.on("error", (e) => pending?.reject(e));
    w.on("exit", (code) => {
      worker = undefined;
      pending?.reject(new Error(`the optimizer's worker thread ended (exit code ${code}) without a result`));
    });
    return w;
  };
  const onSigint = () => {
    onInterrupt();
    if (interrupted) process.exit(130);
    interrupted = true;
    Atomics.store(stop, 0, 1);
  };

  return {
    get interrupted() {
      return interrupted;
    },
    run(job, _f, progress) {
      const w = (worker ??= start());
      w.ref();
      process.on("SIGINT", onSigint);
      const result = new Promise<RunRecord>((resolve, reject) => {
        pending = { resolve, reject, progress };
        w.postMessage(job);
      });
      return result.finally(() => {
        pending = undefined;
        process.off("SIGINT", onSigint);
        w.unref();
      });
    },
  };
}

/**
 * The worker thread's side (started by the launcher): for each job posted to it, parses
 * the expression, runs it with the shared stop flag, and posts progress and the record
 * (or the error's message).
 *
 * @example
 * // bin/nabla.js, in a worker thread:
 * (await import("../src/worker.ts")).runWorker();
 */
export function runWorker(): void {
  const { stop } = workerData as { stop: Int32Array };
  const post = (m: FromWorker) => parentPort!.postMessage(m);
  parentPort!.on("message", (job: MinimizeJob) => {
    let posted = 0;
    try {
      const { f } = parseExpr(job.source, { vars: job.vars });
      const record = runJob(f, job, {
        progress: (nit, fun) => {
          const now = performance.now();
          if (now - posted < PROGRESS_MS) return;
          posted = now;
          post({ type: "progress", nit, fun });
        },
        stop: () => Atomics.load(stop, 0) === 1,
      });
      post({ type: "done", record });
    } catch (e) {
      post({ type: "error", message: e instanceof Error ? e.message : String(e) });
    }
  });
}
