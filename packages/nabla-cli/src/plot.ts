// Plots for `--plot` and the tour: the contour map of a two-variable f with each
// optimizer's path, and convergence curves for any dimension. Observable Plot draws them
// into linkedom's small DOM (no browser in Node); resvg turns the SVG into PNG.
import { constants } from "node:fs";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { Resvg, type RenderedImage } from "@resvg/resvg-js";
import { parseHTML } from "linkedom";
import { np, vmap, type Array } from "nabla";
import { maxOf, minOf } from "./numbers.js";
import { addHatchPattern, checkConstraintSpec, constraintLayer, type PlotConstraint } from "./plot-constraints.js";

export type { PlotConstraint } from "./plot-constraints.js";

/** One optimizer run: its iterates (x₀ first), f and ‖∇f‖ at each. */
export interface PlotRun {
  method: string;
  path: number[][];
  fvals: number[];
  gradNorms: number[];
  /** The iteration of each point (default 0, 1, 2, …): a long run's path is thinned. */
  nits?: number[];
}

/**
 * What to plot: the objective, its variable names, the runs and (if known) the minimizer;
 * for two variables, the constraints and the box [lower, upper] drawn on the contour map.
 */
export interface PlotSpec {
  f: (x: Array) => Array;
  vars: string[];
  runs: PlotRun[];
  xmin?: number[];
  constraints?: PlotConstraint[];
  bounds?: [number[], number[]];
}

// Tableau 10: distinct on white and under colour-blindness; the run colours are literal,
// because Plot's one colour scale belongs to the contour levels.
const PALETTE = ["#e15759", "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"];
export const GRID = 120;
const LEVELS = 18;
// Beyond this many iterates per run the dots would hide the line; the line alone remains
// (with its two ends dotted on the map).
const MAX_DOTS = 150;
const MAX_CURVE_DOTS = 40;
const LEGEND_ROW = 16;
/** The smallest value a log axis shows (smaller positive ones are drawn on it), and the narrowest window side. */
const MIN_LOG = 1e-300;
// The most points drawn per run: a longer one (10⁶ iterates from a library caller) is
// thinned evenly, keeping its first and last point, before it reaches the DOM.
const MAX_POINTS = 10_000;

const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;
const nitAt = (run: PlotRun, k: number) => run.nits?.[k] ?? k;
const lastNit = (run: PlotRun) => nitAt(run, run.path.length - 1);
const label = (run: PlotRun) => `${run.method} (${lastNit(run)} step${lastNit(run) === 1 ? "" : "s"})`;
const short = (v: number) => minusSign(String(Number(v.toPrecision(4))));
const minusSign = (s: string) => s.replace(/^-/, "−");

/** The part of a rendered SVG element used here (the project compiles without the DOM lib). */
export interface SvgElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  outerHTML: string;
}

export type PlotDocument = Plot.PlotOptions["document"];

export function newDocument(): PlotDocument {
  return parseHTML("<!doctype html><html><body></body></html>").document as unknown as PlotDocument;
}

/** The legend as text marks in the top margin: Plot's own swatch legend is HTML, not SVG. */
export function legend(entries: { text: string; color: string }[]): Plot.Markish[] {
  return entries.map((e, i) =>
    Plot.text([e.text], {
      text: (d: string) => d,
      frameAnchor: "top-left",
      // Only above the top facet, however many the plot has.
      facetAnchor: "top",
      textAnchor: "start",
      dy: -LEGEND_ROW * (entries.length - i) - 4,
      fill: e.color,
      fontSize: 12,
      fontWeight: "bold",
    }),
  );
}

export const marginTopFor = (rows: number) => 14 + LEGEND_ROW * rows;

/** Evenly spaced points of a run, at most MAX_POINTS, the first and the last among them. */
function thinned(run: PlotRun): PlotRun {
  const n = run.path.length;
  if (n <= MAX_POINTS) return run;
  const picks = globalThis.Array.from({ length: MAX_POINTS }, (_, i) => Math.round((i * (n - 1)) / (MAX_POINTS - 1)));
  const pick = <T>(values: readonly T[]) => picks.map((k) => values[k]!);
  return { method: run.method, path: pick(run.path), fvals: pick(run.fvals), gradNorms: pick(run.gradNorms), nits: picks.map((k) => nitAt(run, k)) };
}

type Window = { x: [number, number]; y: [number, number]; equal: boolean };

/**
 * The window to draw: every path point and the minimum, padded, and not too thin; or why
 * there is none (no finite point, or a span beyond float64).
 */
function frame(spec: PlotSpec): Window | string {
  const pts = spec.runs.flatMap((r) => r.path).concat(spec.xmin ? [spec.xmin] : []).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (pts.length === 0) return "no finite point of the path to frame it";
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  let [x0, x1, y0, y1] = [minOf(xs), maxOf(xs), minOf(ys), maxOf(ys)];
  let [w, h] = [x1 - x0, y1 - y0];
  const size = Math.max(w, h) || Math.max(Math.abs(x0), Math.abs(y0), 1);
  // Comparable ranges share one unit (circles stay round); very different ones keep their own axes.
  let equal = Math.max(w, h) <= 4 * Math.max(Math.min(w, h), 1e-12 * size) || w === 0 || h === 0;
  if (equal) {
    // Widen the shorter side so the picture is at most 4:3 either way.
    const minSide = 0.75 * size;
    if (w < minSide) [x0, x1, w] = [(x0 + x1 - minSide) / 2, (x0 + x1 + minSide) / 2, minSide];
    if (h < minSide) [y0, y1, h] = [(y0 + y1 - minSide) / 2, (y0 + y1 + minSide) / 2, minSide];
  }
  // A side narrower than float64 resolves at its magnitude (x stuck at 2e300 while y moves),
  // or in the subnormals (a span of 1e-323), would ask the axis for ~10¹⁶ ticks: give it a
  // width of a millionth of its magnitude, and at least MIN_LOG.
  const resolvable = (lo: number, hi: number): [number, number] | undefined => {
    const need = Math.max(1e-6 * Math.max(Math.abs(lo), Math.abs(hi)), MIN_LOG);
    return hi - lo >= need ? undefined : [lo / 2 + hi / 2 - need / 2, lo / 2 + hi / 2 + need / 2];
  };
  const wider = [resolvable(x0, x1), resolvable(y0, y1)] as const;
  if (wider[0]) [x0, x1, w, equal] = [...wider[0], wider[0][1] - wider[0][0], false];
  if (wider[1]) [y0, y1, h, equal] = [...wider[1], wider[1][1] - wider[1][0], false];
  const [px, py] = [0.12 * w, 0.12 * h];
  const win: Window = { x: [x0 - px, x1 + px], y: [y0 - py, y1 + py], equal };
  return [...win.x, ...win.y].every(Number.isFinite) ? win : "the path spans more than float64 can frame";
}

/**
 * f on an n×n (default GRID×GRID) raster of cell centres, row 0 at the bottom: one batched
 * call through vmap; a pointwise loop when f cannot be batched (it reads values in a
 * JavaScript `if`).
 *
 * @example
 * const values = sample(f, [-1, 1], [-1, 1]); // GRID² values, x varying fastest
 */
export function sample(f: (x: Array) => Array, xr: [number, number], yr: [number, number], n = GRID): number[] {
  const pts: number[][] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      pts.push([xr[0] + ((i + 0.5) * (xr[1] - xr[0])) / n, yr[0] + ((j + 0.5) * (yr[1] - yr[0])) / n]);
    }
  }
  try {
    return globalThis.Array.from(np.asArray(vmap(f)(np.array(pts))).toFloat64Array());
  } catch {
    return pts.map((p) => np.asArray(f(np.array(p))).item() as number);
  }
}

/**
 * The values to contour: log(f − f_lo + δ), so that evenly spaced levels crowd near the
 * minimum, where the paths end, and thin out on steep walls. δ keeps the innermost level
 * a visible ring rather than a point.
 */
function logGap(values: number[]): { values: number[]; thresholds: number[] } {
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = [minOf(finite), maxOf(finite)];
  const delta = 2e-3 * (hi - lo) || 1;
  const out = values.map((v) => Math.log(v - lo + delta));
  const [a, b] = [Math.log(delta), Math.log(hi - lo + delta)];
  return { values: out, thresholds: globalThis.Array.from({ length: LEVELS }, (_, k) => a + ((k + 0.5) * (b - a)) / LEVELS) };
}

/**
 * The contour map with the runs' paths and the constraints, or why it cannot be drawn: f
 * NaN or infinite on the whole grid (log(−x) far from the path, say), or no window to
 * draw. A constraint that cannot be drawn is left out with a note.
 */
function contourPlot(spec: PlotSpec, document: PlotDocument, notes: string[]): SvgElement | string {
  const win = frame(spec);
  if (typeof win === "string") return `no contour map: ${win}`;
  const grid = sample(spec.f, win.x, win.y);
  if (!grid.some(Number.isFinite)) return "no contour map: f is NaN or infinite on the whole grid around the path";
  const { values, thresholds } = logGap(grid);
  // i: the point's index in its run; k: its iteration.
  const points = spec.runs.flatMap((r, run) => r.path.map((p, i) => ({ run, i, k: nitAt(r, i), x: p[0]!, y: p[1]!, f: r.fvals[i] })));
  const dotted = points.filter((p) => spec.runs[p.run]!.path.length <= MAX_DOTS || p.i === 0 || p.i === spec.runs[p.run]!.path.length - 1);
  const entries = spec.runs.map((r, i) => ({ text: `● ${label(r)}`, color: colorOf(i) }));
  const minimum = spec.xmin ? `minimum (${spec.xmin.map(short).join(", ")})` : "";
  if (spec.xmin) entries.push({ text: `★ ${minimum}`, color: "#111" });
  const layer = constraintLayer(spec.constraints ?? [], spec.bounds, spec.vars, win, GRID, sample);
  entries.push(...layer.entries);
  notes.push(...layer.notes);
  // Long tick labels (1.5e+152 from a diverging run, 0.000125) need room on the left.
  const longTicks = win.y.some((v) => Math.abs(v) >= 1e5) || maxOf(win.y.map(Math.abs)) < 1e-2;
  const svg = Plot.plot({
    document,
    width: 560,
    marginTop: marginTopFor(entries.length),
    marginRight: 20,
    marginLeft: longTicks ? 84 : 44,
    ...(win.equal ? { aspectRatio: 1 } : { height: 480 }),
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: win.x, label: spec.vars[0] ?? "x₁", tickFormat: axisTick },
    y: { domain: win.y, label: spec.vars[1] ?? "x₂", tickFormat: axisTick },
    // Light near the minimum so the paths stand out where they end.
    color: { type: "linear", range: ["#ffffff", "#7fa8d1"] },
    marks: [
      Plot.contour(values, {
        width: GRID,
        height: GRID,
        x1: win.x[0],
        x2: win.x[1],
        // Plot's raster rows run from y1; row 0 of the samples is the bottom one.
        y1: win.y[0],
        y2: win.y[1],
        thresholds,
        fill: Plot.identity,
        stroke: "#4b6584",
        strokeOpacity: 0.6,
        strokeWidth: 0.7,
      }),
      ...layer.marks,
      Plot.frame({ stroke: "#999" }),
      ...spec.runs.map((r, i) =>
        Plot.line(
          points.filter((p) => p.run === i),
          { x: "x", y: "y", stroke: colorOf(i), strokeWidth: 2, curve: "linear", clip: true },
        ),
      ),
      Plot.dot(dotted, {
        x: "x",
        y: "y",
        r: 3,
        fill: (p: { run: number }) => colorOf(p.run),
        stroke: "white",
        strokeWidth: 0.8,
        clip: true,
        // Hover text in a browser, and a readable record of every drawn iterate.
        title: (p: { run: number; k: number; x: number; y: number; f: number | undefined }) => `${spec.runs[p.run]!.method} x${p.k} = (${short(p.x)}, ${short(p.y)})${p.f === undefined ? "" : `, f = ${short(p.f)}`}`,
      }),
      ...(spec.xmin ? [Plot.dot([spec.xmin], { x: (p: number[]) => p[0], y: (p: number[]) => p[1], symbol: "star", r: 9, fill: "#111", stroke: "white", title: () => minimum })] : []),
      ...legend(entries),
    ],
  }) as unknown as SvgElement & { insertAdjacentHTML(where: "afterbegin", html: string): void };
  if (layer.hatchId) addHatchPattern(svg, layer.hatchId);
  return svg;
}

/** Linear-axis labels at 6 digits: no 0.30000000000000004, no −6.0000000001e+152. */
export const axisTick = (v: number) => minusSign(String(Number(v.toPrecision(6))));

/** Log-axis labels: plain numbers near 1 (0.5, 20), powers of ten elsewhere (1e-8). */
function logTick(v: number): string {
  return v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace("e+", "e");
}

/** 0, 1, 2, 5, 10, 20, 50, … up to n: Plot's default symlog ticks crowd at the far end. */
function symlogTicks(n: number): number[] {
  const ticks = [0];
  for (let p = 1; p <= n; p *= 10) for (const m of [1, 2, 5]) if (m * p <= n) ticks.push(m * p);
  return ticks;
}

/** One row of the convergence plot. */
interface Sample {
  run: number;
  k: number;
  value: number;
  measure: string;
  exactZero: boolean;
}

function convergencePlot(spec: PlotSpec, document: PlotDocument, height: number): SvgElement {
  const fstar = spec.xmin ? np.asArray(spec.f(np.array(spec.xmin))).item() as number : undefined;
  const gradLabel = "‖∇f‖";
  const gapLabel = "f − f*";
  const rows: Omit<Sample, "exactZero">[] = spec.runs.flatMap((r, i) => [
    ...r.gradNorms.map((g, j) => ({ run: i, k: nitAt(r, j), value: g, measure: gradLabel })),
    ...(fstar === undefined ? [] : r.fvals.map((f, j) => ({ run: i, k: nitAt(r, j), value: Math.abs(f - fstar), measure: gapLabel }))),
  ]);
  // A log axis has no 0: exact zeros (Newton landing on a quadratic's minimum) sit on a
  // floor below the smallest positive value, drawn as open circles and said in the legend.
  const positive = rows.map((s) => s.value).filter((v) => v > 0 && Number.isFinite(v));
  // Not below 1e-300: a log axis reaching into subnormals (5e-324) asks for ~10¹⁶ ticks.
  const floor = Math.max(positive.length > 0 ? minOf(positive) / 10 : 1e-16, MIN_LOG);
  const data: Sample[] = rows
    .filter((s) => Number.isFinite(s.value))
    .map((s) => ({ ...s, exactZero: s.value <= 0, value: s.value > floor ? s.value : floor }));
  const maxK = Math.max(1, maxOf(spec.runs.map(lastNit)));
  const entries = spec.runs.map((r, i) => ({ text: `● ${label(r)}`, color: colorOf(i) }));
  if (data.some((s) => s.exactZero)) entries.push({ text: `○ exactly 0 (drawn at ${short(floor)})`, color: "#333" });
  const faceted = fstar !== undefined; // a second panel for f − f*
  return Plot.plot({
    document,
    width: 500,
    height,
    marginTop: marginTopFor(entries.length),
    marginRight: 50,
    marginLeft: 56,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    // Runs of very different lengths (L-BFGS's dozens, GD's thousands) both stay readable on a symlog axis.
    x: maxK > 200 ? { type: "symlog", label: "iteration (symlog)", domain: [0, maxK], grid: true, ticks: symlogTicks(maxK), tickFormat: (k: number) => (k >= 1000 ? `${k / 1000}k` : String(k)) } : { label: "iteration", domain: [0, maxK], grid: true },
    // The facet labels on the right name the measure; the y label slot would collide with the legend.
    y: { type: "log", label: null, grid: true, tickFormat: logTick },
    fy: { label: null, domain: faceted ? [gradLabel, gapLabel] : [gradLabel] },
    marks: [
      Plot.frame({ stroke: "#999" }),
      ...spec.runs.map((_r, i) =>
        Plot.line(
          data.filter((s) => s.run === i),
          { x: "k", y: "value", fy: "measure", z: "measure", stroke: colorOf(i), strokeWidth: 2 },
        ),
      ),
      Plot.dot(
        data.filter((s) => spec.runs[s.run]!.path.length <= MAX_CURVE_DOTS || s.exactZero),
        {
          x: "k",
          y: "value",
          fy: "measure",
          r: 2.5,
          fill: (s: Sample) => (s.exactZero ? "white" : colorOf(s.run)),
          stroke: (s: Sample) => colorOf(s.run),
          title: (s: Sample) => `${spec.runs[s.run]!.method} k=${s.k}: ${s.measure} = ${s.exactZero ? 0 : short(s.value)}`,
        },
      ),
      ...legend(entries),
    ],
  }) as unknown as SvgElement;
}

/**
 * The figure for `spec` as an SVG string: with two variables, the contour map of f with
 * each run's path, the minimum and the constraints (boundaries drawn, infeasible sides
 * and the outside of the bounds hatched) beside the convergence curves; otherwise the
 * convergence curves alone (‖∇f‖, and f − f* when `xmin` is given, on log axes).
 *
 * @example
 * const svg = renderPlotSvg({ f, vars: ["x", "y"], runs: [{ method: "gd", path, fvals, gradNorms }], xmin: [0, 0] });
 */
export function renderPlotSvg(spec: PlotSpec): string {
  return renderPlot(spec).svg;
}

/**
 * renderPlotSvg's figure with notes on what it leaves out: for two variables whose f is
 * NaN or infinite on the whole contour grid, the convergence curves alone and a note
 * saying why there is no contour map; a constraint that cannot be evaluated on the map
 * is left out, with a note.
 *
 * @example
 * const { svg, notes } = renderPlot(spec); // notes: [] or ["no contour map: …"]
 */
export function renderPlot(input: PlotSpec): { svg: string; notes: string[] } {
  if (input.runs.length === 0) throw new Error("writePlot: no runs to plot");
  checkConstraintSpec(input);
  const spec = { ...input, runs: input.runs.map(thinned) };
  const document = newDocument();
  const panels: SvgElement[] = [];
  const notes: string[] = [];
  if (spec.vars.length === 2) {
    const map = contourPlot(spec, document, notes);
    if (typeof map === "string") notes.push(map);
    else panels.push(map);
  }
  const contourHeight = panels[0] ? Number(panels[0].getAttribute("height")) : 0;
  panels.push(convergencePlot(spec, document, Math.max(contourHeight, 420)));
  // Side by side in one SVG; the white backdrop is for viewers (and resvg) that ignore
  // Plot's CSS background.
  let x = 0;
  const inner = panels.map((svg) => {
    svg.setAttribute("x", String(x));
    svg.setAttribute("y", "0");
    x += Number(svg.getAttribute("width"));
    return svg.outerHTML;
  });
  const height = maxOf(panels.map((svg) => Number(svg.getAttribute("height"))));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="${height}" viewBox="0 0 ${x} ${height}"><rect width="100%" height="100%" fill="white"/>${inner.join("")}</svg>`;
  return { svg, notes };
}

/**
 * DejaVu Sans, regular and bold (the legend is bold), shipped in the package's fonts/
 * (licence beside them). Relative to this module, so the same path works from src/ and
 * from the compiled dist/.
 */
export const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((name) => fileURLToPath(new URL(`../fonts/${name}`, import.meta.url)));

/**
 * The SVG as PNG, at twice its size. Text is drawn in the shipped DejaVu Sans only:
 * without system fonts, a machine with none still gets its labels, and every machine
 * the same pixels.
 *
 * @example
 * await writeFile("plot.png", svgToPng(renderPlotSvg(spec)));
 */
export function svgToPng(svg: string): Uint8Array {
  return renderPng(svg).asPng();
}

/**
 * resvg's rendering of `svg` with the shipped fonts: PNG bytes (`asPng()`) or raw RGBA
 * pixels (`pixels`), at `zoom` times the SVG's size.
 *
 * @example
 * const { width, height, pixels } = renderPng(svg, 1);
 */
export function renderPng(svg: string, zoom = 2): RenderedImage {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: zoom },
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return resvg.render();
}

/**
 * Writes the figure of `renderPlotSvg(spec)` to `path`: SVG, or PNG when the path ends
 * in ".png". Returns renderPlot's notes (what the figure leaves out, and why).
 *
 * @example
 * await writePlot("out.png", { f, vars: ["x", "y"], runs, xmin: [1, 1] }); // []
 */
export async function writePlot(path: string, spec: PlotSpec): Promise<string[]> {
  const { svg, notes } = renderPlot(spec);
  await writeFigure(path, svg);
  return notes;
}

/**
 * Writes an SVG figure to `path`: as it is, or as PNG when the path ends in ".png".
 *
 * @example
 * await writeFigure("map.png", svg);
 */
export async function writeFigure(path: string, svg: string): Promise<void> {
  // Non-blocking open: a named pipe nobody reads (a FIFO called out.svg) is an error
  // (ENXIO) at once, not a command that waits forever; files and devices are unaffected.
  const flag = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NONBLOCK;
  await writeFile(path, path.toLowerCase().endsWith(".png") ? svgToPng(svg) : svg, { flag });
}
