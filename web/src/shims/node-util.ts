// Stands in for node:util in the browser. args.ts (imported by the CLI's expression
// parser for UsageError) uses parseArgs only for the command line, never in the lab.

/**
 * Refuses: the lab has no command line.
 *
 * @example
 * parseArgs(); // throws
 */
export function parseArgs(): never {
  throw new Error("parseArgs is not available in the browser");
}
