// Running the nabla command in tests: in this process through main (fast), or as a child
// process through bin/nabla.js (for what only a process has: streams, signals, exit).
import { spawn, type SpawnOptions } from "node:child_process";
import { fileURLToPath } from "node:url";
import { main, type Io } from "../../packages/nabla-cli/src/main.js";

export const BIN = fileURLToPath(new URL("../../packages/nabla-cli/bin/nabla.js", import.meta.url));

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command in this process (no spawn), capturing what it prints. */
export async function inProcess(args: readonly string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const io: Io = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), tty: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/**
 * Runs `command` (default: node bin/nabla.js `args`) as a child process; a run longer
 * than `timeoutMs` is killed, and its code is then null (a hang).
 */
export function processRun(args: readonly string[], opts: { timeoutMs?: number; spawn?: SpawnOptions; command?: [string, string[]] } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const [cmd, cmdArgs] = opts.command ?? [process.execPath, [BIN, ...args]];
    const child = spawn(cmd, cmdArgs, { env: { ...process.env, NABLA_DEBUG: "" }, ...opts.spawn });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** No Node error class, stack frame or "internal error" in what the command printed. */
export const LEAK = /TypeError|RangeError|ReferenceError|SyntaxError|nabla: internal error|Error:|\n\s+at |node:internal/;
