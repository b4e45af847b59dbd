// The expression language of the nabla command: math as people type it, parsed by jsep
// and mapped here onto nabla's own ops, so grad, hessian, jit and the optimizers all work
// on the result. Text is only ever parsed, never run as JavaScript.
import jsep from "jsep";
import { np, type Array } from "nabla";
import { clip, quote, UsageError } from "./args.js";

/** A parsed expression: a scalar function of a 1-D Array of its variables. */
export interface Expr {
  /** The text as given. */
  source: string;
  /** The variables, in the order of x's entries. */
  vars: string[];
  /** Where each variable first appears in `source` (a UTF-16 index). */
  firstUse: Map<string, number>;
  /** f(x) with x a float64 Array of shape [vars.length]; a scalar float64 Array. */
  f: (x: Array) => Array;
}

type Node = jsep.Expression & { start?: number; end?: number };
type Value = Array | number;
type Compiled = (v: readonly Array[]) => Value;

// Functions take their arguments as one list: max(x1, …, x200000) must not become a call
// with 200,000 arguments, which overflows the stack.
const one = (op: (a: Value) => Value) => (args: readonly Value[]) => op(args[0]!);
const two = (op: (a: Value, b: Value) => Value) => (args: readonly Value[]) => op(args[0]!, args[1]!);
const fold = (op: (a: Value, b: Value) => Array) => (args: readonly Value[]) => args.slice(1).reduce<Value>((acc, b) => op(acc, b), args[0]!);

/** The functions an expression may call: [least, most] arguments and the op. */
const FUNCTIONS: Record<string, [number, number, (args: readonly Value[]) => Value]> = {
  sin: [1, 1, one(np.sin)], cos: [1, 1, one(np.cos)], tan: [1, 1, one(np.tan)],
  asin: [1, 1, one(np.arcsin)], acos: [1, 1, one(np.arccos)], atan: [1, 1, one(np.arctan)],
  sinh: [1, 1, one(np.sinh)], cosh: [1, 1, one(np.cosh)], tanh: [1, 1, one(np.tanh)],
  exp: [1, 1, one(np.exp)], log: [1, 1, one(np.log)], log1p: [1, 1, one(np.log1p)],
  sqrt: [1, 1, one(np.sqrt)], abs: [1, 1, one(np.abs)],
  sigmoid: [1, 1, one(np.sigmoid)], softplus: [1, 1, one(np.softplus)],
  atan2: [2, 2, two(np.arctan2)], pow: [2, 2, two(np.pow)],
  min: [2, Infinity, fold(np.minimum)], max: [2, Infinity, fold(np.maximum)],
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, "π": Math.PI, e: Math.E };

/** The names an expression may use besides its variables, for --help. */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS);
export const CONSTANT_NAMES = Object.keys(CONSTANTS);

// Deeper expressions than this are refused before the recursive mapping (and evaluation)
// could overflow the call stack. Depth is real nesting (parentheses, calls, signs, powers):
// a chain a + b − c + … or a·b/c·… is one level however long (see compileChain).
const MAX_DEPTH = 500;

/** The left-associative operators, by precedence class: a chain of one class is flattened. */
const CHAIN_CLASS: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2 };
const BINARY: Record<string, (a: Value, b: Value) => Array> = { "+": np.add, "-": np.sub, "*": np.mul, "/": np.div, "^": np.pow };

// jsep's operator tables are global to the module. Keep only arithmetic: + − * / and a
// right-associative ^ binding tighter than * and /. Unary minus and plus are parsed
// below (MathParser), because jsep binds them tighter than any binary operator, which
// would make -x^2 mean (−x)². Literals true/false/null are dropped: they are just names.
jsep.removeAllBinaryOps();
jsep.removeAllUnaryOps();
jsep.removeAllLiterals();
jsep.addBinaryOp("+", 1);
jsep.addBinaryOp("-", 1);
jsep.addBinaryOp("*", 2);
jsep.addBinaryOp("/", 2);
jsep.addBinaryOp("^", 3, true);

/** The part of jsep's parser class (exported as jsep.Jsep, not in its typings) we extend. */
interface JsepParser {
  index: number;
  readonly expr: string;
  readonly code: number;
  gobbleSpaces(): void;
  gobbleExpression(): Node | false;
  gobbleToken(): Node | false;
  gobbleIdentifier(): Node;
  gobbleGroup(): Node | false;
  gobbleArray(): Node | false;
  throwError(message: string): never;
  parse(): Node;
}
const Jsep = (jsep as unknown as { Jsep: new (expr: string) => JsepParser }).Jsep;

/**
 * jsep with positions on every token (for error carets), math's unary minus (−x^2 is
 * −(x²), 2^−x is 2^(−x)), and stricter grouping: jsep alone accepts "x; y", "(x, )" and
 * "2 x" as lists of expressions.
 */
class MathParser extends Jsep {
  override parse(): Node {
    this.gobbleSpaces();
    if (this.index >= this.expr.length) this.throwError("empty expression");
    const node = this.gobbleExpression();
    if (!node) this.throwError(`unexpected "${this.expr[this.index]}"`);
    const ch = this.expr[this.index];
    if (ch !== undefined && "=%!&|<>~?:".includes(ch)) this.throwError(`"${ch}" is not part of the language (operators: + - * / ^)`);
    if (ch !== undefined) this.throwError(`expected an operator before "${ch}"`);
    return node;
  }

  override gobbleToken(): Node | false {
    this.gobbleSpaces();
    const start = this.index;
    const ch = this.expr[start];
    let node: Node | false;
    if (ch === "-" || ch === "+") {
      this.index++;
      node = { type: "UnaryExpression", operator: ch, argument: this.gobblePower(ch), prefix: true };
    } else {
      node = super.gobbleToken();
    }
    if (node) {
      node.start ??= start;
      node.end ??= this.index;
    }
    return node;
  }

  /** An operand with its powers, as the argument of a unary sign: −a^b^c = −(a^(b^c)). */
  private gobblePower(after: string): Node {
    const base = this.gobbleToken();
    if (!base) this.throwError(`expected a value after "${after}"`);
    this.gobbleSpaces();
    if (this.expr[this.index] !== "^") return base;
    this.index++;
    return { type: "BinaryExpression", operator: "^", left: base, right: this.gobblePower("^"), start: base.start };
  }

  override gobbleIdentifier(): Node {
    const start = this.index;
    const node = super.gobbleIdentifier();
    return Object.assign(node, { start, end: this.index });
  }

  override gobbleGroup(): Node | false {
    const open = this.index++;
    const node = this.gobbleExpression();
    if (!node) {
      if (this.index >= this.expr.length) this.index = open;
      this.throwError(this.index === open ? 'unclosed "("' : this.expr[this.index] === ")" ? "empty parentheses" : `unexpected "${this.expr[this.index]}"`);
    }
    if (this.expr[this.index] === ")") {
      this.index++;
      return node;
    }
    if (this.index >= this.expr.length) {
      this.index = open;
      this.throwError('unclosed "("');
    }
    this.throwError(`expected ")" or an operator before "${this.expr[this.index]}"`);
  }

  override gobbleArray(): Node | false {
    this.throwError('brackets "[ ]" are not part of the language; use parentheses');
  }
}

function fail(source: string, index: number, reason: string): never {
  throw new UsageError(reason, { source, index });
}

/** Where a node starts: its leftmost token's start (loops, as a chain may be 10⁵ deep on the left). */
function startOf(node: Node): number {
  let n: Node | undefined = node;
  while (n && n.start === undefined) n = (n.left ?? n.object) as Node | undefined;
  return n?.start ?? 0;
}

/** Where a node ends: its rightmost token's end. */
function endOf(node: Node): number {
  let n: Node | undefined = node;
  while (n && n.end === undefined) n = (n.right ?? n.property) as Node | undefined;
  return n?.end ?? 0;
}

/**
 * Parses math as people type it into a function of its variables built from nabla's ops:
 * numbers (1e-3), names, + − * / ^ (right-associative, −x^2 = −(x²)), parentheses, the
 * functions in FUNCTION_NAMES and the constants pi and e. Variables are ordered by first
 * appearance unless `vars` gives the order (then any other name is an error). Every
 * mistake is a UsageError carrying its position in `source`.
 *
 * @example
 * const { vars, f } = parseExpr("0.5*(x^2 + 10*y^2)");
 * vars;                          // ["x", "y"]
 * f(np.array([1, 2])).item();    // 20.5
 * grad(f)(np.array([1, 1]));     // [1, 10]
 */
export function parseExpr(source: string, opts: { vars?: readonly string[] } = {}): Expr {
  let ast: Node;
  try {
    ast = new MathParser(source).parse();
  } catch (e) {
    if (e instanceof RangeError) fail(source, 0, "the expression is nested too deeply");
    const err = e as Error & { index?: number; description?: string };
    if (typeof err.index !== "number") throw e;
    const index = Math.min(err.index, source.length);
    const reason = err.description ?? err.message;
    // jsep's messages start with a capital; ours don't. "**" is JavaScript's power.
    const hint = source.startsWith("*", index) && reason.includes("after *") ? " (powers are written x^2)" : /cannot start with a number/.test(reason) ? " (write 2*x for a product)" : "";
    fail(source, index, reason[0]!.toLowerCase() + reason.slice(1) + hint);
  }

  for (const name of opts.vars ?? []) {
    if (Object.hasOwn(FUNCTIONS, name) || Object.hasOwn(CONSTANTS, name)) {
      throw new UsageError(`--vars: ${quote(name)} is a ${Object.hasOwn(FUNCTIONS, name) ? "function" : "constant"}, not a variable name`);
    }
  }
  const vars: string[] = [...(opts.vars ?? [])];
  // Name → index through a Map: indexOf would make x0 + … + x99999 quadratic.
  const index = new Map(vars.map((name, i) => [name, i]));
  const firstUse = new Map<string, number>();
  const variable = (name: string, at: number): number => {
    if (!firstUse.has(name)) firstUse.set(name, at);
    let i = index.get(name);
    if (i === undefined) {
      if (opts.vars) fail(source, at, `unknown name ${quote(name)} (the variables are ${clip(opts.vars.join(", "), 200) || "none"})`);
      i = vars.push(name) - 1;
      index.set(name, i);
    }
    return i;
  };

  const compile = (node: Node, depth: number): Compiled => {
    if (depth > MAX_DEPTH) fail(source, startOf(node), `the expression is nested more than ${MAX_DEPTH} deep`);
    const at = startOf(node);
    switch (node.type) {
      case "Literal": {
        const value = node.value;
        if (typeof value !== "number") fail(source, at, "strings are not part of the language");
        if (!Number.isFinite(value)) fail(source, at, `the number ${quote(String(node.raw))} is too large for float64`);
        return () => value;
      }
      case "Identifier": {
        const name = node.name as string;
        if (Object.hasOwn(CONSTANTS, name)) {
          const value = CONSTANTS[name]!;
          return () => value;
        }
        if (Object.hasOwn(FUNCTIONS, name)) fail(source, at, `"${name}" is a function: call it, as in ${name}(x)`);
        const i = variable(name, at);
        return (v) => v[i]!;
      }
      case "UnaryExpression": {
        const arg = compile(node.argument as Node, depth + 1);
        return node.operator === "-" ? (v) => np.neg(arg(v)) : arg;
      }
      case "BinaryExpression": {
        if (Object.hasOwn(CHAIN_CLASS, node.operator as string)) return compileChain(node, depth);
        const left = compile(node.left as Node, depth + 1);
        const right = compile(node.right as Node, depth + 1);
        const op = Object.hasOwn(BINARY, node.operator as string) ? BINARY[node.operator as string] : undefined;
        if (!op) fail(source, endOf(node.left as Node), `unsupported operator ${quote(String(node.operator))}`);
        return (v) => op(left(v), right(v));
      }
      case "CallExpression": {
        const callee = node.callee as Node;
        // Math.sqrt(2) is refused for its member access, the first thing wrong in it.
        if (callee.type === "MemberExpression") compile(callee, depth + 1);
        if (callee.type !== "Identifier") fail(source, at, "only named functions can be called, as in sin(x)");
        const name = callee.name as string;
        if (!Object.hasOwn(FUNCTIONS, name)) {
          const what = Object.hasOwn(CONSTANTS, name) ? "is a constant, not a function" : index.has(name) ? "is a variable, not a function" : "is not a known function";
          fail(source, at, `${quote(name)} ${what} (functions: ${FUNCTION_NAMES.join(" ")})`);
        }
        const [least, most, fn] = FUNCTIONS[name]!;
        const args = node.arguments as Node[];
        if (args.length < least || args.length > most) {
          const want = least === most ? `${least}` : most === Infinity ? `${least} or more` : `${least} to ${most}`;
          fail(source, at, `${name} takes ${want} argument${want === "1" ? "" : "s"}, got ${args.length}`);
        }
        const parts = args.map((a) => compile(a, depth + 1));
        return (v) => fn(parts.map((p) => p(v)));
      }
      case "MemberExpression":
        fail(source, endOf(node.object as Node), `"${node.computed ? "[" : "."}" (member access) is not part of the language`);
      case "ConditionalExpression":
        fail(source, source.indexOf("?", endOf(node.test as Node)), '"? :" (conditionals) are not part of the language');
      case "ThisExpression":
        fail(source, at, '"this" is not part of the language');
      default:
        fail(source, at, `unsupported syntax (${node.type})`);
    }
  };

  /**
   * a ∘ b ∘ c … for operators of one class (+ − or * /), which jsep nests on the left:
   * compiled and evaluated in a loop, left to right as written, so a sum of 10⁵ terms
   * is one level of depth, not 10⁵ nested calls.
   */
  function compileChain(node: Node, depth: number): Compiled {
    const cls = CHAIN_CLASS[node.operator as string];
    const links: { op: (a: Value, b: Value) => Array; operand: Node }[] = [];
    let first: Node = node;
    while (first.type === "BinaryExpression" && CHAIN_CLASS[first.operator as string] === cls) {
      links.push({ op: BINARY[first.operator as string]!, operand: first.right as Node });
      first = first.left as Node;
    }
    links.reverse();
    // Compiled in the order written, which is the order variables are numbered in.
    const head = compile(first, depth + 1);
    const rest = links.map(({ op, operand }) => ({ op, operand: compile(operand, depth + 1) }));
    return (v) => {
      let acc = head(v);
      for (const { op, operand } of rest) acc = op(acc, operand(v));
      return acc;
    };
  }

  let body: Compiled;
  try {
    body = compile(ast, 0);
  } catch (e) {
    if (e instanceof RangeError) fail(source, 0, "the expression is nested too deeply");
    throw e;
  }
  const n = vars.length;
  const f = (x: Array): Array => {
    if (x.ndim !== 1 || x.shape[0] !== n) throw new Error(`expression: expected the ${n} variable${n === 1 ? "" : "s"} (${vars.join(", ")}) as an array of shape [${n}], got [${x.shape.join(", ")}]`);
    const v: Array[] = [];
    for (let i = 0; i < n; i++) v.push(x.slice(i));
    return np.asArray(body(v), "float64");
  };
  return { source, vars, firstUse, f };
}

/**
 * Evaluates a constant expression ("pi/4", "-1e-3", "sqrt(2)"), as used in option values.
 *
 * @example
 * evalConstant("pi/2"); // 1.5707963267948966
 */
export function evalConstant(text: string): number {
  const { f } = parseExpr(text, { vars: [] });
  return f(np.zeros([0])).item() as number;
}
