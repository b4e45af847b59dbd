#!/usr/bin/env node
// The nabla command. In the repository (src/ present, as after `git clone && npm ci`) it
// runs the TypeScript through tsx's loader, registered in this same process (no second
// node), with the repository's tsconfig, which maps "nabla" to the library's source: no
// build step to forget and no stale dist/. The published package ships dist/ but not src/
// and runs the compiled dist/main.js against the installed library, without tsx.
//
// The same file starts minimize's worker thread (see src/worker.ts): a worker does not
// inherit the loader, so it registers its own here and then runs the worker's side.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";

const name = isMainThread ? "main" : "worker";
const source = new URL(`../src/${name}.ts`, import.meta.url);
const built = new URL(`../dist/${name}.js`, import.meta.url);
const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));
let entry = built;
if (existsSync(source) && existsSync(tsconfig)) {
  try {
    const { register } = await import("tsx/esm/api");
    register({ tsconfig });
    entry = source;
  } catch {
    // Dev dependencies left out (npm ci --omit=dev): a build still works.
    if (!existsSync(built)) {
      console.error("nabla: this source checkout needs its dev dependencies (npm ci) or a build (npm run build)");
      process.exit(1);
    }
  }
}
if (isMainThread) {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const { runWorker } = await import(entry.href);
  runWorker();
}
