// What differs between Node and browsers for the product worker (threads.ts): how a
// worker is made from our fixed source string and handed the shared memory, how its end
// is seen, and whether the calling thread may block in Atomics.wait. A browser's main
// thread may not, so it spins instead, during the short wait for the worker's last chunks.

/** A started worker, as threads.ts uses it. */
export interface WorkerHandle {
  terminate(): Promise<void>;
}

interface NodeWorker {
  unref(): void;
  on(event: "error" | "exit", listener: () => void): void;
  terminate(): Promise<number>;
}
type NodeWorkerConstructor = new (source: string, options: { eval: true; execArgv: string[]; workerData: unknown }) => NodeWorker;

interface BrowserWorker {
  postMessage(data: unknown): void;
  addEventListener(event: "error", listener: () => void): void;
  terminate(): void;
}
interface BrowserGlobals {
  Worker?: new (url: string) => BrowserWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string };
}

/**
 * Starts a worker running `source` (a classic script) with `data`: Node's `workerData`,
 * or the first message a browser worker receives. In Node the worker never keeps the
 * process alive, and `onExit` runs if it exits; browsers report no exit, so a worker that
 * dies there is given up by the caller's deadline. Null where no worker can start.
 *
 * @example
 * const handle = startWorker("postMessage(1)", {}, () => console.log("exited"));
 */
export function startWorker(source: string, data: unknown, onExit: () => void): WorkerHandle | null {
  try {
    const Node = nodeWorkerConstructor();
    if (Node !== null) {
      // execArgv: [] so the worker loads none of the process's loaders (tsx, --import hooks).
      const worker = new Node(source, { eval: true, execArgv: [], workerData: data });
      worker.unref();
      worker.on("error", () => undefined);
      worker.on("exit", onExit);
      return { terminate: async () => void (await worker.terminate()) };
    }
    const { Worker, Blob, URL } = globalThis as BrowserGlobals;
    if (Worker === undefined || Blob === undefined || URL?.createObjectURL === undefined) return null;
    // A blob: URL of our own source; a page whose CSP forbids blob: workers gets an error
    // event instead of a worker, and the worker then never reports ready.
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    worker.addEventListener("error", () => undefined);
    worker.postMessage(data);
    return { terminate: async () => worker.terminate() };
  } catch {
    return null; // worker creation refused: one thread
  }
}

/** Node's Worker, loaded lazily, from ESM and CommonJS alike; null in browsers. */
function nodeWorkerConstructor(): NodeWorkerConstructor | null {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.versions?.node !== "string") return null;
  const load = proc.getBuiltinModule ?? (typeof require === "function" ? require : undefined);
  const mod = load?.("node:worker_threads") as { Worker?: NodeWorkerConstructor } | undefined;
  return mod?.Worker ?? null;
}

let blocking: boolean | undefined;

/**
 * Waits while `control[slot]` holds `value`, for at most `ms`: in Atomics.wait where this
 * thread may block (Node, any worker), else by polling (a browser's main thread).
 *
 * @example
 * waitWhile(control, 1, done, 2000);
 */
export function waitWhile(control: Int32Array, slot: number, value: number, ms: number): void {
  blocking ??= mayBlock();
  if (blocking) {
    Atomics.wait(control, slot, value, ms);
    return;
  }
  const end = performance.now() + ms;
  while (Atomics.load(control, slot) === value && performance.now() < end);
}

/** Whether Atomics.wait is allowed here: it throws on a browser's main thread. */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // "not-equal" at once
    return true;
  } catch {
    return false;
  }
}
