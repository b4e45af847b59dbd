// Every critical point of f in a box: damped Newton on ∇f = 0 from many random starts,
// all starts advanced together (one compiled, vmapped call per iteration), a fallback that
// minimizes ½‖∇f‖² for the starts Newton gives up on, then the points merged and each
// classified on f's own scale by classifyPoint's rules.
//
// Why not implicit.rootFind per start: it is the same damped Newton, but one start at a
// time, eager, and with an absolute tolerance on max|∇f|; here the steps and the
// critical test are relative to the box and to the Hessian, and a batch of hundreds of
// starts costs a few compiled calls per iteration.
import { np, type Array } from "../core/index.js";
import * as random from "../random/index.js";
import { eigh } from "../linalg/index.js";
import { minimize } from "../optim/index.js";
import { grad, hessian, jit, valueAndGrad, vmap } from "../transforms/index.js";
import { judgeDense, judgeOptions, type PointKind } from "./critical.js";

/** The box: [lo, hi] per coordinate, as a pair or as { lo, hi }; its length is f's dimension. */
export type CriticalBox = readonly (readonly [number, number] | { readonly lo: number; readonly hi: number })[];

/** Options of `findCriticalPoints`. */
export interface FindCriticalOptions {
  /** Where to look (required): [lo, hi] per coordinate. Points found outside it are dropped. */
  box: CriticalBox;
  /** How many random starts, uniform in the box (default 50·n), or the start points themselves. */
  starts?: number | readonly (readonly number[])[];
  /** The PRNG key of the random starts (default random.key(0)): the same key, the same points. */
  key?: Array;
  /**
   * Relative tolerance (default 1e-10). With D the box's diagonal, Newton stops when its
   * step is at most tol·D and x is critical by classifyPoint's test with gtol = tol and
   * xScale = D: ‖∇f‖ ≤ tol·‖H‖·max(‖x‖, D).
   */
  tol?: number;
  /** Two points are one when |xᵢ − yᵢ| ≤ mergeTol·(hiᵢ − loᵢ) in every coordinate (default 1e-6). */
  mergeTol?: number;
  /** Relative eigenvalue tolerance of the classification (classifyPoint's eigtol, default 1e-8). */
  eigtol?: number;
  /** Newton iterations per start (default 100). */
  maxIter?: number;
  /** Minimize ½‖∇f‖² (L-BFGS) from the starts where Newton fails, then polish by Newton (default true). */
  fallback?: boolean;
  /** Compile ∇f and the Hessian with jit (default true; f that cannot be traced falls back to eager). */
  jit?: boolean;
}

/** A critical point found, with classifyPoint's verdict on it. */
export interface CriticalPoint {
  x: number[];
  value: number;
  kind: Exclude<PointKind, "notCritical" | "nonFinite">;
  /** How many Hessian eigenvalues are negative. */
  index: number;
  /** All Hessian eigenvalues, ascending. */
  eigenvalues: number[];
  gradNorm: number;
  /** max|λ|/min|λ| (Infinity when some λ = 0). */
  condition: number;
  /** classifyPoint's plateau, with f's scale the spread of f over the starts and L = D. */
  plateau: boolean;
  valley: boolean;
  /** How many starts converged to this point. */
  hits: number;
}

/** What `findCriticalPoints` found, as a plain record. */
export interface FindCriticalResult {
  /** The distinct critical points inside the box, by increasing value (equal values, to 1e-12 of f's spread, by x). */
  points: CriticalPoint[];
  counts: Record<CriticalPoint["kind"], number>;
  /** How many starts there were. */
  starts: number;
  /** How many of them converged to a critical point (inside the box or not). */
  converged: number;
  /** Of those: by Newton from the start, and by the fallback followed by Newton. */
  byNewton: number;
  byFallback: number;
  /** Converged starts whose point lies outside the box (not listed). */
  outside: number;
  /** Starts that reached no critical point (Newton and the fallback both failed, or the iterate left the box far behind). */
  failed: number;
  message: string;
}

const KINDS = ["minimum", "maximum", "saddle", "degenerate"] as const;

// Per-start states of the batched Newton iteration.
const RUNNING = 0;
const CONVERGED = 1;
const FAILED = 2;
/** The iterate went more than a box width beyond the box: given up (what it would reach is not listed). */
const LEFT = 3;

const norm = (v: Float64Array, from: number, n: number): number => {
  let big = 0;
  for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(v[from + i]!));
  if (big === 0 || !Number.isFinite(big)) return big;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[from + i]! / big) ** 2;
  return big * Math.sqrt(s);
};

/** The median of the finite values (0 when there are none). */
function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length === 0 ? 0 : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

function checkBox(box: unknown): { lo: number[]; hi: number[] } {
  const op = "findCriticalPoints";
  if (!globalThis.Array.isArray(box) || box.length === 0) throw new Error(`${op}: box must be a non-empty list of [lo, hi] (or { lo, hi }) per coordinate`);
  const lo: number[] = [];
  const hi: number[] = [];
  box.forEach((side: unknown, i) => {
    const pair = globalThis.Array.isArray(side) ? side : side !== null && typeof side === "object" ? [(side as { lo: unknown }).lo, (side as { hi: unknown }).hi] : [];
    const [a, b] = pair as unknown[];
    if (pair.length !== 2 || typeof a !== "number" || typeof b !== "number" || !Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) {
      throw new Error(`${op}: box[${i}] must be [lo, hi] with finite lo < hi, got ${JSON.stringify(side)}`);
    }
    lo.push(a);
    hi.push(b);
  });
  return { lo, hi };
}

function count(name: string, v: number | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`findCriticalPoints: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

function fraction(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !(v > 0 && v < 1)) throw new Error(`findCriticalPoints: ${name} must be a number in (0, 1), got ${String(v)}`);
  return v;
}

/** The start points, row-major [S, n]. */
function startPoints(opts: FindCriticalOptions, lo: number[], hi: number[]): { X: Float64Array; S: number } {
  const n = lo.length;
  const starts = opts.starts ?? 50 * n;
  if (typeof starts === "number") {
    const S = count("starts", starts, 0, 1);
    const u = random.uniform(opts.key ?? random.key(0), [S, n]).toFloat64Array();
    return { X: u.map((v, k) => lo[k % n]! + v * (hi[k % n]! - lo[k % n]!)), S };
  }
  if (!globalThis.Array.isArray(starts) || starts.length === 0) throw new Error("findCriticalPoints: starts must be a positive integer or a non-empty list of points");
  const X = new Float64Array(starts.length * n);
  starts.forEach((p, s) => {
    if (!globalThis.Array.isArray(p) || p.length !== n || !p.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new Error(`findCriticalPoints: starts[${s}] must be ${n} finite numbers (the box's dimension), got ${JSON.stringify(p)}`);
    }
    X.set(p, s * n);
  });
  return { X, S: starts.length };
}

/**
 * f's value, gradient and Hessian at each row of X, and the gradient alone: compiled and
 * vmapped over the rows; where f cannot be batched or traced (a JavaScript `if` on a
 * value), row by row and eagerly, from then on.
 */
class Derivatives {
  private batched = true;
  private readonly vgh: (X: Array) => [Array, Array, Array];
  private readonly g: (X: Array) => Array;
  private readonly one: (x: Array) => [Array, Array, Array];

  constructor(
    private readonly f: (x: Array) => Array,
    private readonly n: number,
    useJit: boolean,
  ) {
    this.one = (x: Array): [Array, Array, Array] => {
      const [v, g] = valueAndGrad(f)(x);
      return [v, g, hessian(f)(x)];
    };
    this.vgh = useJit ? jit(vmap(this.one)) : vmap(this.one);
    this.g = useJit ? jit(vmap(grad(f))) : vmap(grad(f));
  }

  /** `batched` on X as an [S, n] Array, or, once that has failed, `single` on each row: either way flat float64 outputs. */
  private rows(X: Float64Array, batched: (A: Array) => Array[], single: (x: Array) => Array[]): Float64Array[] {
    const S = X.length / this.n;
    if (this.batched) {
      try {
        return batched(np.reshape(np.array(X), [S, this.n])).map((a) => np.astype(a, "float64").toFloat64Array());
      } catch {
        this.batched = false;
      }
    }
    const each = globalThis.Array.from({ length: S }, (_, s) => single(np.array(X.slice(s * this.n, (s + 1) * this.n))).map((a) => np.astype(a, "float64").toFloat64Array()));
    return each[0]!.map((_, k) => {
      const out = new Float64Array(S * each[0]![k]!.length);
      each.forEach((row, s) => out.set(row[k]!, s * row[k]!.length));
      return out;
    });
  }

  all(X: Float64Array): { f: Float64Array; g: Float64Array; h: Float64Array } {
    const [f, g, h] = this.rows(X, this.vgh, this.one);
    return { f: f!, g: g!, h: h! };
  }

  grads(X: Float64Array): Float64Array {
    return this.rows(X, (A) => [this.g(A)], (x) => [grad(this.f)(x)])[0]!;
  }
}

interface NewtonSettings {
  tol: number;
  /** The box's diagonal: the length steps and the critical test are measured against. */
  D: number;
  maxIter: number;
  lo: number[];
  hi: number[];
}

/**
 * The rows `rows` of X gathered into a batch of one of the sizes ⌈S/2ʲ⌉ (padded with
 * copies of the first row): as starts converge the batch shrinks, and only a few batch
 * shapes (each compiled once) ever occur.
 */
function gather(X: Float64Array, n: number, rows: readonly number[], pick: (r: number) => Float64Array = (r) => X.subarray(r * n, (r + 1) * n)): Float64Array {
  let size = X.length / n;
  while (size > 1 && Math.ceil(size / 2) >= rows.length) size = Math.ceil(size / 2);
  const out = new Float64Array(size * n);
  for (let i = 0; i < size; i++) out.set(pick(rows[Math.min(i, rows.length - 1)]!), i * n);
  return out;
}

/** ∇f and H at each row's current point, where known: at the starts, and after a full step (whose trial evaluated both). */
interface Known {
  g: Float64Array;
  h: Float64Array;
  known: Uint8Array;
}

/**
 * Damped Newton on ∇f = 0 for every row of X at once (X is updated in place): the step
 * −H⁻¹∇f from H's eigendecomposition (eigenvalues below 1e-14·max|λ| in size are raised to
 * it, keeping their sign, so a singular H still gives a step), halved until ‖∇f‖ falls by
 * the Armijo fraction. `at` gives ∇f and H at X's rows when known. Returns each row's state
 * (CONVERGED, FAILED, LEFT).
 */
function newtonBatch(d: Derivatives, X: Float64Array, n: number, s: NewtonSettings, at?: { g: Float64Array; h: Float64Array }): Uint8Array {
  const S = X.length / n;
  const state = new Uint8Array(S);
  const step = new Float64Array(S * n);
  const gn0 = new Float64Array(S);
  const critical = new Uint8Array(S);
  const cache: Known = at ? { g: at.g.slice(), h: at.h.slice(), known: new Uint8Array(S).fill(1) } : { g: new Float64Array(S * n), h: new Float64Array(S * n * n), known: new Uint8Array(S) };
  for (let k = 0; ; k++) {
    const running = [...state.keys()].filter((r) => state[r] === RUNNING);
    if (running.length === 0) return state;
    const missing = running.filter((r) => !cache.known[r]);
    if (missing.length > 0) remember(cache, n, missing, d.all(gather(X, n, missing)));
    const B = running.length;
    const g = new Float64Array(B * n);
    const h = new Float64Array(B * n * n);
    running.forEach((r, i) => {
      g.set(cache.g.subarray(r * n, (r + 1) * n), i * n);
      h.set(cache.h.subarray(r * n * n, (r + 1) * n * n), i * n * n);
    });
    // Rows not finite get the identity: eigh sees finite numbers only (they fail below).
    const finite = new Uint8Array(B);
    for (let i = 0; i < B; i++) {
      const H = h.subarray(i * n * n, (i + 1) * n * n);
      finite[i] = H.every(Number.isFinite) ? 1 : 0;
      if (!finite[i]) for (let j = 0; j < n * n; j++) H[j] = j % (n + 1) === 0 ? 1 : 0;
    }
    const [wA, VA] = eigh(np.reshape(np.array(h), [B, n, n]));
    const w = wA.toFloat64Array();
    const V = VA.toFloat64Array();
    const searching: number[] = [];
    running.forEach((r, i) => {
      const gn = norm(g, i * n, n);
      const top = w.subarray(i * n, (i + 1) * n).reduce((m, l) => Math.max(m, Math.abs(l)), 0);
      if (!Number.isFinite(gn) || !finite[i]) return void (state[r] = FAILED);
      if (gn === 0) return void (state[r] = CONVERGED);
      critical[r] = top > 0 && gn / top <= s.tol * Math.max(norm(X, r * n, n), s.D) ? 1 : 0;
      if (top === 0 || k >= s.maxIter) return void (state[r] = critical[r] ? CONVERGED : FAILED);
      // δ = −Σⱼ vⱼ (vⱼ·g)/λⱼ over the eigenpairs of H (V's columns).
      const dr = step.subarray(r * n, (r + 1) * n).fill(0);
      for (let j = 0; j < n; j++) {
        const lj = w[i * n + j]!;
        const lam = Math.sign(lj || 1) * Math.max(Math.abs(lj), 1e-14 * top);
        let c = 0;
        for (let m = 0; m < n; m++) c += V[i * n * n + m * n + j]! * g[i * n + m]!;
        for (let m = 0; m < n; m++) dr[m]! -= (V[i * n * n + m * n + j]! * c) / lam;
      }
      if (critical[r] && norm(dr, 0, n) <= s.tol * s.D) return void (state[r] = CONVERGED);
      gn0[r] = gn;
      searching.push(r);
    });
    backtrack(d, X, n, searching, step, gn0, cache, (r, ok) => {
      if (!ok) {
        // No step lowers ‖∇f‖: at a critical point that is rounding; elsewhere Newton is stuck.
        state[r] = critical[r] ? CONVERGED : FAILED;
        return;
      }
      for (let i = 0; i < n; i++) {
        const x = X[r * n + i]!;
        const width = s.hi[i]! - s.lo[i]!;
        if (x < s.lo[i]! - width || x > s.hi[i]! + width) state[r] = LEFT;
      }
    });
  }
}

/** Stores ∇f and H evaluated at the gathered `rows` (in order) as known. */
function remember(cache: Known, n: number, rows: readonly number[], e: { g: Float64Array; h: Float64Array }): void {
  rows.forEach((r, i) => {
    cache.g.set(e.g.subarray(i * n, (i + 1) * n), r * n);
    cache.h.set(e.h.subarray(i * n * n, (i + 1) * n * n), r * n * n);
    cache.known[r] = 1;
  });
}

/**
 * Halves each searching row's step until ‖∇f‖ falls by the Armijo fraction (at most 20
 * times); moves X; reports each row. The full steps are tried with ∇f and H together, so
 * that an accepted full step (the usual case) costs no second evaluation.
 */
function backtrack(d: Derivatives, X: Float64Array, n: number, rows: number[], step: Float64Array, gn0: Float64Array, cache: Known, done: (r: number, ok: boolean) => void): void {
  let left = rows;
  for (let i = 0, t = 1; i < 20 && left.length > 0; i++, t /= 2) {
    const trial = (r: number) => X.subarray(r * n, (r + 1) * n).map((x, j) => x + t * step[r * n + j]!);
    const tried = gather(X, n, left, trial);
    const full = i === 0 ? d.all(tried) : undefined;
    const g = full ? full.g : d.grads(tried);
    left = left.filter((r, k) => {
      const gn = norm(g, k * n, n);
      if (!(Number.isFinite(gn) && gn <= (1 - 1e-4 * t) * gn0[r]!)) return true;
      X.set(tried.subarray(k * n, (k + 1) * n), r * n);
      if (full) {
        cache.g.set(full.g.subarray(k * n, (k + 1) * n), r * n);
        cache.h.set(full.h.subarray(k * n * n, (k + 1) * n * n), r * n * n);
      }
      cache.known[r] = full ? 1 : 0;
      done(r, true);
      return false;
    });
  }
  for (const r of left) done(r, false);
}

/**
 * Every critical point (∇f = 0) of f in a box, each classified: damped Newton on ∇f = 0
 * from many starts (uniform in the box, reproducible from `key`), all advanced together
 * with one compiled, vmapped evaluation of ∇f and the Hessian per iteration; for the starts
 * where Newton stalls, a fallback that minimizes ½‖∇f‖²/s² (L-BFGS, s the median ‖∇f‖ at
 * the starts) and polishes its answer by Newton. Converged points closer than `mergeTol`
 * of the box's widths are merged, points outside the box dropped, and each is classified
 * with classifyPoint's relative tests (gtol = tol, xScale = the box's diagonal, fScale =
 * the spread of f over the starts, hScale = the median ‖H‖_F at the starts). Multi-start
 * finds what the starts' basins reach: more starts, more of the points, never a guarantee
 * of all of them; a continuum of critical points (a ring of minima) comes out as many
 * degenerate points. The Hessian is dense: for a few to a few dozen variables.
 *
 * @example
 * // x³ − 3x + y²: a minimum at (1, 0) and a saddle at (−1, 0)
 * const f = (v: Array) => v.slice(0).pow(3).sub(v.slice(0).mul(3)).add(v.slice(1).square());
 * const r = landscape.findCriticalPoints(f, { box: [[-3, 3], [-3, 3]], starts: 40 });
 * r.points.map((p) => [p.kind, p.x]); // [["minimum", [1, 0]], ["saddle", [-1, 0]]]
 */
export function findCriticalPoints(f: (x: Array) => Array | number, opts: FindCriticalOptions): FindCriticalResult {
  const op = "findCriticalPoints";
  if (typeof f !== "function") throw new Error(`${op}: f must be a function, got ${typeof f}`);
  if (typeof opts !== "object" || opts === null) throw new Error(`${op}: options with a box are required, e.g. { box: [[-1, 1], [-1, 1]] }`);
  const { lo, hi } = checkBox(opts.box);
  const n = lo.length;
  const tol = fraction("tol", opts.tol, 1e-10);
  const mergeTol = fraction("mergeTol", opts.mergeTol, 1e-6);
  const maxIter = count("maxIter", opts.maxIter, 100, 0);
  const judged = judgeOptions({ gtol: tol, ...(opts.eigtol !== undefined ? { eigtol: opts.eigtol } : {}) });
  const widths = lo.map((l, i) => hi[i]! - l);
  const D = norm(Float64Array.from(widths), 0, n);
  const fn = (x: Array) => np.asArray(f(x));
  const d = new Derivatives(fn, n, opts.jit ?? true);
  const { X: X0, S } = startPoints(opts, lo, hi);

  const at0 = d.all(X0);
  const settings = { tol, D, maxIter, lo, hi };
  const X = X0.slice();
  const state = newtonBatch(d, X, n, settings, at0);
  const byNewton = state.reduce((c, v) => c + (v === CONVERGED ? 1 : 0), 0);

  // The fallback: ½‖∇f/s‖² by L-BFGS from each start Newton failed from, then Newton again.
  let byFallback = 0;
  const failedRows = [...state.keys()].filter((r) => state[r] === FAILED);
  if ((opts.fallback ?? true) && failedRows.length > 0) {
    const scale = median([...globalThis.Array(S).keys()].map((r) => norm(at0.g, r * n, n))) || 1;
    const gradF = grad(fn);
    const phi = (x: Array) => np.mul(0.5, np.sum(np.square(np.div(gradF(x), scale))));
    const Y = new Float64Array(failedRows.length * n);
    failedRows.forEach((r, i) => {
      let y = X0.subarray(r * n, (r + 1) * n);
      try {
        const m = minimize(phi, np.array(y), { method: "lbfgs", gtol: 1e-12, maxIter: 100, checkCurvature: false, jit: opts.jit ?? true });
        const x = (m.x as Array).toFloat64Array();
        if (x.every(Number.isFinite)) y = x;
      } catch {
        // f's third derivatives (in φ's gradient) may fail where its second do not: Newton then retries from the start.
      }
      Y.set(y, i * n);
    });
    const again = newtonBatch(d, Y, n, settings);
    failedRows.forEach((r, i) => {
      if (again[i] === FAILED) return;
      state[r] = again[i]!;
      X.set(Y.subarray(i * n, (i + 1) * n), r * n);
      if (again[i] === CONVERGED) byFallback++;
    });
  }

  // f's spread over the starts (the scale a plateau is flat on) and the Hessian's median size there.
  const f0 = [...at0.f].filter(Number.isFinite);
  const spread = f0.length > 0 ? f0.reduce((m, v) => Math.max(m, v), -Infinity) - f0.reduce((m, v) => Math.min(m, v), Infinity) : 0;
  const hScale = median([...globalThis.Array(S).keys()].map((r) => norm(at0.h, r * n * n, n * n)));
  const inside = (r: number) => lo.every((l, i) => X[r * n + i]! >= l - 1e-12 * widths[i]! && X[r * n + i]! <= hi[i]! + 1e-12 * widths[i]!);
  const converged = [...state.keys()].filter((r) => state[r] === CONVERGED);
  const kept = converged.filter(inside);

  // Merge: one representative per cluster, the row with the smallest ‖∇f‖.
  const final = kept.length > 0 ? d.all(Float64Array.from(kept.flatMap((r) => [...X.subarray(r * n, (r + 1) * n)]))) : undefined;
  const clusters: { i: number; hits: number }[] = [];
  kept.forEach((_, i) => {
    const same = clusters.find((c) => widths.every((w, j) => Math.abs(X[kept[i]! * n + j]! - X[kept[c.i]! * n + j]!) <= mergeTol * w));
    if (!same) clusters.push({ i, hits: 1 });
    else {
      same.hits++;
      if (norm(final!.g, i * n, n) < norm(final!.g, same.i * n, n)) same.i = i;
    }
  });
  const points: CriticalPoint[] = [];
  for (const { i, hits } of clusters) {
    const x = X.slice(kept[i]! * n, (kept[i]! + 1) * n);
    const j = judgeDense(final!.f[i]!, final!.g.slice(i * n, (i + 1) * n), final!.h.slice(i * n * n, (i + 1) * n * n), x, { ...judged, xScale: D, fScale: spread, hScale });
    if (j.kind === "notCritical" || j.kind === "nonFinite") continue;
    points.push({ x: [...x], value: j.value, kind: j.kind, index: j.index, eigenvalues: j.eigenvalues, gradNorm: j.gradNorm, condition: j.condition, plateau: j.plateau, valley: j.valley, hits });
  }
  // By value; values equal to rounding (the two points of a symmetric pair) by x, so the order does not hang on the last bit.
  const tie = 1e-12 * points.reduce((m, p) => Math.max(m, Math.abs(p.value)), spread);
  points.sort((a, b) => (Math.abs(a.value - b.value) > tie ? a.value - b.value : a.x.reduce((c, v, k) => c || v - b.x[k]!, 0)));
  const counts = Object.fromEntries(KINDS.map((k) => [k, points.filter((p) => p.kind === k).length])) as FindCriticalResult["counts"];
  const outside = converged.length - kept.length;
  const failed = S - converged.length;
  const plural = { minimum: "minima", maximum: "maxima", saddle: "saddles", degenerate: "degenerate" };
  const found = KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${counts[k] === 1 ? k : plural[k]}`);
  const message =
    `${points.length} critical point${points.length === 1 ? "" : "s"} in the box${found.length ? ` (${found.join(", ")})` : ""}` +
    ` from ${S} start${S === 1 ? "" : "s"}: ${converged.length} converged (${byNewton} by Newton, ${byFallback} after the fallback), ${outside} outside the box, ${failed} failed`;
  return { points, counts, starts: S, converged: converged.length, byNewton, byFallback, outside, failed, message };
}
