// `node --expose-gc --import tsx scripts/jit-cache-memory.ts [SHAPES] [CACHE_LIMIT] [--json]`:
// the heap one jitted function keeps after calls on SHAPES distinct input shapes
// (default 10000), with JitOptions.cacheLimit = CACHE_LIMIT (default: jit's default;
// "Infinity" is the unbounded cache jit had before). Heap is process.memoryUsage().heapUsed
// after forced collections, before and after the calls; each input is garbage after its
// call, so what remains is the cache (IR and generated code per signature).
import { DEFAULT_JIT_CACHE_LIMIT, jit, np, type Array } from "nabla";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("jit-cache-memory: run with node --expose-gc (it measures the heap after collections)");
  process.exit(2);
}
const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const shapes = Number(positional[0] ?? 10000);
const limit = positional[1] === undefined ? DEFAULT_JIT_CACHE_LIMIT : Number(positional[1]);
if (!Number.isInteger(shapes) || shapes < 1) {
  console.error(`jit-cache-memory: SHAPES must be a positive integer, got ${positional[0]}`);
  process.exit(2);
}

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!(); // a few passes: finalizers free more on the next
  return process.memoryUsage().heapUsed;
}

const f = (x: Array) => x.sin().mul(x.cos()).sum().add(x.square().mean());
// Module-level state (kernel caches, code generation) warms up on other functions first.
for (let n = 1; n <= 10; n++) jit(f)(np.ones([shapes + n]));

const jf = jit(f, { cacheLimit: limit });
const before = heapUsed();
for (let n = 1; n <= shapes; n++) jf(np.ones([n]));
const after = heapUsed();
const result = { shapes, cacheLimit: limit, entries: jf.cacheSize(), heapBefore: before, heapAfter: after, retained: after - before };
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(result));
} else {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `${shapes} shapes, cacheLimit ${limit}: ${result.entries} signatures cached; ` +
      `heapUsed ${mb(before)} before, ${mb(after)} after: ${mb(result.retained)} retained`,
  );
}
