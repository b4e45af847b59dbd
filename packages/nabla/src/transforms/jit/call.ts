// jit as a primitive (JAX's pjit, Autodidax's xla_call): `jit_call` holds a staged
// program and its kernel runs the program's generated code. Its rules transform the
// program (JVP, VJP, batching), stage the result as a new program and bind jit_call on
// that, so derivatives and batched versions of a jitted function run compiled code too,
// to any order. Derived programs are cached on the program they came from.
import { isFloat, Storage, type TypedArray } from "../../array/index.js";
import { ConcreteArray, IR, bind, definePrimitive, np, stage, type Array, type Aval, type Primitive, type Tangent } from "../../core/index.js";
import { avalsOf, describeAvals, jvpIR, runIR, sameAvals, vjpIR, vmapIR } from "../control/traced.js";
import { differentiatedByEagerReverse, vjp } from "../vjp.js";
import { LRUCache } from "./cache.js";
import { compile, type Compiled } from "./codegen.js";
import { identity, simplify } from "./simplify.js";

/**
 * How many derived programs (JVP, VJP, batched, one per pattern of given tangents,
 * cotangents or batched inputs) a program keeps: a handful are used in practice.
 */
const DERIVED_LIMIT = 16;

/** A program and the values to pass before its own inputs (see `stageProgram`). */
export type Staged = { program: Program; lifted: Array[] };

/**
 * A staged function, ready to run compiled: an IR whose constants are concrete values,
 * the generated code (made on first use), and the programs derived from it.
 */
export class Program {
  readonly inAvals: readonly Aval[];
  /** Output shapes and dtypes; kernels' results carry no weak type. */
  readonly outAvals: readonly Aval[];
  /** The IR with its constants as leading inputs, for the helpers that take such IRs (control/traced.ts). */
  readonly explicit: IR;
  /**
   * Set on a program made by `withUnitGradient`: its outputs after the first are the
   * gradient of `of`'s one output, for a unit cotangent, with respect to the inputs in `want`.
   */
  unitGradient?: { of: Program; want: readonly boolean[] };
  private compiled?: { run: Compiled; consts: TypedArray[] };
  private readonly derived = new LRUCache<string, Staged>(DERIVED_LIMIT);
  /** The programs `withUnitGradient` made, newest last; past DERIVED_LIMIT the oldest is dropped. */
  private readonly unitGradients: Program[] = [];

  constructor(
    readonly ir: IR,
    readonly consts: readonly ConcreteArray[],
  ) {
    this.inAvals = ir.inputs.map((v) => v.aval);
    this.explicit = new IR([], [...ir.constVars, ...ir.inputs], ir.equations, ir.outputs);
    this.outAvals = ir.outputs.map(({ aval }) => ({ shape: aval.shape, dtype: aval.dtype }));
  }

  /** Runs the generated code on the inputs' data. */
  run(args: readonly TypedArray[]): TypedArray[] {
    const { run, consts } = (this.compiled ??= this.compile());
    return run(consts, args);
  }

  private compile(): { run: Compiled; consts: TypedArray[] } {
    const ir = simplify(this.ir);
    const consts = ir.constVars.map((v) => this.consts[this.ir.constVars.indexOf(v)]!.storage.data);
    return { run: compile(ir, consts), consts };
  }

  /**
   * Calls, on `args`, the program that `fn` stages at `avals`: a program derived from this
   * one (`kind` says how), cached when it lifted nothing.
   */
  callDerived(kind: string, fn: (...xs: Array[]) => readonly Array[], avals: readonly Aval[], args: readonly Array[]): Array[] {
    const key = `${kind} ${describeAvals(avals)}`;
    let staged = this.derived.get(key);
    if (!staged) {
      staged = stageProgram(fn, avals);
      if (staged.lifted.length === 0) this.derived.set(key, staged);
    }
    return callProgram(staged, args);
  }

  /**
   * This program's value and, for a unit cotangent, its gradient with respect to the
   * inputs in `want`, as one program: what jit(valueAndGrad(f)) stages, so its loops fuse.
   */
  withUnitGradient(want: readonly boolean[]): Program {
    // Found by comparing masks rather than by a string key in `derived`: grad(jit(f)) asks
    // on every call, and building and hashing the key was a good part of a small call.
    const made = this.unitGradients.find((p) => sameMask(p.unitGradient!.want, want));
    if (made) return made;
    const wantAll = [...this.consts.map(() => false), ...want];
    const valueAndGradient = (...xs: Array[]) => {
      const ins = [...this.consts, ...xs];
      const run = (vars: Array[]) => {
        let k = 0;
        return runIR(this.explicit, ins.map((x, i) => (wantAll[i] ? vars[k++]! : x)));
      };
      const [[out], back] = vjp(run, select(ins, wantAll));
      return [out!, ...back([np.onesLike(out!)])[0]];
    };
    const { program } = stageProgram(valueAndGradient, this.inAvals);
    program.unitGradient = { of: this, want: [...want] };
    if (this.unitGradients.push(program) > DERIVED_LIMIT) this.unitGradients.shift();
    return program;
  }

  /** Equations holding a program print, and compare when merging repeats, by identity. */
  toJSON(): string {
    return `program#${identity(this)}`;
  }
}

/**
 * Stages `fn` (flat Arrays in and out) as a program. Constants that are not concrete,
 * tracers of an outer transformation it closed over, become leading inputs, returned as
 * `lifted`: so bind sees them as operands and derivatives flow into them.
 */
export function stageProgram(fn: (...xs: Array[]) => readonly Array[], avals: readonly Aval[]): Staged {
  const closed = stage(fn, avals, { foldExpanding: false });
  const concrete = closed.consts.map((c) => c instanceof ConcreteArray);
  const pick = <T>(xs: readonly T[], want: boolean) => xs.filter((_, i) => concrete[i] === want);
  const { constVars, inputs, equations, outputs } = closed.ir;
  const ir = new IR(pick(constVars, true), [...pick(constVars, false), ...inputs], equations, outputs);
  return { program: new Program(ir, pick(closed.consts, true) as ConcreteArray[]), lifted: pick(closed.consts, false) };
}

/**
 * Binds jit_call: the program on its lifted values and `args`. Under a reverse pass over
 * eager code (grad(jit(f)) at the top), a program with one scalar float output runs as its
 * value-and-gradient program, so the gradient comes from the same fused loops as the
 * value and grad's unit cotangent needs no second pass (see jitCall's vjp).
 */
export function callProgram({ program, lifted }: Staged, args: readonly Array[]): Array[] {
  const all = lifted.length === 0 ? args : [...lifted, ...args];
  const outs = program.outAvals;
  const scalar = outs.length === 1 && outs[0]!.shape.length === 0 && isFloat(outs[0]!.dtype);
  const want = scalar ? differentiatedByEagerReverse(all) : undefined;
  if (!want?.includes(true)) return bind(jitCall, all, { program });
  const withGradient = program.withUnitGradient(want);
  return bind(jitCall, all, { program: withGradient }).slice(0, 1);
}

/** Whether a cotangent is the number 1, as grad seeds it. */
const isUnit = (ct: Tangent) => ct instanceof ConcreteArray && ct.storage.data.length === 1 && ct.storage.data[0] === 1;

export type JitCallParams = { program: Program };

const select = <T>(xs: readonly T[], keep: readonly boolean[]): T[] => xs.filter((_, i) => keep[i]);
/** `values` back at the places marked in `keep`, null elsewhere. */
function spread<T>(values: readonly T[], keep: readonly boolean[]): (T | null)[] {
  let k = 0;
  return keep.map((b) => (b ? values[k++]! : null));
}
const mask = (xs: readonly boolean[]) => xs.map((b) => (b ? 1 : 0)).join("");
const sameMask = (a: readonly boolean[], b: readonly boolean[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export const jitCall: Primitive<JitCallParams> = definePrimitive<JitCallParams>({
  name: "jit_call",
  shapeRule(inputs, { program }) {
    const ins = program.inAvals;
    if (!sameAvals(inputs, ins)) throw new Error(`jit_call: the program takes ${describeAvals(ins)}, got ${describeAvals(inputs)}`);
    return program.outAvals as Aval[];
  },
  impl(inputs, { program }, outs) {
    return program.run(inputs.map((s) => s.data)).map((d, i) => new Storage(outs[i]!.dtype, outs[i]!.shape, d));
  },
  jvp(primals, tangents, { program }) {
    const given = tangents.map((t, i) => t !== null && isFloat(primals[i]!.dtype));
    if (!given.includes(true)) return [bind(jitCall, primals, { program }), program.outAvals.map(() => null)];
    const ts = select(tangents, given) as Array[];
    const floatOut = program.outAvals.map((a) => isFloat(a.dtype));
    const [n, m] = [primals.length, floatOut.length];
    // [...primals, ...given tangents] → [...outputs, ...tangents of the float outputs]
    const jvpOf = (...xs: Array[]) => {
      const tangentsAll = [...program.consts.map(() => null), ...spread(xs.slice(n), given)];
      const [outs, touts] = jvpIR(program.explicit, [...program.consts, ...xs.slice(0, n)], tangentsAll, true);
      return [...outs, ...(select(touts, floatOut) as Array[])];
    };
    const res = program.callDerived(`jvp ${mask(given)}`, jvpOf, [...program.inAvals, ...avalsOf(ts)], [...primals, ...ts]);
    return [res.slice(0, m), spread(res.slice(m), floatOut)];
  },
  vjp(cts, inputs, outputs, { program }, wanted): Tangent[] {
    const unit = program.unitGradient;
    if (unit) {
      // The gradient is here already for grad's seed; any other cotangent goes back
      // through the program it came from. The gradient outputs are never seen by users.
      if (isUnit(cts[0]!)) return spread(outputs.slice(1), unit.want).map((g, i) => (wanted[i] ? g : null));
      return jitCall.vjp([cts[0]!], inputs, outputs.slice(0, 1), { program: unit.of }, wanted);
    }
    const want = wanted.map((w, i) => w && isFloat(inputs[i]!.dtype));
    const seeded = cts.map((c) => c !== null);
    if (!want.includes(true) || !seeded.includes(true)) return inputs.map(() => null);
    const cs = select(cts, seeded) as Array[];
    const n = inputs.length;
    // [...inputs, ...given cotangents] → cotangents of the wanted inputs. The intermediates
    // the backward pass reads are recomputed inside: the tape keeps outputs, not residuals.
    const vjpOf = (...xs: Array[]) => {
      // Outputs without a cotangent are left out of the IR differentiated rather than given
      // a zero one, so nothing flows back from them (a zero times an infinite partial is NaN).
      const { inputs: vars, equations, outputs } = program.explicit;
      const wantedAll = [...program.consts.map(() => false), ...want];
      const cotangents = vjpIR(new IR([], vars, equations, select(outputs, seeded)), [...program.consts, ...xs.slice(0, n)], xs.slice(n), wantedAll);
      return select(cotangents, wantedAll) as Array[];
    };
    const grads = program.callDerived(`vjp ${mask(want)} ${mask(seeded)}`, vjpOf, [...program.inAvals, ...avalsOf(cs)], [...inputs, ...cs]);
    return spread(grads, want);
  },
  batch(args, batched, { program }, size) {
    const avals = program.inAvals.map((a, i) => (batched[i] ? { shape: [size, ...a.shape], dtype: a.dtype } : a));
    const batchedAll = [...program.consts.map(() => false), ...batched];
    const batchOf = (...xs: Array[]) => vmapIR(program.explicit, [...program.consts, ...xs], batchedAll, size);
    return [program.callDerived(`batch ${mask(batched)}`, batchOf, avals, args), program.outAvals.map(() => true)];
  },
});
