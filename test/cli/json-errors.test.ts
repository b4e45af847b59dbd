// --json covers failures too: a script reading stdout gets a JSON object with `error` and
// `exitCode` (and `column` when the reason points into some text), while a person reading
// stderr still gets the usual line and caret.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inProcess } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-json-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--json on failure", () => {
  it("a syntax error: {error, column, exitCode: 2} on stdout, the caret block on stderr", async () => {
    const r = await inProcess(["grad", "x^2 +", "--at", "x=1", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: "expected expression after +", column: 6, exitCode: 2 });
    expect(r.stderr).toBe("nabla: expected expression after + (column 6)\n  x^2 +\n       ^\n");
  });

  it("refusals without a place in the text have no column", async () => {
    for (const args of [
      ["eval", "x", "--at", "1", "--json", "--bogus"],
      ["frobnicate", "--json"],
      ["minimize", "x^2", "--from", "1", "--method", "sgd", "--json"],
      ["eval", "x + y", "--json"],
    ]) {
      const r = await inProcess(args);
      expect(r.code, args.join(" ")).toBe(2);
      const record = JSON.parse(r.stdout);
      expect(Object.keys(record), args.join(" ")).toEqual(["error", "exitCode"]);
      expect(r.stderr).toBe(`nabla: ${record.error}\n`);
    }
  });

  it("--json is read before whatever else fails, but not from after --", async () => {
    const r = await inProcess(["minimize", "x^2", "--json", "--from", "1", "--max-iter", "0x10"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: '--max-iter: expected an integer from 0 to 2^53 − 1, got "0x10"', exitCode: 2 });
    // After "--", "--json" is a positional (here a second expression: a refusal, in text).
    const after = await inProcess(["eval", "--at", "1", "--", "x", "--json"]);
    expect(after.code).toBe(2);
    expect(after.stdout).toBe("");
  });

  // /dev/full (a device whose writes fail with ENOSPC) is Linux's.
  it.skipIf(!existsSync("/dev/full"))("a finished run whose plot cannot be written: the record, with error and exitCode 1", async () => {
    // A plot file that is /dev/full: the directory is fine, the write fails at the end.
    const plot = join(dir, "full.svg");
    symlinkSync("/dev/full", plot);
    const r = await inProcess(["minimize", "x^2 + y^2", "--from", "1,1", "--method", "newton", "--plot", plot, "--json"]);
    expect(r.code).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ method: "newton", result: { status: "converged" }, error: `--plot: cannot write "${plot}": ENOSPC`, exitCode: 1 });
    expect(record.plot).toBeUndefined();
    expect(r.stderr).toBe(`nabla: --plot: cannot write "${plot}": ENOSPC\n`);
    // Without --json: the whole report, then the line.
    const text = await inProcess(["minimize", "x^2 + y^2", "--from", "1,1", "--method", "newton", "--plot", plot]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/status +converged \(success\)/);
    expect(text.stdout).not.toContain("plot written");
  });

  it("a plot file that is a named pipe no one reads: refused at once (ENXIO), not a hang", async () => {
    const fifo = join(dir, "fifo.svg");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const r = await inProcess(["minimize", "x^2", "--from", "1", "--method", "newton", "--plot", fifo]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status +converged/);
    expect(r.stderr).toBe(`nabla: --plot: cannot write "${fifo}": ENXIO\n`);
  }, 20000);
});
