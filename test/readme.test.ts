// Every TypeScript example in README.md runs as pasted (and `npm test` type-checks them
// first: scripts/readme-examples.ts writes them into test/readme/ before tsc runs).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeExamples } from "../scripts/readme-examples.js";

const examples = writeExamples();

describe("README.md's TypeScript examples run as pasted", () => {
  // The examples print what they compute; keep the test output readable.
  beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => {}));
  afterAll(() => vi.restoreAllMocks());

  it("there are examples to run", () => expect(examples.length).toBeGreaterThan(3));
  for (const { file, line } of examples) {
    it(`the block at line ${line}`, async () => {
      await import(file);
    });
  }
});

describe("README.md's table of namespaces matches the exports", async () => {
  const nabla = (await import("nabla")) as unknown as Record<string, Record<string, unknown>>;
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  // Rows look like "| `np` shapes | `reshape transpose …` … |": the namespace, then names.
  const listed = new Map<string, Set<string>>();
  for (const row of readme.matchAll(/^\| `(\w+)`[^|]*\| (.*) \|$/gm)) {
    const names = listed.get(row[1]!) ?? new Set<string>();
    for (const code of row[2]!.matchAll(/`([^`]+)`/g)) {
      for (const word of code[1]!.replace(/[()]/g, " ").split(/\s+/)) if (/^[a-zA-Z]\w*$/.test(word)) names.add(word);
    }
    listed.set(row[1]!, names);
  }
  // Words of prose inside backticks that are not function names (option names, constants).
  const prose = new Set(["axis", "keepdims", "conv_general_dilated", "logpdf", "logpmf", "pdf", "pmf", "cdf", "sf", "logcdf", "logsf", "ppf", "isf"]);

  it("lists every namespace", () => expect([...listed.keys()].sort()).toEqual(["bayes", "flows", "implicit", "integrate", "landscape", "linalg", "nn", "np", "ode", "optim", "random", "special", "stats", "tree"]));
  for (const [ns, names] of listed) {
    it(`every name listed for ${ns} exists`, () => {
      const missing = [...names].filter((n) => !(n in nabla[ns]!) && !prose.has(n));
      expect(missing).toEqual([]);
    });
    it(`every function ${ns} exports is listed`, () => {
      // Constants (SVD_DEGENERACY_TOL) and classes (TreeDef) are documented where they are used.
      const exported = Object.keys(nabla[ns]!).filter((n) => !/^[A-Z]/.test(n));
      const unlisted = exported.filter((n) => !names.has(n));
      expect(unlisted).toEqual([]);
    });
  }
});
