import { ConcreteArray, Tracer, type Array } from "./array.js";
import { bind, currentInterpreter, withInterpreter, type Interpreter } from "./interpreter.js";
import type { Aval, Primitive } from "./primitive.js";
import { asArray } from "./np/convert.js";
import { sizeOf } from "../array/index.js";

/** A variable of the IR: a name and what is known of its value. */
export class Var {
  constructor(
    readonly id: number,
    readonly aval: Aval,
  ) {}
  toString(): string {
    // a, b, ..., z, ba, bb, ... as in JAX's jaxprs.
    let n = this.id;
    let s = "";
    do {
      s = String.fromCharCode(97 + (n % 26)) + s;
      n = Math.floor(n / 26);
    } while (n > 0);
    return s;
  }
  typed(): string {
    return `${this}:${this.aval.dtype}[${this.aval.shape.join(",")}]`;
  }
}

/** One primitive application: `outputs = prim[params](inputs)`. */
export interface Equation {
  readonly prim: Primitive;
  readonly inputs: readonly Var[];
  readonly params: unknown;
  readonly outputs: readonly Var[];
}

/**
 * A staged program, like a JAX jaxpr: constants (values the function closed over),
 * inputs, equations in order, outputs. It is data: transformations read it and
 * `evalIR` replays it through `bind`, so staged code runs under any interpreter.
 */
export class IR {
  constructor(
    readonly constVars: readonly Var[],
    readonly inputs: readonly Var[],
    readonly equations: readonly Equation[],
    readonly outputs: readonly Var[],
  ) {}

  toString(): string {
    const params = (p: unknown) => {
      const entries = Object.entries((p ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v !== "function");
      if (entries.length === 0) return "";
      const show = (v: unknown): string => (v instanceof IR ? "{...}" : JSON.stringify(v));
      return `[${entries.map(([k, v]) => `${k}=${show(v)}`).join(" ")}]`;
    };
    const lines = this.equations.map(
      (e) => `    ${e.outputs.map((v) => v.typed()).join(" ")} = ${e.prim.name}${params(e.params)} ${e.inputs.join(" ")}`,
    );
    const consts = this.constVars.map((v) => v.typed()).join(" ");
    return [
      `{ lambda ${consts}${consts ? " " : ""}; ${this.inputs.map((v) => v.typed()).join(" ")} .`,
      `  let`,
      ...lines,
      `  in (${this.outputs.join(", ")}) }`,
    ].join("\n");
  }
}

/** An IR with the values of its constants. */
export interface ClosedIR {
  readonly ir: IR;
  readonly consts: readonly Array[];
}

class StageTracer extends Tracer {
  constructor(
    readonly owner: StageInterpreter,
    readonly variable: Var,
  ) {
    super();
  }
  get shape() {
    return this.variable.aval.shape;
  }
  get dtype() {
    return this.variable.aval.dtype;
  }
  override get weak() {
    return this.variable.aval.weak;
  }
}

/**
 * Records primitives applied to its tracers as equations. Work that does not depend on
 * the staged inputs is done at once by the interpreter below (partial evaluation), and
 * its results enter the IR as constants: so a staged loop body holds only the work
 * that varies, and values closed over from outer transformations become explicit
 * operands.
 */
class StageInterpreter implements Interpreter {
  readonly name = "stage";
  readonly equations: Equation[] = [];
  readonly consts = new Map<Array, Var>();
  private readonly scalars = new Map<string, Var>();
  private nextId = 0;
  constructor(
    readonly parent: Interpreter,
    readonly options: StageOptions,
  ) {}

  newVar(aval: Aval): Var {
    return new Var(this.nextId++, { shape: [...aval.shape], dtype: aval.dtype, ...(aval.weak ? { weak: aval.weak } : {}) });
  }

  owns(x: Array): x is StageTracer {
    return x instanceof StageTracer && x.owner === this;
  }

  varFor(x: Array): Var {
    if (this.owns(x)) return x.variable;
    let v = this.consts.get(x);
    if (v) return v;
    // Equal scalar constants (each `2` in x·2 + x·2 is its own Array) share one variable,
    // so common-subexpression elimination can see the repeated work.
    const scalar = x instanceof ConcreteArray && x.size === 1 ? `${x.dtype}:${x.shape.length}:${numberKey(x.storage.data[0]!)}` : undefined;
    if (scalar !== undefined) v = this.scalars.get(scalar);
    if (!v) {
      v = this.newVar(x);
      if (scalar !== undefined) this.scalars.set(scalar, v);
    }
    this.consts.set(x, v);
    return v;
  }

  process(prim: Primitive, args: readonly Array[], params: unknown): Array[] {
    const avals = prim.shapeRule(args, params);
    if (!args.some((a) => this.owns(a)) && (this.options.foldExpanding !== false || !expands(args, avals))) {
      return withInterpreter(this.parent, () => bind(prim, args, params));
    }
    const inputs = args.map((a) => this.varFor(a));
    const outputs = avals.map((aval) => this.newVar(aval));
    this.equations.push({ prim, inputs, params, outputs });
    return outputs.map((v) => new StageTracer(this, v));
  }
}

/** A number's exact identity as a string: -0 and NaN included. */
export function numberKey(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x);
}

export interface StageOptions {
  /**
   * Fold constant work that makes a larger value than it reads (a broadcast of a
   * scalar, say)? Default true. `jit` says false: staged, a broadcast stays a view the
   * generated loop reads in place, instead of a large constant array.
   */
  foldExpanding?: boolean;
}

function expands(args: readonly Aval[], outs: readonly Aval[]): boolean {
  const biggest = Math.max(1, ...args.map((a) => sizeOf(a.shape)));
  return outs.some((o) => sizeOf(o.shape) > biggest);
}

/**
 * Stages `f` on inputs of the given shapes and dtypes: the IR of its computation and the
 * constants it closed over. `f` takes and returns flat lists of Arrays.
 *
 * @example
 * const { ir } = stage((x) => [x.mul(x).sum()], [{ shape: [3], dtype: "float64" }]);
 * String(ir); // { lambda ; a:float64[3] . let b:float64[3] = mul a a ... }
 */
export function stage(f: (...args: Array[]) => readonly (Array | number)[], avals: readonly Aval[], options: StageOptions = {}): ClosedIR {
  const interp = new StageInterpreter(currentInterpreter(), options);
  const inputs = avals.map((a) => interp.newVar(a));
  const outs = withInterpreter(interp, () => f(...inputs.map((v) => new StageTracer(interp, v))));
  const outputs = outs.map((o) => interp.varFor(asArray(o)));
  // One entry per constant variable (equal scalars share one).
  const byVar = new Map<Var, Array>();
  for (const [value, v] of interp.consts) if (!byVar.has(v)) byVar.set(v, value);
  const ir = new IR([...byVar.keys()], inputs, interp.equations, outputs);
  return { ir, consts: [...byVar.values()] };
}

/**
 * Replays an IR through `bind` under the current interpreter, so a staged program can
 * be run, differentiated or batched like the function it came from.
 *
 * @example
 * const closed = stage((x) => [x.sin()], [{ shape: [2], dtype: "float64" }]);
 * evalIR(closed, [np.array([0, 1])]); // [sin 0, sin 1]
 */
export function evalIR({ ir, consts }: ClosedIR, args: readonly Array[]): Array[] {
  if (args.length !== ir.inputs.length) throw new Error(`evalIR: the IR takes ${ir.inputs.length} inputs, got ${args.length}`);
  const env = new Map<Var, Array>();
  ir.constVars.forEach((v, i) => env.set(v, consts[i]!));
  ir.inputs.forEach((v, i) => env.set(v, args[i]!));
  for (const eqn of ir.equations) {
    const outs = bind(eqn.prim, eqn.inputs.map((v) => env.get(v)!), eqn.params);
    eqn.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return ir.outputs.map((v) => env.get(v)!);
}
