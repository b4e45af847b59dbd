import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimize, np, type Array } from "nabla";
import { FONT_FILES, renderPlotSvg, renderPng, writePlot, type PlotRun } from "../../packages/nabla-cli/src/plot.js";
import { errorOf } from "../helpers.js";
import { parseSvg, type SvgNode } from "./svg.js";

// ½(x₁² + 10x₂²): the minimum is at 0; GD with η = 0.1 from (1, 1) goes to (0.9, 0), then
// shrinks x₁ by 0.9 per step.
const quad = (x: Array) => x.square().mul(np.array([1, 10])).sum().mul(0.5);
const quadJs = ([a, b]: number[]) => 0.5 * (a! * a! + 10 * b! * b!);

function runOf(f: (x: Array) => Array, x0: number[], method: "gd" | "newton", extra: object = {}): PlotRun {
  const path = minimize(f, np.array(x0), { method, recordPath: true, ...extra }).path!;
  return { method, path: path.map((p) => p.x), fvals: path.map((p) => p.f), gradNorms: path.map((p) => p.gradNorm) };
}

const parse = parseSvg;

/** The vertices of an SVG path made of M/L commands (Plot's lines and contours). */
function vertices(d: string): [number, number][] {
  return [...d.matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

const panelsOf = (root: SvgNode) => globalThis.Array.from(root.children).filter((c) => c.tagName.toLowerCase() === "svg");

describe("renderPlotSvg, two variables", () => {
  const gd = runOf(quad, [1, 1], "gd", { lr: 0.1, maxIter: 6 });
  const newton = runOf(quad, [1, 1], "newton");
  const svg = renderPlotSvg({ f: quad, vars: ["x₁", "x₂"], runs: [gd, newton], xmin: [0, 0] });
  const root = parse(svg);
  const [map, curves] = panelsOf(root) as [SvgNode, SvgNode];

  // Pixel ↔ data along each axis, from GD's first two iterates (1, 1) and (0.9, 0), read
  // off their dots (whose titles carry the coordinates).
  const dots = map.querySelectorAll("circle");
  const dotAt = (title: string) => {
    const dot = dots.find((c) => c.querySelector("title")?.textContent?.startsWith(title));
    expect(dot, `a dot titled "${title}"`).toBeDefined();
    return [Number(dot!.getAttribute("cx")), Number(dot!.getAttribute("cy"))] as const;
  };
  const [X0, Y0] = dotAt("gd x0 = (1, 1)");
  const [X1, Y1] = dotAt("gd x1 = (0.9, 0)");
  const toPixel = ([x, y]: number[]) => [X0 + ((x! - 1) * (X0 - X1)) / 0.1, Y1 + y! * (Y0 - Y1)];
  const toData = ([X, Y]: number[]) => [1 + ((X! - X0) * 0.1) / (X0 - X1), (Y! - Y1) / (Y0 - Y1)];

  it("puts the contour map and the convergence curves side by side in one SVG", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(panelsOf(root)).toHaveLength(2);
    expect(map.querySelector('g[aria-label="contour"]')).not.toBeNull();
    expect(curves.querySelector('g[aria-label="contour"]')).toBeNull();
  });

  it("draws the contours of f: every interior vertex of a level line has (nearly) the same f", () => {
    const paths = map.querySelectorAll('g[aria-label="contour"] path');
    expect(paths.length).toBeGreaterThanOrEqual(10);
    const all = paths.flatMap((p) => vertices(p.getAttribute("d") ?? ""));
    const xs = all.map((v) => v[0]);
    const ys = all.map((v) => v[1]);
    const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    let checked = 0;
    for (const path of paths) {
      // Filled level sets also run along the frame; only the level curve itself is checked.
      const inside = vertices(path.getAttribute("d") ?? "").filter(([X, Y]) => X > left + 6 && X < right - 6 && Y > top + 6 && Y < bottom - 6);
      if (inside.length < 3) continue;
      const fs = inside.map((v) => quadJs(toData(v)));
      const mean = fs.reduce((s, v) => s + v, 0) / fs.length;
      for (const v of fs) expect(Math.abs(v - mean)).toBeLessThanOrEqual(0.03 * mean + 1e-3);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
    // The levels nest around the minimum: some level curve lies close to it.
    const [Xs, Ys] = toPixel([0, 0]);
    const nearest = Math.min(...all.map(([X, Y]) => Math.hypot(X - Xs!, Y - Ys!)));
    expect(nearest).toBeLessThan(0.05 * (right - left));
  });

  it("draws each run's path as a line through its iterates", () => {
    const lines = map.querySelectorAll('g[aria-label="line"] path');
    expect(lines).toHaveLength(2);
    for (const [i, run] of [gd, newton].entries()) {
      const vs = vertices(lines[i]!.getAttribute("d")!);
      expect(vs).toHaveLength(run.path.length);
      vs.forEach((v, k) => {
        const [X, Y] = toPixel(run.path[k]!);
        // Plot writes path coordinates to 3 decimals.
        expect(Math.abs(v[0] - X!)).toBeLessThan(1e-3);
        expect(Math.abs(v[1] - Y!)).toBeLessThan(1e-3);
      });
    }
    expect(gd.path).toHaveLength(7);
    expect(dots).toHaveLength(gd.path.length + newton.path.length);
  });

  it("marks the minimum and names every run in the legend", () => {
    const star = map.querySelectorAll('g[aria-label="dot"] path').find((p) => p.querySelector("title")?.textContent === "minimum (0, 0)");
    expect(star).toBeDefined();
    const [X, Y] = toPixel([0, 0]);
    const [, tx, ty] = /translate\(([\d.e+-]+),([\d.e+-]+)\)/.exec(star!.getAttribute("transform") ?? "") ?? [];
    expect(Math.abs(Number(tx) - X!)).toBeLessThan(1e-6);
    expect(Math.abs(Number(ty) - Y!)).toBeLessThan(1e-6);
    const legend = map.querySelectorAll('g[aria-label="text"]').map((t) => t.textContent);
    expect(legend).toEqual(["● gd (6 steps)", "● newton (1 step)", "★ minimum (0, 0)"]);
  });

  it("draws ‖∇f‖ and f − f* per iteration on log axes, one line per run", () => {
    const labels = curves.querySelectorAll('g[aria-label="fy-axis tick label"] text').map((t) => t.textContent);
    expect(labels).toEqual(["‖∇f‖", "f − f*"]);
    // One line mark per run, holding one path per facet (‖∇f‖ above, f − f* below).
    const marks = curves.querySelectorAll('g[aria-label="line"]');
    expect(marks).toHaveLength(2);
    const [gdFacets, newtonFacets] = marks.map((m) => m.querySelectorAll("path"));
    expect(gdFacets).toHaveLength(2);
    expect(newtonFacets).toHaveLength(2);
    for (const line of gdFacets!) {
      // After GD's first step ‖∇f‖ = 0.9ᵏ and f = ½·0.81ᵏ: a geometric sequence is a
      // straight line on a log axis, i.e. equal pixel steps.
      const vs = vertices(line.getAttribute("d")!).slice(1);
      expect(vs).toHaveLength(gd.path.length - 1);
      const dy = vs.slice(1).map((v, k) => v[1] - vs[k]![1]);
      const dx = vs.slice(1).map((v, k) => v[0] - vs[k]![0]);
      for (const d of dy) expect(Math.abs(d - dy[0]!)).toBeLessThan(0.01);
      for (const d of dx) expect(Math.abs(d - dx[0]!)).toBeLessThan(0.01);
      expect(dy[0]).toBeGreaterThan(0); // falling: SVG's y grows downwards
    }
  });
});

describe("renderPlotSvg, any dimension", () => {
  const f3 = (x: Array) => x.square().mul(np.array([1, 2, 3])).sum();

  it("draws the convergence curves alone for three variables", () => {
    const runs = [runOf(f3, [1, 1, 1], "gd", { lr: 0.1, maxIter: 20 }), runOf(f3, [1, 1, 1], "newton")];
    const root = parse(renderPlotSvg({ f: f3, vars: ["a", "b", "c"], runs }));
    const panels = panelsOf(root);
    expect(panels).toHaveLength(1);
    expect(root.querySelector('g[aria-label="contour"]')).toBeNull();
    const lines = root.querySelectorAll('g[aria-label="line"] path');
    expect(lines).toHaveLength(2); // one per run; no xmin, so ‖∇f‖ only
    expect(root.querySelectorAll('g[aria-label="fy-axis tick label"] text').map((t) => t.textContent)).toEqual(["‖∇f‖"]);
    expect(vertices(lines[0]!.getAttribute("d")!)).toHaveLength(21);
  });

  it("draws an exact zero (no place on a log axis) as an open circle on a floor, and says so", () => {
    const run: PlotRun = { method: "newton", path: [[1, 1, 1], [0, 0, 0]], fvals: [6, 0], gradNorms: [6, 0] };
    const root = parse(renderPlotSvg({ f: f3, vars: ["a", "b", "c"], runs: [run] }));
    const zero = root.querySelectorAll("circle").find((c) => c.querySelector("title")?.textContent === "newton k=1: ‖∇f‖ = 0");
    expect(zero?.getAttribute("fill")).toBe("white");
    expect(root.querySelectorAll('g[aria-label="text"]').map((t) => t.textContent)).toContain("○ exactly 0 (drawn at 0.6)");
  });

  it("rejects a spec without runs", () => {
    expect(errorOf(() => renderPlotSvg({ f: quad, vars: ["x", "y"], runs: [] }))).toMatch(/no runs/);
  });
});

describe("renderPlotSvg, an f that cannot be batched", () => {
  it("evaluates the grid point by point when vmap cannot trace f", () => {
    // A JavaScript `if` on a value: vmap refuses it, so the grid is sampled one point at a time.
    const kinked = (x: Array) => ((x.slice(0).item() as number) > 0 ? quad(x) : quad(x).mul(2));
    const root = parse(renderPlotSvg({ f: kinked, vars: ["x", "y"], runs: [runOf(quad, [1, 1], "newton")], xmin: [0, 0] }));
    expect(root.querySelectorAll('g[aria-label="contour"] path').length).toBeGreaterThanOrEqual(10);
  });
});

describe("writePlot", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nabla-plot-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const spec = { f: quad, vars: ["x₁", "x₂"], runs: [runOf(quad, [1, 1], "gd", { lr: 0.1, maxIter: 5 })], xmin: [0, 0] };

  it("writes SVG, and PNG through resvg for a .png path", async () => {
    await writePlot(join(dir, "out.svg"), spec);
    await writePlot(join(dir, "out.png"), spec);
    const text = await readFile(join(dir, "out.svg"), "utf8");
    expect(text).toContain('aria-label="contour"');
    const png = await readFile(join(dir, "out.png"));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: the width and height, at twice the SVG's size.
    const width = Number(/<svg[^>]* width="(\d+)"/.exec(text)![1]);
    expect(png.readUInt32BE(16)).toBe(2 * width);
  });

  /** Pixels of the RGBA image that are not white: ink. */
  const ink = (svg: string, zoom = 1) => {
    const px = renderPng(svg, zoom).pixels;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! < 250 || px[i + 1]! < 250 || px[i + 2]! < 250) n++;
    return n;
  };
  const textSvg = (weight: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="8" y="28" font-family="DejaVu Sans" font-size="20" font-weight="${weight}">‖∇f‖ − 1.5e-3</text></svg>`;

  it("draws text in the shipped DejaVu Sans, regular and bold, with no system fonts", async () => {
    // The files ship with the package (its "files" has fonts/), beside their licence.
    for (const file of FONT_FILES) expect((await readFile(file)).subarray(0, 4)).toEqual(Buffer.from([0, 1, 0, 0])); // TrueType
    const fonts = new URL("../../packages/nabla-cli/fonts/", import.meta.url);
    expect(await readFile(new URL("LICENSE-DejaVu.txt", fonts), "utf8")).toMatch(/Bitstream Vera/);
    const pkg = JSON.parse(await readFile(new URL("../../packages/nabla-cli/package.json", import.meta.url), "utf8"));
    expect(pkg.files).toContain("fonts");
    // A text-only SVG: without a font resvg draws nothing at all, so the ink is the text.
    const regular = ink(textSvg("normal"));
    expect(regular).toBeGreaterThan(300);
    // Bold is its own file: thicker strokes, more ink (a missing bold would fall back to regular).
    expect(ink(textSvg("bold"))).toBeGreaterThan(1.2 * regular);
  });

  it("the PNG plot carries its labels: removing the SVG's text removes ink", () => {
    const svg = renderPlotSvg(spec);
    const bare = svg.replace(/<text\b[\s\S]*?<\/text>/g, "");
    expect(bare.length).toBeLessThan(svg.length);
    // Axis labels, tick values and the legend are thousands of pixels at zoom 1.
    expect(ink(svg) - ink(bare)).toBeGreaterThan(2000);
  });
});
