// Every case of the jit corpus: jit-corpus.ts's own, then each file in jit-cases/ (one per
// area of the library; each calls addCase from jit-corpus.ts), so that adding primitives
// in one area never edits another's list. Test files import the corpus from here.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
export * from "./jit-corpus.js";

const dir = fileURLToPath(new URL("./jit-cases/", import.meta.url));
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ts")).sort() : [];
for (const file of files) await import(`${dir}${file}`);
