// Every property test (fast-check) takes its seed from here, so `npm test` runs the same
// cases on every machine and never fails by chance. `npm run fuzz` (scripts/fuzz.ts)
// explores instead: it sets NABLA_FUZZ_SEED to fresh seeds and NABLA_FUZZ_RUNS to run
// each property more times. A failing property prints its seed (and fast-check's path
// to the shrunk counterexample) in its report either way.
import fc from "fast-check";

/** The seed of `npm test`. */
export const DEFAULT_SEED = 42;

/** An environment variable as a number, or undefined when unset; anything else is an error. */
function numberFromEnv(name: string, valid: (v: number) => boolean, what: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const v = Number(text);
  if (!valid(v)) throw new Error(`test/setup.ts: ${name} must be ${what}, got ${JSON.stringify(text)}`);
  return v;
}

/** The seed every property uses: NABLA_FUZZ_SEED, or DEFAULT_SEED. */
export const SEED = numberFromEnv("NABLA_FUZZ_SEED", (v) => Number.isSafeInteger(v), "an integer") ?? DEFAULT_SEED;

/** NABLA_FUZZ_RUNS multiplies every property's number of runs (1 under `npm test`). */
export const RUN_FACTOR = numberFromEnv("NABLA_FUZZ_RUNS", (v) => v > 0 && Number.isFinite(v), "a positive number") ?? 1;

/**
 * The number of runs of a property: `n`, times NABLA_FUZZ_RUNS when fuzzing. Pass every
 * property's numRuns through it, e.g. `fc.assert(prop, { numRuns: runs(200) })`.
 *
 * @example
 * fc.assert(fc.property(fc.integer(), (i) => i + 0 === i), { numRuns: runs(200) });
 */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * RUN_FACTOR));
}

// A property's own { seed } would override this one and escape the fuzzer: don't set it.
fc.configureGlobal({ seed: SEED, numRuns: runs(100) });
