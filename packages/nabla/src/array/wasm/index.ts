// The WebAssembly face of the dense kernels: builds the module's bytes once, on first
// need, owns its one linear memory (grown as needed, never shrunk), copies operands in,
// packs them, and copies results out. Where WebAssembly, its SIMD or compiling it is
// unavailable (an old engine; a Content-Security-Policy without 'wasm-unsafe-eval'),
// every entry point answers `false` and the caller runs its JavaScript kernel, whose
// results are the same bit for bit. The module is under 1 KiB, so it compiles
// synchronously even on a browser's main thread (Chrome refuses that above 4 KiB).
import { emitModule } from "./module.js";
import { MR, NR, packKernel, panelKernel } from "./matmul.js";

// The few WebAssembly JS-API members used here (the repository's lib has no DOM types).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number }) => WasmMemory;
}

type PanelFn = (a: number, b: number, c: number, tiles: number, kc: number, aStride: number, cStride: number, ldc: number, first: number) => void;

/** Cache blocking: a block of k whose micro-panels of A and B sit in L1 together (2 × 8 KiB at 256). */
const KC = 256;
/** Row panels of A swept per panel of B: MR·MC_PANELS rows × KC of A stay in L2 (256 KiB). */
const MC_PANELS = 32;
const PAGE = 65536;
/** Past this, the operands' copies would not fit a 32-bit memory; the JS kernel takes it. */
const MAX_BYTES = 2 ** 31;

type PackFn = (src: number, dst: number, panels: number, steps: number, panelStride: number, stepStride: number, laneStride: number) => void;

/** The compiled module: its memory, entry points, and a float64 view of the memory. */
export interface Kernel {
  memory: WasmMemory;
  panel: PanelFn;
  packA: PackFn;
  packB: PackFn;
  view: Float64Array;
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
  return enabled && instantiate() !== null;
}

function instantiate(): Kernel | null {
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
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const bytes = emitModule([panelKernel(), packKernel("packA", MR), packKernel("packB", NR)]);
    // validate() is false where the engine lacks 128-bit SIMD; compiling may still be
    // refused (CSP), which throws.
    if (!api.validate(bytes)) return null;
    const memory = new api.Memory({ initial: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    return { memory, panel: exports.panel as PanelFn, packA: exports.packA as PackFn, packB: exports.packB as PackFn, view: new Float64Array(memory.buffer) };
  } catch {
    return null;
  }
}

/** A float64 view of the kernel's memory with at least `bytes` bytes, or null if it cannot grow. */
function heap(k: Kernel, bytes: number): Float64Array | null {
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
  if (k.view.buffer !== k.memory.buffer) k.view = new Float64Array(k.memory.buffer);
  return k.view;
}

type FloatData = Float64Array | Float32Array;

/**
 * C = A·B for one row-major (m×k)·(k×n) product at the given element offsets, in
 * WebAssembly. Returns false (and leaves C alone) where the kernel is unavailable or
 * disabled, or the data is not floating-point; the caller then runs its JavaScript
 * kernel. float32 operands are widened to float64 and the sums rounded once at the end,
 * as the JavaScript kernel does.
 *
 * @example
 * const c = new Float64Array(4);
 * wasmMatmulInto(Float64Array.of(1, 2, 3, 4), 0, Float64Array.of(5, 6, 7, 8), 0, c, 0, 2, 2, 2);
 * // true, and c is [19, 22, 43, 50]; false where WebAssembly SIMD is unavailable
 */
export function wasmMatmulInto(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, c: ArrayLike<number>, co: number, m: number, k: number, n: number): boolean {
  if (!enabled || k === 0 || m === 0 || n === 0 || !isFloat(a) || !isFloat(b) || !isFloat(c)) return false;
  const kern = instantiate();
  if (kern === null) return false;
  const mPanels = Math.ceil(m / MR);
  const nPanels = Math.ceil(n / NR);
  const mPad = mPanels * MR;
  const nPad = nPanels * NR;
  // Layout in f64 slots: A and B as copied (padded to whole panels with zeros), their
  // packed panels, then C (mPad × nPad, row-major).
  const aRaw = 0;
  const bRaw = aRaw + mPad * k;
  const aPacked = bRaw + k * nPad;
  const bPacked = aPacked + mPad * k;
  const cAt = bPacked + k * nPad;
  const h = heap(kern, (cAt + mPad * nPad) * 8);
  if (h === null) return false;
  // Typed-array copies are memcpy-fast (and widen float32); the strided packing is in WebAssembly.
  h.set(a.subarray(ao, ao + m * k), aRaw);
  h.fill(0, aRaw + m * k, bRaw);
  if (n === nPad) h.set(b.subarray(bo, bo + k * n), bRaw);
  else {
    for (let p = 0; p < k; p++) {
      h.set(b.subarray(bo + p * n, bo + (p + 1) * n), bRaw + p * nPad);
      h.fill(0, bRaw + p * nPad + n, bRaw + (p + 1) * nPad);
    }
  }
  kern.packA(aRaw * 8, aPacked * 8, mPanels, k, MR * k * 8, 8, k * 8);
  kern.packB(bRaw * 8, bPacked * 8, nPanels, k, NR * 8, nPad * 8, 8);
  blockedProduct(kern.panel, k, mPanels, nPanels, nPad, aPacked * 8, bPacked * 8, cAt * 8);
  if (n === nPad) c.set(h.subarray(cAt, cAt + m * n), co);
  else for (let i = 0; i < m; i++) c.set(h.subarray(cAt + i * nPad, cAt + i * nPad + n), co + i * n);
  return true;
}

function isFloat(x: ArrayLike<number>): x is FloatData {
  return x instanceof Float64Array || x instanceof Float32Array;
}

/**
 * The loops around the micro-kernel (GotoBLAS order): over blocks of k, blocks of A's
 * row panels (kept in L2), then every column panel of B (kept in L1 while the kernel
 * sweeps the block's row panels against it).
 */
function blockedProduct(panel: PanelFn, k: number, mPanels: number, nPanels: number, nPad: number, aBytes: number, bBytes: number, cBytes: number): void {
  const ldc = nPad * 8;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let ic = 0; ic < mPanels; ic += MC_PANELS) {
      const tiles = Math.min(MC_PANELS, mPanels - ic);
      const a = aBytes + (ic * k + pc) * MR * 8;
      const c = cBytes + ic * MR * ldc;
      for (let jb = 0; jb < nPanels; jb++) {
        panel(a, bBytes + (jb * k + pc) * NR * 8, c + jb * NR * 8, tiles, kc, k * MR * 8, MR * ldc, ldc, pc === 0 ? 1 : 0);
      }
    }
  }
}
