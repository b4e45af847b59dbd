// Ctrl-C during a long `nabla minimize`, pressed as a person would: the command runs on a
// pseudo-terminal (util-linux `script`), its progress bar shows that the run is under way,
// and the test then types ^C into the terminal, whose line discipline sends SIGINT to the
// command. The bar must be cleared and the result so far printed, with status "stopped".
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN } from "./helpers.js";

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Runs the command on a terminal, presses Ctrl-C once the bar is drawn, and returns the screen. */
function interrupted(args: readonly string[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ");
  return new Promise((resolve) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NABLA_DEBUG: "", COLUMNS: "120" } });
    let screen = "";
    let pressed = false;
    child.stdout.on("data", (d) => {
      screen += d;
      // The bar ("[###---] gd k = …") appears once the run has gone on for a quarter second.
      if (!pressed && /\[[#-]{30}\] /.test(screen)) {
        pressed = true;
        child.stdin.write("\x03");
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 90000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, screen: screen.replaceAll("\r\n", "\n") });
    });
  });
}

// gd with a tiny step on a quadratic: 10⁸ cheap iterations, minutes of work, far from converged.
const LONG = ["x^2 + y^2", "--from", "1,1", "--lr", "1e-9", "--max-iter", "100000000"];

describe.skipIf(!hasScript)("Ctrl-C during minimize", () => {
  it("clears the bar, prints the point reached with status stopped, and exits 130", async () => {
    const { code, screen } = await interrupted(["minimize", ...LONG, "--method", "gd"]);
    expect(code).toBe(130);
    // Everything after the keypress: the bar erased first, then the report.
    const after = screen.slice(screen.lastIndexOf("^C") + 2);
    expect(after.startsWith("\r\x1b[K"), JSON.stringify(after.slice(0, 40))).toBe(true);
    expect(after).not.toMatch(/\[[#-]{30}\]/);
    const status = /status +stopped \(no success\): interrupted \(Ctrl-C\) at iteration (\d+); x is that iterate/.exec(after);
    expect(status, after).not.toBeNull();
    const nit = Number(status![1]);
    expect(nit).toBeGreaterThan(0);
    expect(nit).toBeLessThan(100000000);
    // The table's last row is that iterate, with its true iteration number.
    const rows = after.split("\n").filter((l) => /^\s*\d+\s/.test(l));
    expect(Number(rows[rows.length - 1]!.trim().split(/\s+/)[0])).toBe(nit);
    // x_k = (1 − 2·1e-9)^k: the point printed is iterate nit.
    const x = Number(/^x +x = ([\d.e-]+), y = /m.exec(after)![1]);
    expect(Math.abs(x / (1 - 2e-9) ** nit - 1)).toBeLessThan(1e-9);
    expect(after).toContain("nabla: interrupted (Ctrl-C)");
  }, 120000);

  it("with --compare, the interrupted run is reported and the rest are not started", async () => {
    const { code, screen } = await interrupted(["minimize", ...LONG, "--compare", "gd,momentum"]);
    expect(code).toBe(130);
    expect(screen).toMatch(/^gd +stopped /m);
    expect(screen).not.toMatch(/^momentum /m);
    expect(screen).toContain("not run (interrupted): momentum");
    expect(screen).toContain("nabla: interrupted (Ctrl-C); not run: momentum");
  }, 120000);
});
