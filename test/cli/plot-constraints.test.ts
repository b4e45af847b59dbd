// `nabla minimize … --subject-to … --bounds … --plot`: the contour map draws each
// constraint's boundary g = 0, hatches the infeasible side of each inequality and outside
// the box, and a run without constraints draws exactly what it drew before.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { np, type Array } from "nabla";
import { main, type Io } from "../../packages/nabla-cli/src/main.js";
import { renderPlot, renderPlotSvg, type PlotSpec } from "../../packages/nabla-cli/src/plot.js";
import { parseSvg, type SvgNode } from "./svg.js";

const ROSEN = "(1-x)^2 + 100*(y-x^2)^2";

const parse = parseSvg;
const panelsOf = (root: SvgNode) => globalThis.Array.from(root.children).filter((c) => c.tagName.toLowerCase() === "svg");
/** The vertices of an SVG path made of M/L commands (Plot's contours). */
const vertices = (d: string): [number, number][] => [...d.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
const translate = (el: SvgNode) => (/translate\(([-\d.e+]+),([-\d.e+]+)\)/.exec(el.getAttribute("transform") ?? "") ?? []).slice(1).map(Number) as [number, number];

/** Pixel → data along one axis, from its first and last tick labels (their text is the value). */
function axisOf(map: SvgNode, axis: "x" | "y"): { toData: (px: number) => number; cell: number } {
  const labels = map.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`);
  const ticks = [labels[0]!, labels[labels.length - 1]!].map((t) => ({ value: Number(t.textContent!.replace("−", "-")), px: translate(t)[axis === "x" ? 0 : 1] }));
  const [a, b] = ticks as [{ value: number; px: number }, { value: number; px: number }];
  const perPixel = (b.value - a.value) / (b.px - a.px);
  const frame = map.querySelector('rect[aria-label="frame"]')!;
  const extent = Number(frame.getAttribute(axis === "x" ? "width" : "height"));
  // One cell of the 120×120 raster, in data units.
  return { toData: (px) => a.value + (px - a.px) * perPixel, cell: (extent * Math.abs(perPixel)) / 120 };
}

/** The frame's pixel box, to keep the vertices the clip shows. */
function frameBox(map: SvgNode) {
  const f = map.querySelector('rect[aria-label="frame"]')!;
  const [x, y, w, h] = ["x", "y", "width", "height"].map((k) => Number(f.getAttribute(k)));
  return (X: number, Y: number) => X >= x! && X <= x! + w! && Y >= y! && Y <= y! + h!;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nabla-plot-constraints-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function plotOf(args: string[]): Promise<{ map: SvgNode; svg: string }> {
  const file = join(dir, `plot-${Math.random().toString(36).slice(2)}.svg`);
  let err = "";
  const io: Io = { out: () => {}, err: (s) => void (err += s), tty: false };
  const code = await main(["minimize", ROSEN, ...args, "--plot", file], io);
  expect(err).toBe("");
  expect(code).toBe(0);
  const svg = await readFile(file, "utf8");
  return { map: panelsOf(parse(svg))[0]!, svg };
}

describe("the disk-constrained Rosenbrock's map", () => {
  let map: SvgNode;
  let svg: string;
  beforeAll(async () => {
    ({ map, svg } = await plotOf(["--from", "x=-1.2,y=1", "--method", "slsqp", "--subject-to", "x^2 + y^2 <= 1"]));
  });

  it("draws the boundary x² + y² = 1: every vertex inside the frame is on the circle within a hundredth of a grid cell", () => {
    const [X, Y] = [axisOf(map, "x"), axisOf(map, "y")];
    const inFrame = frameBox(map);
    const paths = map.querySelectorAll("g.nabla-constraint path");
    expect(paths.length).toBeGreaterThan(0);
    const points = paths.flatMap((p) => vertices(p.getAttribute("d") ?? "")).filter(([px, py]) => inFrame(px, py));
    // The arc crosses the whole window: well over a hundred vertices of the 120×120 raster.
    expect(points.length).toBeGreaterThan(100);
    const cell = Math.max(X.cell, Y.cell);
    const worst = Math.max(...points.map(([px, py]) => Math.abs(Math.hypot(X.toData(px), Y.toData(py)) - 1)));
    expect(worst).toBeLessThan(0.01 * cell);
    // Points all around the visible arc, left and right of the minimum (0.786, 0.618).
    const xs = points.map(([px]) => X.toData(px));
    expect(Math.min(...xs)).toBeLessThan(-0.9);
    expect(Math.max(...xs)).toBeGreaterThan(0.9);
  });

  it("hatches the outside of the disk, not the inside", () => {
    const [X, Y] = [axisOf(map, "x"), axisOf(map, "y")];
    const shaded = map.querySelectorAll("g.nabla-infeasible path");
    expect(shaded.length).toBeGreaterThan(0);
    const radii = shaded.flatMap((p) => vertices(p.getAttribute("d") ?? "")).map(([px, py]) => Math.hypot(X.toData(px), Y.toData(py)));
    // Its outline is the circle and the (clipped) raster border beyond the frame: never inside the disk.
    expect(Math.min(...radii)).toBeGreaterThan(1 - 0.1 * X.cell);
    expect(Math.max(...radii)).toBeGreaterThan(1.5);
    // The fill is the hatch pattern, defined in the same SVG.
    const fill = map.querySelector("g.nabla-infeasible")!.getAttribute("fill")!;
    const id = /^url\(#(.+)\)$/.exec(fill)![1]!;
    expect(map.querySelector(`pattern[id="${id}"]`)).not.toBeNull();
  });

  it("names the constraint and the infeasible side in the legend", () => {
    const legend = map.querySelectorAll('g[aria-label="text"] text').map((t) => t.textContent);
    expect(legend).toContain("— constraint x^2 + y^2 <= 1");
    expect(legend).toContain("▨ infeasible");
    expect(svg).toContain("★ minimum (0.7864, 0.6177)");
  });
});

describe("an equality", () => {
  it("is a line on x = 2y, with no shading", async () => {
    const { map } = await plotOf(["--from", "x=0,y=0", "--subject-to", "x = 2*y"]);
    const [X, Y] = [axisOf(map, "x"), axisOf(map, "y")];
    const inFrame = frameBox(map);
    const points = map.querySelectorAll("g.nabla-constraint path").flatMap((p) => vertices(p.getAttribute("d") ?? "")).filter(([px, py]) => inFrame(px, py));
    expect(points.length).toBeGreaterThan(20);
    for (const [px, py] of points) expect(Math.abs(X.toData(px) - 2 * Y.toData(py))).toBeLessThan(0.1 * X.cell);
    expect(map.querySelector(".nabla-infeasible")).toBeNull();
    expect(map.querySelector("pattern")).toBeNull();
    const legend = map.querySelectorAll('g[aria-label="text"] text').map((t) => t.textContent);
    expect(legend).toContain("— equality x = 2*y");
    expect(legend.some((t) => t?.includes("infeasible"))).toBe(false);
  });
});

describe("bounds", () => {
  it("draws the box's finite edges inside the view (x = 0.5, y = 0) and hatches outside it", async () => {
    const { map } = await plotOf(["--from", "x=-1.2,y=1", "--bounds", "x=-inf:0.5,y=0:inf"]);
    const [X, Y] = [axisOf(map, "x"), axisOf(map, "y")];
    const edges = map.querySelectorAll("g.nabla-bounds path").map((p) => vertices(p.getAttribute("d") ?? "").map(([px, py]) => [X.toData(px), Y.toData(py)]));
    expect(edges).toHaveLength(2);
    const vertical = edges.find(([a, b]) => Math.abs(a![0]! - b![0]!) < 1e-9)!;
    const horizontal = edges.find(([a, b]) => Math.abs(a![1]! - b![1]!) < 1e-9)!;
    // Pixel coordinates are printed to 3 decimals: a thousandth of a pixel in data units.
    expect(Math.abs(vertical[0]![0]! - 0.5)).toBeLessThan(1e-3 * X.cell);
    expect(Math.abs(horizontal[0]![1]!)).toBeLessThan(1e-3 * Y.cell);
    // The vertical edge runs from y = 0 up; the horizontal one from the left up to x = 0.5.
    expect(Math.abs(Math.min(vertical[0]![1]!, vertical[1]![1]!))).toBeLessThan(1e-3 * Y.cell);
    expect(Math.abs(Math.max(horizontal[0]![0]!, horizontal[1]![0]!) - 0.5)).toBeLessThan(1e-3 * X.cell);
    // Two strips outside the box: right of x = 0.5 and below y = 0.
    expect(map.querySelectorAll("g.nabla-infeasible rect")).toHaveLength(2);
    const legend = map.querySelectorAll('g[aria-label="text"] text').map((t) => t.textContent);
    expect(legend).toContain("— bounds x ≤ 0.5, y ≥ 0");
  });
});

describe("without constraints", () => {
  const quad = (x: Array) => x.square().mul(np.array([1, 10])).sum().mul(0.5);
  const path = [[1, 1], [0.9, 0.2], [0.5, 0.05], [0.01, 0]];
  const spec: PlotSpec = {
    f: quad,
    vars: ["x", "y"],
    runs: [{ method: "gd", path, fvals: path.map(([a, b]) => 0.5 * (a! ** 2 + 10 * b! ** 2)), gradNorms: path.map(([a, b]) => Math.hypot(a!, 10 * b!)) }],
    xmin: [0, 0],
  };
  // Plot numbers its clip paths across the process.
  const normal = (svg: string) => svg.replace(/plot-clip-\d+/g, "plot-clip");

  it("draws the elements the map had before constraints were drawn (recorded from plot.ts at c98aafb)", () => {
    const map = panelsOf(parse(renderPlotSvg(spec)))[0]!;
    const elements = globalThis.Array.from(map.children).map((e) => e.tagName.toLowerCase() + (e.getAttribute("aria-label") ? `[${e.getAttribute("aria-label")}]` : ""));
    expect(elements).toEqual([
      "style", "g[y-axis tick]", "g[y-axis tick label]", "g[y-axis label]", "g[x-axis tick]", "g[x-axis tick label]", "g[x-axis label]",
      "g[contour]", "rect[frame]", "clippath", "g[line]", "g[dot]", "g[dot]", "g[text]", "g[text]",
    ]);
    expect(map.querySelector("pattern, .nabla-constraint, .nabla-infeasible, .nabla-bounds")).toBeNull();
  });

  it("no constraints and an unbounded box draw the very same SVG as leaving them out", () => {
    const plain = normal(renderPlotSvg(spec));
    expect(normal(renderPlotSvg({ ...spec, constraints: [], bounds: [[-Infinity, -Infinity], [Infinity, Infinity]] }))).toBe(plain);
  });

  it("a box that does not reach into the view draws nothing either", () => {
    expect(normal(renderPlotSvg({ ...spec, bounds: [[-100, -100], [100, 100]] }))).toBe(normal(renderPlotSvg(spec)));
  });
});

describe("renderPlot's constraint options", () => {
  const disk = (x: Array) => np.asArray(1).sub(x.square().sum());
  const spec: PlotSpec = { f: (x: Array) => x.square().sum(), vars: ["x", "y"], runs: [{ method: "gd", path: [[2, 1], [0, 0]], fvals: [5, 0], gradNorms: [4.5, 0] }] };

  it("leaves out a constraint that is NaN on the whole grid, with a note", () => {
    const { svg, notes } = renderPlot({ ...spec, constraints: [{ fun: (x) => x.sum().mul(NaN), type: "ineq", label: "nan" }, { fun: disk, type: "ineq", label: "disk" }] });
    expect(notes).toEqual(["constraint 1 (nan) not drawn: NaN or infinite on the whole grid"]);
    const map = panelsOf(parse(svg))[0]!;
    expect(map.querySelectorAll("g.nabla-constraint")).toHaveLength(1);
  });

  it("refuses bounds of the wrong shape", () => {
    expect(() => renderPlot({ ...spec, bounds: [[0], [1]] })).toThrow("writePlot: bounds must be [lower, upper] with 2 numbers each");
  });
});
