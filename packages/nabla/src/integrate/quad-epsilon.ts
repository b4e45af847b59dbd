// Wynn's ε-algorithm, as QUADPACK's qelg runs it: the sequence of area estimates that
// QAGS produces while it bisects towards a singularity converges like a geometric series
// plus noise, and the ε-table's diagonal extrapolates its limit (Shanks' transformation).
// The table keeps only its last diagonal, and drops its old part when it turns irregular.
import { EPS } from "./quad-kronrod.js";

/** Longest table kept; a longer one drops its oldest element. */
const LIMIT = 50;

/** An ε-table for one scalar sequence. */
export class EpsilonTable {
  /** The last diagonal, 1-based: entries[1..length] (two more slots are scratch). */
  private readonly entries = new Float64Array(LIMIT + 3);
  length = 0;
  private calls = 0;
  /** The last three extrapolated values: their spread is the error estimate. */
  private readonly recent: number[] = [];

  push(value: number): void {
    this.entries[++this.length] = value;
  }

  /** The change between the last two entries: how far from converged a short table's sequence is. */
  get lastChange(): number {
    return this.length < 2 ? Number.MAX_VALUE : Math.abs(this.entries[this.length]! - this.entries[this.length - 1]!);
  }

  /** The extrapolated limit and an estimate of its error; updates the table. */
  extrapolate(): [number, number] {
    const e = this.entries;
    this.calls++;
    const n = this.length;
    let best = e[n]!;
    let error = Number.MAX_VALUE;
    if (n < 3) return [best, Math.max(error, 5 * EPS * Math.abs(best))];
    const steps = (n - 1) >> 1;
    let kept = n;
    e[n + 2] = e[n]!;
    e[n] = Number.MAX_VALUE;
    let k = n;
    for (let i = 1; i <= steps; i++) {
      const [e0, e1, e2] = [e[k - 2]!, e[k - 1]!, e[k + 2]!];
      const [err2, err3] = [Math.abs(e2 - e1), Math.abs(e1 - e0)];
      const [tol2, tol3] = [Math.max(Math.abs(e2), Math.abs(e1)) * EPS, Math.max(Math.abs(e1), Math.abs(e0)) * EPS];
      // Three equal entries (to rounding): the sequence has converged.
      if (err2 <= tol2 && err3 <= tol3) return [e2, Math.max(err2 + err3, 5 * EPS * Math.abs(e2))];
      const e3 = e[k]!;
      e[k] = e1;
      const err1 = Math.abs(e1 - e3);
      const tol1 = Math.max(Math.abs(e1), Math.abs(e3)) * EPS;
      const ss = 1 / (e1 - e3) + 1 / (e2 - e1) - 1 / (e1 - e0);
      // Two entries equal to rounding, or an irregular table: keep only its newer part.
      if (err1 <= tol1 || err2 <= tol2 || err3 <= tol3 || Math.abs(ss * e1) <= 1e-4) {
        kept = 2 * i - 1;
        break;
      }
      const next = e1 + 1 / ss;
      e[k] = next;
      k -= 2;
      const estimate = err2 + Math.abs(next - e2) + err3;
      if (estimate <= error) [error, best] = [estimate, next];
    }
    if (kept === LIMIT) kept = LIMIT - 1;
    // Shift the diagonal down by one (its oldest entry goes), then keep its last `kept`.
    let slot = n % 2 === 0 ? 2 : 1;
    for (let i = 0; i <= steps; i++, slot += 2) e[slot] = e[slot + 2]!;
    if (kept !== n) for (let i = 1, from = n - kept + 1; i <= kept; i++, from++) e[i] = e[from]!;
    this.length = kept;
    if (this.calls < 4) {
      this.recent.push(best);
      error = Number.MAX_VALUE;
    } else {
      error = this.recent.reduce((s, r) => s + Math.abs(best - r), 0);
      this.recent.shift();
      this.recent.push(best);
    }
    return [best, Math.max(error, 5 * EPS * Math.abs(best))];
  }
}

/**
 * One ε-table per component of a vector-valued integral; the error is the largest. A
 * component whose sequence has already converged (its table cut back below three
 * entries) contributes its latest value, with its last change as the error, so that it
 * does not stop the others' extrapolation. For one component this is qelg exactly.
 */
export class EpsilonTables {
  private readonly tables: EpsilonTable[];
  constructor(dim: number) {
    this.tables = globalThis.Array.from({ length: dim }, () => new EpsilonTable());
  }

  push(values: Float64Array): void {
    this.tables.forEach((t, c) => t.push(values[c]!));
  }

  extrapolate(): [Float64Array, number] {
    const out = new Float64Array(this.tables.length);
    let error = 0;
    const several = this.tables.length > 1;
    this.tables.forEach((t, c) => {
      const short = several && t.length < 3;
      const [v, e] = t.extrapolate();
      out[c] = v;
      error = Math.max(error, short ? t.lastChange + 5 * EPS * Math.abs(v) : e);
    });
    return [out, error];
  }

  /** Every table cut back to one entry: extrapolation is given up (QAGS's noext). */
  get exhausted(): boolean {
    return this.tables.every((t) => t.length === 1);
  }
}
