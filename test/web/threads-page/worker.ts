// The check inside a Web Worker: posted the wait in ms, it posts back what it saw.
import { threadCheck } from "./check.js";

const scope = globalThis as unknown as { onmessage: (e: { data: number }) => void; postMessage(data: unknown): void };
scope.onmessage = (e) => void threadCheck(e.data).then((result) => scope.postMessage(result));
