// QUADPACK's QAGS (Piessens et al. 1983), on numbers: bisect the subinterval with the
// largest error estimate until the summed estimate meets the tolerance; once the worst
// interval is also the smallest (a singularity is being chased), extrapolate the
// sequence of totals with the ε-algorithm over the larger intervals' progress. It reports
// why it stopped as QUADPACK's ier does. For vector-valued integrands every |·| of the
// scalar algorithm is the max-norm and each component has its own ε-table; for scalars
// this is QAGS itself, except that the interval list is fully sorted by error.
import { EpsilonTables } from "./quad-epsilon.js";
import { EPS, UFLOW, panel, type Bisected, type Panel } from "./quad-kronrod.js";

/** How a quad ended; `status` in a result is the index in this list (QUADPACK's ier 0–5, then nonFinite). */
export const STATUS = ["converged", "limit", "roundoff", "badIntegrand", "extrapolation", "divergent", "nonFinite"] as const;
export type QuadStatus = (typeof STATUS)[number];

export interface Tolerances {
  epsabs: number;
  epsrel: number;
  /** Most subintervals. */
  limit: number;
}

export interface QagsReport {
  value: Float64Array;
  error: number;
  status: QuadStatus;
  /** For badIntegrand: the subinterval that became too small, in the bisected variable. */
  where?: [number, number];
  /** For nonFinite: where the integrand was NaN or ±Infinity, and what it was. */
  nonFinite?: { x: number; value: number };
}

/** Thrown by an integrand batch on NaN or ±Infinity: ends the integration with status nonFinite. */
export class NonFiniteIntegrand extends Error {
  constructor(readonly x: number, readonly value: number) {
    super(`the integrand is ${value} at x = ${x}`);
  }
}

const norm = (v: Float64Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const combine = (u: Float64Array, v: Float64Array, s: number) => u.map((x, i) => x + s * v[i]!);
/** result/area: signed for a scalar, a ratio of norms for a vector. */
const ratio = (u: Float64Array, v: Float64Array) => (u.length === 1 ? u[0]! / v[0]! : norm(u) / norm(v));

export function qags(range: Bisected, dim: number, tol: Tolerances): QagsReport {
  try {
    return run(range, dim, tol);
  } catch (e) {
    if (!(e instanceof NonFiniteIntegrand)) throw e;
    return { value: new Float64Array(dim).fill(NaN), error: NaN, status: "nonFinite", nonFinite: { x: e.x, value: e.value } };
  }
}

function run({ f, lo, hi, rule }: Bisected, dim: number, { epsabs, epsrel, limit }: Tolerances): QagsReport {
  const first = panel(rule, f, dim, lo, hi);
  const whole = first.absolute;
  let errorBound = Math.max(epsabs, epsrel * norm(first.value));
  let ier = 0;
  if (first.error <= 100 * EPS * norm(whole) && first.error > errorBound) ier = 2;
  if (limit === 1) ier = 1;
  if (ier !== 0 || (first.error <= errorBound && !first.capped) || first.error === 0) return report(first.value, first.error, ier);

  // Intervals sorted by error, largest first; the running total and its error.
  let list: Panel[] = [first];
  let area = first.value;
  let errorSum = first.error;
  const table = new EpsilonTables(dim);
  table.push(first.value);
  // The best extrapolated value so far and its error.
  let result = first.value;
  let resultError = Number.MAX_VALUE;
  let correction = 0;
  // Roundoff counters: no gain from a bisection (before / during extrapolation), error growth.
  let [noGain, noGainExtrapolating, growth] = [0, 0, 0];
  let extrapolationRoundoff = false;
  let [extrapolating, noExtrapolation] = [false, false];
  let sinceImproved = 0;
  // Intervals wider than `small` are "large"; largeError is the error over them.
  let [small, largeError, errorTest] = [0, 0, 0];
  const positive = first.value.every((v, c) => Math.abs(v) >= (1 - 50 * EPS) * whole[c]!);
  let next = first;
  let where: [number, number] | undefined;

  for (let last = 2; ; last++) {
    const worst = next;
    const mid = 0.5 * (worst.lo + worst.hi);
    const left = panel(rule, f, dim, worst.lo, mid);
    const right = panel(rule, f, dim, mid, worst.hi);
    const area12 = combine(left.value, right.value, 1);
    const error12 = left.error + right.error;
    errorSum += error12 - worst.error;
    area = combine(combine(area, area12, 1), worst.value, -1);
    if (!left.capped && !right.capped) {
      if (norm(combine(worst.value, area12, -1)) <= 1e-5 * norm(area12) && error12 >= 0.99 * worst.error) {
        if (extrapolating) noGainExtrapolating++;
        else noGain++;
      }
      if (last > 10 && error12 > worst.error) growth++;
    }
    list = list.filter((p) => p !== worst).concat([left, right]);
    list.sort((p, q) => q.error - p.error);
    errorBound = Math.max(epsabs, epsrel * norm(area));
    if (noGain + noGainExtrapolating >= 10 || growth >= 20) ier = 2;
    if (noGainExtrapolating >= 5) extrapolationRoundoff = true;
    if (last === limit) ier = 1;
    // A subinterval at the resolution of floating point: the integrand is singular inside.
    if (Math.max(Math.abs(worst.lo), Math.abs(worst.hi)) <= (1 + 100 * EPS) * (Math.abs(mid) + 1000 * UFLOW)) {
      ier = 4;
      where = [worst.lo, worst.hi];
    }
    if (errorSum <= errorBound) return report(sum(list, dim), errorSum, ier, where);
    if (ier !== 0) break;
    next = list[0]!;
    if (last === 2) {
      [small, largeError, errorTest] = [Math.abs(hi - lo) * 0.375, errorSum, errorBound];
      table.push(area);
      continue;
    }
    if (noExtrapolation) continue;
    largeError -= worst.error;
    if (Math.abs(left.hi - left.lo) > small) largeError += error12;
    if (!extrapolating) {
      if (Math.abs(next.hi - next.lo) > small) continue;
      extrapolating = true;
    }
    if (!extrapolationRoundoff && largeError > errorTest) {
      // Bisect the large intervals first while they still carry much of the error.
      const depth = last > 2 + Math.floor(limit / 2) ? limit + 3 - last : last;
      const large = list.slice(0, depth).find((p) => Math.abs(p.hi - p.lo) > small);
      if (large) {
        next = large;
        continue;
      }
    }
    table.push(area);
    const [extrapolated, extrapolationError] = table.extrapolate();
    sinceImproved++;
    if (sinceImproved > 5 && resultError < 1e-3 * errorSum) ier = 5;
    if (extrapolationError < resultError) {
      [sinceImproved, result, resultError, correction] = [0, extrapolated, extrapolationError, largeError];
      errorTest = Math.max(epsabs, epsrel * norm(extrapolated));
      if (resultError <= errorTest) break;
    }
    if (table.exhausted) noExtrapolation = true;
    if (ier === 5) break;
    next = list[0]!;
    extrapolating = false;
    small *= 0.5;
    largeError = errorSum;
  }

  // Choose between the extrapolated value and the plain sum, and test for divergence.
  if (resultError === Number.MAX_VALUE) return report(sum(list, dim), errorSum, ier, where);
  if (ier !== 0 || extrapolationRoundoff) {
    if (extrapolationRoundoff) resultError += correction;
    if (ier === 0) ier = 3;
    if (norm(result) !== 0 && norm(area) !== 0) {
      if (resultError / norm(result) > errorSum / norm(area)) return report(sum(list, dim), errorSum, ier, where);
    } else if (resultError > errorSum) {
      return report(sum(list, dim), errorSum, ier, where);
    } else if (norm(area) === 0) {
      return report(result, resultError, ier, where);
    }
  }
  if (positive || Math.max(norm(result), norm(area)) > 0.01 * norm(whole)) {
    const r = ratio(result, area);
    if (r < 0.01 || r > 100 || errorSum > norm(area)) ier = 6;
  }
  return report(result, resultError, ier, where);
}

function sum(list: readonly Panel[], dim: number): Float64Array {
  const total = new Float64Array(dim);
  for (const p of list) for (let c = 0; c < dim; c++) total[c] = total[c]! + p.value[c]!;
  return total;
}

/** QUADPACK's internal codes 3–6 (3: roundoff in the extrapolation only) map to ier 2–5. */
function report(value: Float64Array, error: number, ier: number, where?: [number, number]): QagsReport {
  const status = STATUS[ier > 2 ? ier - 1 : ier]!;
  return { value, error, status, ...(status === "badIntegrand" && where ? { where } : {}) };
}
