import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_JIT_CACHE_LIMIT, clearJitCaches, jit, np, type Array } from "nabla";
import { errorOf } from "../helpers.js";

// jit's trace cache is a least-recently-used map per jitted function: bounded by
// cacheLimit (default DEFAULT_JIT_CACHE_LIMIT), emptied by clearCache() or, for every
// function, clearJitCaches(). Traces are counted by a side effect of the traced function.

/** A jitted x ↦ 2x that counts its traces. */
function counted(opts: { cacheLimit?: number } = {}) {
  const state = { traces: 0 };
  const f = jit((x: Array) => {
    state.traces++;
    return x.mul(2);
  }, opts);
  return { f, state };
}
const ofSize = (n: number) => np.arange(n);

describe("jit: the cache is bounded (least recently used first out)", () => {
  it("keeps at most cacheLimit signatures and retraces an evicted one", () => {
    const { f, state } = counted({ cacheLimit: 3 });
    for (const n of [1, 2, 3]) f(ofSize(n));
    expect(f.cacheSize()).toBe(3);
    expect(f(ofSize(4)).toArray()).toEqual([0, 2, 4, 6]); // evicts size 1, the oldest
    expect([f.cacheSize(), state.traces]).toEqual([3, 4]);
    f(ofSize(2)); // a hit: size 2 becomes the most recent
    expect(state.traces).toBe(4);
    f(ofSize(5)); // evicts size 3, now the least recently used (not 2)
    f(ofSize(2));
    expect(state.traces).toBe(5);
    expect(f(ofSize(3)).toArray()).toEqual([0, 2, 4]); // evicted: traced again
    expect([f.cacheSize(), state.traces]).toEqual([3, 6]);
    expect(f(ofSize(1)).toArray()).toEqual([0]);
    expect(state.traces).toBe(7);
  });

  it("defaults to DEFAULT_JIT_CACHE_LIMIT signatures", () => {
    expect(DEFAULT_JIT_CACHE_LIMIT).toBe(64);
    const { f, state } = counted();
    for (let n = 1; n <= DEFAULT_JIT_CACHE_LIMIT + 10; n++) f(ofSize(n));
    expect(f.cacheSize()).toBe(DEFAULT_JIT_CACHE_LIMIT);
    f(ofSize(DEFAULT_JIT_CACHE_LIMIT + 10)); // the newest: a hit
    f(ofSize(1)); // among the first ten: evicted
    expect(state.traces).toBe(DEFAULT_JIT_CACHE_LIMIT + 11);
  });

  it("cacheLimit Infinity keeps every signature", () => {
    const { f } = counted({ cacheLimit: Infinity });
    for (let n = 1; n <= 100; n++) f(ofSize(n));
    expect(f.cacheSize()).toBe(100);
  });

  it("a repeated call after its signature was evicted computes with a fresh trace", () => {
    // The last Arrays-only call has a fast path of its own; eviction must reach it too,
    // also when the evicting call (a list argument here) does not take that path.
    let traces = 0;
    const f = jit(
      (x: Array | Array[]) => {
        traces++;
        return (globalThis.Array.isArray(x) ? x[0]! : x).mul(2);
      },
      { cacheLimit: 1 },
    );
    f(ofSize(2));
    f(ofSize(2));
    expect(traces).toBe(1);
    expect(f([ofSize(3)]).toArray()).toEqual([0, 2, 4]);
    expect(f(ofSize(2)).toArray()).toEqual([0, 2]);
    expect([f.cacheSize(), traces]).toEqual([1, 3]);
  });

  it("clearCache() empties one function's cache, clearJitCaches() every function's", () => {
    const a = counted();
    const b = counted();
    a.f(ofSize(3));
    a.f(ofSize(3)); // the last-call fast path is armed
    b.f(ofSize(3));
    a.f.clearCache();
    expect([a.f.cacheSize(), b.f.cacheSize()]).toEqual([0, 1]);
    expect(a.f(ofSize(3)).toArray()).toEqual([0, 2, 4]);
    expect(a.state.traces).toBe(2);
    clearJitCaches();
    expect([a.f.cacheSize(), b.f.cacheSize()]).toEqual([0, 0]);
    b.f(ofSize(3));
    expect(b.state.traces).toBe(2);
  });

  it("a bad cacheLimit or staticArgnums is an error naming the option", () => {
    for (const bad of [0, -1, 2.5, NaN, "8"]) {
      expect(errorOf(() => jit((x: Array) => x, { cacheLimit: bad as number }))).toMatch(/^jit: cacheLimit must be a positive integer or Infinity, got /);
    }
    for (const bad of [[-1], [0.5], 1, ["0"]]) {
      expect(errorOf(() => jit((x: Array) => x, { staticArgnums: bad as number[] }))).toMatch(/^jit: staticArgnums must be a list of non-negative integer positions/);
    }
  });
});

// The heap a jitted function keeps, measured in a child process that can force garbage
// collection (scripts/jit-cache-memory.ts; its default of 10,000 shapes is the figure
// reported for the change, 400 keep this test quick).
const root = fileURLToPath(new URL("../..", import.meta.url));
const script = fileURLToPath(new URL("../../scripts/jit-cache-memory.ts", import.meta.url));

async function retainedBytes(shapes: number, limit: number): Promise<{ entries: number; retained: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", "--import", "tsx", script, String(shapes), String(limit), "--json"],
    { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json` } },
  );
  return JSON.parse(stdout) as { entries: number; retained: number };
}

describe("jit: memory under many shapes", () => {
  it("an evicted signature's IR and generated code are freed: the heap stays bounded", async () => {
    const [unbounded, bounded] = await Promise.all([retainedBytes(400, Infinity), retainedBytes(400, 16)]);
    expect(unbounded.entries).toBe(400);
    expect(bounded.entries).toBe(16);
    // About 20 kB per signature: 400 keep megabytes, 16 a few hundred kB.
    expect(unbounded.retained).toBeGreaterThan(4 * 2 ** 20);
    expect(bounded.retained).toBeLessThan(2 ** 20);
  }, 60000);
});
