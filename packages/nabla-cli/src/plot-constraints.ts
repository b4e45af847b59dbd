// The constraints on the contour map of `--plot`: each boundary g(x) = 0 as a curve, the
// infeasible side of each inequality (and outside the --bounds box) hatched, so the
// feasible set reads at a glance, in colour or in black and white. Drawn with the same
// Plot contour mark as f's levels, on the same cell centres.
import * as Plot from "@observablehq/plot";
import type { Array } from "nabla";

/** One constraint to draw: g(x) = 0 ("eq") or g(x) ≥ 0 ("ineq", as minimize takes it). */
export interface PlotConstraint {
  fun: (x: Array) => Array;
  type: "eq" | "ineq";
  /** As the legend names it, e.g. "x^2 + y^2 <= 1". */
  label: string;
}

/** The part of the drawing window used here: the x and y ranges in data units. */
export interface ViewWindow {
  x: [number, number];
  y: [number, number];
}

/** g on an n×n raster of cell centres over xr × yr, row 0 at the bottom (plot.ts's sample). */
export type Sampler = (g: (x: Array) => Array, xr: [number, number], yr: [number, number], n: number) => number[];

/** What the constraints add to the map: marks under the paths, legend rows, and notes. */
export interface ConstraintLayer {
  marks: Plot.Markish[];
  entries: { text: string; color: string }[];
  notes: string[];
  /** The id the hatch pattern must have in the SVG (see addHatchPattern), when one is used. */
  hatchId?: string;
}

const LINE = "#222";
const HATCH = "#555";
// Beyond this many constraints their legend rows would push the map down: one row says how many.
const MAX_LEGEND_CONSTRAINTS = 3;
let hatchCount = 0;

const lineStyle = { stroke: LINE, strokeWidth: 1.6, fill: "none", clip: true } as const;

/**
 * The constraints' marks over the window: for each, the level 0 of its function on a raster
 * one cell wider than f's on every side (same cell centres), so the contour polygons' edges
 * along the raster's border fall outside the clipped frame and only the curve g = 0 shows.
 *
 * @example
 * const layer = constraintLayer([{ fun: disk, type: "ineq", label: "x^2+y^2 <= 1" }], undefined, ["x", "y"], win, 120, sample);
 */
export function constraintLayer(
  constraints: readonly PlotConstraint[],
  bounds: [number[], number[]] | undefined,
  vars: readonly string[],
  win: ViewWindow,
  grid: number,
  sampler: Sampler,
): ConstraintLayer {
  if (constraints.length === 0 && !bounds) return { marks: [], entries: [], notes: [] };
  const hatchId = `nabla-hatch-${++hatchCount}`;
  const hatch = `url(#${hatchId})`;
  const [dx, dy] = [(win.x[1] - win.x[0]) / grid, (win.y[1] - win.y[0]) / grid];
  const xr: [number, number] = [win.x[0] - dx, win.x[1] + dx];
  const yr: [number, number] = [win.y[0] - dy, win.y[1] + dy];
  const raster = { width: grid + 2, height: grid + 2, x1: xr[0], x2: xr[1], y1: yr[0], y2: yr[1], thresholds: [0] };
  const shading: Plot.Markish[] = [];
  const lines: Plot.Markish[] = [];
  const notes: string[] = [];
  const drawn: PlotConstraint[] = [];
  constraints.forEach((c, i) => {
    const values = sampleConstraint(c, xr, yr, grid + 2, sampler);
    if (typeof values === "string") return void notes.push(`constraint ${i + 1} (${c.label}) not drawn: ${values}`);
    drawn.push(c);
    if (c.type === "ineq") shading.push(Plot.contour(values, { ...raster, fill: hatch, stroke: "none", clip: true, className: "nabla-infeasible", ariaDescription: "infeasible side of a constraint" }));
    lines.push(Plot.contour(values, { ...raster, ...lineStyle, className: "nabla-constraint", ariaDescription: "constraint boundary" }));
  });
  const box = bounds ? boxMarks(bounds, win, hatch) : { shading: [], edges: [] };
  const entries = drawn.length > MAX_LEGEND_CONSTRAINTS
    ? [{ text: `— ${drawn.length} constraints`, color: LINE }]
    : drawn.map((c) => ({ text: `— ${c.type === "eq" ? "equality" : "constraint"} ${c.label}`, color: LINE }));
  if (box.edges.length + box.shading.length > 0 && bounds) entries.push({ text: `— bounds ${boxText(bounds, vars)}`, color: LINE });
  const hatched = shading.length + box.shading.length > 0;
  if (hatched) entries.push({ text: "▨ infeasible", color: HATCH });
  return {
    marks: [...shading, ...box.shading, ...lines, ...box.edges],
    entries,
    notes,
    ...(hatched ? { hatchId } : {}),
  };
}

/**
 * −g on the raster, the contour mark's value: level 0 encloses the infeasible side g < 0
 * (for an equality, one side; only its boundary is drawn). NaN counts as infeasible: the
 * solver cannot stand there either. A string says why it cannot be drawn.
 */
function sampleConstraint(c: PlotConstraint, xr: [number, number], yr: [number, number], n: number, sampler: Sampler): number[] | string {
  let g: number[];
  try {
    g = sampler(c.fun, xr, yr, n);
  } catch (e) {
    return (e as Error).message ?? String(e);
  }
  if (!g.some(Number.isFinite)) return "NaN or infinite on the whole grid";
  return g.map((v) => (Number.isNaN(v) ? Infinity : -v));
}

/** The box's edges that are finite and inside the window, and the window outside the box hatched. */
function boxMarks([lo, hi]: [number[], number[]], win: ViewWindow, hatch: string): { shading: Plot.Markish[]; edges: Plot.Markish[] } {
  const clampX = (v: number) => Math.min(Math.max(v, win.x[0]), win.x[1]);
  const clampY = (v: number) => Math.min(Math.max(v, win.y[0]), win.y[1]);
  const [bx0, bx1, by0, by1] = [clampX(lo[0]!), clampX(hi[0]!), clampY(lo[1]!), clampY(hi[1]!)];
  // Four strips that do not overlap (a double hatch would read as a second constraint).
  const outside = [
    { x1: win.x[0], x2: bx0, y1: win.y[0], y2: win.y[1] },
    { x1: bx1, x2: win.x[1], y1: win.y[0], y2: win.y[1] },
    { x1: bx0, x2: bx1, y1: win.y[0], y2: by0 },
    { x1: bx0, x2: bx1, y1: by1, y2: win.y[1] },
  ].filter((r) => r.x2 > r.x1 && r.y2 > r.y1);
  const inside = (v: number, [a, b]: [number, number]) => Number.isFinite(v) && v > a && v < b;
  const edges = [
    ...[lo[0]!, hi[0]!].filter((v) => inside(v, win.x)).map((v) => ({ x1: v, x2: v, y1: by0, y2: by1 })),
    ...[lo[1]!, hi[1]!].filter((v) => inside(v, win.y)).map((v) => ({ x1: bx0, x2: bx1, y1: v, y2: v })),
  ].filter((e) => e.x2 > e.x1 || e.y2 > e.y1);
  const coords = { x1: "x1", x2: "x2", y1: "y1", y2: "y2" } as const;
  return {
    shading: outside.length ? [Plot.rect(outside, { ...coords, fill: hatch, className: "nabla-infeasible", ariaDescription: "outside the bounds" })] : [],
    edges: edges.length ? [Plot.link(edges, { ...coords, stroke: LINE, strokeWidth: 1.6, className: "nabla-bounds", ariaDescription: "bounds" })] : [],
  };
}

/** The box as the legend says it: "0 ≤ x ≤ 1, y ≥ −2" (unbounded sides left out). */
function boxText([lo, hi]: [number[], number[]], vars: readonly string[]): string {
  const n = (v: number) => String(Number(v.toPrecision(4))).replace(/^-/, "−");
  return vars
    .map((name, i) => {
      const [a, b] = [lo[i]!, hi[i]!];
      if (Number.isFinite(a) && Number.isFinite(b)) return a === b ? `${name} = ${n(a)}` : `${n(a)} ≤ ${name} ≤ ${n(b)}`;
      if (Number.isFinite(a)) return `${name} ≥ ${n(a)}`;
      return Number.isFinite(b) ? `${name} ≤ ${n(b)}` : "";
    })
    .filter((s) => s !== "")
    .join(", ");
}

/**
 * Puts the hatch pattern the layer's fills point at into the plot's SVG: thin diagonal
 * lines on a faint grey, light enough that f's levels show through, unmistakable in grey
 * scale. Plot has no pattern fill of its own.
 *
 * @example
 * if (layer.hatchId) addHatchPattern(svg, layer.hatchId);
 */
export function addHatchPattern(svg: { insertAdjacentHTML(where: "afterbegin", html: string): void }, id: string): void {
  svg.insertAdjacentHTML(
    "afterbegin",
    `<defs><pattern id="${id}" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">` +
      `<rect width="7" height="7" fill="#000" fill-opacity="0.06"></rect><line x1="0" y1="0" x2="0" y2="7" stroke="${HATCH}" stroke-width="1.2" stroke-opacity="0.7"></line></pattern></defs>`,
  );
}

/**
 * Checks renderPlot's constraint options: bounds as [lower, upper], one number per variable.
 *
 * @example
 * checkConstraintSpec({ vars: ["x", "y"], bounds: [[0, 0], [1, 1]] }); // fine
 */
export function checkConstraintSpec(spec: { vars: readonly string[]; constraints?: readonly PlotConstraint[]; bounds?: [number[], number[]] }): void {
  const { bounds, constraints, vars } = spec;
  if (bounds !== undefined && !(bounds.length === 2 && bounds.every((side) => side.length === vars.length && side.every((v) => typeof v === "number")))) {
    throw new Error(`writePlot: bounds must be [lower, upper] with ${vars.length} numbers each`);
  }
  const bad = constraints?.find((c) => typeof c.fun !== "function" || (c.type !== "eq" && c.type !== "ineq"));
  if (bad) throw new Error(`writePlot: each constraint needs fun (a function) and type "eq" or "ineq", got type ${JSON.stringify(bad.type)}`);
}
