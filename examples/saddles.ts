// Saddle points dominate in high dimension. At a critical point of a "generic" function of
// P variables, the Hessian has P eigenvalues; if each were positive or negative by the toss
// of a fair coin, a critical point would be a minimum with probability 2⁻ᴾ, its index (the
// number of negative eigenvalues) would be Binomial(P, 1/2), and almost every critical
// point would be a saddle. This example counts: it finds the critical points of random
// smooth functions — sums of K random cosines, f(x) = √(2/K)·Σₖ aₖ·cos(wₖ·x + bₖ) with
// wₖ ~ N(0, I), bₖ ~ U[0, 2π), aₖ ~ N(0, 1), whose law tends to a Gaussian process with
// kernel e^(−‖x−y‖²/2) as K grows — in a box, with landscape.findCriticalPoints (multi-start
// Newton on ∇f = 0), for P = 1 … 6, and prints the fraction of minima against 2⁻ᴾ and the
// index histogram against the binomial. The box shrinks with P so that each holds about
// the same number of critical points. Multi-start finds what its starts reach, so the
// counts are of the points found (most of them at small P, fewer at large P).
// With NABLA_EXAMPLE_OUT set (a directory, or a path ending in .svg) the fractions are
// also drawn as an SVG.
// Run: npm run example -- saddles  (NABLA_EXAMPLE_SMALL=1: P = 1 … 4, one function each, fewer starts.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { landscape, np, random, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const DIMS = small ? [1, 2, 3, 4] : [1, 2, 3, 4, 5, 6];
const FUNCTIONS = small ? 1 : 3; // random functions per dimension
const STARTS_PER_VARIABLE = small ? 30 : 100;
const K = 40; // cosines per function
/** The box [−L, L]ᴾ: about 20–50 critical points per function at each P. */
const HALF_WIDTH: Record<number, number> = { 1: 12, 2: 5, 3: 3, 4: 2.2, 5: 1.8, 6: 1.5 };

/** A random function of P variables: √(2/K)·Σₖ aₖ·cos(wₖ·x + bₖ). */
function randomCosines(key: Array, P: number): (x: Array) => Array {
  const [kw, kb, ka] = random.split(key, 3);
  const W = random.normal(kw!, [K, P]);
  const b = random.uniform(kb!, [K], { maxval: 2 * Math.PI });
  const a = np.mul(Math.sqrt(2 / K), random.normal(ka!, [K]));
  return (x: Array) => np.sum(np.mul(a, np.cos(np.add(np.matmul(W, x), b))));
}

const binomial = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (binomial(n, k - 1) * (n - k + 1)) / k);

interface Row {
  P: number;
  L: number;
  starts: number;
  points: number;
  counts: Record<"minimum" | "maximum" | "saddle" | "degenerate", number>;
  /** How many points have each index 0 … P. */
  index: number[];
  seconds: number;
}

const rows: Row[] = [];
for (const P of DIMS) {
  const t0 = performance.now();
  const L = HALF_WIDTH[P]!;
  const row: Row = { P, L, starts: 0, points: 0, counts: { minimum: 0, maximum: 0, saddle: 0, degenerate: 0 }, index: new globalThis.Array<number>(P + 1).fill(0), seconds: 0 };
  const keys = [...random.split(random.key(P), 2 * FUNCTIONS)];
  for (let i = 0; i < FUNCTIONS; i++) {
    const f = randomCosines(keys[2 * i]!, P);
    const box = globalThis.Array.from({ length: P }, (): [number, number] => [-L, L]);
    const r = landscape.findCriticalPoints(f, { box, starts: STARTS_PER_VARIABLE * Math.max(P, 2), key: keys[2 * i + 1]! });
    row.starts += r.starts;
    row.points += r.points.length;
    for (const k of ["minimum", "maximum", "saddle", "degenerate"] as const) row.counts[k] += r.counts[k];
    for (const p of r.points) if (p.kind !== "degenerate") row.index[p.index]!++;
  }
  row.seconds = (performance.now() - t0) / 1000;
  rows.push(row);
}

const frac = (r: Row) => r.counts.minimum / r.points;
const saddleFrac = (r: Row) => r.counts.saddle / r.points;
const meanIndex = (r: Row) => r.index.reduce((s, c, k) => s + c * k, 0) / r.index.reduce((s, c) => s + c, 0);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(7);

console.log(`random functions f(x) = √(2/K)·Σₖ aₖ·cos(wₖ·x + bₖ), K = ${K}: ${FUNCTIONS} per dimension P, critical points in [−L, L]ᴾ`);
console.log(`found by landscape.findCriticalPoints from ${STARTS_PER_VARIABLE}·max(P, 2) starts per function (multi-start Newton on ∇f = 0)`);
console.log(" P     L  points  minima  maxima  saddles  degenerate  minima/points     2⁻ᴾ  saddles/points  mean index/P    time");
for (const r of rows) {
  const c = r.counts;
  console.log(
    `${String(r.P).padStart(2)} ${r.L.toFixed(1).padStart(5)} ${String(r.points).padStart(7)} ${String(c.minimum).padStart(7)} ${String(c.maximum).padStart(7)} ${String(c.saddle).padStart(8)} ${String(c.degenerate).padStart(11)}` +
      `        ${pct(frac(r))} ${pct(2 ** -r.P)}         ${pct(saddleFrac(r))}         ${(meanIndex(r) / r.P).toFixed(3)} ${r.seconds.toFixed(1).padStart(6)} s`,
  );
}
console.log("\nindex histograms: how many points have k negative Hessian eigenvalues, found | Binomial(P, 1/2) expected");
for (const r of rows) {
  const n = r.index.reduce((s, c) => s + c, 0);
  const expected = r.index.map((_, k) => ((binomial(r.P, k) / 2 ** r.P) * n).toFixed(1));
  console.log(`P = ${r.P}: k = 0…${r.P}: ${r.index.join(" ")}  |  ${expected.join(" ")}`);
}

const out = process.env.NABLA_EXAMPLE_OUT;
if (out) {
  const path = out.endsWith(".svg") ? out : join(out, "saddles.svg");
  const [W, H, left, right, top, bottom] = [560, 360, 60, 150, 30, 40];
  const floor = 1e-3;
  const Pmax = DIMS[DIMS.length - 1]!;
  const px = (P: number) => left + 24 + ((P - 1) / Math.max(1, Pmax - 1)) * (W - left - right - 24);
  const py = (v: number) => top + (-Math.log10(Math.max(v, floor)) / 3) * (H - top - bottom);
  const polyline = (vs: [number, number][], color: string, dash = "") => `<polyline points="${vs.map(([P, v]) => `${px(P).toFixed(1)},${py(v).toFixed(1)}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
  const dots = (vs: [number, number][], color: string) => vs.map(([P, v]) => `<circle cx="${px(P).toFixed(1)}" cy="${py(v).toFixed(1)}" r="4.5" fill="${v > 0 ? color : "white"}" stroke="${color}" stroke-width="1.5"/>`);
  const minima = rows.map((r): [number, number] => [r.P, frac(r)]);
  // One variable has no saddles to count.
  const saddles = rows.filter((r) => r.P > 1).map((r): [number, number] => [r.P, saddleFrac(r)]);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...[1, 0.1, 0.01, 0.001].map((v) => `<line x1="${left}" x2="${W - right}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${left - 6}" y="${py(v) + 4}" text-anchor="end">${v}</text>`),
    ...DIMS.map((P) => `<text x="${px(P)}" y="${H - bottom + 16}" text-anchor="middle">${P}</text>`),
    `<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle">dimension P</text>`,
    polyline(DIMS.map((P) => [P, 2 ** -P]), "#888", "5 4"),
    polyline(minima, "#4e79a7"),
    ...dots(minima, "#4e79a7"),
    polyline(saddles, "#f28e2b"),
    ...dots(saddles, "#f28e2b"),
    `<text x="${W - right + 10}" y="${top + 10}" fill="#f28e2b">saddles / points</text>`,
    `<text x="${W - right + 10}" y="${top + 28}" fill="#4e79a7">minima / points</text>`,
    `<text x="${W - right + 10}" y="${top + 46}" fill="#888">2⁻ᴾ (coin flips)</text>`,
    `<text x="${left}" y="18">critical points of random functions: the fraction of minima falls like 2⁻ᴾ</text>`,
    "</svg>",
  ].join("\n");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

// The claims: in one dimension about half the critical points are minima (minima and
// maxima alternate); as P grows the minima thin out like 2⁻ᴾ and saddles take over; and
// the index is centred on P/2, as if each eigenvalue's sign were a fair coin.
const first = rows[0]!;
const last = rows[rows.length - 1]!;
if (!(frac(first) > 0.35 && frac(first) < 0.65)) throw new Error(`P = 1: ${pct(frac(first))} of the critical points are minima, not about half`);
if (!(frac(last) < 0.1 && frac(last) < frac(first) / 4)) throw new Error(`P = ${last.P}: ${pct(frac(last))} of the critical points are minima; expected few (2⁻ᴾ = ${pct(2 ** -last.P)})`);
const saddleTarget = small ? 0.75 : 0.85;
if (!(saddleFrac(last) > saddleTarget)) throw new Error(`P = ${last.P}: only ${pct(saddleFrac(last))} of the critical points are saddles`);
for (const r of rows.slice(1)) {
  const m = meanIndex(r) / r.P;
  if (!(Math.abs(m - 0.5) < 0.12)) throw new Error(`P = ${r.P}: the mean index is ${m.toFixed(3)}·P, not about P/2`);
}
console.log(
  `check passed: minima are ${pct(frac(first)).trim()} of the critical points at P = 1 and ${pct(frac(last)).trim()} at P = ${last.P} (2⁻ᴾ = ${pct(2 ** -last.P).trim()}); ` +
    `saddles ${pct(saddleFrac(last)).trim()} at P = ${last.P}; the mean index is within 0.12·P of P/2 for every P ≥ 2`,
);
