// Output that cannot be written, with real processes and real streams: a reader that
// closes the pipe early ends the command quietly (status 0), a full disk is one line
// (status 1), and neither ever shows a Node stack.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BIN, LEAK, processRun } from "./helpers.js";

// A run whose JSON (a 10,000-point path) is far bigger than a pipe's 64 KiB buffer, so the
// command is still writing when the reader goes away.
const LONG = ["minimize", "x^2 + y^2", "--from", "1,1", "--method", "gd", "--lr", "1e-7", "--max-iter", "20000", "--json"];

describe("output errors", () => {
  it("`nabla … | head -1`: the first line, then a quiet exit 0", async () => {
    const pipeline = `"${process.execPath}" "${BIN}" ${LONG.map((a) => `'${a}'`).join(" ")} | head -1; echo "status \${PIPESTATUS[0]}" >&2`;
    const r = await processRun([], { command: ["bash", ["-c", pipeline]] });
    expect(r.stdout).toBe("{\n");
    expect(r.stderr).toBe("status 0\n");
  }, 60000);

  it("a reader that closes the pipe before anything is written: exit 0, nothing on stderr", async () => {
    const closed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...LONG], { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(closed.stderr).toBe("");
    expect(closed.code).toBe(0);
  }, 60000);

  // /dev/full (a device whose writes fail with ENOSPC) is Linux's.
  it.skipIf(!existsSync("/dev/full"))("`> /dev/full`: one line, `nabla: cannot write output: ENOSPC`, exit 1", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await processRun(["eval", "x^2", "--at", "3"], { spawn: { stdio: ["ignore", full, "pipe"] } });
      expect(r.stderr).toBe("nabla: cannot write output: ENOSPC\n");
      expect(r.code).toBe(1);
      // The same for a long JSON record, and for a refusal's JSON.
      const big = await processRun(LONG, { spawn: { stdio: ["ignore", full, "pipe"] } });
      expect(big.stderr).toBe("nabla: cannot write output: ENOSPC\n");
      expect(big.code).toBe(1);
    } finally {
      closeSync(full);
    }
  }, 60000);

  it.skipIf(!existsSync("/dev/full"))("stderr on a full disk changes nothing: a refusal still exits 2, quietly", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = await processRun(["eval", "x^2 +", "--at", "3"], { spawn: { stdio: ["ignore", "pipe", full] } });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stdout + r.stderr).not.toMatch(LEAK);
    } finally {
      closeSync(full);
    }
  }, 60000);
});
