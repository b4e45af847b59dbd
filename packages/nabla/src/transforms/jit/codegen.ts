import { allocate, Storage, canGenerateCode, S, type TypedArray } from "../../array/index.js";
import { ConcreteArray, evalIR, type Equation, type IR, type Runner, type Var } from "../../core/index.js";
import { Emitter, type ReusedBuffer } from "./emit.js";
import { planOf } from "./plan.js";

/**
 * One JavaScript function for an IR, on the buffers of its constants and arguments.
 * How each primitive is written comes from its own `lower` rule (core/primitive.ts):
 * chains of elementwise ops and the views and pads between them fuse into single loops
 * that read their inputs in place; a reduction over trailing axes consumes its fused
 * input inside its own loop; sibling loops over the same index space share one loop
 * (emit.ts); control flow runs its compiled bodies; anything else calls its kernel.
 * The source is built only from the IR: expressions come from the kernel tables, numbers
 * are formatted by the generator, names are generated: no user text reaches `new Function`.
 */
export type Compiled = (consts: readonly TypedArray[], args: readonly TypedArray[]) => TypedArray[];

/** How the generated code calls runner k (a kernel or a compiled body). */
type Call = (k: number, inputs: TypedArray[]) => TypedArray[];
/** The generated function. S: the scalar functions that op expressions may call (S.erf(x); kernels/special.ts). */
type Generated = (consts: readonly TypedArray[], args: readonly TypedArray[], call: Call, s: typeof S, reuse: readonly TypedArray[]) => TypedArray[];

/** Runs a primitive's kernel on buffers. */
function kernelRunner(eqn: Equation): Runner {
  const outAvals = eqn.outputs.map((v) => v.aval);
  return (inputs) => {
    const storages = inputs.map((d, i) => new Storage(eqn.inputs[i]!.aval.dtype, eqn.inputs[i]!.aval.shape, d));
    return eqn.prim.impl(storages, eqn.params, outAvals).map((s) => s.data);
  };
}

/** A staged body of control flow (it has no constants), compiled: a function on buffers. */
const compileBody = (ir: IR): Runner => compile(ir, []).bind(null, []);

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

/** Compiles `ir`: plans what is stored and what fuses, then writes the code. `constValues` are its constants' data. */
export function compile(ir: IR, constValues: readonly TypedArray[]): Compiled {
  if (!canGenerateCode()) return interpret(ir);
  const plan = planOf(ir);
  const emitter = new Emitter(plan, ir, constValues);
  for (const e of ir.equations) {
    const step = plan.steps.get(e)!;
    if (step.kind === "call") emitter.call(e, step.runner?.(compileBody) ?? kernelRunner(e));
    else if (step.kind === "reduce") emitter.reduction(e, step);
    else if (!(step.kind === "view" && emitter.shares(e, step.map)) && plan.materialized.has(e.outputs[0]!)) emitter.store(e.outputs[0]!);
  }
  const { source, runners, reused } = emitter.finish(ir.outputs);
  const call: Call = (k, inputs) => runners[k]!(inputs);
  const fn = new Function("consts", "args", "call", "S", "reuse", source) as Generated;
  const compiled: Compiled = reused.length === 0 ? (consts, args) => fn(consts, args, call, S, []) : reusing(fn, call, reused);
  Object.defineProperty(compiled, "source", { value: source });
  return compiled;
}

/**
 * The generated code with its reused buffers (emit.ts), allocated at the first call. A
 * call made while another runs (a callback into the same program) gets buffers of its
 * own; an output in the memory of one of them (a runner may return its input, or a view of
 * it) is copied, so what the caller receives is never written again.
 */
function reusing(fn: Generated, call: Call, reused: readonly ReusedBuffer[]): Compiled {
  const fresh = () => reused.map(({ dtype, size }) => allocate(dtype, size, "jit"));
  let buffers: TypedArray[] | undefined;
  let busy = false;
  return (consts, args) => {
    if (busy) return fn(consts, args, call, S, fresh());
    const own = (buffers ??= fresh());
    busy = true;
    try {
      return fn(consts, args, call, S, own).map((out) => (own.some((b) => b.buffer === out.buffer) ? out.slice() : out));
    } finally {
      busy = false;
    }
  };
}
