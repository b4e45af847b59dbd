// "Local minima are near-global" for over-parameterized networks: the same small network
// trained from many random seeds ends at losses far closer to one another (and to the
// global minimum) than where it started, and the end points are minima, not saddles: the
// Hessian there has no negative eigenvalue (index 0), only a large null space, the flat
// directions the surplus parameters leave. The task is 1-D regression of 12 noisy points;
// the wide network 1 → 16 → 1 (tanh, 49 parameters, four times the data) can fit all of
// them, and every seed does: at zero residual the Hessian of the mean squared error is
// (2/N)·JᵀJ, of rank at most N = 12, so 37 or more eigenvalues are zero. The narrow network
// 1 → 2 → 1 (7 parameters) from the same seeds cannot fit them, and its runs end at
// different losses: over-parameterization, not luck, makes the minima equal. Each run is
// Adam, then BFGS (`minimize`) towards a point where the gradient vanishes; then
// `landscape.classifyPoint` takes the dense Hessian and its eigenvalues (`linalg.eigh`).
// Its tolerances are relative: an eigenvalue counts as zero when |λ| ≤ 1e-8·max|λ| (here
// the null eigenvalues come out near ±1e-11 against a largest of about 20), and a point
// counts as critical when ‖∇f‖ ≤ 1e-8·‖H‖·‖x‖, a bound that grows with the curvature and
// the size of x (so read BFGS's status beside it). With NABLA_EXAMPLE_OUT set (a directory,
// or a path ending in .svg) the start and end losses of every seed are drawn in an SVG.
// Run: npm run example -- near-global-minima  (NABLA_EXAMPLE_SMALL=1: 4 seeds instead of 20.)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { grad, jit, landscape, minimize, np, optim, random, type Array, type Tree } from "nabla";

const small = process.env.NABLA_EXAMPLE_SMALL === "1";
const SEEDS = small ? 4 : 20;
const N = 12;
const ADAM_STEPS = 500;

const X = np.linspace(-1, 1, N);
const Y = np.add(np.sin(np.mul(3, X)), np.mul(0.1, random.normal(random.key(100), [N])));

type Params = { W1: Array; b1: Array; w2: Array; b2: Array };

function init(key: Array, hidden: number): Params {
  const [k1, k2, k3] = random.split(key, 3);
  return {
    W1: np.mul(2, random.normal(k1!, [hidden, 1])),
    b1: random.normal(k2!, [hidden]),
    w2: np.mul(1 / Math.sqrt(hidden), random.normal(k3!, [hidden])),
    b2: np.array(0),
  };
}

/** Mean squared error of the network x ↦ w2·tanh(W1·x + b1) + b2 on the 12 points. */
const loss = (p: Params) => {
  const h = np.tanh(np.add(np.matmul(np.reshape(X, [N, 1]), p.W1.T), p.b1));
  return np.mean(np.square(np.sub(np.add(np.matmul(h, p.w2), p.b2), Y)));
};

interface Run {
  start: number;
  end: number;
  status: string;
  gradNorm: number;
  xNorm: number;
  negative: number;
  zero: number;
  positive: number;
}

/** A training run for each seed, at one width: Adam (one compiled step), then BFGS, then the Hessian. */
function trainer(hidden: number, maxIter: number): (seed: number) => Run {
  const opt = optim.adam(optim.cosineDecay(0.02, ADAM_STEPS, 0.05));
  const step = jit((p: Params, state: Tree) => {
    const [updates, next] = opt.update(grad(loss)(p), state, p);
    return [optim.applyUpdates(p, updates), next] as [Params, Tree];
  });
  return (seed) => {
    let params = init(random.key(seed), hidden);
    const start = loss(params).item();
    let state = opt.init(params);
    for (let i = 0; i < ADAM_STEPS; i++) [params, state] = step(params, state);
    const polished = minimize(loss, params, { method: "bfgs", gtol: 1e-10, maxIter });
    const c = landscape.classifyPoint(loss, polished.x);
    return { start, end: polished.fun, status: polished.status, gradNorm: c.gradNorm, xNorm: c.xNorm, ...c.inertia! };
  };
}

const spread = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { min: Math.min(...xs), max: Math.max(...xs), mean, sd };
};
const e = (x: number) => x.toExponential(2);

const t0 = performance.now();
const wide = globalThis.Array.from({ length: SEEDS }, (_, s) => s).map(trainer(16, 1000));
const narrow = globalThis.Array.from({ length: SEEDS }, (_, s) => s).map(trainer(2, 300));
const seconds = (performance.now() - t0) / 1000;

console.log(`${N} points of sin(3x) + noise; ${SEEDS} seeds, each ${ADAM_STEPS} Adam steps, then BFGS towards ‖∇f‖∞ ≤ 1e-10 (${seconds.toFixed(1)} s in all)`);
for (const [name, runs, n] of [["wide 1 → 16 → 1", wide, 49], ["narrow 1 → 2 → 1", narrow, 7]] as const) {
  console.log(`\n${name} (${n} parameters): the loss at the start and the end, BFGS's status, ‖∇f‖ and ‖x‖ at the end, the Hessian's inertia`);
  console.log("seed     start        end  BFGS                ‖∇f‖       ‖x‖   neg  zero   pos");
  runs.forEach((r, s) => {
    console.log(`${String(s).padStart(4)} ${e(r.start).padStart(9)} ${e(r.end).padStart(10)}  ${r.status.padEnd(16)} ${e(r.gradNorm).padStart(9)} ${r.xNorm.toFixed(1).padStart(9)} ${String(r.negative).padStart(5)} ${String(r.zero).padStart(5)} ${String(r.positive).padStart(5)}`);
  });
  const [a, b] = [spread(runs.map((r) => r.start)), spread(runs.map((r) => r.end))];
  if (runs.some((r) => r.status !== "converged")) {
    console.log(`(runs ending "maxIter" reached no minimum: at large ‖x‖ they are still moving, slowly, along nearly flat valleys where the loss keeps falling as the weights grow)`);
  }
  console.log(`start losses ${e(a.min)} … ${e(a.max)} (spread ${e(a.max - a.min)});  end losses ${e(b.min)} … ${e(b.max)} (spread ${e(b.max - b.min)})`);
}

const out = process.env.NABLA_EXAMPLE_OUT;
if (out) {
  const path = out.endsWith(".svg") ? out : join(out, "near-global-minima.svg");
  const [W, H, pad] = [640, 360, 50];
  const all = [...wide, ...narrow].flatMap((r) => [r.start, r.end]);
  // Whole decades of the log scale, from below the least loss (a zero loss sits on the floor).
  const [lo, hi] = [Math.floor(Math.log10(Math.max(Math.min(...all), 1e-300))), Math.ceil(Math.log10(Math.max(...all)))];
  const py = (v: number) => pad + ((hi - Math.log10(Math.max(v, 10 ** lo))) / (hi - lo)) * (H - 2 * pad);
  const columns = [["start", 0.15], ["end", 0.4], ["start", 0.65], ["end", 0.9]] as const;
  const dots = [wide, narrow].flatMap((runs, k) =>
    runs.flatMap((r) => {
      const [x1, x2] = [pad + columns[2 * k]![1] * (W - 2 * pad), pad + columns[2 * k + 1]![1] * (W - 2 * pad)];
      const color = k === 0 ? "#2471a3" : "#c0392b";
      return [`<line x1="${x1.toFixed(1)}" y1="${py(r.start).toFixed(1)}" x2="${x2.toFixed(1)}" y2="${py(r.end).toFixed(1)}" stroke="${color}" stroke-opacity="0.4"/>`,
        `<circle cx="${x1.toFixed(1)}" cy="${py(r.start).toFixed(1)}" r="3" fill="${color}"/>`, `<circle cx="${x2.toFixed(1)}" cy="${py(r.end).toFixed(1)}" r="3" fill="${color}"/>`];
    }),
  );
  const every = Math.max(1, Math.ceil((hi - lo) / 8));
  const decades = globalThis.Array.from({ length: hi - lo + 1 }, (_, i) => hi - i).filter((d) => (hi - d) % every === 0);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>`,
    ...decades.map((d) => `<text x="${pad - 4}" y="${(py(10 ** d) + 4).toFixed(1)}" text-anchor="end">1e${d}</text>`),
    ...dots,
    ...columns.map(([label, f], i) => `<text x="${(pad + f * (W - 2 * pad)).toFixed(1)}" y="${H - pad + 18}" text-anchor="middle">${i < 2 ? "wide" : "narrow"} ${label}</text>`),
    `<text x="${pad}" y="20">loss (log scale) at the start and end of each seed: wide 1→16→1 (blue), narrow 1→2→1 (red)</text>`,
    "</svg>",
  ].join("\n");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
  console.log(`wrote ${path}`);
}

// The claims: every wide run ends at a minimum (index 0) where the loss is zero to
// rounding (the global minimum), with at most N positive eigenvalues; its end losses
// spread a vanishing fraction of its start losses; the narrow network's end losses do not agree.
const [ws, we, ne] = [spread(wide.map((r) => r.start)), spread(wide.map((r) => r.end)), spread(narrow.map((r) => r.end))];
for (const [s, r] of wide.entries()) {
  if (r.status !== "converged") throw new Error(`wide seed ${s}: BFGS ended "${r.status}"`);
  if (r.negative !== 0) throw new Error(`wide seed ${s} ends at a point of index ${r.negative}, not a minimum`);
  if (!(r.positive <= N && r.end < 1e-15)) throw new Error(`wide seed ${s}: loss ${r.end}, ${r.positive} positive eigenvalues (expected < 1e-15 and ≤ ${N})`);
}
if (!(we.max - we.min < 1e-12 * (ws.max - ws.min))) throw new Error(`the wide network's end losses spread ${we.max - we.min}, not below 1e-12 of its start losses' ${ws.max - ws.min}`);
if (!(ne.max - ne.min > 1e-3)) throw new Error(`the narrow network's end losses (spread ${ne.max - ne.min}) all agree`);
console.log(`checks passed: every wide run ends at index 0 with loss < 1e-15; its end losses spread ${e(we.max - we.min)} against ${e(ws.max - ws.min)} at the start; the narrow network's spread ${e(ne.max - ne.min)}`);
