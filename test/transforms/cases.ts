// Every case of the primitive corpus (derivatives and batching): corpus.ts's own, then each
// file in cases/ (one per area of the library; each pushes into CASES from corpus.ts), so
// that adding primitives in one area never edits another's list. Test files import from here.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
export * from "./corpus.js";

const dir = fileURLToPath(new URL("./cases/", import.meta.url));
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ts")).sort() : [];
for (const file of files) await import(`${dir}${file}`);
