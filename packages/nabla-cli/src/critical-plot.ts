// The plot of `nabla critical --plot`: for two variables the contour map of f over the box
// with every critical point marked by its kind; for one, the graph of f with the points on
// it. Drawn with the contour plot's parts (plot.ts): its grid sampling, legend and writer.
import * as Plot from "@observablehq/plot";
import { np, vmap, type Array as Tensor } from "nabla";
import { maxOf, minOf } from "./numbers.js";
import { axisTick, GRID, legend, marginTopFor, newDocument, sample, writeFigure, type SvgElement } from "./plot.js";

export type CriticalKind = "minimum" | "maximum" | "saddle" | "degenerate";

/** What to draw: f, its variables, the box and the points found. */
export interface CriticalPlotSpec {
  f: (x: Tensor) => Tensor;
  vars: string[];
  box: [number, number][];
  points: { x: number[]; value: number; kind: CriticalKind }[];
}

/** Each kind's mark: Observable Plot's symbol, a colour of the runs' palette, and its legend glyph. */
const STYLE: Record<CriticalKind, { symbol: string; color: string; glyph: string; plural: string }> = {
  minimum: { symbol: "circle", color: "#4e79a7", glyph: "●", plural: "minima" },
  maximum: { symbol: "triangle", color: "#e15759", glyph: "▲", plural: "maxima" },
  saddle: { symbol: "times", color: "#f28e2b", glyph: "✕", plural: "saddles" },
  degenerate: { symbol: "diamond", color: "#b07aa1", glyph: "◆", plural: "degenerate" },
};
const KINDS = Object.keys(STYLE) as CriticalKind[];
const LEVELS = 20;

const short = (v: number) => String(Number(v.toPrecision(4))).replace(/^-/, "−");

function entries(spec: CriticalPlotSpec) {
  return KINDS.filter((k) => spec.points.some((p) => p.kind === k)).map((k) => {
    const n = spec.points.filter((p) => p.kind === k).length;
    return { text: `${STYLE[k].glyph} ${n} ${n === 1 ? k : STYLE[k].plural}`, color: STYLE[k].color };
  });
}

/** The points as marks: one symbol per kind, with a hover title giving x and f. */
function pointMarks(spec: CriticalPlotSpec, x: (p: CriticalPlotSpec["points"][number]) => number, y: (p: CriticalPlotSpec["points"][number]) => number): Plot.Markish[] {
  return KINDS.map((k) =>
    Plot.dot(
      spec.points.filter((p) => p.kind === k),
      {
        x,
        y,
        symbol: STYLE[k].symbol,
        r: 6,
        fill: k === "saddle" ? "none" : STYLE[k].color,
        stroke: k === "saddle" ? STYLE[k].color : "white",
        strokeWidth: k === "saddle" ? 2.5 : 1,
        title: (p: CriticalPlotSpec["points"][number]) => `${p.kind} at (${p.x.map(short).join(", ")}), f = ${short(p.value)}`,
      },
    ),
  );
}

/**
 * Contour levels at quantiles of f over the grid: they follow where the area is (and so
 * where the points are), whatever f's range; a steep wall takes few of them.
 */
function quantileLevels(values: number[]): number[] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const levels = Array.from({ length: LEVELS }, (_, k) => v[Math.floor(((k + 0.5) / LEVELS) * (v.length - 1))]!);
  return [...new Set(levels)];
}

function contourMap(spec: CriticalPlotSpec): SvgElement | string {
  const [xr, yr] = spec.box as [[number, number], [number, number]];
  const grid = sample(spec.f, xr, yr);
  if (!grid.some(Number.isFinite)) return "f is NaN or infinite on the whole grid";
  const legendRows = entries(spec);
  return Plot.plot({
    document: newDocument(),
    width: 560,
    marginTop: marginTopFor(Math.max(1, legendRows.length)),
    marginRight: 20,
    marginLeft: 52,
    ...(Math.max(xr[1] - xr[0], yr[1] - yr[0]) <= 4 * Math.min(xr[1] - xr[0], yr[1] - yr[0]) ? { aspectRatio: 1 } : { height: 480 }),
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: xr, label: spec.vars[0]!, tickFormat: axisTick },
    y: { domain: yr, label: spec.vars[1]!, tickFormat: axisTick },
    color: { type: "linear", range: ["#ffffff", "#9dbbd9"] },
    marks: [
      Plot.contour(grid, {
        width: GRID,
        height: GRID,
        x1: xr[0],
        x2: xr[1],
        y1: yr[0],
        y2: yr[1],
        thresholds: quantileLevels(grid),
        fill: Plot.identity,
        stroke: "#4b6584",
        strokeOpacity: 0.5,
        strokeWidth: 0.7,
      }),
      Plot.frame({ stroke: "#999" }),
      ...pointMarks(spec, (p) => p.x[0]!, (p) => p.x[1]!),
      ...legend(legendRows.length ? legendRows : [{ text: "no critical point found", color: "#333" }]),
    ],
  }) as unknown as SvgElement;
}

/** f at each x of one variable: one batched call through vmap, or a pointwise loop where f cannot be batched. */
function valuesAt(f: (x: Tensor) => Tensor, xs: number[]): number[] {
  const points = np.array(xs.map((x) => [x]));
  try {
    return Array.from(np.asArray(vmap(f)(points)).toFloat64Array());
  } catch {
    return xs.map((x) => np.asArray(f(np.array([x]))).item() as number);
  }
}

function graph(spec: CriticalPlotSpec): SvgElement | string {
  const [lo, hi] = spec.box[0]!;
  const xs = Array.from({ length: 400 }, (_, i) => lo + ((hi - lo) * i) / 399);
  const ys = valuesAt(spec.f, xs);
  const curve = xs.map((x, i) => ({ x, y: ys[i]! })).filter((d) => Number.isFinite(d.y));
  if (curve.length === 0) return "f is NaN or infinite on the whole box";
  const legendRows = entries(spec);
  const [ylo, yhi] = [minOf(curve.map((d) => d.y)), maxOf(curve.map((d) => d.y))];
  const pad = 0.05 * (yhi - ylo || 1);
  return Plot.plot({
    document: newDocument(),
    width: 560,
    height: 360,
    marginTop: marginTopFor(Math.max(1, legendRows.length)),
    marginLeft: 60,
    style: { fontSize: "12px", fontFamily: "DejaVu Sans, sans-serif" },
    x: { domain: [lo, hi], label: spec.vars[0]!, tickFormat: axisTick },
    y: { domain: [ylo - pad, yhi + pad], label: `f(${spec.vars[0]})`, tickFormat: axisTick, grid: true },
    marks: [
      Plot.frame({ stroke: "#999" }),
      Plot.line(curve, { x: "x", y: "y", stroke: "#4b6584", strokeWidth: 2 }),
      ...pointMarks(spec, (p) => p.x[0]!, (p) => p.value),
      ...legend(legendRows.length ? legendRows : [{ text: "no critical point found", color: "#333" }]),
    ],
  }) as unknown as SvgElement;
}

/**
 * The figure as an SVG string, or why there is none (f not finite anywhere on the box).
 *
 * @example
 * renderCriticalPlot({ f, vars: ["x", "y"], box: [[-3, 3], [-2, 2]], points }); // "<svg …"
 */
export function renderCriticalPlot(spec: CriticalPlotSpec): string | { error: string } {
  if (spec.vars.length !== 1 && spec.vars.length !== 2) throw new Error("renderCriticalPlot: one or two variables");
  const panel = spec.vars.length === 2 ? contourMap(spec) : graph(spec);
  if (typeof panel === "string") return { error: panel };
  const [w, h] = [Number(panel.getAttribute("width")), Number(panel.getAttribute("height"))];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><rect width="100%" height="100%" fill="white"/>${panel.outerHTML}</svg>`;
}

/**
 * Writes the figure to `path` (.svg, or .png); an error names what kept it from being drawn.
 *
 * @example
 * await writeCriticalPlot("camel.svg", spec);
 */
export async function writeCriticalPlot(path: string, spec: CriticalPlotSpec): Promise<void> {
  const svg = renderCriticalPlot(spec);
  if (typeof svg !== "string") throw new Error(svg.error);
  await writeFigure(path, svg);
}
