import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { canGenerateCode } from "../../packages/nabla/src/array/codegen.js";
import { primitives } from "../../packages/nabla/src/core/index.js";
import { runCorpus, type CorpusRun } from "./evalfree-corpus.js";

// Where `new Function` is forbidden (a strict Content-Security-Policy, extensions, some
// edge workers), kernels and jit run interpreted. A child process with code generation
// switched off runs the primitive corpus; this process runs it with compiled kernels and
// generated jit code; the two must agree bit for bit.

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = fileURLToPath(new URL("./evalfree-child.ts", import.meta.url));

interface ChildRun extends CorpusRun {
  newFunction: string;
  canGenerateCode: boolean;
}

async function runChild(): Promise<ChildRun> {
  // tsx compiles in its loader, before any of our code runs; the flag binds the program.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--disallow-code-generation-from-strings", "--import", "tsx", child],
    { cwd: root, env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json` }, maxBuffer: 64 << 20 },
  );
  return JSON.parse(stdout) as ChildRun;
}

describe("eval-free mode", () => {
  it("interpreted kernels and jit give the compiled results bit for bit, over the whole primitive corpus", async () => {
    const pending = runChild(); // runs beside this process's own pass
    expect(canGenerateCode()).toBe(true);
    const compiled = runCorpus();
    const interpreted = await pending;

    // The child really ran without code generation.
    expect(interpreted.newFunction).toBe("throws EvalError");
    expect(interpreted.canGenerateCode).toBe(false);

    // The corpus reaches every registered primitive, in both processes.
    const missing = [...primitives().keys()].filter((p) => !compiled.bound.includes(p));
    expect(missing, "primitives the corpus never binds").toEqual([]);
    expect(interpreted.bound).toEqual(compiled.bound);

    const keys = Object.keys(compiled.results);
    expect(keys.length).toBeGreaterThan(1000);
    expect(Object.keys(interpreted.results).sort()).toEqual([...keys].sort());
    const differ = keys.filter((k) => interpreted.results[k] !== compiled.results[k]);
    const report = differ.slice(0, 5).map((k) => `${k}\n  compiled:    ${compiled.results[k]}\n  interpreted: ${interpreted.results[k]}`);
    expect(report, `${differ.length} of ${keys.length} results differ`).toEqual([]);

    // Interpreted jit is the eager kernels replaying the simplified program.
    const jitDiffers = keys.filter((k) => k.endsWith(" eager") && interpreted.results[k] !== interpreted.results[k.replace(/eager$/, "jit")]);
    expect(jitDiffers).toEqual([]);
  }, 60000);
});
