// Runs one example: `npm run example -- NAME` runs examples/NAME.ts (without a name, lists them).
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const dir = fileURLToPath(new URL("../examples/", import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();
const name = process.argv[2];
if (name === undefined || !names.includes(name)) {
  console.error(`${name === undefined ? "" : `no example "${name}"; `}usage: npm run example -- NAME, with NAME one of: ${names.join(", ")}`);
  process.exit(name === undefined ? 0 : 2);
}
await import(pathToFileURL(`${dir}${name}.ts`).href);
