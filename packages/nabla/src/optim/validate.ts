// Checks of option values where they enter (minimize, the optax-style optimizers, the
// schedules): a bad value is a programming error, so it throws one line that names the
// function and the option, before anything runs (not a TypeError or a NaN later on).

/** A set of allowed numbers, with the words an error message uses for it. */
export interface NumberRange {
  /** Smallest allowed value (default −∞), excluded when `minOpen`. */
  min?: number;
  minOpen?: boolean;
  /** Largest allowed value (default +∞), excluded when `maxOpen`. */
  max?: number;
  maxOpen?: boolean;
  integer?: boolean;
  /** How the message names the set, e.g. "a positive integer". */
  what: string;
}

/** Finite numbers > 0: step sizes, radii, tolerances that must not be zero. */
export const POSITIVE: NumberRange = { min: 0, minOpen: true, what: "a positive number" };
/** Finite numbers ≥ 0: tolerances, decay amounts. */
export const NON_NEGATIVE: NumberRange = { min: 0, what: "a non-negative number" };
/** 1, 2, 3, …: history lengths. */
export const POSITIVE_INTEGER: NumberRange = { min: 1, integer: true, what: "a positive integer" };
/** 0, 1, 2, …: budgets (0 asks for nothing to be done). */
export const NON_NEGATIVE_INTEGER: NumberRange = { min: 0, integer: true, what: "a non-negative integer" };
/** [0, 1): decay rates of moving averages (1 would never forget, and never move). */
export const DECAY: NumberRange = { min: 0, max: 1, maxOpen: true, what: "a number in [0, 1)" };
/** [0, 1]: fractions. */
export const FRACTION: NumberRange = { min: 0, max: 1, what: "a number in [0, 1]" };

/** A value as an error message shows it: numbers as JavaScript prints them, strings quoted. */
export function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || v === undefined || v === null) return String(v);
  if (typeof v === "function") return "a function";
  return Array.isArray(v) ? "an array" : typeof v;
}

/**
 * Checks that `value` is a finite number in `range`, and returns it; otherwise throws
 * `op: name must be <range.what>, got <value>`. NaN and ±Infinity are never allowed.
 *
 * @example
 * checkNumber("minimize", "maxIter", 1.5, NON_NEGATIVE_INTEGER);
 * // throws "minimize: maxIter must be a non-negative integer, got 1.5"
 */
export function checkNumber(op: string, name: string, value: unknown, range: NumberRange): number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || (range.minOpen ? value > range.min : value >= range.min)) &&
    (range.max === undefined || (range.maxOpen ? value < range.max : value <= range.max));
  if (!ok) throw new Error(`${op}: ${name} must be ${range.what}, got ${shown(value)}`);
  return value;
}

/** `checkNumber` for an optional value: undefined passes (the default applies). */
export function checkOptional(op: string, name: string, value: unknown, range: NumberRange): number | undefined {
  return value === undefined ? undefined : checkNumber(op, name, value, range);
}

/**
 * A learning rate as the optax-style optimizers take it: a positive number, or a
 * schedule (a function of the step count).
 *
 * @example
 * checkRate("sgd", "lr", -0.1); // throws "sgd: lr must be a positive number or a schedule, got -0.1"
 */
export function checkRate(op: string, name: string, value: unknown): void {
  if (typeof value === "function") return;
  checkNumber(op, name, value, { ...POSITIVE, what: "a positive number or a schedule" });
}

/**
 * Checks that `opts` is undefined or a plain object whose keys are all in `known`: a
 * misspelt option (`maxiter` for `maxIter`) must not be silently ignored.
 *
 * @example
 * checkKeys("adam", "options", { b1: 0.9, beta1: 0.9 }, ["b1", "b2", "eps"]);
 * // throws 'adam: unknown option "beta1" (options: b1, b2, eps)'
 */
export function checkKeys(op: string, what: string, opts: unknown, known: readonly string[]): void {
  if (opts === undefined) return;
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new Error(`${op}: ${what} must be an object, got ${shown(opts)}`);
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) throw new Error(`${op}: unknown option ${JSON.stringify(key)} (options: ${known.join(", ")})`);
  }
}
