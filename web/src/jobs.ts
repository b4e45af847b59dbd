// The page's side of the worker: one job at a time, with progress and cancel. Cancel
// terminates the worker (a synchronous optimizer run cannot be interrupted from outside)
// and the next job starts a fresh one. The race and the path share one worker and the
// progress row at the page's foot (`runInSection`); the critical-point search has its own.
import { $ } from "./dom.js";
import type { WorkerReply, WorkerRequest } from "./race-types.js";

type Result = Exclude<WorkerReply, { kind: "progress" }>;

/** Runs worker jobs one at a time; `onProgress` follows the current one. */
export class Jobs {
  private worker: Worker | undefined;
  private settle: ((r: Result | undefined) => void) | undefined;

  constructor(private readonly onProgress: (fraction: number, label: string) => void) {}

  /**
   * Runs `job`; resolves with its result, or undefined when cancelled or replaced.
   *
   * @example
   * const r = await jobs.run({ kind: "race", source: "x^2+y^2", x0: [1, 1], lr: 0.1, adamLr: 0.05, maxIter: 500 });
   */
  run(job: WorkerRequest): Promise<Result | undefined> {
    this.cancel();
    const worker = (this.worker ??= new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }));
    return new Promise((resolve) => {
      this.settle = resolve;
      worker.onmessage = (e: MessageEvent<WorkerReply>) => {
        const reply = e.data;
        if (reply.kind === "progress") return this.onProgress(reply.fraction, reply.label);
        this.settle = undefined;
        resolve(reply);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        this.settle = undefined;
        resolve({ kind: "error", message: e.message || "the worker failed" });
      };
      worker.postMessage(job);
    });
  }

  /** Whether a job is running. */
  get busy(): boolean {
    return this.settle !== undefined;
  }

  /**
   * Stops the running job, if any: its promise resolves with undefined.
   *
   * @example
   * jobs.cancel();
   */
  cancel(): void {
    if (!this.settle) return;
    this.worker?.terminate();
    this.worker = undefined;
    const settle = this.settle;
    this.settle = undefined;
    settle(undefined);
  }
}

/** The race's and the path's worker, followed by the progress row. */
export const jobs = new Jobs((fraction, label) => {
  $("progress", HTMLProgressElement).value = fraction;
  $("progress-label").textContent = label;
});

/** Shows or hides the progress row, its bar empty, with Cancel enabled while on. */
function busy(on: boolean, label = ""): void {
  $("cancel", HTMLButtonElement).disabled = !on;
  $("progress-row").hidden = !on;
  $("progress", HTMLProgressElement).value = 0;
  $("progress-label").textContent = label;
}

/** Whether `reply` answers `job` (the worker replies with the job's kind, or an error). */
function answers<J extends WorkerRequest>(job: J, reply: Result): reply is Extract<Result, { kind: J["kind"] }> {
  return reply.kind === job.kind;
}

/**
 * Runs `job` on the shared worker for the page section `section` (its data-state goes
 * running → cancelled or error, for the tests and the CSS): the reply, or undefined when
 * cancelled or failed, the failure then written to the `errorLine` element as
 * "`failure`: message". The caller sets the final state when it has shown the reply.
 *
 * @example
 * const reply = await runInSection({ kind: "path", source, a, b, steps: 300 }, "paths", "path-error", "The slice or path failed");
 */
export async function runInSection<J extends WorkerRequest>(job: J, section: string, errorLine: string, failure: string): Promise<Extract<Result, { kind: J["kind"] }> | undefined> {
  $(errorLine).textContent = "";
  $(section).dataset.state = "running";
  busy(true, "starting…");
  const reply = await jobs.run(job);
  busy(false);
  if (!reply) {
    $(section).dataset.state = "cancelled";
    return undefined;
  }
  if (answers(job, reply)) return reply;
  $(section).dataset.state = "error";
  $(errorLine).textContent = reply.kind === "error" ? `${failure}: ${reply.message}` : "unexpected reply";
  return undefined;
}
