// Random junk fed to every command, in process: each run must end in a correct result
// (exit 0) or a refusal (exit 2) whose one line names what is wrong, never an internal
// error, a Node error class, a stack trace or a hang. With --json, stdout is JSON either way.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { METHODS } from "../../packages/nabla-cli/src/minimize.js";
import { RUN_FACTOR, runs } from "../setup.js";
import { inProcess, LEAK } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "nabla-junk-"));
const aFile = join(tmp, "a-file.txt");
writeFileSync(aFile, "not a directory");
mkdirSync(join(tmp, "dir.svg"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const garbage = fc.string({ maxLength: 12 });

/** Mostly sensible values (so that runs get through to the work), some that only nearly are. */
const mostly = (good: readonly string[], bad: readonly string[], goodWeight = 3) =>
  fc.oneof({ weight: goodWeight, arbitrary: pick(good) }, { weight: 1, arbitrary: fc.oneof(pick(bad), garbage) });
const NUMBER = mostly(["0.5", "1e-3", "2", ".5", "+4", " 7 ", "1e3", "0.01"], ["", " ", "0", "-1", "0x10", "0b1", "1e400", "Infinity", "NaN", "1_0", "abc", "5.", "-0"]);
const COUNT = mostly(["0", "1", "3", "20", "5e1", " 5", "100"], ["", "-1", "2.5", "0x10", "1e400", "abc", "1e20", "Infinity"]);
const POINT = mostly(["1,2", "x=1,y=2", "y=2,x=1", "-1,-2", "0.5,pi/4", "1e-3,1e3", "0,0", "sin(1),cos(1)"], ["1", "", ",", "1,", "x=", "=1", "1e999,2", "x=1,x=2", "0x10", "(", "1,2,3", "z=1", "x=1,2", "\u0000", "😀", "1e308*10,0"]);
const EXPRESSIONS = [
  "x^2 + y^2", "0.5*(x^2 + 10*y^2)", "(1-x)^2 + 100*(y-x^2)^2", "x*y", "sin(x)*cos(y)", "log(x) + y^2", "sqrt(x - y)", "exp(x^2)",
  "x/y", "abs(x) + abs(y)", "max(x, y, 1)", "x^3 - 3*x + y^2", "1/(x^2 + y^2)", "log(-x^2-y^2)", "x + 1e308*y^2", "0*x + y", "-x^2 - y^2", "x^4 + y^2",
];
const TOKENS = ["x", "y", "z", "1", "2.5", "e", "pi", "+", "-", "*", "/", "^", "(", ")", ",", " ", "sin(", "log(", "max(", "!", "[", "'", "=", ".", "1e", "1e999", "**", "π", "😀", "\n"];
const expression = fc.oneof(
  { weight: 5, arbitrary: pick(EXPRESSIONS) },
  { weight: 1, arbitrary: pick(["2", "x", "pi*e"]) },
  { weight: 1, arbitrary: fc.array(pick(TOKENS), { minLength: 1, maxLength: 10 }).map((t) => t.join("")) },
  { weight: 1, arbitrary: garbage },
);

/** `--name value`, present `present` times in `absent + present`. */
const option = (name: string, values: fc.Arbitrary<string>, absent = 2, present = 1) =>
  fc.oneof({ weight: absent, arbitrary: fc.constant<string[]>([]) }, { weight: present, arbitrary: values.map((v) => [`--${name}`, v]) });
const flag = (name: string, absent = 3) => fc.oneof({ weight: absent, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.constant([name]) });
const COMMON = [
  option("vars", mostly(["x,y", "y,x"], ["x", "", "x,x", "1x", "sin", "pi", "a b", "x,y,z", "x,,y"]), 4),
  flag("--json"),
  option("bogus", garbage, 12),
];
/** The point every command needs, given nearly always. */
const point = (name: string) => option(name, POINT, 1, 12);
const OPTIONS: Record<string, fc.Arbitrary<string[]>[]> = {
  eval: [point("at")],
  grad: [point("at"), option("dir", mostly(["1,0", "3,4", "x=1,y=0", "-1,1"], ["0,0", "0", "1e999,0", "1e-320,0"]))],
  hessian: [point("at")],
  taylor: [point("at"), option("order", mostly(["1", "2"], ["3", "", "1.0", " 2", "two"])), option("eval-at", POINT)],
  minimize: [
    point("from"),
    // Each option is junk less often here than elsewhere: a run needs all of them right.
    option("method", mostly(METHODS, ["", "sgd", "GD", "gd ", "gd,bfgs"], 10), 1),
    option("compare", mostly(["gd,newton", "lbfgs", "adam,momentum,nesterov", "cg,trust-ncg"], ["gd,gd", "", ",", "gd,,bfgs", "x"], 10), 6),
    option("lr", mostly(["0.5", "1e-3", ".5", "+4", " 7 ", "0.01", "1e-9"], ["", "0", "-1", "0x10", "1e400", "Infinity", "1_0"], 10)),
    // Small budgets keep a property run short; the default budget runs often enough.
    option("max-iter", mostly(["0", "1", "3", "20", "5e1", " 5", "100"], ["", "-1", "2.5", "0x10", "1e400", "1e20"], 10), 1, 2),
    option("gtol", mostly(["1e-3", "0.5", "1e-12"], ["0", "-1", "NaN", ""], 10), 4),
    option("every", mostly(["1", "2", "7", "1e1"], ["0", "-1", "0x2", ""], 10), 4),
    option("plot", mostly([join(tmp, "p.svg"), join(tmp, "p.png")], [join(tmp, "missing", "p.svg"), "p.pdf", "", join(tmp, "dir.svg"), aFile]), 8),
  ],
};

/** argv for `command`: the expression somewhere among its options (some of them junk). */
function argv(command: string): fc.Arbitrary<string[]> {
  const pieces = fc.tuple(...OPTIONS[command]!, ...COMMON).chain((opts) => fc.shuffledSubarray(opts, { minLength: opts.length }));
  return fc.tuple(expression, pieces, fc.nat(8), fc.boolean()).map(([expr, opts, at, dashes]) => {
    const flat = opts.flat();
    // An expression after "--" may start with "-"; before options it must not be mistaken for one.
    return dashes ? [command, ...flat, "--", expr] : [command, ...flat.slice(0, 2 * at), expr, ...flat.slice(2 * at)];
  });
}

/** The property: exit 0 with output, or exit 2 with one line (or a caret block) naming the problem. */
/** Runs that got through to a result, per command: the property must not be all refusals. */
const done: Record<string, number> = {};
async function check(args: string[]): Promise<void> {
  const r = await inProcess(args);
  if (r.code === 0) done[args[0]!] = (done[args[0]!] ?? 0) + 1;
  const shown = `${JSON.stringify(args)} → ${r.code}\n${r.stderr}`;
  expect([0, 2], shown).toContain(r.code);
  expect(r.stderr, shown).not.toMatch(LEAK);
  expect(r.stdout, shown).not.toMatch(LEAK);
  const json = args.slice(0, args.indexOf("--") < 0 ? undefined : args.indexOf("--")).includes("--json");
  if (r.code === 0) {
    expect(r.stdout.length, shown).toBeGreaterThan(0);
    if (json && !args.includes("--help") && !args.includes("-h")) expect(() => JSON.parse(r.stdout), shown).not.toThrow();
    return;
  }
  const lines = r.stderr.trimEnd().split("\n");
  expect([1, 3], shown).toContain(lines.length);
  // It names what is wrong: an option, a place in some text, the command, or the expression.
  expect(lines[0], shown).toMatch(/^nabla: .*(--[\w-]+|\(column \d+\)|command|tour|eval|grad|hessian|taylor|minimize|expression)/);
  if (lines.length === 3) expect(lines[2], shown).toMatch(/^ +\^$/);
  for (const line of lines) expect(line.length, shown).toBeLessThanOrEqual(400);
  if (json) expect(JSON.parse(r.stdout), shown).toMatchObject({ error: expect.any(String), exitCode: 2 });
}

describe("junk fed to every command: a result or a refusal that names the problem", () => {
  for (const [command, n] of [["eval", 150], ["grad", 150], ["hessian", 150], ["taylor", 150], ["minimize", 200]] as const) {
    it(command, async () => {
      await fc.assert(fc.asyncProperty(argv(command), check), { numRuns: runs(n) });
      expect(done[command] ?? 0).toBeGreaterThan(runs(n) / 5);
    }, 120000 * RUN_FACTOR);
  }

  it("tour, help, version and unknown commands", async () => {
    const dirs = pick([aFile, join(aFile, "sub"), "/proc/nabla-cannot-be-here", "", "/dev/null"]);
    const args = fc.oneof(
      fc.tuple(dirs, fc.array(fc.oneof(dirs, pick(["--json", "--help", "-h", "--bogus"])), { maxLength: 2 })).map(([d, rest]) => ["tour", d, ...rest]),
      fc.tuple(pick(["help", "--help", "-h", "--version", "frobnicate", "", "-x", "--json", "Eval", "eval2"]), fc.array(garbage, { maxLength: 2 })).map(([c, rest]) => [c, ...rest]),
    );
    await fc.assert(fc.asyncProperty(args, check), { numRuns: runs(80) });
  }, 60000 * RUN_FACTOR);
});
