// The iterates minimize keeps for `recordPath`: a bounded, evenly thinned path, so that a
// run of 10⁸ iterations holds a few thousand points, not 10⁸ (which grew by tens of MB a
// second until the process was killed).
import type { MinimizeOptions, PathPoint } from "./types.js";

/** The most points `recordPath: true` keeps. */
export const DEFAULT_PATH_POINTS = 10_000;

/**
 * The bound of `recordPath` (true, false or a number of points), or undefined for no
 * path; anything else is an error naming the option.
 *
 * @example
 * pathLimit(true); // 10000
 * pathLimit(64);   // 64
 */
export function pathLimit(option: MinimizeOptions["recordPath"]): number | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_PATH_POINTS;
  if (typeof option !== "number" || !Number.isSafeInteger(option) || option < 2) {
    const shown = typeof option === "number" ? String(option) : typeof option;
    throw new Error(`minimize: recordPath must be true, false or an integer ≥ 2 (the most points kept, the first and the last among them), got ${shown}`);
  }
  return option;
}

/**
 * Keeps iterates 0, s, 2s, 3s, … for a stride s = 2^j, plus always the latest one. When
 * the multiples of s would exceed `limit − 1`, s doubles and every other point goes, so
 * memory is O(limit) and each iteration costs O(1) amortized. The points stay evenly
 * spaced; each carries its iteration number `nit`.
 *
 * @example
 * const path = new PathRecorder(4);
 * for (let k = 0; k <= 10; k++) path.record(k, new Float64Array([k]), 0, 0);
 * path.points.map((p) => p.nit); // [0, 4, 8, 10]
 */
export class PathRecorder {
  /** The kept iterates in order: the first, evenly spaced ones, and the latest. */
  readonly points: PathPoint[] = [];
  private stride = 1;
  /** Whether the last point is the latest iterate off the stride (replaced by the next one). */
  private tail = false;

  constructor(private readonly limit: number) {}

  record(nit: number, x: Float64Array, f: number, gradNorm: number): void {
    if (this.tail) this.points.pop();
    this.points.push({ nit, x: Array.from(x), f, gradNorm });
    this.tail = nit % this.stride !== 0;
    if (!this.tail && this.points.length > this.limit - 1) this.thin();
  }

  /** Doubles the stride, keeping the multiples of it and the latest iterate. */
  private thin(): void {
    const latest = this.points[this.points.length - 1]!;
    this.stride *= 2;
    let kept = 0;
    for (const p of this.points) if (p.nit % this.stride === 0) this.points[kept++] = p;
    this.points.length = kept;
    this.tail = latest.nit % this.stride !== 0;
    if (this.tail) this.points.push(latest);
  }
}
