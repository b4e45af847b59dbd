// The nabla subcommands. Each reads its options, computes with the public API only, and
// returns what to print twice: readable text, and a JSON record for scripts.
import {
  directionalDerivative, hessian, linalg, minimize, np, steepestDescentDirection, taylor, valueAndGrad,
  type Array as Tensor, type MinimizeMethod, type MinimizeResult,
} from "nabla";
import { parseCount, parsePoint, parsePositive, UsageError } from "./args.js";
import { evalConstant, type Expr } from "./expr.js";

/** What a command prints: `text` by default, `json` with --json. */
export interface Output {
  text: string;
  json: Record<string, unknown>;
}

/** Reports the progress of long work, e.g. as a bar on a terminal. */
export interface ProgressSink {
  update(fraction: number, note: string): void;
  done(): void;
}

/** What a command gets: the parsed expression, its option values, and a progress sink. */
export interface Context {
  expr: Expr;
  values: Record<string, string | boolean | undefined>;
  progress?: ProgressSink;
}

// ---------------------------------------------------------------- formatting

/** `digits` significant digits without trailing zeros; powers of ten for the very large or small. */
function sig(v: number, digits: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(digits)));
}

/** Ten significant digits: what people read (JSON keeps all 17). */
const num = (v: number): string => sig(v, 10);
const vec = (v: readonly number[]): string => `(${v.map(num).join(", ")})`;
const named = (vars: readonly string[], v: readonly number[]): string => vars.map((n, i) => `${n} = ${num(v[i]!)}`).join(", ");

/** Aligned label/value lines; a multi-line value continues under its first line. */
function block(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows
    .map(([label, value]) => value.split("\n").map((line, i) => (i === 0 ? label.padEnd(width) : " ".repeat(width)) + line).join("\n"))
    .join("\n");
}

/** A matrix as bracketed rows with right-aligned columns. */
function matrix(rows: readonly (readonly number[])[]): string {
  const cells = rows.map((r) => r.map(num));
  const widths = (cells[0] ?? []).map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  return cells.map((r) => `[ ${r.map((c, j) => c.padStart(widths[j]!)).join("  ")} ]`).join("\n");
}

/** Columns of text: the first `left` left-aligned, the rest right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], left = 0): string {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => (r[j] ?? "").length)));
  return all.map((r) => r.map((c, j) => (j < left ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ").trimEnd()).join("\n");
}

/** Seven significant digits: enough to watch a run converge, narrow enough for a table. */
const short = (v: number): string => sig(v, 7);

const signature = (e: Expr) => `f(${e.vars.join(", ")})`;
const vector = (a: Tensor): number[] => Array.from(a.toFloat64Array());
const rowsOf = (a: Tensor, n: number): number[][] => {
  const flat = vector(a);
  return Array.from({ length: n }, (_, i) => flat.slice(i * n, (i + 1) * n));
};

// ---------------------------------------------------------------- shared option reading

/** The point of option `name` (--at, --from, --eval-at), in the order of expr.vars. */
function pointOption(ctx: Context, name: string, fallback?: number[]): number[] {
  const text = ctx.values[name];
  const { vars } = ctx.expr;
  if (typeof text === "string") return parsePoint(text, vars, `--${name}`, evalConstant);
  if (fallback) return fallback;
  if (vars.length === 0) return [];
  throw new UsageError(`--${name} is required: give ${vars.map((v, i) => `${v}=${i + 1}`).join(",")} or ${vars.map((_, i) => i + 1).join(",")} (values for ${vars.join(", ")})`);
}

function needVariables(ctx: Context, what: string): void {
  if (ctx.expr.vars.length === 0) throw new UsageError(`${what} needs a variable, and the expression has none`, { source: ctx.expr.source, index: 0 });
}

const head = (ctx: Context, command: string, at: number[], atKey = "at") => ({
  command,
  expression: ctx.expr.source,
  vars: ctx.expr.vars,
  [atKey]: at,
});

// ---------------------------------------------------------------- eval, grad

/**
 * `nabla eval EXPR --at x=1,y=2`: the value.
 *
 * @example
 * // nabla eval "0.5*(x^2 + 10*y^2)" --at x=1,y=2   →   value 20.5
 */
export function evalCommand(ctx: Context): Output {
  const at = pointOption(ctx, "at");
  const value = ctx.expr.f(np.array(at, { dtype: "float64" })).item();
  const rows: [string, string][] = [[signature(ctx.expr), ctx.expr.source]];
  if (at.length > 0) rows.push(["at", named(ctx.expr.vars, at)]);
  rows.push(["value", num(value)]);
  return { text: block(rows), json: { ...head(ctx, "eval", at), value } };
}

/**
 * `nabla grad EXPR --at … [--dir u]`: the gradient, its norm, the steepest-ascent unit
 * direction ∇f/‖∇f‖ and, with --dir, the directional derivative along u/‖u‖.
 *
 * @example
 * // nabla grad "0.5*(x^2 + 10*y^2)" --at x=1,y=1   →   ∇f (1, 10), ‖∇f‖ √101
 */
export function gradCommand(ctx: Context): Output {
  needVariables(ctx, "grad");
  const { f, vars } = ctx.expr;
  const at = pointOption(ctx, "at");
  const x = np.array(at, { dtype: "float64" });
  const [v, g] = valueAndGrad(f)(x);
  const value = v.item();
  const grad = vector(g);
  // Math.hypot is scale-safe (as BLAS nrm2): a gradient of 1e-300 has norm 1e-300, not 0.
  const norm = Math.hypot(...grad);
  // At a critical point there is no steepest direction; say so instead of printing NaN.
  // A finite gradient whose norm overflows still has one.
  const finite = grad.every(Number.isFinite);
  const ascent = finite && norm > 0 ? vector(np.neg(steepestDescentDirection(f, x))) : null;
  const rows: [string, string][] = [
    [signature(ctx.expr), ctx.expr.source],
    ["at", named(vars, at)],
    ["value", num(value)],
    ["∇f", vec(grad)],
    ["‖∇f‖", num(norm)],
    ["ascent", ascent ? `${vec(ascent)}  (∇f/‖∇f‖, the steepest-ascent unit direction)` : finite ? "none: ∇f = 0, a critical point" : "none: ∇f is not finite"],
  ];
  const json: Record<string, unknown> = { ...head(ctx, "grad", at), value, grad, norm, ascent };
  if (typeof ctx.values.dir === "string") {
    const u = parsePoint(ctx.values.dir, vars, "--dir", evalConstant);
    const length = Math.hypot(...u);
    if (!(length > 0) || !Number.isFinite(length)) throw new UsageError(`--dir: the direction must be a non-zero finite vector`, { source: ctx.values.dir, index: 0 });
    const unit = u.map((ui) => ui / length);
    const derivative = directionalDerivative(f, x, np.array(unit, { dtype: "float64" })).item();
    rows.push(["D_u f", `${num(derivative)}  (∇f·u along the unit u = ${vec(unit)})`]);
    json.directional = { dir: u, unit, value: derivative };
  }
  return { text: block(rows), json };
}

// ---------------------------------------------------------------- hessian

/** The gradient counts as zero when ‖∇f‖₂ ≤ GRAD_TOL·max(1, |f|): rounding-level, relative to f. */
export const GRAD_TOL = 1e-8;
/** An eigenvalue counts as zero when |λ| ≤ EIG_TOL·max(1, max|λ|). */
export const EIG_TOL = 1e-8;

export type CriticalKind = "minimum" | "maximum" | "saddle" | "degenerate";

/**
 * The kind of critical point from the Hessian's eigenvalues: a minimum when all are
 * > tol, a maximum when all are < −tol, a saddle when there are both signs, degenerate
 * when some |λ| ≤ tol and the rest share a sign (the second-order test cannot tell).
 *
 * @example
 * classify([-2, 2], 1e-8); // "saddle"
 */
export function classify(eigenvalues: readonly number[], tol: number): CriticalKind {
  const pos = eigenvalues.some((l) => l > tol);
  const neg = eigenvalues.some((l) => l < -tol);
  if (pos && neg) return "saddle";
  if (eigenvalues.some((l) => Math.abs(l) <= tol)) return "degenerate";
  return pos ? "minimum" : "maximum";
}

/**
 * `nabla hessian EXPR --at …`: the Hessian, its eigenvalues (linalg.eigh), the condition
 * number max|λ|/min|λ| (Infinity when min|λ| = 0) and, where the gradient vanishes
 * (see GRAD_TOL), the kind of critical point (see classify, EIG_TOL).
 *
 * @example
 * // nabla hessian "x^2 - y^2" --at x=0,y=0   →   eigenvalues (−2, 2), a saddle
 */
export function hessianCommand(ctx: Context): Output {
  needVariables(ctx, "hessian");
  const { f, vars } = ctx.expr;
  const n = vars.length;
  const at = pointOption(ctx, "at");
  const x = np.array(at, { dtype: "float64" });
  const [v, g] = valueAndGrad(f)(x);
  const value = v.item();
  const grad = vector(g);
  const gradNorm = Math.hypot(...grad);
  const H = hessian(f)(x);
  const Hrows = rowsOf(H, n);
  const rows: [string, string][] = [
    [signature(ctx.expr), ctx.expr.source],
    ["at", named(vars, at)],
    ["value", num(value)],
    ["∇f", `${vec(grad)}  ‖∇f‖ = ${num(gradNorm)}`],
    ["Hessian", matrix(Hrows)],
  ];
  const json: Record<string, unknown> = { ...head(ctx, "hessian", at), value, grad, gradNorm, hessian: Hrows };
  if (!Hrows.flat().every(Number.isFinite) || !Number.isFinite(value)) {
    rows.push(["eigenvalues", "none: f or its Hessian is not finite here"]);
    Object.assign(json, { eigenvalues: null, eigenvectors: null, condition: null, critical: null, kind: null });
    return { text: block(rows), json };
  }
  const [w, V] = linalg.eigh(H);
  const eigenvalues = vector(w);
  const Vrows = rowsOf(V, n);
  const eigenvectors = eigenvalues.map((_, j) => Vrows.map((r) => r[j]!));
  const abs = eigenvalues.map(Math.abs);
  const [lo, hi] = [Math.min(...abs), Math.max(...abs)];
  const condition = lo === 0 ? Infinity : hi / lo;
  const gradTol = GRAD_TOL * Math.max(1, Math.abs(value));
  const eigTol = EIG_TOL * Math.max(1, hi);
  const critical = gradNorm <= gradTol;
  const kind = critical ? classify(eigenvalues, eigTol) : null;
  rows.push(
    ["eigenvalues", vec(eigenvalues)],
    ["condition", `${num(condition)}  (max|λ|/min|λ|)`],
    [
      "critical",
      critical
        ? `yes, a ${kind}  (‖∇f‖ ≤ ${num(gradTol)}; eigenvalues within ±${num(eigTol)} count as zero)`
        : `no: not a critical point (‖∇f‖ = ${num(gradNorm)} > ${num(gradTol)})`,
    ],
  );
  Object.assign(json, { eigenvalues, eigenvectors, condition, critical, kind, tolerances: { grad: gradTol, eigenvalue: eigTol } });
  return { text: block(rows), json };
}

// ---------------------------------------------------------------- taylor

/** The default nearby point for `taylor`: each coordinate moved by this much. */
export const TAYLOR_STEP = 0.1;

/**
 * `nabla taylor EXPR --at … --order 1|2 [--eval-at …]`: the model's coefficients
 * f(x0), ∇f(x0) (and H(x0)), and at a nearby point (default x0 + 0.1 in every
 * coordinate) the model's value, f's value and the error f − T.
 *
 * @example
 * // nabla taylor "exp(x)" --at x=0 --order 2 --eval-at x=0.1   →   T 1.105, error e^0.1 − 1.105
 */
export function taylorCommand(ctx: Context): Output {
  needVariables(ctx, "taylor");
  const { f, vars } = ctx.expr;
  const n = vars.length;
  const at = pointOption(ctx, "at");
  const orderText = ctx.values.order ?? "2";
  if (orderText !== "1" && orderText !== "2") throw new UsageError(`--order: expected 1 or 2, got "${String(orderText)}"`);
  const order = orderText === "1" ? 1 : 2;
  const evalAt = pointOption(ctx, "eval-at", at.map((a) => a + TAYLOR_STEP));
  const t = taylor(f, np.array(at, { dtype: "float64" }), { order });
  const value = t.value.item();
  const grad = vector(t.grad);
  const H = t.hessian === undefined ? undefined : rowsOf(t.hessian, n);
  const y = np.array(evalAt, { dtype: "float64" });
  const model = t.model(y).item();
  const exact = f(y).item();
  const error = exact - model;
  const rows: [string, string][] = [
    [signature(ctx.expr), ctx.expr.source],
    ["around", `x0: ${named(vars, at)}`],
    ["order", order === 1 ? "1: T(x) = f(x0) + ∇f(x0)·δ,  δ = x − x0" : "2: T(x) = f(x0) + ∇f(x0)·δ + ½ δᵀH(x0)δ,  δ = x − x0"],
    ["f(x0)", num(value)],
    ["∇f(x0)", vec(grad)],
  ];
  if (H) rows.push(["H(x0)", matrix(H)]);
  rows.push(["at", named(vars, evalAt)], ["T", num(model)], ["f", num(exact)], ["error", `${num(error)}  (f − T)`]);
  const json = { ...head(ctx, "taylor", at), order, value, grad, ...(H ? { hessian: H } : {}), evalAt, model, f: exact, error };
  return { text: block(rows), json };
}

// ---------------------------------------------------------------- minimize

export const METHODS = ["gd", "momentum", "nesterov", "adam", "newton", "bfgs", "lbfgs", "cg", "newton-cg", "trust-ncg"] as const satisfies readonly MinimizeMethod[];

function methodName(text: string, option: string): MinimizeMethod {
  const m = text.trim();
  if (!(METHODS as readonly string[]).includes(m)) throw new UsageError(`${option}: unknown method "${m}" (methods: ${METHODS.join(", ")})`);
  return m as MinimizeMethod;
}

/** One optimizer's run, with what the table, the plot and the JSON need. */
interface Run {
  method: MinimizeMethod;
  result: MinimizeResult<Tensor>;
  seconds: number;
}

/** Iteration rows shown at most before thinning to every k-th. */
const MAX_ROWS = 25;

/** 1, 2, 5, 10, 20, 50, …: the smallest such step that keeps about MAX_ROWS rows. */
function niceEvery(nit: number): number {
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (nit / (m * p) <= MAX_ROWS - 2) return m * p;
}

function runMethod(ctx: Context, method: MinimizeMethod, x0: number[], label: string): Run {
  const lr = parsePositive(ctx.values.lr as string | undefined, "--lr");
  const maxIter = parseCount(ctx.values["max-iter"] as string | undefined, "--max-iter", 0);
  const gtol = parsePositive(ctx.values.gtol as string | undefined, "--gtol");
  // minimize's default budgets (see MinimizeOptions.maxIter), for the bar's scale.
  const budget = maxIter ?? (["gd", "momentum", "nesterov", "adam"].includes(method) ? 10000 : 1000);
  const start = performance.now();
  let result: MinimizeResult<Tensor>;
  try {
    result = minimize(ctx.expr.f, np.array(x0, { dtype: "float64" }), {
      method,
      ...(lr !== undefined ? { lr } : {}),
      ...(maxIter !== undefined ? { maxIter } : {}),
      ...(gtol !== undefined ? { gtol } : {}),
      recordPath: true,
      callback: ctx.progress ? ({ nit, fun }) => ctx.progress!.update(nit / Math.max(budget, 1), `${label} k = ${nit}  f = ${num(fun)}`) : undefined,
    });
  } catch (e) {
    // minimize rejects bad option combinations with "minimize: …": bad input, not a bug.
    const message = (e as Error).message;
    if (message.startsWith("minimize:")) throw new UsageError(message);
    throw e;
  } finally {
    ctx.progress?.done();
  }
  return { method, result, seconds: (performance.now() - start) / 1000 };
}

const xOf = (r: MinimizeResult<Tensor>) => vector(r.x);
const gradInf = (r: MinimizeResult<Tensor>) => Math.max(0, ...vector(r.grad).map(Math.abs));

function resultJson(run: Run) {
  const r = run.result;
  return {
    method: run.method,
    result: { x: xOf(r), fun: r.fun, grad: vector(r.grad), nit: r.nit, nfev: r.nfev, ngev: r.ngev, nhev: r.nhev, status: r.status, success: r.success, message: r.message },
    seconds: run.seconds,
    path: (r.path ?? []).map((p) => ({ x: p.x, f: p.f, gradNorm: p.gradNorm })),
  };
}

function iterationTable(ctx: Context, run: Run): string {
  const path = run.result.path ?? [];
  const last = path.length - 1;
  const every = parseCount(ctx.values.every as string | undefined, "--every") ?? (path.length <= MAX_ROWS ? 1 : niceEvery(last));
  const shown = path.map((p, k) => ({ p, k })).filter(({ k }) => k % every === 0 || k === last);
  const rows = shown.map(({ p, k }) => [String(k), short(p.f), short(p.gradNorm), ...p.x.map(short)]);
  const note = every > 1 ? `\n(one row every ${every} iterations, and the last)` : "";
  return table(["k", "f", "‖∇f‖∞", ...ctx.expr.vars], rows) + note;
}

async function plotRuns(ctx: Context, runs: readonly Run[], file: string): Promise<string> {
  if (!/\.(svg|png)$/i.test(file)) throw new UsageError(`--plot: the file must end in .svg or .png, got "${file}"`, { source: file, index: file.length });
  // Loaded only here: the plotting stack (Observable Plot, a DOM, resvg) is heavy.
  const { writePlot } = await import("./plot.js");
  const best = runs.filter((r) => r.result.success).sort((a, b) => a.result.fun - b.result.fun)[0];
  try {
    await writePlot(file, {
      f: ctx.expr.f,
      vars: ctx.expr.vars,
      runs: runs.map((r) => {
        const path = r.result.path ?? [];
        return { method: r.method, path: path.map((p) => p.x), fvals: path.map((p) => p.f), gradNorms: path.map((p) => p.gradNorm) };
      }),
      ...(best ? { xmin: xOf(best.result) } : {}),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === "string" && err.syscall !== undefined) throw new UsageError(`--plot: cannot write "${file}": ${err.code}`);
    throw e;
  }
  return file;
}

/**
 * `nabla minimize EXPR --from … [--method m] [--lr η] [--max-iter N] [--gtol g] [--every k]
 * [--plot out.svg] [--compare m1,m2,…]`: one run's iteration table (every k-th row for
 * long runs) and result record; or, with --compare, several methods from the same start
 * side by side.
 *
 * @example
 * // nabla minimize "(1-x)^2 + 100*(y-x^2)^2" --from x=-1.2,y=1 --method newton
 */
export async function minimizeCommand(ctx: Context): Promise<Output> {
  needVariables(ctx, "minimize");
  const { vars } = ctx.expr;
  const x0 = pointOption(ctx, "from");
  const compare = ctx.values.compare;
  const methods = typeof compare === "string" ? compare.split(",").map((m) => methodName(m, "--compare")) : [methodName((ctx.values.method as string | undefined) ?? "lbfgs", "--method")];
  if (typeof compare === "string" && ctx.values.method !== undefined) throw new UsageError("use either --method or --compare, not both");
  const runs = methods.map((m, i) => runMethod(ctx, m, x0, methods.length > 1 ? `${m} (${i + 1}/${methods.length})` : m));
  const plotFile = typeof ctx.values.plot === "string" ? await plotRuns(ctx, runs, ctx.values.plot) : undefined;
  const top: [string, string][] = [
    [signature(ctx.expr), ctx.expr.source],
    ["from", named(vars, x0)],
  ];
  const plotLine = plotFile ? `\nplot written to ${plotFile}` : "";

  if (runs.length === 1) {
    const run = runs[0]!;
    const r = run.result;
    const summary = block([
      ["status", `${r.status} (${r.success ? "success" : "no success"}): ${r.message}`],
      ["x", named(vars, xOf(r))],
      ["f", num(r.fun)],
      ["‖∇f‖∞", num(gradInf(r))],
      ["evaluations", `nit ${r.nit}, nfev ${r.nfev}, ngev ${r.ngev}, nhev ${r.nhev}, ${num(Number(run.seconds.toFixed(3)))} s`],
    ]);
    const text = `${block([...top, ["method", run.method]])}\n\n${iterationTable(ctx, run)}\n\n${summary}${plotLine}`;
    return { text, json: { ...head(ctx, "minimize", x0, "from"), ...resultJson(run), ...(plotFile ? { plot: plotFile } : {}) } };
  }

  const rows = runs.map(({ method, result: r, seconds }) => [
    method, r.status, String(r.nit), String(r.nfev), String(r.ngev), String(r.nhev), short(r.fun), short(gradInf(r)), `(${xOf(r).map(short).join(", ")})`, seconds.toFixed(3),
  ]);
  const text = `${block(top)}\n\n${table(["method", "status", "nit", "nfev", "ngev", "nhev", "f", "‖∇f‖∞", `(${vars.join(", ")})`, "s"], rows, 2)}${plotLine}`;
  return { text, json: { ...head(ctx, "minimize", x0, "from"), runs: runs.map(resultJson), ...(plotFile ? { plot: plotFile } : {}) } };
}

/**
 * A one-line progress bar on a terminal stream, drawn only once work has taken a
 * quarter of a second (short runs should not flicker) and at most ten times a second.
 *
 * @example
 * const bar = terminalProgress(process.stderr);
 * bar.update(0.5, "k = 500"); // [###############---------------] k = 500
 * bar.done();                 // erases the line
 */
export function terminalProgress(stream: NodeJS.WriteStream): ProgressSink {
  let started = performance.now();
  let drawn = 0;
  let shown = false;
  return {
    update(fraction, note) {
      const now = performance.now();
      if (now - started < 250 || now - drawn < 100) return;
      drawn = now;
      shown = true;
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${note}`;
      stream.write(`\r${line.slice(0, Math.max(10, (stream.columns || 80) - 1))}\x1b[K`);
    },
    done() {
      if (shown) stream.write("\r\x1b[K");
      shown = false;
      started = performance.now();
    },
  };
}
