// Products on two threads in a browser: on a cross-origin-isolated page the WebAssembly
// memory is shared, a Web Worker takes chunks of large products, and the page's main
// thread (where Atomics.wait is not allowed) waits for it by polling; inside a Web Worker
// the product worker is a nested one and the wait blocks. The results are one thread's
// bits. On a page that is not isolated, products stay on one thread.
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ThreadCheck } from "./threads-page/check.js";
import { CHROMIUM, hasChromium, launch, serve, tempDir, type Browser } from "./harness.js";

const required = process.env.NABLA_REQUIRE_BROWSER === "1";
const available = hasChromium();
if (!available) {
  console.warn(`\n*** test/web/threads.test.ts: no Chromium at ${CHROMIUM}: SKIPPED${required ? " (and NABLA_REQUIRE_BROWSER=1 makes that a failure)" : ""} ***\n`);
}

/** The headers that make a page cross-origin isolated (and so give it SharedArrayBuffer). */
const ISOLATED = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

describe.skipIf(!available && !required)("products on two threads in Chromium", () => {
  let dir = "";
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!available) throw new Error(`NABLA_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    dir = await tempDir();
    const root = fileURLToPath(new URL("./threads-page/", import.meta.url));
    await build({ root, configFile: false, logLevel: "warn", base: "./", worker: { format: "es" }, build: { outDir: dir, emptyOutDir: true, target: "es2022" } });
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * Serves the page with `headers`, opens it and runs its check (`where`: on the page's
   * main thread or in a Web Worker), which waits ≤ `waitMs` for the product worker.
   */
  async function check(headers: Record<string, string>, waitMs: number, where: "main" | "worker" = "main"): Promise<{ result: ThreadCheck; errors: string[] }> {
    const server = await serve(dir, headers);
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    try {
      await page.goto(server.url);
      await page.waitForFunction("typeof globalThis.threadCheck === 'function'");
      const result = (await page.evaluate(`globalThis.${where === "main" ? "threadCheck" : "threadCheckInWorker"}(${waitMs})`)) as ThreadCheck;
      return { result, errors };
    } finally {
      await page.close();
      await server.close();
    }
  }

  it("on a cross-origin-isolated page, a Web Worker shares large products, with one thread's bits", async () => {
    const { result, errors } = await check(ISOLATED, 10_000);
    expect(errors).toEqual([]);
    expect(result.isolated, "the page is cross-origin isolated").toBe(true);
    expect(result.threads, "the worker became ready").toBe(2);
    expect(result.workerChunks, "the worker swept chunks of the products").toBeGreaterThan(0);
    expect(result.wasmRuns, "every product ran in WebAssembly").toBe(2 * result.compared);
    expect(result.mismatches).toEqual([]);
    expect(result.arenaKernels, "a vector arena's passes ran in WebAssembly").toBe(true);
    expect(result.arenaMismatches).toEqual([]);
  }, 60_000);

  it("inside a Web Worker on an isolated page, a nested worker shares large products, with one thread's bits", async () => {
    const { result, errors } = await check(ISOLATED, 10_000, "worker");
    expect(errors).toEqual([]);
    expect(result.isolated).toBe(true);
    expect(result.threads, "the nested worker became ready").toBe(2);
    expect(result.workerChunks, "the nested worker swept chunks of the products").toBeGreaterThan(0);
    expect(result.wasmRuns).toBe(2 * result.compared);
    expect(result.mismatches).toEqual([]);
    expect(result.arenaKernels, "a vector arena's passes ran in WebAssembly").toBe(true);
    expect(result.arenaMismatches).toEqual([]);
  }, 60_000);

  it("on a page that is not isolated, products stay on one thread and still run in WebAssembly", async () => {
    // A second of large products: long enough for a worker to have started, were there one.
    const { result, errors } = await check({}, 1000);
    expect(errors).toEqual([]);
    expect(result.isolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.workerChunks).toBe(0);
    expect(result.wasmRuns).toBe(2 * result.compared);
    expect(result.mismatches).toEqual([]);
    expect(result.arenaKernels, "a vector arena's passes ran in WebAssembly").toBe(true);
    expect(result.arenaMismatches).toEqual([]);
  }, 60_000);
});
