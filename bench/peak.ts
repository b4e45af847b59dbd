// The ceiling the matmul kernel works under, measured on this core now: WebAssembly in
// Node 20 has no fused multiply-add (relaxed SIMD is behind a flag), so the kernel's
// arithmetic is f64x2 multiplies and f64x2 adds, and this core retires at most so many of
// them per cycle whatever the code. A loop of 14 independent chains (7 of adds, 7 of
// multiplies; here each takes 4 cycles and up to 3 start per cycle, so 12 chains only just
// cover the latency) times that rate, in GFLOP/s (2 per vector op). The rate itself moves
// by up to 40% from one second to the next on this machine, as a neighbour shares the core.
import { Body, Op, Simd, ValType, emitModule } from "nabla-internal/array/wasm/module.js";
import { wasmApi } from "nabla-internal/array/wasm/runtime.js";

const wasm = wasmApi()!;

const CHAINS = 14;
const ITERATIONS = 2_000_000;

let peakFn: ((iterations: number) => void) | undefined;

/** `peak(iterations)`: 7 chains of x += d and 7 of x *= m, then every x stored (so none is dead code). */
function build(): (iterations: number) => void {
  const P = { iterations: 0 };
  const f = new Body(1);
  const x = Array.from({ length: CHAINS }, () => f.local(ValType.v128));
  const step = f.local(ValType.v128);
  const memarg = { align: 3, offset: 0 };
  // Starting values from memory (slot i holds 1 + i/16; slot CHAINS the step), so that
  // the engine cannot fold the chains into one.
  x.forEach((xi, i) => f.i32(0).simd(Simd.v128Load64Splat, { ...memarg, offset: 8 * i }).set(xi));
  f.i32(0).simd(Simd.v128Load64Splat, { ...memarg, offset: 8 * CHAINS }).set(step);
  f.loop(() => {
    x.forEach((xi, i) => f.get(xi).get(step).simd(i % 2 === 0 ? Simd.f64x2Add : Simd.f64x2Mul).set(xi));
    f.get(P.iterations).i32(1).op(Op.i32Sub).tee(P.iterations).brIf(0);
  });
  x.forEach((xi, i) => f.i32(0).get(xi).simd(Simd.v128Store, { align: 4, offset: 16 * i }));
  const memory = new wasm.Memory({ initial: 1 });
  const view = new Float64Array(memory.buffer);
  const bytes = emitModule([{ name: "peak", params: [ValType.i32], body: f }]);
  const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const run = exports.peak as (iterations: number) => void;
  return (iterations) => {
    for (let i = 0; i < CHAINS; i++) view[i] = 1 + i / 16;
    view[CHAINS] = 1 - 1e-12; // a step that keeps both kinds of chain finite and normal
    run(iterations);
  };
}

/**
 * This core's rate for f64x2 multiplies and adds (no FMA), in GFLOP/s: the best of 5 runs
 * of 2·10⁶ loop iterations (about 10 ms each).
 *
 * @example
 * print(`peak ${corePeakGflops().toFixed(2)} GFLOP/s`);
 */
export function corePeakGflops(): number {
  const run = (peakFn ??= build());
  run(ITERATIONS / 10); // compiled and tiered up
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    run(ITERATIONS);
    best = Math.min(best, performance.now() - t);
  }
  return (ITERATIONS * CHAINS * 2) / best / 1e6;
}
