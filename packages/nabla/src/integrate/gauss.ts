// Gauss–Legendre rules, and fixed-order quadrature with them: n nodes integrate every
// polynomial of degree < 2n exactly, and a smooth integrand to near machine precision
// with a handful of nodes. fixedQuad is plain array arithmetic, so every transformation
// (grad, jvp, vmap, jit) goes straight through it.
import { checkFunction } from "../array/index.js";
import { np, type Array } from "../core/index.js";
import { vmap } from "../transforms/index.js";

const rules = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/**
 * P_n(z), P_{n−1}(z) and P_n'(z), by the recurrences (k+1)P_{k+1} = (2k+1)zP_k − kP_{k−1}
 * and P'_{k+1} = P'_{k−1} + (2k+1)P_k (no division by 1 − z², which loses digits near ±1).
 */
function legendre(n: number, z: number): [number, number, number] {
  let [prev, p, dprev, dp] = [1, z, 0, 1];
  for (let k = 1; k < n; k++) [prev, p, dprev, dp] = [p, ((2 * k + 1) * z * p - k * prev) / (k + 1), dp, dprev + (2 * k + 1) * p];
  return [p, prev, dp];
}

/** The n-point rule as numbers, ascending nodes; computed once per n. */
function legendreRule(n: number): { nodes: Float64Array; weights: Float64Array } {
  const known = rules.get(n);
  if (known) return known;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  if (n === 1) weights[0] = 2;
  // The positive roots, largest first, by Newton from Tricomi's first-order guess
  // cos(π(i + ¾)/(n + ½)), which lies in each root's basin; the rule is symmetric.
  for (let i = 0; i < n >> 1; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const [p, , dp] = legendre(n, z);
      const step = p / dp;
      z -= step;
      if (Math.abs(step) <= 4e-16 * Math.abs(z)) break;
    }
    // w = 2/F(z*) with F = (1 − z²)P_n'², at the exact root z* = z − P/P' (below an ulp
    // away); F is ill-conditioned near ±1, so take its first-order change F'(z*) = 2z*P'² into account.
    const [p, , dp] = legendre(n, z);
    const w = 2 / ((1 - z) * (1 + z) * dp * dp - 2 * z * p * dp);
    [nodes[i], nodes[n - 1 - i]] = [-z, z];
    [weights[i], weights[n - 1 - i]] = [w, w];
  }
  if (n % 2 === 1 && n > 1) {
    // The middle root is exactly 0; its weight is 2/P_n'(0)².
    const [, prev, dp] = legendre(n, 0);
    weights[n >> 1] = 2 / (n * prev * dp);
  }
  const rule = { nodes, weights };
  rules.set(n, rule);
  return rule;
}

function checkOrder(op: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new Error(`${op}: n must be an integer ≥ 1, got ${String(n)}`);
  return n;
}

/**
 * The n-point Gauss–Legendre rule on [−1, 1]: ∫₋₁¹ f ≈ Σ wᵢ f(xᵢ), exact for polynomials
 * of degree ≤ 2n − 1. Nodes ascending (float64), found by Newton's method on the Legendre
 * recurrence from Tricomi's initial guesses, accurate to a few ulps.
 *
 * @example
 * const { nodes, weights } = integrate.gaussLegendre(3);
 * nodes;   // [−√⅗, 0, √⅗]
 * weights; // [5/9, 8/9, 5/9]
 */
export function gaussLegendre(n: number): { nodes: Array; weights: Array } {
  const rule = legendreRule(checkOrder("gaussLegendre", n));
  return { nodes: np.array(rule.nodes.slice()), weights: np.array(rule.weights.slice()) };
}

export interface FixedQuadOptions {
  /** Number of Gauss–Legendre nodes (default 5, as scipy's fixed_quad). */
  n?: number;
}

/**
 * ∫ₐᵇ f(x) dx by the n-point Gauss–Legendre rule (scipy.integrate.fixed_quad): f is called
 * once, through vmap, on the n nodes mapped to [a, b]. f takes a scalar x and may return
 * any shape; a and b are finite numbers or scalar Arrays. Differentiable by plain autodiff
 * in a, b and whatever f closes over; no error estimate (use quad for one).
 *
 * @example
 * integrate.fixedQuad((x) => np.exp(x), 0, 1); // e − 1, to 6.5e-13
 * grad((b: Array) => integrate.fixedQuad((x) => x.square(), 0, b, { n: 2 }))(np.array(3)); // 9
 */
export function fixedQuad(f: (x: Array) => Array | number, a: Array | number, b: Array | number, opts: FixedQuadOptions = {}): Array {
  checkFunction("fixedQuad", "f", f);
  const known = Object.keys(opts).filter((k) => k !== "n");
  if (known.length > 0) throw new Error(`fixedQuad: unknown option(s) ${known.join(", ")}; expected n`);
  const rule = legendreRule(checkOrder("fixedQuad", opts.n ?? 5));
  const [lo, hi] = [np.asArray(a), np.asArray(b)];
  for (const [name, v] of [["a", lo], ["b", hi]] as const) {
    if (v.ndim !== 0) throw new Error(`fixedQuad: ${name} must be a scalar, got shape (${v.shape})`);
    if (v.dtype !== "float64" && v.dtype !== "int32") throw new Error(`fixedQuad: ${name} must be a float64 scalar, got ${v.dtype}`);
  }
  const half = np.mul(np.sub(hi, lo), 0.5);
  const xs = np.add(np.mul(np.array(rule.nodes), half), np.mul(np.add(lo, hi), 0.5));
  const values = vmap((x: Array) => {
    const y = np.asArray(f(x));
    if (y.dtype !== "float64") throw new Error(`fixedQuad: f must return float64 values, got ${y.dtype}`);
    return y;
  })(xs);
  return np.mul(np.tensordot(np.array(rule.weights), values, [[0], [0]]), half);
}
