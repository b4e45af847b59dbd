// Long minimize runs keep a bounded path: 10⁶ iterations come back with at most PATH_POINTS
// iterates, each with its true iteration number, and the table, the JSON and the plot
// show true k. (Memory itself is measured outside the tests: RSS stays flat over 10⁸
// iterations; here only the bound and the correctness of what is kept are checked.)
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PATH_POINTS, pathPoints } from "../../packages/nabla-cli/src/optimize.js";
import { inProcess } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-long-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// gd with η = 1e-7 on x² + y²: x_k = (1 − 2e-7)^k = e^{−0.2} ≈ 0.82 after 10⁶ steps, far
// from converged, and one step changes x by 2e-7 relative: enough to tell k from k ± 1.
const RUN = ["minimize", "x^2 + y^2", "--from", "1,1", "--method", "gd", "--lr", "1e-7", "--max-iter", "1000000"];
const iterate = (k: number) => (1 - 2e-7) ** k;

describe("a 10⁶-iteration run", () => {
  it("--json: at most PATH_POINTS points, first and last included, each the iterate its nit says", async () => {
    const r = await inProcess([...RUN, "--json"]);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.result).toMatchObject({ status: "maxIter", nit: 1000000 });
    const path: { nit: number; x: number[] }[] = record.path;
    expect(path.length).toBeLessThanOrEqual(PATH_POINTS);
    expect(path.length).toBeGreaterThan(PATH_POINTS / 4);
    expect(path[0]!.nit).toBe(0);
    expect(path[path.length - 1]!.nit).toBe(1000000);
    expect(path[path.length - 1]!.x).toEqual(record.result.x);
    // Evenly thinned: one stride between all points but the last.
    const stride = path[1]!.nit - path[0]!.nit;
    path.slice(0, -1).forEach((p, i) => expect(p.nit).toBe(i * stride));
    for (const p of path.filter((_, i) => i % 500 === 0 || i === path.length - 1)) expect(Math.abs(p.x[0]! / iterate(p.nit) - 1)).toBeLessThan(2e-8);
  }, 60000);

  it("the table shows true k, rows near every multiple of --every, and says how it thinned", async () => {
    const r = await inProcess([...RUN, "--every", "100000", "--plot", join(dir, "long.svg")]);
    expect(r.code).toBe(0);
    const ks = r.stdout.split("\n").filter((l) => /^\s*\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(ks[0]).toBe(0);
    expect(ks[ks.length - 1]).toBe(1000000);
    expect(ks).toHaveLength(11);
    // Each row is the first kept iterate at or after 100000·j: within one stride of it.
    ks.slice(1, -1).forEach((k, j) => {
      expect(k).toBeGreaterThanOrEqual(100000 * (j + 1));
      expect(k - 100000 * (j + 1)).toBeLessThan(256);
    });
    expect(r.stdout).toMatch(/a run this long keeps one iterate in \d+/);
    // The plot's legend counts steps, not kept points.
    expect(readFileSync(join(dir, "long.svg"), "utf8")).toContain("● gd (1000000 steps)");
  }, 60000);

  it("many variables keep fewer iterates: about 10⁶ coordinates in all", async () => {
    expect([pathPoints(2), pathPoints(600), pathPoints(100000)]).toEqual([PATH_POINTS, 1666, 100]);
    // 200 variables keep 5000 iterates: 6000 iterations are thinned.
    const n = 200;
    const expr = Array.from({ length: n }, (_, i) => `x${i}^2`).join(" + ");
    const r = await inProcess(["minimize", expr, "--from", Array(n).fill("1").join(","), "--method", "gd", "--lr", "1e-6", "--max-iter", "6000", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const path: { nit: number; x: number[] }[] = JSON.parse(r.stdout).path;
    expect(path.length).toBeLessThanOrEqual(pathPoints(n));
    expect(path[path.length - 1]!.nit).toBe(6000);
    expect(path[path.length - 1]!.x).toHaveLength(n);
  }, 60000);

  it("--help says the path is bounded", async () => {
    const r = await inProcess(["minimize", "--help"]);
    expect(r.stdout).toMatch(new RegExp(`at most ${PATH_POINTS} iterates`));
  });
});
