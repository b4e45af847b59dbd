// The expected loss of a fixed model, three ways. The model is a logistic regression
// p(y = 1 | x) = σ(w·x + b) with fixed weights; the data come from x ~ N(0, I₂) and
// y | x ~ Bernoulli(σ(v·x)) with other weights v, so the expected cross-entropy
//   L = E_x[ σ(v·x)·softplus(−z) + (1 − σ(v·x))·softplus(z) ],  z = w·x + b,
// is a smooth integral over ℝ². Adaptive quadrature (dblquad over ℝ²) gives it to ~1e-12;
// plain Monte Carlo and randomized quasi-Monte Carlo (scrambled Sobol' points mapped to
// normals by the inverse CDF) estimate it from N samples, and their root-mean-square
// errors over independent keys are printed against N with the fitted log-log slopes:
// Monte Carlo's falls like 1/√N, QMC's like 1/N or faster. Last, the mini-batch estimate
// of the same loss on a finite training set, with its standard error. With
// NABLA_EXAMPLE_OUT set (a directory, or a path ending in .svg) the log-log plot is drawn.
// Run: npm run example -- expected-loss  (NABLA_EXAMPLE_SMALL=1: fewer sizes and keys.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { integrate, jit, np, random, special, vmap, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const SIZES = (small ? [6, 8, 10, 12] : [6, 8, 10, 12, 14, 16]).map((m) => 2 ** m);
const KEYS = small ? 12 : 40;

const w = np.array([1.5, -0.8]);
const b = 0.3;
const v = np.array([2, -1]);

/** The expected loss at one input x [2]: the label's two outcomes weighted by p(y | x). */
function lossAt(x: Array): Array {
  const z = np.add(np.dot(w, x), b);
  const q = np.sigmoid(np.dot(v, x));
  return np.add(np.mul(q, np.softplus(np.neg(z))), np.mul(np.sub(1, q), np.softplus(z)));
}

// The reference: ∫∫ φ(x₁)φ(x₂)·loss(x) over ℝ².
const density = (x1: Array, x2: Array) => np.exp(np.add(np.square(x1), np.square(x2)).mul(-0.5)).div(2 * Math.PI);
const exact = integrate.dblquad((x1, x2) => np.mul(density(x1, x2), lossAt(np.stack([x1, x2]))), -Infinity, Infinity, -Infinity, Infinity, {
  epsabs: 1e-12,
  epsrel: 1e-12,
});
if (exact.success.item() !== 1) throw new Error(`the reference integral failed: ${exact.message}`);
const L = exact.value.item();
console.log(`expected loss by dblquad over ℝ²: ${L.toFixed(12)} (error estimate ${exact.error.item().toExponential(1)}, ${exact.nfev.item()} evaluations)`);

// Monte Carlo draws normals; QMC maps scrambled Sobol' points through the normal inverse
// CDF (the 32-bit points are multiples of 2^−32, so the cell's midpoint keeps ndtri finite).
const meanLoss = jit((xs: Array) => np.mean(vmap(lossAt)(xs)));
const mcEstimate = (key: Array, n: number) => integrate.monteCarlo(lossAt, (k, m) => random.normal(k, [m, 2]), n, { key }).estimate.item();
const qmcEstimate = (key: Array, n: number) => meanLoss(special.ndtri(np.add(integrate.sobol(2, n, { key }), 2 ** -33))).item();

const rms = (errors: number[]) => Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
const keys = random.split(random.key(2024), KEYS);
const rows = SIZES.map((n) => {
  const mc = rms(globalThis.Array.from({ length: KEYS }, (_, k) => mcEstimate(keys.slice(k), n) - L));
  const qmc = rms(globalThis.Array.from({ length: KEYS }, (_, k) => qmcEstimate(keys.slice(k), n) - L));
  return { n, mc, qmc };
});

/** The least-squares slope of log(error) against log(N). */
function slope(errors: number[]): number {
  const xs = SIZES.map(Math.log);
  const ys = errors.map(Math.log);
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
}
const mcSlope = slope(rows.map((r) => r.mc));
const qmcSlope = slope(rows.map((r) => r.qmc));

console.log(`\nroot-mean-square error over ${KEYS} keys:`);
console.log("       N   Monte Carlo   QMC (Sobol')");
for (const r of rows) console.log(`${String(r.n).padStart(8)}   ${r.mc.toExponential(2).padStart(11)}   ${r.qmc.toExponential(2).padStart(12)}`);
console.log(`log-log slope: Monte Carlo ${mcSlope.toFixed(2)} (1/√N is −0.5), QMC ${qmcSlope.toFixed(2)} (1/N is −1)`);

// One randomized-QMC estimate with its error bar (16 independent scrambles of 1024 points).
const rqmc = integrate.qmcEstimate((u: Array) => lossAt(special.ndtri(np.add(u, 2 ** -33))), 2, 1024, { key: random.key(7) });
console.log(`randomized QMC, 16 × 1024 points: ${rqmc.estimate.item().toFixed(8)} ± ${rqmc.stderr.item().toExponential(1)} (true error ${(rqmc.estimate.item() - L).toExponential(1)})`);

// The loss on a finite training set, estimated from one mini-batch.
const N = small ? 2000 : 20000;
const [kx, ky, kb] = random.split(random.key(11), 3);
const xs = random.normal(kx!, [N, 2]);
const ys = random.bernoulli(ky!, np.sigmoid(np.matmul(xs, v))).astype("float64");
const crossEntropy = (e: { x: Array; y: Array }) => {
  const z = np.add(np.dot(w, e.x), b);
  return np.add(np.mul(e.y, np.softplus(np.neg(z))), np.mul(np.sub(1, e.y), np.softplus(z)));
};
const full = np.mean(vmap(crossEntropy)({ x: xs, y: ys })).item();
const batch = integrate.expectedLoss(crossEntropy, { x: xs, y: ys }, { batchSize: 256, key: kb! });
console.log(`\ntraining set of ${N}: mean loss ${full.toFixed(4)}; one mini-batch of 256: ${batch.estimate.item().toFixed(4)} ± ${batch.stderr.item().toFixed(4)}`);

const out = process.env.NABLA_EXAMPLE_OUT;
if (out) {
  const path = out.endsWith(".svg") ? out : join(out, "expected-loss.svg");
  const [W, H, pad] = [560, 400, 56];
  const errors = rows.flatMap((r) => [r.mc, r.qmc]);
  const [lo, hi] = [Math.log10(Math.min(...errors)) - 0.3, Math.log10(Math.max(...errors)) + 0.3];
  const [n0, n1] = [Math.log10(SIZES[0]!), Math.log10(SIZES[SIZES.length - 1]!)];
  const px = (n: number) => pad + ((Math.log10(n) - n0) / (n1 - n0)) * (W - 2 * pad);
  const py = (e: number) => H - pad - ((Math.log10(e) - lo) / (hi - lo)) * (H - 2 * pad);
  const line = (pts: [number, number][], color: string, dash = "") =>
    `<polyline points="${pts.map(([n, e]) => `${px(n).toFixed(1)},${py(e).toFixed(1)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
  const dots = (key: "mc" | "qmc", color: string) => rows.map((r) => `<circle cx="${px(r.n).toFixed(1)}" cy="${py(r[key]).toFixed(1)}" r="3.5" fill="${color}"/>`);
  const guide = (first: number, power: number) => SIZES.map((n): [number, number] => [n, first * (SIZES[0]! / n) ** power]);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>`,
    ...SIZES.map((n) => `<text x="${px(n).toFixed(1)}" y="${H - pad + 16}" text-anchor="middle">2^${Math.log2(n)}</text>`),
    ...globalThis.Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i).map(
      (p) => `<text x="${pad - 6}" y="${(py(10 ** p) + 4).toFixed(1)}" text-anchor="end">1e${p}</text>`,
    ),
    line(guide(rows[0]!.mc, 0.5), "#c0392b", "5 4"),
    line(guide(rows[0]!.qmc, 1), "#2471a3", "5 4"),
    line(rows.map((r) => [r.n, r.mc]), "#c0392b"),
    line(rows.map((r) => [r.n, r.qmc]), "#2471a3"),
    ...dots("mc", "#c0392b"),
    ...dots("qmc", "#2471a3"),
    `<text x="${W / 2}" y="${H - 14}" text-anchor="middle">samples N</text>`,
    `<text x="${pad}" y="20">RMS error of the expected-loss estimate (dashed: 1/√N and 1/N)</text>`,
    `<text x="${W - pad}" y="${pad}" text-anchor="end" fill="#c0392b">Monte Carlo: slope ${mcSlope.toFixed(2)}</text>`,
    `<text x="${W - pad}" y="${pad + 16}" text-anchor="end" fill="#2471a3">QMC (scrambled Sobol'): slope ${qmcSlope.toFixed(2)}</text>`,
    "</svg>",
  ].join("\n");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

// The claims: the rates, and the error bars are honest.
if (Math.abs(mcSlope + 0.5) > 0.15) throw new Error(`Monte Carlo's error slope ${mcSlope} is not about −0.5`);
if (!(qmcSlope < -0.8)) throw new Error(`QMC's error slope ${qmcSlope} is not below −0.8`);
if (Math.abs(rqmc.estimate.item() - L) > 5 * rqmc.stderr.item()) throw new Error("the randomized-QMC error bar does not cover the true value");
if (Math.abs(batch.estimate.item() - full) > 5 * batch.stderr.item()) throw new Error("the mini-batch error bar does not cover the full mean");
console.log("checks passed: Monte Carlo's error falls like 1/√N, QMC's faster than 1/N^0.8, and both error bars cover the truth");
