// Statistics for the sampler tests: moments with their standard errors, and the
// Kolmogorov–Smirnov and chi-squared goodness-of-fit statistics against exact CDFs.
import { special } from "nabla";

export const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
};

/** Sample mean and variance with their standard errors (the latter from the sample's fourth central moment). */
export function moments(xs: ArrayLike<number>): { mean: number; meanSE: number; variance: number; varianceSE: number } {
  const n = xs.length;
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  return { mean: m, meanSE: Math.sqrt(m2 / n), variance: m2, varianceSE: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}

/** Kolmogorov–Smirnov statistic sup|Fₙ − F| of samples against an exact CDF F (given at the sorted samples). */
export function ksStatistic(sorted: ArrayLike<number>, cdfAtSorted: ArrayLike<number>): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdfAtSorted[i]!;
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** The KS critical value at level 0.001 for n samples (asymptotic: √(−½·ln(α/2))/√n = 1.949/√n). */
export const ksCritical = (n: number): number => 1.9495 / Math.sqrt(n);

/**
 * The p-value of Pearson's chi-squared statistic of observed counts against expected
 * ones (bins with expected count < 5 merged into their neighbour first).
 */
export function chiSquaredPValue(observed: readonly number[], expected: readonly number[]): number {
  const o: number[] = [];
  const e: number[] = [];
  let po = 0;
  let pe = 0;
  observed.forEach((ob, i) => {
    po += ob;
    pe += expected[i]!;
    if (pe >= 5) {
      o.push(po);
      e.push(pe);
      po = 0;
      pe = 0;
    }
  });
  if (pe > 0) {
    o[o.length - 1]! += po;
    e[e.length - 1]! += pe;
  }
  const chi2 = o.reduce((s, v, i) => s + (v - e[i]!) ** 2 / e[i]!, 0);
  const df = o.length - 1;
  return special.gammaincc(df / 2, chi2 / 2).item();
}

/** Sorted copy of a Float64Array. */
export const sorted = (xs: Float64Array): Float64Array => Float64Array.from(xs).sort();
