// The second half of compiling: JavaScript for a plan (plan.ts). Values are named as
// buffers or scalar locals; a fused value becomes an expression for one element, written
// inside the loop that reads it, and independent loops over the same index space are
// written as one (see Nest).
import { broadcastMap, sizeOf, stridesOf, viewStrides, type AxisMap, type Shape, type TypedArray } from "../../array/index.js";
import { numberKey, type Equation, type IR, type Runner, type Var } from "../../core/index.js";
import { phaseStepOf, type Plan, type Step } from "./plan.js";
import {
  ARRAY_TYPE, append, castTo, flatIndex, forLoops, indent, indicesOf, int, newBlock, viewIndex, windowIndex, type Block, type Phase,
} from "./source.js";

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
  readonly body: Block;
  /** Written after the loops: a full reduction's result. */
  readonly after: string[];
  readonly writes: Set<string>;
}

export class Emitter {
  /** Each value's name: of a typed array (`buffer`), else of a scalar local or literal. */
  private readonly names = new Map<Var, { name: string; buffer: boolean }>();
  /** Loop indices j·L + r (see `windowIndex`), keyed by the index expression. */
  private readonly phases = new Map<string, Phase>();
  private readonly lines: string[] = [];
  /** What the generated code's `call(k, …)` runs: primitives that are not fused. */
  private readonly runners: Runner[] = [];
  private open: Nest | undefined;
  private temp = 0;

  /** Names the constants (a size-1 one becomes a literal; `constValues` are their data) and the inputs. */
  constructor(
    private readonly plan: Plan,
    ir: IR,
    constValues: readonly TypedArray[],
  ) {
    ir.constVars.forEach((v, i) => {
      const scalar = plan.scalars.has(v);
      this.lines.push(`const c${i} = ${scalar ? numberKey(constValues[i]![0]!) : `consts[${i}]`};`);
      this.names.set(v, { name: `c${i}`, buffer: !scalar });
    });
    ir.inputs.forEach((v, i) => {
      this.lines.push(`const a${i} = args[${i}];`);
      this.names.set(v, { name: `a${i}`, buffer: true });
    });
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.temp++}`;
  }

  /** A temporary holding `expr`. */
  private local(block: Block, expr: string): string {
    const t = this.fresh("t");
    block.lines.push(`const ${t} = ${expr};`);
    return t;
  }

  /** The whole function body, returning `outputs`, and the runners it calls. */
  finish(outputs: readonly Var[]): { source: string; runners: Runner[] } {
    this.close();
    this.lines.push(`return [${outputs.map((v) => this.names.get(v)!.name).join(", ")}];`);
    return { source: this.lines.join("\n"), runners: this.runners };
  }

  /** Does computing `v` element by element read a buffer or local that the open nest writes? */
  private readsOpen(v: Var, seen = new Set<Var>()): boolean {
    if (seen.has(v) || !this.open) return false;
    seen.add(v);
    const named = this.names.get(v);
    if (named) return this.open.writes.has(named.name);
    return this.plan.producer.get(v)!.inputs.some((input) => this.readsOpen(input, seen));
  }

  /** Straight-line code reading `inputs`: written above the open nest unless it reads what the nest writes. */
  private statement(lines: readonly string[], inputs: readonly Var[]): void {
    if (inputs.some((v) => this.readsOpen(v))) this.close();
    append(this.lines, lines);
  }

  /**
   * A nest with these trip counts to fill `buffer` (declared by `decl`) from `input`: the
   * open one if `input` reads nothing it writes, else a new one.
   */
  private nest(extents: readonly number[], input: Var, buffer: string, decl: readonly string[]): Nest {
    if (this.open?.extents.join() !== extents.join() || this.readsOpen(input)) {
      this.close();
      const vars = extents.map(() => this.fresh("i"));
      this.open = { vars, extents, body: newBlock(), after: [], writes: new Set() };
    }
    // Above the nest, whose loops are written when it closes.
    append(this.lines, decl);
    this.open.writes.add(buffer);
    return this.open;
  }

  private close(): void {
    const nest = this.open;
    if (!nest) return;
    append(this.lines, [...forLoops(nest.vars, nest.extents, nest.body.lines), ...nest.after]);
    this.open = undefined;
  }

  /** A JS expression for element `idx` of `v`, adding the statements it needs to `block`. */
  private element(v: Var, idx: readonly string[], block: Block): string {
    const key = `${v.id}@${idx.join(",")}`;
    if (block.known[key]) return block.known[key];
    const named = this.names.get(v);
    if (named && !named.buffer) return named.name;
    let value: string;
    if (named) value = this.local(block, `${named.name}[${flatIndex(v.aval.shape, idx)}]`);
    else {
      const e = this.plan.producer.get(v)!;
      const step = this.plan.steps.get(e)!;
      if (step.kind === "view") return this.element(e.inputs[0]!, viewIndex(step.map!, idx), block);
      if (step.kind === "window") value = this.window(e, step, idx, block);
      else if (step.kind !== "elementwise") throw new Error(`jit: ${e.prim.name} is not fused`);
      else {
        // Each input's element under numpy broadcasting.
        const args = e.inputs.map((input) => this.element(input, viewIndex(broadcastMap(input.aval.shape, v.aval.shape), idx), block));
        value = this.local(block, castTo(v.aval.dtype, step.expr(args)));
      }
    }
    return (block.known[key] = value);
  }

  /** Pad: the input's element where `idx` falls on the window, else 0. */
  private window(e: Equation, window: StepOf<"window">, idx: readonly string[], block: Block): string {
    const input = e.inputs[0]!;
    const at = windowIndex(window, input.aval.shape, e.outputs[0]!.aval.shape, idx, this.phases);
    if (!at) return "0";
    if (at.conds.length === 0) return this.element(input, at.inner, block);
    // Computed only where it is read: its temporaries live inside the `if`.
    const nested = newBlock(block);
    const value = this.element(input, at.inner, nested);
    const t = this.fresh("t");
    append(block.lines, [`let ${t} = 0;`, `if (${at.conds.join(" && ")}) {`, ...indent(nested.lines), `  ${t} = ${value};`, "}"]);
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
   * With phase step L > 1 (see `windowIndex`) the last axis runs as j·L + r, its L phases written out.
   */
  store(v: Var): void {
    const shape = v.aval.shape;
    if (this.plan.scalars.has(v)) {
      const block = newBlock();
      const local = this.local(block, this.element(v, shape.map(() => "0"), block));
      this.statement(block.lines, [v]);
      this.names.set(v, { name: local, buffer: false });
      return;
    }
    const [b, p, decl] = this.allocate(v);
    const write = (idx: string[], block = newBlock()) => (block.lines.push(`${b}[${p}++] = ${this.element(v, idx, block)};`), block.lines);
    if (sizeOf(shape) <= UNROLL_LIMIT) this.statement([...decl, ...this.loops(shape, (idx) => write(idx))], [v]);
    else {
      const L = phaseStepOf(this.plan, v);
      const extents = shape.filter((d) => d !== 1);
      extents[extents.length - 1]! /= L;
      const nest = this.nest(extents, v, b, decl);
      const idx = indicesOf(shape, nest.vars);
      const j = nest.vars[nest.vars.length - 1]!;
      for (let r = 0; r < L; r++) {
        if (L > 1) this.phases.set((idx[shape.length - 1] = `(${j} * ${int(L)} + ${int(r)})`), { j, L, r, count: extents[extents.length - 1]! });
        write(idx, nest.body);
      }
    }
    this.names.set(v, { name: b, buffer: true });
  }

  /** A reduction over trailing axes: one accumulator per kept index, its input read in place. */
  reduction(e: Equation, step: StepOf<"reduce">): void {
    const [input, out] = [e.inputs[0]!, e.outputs[0]!];
    const shape = input.aval.shape;
    const [kept, reduced] = [shape.slice(0, step.kept), shape.slice(step.kept)];
    const [b, p, decl] = this.allocate(out);
    const acc = this.fresh("s");
    const accumulate = (idx: string[], block = newBlock()) =>
      (block.lines.push(`${acc} = ${step.update(acc, this.element(input, idx, block))};`), block.lines);
    if (sizeOf(kept) === 1 && sizeOf(reduced) > UNROLL_LIMIT) {
      // A full reduction may share a nest with its siblings: its accumulation order is unchanged.
      const nest = this.nest(reduced.filter((d) => d !== 1), input, b, [...decl, `let ${acc} = ${step.init};`]);
      accumulate(indicesOf(shape, nest.vars), nest.body);
      nest.after.push(`${b}[${p}++] = ${acc};`);
    } else {
      const loops = this.loops(kept, (outer) => [
        `let ${acc} = ${step.init};`,
        ...this.loops(reduced, (idx) => accumulate([...outer, ...idx])),
        `${b}[${p}++] = ${acc};`,
      ]);
      this.statement([...decl, ...loops], [input]);
    }
    this.names.set(out, { name: b, buffer: true });
  }

  /** `runner` on the inputs' buffers, called from the generated code. */
  call(e: Equation, runner: Runner): void {
    const [ins, outs] = [e.inputs.map((v) => this.names.get(v)!.name), e.outputs.map(() => this.fresh("b"))];
    this.statement([`const [${outs.join(", ")}] = call(${this.runners.length}, [${ins.join(", ")}]);`], e.inputs);
    this.runners.push(runner);
    e.outputs.forEach((v, i) => this.names.set(v, { name: outs[i]!, buffer: true }));
  }

  /** A view of a buffer that reads it whole and in order shares the buffer: no copy. */
  shares(e: Equation, map: AxisMap | undefined): boolean {
    const [input, out] = [e.inputs[0]!, e.outputs[0]!];
    const named = this.names.get(input);
    if (!named?.buffer || !keepsOrder(map, input.aval.shape, out.aval.shape)) return false;
    this.names.set(out, named);
    return true;
  }
}
