// Limited-memory BFGS: the inverse Hessian is applied from the last m pairs (s, y) by the
// two-loop recursion (Nocedal & Wright, Algorithm 7.4), never stored. At large n every
// pass over a vector counts, and so does every fresh vector (the engine zeroes and maps
// its pages): the pairs live in buffers allocated once, and each pass does what it can.
// From ARENA_MIN on, those buffers are a vector arena's, so the passes run in WebAssembly.
import { vectorArena } from "../../array/index.js";
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { copyAndDot, dot, negatedUpdateAndDot, norm2, pairAndProducts, updateAndDot } from "../vec.js";

/**
 * From this many variables on, the pairs, the direction and a copy of the gradient live
 * in a vector arena (array's `vectorArena`), where the two-loop recursion's passes run in
 * WebAssembly with the same bits. Whole runs on extended Rosenbrock took 0.6–0.75× the
 * time at n = 600–2000, 0.4× at 4096–10⁴ (in cache), 0.7–0.77× at 10⁵–10⁶ (memory-bound);
 * they broke even near n = 300, where making the arena costs as much as it saves.
 */
const ARENA_MIN = 512;

/**
 * The last m curvature pairs in m + 1 slots used as a ring: the slot after the newest
 * pair is free, so a candidate pair is written there and then kept or dropped without
 * disturbing the others. A plain record rather than a class instance: V8 keeps an object
 * literal's hidden class alive, while a class instance's may be collected once the run's
 * instance is garbage, and the code compiled for it is thrown away with it.
 */
interface History {
  m: number;
  count: number;
  /** The slot of the oldest pair. */
  first: number;
  s: Float64Array[];
  y: Float64Array[];
  sy: Float64Array;
  yy: Float64Array;
  /** The first loop's coefficients αₖ, read again by the second. */
  alpha: Float64Array;
  /** The search direction, then (with an arena) the gradient's copy beside the pairs. */
  d: Float64Array;
  g: Float64Array | undefined;
}

/**
 * The history for n variables. In an arena every slot is there from the start (its
 * memory is mapped as it is first written); otherwise slots are allocated on first use,
 * as a run that converges in a few iterations needs few.
 */
function history(m: number, n: number): History {
  const arena = n >= ARENA_MIN ? vectorArena(n, 2 * (m + 1) + 2) : null;
  return {
    m,
    count: 0,
    first: 0,
    s: arena?.slice(0, m + 1) ?? [],
    y: arena?.slice(m + 1, 2 * (m + 1)) ?? [],
    sy: new Float64Array(m + 1),
    yy: new Float64Array(m + 1),
    alpha: new Float64Array(m + 1),
    d: arena?.[2 * (m + 1)] ?? new Float64Array(n),
    g: arena?.[2 * (m + 1) + 1],
  };
}

/** The slot of the k-th oldest pair (k = count: the free slot). */
const slot = (h: History, k: number) => (h.first + k) % (h.m + 1);

/**
 * Writes s = x₁ − x₀, y = g₁ − g₀ into the free slot and keeps the pair if its curvature
 * is positive (so the implied H stays positive definite), dropping the oldest beyond m.
 */
function offer(h: History, x1: Float64Array, x0: Float64Array, g1: Float64Array, g0: Float64Array): void {
  const j = slot(h, h.count);
  if (h.s[j] === undefined) {
    h.s[j] = new Float64Array(x0.length);
    h.y[j] = new Float64Array(x0.length);
  }
  const [sy, yy] = pairAndProducts(x1, x0, g1, g0, h.s[j]!, h.y[j]!);
  if (!(sy > Number.EPSILON * yy)) return;
  h.sy[j] = sy;
  h.yy[j] = yy;
  if (h.count < h.m) h.count++;
  else h.first = slot(h, 1);
}

/**
 * q ← −H·g, with H the L-BFGS inverse Hessian scaled initially by γ = sᵀy / yᵀy of the
 * newest pair; returns the slope gᵀq the line search starts from. Each pass over memory
 * applies one pair's update and, in the same loop, forms the dot product the next pair
 * (or the line search) needs: half the passes of the textbook form, which at large n is
 * the cost.
 */
function twoLoop(gradient: Float64Array, h: History, q: Float64Array): number {
  const { count: m, s, y, sy, alpha } = h;
  if (m === 0) {
    for (let i = 0; i < q.length; i++) q[i] = -gradient[i]!;
    return dot(gradient, q);
  }
  // In an arena, the passes that read g read its copy there (a memcpy).
  h.g?.set(gradient);
  const g = h.g ?? gradient;
  const at = (k: number) => slot(h, k);
  const newest = at(m - 1);
  let sq = copyAndDot(q, g, s[newest]!);
  for (let k = m - 1; k >= 0; k--) {
    const j = at(k);
    alpha[k] = (1 / sy[j]!) * sq; // ρₖ·sₖᵀq, with ρₖ = 1 / sₖᵀyₖ
    // After the oldest update q is scaled by γ, and y₀ᵀq starts the second loop.
    sq = k > 0 ? updateAndDot(q, -alpha[k]!, y[j]!, 1, s[at(k - 1)]!) : updateAndDot(q, -alpha[k]!, y[j]!, sy[newest]! / h.yy[newest]!, y[j]!);
  }
  let yq = sq;
  for (let k = 0; k < m - 1; k++) {
    const j = at(k);
    yq = updateAndDot(q, alpha[k]! - (1 / sy[j]!) * yq, s[j]!, 1, y[at(k + 1)]!);
  }
  // The last pass also negates, and forms the slope gᵀq.
  return negatedUpdateAndDot(q, alpha[m - 1]! - (1 / sy[newest]!) * yq, s[newest]!, g);
}

export function lbfgs(p: Progress): Outcome {
  const { m, lr } = p.settings;
  const h = history(m, p.x.length);
  // One direction buffer for the whole run: the line search reads d only while it runs.
  const { d } = h;
  for (;;) {
    const slope = twoLoop(p.g, h, d);
    // Without history the direction is −g, of arbitrary length: the first trial moves x
    // by about 1. With history the step is scaled by γ, and 1 is the natural trial.
    const alpha0 = h.count === 0 ? (lr ?? Math.min(1, 1 / norm2(p.g))) : 1;
    const step = p.search(d, alpha0, undefined, undefined, slope);
    if (isOutcome(step)) {
      // Stale curvature pairs can give a poor direction: retry once along −g.
      if (h.count === 0) return step;
      h.count = 0;
      continue;
    }
    offer(h, step.x, p.x, step.g, p.g);
    const previous = p.x;
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
    // The pair holds its own copy of the step: the former iterate (and its gradient) is
    // read no more, and its memory serves the next trial point.
    p.recycle(previous);
  }
}
