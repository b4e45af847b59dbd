import { ELEMENTWISE_EXPR, REDUCERS, Storage, allocate, sizeOf, stridesOf, type DType, type ElementwiseOp, type ReduceOp, type Shape, type TypedArray, canGenerateCode, kernelOp, S } from "../../array/index.js";
import { ConcreteArray, evalIR, type Aval, type Equation, type IR, type Var } from "../../core/index.js";

/** Appends `items` to `target` in a loop: push(...items) overflows the stack at ~10⁵ items, and a big kernel has that many lines. */
function append(target: string[], items: readonly string[]): void {
  for (const item of items) target.push(item);
}

/**
 * Generates one JavaScript function from an IR. Chains of elementwise ops, the views
 * between them (slice, transpose, broadcast, reshape) and `pad` are fused into single
 * loops that read their inputs in place; a reduction over trailing axes consumes its
 * fused input inside its own loop. Everything else calls the primitive's kernel. The
 * source is built only from the IR: op expressions come from the kernel table, numbers
 * are formatted here, names are generated — no user text reaches `new Function`.
 */
export type Compiled = (consts: readonly TypedArray[], args: readonly TypedArray[]) => TypedArray[];

// reshape is a view too, but of buffers only: it renames its input.
const VIEWS = new Set(["slice", "transpose", "broadcast_to", "reshape"]);
const REDUCTIONS: Record<string, ReduceOp> = { reduce_sum: "sum", reduce_prod: "prod", reduce_max: "max", reduce_min: "min" };
/** A fused value used twice is recomputed when it costs at most this many ops. */
const RECOMPUTE_LIMIT = 6;
/** Loops over at most this many elements are written out element by element. */
const UNROLL_LIMIT = 16;
const ARRAY_TYPE: Record<DType, string> = { float64: "Float64Array", float32: "Float32Array", int32: "Int32Array", bool: "Uint8Array" };

/** A reshape that only inserts or removes size-1 axes re-indexes without moving data. */
function onlyUnitAxes(e: Equation): boolean {
  const a = e.inputs[0]!.aval.shape.filter((d) => d !== 1);
  const b = e.outputs[0]!.aval.shape.filter((d) => d !== 1);
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const isElementwise = (name: string) => name in ELEMENTWISE_EXPR || name === "select" || name === "convert" || name === "stop_gradient";
const fusable = (name: string) => isElementwise(name) || VIEWS.has(name) || name === "pad";

/** Integer literal for generated source (only ever numbers computed here). */
const int = (n: number): string => {
  if (!Number.isInteger(n)) throw new Error(`codegen: expected an integer, got ${n}`);
  return String(n);
};

/** Rounds a double result to what the dtype's typed array would store. */
function castTo(dtype: DType, expr: string): string {
  if (dtype === "float32") return `Math.fround(${expr})`;
  if (dtype === "int32") return `((${expr}) | 0)`;
  return expr;
}

/** Statements of one loop body, with its temporaries (nested inside `if` for pad). */
class Block {
  readonly lines: string[] = [];
  private readonly cache = new Map<string, string>();
  constructor(readonly parent?: Block) {}
  lookup(key: string): string | undefined {
    return this.cache.get(key) ?? this.parent?.lookup(key);
  }
  remember(key: string, name: string): void {
    this.cache.set(key, name);
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

type Runner = (inputs: readonly TypedArray[]) => TypedArray[];

/** Runs a primitive's kernel on buffers. */
function kernelRunner(eqn: Equation): Runner {
  const outAvals: Aval[] = eqn.outputs.map((v) => v.aval);
  return (inputs) => {
    const storages = inputs.map((d, i) => new Storage(eqn.inputs[i]!.aval.dtype, eqn.inputs[i]!.aval.shape, d));
    return eqn.prim.impl(storages, eqn.params, outAvals).map((s) => s.data);
  };
}

/**
 * Control flow keeps its loops, with bodies compiled too: `while`, `scan` and `cond`
 * run their staged bodies as generated functions instead of replaying them op by op.
 */
function loopRunner(eqn: Equation): Runner | undefined {
  const run = (ir: IR) => {
    const fn = compile(ir, []);
    return (args: readonly TypedArray[]) => fn([], args);
  };
  switch (eqn.prim.name) {
    case "while": {
      const p = eqn.params as { condIR: IR; bodyIR: IR; nCondConsts: number; nBodyConsts: number };
      const cond = run(p.condIR);
      const body = run(p.bodyIR);
      const a = p.nCondConsts;
      const b = a + p.nBodyConsts;
      return (ins) => {
        const cc = ins.slice(0, a);
        const bc = ins.slice(a, b);
        let carry = ins.slice(b);
        while (cond([...cc, ...carry])[0]![0]) carry = body([...bc, ...carry]);
        return carry;
      };
    }
    case "scan": {
      const p = eqn.params as { bodyIR: IR; nConsts: number; nCarry: number; length: number; reverse: boolean };
      const body = run(p.bodyIR);
      const ySizes = p.bodyIR.outputs.slice(p.nCarry).map((v) => sizeOf(v.aval.shape));
      const yTypes = eqn.outputs.slice(p.nCarry).map((v) => v.aval.dtype);
      const xVars = eqn.inputs.slice(p.nConsts + p.nCarry);
      const xSizes = xVars.map((v) => sizeOf(v.aval.shape.slice(1)));
      return (ins) => {
        const consts = ins.slice(0, p.nConsts);
        let carry = ins.slice(p.nConsts, p.nConsts + p.nCarry);
        const xs = ins.slice(p.nConsts + p.nCarry);
        const ys = ySizes.map((n, k) => allocate(yTypes[k]!, n * p.length));
        for (let step = 0; step < p.length; step++) {
          const i = p.reverse ? p.length - 1 - step : step;
          // Slices along the leading axis are contiguous: views, not copies.
          const out = body([...consts, ...carry, ...xs.map((x, k) => x.subarray(i * xSizes[k]!, (i + 1) * xSizes[k]!))]);
          carry = out.slice(0, p.nCarry);
          out.slice(p.nCarry).forEach((y, k) => ys[k]!.set(y, i * ySizes[k]!));
        }
        return [...carry, ...ys];
      };
    }
    case "cond": {
      const p = eqn.params as { branches: [IR, IR]; nConsts: [number, number] };
      const branches = p.branches.map(run);
      const [n0, n1] = p.nConsts;
      return ([pred, ...rest]) => {
        const ops = rest.slice(n0 + n1);
        return pred![0] ? branches[1]!([...rest.slice(n0, n0 + n1), ...ops]) : branches[0]!([...rest.slice(0, n0), ...ops]);
      };
    }
    default:
      return undefined;
  }
}


/** A number as JavaScript source that reads back as the same double. */
function numberLiteral(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return String(x);
}

/**
 * Where code generation is forbidden: the (simplified) IR replayed by `evalIR` on the
 * eager kernels, so a jitted function gives what eager code gives, bit for bit. Control
 * flow runs its bodies the same way.
 */
function interpret(ir: IR): Compiled {
  // Weak types ride along: a primitive applied again sees the operands it was traced with.
  const wrap = (v: Var, data: TypedArray) => new ConcreteArray(new Storage(v.aval.dtype, v.aval.shape, data), v.aval.weak);
  return (consts, args) => {
    const closed = { ir, consts: ir.constVars.map((v, i) => wrap(v, consts[i]!)) };
    return evalIR(closed, ir.inputs.map((v, i) => wrap(v, args[i]!))).map((a) => (a as ConcreteArray).storage.data);
  };
}

/** Compiles `ir`; `constValues` are its constants' data (size-1 ones become literals). */
export function compile(ir: IR, constValues: readonly TypedArray[]): Compiled {
  if (!canGenerateCode()) return interpret(ir);
  const constValue = (i: number) => numberLiteral(constValues[i]![0]!);
  const producer = new Map<Var, Equation>();
  const uses = new Map<Var, number>();
  const count = (v: Var) => uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const e of ir.equations) {
    e.outputs.forEach((v) => producer.set(v, e));
    e.inputs.forEach(count);
  }
  ir.outputs.forEach(count);

  // Which values live in memory: everything not produced by a fusable op, and fusable
  // results that are outputs, used twice, or read by an op that needs a buffer.
  const materialized = new Set<Var>([...ir.constVars, ...ir.inputs, ...ir.outputs]);
  const trailing = (e: Equation) => {
    const axes = (e.params as { axes: number[] }).axes;
    const nd = e.inputs[0]!.aval.shape.length;
    return axes.every((a, i) => a === nd - axes.length + i);
  };
  for (const e of ir.equations) {
    if (!fusable(e.prim.name)) e.outputs.forEach((v) => materialized.add(v));
    const readsInPlace = fusable(e.prim.name) && (e.prim.name !== "reshape" || onlyUnitAxes(e));
    const reducesInLoop = e.prim.name in REDUCTIONS && trailing(e);
    if (!readsInPlace && !reducesInLoop) e.inputs.forEach((v) => materialized.add(v));
  }
  // A fused value read more than once is stored, unless it is cheap enough to compute
  // again at each use: these loops are bound by memory traffic, not arithmetic.
  const cost = new Map<Var, number>();
  const costOf = (v: Var): number => (materialized.has(v) ? 0 : (cost.get(v) ?? 0));
  for (const e of ir.equations) {
    if (!fusable(e.prim.name)) continue;
    const own = isElementwise(e.prim.name) || e.prim.name === "pad" ? 1 : 0;
    const v = e.outputs[0]!;
    cost.set(v, own + e.inputs.reduce((sum, input) => sum + costOf(input), 0));
    if ((uses.get(v) ?? 0) > 1 && costOf(v) > RECOMPUTE_LIMIT) materialized.add(v);
  }

  // Size-1 intermediates live in JavaScript locals, not buffers, unless a kernel or the
  // caller needs them as arrays.
  const needsBuffer = new Set<Var>([...ir.outputs]);
  for (const e of ir.equations) {
    const inLoop = fusable(e.prim.name) || (e.prim.name in REDUCTIONS && trailing(e));
    if (!inLoop || (e.prim.name === "reshape" && !onlyUnitAxes(e))) e.inputs.forEach((v) => needsBuffer.add(v));
  }
  const isScalar = (v: Var) => sizeOf(v.aval.shape) === 1 && !needsBuffer.has(v);

  const lines: string[] = [];
  const names = new Map<Var, string>();
  /** Values held in typed arrays (the rest of `names` are scalar locals). */
  const buffers = new Set<Var>();
  let temp = 0;
  const fresh = (p: string) => `${p}${temp++}`;
  const calls: { eqn: Equation }[] = [];

  ir.constVars.forEach((v, i) => {
    names.set(v, `c${i}`);
    if (isScalar(v)) lines.push(`const c${i} = ${constValue(i)};`);
    else {
      buffers.add(v);
      lines.push(`const c${i} = consts[${i}];`);
    }
  });
  ir.inputs.forEach((v, i) => {
    names.set(v, `a${i}`);
    buffers.add(v);
    lines.push(`const a${i} = args[${i}];`);
  });

  /**
   * Loop indices of the form j·L + r (a loop unrolled by phases r = 0..L−1): for these,
   * a pad with a step dividing L is known at compile time to hit or miss, so the loop
   * body has no per-element branch. Keyed by the index expression itself.
   */
  const phases = new Map<string, { j: string; L: number; r: number; count: number }>();

  /** The flat position of `idx` in a contiguous buffer of `shape`. */
  const flatIndex = (shape: Shape, idx: readonly string[]): string => {
    const strides = stridesOf(shape);
    const terms = shape.map((d, i) => (d === 1 ? "" : strides[i] === 1 ? idx[i]! : `${idx[i]} * ${int(strides[i]!)}`)).filter(Boolean);
    return terms.length ? terms.join(" + ") : "0";
  };

  /** A JS expression for element `idx` of `v`, adding statements to `block`. */
  const emit = (v: Var, idx: readonly string[], block: Block): string => {
    const key = `${v.id}@${idx.join(",")}`;
    const known = block.lookup(key);
    if (known) return known;
    let expr: string;
    if (names.has(v) && !buffers.has(v)) return names.get(v)!;
    if (names.has(v)) {
      const t = fresh("t");
      block.lines.push(`const ${t} = ${names.get(v)}[${flatIndex(v.aval.shape, idx)}];`);
      block.remember(key, t);
      return t;
    }
    const e = producer.get(v)!;
    const name = e.prim.name;
    const ins = e.inputs;
    const aligned = (input: Var) => {
      // numpy broadcasting: align from the right; size-1 axes read index 0.
      const s = input.aval.shape;
      const lead = idx.length - s.length;
      return s.map((d, i) => (d === 1 ? "0" : idx[i + lead]!));
    };
    if (name === "stop_gradient") return emit(ins[0]!, idx, block);
    if (name === "slice" || name === "transpose" || name === "broadcast_to" || name === "reshape") {
      return emit(ins[0]!, viewIndex(e, idx), block);
    }
    if (name === "pad") {
      const p = e.params as { start: number[]; step: number[]; shape: number[] };
      const conds: string[] = [];
      let missed = false;
      const inner = idx.map((ix, d) => {
        const start = p.start[d]!;
        const st = p.step[d]!;
        const len = p.shape[d]!;
        if (len === v.aval.shape[d] && st === 1) return ix; // axis not padded
        const ph = phases.get(ix);
        if (ph && ph.L % st === 0) {
          // ix = j·L + r, so ix − start = j·L + rel: whether it lands on the window is static.
          const rel = ph.r - start;
          if (((rel % st) + st) % st !== 0) missed = true;
          if (rel < 0) conds.push(`${ph.j} >= ${int(Math.ceil(-rel / ph.L))}`);
          if ((ph.count - 1) * ph.L + rel > (len - 1) * st) conds.push(`${ph.j} * ${int(ph.L)} + ${int(rel)} <= ${int((len - 1) * st)}`);
          const L = ph.L / st;
          const q = Math.floor(rel / st);
          const expr = L === 1 ? (q === 0 ? ph.j : `(${ph.j} + ${int(q)})`) : `(${ph.j} * ${int(L)} + ${int(q)})`;
          if (L > 1 && q >= 0 && q < L) phases.set(expr, { j: ph.j, L, r: q, count: ph.count });
          return expr;
        }
        const off = start === 0 ? ix : `(${ix} - ${int(start)})`;
        conds.push(`${off} >= 0`, `${off} < ${int((len - 1) * st + 1)}`);
        const pow2 = (st & (st - 1)) === 0;
        if (st !== 1) conds.push(pow2 ? `(${off} & ${int(st - 1)}) === 0` : `${off} % ${int(st)} === 0`);
        return st === 1 ? off : pow2 ? `(${off} >> ${int(Math.log2(st))})` : `(${off} / ${int(st)})`;
      });
      if (missed) {
        block.remember(key, "0");
        return "0";
      }
      const nested = new Block(block);
      const value = emit(ins[0]!, inner, nested);
      if (conds.length === 0) {
        append(block.lines, nested.lines);
        block.remember(key, value);
        return value;
      }
      const t = fresh("t");
      block.lines.push(`let ${t} = 0;`, `if (${conds.join(" && ")}) {`);
      append(block.lines, nested.lines.map((l) => "  " + l));
      block.lines.push(`  ${t} = ${value};`, `}`);
      block.remember(key, t);
      return t;
    }
    if (name === "convert") {
      const x = emit(ins[0]!, aligned(ins[0]!), block);
      const to = v.aval.dtype;
      // A float to int32 saturates (the kernel table's expression), as the eager copy does.
      const cast = kernelOp("copy", ins[0]!.aval.dtype, to);
      const value = cast === "copy" ? x : ELEMENTWISE_EXPR[cast].replace(/\bx\b/g, x);
      expr = to === "bool" ? `(${x} !== 0 ? 1 : 0)` : castTo(to, value);
    } else {
      // Some ops run another expression for some dtypes (int32 pow, float32 nextafter).
      const op = name === "select" ? "select" : kernelOp(name as ElementwiseOp, ins[0]!.aval.dtype, v.aval.dtype);
      const template = ELEMENTWISE_EXPR[op];
      const args = ins.map((input) => emit(input, aligned(input), block));
      // Each of x, y, z in the template is one of our temporaries: identifiers only.
      expr = castTo(v.aval.dtype, template.replace(/\b[xyz]\b/g, (m) => args["xyz".indexOf(m)]!));
    }
    const t = fresh("t");
    block.lines.push(`const ${t} = ${expr};`);
    block.remember(key, t);
    return t;
  };

  /** Index of the view's input for element `idx` of its output. */
  const viewIndex = (e: Equation, idx: readonly string[]): string[] => {
    const input = e.inputs[0]!.aval.shape;
    switch (e.prim.name) {
      case "slice": {
        const p = e.params as { start: number[]; step: number[] };
        return idx.map((ix, d) => {
          const scaled = p.step[d] === 1 ? ix : `${ix} * ${p.step[d]! < 0 ? `(${int(p.step[d]!)})` : int(p.step[d]!)}`;
          return p.start[d] === 0 ? scaled : `(${int(p.start[d]!)} + ${scaled})`;
        });
      }
      case "transpose": {
        const perm = (e.params as { perm: number[] }).perm;
        const out = new globalThis.Array<string>(perm.length);
        perm.forEach((p, d) => (out[p] = idx[d]!));
        return out;
      }
      case "broadcast_to": {
        const lead = idx.length - input.length;
        return input.map((d, i) => (d === 1 ? "0" : idx[i + lead]!));
      }
      case "reshape": {
        // Only size-1 axes differ: the other axes keep their indices, in order.
        const kept = idx.filter((_, d) => e.outputs[0]!.aval.shape[d] !== 1);
        let k = 0;
        return input.map((d) => (d === 1 ? "0" : kept[k++]!));
      }
      default:
        throw new Error(`codegen: ${e.prim.name} is not a view`);
    }
  };

  /**
   * Loops over `shape` (outer axes first); `body` receives the loop indices. Tiny shapes
   * are unrolled with literal indices, which lets V8 fold the index arithmetic and pad
   * conditions away (what makes small problems, like a 2-D gradient, cheap per call).
   */
  const loops = (shape: Shape, body: (idx: string[]) => string[], phaseStep = 1): string[] => {
    if (sizeOf(shape) <= UNROLL_LIMIT) {
      const out: string[] = [];
      const strides = stridesOf(shape);
      for (let flat = 0; flat < sizeOf(shape); flat++) {
        out.push("{");
        append(out, body(shape.map((d, i) => int(Math.floor(flat / strides[i]!) % d))).map((l) => "  " + l));
        out.push("}");
      }
      return out;
    }
    const last = shape.length - 1;
    const L = phaseStep;
    const phased = L > 1 && shape[last]! % L === 0;
    const idx = shape.map((d) => (d === 1 ? "0" : fresh("i")));
    let out: string[];
    if (phased) {
      // The last axis as j·L + r, with the L phases written out one after another.
      const j = fresh("j");
      const count = shape[last]! / L;
      out = [];
      for (let r = 0; r < L; r++) {
        const ix = `(${j} * ${int(L)} + ${int(r)})`;
        phases.set(ix, { j, L, r, count });
        out.push("{");
        append(out, body([...idx.slice(0, last), ix]).map((l) => "  " + l));
        out.push("}");
      }
      out = [`for (let ${j} = 0; ${j} < ${int(count)}; ${j}++) {`, ...out.map((l) => "  " + l), "}"];
    } else {
      out = body(idx);
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      if (shape[d] === 1 || (phased && d === last)) continue;
      out = [`for (let ${idx[d]} = 0; ${idx[d]} < ${int(shape[d]!)}; ${idx[d]}++) {`, ...out.map((l) => "  " + l), "}"];
    }
    return out;
  };

  /** The steps of pads along the last axis inside v's fused expression, combined (lcm). */
  const phaseStepOf = (v: Var): number => {
    let L = 1;
    const visit = (u: Var) => {
      if (materialized.has(u) && u !== v) return;
      const e = producer.get(u);
      if (!e || !fusable(e.prim.name)) return;
      const last = u.aval.shape.length - 1;
      if (e.prim.name === "pad") {
        const st = (e.params as { step: number[] }).step[last] ?? 1;
        L = (L * st) / gcd(L, st);
        return;
      }
      if (VIEWS.has(e.prim.name)) return;
      // Elementwise: follow the inputs whose last axis is this last axis.
      for (const input of e.inputs) {
        const s = input.aval.shape;
        if (s.length > 0 && s[s.length - 1] === u.aval.shape[last] && s[s.length - 1] !== 1) visit(input);
      }
    };
    visit(v);
    return L <= 8 ? L : 1;
  };

  /** Declares the buffer of `v`; its name is registered once its loop is written. */
  const allocateBuffer = (v: Var): string => {
    const b = fresh("b");
    lines.push(`const ${b} = new ${ARRAY_TYPE[v.aval.dtype]}(${int(sizeOf(v.aval.shape))});`);
    return b;
  };

  for (const e of ir.equations) {
    const name = e.prim.name;
    const out = e.outputs[0]!;
    if (name === "reshape" && names.has(e.inputs[0]!) && buffers.has(e.inputs[0]!)) {
      names.set(out, names.get(e.inputs[0]!)!); // a buffer: same data, new shape
      buffers.add(out);
      continue;
    }
    if (fusable(name)) {
      if (!materialized.has(out)) continue;
      if (isScalar(out)) {
        const block = new Block();
        const value = emit(out, out.aval.shape.map(() => "0"), block);
        const r = fresh("r");
        append(lines, block.lines);
        lines.push(`const ${r} = ${value};`);
        names.set(out, r);
        continue;
      }
      const b = allocateBuffer(out);
      const p = fresh("p");
      lines.push(`let ${p} = 0;`);
      append(
        lines,
        loops(
          out.aval.shape,
          (idx) => {
            const block = new Block();
            const value = emit(out, idx, block);
            return [...block.lines, `${b}[${p}++] = ${value};`];
          },
          phaseStepOf(out),
        ),
      );
      names.set(out, b);
      buffers.add(out);
      continue;
    }
    const op = REDUCTIONS[name];
    if (op && trailing(e)) {
      const input = e.inputs[0]!;
      const axes = (e.params as { axes: number[] }).axes;
      const kept = input.aval.shape.slice(0, input.aval.shape.length - axes.length);
      const reduced = input.aval.shape.slice(kept.length);
      const [init, update] = REDUCERS[op];
      const b = allocateBuffer(out);
      const p = fresh("p");
      lines.push(`let ${p} = 0;`);
      append(
        lines,
        loops(kept, (outer) => {
          const acc = fresh("s");
          return [
            `let ${acc} = ${init};`,
            ...loops(reduced, (inner) => {
              const block = new Block();
              const x = emit(input, [...outer, ...inner], block);
              return [...block.lines, `${acc} = ${update.replace(/\bacc\b/g, acc).replace(/\bx\b/g, x)};`];
            }),
            `${b}[${p}++] = ${acc};`,
          ];
        }),
      );
      names.set(out, b);
      buffers.add(out);
      continue;
    }
    // Anything else runs its kernel on buffers.
    const k = calls.length;
    calls.push({ eqn: e });
    const outs = e.outputs.map(() => fresh("b"));
    e.outputs.forEach((v, i) => {
      names.set(v, outs[i]!);
      buffers.add(v);
    });
    lines.push(`const [${outs.join(", ")}] = call(${k}, [${e.inputs.map((v) => names.get(v)!).join(", ")}]);`);
  }
  lines.push(`return [${ir.outputs.map((v) => names.get(v)!).join(", ")}];`);

  const runners = calls.map(({ eqn }) => loopRunner(eqn) ?? kernelRunner(eqn));
  const call = (k: number, inputs: TypedArray[]): TypedArray[] => runners[k]!(inputs);
  const source = lines.join("\n");
  // S: the scalar functions that op expressions may call (S.erf(x); kernels/special.ts).
  type Generated = (c: readonly TypedArray[], a: readonly TypedArray[], run: typeof call, s: typeof S) => TypedArray[];
  const fn = new Function("consts", "args", "call", "S", source) as Generated;
  const compiled: Compiled = (consts, args) => fn(consts, args, call, S);
  Object.defineProperty(compiled, "source", { value: source });
  return compiled;
}
