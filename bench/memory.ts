// Memory measurement shared by the benchmarks (implicit, ode, landscape, integrate, and
// optim's live-memory figures). implicit and ode measure a call's memory two ways, as
// growth over the same process just before the call:
//  • "peak live": the largest heapUsed + external (process.memoryUsage) seen right
//    after a forced full collection, sampled from inside the computation. JavaScript
//    cannot sample from a timer while a synchronous call runs, so a probe (an identity
//    primitive, made by `makeProbe`, which each benchmark wraps around the function its
//    method evaluates over and over) takes the sample every k-th time that function or its
//    VJP is evaluated. Garbage is excluded, so this is what the method holds at those points.
//  • "peak RSS": the process's resident-set high-water mark (VmHWM, reset just before the
//    call), less its RSS before the call, in a fresh child process that makes only that one
//    first call (`firstCall` and `printFirstCall`): what the operating system saw, garbage
//    not yet collected and allocator slack included.
// The probed calls are not timed (they collect 2× per sample); the timed calls have no probe.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
// The probe needs a primitive, which the public API does not let one define (every rule
// of customJvp/customVjp is traced, so none runs per iteration); this imports the library's own.
import { bind, definePrimitive, type Array, type Primitive } from "nabla-internal/core/index.js";

v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

/** A forced full collection. */
export const gc = () => {
  // Twice: freed ArrayBuffers are released by a background sweeper that the second waits for.
  collect();
  collect();
};

/**
 * What the process holds: the JavaScript heap and the memory outside it, ArrayBuffers'
 * backing stores and WebAssembly memories (`external`; `arrayBuffers` misses the latter,
 * where L-BFGS keeps its vectors at large n and the dense kernels their operands).
 */
export const liveBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

export const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;

/**
 * The memory probe named `name`: `tap(x, kind)` is the identity on x, which, while `measure`
 * runs, samples live memory every `every`-th time it is evaluated and counts its evaluations
 * by kind. Its transpose binds the probe on the cotangent with kind "vjp", so the backward
 * pass is sampled and counted too.
 */
export function makeProbe<K extends string>(name: string, kinds: readonly K[]) {
  type Kind = K | "vjp";
  const zero = () => Object.fromEntries([...kinds, "vjp"].map((k) => [k, 0])) as Record<Kind, number>;
  const state = { on: false, samples: 0, every: 10, peak: 0, counts: zero() };
  const probe: Primitive<{ kind: Kind }> = definePrimitive<{ kind: Kind }>({
    name,
    shapeRule: (inputs) => inputs.map((a) => ({ shape: a.shape, dtype: a.dtype })),
    impl(inputs, p) {
      if (state.on) {
        state.counts[p.kind]++;
        if (state.samples++ % state.every === 0) {
          gc();
          state.peak = Math.max(state.peak, liveBytes());
        }
      }
      return [...inputs];
    },
    jvp: (primals, tangents, p) => [bind(probe, primals, p), [...tangents]],
    vjp: (cts) => cts.map((c) => (c ? bind(probe, [c], { kind: "vjp" })[0]! : null)),
    batch: (args, batched, p) => [bind(probe, args, p), [...batched]],
  });
  return {
    tap: (x: Array, kind: K): Array => bind(probe, [x], { kind })[0]!,
    /** One probed call: its value, the peak live memory growth in MB and the evaluation counts. */
    measure<T>(every: number, call: () => T): { value: T; liveMB: number; counts: Record<Kind, number> } {
      gc();
      Object.assign(state, { on: true, samples: 0, every, counts: zero() });
      const base = liveBytes();
      state.peak = base;
      const value = call();
      state.on = false;
      return { value, liveMB: (state.peak - base) / 2 ** 20, counts: state.counts };
    },
  };
}

/** The resident-set high-water mark (VmHWM), in bytes. */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]) * 1024;

/** A first call's time and peak RSS growth; `exact` is false where the growth is only an upper bound. */
export type First = { ms: number; rssMB: number; exact: boolean };

/**
 * The child's side: makes the one first call and prints its time and peak RSS growth as
 * JSON. The high-water mark is reset to the current RSS just before the call (Linux ≥ 4.0:
 * "5" to /proc/self/clear_refs), so building the problem does not count; where that is not
 * possible, getrusage's maxRSS is used and the figure is only an upper bound.
 */
export function printFirstCall(call: () => unknown): void {
  gc();
  let reset = true;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    reset = false;
  }
  const rssBefore = process.memoryUsage().rss;
  const t = performance.now();
  call();
  const ms = performance.now() - t;
  const peak = reset ? peakRss() : process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ms, rssMB: (peak - rssBefore) / 2 ** 20, exact: reset } satisfies First));
}

/**
 * The parent's side: runs the benchmark at `moduleUrl` (its import.meta.url) again in a fresh
 * process with `flag variant`, for which it calls `printFirstCall`, and reads what that printed.
 */
export function firstCall(moduleUrl: string, flag: string, variant: string): First {
  const file = fileURLToPath(moduleUrl);
  const r = spawnSync(process.execPath, [...process.execArgv, file, flag, variant], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench/${basename(file)} child ${variant} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as First;
}
