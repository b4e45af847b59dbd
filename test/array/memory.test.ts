import { execFile } from "node:child_process";
import { totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { np, random } from "nabla";

// Every Array's memory is allocated in one place (array/memory.ts), which refuses a shape
// larger than the machine's memory before allocating, naming the op, the shape and the
// bytes; and np.zeros writes nothing, so its pages stay uncommitted until used.

const root = fileURLToPath(new URL("../..", import.meta.url));
const child = fileURLToPath(new URL("./memory-child.ts", import.meta.url));

/** What the bound says: os.totalmem() where Node offers it to the library (≥ 20.16). */
const GIB = Number((totalmem() / 2 ** 30).toPrecision(3));
const knowsMachine = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === "function";
const beyond = knowsMachine ? `more than this machine's ${GIB} GiB of memory` : "more than this JavaScript engine allocates at once";

describe("allocations beyond the machine's memory are refused up front", () => {
  it("zeros names itself, the shape, the dtype and the bytes", () => {
    expect(() => np.zeros([1e5, 1e5, 100])).toThrow(new Error(`zeros: shape (100000,100000,100) of float64 needs 8e12 bytes, ${beyond}`));
    expect(() => np.zeros([1e15], { dtype: "bool" })).toThrow(new Error(`zeros: shape (1000000000000000,) of bool needs 1e15 bytes, ${beyond}`));
  });

  it("every function that makes an Array of a given shape or length does the same, under its own name", () => {
    const cases: [string, () => unknown][] = [
      ["ones", () => np.ones([1e6, 1e6])],
      ["full", () => np.full([1e6, 1e6], 7)],
      ["eye", () => np.eye(1e6)],
      ["arange", () => np.arange(0, 1e15)],
      ["linspace", () => np.linspace(0, 1, 1e15)],
      ["broadcastTo", () => np.broadcastTo(1, [1e6, 1e6])],
      ["random.uniform", () => random.uniform(random.key(0), [1e6, 1e6])],
      ["random.normal", () => random.normal(random.key(0), [1e6, 1e6])],
      ["random.bernoulli", () => random.bernoulli(random.key(0), 0.5, [1e6, 1e6])],
      ["random.permutation", () => random.permutation(random.key(0), 1e15)],
      ["random.split", () => random.split(random.key(0), 1e15)],
    ];
    for (const [op, make] of cases) expect(make, op).toThrow(new RegExp(`^${op.replace(".", "\\.")}: shape \\(.*\\) of \\w+ needs \\S+ bytes, more than`));
  });

  it("a shape past the engine's typed-array limit is refused the same way (where an engine holds it, it costs nothing)", () => {
    const bytes = 2 ** 32 + 1; // past V8's 2^32-element typed arrays, within most machines' memory
    const limit = knowsMachine && bytes > totalmem() ? beyond : "more than this JavaScript engine allocates at once";
    let made;
    try {
      made = np.zeros([bytes], { dtype: "bool" });
    } catch (e) {
      expect((e as Error).message).toBe(`zeros: shape (4294967297,) of bool needs 4.29e9 bytes, ${limit}`);
      return;
    }
    expect(made.size).toBe(bytes);
  });

  it("a shape that fits is allocated", () => {
    expect(np.zeros([1000, 1000]).size).toBe(1e6);
  });
});

describe("np.zeros commits no memory it does not touch", () => {
  it("a 1e9-byte zeros adds almost nothing to the process's resident memory, and prints its edges", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", child, "[12500,10000]"], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json` },
    });
    const run = JSON.parse(stdout) as { bytes: number; grew: number; lines: number; text: string };
    expect(run.bytes).toBe(1e9);
    // Writing the zeros (as `fill(0)` did) commits all 1e9 bytes; untouched, a few pages.
    expect(run.grew, `resident memory grew by ${run.grew} bytes`).toBeLessThan(64 * 2 ** 20);
    expect(run.lines).toBe(7);
    expect(run.text).toContain("[0., 0., 0., ..., 0., 0., 0.]");
  }, 30000);
});
