// `nabla minimize`: one optimizer run with its iteration table and result, or several
// side by side (--compare), and the plot. Every option is read before the first run (a
// typo must not cost a long run), and a finished run is printed even when its plot fails.
import { access, constants, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { MinimizeMethod } from "nabla";
import { parseCount, parsePositive, quote, UsageError } from "./args.js";
import { block, head, named, needVariables, num, pointOption, short, signature, table, type Context, type Output } from "./commands.js";
import { constraintFunctions, parseConstraints, type ConstraintText } from "./constraints.js";
import { evalConstant } from "./expr.js";
import { maxOf } from "./numbers.js";
import { inThread, type MinimizeJob, type RunRecord } from "./optimize.js";

export const METHODS = [
  "gd", "momentum", "nesterov", "adam", "newton", "bfgs", "lbfgs", "lbfgsb", "cg", "newton-cg", "trust-ncg", "slsqp", "augmented-lagrangian", "interior-point",
] as const satisfies readonly MinimizeMethod[];

/** The methods that take --subject-to; they and lbfgsb, trust-ncg take --bounds. */
const CONSTRAINED: readonly MinimizeMethod[] = ["slsqp", "augmented-lagrangian", "interior-point"];
const BOXED: readonly MinimizeMethod[] = ["lbfgsb", "trust-ncg", ...CONSTRAINED];

const FIRST_ORDER: readonly string[] = ["gd", "momentum", "nesterov", "adam"];

function methodName(text: string, option: string): MinimizeMethod {
  const m = text.trim();
  if (!(METHODS as readonly string[]).includes(m)) throw new UsageError(`${option}: unknown method ${quote(m)} (methods: ${METHODS.join(", ")})`);
  return m as MinimizeMethod;
}

function methodsOf(ctx: Context, bounded: boolean, constrained: boolean): MinimizeMethod[] {
  const compare = ctx.values.compare;
  // As scipy's minimize: with constraints and no method, SLSQP; with bounds alone, L-BFGS-B.
  const fallback = constrained ? "slsqp" : bounded ? "lbfgsb" : "lbfgs";
  if (typeof compare !== "string") return [methodName((ctx.values.method as string | undefined) ?? fallback, "--method")];
  if (ctx.values.method !== undefined) throw new UsageError("use either --method or --compare, not both");
  const methods = compare.split(",").map((m) => methodName(m, "--compare"));
  const twice = methods.find((m, i) => methods.indexOf(m) !== i);
  if (twice) throw new UsageError(`--compare: ${twice} is given twice`);
  return methods;
}

/**
 * `--bounds x=0:1,y=-inf:2`: [lo, hi] for each variable in order; a side left empty or
 * written ±inf is unbounded, and a variable not named is free.
 */
function boundsOption(ctx: Context): [number[], number[]] | undefined {
  const text = ctx.values.bounds;
  if (typeof text !== "string") return undefined;
  const { vars } = ctx.expr;
  const [lo, hi] = [vars.map(() => -Infinity), vars.map(() => Infinity)];
  const fail = (reason: string, index: number): never => {
    throw new UsageError(`--bounds: ${reason}`, { source: text, index });
  };
  const side = (part: string, at: number, unbounded: number): number => {
    const t = part.trim();
    if (t === "") return unbounded;
    if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
    try {
      return evalConstant(t);
    } catch (e) {
      return e instanceof UsageError ? fail(e.message, at) : fail(String(e), at);
    }
  };
  const seen = new Set<string>();
  let at = 0;
  for (const part of text.split(",")) {
    const m = /^(\s*([^=\s]+)\s*=)([^:]*):(.*)$/.exec(part);
    if (!m) fail(`expected name=lo:hi (as x=0:1 or y=-inf:2), got ${quote(part.trim())}`, at);
    const [, lead, name, a, b] = m as unknown as [string, string, string, string, string];
    const i = vars.indexOf(name);
    if (i < 0) fail(`${quote(name)} is not a variable of the expression (variables: ${vars.join(", ")})`, at + part.indexOf(name));
    if (seen.has(name)) fail(`${quote(name)} is given twice`, at + part.indexOf(name));
    seen.add(name);
    lo[i] = side(a, at + lead.length, -Infinity);
    hi[i] = side(b, at + lead.length + a.length + 1, Infinity);
    if (!(lo[i]! <= hi[i]!)) fail(`${name}'s lower bound ${lo[i]} is above its upper bound ${hi[i]}`, at);
    at += part.length + 1;
  }
  return [lo, hi];
}

/** A constrained run's multipliers (one per constraint, scipy's signs) and KKT residuals. */
function constrainedRows(r: RunRecord, constraints: readonly ConstraintText[] | undefined): [string, string][] {
  if (!r.multipliers || !r.kkt || !constraints) return [];
  const { stationarity, feasibility, complementarity } = r.kkt;
  return [
    ["multipliers", r.multipliers.map((l, i) => `λ${i + 1} = ${num(l)} (${constraints[i]!.lhs.trim()} ${constraints[i]!.relation} ${constraints[i]!.rhs.trim()})`).join(", ")],
    ["KKT residuals", `stationarity ${short(stationarity)}, feasibility ${short(feasibility)}, complementarity ${short(complementarity)}`],
  ];
}

/** Iteration rows shown at most before thinning to every k-th. */
const MAX_ROWS = 25;

/** 1, 2, 5, 10, 20, 50, …: the smallest such step that keeps about MAX_ROWS rows. */
function niceEvery(nit: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (nit / (m * p) <= MAX_ROWS - 2) return m * p;
}

/** The plot's file, checked before any run: a .svg or .png in a directory we can write. */
export async function checkPlotFile(file: string): Promise<string> {
  if (!/\.(svg|png)$/i.test(file)) throw new UsageError(`--plot: the file must end in .svg or .png, got ${quote(file)}`, { source: file, index: file.length });
  try {
    await access(dirname(file), constants.W_OK);
  } catch (e) {
    throw new UsageError(`--plot: cannot write ${quote(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if ((await stat(file).catch(() => undefined))?.isDirectory()) throw new UsageError(`--plot: ${quote(file)} is a directory`);
  return file;
}

async function runMethod(ctx: Context, job: MinimizeJob, label: string): Promise<RunRecord> {
  const optimizer = ctx.optimizer ?? inThread;
  // minimize's default budgets (see MinimizeOptions.maxIter), for the bar's scale.
  const budget = Math.max(1, job.maxIter ?? (FIRST_ORDER.includes(job.method) ? 10000 : 1000));
  const progress = ctx.progress ? (nit: number, fun: number) => ctx.progress!.update(nit / budget, `${label} k = ${nit}  f = ${num(fun)}`) : undefined;
  try {
    const record = await optimizer.run(job, ctx.expr.f, progress);
    if (record.status === "stopped" && optimizer.interrupted) record.message = `interrupted (Ctrl-C) at iteration ${record.nit}; x is that iterate`;
    return record;
  } catch (e) {
    // minimize rejects bad option combinations with "minimize: …": bad input, not a bug.
    const message = (e as Error).message;
    if (message.startsWith("minimize:")) throw new UsageError(message);
    throw e;
  } finally {
    ctx.progress?.done();
  }
}

const gradInf = (r: RunRecord) => maxOf(r.grad.map(Math.abs), 0);

function resultJson(r: RunRecord) {
  return {
    method: r.method,
    result: {
      x: r.x, fun: r.fun, grad: r.grad, nit: r.nit, nfev: r.nfev, ngev: r.ngev, nhev: r.nhev, status: r.status, success: r.success, message: r.message,
      ...(r.multipliers ? { multipliers: r.multipliers, kkt: r.kkt } : {}),
    },
    seconds: r.seconds,
    path: r.path.map((p) => ({ nit: p.nit, x: p.x, f: p.f, gradNorm: p.gradNorm })),
  };
}

/**
 * The iteration table: every `every`-th iteration and the last. A long run's path keeps
 * every s-th iterate (s = 2^j, see PATH_POINTS); then each row is the first kept iterate
 * at or after a multiple of `every`, and the note says so.
 */
function iterationTable(vars: readonly string[], r: RunRecord, everyOption: number | undefined): string {
  const path = r.path;
  const last = path[path.length - 1]?.nit ?? 0;
  const stride = path.length > 1 ? path[1]!.nit - path[0]!.nit : 1;
  const every = everyOption ?? (path.length <= MAX_ROWS && stride === 1 ? 1 : niceEvery(last));
  const shown = path.filter((p, i) => i === 0 || i === path.length - 1 || Math.floor(p.nit / every) > Math.floor(path[i - 1]!.nit / every));
  const rows = shown.map((p) => [String(p.nit), short(p.f), short(p.gradNorm), ...p.x.map(short)]);
  const exact = every % stride === 0;
  const note = !exact
    ? `\n(a row about every ${every} iterations, and the last: a run this long keeps one iterate in ${stride}, so each row is the first kept at or after a multiple of ${every})`
    : every > 1
      ? `\n(one row every ${every} iterations, and the last)`
      : "";
  // A constrained run's iterates carry the Lagrangian's stationarity, not ‖∇f‖∞.
  return table(["k", "f", r.kkt ? "‖∇ₓL‖∞" : "‖∇f‖∞", ...vars], rows) + note;
}

/** What the map draws besides f: the --subject-to constraints and the --bounds box. */
interface Feasible {
  subjectTo?: readonly ConstraintText[] | undefined;
  bounds?: [number[], number[]] | undefined;
}

/** Draws the runs (and the constraints) into `file`; the line to print, or the problem that kept it from being written. */
async function plotRuns(ctx: Context, runs: readonly RunRecord[], file: string, { subjectTo, bounds }: Feasible = {}): Promise<{ line: string } | { error: string }> {
  try {
    // Loaded only here: the plotting stack (Observable Plot, a DOM, resvg) is heavy.
    const { writePlot } = await import("./plot.js");
    const best = runs.filter((r) => r.success).sort((a, b) => a.fun - b.fun)[0];
    const { vars } = ctx.expr;
    const constraints = subjectTo
      ? constraintFunctions(subjectTo, vars).map((c, i) => ({ ...c, label: `${subjectTo[i]!.lhs.trim()} ${subjectTo[i]!.relation} ${subjectTo[i]!.rhs.trim()}` }))
      : undefined;
    const notes = await writePlot(file, {
      f: ctx.expr.f,
      vars,
      runs: runs.map((r) => ({ method: r.method, path: r.path.map((p) => p.x), fvals: r.path.map((p) => p.f), gradNorms: r.path.map((p) => p.gradNorm), nits: r.path.map((p) => p.nit) })),
      ...(best ? { xmin: best.x } : {}),
      ...(constraints ? { constraints } : {}),
      ...(bounds ? { bounds } : {}),
    });
    return { line: `plot written to ${file}${notes.map((n) => ` (${n})`).join("")}` };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === "string" && err.syscall !== undefined) return { error: `--plot: cannot write ${quote(file)}: ${err.code}` };
    return { error: `--plot: could not draw the plot: ${err.message ?? String(e)}` };
  }
}

/**
 * `nabla minimize EXPR --from … [--method m] [--bounds x=lo:hi,…] [--lr η] [--max-iter N]
 * [--gtol g] [--every k] [--plot out.svg] [--compare m1,m2,…]`: one run's iteration table (every k-th row for
 * long runs) and result record; or, with --compare, several methods from the same start
 * side by side. Ctrl-C (in the process) stops a run: what it reached is printed, status
 * "stopped", exit status 130, and methods not yet started are not run.
 *
 * @example
 * // nabla minimize "(1-x)^2 + 100*(y-x^2)^2" --from x=-1.2,y=1 --method newton
 */
export async function minimizeCommand(ctx: Context): Promise<Output> {
  needVariables(ctx, "minimize");
  const { vars, source } = ctx.expr;
  const x0 = pointOption(ctx, "from");
  const bounds = boundsOption(ctx);
  const subjectTo = typeof ctx.values["subject-to"] === "string" ? parseConstraints(ctx.values["subject-to"], vars) : undefined;
  const methods = methodsOf(ctx, bounds !== undefined, subjectTo !== undefined);
  const unboxed = methods.find((m) => !BOXED.includes(m));
  if (bounds && unboxed) throw new UsageError(`--bounds: the box applies to methods ${BOXED.join(", ")}, not ${unboxed}`);
  const unconstrained = methods.find((m) => !CONSTRAINED.includes(m));
  if (subjectTo && unconstrained) throw new UsageError(`--subject-to: constraints apply to methods ${CONSTRAINED.join(", ")}, not ${unconstrained}`);
  const lr = parsePositive(ctx.values.lr as string | undefined, "--lr");
  const maxIter = parseCount(ctx.values["max-iter"] as string | undefined, "--max-iter", 0);
  const gtol = parsePositive(ctx.values.gtol as string | undefined, "--gtol");
  const every = parseCount(ctx.values.every as string | undefined, "--every");
  const plotFile = typeof ctx.values.plot === "string" ? await checkPlotFile(ctx.values.plot) : undefined;

  const runs: RunRecord[] = [];
  const notRun: MinimizeMethod[] = [];
  for (const [i, method] of methods.entries()) {
    if (ctx.optimizer?.interrupted) {
      notRun.push(method);
      continue;
    }
    const job: MinimizeJob = { source, vars, method, x0, ...(bounds ? { bounds } : {}), ...(subjectTo ? { constraints: subjectTo } : {}), ...(lr !== undefined ? { lr } : {}), ...(maxIter !== undefined ? { maxIter } : {}), ...(gtol !== undefined ? { gtol } : {}) };
    runs.push(await runMethod(ctx, job, methods.length > 1 ? `${method} (${i + 1}/${methods.length})` : method));
  }
  const plot = plotFile ? await plotRuns(ctx, runs, plotFile, { subjectTo, bounds }) : undefined;
  const problem =
    plot && "error" in plot
      ? { exitCode: 1, error: plot.error }
      : ctx.optimizer?.interrupted
        ? { exitCode: 130, error: `interrupted (Ctrl-C)${notRun.length ? `; not run: ${notRun.join(", ")}` : ""}` }
        : undefined;
  const top: [string, string][] = [
    [signature(ctx.expr), source],
    ...(subjectTo ?? []).map((c, i): [string, string] => [i === 0 ? "subject to" : "", `${c.lhs.trim()} ${c.relation} ${c.rhs.trim()}`]),
    ["from", named(vars, x0)],
  ];
  const plotLine = plot && "line" in plot ? `\n${plot.line}` : "";
  const extra = { ...(plot && "line" in plot ? { plot: plotFile } : {}), ...(notRun.length ? { notRun } : {}) };
  const outcome = problem ? { problem } : {};

  if (methods.length === 1) {
    const r = runs[0]!;
    const summary = block([
      ["status", `${r.status} (${r.success ? "success" : "no success"}): ${r.message}`],
      ["x", named(vars, r.x)],
      ["f", num(r.fun)],
      ["‖∇f‖∞", num(gradInf(r))],
      ["evaluations", `nit ${r.nit}, nfev ${r.nfev}, ngev ${r.ngev}, nhev ${r.nhev}, ${num(Number(r.seconds.toFixed(3)))} s`],
      ...constrainedRows(r, subjectTo),
    ]);
    const text = `${block([...top, ["method", r.method]])}\n\n${iterationTable(vars, r, every)}\n\n${summary}${plotLine}`;
    return { text, json: { ...head(ctx, "minimize", x0, "from"), ...resultJson(r), ...extra }, ...outcome };
  }

  const rows = runs.map((r) => [
    r.method, r.status, String(r.nit), String(r.nfev), String(r.ngev), String(r.nhev), short(r.fun), short(gradInf(r)), `(${r.x.map(short).join(", ")})`, r.seconds.toFixed(3),
  ]);
  const notRunLine = notRun.length ? `\nnot run (interrupted): ${notRun.join(", ")}` : "";
  const text = `${block(top)}\n\n${table(["method", "status", "nit", "nfev", "ngev", "nhev", "f", "‖∇f‖∞", `(${vars.join(", ")})`, "s"], rows, 2)}${notRunLine}${plotLine}`;
  return { text, json: { ...head(ctx, "minimize", x0, "from"), runs: runs.map(resultJson), ...extra }, ...outcome };
}
