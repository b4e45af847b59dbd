// Inputs at scale: long flat sums parse (the depth limit counts real nesting, not the
// length of a chain like x0^2 + … + x599^2, which jsep nests on the left), and however
// long the input, a message quotes at most a couple of hundred characters of it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { np } from "nabla";
import { parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { runs } from "../setup.js";
import { inProcess, LEAK } from "./helpers.js";

const sumOfSquares = (n: number) => Array.from({ length: n }, (_, i) => `x${i}^2`).join(" + ");

describe("long flat expressions", () => {
  it("x0^2 + … + x599^2: 600 variables, the value, the gradient and a minimize run", async () => {
    const at = Array.from({ length: 600 }, (_, i) => String(i % 3)).join(",");
    const g = await inProcess(["grad", sumOfSquares(600), "--at", at, "--json"]);
    expect(g.code, g.stderr).toBe(0);
    const record = JSON.parse(g.stdout);
    expect(record.vars).toHaveLength(600);
    expect(record.value).toBe(200 * (0 + 1 + 4));
    expect(record.grad).toEqual(Array.from({ length: 600 }, (_, i) => 2 * (i % 3)));
    const m = await inProcess(["minimize", sumOfSquares(600), "--from", at, "--method", "lbfgs", "--json"]);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout).result.status).toBe("converged");
  }, 60000);

  it("a chain of 10⁵ terms, of sums or of products, is one level deep and evaluates left to right", () => {
    const sum = parseExpr(Array(100000).fill("x").join(" - "));
    expect(sum.f(np.array([1])).item()).toBe(1 - 99999);
    const product = parseExpr(Array(100000).fill("x").join("*"));
    expect(product.f(np.array([1.000001])).item()).toBe(Array(99999).fill(1.000001).reduce((a, b) => a * b, 1.000001));
    // Mixed operators of one precedence, in order: ((a − b) + c) − d.
    expect(parseExpr("a - b + c - d").f(np.array([1, 2, 3, 4])).item()).toBe(-2);
    expect(parseExpr("a / b * c / d").f(np.array([1, 2, 3, 4])).item()).toBe(1 / 2 * 3 / 4);
  });

  it("real nesting is still limited: 600 levels of calls, powers or signs are refused as bad input", async () => {
    for (const text of ["sin(".repeat(600) + "x" + ")".repeat(600), "2^".repeat(600) + "x", "-(".repeat(600) + "x" + ")".repeat(600)]) {
      const r = await inProcess(["eval", text, "--at", "1"]);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^nabla: the expression is nested (more than 500 deep|too deeply) \(column \d+\)$/);
    }
  });

  it("max(x1, …, x200000): a call with 200,000 arguments, no stack overflow", () => {
    const args = Array.from({ length: 200000 }, (_, i) => `${i % 7}*x`).join(",");
    expect(parseExpr(`max(${args})`).f(np.array([2])).item()).toBe(12);
  });
});

describe("long input, short messages", () => {
  const huge = "q".repeat(100000);
  const cases: string[][] = [
    [huge],
    ["eval", "x", "--at", "1", `--${huge}`],
    ["eval", `${huge}(x)`, "--at", "1"],
    ["eval", `x + ${huge}`, "--vars", "x", "--at", "1"],
    ["eval", `1${"0".repeat(400)}*x`, "--at", "1"],
    ["eval", "x", "--at", `${huge}=1`],
    ["eval", "x", "--vars", `x,${huge}-`],
    ["eval", "x", "y", huge],
    ["minimize", "x^2", "--from", "1", "--max-iter", huge],
    ["minimize", "x^2", "--from", "1", "--method", huge],
    ["minimize", "x^2", "--from", "1", "--plot", huge],
    ["eval", sumOfSquares(600)],
    // 200,000 arguments after "--" (pushed one by one: a spread of them overflows the stack).
    ["eval", "--at", "1", "--", ...Array<string>(200000).fill("x")],
  ];
  it.each(cases.map((c) => [c.map((a) => (a.length > 30 ? `${a.slice(0, 12)}…(${a.length})` : a)).join(" "), c]))("%s", async (_name, args) => {
    const r = await inProcess(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(LEAK);
    // The reason line and the windowed text: each a screenful at most.
    for (const line of r.stderr.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(320);
  });

  it("property: a long random piece anywhere in the arguments never makes a long message", async () => {
    const long = fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 300, max: 5000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
    const args = fc.tuple(fc.constantFrom(["eval", "x^2", "--at", "1"], ["grad", "x*y", "--at", "1,2"], ["minimize", "x^2", "--from", "1"]), fc.nat(8), long).map(([base, at, piece]) => {
      const out: string[] = [...base];
      out.splice(Math.min(at, out.length), at < out.length ? 1 : 0, piece);
      return out;
    });
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const r = await inProcess(a);
        expect([0, 2]).toContain(r.code);
        for (const line of r.stderr.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(320);
      }),
      { numRuns: runs(60) },
    );
  }, 60000);
});
