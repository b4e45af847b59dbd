// Options are read strictly and before any work: numbers are decimal numbers (as in --at),
// not whatever Number() makes of "" or "0x10"; a bad --every or --plot is refused before a
// long run, not after it; `tour DIR` with a file or an impossible path is a refusal, never
// an internal error or a hang.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCount, parsePositive } from "../../packages/nabla-cli/src/args.js";
import { inProcess } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("numbers in options", () => {
  it("counts are decimal integers: '', 0x10, 0b1, 1_0, 2.5, Infinity, 1e400 and 2^53 are refused", () => {
    for (const bad of ["", " ", "0x10", "0b1", "0o7", "1_0", "2.5", "Infinity", "1e400", "9007199254740993", "-1", "abc", "1e", "--5"]) {
      expect(() => parseCount(bad, "--max-iter", 0), JSON.stringify(bad)).toThrow(/^--max-iter: expected an integer from 0 to 2\^53 − 1, got /);
    }
    expect(parseCount("1e3", "--max-iter")).toBe(1000);
    expect(parseCount(" 7 ", "--every")).toBe(7);
    expect(parseCount("0", "--max-iter", 0)).toBe(0);
  });

  it("positive numbers are decimal: '', 0x10, Infinity, NaN, 0 are refused", () => {
    for (const bad of ["", "0x10", "Infinity", "NaN", "0", "-0.1", "1e400", "1_0", ".", "e5"]) {
      expect(() => parsePositive(bad, "--lr"), JSON.stringify(bad)).toThrow(/^--lr: expected a positive number, got /);
    }
    expect(parsePositive(".5", "--lr")).toBe(0.5);
    expect(parsePositive("1e-3", "--gtol")).toBe(0.001);
  });

  it("in the command: exit 2 naming the option, with nothing run", async () => {
    const cases: [string, string][] = [["--max-iter", ""], ["--max-iter", "0x10"], ["--lr", "0x10"], ["--gtol", "Infinity"], ["--every", ""]];
    for (const [option, value] of cases) {
      const r = await inProcess(["minimize", "x^2", "--from", "1", "--method", "gd", option, value]);
      expect(r.code, `${option} ${JSON.stringify(value)}`).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.split("\n")[0]).toMatch(new RegExp(`^nabla: ${option}: expected .*, got ${JSON.stringify(value)} \\(column 1\\)$`));
    }
  });

  it("a bad --every or --plot is refused before a long run starts", async () => {
    const start = performance.now();
    const long = ["minimize", "x^2", "--from", "1", "--method", "gd", "--lr", "1e-12", "--max-iter", "100000000"];
    expect((await inProcess([...long, "--every", "0"])).code).toBe(2);
    expect((await inProcess([...long, "--plot", join(dir, "missing", "out.svg")])).stderr).toMatch(/^nabla: --plot: cannot write .*: ENOENT\n$/);
    mkdirSync(join(dir, "folder.svg"));
    expect((await inProcess([...long, "--plot", join(dir, "folder.svg")])).stderr).toMatch(/^nabla: --plot: ".*folder.svg" is a directory\n$/);
    // 10⁸ iterations would take minutes; refusing takes milliseconds.
    expect(performance.now() - start).toBeLessThan(10000);
  });
});

describe("tour DIR", () => {
  const file = join(dir, "a-file");
  writeFileSync(file, "x");

  it("a file, or a path through a file: exit 2 saying it is not a directory", async () => {
    for (const target of [file, join(file, "sub", "deeper")]) {
      const r = await inProcess(["tour", target]);
      expect(r.code, target).toBe(2);
      expect(r.stderr).toBe(`nabla: tour: "${file}" is not a directory\n`);
    }
  });

  it("a path that cannot be made: exit 2 with the reason, not a hang (Node's recursive mkdir loops on /proc/x)", async () => {
    const r = await inProcess(["tour", "/proc/nabla-no-such-dir/plots"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nabla: tour: cannot create "/proc/nabla-no-such-dir": ENOENT\n');
    const empty = await inProcess(["tour", ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^nabla: tour: the directory is an empty string/);
  }, 20000);
});
