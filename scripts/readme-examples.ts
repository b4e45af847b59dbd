// The README's TypeScript examples as files, so that `npm test` type-checks them (with
// test/readme/tsconfig.json, written here: TypeScript's plain `strict`, what a user has,
// without this repository's noUncheckedIndexedAccess) and runs them (test/readme.test.ts
// imports each). Each ```ts block must run as pasted: it imports and defines what it uses.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
export const examplesDir = fileURLToPath(new URL("test/readme/", root));

/** The ```ts blocks of a Markdown text, each with the line it starts on. */
export function typescriptBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```ts") continue;
    const start = i + 1;
    while (++i < lines.length && lines[i]!.trim() !== "```");
    blocks.push({ line: start + 1, code: lines.slice(start, i).join("\n") });
  }
  return blocks;
}

/** Writes test/readme/example-NN.ts for every block of README.md; returns their paths. */
export function writeExamples(): { file: string; line: number }[] {
  const blocks = typescriptBlocks(readFileSync(new URL("README.md", root), "utf8"));
  rmSync(examplesDir, { recursive: true, force: true });
  mkdirSync(examplesDir, { recursive: true });
  const tsconfig = { extends: "../../tsconfig.json", compilerOptions: { noUncheckedIndexedAccess: false }, include: ["."], exclude: [] };
  writeFileSync(`${examplesDir}tsconfig.json`, JSON.stringify(tsconfig, null, 2) + "\n");
  return blocks.map(({ line, code }, k) => {
    const file = `${examplesDir}example-${String(k + 1).padStart(2, "0")}.ts`;
    writeFileSync(file, `// README.md, the block at line ${line} (written by scripts/readme-examples.ts)\n${code}\nexport {};\n`);
    return { file, line };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeExamples();
