// jit as a primitive (JAX's pjit, Autodidax's xla_call): `jit_call` holds a staged
// program and its kernel runs the program's generated code. Its rules transform the
// program (JVP, VJP, batching), stage the result as a new program and bind jit_call on
// that, so derivatives and batched versions of a jitted function run compiled code too,
// to any order. Derived programs are cached on the program they came from.
import { isFloat, sameShape, Storage, type TypedArray } from "../../array/index.js";
import { ConcreteArray, IR, bind, definePrimitive, evalIR, stage, type Array, type Aval, type Primitive, type Tangent } from "../../core/index.js";
import { avalsOf, describeAvals, jvpIR, vmapIR } from "../control/traced.js";
import { vjp } from "../vjp.js";
import { LRUCache } from "./cache.js";
import { compile, type Compiled } from "./codegen.js";
import { identity, simplify } from "./simplify.js";

/**
 * How many derived programs (JVP, VJP, batched, one per pattern of given tangents,
 * cotangents or batched inputs) a program keeps: a handful are used in practice.
 */
const DERIVED_LIMIT = 16;

/** A program and the values to pass before its own inputs (see `stageProgram`). */
export interface Staged {
  program: Program;
  lifted: Array[];
}

/**
 * A staged function, ready to run compiled: an IR whose constants are concrete values,
 * the generated code (made on first use), and the programs derived from it.
 */
export class Program {
  readonly inAvals: readonly Aval[];
  /** Output shapes and dtypes; kernels' results carry no weak type. */
  readonly outAvals: readonly Aval[];
  private compiled?: { run: Compiled; consts: TypedArray[] };
  private explicit?: IR;
  private readonly derived = new LRUCache<string, Staged>(DERIVED_LIMIT);

  constructor(
    readonly ir: IR,
    readonly consts: readonly ConcreteArray[],
  ) {
    this.inAvals = ir.inputs.map((v) => v.aval);
    this.outAvals = ir.outputs.map(({ aval }) => ({ shape: aval.shape, dtype: aval.dtype }));
  }

  /** Runs the generated code on the inputs' data. */
  run(args: readonly TypedArray[]): TypedArray[] {
    const { run, consts } = (this.compiled ??= this.compile());
    return run(consts, args);
  }

  private compile(): { run: Compiled; consts: TypedArray[] } {
    const ir = simplify(this.ir);
    const index = new Map(this.ir.constVars.map((v, i) => [v, i]));
    const consts = ir.constVars.map((v) => this.consts[index.get(v)!]!.storage.data);
    return { run: compile(ir, consts), consts };
  }

  /** Replays the IR through `bind`, under whatever transformation is running. */
  replay(args: readonly Array[]): Array[] {
    return evalIR(this, args);
  }

  /** The IR with its constants as leading inputs, for the helpers that take such IRs. */
  withConstInputs(): IR {
    return (this.explicit ??= new IR([], [...this.ir.constVars, ...this.ir.inputs], this.ir.equations, this.ir.outputs));
  }

  /** The program `make` stages, cached under `key` when it lifted nothing. */
  derive(key: string, make: () => Staged): Staged {
    const hit = this.derived.get(key);
    if (hit) return hit;
    const staged = make();
    if (staged.lifted.length === 0) this.derived.set(key, staged);
    return staged;
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

/** Binds jit_call: the program on its lifted values and `args`. */
export function callProgram({ program, lifted }: Staged, args: readonly Array[]): Array[] {
  return bind(jitCall, lifted.length === 0 ? args : [...lifted, ...args], { program });
}

export interface JitCallParams {
  program: Program;
}

const select = <T>(xs: readonly T[], keep: readonly boolean[]): T[] => xs.filter((_, i) => keep[i]);
/** `values` back at the places marked in `keep`, null elsewhere. */
function spread<T>(values: readonly T[], keep: readonly boolean[]): (T | null)[] {
  let k = 0;
  return keep.map((b) => (b ? values[k++]! : null));
}
const mask = (xs: readonly boolean[]) => xs.map((b) => (b ? 1 : 0)).join("");
const dtypes = (xs: readonly Array[]) => xs.map((x) => x.dtype).join(",");

/**
 * Cotangents of the `want`ed inputs from cotangents of the `seeded` outputs. Outputs
 * without a cotangent are left out of the function differentiated rather than given a
 * zero one, so nothing flows back from them (a zero times an infinite partial is NaN).
 */
function pullback(program: Program, ins: readonly Array[], want: readonly boolean[], seeded: readonly boolean[], seeds: Array[]): Array[] {
  const [, back] = vjp((vars: Array[]) => {
    let k = 0;
    return select(program.replay(ins.map((x, i) => (want[i] ? vars[k++]! : x))), seeded);
  }, select(ins, want));
  return back(seeds)[0];
}

export const jitCall: Primitive<JitCallParams> = definePrimitive<JitCallParams>({
  name: "jit_call",
  shapeRule(inputs, { program }) {
    const ins = program.inAvals;
    if (inputs.length !== ins.length || inputs.some((a, i) => a.dtype !== ins[i]!.dtype || !sameShape(a.shape, ins[i]!.shape))) {
      throw new Error(`jit_call: the program takes ${describeAvals(ins)}, got ${describeAvals(inputs)}`);
    }
    return program.outAvals as Aval[];
  },
  impl(inputs, { program }, outs) {
    return program.run(inputs.map((s) => s.data)).map((d, i) => new Storage(outs[i]!.dtype, outs[i]!.shape, d));
  },
  jvp(primals, tangents, { program }) {
    const given = tangents.map((t, i) => t !== null && isFloat(primals[i]!.dtype));
    if (!given.includes(true)) {
      const outs = bind(jitCall, primals, { program });
      return [outs, outs.map(() => null)];
    }
    const ts = select(tangents, given) as Array[];
    const floatOut = program.outAvals.map((a) => isFloat(a.dtype));
    const [n, m] = [primals.length, floatOut.length];
    const nulls = program.consts.map(() => null);
    // [...primals, ...given tangents] → [...outputs, ...tangents of the float outputs]
    const staged = program.derive(`jvp ${mask(given)} ${dtypes(ts)}`, () =>
      stageProgram((...xs) => {
        const [outs, touts] = jvpIR(program.withConstInputs(), [...program.consts, ...xs.slice(0, n)], [...nulls, ...spread(xs.slice(n), given)], true);
        return [...outs, ...(select(touts, floatOut) as Array[])];
      }, [...program.inAvals, ...avalsOf(ts)]),
    );
    const res = callProgram(staged, [...primals, ...ts]);
    return [res.slice(0, m), spread(res.slice(m), floatOut)];
  },
  vjp(cts, inputs, _outputs, { program }, wanted): Tangent[] {
    const want = wanted.map((w, i) => w && isFloat(inputs[i]!.dtype));
    const seeded = cts.map((c) => c !== null);
    if (!want.includes(true) || !seeded.includes(true)) return inputs.map(() => null);
    const cs = select(cts, seeded) as Array[];
    const n = inputs.length;
    // [...inputs, ...given cotangents] → cotangents of the wanted inputs. The intermediates
    // the backward pass reads are recomputed inside: the tape keeps outputs, not residuals.
    const staged = program.derive(`vjp ${mask(want)} ${mask(seeded)} ${dtypes(cs)}`, () =>
      stageProgram((...xs) => pullback(program, xs.slice(0, n), want, seeded, xs.slice(n)), [...program.inAvals, ...avalsOf(cs)]),
    );
    return spread(callProgram(staged, [...inputs, ...cs]), want);
  },
  batch(args, batched, { program }, size) {
    const avals = program.inAvals.map((a, i) => (batched[i] ? { shape: [size, ...a.shape], dtype: a.dtype } : a));
    const unbatched = program.consts.map(() => false);
    const staged = program.derive(`batch ${mask(batched)} ${size}`, () =>
      stageProgram((...xs) => vmapIR(program.withConstInputs(), [...program.consts, ...xs], [...unbatched, ...batched], size), avals),
    );
    const outs = callProgram(staged, args);
    return [outs, outs.map(() => true)];
  },
});
