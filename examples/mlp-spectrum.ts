// The Hessian spectrum of a trained network, from Hessian-vector products only. A small
// tanh MLP is fitted to a noisy 2-D regression task with Adam; at the trained point the
// top eigenvalues of the loss's Hessian come from Lanczos (`landscape.hessianEigs`), its
// trace from Hutchinson's estimator (`landscape.hessianTrace`) and its eigenvalue density
// from stochastic Lanczos quadrature (`landscape.hessianDensity`, printed as an ASCII
// sketch). The network is small enough to form the whole Hessian, so each estimate is
// checked against the dense one (`method: "dense"`). Then the loss around the trained
// point: along the top eigenvector (whose curvature must be λ₁) and along filter-normalized
// random directions in 1-D and 2-D (Li et al. 2018: `landscape.randomDirection`,
// `slice1d`, `slice2d`). With NABLA_EXAMPLE_OUT set (a directory, or a path ending in
// .svg) the density and the slices are drawn in an SVG.
// Run: npm run example -- mlp-spectrum  (NABLA_EXAMPLE_SMALL=1: a smaller network, fewer steps.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { landscape, np, optim, random, valueAndGrad, type Array } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const N = small ? 32 : 96; // training points
const HIDDEN = small ? 8 : 16;
const STEPS = small ? 300 : 1500;
const t0 = performance.now();

/** y = sin(1.5·x₁)·cos(x₂) + 0.05·noise on [−2, 2]². */
function data(key: Array, n: number): [Array, Array] {
  const [kx, kn] = random.split(key);
  const X = random.uniform(kx!, [n, 2], { minval: -2, maxval: 2 });
  const y = np.mul(np.sin(np.mul(1.5, np.slice(X, [0, n], [0, 1]))), np.cos(np.slice(X, [0, n], [1, 2])));
  return [X, np.add(np.reshape(y, [n]), np.mul(0.05, random.normal(kn!, [n])))];
}

// Weights are stored [out, in], so that filter normalization (which cuts along the first
// axis) gives each output unit's weights the norm of that unit's trained weights.
type Params = { W1: Array; b1: Array; W2: Array; b2: Array; W3: Array; b3: Array };

function init(key: Array): Params {
  const [k1, k2, k3] = random.split(key, 3);
  const layer = (k: Array, out: number, inp: number) => np.mul(1 / Math.sqrt(inp), random.normal(k, [out, inp]));
  return { W1: layer(k1!, HIDDEN, 2), b1: np.zeros([HIDDEN]), W2: layer(k2!, HIDDEN, HIDDEN), b2: np.zeros([HIDDEN]), W3: layer(k3!, 1, HIDDEN), b3: np.zeros([1]) };
}

const [kData, kInit, kDir] = random.split(random.key(42), 3);
const [X, y] = data(kData!, N);
const loss = (p: Params) => {
  const h1 = np.tanh(np.add(np.matmul(X, p.W1.T), p.b1));
  const h2 = np.tanh(np.add(np.matmul(h1, p.W2.T), p.b2));
  return np.mean(np.square(np.sub(np.reshape(np.add(np.matmul(h2, p.W3.T), p.b3), [N]), y)));
};

// Training.
let params = init(kInit!);
const lossAndGrad = valueAndGrad(loss);
const before = loss(params).item();
const opt = optim.adam(0.01);
let state = opt.init(params);
for (let i = 0; i < STEPS; i++) {
  const [, g] = lossAndGrad(params);
  const [updates, next] = opt.update(g, state, params);
  params = optim.applyUpdates(params, updates);
  state = next;
}
const [after, gTrained] = lossAndGrad(params);
const gradNorm = Math.sqrt(Object.values(gTrained).reduce((s, l) => s + np.sum(np.square(l)).item(), 0));
const n = Object.values(params).reduce((s, l) => s + l.size, 0);
console.log(`MLP 2 → ${HIDDEN} → ${HIDDEN} → 1 (tanh), ${n} parameters, ${N} points: ${STEPS} Adam steps, loss ${before.toFixed(4)} → ${after.item().toFixed(5)}, ‖∇loss‖ = ${gradNorm.toExponential(1)}`);

// The spectrum from Hessian-vector products, and the dense Hessian to check it.
const top = landscape.hessianEigs(loss, params, { k: 5 });
const bottom = landscape.hessianEigs(loss, params, { k: 2, which: "smallest" });
const dense = landscape.hessianEigs(loss, params, { k: n, which: "largest", method: "dense" });
const exactTrace = dense.values.reduce((s, v) => s + v, 0);
const trace = landscape.hessianTrace(loss, params, { samples: small ? 100 : 200, key: random.key(1) });
const density = landscape.hessianDensity(loss, params, { steps: small ? 20 : 30, probes: small ? 10 : 20, key: random.key(2) });
const fmt = (v: number) => v.toFixed(6);
console.log(`top 5 eigenvalues (Lanczos, ${top.nhvp} Hessian-vector products): ${top.values.map(fmt).join(", ")}`);
console.log(`                  (dense Hessian, eigh):          ${dense.values.slice(0, 5).map(fmt).join(", ")}`);
console.log(`smallest 2 (Lanczos, ${bottom.nhvp} products): ${bottom.values.map(fmt).join(", ")}; dense: ${fmt(dense.values[n - 1]!)}, ${fmt(dense.values[n - 2]!)}`);
const negatives = dense.values.filter((v) => v < -1e-8 * dense.values[0]!).length;
console.log(`${negatives} of ${n} eigenvalues are negative (dense); λmax/|λmin| = ${(dense.values[0]! / Math.abs(dense.values[n - 1]!)).toFixed(1)}`);
console.log(`trace: Hutchinson ${trace.trace.toFixed(4)} ± ${trace.stderr.toFixed(4)} (${trace.samples.length} probes), SLQ ${density.trace.toFixed(4)} ± ${density.stderr.toFixed(4)}, exact ${exactTrace.toFixed(4)}`);

// The density's mass in bins of width Δ centred on multiples of Δ (so that the bulk at 0,
// widened by the kernel, stays in one bin), on a log scale: the bulk outweighs the outliers
// by orders of magnitude.
const trapezoid = (xs: number[], ys: number[]) => ys.slice(1).reduce((s, v, i) => s + ((v + ys[i]!) / 2) * (xs[i + 1]! - xs[i]!), 0);
const COLS = 50;
const [lo, hi] = [density.grid[0]!, density.grid[density.grid.length - 1]!];
const delta = (hi - lo) / (small ? 16 : 24);
const [kLo, kHi] = [Math.round(lo / delta), Math.round(hi / delta)];
const binned = globalThis.Array.from({ length: kHi - kLo + 1 }, (_, r) => {
  const center = (kLo + r) * delta;
  const inside = density.grid.map((g, i) => (Math.abs(g - center) <= delta / 2 ? density.density[i]! : 0));
  return { center, mass: trapezoid(density.grid, inside), eigenvalues: dense.values.filter((v) => Math.round(v / delta) === kLo + r).length };
});
const peak = Math.max(...binned.map((b) => b.mass));
console.log(`\nSLQ eigenvalue density (${density.nodes.length} probes × ${density.nodes[0]!.length} steps, kernel width ${density.width.toExponential(1)}): its mass in bins of width ${delta.toFixed(2)}`);
console.log(`on a log scale (${COLS / 5} columns per factor of 10), and in parentheses how many of the dense Hessian's eigenvalues each bin holds`);
for (const b of binned) {
  const len = b.mass > 0 ? Math.max(0, Math.round(COLS + (COLS / 5) * Math.log10(b.mass / peak))) : 0;
  const mass = b.mass < 1e-9 ? "< 1e-9" : b.mass.toExponential(1);
  console.log(`${b.center.toFixed(2).padStart(7)} ${"#".repeat(len).padEnd(COLS)} ${mass.padStart(7)}  ${b.eigenvalues ? `(${b.eigenvalues})` : ""}`);
}

// Slices around the trained point: along the top eigenvector (a unit vector, so the second
// difference of the slice is its curvature, λ₁), and along filter-normalized random directions.
const h = 1e-3;
const alongTop = landscape.slice1d(loss, params, top.vectors[0]!, { range: [-h, h], points: 3 }).values.toFloat64Array();
const curvature = (alongTop[0]! - 2 * alongTop[1]! + alongTop[2]!) / h ** 2;
console.log(`\ncurvature of the loss along the top eigenvector, (f(θ + hv) − 2f(θ) + f(θ − hv))/h², h = ${h}: ${curvature.toFixed(6)} (λ₁ = ${fmt(top.values[0]!)})`);
const [kd1, kd2] = random.split(kDir!);
const d1 = landscape.randomDirection(kd1!, params, { filterNormalize: true });
const d2 = landscape.randomDirection(kd2!, params, { filterNormalize: true });
const s1 = landscape.slice1d(loss, params, d1, { range: [-1, 1], points: 41 });
const s2 = landscape.slice2d(loss, params, d1, d2, { range: [-1, 1], points: small ? 15 : 25 });
const v1 = s1.values.toFloat64Array();
const a1 = s1.alphas.toFloat64Array();
const center = v1[(v1.length - 1) / 2]!;
console.log(`filter-normalized random direction: loss at α = −1, −0.5, 0, 0.5, 1: ${[0, 10, 20, 30, 40].map((i) => v1[i]!.toFixed(4)).join(", ")}`);
const grid2 = s2.values.toFloat64Array();
const m2 = s2.alphas.size;
const shades = " .:-=+*#%@";
const sorted = [...grid2].sort((a, b) => a - b);
const quantile = (v: number) => sorted.findIndex((s) => s >= v) / sorted.length;
console.log(`2-D slice over two filter-normalized directions, α, β ∈ [−1, 1] (${m2}×${m2}); shade = quantile of the loss (' ' lowest, '@' highest), O = the trained point:`);
for (let i = 0; i < m2; i++) {
  let line = "";
  for (let j = 0; j < m2; j++) line += i === (m2 - 1) / 2 && j === (m2 - 1) / 2 ? "O" : shades[Math.min(9, Math.floor(quantile(grid2[i * m2 + j]!) * 10))]!;
  console.log(`  ${line.split("").join(" ")}`);
}

const out = process.env.NABLA_EXAMPLE_OUT;
if (out) {
  const path = out.endsWith(".svg") ? out : join(out, "mlp-spectrum.svg");
  const [W, H, pad] = [960, 340, 45];
  const panel = (W - 4 * pad) / 3;
  const x0 = (k: number) => pad + k * (panel + pad);
  const text = (x: number, y: number, s: string, anchor = "middle") => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}">${s}</text>`;
  const axes = (k: number) => `<rect x="${x0(k)}" y="${pad}" width="${panel.toFixed(1)}" height="${H - 2 * pad}" fill="none" stroke="black"/>`;
  // Panel 1: the density on a log scale.
  const floor = Math.log10(Math.max(...density.density)) - 6;
  const dx = (g: number) => x0(0) + ((g - lo) / (hi - lo)) * panel;
  const dy = (d: number) => H - pad - ((Math.max(floor, Math.log10(Math.max(d, 1e-300))) - floor) / 6) * (H - 2 * pad);
  const densityLine = density.grid.map((g, i) => `${dx(g).toFixed(1)},${dy(density.density[i]!).toFixed(1)}`).join(" ");
  const ticks = dense.values.map((v) => `<line x1="${dx(v).toFixed(1)}" y1="${H - pad}" x2="${dx(v).toFixed(1)}" y2="${H - pad - 6}" stroke="#c0392b"/>`);
  // Panel 2: the 1-D slice.
  const [vmin, vmax] = [Math.min(...v1), Math.max(...v1)];
  const sx = (a: number) => x0(1) + ((a + 1) / 2) * panel;
  const sy = (v: number) => H - pad - ((v - vmin) / (vmax - vmin || 1)) * (H - 2 * pad);
  const sliceLine = [...a1].map((a, i) => `${sx(a).toFixed(1)},${sy(v1[i]!).toFixed(1)}`).join(" ");
  // Panel 3: the 2-D slice as a heat map (quantiles, light to dark).
  const cell = panel / m2;
  const cells: string[] = [];
  for (let i = 0; i < m2; i++) {
    for (let j = 0; j < m2; j++) {
      const q = quantile(grid2[i * m2 + j]!);
      const c = Math.round(255 - 200 * q);
      cells.push(`<rect x="${(x0(2) + j * cell).toFixed(1)}" y="${(pad + i * cell * ((H - 2 * pad) / panel)).toFixed(1)}" width="${(cell + 0.5).toFixed(1)}" height="${(cell * ((H - 2 * pad) / panel) + 0.5).toFixed(1)}" fill="rgb(${c},${c},255)"/>`);
    }
  }
  const mid = x0(2) + panel / 2;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<polyline points="${densityLine}" fill="none" stroke="#2c6fbb" stroke-width="1.5"/>`,
    ...ticks,
    axes(0),
    text(x0(0) + panel / 2, pad - 10, "Hessian eigenvalue density (SLQ, log scale)"),
    text(x0(0) + panel / 2, H - pad + 30, "λ (red ticks: the dense eigenvalues)"),
    text(x0(0), H - pad + 16, lo.toFixed(2)),
    text(x0(0) + panel, H - pad + 16, hi.toFixed(2)),
    `<polyline points="${sliceLine}" fill="none" stroke="#2c6fbb" stroke-width="1.5"/>`,
    `<circle cx="${sx(0).toFixed(1)}" cy="${sy(center).toFixed(1)}" r="3" fill="#c0392b"/>`,
    axes(1),
    text(x0(1) + panel / 2, pad - 10, "loss along a filter-normalized direction"),
    text(x0(1) + panel / 2, H - pad + 30, "α"),
    text(x0(1), H - pad + 16, "−1"),
    text(x0(1) + panel, H - pad + 16, "1"),
    ...cells,
    `<circle cx="${mid.toFixed(1)}" cy="${(H / 2).toFixed(1)}" r="3" fill="#c0392b"/>`,
    axes(2),
    text(mid, pad - 10, "2-D slice (light: low loss)"),
    text(mid, H - pad + 30, "α, β ∈ [−1, 1]"),
    "</svg>",
  ].join("\n");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

// The claims.
const seconds = (performance.now() - t0) / 1000;
if (!(after.item() < before / 5)) throw new Error(`training did not work: loss ${before} → ${after.item()}`);
top.values.forEach((v, i) => {
  if (!(Math.abs(v - dense.values[i]!) <= 1e-6 * Math.max(1, Math.abs(v)))) throw new Error(`Lanczos eigenvalue ${i + 1} is ${v}, the dense one ${dense.values[i]}`);
});
bottom.values.forEach((v, i) => {
  if (!(Math.abs(v - dense.values[n - 1 - i]!) <= 1e-6 * Math.max(1, Math.abs(v)))) throw new Error(`Lanczos smallest eigenvalue ${i + 1} is ${v}, the dense one ${dense.values[n - 1 - i]}`);
});
if (!(Math.abs(trace.trace - exactTrace) < 4 * trace.stderr)) throw new Error(`Hutchinson's trace ${trace.trace} ± ${trace.stderr} is more than 4 standard errors from ${exactTrace}`);
if (!(Math.abs(density.trace - exactTrace) < 4 * density.stderr)) throw new Error(`SLQ's trace ${density.trace} ± ${density.stderr} is more than 4 standard errors from ${exactTrace}`);
const integral = trapezoid(density.grid, density.density);
const mean = n * trapezoid(density.grid, density.grid.map((g, i) => g * density.density[i]!));
if (!(Math.abs(integral - 1) < 1e-9)) throw new Error(`the density integrates to ${integral}, not 1`);
if (!(Math.abs(mean - density.trace) < density.stderr)) throw new Error(`n·∫λρ = ${mean} differs from the SLQ trace ${density.trace} by more than its standard error`);
if (!(Math.abs(curvature - top.values[0]!) < 1e-4 * top.values[0]!)) throw new Error(`the curvature along the top eigenvector is ${curvature}, not λ₁ = ${top.values[0]}`);
if (!(v1[0]! > center && v1[v1.length - 1]! > center)) throw new Error(`the 1-D slice's ends (${v1[0]}, ${v1[v1.length - 1]}) are not above the trained point's loss ${center}`);
console.log(`\ncheck passed (${seconds.toFixed(1)} s): Lanczos's extreme eigenvalues within 1e-6 of eigh's, both trace estimates within 4 standard errors of the exact trace,`);
console.log("the density integrates to 1 with n·∫λρ = its trace estimate, the curvature along the top eigenvector is λ₁, the trained point is below the slice's ends");
