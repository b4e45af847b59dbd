// A finished run is never lost to its plot: f NaN or infinite on the whole contour grid,
// a path too long for a spread (Math.min(...xs) overflows the stack at ~125,000 values),
// a coordinate stuck at 2e300 while the other moves, or values that are anything at all:
// the figure is drawn (maybe without its contour map, which is then said) or, failing
// that, the result is still printed.
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { np, type Array as Tensor } from "nabla";
import { renderPlot, renderPlotSvg, type PlotRun } from "../../packages/nabla-cli/src/plot.js";
import { runs } from "../setup.js";
import { inProcess } from "./helpers.js";

const quad = (x: Tensor) => x.square().sum();
const panels = (svg: string) => svg.match(/<svg /g)!.length - 1;

describe("plots that used to fail", () => {
  it("f NaN on the whole grid: the convergence curves alone, and a note saying why", () => {
    const nan = (x: Tensor) => np.log(x.square().sum().neg());
    const run: PlotRun = { method: "gd", path: [[1, 1], [0.5, 0.5]], fvals: [NaN, NaN], gradNorms: [2, 1] };
    const { svg, notes } = renderPlot({ f: nan, vars: ["x", "y"], runs: [run] });
    expect(notes).toEqual(["no contour map: f is NaN or infinite on the whole grid around the path"]);
    expect(panels(svg)).toBe(1);
    expect(svg).not.toContain('aria-label="contour"');
  });

  it("a 10⁶-point path plots (no spread of it), with its true step count", () => {
    const n = 1_000_000;
    const path = Array.from({ length: n }, (_, k) => [0.999999 ** k, 0.5 * 0.999999 ** k]);
    const gradNorms = path.map(([a]) => 2 * a!);
    const run: PlotRun = { method: "gd", path, fvals: path.map(([a, b]) => a! * a! + b! * b!), gradNorms };
    const { svg, notes } = renderPlot({ f: quad, vars: ["x", "y"], runs: [run], xmin: [0, 0] });
    expect(notes).toEqual([]);
    expect(svg).toContain('aria-label="contour"');
    expect(svg).toContain(`● gd (${n - 1} steps)`);
  }, 60000);

  it("x stuck at 2e300 while y moves: a window float64 can draw, not ~10¹⁶ ticks", () => {
    const run: PlotRun = { method: "gd", path: [[2e300, 1], [2e300, 0.5], [2e300, 0]], fvals: [1, 0.25, 0], gradNorms: [2, 1, 0] };
    const { svg } = renderPlot({ f: (x: Tensor) => x.slice(1).square(), vars: ["x", "y"], runs: [run] });
    expect(panels(svg)).toBe(2);
  });

  it("a thinned path is drawn at its true iterations", () => {
    const run: PlotRun = { method: "gd", path: [[1, 1], [0.5, 0.5], [0.25, 0.25]], fvals: [2, 0.5, 0.125], gradNorms: [2, 1, 0.5], nits: [0, 512, 700] };
    const svg = renderPlotSvg({ f: quad, vars: ["x", "y"], runs: [run] });
    expect(svg).toContain("● gd (700 steps)");
    expect(svg).toContain("gd x512 = (0.5, 0.5)");
  });
});

describe("renderPlot on anything", () => {
  const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1e-300, 1e300, -1e300, NaN, Infinity, -Infinity, 5e-324));
  const run = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      method: fc.constantFrom("gd", "newton"),
      path: fc.array(fc.tuple(value, value), { minLength: n, maxLength: n }),
      fvals: fc.array(value, { minLength: n, maxLength: n }),
      gradNorms: fc.array(value, { minLength: n, maxLength: n }),
    }),
  );

  it("property: any values give an SVG (maybe without a contour map, then with a note), never an exception", () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 3 }), fc.option(fc.tuple(value, value)), (rs, xmin) => {
        const { svg, notes } = renderPlot({ f: quad, vars: ["x", "y"], runs: rs as PlotRun[], ...(xmin ? { xmin } : {}) });
        expect(svg.startsWith("<svg")).toBe(true);
        expect(panels(svg)).toBe(notes.length === 0 ? 2 : 1);
      }),
      { numRuns: runs(40) },
    );
  }, 120000);
});

describe("in the command: the result first, whatever the plot", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-nan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("f NaN everywhere: the result is printed, the plot written with a note, exit 0", async () => {
    const file = join(dir, "nan.svg");
    const r = await inProcess(["minimize", "log(-x^2-y^2)", "--from", "1,1", "--plot", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/status +nonFinite \(no success\)/);
    expect(r.stdout).toContain(`plot written to ${file} (no contour map: f is NaN or infinite on the whole grid around the path)`);
  });
});
