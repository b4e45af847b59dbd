// The nabla command, run as a process on worked examples (each computed by hand in the
// comments), plus in-process checks of the details that would cost a process each.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCommandLine, parsePoint, UsageError } from "../../packages/nabla-cli/src/args.js";
import { terminalProgress } from "../../packages/nabla-cli/src/commands.js";
import { evalConstant } from "../../packages/nabla-cli/src/expr.js";
import { formatError, main, toJson, type Io } from "../../packages/nabla-cli/src/main.js";
import { expectClose } from "../helpers.js";
import { RUN_FACTOR, runs } from "../setup.js";

const BIN = fileURLToPath(new URL("../../packages/nabla-cli/bin/nabla.js", import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/nabla.js as a child process; a run longer than `timeoutMs` is killed (a hang). */
function nabla(args: readonly string[], timeoutMs = 30000): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NABLA_DEBUG: "" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the command in this process (no spawn), capturing what it prints. */
async function inProcess(args: readonly string[]): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const io: Io = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), tty: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const QUAD = "0.5*(x^2 + 10*y^2)";
const ROSEN = "(1-x)^2 + 100*(y-x^2)^2";
const dir = mkdtempSync(join(tmpdir(), "nabla-cli-"));
const plotFile = join(dir, "paths.svg");

// Every process is started up front, two at a time (each spends ~0.5 s loading tsx and
// the sources), and the tests below read their results.
const RUNS = {
  evalText: ["eval", QUAD, "--at", "x=1,y=2"],
  evalJson: ["eval", QUAD, "--at", "y=2,x=1", "--json"],
  gradText: ["grad", QUAD, "--at", "x=1,y=1"],
  gradJson: ["grad", QUAD, "--at", "1,1", "--dir", "3,4", "--json"],
  gradTiny: ["grad", "1e-300*x", "--at", "x=1"],
  gradTinyJson: ["grad", "1e-300*x + 1e-300*y", "--at", "1,1", "--json"],
  hessianText: ["hessian", QUAD, "--at", "x=0,y=0"],
  hessianJson: ["hessian", "x^2 - y^2", "--at", "0,0", "--json"],
  taylorText: ["taylor", "exp(x)", "--at", "x=0", "--order", "2", "--eval-at", "x=0.1"],
  taylorJson: ["taylor", "exp(x)", "--at", "x=0", "--order", "1", "--eval-at", "x=0.1", "--json"],
  minimizeText: ["minimize", QUAD, "--from", "x=1,y=1", "--method", "gd", "--lr", "0.1"],
  minimizeJson: ["minimize", ROSEN, "--from", "x=-1.2,y=1", "--method", "newton", "--json"],
  compareText: ["minimize", ROSEN, "--from", "-1.2,1", "--compare", "gd,newton,lbfgs", "--plot", plotFile],
  compareJson: ["minimize", QUAD, "--from", "1,1", "--compare", "gd,newton,lbfgs", "--json"],
  negative: ["eval", "-x^2", "--at", "-3"],
  unknownFunction: ["grad", "0.5*foo(x)", "--at", "x=1"],
  syntax: ["eval", "x +* y", "--at", "1,2"],
  unknownName: ["eval", "x + 2*z", "--vars", "x,y", "--at", "1,2"],
  badValue: ["eval", "x", "--at", "x=1+"],
  badMethod: ["minimize", "x^2", "--from", "1", "--method", "sgd"],
  noArgs: [],
  help: ["--help"],
} satisfies Record<string, string[]>;
const results = {} as Record<keyof typeof RUNS, Ran>;

beforeAll(async () => {
  const queue = Object.entries(RUNS) as [keyof typeof RUNS, string[]][];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) results[job[0]] = await nabla(job[1]);
  };
  await Promise.all([worker(), worker()]);
}, 120000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ok = (name: keyof typeof RUNS): string => {
  const r = results[name];
  expect(r.stderr, name).toBe("");
  expect(r.code, name).toBe(0);
  return r.stdout;
};
const json = (name: keyof typeof RUNS): Record<string, any> => JSON.parse(ok(name));

/** The three lines of a refusal: reason (with column), the text, the caret under the column. */
function refusal(name: keyof typeof RUNS): { reason: string; text: string; column: number } {
  const r = results[name];
  expect(r.code, name).toBe(2);
  expect(r.stdout, name).toBe("");
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(3);
  const m = /^nabla: (.*) \(column (\d+)\)$/.exec(lines[0]!)!;
  expect(m, lines[0]).not.toBeNull();
  const column = Number(m[2]);
  expect(lines[2]).toBe(`  ${" ".repeat(column - 1)}^`);
  return { reason: m[1]!, text: lines[1]!.slice(2), column };
}

describe("nabla as a process: worked examples", () => {
  it("eval: f = ½(x² + 10y²) at (1, 2) is ½(1 + 40) = 20.5", () => {
    expect(ok("evalText")).toBe(["f(x, y)  0.5*(x^2 + 10*y^2)", "at       x = 1, y = 2", "value    20.5", ""].join("\n"));
    expect(json("evalJson")).toEqual({ command: "eval", expression: QUAD, vars: ["x", "y"], at: [1, 2], value: 20.5 });
  });

  it("grad: at (1, 1) ∇f = (x, 10y) = (1, 10), ‖∇f‖ = √101, ascent (1, 10)/√101", () => {
    const text = ok("gradText");
    expect(text).toContain("∇f       (1, 10)\n");
    expect(text).toContain("‖∇f‖     10.04987562\n"); // √101 = 10.0498756211…
    expect(text).toContain("ascent   (0.09950371902, 0.9950371902)");
    const g = json("gradJson");
    expect(g.grad).toEqual([1, 10]);
    expectClose(g.norm, Math.sqrt(101), 1e-15);
    expectClose(g.ascent, [1 / Math.sqrt(101), 10 / Math.sqrt(101)], 1e-15);
    // --dir 3,4 is normalized to u = (0.6, 0.8): D_u f = 1·0.6 + 10·0.8 = 8.6.
    expect(g.directional.dir).toEqual([3, 4]);
    expectClose(g.directional.unit, [0.6, 0.8], 1e-15);
    expectClose(g.directional.value, 8.6, 1e-14);
  });

  it("grad of a tiny function: ∇(1e-300·x) = 1e-300, ‖∇f‖ = 1e-300, ascent (1); no internal error", () => {
    // ‖∇f‖² = 1e-600 underflows: the norm and the direction must not go through it.
    expect(ok("gradTiny")).toBe(
      ["f(x)    1e-300*x", "at      x = 1", "value   1e-300", "∇f      (1e-300)", "‖∇f‖    1e-300", "ascent  (1)  (∇f/‖∇f‖, the steepest-ascent unit direction)", ""].join("\n"),
    );
    // Two variables: ∇f = (1e-300, 1e-300), ‖∇f‖ = √2·1e-300, ascent (1, 1)/√2.
    const g = json("gradTinyJson");
    expect(g.grad).toEqual([1e-300, 1e-300]);
    expect(Math.abs(g.norm / (Math.SQRT2 * 1e-300) - 1)).toBeLessThan(1e-15);
    expectClose(g.ascent, [Math.SQRT1_2, Math.SQRT1_2], 1e-15);
  });

  it("hessian: ½(x² + 10y²) has H = diag(1, 10), condition 10, a minimum at (0, 0); x² − y² a saddle", () => {
    const text = ok("hessianText");
    expect(text).toContain("Hessian      [ 1   0 ]\n             [ 0  10 ]\n");
    expect(text).toContain("eigenvalues  (1, 10)\n");
    expect(text).toContain("condition    10  (max|λ|/min|λ|)\n");
    expect(text).toMatch(/critical +yes, a minimum/);
    // x² − y²: H = diag(2, −2), eigenvalues −2 and 2, |λ| ratio 1.
    const h = json("hessianJson");
    expect(h).toMatchObject({ value: 0, grad: [0, 0], gradNorm: 0, hessian: [[2, 0], [0, -2]], eigenvalues: [-2, 2], condition: 1, critical: true, kind: "saddle" });
    // Relative: ‖∇f‖ ≤ 1e-8·‖H‖·‖x‖ = 0 at x = 0 (∇f is exactly 0 there), |λ| ≤ 1e-8·max|λ| = 2e-8.
    expect(h.tolerances).toEqual({ gtol: 1e-8, eigtol: 1e-8, grad: 0, eigenvalue: 2e-8 });
  });

  it("taylor: exp at 0, order 2, at 0.1 gives 1 + 0.1 + 0.005 = 1.105 with error e^0.1 − 1.105", () => {
    const text = ok("taylorText");
    expect(text).toContain("T       1.105\n");
    expect(text).toContain("f       1.105170918\n");
    expect(text).toContain("error   0.0001709180756  (f − T)");
    expect(text).toContain("H(x0)   [ 1 ]");
    // Order 1: T = 1 + 0.1 = 1.1, error e^0.1 − 1.1; no Hessian.
    const t = json("taylorJson");
    expect(t).toMatchObject({ order: 1, at: [0], value: 1, grad: [1], evalAt: [0.1], model: 1.1 });
    expect(t.hessian).toBeUndefined();
    expectClose(t.f, Math.exp(0.1), 1e-15);
    expectClose(t.error, Math.exp(0.1) - 1.1, 1e-14);
  });

  it("minimize: gd with η = 0.1 on ½(x² + 10y²) from (1, 1): y dies in one step, x shrinks by 0.9", () => {
    // x_k = 0.9^k, y_1 = 1 − 0.1·10 = 0; ‖∇f‖∞ = 0.9^k ≤ 1e-5 first at k = 110
    // (0.9^109 = 1.07e-5, 0.9^110 = 9.26e-6): 111 rows, thinned to every 5th.
    const text = ok("minimizeText");
    const rows = text.split("\n").filter((l) => /^\s*\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows[0]).toEqual([0, 5.5, 10, 1, 1]);
    expect(rows.map((r) => r[0])).toEqual([...Array.from({ length: 23 }, (_, i) => 5 * i)]);
    expectClose(rows[1]!, [5, 0.5 * 0.9 ** 10, 0.9 ** 5, 0.9 ** 5, 0], 1e-6);
    expect(text).toContain("(one row every 5 iterations, and the last)");
    expect(text).toMatch(/status +converged \(success\)/);
    expect(text).toMatch(/nit 110, nfev 111, ngev 111, nhev 2/);
    expect(text).not.toMatch(/\r|#{3}/); // no progress bar when stdout is not a terminal
  });

  it("minimize --json: Newton on Rosenbrock from (−1.2, 1) reaches (1, 1), the whole path recorded", () => {
    const m = json("minimizeJson");
    expect(m).toMatchObject({ command: "minimize", vars: ["x", "y"], from: [-1.2, 1], method: "newton" });
    expect(m.result.status).toBe("converged");
    expect(m.result.success).toBe(true);
    expectClose(m.result.x, [1, 1], 1e-7);
    expect(m.result.fun).toBeLessThan(1e-12);
    expect(m.path).toHaveLength(m.result.nit + 1);
    // f = 2.2² + 100·(1 − 1.44)² = 4.84 + 19.36; ∂f/∂x = −2·2.2 − 400·(−1.2)·(−0.44) = −215.6.
    expect(m.path[0].x).toEqual([-1.2, 1]);
    expectClose([m.path[0].f, m.path[0].gradNorm], [24.2, 215.6], 1e-14);
  });

  it("minimize --compare: side by side from one start; --plot writes the picture", () => {
    const text = ok("compareText");
    const table = text.split("\n").filter((l) => /^(gd|newton|lbfgs) /.test(l));
    expect(table.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([["gd", "converged"], ["newton", "converged"], ["lbfgs", "converged"]]);
    expect(text).toMatch(/^method +status +nit +nfev +ngev +nhev +f +‖∇f‖∞ +\(x, y\) +s$/m);
    expect(text).toContain(`plot written to ${plotFile}`);
    expect(readFileSync(plotFile, "utf8")).toMatch(/^<svg/);
    // On the quadratic, Newton's first step x0 − H⁻¹∇f = (1, 1) − (1, 10/10) lands on (0, 0).
    const c = json("compareJson");
    expect(c.runs.map((r: any) => [r.method, r.result.status])).toEqual([["gd", "converged"], ["newton", "converged"], ["lbfgs", "converged"]]);
    const newton = c.runs[1];
    expect(newton.result.nit).toBe(1);
    expectClose(newton.result.x, [0, 0], 1e-12);
    expect(newton.path).toHaveLength(2);
  });

  it("reads an expression or a value that starts with '-'", () => {
    expect(ok("negative")).toContain("value  -9\n"); // −(x²) at x = −3
  });
});

describe("nabla as a process: bad input exits 2 with one line, the text and a caret", () => {
  it("an unknown function", () => {
    const r = refusal("unknownFunction");
    expect(r.reason).toMatch(/^"foo" is not a known function/);
    expect(r.text).toBe("0.5*foo(x)");
    expect(r.column).toBe(5);
  });

  it("a syntax error", () => {
    expect(refusal("syntax")).toEqual({ reason: "expected expression after +", text: "x +* y", column: 4 });
  });

  it("an unknown name when --vars gives the variables", () => {
    expect(refusal("unknownName")).toEqual({ reason: 'unknown name "z" (the variables are x, y)', text: "x + 2*z", column: 7 });
  });

  it("a bad value in --at points into the option's text", () => {
    expect(refusal("badValue")).toEqual({ reason: "--at: expected expression after +", text: "x=1+", column: 5 });
  });

  it("an unknown method, no arguments, and --help", () => {
    expect(results.badMethod.code).toBe(2);
    expect(results.badMethod.stderr).toMatch(/^nabla: --method: unknown method "sgd" \(methods: gd, momentum, .*\)\n$/);
    expect(results.noArgs.code).toBe(2);
    expect(results.noArgs.stderr).toMatch(/^nabla: calculus/);
    expect(results.help.code).toBe(0);
    for (const word of ["eval", "grad", "hessian", "taylor", "minimize", "tour", "--json", "sigmoid softplus"]) expect(results.help.stdout).toContain(word);
  });

  it("random junk and random valid expressions as processes: no crash, no hang, no stack trace", async () => {
    const token = fc.constantFrom("x", "y", "2", "1e-3", "+", "-", "*", "/", "^", "(", ")", ",", " ", "sin(", "pi", "!", "'", ".", "=", "[");
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.array(token, { minLength: 1, maxLength: 12 }).map((t) => t.join("")));
    await fc.assert(
      fc.asyncProperty(text, async (expr) => {
        const r = await nabla(["hessian", "--vars", "x,y", "--at", "1,2", "--", expr], 20000);
        expect(r.code, `${JSON.stringify(expr)}: ${r.stderr}`).not.toBeNull(); // killed: a hang
        expect([0, 2]).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
        if (r.code === 2) expect(r.stderr.trimEnd().split("\n")[2]).toMatch(/^ +\^$/);
        else expect(r.stdout).toMatch(/^Hessian /m);
      }),
      { numRuns: runs(6) },
    );
  }, 60000 * RUN_FACTOR);
});

describe("the command in process: variations", () => {
  it("classifies critical points by the Hessian's eigenvalues", async () => {
    const kind = async (expr: string, at: string) => JSON.parse((await inProcess(["hessian", expr, "--at", at, "--json"])).stdout);
    // −(x² + y²): H = −2I, a maximum.
    expect((await kind("-(x^2 + y^2)", "0,0")).kind).toBe("maximum");
    // x⁴ + y²: H = diag(0, 2) at the origin; the zero eigenvalue leaves it undecided, and
    // min|λ| = 0 makes the condition number infinite (a string in JSON).
    const flat = await kind("x^4 + y^2", "0,0");
    expect(flat).toMatchObject({ kind: "degenerate", eigenvalues: [0, 2], condition: "Infinity" });
    // ½(x² + 10y²) at (1, 1): ∇f = (1, 10) ≠ 0, not a critical point.
    expect(await kind(QUAD, "1,1")).toMatchObject({ critical: false, kind: null, condition: 10 });
  });

  it("judges critical points relative to f's scale (the library's classifyPoint), with --tol", async () => {
    const run = async (...args: string[]) => JSON.parse((await inProcess(["hessian", ...args, "--json"])).stdout);
    // 1e-10·((x−3)² + (y−3)²) at (1, 1): ∇f = −4e-10·(1, 1) is the whole slope, not rounding.
    expect(await run("1e-10*((x-3)^2+(y-3)^2)", "--at", "x=1,y=1")).toMatchObject({ critical: false, kind: null });
    // 1e-9·(x² − y²) at 0: eigenvalues ±2e-9 are the curvature of a saddle, not zeros.
    expect(await run("1e-9*(x^2-y^2)", "--at", "0,0")).toMatchObject({ critical: true, kind: "saddle", eigenvalues: [-2e-9, 2e-9] });
    // x² + 1e-9·y² at 0: λ = 2e-9 is 1e-9·max|λ|, zero at the default tolerance and not at --tol 1e-10.
    expect((await run("x^2 + 1e-9*y^2", "--at", "0,0")).kind).toBe("degenerate");
    expect((await run("x^2 + 1e-9*y^2", "--at", "0,0", "--tol", "1e-10")).kind).toBe("minimum");
    const bad = await inProcess(["hessian", "x^2", "--at", "1", "--tol", "2"]);
    expect([bad.code, bad.stderr.split("\n")[0]]).toEqual([2, 'nabla: --tol: expected a relative tolerance below 1, got "2"']);
  });

  it("a non-finite point reports instead of failing", async () => {
    const r = await inProcess(["hessian", "log(x)", "--at", "-1", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ value: "NaN", kind: null });
    const g = await inProcess(["grad", "x^2 + y^2", "--at", "0,0"]);
    expect(g.stdout).toContain("ascent   none: ∇f = 0, a critical point");
  });

  it("taylor's default nearby point is x0 + 0.1 in every coordinate", async () => {
    const t = JSON.parse((await inProcess(["taylor", "x*y", "--at", "1,2", "--json"])).stdout);
    // x·y at (1, 2) to second order is exact: T(1.1, 2.1) = 2 + (2·0.1 + 1·0.1) + 0.1·0.1 = 2.31.
    expect(t.evalAt).toEqual([1.1, 2.1]);
    expectClose(t.model, 2.31, 1e-14);
    expectClose(t.error, 0, 1e-14);
  });

  it("refusals without a place to point at are one line", async () => {
    const cases: [string[], RegExp][] = [
      [["eval", "x + y", "--at", "x=1"], /^nabla: --at: no value for y \(column 4\)\n  x=1\n     \^\n$/],
      [["eval", "x + y"], /^nabla: --at is required: give x=1,y=2 or 1,2 \(values for x, y\)\n$/],
      [["eval", "x", "+", "y"], /^nabla: expected one expression, got 3 arguments .*quote it: "x \+ y"\n$/],
      [["frobnicate", "x"], /^nabla: unknown command "frobnicate"/],
      [["eval", "x", "--at", "1", "--bogus"], /^nabla: unknown option --bogus/],
      [["taylor", "x", "--at", "1", "--order", "3"], /^nabla: --order: expected 1 or 2, got "3"\n$/],
      [["grad", "x", "--at", "1", "--dir", "0"], /^nabla: --dir: the direction must be a non-zero finite vector/],
      [["minimize", "x^2", "--from", "1", "--lr", "-1"], /^nabla: --lr: expected a positive number, got "-1"/],
      [["minimize", "x^2", "--from", "1", "--plot", join(dir, "out.pdf")], /^nabla: --plot: the file must end in .svg or .png/],
      [["minimize", "x^2", "--from", "1", "--plot", join(dir, "missing", "out.svg")], /^nabla: --plot: cannot write .*ENOENT\n$/],
      [["grad", "2 + 3"], /^nabla: grad needs a variable, and the expression has none/],
    ];
    for (const [args, expected] of cases) {
      const r = await inProcess(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(expected);
    }
  });

  it("--every, --max-iter and --help per command", async () => {
    const r = await inProcess(["minimize", ROSEN, "--from", "-1.2,1", "--method", "gd", "--max-iter", "40", "--every", "20"]);
    const ks = r.stdout.split("\n").filter((l) => /^\s*\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(ks).toEqual([0, 20, 40]);
    expect(r.stdout).toMatch(/status +maxIter \(no success\)/);
    const h = await inProcess(["minimize", "--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--compare/);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});

describe("pieces", () => {
  it("parseCommandLine takes values and expressions that start with '-'", () => {
    expect(parseCommandLine(["-x^2", "--at", "-1", "--json"], { at: { type: "string" }, json: { type: "boolean" } })).toEqual({
      values: { at: "-1", json: true },
      positionals: ["-x^2"],
    });
    expect(parseCommandLine(["--at=x=1", "--", "--weird"], { at: { type: "string" } }).positionals).toEqual(["--weird"]);
    expect(() => parseCommandLine(["--at"], { at: { type: "string" } })).toThrow(/--at needs a value/);
  });

  it("parsePoint reads named and positional values, each a constant expression", () => {
    expect(parsePoint("y=2, x=1", ["x", "y"], "--at", evalConstant)).toEqual([1, 2]);
    expect(parsePoint("pi/2,-1e-3", ["x", "y"], "--at", evalConstant)).toEqual([Math.PI / 2, -0.001]);
    expect(parsePoint("x=atan2(1, 1)", ["x"], "--at", evalConstant)).toEqual([Math.PI / 4]);
    expect(() => parsePoint("1", ["x", "y"], "--at", evalConstant)).toThrow("--at: expected 2 values (x, y), got 1");
    expect(() => parsePoint("x=1,1", ["x", "y"], "--at", evalConstant)).toThrow(/mix of named/);
    expect(() => parsePoint("x=1,x=2", ["x"], "--at", evalConstant)).toThrow(/"x" is given twice/);
  });

  it("formatError puts the caret under the column, windowing long text", () => {
    expect(formatError(new UsageError('unknown name "z"', { source: "x + z", index: 4 }))).toBe('nabla: unknown name "z" (column 5)\n  x + z\n      ^');
    // Code points, not UTF-16 units: the caret sits under the character after π.
    expect(formatError(new UsageError("r", { source: "π*?", index: 2 }))).toBe("nabla: r (column 3)\n  π*?\n    ^");
    // A newline in the text is shown as a space, so the caret still lines up.
    expect(formatError(new UsageError("r", { source: "x\n+", index: 2 })).split("\n")[1]).toBe("  x +");
    const long = `${"x+".repeat(100)}?`;
    const [, shown, caret] = formatError(new UsageError("r", { source: long, index: 200 })).split("\n");
    expect(shown!.length).toBeLessThanOrEqual(2 + 82);
    expect(shown![caret!.length - 1]).toBe("?");
  });

  it("toJson keeps vectors on one line and writes non-finite numbers as strings", () => {
    expect(toJson({ a: [1, 2], m: [[1, 0], [0, 1]], c: Infinity, n: NaN })).toBe('{\n  "a": [1, 2],\n  "m": [\n    [1, 0],\n    [0, 1]\n  ],\n  "c": "Infinity",\n  "n": "NaN"\n}');
  });

  it("the progress bar waits a quarter second, then redraws at most ten times a second", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      let written = "";
      const stream = { write: (s: string) => ((written += s), true), columns: 60 } as unknown as NodeJS.WriteStream;
      const bar = terminalProgress(stream);
      bar.update(0.1, "k = 10");
      expect(written).toBe(""); // short work draws nothing
      vi.advanceTimersByTime(300);
      bar.update(0.5, "k = 500");
      expect(written).toBe(`\r[${"#".repeat(15)}${"-".repeat(15)}] k = 500\x1b[K`);
      bar.update(0.6, "k = 600");
      expect(written.split("\r")).toHaveLength(2); // throttled
      bar.done();
      expect(written.endsWith("\r\x1b[K")).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
