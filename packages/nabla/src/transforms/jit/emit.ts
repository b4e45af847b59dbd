// The second half of compiling: JavaScript for a plan (plan.ts). Values are named as
// buffers or scalar locals; a fused value becomes an expression for one element, written
// inside the loop that reads it.
import { broadcastMap, sizeOf, stridesOf, viewStrides, type AxisMap, type Shape, type TypedArray } from "../../array/index.js";
import { numberKey, type Equation, type IR, type Var } from "../../core/index.js";
import type { Plan, Step } from "./plan.js";
import { ARRAY_TYPE, Block, append, castTo, flatIndex, int, viewIndex } from "./source.js";
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

export class Emitter {
  private readonly names = new Map<Var, string>();
  /** Values held in typed arrays (the rest of `names` are scalar locals). */
  private readonly buffers = new Set<Var>();
  /** Loop indices j·L + r (see window.ts), keyed by the index expression. */
  private readonly phases = new Map<string, Phase>();
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
  declare(ir: IR, constValues: readonly TypedArray[]): string[] {
    const lines: string[] = [];
    ir.constVars.forEach((v, i) => {
      const scalar = this.plan.scalars.has(v);
      lines.push(`const c${i} = ${scalar ? numberKey(constValues[i]![0]!) : `consts[${i}]`};`);
      this.name(v, `c${i}`, !scalar);
    });
    ir.inputs.forEach((v, i) => {
      lines.push(`const a${i} = args[${i}];`);
      this.name(v, `a${i}`, true);
    });
    return lines;
  }

  returns(outputs: readonly Var[]): string {
    return `return [${outputs.map((v) => this.names.get(v)!).join(", ")}];`;
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
    append(block.lines, nested.lines.map((l) => "  " + l));
    block.lines.push(`  ${t} = ${value};`, `}`);
    return t;
  }

  /**
   * Loops over `shape` (outer axes first); `body` receives the loop indices. Tiny shapes
   * are unrolled with literal indices, which lets V8 fold the index arithmetic and pad
   * conditions away (what makes small problems, like a 2-D gradient, cheap per call).
   * With `phaseStep` L > 1 the last axis runs as j·L + r, its L phases written out.
   */
  private loops(shape: Shape, body: (idx: string[]) => string[], phaseStep = 1): string[] {
    const indent = (lines: readonly string[]) => lines.map((l) => "  " + l);
    if (sizeOf(shape) <= UNROLL_LIMIT) {
      const out: string[] = [];
      const strides = stridesOf(shape);
      for (let flat = 0; flat < sizeOf(shape); flat++) {
        append(out, ["{", ...indent(body(shape.map((d, i) => int(Math.floor(flat / strides[i]!) % d)))), "}"]);
      }
      return out;
    }
    const last = shape.length - 1;
    const L = phaseStep;
    const phased = L > 1 && shape[last]! % L === 0;
    const idx = shape.map((d) => (d === 1 ? "0" : this.fresh("i")));
    let out: string[];
    if (phased) {
      const j = this.fresh("j");
      const count = shape[last]! / L;
      out = [];
      for (let r = 0; r < L; r++) {
        const ix = `(${j} * ${int(L)} + ${int(r)})`;
        this.phases.set(ix, { j, L, r, count });
        append(out, ["{", ...indent(body([...idx.slice(0, last), ix])), "}"]);
      }
      out = [`for (let ${j} = 0; ${j} < ${int(count)}; ${j}++) {`, ...indent(out), "}"];
    } else {
      out = body(idx);
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      if (shape[d] === 1 || (phased && d === last)) continue;
      out = [`for (let ${idx[d]} = 0; ${idx[d]} < ${int(shape[d]!)}; ${idx[d]}++) {`, ...indent(out), "}"];
    }
    return out;
  }

  /** A new buffer for `v` and its write position (named once its loop is written). */
  private allocate(v: Var): [string, string, string[]] {
    const [b, p] = [this.fresh("b"), this.fresh("p")];
    return [b, p, [`const ${b} = new ${ARRAY_TYPE[v.aval.dtype]}(${int(sizeOf(v.aval.shape))});`, `let ${p} = 0;`]];
  }

  /** Stores fused value `v`: a local when it is a scalar, else a buffer filled by one loop. */
  store(v: Var): string[] {
    if (this.plan.scalars.has(v)) {
      const block = new Block();
      const value = this.element(v, v.aval.shape.map(() => "0"), block);
      const r = this.fresh("r");
      this.name(v, r, false);
      return [...block.lines, `const ${r} = ${value};`];
    }
    const [b, p, lines] = this.allocate(v);
    const body = (idx: string[]) => {
      const block = new Block();
      const value = this.element(v, idx, block);
      return [...block.lines, `${b}[${p}++] = ${value};`];
    };
    append(lines, this.loops(v.aval.shape, body, phaseStepOf(this.plan, v)));
    this.name(v, b, true);
    return lines;
  }

  /** A reduction over trailing axes: one accumulator per kept index, its input read in place. */
  reduction(e: Equation, step: StepOf<"reduce">): string[] {
    const input = e.inputs[0]!;
    const kept = input.aval.shape.slice(0, step.kept);
    const reduced = input.aval.shape.slice(step.kept);
    const [b, p, lines] = this.allocate(e.outputs[0]!);
    const loops = this.loops(kept, (outer) => {
      const acc = this.fresh("s");
      const inner = this.loops(reduced, (idx) => {
        const block = new Block();
        const x = this.element(input, [...outer, ...idx], block);
        return [...block.lines, `${acc} = ${step.update(acc, x)};`];
      });
      return [`let ${acc} = ${step.init};`, ...inner, `${b}[${p}++] = ${acc};`];
    });
    append(lines, loops);
    this.name(e.outputs[0]!, b, true);
    return lines;
  }

  /** Runner `k` on the inputs' buffers. */
  call(e: Equation, k: number): string {
    const ins = e.inputs.map((v) => this.names.get(v)!).join(", ");
    const outs = e.outputs.map((v) => {
      const b = this.fresh("b");
      this.name(v, b, true);
      return b;
    });
    return `const [${outs.join(", ")}] = call(${k}, [${ins}]);`;
  }

  /** A view of a buffer that reads it whole and in order shares the buffer: no copy. */
  shares(e: Equation, map: AxisMap | undefined): boolean {
    const [input, out] = [e.inputs[0]!, e.outputs[0]!];
    if (!this.buffers.has(input) || !keepsOrder(map, input.aval.shape, out.aval.shape)) return false;
    this.name(out, this.names.get(input)!, true);
    return true;
  }
}
