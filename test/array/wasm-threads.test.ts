import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { np } from "nabla";
import { activeThreads, gemmUpdate, matmulStorage, setThreads, setWasmEnabled, Storage } from "../../packages/nabla/src/array/index.js";
import { stopWorker, wasmMatmulInto, workerChunks } from "../../packages/nabla/src/array/wasm/index.js";
import { sweep, sweepChunk, sweepChunks, type Job } from "../../packages/nabla/src/array/wasm/threads.js";
import { firstDifference, uniformFrom } from "../helpers.js";

// Large products (float64 and float32) split B's column panels between this thread and one worker
// running the same WebAssembly kernel on the same shared memory. Each element of C gets
// the same operations in the same order either way, so two threads must give one
// thread's bits exactly. The data span many binades, so any change of summation order
// would show (wasm-matmul.test.ts checks that such data are order-sensitive).

const SEED = 20261202;

function generator(seed: number): () => number {
  const uniform = uniformFrom(seed);
  return () => (uniform() - 0.5) * 2 ** Math.round(40 * uniform() - 20);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs one large product so the worker starts, then waits (≤ 10 s) until it is ready. */
async function workerReady(): Promise<number> {
  setThreads(2);
  np.matmul(np.ones([200, 200]), np.ones([200, 200]));
  const deadline = Date.now() + 10_000;
  while (activeThreads() !== 2 && Date.now() < deadline) await sleep(10);
  return activeThreads();
}

/** C = A·B by wasmMatmulInto with the given number of threads. */
function product(threads: 1 | 2, a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  setThreads(threads);
  const c = new Float64Array(m * n).fill(NaN);
  expect(wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n)).toBe(true);
  return c;
}

beforeAll(async () => {
  expect(await workerReady(), "the worker never became ready").toBe(2);
});
afterEach(() => setThreads(2));

describe("float64 matmul on two threads", () => {
  it("gives one thread's bits exactly on ragged and large shapes", () => {
    const next = generator(SEED);
    const shapes: [number, number, number][] = [[129, 300, 131], [256, 256, 256], [130, 513, 70], [4, 700, 600], [300, 40, 9], [67, 1000, 160]];
    for (const [m, k, n] of shapes) {
      const a = Float64Array.from({ length: m * k }, next);
      const b = Float64Array.from({ length: k * n }, next);
      const one = product(1, a, b, m, k, n);
      const two = product(2, a, b, m, k, n);
      const i = firstDifference(two, one);
      expect(i, `seed ${SEED}, ${m}×${k}·${k}×${n}: element ${i} is ${two[i]} on two threads, ${one[i]} on one`).toBe(-1);
      expect(one.some(Number.isNaN), `${m}×${k}·${k}×${n}: C not fully written`).toBe(false);
    }
  });

  it("float32 (f32x4): one thread's bits exactly, the worker sweeping chunks too", async () => {
    const next = generator(SEED + 6);
    for (const [m, k, n] of [[129, 300, 131], [256, 256, 256], [67, 1000, 160]] as const) {
      const a = Float32Array.from({ length: m * k }, next);
      const b = Float32Array.from({ length: k * n }, next);
      const run = (threads: 1 | 2) => {
        setThreads(threads);
        const c = new Float32Array(m * n).fill(NaN);
        expect(wasmMatmulInto(a, 0, b, 0, c, 0, m, k, n, false, true)).toBe(true);
        return c;
      };
      const one = run(1);
      const before = workerChunks();
      let two = run(2);
      // A worker that wakes too late for one product gets the next (≤ 10 s).
      for (const deadline = Date.now() + 10_000; workerChunks() === before && Date.now() < deadline; await sleep(1)) two = run(2);
      expect(workerChunks() - before, `${m}×${k}·${k}×${n}: chunks the worker swept`).toBeGreaterThan(0);
      const i = firstDifference(two, one);
      expect(i, `seed ${SEED + 6}, ${m}×${k}·${k}×${n}: element ${i} is ${two[i]} on two threads, ${one[i]} on one`).toBe(-1);
      expect(one.some(Number.isNaN), `${m}×${k}·${k}×${n}: C not fully written`).toBe(false);
    }
  });

  it("really shares the work: the worker sweeps chunks of large products", async () => {
    const next = generator(SEED + 5);
    const [m, k, n] = [256, 256, 256];
    const a = Float64Array.from({ length: m * k }, next);
    const b = Float64Array.from({ length: k * n }, next);
    const before = workerChunks();
    // Usually the first product; a worker that wakes too late for one gets more (≤ 10 s).
    for (const deadline = Date.now() + 10_000; workerChunks() === before && Date.now() < deadline; await sleep(1)) product(2, a, b, m, k, n);
    expect(workerChunks() - before, "chunks the worker swept").toBeGreaterThan(0);
  });

  it("agrees with the JavaScript kernel too (two threads are not merely self-consistent)", () => {
    const next = generator(SEED + 1);
    const [m, k, n] = [129, 300, 131];
    const a = Float64Array.from({ length: m * k }, next);
    const b = Float64Array.from({ length: k * n }, next);
    const two = product(2, a, b, m, k, n);
    setWasmEnabled(false);
    try {
      const js = matmulStorage(new Storage("float64", [m, k], a), new Storage("float64", [k, n], b), [m, n]).data as Float64Array;
      expect(firstDifference(two, js)).toBe(-1);
    } finally {
      setWasmEnabled(true);
    }
  });

  it("batched np.matmul gives the same bits on one and two threads", () => {
    const next = generator(SEED + 2);
    const [batch, m, k, n] = [3, 129, 200, 131];
    const a = np.array(Float64Array.from({ length: batch * m * k }, next)).reshape([batch, m, k]);
    const b = np.array(Float64Array.from({ length: batch * k * n }, next)).reshape([batch, k, n]);
    setThreads(1);
    const one = np.matmul(a, b).toFloat64Array();
    setThreads(2);
    const two = np.matmul(a, b).toFloat64Array();
    expect(firstDifference(two, one)).toBe(-1);
  });

  it("gemmUpdate on transposed blocks with leading dimensions gives the same bits", () => {
    const next = generator(SEED + 3);
    const [m, k, n, ld] = [150, 170, 140, 200];
    const a = Float64Array.from({ length: k * ld }, next); // op(A) = Aᵀ: A is k×m inside k×ld
    const b = Float64Array.from({ length: k * ld }, next);
    const c0 = Float64Array.from({ length: m * ld }, next);
    const update = (threads: 1 | 2) => {
      setThreads(threads);
      const c = c0.slice();
      gemmUpdate({ data: c, offset: 3, ld }, { data: a, offset: 5, ld, transposed: true }, { data: b, offset: 7, ld }, m, k, n);
      return c;
    };
    expect(firstDifference(update(2), update(1))).toBe(-1);
  });

  it("with threads off, products run on this thread alone", () => {
    setThreads(1);
    expect(activeThreads()).toBe(1);
    setThreads(2);
    expect(activeThreads()).toBe(2);
    expect(() => setThreads(3 as 1)).toThrow("setThreads: n must be 1 or 2, got 3");
  });
});

describe("a process that used the worker", () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const entry = fileURLToPath(new URL("../../packages/nabla/src/array/index.ts", import.meta.url));
  // One large product starts the worker; once it is ready a second runs on two threads;
  // then the program ends with the worker idle (unref'ed): the process must exit by itself.
  const program = `
    const { activeThreads, setThreads, Storage, matmulStorage } = await import(${JSON.stringify(entry)});
    const n = 300, k = 200;
    const a = new Storage("float64", [n, k], Float64Array.from({ length: n * k }, (_, i) => Math.sin(i)));
    const b = new Storage("float64", [k, n], Float64Array.from({ length: k * n }, (_, i) => Math.cos(i)));
    matmulStorage(a, b, [n, n]);
    const deadline = Date.now() + Number(process.argv.at(-1));
    while (activeThreads() !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const threads = activeThreads();
    const c = matmulStorage(a, b, [n, n]).data;
    let sum = 0;
    for (let i = 0; i < c.length; i++) sum += c[i] * (i % 7);
    console.log(JSON.stringify({ threads, sum }));
  `;
  /** Runs the program in a child node with `flags`, waiting up to `waitMs` for its worker. */
  async function run(flags: string[], waitMs: number): Promise<{ threads: number; sum: number; ms: number }> {
    const start = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [...flags, "--import", "tsx", "--input-type=module", "--eval", program, String(waitMs)], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json` },
      timeout: 30_000, // a process kept alive by the worker would be killed here, failing the test
    });
    return { ...(JSON.parse(stdout.trim().split("\n").pop()!) as { threads: number; sum: number }), ms: Date.now() - start };
  }

  it("exits by itself, code 0, after a product on two threads", async () => {
    const child = await run([], 5000);
    expect(child.threads, "the child's worker never became ready").toBe(2);
    // Startup (tsx compiling the sources) dominates; a kept-alive process would reach the timeout.
    expect(child.ms, `child took ${child.ms} ms`).toBeLessThan(20_000);
    // The same product on one thread here: the same bits (and so the same weighted sum).
    const n = 300, k = 200;
    setThreads(1);
    const c = matmulStorage(
      new Storage("float64", [n, k], Float64Array.from({ length: n * k }, (_, i) => Math.sin(i))),
      new Storage("float64", [k, n], Float64Array.from({ length: k * n }, (_, i) => Math.cos(i))),
      [n, n],
    ).data;
    let sum = 0;
    for (let i = 0; i < c.length; i++) sum += c[i]! * (i % 7);
    expect(child.sum).toBe(sum);
  }, 40_000);

  it("falls back to one thread, silently, where code generation from strings is refused", async () => {
    // Both at once; the refused one gets a second to show it never starts a worker.
    const [child, normal] = await Promise.all([run(["--disallow-code-generation-from-strings"], 1000), run([], 5000)]);
    expect(child.threads).toBe(1);
    expect(normal.threads).toBe(2);
    expect(child.sum).toBe(normal.sum);
  }, 60_000);
});

// The claim protocol alone, with a recording chunk function: NEXT holds tag · 32 + the
// next chunk, FINISHED the chunks done.
describe("claiming chunks", () => {
  const NEXT = 0;
  const FINISHED = 1;
  // 10 panels in chunks of 3: chunks 0..3, the last one short.
  const job: Job = [3, 8, 2, 10, 40, 0, 0, 0, 256, 32, 4, 4, 0, 0, 0, 0, 8];
  const noKernel = () => {
    throw new Error("the recording chunk function runs no kernel");
  };
  const noKernels = { panel: noKernel, packB: noKernel, panel32: noKernel, packB32: noKernel };
  const run = (control: Int32Array, tag: number) => {
    const ran: number[] = [];
    const record: typeof sweepChunk = (_kernels, _sweep, i) => void ran.push(i);
    const taken = sweepChunks(noKernels, sweep, record, control, NEXT, FINISHED, tag, job);
    return { taken, ran };
  };

  it("takes every chunk of its own job once, in order, and counts them finished", () => {
    const control = Int32Array.of(7 * 32, 0);
    const { taken, ran } = run(control, 7);
    expect(taken).toEqual([0, 1, 2, 3]);
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(control[FINISHED]).toBe(4);
    expect(control[NEXT]).toBe(7 * 32 + 4);
  });

  it("takes what is left after another thread's claims", () => {
    const control = Int32Array.of(7 * 32 + 2, 1);
    expect(run(control, 7).taken).toEqual([2, 3]);
    expect(control[FINISHED]).toBe(3);
  });

  it("claims nothing of a newer job, as a worker that woke late for an older one", () => {
    const control = Int32Array.of(8 * 32, 0);
    expect(run(control, 7)).toEqual({ taken: [], ran: [] });
    expect(Array.from(control)).toEqual([8 * 32, 0]);
  });
});

// Last in this file: from here on this process's products run on one thread.
describe("a worker that dies", () => {
  it("is given up: the product in flight and later ones finish here, with one thread's bits", async () => {
    const next = generator(SEED + 4);
    const [m, k, n] = [129, 300, 131];
    const a = Float64Array.from({ length: m * k }, next);
    const b = Float64Array.from({ length: k * n }, next);
    const one = product(1, a, b, m, k, n);
    expect(await workerReady()).toBe(2);
    // Terminated, and a product at once: this thread cannot take the exit event while it
    // waits, so only the wait's deadline can give the worker up (a hang fails the test).
    const stopped = stopWorker();
    const start = Date.now();
    const i = firstDifference(product(2, a, b, m, k, n), one);
    expect(i, `element ${i} differs`).toBe(-1);
    expect(Date.now() - start).toBeLessThan(15_000);
    await stopped;
    expect(activeThreads()).toBe(1);
    expect(firstDifference(product(2, a, b, m, k, n), one)).toBe(-1);
  }, 30_000);
});
