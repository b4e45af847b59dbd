// `nabla critical`: the table of critical points in a box, --json, --plot (contour map or
// graph, points marked by kind), and bad input (exit 2, one line, a caret). Runs in this
// process through main, plus one child process for the command as installed.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBox } from "../../packages/nabla-cli/src/box.js";
import { renderCriticalPlot } from "../../packages/nabla-cli/src/critical-plot.js";
import { parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { expectClose } from "../helpers.js";
import { inProcess, LEAK, processRun } from "./helpers.js";

const CUBIC = "x^3 - 3*x + y^2";
const CAMEL = "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2";
const dir = mkdtempSync(join(tmpdir(), "nabla-critical-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ok(...args: string[]): Promise<string> {
  const r = await inProcess(["critical", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

async function bad(...args: string[]): Promise<string> {
  const r = await inProcess(["critical", ...args]);
  expect(r.code, r.stdout).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).not.toMatch(LEAK);
  return r.stderr;
}

describe("nabla critical", () => {
  it("x³ − 3x + y² in [−3, 3]²: a minimum at (1, 0) and a saddle at (−1, 0), as a table", async () => {
    expect(await ok(CUBIC, "--box", "x=-3:3,y=-3:3", "--starts", "40")).toBe(
      [
        "f(x, y)  x^3 - 3*x + y^2",
        "box      x in [-3, 3], y in [-3, 3]",
        "starts   40 (seed 0): 40 converged (40 by Newton, 0 after the fallback), 0 outside the box, 0 failed",
        "found    2 critical points: 1 minimum, 1 saddle",
        "",
        "kind      f   x  y  Hessian eigenvalues",
        "minimum  -2   1  0               (2, 6)",
        "saddle    2  -1  0              (-6, 2)",
        "",
      ].join("\n"),
    );
  });

  it("the six-hump camel: 15 points, 6 minima, 2 maxima, 7 saddles; --json keeps every digit", async () => {
    const text = await ok(CAMEL, "--box", "x=-3:3,y=-2:2", "--starts", "150", "--seed", "1");
    expect(text).toContain("found    15 critical points: 6 minima, 2 maxima, 7 saddles\n");
    expect(text).toMatch(/\nminimum +-1.031628 +-0.08984201 +0.7126564 +\(7.682251, 16.4932\)\n/);
    // The saddle at the origin prints as 0 (Newton lands within ~1e-20 of it).
    expect(text).toMatch(/\nsaddle +0 +0 +0 +\(-8.062258, 8.062258\)\n/);
    const r = await inProcess(["critical", CAMEL, "--box", "x=-3:3,y=-2:2", "--starts", "150", "--seed", "1", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ command: "critical", expression: CAMEL, vars: ["x", "y"], box: [[-3, 3], [-2, 2]], starts: 150, seed: 1 });
    expect(j.counts).toEqual({ minimum: 6, maximum: 2, saddle: 7, degenerate: 0 });
    expect(j.points).toHaveLength(15);
    expectClose(j.points[0].x, [-0.08984201310031806, 0.7126564030207396], 1e-9);
    expectClose(j.points[0].value, -1.0316284534898774, 1e-13);
    expect(j.points[14]).toMatchObject({ kind: "maximum", index: 2 });
  });

  it("--box takes names in any order, values in variable order, or one range for all; bounds are constant expressions", () => {
    const vars = ["x", "y"];
    expect(parseBox("y=-1:1,x=0:2", vars)).toEqual([[0, 2], [-1, 1]]);
    expect(parseBox("0:2,-1:1", vars)).toEqual([[0, 2], [-1, 1]]);
    expect(parseBox("-5:5", vars)).toEqual([[-5, 5], [-5, 5]]);
    expect(parseBox("x=-pi:pi,y=atan2(1,1):2", vars)).toEqual([[-Math.PI, Math.PI], [Math.PI / 4, 2]]);
    expect(parseBox(" -1 : 1 ", ["t"])).toEqual([[-1, 1]]);
  });

  it("--seed picks the starts: the same seed, the same record", async () => {
    const args = [CAMEL, "--box", "x=-3:3,y=-2:2", "--starts", "30", "--json"];
    const a = await inProcess(["critical", ...args, "--seed", "5"]);
    const b = await inProcess(["critical", ...args, "--seed", "5"]);
    expect(b.stdout).toBe(a.stdout);
    const c = await inProcess(["critical", ...args, "--seed", "6"]);
    expect(JSON.parse(c.stdout).seed).toBe(6);
  });

  it("one variable: x⁴ − 2x² has minima at ±1 and a maximum at 0; --plot draws its graph", async () => {
    const file = join(dir, "quartic.svg");
    const text = await ok("x^4 - 2*x^2", "--box", "-2:2", "--plot", file);
    expect(text).toContain("found   3 critical points: 2 minima, 1 maximum\n");
    expect(text).toContain("\nmaximum   0   0                 (-4)\n");
    expect(text.endsWith(`plot written to ${file}\n`)).toBe(true);
    const svg = readFileSync(file, "utf8");
    expect(svg).toMatch(/^<svg xmlns/);
    expect(svg).toContain("2 minima");
    expect(svg).toContain("maximum at (0), f = 0");
  });

  it("--plot marks every point by kind on the contour map, in SVG or PNG", async () => {
    const svgFile = join(dir, "camel.svg");
    await ok(CAMEL, "--box", "x=-3:3,y=-2:2", "--starts", "150", "--seed", "1", "--plot", svgFile);
    const svg = readFileSync(svgFile, "utf8");
    for (const legend of ["6 minima", "2 maxima", "7 saddles"]) expect(svg).toContain(legend);
    // One hover title per point.
    expect(svg.match(/<title>(minimum|maximum|saddle) at /g)).toHaveLength(15);
    expect(svg).toContain("<title>saddle at (0, 0), f = 0</title>");
    const pngFile = join(dir, "camel.png");
    await ok(CAMEL, "--box", "x=-3:3,y=-2:2", "--starts", "40", "--plot", pngFile);
    expect([...readFileSync(pngFile).subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    // Nothing found is still a figure, that says so.
    const none = renderCriticalPlot({ f: parseExpr("x + y").f, vars: ["x", "y"], box: [[-1, 1], [-1, 1]], points: [] });
    expect(none).toContain("no critical point found");
  });

  it("a plot that cannot be written comes after the result: exit 1, the table printed, the reason on stderr", async () => {
    const r = await inProcess(["critical", "x^2 - y^2", "--box", "-3:3", "--starts", "10", "--plot", "/dev/null/x.svg"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("\nsaddle  0  0  0              (-2, 2)\n");
    expect(r.stdout).not.toContain("plot written");
    expect(r.stderr).toBe('nabla: --plot: cannot write "/dev/null/x.svg": ENOTDIR\n');
    const j = await inProcess(["critical", "x^2 - y^2", "--box", "-3:3", "--starts", "10", "--plot", "/dev/null/x.svg", "--json"]);
    expect(JSON.parse(j.stdout)).toMatchObject({ counts: { saddle: 1 }, error: '--plot: cannot write "/dev/null/x.svg": ENOTDIR', exitCode: 1 });
    expect(JSON.parse(j.stdout).plot).toBeUndefined();
  });

  it("bad input: exit 2 with one line of reason (and a caret into the option's text)", async () => {
    expect(await bad(CUBIC)).toBe("nabla: --box is required: give x=-5:5,y=-5:5 (a range lo:hi for each of x, y) or one range -5:5 for all\n");
    expect(await bad(CUBIC, "--box", "x=-1:1")).toBe("nabla: --box: no value for y (column 7)\n  x=-1:1\n        ^\n");
    expect(await bad(CUBIC, "--box", "x=1:-1,y=0:1")).toBe("nabla: --box: the range of x must be finite with lo < hi, got 1:-1 (column 1)\n  x=1:-1,y=0:1\n  ^\n");
    expect(await bad(CUBIC, "--box", "x=-1:1,y=0:1+")).toBe("nabla: --box: expected expression after + (column 14)\n  x=-1:1,y=0:1+\n               ^\n");
    expect(await bad(CUBIC, "--box", "x=-1,y=0:1")).toBe('nabla: --box: expected a range lo:hi, e.g. -5:5, got "-1" (column 3)\n  x=-1,y=0:1\n    ^\n');
    expect(await bad(CUBIC, "--box", "x=-1:1,z=0:1")).toMatch(/^nabla: --box: "z" is not a variable of the expression \(variables: x, y\)/);
    expect(await bad(CUBIC, "--box", "-1:1", "--starts", "0")).toMatch(/^nabla: --starts: expected an integer from 1 to 2\^53 − 1, got "0"/);
    expect(await bad(CUBIC, "--box", "-1:1", "--starts", "1000001")).toBe("nabla: --starts: at most 100000 (all starts are advanced together, in memory), got 1000001\n");
    expect(await bad(CUBIC, "--box", "-1:1", "--seed", "-1")).toMatch(/^nabla: --seed: expected an integer from 0 to 2\^53 − 1, got "-1"/);
    expect(await bad("x^2 + y^2 + z^2", "--box", "-1:1", "--plot", join(dir, "a.svg"))).toBe("nabla: --plot: a plot needs one or two variables, and f(x, y, z) has 3\n");
    expect(await bad(CUBIC, "--box", "-1:1", "--plot", join(dir, "a.txt"))).toMatch(/^nabla: --plot: the file must end in .svg or .png/);
    expect(await bad("2 + 3", "--box", "-1:1")).toMatch(/^nabla: critical needs a variable, and the expression has none/);
    // --json: the failure as a record too.
    const r = await inProcess(["critical", CUBIC, "--box", "x=1:-1,y=0:1", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual({ error: "--box: the range of x must be finite with lo < hi, got 1:-1", column: 1, exitCode: 2 });
  });

  it("no critical point (x + y) and points only outside the box are reported, not errors", async () => {
    const text = await ok("x + y", "--box", "-1:1", "--starts", "5");
    expect(text).toBe(
      ["f(x, y)  x + y", "box      x in [-1, 1], y in [-1, 1]", "starts   5 (seed 0): 0 converged (0 by Newton, 0 after the fallback), 0 outside the box, 5 failed", "found    0 critical points", ""].join("\n"),
    );
    expect(await ok("(x - 3)^2", "--box", "-1:1", "--starts", "4")).toContain("4 converged (4 by Newton, 0 after the fallback), 4 outside the box, 0 failed\nfound   0 critical points\n");
  });

  it("is listed in --help, and runs as a process", async () => {
    expect((await inProcess(["--help"])).stdout).toContain("critical EXPR --box x=-5:5,y=-5:5 [--starts N] [--seed S] [--plot out.svg]");
    const help = (await inProcess(["critical", "--help"])).stdout;
    expect(help).toMatch(/^usage: nabla critical EXPR --box/);
    expect(help).toContain("--seed");
    const p = await processRun(["critical", "x^2 - y^2", "--box", "-1:1", "--starts", "5"]);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain("found    1 critical point: 1 saddle\n");
    expect(existsSync(dir)).toBe(true);
  }, 60000);
});
