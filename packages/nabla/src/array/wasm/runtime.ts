// The WebAssembly modules' life: their bytes built once, on first need, compiled and
// instantiated against one linear memory (grown as needed, never shrunk). Where
// WebAssembly, its SIMD or compiling it is unavailable (an old engine; a
// Content-Security-Policy without 'wasm-unsafe-eval'), `instantiate` answers null and
// every entry point falls back to its JavaScript kernel, whose results are the same bit
// for bit. There are two modules, float64's kernels (about 3.7 KiB) and float32's matmul
// (under 1 KiB), so each compiles synchronously even on a browser's main thread (Chrome
// refuses that above 4 KiB). In Node and on cross-origin-isolated pages the memory is
// shared, so a worker can run the same kernels on it (threads.ts); elsewhere it is a
// plain one. A third module, the optimizers' vector passes (vectors.ts, under 1 KiB), is
// instantiated on memories of its own.
import { emitModule } from "./module.js";
import { FLOAT32, MR, NR, NR32, packKernel, panelKernel } from "./matmul.js";
import { rotateKernel } from "./rotations.js";
import { columnsKernel, symvKernel } from "./gemv.js";
import { luPanelKernel, maxAbsKernel, subtractKernel, unitLowerKernel } from "./lu.js";
import { correctionsKernel } from "./tridiagonal.js";

// The few WebAssembly JS-API members used here (the repository's lib has no DOM types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export type PanelFn = (a: number, b: number, c: number, tiles: number, kc: number, aStride: number, cStride: number, ldc: number, first: number) => void;
export type PackFn = (src: number, dst: number, panels: number, steps: number, panelStride: number, stepStride: number, laneStride: number) => void;
export type RotateFn = (z: number, table: number, sweeps: number, strips: number, ld: number) => void;
export type ColumnsFn = (a: number, x: number, y: number, count: number, strips: number, ld: number) => void;
export type SymvFn = (a: number, x: number, y: number, m: number, ld: number) => void;
export type SubtractFn = (c: number, t: number, rows: number, pairs: number, ldc: number, ldt: number) => void;
export type LuPanelFn = (ld: number, m: number, pairs: number, c0: number, c1: number, piv: number) => void;
export type UnitLowerFn = (t: number, b: number, n: number, k: number, ld: number) => void;
export type MaxAbsFn = (src: number, pairs: number, out: number) => void;
export type CorrectionsFn = (d: number, x: number, y: number, sx: number, sy: number, stride: number, pairs: number, t: number, ldx: number) => void;

const PAGE = 65536;
/** Past this, the operands' copies would not fit a 32-bit memory; the JS kernel takes it. */
const MAX_BYTES = 2 ** 31;
/** A shared memory must declare its maximum: the same 2 GiB (address space only, not committed). */
const MAX_PAGES = MAX_BYTES / PAGE;

/** The compiled modules: their memory, entry points, and float64 and float32 views of the memory. */
export interface Kernel {
  memory: WasmMemory;
  panel: PanelFn;
  packA: PackFn;
  packB: PackFn;
  /** The float32 matmul's kernels (f32x4, tiles MR × NR32). */
  panel32: PanelFn;
  packA32: PackFn;
  packB32: PackFn;
  rotate: RotateFn;
  columns: ColumnsFn;
  symv: SymvFn;
  subtract: SubtractFn;
  luPanel: LuPanelFn;
  unitLower: UnitLowerFn;
  maxAbs: MaxAbsFn;
  corrections: CorrectionsFn;
  view: Float64Array;
  view32: Float32Array;
  /** The modules' bytes when their memory is shared, so a worker can run the same kernels on it; else null. */
  sharedBytes: readonly Uint8Array[] | null;
}

let enabled = true;
let kernel: Kernel | null | undefined;

/**
 * Turns the WebAssembly kernels on or off (internal: tests and benchmarks compare them
 * with the JavaScript kernels, which give identical results). On by default.
 *
 * @example
 * setWasmEnabled(false); // every matmul now runs the JavaScript kernel
 */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Whether the WebAssembly kernels run here: enabled, and the module validated and
 * compiled (it is built on the first call).
 *
 * @example
 * if (!wasmAvailable()) console.log("dense kernels run in JavaScript");
 */
export function wasmAvailable(): boolean {
  return instantiate() !== null;
}

/**
 * The engine's WebAssembly API, or null where there is none (the kernels' own
 * modules come through `instantiate`; vectors.ts instantiates its module per arena).
 *
 * @example
 * wasmApi()?.validate(bytes);
 */
export function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** The kernel, when enabled and available; built on the first call. */
export function instantiate(): Kernel | null {
  if (!enabled) return null;
  if (kernel === undefined) kernel = compileKernel();
  return kernel;
}

/**
 * Builds the module's bytes, compiles and instantiates them: what the first WebAssembly
 * call does, once (exported for the benchmark, which times it). Null where WebAssembly,
 * its SIMD or compiling is unavailable.
 *
 * @example
 * const ready = compileKernel() !== null;
 */
export function compileKernel(): Kernel | null {
  const api = wasmApi();
  if (api === null) return null;
  try {
    const sharedMem = sharedMemory(api);
    const shared = sharedMem !== null;
    const memory = sharedMem ?? new api.Memory({ initial: 1 });
    const float64 = [panelKernel(), packKernel("packA", MR), packKernel("packB", NR), rotateKernel(), columnsKernel(), subtractKernel(), luPanelKernel(), unitLowerKernel(), correctionsKernel(), symvKernel(), maxAbsKernel()];
    const float32 = [panelKernel("panel32", MR, NR32, FLOAT32), packKernel("packA32", MR, FLOAT32), packKernel("packB32", NR32, FLOAT32)];
    const modules = [float64, float32].map((functions) => emitModule(functions, shared ? MAX_PAGES : undefined));
    // validate() is false where the engine lacks 128-bit SIMD; compiling may still be
    // refused (CSP), which throws.
    if (!modules.every((bytes) => api.validate(bytes))) return null;
    const exports = Object.assign({}, ...modules.map((bytes) => new api.Instance(new api.Module(bytes), { env: { memory } }).exports)) as Record<string, unknown>;
    return {
      memory,
      panel: exports.panel as PanelFn,
      packA: exports.packA as PackFn,
      packB: exports.packB as PackFn,
      panel32: exports.panel32 as PanelFn,
      packA32: exports.packA32 as PackFn,
      packB32: exports.packB32 as PackFn,
      rotate: exports.rotate as RotateFn,
      columns: exports.columns as ColumnsFn,
      symv: exports.symv as SymvFn,
      subtract: exports.subtract as SubtractFn,
      luPanel: exports.luPanel as LuPanelFn,
      unitLower: exports.unitLower as UnitLowerFn,
      maxAbs: exports.maxAbs as MaxAbsFn,
      corrections: exports.corrections as CorrectionsFn,
      view: new Float64Array(memory.buffer),
      view32: new Float32Array(memory.buffer),
      sharedBytes: shared ? modules : null,
    };
  } catch {
    return null;
  }
}

/**
 * A shared memory where a second thread can use it, so large products can split between
 * threads (threads.ts): in Node, and on a cross-origin-isolated web page (elsewhere a
 * browser withholds SharedArrayBuffer); null elsewhere or if refused.
 */
function sharedMemory(api: WasmApi): WasmMemory | null {
  const g = globalThis as { process?: { versions?: { node?: string } }; crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer !== "function" || (typeof g.process?.versions?.node !== "string" && g.crossOriginIsolated !== true)) return null;
  try {
    return new api.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
}

/**
 * `slots` rounded up to even: float64 regions of a resident layout then start on 16 bytes,
 * as f64x2 loads of a whole row pair want.
 *
 * @example
 * evenSlots(501); // 502
 */
export const evenSlots = (slots: number): number => slots + (slots & 1);

/** A float64 view of the kernel's memory with at least `bytes` bytes, or null if it cannot grow (`k.view32` is then renewed too). */
export function heap(k: Kernel, bytes: number): Float64Array | null {
  if (bytes > MAX_BYTES) return null;
  const short = bytes - k.memory.buffer.byteLength;
  if (short > 0) {
    try {
      k.memory.grow(Math.ceil(short / PAGE));
    } catch {
      return null; // out of memory for the copies: the JS kernel needs none
    }
  }
  // Growing detaches the old buffer; the view is renewed only then.
  if (k.view.buffer !== k.memory.buffer) [k.view, k.view32] = [new Float64Array(k.memory.buffer), new Float32Array(k.memory.buffer)];
  return k.view;
}
