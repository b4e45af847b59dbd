// The user's f(x, y): parsed by the CLI's expression language (never run as JavaScript),
// then evaluated with the library: on the contour grid through one compiled, vmapped call,
// and at the chosen point through grad, hessian, eigh, classifyPoint and taylor.
import { classifyPoint, grad, hessian, jit, linalg, np, taylor, vmap, type Array as Tensor, type PointKind } from "nabla";
import { parseExpr } from "../../packages/nabla-cli/src/expr.js";
import { UsageError } from "../../packages/nabla-cli/src/args.js";

/** The plane's variables, in this order everywhere (URL, worker, tests). */
export const VARS = ["x", "y"] as const;

/** A rectangle of the plane: [xmin, xmax] × [ymin, ymax]. */
export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A parsed f, ready to evaluate. */
export interface Fn {
  source: string;
  f: (x: Tensor) => Tensor;
  /** f at many points at once: pts is [x₀, y₀, x₁, y₁, …]. */
  many: (pts: Float64Array) => Float64Array;
  /** ∇f at many points at once: [gx₀, gy₀, gx₁, gy₁, …] (NaN where it fails). */
  grads: (pts: Float64Array) => Float64Array;
}

/** A parse error with the position of its caret in the source. */
export interface ParseFailure {
  message: string;
  index: number;
}

/**
 * Parses `source` as f(x, y); a mistake comes back (not thrown) with its position.
 *
 * @example
 * const r = compileFn("x^2 + y");        // { fn }
 * const bad = compileFn("x^^2");         // { error: { message: "…", index: 2 } }
 */
export function compileFn(source: string): { fn: Fn } | { error: ParseFailure } {
  try {
    const { f } = parseExpr(source, { vars: VARS });
    return { fn: { source, f, many: batched(f), grads: batchedGrad(f) } };
  } catch (e) {
    if (e instanceof UsageError) return { error: { message: e.message, index: e.where?.index ?? 0 } };
    return { error: { message: e instanceof Error ? e.message : String(e), index: 0 } };
  }
}

/** A batched evaluator: jit(vmap(f)), falling back to a pointwise loop if that fails. */
function batched(f: (x: Tensor) => Tensor): (pts: Float64Array) => Float64Array {
  const all = jit(vmap(f));
  let compiled = true;
  return (pts) => {
    const n = pts.length / 2;
    if (compiled) {
      try {
        return np.asArray(all(np.array(pts).reshape([n, 2]))).toFloat64Array();
      } catch {
        // An f the batch transform cannot take is still drawable, point by point.
        compiled = false;
      }
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = safeValue(f, pts[2 * i]!, pts[2 * i + 1]!);
    return out;
  };
}

/** ∇f at many points: jit(vmap(grad f)), NaN everywhere if f cannot be batched. */
function batchedGrad(f: (x: Tensor) => Tensor): (pts: Float64Array) => Float64Array {
  const all = jit(vmap(grad(f)));
  return (pts) => {
    try {
      return all(np.array(pts).reshape([pts.length / 2, 2])).toFloat64Array();
    } catch {
      return new Float64Array(pts.length).fill(NaN);
    }
  };
}

function safeValue(f: (x: Tensor) => Tensor, x: number, y: number): number {
  try {
    return Number(f(np.array([x, y])).item());
  } catch {
    return NaN;
  }
}

/**
 * f on an n×n grid over `view`: row j (bottom to top) holds y = y0 + j·(y1−y0)/(n−1).
 *
 * @example
 * sampleGrid(fn, { x0: -1, x1: 1, y0: -1, y1: 1 }, 3); // 9 values, f(-1,-1) first
 */
export function sampleGrid(fn: Fn, view: View, n: number): Float64Array {
  return fn.many(lattice(view, n, 0, n - 1));
}

/**
 * ∇f at the centres of an m×m lattice of cells over `view`, row by row from the bottom:
 * [gx, gy] per cell, as `gradientField` draws them.
 *
 * @example
 * fieldGrads(fn, { x0: -1, x1: 1, y0: -1, y1: 1 }, 2); // ∇f at (±0.5, ±0.5)
 */
export function fieldGrads(fn: Fn, view: View, m: number): Float64Array {
  return fn.grads(lattice(view, m, 0.5, m));
}

/** [x, y] pairs of an n×n lattice, row by row from the bottom: coordinate (i + offset)/divisor of the view's width and height. */
function lattice(view: View, n: number, offset: number, divisor: number): Float64Array {
  const pts = new Float64Array(n * n * 2);
  for (let j = 0; j < n; j++) {
    const y = view.y0 + ((view.y1 - view.y0) * (j + offset)) / divisor;
    for (let i = 0; i < n; i++) {
      const k = 2 * (j * n + i);
      pts[k] = view.x0 + ((view.x1 - view.x0) * (i + offset)) / divisor;
      pts[k + 1] = y;
    }
  }
  return pts;
}

/** Everything the panel shows about f at one point. */
export interface PointInfo {
  x: [number, number];
  value: number;
  grad: [number, number];
  gradNorm: number;
  /** Row-major 2×2 Hessian. */
  hessian: [number, number, number, number];
  /** Ascending, with unit eigenvectors (columns of eigh's V) in the same order. */
  eigenvalues: [number, number];
  eigenvectors: [[number, number], [number, number]];
  kind: PointKind;
}

const pair = (a: Tensor): [number, number] => {
  const v = a.toFloat64Array();
  return [v[0]!, v[1]!];
};

/**
 * f, ∇f, the Hessian and its eigen-decomposition at (x, y), from the library.
 *
 * @example
 * analyze(fn, 1, 2).grad; // ∇f(1, 2)
 */
export function analyze(fn: Fn, x: number, y: number): PointInfo {
  const p = np.array([x, y]);
  const g = pair(grad(fn.f)(p));
  const H = hessian(fn.f)(p);
  const h = H.toFloat64Array();
  const [w, V] = linalg.eigh(H);
  const v = V.toFloat64Array();
  return {
    x: [x, y],
    value: Number(fn.f(p).item()),
    grad: g,
    gradNorm: Math.hypot(g[0], g[1]),
    hessian: [h[0]!, h[1]!, h[2]!, h[3]!],
    eigenvalues: pair(w),
    // Columns of V are the eigenvectors.
    eigenvectors: [
      [v[0]!, v[2]!],
      [v[1]!, v[3]!],
    ],
    kind: h.every(Number.isFinite) ? classifyPoint(fn.f, p).kind : "nonFinite",
  };
}

/** f and its Taylor models around a point, evaluated at a probe point. */
export interface TaylorAt {
  at: [number, number];
  value: number;
  first: number;
  second: number;
}

/**
 * The first- and second-order Taylor models of f about `center` (the library's `taylor`),
 * as a function that evaluates f and both models at a probe point.
 *
 * @example
 * const at = taylorModels(fn, [0, 0]);
 * at([0.1, 0]).second; // f(0) + ∇f·δ + ½δᵀHδ
 */
export function taylorModels(fn: Fn, center: readonly [number, number]): (probe: readonly [number, number]) => TaylorAt {
  const c = np.array([center[0], center[1]]);
  const first = taylor(fn.f, c, { order: 1 });
  const second = taylor(fn.f, c, { order: 2 });
  return (probe) => {
    const q = np.array([probe[0], probe[1]]);
    return { at: [probe[0], probe[1]], value: Number(fn.f(q).item()), first: Number(first.model(q).item()), second: Number(second.model(q).item()) };
  };
}

/**
 * A Taylor model on the grid in closed form (order 1 or 2) from the point's f, ∇f, H:
 * the same numbers as `taylor(...).model`, without a library call per grid point.
 *
 * @example
 * modelGrid(info, view, 200, 2); // ½δᵀHδ + ∇f·δ + f on every grid point
 */
export function modelGrid(info: PointInfo, view: View, n: number, order: 1 | 2): Float64Array {
  const out = new Float64Array(n * n);
  const [g0, g1] = info.grad;
  const [a, b, , d] = info.hessian;
  for (let j = 0; j < n; j++) {
    const dy = view.y0 + ((view.y1 - view.y0) * j) / (n - 1) - info.x[1];
    for (let i = 0; i < n; i++) {
      const dx = view.x0 + ((view.x1 - view.x0) * i) / (n - 1) - info.x[0];
      const lin = info.value + g0 * dx + g1 * dy;
      out[j * n + i] = order === 1 ? lin : lin + 0.5 * (a * dx * dx + 2 * b * dx * dy + d * dy * dy);
    }
  }
  return out;
}
