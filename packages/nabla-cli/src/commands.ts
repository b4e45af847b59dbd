// The nabla subcommands. Each reads its options, computes with the public API only, and
// returns what to print twice: readable text, and a JSON record for scripts.
import { classifyPoint, directionalDerivative, np, steepestDescentDirection, taylor, valueAndGrad, type Array as Tensor } from "nabla";
import { clip, parsePoint, parsePositive, quote, UsageError } from "./args.js";
import { evalConstant, type Expr } from "./expr.js";
import { hypot, maxOf } from "./numbers.js";
import type { Optimizer } from "./optimize.js";

/** What a command prints: `text` by default, `json` with --json. */
export interface Output {
  text: string;
  json: Record<string, unknown>;
  /**
   * Work done, but not all of it went well (a plot that could not be written, a run cut
   * short by Ctrl-C): the exit status, and the line for stderr (and `error` in the JSON).
   */
  problem?: { exitCode: number; error: string };
}

/** Reports the progress of long work, e.g. as a bar on a terminal. */
export interface ProgressSink {
  update(fraction: number, note: string): void;
  done(): void;
}

/** What a command gets: the parsed expression, its option values, a progress sink, and where minimize runs. */
export interface Context {
  expr: Expr;
  values: Record<string, string | boolean | undefined>;
  progress?: ProgressSink;
  /** Runs minimize's jobs (default: in this thread; the process's own runs take Ctrl-C, see worker.ts). */
  optimizer?: Optimizer;
}

// ---------------------------------------------------------------- formatting

/**
 * `digits` significant digits without trailing zeros; powers of ten for the very large or small.
 *
 * @example
 * sig(1 / 3, 4); // "0.3333"
 * sig(1e-7, 4);  // "1e-7"
 */
export function sig(v: number, digits: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(digits)));
}

/** Ten significant digits: what people read (JSON keeps all 17). */
export const num = (v: number): string => sig(v, 10);
const vec = (v: readonly number[]): string => `(${v.map(num).join(", ")})`;
export const named = (vars: readonly string[], v: readonly number[]): string => vars.map((n, i) => `${n} = ${num(v[i]!)}`).join(", ");

/**
 * Aligned label/value lines; a multi-line value continues under its first line.
 *
 * @example
 * block([["f", "2"], ["‖∇f‖", "1"]]); // "f     2\n‖∇f‖  1"
 */
export function block(rows: readonly (readonly [string, string])[]): string {
  const width = maxOf(rows.map(([label]) => label.length)) + 2;
  return rows
    .map(([label, value]) => value.split("\n").map((line, i) => (i === 0 ? label.padEnd(width) : " ".repeat(width)) + line).join("\n"))
    .join("\n");
}

/** A matrix as bracketed rows with right-aligned columns. */
function matrix(rows: readonly (readonly number[])[]): string {
  const cells = rows.map((r) => r.map(num));
  const widths = (cells[0] ?? []).map((_, j) => maxOf(cells.map((r) => r[j]!.length)));
  return cells.map((r) => `[ ${r.map((c, j) => c.padStart(widths[j]!)).join("  ")} ]`).join("\n");
}

/**
 * Columns of text: the first `left` left-aligned, the rest right-aligned.
 *
 * @example
 * table(["k", "f"], [["0", "5.5"], ["10", "1"]]); // " k    f\n 0  5.5\n10    1"
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], left = 0): string {
  const all = [header, ...rows];
  const widths = header.map((_, j) => maxOf(all.map((r) => (r[j] ?? "").length)));
  return all.map((r) => r.map((c, j) => (j < left ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ").trimEnd()).join("\n");
}

/** Seven significant digits: enough to watch a run converge, narrow enough for a table. */
export const short = (v: number): string => sig(v, 7);

export const signature = (e: Expr) => `f(${e.vars.join(", ")})`;
const vector = (a: Tensor): number[] => Array.from(a.toFloat64Array());
const rowsOf = (a: Tensor, n: number): number[][] => {
  const flat = vector(a);
  return Array.from({ length: n }, (_, i) => flat.slice(i * n, (i + 1) * n));
};

// ---------------------------------------------------------------- shared option reading

/**
 * The point of option `name` (--at, --from, --eval-at), in the order of expr.vars.
 *
 * @example
 * pointOption({ expr: parseExpr("x*y"), values: { at: "y=2,x=1" } }, "at"); // [1, 2]
 */
export function pointOption(ctx: Context, name: string, fallback?: number[]): number[] {
  const text = ctx.values[name];
  const { vars } = ctx.expr;
  if (typeof text === "string") return parsePoint(text, vars, `--${name}`, evalConstant);
  if (fallback) return fallback;
  if (vars.length === 0) return [];
  const example = (parts: string[]) => clip(parts.join(","), 80);
  throw new UsageError(`--${name} is required: give ${example(vars.map((v, i) => `${v}=${i + 1}`))} or ${example(vars.map((_, i) => String(i + 1)))} (values for ${clip(vars.join(", "), 80)})`);
}

/**
 * Refuses an expression without variables for a command that differentiates or moves.
 *
 * @example
 * needVariables({ expr: parseExpr("2 + 3"), values: {} }, "grad"); // throws "grad needs a variable, …"
 */
export function needVariables(ctx: Context, what: string): void {
  if (ctx.expr.vars.length === 0) throw new UsageError(`${what} needs a variable, and the expression has none`, { source: ctx.expr.source, index: 0 });
}

export const head = (ctx: Context, command: string, at: number[], atKey = "at") => ({
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
  // hypot is scale-safe (as BLAS nrm2): a gradient of 1e-300 has norm 1e-300, not 0.
  const norm = hypot(grad);
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
    const length = hypot(u);
    if (!(length > 0) || !Number.isFinite(length)) throw new UsageError(`--dir: the direction must be a non-zero finite vector`, { source: ctx.values.dir, index: 0 });
    const unit = u.map((ui) => ui / length);
    const derivative = directionalDerivative(f, x, np.array(unit, { dtype: "float64" })).item();
    rows.push(["D_u f", `${num(derivative)}  (∇f·u along the unit u = ${vec(unit)})`]);
    json.directional = { dir: u, unit, value: derivative };
  }
  return { text: block(rows), json };
}

// ---------------------------------------------------------------- hessian

/** The default relative tolerance of `hessian --tol`: classifyPoint's gtol and eigtol. */
export const CRITICAL_TOL = 1e-8;

/**
 * `nabla hessian EXPR --at … [--tol t]`: the Hessian, its eigenvalues, the condition number
 * max|λ|/min|λ| (Infinity when min|λ| = 0) and the kind of critical point, all from the
 * library's classifyPoint with relative tolerances t (‖∇f‖ ≤ t·‖H‖·‖x‖ counts as zero, and
 * so does |λ| ≤ t·max|λ|); this command only formats.
 *
 * @example
 * // nabla hessian "x^2 - y^2" --at x=0,y=0   →   eigenvalues (−2, 2), a saddle
 */
export function hessianCommand(ctx: Context): Output {
  needVariables(ctx, "hessian");
  const { f, vars } = ctx.expr;
  const n = vars.length;
  const at = pointOption(ctx, "at");
  const tolText = ctx.values.tol as string | undefined;
  const tol = parsePositive(tolText, "--tol") ?? CRITICAL_TOL;
  if (!(tol < 1)) throw new UsageError(`--tol: expected a relative tolerance below 1, got ${quote(tolText!)}`);
  const r = classifyPoint(f, np.array(at, { dtype: "float64" }), { gtol: tol, eigtol: tol, method: "dense" });
  const grad = vector(r.grad);
  const Hrows = rowsOf(r.hessian!, n);
  const rows: [string, string][] = [
    [signature(ctx.expr), ctx.expr.source],
    ["at", named(vars, at)],
    ["value", num(r.value)],
    ["∇f", `${vec(grad)}  ‖∇f‖ = ${num(r.gradNorm)}`],
    ["Hessian", matrix(Hrows)],
  ];
  const json: Record<string, unknown> = { ...head(ctx, "hessian", at), value: r.value, grad, gradNorm: r.gradNorm, hessian: Hrows };
  if (r.kind === "nonFinite") {
    rows.push(["eigenvalues", "none: f or its Hessian is not finite here"]);
    Object.assign(json, { eigenvalues: null, eigenvectors: null, condition: null, critical: null, kind: null });
    return { text: block(rows), json };
  }
  const Vrows = rowsOf(r.eigenvectors!, n);
  const eigenvectors = r.eigenvalues.map((_, j) => Vrows.map((row) => row[j]!));
  const { grad: gradTol, eigenvalue: eigTol } = r.tolerances;
  rows.push(
    ["eigenvalues", vec(r.eigenvalues)],
    ["condition", `${num(r.condition)}  (max|λ|/min|λ|)`],
    [
      "critical",
      r.critical
        ? `yes, a ${r.kind}  (‖∇f‖ ≤ ${num(gradTol)}; eigenvalues within ±${num(eigTol)} count as zero)`
        : `no: not a critical point (‖∇f‖ = ${num(r.gradNorm)} > ${num(gradTol)})`,
    ],
  );
  const kind = r.critical ? r.kind : null;
  Object.assign(json, { eigenvalues: r.eigenvalues, eigenvectors, condition: r.condition, critical: r.critical, kind, tolerances: r.tolerances });
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
  if (orderText !== "1" && orderText !== "2") throw new UsageError(`--order: expected 1 or 2, got ${quote(String(orderText))}`);
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
