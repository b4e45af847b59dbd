// The page test/web/threads.test.ts opens: `threadCheck(ms)` runs the check on this main
// thread (where Atomics.wait is not allowed), `threadCheckInWorker(ms)` inside a Web
// Worker (where it is, and whose product worker is a nested one).
import { threadCheck, type ThreadCheck } from "./check.js";

interface WorkerLike {
  postMessage(data: unknown): void;
  onmessage: ((e: { data: ThreadCheck }) => void) | null;
  onerror: ((e: { message: string }) => void) | null;
}
const { Worker } = globalThis as unknown as { Worker: new (url: URL, options: { type: "module" }) => WorkerLike };

function threadCheckInWorker(waitMs: number): Promise<ThreadCheck> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(waitMs);
  });
}

Object.assign(globalThis, { threadCheck, threadCheckInWorker });
