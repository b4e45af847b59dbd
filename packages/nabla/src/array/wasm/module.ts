// A small WebAssembly module builder: just enough of the binary format (sections, LEB128,
// the opcodes nabla's kernels use) to emit a module's bytes from TypeScript at load time,
// with no toolchain and no binary in the repository. The format is the WebAssembly core
// specification's binary encoding (§5) and its fixed-width SIMD extension.

/** Value types (spec §5.3.1). */
export const ValType = { i32: 0x7f, f64: 0x7c, v128: 0x7b } as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Single-byte instructions (spec §5.4). */
export const Op = {
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Store: 0x36,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  f64Ne: 0x62,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32ShrU: 0x76,
  f64Abs: 0x99,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Max: 0xa5,
} as const;

/** SIMD instructions: the prefix byte 0xfd, then this sub-opcode as unsigned LEB128. */
export const Simd = {
  v128Load: 0,
  v128Load32Splat: 9,
  v128Load64Splat: 10,
  v128Store: 11,
  v128Const: 12,
  f64x2Splat: 20,
  f64x2ExtractLane: 33,
  f32x4Add: 228,
  f32x4Mul: 230,
  f64x2Abs: 236,
  f64x2Neg: 237,
  f64x2Add: 240,
  f64x2Sub: 241,
  f64x2Mul: 242,
  f64x2Max: 245,
} as const;
/** f64.const 0: the opcode and the eight bytes of +0. */
export const F64_ZERO = [Op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0];
const SIMD_PREFIX = 0xfd;
const BLOCK_VOID = 0x40;

/**
 * Unsigned LEB128: 7 bits a byte, low first, the high bit saying "more follows".
 *
 * @example
 * uleb(240); // [0xf0, 0x01]
 */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * Signed LEB128, as i32.const's immediate needs; stops once the sign bit tells the rest.
 *
 * @example
 * sleb(-1); // [0x7f]
 */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A vector: its length, then its items (spec §5.1.3). */
function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function utf8(s: string): number[] {
  return vec([...new TextEncoder().encode(s)].map((b) => [b]));
}

/**
 * A function body written instruction by instruction, with the structured control flow of
 * WebAssembly as callbacks (so blocks always close). Locals are numbered after the
 * parameters; `local` declares one and returns its index.
 *
 * @example
 * const f = new Body(1); // one parameter, local 0
 * const twice = f.local(ValType.i32);
 * f.get(0).get(0).op(Op.i32Add).set(twice);
 */
export class Body {
  readonly bytes: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(private readonly paramCount: number) {}

  local(type: ValType): number {
    this.locals.push(type);
    return this.paramCount + this.locals.length - 1;
  }

  op(...codes: number[]): this {
    this.bytes.push(...codes);
    return this;
  }
  get(i: number): this {
    return this.op(Op.localGet, ...uleb(i));
  }
  set(i: number): this {
    return this.op(Op.localSet, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(Op.localTee, ...uleb(i));
  }
  /** `br_if depth`: branch when the i32 on the stack is non-zero (to a loop's top, depth 0 innermost). */
  brIf(depth: number): this {
    return this.op(Op.brIf, ...uleb(depth));
  }
  i32(n: number): this {
    return this.op(Op.i32Const, ...sleb(n));
  }
  /** A scalar load or store with its memory argument (log2 alignment, byte offset). */
  mem(code: number, memarg: { align: number; offset: number }): this {
    return this.op(code, ...uleb(memarg.align), ...uleb(memarg.offset));
  }
  /** A SIMD instruction; loads and stores carry a memory argument (log2 alignment, byte offset). */
  simd(code: number, memarg?: { align: number; offset: number }): this {
    this.op(SIMD_PREFIX, ...uleb(code));
    if (memarg) this.op(...uleb(memarg.align), ...uleb(memarg.offset));
    return this;
  }
  /** v128.const of sixteen zero bytes. */
  zeroV128(): this {
    return this.simd(Simd.v128Const).op(...new Array<number>(16).fill(0));
  }
  /** `loop … end`: a `br 0` inside jumps back to the top. */
  loop(inner: () => void): this {
    this.op(Op.loop, BLOCK_VOID);
    inner();
    return this.op(Op.end);
  }
  /** `if … else … end` on the i32 on the stack. */
  ifElse(then: () => void, otherwise: () => void): this {
    this.op(Op.if, BLOCK_VOID);
    then();
    this.op(Op.else);
    otherwise();
    return this.op(Op.end);
  }

  /** The encoded body: locals grouped by runs of one type, instructions, `end`. */
  encode(): number[] {
    const runs: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      runs.push([...uleb(j - i), this.locals[i]!]);
      i = j;
    }
    const body = [...vec(runs), ...this.bytes, Op.end];
    return [...uleb(body.length), ...body];
  }
}

/** A function to export: its name, parameter types (no results: kernels write memory) and body. */
export interface FunctionDef {
  name: string;
  params: ValType[];
  body: Body;
}

/**
 * The bytes of a module that imports its memory as `env.memory` and exports `functions`.
 * Each function gets its own type (they are few); none returns a value. With
 * `sharedMaxPages`, the import asks for a shared memory of at most that many 64 KiB pages
 * (shared memories must declare a maximum), which other threads can instantiate against.
 *
 * @example
 * const bytes = emitModule([panelKernel()]); // validate, compile, instantiate with { env: { memory } }
 */
export function emitModule(functions: FunctionDef[], sharedMaxPages?: number): Uint8Array {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const FUNC_TYPE = 0x60;
  const IMPORT_MEMORY = 0x02;
  const EXPORT_FUNC = 0x00;
  const types = functions.map((f) => [FUNC_TYPE, ...vec(f.params.map((t) => [t])), ...vec([])]);
  // Limits (spec §5.3.4 and the threads extension): 0x00 min; 0x03 min, max, shared.
  const limits = sharedMaxPages === undefined ? [0x00, ...uleb(1)] : [0x03, ...uleb(1), ...uleb(sharedMaxPages)];
  const memoryImport = [...utf8("env"), ...utf8("memory"), IMPORT_MEMORY, ...limits];
  const exports = functions.map((f, i) => [...utf8(f.name), EXPORT_FUNC, ...uleb(i)]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map((f) => f.body.encode()))),
  ]);
}

/**
 * `if … end` on the i32 on the stack (an empty else).
 *
 * @example
 * f.get(count); when(f, () => f.get(0).get(1).op(Op.i32Add).set(2));
 */
export function when(f: Body, then: () => void): void {
  f.ifElse(then, () => undefined);
}
