import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// Every examples/NAME.ts runs to the end (through `npm run example`'s script), at the small
// size it takes under NABLA_EXAMPLE_SMALL=1, so that no example rots.

const root = fileURLToPath(new URL("..", import.meta.url));
const names = readdirSync(`${root}examples`).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));

function run(...args: string[]) {
  return promisify(execFile)(process.execPath, ["--import", "tsx", `${root}scripts/example.ts`, ...args], {
    cwd: root,
    env: { ...process.env, NABLA_EXAMPLE_SMALL: "1", TSX_TSCONFIG_PATH: `${root}tsconfig.json` },
  });
}

describe("examples", () => {
  it("there is at least the CNN example", () => expect(names).toContain("cnn"));

  it.each(names)("%s runs at its small size", async (name) => {
    const { stdout } = await run(name);
    expect(stdout.trim().length).toBeGreaterThan(0);
  }, 120000);

  it("an unknown name lists the examples and exits with status 2", async () => {
    const err = await run("no-such-example").then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("cnn");
  });
});
