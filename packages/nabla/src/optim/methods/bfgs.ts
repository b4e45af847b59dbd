// BFGS with a dense inverse-Hessian approximation (Nocedal & Wright, Algorithm 6.1).
import { isOutcome, type Outcome, type Progress } from "../progress.js";
import { dot, norm2, sub } from "../vec.js";

function identity(n: number): Float64Array {
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  return h;
}

/** −H·g for a row-major n×n H. */
function direction(h: Float64Array, g: Float64Array): Float64Array {
  const n = g.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += h[i * n + j]! * g[j]!;
    d[i] = -v;
  }
  return d;
}

/**
 * H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded as
 * H + ((sᵀy + yᵀHy)/(sᵀy)²) s sᵀ − (Hy sᵀ + s (Hy)ᵀ)/sᵀy, in place.
 */
function update(h: Float64Array, s: Float64Array, y: Float64Array, sy: number): void {
  const n = s.length;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += h[i * n + j]! * y[j]!;
    hy[i] = v;
  }
  const c = (sy + dot(y, hy)) / (sy * sy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h[i * n + j] = h[i * n + j]! + c * s[i]! * s[j]! - (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
  }
}

export function bfgs(p: Progress): Outcome {
  const n = p.x.length;
  let h = identity(n);
  let fresh = true;
  for (;;) {
    const d = direction(h, p.g);
    const alpha0 = fresh ? (p.settings.lr ?? Math.min(1, 1 / norm2(p.g))) : 1;
    const step = p.search(d, alpha0);
    if (isOutcome(step)) {
      // A poor approximation can give a poor direction: restart once from −g.
      if (fresh) return step;
      h = identity(n);
      fresh = true;
      continue;
    }
    const s = sub(step.x, p.x);
    const y = sub(step.g, p.g);
    const sy = dot(s, y);
    if (sy > Number.EPSILON * dot(y, y)) {
      if (fresh) {
        // Before the first update, scale H₀ = (sᵀy / yᵀy)·I (Nocedal & Wright eq. 6.20).
        const gamma = sy / dot(y, y);
        h = identity(n).map((v) => v * gamma);
        fresh = false;
      }
      update(h, s, y, sy);
    }
    const stop = p.accept(step.x, step.f, step.g);
    if (stop) return stop;
  }
}
