#!/usr/bin/env node
// The nabla command. In a source checkout (src/ present, as after `git clone && npm ci`)
// it runs the TypeScript through tsx's loader, registered in this same process (no second
// node, unlike the tsx CLI): no build step to forget and no stale dist/. An installed
// package ships dist/ but not src/ (see "files" in package.json) and runs the compiled
// dist/cli/main.js, without tsx (a devDependency).
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const built = new URL("../dist/cli/main.js", import.meta.url);
let entry = built;
if (existsSync(source)) {
  try {
    const { register } = await import("tsx/esm/api");
    register();
    entry = source;
  } catch {
    // Dev dependencies left out (npm ci --omit=dev): a build still works.
    if (!existsSync(built)) {
      console.error("nabla: this source checkout needs its dev dependencies (npm ci) or a build (npm run build)");
      process.exit(1);
    }
  }
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
