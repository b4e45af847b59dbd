// `npm run bench` first: the baselines (TF.js and its wasm backend) live in bench/'s own
// package, installed here on the first run, so the repository's `npm ci` stays small.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const bench = new URL(".", import.meta.url).pathname;
if (!existsSync(new URL("node_modules/@tensorflow/tfjs-backend-wasm/package.json", import.meta.url))) {
  console.log("bench: installing the TF.js baselines into bench/node_modules (once)…");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: bench, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
