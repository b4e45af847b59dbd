// The entry of the nabla command: dispatch a subcommand, print its text or JSON, and turn
// bad input into exit code 2 with one line of reason (and a caret under the mistake).
import { readFileSync } from "node:fs";
import { clip, parseCommandLine, parseVarNames, quote, UsageError, type OptionSpec } from "./args.js";
import { evalCommand, gradCommand, hessianCommand, taylorCommand, terminalProgress, type Context, type Output } from "./commands.js";
import { CONSTANT_NAMES, FUNCTION_NAMES, parseExpr } from "./expr.js";
import { processIo, type Io } from "./io.js";
import { criticalCommand } from "./critical.js";
import { integrateCommand } from "./integrate.js";
import { minimizeCommand } from "./minimize.js";
import { PATH_NUMBERS, PATH_POINTS } from "./optimize.js";
import { workerOptimizer } from "./worker.js";

export type { Io } from "./io.js";

interface Command {
  usage: string;
  summary: string;
  options: Record<string, OptionSpec & { help: string }>;
  run(ctx: Context): Output | Promise<Output>;
}

const at = { type: "string", help: "the point: x=1,y=2, or 1,2 in variable order; values may be constant expressions (x=pi/4)" } as const;
const COMMON: Record<string, OptionSpec & { help: string }> = {
  json: { type: "boolean", help: "print a JSON record instead of text (non-finite numbers as strings)" },
  vars: { type: "string", help: "the variables' order, e.g. y,x (default: order of first appearance); other names are errors" },
  help: { type: "boolean", short: "h", help: "this help" },
};

const COMMANDS: Record<string, Command> = {
  eval: { usage: "eval EXPR --at x=1,y=2", summary: "the value of f", options: { at }, run: evalCommand },
  grad: {
    usage: "grad EXPR --at … [--dir u1,u2]",
    summary: "gradient, its norm, the steepest-ascent direction; with --dir the directional derivative",
    options: { at, dir: { type: "string", help: "a direction (normalized to unit length), same forms as --at" } },
    run: gradCommand,
  },
  hessian: {
    usage: "hessian EXPR --at … [--tol t]",
    summary: "Hessian, eigenvalues, condition number, and the kind of critical point",
    options: {
      at,
      tol: { type: "string", help: "relative tolerance (default 1e-8): ‖∇f‖ ≤ t·‖H‖·‖x‖ counts as zero, and so does |λ| ≤ t·max|λ|" },
    },
    run: hessianCommand,
  },
  taylor: {
    usage: "taylor EXPR --at … [--order 1|2] [--eval-at …]",
    summary: "the Taylor model's coefficients, its value and error at a nearby point",
    options: {
      at,
      order: { type: "string", help: "1 or 2 (default 2)" },
      "eval-at": { type: "string", help: "where to compare model and f (default: every coordinate of --at + 0.1)" },
    },
    run: taylorCommand,
  },
  minimize: {
    usage: "minimize EXPR --from … [--method M | --compare M1,M2,…] [--bounds x=lo:hi,…] [--subject-to \"g<=h; …\"] [--lr η] [--max-iter N] [--plot out.svg]",
    summary: "run an optimizer: iteration table and result; --compare runs several side by side",
    options: {
      from: { ...at, help: "the starting point, same forms as --at" },
      method: {
        type: "string",
        help: "gd momentum nesterov adam newton bfgs lbfgs lbfgsb cg newton-cg trust-ncg slsqp augmented-lagrangian interior-point (default lbfgs; lbfgsb with --bounds; slsqp with --subject-to)",
      },
      bounds: { type: "string", help: "a box for lbfgsb, trust-ncg and the constrained methods: x=0:1,y=-inf:2 (an empty side or ±inf is unbounded; unnamed variables are free)" },
      "subject-to": {
        type: "string",
        help: 'constraints for slsqp, augmented-lagrangian, interior-point: comparisons (<=, >=, =) of expressions in the variables, separated by ";", e.g. "x^2+y^2<=1; x=2*y"',
      },
      compare: { type: "string", help: "several methods from the same start, e.g. gd,newton,lbfgs" },
      lr: { type: "string", help: "step size (first-order methods) or first trial step (line searches)" },
      "max-iter": { type: "string", help: "iteration budget (default 10000 first-order, 1000 otherwise); Ctrl-C stops a run and prints the result so far" },
      gtol: { type: "string", help: "stop when ‖∇f‖∞ ≤ gtol (default 1e-5)" },
      every: {
        type: "string",
        help:
          `show every k-th iteration (default: about 25 rows). Memory stays flat however long the run: it keeps at most ${PATH_POINTS} iterates ` +
          `(fewer with over ${PATH_NUMBERS / PATH_POINTS} variables) for the table, the plot and --json, evenly thinned (every 2^j-th, and the last), and rows fall on kept iterates`,
      },
      plot: { type: "string", help: "write a plot (.svg or .png): contours and paths for 2 variables, convergence for any" },
    },
    run: minimizeCommand,
  },
  critical: {
    usage: "critical EXPR --box x=-5:5,y=-5:5 [--starts N] [--seed S] [--plot out.svg]",
    summary: "every critical point found in a box (multi-start Newton): kind, value, Hessian eigenvalues; --plot marks them on the contour map",
    options: {
      box: { type: "string", help: "where to search: x=-5:5,y=-2:2, or -5:5,-2:2 in variable order, or one range -5:5 for every variable; bounds may be constant expressions (x=-pi:pi)" },
      starts: { type: "string", help: "how many Newton starts, uniform in the box (default 50 per variable)" },
      seed: { type: "string", help: "the seed of the starts (default 0): the same seed, the same points" },
      plot: { type: "string", help: "write a plot (.svg or .png): the points by kind on the contour map (2 variables) or the graph of f (1)" },
    },
    run: criticalCommand,
  },
  integrate: {
    usage: "integrate EXPR --over x=0:1[,y=-inf:inf] [--epsabs e] [--epsrel r] [--limit n]",
    summary: "the integral over a box by adaptive Gauss–Kronrod quadrature: value, error estimate, evaluations",
    options: {
      over: { type: "string", help: "the range of each variable: x=0:1,y=-inf:inf, or 0:1,0:2 in variable order, or one range for every variable; bounds may be constant expressions (pi) or ±inf" },
      epsabs: { type: "string", help: "absolute error tolerance (default 1.49e-8, as scipy)" },
      epsrel: { type: "string", help: "relative error tolerance (default 1.49e-8)" },
      limit: { type: "string", help: "most subintervals per variable (default 50)" },
    },
    run: integrateCommand,
  },
};

const TOUR_USAGE = "tour [DIR]";
const TOUR_SUMMARY = "a guided tour with plots written to DIR (default ./nabla-tour)";

function version(): string {
  try {
    // src/ and dist/ both sit one level below package.json.
    return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function generalHelp(): string {
  const lines = [
    "nabla: calculus on math expressions, from the command line",
    "",
    "usage: nabla COMMAND EXPR [options]",
    "",
    "commands:",
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
    `  ${TOUR_USAGE}\n      ${TOUR_SUMMARY}`,
    "",
    "options of every command:",
    ...Object.entries(COMMON).map(([name, o]) => `  ${o.short ? `-${o.short}, ` : ""}--${name}  ${o.help}`),
    "",
    "expressions: numbers (2, 0.5, 1e-3), variables (any other name), + - * / ^, parentheses.",
    "  ^ is right-associative and binds tighter than a leading minus: -x^2 = -(x^2), 2^-x = 2^(-x).",
    `  functions: ${FUNCTION_NAMES.join(" ")}`,
    `  constants: ${CONSTANT_NAMES.join(" ")}`,
    "  quote the expression for the shell; one starting with '-' may follow '--'.",
    "",
    'example: nabla grad "0.5*(x^2 + 10*y^2)" --at x=1,y=1',
    "exit status: 0 done, 2 bad input (reason and a caret on stderr), 1 an internal error or output that",
    "  could not be written, 130 a minimize run stopped by Ctrl-C (its result so far is printed).",
    '  With --json a failure is also a JSON object on stdout: {"error": …, "exitCode": …}.',
  ];
  return lines.join("\n");
}

function commandHelp(name: string, c: Command): string {
  const options = { ...c.options, ...COMMON };
  const width = Object.keys(options).reduce((w, n) => Math.max(w, n.length), 0) + 4;
  return [
    `usage: nabla ${c.usage} [--json] [--vars x,y]`,
    "",
    c.summary,
    "",
    ...Object.entries(options).map(([n, o]) => `  ${`--${n}`.padEnd(width)}${o.help}`),
  ].join("\n");
}

/** The longest reason printed: a message is one line, however long the input it comes from. */
const MAX_REASON = 300;

/** Replaces control characters (newlines, tabs…) by spaces, keeping every index in place. */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ");

/** The 1-based column of a position in some text, in code points: a caret lands under π or an emoji, not beside it. */
const columnOf = (where: { source: string; index: number }) => [...where.source.slice(0, where.index)].length + 1;

/**
 * A UsageError as printed: "nabla: reason" and, when it points into some text, that text
 * (windowed if long) with a caret under the position.
 *
 * @example
 * formatError(new UsageError('unknown name "z"', { source: "x + z", index: 4 }));
 * // nabla: unknown name "z" (column 5)
 * //   x + z
 * //       ^
 */
export function formatError(e: UsageError): string {
  // Messages quote at most a little of the input (see quote); this bounds any other echo.
  const reason = printable(clip(e.message, MAX_REASON));
  if (!e.where) return `nabla: ${reason}`;
  const chars = [...printable(e.where.source)];
  const col = columnOf(e.where) - 1;
  const from = Math.max(0, Math.min(col - 40, chars.length - 80));
  const to = Math.min(chars.length, from + 80);
  const shown = (from > 0 ? "…" : "") + chars.slice(from, to).join("") + (to < chars.length ? "…" : "");
  const caret = " ".repeat(col - from + (from > 0 ? 1 : 0)) + "^";
  return `nabla: ${reason} (column ${col + 1})\n  ${shown}\n  ${caret}`;
}

async function runTour(positionals: string[], io: Io): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`tour takes at most one directory, got ${positionals.length} arguments`);
  if (positionals[0] === "") throw new UsageError("tour: the directory is an empty string; leave it out for ./nabla-tour");
  // Loaded only when asked for: the tour pulls in the plotting stack.
  const { tour } = await import("./tour.js");
  const text = await tour(positionals[0] ?? "./nabla-tour");
  if (text) io.out(text);
  return 0;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(`${generalHelp()}\n`);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(`${generalHelp()}\n`);
    return 0;
  }
  if (name === "--version") {
    io.out(`${version()}\n`);
    return 0;
  }
  if (name === "tour") {
    const { values, positionals } = parseCommandLine(rest, { help: COMMON.help! });
    if (values.help) {
      io.out(`usage: nabla ${TOUR_USAGE}\n\n${TOUR_SUMMARY}\n`);
      return 0;
    }
    return runTour(positionals, io);
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command ${quote(name)} (commands: ${[...Object.keys(COMMANDS), "tour"].join(", ")}; see nabla --help)`);
  const { values, positionals } = parseCommandLine(rest, { ...command.options, ...COMMON });
  if (values.help) {
    io.out(`${commandHelp(name, command)}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`${name} needs an expression, e.g. nabla ${command.usage.replace("EXPR", '"x^2 + y^2"')}`);
  if (positionals.length > 1) {
    const words = positionals.slice(0, 4).map((p) => quote(p, 30)).join(" ") + (positionals.length > 4 ? " …" : "");
    throw new UsageError(`expected one expression, got ${positionals.length} arguments (${words}); quote it: "${clip(positionals.join(" "), 60)}"`);
  }
  const vars = typeof values.vars === "string" ? parseVarNames(values.vars) : undefined;
  const expr = parseExpr(positionals[0]!, vars ? { vars } : {});
  const json = values.json === true;
  const progress = io.tty && !json && process.stderr.isTTY ? terminalProgress(process.stderr) : undefined;
  // Runs that Ctrl-C can stop go to a worker thread (see worker.ts); the first Ctrl-C clears the bar.
  const optimizer = io.interruptible ? workerOptimizer(() => progress?.done()) : undefined;
  const output: Output = await command.run({ expr, values, ...(progress ? { progress } : {}), ...(optimizer ? { optimizer } : {}) });
  const { problem } = output;
  io.out(json ? `${toJson(problem ? { ...output.json, error: problem.error, exitCode: problem.exitCode } : output.json)}\n` : `${output.text}\n`);
  if (problem) io.err(`nabla: ${printable(problem.error)}\n`);
  return problem?.exitCode ?? 0;
}

/**
 * Whether argv asks for JSON, read before (and whatever) parsing fails: --json among the
 * arguments before a "--".
 */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** JSON has no NaN or ±Infinity: they are written as the strings "NaN", "Infinity", "-Infinity". */
function finite(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Indented JSON with arrays of numbers (vectors, matrix rows) kept on one line.
 *
 * @example
 * toJson({ grad: [1, 10], cond: Infinity }); // '{\n  "grad": [1, 10],\n  "cond": "Infinity"\n}'
 */
export function toJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => JSON.stringify(v, finite) ?? "null").join(", ")}]`;
    return `[\n${value.map((v) => inner + toJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value, finite);
}

/**
 * Runs the nabla command on argv (without "node" and the script) and returns the exit
 * code: 0 done, 2 bad input (reason, expression and caret on stderr), 1 a bug or output
 * that could not be written (one line; the stack only with NABLA_DEBUG=1), 130 a
 * minimize run stopped by Ctrl-C. With --json a failure is also a JSON object on stdout,
 * `{ "error": reason, "exitCode": code }` (and "column" when the reason points into text).
 *
 * @example
 * process.exitCode = await main(["eval", "x^2", "--at", "x=3"]); // prints "value  9"
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const fail = (exitCode: number, lines: string, error: string, column?: number): number => {
    if (wantsJson(argv)) io.out(`${toJson({ error, ...(column !== undefined ? { column } : {}), exitCode })}\n`);
    io.err(`${lines}\n`);
    return exitCode;
  };
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      return fail(2, formatError(e), printable(clip(e.message, MAX_REASON)), e.where ? columnOf(e.where) : undefined);
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const reason = `internal error: ${printable(clip(err.message, MAX_REASON))}`;
    const code = fail(1, `nabla: ${reason}`, reason);
    if (process.env.NABLA_DEBUG === "1" && err.stack) io.err(`${err.stack}\n`);
    return code;
  }
}
