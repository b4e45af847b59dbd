// `nabla critical`: every critical point of f in a box (the library's
// landscape.findCriticalPoints), as a table with each point's kind, value and Hessian
// eigenvalues, and a plot marking them by kind on the contour map. Options are read, and
// the plot file checked, before the search.
import { landscape, random } from "nabla";
import { parseCount, quote, UsageError } from "./args.js";
import { parseBox } from "./box.js";
import { block, needVariables, num, short, signature, table, type Context, type Output } from "./commands.js";
import { checkPlotFile } from "./minimize.js";

/** The most starts --starts takes. */
export const MAX_STARTS = 100_000;

const ORDER = ["minimum", "maximum", "saddle", "degenerate"] as const;
const PLURAL = { minimum: "minima", maximum: "maxima", saddle: "saddles", degenerate: "degenerate" };

/**
 * `nabla critical EXPR --box x=-5:5,y=-5:5 [--starts N] [--seed S] [--plot out.svg]`:
 * every critical point found in the box by multi-start Newton (N starts, uniform in the
 * box from seed S; default 50 per variable and 0), with its kind, value and Hessian
 * eigenvalues; --plot draws them by kind on f's contour map (two variables) or graph (one).
 *
 * @example
 * // nabla critical "x^3 - 3*x + y^2" --box x=-3:3,y=-3:3   →   a minimum at (1, 0), a saddle at (−1, 0)
 */
export async function criticalCommand(ctx: Context): Promise<Output> {
  needVariables(ctx, "critical");
  const { f, vars, source } = ctx.expr;
  const n = vars.length;
  const boxText = ctx.values.box;
  if (typeof boxText !== "string") {
    throw new UsageError(`--box is required: give ${vars.map((v) => `${v}=-5:5`).join(",").slice(0, 80)} (a range lo:hi for each of ${vars.join(", ").slice(0, 80)}) or one range -5:5 for all`);
  }
  const box = parseBox(boxText, vars);
  const starts = parseCount(ctx.values.starts as string | undefined, "--starts") ?? 50 * n;
  if (starts > MAX_STARTS) throw new UsageError(`--starts: at most ${MAX_STARTS} (all starts are advanced together, in memory), got ${starts}`);
  const seed = parseCount(ctx.values.seed as string | undefined, "--seed", 0) ?? 0;
  const plotFile = typeof ctx.values.plot === "string" ? await checkPlotFile(ctx.values.plot) : undefined;
  if (plotFile && n > 2) throw new UsageError(`--plot: a plot needs one or two variables, and ${signature(ctx.expr)} has ${n}`);

  const r = landscape.findCriticalPoints(f, { box, starts, key: random.key(seed) });

  // As shown (table and plot): coordinates within 1e-9 of the box's width from 0 as 0 (the
  // search resolves x to about 1e-10 of the box), values within 1e-12 of the largest |f|
  // found likewise. --json keeps every digit.
  const fTop = r.points.reduce((m, p) => Math.max(m, Math.abs(p.value)), 0);
  const snap = (v: number, scale: number) => (Math.abs(v) <= scale ? 0 : v);
  const shown = r.points.map((p) => ({ ...p, value: snap(p.value, 1e-12 * fTop), x: p.x.map((x, i) => snap(x, 1e-9 * (box[i]![1] - box[i]![0]))) }));
  const rows = shown.map((p) => [p.kind, short(p.value), ...p.x.map(short), `(${p.eigenvalues.map(short).join(", ")})`]);
  const found = ORDER.filter((k) => r.counts[k] > 0).map((k) => `${r.counts[k]} ${r.counts[k] === 1 ? k : PLURAL[k]}`);
  const summary = block([
    [signature(ctx.expr), source],
    ["box", vars.map((v, i) => `${v} in [${num(box[i]![0])}, ${num(box[i]![1])}]`).join(", ")],
    ["starts", `${r.starts} (seed ${seed}): ${r.converged} converged (${r.byNewton} by Newton, ${r.byFallback} after the fallback), ${r.outside} outside the box, ${r.failed} failed`],
    ["found", `${r.points.length} critical point${r.points.length === 1 ? "" : "s"}${found.length ? `: ${found.join(", ")}` : ""}`],
  ]);
  const listing = r.points.length > 0 ? `\n\n${table(["kind", "f", ...vars, "Hessian eigenvalues"], rows, 1)}` : "";

  let plotLine = "";
  let problem: Output["problem"];
  if (plotFile) {
    try {
      // Loaded only here: the plotting stack is heavy.
      const { writeCriticalPlot } = await import("./critical-plot.js");
      await writeCriticalPlot(plotFile, { f, vars, box, points: shown });
      plotLine = `\nplot written to ${plotFile}`;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const error = typeof err.code === "string" && err.syscall !== undefined ? `--plot: cannot write ${quote(plotFile)}: ${err.code}` : `--plot: could not draw the plot: ${err.message ?? String(e)}`;
      problem = { exitCode: 1, error };
    }
  }
  const json = {
    command: "critical",
    expression: source,
    vars,
    box,
    starts: r.starts,
    seed,
    points: r.points,
    counts: r.counts,
    converged: r.converged,
    byNewton: r.byNewton,
    byFallback: r.byFallback,
    outside: r.outside,
    failed: r.failed,
    message: r.message,
    ...(plotLine ? { plot: plotFile } : {}),
  };
  return { text: `${summary}${listing}${plotLine}`, json, ...(problem ? { problem } : {}) };
}
