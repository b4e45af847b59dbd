// Command-line arguments of the nabla command: options through Node's util.parseArgs, and
// the points and directions (`--at x=1,y=2`, `--dir 1,0`) whose values are themselves
// small constant expressions (`--at x=pi/4`).
import { parseArgs } from "node:util";

/**
 * Bad input from the user: the command exits 2 with this one-line reason and, when the
 * mistake is inside some text (the expression, an option's value), that text with a
 * caret under `where.index`.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly where?: { source: string; index: number },
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** How much of a piece of input a message repeats: a message is one readable line, however long the input. */
const QUOTED_CHARS = 60;

/**
 * Input echoed in a message: JSON-quoted (so control characters cannot break the line)
 * and cut to `max` characters with an ellipsis.
 *
 * @example
 * quote("sgd");              // '"sgd"'
 * quote("x".repeat(1000));   // '"xxx…xxx" (1000 characters)'
 */
export function quote(text: string, max = QUOTED_CHARS): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(clip(text, max))} (${text.length} characters)`;
}

/**
 * `text` cut to about `max` characters, its start and end kept around an ellipsis.
 *
 * @example
 * clip("abcdefgh", 4); // "ab…gh"
 */
export function clip(text: string, max = QUOTED_CHARS): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}…${text.slice(-half)}`;
}

/** An option as util.parseArgs takes it. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
}

export interface CommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses argv against `options`. An argument that starts with a single "-" and is not a
 * known short option is taken as a positional, so `nabla eval -x^2 --at x=1` and
 * `--at -1,2` work: parseArgs alone would read them as option clusters.
 *
 * @example
 * parseCommandLine(["x^2", "--at", "-1"], { at: { type: "string" } });
 * // { values: { at: "-1" }, positionals: ["x^2"] }
 */
export function parseCommandLine(argv: readonly string[], options: Record<string, OptionSpec>): CommandLine {
  const shorts = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const opts: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      // A loop, not push(...rest): a spread of ~10⁵ arguments overflows the stack.
      for (const rest of argv.slice(i + 1)) positionals.push(rest);
      break;
    }
    const long = /^--([^=]+)(=.*)?$/s.exec(arg);
    const short = /^-([A-Za-z])$/.exec(arg);
    const name = long ? long[1]! : short ? shorts.get(short[1]!) : undefined;
    if (long && !Object.hasOwn(options, name!)) throw new UsageError(`unknown option --${clip(name!)} (see --help)`);
    if (name === undefined) {
      positionals.push(arg);
      continue;
    }
    if (options[name]!.type === "boolean") {
      opts.push(arg);
      continue;
    }
    if (long?.[2] !== undefined) {
      opts.push(arg);
      continue;
    }
    // A value may start with "-" (a negative number): glue it on so parseArgs takes it.
    if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
    opts.push(`--${name}=${argv[++i]}`);
  }
  try {
    const { values } = parseArgs({ args: opts, options, strict: true, allowPositionals: false });
    return { values: values as CommandLine["values"], positionals };
  } catch (e) {
    // parseArgs' messages are one line and name the option.
    throw new UsageError((e as Error).message);
  }
}

/** Splits "a,b(c,d),e" at the commas outside parentheses, keeping each part's offset. */
function splitTopLevel(text: string): { part: string; offset: number }[] {
  const parts: { part: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (i === text.length || (ch === "," && depth === 0)) {
      parts.push({ part: text.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  return parts;
}

/** Turns a constant expression ("2", "-1e-3", "pi/4") into a number, or throws a UsageError positioned in it. */
export type ConstantReader = (text: string) => number;

/**
 * Reads a point or direction for the variables `vars`: either named, `x=1,y=2` (any
 * order, each variable once), or positional, `1,2` (in `vars` order). Each value is a
 * constant expression, so `x=pi/2` works. Errors name the option and point into its text.
 *
 * @example
 * parsePoint("y=2,x=1", ["x", "y"], "--at", Number); // [1, 2]
 */
export function parsePoint(text: string, vars: readonly string[], option: string, readConstant: ConstantReader): number[] {
  const fail = (reason: string, index: number): never => {
    throw new UsageError(`${option}: ${reason}`, { source: text, index });
  };
  const parts = splitTopLevel(text);
  const named = parts.map(({ part }) => /^\s*([^=\s]+)\s*=/.exec(part));
  const value = (part: string, offset: number): number => {
    try {
      return readConstant(part);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return fail(e.message, offset + (e.where?.index ?? 0));
    }
  };
  if (named.every((m) => m === null)) {
    if (text.trim() === "" && vars.length === 0) return [];
    if (parts.length !== vars.length) {
      const want = vars.length === 0 ? "no values (the expression has no variables)" : `${vars.length} value${vars.length === 1 ? "" : "s"} (${vars.join(", ")})`;
      fail(`expected ${want}, got ${parts.length}`, 0);
    }
    return parts.map(({ part, offset }) => value(part, offset));
  }
  const out = new Map<string, number>();
  parts.forEach(({ part, offset }, i) => {
    const m = named[i];
    if (!m) return fail(`mix of named (x=1) and positional values; use one form`, offset);
    const name = m[1]!;
    const nameAt = offset + part.indexOf(name);
    if (!vars.includes(name)) fail(`${quote(name)} is not a variable of the expression (${vars.length ? `variables: ${vars.join(", ")}` : "it has none"})`, nameAt);
    if (out.has(name)) fail(`${quote(name)} is given twice`, nameAt);
    out.set(name, value(part.slice(m[0].length), offset + m[0].length));
  });
  const missing = vars.filter((v) => !out.has(v));
  if (missing.length > 0) fail(`no value for ${missing.join(", ")}`, text.length);
  return vars.map((v) => out.get(v)!);
}

/**
 * A decimal number as people write it (2, -0.5, .5, 1e-3, with spaces around), or NaN.
 * Stricter than Number(), which also takes "" (as 0), "0x10", "0b1", "Infinity" and "1_0"
 * is refused: the same numbers --at reads.
 */
function decimal(text: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : NaN;
}

/**
 * An integer option of at least `min` (written in decimal; 1e6 is fine), e.g. --max-iter;
 * undefined when not given.
 *
 * @example
 * parseCount("200", "--max-iter"); // 200
 */
export function parseCount(text: string | undefined, option: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const n = decimal(text);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${option}: expected an integer from ${min} to 2^53 − 1, got ${quote(text)}`, { source: text, index: 0 });
  }
  return n;
}

/**
 * A positive finite number option (decimal, e.g. 0.1 or 1e-3), e.g. --lr; undefined when not given.
 *
 * @example
 * parsePositive("1e-3", "--lr"); // 0.001
 */
export function parsePositive(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const v = decimal(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${option}: expected a positive number, got ${quote(text)}`, { source: text, index: 0 });
  return v;
}

/**
 * The names in `--vars x,y`: identifiers, each once.
 *
 * @example
 * parseVarNames("y, x"); // ["y", "x"]
 */
export function parseVarNames(text: string): string[] {
  const names: string[] = [];
  for (const { part, offset } of splitTopLevel(text)) {
    const name = part.trim();
    const at = offset + part.indexOf(name);
    if (!/^[A-Za-z_$\u0080-\uffff][\w$\u0080-\uffff]*$/.test(name)) throw new UsageError(`--vars: ${quote(name)} is not a variable name`, { source: text, index: at });
    if (names.includes(name)) throw new UsageError(`--vars: ${quote(name)} is given twice`, { source: text, index: at });
    names.push(name);
  }
  return names;
}
