import { Storage, canGenerateCode, S, type TypedArray } from "../../array/index.js";
import { ConcreteArray, evalIR, type Equation, type IR, type Runner, type Var } from "../../core/index.js";
import { Emitter } from "./emit.js";
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
  const { source, runners } = emitter.finish(ir.outputs);
  const call = (k: number, inputs: TypedArray[]): TypedArray[] => runners[k]!(inputs);
  // S: the scalar functions that op expressions may call (S.erf(x); kernels/special.ts).
  type Generated = (c: readonly TypedArray[], a: readonly TypedArray[], run: typeof call, s: typeof S) => TypedArray[];
  const fn = new Function("consts", "args", "call", "S", source) as Generated;
  const compiled: Compiled = (consts, args) => fn(consts, args, call, S);
  Object.defineProperty(compiled, "source", { value: source });
  return compiled;
}
