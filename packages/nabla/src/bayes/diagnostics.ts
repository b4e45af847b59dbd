// Convergence diagnostics of MCMC draws: split R̂ and the effective sample size (ESS).
// - Split R̂ (Gelman et al., BDA3 §11.4): each chain cut in two halves, then
//   √(var⁺/W) with W the mean within-chain variance and var⁺ = (n−1)/n·W + B/n.
// - ESS (Stan's reference manual, "Effective sample size"): m·n/τ with τ = −1 + 2·Σ ρ̂ₜ,
//   the multi-chain autocorrelation ρ̂ₜ = 1 − (W − mean autocovₜ)/var⁺ summed in pairs
//   while the pairs stay positive, made monotone (Geyer's initial monotone sequence).
//   Autocovariances by direct sums, computed lag by lag only as far as the sum goes.
// - Rank normalization (Vehtari, Gelman, Simpson, Carpenter, Bürkner 2021), on by default:
//   draws replaced by normal scores of their pooled ranks, which makes both diagnostics
//   robust to heavy tails; R̂ is then the larger of the rank-normalized split R̂ of the
//   draws and of their distances from the median (the "folded" draws, for scale), and the
//   ESS is the bulk ESS.
import { checkFlag, checkOptions, scalar } from "../array/index.js";
import { Array, np } from "../core/index.js";

export interface DiagnosticOptions {
  /** Rank-normalize the draws first (Vehtari et al. 2021). Default true. */
  rankNormalize?: boolean;
}

/** Each chain cut into its first and last halves (a middle draw of an odd length is dropped). */
function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const half = Math.floor(chains[0]!.length / 2);
  return chains.flatMap((c) => [c.subarray(0, half), c.subarray(c.length - half)]);
}

/** Normal scores Φ⁻¹((r − 3/8)/(S + 1/4)) of the pooled ranks r (ties share their mean rank). */
function rankNormalized(chains: readonly Float64Array[]): Float64Array[] {
  const all = Float64Array.from(chains.flatMap((c) => [...c]));
  const order = [...all.keys()].sort((i, j) => all[i]! - all[j]!);
  const z = new Float64Array(all.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && all[order[end]!] === all[order[start]!]) end++;
    const rank = (start + end + 1) / 2; // mean of the 1-based ranks start+1 … end
    const score = scalar.ndtri((rank - 0.375) / (all.length + 0.25));
    for (let k = start; k < end; k++) z[order[k]!] = score;
    start = end;
  }
  const n = chains[0]!.length;
  return chains.map((_, c) => z.subarray(c * n, (c + 1) * n));
}

/** |x − median| over all draws: the folded draws whose R̂ sees differences in scale. */
function folded(chains: readonly Float64Array[]): Float64Array[] {
  const sorted = Float64Array.from(chains.flatMap((c) => [...c])).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return chains.map((c) => c.map((x) => Math.abs(x - median)));
}

/** Chain means, W (mean within-chain variance) and var⁺, the pooled variance estimate. */
function moments(chains: readonly Float64Array[]): { means: number[]; within: number; varPlus: number } {
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map((c) => c.reduce((s, x) => s + x, 0) / n);
  const within = chains.reduce((s, c, j) => s + c.reduce((t, x) => t + (x - means[j]!) ** 2, 0) / (n - 1), 0) / m;
  const grand = means.reduce((s, x) => s + x, 0) / m;
  const between = m > 1 ? means.reduce((s, x) => s + (x - grand) ** 2, 0) / (m - 1) : 0; // B/n
  return { means, within, varPlus: ((n - 1) / n) * within + between };
}

const usable = (chains: readonly Float64Array[]) => chains[0]!.length >= 4 && chains.every((c) => c.every(Number.isFinite));

function rhatOf(chains: readonly Float64Array[]): number {
  const { within, varPlus } = moments(chains);
  return within > 0 ? Math.sqrt(varPlus / within) : NaN;
}

function essOf(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  const { means, within, varPlus } = moments(chains);
  if (!(within > 0)) return NaN;
  const centered = chains.map((c, j) => c.map((x) => x - means[j]!));
  const rho = (lag: number): number => {
    let acov = 0;
    for (const c of centered) for (let i = 0; i + lag < n; i++) acov += c[i]! * c[i + lag]!;
    return 1 - (within - acov / (n * m)) / varPlus;
  };
  // Pairs Γₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁ while positive, each capped by the one before (monotone).
  let sum = 0;
  let previous = Infinity;
  let tail = 0;
  for (let lag = 0; lag + 1 < n - 2; lag += 2) {
    const even = lag === 0 ? 1 : rho(lag);
    const pair = even + rho(lag + 1);
    if (!(pair > 0)) {
      tail = Math.max(even, 0); // Stan's improved estimate keeps the last positive ρ̂
      break;
    }
    previous = Math.min(pair, previous);
    sum += previous;
  }
  const total = m * n;
  const tau = Math.max(-1 + 2 * sum + tail, 1 / Math.log10(total));
  return total / tau;
}

/** Split R̂ of one coordinate's chains (NaN for fewer than 8 draws a chain or non-finite draws). */
export function rhatOfChains(chains: readonly Float64Array[], rankNormalize = true): number {
  const split = splitChains(chains);
  if (!usable(split)) return NaN;
  if (!rankNormalize) return rhatOf(split);
  return Math.max(rhatOf(rankNormalized(split)), rhatOf(rankNormalized(folded(split))));
}

/** Split-chain ESS of one coordinate's chains (bulk ESS when rank-normalized). */
export function essOfChains(chains: readonly Float64Array[], rankNormalize = true): number {
  const split = splitChains(chains);
  if (!usable(split)) return NaN;
  return essOf(rankNormalize ? rankNormalized(split) : split);
}

/** Applies a per-coordinate statistic to draws of shape [chains, samples, ...]. */
function perCoordinate(op: string, draws: unknown, opts: unknown, stat: (chains: Float64Array[], rank: boolean) => number): Array {
  const o = checkOptions(op, opts, ["rankNormalize"]);
  const rank = checkFlag(op, "rankNormalize", o.rankNormalize, true);
  if (!(draws instanceof Array)) throw new Error(`${op}: draws must be an Array of shape [chains, samples, ...]`);
  if (draws.ndim < 2) throw new Error(`${op}: draws must have shape [chains, samples, ...], got shape (${draws.shape.join(",")})`);
  if (draws.dtype !== "float64" && draws.dtype !== "float32") throw new Error(`${op}: draws must be float, got ${draws.dtype}`);
  const [m, n, ...rest] = draws.shape as number[];
  const data = draws.toFloat64Array();
  const k = data.length / (m! * n!) || 0;
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const chains: Float64Array[] = [];
    for (let c = 0; c < m!; c++) chains.push(Float64Array.from({ length: n! }, (_, i) => data[(c * n! + i) * k + j]!));
    out[j] = stat(chains, rank);
  }
  return np.reshape(np.array(out), rest);
}

/**
 * Split R̂ per coordinate of `draws`, an Array [chains, samples, ...]: about 1 when the
 * chains agree, above 1.01 a sign they have not mixed. Rank-normalized and folded as in
 * Vehtari et al. (2021) unless `rankNormalize: false` (then BDA3's split R̂). NaN with
 * fewer than 8 draws a chain, non-finite draws or constant draws.
 *
 * @example
 * const draws = random.normal(random.key(0), [4, 500]);
 * bayes.rhat(draws).item(); // ≈ 1.00
 */
export function rhat(draws: Array, opts?: DiagnosticOptions): Array {
  return perCoordinate("rhat", draws, opts, rhatOfChains);
}

/**
 * Effective sample size per coordinate of `draws`, an Array [chains, samples, ...]: how
 * many independent draws estimate the mean as well. Split chains, Geyer's initial
 * monotone sequence over the multi-chain autocorrelation (Stan's estimator); the bulk ESS
 * of rank-normalized draws unless `rankNormalize: false`. NaN as for `rhat`.
 *
 * @example
 * const draws = random.normal(random.key(0), [4, 500]);
 * bayes.ess(draws).item(); // ≈ 2000
 */
export function ess(draws: Array, opts?: DiagnosticOptions): Array {
  return perCoordinate("ess", draws, opts, essOfChains);
}
