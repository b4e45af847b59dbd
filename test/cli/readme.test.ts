// The command's outputs pasted into README.md are what it prints today: each `$ npx nabla …`
// line of the README's text blocks is run in this process and its output compared, with
// only the timings (which vary run to run) left out of the comparison.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type Io } from "../../packages/nabla-cli/src/main.js";

interface Session {
  line: number;
  args: string[];
  expected: string;
}

/** Splits a shell command line with double-quoted words (all the README uses). */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** The `$ npx nabla …` commands of the README's untagged code blocks, with their outputs. */
function sessions(markdown: string): Session[] {
  const found: Session[] = [];
  const lines = markdown.split("\n");
  let fence: string | undefined; // the opening fence of the block we are in
  let inText = false;
  let current: Session | undefined;
  lines.forEach((text, i) => {
    if (text.startsWith("```")) {
      fence = fence === undefined ? text.trim() : undefined;
      inText = fence === "```";
      current = undefined;
      return;
    }
    if (!inText) return;
    if (text.startsWith("$ ")) {
      current = undefined;
      const [npx, name, ...args] = words(text.slice(2));
      if (npx !== "npx" || name !== "nabla") return;
      current = { line: i + 1, args, expected: "" };
      found.push(current);
    } else if (current) {
      current.expected += `${text}\n`;
    }
  });
  return found;
}

/** Drops what differs from run to run: seconds, and the seconds column of a table. */
function withoutTimes(text: string): string {
  let timedTable = false;
  return text
    .trimEnd()
    .split("\n")
    .map((line) => {
      if (/\S\s+s$/.test(line) && line.trimStart().startsWith("method")) {
        timedTable = true;
        return line.replace(/\s+s$/, "");
      }
      if (line.trim() === "") timedTable = false;
      if (timedTable) return line.replace(/\s+\d+(\.\d+)?$/, "");
      return line.replace(/\d+(\.\d+)? s$/, "… s");
    })
    .join("\n");
}

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "nabla-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the command's outputs in README.md are current", () => {
  const all = sessions(readme);
  it("the README shows the command at work", () => expect(all.length).toBeGreaterThan(5));

  for (const { line, args, expected } of all) {
    it(`line ${line}: nabla ${args.join(" ")}`, async () => {
      // Files the command writes go to a temporary folder, named as in the README.
      const plot = args.indexOf("--plot");
      const run = [...args];
      if (plot >= 0) run[plot + 1] = join(dir, args[plot + 1]!);
      if (args[0] === "tour") run.push(join(dir, "nabla-tour"));
      let printed = "";
      const io: Io = { out: (s) => void (printed += s), err: (s) => void (printed += s), tty: false };
      await main(run, io);
      const asInReadme = printed.replaceAll(join(dir, "nabla-tour"), "nabla-tour").replaceAll(`${dir}/`, "");
      expect(withoutTimes(asInReadme)).toBe(withoutTimes(expected));
    }, 60000);
  }
});
