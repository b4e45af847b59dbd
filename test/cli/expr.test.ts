import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grad, hessian, jit, np } from "nabla";
import { UsageError } from "../../packages/nabla-cli/src/args.js";
import { evalConstant, FUNCTION_NAMES, parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { main, type Io } from "../../packages/nabla-cli/src/main.js";
import { expectClose } from "../helpers.js";
import { runs } from "../setup.js";

const at = (source: string, values: number[], vars?: string[]) => parseExpr(source, vars ? { vars } : {}).f(np.array(values, { dtype: "float64" })).item();

/** The UsageError parseExpr throws: its message and position. */
function failure(source: string, vars?: string[]): { message: string; index: number | undefined } {
  try {
    parseExpr(source, vars ? { vars } : {});
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { message: e.message, index: e.where?.index };
  }
  throw new Error(`expected "${source}" to be refused`);
}

describe("parseExpr: the grammar", () => {
  it("reads the issue's examples as math", () => {
    // 0.5·(1² + 10·2²) = 20.5
    expect(at("0.5*(x^2 + 10*y^2)", [1, 2])).toBe(20.5);
    // (1 − 0.5)² + 100·(2 − 0.25)² = 0.25 + 306.25
    expect(at("(1-x)^2 + 100*(y-x^2)^2", [0.5, 2])).toBe(306.5);
    expect(at("exp(-x^2-y^2)*sin(3*x)", [0.3, -0.2])).toBe(Math.exp(-0.09 - 0.04) * Math.sin(3 * 0.3));
    expect(at("1e-3*x", [2])).toBe(0.002);
  });

  it("gives ^ math's precedence: right-associative, above unary minus on its left", () => {
    expect(at("-x^2", [3])).toBe(-9); // −(x²), not (−x)²
    expect(at("(-x)^2", [3])).toBe(9);
    expect(at("-(x)^2", [3])).toBe(-9);
    expect(at("2^-x", [2])).toBe(0.25); // 2^(−x)
    expect(at("2^-x^2", [2])).toBe(2 ** -4); // 2^(−(x²))
    expect(at("x^y^z", [2, 3, 2])).toBe(512); // 2^(3²), not (2³)² = 64
    expect(at("2*x^2", [3])).toBe(18);
    expect(at("x^2*3", [2])).toBe(12);
    expect(at("-x*y", [2, 3])).toBe(-6);
    expect(at("x - -y", [1, 2])).toBe(3);
    expect(at("--x", [5])).toBe(5);
    expect(at("+x", [5])).toBe(5);
    expect(at("1 - 2 - 3", [])).toBe(-4); // left-associative
    expect(at("12 / 3 / 2", [])).toBe(2);
  });

  it("knows the functions and constants, with their arities", () => {
    const v = 0.3;
    const unary: [string, number][] = [
      ["sin", Math.sin(v)], ["cos", Math.cos(v)], ["tan", Math.tan(v)], ["exp", Math.exp(v)], ["log", Math.log(v)],
      ["log1p", Math.log1p(v)], ["sqrt", Math.sqrt(v)], ["abs", v], ["tanh", Math.tanh(v)], ["sinh", Math.sinh(v)],
      ["cosh", Math.cosh(v)], ["asin", Math.asin(v)], ["acos", Math.acos(v)], ["atan", Math.atan(v)],
      ["sigmoid", 1 / (1 + Math.exp(-v))], ["softplus", Math.log(1 + Math.exp(v))],
    ];
    for (const [name, expected] of unary) expectClose(at(`${name}(x)`, [v]), expected, 1e-15);
    expect(at("abs(x)", [-2])).toBe(2);
    expect(at("atan2(y, x)", [1, 1])).toBe(Math.PI / 4); // y first, as in Math.atan2
    expect(at("pow(x, 3)", [2])).toBe(8);
    expect(at("min(x, 2, -1)", [0])).toBe(-1);
    expect(at("max(x, y)", [1, 4])).toBe(4);
    expect(at("pi", [])).toBe(Math.PI);
    expect(at("e", [])).toBe(Math.E);
    expect(at("2*π", [])).toBe(2 * Math.PI);
    expect(FUNCTION_NAMES.sort()).toEqual(
      ["abs", "acos", "asin", "atan", "atan2", "cos", "cosh", "exp", "log", "log1p", "max", "min", "pow", "sigmoid", "sin", "sinh", "softplus", "sqrt", "tan", "tanh"],
    );
  });

  it("orders variables by first appearance, or as --vars says", () => {
    expect(parseExpr("y*x + z - x").vars).toEqual(["y", "x", "z"]);
    expect(parseExpr("sin(b) + a").vars).toEqual(["b", "a"]);
    const e = parseExpr("y - x", { vars: ["x", "y"] });
    expect(e.vars).toEqual(["x", "y"]);
    expect(e.f(np.array([1, 5])).item()).toBe(4); // x = 1, y = 5
    // --vars may name a variable the expression does not use: f is constant in it.
    expect(parseExpr("x", { vars: ["x", "t"] }).vars).toEqual(["x", "t"]);
    expect(parseExpr("y + 2*y").firstUse.get("y")).toBe(0);
    expect(evalConstant("pi/4")).toBe(Math.PI / 4);
    expect(evalConstant("-1e-3")).toBe(-0.001);
  });

  it("builds a function every transformation works on", () => {
    const { f } = parseExpr("0.5*(x^2 + 10*y^2)");
    // ∇f = (x, 10y) = (1, 10) at (1, 1); H = diag(1, 10).
    expect(grad(f)(np.array([1, 1])).toArray()).toEqual([1, 10]);
    expect(hessian(f)(np.array([1, 1])).toArray()).toEqual([[1, 0], [0, 10]]);
    expect(jit(grad(f))(np.array([2, 3])).toArray()).toEqual([2, 30]);
    // x^2 at x = 0: the power rule's exponent term must not turn 0·log 0 into NaN.
    expect(hessian(parseExpr("x^2 - y^2").f)(np.array([0, 0])).toArray()).toEqual([[2, 0], [0, -2]]);
  });
});

describe("parseExpr: mistakes carry their position", () => {
  const cases: [string, number, RegExp][] = [
    ["0.5*foo(x)", 4, /"foo" is not a known function/],
    ["sin(x, y)", 0, /sin takes 1 argument, got 2/],
    ["atan2(x)", 0, /atan2 takes 2 arguments, got 1/],
    ["min(x)", 0, /min takes 2 or more arguments/],
    ["x +", 3, /expected expression after \+/],
    ["x +* y", 3, /expected expression after \+/],
    ["x**2", 2, /powers are written x\^2/],
    ["2x", 1, /cannot start with a number.*2\*x/],
    ["2 x", 2, /expected an operator before "x"/],
    ["x; y", 1, /expected an operator before ";"/],
    ["x = 1", 2, /"=" is not part of the language/],
    ["x % 2", 2, /"%" is not part of the language/],
    ["((x)", 0, /unclosed "\("/],
    ["(x))", 3, /expected an operator before "\)"/],
    ["(x, y)", 2, /expected "\)"/],
    ["()", 1, /empty parentheses/],
    ["", 0, /empty expression/],
    ["x.y", 1, /member access/],
    ["Math.sqrt(2)", 4, /member access/],
    ["x[0]", 1, /member access/],
    ["[1, 2]", 0, /brackets/],
    ["'a' + x", 0, /strings are not part of the language/],
    ["x ? 1 : 2", 2, /conditionals/],
    ["!x", 0, /unexpected "!"/],
    ["sin + 1", 0, /"sin" is a function: call it/],
    ["2 * pi(3)", 4, /"pi" is a constant, not a function/],
    ["x + x(2)", 4, /"x" is a variable, not a function/],
    ["this", 0, /"this" is not part of the language/],
    ["1e999 * x", 0, /too large for float64/],
    ["x -", 3, /expected a value after "-"|expected expression after -/],
  ];
  it.each(cases)("%j at %i", (source, index, message) => {
    const e = failure(source);
    expect(e.message).toMatch(message);
    expect(e.index).toBe(index);
  });

  it("with --vars, any other name is unknown, pointed at", () => {
    expect(failure("x + 2*z", ["x", "y"])).toEqual({ message: 'unknown name "z" (the variables are x, y)', index: 6 });
    expect(() => parseExpr("x", { vars: ["sin"] })).toThrow(/"sin" is a function, not a variable name/);
    expect(() => parseExpr("x", { vars: ["e"] })).toThrow(/"e" is a constant/);
  });

  it("refuses nesting that would exhaust the stack, as bad input", () => {
    expect(failure("(".repeat(5000) + "x" + ")".repeat(5000)).message).toMatch(/nested/);
    expect(failure("-".repeat(5000) + "x").message).toMatch(/nested/);
    expect(failure("sin(".repeat(600) + "x" + ")".repeat(600)).message).toMatch(/nested more than 500/);
    expect(failure("2^".repeat(600) + "x").message).toMatch(/nested more than 500/);
  });

  it("never evaluates text as JavaScript", () => {
    // Neither the CLI's sources nor what it builds call eval or the Function constructor.
    const dir = new URL("../../packages/nabla-cli/src/", import.meta.url);
    for (const file of readdirSync(dir).filter((f) => ["expr.ts", "args.ts", "commands.ts", "main.ts"].includes(f))) {
      const text = readFileSync(new URL(file, dir), "utf8");
      expect(text, file).not.toMatch(/\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
    }
    // A JavaScript-looking payload is just an unknown name or a syntax error.
    expect(failure("process.exit(3)").message).toMatch(/member access/);
    expect(failure("constructor(1)").message).toMatch(/not a known function/);
    expect(failure("__proto__(1)").message).toMatch(/not a known function/);
    expect(failure("toString(1)").message).toMatch(/not a known function/);
  });
});

// ---------------------------------------------------------------- properties

type Tree =
  | { k: "num"; v: number }
  | { k: "var"; name: string }
  | { k: "neg"; a: Tree }
  | { k: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Tree; b: Tree }
  | { k: "call"; fn: string; args: Tree[] };

const VARS = ["x", "y", "z"];
const POINT = [0.7, 1.3, 2.1];
const UNARY_FNS = ["sin", "cos", "tan", "exp", "log", "log1p", "sqrt", "abs", "tanh", "sinh", "cosh", "asin", "acos", "atan"];

const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.constantFrom(0, 1, 2, 0.5, 3.25, 1e-3, 10).map((v): Tree => ({ k: "num", v })),
      fc.constantFrom(...VARS).map((name): Tree => ({ k: "var", name })),
    ),
    tie("tree").map((a): Tree => ({ k: "neg", a })),
    fc.record({ op: fc.constantFrom("+", "-", "*", "/", "^" as const), a: tie("tree"), b: tie("tree") }).map((r): Tree => ({ k: "bin", ...r })),
    fc.record({ fn: fc.constantFrom(...UNARY_FNS), a: tie("tree") }).map((r): Tree => ({ k: "call", fn: r.fn, args: [r.a] })),
    fc.record({ fn: fc.constantFrom("atan2", "pow", "min", "max"), a: tie("tree"), b: tie("tree") }).map((r): Tree => ({ k: "call", fn: r.fn, args: [r.a, r.b] })),
  ),
})).tree;

const PREC = { "+": 1, "-": 1, "*": 2, "/": 2, "^": 3 } as const;
const isBin = (t: Tree, maxPrec: number) => t.k === "bin" && PREC[t.op] <= maxPrec;

/**
 * Prints a tree with only the parentheses math's conventions need (an independent
 * statement of the precedence rules), so parsing the text must give back this tree.
 */
function print(t: Tree, sp: string): string {
  const paren = (s: string) => `(${s})`;
  switch (t.k) {
    case "num":
      return String(t.v);
    case "var":
      return t.name;
    case "call":
      return `${t.fn}(${t.args.map((a) => print(a, sp)).join(`,${sp}`)})`;
    case "neg":
      // −a^b is −(a^b): a power needs no parentheses under a minus; sums and products do.
      return `-${t.a.k === "neg" || isBin(t.a, 2) ? paren(print(t.a, sp)) : print(t.a, sp)}`;
    case "bin": {
      const p = PREC[t.op];
      let left = print(t.a, sp);
      let right = print(t.b, sp);
      if (t.op === "^") {
        // Right-associative: the left side needs parentheses for any operator or a sign.
        if (t.a.k === "bin" || t.a.k === "neg") left = paren(left);
        if (isBin(t.b, 2)) right = paren(right);
      } else {
        if (isBin(t.a, p - 1)) left = paren(left);
        if (isBin(t.b, p)) right = paren(right);
      }
      return `${left}${sp}${t.op}${sp}${right}`;
    }
  }
}

/** C's pow, as nabla's kernel: Math.pow but 1^y = 1 for every y and (−1)^±∞ = 1. */
const cPow = (a: number, b: number): number => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b));

/** The value by plain JavaScript Math, op for op as nabla's kernels compute it. */
function value(t: Tree): number {
  switch (t.k) {
    case "num":
      return t.v;
    case "var":
      return POINT[VARS.indexOf(t.name)]!;
    case "neg":
      return -value(t.a);
    case "bin": {
      const [a, b] = [value(t.a), value(t.b)];
      return t.op === "+" ? a + b : t.op === "-" ? a - b : t.op === "*" ? a * b : t.op === "/" ? a / b : cPow(a, b);
    }
    case "call": {
      const args = t.args.map(value);
      const [a, b] = [args[0]!, args[1]!];
      if (t.fn === "atan2") return Math.atan2(a, b);
      if (t.fn === "pow") return cPow(a, b);
      if (t.fn === "min") return a < b || a !== a ? a : b; // NaN propagates, as numpy
      if (t.fn === "max") return a > b || a !== a ? a : b;
      // nabla's tanh is its own (within 0.8 ulp, test/special/tanh.test.ts), not fdlibm's.
      if (t.fn === "tanh") return np.tanh(np.array(a)).item();
      return (Math as unknown as Record<string, (v: number) => number>)[t.fn]!(a);
    }
  }
}

describe("parseExpr: properties", () => {
  it("random valid expressions parse to exactly the math they print", () => {
    fc.assert(
      fc.property(treeArb, fc.constantFrom("", " "), (tree, sp) => {
        const text = print(tree, sp);
        const got = parseExpr(text, { vars: VARS }).f(np.array(POINT)).item();
        expect(Object.is(got, value(tree)) || (Number.isNaN(got) && Number.isNaN(value(tree))), `${text}: ${got} vs ${value(tree)}`).toBe(true);
      }),
      { numRuns: runs(2000) },
    );
  });

  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.array(fc.constantFrom("x", "y", "1", "2.5", "e", ".", "+", "-", "*", "/", "^", "(", ")", ",", " ", "sin", "pi", "!", "[", "]", "'", "?", ":", "=", "\n", "1e", "**", ";", "π", "😀"), { maxLength: 20 }).map((a) => a.join("")),
  );

  it("junk parses or is refused with a position inside the text; nothing else escapes", () => {
    fc.assert(
      fc.property(junk, (text) => {
        try {
          parseExpr(text);
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
          const { index } = (e as UsageError).where!;
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: runs(1000) },
    );
  });

  it("the whole command, in process, on junk and valid text: exit 0 or 2, a caret, never a stack", async () => {
    const input = fc.oneof(junk, treeArb.map((t) => print(t, " ")));
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        let out = "";
        let err = "";
        const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), tty: false };
        const code = await main(["grad", "--vars", "x,y,z", "--at", "0.7,-1.3,2.1", "--", text], io);
        expect([0, 2], `${JSON.stringify(text)} → ${code}: ${err}`).toContain(code);
        expect(err).not.toMatch(/\n\s+at /);
        if (code === 0) expect(out).toMatch(/∇f +\(/);
        else {
          const lines = err.trimEnd().split("\n");
          expect(lines).toHaveLength(3);
          expect(lines[0]).toMatch(/^nabla: .* \(column \d+\)$/);
          expect(lines[2]).toMatch(/^ +\^$/);
        }
      }),
      { numRuns: runs(300) },
    );
  });
});
