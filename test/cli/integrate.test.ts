// `nabla integrate`: integrals over finite and infinite ranges in one and several
// variables against closed forms, --json, an integral short of its tolerance (exit 1 with
// the reason) and bad input (exit 2, one line, a caret).
import { describe, expect, it } from "vitest";
import { inProcess, LEAK } from "./helpers.js";

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const r = await inProcess(["integrate", ...args, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("nabla integrate", () => {
  it("∫ e^{−x²} over ℝ = √π, with the error estimate and the evaluations", async () => {
    const r = await inProcess(["integrate", "exp(-x^2)", "--over", "x=-inf:inf"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/integral\s+1\.772453851/);
    expect(r.stdout).toMatch(/evaluations\s+\d+/);
    expect(r.stdout).toMatch(/status\s+converged/);
  });

  it("∫₀¹ x^{−½} = 2 to 1e-10 at tight tolerances; ∫∫ x·y over the unit square = ¼; a Gaussian over ℝ² = π", async () => {
    const sqrt = await json("x^(-0.5)", "--over", "x=0:1", "--epsabs", "1e-12", "--epsrel", "1e-12");
    expect(Math.abs((sqrt.value as number) - 2)).toBeLessThan(1e-10);
    expect(sqrt.nfev).toBeGreaterThan(21);
    const xy = await json("x*y", "--over", "0:1,0:1");
    expect(Math.abs((xy.value as number) - 0.25)).toBeLessThan(1e-14);
    const gauss = await json("exp(-x^2 - y^2)", "--over", "-inf:inf");
    expect(Math.abs((gauss.value as number) - Math.PI)).toBeLessThan(1e-8);
    expect(gauss.over).toEqual([["-Infinity", "Infinity"], ["-Infinity", "Infinity"]]);
  });

  it("an integral short of its tolerance prints the result, then the reason, and exits 1", async () => {
    const r = await inProcess(["integrate", "sin(1/x)", "--over", "x=0:1", "--limit", "10"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/integral\s+0\.50/);
    expect(r.stderr).toMatch(/subdivision limit \(10\) was reached/);
  });

  it.each([
    [["x", "--over", "x=1:0"], /--over: the range of x must have lo < hi, got 1:0/],
    [["x"], /--over is required/],
    [["x", "--over", "x=0:1", "--epsabs", "-1"], /--epsabs: expected a positive number/],
    [["x*y", "--over", "x=0:1"], /--over: expected 2 values|--over: .*y/],
    [["2", "--over", "0:1"], /integrate needs a variable/],
  ])("bad input %j: exit 2 and one line", async (args, message) => {
    const r = await inProcess(["integrate", ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toMatch(LEAK);
  });
});
