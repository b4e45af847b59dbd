/**
 * The number of input signatures a jitted function keeps compiled unless told otherwise
 * (`JitOptions.cacheLimit`). A compiled signature costs about 20 kB of heap (its IR and
 * generated code, more for large programs), so 64 bounds a function at a megabyte or
 * two while covering an optimizer's one shape, a few batch sizes, or a sweep's handful.
 */
export const DEFAULT_JIT_CACHE_LIMIT = 64;

/**
 * A least-recently-used map: a Map's insertion order is its recency order (a hit is
 * moved to the end), and the first entry is evicted when a new one exceeds the limit.
 * `onEvict` hears of every entry that leaves, so its owner can drop other references.
 */
export class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();
  /** The most recently used key: a hit on it (a repeated call's usual case) needs no move. */
  private newest: K | undefined;
  constructor(
    readonly limit: number,
    private readonly onEvict: (value: V) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value under `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && key !== this.newest) this.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.newest = key;
    while (this.entries.size > this.limit) {
      const [oldest, evicted] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldest);
      this.onEvict(evicted);
    }
  }

  clear(): void {
    const values = [...this.entries.values()];
    this.entries.clear();
    values.forEach(this.onEvict);
  }
}

// Every jitted function's cache, held weakly: a function that is garbage takes its cache
// with it, and the registry forgets the reference.
type Clearable = { clear(): void };
const caches = new Set<WeakRef<Clearable>>();
const forget = new FinalizationRegistry<WeakRef<Clearable>>((ref) => caches.delete(ref));

/** Registers a jitted function's cache with `clearJitCaches`. */
export function registerCache(cache: Clearable): void {
  const ref = new WeakRef(cache);
  caches.add(ref);
  forget.register(cache, ref);
}

/**
 * Empties the trace cache of every jitted function (as JAX's `clear_caches`): the next
 * call of each traces and compiles again. For one function, call its `clearCache()`.
 *
 * @example
 * const f = jit((x) => x.mul(2));
 * f(np.ones([3]));
 * clearJitCaches();
 * f.cacheSize(); // 0
 */
export function clearJitCaches(): void {
  for (const ref of caches) ref.deref()?.clear();
}
