// The forward solvers: plain eager iterations on a flat vector. Their answers are
// differentiated implicitly (root.ts), so nothing here is ever traced or differentiated.
import { np, type Array } from "../core/index.js";
import * as linalg from "../linalg/index.js";
import { jacfwd } from "../transforms/index.js";
import type { SolveStatus } from "./root.js";

/** A forward solve's outcome on flat vectors. */
export interface FlatReport {
  x: Array;
  status: SolveStatus;
  nit: number;
  residual: number;
}

export interface IterationLimits {
  /** Stop when max |F| ≤ tol. */
  tol: number;
  maxIter: number;
}

/** max |v|, or Infinity when v has a NaN or an infinity. */
export function maxAbs(v: Array): number {
  let worst = 0;
  for (const x of v.toFloat64Array()) {
    if (!Number.isFinite(x)) return Infinity;
    worst = Math.max(worst, Math.abs(x));
  }
  return worst;
}

const norm = (v: Array) => np.norm(v).item();

/**
 * Newton's method for F(y) = 0, damped by backtracking on ‖F‖ (Armijo), with the
 * Jacobian from jacfwd; or Broyden's ("good") method, which starts from that Jacobian
 * and then updates it by rank one per step instead of recomputing it (refreshing it
 * once when no step along its direction decreases ‖F‖).
 */
export function newton(F: (y: Array) => Array, y0: Array, lim: IterationLimits, broyden: boolean): FlatReport {
  let y = y0;
  let f = F(y);
  let B: Array | undefined;
  for (let k = 0; ; k++) {
    const r = maxAbs(f);
    if (r === Infinity) return { x: y, status: "nonFinite", nit: k, residual: r };
    if (r <= lim.tol) return { x: y, status: "converged", nit: k, residual: r };
    if (k >= lim.maxIter) return { x: y, status: "maxIter", nit: k, residual: r };
    let fresh = !broyden || B === undefined;
    if (fresh) B = jacfwd(F)(y);
    let step = search(F, y, f, B!);
    if (!step && !fresh) {
      B = jacfwd(F)(y);
      fresh = true;
      step = search(F, y, f, B);
    }
    if (!step) return { x: y, status: "failed", nit: k, residual: r };
    const [yNew, fNew] = step;
    if (broyden) {
      const s = np.sub(yNew, y);
      const u = np.sub(np.sub(fNew, f), np.matmul(B!, s));
      B = np.add(B!, np.div(np.outer(u, s), np.sum(np.mul(s, s))));
    }
    [y, f] = [yNew, fNew];
  }
}

/** A step along −J⁻¹·F that decreases ‖F‖ enough, halving it up to 40 times; undefined if none. */
function search(F: (y: Array) => Array, y: Array, f: Array, J: Array): [Array, Array] | undefined {
  const dir = linalg.solve(J, np.neg(f));
  if (maxAbs(dir) === Infinity) return undefined;
  const f0 = norm(f);
  for (let t = 1, i = 0; i < 40; t /= 2, i++) {
    const yNew = np.add(y, np.mul(t, dir));
    const fNew = F(yNew);
    const fn = norm(fNew);
    if (Number.isFinite(fn) && fn <= (1 - 1e-4 * t) * f0) return [yNew, fNew];
  }
  return undefined;
}

/**
 * The fixed point of T: plain iteration z ← T(z), or Anderson acceleration (type II,
 * `memory` past steps, mixing β = 1): z ← z + g − (ΔZ + ΔG)·γ with γ the regularized
 * least-squares fit of g by the past changes ΔG of the residual g = T(z) − z. The
 * history is kept as plain vectors with its Gram matrix, so a step costs O(n·memory)
 * beyond T. An Anderson step that is not finite falls back to the plain step.
 */
export function fixedPointIterate(T: (z: Array) => Array, z0: Array, lim: IterationLimits, memory: number): FlatReport {
  let z = z0;
  const history = new AndersonHistory(memory);
  for (let k = 0; ; k++) {
    const g = np.sub(T(z), z);
    const r = maxAbs(g);
    if (r === Infinity) return { x: z, status: "nonFinite", nit: k, residual: r };
    if (r <= lim.tol) return { x: z, status: "converged", nit: k, residual: r };
    if (k >= lim.maxIter) return { x: z, status: "maxIter", nit: k, residual: r };
    const next = memory > 0 ? history.step(z.toFloat64Array(), g.toFloat64Array()) : undefined;
    z = next ? np.array(next, { dtype: z0.dtype }) : np.add(z, g);
  }
}

const dotOf = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The last `memory` changes ΔZ, ΔG of Anderson's iterates and residuals, with ΔGᵀΔG. */
class AndersonHistory {
  private dZ: Float64Array[] = [];
  private dG: Float64Array[] = [];
  private gram: number[][] = [];
  private last?: { z: Float64Array; g: Float64Array };

  constructor(private readonly memory: number) {}

  /** The next iterate after (z, g), or undefined for a plain step (no history yet, or not finite). */
  step(z: Float64Array, g: Float64Array): Float64Array | undefined {
    const prev = this.last;
    this.last = { z, g };
    if (!prev) return undefined;
    this.push(
      z.map((v, i) => v - prev.z[i]!),
      g.map((v, i) => v - prev.g[i]!),
    );
    const m = this.dG.length;
    // γ = (ΔGᵀΔG + λI)⁻¹·ΔGᵀg, with Tikhonov λ relative to the Gram matrix's scale: nearly
    // parallel residual changes must not blow γ up.
    const trace = this.gram.reduce((s, row, i) => s + row[i]!, 0);
    const lambda = 1e-10 * (trace || 1);
    const M = this.gram.map((row, i) => row.map((v, j) => v + (i === j ? lambda : 0)));
    const gamma = solveSmall(M, this.dG.map((d) => dotOf(d, g)));
    if (!gamma) return undefined;
    const next = new Float64Array(z.length);
    for (let i = 0; i < z.length; i++) {
      let v = z[i]! + g[i]!;
      for (let j = 0; j < m; j++) v -= gamma[j]! * (this.dZ[j]![i]! + this.dG[j]![i]!);
      next[i] = v;
    }
    return next.every(Number.isFinite) ? next : undefined;
  }

  private push(dz: Float64Array, dg: Float64Array): void {
    if (this.dG.length === this.memory) {
      this.dZ.shift();
      this.dG.shift();
      this.gram.shift();
      this.gram.forEach((row) => row.shift());
    }
    this.dZ.push(dz);
    this.dG.push(dg);
    const row = this.dG.map((d) => dotOf(d, dg));
    this.gram.forEach((r, i) => r.push(row[i]!));
    this.gram.push(row);
  }
}

/** x with M·x = b for a small symmetric positive definite M (Gaussian elimination), or undefined. */
function solveSmall(M: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const a = M.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    if (!(Math.abs(pivot) > 0) || !Number.isFinite(pivot)) return undefined;
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / pivot;
      for (let k = c; k <= n; k++) a[r]![k] = a[r]![k]! - f * a[c]![k]!;
    }
  }
  const x: number[] = b.map(() => 0);
  for (let r = n - 1; r >= 0; r--) {
    let v = a[r]![n]!;
    for (let k = r + 1; k < n; k++) v -= a[r]![k]! * x[k]!;
    x[r] = v / a[r]![r]!;
  }
  return x.every(Number.isFinite) ? x : undefined;
}
