// `npm run fuzz [-- --minutes 10] [--runs 5] [--seed N] [test files…]`: explores the
// property tests with fresh seeds. `npm test` runs every property with one fixed seed
// (test/setup.ts), so it is reproducible but always sees the same cases; this runs the
// files that use fast-check again and again, each round with a new random seed
// (NABLA_FUZZ_SEED) and each property run `--runs` times as often (NABLA_FUZZ_RUNS),
// until the time is up or a property fails. A failure prints vitest's report (with
// fast-check's seed and counterexample) and the command that reproduces it.
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const USAGE = "usage: npm run fuzz -- [--minutes M (default 2)] [--runs F (default 5)] [--seed N (one round)] [test files…]";

function fail(message: string): never {
  console.error(`fuzz: ${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v > 0 && Number.isFinite(v))) fail(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return v;
}

/** The test files that use fast-check: every property test in the repository. */
function propertyFiles(dir = join(ROOT, "test")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return propertyFiles(path);
    return e.name.endsWith(".test.ts") && /from "fast-check"/.test(readFileSync(path, "utf8")) ? [relative(ROOT, path)] : [];
  });
}

interface Round {
  passed: boolean;
  output: string;
  failedFiles: string[];
}

/** One vitest run of `files` with this seed and run factor; its output is kept, not shown. */
function round(files: string[], seed: number, factor: number): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), "nabla-fuzz-"));
  const report = join(dir, "report.json");
  const args = ["vitest", "run", ...files, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, `--testTimeout=${Math.ceil(20000 * factor)}`];
  const env = { ...process.env, NABLA_FUZZ_SEED: String(seed), NABLA_FUZZ_RUNS: String(factor), FORCE_COLOR: "0" };
  return new Promise((resolve) => {
    const child = spawn("npx", args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      let failedFiles: string[] = [];
      try {
        const json = JSON.parse(readFileSync(report, "utf8")) as { testResults: { name: string; status: string }[] };
        failedFiles = json.testResults.filter((t) => t.status !== "passed").map((t) => relative(ROOT, t.name));
      } catch {
        // No report (vitest did not start): the output says why.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ passed: code === 0, output, failedFiles });
    });
  });
}

const { values, positionals } = parseArgs({
  options: { minutes: { type: "string" }, runs: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } },
  allowPositionals: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const minutes = positive("minutes", values.minutes, 2);
const factor = positive("runs", values.runs, 5);
if (values.seed !== undefined && !Number.isSafeInteger(Number(values.seed))) fail(`--seed must be an integer, got ${JSON.stringify(values.seed)}`);
const files = positionals.length > 0 ? positionals : propertyFiles();
if (files.length === 0) fail("no test files use fast-check");

const deadline = Date.now() + minutes * 60_000;
console.log(`fuzz: ${files.length} file${files.length === 1 ? "" : "s"}, each property ×${factor} runs, ${values.seed === undefined ? `fresh seeds for ${minutes} min` : `seed ${values.seed}`}`);
console.log(`      ${files.join(" ")}`);
for (let n = 1; ; n++) {
  // fast-check seeds are 32-bit integers.
  const seed = values.seed === undefined ? randomInt(2 ** 31) : Number(values.seed);
  const started = Date.now();
  process.stdout.write(`round ${n}: NABLA_FUZZ_SEED=${seed} … `);
  const r = await round(files, seed, factor);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!r.passed) {
    console.log(`FAILED (${seconds} s)\n`);
    console.log(r.output.trimEnd());
    const where = r.failedFiles.length > 0 ? r.failedFiles : files;
    console.log(`\nfuzz: a property failed with NABLA_FUZZ_SEED=${seed} NABLA_FUZZ_RUNS=${factor}; reproduce it with`);
    console.log(`  NABLA_FUZZ_SEED=${seed} NABLA_FUZZ_RUNS=${factor} npx vitest run ${where.join(" ")}`);
    process.exit(1);
  }
  console.log(`passed (${seconds} s)`);
  if (values.seed !== undefined || Date.now() >= deadline) {
    console.log(`fuzz: ${n} round${n === 1 ? "" : "s"}, no failure`);
    break;
  }
}
