// The second half of compiling: JavaScript for a plan (plan.ts). Values are named as
// buffers or scalar locals; a fused value becomes an expression for one element, written
// inside the loop that reads it, and independent loops over the same index space are
// written as one (see Nest).
import { broadcastMap, sizeOf, stridesOf, viewStrides, type AxisMap, type Shape, type TypedArray } from "../../array/index.js";
import { numberKey, type Equation, type IR, type Var } from "../../core/index.js";
import type { Plan, Step } from "./plan.js";
import { ARRAY_TYPE, Block, append, castTo, flatIndex, forLoops, indent, indicesOf, int, viewIndex } from "./source.js";
import { phaseStepOf, windowIndex, type Phase } from "./window.js";

/** Loops over at most this many elements are written out element by element. */
const UNROLL_LIMIT = 16;

type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** Does the view read its whole input in memory order (so a buffer can be shared, not copied)? */
function keepsOrder(map: AxisMap | undefined, shape: Shape, outShape: Shape): boolean {
  if (!map) return true;
  const { offset, strides } = viewStrides(map, shape, outShape);
  const own = stridesOf(outShape);
  return offset === 0 && sizeOf(shape) === sizeOf(outShape) && outShape.every((n, d) => n === 1 || strides[d] === own[d]);
}

/**
 * A `for` nest being written, left open so that later loops with the same trip counts
 * join it (horizontal fusion): value and gradient then read their inputs in one pass, and
 * the bodies share loads and temporaries through one Block. A loop joins only if it reads
 * none of the buffers the nest writes (those are complete only once it ends).
 */
interface Nest {
  readonly vars: readonly string[];
  readonly extents: readonly number[];
  readonly before: string[];
  readonly body: Block;
  readonly after: string[];
  readonly writes: Set<string>;
}

export class Emitter {
  private readonly names = new Map<Var, string>();
  /** Values held in typed arrays (the rest of `names` are scalar locals). */
  private readonly buffers = new Set<Var>();
  /** Loop indices j·L + r (see window.ts), keyed by the index expression. */
  private readonly phases = new Map<string, Phase>();
  private readonly lines: string[] = [];
  private open: Nest | undefined;
  private temp = 0;
  constructor(private readonly plan: Plan) {}

  private fresh(prefix: string): string {
    return `${prefix}${this.temp++}`;
  }

  private name(v: Var, name: string, buffer: boolean): void {
    this.names.set(v, name);
    if (buffer) this.buffers.add(v);
  }

  /** A temporary holding `expr`. */
  private local(block: Block, expr: string): string {
    const t = this.fresh("t");
    block.lines.push(`const ${t} = ${expr};`);
    return t;
  }

  /** Names the constants (a size-1 one becomes a literal) and the inputs. */
  declare(ir: IR, constValues: readonly TypedArray[]): void {
    ir.constVars.forEach((v, i) => {
      const scalar = this.plan.scalars.has(v);
      this.lines.push(`const c${i} = ${scalar ? numberKey(constValues[i]![0]!) : `consts[${i}]`};`);
      this.name(v, `c${i}`, !scalar);
    });
    ir.inputs.forEach((v, i) => {
      this.lines.push(`const a${i} = args[${i}];`);
      this.name(v, `a${i}`, true);
    });
  }

  /** The whole function body, returning `outputs`. */
  finish(outputs: readonly Var[]): string {
    this.close();
    this.lines.push(`return [${outputs.map((v) => this.names.get(v)!).join(", ")}];`);
    return this.lines.join("\n");
  }

  /** Does computing `v` element by element read a buffer or local that the open nest writes? */
  private readsOpen(v: Var, seen = new Set<Var>()): boolean {
    if (seen.has(v) || !this.open) return false;
    seen.add(v);
    const name = this.names.get(v);
    if (name !== undefined) return this.open.writes.has(name);
    return this.plan.producer.get(v)!.inputs.some((input) => this.readsOpen(input, seen));
  }

  /** Straight-line code reading `inputs`: written above the open nest unless it reads what the nest writes. */
  private statement(lines: readonly string[], inputs: readonly Var[]): void {
    if (inputs.some((v) => this.readsOpen(v))) this.close();
    append(this.lines, lines);
  }

  /**
   * A nest with these trip counts to fill `buffer` (declared by `before`) from `input`: the
   * open one if `input` reads nothing it writes, else a new one.
   */
  private nest(extents: readonly number[], input: Var, buffer: string, before: readonly string[]): Nest {
    if (this.open?.extents.join() !== extents.join() || this.readsOpen(input)) {
      this.close();
      const vars = extents.map(() => this.fresh("i"));
      this.open = { vars, extents, before: [], body: new Block(), after: [], writes: new Set() };
    }
    append(this.open.before, before);
    this.open.writes.add(buffer);
    return this.open;
  }

  private close(): void {
    const nest = this.open;
    if (!nest) return;
    append(this.lines, [...nest.before, ...forLoops(nest.vars, nest.extents, nest.body.lines), ...nest.after]);
    this.open = undefined;
  }

  /** A JS expression for element `idx` of `v`, adding the statements it needs to `block`. */
  private element(v: Var, idx: readonly string[], block: Block): string {
    const key = `${v.id}@${idx.join(",")}`;
    const known = block.lookup(key);
    if (known) return known;
    const name = this.names.get(v);
    if (name !== undefined && !this.buffers.has(v)) return name;
    let value: string;
    if (name !== undefined) value = this.local(block, `${name}[${flatIndex(v.aval.shape, idx)}]`);
    else {
      const e = this.plan.producer.get(v)!;
      const step = this.plan.steps.get(e)!;
      if (step.kind === "view") return this.element(e.inputs[0]!, viewIndex(step.map!, idx), block);
      if (step.kind === "window") value = this.window(e, step, idx, block);
      else if (step.kind === "elementwise") value = this.elementwise(e, step, idx, block);
      else throw new Error(`jit: ${e.prim.name} is not fused`);
    }
    block.remember(key, value);
    return value;
  }

  private elementwise(e: Equation, step: StepOf<"elementwise">, idx: readonly string[], block: Block): string {
    const out = e.outputs[0]!.aval;
    const args = e.inputs.map((input) => this.element(input, viewIndex(broadcastMap(input.aval.shape, out.shape), idx), block));
    return this.local(block, castTo(out.dtype, step.expr(args)));
  }

  /** Pad: the input's element where `idx` falls on the window, else 0. */
  private window(e: Equation, window: StepOf<"window">, idx: readonly string[], block: Block): string {
    const input = e.inputs[0]!;
    const at = windowIndex(window, input.aval.shape, e.outputs[0]!.aval.shape, idx, this.phases);
    if (!at) return "0";
    const nested = new Block(block);
    const value = this.element(input, at.inner, nested);
    if (at.conds.length === 0) {
      append(block.lines, nested.lines);
      return value;
    }
    const t = this.fresh("t");
    block.lines.push(`let ${t} = 0;`, `if (${at.conds.join(" && ")}) {`);
    append(block.lines, indent(nested.lines));
    block.lines.push(`  ${t} = ${value};`, `}`);
    return t;
  }

  /**
   * Loops over `shape` (outer axes first); `body` receives the loop indices. Tiny shapes
   * are unrolled with literal indices, which lets V8 fold the index arithmetic and pad
   * conditions away (what makes small problems, like a 2-D gradient, cheap per call).
   */
  private loops(shape: Shape, body: (idx: string[]) => string[]): string[] {
    if (sizeOf(shape) <= UNROLL_LIMIT) {
      const strides = stridesOf(shape);
      const element = (flat: number) => shape.map((d, i) => int(Math.floor(flat / strides[i]!) % d));
      return Array.from({ length: sizeOf(shape) }, (_, flat) => ["{", ...indent(body(element(flat))), "}"]).flat();
    }
    const extents = shape.filter((d) => d !== 1);
    const vars = extents.map(() => this.fresh("i"));
    return forLoops(vars, extents, body(indicesOf(shape, vars)));
  }

  /** A new buffer for `v` and its write position (named once its loop is written). */
  private allocate(v: Var): [string, string, string[]] {
    const [b, p] = [this.fresh("b"), this.fresh("p")];
    return [b, p, [`const ${b} = new ${ARRAY_TYPE[v.aval.dtype]}(${int(sizeOf(v.aval.shape))});`, `let ${p} = 0;`]];
  }

  /**
   * Stores fused value `v`: a local when it is a scalar, else a buffer filled in a nest.
   * With phase step L > 1 (window.ts) the last axis runs as j·L + r, its L phases written out.
   */
  store(v: Var): void {
    const shape = v.aval.shape;
    if (this.plan.scalars.has(v)) {
      const block = new Block();
      const value = this.element(v, shape.map(() => "0"), block);
      const r = this.fresh("r");
      this.statement([...block.lines, `const ${r} = ${value};`], [v]);
      return this.name(v, r, false);
    }
    const [b, p, decl] = this.allocate(v);
    const write = (idx: string[], block = new Block()) => (block.lines.push(`${b}[${p}++] = ${this.element(v, idx, block)};`), block.lines);
    if (sizeOf(shape) <= UNROLL_LIMIT) {
      this.statement([...decl, ...this.loops(shape, (idx) => write(idx))], [v]);
      return this.name(v, b, true);
    }
    const last = shape.length - 1;
    const L = phaseStepOf(this.plan, v);
    const phased = L > 1 && shape[last]! % L === 0;
    const extents = shape.filter((d) => d !== 1);
    if (phased) extents[extents.length - 1] = shape[last]! / L;
    const nest = this.nest(extents, v, b, decl);
    const idx = indicesOf(shape, nest.vars);
    const j = nest.vars[nest.vars.length - 1]!;
    for (let r = 0; r < (phased ? L : 1); r++) {
      if (phased) this.phases.set((idx[last] = `(${j} * ${int(L)} + ${int(r)})`), { j, L, r, count: extents[extents.length - 1]! });
      write(idx, nest.body);
    }
    this.name(v, b, true);
  }

  /** A reduction over trailing axes: one accumulator per kept index, its input read in place. */
  reduction(e: Equation, step: StepOf<"reduce">): void {
    const [input, out] = [e.inputs[0]!, e.outputs[0]!];
    const shape = input.aval.shape;
    const [kept, reduced] = [shape.slice(0, step.kept), shape.slice(step.kept)];
    const [b, p, decl] = this.allocate(out);
    const accumulate = (acc: string, idx: string[], block: Block) =>
      block.lines.push(`${acc} = ${step.update(acc, this.element(input, idx, block))};`);
    const acc = this.fresh("s");
    if (sizeOf(kept) === 1 && sizeOf(reduced) > UNROLL_LIMIT) {
      // A full reduction may share a nest with its siblings: its accumulation order is unchanged.
      const nest = this.nest(reduced.filter((d) => d !== 1), input, b, [...decl, `let ${acc} = ${step.init};`]);
      accumulate(acc, indicesOf(shape, nest.vars), nest.body);
      nest.after.push(`${b}[${p}++] = ${acc};`);
      return this.name(out, b, true);
    }
    const loops = this.loops(kept, (outer) => {
      const inner = this.loops(reduced, (idx) => {
        const block = new Block();
        accumulate(acc, [...outer, ...idx], block);
        return block.lines;
      });
      return [`let ${acc} = ${step.init};`, ...inner, `${b}[${p}++] = ${acc};`];
    });
    this.statement([...decl, ...loops], [input]);
    this.name(out, b, true);
  }

  /** Runner `k` on the inputs' buffers. */
  call(e: Equation, k: number): void {
    const ins = e.inputs.map((v) => this.names.get(v)!).join(", ");
    const outs = e.outputs.map((v) => {
      const b = this.fresh("b");
      this.name(v, b, true);
      return b;
    });
    this.statement([`const [${outs.join(", ")}] = call(${k}, [${ins}]);`], e.inputs);
  }

  /** A view of a buffer that reads it whole and in order shares the buffer: no copy. */
  shares(e: Equation, map: AxisMap | undefined): boolean {
    const [input, out] = [e.inputs[0]!, e.outputs[0]!];
    if (!this.buffers.has(input) || !keepsOrder(map, input.aval.shape, out.aval.shape)) return false;
    this.name(out, this.names.get(input)!, true);
    return true;
  }
}
